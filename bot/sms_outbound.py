"""Texts from the front desk to a patient, through Twilio's Messages API (the installed `twilio` 8.2.2).

The inbound channel (bot/channels/sms.py) answers in TwiML and never calls Twilio; a staff reply
starts on our side, so it needs the API: POST /2010-04-01/Accounts/{sid}/Messages.json with To,
From, Body and a StatusCallback to the web app's signed status webhook (bot/staff/sms_status.py).

- The HTTP client is twilio's own async hook (`twilio.http.AsyncHttpClient`) over aiohttp, which
  Rasa installs: twilio's AsyncTwilioHttpClient needs aiohttp-retry, which is not installed. The
  event loop is never blocked; TWILIO_API_URL points it at a local fake (tests, `make sms`).
- Before sending, `check_recipient` says whether a request's patient can be texted at all (a
  number, no STOP/ARRET on record, texting set up), and `health_words` finds what in a draft looks
  like a health detail: the patient agreed to texts, not to health details by text.
- Nothing here logs a number or a text; twilio's request logging is not called.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Optional

from sqlalchemy import select
from sqlalchemy.engine import Engine
from twilio.http import AsyncHttpClient
from twilio.http.response import Response as TwilioResponse

from bot.settings import Settings
from bot.sms_text import SmsSize, sms_size
from bot.store.requests import ConsultationRequest
from bot.store.staff_messages import MAX_BODY_CHARS, StaffMessage, StaffMessageStore

TWILIO_API = "https://api.twilio.com"
STATUS_PATH = "/webhooks/sms/status"
# Twilio's own limits: 10 s to connect, and we wait no longer than it waits for us.
TIMEOUT_SECONDS = 15.0
TEXT_METHOD = "text message"  # actions/screening.py CONTACT_METHOD_WORDS["text"]
SMS_CHANNELS = ("sms", "twilio")
# The most a staff text should be (two segments); longer is allowed up to MAX_BODY_CHARS.
RECOMMENDED_SEGMENTS = 2

# What the front desk reads when Twilio refuses a text or reports it undelivered.
TWILIO_ERRORS = {
    "21211": "Twilio says the number is not a valid phone number.",
    "21408": "Texts to this country are not enabled on the clinic's Twilio account.",
    "21610": "The patient replied STOP to the clinic's number: Twilio blocks texts until they reply START.",
    "21612": "Twilio cannot send texts from the clinic's number to this number.",
    "21614": "The number cannot receive texts (a landline?).",
    "30003": "The phone was off or out of reach, and the carrier gave up.",
    "30004": "The number blocks texts from the clinic.",
    "30005": "The number does not exist or is no longer in service.",
    "30006": "The number is a landline or cannot receive texts.",
    "30007": "The carrier filtered the text as unwanted.",
    "30008": "The carrier could not deliver it, for a reason it did not give.",
}


def error_text(code: Optional[str]) -> str:
    if not code:
        return ""
    return TWILIO_ERRORS.get(str(code), f"Twilio error {code}.")


# --- the HTTP hook ---------------------------------------------------------------------------


class AiohttpTwilioClient(AsyncHttpClient):
    """twilio's async HTTP hook over aiohttp; `api_url` replaces https://api.twilio.com (a fake)."""

    def __init__(self, api_url: str = "", timeout: float = TIMEOUT_SECONDS) -> None:
        import logging

        super().__init__(logging.getLogger(__name__), True, timeout)
        self.api_url = api_url.rstrip("/")

    def target(self, url: str) -> str:
        if self.api_url and url.startswith(TWILIO_API):
            return self.api_url + url[len(TWILIO_API):]
        return url

    async def request(self, method: str, uri: str, params=None, data=None, headers=None, auth=None,
                      timeout: Optional[float] = None, allow_redirects: bool = False) -> TwilioResponse:
        import aiohttp

        basic = aiohttp.BasicAuth(auth[0], auth[1]) if auth else None
        limit = aiohttp.ClientTimeout(total=timeout or self.timeout or TIMEOUT_SECONDS, connect=10)
        async with aiohttp.ClientSession(timeout=limit) as session:
            async with session.request(method.upper(), self.target(uri), params=params, data=data,
                                       headers=headers, auth=basic, allow_redirects=allow_redirects) as answer:
                return TwilioResponse(answer.status, await answer.text(), answer.headers)


