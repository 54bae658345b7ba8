"""End to end over the REST channel against the real Rasa server, action server and database."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.e2e.helpers import SCREENING_ANSWERS, requests_for, say, texts, user_events

pytestmark = pytest.mark.e2e


def new_sender(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def test_a_page_question_gets_the_pages_answer(running_bot):
    replies = say(running_bot.rest_url, new_sender("faq"), "what side effects can botox cause?")
    answer = texts(replies)
    assert "dry mouth" in answer and "eyelid droop" in answer


def test_a_named_condition_is_named_back(running_bot):
    answer = texts(say(running_bot.rest_url, new_sender("faq"), "can botox help with my migraines?"))
    assert answer.startswith("The clinic's page names migraines among the conditions")


def test_a_condition_the_page_does_not_name_is_never_a_yes(running_bot):
    # Issue 12: TMJ is not on the page; it used to be answered "Yes — ... jaw pain".
    replies = say(running_bot.rest_url, new_sender("faq"), "can botox help with my TMJ?")
    answer = texts(replies)
    assert answer.startswith("The clinic's page doesn't mention TMJ")
    assert not answer.lower().startswith("yes")
    assert any(b["payload"] == "/request_human" for r in replies for b in r.get("buttons", []))


def test_two_questions_in_one_message_are_both_answered(running_bot):
    replies = say(running_bot.rest_url, new_sender("two"), "what are the side effects? and what training does dr walters have")
    answer = texts(replies)
    assert "dry mouth" in answer and "Pacific Training Institute" in answer


def test_a_follow_up_is_read_in_context_and_a_stale_button_still_works(running_bot):
    sender = new_sender("ctx")
    greeting = say(running_bot.rest_url, sender, "hi")
    assert any(b["payload"] == "/faq_conditions" for r in greeting for b in r.get("buttons", []))
    say(running_bot.rest_url, sender, "what are the side effects?")
    assert "lists temporary dry mouth" in texts(say(running_bot.rest_url, sender, "and dry mouth?"))
    say(running_bot.rest_url, sender, "who is dr walters?")
    # The greeting's topic button, pressed three turns after it was offered, is still a button.
    answer = texts(say(running_bot.rest_url, sender, "/faq_conditions"))
    assert "can be very effective in treating chronic headaches" in answer


def test_an_unanswerable_question_gets_an_honest_deflection(running_bot):
    replies = say(running_bot.rest_url, new_sender("oos"), "how much does botox cost?")
    answer = texts(replies)
    assert "don't have that information" in answer
    assert "613-555-0100" in answer  # the clinic's contact, from settings, not invented
    assert any(b["payload"] == "/request_human" for r in replies for b in r.get("buttons", []))


def test_an_emergency_gets_911_first(running_bot):
    answer = texts(say(running_bot.rest_url, new_sender("er"), "I had botox yesterday and now it's hard to swallow"))
    assert "call 911" in answer


def test_typed_forced_intent_is_treated_as_text(running_bot):
    sender = new_sender("inject")
    say(running_bot.rest_url, sender, "I'd like to book a consultation")
    say(running_bot.rest_url, sender, "Yes")
    say(running_bot.rest_url, sender, '/inform{"phone":"+16135550000"}')
    events = user_events(running_bot.settings.database_url, sender)
    injected = events[-1]
    assert injected["parse_data"]["intent"]["name"] != "inform"
    assert injected["parse_data"]["entities"] == []
    # The form took it as the answer to "what brings you", as text, and set no phone.
    answer = texts(say(running_bot.rest_url, sender, "none"))
    assert "+16135550000" not in answer


def test_offered_button_payload_is_honoured(running_bot):
    sender = new_sender("button")
    menu = say(running_bot.rest_url, sender, "hello")
    payloads = [b["payload"] for r in menu for b in r.get("buttons", [])]
    assert "/faq_side_effects" in payloads
    assert "dry mouth" in texts(say(running_bot.rest_url, sender, "/faq_side_effects"))


def run_screening(url: str, sender: str) -> str:
    opening = texts(say(url, sender, "I'd like to book a consultation"))
    assert "Only the clinic's staff will see your answers" in opening
    last = ""
    for answer in SCREENING_ANSWERS:
        last = texts(say(url, sender, answer))
    return last


def test_full_screening_stores_one_request_with_every_answer(running_bot):
    sender = new_sender("screening")
    summary = run_screening(running_bot.rest_url, sender)
    assert "Here's what I have" in summary and "+16137221234" in summary
    done = texts(say(running_bot.rest_url, sender, "Yes"))
    assert "Thank you, Jane Doe" in done
    rows = requests_for(running_bot.settings.database_url, sender)
    assert len(rows) == 1
    row = rows[0]
    assert row["channel"] == "rest"
    assert row["status"] == "new"
    assert row["reason"] == "jaw pain from clenching"
    assert row["answers"] == {
        "reason": "jaw pain from clenching",
        "medications": "I take advil sometimes",
        "surgery": "no",
        "facial_weakness": "no",
        "nerve_condition": "no",
        "pregnancy": "yes — 12 weeks",
        "other_conditions": "none",
    }
    assert (row["full_name"], row["phone"], row["email"]) == ("Jane Doe", "+16137221234", "not given")
    assert (row["contact_method"], row["contact_time"]) == ("phone call", "weekday mornings")
    assert row["flags"] == ["pregnancy"]


def test_a_confirmation_sent_twice_at_once_stores_one_request(running_bot):
    sender = new_sender("double")
    run_screening(running_bot.rest_url, sender)
    with httpx.Client() as client, ThreadPoolExecutor(2) as pool:
        list(pool.map(lambda _: say(running_bot.rest_url, sender, "Yes", client), range(2)))
    assert len(requests_for(running_bot.settings.database_url, sender)) == 1


def test_a_correction_at_the_summary_changes_only_that_answer(running_bot):
    sender = new_sender("correct")
    run_screening(running_bot.rest_url, sender)
    assert "phone number" in texts(say(running_bot.rest_url, sender, "the phone number is wrong"))
    assert "+16137229999" in texts(say(running_bot.rest_url, sender, "613 722 9999"))
    say(running_bot.rest_url, sender, "yes")
    (row,) = requests_for(running_bot.settings.database_url, sender)
    assert row["phone"] == "+16137229999" and row["full_name"] == "Jane Doe"


def test_a_bad_phone_number_is_asked_again_with_the_reason(running_bot):
    sender = new_sender("phone")
    say(running_bot.rest_url, sender, "I'd like to book a consultation")
    for answer in SCREENING_ANSWERS[:9]:
        say(running_bot.rest_url, sender, answer)
    answer = texts(say(running_bot.rest_url, sender, "613-722-123"))
    assert "9 digits" in answer and "phone number" in answer


def test_a_screening_cancelled_half_way_stores_nothing(running_bot):
    sender = new_sender("cancel")
    say(running_bot.rest_url, sender, "I'd like to book a consultation")
    for answer in SCREENING_ANSWERS[:4]:
        say(running_bot.rest_url, sender, answer)
    assert "deleted your answers" in texts(say(running_bot.rest_url, sender, "cancel"))
    assert requests_for(running_bot.settings.database_url, sender) == []


def test_declined_consent_stores_nothing_and_offers_the_phone(running_bot):
    sender = new_sender("decline")
    say(running_bot.rest_url, sender, "I'd like to book a consultation")
    answer = texts(say(running_bot.rest_url, sender, "No"))
    assert "nothing was sent to the team" in answer and "613-555-0100" in answer
    assert requests_for(running_bot.settings.database_url, sender) == []


def test_emergency_inside_the_form_comes_first_then_the_form_waits(running_bot):
    sender = new_sender("form-er")
    say(running_bot.rest_url, sender, "I'd like to book a consultation")
    say(running_bot.rest_url, sender, "Yes")
    replies = texts(say(running_bot.rest_url, sender, "my throat is swelling and I can't breathe"))
    assert "call 911" in replies and "What brings you" not in replies
    assert "What brings you" in texts(say(running_bot.rest_url, sender, "continue"))


@pytest.mark.parametrize(
    "body",
    [b"not json", b"[]", b'{"sender": "x"}', b'{"message": "hi"}', b'{"sender": 5, "message": "hi"}',
     b'{"sender": "x", "message": ""}'],
)
def test_malformed_rest_requests_get_a_4xx(running_bot, body):
    response = httpx.post(running_bot.rest_url, content=body, headers={"Content-Type": "application/json"})
    assert 400 <= response.status_code < 500


def test_an_oversized_message_is_refused(running_bot):
    limit = running_bot.settings.max_message_chars
    response = httpx.post(running_bot.rest_url, json={"sender": new_sender("big"), "message": "a" * (limit + 1)})
    assert response.status_code == 413
    assert response.json()["code"] == "too_long" and response.json()["max_chars"] == limit == 5000
    huge = httpx.post(running_bot.rest_url, content=b"x" * (200 * 1024), headers={"Content-Type": "application/json"})
    assert huge.status_code == 413


def test_a_long_story_is_answered(running_bot):
    """Issue 11: a message of a few thousand characters is answered (it was refused above 1,000)."""
    story = ("My sister saw your clinic's page and we talked about it over the holidays. " * 60)[:3980]
    story += " Who is Dr. Walters?"
    response = httpx.post(running_bot.rest_url, json={"sender": new_sender("story"), "message": story}, timeout=60)
    assert response.status_code == 200
    assert response.json() and all("text" in m or "buttons" in m for m in response.json())
