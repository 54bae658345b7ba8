"""The staff pages say which language each request's patient wrote in (issue 14: staff pages stay
in English but show each request's language)."""

from __future__ import annotations

import re

from tests.bot.test_staff_auth import Staff, add_users, logged_in
from tests.bot.test_staff_pages import add_request


def test_the_inbox_marks_french_requests_and_the_request_page_names_the_language(engine) -> None:
    add_users(engine)
    staff = logged_in(Staff(engine))
    add_request(engine, key="en1", full_name="Anna English")
    add_request(engine, key="fr1", full_name="Benoît Français", language="fr")
    inbox = staff.client.get("/staff").text
    rows = {name: row for row in inbox.split("<tr")[1:] for name in ("Anna English", "Benoît Français") if name in row}
    assert 'class="lang-tag"' in rows["Benoît Français"] and ">French</span>" in rows["Benoît Français"]
    assert "lang-tag" not in rows["Anna English"]  # English is the default: no marker
    french = staff.client.get("/staff/requests/2").text
    assert re.search(r"<dt>Language</dt><dd class=\"language-fr\">French</dd>", french)
    assert re.search(r"<dt>Language</dt><dd class=\"language-en\">English</dd>", staff.client.get("/staff/requests/1").text)
