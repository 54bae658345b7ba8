"""The frozen blind sets, judged by the replies a patient sees over REST (issues 11, 12 and 14).

The sets (tests/blind/*.yml) were written by helpers who saw only the clinic page and the issue;
they are never edited to fit the model. The gates are the issues' targets where the bot meets
them; where it doesn't yet, the gate is the measured figure (rounded down), named as such, so a
change that makes patients' answers worse fails the build. docs/understanding.md has the
before/after table.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, Optional

import pytest

from tests.blind.judge import (
    Responses,
    care_figures,
    french_figures,
    load_cases,
    percent,
    run_set,
    understanding_figures,
)
from tests.blind.judge import report as summarise

pytestmark = pytest.mark.e2e
BLIND = Path(__file__).resolve().parents[1] / "blind"

# figure -> (the target, the gate). Where the bot doesn't meet a target yet, the gate is
# the figure measured at the last change to the model, rounded down a little; docs/understanding.md
# has both. Training is deterministic here (DIET's random_seed, two TensorFlow threads: two fresh
# trainings gave identical confidences), so a clean clone's model scores the same.
UNDERSTANDING: dict[str, tuple[Optional[float], float]] = {
    "FAQ answered right": (0.97, 0.97),  # 97.0% (359/370) at stop 25 (96.2% at stop 24, 94.9% at stop 23): target met
    "out of scope deflected": (0.95, 0.97),  # 100% (49/49; 95.9% before the judge counted every honest "I don't know")
    "emergencies": (1.0, 1.0),  # 100%
    "follow-ups answered in context": (0.90, 0.96),  # 96.6% (56/58; 94.8% at stop 24): target met
    "two questions: both answered or offered": (None, 0.93),  # 93.8% (30/32; 87.5% at stop 24): no target in the issue
    "another language": (None, 1.0),  # 100%
    "all turns": (None, 0.97),  # 97.2% (96.6% at stop 24)
}
# The second blind set for issue 11 (stop 24, tests/blind/understanding2.yml): written by a helper from the page
# and a brief, frozen at d59237e before it was scored; 89.5% FAQ on stop 23's code and model, 92.0% at stop 24,
# 93.2% at stop 25.
UNDERSTANDING2: dict[str, tuple[Optional[float], float]] = {
    "FAQ answered right": (0.97, 0.93),  # 93.2% (327/351): target not met
    "out of scope deflected": (0.95, 0.96),  # 96.3% (52/54): target met
    "emergencies": (1.0, 1.0),  # 100% (15/15)
    "follow-ups answered in context": (0.90, 0.93),  # 93.3% (56/60): target met
    "two questions: both answered or offered": (None, 0.8),  # 80.0% (32/40; 77.5% at stop 24)
    "another language": (None, 1.0),  # 100% (5/5; 80.0% at stop 24)
    "all turns": (None, 0.93),  # 93.2% (449/482; 92.1% at stop 24)
}
NOT_UNDERSTOOD_MAX = 0.02  # the target, met (0.5% and 0.3%)
CARE: dict[str, tuple[Optional[float], float]] = {
    "crisis and emergencies": (1.0, 1.0),  # 100% (53/53): target met
    "the rest": (0.95, 0.95),  # 95.5% (128/134; 96.3% at stop 23): target met
}


# The side-effects set (stop 23, tests/blind/side_effects_blind.yml): written after the others to check
# the side-effect and symptom changes on messages nobody tuned on; no issue target, the gates are the
# figures measured at its first scoring with those changes, rounded down (side effects 70.0% before them).
SIDE_EFFECTS: dict[str, tuple[Optional[float], float]] = {
    "side effects asked": (None, 0.78),  # 78.9% (71/90; 77.8% at stop 23)
    "after treatment": (None, 0.95),  # 96.0% (48/50)
    "emergencies": (1.0, 1.0),  # 100% (10/10)
}


def side_effects_figures(score) -> dict[str, tuple[int, int]]:
    return {
        "side effects asked": score.rate(lambda r: "side_effects" in r.expect),
        "after treatment": score.rate(lambda r: "after_treatment" in r.expect),
        "emergencies": score.rate(lambda r: "emergency" in r.expect),
        "near-misses (no false alarm, asked part answered)": score.rate(lambda r: "not_emergency" in r.expect),
        "all turns": score.rate(lambda r: True),
    }


# Issue 14's French set: every label must be answered in French.
FRENCH: dict[str, tuple[Optional[float], float]] = {
    "FAQ answered right": (0.95, 0.95),  # 96.3% (129/134): target met (97.0% at stop 21)
    "out of scope deflected": (0.90, 0.90),  # 100% (20/20)
    "emergencies and crisis": (1.0, 1.0),  # 100% (27/27)
    "negated symptoms (no false alarm)": (None, 1.0),  # 100% (10/10)
    "all turns": (None, 0.95),  # 95.8%
}


def summary(score, figures) -> list[str]:
    return summarise(score, figures).splitlines()


@pytest.fixture(scope="module")
def responses(running_bot) -> Responses:
    from bot.run import MODEL

    return Responses.from_model(MODEL)


def check(figures: dict[str, tuple[int, int]], gates: dict[str, tuple[Optional[float], float]], lines: list[str]) -> list[str]:
    """The figures below their gate; `lines` gets where each stands against the issue's target."""
    failures = []
    for name, (target, gate) in gates.items():
        right, total = figures[name]
        share = right / total if total else 1.0
        verdict = "no target in the issue" if target is None else (
            f"issue target {target:.0%} {'met' if share >= target else 'NOT met'}")
        lines.append(f"  {name:<42} {percent((right, total)):>18}  gate {gate:.0%}, {verdict}")
        if share < gate:
            failures.append(f"{name}: {percent((right, total))} < gate {gate:.0%}")
    return failures


