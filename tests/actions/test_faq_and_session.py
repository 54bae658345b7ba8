"""FAQ answers that name the patient's condition or side effect, and the clean session start."""

from __future__ import annotations

from typing import Any, Optional

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.common import question_for_staff
from actions.faq import ActionAnswerQuestion, ActionClarify
from actions.session import ActionSessionStart
from bot.settings import ROOT, Settings, load_settings

DOMAIN: dict[str, Any] = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))


def make_tracker(text: str, intent: str, entities: Optional[list[dict[str, Any]]] = None,
                 slots: Optional[dict[str, Any]] = None, ranking: Optional[list[tuple[str, float]]] = None) -> Tracker:
    latest = {"text": text, "intent": {"name": intent, "confidence": 0.97}, "entities": entities or [],
              "intent_ranking": [{"name": n, "confidence": c} for n, c in (ranking or [(intent, 0.97)])]}
    return Tracker(
        "patient-7",
        dict(slots or {}),
        latest_message=latest,
        events=[{"event": "user", "text": text, "parse_data": latest}],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


def entity(name: str, value: str) -> dict[str, Any]:
    return {"entity": name, "value": value, "extractor": "SpacyEntityExtractor"}


async def answer(action: Any, tracker: Tracker) -> tuple[list[dict[str, Any]], CollectingDispatcher]:
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tracker, DOMAIN)
    return events, dispatcher


def responses(dispatcher: CollectingDispatcher) -> list[str]:
    return [m["response"] for m in dispatcher.messages]


# --------------------------------------------------------------------------- conditions


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("mention", "canonical"),
    [
        ("sore jaw", "jaw pain"),
        ("migraine", "migraines"),
        ("Migraines", "migraines"),
        ("teeth grinding", "muscular pain from grinding and clenching"),
        ("bruxism", "muscular pain from grinding and clenching"),
        ("stress headaches", "tension headaches"),
        ("oral-facial pain", "oral-facial pain"),
    ],
)
async def test_conditions_named(mention: str, canonical: str) -> None:
    tracker = make_tracker(f"can it help my {mention}?", "faq_conditions", [entity("condition", mention)])
    events, dispatcher = await answer(ActionAnswerQuestion(), tracker)
    assert events == [{"event": "slot", "timestamp": None, "name": "last_topic", "value": "faq_conditions"}]
    assert responses(dispatcher) == ["utter_faq_conditions_named"]
    assert dispatcher.messages[0]["condition"] == canonical


@pytest.mark.asyncio
@pytest.mark.parametrize(("mention", "name"), [("TMJ", "TMJ"), ("lockjaw", "lockjaw"), ("tmd", "TMD")])
async def test_a_condition_the_page_does_not_name_is_said_so(mention: str, name: str) -> None:
    # Issue 12: lockjaw is not the page's jaw pain; the reply says what the page lists.
    entities = [entity("unlisted", mention), entity("condition", "migraine")]
    _, dispatcher = await answer(ActionAnswerQuestion(), make_tracker(f"can it help {mention} and migraine", "faq_conditions", entities))
    assert responses(dispatcher) == ["utter_faq_conditions_unlisted"]
    assert dispatcher.messages[0]["mention"] == name


@pytest.mark.asyncio
@pytest.mark.parametrize("entities", [[], [entity("condition", "back pain")], [entity("condition", "")]])
async def test_conditions_general_answer(entities: list[dict[str, Any]]) -> None:
    tracker = make_tracker("what does it treat", "faq_conditions", entities)
    _, dispatcher = await answer(ActionAnswerQuestion(), tracker)
    assert responses(dispatcher) == ["utter_faq_conditions"]
    assert "condition" not in dispatcher.messages[0]


@pytest.mark.asyncio
async def test_the_menu_intent_with_a_condition_answers_about_it() -> None:
    # "Can you help with my migraines?" read as the menu: the condition decides.
    tracker = make_tracker("can you help with my migraines", "show_menu", [entity("condition", "migraines")])
    _, dispatcher = await answer(ActionAnswerQuestion(), tracker)
    assert responses(dispatcher) == ["utter_faq_conditions_named"]
    _, plain = await answer(ActionAnswerQuestion(), make_tracker("what can you help with", "show_menu"))
    assert responses(plain) == ["utter_menu"]


# --------------------------------------------------------------------------- side effects


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("mention", "canonical"),
    [
        ("dry mouth", "temporary dry mouth"),
        ("droopy eyelids", "eyelid droop"),
        ("ptosis", "eyelid droop"),
        ("tired", "temporary fatigue"),
        ("blurry vision", "blurred vision"),
    ],
)
async def test_side_effects_named(mention: str, canonical: str) -> None:
    tracker = make_tracker(f"can it cause {mention}?", "faq_side_effects", [entity("side_effect", mention)])
    _, dispatcher = await answer(ActionAnswerQuestion(), tracker)
    assert responses(dispatcher) == ["utter_faq_side_effect_named"]
    assert dispatcher.messages[0]["side_effect"] == canonical


