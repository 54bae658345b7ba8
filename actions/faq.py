"""Answers to the page's questions, in context: the patient's own terms, a second question in the
same message, and what the classifier was torn between when it wasn't sure."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import topics
from actions.common import (
    FAQ_PREFIX,
    LAST_TOPIC_SLOT,
    STORY_MIN_WORDS,
    WEAK_MAX_WORDS,
    answer_for,
    conversation_language,
    latest_entities,
    latest_intent,
    latest_text,
    response_for,
    topic_for,
)
from actions.parsing import asks_what_bot_is
from bot.nlp.language import is_french_variation
from bot.nlp.own_case import states_own_case
from bot.nlp.pain import INJECTION_SITE_PAIN, asks_about_injection_pain
from bot.nlp.sentences import question_part
from bot.nlp.vocabulary import SIDE_EFFECT, canonical

# How deep in the classifier's ranking a second question's topic must be to be answered
# outright; further down it is offered as a button instead.
SECOND_ANSWER_RANK = 5
TITLE_PREFIX = "utter_topic_title_"
SOMETHING_ELSE = "something_else"
SOMETHING_ELSE_PAYLOAD = "/request_human"
OWN_CASE = "own_case"
BOOK = "book_consultation"
REQUEST_HUMAN = "request_human"
ALSO_ASKED_RESPONSES = {BOOK: "utter_also_asked_book", REQUEST_HUMAN: "utter_also_asked_human"}
BOT_CHALLENGE = "bot_challenge"
SAFETY_PREFIX = "faq_safety_"
SAFETY_OVERVIEW = "faq_safety_overview"
CANDIDATES = "faq_candidates"
# How sure the classifier must have been of a safety topic for a patient's own case to be answered
# with that topic's item when the message names none of its words.
OWN_CASE_TOPIC_FLOOR = 0.2
SIDE_EFFECTS = "faq_side_effects"
INJECTION_PAIN_RESPONSE = "utter_faq_side_effect_injection_pain"
OUT_OF_SCOPE_RESPONSE = "utter_out_of_scope"


def _in_language(variation: dict[str, Any], language: str) -> bool:
    """Whether a variation is the one for `language` (French: `condition: language = fr`)."""
    return is_french_variation(variation) if language == "fr" else not variation.get("condition")


def topic_title(domain: dict[str, Any], intent: str, language: str = "") -> Optional[str]:
    """A topic's button title, from the domain's `utter_topic_title_<intent>` response, in the
    conversation's language (the button is built here, so Rasa's variation choice doesn't apply)."""
    variations = (domain.get("responses") or {}).get(f"{TITLE_PREFIX}{intent}") or []
    chosen = [v for v in variations if _in_language(v, language)] or variations
    return chosen[0].get("text") if chosen else None


def topic_button(domain: dict[str, Any], intent: str, payload: Optional[str] = None,
                 language: str = "") -> Optional[dict[str, str]]:
    title = topic_title(domain, intent, language)
    return {"title": title, "payload": payload or f"/{intent}"} if title else None


def ranked_with_confidence(tracker: Tracker) -> list[tuple[str, float]]:
    """The classifier's ranking of the latest message, best first, with its confidences."""
    return [(str(r.get("name")), float(r.get("confidence") or 0.0))
            for r in (tracker.latest_message or {}).get("intent_ranking") or []]


def ranked(tracker: Tracker) -> list[str]:
    return [name for name, _ in ranked_with_confidence(tracker)]


