"""SMS through Twilio's inbound-message webhook, answered in TwiML: our replacement for Rasa's `twilio`.

Served by the Rasa server at /webhooks/sms/webhook (credentials.yml: `bot.channels.sms.SmsInput:`).

What it does that Rasa's channel does not:
- verifies `X-Twilio-Signature` against the public URL Twilio called (SMS_PUBLIC_URL, else rebuilt
  from X-Forwarded-Proto/Host); a missing or wrong signature is a 403 and nothing is processed;
- replies in the webhook's own response (TwiML), so no outbound API call is needed;
- the conversation id is "sms:" + HMAC-SHA256(SECRET_KEY, number): the number is never stored,
  put in metadata, or logged in clear;
- buttons become one text with numbered options, and a reply "1", "1.", "#1", "one" or the
  option's title maps back to that button's payload. The options are read from the bot's latest
  turn in the tracker (Rasa's SQL tracker store), so the mapping is per conversation and survives
  a restart without a table of its own;
- carrier keywords (STOP..., START..., HELP/AIDE) are handled here, opt-outs are recorded;
- a "C" or "R" answering a booked appointment's text is recorded on its request (bot/booking_texts.py);
- a repeated MessageSid gets the stored TwiML again, processed once even when copies race;
- every text is at most 1600 characters (split on line and sentence boundaries, never in a word).

Patient text, numbers and slot values are never logged.
"""

from __future__ import annotations

import asyncio
import logging
import re
import string
import unicodedata
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Optional
from urllib.parse import parse_qsl
from xml.sax.saxutils import escape

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from twilio.request_validator import RequestValidator

from bot.channels.guard import guard_for_conversation
from bot.settings import Settings, get_settings
from bot.sms_numbers import normalise_number, number_hash  # noqa: F401 - one home, used here too
from bot.sms_text import with_gsm7_lookalikes
from bot.store.sms import CLAIMED, DONE, SmsStore
from bot.takeover import answer_if_taken_over, unseen_idle_notice

logger = logging.getLogger(__name__)

CHANNEL = "sms"
MAX_SMS_CHARS = 1600  # Twilio refuses longer messages, in and out
FORM_TYPE = "application/x-www-form-urlencoded"
MAX_SID_CHARS = 64
MAX_FROM_CHARS = 64
DUPLICATE_WAIT_SECONDS = 10.0  # Twilio gives up after 15 s in all
DUPLICATE_POLL_SECONDS = 0.2

OPT_OUT_KEYWORDS = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "ARRET"})
OPT_IN_KEYWORDS = frozenset({"START", "YES", "UNSTOP"})
HELP_KEYWORDS = frozenset({"HELP", "AIDE", "INFO"})
# Canadian carriers expect each keyword answered in its own language (CWTA): ARRET and AIDE in
# French. Twilio confirms its own English opt-outs (STOP...) itself; ARRET is ours to confirm.
FRENCH_KEYWORDS = frozenset({"ARRET", "AIDE"})
# What Rasa is told on an opt-out, whatever the keyword: the domain's `stop` intent, which
# cancels an active screening form ("arret" or "unsubscribe" would not be understood).
OPT_OUT_TEXT = "stop"

NUMBER_WORDS: dict[str, int] = {
    word: i + 1
    for i, word in enumerate(
        ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve")
    )
}
XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>'
EMPTY_TWIML = XML_DECLARATION + "<Response/>"
# Characters XML 1.0 cannot carry at all (escaping does not help): dropped from replies.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*(?=\s)")
_EDGE_PUNCTUATION = string.punctuation + string.whitespace + "¡¿«»“”‘’…"


# --- numbers and conversation ids ----------------------------------------------------------


def conversation_id(number: str, secret: str) -> str:
    """The Rasa sender id of a phone number: "sms:" + 32 hex characters of its keyed hash."""
    return f"{CHANNEL}:{number_hash(number, secret)[:32]}"


# --- the request -----------------------------------------------------------------------------