@pytest.mark.asyncio
async def test_an_unlisted_side_effect_is_never_confirmed() -> None:
    tracker = make_tracker("does it cause bruising", "faq_side_effects", [entity("unlisted", "bruising")])
    _, dispatcher = await answer(ActionAnswerQuestion(), tracker)
    assert responses(dispatcher) == ["utter_faq_side_effect_unlisted"]
    assert dispatcher.messages[0]["mention"] == "bruising"


STORY_TMJ = ("I tried a night guard, then physio, then a muscle relaxant and nothing fixed my TMJ. "
             "I'm willing to try anything at this point. How well does botox work?")


@pytest.mark.asyncio
@pytest.mark.parametrize(("text", "intent", "expected"), [
    # A story's background term is not what it asks (development set 3).
    (STORY_TMJ, "faq_effectiveness", "utter_faq_effectiveness"),
    # Named in the question itself, it is: the page doesn't mention it.
    ("I tried a night guard and physio and a muscle relaxant for years and nothing worked for me. "
     "Does botox work for TMJ?", "faq_effectiveness", "utter_faq_conditions_unlisted"),
    ("does it work for TMJ", "faq_effectiveness", "utter_faq_conditions_unlisted"),
])
async def test_an_unlisted_term_decides_a_helps_question_only_in_the_question_part(
        text: str, intent: str, expected: str) -> None:
    start = text.find("TMJ")
    found = {**entity("unlisted", "TMJ"), "start": start, "end": start + 3}
    _, dispatcher = await answer(ActionAnswerQuestion(), make_tracker(text, intent, [found]))
    assert responses(dispatcher)[0] == expected


@pytest.mark.asyncio
async def test_a_side_effect_read_as_a_condition_question_is_answered_as_a_side_effect() -> None:
    tracker = make_tracker("and dry mouth?", "faq_conditions", [entity("side_effect", "dry mouth")])
    events, dispatcher = await answer(ActionAnswerQuestion(), tracker)
    assert responses(dispatcher) == ["utter_faq_side_effect_named"]
    assert events[0]["value"] == "faq_side_effects"


@pytest.mark.asyncio
async def test_headache_as_a_side_effect_stays_a_side_effect() -> None:
    tracker = make_tracker("does it cause headaches", "faq_side_effects", [entity("condition", "headaches")])
    _, dispatcher = await answer(ActionAnswerQuestion(), tracker)
    assert responses(dispatcher) == ["utter_faq_side_effects"]


def test_no_answer_about_a_patients_case_opens_with_yes() -> None:
    for name in ("utter_faq_conditions_named", "utter_faq_conditions_unlisted", "utter_faq_side_effect_named",
                 "utter_faq_side_effect_unlisted", "utter_own_case", "utter_faq_conditions", "utter_faq_side_effects"):
        for variant in DOMAIN["responses"][name]:
            assert not variant["text"].lower().startswith(("yes", "oui")), name


def test_named_responses_use_the_values_the_actions_fill() -> None:
    responses_ = DOMAIN["responses"]
    assert all("{condition}" in v["text"] for v in responses_["utter_faq_conditions_named"])
    assert all("{side_effect}" in v["text"] for v in responses_["utter_faq_side_effect_named"])
    assert all("{mention}" in v["text"] for v in responses_["utter_faq_conditions_unlisted"] + responses_["utter_faq_side_effect_unlisted"])
    for action in (ActionAnswerQuestion(), ActionClarify()):
        assert action.name() in DOMAIN["actions"]


# --------------------------------------------------------------------------- two questions


@pytest.mark.asyncio
@pytest.mark.parametrize("text, payload", [
    # "a real person?" asks what the bot is: the button is the other question, not a person.
    ("Are you a real person? And what is botulinum toxin exactly?", "/faq_ingredient"),
    ("are you a robot? 🤖 can I get a human", "/request_human"),
])
async def test_after_are_you_a_bot_the_button_is_the_other_question(text: str, payload: str) -> None:
    from actions.faq import ActionAlsoAsked

    tracker = make_tracker(text, "bot_challenge", ranking=[("bot_challenge", 0.9), ("faq_side_effects", 0.05)])
    _, dispatcher = await answer(ActionAlsoAsked(), tracker)
    assert [b["payload"] for m in dispatcher.messages for b in m.get("buttons") or []] == [payload]


@pytest.mark.asyncio
async def test_two_questions_in_one_message_are_both_answered() -> None:
    tracker = make_tracker("what are the side effects and is dr walters trained in this?", "faq_side_effects",
                           ranking=[("faq_side_effects", 0.6), ("faq_dr_training", 0.3), ("faq_what_is", 0.05)])
    events, dispatcher = await answer(ActionAnswerQuestion(), tracker)
    assert responses(dispatcher) == ["utter_faq_side_effects", "utter_faq_dr_training"]
    assert events[-1]["value"] == "faq_dr_training"


@pytest.mark.asyncio
async def test_a_second_question_the_classifier_did_not_rank_is_offered_as_a_button() -> None:
    tracker = make_tracker("is it approved? also can I book", "faq_approval", ranking=[("faq_approval", 0.9)])
    _, dispatcher = await answer(ActionAnswerQuestion(), tracker)
    # The words say the button starts a booking, not that it shows an answer.
    assert responses(dispatcher) == ["utter_faq_approval", "utter_also_asked_book"]
    assert dispatcher.messages[1]["buttons"] == [{"title": "Book a consultation", "payload": "/book_consultation"}]