def own_case(dispatcher: CollectingDispatcher, text: str,
             ranking: Sequence[tuple[str, float]] = (), last_topic: Optional[str] = None) -> list[dict[str, Any]]:
    """A patient's own situation: what the page asks them to tell the team about it, then that
    only Dr. Walters decides (never a yes).

    The page's safety topic is the one the message names, else the classifier's own reading when
    a safeguard put `own_case` over it ("my face muscles r weak on the left, does that matter":
    the facial weakness item), i.e. a specific safety topic among its two best readings, else,
    for a follow-up that names nothing and tells no situation of its own ("is it still ok to do it
    then?"), the specific safety topic just answered."""
    named = topics.topics_in(text)
    specific = [t for t in named if t.startswith(SAFETY_PREFIX) and t != SAFETY_OVERVIEW]
    start, question = question_part(text, STORY_MIN_WORDS)
    if start:
        # A story's question first: "... tried triptans, topiramate ... my neurologist brought up Botox ... Is it ok
        # to get it if we're trying to get pregnant?" asks about the pregnancy (development set 10).
        asked = [t for t in topics.topics_in(question) if t in specific]
        specific = asked + [t for t in specific if t not in asked]
    if not specific:
        read = [(name, confidence) for name, confidence in ranking if name != OWN_CASE][:2]
        specific = [name for name, confidence in read if name.startswith(SAFETY_PREFIX) and name != SAFETY_OVERVIEW
                    and confidence >= OWN_CASE_TOPIC_FLOOR][:1]
    if (not specific and last_topic and last_topic.startswith(SAFETY_PREFIX) and last_topic != SAFETY_OVERVIEW
            and topics.is_follow_up(text) and not named and not states_own_case(text)):
        specific = [last_topic]
    general = [t for t in named if t == SAFETY_OVERVIEW or (t == CANDIDATES and topics.asks_who_it_suits(text))]
    if not specific and general:
        # "I'm 24 ... I'm nervous about stuff going wrong, is it safe?": the page's safety information (what to
        # tell the team before treatment); "I'm 67 ... would someone like me who can't really take pain meds be a
        # good fit?": who it may suit. Then that only Dr. Walters decides (development sets 9 and 10).
        specific = general[:1]
    if not specific:
        dispatcher.utter_message(response="utter_own_case")
        return []
    # "I'm pregnant and on blood thinners, is it OK?": each thing the page asks about, once.
    for topic in specific[:2]:
        dispatcher.utter_message(response=response_for(topic))
    dispatcher.utter_message(response="utter_own_case_short")
    return [SlotSet(LAST_TOPIC_SLOT, specific[0])]


def answer(dispatcher: CollectingDispatcher, topic: str, entities: list[dict[str, Any]],
           language: Optional[str] = None, text: str = "") -> list[dict[str, Any]]:
    if topic == SIDE_EFFECTS and asks_only_about_injection_pain(text, entities):
        # "does it hurt?": the page says nothing about how the injections feel (the honest "I don't
        # know", with the offer to pass the question on), but it does list injection-site discomfort.
        dispatcher.utter_message(response=OUT_OF_SCOPE_RESPONSE)
        dispatcher.utter_message(response=INJECTION_PAIN_RESPONSE)
        return [SlotSet(LAST_TOPIC_SLOT, topic)]
    response, values = answer_for(topic, entities, language)
    dispatcher.utter_message(response=response, **values)
    return [SlotSet(LAST_TOPIC_SLOT, topic)] if topic.startswith(FAQ_PREFIX) else []


_PAIN_AT_THE_SITE = canonical(SIDE_EFFECT, INJECTION_SITE_PAIN)


def asks_only_about_injection_pain(text: str, entities: Sequence[dict[str, Any]]) -> bool:
    """Whether `text` asks if the injections hurt and names no other side effect ("does it hurt or
    cause headaches?" gets the list, which names both)."""
    named = {canonical(SIDE_EFFECT, str(e.get("value") or "")) for e in entities if e.get("entity") == SIDE_EFFECT}
    return asks_about_injection_pain(text) and named <= {_PAIN_AT_THE_SITE}


