"""tests/conftest.py's helpers, and the rule that no test skips in silence."""

from __future__ import annotations

import configparser
import re
from pathlib import Path

import pytest

from tests.conftest import unavailable, under_ci

TESTS = Path(__file__).resolve().parent
# Only conftest.unavailable() may skip: it gives the reason, and under CI it fails instead.
SKIPPING = re.compile(r"pytest\.(skip\(|importorskip\(|mark\.skip)|\bskipif\b")


def test_unavailable_skips_with_the_reason_on_a_workstation(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="nginx not found"):
        unavailable("nginx not found")


@pytest.mark.parametrize("value", ["true", "TRUE", "1", "yes"])
def test_unavailable_fails_under_ci(monkeypatch, value):
    monkeypatch.setenv("CI", value)
    with pytest.raises(pytest.fail.Exception, match=r"nginx not found \(CI=true"):
        unavailable("nginx not found")


def test_ci_unset_or_false_is_not_ci():
    assert not under_ci({}) and not under_ci({"CI": "false"}) and not under_ci({"CI": ""})


def test_no_test_skips_except_through_unavailable():
    offenders = []
    for path in sorted(TESTS.rglob("*.py")):
        relative = path.relative_to(TESTS)
        # tests/blind is frozen and not read; this file and conftest.py name the calls on purpose.
        if relative.parts[0] == "blind" or relative.name in ("conftest.py", Path(__file__).name):
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if SKIPPING.search(line):
                offenders.append(f"tests/{relative}:{number}: {line.strip()}")
    assert offenders == [], (
        "skip through tests.conftest.unavailable(reason) (it fails under CI), and import pinned packages plainly:\n"
        + "\n".join(offenders)
    )


def test_every_skip_is_reported_with_its_reason():
    config = configparser.ConfigParser()
    config.read(TESTS.parent / "pytest.ini")
    flags = [flag for flag in config["pytest"]["addopts"].split() if flag.startswith("-r")]
    assert flags and "s" in flags[-1][2:]