@pytest.mark.asyncio
async def test_one_question_gets_one_answer() -> None:
    for text in ("does it work for migraines?", "what are the side effects?", "/faq_side_effects"):
        _, dispatcher = await answer(ActionAnswerQuestion(), make_tracker(text, "faq_side_effects"))
        assert len(dispatcher.messages) == 1, text


# --------------------------------------------------------------------------- not sure


@pytest.mark.asyncio
async def test_torn_between_topics_offers_them_and_something_else() -> None:
    tracker = make_tracker("how long is it good for", "nlu_fallback",
                           ranking=[("nlu_fallback", 0.45), ("faq_effectiveness", 0.33), ("faq_what_is", 0.2),
                                    ("greet", 0.15), ("faq_motto", 0.02)])
    _, dispatcher = await answer(ActionClarify(), tracker)
    assert responses(dispatcher) == ["utter_did_you_mean"]
    assert [b["payload"] for b in dispatcher.messages[0]["buttons"]] == ["/faq_effectiveness", "/faq_what_is", "/request_human"]
    assert dispatcher.messages[0]["buttons"][0]["title"] == "How effective it is"


@pytest.mark.asyncio
async def test_something_else_is_not_offered_twice_beside_a_person() -> None:
    # "real person": torn between a person and what the bot is; "Something else" passes the question to
    # the team too, so it would be the same button twice (development set 9).
    tracker = make_tracker("real person", "nlu_fallback",
                           ranking=[("nlu_fallback", 0.35), ("request_human", 0.36), ("bot_challenge", 0.32)])
    _, dispatcher = await answer(ActionClarify(), tracker)
    payloads = [b["payload"] for b in dispatcher.messages[0]["buttons"]]
    assert payloads.count("/request_human") == 1


@pytest.mark.asyncio
async def test_torn_between_topics_the_message_names_answers_them() -> None:
    tracker = make_tracker("who is this for and how do i get started", "nlu_fallback",
                           ranking=[("nlu_fallback", 0.45), ("faq_first_step", 0.3), ("faq_candidates", 0.25)])
    events, dispatcher = await answer(ActionClarify(), tracker)
    assert responses(dispatcher) == ["utter_faq_candidates", "utter_faq_first_step"]
    assert events == [{"event": "slot", "timestamp": None, "name": "last_topic", "value": "faq_first_step"}]


@pytest.mark.asyncio
async def test_torn_between_topics_what_else_the_message_asks_is_offered() -> None:
    # The guesses named the first question only; the booking it also asks for is offered.
    tracker = make_tracker("Who is it for, and can I book a consult?", "nlu_fallback",
                           ranking=[("nlu_fallback", 0.45), ("faq_candidates", 0.3), ("faq_what_is", 0.2)])
    _, dispatcher = await answer(ActionClarify(), tracker)
    assert responses(dispatcher) == ["utter_faq_candidates", "utter_also_asked_book"]
    assert dispatcher.messages[1]["buttons"] == [{"title": "Book a consultation", "payload": "/book_consultation"}]


@pytest.mark.asyncio
async def test_nothing_close_gets_the_topics() -> None:
    tracker = make_tracker("zzz qqq", "nlu_fallback", ranking=[("nlu_fallback", 0.45), ("greet", 0.3), ("faq_motto", 0.05)])
    _, dispatcher = await answer(ActionClarify(), tracker)
    assert responses(dispatcher) == ["utter_fallback"]
    assert any(b["payload"] == "/faq_conditions" for b in DOMAIN["responses"]["utter_fallback"][0]["buttons"])


@pytest.mark.asyncio
async def test_a_term_alone_is_answered_even_when_the_classifier_is_unsure() -> None:
    tracker = make_tracker("grinding?", "nlu_fallback", [entity("condition", "grinding")], ranking=[("nlu_fallback", 0.45)])
    events, dispatcher = await answer(ActionClarify(), tracker)
    assert responses(dispatcher) == ["utter_faq_conditions_named"]
    assert events[0]["value"] == "faq_conditions"


def located(name: str, value: str, text: str) -> dict[str, Any]:
    return {**entity(name, value), "start": text.index(value), "end": text.index(value) + len(value)}


GRIND_STORY = ("My wife saw your ad and thinks I should go because I grind my teeth at night. "
               "I'm kind of skeptical of anything with the word botox in it. Is it actually safe?")
TORN = [("nlu_fallback", 0.45), ("faq_safety_overview", 0.3), ("faq_conditions", 0.2)]


@pytest.mark.asyncio
async def test_an_unsure_story_is_answered_by_its_question_not_by_its_background() -> None:
    # "grind" is the story's; "is it actually safe?" is what it asks (before: the grinding answer).
    tracker = make_tracker(GRIND_STORY, "nlu_fallback", [located("condition", "grind", GRIND_STORY)], ranking=TORN)
    events, dispatcher = await answer(ActionClarify(), tracker)
    assert responses(dispatcher) == ["utter_faq_safety_overview"]
    assert events[0]["value"] == "faq_safety_overview"


