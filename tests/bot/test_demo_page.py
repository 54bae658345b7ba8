"""The demo pages: the English one and its French twin (`/fr`), each with the widget and strict headers."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from bot.settings import ROOT, Settings
from bot.store.db import create_all
from bot.web.app import create_app

FRENCH_PAGE = ROOT / "docs" / "fr" / "clinic-page.fr.txt"


@pytest.fixture
def client() -> Any:
    engine = sa.create_engine("sqlite://", poolclass=sa.pool.StaticPool, connect_args={"check_same_thread": False})
    create_all(engine)
    settings = Settings(database_url="sqlite://", clinic_phone="613-555-0100", retention_days=90)
    return TestClient(create_app(settings, engine))


def plain(fragment: str) -> str:
    """Text of an HTML fragment: tags dropped, entities decoded, spaces folded."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", fragment)).split())


def clinic_text(page: str) -> list[str]:
    """The clinic's own words on a demo page: the paragraphs, list items and section headings
    from the questions to the safety information (not the demo's notes, not the privacy note)."""
    body = page[page.index('<section id="faq"'):page.index('<section id="contact"')]
    return [plain(m.group(2)) for m in re.finditer(r"<(p|li|h2)\b[^>]*>(.*?)</\1>", body, re.S)]


@pytest.mark.parametrize(("path", "lang"), [("/", "en"), ("/fr", "fr-CA")])
def test_both_pages_carry_the_widget_and_strict_headers(client: TestClient, path: str, lang: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert f'<html lang="{lang}">' in response.text
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["cache-control"] == "no-store"
    assert response.text.count('<script src="/widget/widget.js"') == 1
    assert "<script>" not in response.text  # no inline script


def test_the_french_page_is_the_clinics_page_in_french(client: TestClient) -> None:
    page = client.get("/fr").text
    translation = " ".join(FRENCH_PAGE.read_text(encoding="utf-8").split())
    texts = clinic_text(page)
    assert len(texts) >= 20
    # Every sentence of the clinic's on the French page is in the translation the clinic checks:
    # nothing added, nothing reworded here.
    assert [t for t in texts if t not in translation] == []
    assert "Foire aux questions" in texts and "Renseignements importants sur la sécurité" in texts
    # The widget on it: the page's language makes it speak French; its privacy link stays in French.
    assert 'data-privacy-url="/fr#privacy"' in page
    assert 'data-subtitle="Assistant virtuel"' in page
    assert 'href="/" lang="en" hreflang="en">English</a>' in page
    assert "Téléphone : " in page and "613-555-0100" in page
    assert "supprimées après 90 jours" in page


def test_the_english_page_is_unchanged_in_its_language(client: TestClient) -> None:
    page = client.get("/").text
    texts = clinic_text(page)
    assert "Frequently Asked Questions" in texts
    assert not any("BOTOX® thérapeutique" in t for t in texts)
    assert 'data-privacy-url="/#privacy"' in page


def test_the_privacy_notes_say_what_the_tab_keeps_in_both_languages(client: TestClient) -> None:
    # The widget keeps a language the patient chose in the tab's sessionStorage (widget.js save()).
    assert "This tab keeps a key to it, the chat's language if you changed it" in client.get("/").text
    assert "Cet onglet en garde une clé, la langue du clavardage si vous l'avez changée" in client.get("/fr").text
