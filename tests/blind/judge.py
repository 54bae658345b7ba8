"""Score a frozen blind set by the replies a patient sees over the REST channel.

    python -m tests.blind.judge --set tests/blind/understanding.yml --url http://localhost:5005 [--domain domain.yml]
    python -m tests.blind.judge --set tests/blind/care.yml --serve models/current.tar.gz --json out.json

The sets were written by helpers who saw only the clinic page and the issue (never data/); they are
never edited to fit the model. Each case is a fresh conversation; its turns are sent in order.

A turn is right when every label it expects is satisfied by the bot's replies to that turn:
- a topic label: one reply's text is one of the label's responses (domain.yml, placeholders
  standing for anything), or, for a second question in the same message, a button offering it;
- `not_emergency`: no emergency or crisis message (and the `also` label, when given, is answered);
- and, for every label but `emergency`, no emergency message the patient didn't need: a false
  911 alarm is a wrong reply.
Care labels also fail when a reply opens with "Yes" (issue 12: never "yes" to a patient's own case).

Languages (issue 14): a response's variations with `condition: language = fr` are its French text.
With `--language fr` (the French set) a label counts only when answered in French. In the English
sets, `other_language` was written for French and Spanish messages before the assistant spoke
French: it is satisfied by the multilingual reply or, since French is now answered, by any French
reply that is not a "not understood" one.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

import httpx
import yaml

from bot.nlp.language import is_french_variation

ROOT = Path(__file__).resolve().parents[2]

PAGE_TOPICS: tuple[str, ...] = (
    "what_is", "not_cosmetic", "ingredient", "conditions", "approval", "why_dentist", "candidates",
    "first_step", "effectiveness", "dr_experience", "dr_memberships", "dr_training", "motto",
    "safety_overview", "safety_medications", "safety_medical_conditions", "safety_surgery",
    "safety_facial_weakness", "safety_nerve", "safety_pregnancy", "side_effects",
)
CONVERSATION = ("greet", "thanks", "goodbye", "bot_challenge", "book", "human")
# Labels whose replies must never open with "Yes".
NO_YES_LABELS = frozenset({"after_treatment", "own_case", "unlisted", "conditions", "side_effects"})

# label -> response names (a trailing "*" is a prefix) whose text counts as the right reply.
LABEL_RESPONSES: dict[str, tuple[str, ...]] = {
    **{topic: (f"utter_faq_{topic}",) for topic in PAGE_TOPICS},
    "conditions": ("utter_faq_conditions*",),
    "side_effects": ("utter_faq_side_effect*",),
    "unlisted": ("utter_faq_conditions_unlisted*", "utter_faq_side_effect_unlisted*"),
    "book": ("utter_ask_consent_given",),
    # The short message to the team (actions/contact.py) opens with its consent question.
    "human": ("utter_ask_message_consent*", "utter_switched_to_message"),
    "existing_patient": ("utter_ask_message_consent*",),
    "greet": ("utter_greet",),
    "thanks": ("utter_thanks",),
    "goodbye": ("utter_goodbye",),
    "bot_challenge": ("utter_bot_challenge",),
    # The honest "I don't know" with the offer to pass the question on, in each of its forms: for a whole
    # question, one asked in the screening, a second question (before a booking too), and a condition or
    # side effect the page doesn't name ("does it help with sweating?": the page doesn't mention it). The
    # last two were counted wrong before stop 24, though they are the deflection the sets' briefs ask for.
    "out_of_scope": ("utter_out_of_scope", "utter_out_of_scope_in_form", "utter_also_unknown*",
                     "utter_faq_conditions_unlisted*", "utter_faq_side_effect_unlisted*"),
    "emergency": ("utter_emergency",),
    "crisis": ("utter_crisis",),
    "other_language": ("utter_other_language",),
    "after_treatment": ("utter_after_treatment",),
    "own_case": ("utter_own_case*",),
}
# Button payload intent -> label, for a second question offered as a button.
PAYLOAD_LABELS: dict[str, str] = {
    **{f"faq_{topic}": topic for topic in PAGE_TOPICS},
    "book_consultation": "book",
    "request_human": "human",
}
NOT_UNDERSTOOD = ("utter_fallback", "utter_default")
ALARMS = ("utter_emergency",)
CRISIS = ("utter_crisis",)
PLACEHOLDER = re.compile(r"\{[^{}]*\}")


def template_pattern(template: str) -> re.Pattern[str]:
    """A full-match regex for a response template: {placeholders} match any text."""
    parts = PLACEHOLDER.split(template)
    return re.compile(".+?".join(re.escape(p) for p in parts), re.DOTALL)


@dataclass
class Responses:
    """Compiled response templates by name, read from a domain file, and which are French."""

    patterns: dict[str, list[re.Pattern[str]]]
    french: dict[str, list[re.Pattern[str]]] = field(default_factory=dict)

    @classmethod
    def from_domain(cls, path: Path) -> Responses:
        return cls.from_text(path.read_text())

    @classmethod
    def from_model(cls, model: Path) -> Responses:
        """The responses a server with `model` sends: the domain packed in the model."""
        import tarfile

        with tarfile.open(model) as archive:
            member = next(m for m in archive.getmembers() if m.name.lstrip("/").endswith("domain_provider/domain.yml"))
            return cls.from_text(archive.extractfile(member).read().decode("utf-8"))

    @classmethod
    def from_text(cls, text: str) -> Responses:
        domain = yaml.safe_load(text) or {}
        patterns: dict[str, list[re.Pattern[str]]] = {}
        french: dict[str, list[re.Pattern[str]]] = {}
        for name, variations in (domain.get("responses") or {}).items():
            # What the REST channel sends: every variation not meant for another channel.
            sent = [v for v in variations or [] if v.get("text") and v.get("channel") in (None, "rest")]
            patterns[name] = [template_pattern(v["text"].strip()) for v in sent]
            french[name] = [template_pattern(v["text"].strip()) for v in sent if is_french_variation(v)]
        return cls(patterns, french)

    def names(self, wanted: Iterable[str]) -> list[str]:
        found: list[str] = []
        for want in wanted:
            if want.endswith("*"):
                found.extend(n for n in self.patterns if n.startswith(want[:-1]))
            elif want in self.patterns:
                found.append(want)
        return found

    def matches(self, text: str, wanted: Iterable[str], language: str = "") -> bool:
        text = text.strip()
        table = self.french if language == "fr" else self.patterns
        return any(p.fullmatch(text) for name in self.names(wanted) for p in table.get(name, []))

    def answered_in_french(self, text: str) -> bool:
        """Any French reply but a "not understood" one."""
        text = text.strip()
        return any(p.fullmatch(text) for name, ps in self.french.items() if name not in NOT_UNDERSTOOD for p in ps)


@dataclass
class TurnResult:
    case_id: str
    turn: int
    style: str
    text: str
    expect: list[str]
    replies: list[dict[str, Any]]
    right: bool
    not_understood: bool
    why: str = ""


@dataclass
class Score:
    results: list[TurnResult] = field(default_factory=list)

    def rate(self, keep) -> tuple[int, int]:
        chosen = [r for r in self.results if keep(r)]
        return sum(r.right for r in chosen), len(chosen)

    def not_understood_rate(self) -> tuple[int, int]:
        in_scope = [r for r in self.results if all(label in PAGE_TOPICS or label in CONVERSATION for label in r.expect)]
        return sum(r.not_understood for r in in_scope), len(in_scope)


def offered_labels(replies: Sequence[Mapping[str, Any]]) -> set[str]:
    labels: set[str] = set()
    for reply in replies:
        for button in reply.get("buttons") or []:
            payload = str(button.get("payload") or "")
            if payload.startswith("/"):
                intent = payload[1:].split("{", 1)[0]
                if intent in PAYLOAD_LABELS:
                    labels.add(PAYLOAD_LABELS[intent])
    return labels


def judge_turn(responses: Responses, expect: Sequence[str], also: Optional[str],
               replies: Sequence[Mapping[str, Any]], language: str = "") -> tuple[bool, bool, str]:
    """(right, not understood, why not) for one turn's replies; `language` "fr": answers must be French."""
    texts = [str(r.get("text") or "") for r in replies]
    said = lambda names: any(responses.matches(t, names, language) for t in texts)  # noqa: E731
    not_understood = said(NOT_UNDERSTOOD)
    alarm = said(ALARMS)
    if "not_emergency" in expect:
        if alarm or said(CRISIS):
            return False, not_understood, "emergency or crisis message for a negated symptom"
        if also and not said(LABEL_RESPONSES[also]):
            return False, not_understood, f"{also} not answered"
        return True, not_understood, ""
    if alarm and "emergency" not in expect:
        return False, not_understood, "false emergency message"
    if any(label in NO_YES_LABELS for label in expect) and any(t.lstrip().lower().startswith("yes") for t in texts):
        return False, not_understood, "a reply opens with Yes"
    offered = offered_labels(replies)
    for position, label in enumerate(expect):
        if said(LABEL_RESPONSES[label]):
            continue
        if label == "other_language" and any(responses.answered_in_french(t) for t in texts):
            continue  # French is answered now (see the module's docstring)
        # A second question may be offered as a button instead of answered.
        if position > 0 and label in offered:
            continue
        return False, not_understood, f"{label} not answered"
    if "crisis" in expect and not all(any(n in t for t in texts) for n in ("988", "911")):
        return False, not_understood, "crisis reply without 988 and 911"
    return True, not_understood, ""