@pytest.mark.asyncio
async def test_an_unsure_story_whose_question_names_a_term_is_answered_about_it() -> None:
    text = ("I've had headaches for years and tried everything my doctor gave me, nothing worked. "
            "Now my jaw is sore every morning as well. Is it actually safe for jaw pain?")
    entities = [located("condition", "headaches", text), located("condition", "jaw pain", text)]
    _, dispatcher = await answer(ActionClarify(), make_tracker(text, "nlu_fallback", entities, ranking=TORN))
    assert responses(dispatcher) == ["utter_faq_conditions_named"]
    assert dispatcher.messages[0]["condition"] == "jaw pain"


@pytest.mark.asyncio
async def test_an_unsure_story_whose_question_names_nothing_falls_back_on_its_term() -> None:
    # "Would it be an option for someone like me?" names no topic: the story's migraines decide.
    text = ("I have had migraines since I was a teenager and I have tried every pill out there with "
            "no luck at all. Would it be an option for someone like me?")
    entities = [located("condition", "migraines", text)]
    tracker = make_tracker(text, "nlu_fallback", entities, ranking=[("nlu_fallback", 0.45), ("faq_conditions", 0.3)])
    _, dispatcher = await answer(ActionClarify(), tracker)
    assert responses(dispatcher) == ["utter_faq_conditions_named"]


def test_every_offered_topic_has_a_title() -> None:
    from actions.topics import TOPIC_PATTERNS

    titles = {n.removeprefix("utter_topic_title_") for n in DOMAIN["responses"] if n.startswith("utter_topic_title_")}
    assert set(TOPIC_PATTERNS) <= titles
    assert {i for i in DOMAIN["intents"] if str(i).startswith("faq_")} <= titles


# --------------------------------------------------------------------------- session start


def session_tracker() -> Tracker:
    carried = {
        "reason": "migraines",
        "phone": "+16137221234",
        "pregnancy": "yes",
        "consent_given": True,
        "clinic_contact": "old value",
        "emergency_mentioned": True,
    }
    return Tracker("+16137221234", carried, latest_message={}, events=[], paused=False, followup_action=None,
                   active_loop={}, latest_action_name=None)


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("settings", "contact"),
    [
        (Settings(clinic_phone="613-555-0100"), "Metropolitan Dental (613-555-0100)"),
        (Settings(clinic_phone=""), "Metropolitan Dental"),
        (load_settings({"CLINIC_NAME": "Metro Dental", "CLINIC_PHONE": "1-800-555-0199"}),
         "Metro Dental (1-800-555-0199)"),
    ],
)
async def test_session_start_sets_only_the_clinic_contact(settings: Settings, contact: str) -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionSessionStart(settings=settings).run(dispatcher, session_tracker(), DOMAIN)
    assert [e["event"] for e in events] == ["session_started", "slot", "action"]
    assert events[0]["event"] == "session_started"
    slot_sets = [e for e in events if e["event"] == "slot"]
    assert slot_sets == [{"event": "slot", "timestamp": None, "name": "clinic_contact", "value": contact}]
    assert events[-1]["name"] == "action_listen"
    assert dispatcher.messages == []


def test_session_config_does_not_carry_slots_over() -> None:
    assert DOMAIN["session_config"]["carry_over_slots_to_new_session"] is False
    assert ActionSessionStart().name() == "action_session_start"


# --------------------------------------------------------------------------- a patient's own case


@pytest.mark.asyncio
@pytest.mark.parametrize(("text", "item"), [
    ("I'm pregnant, can I still get it?", "utter_faq_safety_pregnancy"),
    ("my face muscles r weak on the left, does that matter", "utter_faq_safety_facial_weakness"),
    ("having my gallbladder out in march, should i mention that", "utter_faq_safety_surgery"),
])
async def test_own_case_with_a_safety_topic_gives_the_pages_words_then_the_team_decides(text: str, item: str) -> None:
    _, dispatcher = await answer(ActionAnswerQuestion(), make_tracker(text, "own_case"))
    assert responses(dispatcher) == [item, "utter_own_case_short"]


@pytest.mark.asyncio
async def test_own_case_without_a_page_topic_gets_the_general_answer() -> None:
    _, dispatcher = await answer(ActionAnswerQuestion(), make_tracker("I'm allergic to eggs, is it ok for me?", "own_case"))
    assert responses(dispatcher) == ["utter_own_case"]


@pytest.mark.asyncio
@pytest.mark.parametrize(("text", "item"), [
    # Whether it is safe: the page's safety information (then the clenching it tells of is offered as a second question).
    ("I'm 24, I clench so hard during exams my teeth hurt, but I'm nervous about needles and stuff going wrong, is it safe?",
     "utter_faq_safety_overview"),
    # Whether it suits them: who it may suit.
    ("I'm 67 and my doctor took me off ibuprofen after a bleed. Would someone like me who can't really take pain meds be "
     "a good fit for this?", "utter_faq_candidates"),
])
async def test_own_case_asking_whether_it_is_safe_or_suits_them_gets_the_pages_words_then_the_team_decides(
        text: str, item: str) -> None:
    _, dispatcher = await answer(ActionAnswerQuestion(), make_tracker(text, "own_case"))
    assert responses(dispatcher)[:2] == [item, "utter_own_case_short"]