def make_client(settings: Settings, http_client: Optional[AsyncHttpClient] = None):
    """A twilio Client for the clinic's account (nothing is contacted until a message is sent)."""
    from twilio.rest import Client

    return Client(settings.twilio_account_sid, settings.twilio_auth_token,
                  http_client=http_client or AiohttpTwilioClient(settings.twilio_api_url))


def status_callback_url(settings: Settings) -> str:
    """Where Twilio reports delivery states: the web app's public URL (also what the signature signs)."""
    return settings.public_base_url.rstrip("/") + STATUS_PATH


def missing_settings(settings: Settings) -> list[str]:
    return [name for name, value in (("TWILIO_ACCOUNT_SID", settings.twilio_account_sid),
                                     ("TWILIO_AUTH_TOKEN", settings.twilio_auth_token),
                                     ("TWILIO_FROM_NUMBER", settings.twilio_from_number)) if not value]


# --- who can be texted ------------------------------------------------------------------------


def texts_expected(item: ConsultationRequest) -> bool:
    """The patient wrote by SMS or chose texts as the way to reach them."""
    return item.channel in SMS_CHANNELS or TEXT_METHOD in (item.contact_method or "").lower()


_E164 = re.compile(r"^\+1\d{10}$")


def text_number(phone: str) -> tuple[Optional[str], str]:
    """The number to text from a request's phone field (E.164, as the screening stores it), or why not."""
    value = (phone or "").strip()
    if not value or value.lower() == "not given":
        return None, "The patient gave no phone number, so there is no number to text."
    if " ext" in value.lower():
        return None, "The patient's number has an extension: it is an office line, which cannot receive texts."
    if not _E164.match(value):
        return None, "The patient's phone number is not a North American mobile number the clinic can text."
    return value, ""


@dataclass(frozen=True)
class Recipient:
    """Whether the request's patient can be texted: the number, or the reason shown on the page."""

    number: Optional[str]
    reason: str = ""
    opted_out: bool = False

    @property
    def ok(self) -> bool:
        return self.number is not None and not self.reason


def blocked_since(engine: Engine, item: ConsultationRequest):
    """When Twilio last refused one of this request's texts because the number opted out (21610).

    Read from the message's own states, which the status callback and the send write: the
    opt-out record (sms_opt_outs) is written beside them, so the page cannot show the failed
    text without the reason, whichever of the callback and the send got there first.
    """
    from sqlalchemy import func, inspect

    from bot.store.staff_messages import staff_message_states, staff_messages

    with engine.connect() as conn:
        if not inspect(conn).has_table("staff_message_states"):
            return None
        refused = conn.execute(
            select(func.max(staff_message_states.c.at))
            .join(staff_messages, staff_messages.c.twilio_sid == staff_message_states.c.twilio_sid)
            .where(staff_messages.c.request_id == item.id, staff_message_states.c.error_code == "21610")
        ).scalar()
        errored = conn.execute(
            select(func.max(staff_messages.c.updated_at))
            .where(staff_messages.c.request_id == item.id, staff_messages.c.error_code == "21610")
        ).scalar()
    found = [t for t in (refused, errored) if t is not None]
    return max(found) if found else None


@dataclass(frozen=True)
class OptChanges:
    """The latest STOP and the latest START on record for a patient's numbers (None: never)."""

    opted_out: Optional[datetime] = None
    opted_in: Optional[datetime] = None


def opt_changes(engine: Engine, item: ConsultationRequest, number: Optional[str], secret: str) -> OptChanges:
    """The opt-out records of this patient's number (or, for an SMS conversation, of the number
    they wrote from), in one query."""
    from sqlalchemy import func, inspect, or_

    from bot.sms_numbers import number_hash
    from bot.store.sms import sms_opt_outs

    hashes = []
    if number:
        hashes.append(sms_opt_outs.c.number_hash == number_hash(number, secret))
    if item.conversation_id.startswith("sms:"):
        # The conversation id holds the first 32 hex characters of the sender's keyed hash.
        prefix = item.conversation_id[4:]
        if re.fullmatch(r"[0-9a-f]{32}", prefix):
            hashes.append(sms_opt_outs.c.number_hash.like(prefix + "%"))
    if not hashes:
        return OptChanges()
    with engine.connect() as conn:
        if not inspect(conn).has_table("sms_opt_outs"):
            return OptChanges()
        latest = dict(conn.execute(select(sms_opt_outs.c.opted_out, func.max(sms_opt_outs.c.changed_at))
                                   .where(or_(*hashes)).group_by(sms_opt_outs.c.opted_out)).all())
    return OptChanges(latest.get(True), latest.get(False))


