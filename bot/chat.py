"""Talk to the running bot from a terminal over the REST channel (like `rasa shell`).

    python -m bot.chat [--sender NAME] [--url http://localhost:5005]

Buttons are shown numbered; type the number to press one.
"""

from __future__ import annotations

import argparse
import json
import sys
import urllib.request
import uuid

from bot.settings import get_settings


def send(url: str, sender: str, message: str) -> list[dict]:
    body = json.dumps({"sender": sender, "message": message}).encode()
    request = urllib.request.Request(
        f"{url}/webhooks/rest/webhook", data=body, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sender", default=f"terminal-{uuid.uuid4().hex[:8]}")
    parser.add_argument("--url", default=get_settings().rasa_url)
    args = parser.parse_args(argv)
    print(f"Chatting as {args.sender}. Ctrl-D to quit.")
    buttons: list[dict] = []
    for line in sys.stdin if not sys.stdin.isatty() else iter(lambda: input("you> "), None):
        text = line.strip()
        if not text:
            continue
        if text.isdigit() and 1 <= int(text) <= len(buttons):
            text = buttons[int(text) - 1]["payload"]
        if not sys.stdin.isatty():
            print(f"you> {line.strip()}")
        buttons = []
        for message in send(args.url, args.sender, text):
            if message.get("text"):
                print(f"bot> {message['text']}")
            for i, button in enumerate(message.get("buttons") or [], start=1):
                print(f"     {i}. {button['title']}")
                buttons.append(button)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (EOFError, KeyboardInterrupt):
        print()
        sys.exit(0)
