"""French names of the page's conditions and side effects: found by the entity ruler, with or
without accents, under the page's own (English) canonical value."""

from __future__ import annotations

import pytest

from bot.nlp.build import build_pipeline
from bot.nlp.vocabulary import ALL_TERMS, CONDITIONS, SIDE_EFFECTS, canonical, fr, ruler_patterns, unaccented


@pytest.fixture(scope="module")
def nlp():
    return build_pipeline()


def ents(nlp, text: str) -> list[tuple[str, str, str]]:
    return [(e.text, e.label_, e.ent_id_) for e in nlp(text).ents]


GRINDING = "muscular pain from grinding and clenching"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("j'ai mal à la mâchoire", [("mal à la mâchoire", "condition", "jaw pain")]),
        ("douleur a la machoire depuis 2 ans", [("douleur a la machoire", "condition", "jaw pain")]),
        ("ma mâchoire me fait mal quand je mâche", [("mâchoire me fait mal", "condition", "jaw pain")]),
        ("je grince des dents la nuit", [("grince des dents", "condition", GRINDING)]),
        ("je serre les dents", [("serre les dents", "condition", GRINDING)]),
        ("serrement des dents?", [("serrement des dents", "condition", GRINDING)]),
        ("bruxisme", [("bruxisme", "condition", GRINDING)]),
        ("céphalées de tension", [("céphalées de tension", "condition", "tension headaches")]),
        ("cephalees de tension", [("cephalees de tension", "condition", "tension headaches")]),
        ("maux de tete tous les jours", [("maux de tete", "condition", "chronic headaches")]),
        ("j'ai des migraines", [("migraines", "condition", "migraines")]),
        ("douleurs oro-faciales", [("douleurs oro-faciales", "condition", "oral-facial pain")]),
        ("est-ce que ça donne une paupière tombante?", [("paupière tombante", "side_effect", "eyelid droop")]),
        ("paupiere tombante", [("paupiere tombante", "side_effect", "eyelid droop")]),
        ("vision floue?", [("vision floue", "side_effect", "blurred vision")]),
        ("bouche sèche", [("bouche sèche", "side_effect", "temporary dry mouth")]),
        ("les yeux secs", [("yeux secs", "side_effect", "dry eyes")]),
        ("faiblesse musculaire", [("faiblesse musculaire", "side_effect", "muscle weakness")]),
        ("réaction allergique", [("réaction allergique", "side_effect", "an allergic reaction")]),
        ("douleur au site d'injection",
         [("douleur au site d'injection", "side_effect", "minor and temporary discomfort or pain at the injection site")]),
        ("mal au cou", [("mal au cou", "side_effect", "neck pain")]),
        # Not on the page: named as such, never mapped to the page's jaw pain.
        ("mon ATM me fait mal", [("ATM", "unlisted", "TMJ")]),
        ("ma mâchoire barrée", [("mâchoire barrée", "unlisted", "lockjaw")]),
        ("est-ce que ça aide pour la sinusite?", [("sinusite", "unlisted", "sinus pain")]),
        ("ça aide-tu pour les acouphènes", [("acouphènes", "unlisted", "tinnitus")]),
        ("est-ce que ça peut donner des bleus?", [("des bleus", "unlisted", "bruising")]),
        ("ça fait-tu engraisser?", [("engraisser", "unlisted", "weight gain")]),
        ("le ciel est bleu", []),
        ("quelle heure est-il", []),
    ],
)
def test_french_terms_carry_the_pages_canonical_id(nlp, text: str, expected) -> None:
    assert ents(nlp, text) == expected


def test_patterns_are_tokenized_as_messages_are(nlp) -> None:
    # Split on spaces, "bell's palsy" would be two tokens; spaCy reads three ("bell", "'s", "palsy").
    assert ruler_patterns([t for t in ALL_TERMS if t.canonical == "Bell's palsy"])[0]["pattern"][0] == {"NORM": "bell's"}
    assert ents(nlp, "i had bell's palsy") == [("bell's palsy", "unlisted", "Bell's palsy")]
    assert ents(nlp, "j'ai eu une paralysie de Bell") == [("paralysie de Bell", "unlisted", "Bell's palsy")]


def test_english_terms_are_unchanged(nlp) -> None:
    assert ents(nlp, "my jaw pain is bad") == [("jaw pain", "condition", "jaw pain")]
    assert ents(nlp, "can u help w/ my tmj") == [("tmj", "unlisted", "TMJ")]


@pytest.mark.parametrize(
    ("label", "mention", "expected"),
    [
        ("condition", "Mâchoire douloureuse", "jaw pain"),
        ("condition", "machoire douloureuse", "jaw pain"),
        ("condition", "grincement des dents", GRINDING),
        ("condition", "céphalée de tension", "tension headaches"),
        ("side_effect", "Paupière tombante", "eyelid droop"),
        ("side_effect", "vision floue", "blurred vision"),
        ("unlisted", "ATM", "TMJ"),
        ("condition", "ATM", None),
        ("side_effect", "mâchoire douloureuse", None),
    ],
)
def test_canonical_reads_french_mentions(label: str, mention: str, expected) -> None:
    assert canonical(label, mention) == expected


def test_canonical_values_stay_the_pages_english_words() -> None:
    canonicals = {t.canonical for t in CONDITIONS + SIDE_EFFECTS}
    assert "jaw pain" in canonicals and "eyelid droop" in canonicals
    assert all(unaccented(c) == c for c in canonicals)


def test_every_accented_phrase_has_its_unaccented_form() -> None:
    phrases = {p for term in ALL_TERMS for p in term.phrases}
    missing = sorted(p for p in phrases if unaccented(p) not in phrases)
    assert missing == []


def test_fr_adds_unaccented_forms_without_repeats() -> None:
    assert fr("mâchoire", "machoire", "céphalée") == ("mâchoire", "machoire", "céphalée", "cephalee")


def test_patterns_can_use_the_pipelines_tokens() -> None:
    patterns = ruler_patterns(tokens=lambda phrase: phrase.upper().split())
    assert all(tok["NORM"].isupper() or not tok["NORM"].isalpha() for p in patterns for tok in p["pattern"])
