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


def test_an_action_that_only_answers_a_further_question_is_looked_past() -> None:
    # book_consultation -> action_also_asked -> consultation_form: the reply to a single question is
    # the form's, and the project's own rules read so (the bench counted both sides' bookings as misses).
    import yaml

    from benchmarks.answers import expected_answers
    from bot.settings import ROOT

    rules = [{"rule": "book", "steps": [{"intent": "book_consultation"}, {"action": "action_also_asked"},
                                        {"action": "consultation_form"}]},
             {"rule": "first step", "steps": [{"intent": "faq_first_step"}, {"action": "utter_faq_first_step"},
                                              {"action": "action_also_asked"}]}]
    assert rule_answers(rules) == {"book_consultation": "consultation_form", "faq_first_step": "utter_faq_first_step"}
    project = []
    for path in sorted((ROOT / "data" / "rules").glob("*.yml")):
        project += yaml.safe_load(path.read_text(encoding="utf-8")).get("rules") or []
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    expected = expected_answers(project, domain["responses"])
    assert expected["book_consultation"] and expected["request_human"] and expected["out_of_scope"]
