"""A blind set's single-question turns as a Rasa NLU test file, for `rasa test nlu`'s intent accuracy.

    python -m tests.blind.to_nlu tests/blind/french.yml reports/heldout_fr.yml

Each turn whose one label names one intent becomes an example of that intent; turns with two
labels, `unlisted` (a listed-or-not question the classifier answers with either FAQ intent and the
entity ruler decides) and `not_emergency` (judged by the absence of the alarm) stay out. The set
itself is never edited; this file is generated from it on every run.
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

from tests.blind.judge import PAGE_TOPICS, load_cases

LABEL_INTENTS: dict[str, str] = {
    **{topic: f"faq_{topic}" for topic in PAGE_TOPICS},
    "book": "book_consultation",
    "human": "request_human",
    **{label: label for label in ("greet", "thanks", "goodbye", "bot_challenge", "out_of_scope", "emergency",
                                  "crisis", "after_treatment", "own_case", "existing_patient")},
}


def examples(cases) -> dict[str, list[str]]:
    by_intent: dict[str, list[str]] = {}
    for case in cases:
        for turn in case["turns"]:
            expect = turn["expect"] if isinstance(turn["expect"], list) else [turn["expect"]]
            if len(expect) == 1 and expect[0] in LABEL_INTENTS:
                by_intent.setdefault(LABEL_INTENTS[expect[0]], []).append(" ".join(str(turn["text"]).split()))
    return by_intent


def nlu_yaml(by_intent: dict[str, list[str]]) -> str:
    blocks = [{"intent": intent, "examples": "".join(f"- {text}\n" for text in dict.fromkeys(texts))}
              for intent, texts in sorted(by_intent.items())]

    class Literal(str):
        pass

    yaml.add_representer(Literal, lambda dumper, data: dumper.represent_scalar("tag:yaml.org,2002:str", data, style="|"))
    return yaml.dump({"version": "3.1", "nlu": [{**b, "examples": Literal(b["examples"])} for b in blocks]},
                     allow_unicode=True, sort_keys=False)


def main(argv: list[str] | None = None) -> int:
    source, target = (argv if argv is not None else sys.argv[1:])[:2]
    Path(target).parent.mkdir(parents=True, exist_ok=True)
    Path(target).write_text(nlu_yaml(examples(load_cases(Path(source)))), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
