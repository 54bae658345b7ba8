"""The domain, read once by the action server instead of received with every action call.

Rasa sends its whole domain with every custom action call (about 105 KB of JSON: every response,
in both languages) unless the action endpoint enables selective domain, which endpoints.yml does.
Encoding it took the Rasa server's event loop a millisecond or two per call and parsing it took the
action server about as long; the actions read the same domain from domain.yml, loaded once the way
Rasa loads it (`Domain.load(...).as_dict()`, what Rasa would have sent).

`install()` makes rasa_sdk's executor fill in that domain when a call comes without one; a call
that carries a domain (an action declared `send_domain: true`) keeps its own.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Optional

from rasa_sdk.executor import ActionExecutor

DOMAIN_FILE = Path(__file__).resolve().parents[1] / "domain.yml"


@lru_cache(maxsize=4)
def local_domain(path: Path = DOMAIN_FILE) -> dict[str, Any]:
    # Rasa's own loader, so the dict is the one Rasa sends (normalised slots, forms and responses).
    from rasa.shared.core.domain import Domain

    return Domain.load(str(path)).as_dict()


def install(executor: type = ActionExecutor, path: Path = DOMAIN_FILE) -> None:
    """Fill in the local domain for action calls that come without one (idempotent)."""
    original = executor.run
    if getattr(original, "fills_domain", False):
        return

    async def run(self: Any, action_call: dict[str, Any]) -> Optional[dict[str, Any]]:
        if not action_call.get("domain"):
            action_call = {**action_call, "domain": local_domain(path)}
        return await original(self, action_call)

    run.fills_domain = True  # type: ignore[attr-defined]
    executor.run = run
