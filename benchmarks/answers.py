"""Answer accuracy: did the bot's reply to a held-out message say what its gold intent should?

The expected answers come from the project's own files:
- a rule with no condition whose steps start `intent: X` then `action: utter_Y` -> domain.yml's
  variations of utter_Y;
- intents answered by an action: faq_conditions / faq_side_effects accept every
  utter_faq_conditions* / utter_faq_side_effect* response; the consultation form (book_consultation,
  request_human) accepts the consent question it opens with.
A reply matches when its first text starts with the first 40 characters of an expected text,
{placeholders} standing for whatever the bot filled in.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Optional

import yaml

PREFIX_CHARS = 40
# Actions whose reply is one of several responses: response-name prefixes they may send.
ACTION_RESPONSES: Mapping[str, tuple[str, ...]] = {
    "consultation_form": ("utter_ask_consent_given",),
    # The short request to the team opens with its consent question (actions/contact.py).
    "action_start_message": ("utter_ask_message_consent", "utter_switched_to_message"),
    "action_after_treatment": ("utter_after_treatment",),
    "action_resume_request": ("utter_nothing_paused", "utter_request_resumed"),
}
# action_answer_question answers intent X with utter_X; these intents also with the variants
# that name the patient's term (or say the page doesn't name it).
QUESTION_ACTION = "action_answer_question"
NAMED_VARIANTS: Mapping[str, tuple[str, ...]] = {
    "faq_conditions": ("utter_faq_conditions",),
    "faq_side_effects": ("utter_faq_side_effect",),
    "show_menu": ("utter_menu",),
    # A patient's own case: the page's safety item first when the message names one.
    "own_case": ("utter_own_case", "utter_faq_safety_"),
}
PLACEHOLDER = re.compile(r"(\{[^{}]*\})")
# Actions that say something only when the message asks something more (actions/faq.py
# ActionAlsoAsked): the answer to a single question is the action after them.
PASS_THROUGH = frozenset({"action_also_asked"})


def outside_forms_only(condition: Any) -> bool:
    """A rule's condition that only says "no form is active" (where held-out messages are sent)."""
    return isinstance(condition, list) and condition == [{"active_loop": None}]


def rule_answers(rules: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """intent -> the action an unconditional rule (or one for outside forms) answers it with (the
    first such rule wins)."""
    answers: dict[str, str] = {}
    for rule in rules:
        if rule.get("condition") and not outside_forms_only(rule.get("condition")):
            continue
        steps = [step for step in rule.get("steps") or [] if step.get("action") not in PASS_THROUGH]
        if len(steps) < 2 or "intent" not in steps[0] or "action" not in steps[1]:
            continue
        answers.setdefault(steps[0]["intent"], steps[1]["action"])
    return answers


def response_texts(responses: Mapping[str, Sequence[Mapping[str, Any]]], names: Iterable[str]) -> list[str]:
    texts: list[str] = []
    for name in names:
        texts.extend(v["text"] for v in responses.get(name, []) if v.get("text"))
    return texts


def expected_answers(rules: Iterable[Mapping[str, Any]],
                     responses: Mapping[str, Sequence[Mapping[str, Any]]]) -> dict[str, list[str]]:
    """intent -> the texts (templates) that count as the right answer."""
    expected: dict[str, list[str]] = {}
    for intent, action in rule_answers(rules).items():
        if action == QUESTION_ACTION:
            prefixes = NAMED_VARIANTS.get(intent, (f"utter_{intent}",))
            names = [n for n in responses if n.startswith(prefixes)] if intent in NAMED_VARIANTS else list(prefixes)
        elif action in ACTION_RESPONSES:
            names = [n for n in responses if n.startswith(ACTION_RESPONSES[action])]
            # Prefixes are response names, so an exact name also works (utter_ask_consent_given).
        else:
            names = [action]
        texts = response_texts(responses, names)
        if texts:
            expected[intent] = texts
    return expected


def load_expected(root: Path) -> dict[str, list[str]]:
    """expected_answers() for the project at `root` (data/rules/*.yml and domain.yml)."""
    rules: list[dict] = []
    for path in sorted((root / "data" / "rules").glob("*.yml")):
        rules.extend((yaml.safe_load(path.read_text()) or {}).get("rules") or [])
    domain = yaml.safe_load((root / "domain.yml").read_text()) or {}
    return expected_answers(rules, domain.get("responses") or {})


def prefix_pattern(template: str, chars: int = PREFIX_CHARS) -> re.Pattern[str]:
    """A regex for the start of `template`: its first `chars` literal characters, in order, with
    each {placeholder} before them matching any text."""
    parts: list[str] = []
    remaining = chars
    for piece in PLACEHOLDER.split(template):
        if remaining <= 0:
            break
        if PLACEHOLDER.fullmatch(piece):
            parts.append(".*?")
            continue
        literal = piece[:remaining]
        parts.append(re.escape(literal))
        remaining -= len(literal)
    return re.compile("".join(parts), re.DOTALL)


def matches(reply: Optional[str], templates: Iterable[str], chars: int = PREFIX_CHARS) -> bool:
    if not reply:
        return False
    return any(prefix_pattern(t, chars).match(reply) for t in templates)


def first_text(replies: Sequence[Mapping[str, Any]]) -> Optional[str]:
    """The first text message of a REST reply."""
    for message in replies:
        if message.get("text"):
            return message["text"]
    return None


ANNOTATION = re.compile(r"\[([^\]]*)\]\((?:[^)]*)\)|\[([^\]]*)\]\{[^}]*\}")


def heldout_examples(path: Path) -> list[tuple[str, str]]:
    """(gold intent, text) for every example of a Rasa NLU YAML file, entity markup removed."""
    data = yaml.safe_load(path.read_text()) or {}
    examples = []
    for block in data.get("nlu") or []:
        intent = block.get("intent")
        if not intent:
            continue
        for line in str(block.get("examples") or "").splitlines():
            line = line.strip()
            if not line.startswith("- "):
                continue
            text = ANNOTATION.sub(lambda m: m.group(1) if m.group(1) is not None else m.group(2), line[2:].strip())
            examples.append((intent, text))
    return examples
