"""Screenshots of the staff pages for the README, with made-up patients (nobody real).

    .venv/bin/python -m tests.browser.screenshots

writes docs/staff-inbox.png (an urgent after-treatment request on top, a message, an existing patient's request,
screenings), docs/staff-request.png (a screening), docs/staff-request-urgent.png (the urgent request) and
docs/staff-request-message.png (a message: the patient's words and contact, no health section) and
docs/staff-insights.png (the insights page over 30 days of made-up conversations and requests).
`python -m tests.browser.screenshots staff-insights.png` writes only the files named.

Runs the web app alone on a temporary database: no Rasa, no model needed.
"""

from __future__ import annotations

import socket
import sys
import tempfile
import threading
import time
from datetime import timedelta, timezone
from pathlib import Path
from typing import Optional

import uvicorn
from sqlalchemy import update

from bot.settings import ROOT, Settings
from bot.store.db import create_all, make_engine, utcnow
from bot.store.requests import ConsultationRequest, RequestStore, consultation_requests, request_status_history
from bot.store.staff_users import StaffStore
from bot.web.app import create_app
from tests.bot.test_transcripts import Conversation
from tests.browser.chromium import CHROMIUM, CHROMIUM_ARGS

USER, PASSWORD = "frontdesk", "screenshot passphrase 1"

# (minutes ago, name, phone, reason, channel, flags, status, handled by, answers that differ from "no")
PATIENTS = [
    (3, "Lena Morrison", "+16135550124", "Migraines since my teens", "sms", [], "new", None,
     {"medications": "rizatriptan when needed"}),
    (12, "Marie Lavoie", "+16135550142", "Jaw pain from clenching at night", "socketio",
     ["pregnancy", "unsure_answer"], "new", None, {"pregnancy": "unsure", "medications": "ibuprofen sometimes"}),
    (47, "Daniel Okafor", "+16135550178", "Chronic migraines, about 15 days a month", "sms",
     ["nerve_condition"], "new", None, {"nerve_condition": "yes — myasthenia gravis", "medications": "sumatriptan"}),
    (95, "Priya Raman", "+16135550119", "Tension headaches", "socketio", [], "in_review", "frontdesk",
     {"medications": "none"}),
    (60 * 5, "Tom Becker", "+16135550163", "Grinding my teeth, sore jaw in the morning", "socketio",
     ["emergency_mentioned", "surgery"], "in_review", "reception2",
     {"surgery": "yes — wisdom teeth out in March", "medications": "none"}),
    (60 * 26, "Chloé Gagnon", "+16135550187", "Oral-facial pain after dental work", "sms", [], "contacted",
     "frontdesk", {"medications": "acetaminophen"}),
    (60 * 50, "Alex Sample", "+16135550150", "Migraines", "socketio", ["facial_weakness"], "booked", "reception2",
     {"facial_weakness": "yes", "medications": "none"}),
    (60 * 75, "Sam Example", "+16135550111", "Clenching", "socketio", [], "closed", "frontdesk", {}),
]


# Requests without a screening, as the contact-request and after-treatment actions store them:
# (minutes ago, kind, name, phone, e-mail, contact by, channel, flags, the patient's message)
WITHOUT_SCREENING = [
    (8, "after_treatment", "Nadia Haddad", "+16135550131", "", "Phone call", "sms", ["after_treatment_concern"],
     "My left eyelid started to droop since my injection on Tuesday and it seems worse today."),
    (21, "message", "Owen Fraser", "", "owen@example.com", "E-mail", "socketio", [],
     "Could someone e-mail me about parking near the clinic and which entrance to use?"),
    (140, "existing_patient", "Grace Liu", "+16135550166", "", "Phone call", "socketio", [],
     "I need to move my appointment next Thursday to the week after, any afternoon."),
]
URGENT_NAME, MESSAGE_NAME = "Nadia Haddad", "Owen Fraser"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def backdate(engine, request_id: int, created) -> None:
    with engine.begin() as conn:
        conn.execute(update(consultation_requests).where(consultation_requests.c.id == request_id)
                     .values(created_at=created, updated_at=created))
        conn.execute(update(request_status_history).where(request_status_history.c.request_id == request_id)
                     .values(changed_at=created))


def align(conv: Conversation, created) -> Conversation:
    """Shift the chat so that its handoff is the moment the request was received."""
    handoff = next(e["timestamp"] for e in conv.events if e.get("name") == "action_submit_consultation")
    shift = created.replace(tzinfo=timezone.utc).timestamp() - handoff
    conv.events = [{**e, "timestamp": e["timestamp"] + shift} for e in conv.events]
    return conv