class FormParams(dict):
    """POST parameters as Twilio signed them: every name with all its values, blanks included."""

    def getall(self, name: str) -> list[str]:
        return list(self.get(name, []))

    def first(self, name: str) -> Optional[str]:
        values = self.get(name)
        return values[0] if values else None


def parse_form(body: bytes) -> tuple[Optional[FormParams], Optional[str]]:
    """The form body, or why it cannot be read.

    Parsed here rather than with Sanic's `request.form`, which drops blank values: Twilio signs
    every parameter, empty ones too (an empty `Body` or `FromCity`).
    """
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return None, "the form body is not UTF-8"
    try:
        pairs = parse_qsl(text, keep_blank_values=True, strict_parsing=bool(text), max_num_fields=200)
    except ValueError:
        return None, "the form body is not valid application/x-www-form-urlencoded"
    params = FormParams()
    for name, value in pairs:
        params.setdefault(name, []).append(value)
    return params, None


@dataclass(frozen=True)
class InboundSms:
    """The fields of Twilio's webhook the channel uses."""

    sender: str = field(repr=False)  # the patient's number: never printed
    message_sid: str
    body: str = field(repr=False)
    num_media: int = 0
    to: str = field(default="", repr=False)


def parse_inbound(params: FormParams) -> tuple[Optional[InboundSms], Optional[str]]:
    """The message, or the reason (for a 400) why it is not one."""
    sender = (params.first("From") or "").strip()
    if not sender:
        return None, "'From' is missing"
    if len(sender) > MAX_FROM_CHARS:
        return None, "'From' is too long"
    sid = (params.first("MessageSid") or params.first("SmsMessageSid") or "").strip()
    if not sid:
        return None, "'MessageSid' is missing"
    if len(sid) > MAX_SID_CHARS or not re.fullmatch(r"[A-Za-z0-9_\-]+", sid):
        return None, "'MessageSid' is not a message id"
    raw_media = (params.first("NumMedia") or "0").strip() or "0"
    if not raw_media.isdigit():
        return None, "'NumMedia' must be a whole number"
    num_media = int(raw_media)
    body = params.first("Body") or ""
    if not body.strip() and num_media == 0:
        return None, "'Body' is empty and there is no media"
    return InboundSms(sender, sid, body, num_media, (params.first("To") or "").strip()), None


def public_url(configured: str, scheme: str, host: str, path: str, query: str, headers: Mapping[str, str]) -> str:
    """The URL Twilio called: SMS_PUBLIC_URL when set, else rebuilt from X-Forwarded-* (a proxy)."""
    if configured:
        url = configured
    else:
        proto = (headers.get("x-forwarded-proto") or scheme or "http").split(",")[0].strip()
        fwd_host = (headers.get("x-forwarded-host") or host).split(",")[0].strip()
        url = f"{proto}://{fwd_host}{path}"
    if query and "?" not in url:
        url = f"{url}?{query}"
    return url


def signature_valid(token: str, url: str, params: FormParams, signature: Optional[str]) -> bool:
    """Twilio's own check (HMAC-SHA1 of URL and sorted parameters), with and without the port."""
    if not token or not signature:
        return False
    return bool(RequestValidator(token).validate(url, params, signature))


def carrier_keyword(text: Optional[str]) -> Optional[str]:
    """The keyword a whole message is ("stop!" -> "STOP", "Arrêt" -> "ARRET"), else None."""
    if not text:
        return None
    word = text.strip(_EDGE_PUNCTUATION)
    if not word or any(ch.isspace() for ch in word):
        return None
    plain = "".join(ch for ch in unicodedata.normalize("NFKD", word) if not unicodedata.combining(ch)).upper()
    if plain in OPT_OUT_KEYWORDS | OPT_IN_KEYWORDS | HELP_KEYWORDS:
        return plain
    return None


# --- buttons as numbered options -------------------------------------------------------------


@dataclass(frozen=True)
class Option:
    """One button as offered over SMS: its number in the turn, its title and its payload."""

    number: int
    title: str
    payload: str


