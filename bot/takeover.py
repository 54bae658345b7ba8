"""Live takeover: a person at the front desk has the conversation, and the bot is paused.

- The web app records who has it (bot/store/takeovers.py: one row per conversation, UNIQUE, so
  two staff cannot take one over at once), then asks a Rasa server to append Rasa's own
  `ConversationPaused` to the tracker (`ConversationResumed` on hand back), through the signed
  internal endpoint of bot/channels/takeover.py. That endpoint appends under the agent's lock
  store, as Rasa's own /tracker/events does, so it never races a turn; any Rasa server can answer
  it (the tracker is in the shared database; several servers share the Redis lock store).
- While paused, Rasa logs each patient message and predicts nothing: the bot is silent. Only
  the safety nets still answer, and they have to run outside Rasa's prediction, in the channel
  layer (`answer_safety`, called by the socket.io and SMS channels after the message is logged):
  an emergency or crisis phrase (bot/nlp/safety.py) gets the domain's utter_emergency /
  utter_crisis at once, recorded in the tracker with `during_takeover` in its metadata, which
  is what the staff page shows as an alert.
- Every message either way moves the takeover's `last_activity`; a takeover idle for
  TAKEOVER_IDLE_MINUTES is handed back by the Rasa servers (`hand_back_idle`, from the socket.io
  channel's background loop), and the patient is told (utter_takeover_idle_ended).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any, Optional

from bot.nlp.safety import is_crisis, is_emergency
from bot.settings import Settings

CONTROL_PATH = "/webhooks/takeover/control"
SIGNATURE_HEADER = "X-Takeover-Signature"
SIGNATURE_CONTEXT = b"metro-takeover-control:v1:"
MAX_SKEW_SECONDS = 60
IDLE_RESPONSE = "utter_takeover_idle_ended"
SAFETY_RESPONSES = ("utter_emergency", "utter_crisis")
DURING_TAKEOVER = "during_takeover"  # the BotUttered metadata key the staff page's alert looks for
CHANNELS = ("socketio", "sms")  # the conversations a person can take over (they reach the patient)


class ControlUnavailable(RuntimeError):
    """The Rasa server could not record the pause or resume."""


# --- the signed control request (web app -> Rasa server) ----------------------------------------


def sign(secret: str, body: bytes, issued: Optional[int] = None) -> str:
    issued = int(time.time()) if issued is None else issued
    mac = hmac.new(secret.encode(), SIGNATURE_CONTEXT + str(issued).encode() + b"." + body, hashlib.sha256)
    return f"{issued}.{mac.hexdigest()}"


def verify(secret: str, body: bytes, header: Optional[str], now: Optional[float] = None) -> bool:
    """The body was signed with SECRET_KEY within the last minute (a copied request soon goes stale)."""
    if not header or len(header) > 200 or "." not in header:
        return False
    issued_text, _, _mac = header.partition(".")
    if not issued_text.isdigit():
        return False
    now = time.time() if now is None else now
    if abs(now - int(issued_text)) > MAX_SKEW_SECONDS:
        return False
    return hmac.compare_digest(header, sign(secret, body, int(issued_text)))


async def control(settings: Settings, conversation_id: str, paused: bool, http: Any = None) -> None:
    """Ask a Rasa server to record the pause (or the resume) in the conversation's tracker."""
    import httpx

    body = json.dumps({"conversation_id": conversation_id, "paused": paused}).encode()
    headers = {"Content-Type": "application/json", SIGNATURE_HEADER: sign(settings.secret_key, body)}
    try:
        if http is None:
            async with httpx.AsyncClient(timeout=15) as client:
                answer = await client.post(settings.rasa_url + CONTROL_PATH, content=body, headers=headers)
        else:
            answer = await http.post(settings.rasa_url + CONTROL_PATH, content=body, headers=headers)
    except httpx.HTTPError as exc:
        raise ControlUnavailable(f"the assistant's server could not be reached ({type(exc).__name__})") from exc
    if answer.status_code != 200:
        raise ControlUnavailable(f"the assistant's server answered {answer.status_code}")


# --- in the Rasa server ---------------------------------------------------------------------------


def safety_responses(text: Optional[str]) -> list[str]:
    """The responses the safety nets owe this message (empty for almost every message)."""
    names = []
    if is_emergency(text):
        names.append("utter_emergency")
    if is_crisis(text):
        names.append("utter_crisis")
    return names


