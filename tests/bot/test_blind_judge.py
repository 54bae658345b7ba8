"""The blind sets' judge (tests/blind/judge.py): how French replies count (issue 14)."""

from __future__ import annotations

from tests.blind.judge import Responses, judge_turn

DOMAIN = """
responses:
  utter_faq_conditions:
    - text: "It may help with migraines."
    - condition: [{type: slot, name: language, value: fr}]
      text: "Il peut aider pour les migraines."
  utter_other_language:
    - text: "English and French only."
  utter_out_of_scope:
    - text: "Sorry, I don't have that information."
  utter_also_unknown_booking:
    - text: "You also asked something the page doesn't answer."
  utter_faq_conditions_unlisted:
    - text: "The clinic's page doesn't mention {mention}, so I can't say. I can pass your question on."
  utter_faq_conditions_named:
    - text: "The clinic's page names {condition} among the conditions."
  utter_fallback:
    - text: "Sorry, I didn't understand."
    - condition: [{type: slot, name: language, value: fr}]
      text: "Désolé, je n'ai pas compris."
"""


def reply(text: str) -> list[dict[str, str]]:
    return [{"text": text}]


def test_in_the_french_set_only_the_french_answer_counts() -> None:
    responses = Responses.from_text(DOMAIN)
    assert judge_turn(responses, ["conditions"], None, reply("Il peut aider pour les migraines."), "fr")[0]
    right, _, why = judge_turn(responses, ["conditions"], None, reply("It may help with migraines."), "fr")
    assert not right and why == "conditions not answered"
    # In the English sets, either language's text of the right response counts.
    assert judge_turn(responses, ["conditions"], None, reply("It may help with migraines."))[0]


def test_other_language_is_met_by_the_multilingual_reply_or_any_french_answer_but_not_understood() -> None:
    responses = Responses.from_text(DOMAIN)
    assert judge_turn(responses, ["other_language"], None, reply("English and French only."))[0]
    assert judge_turn(responses, ["other_language"], None, reply("Il peut aider pour les migraines."))[0]
    assert not judge_turn(responses, ["other_language"], None, reply("Désolé, je n'ai pas compris."))[0]
    assert not judge_turn(responses, ["other_language"], None, reply("It may help with migraines."))[0]


def test_single_label_turns_become_nlu_examples_and_the_rest_stay_out(tmp_path) -> None:
    import yaml

    from tests.blind.to_nlu import main

    source = tmp_path / "set.yml"
    source.write_text(yaml.dump({"cases": [
        {"id": "a", "turns": [{"text": "c'est quoi  le botox?", "expect": "what_is"},
                              {"text": "et les effets?", "expect": "side_effects"}]},
        {"id": "b", "turns": [{"text": "je veux un rdv", "expect": "book"}]},
        {"id": "c", "turns": [{"text": "deux questions", "expect": ["what_is", "book"]},
                              {"text": "pas de difficulté à respirer", "expect": "not_emergency"},
                              {"text": "ATM?", "expect": "unlisted"}]},
    ]}, allow_unicode=True))
    target = tmp_path / "out" / "nlu.yml"
    assert main([str(source), str(target)]) == 0
    nlu = {block["intent"]: block["examples"].splitlines() for block in yaml.safe_load(target.read_text())["nlu"]}
    assert nlu == {"book_consultation": ["- je veux un rdv"], "faq_side_effects": ["- et les effets?"],
                   "faq_what_is": ["- c'est quoi le botox?"]}


def test_out_of_scope_is_met_by_every_form_of_the_honest_i_dont_know() -> None:
    responses = Responses.from_text(DOMAIN)
    for text in ("Sorry, I don't have that information.", "You also asked something the page doesn't answer.",
                 "The clinic's page doesn't mention sweating, so I can't say. I can pass your question on."):
        assert judge_turn(responses, ["out_of_scope"], None, reply(text))[0], text
    # Not by an answer from the page, nor by "not understood".
    assert not judge_turn(responses, ["out_of_scope"], None, reply("The clinic's page names migraines among the conditions."))[0]
    assert not judge_turn(responses, ["out_of_scope"], None, reply("Sorry, I didn't understand."))[0]