@pytest.mark.asyncio
async def test_own_case_in_a_story_takes_the_item_its_question_names_first() -> None:
    text = ("Hi, I've had migraines since I was a teenager, tried triptans, topiramate, acupuncture, the works, and my "
            "neurologist brought up Botox, but then we started trying for a baby last month so I put everything on "
            "hold. Is it ok to get it if we're trying to get pregnant?")
    _, dispatcher = await answer(ActionAnswerQuestion(), make_tracker(text, "own_case"))
    assert responses(dispatcher)[0] == "utter_faq_safety_pregnancy"


@pytest.mark.asyncio
@pytest.mark.parametrize("ranking, expected", [
    # The safeguard put own_case over the classifier's facial-weakness reading: that item, then the team.
    ([("own_case", 1.0), ("faq_safety_facial_weakness", 0.6)], ["utter_faq_safety_facial_weakness", "utter_own_case_short"]),
    # A reading the classifier was hardly sure of, or a general one, adds nothing.
    ([("own_case", 1.0), ("faq_safety_facial_weakness", 0.1)], ["utter_own_case"]),
    ([("own_case", 1.0), ("faq_safety_overview", 0.6)], ["utter_own_case"]),
    ([("own_case", 1.0), ("faq_motto", 0.5), ("greet", 0.3), ("faq_safety_surgery", 0.2)], ["utter_own_case"]),
])
async def test_own_case_without_the_topics_words_takes_the_classifiers_safety_reading(
        ranking: list[tuple[str, float]], expected: list[str]) -> None:
    tracker = make_tracker("my left cheek droops a bit and i cant lift my brow, does that matter", "own_case", ranking=ranking)
    _, dispatcher = await answer(ActionAnswerQuestion(), tracker)
    assert responses(dispatcher) == expected


@pytest.mark.asyncio
async def test_a_misspelt_unlisted_term_from_the_entity_ruler_gets_the_unlisted_answer() -> None:
    """The ruler matched the speller's "tinnitus"; the entity's value is "tinitus" as typed."""
    entities = [{"entity": "unlisted", "value": "tinitus", "start": 17, "end": 24, "extractor": "SpacyEntityExtractor"}]
    _, dispatcher = await answer(ActionAnswerQuestion(), make_tracker("can botox fix my tinitus", "faq_conditions", entities))
    assert responses(dispatcher) == ["utter_faq_conditions_unlisted"]
    assert dispatcher.messages[0]["mention"] == "tinnitus"


@pytest.mark.asyncio
@pytest.mark.parametrize(("text", "last_topic", "expected"), [
    # Development set 4: "my face is weak on one side from an old injury" answered, then this.
    ("is it still ok to do it then?", "faq_safety_facial_weakness",
     ["utter_faq_safety_facial_weakness", "utter_own_case_short"]),
    # Not after the general safety answer, nor when the follow-up names a topic of its own.
    ("is it still ok to do it then?", "faq_safety_overview", ["utter_own_case"]),
    ("and if I'm on blood thinners, is that ok for me then?", "faq_safety_facial_weakness",
     ["utter_faq_safety_medications", "utter_own_case_short"]),
    # Not a follow-up: a situation of its own, the general answer.
    ("I'm allergic to eggs, is it ok for me?", "faq_safety_facial_weakness", ["utter_own_case"]),
])
async def test_an_own_case_follow_up_that_names_nothing_takes_the_safety_topic_just_answered(
        text: str, last_topic: str, expected: list[str]) -> None:
    _, dispatcher = await answer(ActionAnswerQuestion(), make_tracker(text, "own_case", slots={"last_topic": last_topic}))
    assert responses(dispatcher) == expected


@pytest.mark.asyncio
async def test_a_page_question_with_are_you_a_bot_gets_both_answers_and_no_person_offered() -> None:
    """Development set 4: "r u a real person" beside a page question offered a message to the team."""
    tracker = make_tracker("is it for people who cant take meds? also r u a real person", "faq_candidates",
                           ranking=[("faq_candidates", 0.8), ("bot_challenge", 0.1)])
    _, dispatcher = await answer(ActionAnswerQuestion(), tracker)
    assert responses(dispatcher) == ["utter_faq_candidates", "utter_bot_challenge"]


@pytest.mark.asyncio
async def test_own_case_then_another_question_answers_both() -> None:
    tracker = make_tracker("I have ALS, can I get it? and what are the side effects", "own_case",
                           ranking=[("own_case", 0.7), ("faq_side_effects", 0.2)])
    _, dispatcher = await answer(ActionAnswerQuestion(), tracker)
    assert responses(dispatcher) == ["utter_faq_safety_nerve", "utter_own_case_short", "utter_faq_side_effects"]


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("metadata", "language"),
    [({"language": "fr"}, "fr"), ({"language": "fr-CA"}, "fr"), ({"language": "en_US"}, "en"),
     ({"language": "es"}, None), ({"language": 3}, None), ("fr", None), (None, None)],
)
async def test_session_start_takes_the_widget_pages_language(metadata, language) -> None:
    tracker = session_tracker()
    tracker.slots["session_started_metadata"] = metadata
    events = await ActionSessionStart(settings=Settings()).run(CollectingDispatcher(), tracker, DOMAIN)
    set_language = [e["value"] for e in events if e["event"] == "slot" and e["name"] == "language"]
    assert set_language == ([language] if language else [])
    assert events[-1]["name"] == "action_listen"