async def append_events(agent: Any, conversation_id: str, events: list[Any]) -> Any:
    """Append events to the conversation's tracker under the agent's lock (as Rasa's API does)."""
    async with agent.lock_store.lock(conversation_id):
        processor = agent.processor
        tracker = await processor.fetch_tracker_with_initial_session(conversation_id)
        for event in events:
            tracker.update(event, agent.domain)
        await agent.tracker_store.save(tracker)
        return tracker


async def set_paused(agent: Any, conversation_id: str, paused: bool) -> bool:
    """Record ConversationPaused / ConversationResumed (nothing when already so); the state after."""
    from rasa.shared.core.events import ConversationPaused, ConversationResumed

    async with agent.lock_store.lock(conversation_id):
        tracker = await agent.processor.fetch_tracker_with_initial_session(conversation_id)
        if tracker.is_paused() != paused:
            tracker.update(ConversationPaused() if paused else ConversationResumed(), agent.domain)
            await agent.tracker_store.save(tracker)
        return tracker.is_paused()


async def utter(agent: Any, conversation_id: str, names: list[str], output: Any, resume: bool = False,
                only_if_paused: bool = False, channel: str = "") -> list[dict]:
    """Send domain responses to the patient now, outside Rasa's prediction, and record them in the
    tracker (`resume`: after ConversationResumed; `only_if_paused`: nothing when the bot is not
    paused, since it has answered itself). The messages sent."""
    from rasa.core.actions.action import create_bot_utterance
    from rasa.shared.core.events import ConversationResumed

    sent: list[dict] = []
    async with agent.lock_store.lock(conversation_id):
        tracker = await agent.processor.fetch_tracker_with_initial_session(conversation_id)
        if only_if_paused and not tracker.is_paused():
            return []
        if resume and tracker.is_paused():
            tracker.update(ConversationResumed(), agent.domain)
        for name in names:
            # The agent's NLG with the tracker: the channel's variation, the language and
            # clinic_contact slots, as the bot itself would say it.
            message = await agent.processor.nlg.generate(name, tracker, output.name() if output else channel)
            if not message:
                continue
            message = {**message, "utter_action": name, DURING_TAKEOVER: True}
            if output is not None:
                await output.send_response(conversation_id, dict(message))
            tracker.update(create_bot_utterance(dict(message)), agent.domain)
            sent.append(message)
        await agent.tracker_store.save(tracker)
    return sent


async def answer_safety(agent: Any, conversation_id: str, text: str, output: Any) -> list[dict]:
    """The emergency and crisis replies a paused conversation still gets (empty: none owed)."""
    names = safety_responses(text)
    if not names or agent is None:
        return []
    return await utter(agent, conversation_id, names, output, only_if_paused=True)


async def answer_if_taken_over(agent: Any, takeovers: Any, conversation_id: str, text: str, output: Any) -> list[dict]:
    """After a patient's message, in every channel: when a person has the conversation, it is not
    idle (the touch), and the safety nets still answer what the paused bot did not."""
    import asyncio

    if not await asyncio.to_thread(takeovers.touch, conversation_id):
        return []
    return await answer_safety(agent, conversation_id, text, output)


def unseen_idle_notice(events: Any) -> list[dict]:
    """An idle hand-back notice recorded since the patient last wrote (an SMS patient had no open
    line to receive it): sent before the reply to their next text."""
    notices: list[dict] = []
    for event in reversed(list(events)):
        kind = getattr(event, "type_name", None)
        if kind == "user":
            break
        if kind == "bot" and (getattr(event, "metadata", None) or {}).get("utter_action") == IDLE_RESPONSE:
            notices.insert(0, {"text": event.text or ""})
    return [n for n in notices if n["text"]]


def idle_cutoff(settings: Settings, now: Optional[Any] = None) -> Any:
    from datetime import timedelta

    from bot.store.db import utcnow

    return (now or utcnow()) - timedelta(minutes=settings.takeover_idle_minutes)


async def hand_back_idle(agent: Any, store: Any, settings: Settings, output_for: Any) -> list[str]:
    """Hand back every takeover idle past the limit that this server wins; tell each patient.
    `output_for(conversation_id, channel)` gives an output channel reaching them, or None (the
    notice is then in the tracker: replayed when a widget patient comes back)."""
    import asyncio

    cutoff = idle_cutoff(settings)
    ended: list[str] = []
    for takeover in await asyncio.to_thread(store.idle, cutoff):
        if not await asyncio.to_thread(store.end_if_idle, takeover, cutoff):
            continue  # another server did it, or a message came in meanwhile
        await utter(agent, takeover.conversation_id, [IDLE_RESPONSE],
                    output_for(takeover.conversation_id, takeover.channel), resume=True, channel=takeover.channel)
        ended.append(takeover.conversation_id)
    return ended
