"""The production launcher refuses to start with a secret key anyone could know."""

from __future__ import annotations

import pytest

from bot.settings import Settings
from deploy import run_production
from deploy.run_production import MIN_SECRET_CHARS, secret_key_problem


@pytest.mark.parametrize("key", [
    Settings().secret_key,
    "CHANGE-ME-to-64-random-characters",
    "change-me-please-0123456789abcdef0123456789",
])
def test_known_keys_are_refused(key):
    assert "placeholder" in secret_key_problem(key)


def test_short_keys_are_refused_with_the_length():
    assert secret_key_problem("a" * (MIN_SECRET_CHARS - 1)) == (
        f"SECRET_KEY has {MIN_SECRET_CHARS - 1} characters: use at least {MIN_SECRET_CHARS} random ones.")


def test_a_long_random_key_is_accepted():
    assert secret_key_problem("Zp3" * 20) is None


def test_main_exits_2_before_starting_anything(monkeypatch, capsys):
    monkeypatch.setenv("SECRET_KEY", Settings().secret_key)
    monkeypatch.setattr(run_production, "start", lambda *a, **k: pytest.fail("must not start"))
    assert run_production.main([]) == 2
    assert "Refusing to start: SECRET_KEY is the development value" in capsys.readouterr().err
