"""The spaCy normalizer: how patients type, as the classifier and the entity ruler see it."""

from __future__ import annotations

import pytest
import spacy

from bot.nlp.build import build_pipeline
from bot.nlp.normalize import EMOJI_WORDS, SHORTHAND, Speller, clinic_lexicon
from bot.nlp.vocabulary import edit_distance


@pytest.fixture(scope="module")
def nlp() -> spacy.language.Language:
    return build_pipeline()


def lemmas(nlp, text: str) -> list[str]:
    return [t.lemma_ for t in nlp(text)]


def ents(nlp, text: str) -> list[tuple[str, str]]:
    return [(e.label_, e.ent_id_) for e in nlp(text).ents]


@pytest.mark.parametrize(
    ("typed", "clean"),
    [
        ("sde efects", ["side", "effect"]),
        ("SIDE EFFECTS", ["side", "effect"]),
        ("wut does it do", ["what", "doe", "it", "do"]),
        ("botx pls", ["botox", "please"]),
        ("experiance of dr waltrs", ["experience", "of", "doctor", "walters"]),
        ("is it saef", ["be", "it", "safe"]),
        ("b4 the shots", ["before", "the", "shot"]),
    ],
)
def test_typos_shorthand_and_capitals_give_the_same_lemmas(nlp, typed: str, clean: list[str]) -> None:
    assert lemmas(nlp, typed) == clean


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("migrane", ("condition", "migraines")),
        ("clenchng and grindng", ("condition", "muscular pain from grinding and clenching")),
        ("droopy eylid?", ("side_effect", "eyelid droop")),
        ("JAW PAIN", ("condition", "jaw pain")),
        ("can u help w/ my tmj", ("unlisted", "TMJ")),
        ("i have lockjaw", ("unlisted", "lockjaw")),
        ("does it cause bruising", ("unlisted", "bruising")),
    ],
)
def test_the_entity_ruler_finds_terms_through_typos(nlp, typed: str, expected: tuple[str, str]) -> None:
    assert expected in ents(nlp, typed)


def test_lockjaw_and_tmj_are_not_read_as_the_pages_jaw_pain(nlp) -> None:
    for text in ("lockjaw", "tmj", "TMD"):
        assert ("condition", "jaw pain") not in ents(nlp, text)


def test_emoji_with_a_meaning_become_words_and_others_are_dropped(nlp) -> None:
    assert lemmas(nlp, "migraines 😣") == ["migraine", "pain"]
    assert lemmas(nlp, "side effects 😬") == ["side", "effect", "."]
    assert EMOJI_WORDS["💉"] == "injection"


@pytest.mark.parametrize("name", ["Anne Smith", "Stephanie Top", "Mary Side", "Jean Clench",
                                  # each was one edit from a clinic word: jambes, gorge, dents, serre,
                                  # loss, teary, bouche, like ("James Young" read as an emergency)
                                  "James Young", "George Boucher", "Denis Tremblay", "Serge Roy", "Lois Lane",
                                  "Terry Luke"])
def test_names_are_not_corrected_into_clinic_words(nlp, name: str) -> None:
    assert [t.norm_ for t in nlp(name)] == [w.lower() for w in name.split()]


def test_dr_walter_still_means_dr_walters(nlp) -> None:
    assert [t.norm_ for t in nlp("dr walter")][-1] == "walters"


def test_the_patients_text_is_never_changed(nlp) -> None:
    text = "sde efects 😬 pls"
    assert nlp(text).text == text


def test_spelling_corrects_only_to_clinic_words_and_leaves_known_words() -> None:
    speller = Speller(clinic_lexicon(), known=lambda w: w in {"grand", "fine", "effort"})
    assert speller.correct("migrain") == "migraine"
    assert speller.correct("grand") == "grand"  # a known word, not "grind"
    assert speller.correct("effort") == "effort"
    assert speller.correct("xylophone") == "xylophone"  # nothing close
    assert speller.correct("sid") == "sid"  # too short for edit distance: shorthand handles it


def test_edit_distance_counts_a_swap_once_and_stops_past_the_limit() -> None:
    assert edit_distance("saef", "safe", 2) == 1
    assert edit_distance("migrane", "migraine", 2) == 1
    assert edit_distance("abcdefgh", "zzzzzzzz", 2) == 3


def test_shorthand_never_maps_to_an_empty_word() -> None:
    assert all(SHORTHAND.values())