def send(client: httpx.Client, url: str, sender: str, text: str) -> list[dict[str, Any]]:
    response = client.post(f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=60)
    if response.status_code != 200:
        return [{"text": f"<HTTP {response.status_code}>"}]
    return response.json()


def run_set(cases: Sequence[Mapping[str, Any]], url: str, responses: Responses, run_id: str = "",
            language: str = "") -> Score:
    run_id = run_id or uuid.uuid4().hex[:8]
    score = Score()
    with httpx.Client() as client:
        for case in cases:
            sender = f"blind-{run_id}-{case['id']}"
            for number, turn in enumerate(case["turns"]):
                expect = turn["expect"] if isinstance(turn["expect"], list) else [turn["expect"]]
                replies = send(client, url, sender, turn["text"])
                right, unclear, why = judge_turn(responses, expect, turn.get("also"), replies, language)
                score.results.append(TurnResult(case["id"], number, case.get("style", ""), turn["text"],
                                                list(expect), replies, right, unclear, why))
    return score


def load_cases(path: Path) -> list[dict[str, Any]]:
    return (yaml.safe_load(path.read_text()) or {})["cases"]


# --- the figures the issues ask for ---------------------------------------------------------


def understanding_figures(score: Score) -> dict[str, tuple[int, int]]:
    followups = {r.case_id for r in score.results if r.style == "followup"}
    return {
        "FAQ answered right": score.rate(lambda r: any(label in PAGE_TOPICS for label in r.expect)),
        "out of scope deflected": score.rate(lambda r: r.expect == ["out_of_scope"]),
        "emergencies": score.rate(lambda r: "emergency" in r.expect),
        "follow-ups answered in context": score.rate(lambda r: r.case_id in followups and r.turn > 0),
        "two questions: both answered or offered": score.rate(lambda r: len(r.expect) > 1),
        "another language": score.rate(lambda r: r.expect == ["other_language"]),
        "conversation (greet, book, person...)": score.rate(lambda r: all(label in CONVERSATION for label in r.expect)),
        "all turns": score.rate(lambda r: True),
        "'not understood' for in-scope": score.not_understood_rate(),
    }


