"""The held-out NLU file stays held out, and every topic has enough training examples."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import yaml

from bot.settings import ROOT

MIN_FAQ_EXAMPLES = 15


def examples(path: Path) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for item in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
        if "intent" not in item:
            continue
        lines = [line.strip()[2:] for line in item["examples"].splitlines() if line.strip().startswith("- ")]
        found.setdefault(item["intent"], []).extend(lines)
    return found


def normalised(text: str) -> str:
    return " ".join(text.lower().split())


def training() -> dict[str, list[str]]:
    merged: dict[str, list[str]] = {}
    for path in sorted((ROOT / "data" / "nlu").rglob("*.yml")):
        for intent, texts in examples(path).items():
            merged.setdefault(intent, []).extend(texts)
    return merged


def test_no_held_out_message_is_in_the_training_data():
    trained = {normalised(t) for texts in training().values() for t in texts}
    held_out = [t for texts in examples(ROOT / "tests" / "nlu" / "heldout.yml").values() for t in texts]
    assert len(held_out) >= 150
    leaked = sorted(t for t in held_out if normalised(t) in trained)
    assert leaked == []


def test_no_training_example_is_listed_twice():
    counts = Counter(normalised(t) for texts in training().values() for t in texts)
    assert [t for t, n in counts.items() if n > 1] == []


def test_every_topic_has_enough_examples_and_every_intent_is_held_out():
    trained = training()
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    assert set(trained) == set(domain["intents"])
    thin = {i: len(t) for i, t in trained.items() if i.startswith("faq_") and len(t) < MIN_FAQ_EXAMPLES}
    assert thin == {}
    held_out = examples(ROOT / "tests" / "nlu" / "heldout.yml")
    assert set(held_out) == set(domain["intents"])