@pytest.mark.asyncio
async def test_headache_right_after_the_side_effects_is_a_side_effect() -> None:
    tracker = make_tracker("how about headache", "faq_conditions", [entity("condition", "headache")],
                           slots={"last_topic": "faq_side_effects"})
    events, dispatcher = await answer(ActionAnswerQuestion(), tracker)
    assert responses(dispatcher) == ["utter_faq_side_effects"]
    assert events[0]["value"] == "faq_side_effects"


@pytest.mark.asyncio
@pytest.mark.parametrize("last_topic", [None, "faq_conditions", "faq_what_is"])
async def test_headache_in_any_other_context_is_the_pages_condition(last_topic: Optional[str]) -> None:
    tracker = make_tracker("how about headache", "faq_conditions", [entity("condition", "headache")],
                           slots={"last_topic": last_topic})
    _, dispatcher = await answer(ActionAnswerQuestion(), tracker)
    assert responses(dispatcher) == ["utter_faq_conditions_named"]


# --------------------------------------------------------------------------- what else the message asks


@pytest.mark.asyncio
@pytest.mark.parametrize(("text", "intent", "expected"), [
    # The first-step answer is a plain response (booking from its offer is a rule): a question the
    # page doesn't answer is said, a page question answered.
    ("do u take insurance and what happens at the consult", "faq_first_step", ["utter_also_unknown"]),
    ("what happens at the first visit? and what are the side effects", "faq_first_step", ["utter_faq_side_effects"]),
    # Out of scope, opening with a page question.
    ("what are the side effects and how long does it last", "out_of_scope", ["utter_faq_side_effects"]),
    # A person or a booking asked for with a page question: answered before it starts.
    ("can it help with clenching? also i'd like someone to call me", "request_human", ["utter_faq_conditions"]),
    ("is it approved in canada? i want to book a consultation", "book_consultation", ["utter_faq_approval"]),
    ("how much is it and can i book a consult", "book_consultation", ["utter_also_unknown_booking"]),
    # Nothing more: nothing said.
    ("how much does botox for migraines cost", "out_of_scope", []),
    ("what happens at the first visit?", "faq_first_step", []),
    ("i want to book a consultation please", "book_consultation", []),
    # A question carried to a person anyway is not called unanswerable.
    ("can someone call me about the price? what do you charge", "request_human", []),
    ("/faq_first_step", "faq_first_step", []),
    # Asked with "are you a bot?": the other question or a person offered (a button); nothing else said.
    ("Are you a real person? And what is botulinum toxin exactly?", "bot_challenge", ["utter_also_asked"]),
    ("are you a robot? 🤖 can I get a human", "bot_challenge", ["utter_also_asked_human"]),
    ("are you a bot?", "bot_challenge", []),
    # A page question with "are you a bot?" (development set 4): what the bot is, said, not a person offered.
    ("is it for people who cant take meds? also r u a real person", "faq_candidates", ["utter_bot_challenge"]),
    ("is it approved? are you a bot? and can i book", "faq_approval", ["utter_bot_challenge", "utter_also_asked_book"]),
    # A booking with a person asked for too (development set 8): the person offered before the booking starts.
    ("book me a consult, also can I talk to a real person", "book_consultation", ["utter_also_asked_human"]),
])
async def test_what_else_the_message_asks_is_answered_or_said(text: str, intent: str, expected: list[str]) -> None:
    from actions.faq import ActionAlsoAsked

    ranking = [(intent, 0.9), ("faq_side_effects", 0.05)]
    _, dispatcher = await answer(ActionAlsoAsked(), make_tracker(text, intent, ranking=ranking))
    assert responses(dispatcher) == expected


# --------------------------------------------------------------------------- development set 5

STORY_MIGRAINES = ("I've had migraines since I was a teenager and I'm 42 now. I've tried Imitrex, Topamax, and even "
                   "acupuncture with no luck. What side effects would I be looking at?")


@pytest.mark.asyncio
async def test_a_storys_background_condition_does_not_turn_a_side_effects_question_into_conditions() -> None:
    found = {**entity("condition", "migraines"), "start": STORY_MIGRAINES.find("migraines")}
    _, dispatcher = await answer(ActionAnswerQuestion(), make_tracker(STORY_MIGRAINES, "faq_side_effects", [found]))
    assert responses(dispatcher)[0] == "utter_faq_side_effects"
    # Named in the question part, the condition still decides ("does it cause migraines" is a
    # conditions question the classifier misread; only headaches are on both lists).
    short = make_tracker("and for migraines?", "faq_side_effects", [{**entity("condition", "migraines"), "start": 8}])
    _, dispatcher = await answer(ActionAnswerQuestion(), short)
    assert responses(dispatcher)[0] == "utter_faq_conditions_named"