def seed(engine) -> dict[str, int]:
    """Fake requests, some with a conversation, notes and history; returns the featured ones' ids by name."""
    store = RequestStore(engine)
    StaffStore(engine).add_user(USER, PASSWORD, "admin")
    featured: dict[str, int] = {}
    for i, (minutes, name, phone, reason, channel, flags, status, handler, extra) in enumerate(reversed(PATIENTS)):
        answers = {"reason": reason, "medications": "none", "surgery": "no", "facial_weakness": "no",
                   "nerve_condition": "no", "pregnancy": "no", "other_conditions": "none", **extra}
        first = name.split()[0].lower()
        item, _ = store.add(ConsultationRequest(
            submission_key=f"demo-{i}", conversation_id=f"demo-{i}", channel=channel, reason=reason, answers=answers,
            full_name=name, phone=phone, email=f"{first}@example.com", contact_method="Phone call",
            contact_time="weekday mornings", flags=flags,
            question_for_staff="Is it covered by my dental insurance?" if name == "Marie Lavoie" else "",
        ))
        created = utcnow() - timedelta(minutes=minutes)
        backdate(engine, item.id, created)
        if status != "new":
            store.set_status(item.id, status, by=handler or USER)
        if handler:
            store.assign(item.id, handler)
        if name == "Marie Lavoie":
            featured[name] = item.id
            align(conversation(created), created).save(engine, item.conversation_id)
            store.set_status(item.id, "in_review", by=USER)
            store.assign(item.id, USER)
            store.add_note(item.id, USER, "Called at 10:05, no answer. Left a voicemail with the clinic's number.")
    for i, (minutes, kind, name, phone, email, method, channel, flags, words) in enumerate(reversed(WITHOUT_SCREENING)):
        item, _ = store.add(ConsultationRequest(
            submission_key=f"demo-contact-{i}", conversation_id=phone or f"demo-contact-{i}", channel=channel,
            kind=kind, full_name=name, phone=phone, email=email, contact_method=method, flags=flags,
            question_for_staff=words,
        ))
        created = utcnow() - timedelta(minutes=minutes)
        backdate(engine, item.id, created)
        featured[name] = item.id
        if kind == "after_treatment":
            align(after_treatment_conversation(created, words), created).save(engine, item.conversation_id)
        elif kind == "message":
            align(message_conversation(created, words), created).save(engine, item.conversation_id)
    return featured


def message_conversation(start, words: str) -> Conversation:
    """Made-up website chat for the screenshot, worded after issue 12's short contact request."""
    conv = Conversation(start, channel="socketio")
    conv.user("can I talk to a real person?", "request_human").bot(
        "I can pass a short message to the team: your name, how to reach you and your question, no health "
        "questions. Is it OK to keep just that for the team?", "utter_ask_contact_consent", ("Yes", "No"))
    for answer, question in [("yes", "What's your full name?"),
                             ("Owen Fraser", "What's the best phone number or e-mail to reach you?"),
                             ("owen@example.com", "What would you like to ask the team?"),
                             (words, "Here's your message … Shall I send it?")]:
        conv.form_answer(answer, "inform", "slot", question)
    conv.user("yes", "affirm")
    conv.handoff("Sent. The team will reply to owen@example.com.")
    return conv


def after_treatment_conversation(start, words: str) -> Conversation:
    """Made-up SMS exchange for the screenshot, worded after issue 12's after-treatment path."""
    conv = Conversation(start, channel="sms")
    conv.user(words, "symptom_after_treatment").bot(
        "I'm sorry you're dealing with this. Please contact Metropolitan Dental now at 613-555-0100. If it is "
        "severe, spreading, or affects your breathing, swallowing or speaking, call 911. I can also send an urgent "
        "message to the team so they contact you. Would you like that?", "utter_after_treatment_contact_now",
        ("Yes", "No"))
    conv.user("yes please", "affirm").bot("What's your full name?", "utter_ask_full_name")
    conv.user("Nadia Haddad", "inform").bot(
        "Shall I send the team your message and this number so they can call you?", "utter_confirm_urgent",
        ("Yes", "No"))
    conv.user("yes", "affirm")
    conv.handoff("Sent. The team will call you at this number. If it gets worse, call the clinic now, or 911.")
    return conv


def conversation(start) -> Conversation:
    conv = Conversation(start, channel="socketio")
    conv.user("hi, does botox help with jaw pain?", "faq_conditions").bot(
        "Therapeutic BOTOX® is used at the clinic for jaw pain, among other conditions.", "utter_faq_conditions")
    conv.user("I'd like to book a consultation", "book_consultation").bot(
        "Before we start: I'll ask a few questions about your health. Only the clinic's staff will see your "
        "answers. Is that OK?", "utter_ask_consent_given", ("Yes", "No"))
    for answer, question in [
        ("Yes", "What brings you to us?"),
        ("Jaw pain from clenching at night", "Please list all the medications you take."),
        ("ibuprofen sometimes", "Have you had any surgery to your face, or do you have any surgery planned?"),
        ("no", "Do you have any weakness in your facial muscles?"),
        ("no", "Do you have any muscle or nerve condition, such as ALS?"),
        ("no", "Are you pregnant, or planning to become pregnant?"),
        ("not sure", "Are there any other medical conditions you'd like the team to know about?"),
        ("none", "What's your full name?"),
        ("Marie Lavoie", "What's the best phone number to reach you?"),
        ("613-555-0142", "What's your e-mail address? (optional)"),
        ("marie@example.com", "How would you like the team to contact you?"),
        ("Phone call", "When is a good time to reach you?"),
        ("weekday mornings", "Here's what I have … Shall I send it?"),
    ]:
        conv.form_answer(answer, "inform", "slot", question)
    conv.user("Yes", "affirm")
    conv.handoff("Thank you, Marie Lavoie. Your request is with Dr. Walters' team, and they'll contact you "
                 "by phone call.")
    conv.user("is it covered by my insurance?", "out_of_scope").bot(
        "I'm sorry — I don't have that information. I can pass your question to the team.", "utter_out_of_scope")
    return conv


