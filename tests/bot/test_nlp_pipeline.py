"""The project's spaCy pipeline (from spacy.blank) and the clinic vocabulary behind it."""

from __future__ import annotations

import pytest

from bot.nlp import vocabulary
from bot.nlp.build import build_pipeline
from bot.nlp.vocabulary import ALL_TERMS, canonical, ruler_patterns


@pytest.fixture(scope="module")
def nlp():
    return build_pipeline()


def ents(nlp, text: str) -> list[tuple[str, str, str]]:
    return [(e.text, e.label_, e.ent_id_) for e in nlp(text).ents]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # The page doesn't name TMJ: it is "unlisted", never the page's jaw pain.
        ("Can it help my TMJ?", [("TMJ", "unlisted", "TMJ")]),
        ("can it help my tmj", [("tmj", "unlisted", "TMJ")]),
        ("I have teeth grinding at night", [("teeth grinding", "condition", "muscular pain from grinding and clenching")]),
        ("will I get droopy eyelids?", [("droopy eyelids", "side_effect", "eyelid droop")]),
        ("my jaw pain is bad", [("jaw pain", "condition", "jaw pain")]),
        ("Migraines", [("Migraines", "condition", "migraines")]),
        ("oral-facial pain", [("oral-facial pain", "condition", "oral-facial pain")]),
        ("can it cause dry mouth", [("dry mouth", "side_effect", "temporary dry mouth")]),
        ("I get stress headaches and migraines",
         [("stress headaches", "condition", "tension headaches"), ("migraines", "condition", "migraines")]),
        ("my jaw hurts", [("jaw hurts", "condition", "jaw pain")]),
        ("my jaw is tight", [("jaw", "body_area", "jaw")]),
        ("what are your opening hours?", []),
    ],
)
def test_entities_carry_the_pages_canonical_id(nlp, text: str, expected) -> None:
    assert ents(nlp, text) == expected


def test_entity_ids_are_all_canonical_values(nlp) -> None:
    canonicals = {t.canonical for t in ALL_TERMS}
    doc = nlp("TMJ, bruxism, blurry vision, fatigue, stiff neck and a sore injection site")
    assert doc.ents
    assert all(e.ent_id_ in canonicals for e in doc.ents)


@pytest.mark.parametrize(
    ("text", "lemmas"),
    [
        ("I have teeth grinding", ["i", "have", "tooth", "grind"]),  # lower-cased by the normalizer
        ("my jaw hurts", ["my", "jaw", "hurt"]),
        ("my headaches were bad", ["my", "headache", "be", "bad"]),
        ("droopy eyelids", ["droopy", "eyelid"]),
    ],
)
def test_lookup_lemmatizer(nlp, text: str, lemmas: list[str]) -> None:
    assert [t.lemma_ for t in nlp(text)] == lemmas


def test_pipeline_is_blank_english_with_our_components(nlp) -> None:
    assert nlp.lang == "en"
    assert nlp.pipe_names == ["lemmatizer", "clinic_normalizer", "entity_ruler"]
    assert nlp.meta["name"] == "metro_dental"


@pytest.mark.parametrize(
    ("label", "mention", "expected"),
    [
        ("condition", "TMJ", None),
        ("unlisted", "TMJ", "TMJ"),
        ("unlisted", "lock jaw", "lockjaw"),
        ("condition", "  Sore   Jaw ", "jaw pain"),
        ("condition", "jaw pain", "jaw pain"),
        ("condition", "teeth grinding", "muscular pain from grinding and clenching"),
        ("condition", "tension-type headache", "tension headaches"),
        ("condition", "oral-facial pain", "oral-facial pain"),
        ("condition", "Oral Facial Pain", "oral-facial pain"),
        ("side_effect", "droopy eyelids", "eyelid droop"),
        ("side_effect", "dry mouth", "temporary dry mouth"),
        ("side_effect", "temporary dry mouth", "temporary dry mouth"),
        ("body_area", "masseter", "jaw"),
        ("condition", "back pain", None),
        ("unlisted", "douleurs au bas du dos", "back pain"),  # not the page's pains: lower back
        ("condition", "dry mouth", None),  # right words, wrong label
        ("side_effect", "TMJ", None),
        ("condition", "", None),
    ],
)
def test_canonical(label: str, mention: str, expected) -> None:
    assert canonical(label, mention) == expected


def test_ruler_patterns_cover_every_phrase_lower_cased() -> None:
    patterns = ruler_patterns()
    assert len(patterns) == sum(len(t.phrases) for t in ALL_TERMS)
    for pattern in patterns:
        assert all(set(tok) == {"NORM"} and tok["NORM"] == tok["NORM"].lower() for tok in pattern["pattern"])
    hyphenated = [p for p in patterns if p["id"] == "oral-facial pain" and len(p["pattern"]) == 4]
    assert [t["NORM"] for t in hyphenated[0]["pattern"]] == ["oral", "-", "facial", "pain"]


def test_extracted_labels_are_the_domain_entities() -> None:
    assert set(vocabulary.EXTRACTED_LABELS) == {"condition", "side_effect", "unlisted"}
