"""Rasa custom actions for the clinic bot and the pure helpers they use."""