def _title(button: Mapping[str, Any], number: int) -> str:
    title = " ".join(str(button.get("title") or "").split())
    return title or f"option {number}"  # never fall back to the payload: patients must not see it


def turn_options(messages: Iterable[Mapping[str, Any]]) -> list[Option]:
    """The buttons of one bot turn, numbered 1..n across its messages in order."""
    options: list[Option] = []
    for message in messages:
        for button in message.get("buttons") or []:
            payload = button.get("payload")
            if isinstance(payload, str):
                number = len(options) + 1
                options.append(Option(number, _title(button, number), payload))
    return options


# The words around numbered choices, by the conversation's language ("Répondez 1 pour Oui"): é is
# in GSM-7, so a French choice line costs no more than an English one.
CHOICE_WORDS = {"en": ("Reply", "for"), "fr": ("Répondez", "pour")}


def render_messages(messages: Iterable[Mapping[str, Any]], language: str = "en") -> list[str]:
    """The texts of one bot turn, each button list as "Reply 1 for Yes, 2 for No" (no payloads),
    in French ("Répondez 1 pour Oui") for a French conversation.

    Dashes, curly quotes, bullets and ® become their GSM-7 look-alikes: one of them would send the
    whole text as UCS-2, at more than twice the segments (web wordings and the parser's "yes — ..."
    keep them; so may a patient's answers read back in the summary).
    """
    texts: list[str] = []
    count = 0
    for message in messages:
        text = str(message.get("text") or "").strip()
        buttons = [b for b in message.get("buttons") or [] if isinstance(b.get("payload"), str)]
        if buttons:
            reply, for_ = CHOICE_WORDS.get(language, CHOICE_WORDS["en"])
            choices = ", ".join(f"{count + i + 1} {for_} {_title(b, count + i + 1)}" for i, b in enumerate(buttons))
            count += len(buttons)
            text = f"{text}\n{reply} {choices}" if text else f"{reply} {choices}"
        if text:
            texts.append(with_gsm7_lookalikes(text))
    return texts


def _squash(text: str) -> str:
    return re.sub(r"[\W_]+", "", text.lower())


def map_reply(text: str, options: Sequence[Option]) -> Optional[str]:
    """The payload a reply picks: "1", "1.", "#1", "one" or an option's title; None otherwise."""
    if not options or not text:
        return None
    core = text.strip(_EDGE_PUNCTUATION).lower()
    number: Optional[int] = None
    if re.fullmatch(r"#?\s*\d{1,2}", core):
        number = int(core.lstrip("#").strip())
    elif core in NUMBER_WORDS:
        number = NUMBER_WORDS[core]
    if number is not None:
        return options[number - 1].payload if 1 <= number <= len(options) else None
    wanted = _squash(text)
    for option in options:
        if wanted and _squash(option.title) == wanted:
            return option.payload
    return None


def options_from_events(events: Iterable[Any]) -> list[Option]:
    """The options of the bot's latest turn (bot events since the last user message)."""
    turn: list[Mapping[str, Any]] = []
    for event in reversed(list(events)):
        kind = event.get("event") if isinstance(event, dict) else getattr(event, "type_name", None)
        if kind == "user":
            break
        if kind == "bot":
            data = event.get("data") if isinstance(event, dict) else getattr(event, "data", None)
            turn.append(data or {})
    return turn_options(reversed(turn))


# --- length and TwiML ------------------------------------------------------------------------


def split_message(text: str, limit: int = MAX_SMS_CHARS) -> list[str]:
    """`text` in parts of at most `limit` characters, cut at a line or sentence end, else a space."""
    text = text.strip()
    parts: list[str] = []
    while len(text) > limit:
        window = text[: limit + 1]  # a boundary right after the limit still counts
        cut = window.rfind("\n")
        sentence = [m.end() for m in _SENTENCE_END.finditer(window) if m.end() <= limit]
        if sentence:
            cut = max(cut, sentence[-1])
        if cut <= 0:
            cut = max(window.rfind(" "), window.rfind("\t"))
        if cut <= 0:  # one "word" longer than a whole message: nothing else to do
            cut = limit
        parts.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    if text:
        parts.append(text)
    return parts


