"""Input channels of our own: SMS (Twilio-compatible), socket.io for the widget, guarded REST."""