@pytest.mark.asyncio
@pytest.mark.parametrize(("text", "expected"), [
    ("cons", "utter_faq_side_effects"),
    ("isnt botox a posion", "utter_faq_ingredient"),
    ("wat r ur hrs", "utter_out_of_scope"),
])
async def test_a_fragment_that_names_one_topic_is_answered_though_the_guesses_missed_it(text: str, expected: str) -> None:
    tracker = make_tracker(text, "nlu_fallback", ranking=[("nlu_fallback", 0.35), ("affirm", 0.07), ("greet", 0.07)])
    _, dispatcher = await answer(ActionClarify(), tracker)
    assert responses(dispatcher) == [expected]


@pytest.mark.asyncio
async def test_a_fragment_naming_two_topics_is_still_asked_about() -> None:
    tracker = make_tracker("safe? approved?", "nlu_fallback",
                           ranking=[("nlu_fallback", 0.35), ("faq_motto", 0.2), ("greet", 0.15)])
    _, dispatcher = await answer(ActionClarify(), tracker)
    assert responses(dispatcher) == ["utter_did_you_mean"]


@pytest.mark.asyncio
@pytest.mark.parametrize(("text", "intent", "entities", "expected"), [
    # The classifier read the condition the treatment is for; the question names the side effects.
    ("wat r the side efects of botox for grinding", "faq_conditions",
     [{**entity("condition", "grinding"), "start": 35}], "utter_faq_side_effects"),
    ("any SEs w/ botox for TMJ?", "faq_conditions", [{**entity("unlisted", "TMJ"), "start": 21}], "utter_faq_side_effects"),
    ("What are the risks of getting Botox for jaw pain?", "faq_safety_overview",
     [{**entity("condition", "jaw pain"), "start": 40}], "utter_faq_side_effects"),
    # A side effect the page doesn't list is still said so.
    ("is bruising a side effect?", "faq_side_effects", [{**entity("unlisted", "bruising"), "start": 3}],
     "utter_faq_side_effect_unlisted"),
])
async def test_side_effects_asked_outright_are_answered_whatever_the_treatment_is_for(
        text: str, intent: str, entities: list[dict[str, Any]], expected: str) -> None:
    _, dispatcher = await answer(ActionAnswerQuestion(), make_tracker(text, intent, entities))
    assert responses(dispatcher)[0] == expected


# --------------------------------------------------------------------------- development set 6 (stop 24)

PAIN = {"entity": "side_effect", "value": "injection site pain", "extractor": "InjectionPain"}


@pytest.mark.asyncio
@pytest.mark.parametrize(("text", "expected"), [
    # That the page doesn't say how the injections feel (with the offer to pass the question on), then
    # what it does say: injection-site discomfort among the side effects.
    ("does it hurt?", ["utter_out_of_scope", "utter_faq_side_effect_injection_pain"]),
    # A further question the page doesn't answer is said, never dropped.
    ("how sore after and can i go to work", ["utter_out_of_scope", "utter_faq_side_effect_injection_pain", "utter_also_unknown"]),
])
async def test_does_it_hurt_gets_the_pages_injection_site_discomfort(text: str, expected: list[str]) -> None:
    _, dispatcher = await answer(ActionAnswerQuestion(), make_tracker(text, "faq_side_effects", entities=[PAIN]))
    assert responses(dispatcher) == expected


@pytest.mark.asyncio
async def test_a_pain_question_naming_another_side_effect_gets_the_list() -> None:
    entities = [PAIN, entity("side_effect", "headache")]
    _, dispatcher = await answer(ActionAnswerQuestion(), make_tracker("does it hurt or give you headaches", "faq_side_effects",
                                                                      entities=entities))
    assert responses(dispatcher) == ["utter_faq_side_effect_named"]


@pytest.mark.asyncio
async def test_an_unsure_reading_answered_by_its_term_still_says_what_else_it_asks() -> None:
    # Torn between the side effects and out of scope: the term answers the first question, and the
    # second ("how many sessions") is said to be one the page doesn't answer (development set 5).
    tracker = make_tracker("does it cause dry mouth? and how many sessions do i need", "nlu_fallback",
                           entities=[entity("side_effect", "dry mouth")],
                           ranking=[("nlu_fallback", 0.35), ("faq_side_effects", 0.52), ("out_of_scope", 0.47)])
    _, dispatcher = await answer(ActionClarify(), tracker)
    assert responses(dispatcher) == ["utter_faq_side_effect_named", "utter_also_unknown"]


@pytest.mark.asyncio
@pytest.mark.parametrize(("text", "item"), [
    ("im on sertraline, can i still get it", "utter_faq_safety_medications"),
    ("I had a heart valve replaced so I'm on Coumadin for life, is that ok", "utter_faq_safety_medical_conditions"),
    ("i have a hart condition is botox ok", "utter_faq_safety_medical_conditions"),
    ("im getting knee surgry next month is that a problem", "utter_faq_safety_surgery"),
])
async def test_own_case_named_by_a_drug_or_a_misspelling_gives_the_pages_item(text: str, item: str) -> None:
    _, dispatcher = await answer(ActionAnswerQuestion(), make_tracker(text, "own_case"))
    assert responses(dispatcher)[0] == item
    assert responses(dispatcher)[-1] == "utter_own_case_short"