def record_opt_out(engine: Engine, secret: str, number: str) -> None:
    """Twilio has the number as opted out (error 21610): record it, so every request with this
    number says why no text can be sent (the send and the status webhook both call this)."""
    from bot.sms_numbers import number_hash
    from bot.store.sms import SmsStore

    SmsStore(engine).set_opted_out(number_hash(number, secret), True)


def check_recipient(engine: Engine, settings: Settings, item: ConsultationRequest) -> Recipient:
    """Can the front desk text this request's patient? The reason is what the page says when not."""
    number, why = text_number(item.phone)
    changes = opt_changes(engine, item, number, settings.secret_key)
    since = changes.opted_out
    if since is None:
        # Twilio refused a text as opted out, and the patient has not texted START since.
        refused = blocked_since(engine, item)
        if refused is not None and (changes.opted_in is None or changes.opted_in < refused):
            since = refused
    if since is not None:
        return Recipient(number, (
            f"The patient opted out of texts (STOP or ARRET) on {since:%Y-%m-%d}: nothing can be texted to them "
            "until they text START to the clinic's number. Call or e-mail them instead."), opted_out=True)
    if number is None:
        return Recipient(None, why)
    missing = missing_settings(settings)
    if missing:
        return Recipient(number, f"Texting is not set up on this server ({', '.join(missing)} missing).")
    return Recipient(number)


# --- what a draft reveals ----------------------------------------------------------------------

# Screening topics and everyday health words (English and French); the clinic vocabulary adds
# the conditions, side effects and unlisted conditions patients name (bot/nlp/vocabulary.py).
SCREENING_WORDS = (
    "botox", "botulinum", "toxin", "injection", "injections", "injected", "inject", "needle", "needles",
    "treatment", "treatments", "therapeutic", "migraine", "migraines", "headache", "headaches", "pain",
    "painful", "pregnant", "pregnancy", "breastfeeding", "nursing", "medication", "medications", "medicine",
    "medicines", "prescription", "prescribed", "drug", "drugs", "surgery", "surgeries", "surgical", "operation",
    "nerve", "nerves", "neurological", "muscle", "muscles", "weakness", "condition", "conditions", "symptom",
    "symptoms", "diagnosis", "diagnosed", "side effect", "side effects", "allergic", "allergy", "allergies",
    "screening", "health", "medical", "doctor", "jaw", "tmj", "clenching", "grinding", "bruxism",
    "douleur", "douleurs", "enceinte", "grossesse", "médicament", "médicaments", "chirurgie", "mâchoire",
    "traitement", "injection", "santé", "symptôme", "symptômes", "maux de tête",
)
# Vocabulary phrases too common to mean a health detail in a front-desk text.
NOT_HEALTH = frozenset({"spreading", "tired", "head", "face"})
_ANSWER_FILLERS = frozenset({
    "none", "nothing", "sometimes", "daily", "take", "taking", "took", "unsure", "given", "maybe", "only",
    "when", "needed", "every", "week", "weeks", "day", "days", "month", "months", "year", "years",
})


def _fold(text: str) -> str:
    """Lower case without accents: 'Médicament' and 'medicament' match alike."""
    return "".join(ch for ch in unicodedata.normalize("NFKD", text.lower()) if not unicodedata.combining(ch))


@lru_cache(maxsize=1)
def _vocabulary() -> tuple[str, ...]:
    from bot.nlp.vocabulary import CONDITIONS, SIDE_EFFECTS, UNLISTED

    phrases = {p for term in CONDITIONS + SIDE_EFFECTS + UNLISTED for p in term.phrases + (term.canonical,)}
    return tuple(sorted({_fold(p) for p in set(SCREENING_WORDS) | phrases} - NOT_HEALTH))


def answer_words(item: ConsultationRequest) -> set[str]:
    """Words of this patient's own health answers (a medication's name, a condition), as typed."""
    try:
        from spacy.lang.en.stop_words import STOP_WORDS
    except ImportError:  # pragma: no cover - spaCy comes with the project
        STOP_WORDS = frozenset()
    words: set[str] = set()
    for key in ("medications", "other_conditions"):
        for word in re.findall(r"[^\W\d_]{4,}", _fold(str(item.answers.get(key) or ""))):
            if word not in STOP_WORDS and word not in _ANSWER_FILLERS:
                words.add(word)
    return words