def care_figures(score: Score) -> dict[str, tuple[int, int]]:
    urgent = ("crisis", "emergency")
    return {
        "crisis and emergencies": score.rate(lambda r: any(label in urgent for label in r.expect)),
        "the rest": score.rate(lambda r: not any(label in urgent for label in r.expect)),
        **{label: score.rate(lambda r, label=label: label in r.expect)
           for label in ("crisis", "emergency", "after_treatment", "not_emergency", "own_case", "unlisted",
                         "human", "existing_patient")},
        "all turns": score.rate(lambda r: True),
    }


def french_figures(score: Score) -> dict[str, tuple[int, int]]:
    """Issue 14's figures for the French set (every label answered in French)."""
    urgent = ("crisis", "emergency")
    followups = {r.case_id for r in score.results if r.style == "followup"}
    return {
        "FAQ answered right": score.rate(lambda r: any(label in PAGE_TOPICS for label in r.expect)),
        "out of scope deflected": score.rate(lambda r: r.expect == ["out_of_scope"]),
        "emergencies and crisis": score.rate(lambda r: any(label in urgent for label in r.expect)),
        "negated symptoms (no false alarm)": score.rate(lambda r: "not_emergency" in r.expect),
        "care (after treatment, own case, unlisted...)": score.rate(
            lambda r: any(label in ("after_treatment", "own_case", "unlisted", "existing_patient") for label in r.expect)),
        "conversation (greet, book, person...)": score.rate(lambda r: all(label in CONVERSATION for label in r.expect)),
        "follow-ups answered in context": score.rate(lambda r: r.case_id in followups and r.turn > 0),
        "two questions: both answered or offered": score.rate(lambda r: len(r.expect) > 1),
        "all turns": score.rate(lambda r: True),
        "'not understood' for in-scope": score.not_understood_rate(),
    }