def _conversation(*turns: tuple[str, str]) -> Tracker:
    events = [{"event": "user", "text": text, "parse_data": {"intent": {"name": intent}}} for text, intent in turns]
    return Tracker("patient-7", {}, latest_message=events[-1]["parse_data"] | {"text": turns[-1][0]}, events=events,
                   paused=False, followup_action=None, active_loop={}, latest_action_name="action_listen")


@pytest.mark.parametrize(("first", "carried"), [
    # The injection-pain answer offers to pass the question on: "Pass my question to the team" carries it.
    (("does it hurt?", "faq_side_effects"), "does it hurt?"),
    # Any other answered side-effects question breaks the chain, as any answered FAQ does.
    (("what are the side effects", "faq_side_effects"), None),
])
def test_the_question_passed_to_the_team_is_the_one_the_page_could_not_fully_answer(
        first: tuple[str, str], carried: Optional[str]) -> None:
    assert question_for_staff(_conversation(first, ("/request_human", "request_human"))) == carried



@pytest.mark.asyncio
async def test_a_menu_reading_of_a_question_naming_one_topic_answers_it() -> None:
    text = "Before I go ahead, could you tell me what I should disclose ahead of treatment?"
    _, dispatcher = await answer(ActionAnswerQuestion(), make_tracker(text, "show_menu"))
    assert responses(dispatcher) == ["utter_faq_safety_overview"]
    _, menu = await answer(ActionAnswerQuestion(), make_tracker("what can you do", "show_menu"))
    assert responses(menu) == ["utter_menu"]


@pytest.mark.asyncio
async def test_a_condition_asked_right_after_the_approval_is_the_approval() -> None:
    tracker = make_tracker("and for migraines specifically?", "faq_conditions", entities=[entity("condition", "migraines")],
                           slots={"last_topic": "faq_approval"})
    _, dispatcher = await answer(ActionAnswerQuestion(), tracker)
    assert responses(dispatcher) == ["utter_faq_approval"]


@pytest.mark.asyncio
async def test_a_storys_background_condition_does_not_decide_its_question() -> None:
    text = ("Honestly I'm at my wits' end. I've had a headache pretty much every day for 3 months and I've tried "
            "everything. My doctor said maybe botox. Where do I even start?")
    condition = {**entity("condition", "headache"), "start": text.index("headache"), "end": text.index("headache") + 8}
    _, dispatcher = await answer(ActionAnswerQuestion(), make_tracker(text, "faq_conditions", entities=[condition]))
    assert responses(dispatcher)[0] == "utter_faq_first_step"


@pytest.mark.asyncio
async def test_an_unsure_follow_up_naming_nothing_new_is_about_the_last_answer() -> None:
    tracker = make_tracker("and in the US?", "nlu_fallback", slots={"last_topic": "faq_approval"},
                           ranking=[("nlu_fallback", 0.35), ("faq_ingredient", 0.2)])
    _, dispatcher = await answer(ActionClarify(), tracker)
    assert responses(dispatcher) == ["utter_faq_approval"]
    # Not when the classifier's best reading was out of scope.
    unsure = make_tracker("and for kids?", "nlu_fallback", slots={"last_topic": "faq_approval"},
                          ranking=[("nlu_fallback", 0.35), ("out_of_scope", 0.34), ("faq_approval", 0.3)])
    _, other = await answer(ActionClarify(), unsure)
    assert responses(other) != ["utter_faq_approval"]


@pytest.mark.asyncio
async def test_an_unsure_message_naming_one_topic_is_answered_before_did_you_mean() -> None:
    text = ("Dear Dr. Walters and team, I was diagnosed with myasthenia gravis some years ago. Would this condition "
            "need to be taken into account before Botox? Yours faithfully, P. Novak")
    tracker = make_tracker(text, "nlu_fallback", ranking=[("nlu_fallback", 0.35), ("faq_safety_medical_conditions", 0.3)])
    _, dispatcher = await answer(ActionClarify(), tracker)
    assert responses(dispatcher) == ["utter_faq_safety_nerve"]


@pytest.mark.asyncio
async def test_breastfeeding_is_not_on_the_page() -> None:
    # Read as the pregnancy item, it got "tell us if you are pregnant" (development sets 6 and 8).
    _, dispatcher = await answer(ActionAnswerQuestion(), make_tracker("what about after the baby while I'm breastfeeding?",
                                                                      "faq_safety_pregnancy"))
    assert responses(dispatcher) == ["utter_out_of_scope"]
    _, pregnant = await answer(ActionAnswerQuestion(), make_tracker("I'm pregnant and breastfeeding my toddler, is it ok?",
                                                                    "faq_safety_pregnancy"))
    assert responses(pregnant)[0] == "utter_faq_safety_pregnancy"


@pytest.mark.asyncio
async def test_breastfeeding_told_as_the_patients_own_case_stays_their_own_case() -> None:
    # "tell the team; Dr. Walters decides" is the careful reply to a patient's own situation.
    _, dispatcher = await answer(ActionAnswerQuestion(), make_tracker("I'm nursing my baby, can I get it?", "own_case"))
    assert responses(dispatcher)[0].startswith("utter_own_case")