def health_words(text: str, extra: Iterable[str] = ()) -> list[str]:
    """The health words in a draft, in the order they appear (empty: none found)."""
    folded = _fold(text)
    found: list[tuple[int, str]] = []
    for phrase in set(_vocabulary()) | {_fold(w) for w in extra}:
        match = re.search(r"(?<!\w)" + re.escape(phrase) + r"(?!\w)", folded)
        if match:
            found.append((match.start(), text[match.start():match.end()]))
    # A longer phrase swallows the words inside it ("jaw pain" rather than "jaw" and "pain").
    found.sort(key=lambda f: (f[0], -len(f[1])))
    kept: list[str] = []
    end = -1
    for start, words in found:
        if start >= end:
            kept.append(words)
            end = start + len(words)
    return list(dict.fromkeys(kept))


@dataclass(frozen=True)
class Draft:
    """What the compose box shows about a draft: its size and its health words."""

    chars: int
    size: SmsSize
    health: tuple[str, ...]

    @property
    def too_long(self) -> bool:
        return self.chars > MAX_BODY_CHARS

    def as_json(self) -> dict:
        return {
            "chars": self.chars, "encoding": self.size.encoding, "units": self.size.units,
            "segments": self.size.segments, "unicode_characters": list(self.size.unicode_characters),
            "single_limit": self.size.single_limit, "part_limit": self.size.part_limit,
            "health_words": list(self.health), "too_long": self.too_long, "max_chars": MAX_BODY_CHARS,
            "recommended_segments": RECOMMENDED_SEGMENTS,
        }


def clean_body(text: str) -> str:
    """The text as it will be sent: Windows line ends made plain, outer blanks trimmed."""
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def draft(text: str, item: Optional[ConsultationRequest] = None) -> Draft:
    body = clean_body(text)
    return Draft(len(body), sms_size(body), tuple(health_words(body, answer_words(item) if item else ())))


# --- sending ----------------------------------------------------------------------------------


class SmsSender:
    """Sends a stored staff message and records what Twilio answered."""

    def __init__(self, settings: Settings, store: StaffMessageStore, engine: Engine,
                 http_client: Optional[AsyncHttpClient] = None) -> None:
        self.settings = settings
        self.store = store
        self.engine = engine
        self.http_client = http_client

    async def send(self, message: StaffMessage, to: str) -> StaffMessage:
        import asyncio

        from twilio.base.exceptions import TwilioException, TwilioRestException

        client = make_client(self.settings, self.http_client)
        try:
            created = await client.messages.create_async(
                to=to, from_=self.settings.twilio_from_number, body=message.body,
                status_callback=status_callback_url(self.settings),
            )
        except TwilioRestException as exc:
            code = str(exc.code) if exc.code else ""
            if code == "21610":
                await asyncio.to_thread(self._record_opt_out, to)
            stored = await asyncio.to_thread(
                self.store.not_sent, message.id, code, error_text(code) or f"Twilio refused the text ({exc.status}).")
            return stored or message
        except (TwilioException, OSError, asyncio.TimeoutError, ValueError) as exc:
            # aiohttp's errors are OSErrors or TimeoutErrors; a reply that is not JSON is a ValueError.
            why = "Twilio could not be reached, so the text was not sent." if not isinstance(exc, ValueError) \
                else "Twilio's answer could not be read; the text may not have been sent."
            stored = await asyncio.to_thread(self.store.not_sent, message.id, "", why)
            return stored or message
        sid = str(created.sid or "")
        status = str(created.status or "queued")
        stored = await asyncio.to_thread(self.store.accepted, message.id, sid, status)
        if stored is not None and stored.error_code == "21610":
            # Twilio's "failed, opted out" callback came before we had stored the sid, so the
            # webhook could not tie it to this number: record the opt-out here.
            await asyncio.to_thread(self._record_opt_out, to)
        return stored or message

    def _record_opt_out(self, number: str) -> None:
        record_opt_out(self.engine, self.settings.secret_key, number)


__all__ = [
    "AiohttpTwilioClient", "Draft", "Recipient", "STATUS_PATH", "SmsSender", "check_recipient", "clean_body",
    "draft", "error_text", "health_words", "make_client", "missing_settings", "record_opt_out", "status_callback_url",
    "text_number", "texts_expected",
]
