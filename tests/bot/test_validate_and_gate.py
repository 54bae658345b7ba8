"""bot.validate's warning filter and bot.nlu_gate's accuracy gate."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot import nlu_gate
from bot.settings import ROOT
from bot.validate import problems, responses_sent_by_code

UNUSED = "2024-01-01 10:00:00 WARNING  rasa.validator  - The utterance '{}' is not used in any story or rule."
USERWARN = "/x/rasa/validator.py:216: UserWarning: The utterance '{}' is not used in any story or rule."


def test_unused_warning_for_a_response_sent_by_code_is_not_a_problem() -> None:
    output = "\n".join([UNUSED.format("utter_invalid_email"), USERWARN.format("utter_invalid_email")])
    assert problems(output, {"utter_invalid_email"}) == []


def test_unused_warning_for_a_response_nothing_sends_is_a_problem() -> None:
    line = UNUSED.format("utter_forgotten")
    assert problems(line, {"utter_invalid_email"}) == [line.strip()]
    assert problems(USERWARN.format("utter_forgotten"), set()) == [USERWARN.format("utter_forgotten")]


def test_other_warnings_are_always_problems() -> None:
    other = [
        "2024-01-01 10:00:00 WARNING  rasa.validator  - The intent 'greet' is not used in any story or rule.",
        "  /x/rasa/shared/utils/io.py:99: UserWarning: Issue found in 'data/rules.yml': slot 'x' ...  ",
    ]
    assert problems("\n".join(other), {"utter_invalid_email", "greet"}) == [line.strip() for line in other]


def test_lines_that_are_not_warnings_are_ignored() -> None:
    output = "\n".join([
        "2024-01-01 10:00:00 INFO     rasa.validator  - Validating intents...",
        "DeprecationWarning: something in a library",
        "The utterance 'utter_forgotten' is not used in any story or rule.",  # not a warning line
        "",
    ])
    assert problems(output, set()) == []


def test_responses_sent_by_the_project_code() -> None:
    sent = responses_sent_by_code([ROOT / "actions", ROOT / "bot"])
    # Literal names in the actions, the core fallback, every form question, and every
    # utter_invalid_phone_<reason> built from a prefix.
    for name in ("utter_consultation_sent", "utter_unclear_yes_no", "utter_out_of_scope_in_form", "utter_default",
                 "utter_ask_reason", "utter_ask_confirmed", "utter_invalid_phone_too_short",
                 "utter_invalid_phone_not_north_american"):
        assert name in sent, name
    assert "utter_greet" not in sent  # named only by rules


def test_responses_sent_by_code_in_a_given_directory(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text('dispatcher.utter_message(response="utter_custom_thing")\n')
    (tmp_path / "b.txt").write_text('"utter_not_python"\n')
    sent = responses_sent_by_code([tmp_path])
    assert "utter_custom_thing" in sent
    assert "utter_not_python" not in sent


# --------------------------------------------------------------------------- NLU gate


def write_report(tmp_path: Path, accuracy: float, **intents: float) -> Path:
    report = {"accuracy": accuracy, "macro avg": {"f1-score": 0.1}, "weighted avg": {"f1-score": 0.1}}
    for name, f1 in intents.items():
        report[name] = {"precision": f1, "recall": f1, "f1-score": f1, "support": 10}
    path = tmp_path / "intent_report.json"
    path.write_text(json.dumps(report))
    return path


@pytest.mark.parametrize(
    ("accuracy", "gate", "expected"),
    [(0.94, "0.95", 1), (0.9499, "0.95", 1), (0.95, "0.95", 0), (0.99, "0.95", 0), (0.80, "0.75", 0), (0.80, "0.85", 1)],
)
def test_gate(tmp_path: Path, accuracy: float, gate: str, expected: int, capsys) -> None:
    path = write_report(tmp_path, accuracy, greet=1.0)
    assert nlu_gate.main([str(path), "--min-accuracy", gate]) == expected
    assert f"{accuracy:.4f}" in capsys.readouterr().out


def test_gate_default_threshold_is_95_percent(tmp_path: Path) -> None:
    assert nlu_gate.main([str(write_report(tmp_path, 0.949))]) == 1
    assert nlu_gate.main([str(write_report(tmp_path, 0.951))]) == 0


def test_gate_lists_weak_intents_but_not_averages(tmp_path: Path, capsys) -> None:
    path = write_report(tmp_path, 0.97, greet=0.99, faq_motto=0.5, emergency=0.85)
    assert nlu_gate.main([str(path)]) == 0
    out = capsys.readouterr().out
    assert "weaker intent: emergency f1=0.85" in out
    assert "weaker intent: faq_motto f1=0.50" in out
    assert "greet" not in out
    assert "macro avg" not in out and "weighted avg" not in out


def test_accuracy_reads_the_report() -> None:
    assert nlu_gate.accuracy({"accuracy": "0.9"}) == pytest.approx(0.9)