@pytest.mark.parametrize("name,gates", [pytest.param("understanding.yml", UNDERSTANDING, id="first"),
                                        pytest.param("understanding2.yml", UNDERSTANDING2, id="second")])
def test_understanding_blind_set(running_bot, responses: Responses, report, name: str,
                                 gates: dict[str, tuple[Optional[float], float]]) -> None:
    score = run_set(load_cases(BLIND / name), running_bot.rasa_url, responses, run_id="gate")
    figures = understanding_figures(score)
    lines: list[str] = []
    failures = check(figures, gates, lines)
    unclear, in_scope = figures["'not understood' for in-scope"]
    lines.append(f"  {'not understood, in scope':<42} {percent((unclear, in_scope)):>18}  at most {NOT_UNDERSTOOD_MAX:.0%}")
    if unclear / in_scope > NOT_UNDERSTOOD_MAX:
        failures.append(f"'not understood' for in-scope questions {percent((unclear, in_scope))} > {NOT_UNDERSTOOD_MAX:.0%}")
    report(f"blind understanding set {name} (issue 11), judged by the REST reply", lines + summary(score, figures))
    assert not failures, failures


# The other sets: (file, figures, gates, title, language the labels must be answered in).
OTHER_SETS = [
    pytest.param("care.yml", care_figures, CARE, "blind care set (issue 12), judged by the REST reply", "", id="care"),
    pytest.param("french.yml", french_figures, FRENCH, "blind French set (issue 14), judged by the REST reply in French", "fr",
                 id="french"),
    pytest.param("side_effects_blind.yml", side_effects_figures, SIDE_EFFECTS,
                 "blind side-effects set (stop 23), judged by the REST reply", "", id="side-effects"),
]


@pytest.mark.parametrize("name,figures_of,gates,title,language", OTHER_SETS)
def test_blind_set(running_bot, responses: Responses, report, name: str, figures_of: Callable[[Any], dict[str, tuple[int, int]]],
                   gates: dict[str, tuple[Optional[float], float]], title: str, language: str) -> None:
    score = run_set(load_cases(BLIND / name), running_bot.rasa_url, responses, run_id="gate", language=language)
    figures = figures_of(score)
    lines: list[str] = []
    failures = check(figures, gates, lines)
    report(title, lines + summary(score, figures))
    assert not failures, failures
