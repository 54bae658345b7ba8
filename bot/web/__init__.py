"""The web app: the demo page with the chat widget, the widget's files, and the staff pages."""