class ActionAnswerQuestion(Action):
    """Every page question and out-of-scope question: the answer, then any second question."""

    def name(self) -> str:
        return "action_answer_question"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        text = latest_text(tracker)
        entities = latest_entities(tracker)
        topic = topic_for(latest_intent(tracker) or "", entities, text, tracker.get_slot(LAST_TOPIC_SLOT))
        if topic == "show_menu":
            asked = topics.one_topic_named(text) if len(text.split()) > WEAK_MAX_WORDS else []
            if not asked:
                dispatcher.utter_message(response="utter_menu")
                return []
            # "Before I go ahead, could you tell me what I should disclose ahead of treatment?" read as
            # the menu: a question whose words name one page topic is answered (development set 6).
            topic = asked[0]
        if topic == OWN_CASE:
            events = own_case(dispatcher, text, ranked_with_confidence(tracker), tracker.get_slot(LAST_TOPIC_SLOT))
            # What else the message asks ("... and what are the side effects?") is not dropped.
            answered = events[0]["value"] if events else OWN_CASE
            second = topics.second_question(text, answered, ranked(tracker))
            # "... is it OK for me?" is the own-case question itself, already answered.
            if second and not second.startswith(SAFETY_PREFIX) and second != "faq_candidates":
                return events + answer_or_offer(dispatcher, domain, tracker, second, entities)
            return events
        if topic == SIDE_EFFECTS and topics.asks_side_effects_outright(text):
            # "any SEs w/ botox for TMJ?": the term names what the treatment is for, not a side effect.
            entities = [e for e in entities if not topics.names_the_use(text, e)]
        events = answer(dispatcher, topic, entities, conversation_language(tracker), text)
        if text.startswith("/"):
            return events  # a button the bot offered: nothing more to read in it
        return events + the_rest(dispatcher, domain, tracker, text, topic, entities)