# Made-up traffic for the insights screenshot: (channel, share of conversations).
INSIGHT_CHANNELS = [("socketio", 6), ("sms", 3), ("rest", 1)]
INSIGHT_TOPICS = [("faq_conditions", 9), ("faq_first_step", 6), ("faq_safety_overview", 5), ("faq_effectiveness", 4),
                  ("faq_why_dentist", 3), ("faq_dr_experience", 2), ("faq_approval", 2), ("faq_ingredient", 1)]


def seed_insights(engine, days: int = 30) -> None:
    """A month of conversations (topics, screenings, unanswered questions) and requests with their history.

    Deterministic: a fixed mix per day, so the screenshot reads the same each time it is made.
    """
    store = RequestStore(engine)
    topics = [intent for intent, weight in INSIGHT_TOPICS for _ in range(weight)]
    channels = [channel for channel, weight in INSIGHT_CHANNELS for _ in range(weight)]
    today = utcnow().replace(hour=15, minute=0, second=0, microsecond=0)
    n = 0
    for back in range(days - 1, -1, -1):
        day = today - timedelta(days=back)
        weekend = day.weekday() >= 5
        for i in range((3 if weekend else 7) + (back * 7) % 5):
            n += 1
            start = day - timedelta(minutes=37 * i)
            conv = Conversation(start, channel=channels[n % len(channels)])
            conv.user("(made up)", topics[n % len(topics)]).bot("(answer)", "utter_faq")
            if n % 4 == 0:
                conv.user("(made up)", "book_consultation")
                conv.events.append(conv._at({"event": "active_loop", "name": "consultation_form"}))
                if n % 12 != 0:
                    conv.events.append(conv._at({"event": "slot", "name": "consent_given", "value": True}))
                    if n % 8 != 0:  # some agree, then stop before sending
                        conv.events.append(conv._at({"event": "active_loop", "name": None}))
                        item, _ = store.add(ConsultationRequest(
                            submission_key=f"insight-{n}", conversation_id=f"insight-{n}", channel=conv.channel,
                            full_name="(made up)", reason="(made up)"))
                        created = start + timedelta(minutes=5)
                        backdate(engine, item.id, created)
                        waited = timedelta(minutes=[25, 50, 95, 180, 400, 1500][n % 6])
                        if created + waited < utcnow():
                            store.set_status(item.id, "contacted", by=USER)
                            with engine.begin() as conn:
                                conn.execute(update(request_status_history)
                                             .where(request_status_history.c.request_id == item.id,
                                                    request_status_history.c.status == "contacted")
                                             .values(changed_at=created + waited))
                            if n % 5 != 0:
                                store.set_status(item.id, "booked", by=USER)
            if n % 5 == 0:
                conv.out_of_scope("(made up)")
            conv.save(engine, f"insight-{n}")


def main(out_dir: Path = ROOT / "docs", only: Optional[set[str]] = None) -> int:
    from playwright.sync_api import sync_playwright

    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/demo.db"
        engine = make_engine(url)
        create_all(engine)
        featured = seed(engine)
        shots = {
            "staff-request.png": f"/staff/requests/{featured['Marie Lavoie']}",
            "staff-request-urgent.png": f"/staff/requests/{featured[URGENT_NAME]}",
            "staff-request-message.png": f"/staff/requests/{featured[MESSAGE_NAME]}",
            "staff-insights.png": "/staff/insights?days=30",
        }
        wanted = [name for name in ["staff-inbox.png", *shots] if not only or name in only]
        port = free_port()
        app = create_app(Settings(database_url=url, web_port=port), engine)
        server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        while not server.started:
            time.sleep(0.05)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
                page = browser.new_page(viewport={"width": 1360, "height": 900}, base_url=f"http://127.0.0.1:{port}")
                page.goto("/staff/login")
                page.fill("input[name=username]", USER)
                page.fill("input[name=password]", PASSWORD)
                page.click("button:has-text('Log in')")
                page.wait_for_url("**/staff")
                if "staff-inbox.png" in wanted:
                    page.screenshot(path=str(out_dir / "staff-inbox.png"), full_page=True)
                for file_name, path in shots.items():
                    if file_name == "staff-insights.png" and file_name in wanted:
                        seed_insights(engine)  # after the inbox's shot, which it would crowd
                    if file_name in wanted:
                        page.goto(path)
                        page.screenshot(path=str(out_dir / file_name), full_page=True)
                browser.close()
        finally:
            server.should_exit = True
            thread.join(timeout=10)
            engine.dispose()
    print("wrote " + ", ".join(str(out_dir / name) for name in wanted))
    return 0


if __name__ == "__main__":
    sys.exit(main(only=set(sys.argv[1:]) or None))
