"""Readiness checks of every service, as `make run` starts them (and as a supervisor would poll them)."""

from __future__ import annotations

import httpx
import pytest

pytestmark = pytest.mark.e2e


def test_rasa_server_answers_on_its_root_once_the_model_is_loaded(running_bot):
    # Rasa loads the model before it starts listening: an answer here means it can talk.
    response = httpx.get(f"http://127.0.0.1:{running_bot.settings.rasa_port}/", timeout=10)
    assert response.status_code == 200
    assert response.text.startswith("Hello from Rasa: 3.6")


def test_action_server_health(running_bot):
    response = httpx.get(f"http://127.0.0.1:{running_bot.settings.action_port}/health", timeout=10)
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_web_app_health_reaches_the_database(running_bot):
    response = httpx.get(f"{running_bot.web_url}/health", timeout=10)
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_every_started_service_has_a_health_url_that_answers(running_bot):
    for service in running_bot.services.items:
        assert service.process is not None and service.process.poll() is None, f"{service.name} is not running"
        response = httpx.get(service.health_url, timeout=10)
        assert response.status_code == 200, (service.name, service.health_url, response.status_code)


def test_the_rest_channel_has_its_own_health_route(running_bot):
    response = httpx.get(f"{running_bot.rasa_url}/webhooks/rest/", timeout=10)
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_rasas_http_api_is_not_enabled(running_bot):
    # Started without --enable-api: no /model, /conversations, /status on the patient-facing server.
    for path in ("/status", "/model", "/conversations/someone/tracker", "/version"):
        response = httpx.get(f"{running_bot.rasa_url}{path}", timeout=10)
        assert response.status_code == 404, (path, response.status_code)