def the_rest(dispatcher: CollectingDispatcher, domain: dict[str, Any], tracker: Tracker, text: str, topic: str,
             entities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What else a message answered as `topic` asks: what the bot is, a second page question
    (answered or offered), or a question the page has no answer for (said, never dropped)."""
    text = say_what_the_bot_is(dispatcher, text)
    second = topics.second_question(text, topic, ranked(tracker))
    if second is not None and second == latest_intent(tracker) and len(text.split()) <= WEAK_MAX_WORDS:
        # The classifier's reading of a short message that its term or the context replaced
        # ("how about headache" right after the side effects): not a second question.
        second = None
    if second is None:
        if topics.unanswerable_question(text, topic):
            dispatcher.utter_message(response="utter_also_unknown")
        return []
    return answer_or_offer(dispatcher, domain, tracker, second, entities)


def say_what_the_bot_is(dispatcher: CollectingDispatcher, text: str) -> str:
    """A message that also asks what the bot is ("is it for people who cant take meds? also r u a
    real person"): that piece answered (utter_bot_challenge), not read as a wish for a person.
    Returns the message without it, for the rest to be read."""
    pieces = topics.segments(text)
    if len(pieces) < 2 or not any(asks_what_bot_is(piece) for piece in pieces):
        return text
    dispatcher.utter_message(response="utter_bot_challenge")
    return " ? ".join(piece for piece in pieces if not asks_what_bot_is(piece))


def answer_or_offer(dispatcher: CollectingDispatcher, domain: dict[str, Any], tracker: Tracker, second: str,
                    entities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A second question: answered when the classifier ranked its topic high, else offered as a button."""
    if second.startswith(FAQ_PREFIX) and second in ranked(tracker)[:SECOND_ANSWER_RANK]:
        return answer(dispatcher, second, entities, conversation_language(tracker))
    # Less sure, or something to start (booking, a person): offered, never dropped.
    button = topic_button(domain, second, language=conversation_language(tracker))
    if button:
        # The words say what the button does: shows an answer, starts a booking, or a message to the team.
        dispatcher.utter_message(response=ALSO_ASKED_RESPONSES.get(second, "utter_also_asked"), buttons=[button])
    return []


class ActionAlsoAsked(Action):
    """What else the message asks, beside an answer that is a plain response or a request that
    starts something: "do u take insurance and what happens at the consult" (the first step, then
    "you also asked something the page doesn't answer"), "what are the side effects and how long
    does it last" (out of scope, then the side effects), "can it help with clenching? also i'd like
    someone to call me" (the conditions, then the short message), "how much is it and can i book a
    consult" (the price isn't on the page, said before the booking starts).

    The first-step and out-of-scope answers stay plain responses so that the rules booking from
    their offer, or passing the question on, still see them; this runs right after them (or right
    before a booking or a message starts) and says nothing when there is nothing more."""

    def name(self) -> str:
        return "action_also_asked"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        text = latest_text(tracker)
        first = latest_intent(tracker) or ""
        if not text or text.startswith("/"):
            return []  # a button the bot offered
        # A message read as out of scope, or as a request, is weighed by its pieces only: a page
        # word inside one question ("how much does botox for migraines cost") is not a second one.
        if first == BOT_CHALLENGE:
            # "Are you a real person? And what is this treatment anyway?", "are you a robot? can I
            # get a human": the other question answered or offered; nothing said about the rest.
            # The piece asking what the bot is ("a real person?") is no wish for a person.
            second = next((topic for piece in topics.segments(text) if not asks_what_bot_is(piece)
                           for topic in topics.topics_in(piece)), None)
            return answer_or_offer(dispatcher, domain, tracker, second, latest_entities(tracker)) if second else []
        ranking = ranked(tracker) if first.startswith(FAQ_PREFIX) else ()
        if first != REQUEST_HUMAN:
            text = say_what_the_bot_is(dispatcher, text)
        second = topics.second_question(text, first, ranking)
        if second is None:
            # Out of scope already says the page doesn't answer (unanswerable_question knows); a
            # message to the team carries the question to a person anyway.
            if first != REQUEST_HUMAN and topics.unanswerable_question(text, first):
                dispatcher.utter_message(response="utter_also_unknown_booking" if first == BOOK else "utter_also_unknown")
            return []
        entities = latest_entities(tracker)
        if second.startswith(FAQ_PREFIX) and first in topics.ACTIONABLE:
            # Answered outright: a button offered as a booking or a message starts would be
            # pressed inside it.
            return answer(dispatcher, second, entities, conversation_language(tracker))
        if second.startswith(FAQ_PREFIX) or first.startswith(FAQ_PREFIX) or (first == BOOK and second == REQUEST_HUMAN):
            # A page question answered (or offered); after the first step, or before a booking ("book me a
            # consult, also can I talk to a real person": development set 8), a person offered.
            return answer_or_offer(dispatcher, domain, tracker, second, entities)
        return []


def _mostly_out_of_scope(ranking: Sequence[dict[str, Any]], floor: float = 0.3) -> bool:
    """Whether the classifier's best reading past "not sure" was out of scope, and not a guess."""
    readings = [r for r in ranking if r.get("name") != "nlu_fallback"]
    return bool(readings) and readings[0].get("name") == topics.OUT_OF_SCOPE and float(readings[0].get("confidence") or 0) >= floor


def picked_topics(text: str, entities: list[dict[str, Any]], alternatives: Sequence[topics.Candidate]) -> list[str]:
    """The topics `text` picks by itself when the classifier is unsure: its term, else the guesses it names."""
    topic = topic_for("nlu_fallback", entities, text)
    return [topic] if topic != "nlu_fallback" else topics.named_alternatives(text, alternatives)


def answer_each(dispatcher: CollectingDispatcher, chosen: Sequence[str], entities: list[dict[str, Any]],
                language: Optional[str]) -> list[dict[str, Any]]:
    """Each topic answered in turn; the events of the last (the topic a follow-up leans on)."""
    events: list[dict[str, Any]] = []
    for topic in chosen:
        events = answer(dispatcher, topic, entities, language)
    return events


class ActionClarify(Action):
    """The classifier wasn't sure: a term in the message decides, else the topics its guesses name
    in the message's own words, else 'did you mean ...?', else the topics."""

    def name(self) -> str:
        return "action_clarify"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        text = latest_text(tracker)
        entities = latest_entities(tracker)
        language = conversation_language(tracker)
        ranking = (tracker.latest_message or {}).get("intent_ranking") or []
        alternatives = topics.close_alternatives(ranking)
        # A story's question decides before its background: "my wife says I grind my teeth ... is
        # it actually safe?" asks about safety, not about grinding. The question part's own term,
        # then the guesses it names; only then a term or guess anywhere in the message.
        start, question = question_part(text, STORY_MIN_WORDS)
        if start:
            in_question = [e for e in entities if int(e.get("start") or 0) >= start]
            # The question part names one page topic the guesses missed: that, before a term in the
            # background ("...I'm interested in trying Botox for my clenching. Is there any chance
            # it messes with my eyesight?": development set 5).
            picked = picked_topics(question, in_question, alternatives) or topics.one_topic_named(question)
            if picked:
                # The question's own terms name the answer's ("... Is it safe for jaw pain?").
                return answer_each(dispatcher, picked, in_question or entities, language)
        topic = topic_for("nlu_fallback", entities, text)
        if topic != "nlu_fallback":
            # "does it cause dry mouth? and how many sessions do i need": torn between the side effects
            # and out of scope, the term answers the first; the second is not dropped (development set 5).
            return answer(dispatcher, topic, entities, language, text) + the_rest(dispatcher, domain, tracker, text, topic,
                                                                                   entities)
        named = topics.named_alternatives(text, alternatives)
        if named:
            # The message's own words pick among the guesses: answered, no "did you mean"; the
            # last one answered is the topic a follow-up leans on.
            events = answer_each(dispatcher, named, entities, language)
            # "Who is it for, and can I book a consult?": what else it asks (a booking, a person,
            # a topic the guesses missed) is offered, never dropped.
            second = topics.second_question(text, named[-1], ranked(tracker))
            if second and second not in named:
                events += answer_or_offer(dispatcher, domain, tracker, second, entities)
            elif second is None and topics.unanswerable_question(text, named[-1]):
                # "how many sessions will i need and does it really work" (development set 7).
                dispatcher.utter_message(response="utter_also_unknown")
            return events
        alone = topics.only_topic_named(text)
        if alone is not None:
            # "cons", "isnt botox a posion": a fragment whose words name one page topic and no
            # other is answered, even when the classifier's guesses missed it (development set 5).
            return answer(dispatcher, alone, entities, language)
        last_topic = tracker.get_slot(LAST_TOPIC_SLOT)
        if last_topic and topics.leans_on_the_last_answer(text) and not _mostly_out_of_scope(ranking):
            # "and in the US?" after the approval, "and i'm planning another one in the fall" after the
            # surgery item: a follow-up naming nothing new is about the last answer (development set 8).
            return answer(dispatcher, last_topic, entities, language)
        named_once = topics.one_topic_asked(text)
        if named_once:
            # "Dear team, I was diagnosed with myasthenia gravis … Would this condition need to be taken
            # into account?": the one page topic a message's words name, before a "did you mean" on the
            # classifier's guesses (development set 8).
            return answer(dispatcher, named_once[0], entities, language, text)
        buttons = [b for c in alternatives if (b := topic_button(domain, c.intent, language=language))]
        if not buttons:
            dispatcher.utter_message(response="utter_fallback")
            return []
        other = topic_button(domain, SOMETHING_ELSE, SOMETHING_ELSE_PAYLOAD, language)
        # "Something else" passes the question to the team: beside a guess that already does ("real person":
        # a person or the bot itself), it would be the same button twice (development set 9).
        if other and any(button.get("payload") == other.get("payload") for button in buttons):
            other = None
        dispatcher.utter_message(response="utter_did_you_mean", buttons=buttons + ([other] if other else []))
        return []