def build_twiml(texts: Iterable[str], limit: int = MAX_SMS_CHARS) -> str:
    """`<Response>` with one escaped `<Message>` per text (long texts split); `<Response/>` if none."""
    messages = []
    for text in texts:
        for part in split_message(_XML_INVALID.sub("", text), limit):
            messages.append(f"<Message>{escape(part)}</Message>")
    if not messages:
        return EMPTY_TWIML
    return f"{XML_DECLARATION}<Response>{''.join(messages)}</Response>"


# --- rendering domain responses without a turn -------------------------------------------------


def render_response(domain: Any, name: str, language: str = "", **values: Any) -> list[str]:
    """A domain response as SMS texts, through Rasa's templated NLG with the `sms` variation (and
    the French one when `language` is "fr")."""
    from rasa.core.nlg.response import TemplatedNaturalLanguageGenerator

    generated = None
    if domain is not None:
        slots = {"language": language} if language else {}
        generated = TemplatedNaturalLanguageGenerator(domain.responses).generate_from_slots(
            name, slots, CHANNEL, **values)
    if not generated:
        # A model trained before the response was added to domain.yml: retrain (`make train`).
        logger.warning("SMS: the loaded model's domain has no response %s; nothing sent", name)
        return []
    return render_messages([generated])


# --- the channel -------------------------------------------------------------------------------


class SmsOutput(CollectingOutputChannel):
    """Collects the bot's messages for the TwiML reply; its name selects `channel: sms` variations."""

    @classmethod
    def name(cls) -> str:
        return CHANNEL

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        # Kept whole (the collector splits on blank lines): length is handled when building TwiML.
        await self._persist_message(self._message(recipient_id, text=text))


class _KnownTracker:
    """A tracker store that answers with the tracker already read for this message."""

    def __init__(self, tracker: Any) -> None:
        self._tracker = tracker

    async def retrieve(self, _sender_id: str) -> Any:
        return self._tracker


@dataclass
class Outcome:
    """What the webhook answers: a status and a body (TwiML when 200)."""

    status: int
    body: str
    content_type: str = "text/plain; charset=utf-8"


def _reject(status: int, reason: str) -> Outcome:
    return Outcome(status, reason)


def _twiml(body: str) -> Outcome:
    return Outcome(200, body, "text/xml; charset=utf-8")


@dataclass
class SmsRequest:
    """The parts of an HTTP request the webhook looks at (so it can be tested without a server)."""

    body: bytes
    headers: Mapping[str, str]  # lower-case names
    scheme: str = "http"
    host: str = "localhost"
    path: str = "/webhooks/sms/webhook"
    query: str = ""


