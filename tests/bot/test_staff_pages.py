"""The staff pages: inbox, a request, actions, audit rows, roles, safe rendering, headers."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import text, update
from sqlalchemy.exc import DatabaseError

from bot.settings import Settings
from bot.store.audit import AuditLog
from bot.store.db import utcnow
from bot.store.requests import ConsultationRequest, RequestStore, consultation_requests
from bot.store.transcripts import TranscriptStore
from tests.bot.test_staff_auth import Staff, add_users, audit_actions, logged_in, staff_routes
from tests.bot.test_transcripts import Conversation, screening_conversation

XSS = [
    '<script>window.__xss=2</script>',
    '<img src=x onerror="window.__xss=1">',
    '"><svg onload=alert(1)>',
    "javascript:alert(1)//</textarea><script>alert(3)</script>",
]


def add_request(engine, key: str = "k1", minutes_ago: int = 0, **overrides: Any) -> ConsultationRequest:
    values: dict = dict(
        submission_key=key, conversation_id=f"conv-{key}", channel="socketio", reason="jaw pain from clenching",
        answers={"reason": "jaw pain from clenching", "medications": "advil sometimes", "surgery": "no",
                 "facial_weakness": "no", "nerve_condition": "no", "pregnancy": "unsure",
                 "other_conditions": "none"},
        full_name="Jane Doe", phone="+16137221234", email="jane@example.com", contact_method="Phone call",
        contact_time="weekday mornings", question_for_staff="do you take my insurance?",
        flags=["pregnancy", "unsure_answer"],
    )
    values.update(overrides)
    stored, _ = RequestStore(engine).add(ConsultationRequest(**values))
    if minutes_ago:
        with engine.begin() as conn:
            conn.execute(update(consultation_requests).where(consultation_requests.c.id == stored.id)
                         .values(created_at=utcnow() - timedelta(minutes=minutes_ago)))
    return stored


@pytest.fixture
def users(engine):
    add_users(engine)
    return engine


@pytest.fixture
def staff(users) -> Staff:
    return logged_in(Staff(users))


@pytest.fixture
def admin(users) -> Staff:
    return logged_in(Staff(users), "root")


# --- inbox ---------------------------------------------------------------------------------------------


def test_inbox_newest_first_with_status_flags_channel_age_and_handler(staff: Staff) -> None:
    add_request(staff.engine, "old", minutes_ago=12, full_name="Old Patient", flags=[], channel="sms")
    add_request(staff.engine, "new", full_name="New Patient", flags=["pregnancy", "emergency_mentioned"])
    RequestStore(staff.engine).assign(1, "alice")
    page = staff.client.get("/staff").text
    assert page.index("New Patient") < page.index("Old Patient")
    assert "12 min ago" in page and "just now" in page
    assert '<span class="flag flag-pregnancy">Pregnancy</span>' in page
    assert '<span class="flag flag-emergency_mentioned">Emergency mentioned</span>' in page
    assert "SMS" in page and "Website chat" in page
    assert "<td>alice</td>" in page
    assert '<a href="/staff?status=new"><strong>2</strong> New</a>' in page
    assert '<script src="/staff/static/inbox.js" defer></script>' in page


def test_inbox_filters_and_search(staff: Staff) -> None:
    add_request(staff.engine, "a", full_name="Ann Alpha", phone="+16130000001", flags=["surgery"], channel="sms")
    add_request(staff.engine, "b", full_name="Bea Beta", phone="+16130000002", flags=[], channel="socketio")
    RequestStore(staff.engine).set_status(2, "contacted", by="alice")

    def names(query: str) -> set[str]:
        page = staff.client.get("/staff" + query).text
        return {n for n in ("Ann Alpha", "Bea Beta") if n in page}

    assert names("") == {"Ann Alpha", "Bea Beta"}
    assert names("?status=contacted") == {"Bea Beta"}
    assert names("?flag=surgery") == {"Ann Alpha"}
    assert names("?channel=sms") == {"Ann Alpha"}
    assert names("?q=bea") == {"Bea Beta"}
    assert names("?q=0000001") == {"Ann Alpha"}
    assert names("?status=nonsense") == {"Ann Alpha", "Bea Beta"}  # unknown filter values are ignored


def test_count_endpoint_for_the_refresh_banner(staff: Staff) -> None:
    assert staff.client.get("/staff/api/counts").json() == {"new": 0, "urgent": 0, "latest_id": 0}
    add_request(staff.engine, "a")
    add_request(staff.engine, "b")
    RequestStore(staff.engine).set_status(1, "in_review", by="alice")
    assert staff.client.get("/staff/api/counts").json() == {"new": 1, "urgent": 0, "latest_id": 2}
    add_request(staff.engine, "c", **AFTER_TREATMENT)
    assert staff.client.get("/staff/api/counts").json() == {"new": 2, "urgent": 1, "latest_id": 3}
    RequestStore(staff.engine).set_status(3, "contacted", by="alice")
    assert staff.client.get("/staff/api/counts").json() == {"new": 1, "urgent": 0, "latest_id": 3}


# --- kinds and urgent requests ---------------------------------------------------------------------------

# As the after-treatment action stores it: contact details and the patient's words, no screening answers.
AFTER_TREATMENT: dict = dict(
    kind="after_treatment", reason="", answers={}, full_name="Uma Urgent", phone="+16135550177", email="",
    contact_method="Phone call", contact_time="", flags=["after_treatment_concern"],
    question_for_staff="my left eyelid is drooping since the injection on Tuesday",
)
MESSAGE: dict = dict(
    kind="message", reason="", answers={}, full_name="Max Message", phone="", email="max@example.com",
    contact_method="E-mail", contact_time="afternoons", flags=[],
    question_for_staff="Could the office phone me back about parking?",
)
EXISTING: dict = dict(MESSAGE, kind="existing_patient", full_name="Eve Existing", phone="+16135550155", email="",
                      question_for_staff="I need to move my appointment on the 14th")


def rows(page: str) -> list[str]:
    """The patients' names in the order of the inbox's rows."""
    return re.findall(r'<a href="/staff/requests/\d+">([^<]+)</a>', page)


def test_inbox_shows_urgent_first_with_words_and_the_kind_of_each(staff: Staff) -> None:
    add_request(staff.engine, "old-urgent", minutes_ago=240, **AFTER_TREATMENT)
    add_request(staff.engine, "screening", minutes_ago=30, full_name="Sid Screening", flags=[])
    add_request(staff.engine, "message", minutes_ago=5, **MESSAGE)
    add_request(staff.engine, "existing", minutes_ago=1, **EXISTING)
    page = staff.client.get("/staff").text
    assert rows(page) == ["Uma Urgent", "Eve Existing", "Max Message", "Sid Screening"]
    assert "<title>(1 urgent) Inbox ·" in page
    assert '<strong>1</strong> Urgent, not yet handled' in page
    urgent_group = page[page.index('<tbody class="urgent-group">'):page.index("</tbody>")]
    assert "Urgent — contact first (1)" in urgent_group and "Uma Urgent" in urgent_group
    assert "Max Message" not in urgent_group
    assert "Other requests (3)" in page
    # Urgent said in words on the row, not by colour alone, and the kind of every request.
    assert urgent_group.count('<strong class="urgent-tag"><span aria-hidden="true">⚠</span> Urgent</strong>') == 1
    for kind, label in (("after_treatment", "After treatment"), ("message", "Message"),
                        ("existing_patient", "Existing patient"), ("consultation", "Consultation")):
        assert f'<span class="kind kind-{kind}">{label}</span>' in page, kind
    assert '<span class="flag flag-after_treatment_concern">After-treatment concern</span>' in page
    # A message shows its words where a screening shows its reason, and an e-mail when there is no phone.
    assert "Could the office phone me back about parking?" in page and "max@example.com" in page
    assert "I need to move my appointment on the 14th" in page


def test_an_urgent_request_stays_first_whatever_the_filter_until_handled(staff: Staff) -> None:
    add_request(staff.engine, "urgent", minutes_ago=600, **AFTER_TREATMENT)
    add_request(staff.engine, "flagged", minutes_ago=300, full_name="Fay Flagged",
                flags=["after_treatment_concern", "emergency_during_screening"])
    add_request(staff.engine, "newer", full_name="Ned Newer", flags=[])
    assert rows(staff.client.get("/staff").text) == ["Fay Flagged", "Uma Urgent", "Ned Newer"]
    assert rows(staff.client.get("/staff?status=new").text) == ["Fay Flagged", "Uma Urgent", "Ned Newer"]
    assert rows(staff.client.get("/staff?urgent=1").text) == ["Fay Flagged", "Uma Urgent"]
    assert rows(staff.client.get("/staff?kind=after_treatment").text) == ["Uma Urgent"]
    assert rows(staff.client.get("/staff?kind=message").text) == []
    assert rows(staff.client.get("/staff?kind=bogus&urgent=yes").text) == ["Fay Flagged", "Uma Urgent", "Ned Newer"]
    page = staff.client.get("/staff").text
    assert "<title>(2 urgent) Inbox ·" in page
    assert '<span class="flag flag-emergency_during_screening">Emergency described during screening</span>' in page
    RequestStore(staff.engine).set_status(1, "contacted", by="alice")
    RequestStore(staff.engine).set_status(2, "closed", by="alice")
    page = staff.client.get("/staff").text
    assert rows(page) == ["Ned Newer", "Fay Flagged", "Uma Urgent"]
    assert "<title>Inbox ·" in page and "urgent-group" not in page and "Urgent, not yet handled" not in page
    assert page.count('<strong class="urgent-tag">') == 2  # still marked, no longer on top
    details = [e.detail for e in AuditLog(staff.engine).entries() if e.action == "view_inbox"]
    assert "kind=after_treatment" in details and "urgent=1" in details


def test_the_urgent_request_page(staff: Staff) -> None:
    item = add_request(staff.engine, "urgent", **AFTER_TREATMENT)
    page = staff.client.get(f"/staff/requests/{item.id}").text
    assert "<title>URGENT · Request" in page
    assert "Urgent — after-treatment concern" in page and "Please contact them as soon as you can." in page
    assert '<span class="kind kind-after_treatment">After treatment</span>' in page
    message = page[page.index('id="patient-message"'):]
    assert "my left eyelid is drooping since the injection on Tuesday" in message[:message.index("</section>")]
    for expected in ("Uma Urgent", "+16135550177", "Phone call", "After-treatment concern"):
        assert expected in page, expected
    assert page.index('id="urgent"') < page.index('id="patient-message"')
    assert "Screening answers" not in page and 'id="screening"' not in page
    printed = staff.client.get(f"/staff/requests/{item.id}/print").text
    assert "URGENT · After treatment request" in printed and "Urgent — after-treatment concern" in printed
    assert "Therapeutic BOTOX screening" not in printed and "Screening answers" not in printed


@pytest.mark.parametrize(("values", "label"), [(MESSAGE, "Message"), (EXISTING, "Existing patient")])
def test_a_message_shows_the_words_and_contact_and_no_health_section(staff: Staff, values: dict,
                                                                      label: str) -> None:
    item = add_request(staff.engine, "m", **values)
    page = staff.client.get(f"/staff/requests/{item.id}").text
    assert f'<span class="kind kind-{values["kind"]}">{label}</span>' in page
    message = page[page.index('id="patient-message"'):]
    assert values["question_for_staff"] in message[:message.index("</section>")]
    contact = page[page.index("<h2>Contact</h2>"):]
    contact = contact[:contact.index("</section>")]
    assert values["full_name"] in contact and (values["phone"] or values["email"]) in contact
    assert values["contact_method"] in contact
    for health in ("Screening answers", "Medications", "Pregnant", "What brings them", "Reason</dt>"):
        assert health not in page, health
    assert "Urgent" not in page and "URGENT" not in page
    assert "Screening answers" not in staff.client.get(f"/staff/requests/{item.id}/print").text


def test_a_screening_keeps_its_answers_and_its_question(staff: Staff) -> None:
    item = add_request(staff.engine)
    page = staff.client.get(f"/staff/requests/{item.id}").text
    assert 'id="screening"' in page and "Question for the team" in page and 'id="patient-message"' not in page
    assert '<span class="kind kind-consultation">Consultation</span>' in page and 'id="urgent"' not in page


# --- a request -----------------------------------------------------------------------------------------


def test_request_page_shows_everything_and_the_transcript(staff: Staff) -> None:
    item = add_request(staff.engine, conversation_id="conv-1")
    screening_conversation().save(staff.engine, "conv-1")
    RequestStore(staff.engine).add_note(item.id, "root", "Called, left a message.")
    page = staff.client.get(f"/staff/requests/{item.id}").text
    for expected in ("Jane Doe", "+16137221234", "jane@example.com", "Phone call", "weekday mornings",
                     "jaw pain from clenching", "advil sometimes", "Pregnant or planning to be", "unsure",
                     "Other medical conditions", "do you take my insurance?", "Unsure answer", "Pregnancy",
                     "Called, left a message.", "root", "New <span class=\"muted\">by assistant</span>",
                     "Request sent to staff", "how much does it cost?", "What brings you to us?", "Website chat"):
        assert expected in page, expected
    transcript = page[page.index('id="transcript"'):]
    assert transcript.index("advil sometimes") < transcript.index("Request sent to staff") < transcript.index(
        "how much does it cost?")
    assert staff.client.get("/staff/requests/999").status_code == 404


def test_assign_status_and_note(staff: Staff) -> None:
    item = add_request(staff.engine)
    url = f"/staff/requests/{item.id}"
    token = staff.csrf(url)
    assert staff.post(url + "/assign", token=token).headers["location"] == url + "?msg=assigned"
    assert RequestStore(staff.engine).get(item.id).assigned_to == "alice"
    assert "You are handling this." in staff.client.get(url).text
    assert staff.post(url + "/status", {"status": "contacted"}, token=token).status_code == 303
    assert staff.post(url + "/status", {"status": "bogus"}, token=token).status_code == 400
    assert staff.post(url + "/notes", {"body": "  Left a voicemail.  "}, token=token).status_code == 303
    assert staff.post(url + "/notes", {"body": "   "}, token=token).headers["location"].endswith("empty_note")
    stored = RequestStore(staff.engine)
    assert stored.get(item.id).status == "contacted"
    assert [(h.status, h.changed_by) for h in stored.history(item.id)] == [("new", "assistant"), ("contacted", "alice")]
    assert [(n.author, n.body) for n in stored.notes(item.id)] == [("alice", "Left a voicemail.")]
    page = staff.client.get(url).text
    assert "Left a voicemail." in page and "alice ·" in page
    # Releasing, and taking over from someone else, are recorded too.
    assert staff.post(url + "/assign", {"release": "1"}, token=token).status_code == 303
    assert stored.get(item.id).assigned_to is None
    stored.assign(item.id, "root")
    assert "root is handling this." in staff.client.get(url).text
    staff.post(url + "/assign", token=token)
    assert stored.get(item.id).assigned_to == "alice"
    details = [e.detail for e in AuditLog(staff.engine).entries() if e.action == "assign"]
    assert details == ["to alice (was root)", "to nobody (was alice)", "to alice"]


def test_printable_view_is_an_audited_export(staff: Staff) -> None:
    item = add_request(staff.engine, conversation_id="conv-1")
    screening_conversation().save(staff.engine, "conv-1")
    plain = staff.client.get(f"/staff/requests/{item.id}/print")
    assert plain.status_code == 200
    assert '/staff/static/print.css' in plain.text and "jaw pain from clenching" in plain.text
    assert "Printed" in plain.text and "by alice" in plain.text
    assert "how much does it cost?" not in plain.text  # the transcript only when asked for
    full = staff.client.get(f"/staff/requests/{item.id}/print?transcript=1").text
    assert "how much does it cost?" in full
    exports = [(e.action, e.request_id, e.detail) for e in AuditLog(staff.engine).entries() if e.action == "export"]
    assert exports == [("export", item.id, "print with transcript"), ("export", item.id, "print")]
    css = staff.client.get("/staff/static/print.css")
    assert css.status_code == 200 and "@media print" in css.text


# --- audit rows -------------------------------------------------------------------------------------------


def test_fifty_views_and_changes_write_fifty_audit_rows(staff: Staff) -> None:
    ids = [add_request(staff.engine, f"k{i}").id for i in range(5)]
    token = staff.csrf(f"/staff/requests/{ids[0]}")
    before = len(audit_actions(staff.engine))
    # Not "booked": it asks for a date and writes a booking row too (tests/bot/test_booking_pages.py).
    statuses = ["in_review", "contacted", "closed", "in_review", "new"]
    done = 0
    for round_ in range(5):
        for rid in ids:
            url = f"/staff/requests/{rid}"
            assert staff.client.get(url).status_code == 200
            assert staff.post(url + "/status", {"status": statuses[round_]}, token=token).status_code == 303
            done += 2
    assert done == 50
    assert len(audit_actions(staff.engine)) - before == 50
    rows = AuditLog(staff.engine).entries(limit=50)
    assert sorted({r.action for r in rows}) == ["status_change", "view_request"]
    assert {r.actor for r in rows} == {"alice"} and all(r.ip and r.at for r in rows)
    for rid in ids:
        mine = [r for r in rows if r.request_id == rid]
        assert len(mine) == 10


def test_every_kind_of_access_is_audited(staff: Staff, admin: Staff) -> None:
    item = add_request(staff.engine)
    url = f"/staff/requests/{item.id}"
    staff.client.get("/staff")
    token = staff.csrf(url)
    staff.post(url + "/assign", token=token)
    staff.post(url + "/status", {"status": "in_review"}, token=token)
    staff.post(url + "/notes", {"body": "note"}, token=token)
    staff.client.get(url + "/print")
    staff.client.get("/staff/unanswered")
    staff.post("/staff/logout", token=token)
    admin.client.get("/staff/audit")
    actions = audit_actions(staff.engine)
    for expected in ("login", "view_inbox", "view_request", "assign", "status_change", "add_note", "export",
                     "view_unanswered", "logout"):
        assert expected in actions, expected
    by_request = AuditLog(staff.engine).entries(request_id=item.id)
    assert {e.action for e in by_request} == {"view_request", "assign", "status_change", "add_note", "export"}
    status_row = next(e for e in by_request if e.action == "status_change")
    assert status_row.detail == "new -> in_review"


def test_no_patient_text_in_audit_details(staff: Staff) -> None:
    item = add_request(staff.engine, full_name="Zelda Quixote", reason="secret-reason")
    url = f"/staff/requests/{item.id}"
    token = staff.csrf(url)
    staff.post(url + "/notes", {"body": "secret-note"}, token=token)
    staff.client.get("/staff?q=Zelda")
    for entry in AuditLog(staff.engine).entries():
        for secret in ("Zelda", "secret-reason", "secret-note", "+1613"):
            assert secret not in entry.detail
    assert AuditLog(staff.engine).entries()[0].detail == "search"


def test_the_audit_table_refuses_update_and_delete(staff: Staff) -> None:
    assert audit_actions(staff.engine) == ["login"]
    for statement in ("UPDATE audit_log SET actor = 'mallory'", "DELETE FROM audit_log"):
        with pytest.raises(DatabaseError, match="append-only"):
            with staff.engine.begin() as conn:
                conn.execute(text(statement))
    assert [e.actor for e in AuditLog(staff.engine).entries()] == ["alice"]


# --- roles ----------------------------------------------------------------------------------------------


def test_a_staff_member_cannot_open_admin_pages(staff: Staff) -> None:
    for path in ("/staff/audit", "/staff/retention"):
        assert staff.client.get(path).status_code == 403
    assert "Audit trail" not in staff.client.get("/staff").text


def test_an_admin_sees_and_filters_the_audit_trail(staff: Staff, admin: Staff) -> None:
    item = add_request(staff.engine)
    staff.client.get(f"/staff/requests/{item.id}")
    admin.client.get(f"/staff/requests/{item.id}")
    page = admin.client.get("/staff/audit")
    assert page.status_code == 200
    assert "view_request" in page.text and "login" in page.text
    rows = lambda html: re.findall(r"<tr>\s*<td>([^<]+)</td>\s*<td>([^<]+)</td>\s*<td>([^<]+)</td>", html)  # noqa: E731
    alice_rows = rows(admin.client.get("/staff/audit?actor=alice").text)
    assert alice_rows and {who for _, who, _ in alice_rows} == {"alice"}
    by_request = rows(admin.client.get(f"/staff/audit?request_id={item.id}").text)
    assert sorted(who for _, who, _ in by_request) == ["alice", "root"]
    assert {what for _, _, what in by_request} == {"view_request"}
    assert '<option value="alice"' in page.text
    assert admin.client.get("/staff/audit?request_id=abc").status_code == 200  # ignored, not an error


def test_retention_page_for_admins(admin: Staff) -> None:
    screening_conversation(start=utcnow() - timedelta(days=100)).save(admin.engine, "old")
    Conversation().user("hello", "greet").save(admin.engine, "new")
    page = admin.client.get("/staff/retention").text
    assert '<dd id="old-conversations">1</dd>' in page
    assert "python -m bot.purge --days 90" in page and "--dry-run" in page
    counts = TranscriptStore(admin.engine).retention_counts(90)
    assert f'<dd id="old-events">{counts.events}</dd>' in page


def test_retention_period_comes_from_settings(engine) -> None:
    add_users(engine)
    admin = logged_in(Staff(engine, Settings(database_url="sqlite://", retention_days=30)), "root")
    assert "python -m bot.purge --days 30" in admin.client.get("/staff/retention").text


# --- unanswered questions ----------------------------------------------------------------------------------


def test_unanswered_questions_grouped_and_marked_handled(staff: Staff) -> None:
    conv = Conversation(utcnow() - timedelta(hours=1))
    conv.out_of_scope("how much does it cost?").out_of_scope("How much does botox cost?")
    conv.out_of_scope("is there parking?").save(staff.engine, "c1")
    page = staff.client.get("/staff/unanswered").text
    assert "How much does botox cost?" in page and "how much does it cost?" in page
    assert re.search(r'<td class="num">2</td>', page) and re.search(r'<td class="num">1</td>', page)
    key = re.search(r'name="group" value="([0-9a-f]+)"', page).group(1)  # the biggest group comes first
    assert staff.post("/staff/unanswered/handled", {"group": key}).headers["location"] == "/staff/unanswered?msg=handled"
    after = staff.client.get("/staff/unanswered").text
    assert "How much does botox cost?" not in after and "is there parking?" in after
    assert "handled by alice" in staff.client.get("/staff/unanswered?show=all").text
    gone = staff.post("/staff/unanswered/handled", {"group": "0000"})
    assert gone.headers["location"].endswith("msg=gone")
    assert "unanswered_handled" in audit_actions(staff.engine)


# --- safe rendering -------------------------------------------------------------------------------------------


def test_patient_text_is_escaped_everywhere(staff: Staff, admin: Staff) -> None:
    payload = " ".join(XSS)
    item = add_request(
        staff.engine, conversation_id="xss-conv", reason=payload, full_name=XSS[1], phone=XSS[0][:32],
        email=XSS[2], contact_time=XSS[3], question_for_staff=payload, channel="<b>web</b>",
        answers={"reason": payload, "medications": XSS[0], XSS[1]: "an unexpected key"},
    )
    conv = Conversation()
    for attack in XSS:
        conv.out_of_scope(attack)
    conv.save(staff.engine, "xss-conv")
    url = f"/staff/requests/{item.id}"
    staff.post(url + "/notes", {"body": XSS[1]}, token=staff.csrf(url))
    pages = [staff.client.get(p).text for p in
             ("/staff", url, url + "/print?transcript=1", "/staff/unanswered", "/staff?channel=<b>web</b>")]
    pages.append(admin.client.get("/staff/audit").text)
    for html in pages:
        assert "<script>window" not in html and "<img src=x" not in html and "<svg" not in html
        assert "<b>web</b>" not in html
        scripts = re.findall(r"<script[^>]*>", html)
        assert all(re.fullmatch(r'<script src="/staff/static/[a-z]+\.js" defer>', s) for s in scripts), scripts
    request_page = pages[1]
    assert "&lt;script&gt;window.__xss=2&lt;/script&gt;" in request_page
    assert "&lt;img src=x onerror=&#34;window.__xss=1&#34;&gt;" in request_page
    transcript = request_page[request_page.index('id="transcript"'):]
    assert transcript.count("&lt;script&gt;window.__xss=2&lt;/script&gt;") == 1
    assert "&lt;img src=x onerror" in pages[3]  # the unanswered questions page


def test_no_inline_script_or_style_anywhere(staff: Staff, admin: Staff) -> None:
    item = add_request(staff.engine)
    for client, path in [(staff.client, "/staff/login"), (staff.client, "/staff"),
                         (staff.client, f"/staff/requests/{item.id}"), (staff.client, f"/staff/requests/{item.id}/print"),
                         (staff.client, "/staff/unanswered"), (staff.client, "/staff/password"),
                         (admin.client, "/staff/audit"), (admin.client, "/staff/retention")]:
        html = client.get(path).text
        assert not re.search(r"<script(?![^>]*\ssrc=)", html), path
        assert " style=" not in html and "<style" not in html, path
        assert not re.search(r"\son[a-z]+=", html), path


def test_security_headers_on_every_staff_response(staff: Staff) -> None:
    item = add_request(staff.engine)
    paths = ["/staff", f"/staff/requests/{item.id}", "/staff/api/counts", "/staff/static/staff.css",
             "/staff/static/inbox.js", "/staff/requests/999", "/staff/audit"]
    anonymous = Staff(staff.engine)
    responses = [staff.client.get(p) for p in paths]
    responses += [anonymous.client.get("/staff/login"), anonymous.client.get("/staff", follow_redirects=False),
                  anonymous.client.post("/staff/logout")]
    for response in responses:
        csp = response.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp and "default-src 'self'" in csp
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "no-referrer"
        assert response.headers["cache-control"] == "no-store"
    assert "content-security-policy" not in staff.client.get("/health").headers  # only /staff is ours


def test_every_route_is_reachable_when_logged_in(staff: Staff, admin: Staff) -> None:
    add_request(staff.engine)
    for path, method in staff_routes(admin.app):
        if method != "GET":
            continue
        assert admin.client.get(path).status_code == 200, path
