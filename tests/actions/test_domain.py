"""The action server fills in the domain Rasa no longer sends with every call (selective domain)."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from rasa_sdk import Action
from rasa_sdk.executor import ActionExecutor

import actions  # noqa: F401  (installs the local domain, as the action server's import does)
from actions.domain import DOMAIN_FILE, install, local_domain
from bot.settings import ROOT


def test_the_endpoints_ask_rasa_for_the_selective_domain() -> None:
    # Without it the local domain is never used, and every call carries about 105 KB of JSON.
    for path in (ROOT / "endpoints.yml", ROOT / "deploy" / "endpoints.prod.yml"):
        assert yaml.safe_load(path.read_text())["action_endpoint"]["enable_selective_domain"] is True, path


def test_the_local_domain_is_the_one_rasa_would_send() -> None:
    from rasa.shared.core.domain import Domain

    domain = local_domain()
    assert domain == Domain.load(str(DOMAIN_FILE)).as_dict()
    assert "utter_topic_title_faq_what_is" in domain["responses"] and domain["forms"]


class Seen(Action):
    def name(self) -> str:
        return "action_seen_domain"

    async def run(self, dispatcher: Any, tracker: Any, domain: dict[str, Any]) -> list[dict[str, Any]]:
        dispatcher.utter_message(text=str(len(domain.get("responses") or {})))
        return []


def call(domain: Any = None) -> dict[str, Any]:
    request: dict[str, Any] = {"next_action": "action_seen_domain", "sender_id": "p1",
                               "tracker": {"sender_id": "p1", "slots": {}, "latest_message": {}, "events": [],
                                           "paused": False, "latest_input_channel": None, "active_loop": {},
                                           "latest_action_name": "action_listen"}}
    if domain is not None:
        request["domain"] = domain
    return request


@pytest.mark.asyncio
async def test_a_call_without_the_domain_gets_the_local_one_and_one_with_it_keeps_its_own() -> None:
    install()  # idempotent: already installed by the import above
    executor = ActionExecutor()
    executor.register_action(Seen())
    reply = await executor.run(call())
    assert reply["responses"][0]["text"] == str(len(local_domain()["responses"]))
    reply = await executor.run(call({"responses": {"utter_x": [{"text": "x"}]}}))
    assert reply["responses"][0]["text"] == "1"
