"""The project's own spaCy pipeline and the NLU components that sit in Rasa's pipeline."""
