"""Build the project's spaCy pipeline from spacy.blank("en"): no downloaded weights.

    python -m bot.nlp.build [--output build/spacy/en_metro_dental]
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

import spacy
from spacy.language import Language

from bot.nlp.normalize import FACTORY as NORMALIZER
from bot.nlp.vocabulary import ruler_patterns
from bot.settings import ROOT

DEFAULT_OUTPUT = ROOT / "build" / "spacy" / "en_metro_dental"
PIPELINE_VERSION = "1.1.0"


def build_pipeline() -> Language:
    """A blank English pipeline with a lookup lemmatizer and the clinic's entity ruler."""
    nlp = spacy.blank("en")
    nlp.meta.update({"name": "metro_dental", "version": PIPELINE_VERSION,
                     "description": "Metropolitan Dental: tokenizer, lookup lemmas, clinic vocabulary"})
    # Lookup lemmas come from the installed spacy-lookups-data package and are saved with
    # the pipeline, so loading it never needs the network.
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    # Between the lemmas and the ruler: typos, shorthand, emoji and capitals cleaned up.
    nlp.add_pipe(NORMALIZER)
    ruler = nlp.add_pipe("entity_ruler", config={"overwrite_ents": True})
    nlp.initialize()
    # Each phrase is tokenized and normalized as a patient's message is, so the patterns hold the
    # same forms the ruler will see (French elisions, words the speller corrects).
    with nlp.select_pipes(disable=["entity_ruler"]):
        patterns = ruler_patterns(tokens=lambda phrase: [t.norm_ for t in nlp(phrase)])
    ruler.add_patterns(_unique(patterns))
    return nlp


def _unique(patterns: list[dict[str, object]]) -> list[dict[str, object]]:
    """Patterns without repeats: a phrase and its misspelling ("migrane") can normalize alike."""
    seen: set[str] = set()
    out: list[dict[str, object]] = []
    for pattern in patterns:
        key = repr(sorted(pattern.items()))
        if key not in seen:
            seen.add(key)
            out.append(pattern)
    return out


def main(argv: list[str] | None = None) -> Path:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args(argv)
    nlp = build_pipeline()
    if args.output.exists():
        shutil.rmtree(args.output)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(args.output)
    print(f"spaCy pipeline written to {args.output}")
    return args.output


if __name__ == "__main__":
    main()
