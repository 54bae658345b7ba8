"""Metropolitan Dental's patient assistant: everything that is not Rasa data or an action."""
