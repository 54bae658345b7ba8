"""The summary's "change an answer" in French (actions.screening.wants_change)."""

from __future__ import annotations

import pytest

from actions.screening import wants_change


@pytest.mark.parametrize(
    ("message", "expected"),
    [("modifier une réponse", True), ("il y a une erreur", True), ("c'est pas correct", True),
     ("c'est correct", False), ("oui envoie", False)],
)
def test_french_wish_to_change_at_the_summary(message: str, expected: bool) -> None:
    assert wants_change(message) is expected