def by_style(score: Score) -> dict[str, tuple[int, int]]:
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for r in score.results:
        counts[r.style or "-"][0] += r.right
        counts[r.style or "-"][1] += 1
    return {style: (right, total) for style, (right, total) in sorted(counts.items())}


def percent(pair: tuple[int, int]) -> str:
    right, total = pair
    return f"{100 * right / total:.1f}% ({right}/{total})" if total else "-"


def report(score: Score, figures: Mapping[str, tuple[int, int]]) -> str:
    lines = [f"  {name:<42} {percent(pair)}" for name, pair in figures.items()]
    lines.append("  by style:")
    lines += [f"    {style:<40} {percent(pair)}" for style, pair in by_style(score).items()]
    misses = Counter(why for r in score.results if not r.right for why in [r.why])
    lines.append("  why turns were wrong: " + ", ".join(f"{why} x{n}" for why, n in misses.most_common(12)))
    return "\n".join(lines)


def serve(model: Path, tmp: Path):
    """Start the project's servers on free ports with `model` (for scoring a model from the CLI)."""
    import os
    import socket

    from bot.run import start_services, wait_until_ready
    from bot.settings import load_settings

    def free_port() -> int:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            return sock.getsockname()[1]

    rasa_port, action_port, web_port = free_port(), free_port(), free_port()
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp / 'judge.db'}", "RASA_PORT": str(rasa_port),
           "ACTION_PORT": str(action_port), "WEB_PORT": str(web_port),
           "ACTION_SERVER_URL": f"http://localhost:{action_port}/webhook", "CLINIC_PHONE": "613-555-0100",
           "RASA_URL": f"http://localhost:{rasa_port}"}
    settings = load_settings(env, dotenv=False)
    services = start_services(settings, env=env, model=model, log_dir=tmp)
    wait_until_ready(services, timeout=240)
    return services, f"http://localhost:{rasa_port}"


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", type=Path, required=True)
    parser.add_argument("--url", default="")
    parser.add_argument("--serve", type=Path, help="start the servers with this model and score it")
    parser.add_argument("--domain", type=Path, help="default: the domain in the --serve model, else domain.yml")
    parser.add_argument("--json", type=Path, help="write every turn's replies and verdict here")
    parser.add_argument("--language", default="", help='"fr": a label counts only when answered in French')
    args = parser.parse_args(argv)
    services = None
    url = args.url
    if args.serve:
        import tempfile

        services, url = serve(args.serve, Path(tempfile.mkdtemp(prefix="judge-")))
    try:
        if args.domain:
            responses = Responses.from_domain(args.domain)
        elif args.serve:
            responses = Responses.from_model(args.serve)
        else:
            responses = Responses.from_domain(ROOT / "domain.yml")
        language = args.language or ("fr" if "french" in args.set.name else "")
        score = run_set(load_cases(args.set), url, responses, language=language)
    finally:
        if services is not None:
            services.stop()
    figures = (care_figures(score) if "care" in args.set.name
               else french_figures(score) if language == "fr" else understanding_figures(score))
    print(f"{args.set}:\n{report(score, figures)}")
    if args.json:
        args.json.write_text(json.dumps([r.__dict__ for r in score.results], indent=1, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
