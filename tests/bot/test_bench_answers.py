"""benchmarks/answers.py: which rules give the held-out messages' expected answers."""

from __future__ import annotations

from benchmarks.answers import rule_answers


def test_rules_for_outside_forms_count_and_other_conditions_do_not() -> None:
    rules = [
        {"rule": "switch", "condition": [{"active_loop": None}],
         "steps": [{"intent": "switch_language"}, {"action": "utter_language_switched"}]},
        {"rule": "in form", "condition": [{"active_loop": "consultation_form"}],
         "steps": [{"intent": "emergency"}, {"action": "utter_emergency"}]},
        {"rule": "plain", "steps": [{"intent": "greet"}, {"action": "utter_greet"}]},
    ]
    assert rule_answers(rules) == {"switch_language": "utter_language_switched", "greet": "utter_greet"}
