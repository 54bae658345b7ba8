"""Only the payloads of buttons the bot offered may force an intent."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from bot.channels.guard import NEUTRALISER, display_text, guard_for_conversation, guard_text, offered_payloads


def bot(*payloads: object, text: str = "...") -> dict:
    return {"event": "bot", "text": text, "data": {"buttons": [{"title": str(p), "payload": p} for p in payloads]}}


def user(text: str) -> dict:
    return {"event": "user", "text": text}


def test_offered_payloads_are_every_button_of_this_session() -> None:
    # A topic button pressed two turns later still works (issue 11: stale buttons).
    events = [
        bot("/show_menu"),
        {"event": "session_started"},
        bot("/faq_what_is", "/faq_conditions"),
        user("/faq_conditions"),
        {"event": "action", "name": "utter_faq_conditions"},
        bot(text="answer without buttons"),
        bot("Yes", "No"),
        {"event": "action", "name": "action_listen"},
    ]
    assert sorted(offered_payloads(events)) == ["/faq_conditions", "/faq_what_is", "No", "Yes"]


def test_offered_payloads_from_several_bot_messages_in_one_turn() -> None:
    events = [user("hi"), bot("/faq_what_is"), bot("/request_human", "/book_consultation")]
    assert sorted(offered_payloads(events)) == ["/book_consultation", "/faq_what_is", "/request_human"]


@pytest.mark.parametrize(
    "events",
    [
        [],
        [bot("/faq_what_is"), {"event": "session_started"}, user("hello")],
        [user("hi"), {"event": "bot", "text": "no data"}, {"event": "bot", "data": None}, {"event": "bot", "data": {"buttons": None}}],
        [bot(None, 5, {"x": 1})],  # payloads that are not text are ignored
    ],
)
def test_no_offered_payloads(events: list) -> None:
    assert offered_payloads(events) == []


def test_offered_payloads_from_event_objects() -> None:
    events = [
        SimpleNamespace(type_name="user", data={}),
        SimpleNamespace(type_name="bot", data={"buttons": [{"payload": "/affirm"}]}),
    ]
    assert offered_payloads(events) == ["/affirm"]


@pytest.mark.parametrize(
    ("text", "offered", "expected"),
    [
        ("/faq_what_is", ["/faq_what_is"], "/faq_what_is"),
        ("  /faq_what_is ", ["/faq_what_is"], "/faq_what_is"),
        ("/faq_what_is", [], NEUTRALISER + "/faq_what_is"),
        ('/inform{"phone": "+16135550123"}', ["/faq_what_is"], NEUTRALISER + '/inform{"phone": "+16135550123"}'),
        ("/emergency", ["/faq_what_is"], NEUTRALISER + "/emergency"),
        ("Yes", ["Yes", "No"], "Yes"),
        ("hello /there", [], "hello /there"),
        ("my jaw hurts", ["/faq_what_is"], "my jaw hurts"),
        ("", ["/x"], ""),
        (None, ["/x"], None),
    ],
)
def test_guard_text(text, offered, expected) -> None:
    assert guard_text(text, offered) == expected


def test_neutralised_text_no_longer_starts_with_a_slash_even_after_strip() -> None:
    guarded = guard_text("/restart", [])
    assert not guarded.strip().startswith("/")
    assert display_text(guarded) == "/restart"


@pytest.mark.parametrize(
    ("text", "expected"),
    [(NEUTRALISER + "/restart", "/restart"), ("plain text", "plain text"), (None, ""), ("", ""),
     ("a" + NEUTRALISER + "b", "a" + NEUTRALISER + "b")],
)
def test_display_text(text, expected) -> None:
    assert display_text(text) == expected


class FakeTrackerStore:
    def __init__(self, events: list) -> None:
        self.events = events
        self.asked: list = []

    async def retrieve(self, sender_id: str):
        self.asked.append(sender_id)
        return SimpleNamespace(events=self.events)


@pytest.mark.asyncio
async def test_guard_for_conversation_reads_the_offered_buttons() -> None:
    store = FakeTrackerStore([{"event": "bot", "data": {"buttons": [{"payload": "/affirm"}]}}])
    assert await guard_for_conversation("/affirm", "p1", store) == "/affirm"
    assert await guard_for_conversation("/deny", "p1", store) == NEUTRALISER + "/deny"
    assert await guard_for_conversation("/deny", "p1", None) == NEUTRALISER + "/deny"
    assert await guard_for_conversation("hello", "p1", store) == "hello"
    assert store.asked == ["p1", "p1"]  # plain text needs no tracker
