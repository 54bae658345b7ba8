"""Rasa custom actions for the clinic bot and the pure helpers they use."""

from actions.domain import install as _use_local_domain

# The action server imports this package first: from here on, a call without the domain (endpoints.yml
# enables selective domain) gets the one read from domain.yml (actions/domain.py).
_use_local_domain()
