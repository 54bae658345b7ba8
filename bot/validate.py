"""`rasa data validate`, failing on any warning.

One kind of warning is not a defect here: Rasa counts a response as used only when a story or
rule names it, but our custom actions send some responses themselves (`response="utter_..."`).
Those names are read from the code, so a response that nothing sends is still reported.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

from bot.settings import ROOT

UNUSED = re.compile(r"The utterance '([^']+)' is not used in any story or rule\.")
RESPONSE_IN_CODE = re.compile(r"""["'](utter_[a-z0-9_]+)["']""")
CODE_DIRS = ("actions", "bot")


# Sent by Rasa itself: the core fallback action's response.
SENT_BY_RASA = {"utter_default"}


def responses_sent_by_code(roots: Iterable[Path]) -> set[str]:
    """Response names that the project's Python code sends."""
    roots = list(roots)
    found: set[str] = set(SENT_BY_RASA)
    for root in roots:
        for path in root.rglob("*.py"):
            found.update(RESPONSE_IN_CODE.findall(path.read_text(encoding="utf-8")))
    # Names built from a prefix (utter_invalid_phone_{reason}) are listed in full.
    found.update(_prefixed_responses(roots))
    found.update(_form_questions())
    return found


def _form_questions() -> set[str]:
    """`utter_ask_<slot>` for every slot a form requests: the form sends those itself."""
    import yaml

    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    return {
        f"utter_ask_{slot}"
        for form in (domain.get("forms") or {}).values()
        for slot in form.get("required_slots", [])
    }


def _prefixed_responses(roots: Iterable[Path]) -> set[str]:
    prefixes: set[str] = set()
    for root in roots:
        for path in root.rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            prefixes.update(re.findall(r"""f["'](utter_[a-z]+_[a-z_]+)\{""", text))
            # A prefix kept in a constant ("utter_topic_title_", then f"{TITLE_PREFIX}{intent}").
            prefixes.update(re.findall(r"""["'](utter_[a-z_]+_)["']""", text))
    domain_text = (ROOT / "domain.yml").read_text(encoding="utf-8")
    names = set(re.findall(r"^  (utter_[a-z0-9_]+):", domain_text, flags=re.M))
    return {n for n in names for p in prefixes if n.startswith(p)}


def problems(output: str, sent_by_code: set[str]) -> list[str]:
    """The warning lines that are real problems."""
    issues = []
    for line in output.splitlines():
        # Rasa's own warnings about the data; library deprecation notices are not about it.
        if "UserWarning" not in line and " WARNING " not in line:
            continue
        match = UNUSED.search(line)
        if match and match.group(1) in sent_by_code:
            continue
        issues.append(line.strip())
    return issues


def main() -> int:
    result = subprocess.run(
        [str(Path(sys.executable).parent / "rasa"), "data", "validate", "--config", "config.yml",
         "--domain", "domain.yml", "--data", "data"],
        cwd=ROOT, capture_output=True, text=True,
    )
    output = result.stdout + result.stderr
    found = problems(output, responses_sent_by_code(ROOT / d for d in CODE_DIRS))
    if result.returncode != 0 or found:
        print(output)
        print("\nrasa data validate: FAILED")
        for line in found:
            print("  -", line)
        return 1
    print("rasa data validate: no warnings (responses sent by actions counted as used)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