class SmsWebhook:
    """The webhook's logic, independent of Sanic: `await handle(request, agent)` gives an Outcome."""

    def __init__(
        self,
        settings: Settings,
        store: SmsStore,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
    ) -> None:
        self.settings = settings
        self.store = store
        self.on_new_message = on_new_message
        self._takeovers: Any = None  # bot/store/takeovers.py, made with the first message

    async def handle(self, request: SmsRequest, agent: Any) -> Outcome:
        content_type = (request.headers.get("content-type") or "").split(";")[0].strip().lower()
        if content_type != FORM_TYPE:
            return _reject(415, f"the body must be {FORM_TYPE}")
        params, error = parse_form(request.body)
        if error or params is None:
            return _reject(400, error or "unreadable form")
        if not self.settings.sms_skip_signature:
            url = public_url(
                self.settings.sms_public_url, request.scheme, request.host, request.path, request.query, request.headers
            )
            if not signature_valid(
                self.settings.twilio_auth_token, url, params, request.headers.get("x-twilio-signature")
            ):
                logger.warning("SMS webhook: request with a missing or invalid Twilio signature refused")
                return _reject(403, "invalid or missing X-Twilio-Signature")
        inbound, error = parse_inbound(params)
        if error or inbound is None:
            return _reject(400, error or "not a message")
        return await self._once(inbound, agent)

    async def _once(self, inbound: InboundSms, agent: Any) -> Outcome:
        """Process each MessageSid once; a copy gets the first one's TwiML."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + DUPLICATE_WAIT_SECONDS
        # The row names its conversation, so a discarded screening's replies go with it.
        conversation = conversation_id(inbound.sender, self.settings.secret_key)
        while True:
            claim = await asyncio.to_thread(self.store.claim, inbound.message_sid, None, conversation)
            if claim.state == DONE:
                return _twiml(claim.twiml or EMPTY_TWIML)
            if claim.state == CLAIMED:
                break
            if loop.time() >= deadline:
                # The first copy is still being answered; Twilio sends that one's reply.
                return _twiml(EMPTY_TWIML)
            await asyncio.sleep(DUPLICATE_POLL_SECONDS)
        try:
            twiml = await self._process(inbound, agent)
        except BaseException as exc:
            await asyncio.shield(asyncio.to_thread(self.store.release, inbound.message_sid))
            if isinstance(exc, asyncio.CancelledError):
                logger.error("SMS message processing was cancelled")
                raise
            logger.error("SMS message failed: %s", type(exc).__name__)
            return _reject(500, "the assistant could not answer")
        await asyncio.to_thread(self.store.complete, inbound.message_sid, twiml)
        return _twiml(twiml)

    def _booking_answer(self, hashed: str, body: str, sender_id: str) -> Optional[str]:
        from bot.booking_texts import answer_reply, booking_reply

        if booking_reply(body) is None:  # the common case: no database look-up
            return None
        return answer_reply(self.store.engine, self.settings, hashed, body, conversation=sender_id)

    def _render(self, agent: Any, name: str, language: str = "") -> list[str]:
        return render_response(
            getattr(agent, "domain", None), name, language=language, clinic_contact=self.settings.clinic_contact
        )

    async def _process(self, inbound: InboundSms, agent: Any) -> str:
        """The TwiML for one new message: keywords, opt-out state, media, length, then Rasa."""
        hashed = number_hash(inbound.sender, self.settings.secret_key)
        sender_id = f"{CHANNEL}:{hashed[:32]}"
        keyword = carrier_keyword(inbound.body)
        opted_out = await asyncio.to_thread(self.store.is_opted_out, hashed)

        if keyword in OPT_OUT_KEYWORDS:
            if not opted_out:
                await asyncio.to_thread(self.store.set_opted_out, hashed, True)
                # Cancels an active screening (the carrier has blocked replies: they are dropped).
                try:
                    await self._ask_rasa(OPT_OUT_TEXT, sender_id, inbound)
                except Exception as exc:  # noqa: BLE001 - the opt-out itself is recorded; that is what counts
                    logger.error("SMS opt-out: cancelling the conversation failed: %s", type(exc).__name__)
                if keyword == "ARRET":
                    # Twilio doesn't know ARRET, so it neither blocks nor confirms: we confirm, in French.
                    return build_twiml(self._render(agent, "utter_sms_opted_out", language="fr"))
            return EMPTY_TWIML
        if opted_out:
            if keyword in OPT_IN_KEYWORDS:
                await asyncio.to_thread(self.store.set_opted_out, hashed, False)
                return build_twiml(self._render(agent, "utter_sms_opted_in"))
            return EMPTY_TWIML  # nothing may be sent to an opted-out number
        if keyword in HELP_KEYWORDS:
            language = "fr" if keyword in FRENCH_KEYWORDS else ""
            return build_twiml(self._render(agent, "utter_sms_help", language=language))
        # "C" or "R" from a number with a booked appointment waiting for an answer: recorded on the
        # request and answered here (bot/booking_texts.py); any other text goes to the bot.
        booked = await asyncio.to_thread(self._booking_answer, hashed, inbound.body, sender_id)
        if booked:
            return build_twiml(render_messages([{"text": booked}]))

        texts: list[str] = []
        if inbound.num_media > 0:
            texts += self._render(agent, "utter_sms_cannot_view_images")
            if not inbound.body.strip():
                return build_twiml(texts)
        if len(inbound.body) > MAX_SMS_CHARS:
            return build_twiml(texts + self._render(agent, "utter_sms_too_long"))

        tracker_store = getattr(agent, "tracker_store", None)
        tracker = await tracker_store.retrieve(sender_id) if tracker_store is not None else None
        text = inbound.body.strip()
        mapped = map_reply(text, options_from_events(tracker.events)) if tracker is not None else None
        guarded = await guard_for_conversation(mapped or text, sender_id, _KnownTracker(tracker))
        replies = await self._ask_rasa(guarded or text, sender_id, inbound)
        # A person at the front desk has the conversation: the bot was silent, the safety nets are not.
        replies += await self._while_taken_over(agent, sender_id, text)
        notice = unseen_idle_notice(tracker.events) if tracker is not None else []
        language = await self._language_after(tracker_store, sender_id, replies)
        return build_twiml(texts + render_messages(notice + replies, language))

    @staticmethod
    async def _language_after(tracker_store: Any, sender_id: str, replies: list[dict[str, Any]]) -> str:
        """The conversation's language after this turn, for the words around numbered choices; read
        only when a reply has buttons (this turn may have switched it)."""
        if tracker_store is None or not any(r.get("buttons") for r in replies):
            return "en"
        tracker = await tracker_store.retrieve(sender_id)
        return "fr" if tracker is not None and tracker.get_slot("language") == "fr" else "en"

    async def _while_taken_over(self, agent: Any, sender_id: str, text: str) -> list[dict[str, Any]]:
        from bot.store.takeovers import TakeoverStore

        if self._takeovers is None:
            self._takeovers = await asyncio.to_thread(TakeoverStore, self.store.engine, True)
        output = SmsOutput()
        await answer_if_taken_over(agent, self._takeovers, sender_id, text, output)
        return output.messages

    async def _ask_rasa(self, text: str, sender_id: str, inbound: InboundSms) -> list[dict[str, Any]]:
        output = SmsOutput()
        await self.on_new_message(
            UserMessage(
                text,
                output,
                sender_id,
                input_channel=CHANNEL,
                # The MessageSid ties a turn to Twilio's logs; the number stays out of the tracker.
                metadata={"message_sid": inbound.message_sid},
            )
        )
        return output.messages


class SmsInput(InputChannel):
    """Twilio-compatible SMS channel; settings come from bot.settings, not credentials.yml."""

    def __init__(self, store: Optional[SmsStore] = None, settings: Optional[Settings] = None) -> None:
        self._store = store
        self._settings = settings

    @classmethod
    def name(cls) -> str:
        return CHANNEL

    @classmethod
    def from_credentials(cls, credentials: Optional[dict[str, Any]]) -> InputChannel:
        return cls()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        settings = self._settings or get_settings()
        store = self._store or SmsStore(url=settings.database_url)  # engine created on first message
        if settings.sms_skip_signature:
            logger.warning(
                "!!! SMS_SKIP_SIGNATURE is on: SMS webhook requests are NOT verified. "
                "Anyone can post messages as any number. Development only — never in production. !!!"
            )
        elif not settings.twilio_auth_token:
            logger.error("TWILIO_AUTH_TOKEN is not set: every SMS webhook request will be refused (403)")
        webhook = SmsWebhook(settings, store, on_new_message)
        blueprint = Blueprint("sms_webhook", __name__)

        @blueprint.route("/", methods=["GET"])
        async def health(_request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @blueprint.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            raw = SmsRequest(
                body=request.body or b"",
                headers={k.lower(): v for k, v in request.headers.items()},
                scheme=request.scheme,
                host=request.host,
                path=request.path,
                query=request.query_string,
            )
            outcome = await webhook.handle(raw, getattr(request.app.ctx, "agent", None))
            return response.text(outcome.body, status=outcome.status, content_type=outcome.content_type)

        return blueprint
