"""NLU graph components of our own, registered with Rasa's default recipe."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, Optional

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    EXTRACTOR,
    INTENT,
    INTENT_NAME_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

# Registers the spaCy factory "clinic_normalizer" before Rasa loads the project's spaCy pipeline
# (Rasa imports this module when it resolves the config's components, before any node runs).
import bot.nlp.normalize  # noqa: F401,E402
from bot.nlp.asked import ASKED_EXTRACTOR, Asked, asked_about
from bot.nlp.graph import ConfiguredComponent
from bot.nlp.language import EN, ES, FR, OTHER_SCRIPT, UNSPOKEN, only_asks_for_language, read_language
from bot.nlp.own_case import names_own_medicine, states_own_case
from bot.nlp.pain import INJECTION_SITE_PAIN, asks_about_injection_pain
from bot.nlp.safety import (
    alarms_only_in_idioms,
    asks_hypothetically,
    asks_what_might_happen,
    denies_emergency,
    describes_symptom_after_treatment,
    is_crisis,
    is_emergency,
    may_be_crisis,
    tells_only_history,
)
from bot.nlp.vocabulary import CONDITION, SIDE_EFFECT, UNLISTED_LABEL

INTENT_RANKING_KEY = "intent_ranking"
LANGUAGE_KEY = "language"  # in the parse data: tracker.latest_message["language"]
# The conversation's language this message calls for ("en", "fr" or "": keep it); bot/language_slot.py
# sets the `language` slot from it.
CONVERSATION_LANGUAGE_KEY = "conversation_language"
FALLBACK_INTENT = "nlu_fallback"
EMERGENCY_INTENT = "emergency"
CRISIS_INTENT = "crisis"
AFTER_TREATMENT_INTENT = "after_treatment"
OTHER_LANGUAGE_INTENT = "other_language"
SWITCH_LANGUAGE_INTENT = "switch_language"
# "does it help X?" / "can it cause X?" about a term the page doesn't name (bot/nlp/asked.py).
ASKED_INTENTS = {CONDITION: "faq_conditions", SIDE_EFFECT: "faq_side_effects"}
# Languages the assistant does not answer in: their messages get the short multilingual reply.
OTHER_LANGUAGES = (*UNSPOKEN, OTHER_SCRIPT)
# The extractor name on the side effect a question about the injections hurting names.
PAIN_EXTRACTOR = "InjectionPain"
# Languages the classifier saw no training message in: only the patterns read an emergency there.
PATTERNS_ONLY = tuple(lang for lang in OTHER_LANGUAGES if lang != ES)


URGENT_READINGS = (CRISIS_INTENT, EMERGENCY_INTENT)
URGENT_FLOOR = 0.15
# Below this confidence in its best reading, the classifier's crisis runner-up is looked at even
# when the FallbackClassifier let the best reading through.
CRISIS_CHECK_BELOW = 0.6
# A greeting or a thank-you around a question ("Good evening, I was wondering whether ... Thank you.").
SMALL_TALK_INTENTS = ("greet", "thanks")
# Greeting and small-talk words; what a message has beyond them is what it asks.
_GREETING_WORDS = frozenset("""
hi hello hey hiya yo good morning afternoon evening day there all everyone folks team dr doctor walters
how are you doing hope well is it going thanks thank merci bonjour bonsoir salut allo coucou ca va comment
allez vous tout le monde so much very kindly in advance again a lot ty thx
""".split())
_ASKING = re.compile(
    r"\?|\b(what|how|why|when|where|who|which|can|could|would|will|do|does|is|are|should|may|explain|tell|like|want"
    r"|wanna|need|looking|interested|wondering|book|arrange|schedule|est-ce|pourquoi|quand|combien|peut|pouvez"
    r"|pourriez|voudrais|aimerais)\b"
)
_GREETING_TOKENS = re.compile(r"[a-zàâçéèêëîïôûùüÿœ']+")
MIN_WORDS_PAST_A_GREETING = 4


def asks_beyond_a_greeting(text: str) -> bool:
    """Whether a message asks something past its greeting: four words or more that are not
    greeting or small talk, and a question or a request among them ("Good afternoon, could you
    explain how it works?"; not "hello!! how are you", "hi, I'm Anna", "hi, I have a question")."""
    words = _GREETING_TOKENS.findall(text.lower())
    content = [w for w in words if w not in _GREETING_WORDS]
    return len(content) >= MIN_WORDS_PAST_A_GREETING and bool(_ASKING.search(" ".join(content)) or "?" in text)


OWN_CASE_INTENT = "own_case"
FAQ_PREFIX = "faq_"
SIDE_EFFECTS_INTENT = "faq_side_effects"
OUT_OF_SCOPE_INTENT = "out_of_scope"
# Readings that can't be right for a patient telling their own health situation and asking
# about it; any page topic (faq_*) too. Never an urgent reading, booking, a person or a stop;
# out_of_scope only for a medicine the patient names (what the page is silent on, breastfeeding
# for one, stays there).
OWN_CASE_REPLACES = (FALLBACK_INTENT, "greet", "thanks", "goodbye", "show_menu", "bot_challenge")


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class PatternSafeguards(ConfiguredComponent):
    """Forces an intent when a pattern safeguard fires, and records the message's language.

    In this order of priority, the first that fires wins and is put first in the ranking with
    confidence 1.0:
    1. `crisis` — thoughts of suicide or self-harm (bot.nlp.safety.is_crisis);
    2. `emergency` — an urgent symptom, in English, French or Spanish (is_emergency);
    3. `after_treatment` — a symptom the patient has now, after an injection
       (describes_symptom_after_treatment);
    4. `faq_conditions` / `faq_side_effects` with an `unlisted` entity — the message asks whether
       BOTOX helps with or causes something the page doesn't name ("does it help carpal tunnel?",
       bot.nlp.asked): the honest "the page doesn't mention it" answer, not the general list, and
       not the classifier's 911 reading of a question (the patterns above did not fire);
    5. `own_case` — the patient tells their own health situation (a medication, a diagnosis, an
       allergy, their age, pregnancy) and asks about it, where the classifier read a page topic,
       a greeting or nothing sure (bot.nlp.own_case): "tell the team; Dr. Walters decides";
    6. `switch_language` — the message only asks for English or French ("en français svp");
    7. `other_language` — the message is Spanish (bot.nlp.language.detect_language) and none of
       the above fired: the reply says the assistant answers in English and French.
    Crisis comes before emergency because its reply also gives 911 for immediate danger, while
    the emergency reply has no word for a person thinking of suicide.

    Every message with text gets `language` ("en", "fr", "es" or "") in its parse data, and
    `conversation_language` ("en", "fr", or "" to keep it) from
    bot.nlp.language.conversation_language: bot/language_slot.py sets the `language` slot from it. The
    classifier's own `other_language` is kept only for Spanish text, so that intent always means
    what the detector says (a message it claims otherwise falls back instead).

    It runs after the classifier and the FallbackClassifier, so it wins over a confident wrong
    intent and over `nlu_fallback` alike, in any state of the conversation. Button payloads
    ("/intent") were chosen by the bot and are left alone.
    """

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        # "intent" is the emergency intent's key: models trained before the other safeguards
        # stored it under that name.
        return {
            "intent": EMERGENCY_INTENT,
            "crisis_intent": CRISIS_INTENT,
            "after_treatment_intent": AFTER_TREATMENT_INTENT,
            "other_language_intent": OTHER_LANGUAGE_INTENT,
            "switch_language_intent": SWITCH_LANGUAGE_INTENT,
            "own_case_intent": OWN_CASE_INTENT,
            # The FallbackClassifier's own thresholds (config.yml), for a reading past a greeting.
            "fallback_threshold": 0.35,
            "ambiguity_threshold": 0.1,
        }

    def __init__(self, config: dict[str, Any]) -> None:
        defaults = self.get_default_config()
        self.emergency_intent = config.get("intent", defaults["intent"])
        self.crisis_intent = config.get("crisis_intent", defaults["crisis_intent"])
        self.after_treatment_intent = config.get("after_treatment_intent", defaults["after_treatment_intent"])
        self.other_language_intent = config.get("other_language_intent", defaults["other_language_intent"])
        self.switch_language_intent = config.get("switch_language_intent", defaults["switch_language_intent"])
        self.own_case_intent = config.get("own_case_intent", defaults["own_case_intent"])
        self.fallback_threshold = float(config.get("fallback_threshold", defaults["fallback_threshold"]))
        self.ambiguity_threshold = float(config.get("ambiguity_threshold", defaults["ambiguity_threshold"]))

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def forced_intent(self, text: str, language: str, classified: Optional[str] = None,
                      entities: Sequence[dict[str, Any]] = ()) -> tuple[Optional[str], Optional[Asked]]:
        """The intent a safeguard forces for `text` (None: none does) and, when it is the answer to
        a question about a term the page doesn't name (`unlisted_question`), that question: crisis,
        emergency, after-treatment, an unlisted term asked about, language."""
        if is_crisis(text):
            return self.crisis_intent, None
        if is_emergency(text):
            return self.emergency_intent, None
        if describes_symptom_after_treatment(text):
            return self.after_treatment_intent, None
        asked = unlisted_question(text, entities)
        if asked is not None:
            return ASKED_INTENTS[asked.kind], asked
        # The classifier's own crisis or emergency reading stands (for a French or Spanish message
        # too): a second line of defence behind the patterns. Not an emergency reading of a
        # message that only denies urgent symptoms ("je n'ai pas de difficulté à respirer"), nor a
        # crisis reading of one without a word of distress: a false 911 or 988 message.
        if self._unfounded_urgent_reading(classified, text, language):
            classified = None
        if classified in URGENT_READINGS:
            return classified, None
        # A patient's own health situation, asked about: "tell the team; Dr. Walters decides",
        # not the page's general answer to a reading of the topic it names (bot.nlp.own_case).
        if (classified in OWN_CASE_REPLACES or (classified or "").startswith(FAQ_PREFIX)) and states_own_case(text):
            return self.own_case_intent, None
        # Out of scope only for a medicine the patient names as theirs (a wider rule lost blind
        # out-of-scope turns: breastfeeding, which the page doesn't mention, stays out of scope).
        if classified == OUT_OF_SCOPE_INTENT and names_own_medicine(text):
            return self.own_case_intent, None
        if only_asks_for_language(text):
            return self.switch_language_intent, None
        if language in OTHER_LANGUAGES:
            return self.other_language_intent, None
        return None, None

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT)
            # Button payloads ("/intent") were chosen by the bot; leave them alone.
            if not text or text.startswith("/"):
                continue
            language, conversation = read_language(text)
            message.set(LANGUAGE_KEY, language, add_to_output=True)
            message.set(CONVERSATION_LANGUAGE_KEY, conversation, add_to_output=True)
            classified = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
            if classified == FALLBACK_INTENT or language not in (EN, ""):
                # Unsure, or not English: a crisis or an emergency among the classifier's two best
                # readings wins (a helpline shown by mistake costs less than one withheld).
                classified = self._urgent_runner_up(message) or classified
            elif self._top_confidence(message) < CRISIS_CHECK_BELOW:
                # Sure enough to answer, not sure enough to rule out a crisis the patterns missed: a
                # crisis runner-up in a message with a word of distress wins (read as "continue"
                # at 0.38 with crisis next, a message in crisis got "nothing is paused").
                classified = self._urgent_runner_up(message, only=(self.crisis_intent,)) or classified
            forced, asked = self.forced_intent(text, language, classified, message.get(ENTITIES) or [])
            if forced:
                self._force(message, forced)
                if asked is not None:
                    self._add_unlisted(message, asked)
                continue
            intent = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
            readings = self._readings(message)
            if intent == self.other_language_intent:
                self._demote_other_language(message)
            elif intent == self.after_treatment_intent and (asks_what_might_happen(text) or tells_only_history(text)):
                self._demote_after_treatment(message)
            elif self._unfounded_urgent_reading(intent, text, language):
                self._demote(message, str(intent))
                if intent == self.emergency_intent and asks_hypothetically(text) and not denies_emergency(text):
                    self._side_effects_unless_sure(message)
            elif readings and readings[0][INTENT_NAME_KEY] in SMALL_TALK_INTENTS and asks_beyond_a_greeting(text):
                self._past_the_greeting(message, readings)
            elif intent in (OUT_OF_SCOPE_INTENT, FALLBACK_INTENT) and asks_about_injection_pain(text):
                self._injection_pain(message)
        return messages

    def _unfounded_urgent_reading(self, reading: Optional[str], text: str, language: str) -> bool:
        """The classifier's emergency reading of a message that only denies urgent symptoms ("je
        n'ai pas de difficulté à respirer"), or its crisis reading of a message with no word of
        distress at all: a false 911 or 988 message (the patterns, which ran first, said no).

        "Hello, I'm scheduled for my second treatment on Friday. Will it be with Dr. Walters himself
        or another member of the team?" was read as crisis, best of all, and got the 988 message.
        A crisis reading is weighed so only in English: in French the classifier is the backstop for
        more of what the patterns miss, and the blind French set lost two crisis messages to it."""
        if reading in URGENT_READINGS and language in PATTERNS_ONLY:
            # German, Italian, Portuguese: the classifier never learnt them ("Ist die Behandlung
            # sicher?" read as crisis on the English "die"), the patterns know their commonest
            # alarms, and the multilingual reply they get instead gives 911 and 988.
            return True
        if reading == self.crisis_intent:
            no_distress = not may_be_crisis(text)
            return no_distress if language == EN else no_distress and denies_emergency(text)
        # "will it make it hard to swallow?", "if i had a reaction would my throat swell up?" were
        # read as emergencies (development set 4): a what-if in so many words asks about side
        # effects. The patterns, which catch a symptom told, had already said no. In French too
        # since the red-team set ("Et si ma gorge enfle après l'injection, je fais quoi?"), with
        # the French blind set's emergencies all still caught. History only ("anaphylaxis to
        # shellfish in 2015") is no emergency either (care_dev2).
        return reading == self.emergency_intent and (denies_emergency(text) or tells_only_history(text)
                                                     or alarms_only_in_idioms(text)
                                                     or (language in (EN, FR) and asks_hypothetically(text)))

    @staticmethod
    def _readings(message: Message) -> list[dict[str, Any]]:
        """The classifier's ranking without the FallbackClassifier's "not sure", best first."""
        return [r for r in (message.get(INTENT_RANKING_KEY) or []) if r.get(INTENT_NAME_KEY) != FALLBACK_INTENT]

    def _past_the_greeting(self, message: Message, ranking: list[dict[str, Any]]) -> None:
        """"Good morning, I would like to arrange a consultation" read as a greeting, "... is it used
        for Bell's palsy? Thank you." as thanks: the small talk's words outweighed the request. The
        other readings, rescaled as if the greeting weren't there, decide as the FallbackClassifier would: the best when sure enough and clear of the
        second, else "not sure" with them as the "did you mean" candidates."""
        greeting = float(ranking[0].get(PREDICTED_CONFIDENCE_KEY) or 0.0)
        rest = max(1.0 - greeting, 1e-6)
        rescaled = [{INTENT_NAME_KEY: r[INTENT_NAME_KEY],
                     PREDICTED_CONFIDENCE_KEY: min(1.0, float(r.get(PREDICTED_CONFIDENCE_KEY) or 0.0) / rest)}
                    for r in ranking[1:]]
        if not rescaled:
            return
        best = rescaled[0][PREDICTED_CONFIDENCE_KEY]
        second = rescaled[1][PREDICTED_CONFIDENCE_KEY] if len(rescaled) > 1 else 0.0
        if best >= self.fallback_threshold and best - second >= self.ambiguity_threshold:
            message.set(INTENT, dict(rescaled[0]), add_to_output=True)
            message.set(INTENT_RANKING_KEY, rescaled, add_to_output=True)
        else:
            unsure = {INTENT_NAME_KEY: FALLBACK_INTENT, PREDICTED_CONFIDENCE_KEY: best}
            message.set(INTENT, unsure, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [unsure] + rescaled, add_to_output=True)

    @staticmethod
    def _add_unlisted(message: Message, asked: Asked) -> None:
        entities = list(message.get(ENTITIES) or [])
        if any(e.get(ENTITY_ATTRIBUTE_TYPE) == UNLISTED_LABEL for e in entities):
            return  # the vocabulary knew the term: its name reads better than the patient's words
        entities.append({ENTITY_ATTRIBUTE_TYPE: UNLISTED_LABEL, ENTITY_ATTRIBUTE_VALUE: asked.mention,
                         ENTITY_ATTRIBUTE_START: asked.start, ENTITY_ATTRIBUTE_END: asked.end,
                         EXTRACTOR: ASKED_EXTRACTOR})
        message.set(ENTITIES, entities, add_to_output=True)

    @staticmethod
    def _top_confidence(message: Message) -> float:
        return float((message.get(INTENT) or {}).get(PREDICTED_CONFIDENCE_KEY) or 0.0)

    @staticmethod
    def _urgent_runner_up(message: Message, only: Sequence[str] = URGENT_READINGS) -> Optional[str]:
        for entry in PatternSafeguards._readings(message)[:2]:
            name = entry.get(INTENT_NAME_KEY)
            if (name in only and float(entry.get(PREDICTED_CONFIDENCE_KEY) or 0) >= URGENT_FLOOR
                    and (name != CRISIS_INTENT or may_be_crisis(message.get(TEXT)))):
                return str(name)
        return None

    @staticmethod
    def _ranking_without(message: Message, intent: str) -> list[dict[str, Any]]:
        return [r for r in (message.get(INTENT_RANKING_KEY) or []) if r.get(INTENT_NAME_KEY) != intent]

    def _force(self, message: Message, intent: str) -> None:
        forced = {INTENT_NAME_KEY: intent, PREDICTED_CONFIDENCE_KEY: 1.0}
        ranking = self._ranking_without(message, intent)
        message.set(INTENT, forced, add_to_output=True)
        message.set(INTENT_RANKING_KEY, [forced] + ranking, add_to_output=True)

    def _demote_after_treatment(self, message: Message) -> None:
        # The classifier read "will I get a droopy eyelid after the shots?" as a symptom now; the
        # pattern (which needs a cue that it happened) did not. Such a question is answered with
        # the page's side effects: the next intent in the ranking. So is history read as a symptom
        # now ("I had a seizure once as a kid, none since. Is that something I should mention?").
        self._demote(message, self.after_treatment_intent)

    def _demote(self, message: Message, intent: str) -> None:
        """The next intent in the ranking answers instead of `intent`; never the other urgent one
        (an emergency reading of a denied symptom, demoted, promoted "crisis" at 0.0 confidence
        and got the 988 message; the patterns, which ran first, found neither)."""
        ranking = [r for r in self._ranking_without(message, intent) if r.get(INTENT_NAME_KEY) not in URGENT_READINGS]
        if ranking:
            message.set(INTENT, dict(ranking[0]), add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)

    def _side_effects_unless_sure(self, message: Message) -> None:
        """A what-if about an urgent symptom, its emergency reading set aside ("can botox make it hard
        to swallow?", "what if my throat swells after the injection?"): the page's side effects
        (an allergic reaction, spread of toxin effects) answer it, unless the classifier's next
        reading is sure enough to answer and names a topic. Its runners-up were guesses under 0.05
        in the red-team development set (tests/dev/care_dev2.yml)."""
        best = message.get(INTENT) or {}
        name = best.get(INTENT_NAME_KEY)
        sure = float(best.get(PREDICTED_CONFIDENCE_KEY) or 0.0) >= self.fallback_threshold
        if name == SIDE_EFFECTS_INTENT or (sure and (name or "").startswith(FAQ_PREFIX)):
            return
        self._force(message, SIDE_EFFECTS_INTENT)

    def _injection_pain(self, message: Message) -> None:
        """"does it hurt?", "is the needle painful", read as out of scope or not understood: the page
        lists injection-site discomfort among the side effects, so that is what it says (bot.nlp.pain).
        A further question in the message ("... and can i go to work") is still said to be unanswered
        by the FAQ action."""
        self._force(message, SIDE_EFFECTS_INTENT)
        entities = list(message.get(ENTITIES) or [])
        if not any(e.get(ENTITY_ATTRIBUTE_TYPE) == SIDE_EFFECT for e in entities):
            entities.append({ENTITY_ATTRIBUTE_TYPE: SIDE_EFFECT, ENTITY_ATTRIBUTE_VALUE: INJECTION_SITE_PAIN,
                             EXTRACTOR: PAIN_EXTRACTOR})
            message.set(ENTITIES, entities, add_to_output=True)

    def _demote_other_language(self, message: Message) -> None:
        # The classifier guessed "another language" for text the detector reads as English (or
        # can't tell): ask to rephrase, with the real candidates left in the ranking.
        confidence = message.get(INTENT)[PREDICTED_CONFIDENCE_KEY]
        fallback = {INTENT_NAME_KEY: FALLBACK_INTENT, PREDICTED_CONFIDENCE_KEY: confidence}
        ranking = [r for r in self._ranking_without(message, self.other_language_intent)
                   if r.get(INTENT_NAME_KEY) != FALLBACK_INTENT]
        message.set(INTENT, fallback, add_to_output=True)
        message.set(INTENT_RANKING_KEY, [fallback] + ranking, add_to_output=True)


def unlisted_question(text: str, entities: Sequence[dict[str, Any]]) -> Optional[Asked]:
    """`text` asks whether BOTOX helps with or causes a term the page doesn't name, or None.

    None when the message names one of the page's terms (the vocabulary's entities answer it), and
    when the term reads as an urgent symptom ("can it cause trouble breathing"): such a message
    stays with the emergency patterns and the classifier, which err towards 911.
    """
    if any(e.get(ENTITY_ATTRIBUTE_TYPE) in (CONDITION, SIDE_EFFECT) for e in entities):
        return None
    asked = asked_about(text)
    if asked is None:
        return None
    for statement in (f"i have {asked.mention}", f"j'ai {asked.mention}"):
        if is_emergency(statement) or is_crisis(statement):
            return None
    return asked


# The component's first name; config.yml used it, and models trained then still load through it.
EmergencySafetyNet = PatternSafeguards
