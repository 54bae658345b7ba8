"""The clinic's vocabulary: the one source for the entity ruler and for naming what a patient said.

Canonical values are the page's own words, so an answer that names a patient's condition
("Yes — therapeutic BOTOX® is used here for jaw pain ...") never claims more than the page does.
French phrases sit beside the English ones under the same canonical (English) value: one model reads
both languages, and the reply's wording is chosen by the conversation's language, not here.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Optional

# The labels of the terms Rasa's entity extractor passes on (see EXTRACTED_LABELS): the page's
# conditions and side effects, and what patients ask about that the page doesn't name.
CONDITION, SIDE_EFFECT, UNLISTED_LABEL = "condition", "side_effect", "unlisted"


@dataclass(frozen=True)
class Term:
    label: str  # the Rasa entity name
    canonical: str  # the page's wording, used in answers
    phrases: tuple[str, ...]  # what patients write


def unaccented(text: str) -> str:
    """The text without accents ("mâchoire" -> "machoire"): patients on a phone often leave them out."""
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))


def fr(*phrases: str) -> tuple[str, ...]:
    """French phrases, each also without its accents, in order and without repeats."""
    out: list[str] = []
    for phrase in phrases:
        for form in (phrase, unaccented(phrase)):
            if form not in out:
                out.append(form)
    return tuple(out)


CONDITIONS: tuple[Term, ...] = (
    Term("condition", "migraines", ("migraine", "migraines", "migrane", "migranes", "migraine headaches")
         + fr("migraineuse", "crises de migraine", "crise de migraine")),
    Term(
        "condition",
        "tension headaches",
        ("tension headache", "tension headaches", "tension-type headache", "tension-type headaches",
         "tension-related headaches", "stress headaches", "stress headache")
        + fr("céphalée de tension", "céphalées de tension", "céphalée de type tension", "céphalées de type tension",
             "céphalées tensionnelles", "céphalée tensionnelle", "maux de tête de tension", "mal de tête de tension",
             "maux de tête liés au stress", "maux de tête de stress", "mal de tête de stress"),
    ),
    Term(
        "condition",
        "chronic headaches",
        ("chronic headache", "chronic headaches", "headaches", "headache", "daily headaches", "head pain")
        + fr("maux de tête", "mal de tête", "mal à la tête", "maux de tête chroniques", "mal de tête chronique",
             "céphalées chroniques", "céphalée chronique", "céphalée", "céphalées", "mots de tête", "mo de tête",
             "maux de têtes"),
    ),
    Term(
        "condition",
        "jaw pain",
        # Not TMJ/TMD or lockjaw: the page doesn't name them (see UNLISTED).
        ("jaw pain", "sore jaw", "jaw ache", "aching jaw", "jaw soreness", "jaw pian", "jaw tension",
         "jaw hurts", "jaw hurting", "pain in my jaw", "jaw muscle pain")
        + fr("douleur à la mâchoire", "douleurs à la mâchoire", "douleur de la mâchoire", "douleurs de la mâchoire",
             "douleur à la machoir", "mal à la mâchoire", "mal aux mâchoires", "mâchoire douloureuse",
             "mâchoire me fait mal", "mâchoire endolorie", "tension à la mâchoire", "tension dans la mâchoire",
             "douleur musculaire à la mâchoire"),
    ),
    Term(
        "condition",
        "oral-facial pain",
        ("oral-facial pain", "oral facial pain", "orofacial pain", "facial pain", "face pain",
         "pain in my face", "mouth pain")
        + fr("douleur oro-faciale", "douleurs oro-faciales", "douleur orofaciale", "douleurs orofaciales",
             "douleur faciale", "douleurs faciales", "douleur au visage", "douleurs au visage", "mal au visage",
             "douleur à la bouche", "mal à la bouche"),
    ),
    Term(
        "condition",
        "muscular pain from grinding and clenching",
        ("grinding", "clenching", "teeth grinding", "grinding my teeth", "clenching my jaw", "bruxism",
         "clench", "grind", "clenching and grinding", "grinding and clenching", "jaw clenching")
        + fr("grincement des dents", "grincement de dents", "grincements de dents", "grincer des dents",
             "grince des dents", "grincement", "grincements", "serrement des dents", "serrement de dents",
             "serrer les dents", "serre les dents", "serrer la mâchoire", "serre la mâchoire",
             # Not "serrement" alone: the speller would read "seulement" as it.
             "bruxisme", "grincement et serrement", "serrement et grincement"),
    ),
)

SIDE_EFFECTS: tuple[Term, ...] = (
    Term("side_effect", "muscle weakness", ("muscle weakness", "weak muscles", "weakness")
         + fr("faiblesse musculaire", "faiblesse des muscles", "muscles faibles", "faiblesse")),
    Term("side_effect", "an allergic reaction", ("allergic reaction", "allergy", "allergic")
         + fr("réaction allergique", "allergie", "allergique", "allergies")),
    Term("side_effect", "minor spread of toxin effects", ("spread of toxin", "toxin spread", "spreading")
         + fr("propagation de la toxine", "diffusion de la toxine", "propagation de toxine")),
    Term("side_effect", "temporary dry mouth", ("dry mouth",)
         + fr("bouche sèche", "sécheresse de la bouche", "sécheresse buccale")),
    Term(
        "side_effect",
        "minor and temporary discomfort or pain at the injection site",
        ("injection site pain", "pain at the injection site", "sore injection site", "needle pain")
        + fr("douleur au site d'injection", "douleur au point d'injection", "mal au site d'injection",
             "site d'injection douloureux", "inconfort au site d'injection"),
    ),
    Term("side_effect", "temporary fatigue", ("fatigue", "tired", "tiredness", "exhaustion")
         + fr("fatigué", "fatiguée", "épuisement", "fatigue temporaire")),
    Term("side_effect", "headache", ("headache after", "headache afterwards", "get a headache")
         + fr("mal de tête après", "maux de tête après", "mal à la tête après")),
    Term("side_effect", "neck pain", ("neck pain", "sore neck", "stiff neck")
         + fr("douleur au cou", "douleurs au cou", "mal au cou", "cou raide", "torticolis")),
    Term("side_effect", "blurred vision", ("blurred vision", "blurry vision", "vision problems")
         + fr("vision floue", "vue floue", "vision brouillée", "vue brouillée", "vue embrouillée",
              "problèmes de vision", "troubles de la vision")),
    Term(
        "side_effect",
        "eyelid droop",
        ("eyelid droop", "droopy eyelid", "droopy eyelids", "drooping eyelid", "eyelid drooping", "ptosis")
        + fr("paupière tombante", "paupières tombantes", "paupière qui tombe", "paupières qui tombent",
             "chute de la paupière", "ptôse"),
    ),
    Term("side_effect", "dry eyes", ("dry eyes", "dry eye")
         + fr("yeux secs", "oeil sec", "œil sec", "sécheresse des yeux", "sécheresse oculaire")),
)

# The French names of the unlisted terms below ("ATM" is TMJ's French initialism).
_UNLISTED_FR: dict[str, tuple[str, ...]] = {
    "TMJ": fr("atm", "l'atm", "trouble de l'atm", "troubles de l'atm", "articulation temporo-mandibulaire",
              "articulation temporomandibulaire", "dysfonction de l'atm"),
    "TMD": fr("dtm", "dysfonction temporo-mandibulaire", "trouble temporo-mandibulaire"),
    "lockjaw": fr("trismus", "mâchoire bloquée", "mâchoire barrée", "mâchoire qui bloque", "mâchoire qui barre"),
    "trigeminal neuralgia": fr("névralgie du trijumeau", "névralgie", "trijumeau"),
    "Bell's palsy": fr("paralysie de bell",),
    "cluster headaches": fr("céphalées en grappe", "céphalée en grappe", "algie vasculaire de la face"),
    "sinus pain": fr("sinusite", "mal aux sinus", "douleur aux sinus", "douleurs aux sinus"),
    "tinnitus": fr("acouphène", "acouphènes", "bourdonnements d'oreille", "bourdonnement dans les oreilles",
                   "sillements dans les oreilles", "oreilles qui sillent"),
    "ear pain": fr("mal d'oreille", "mal aux oreilles", "douleur à l'oreille", "douleur aux oreilles", "otalgie",
                   "mal à l'oreille"),
    "fibromyalgia": fr("fibromyalgie",),
    "sleep apnea": fr("apnée du sommeil", "ronflement", "ronflements"),
    "back pain": fr("mal de dos", "douleur au dos", "douleurs au dos", "maux de dos", "mal au dos", "bas du dos",
                    "douleur au bas du dos", "douleurs au bas du dos", "mal au bas du dos", "lombalgie", "douleurs lombaires",
                    "douleur lombaire"),
    "arthritis": fr("arthrite", "arthrose", "l'arthrite", "l'arthrose"),
    "excessive sweating": fr("transpiration excessive", "hyperhidrose", "sueurs excessives", "l'hyperhidrose"),
    "depression or anxiety": fr("dépression", "anxiété", "l'anxiété", "crise de panique", "crises de panique",
                                "crise d'angoisse", "crises d'angoisse", "crise d'anxiété", "crises d'anxiété"),
    "toothache": fr("mal de dents", "mal aux dents", "rage de dents", "douleur dentaire", "douleurs dentaires",
                    "douleur aux dents"),
    "dizziness": fr("étourdissements", "étourdissement", "vertige", "vertiges", "étourdi", "étourdie"),
    "muscle spasms": fr("spasmes", "spasmes musculaires", "tics nerveux", "spasme", "spasme musculaire", "crampe",
                        "crampes", "crampes musculaires", "spasme hémifacial", "spasmes faciaux"),
    "bruising": fr("ecchymose", "ecchymoses", "des bleus", "un bleu", "gros bleu", "bleus"),
    "swelling": fr("enflure", "gonflement", "enflé", "enflée", "gonflé", "gonflée", "l'enflure"),
    "hair loss": fr("perte de cheveux", "chute de cheveux", "perdre mes cheveux", "chute des cheveux",
                    "cheveux qui tombent", "cheveux clairsemés", "amincissement des cheveux"),
    "nausea": fr("nausée", "nausées", "vomissements", "envie de vomir", "nauséeux", "nauséeuse"),
    "numbness": fr("engourdissement", "engourdissements", "engourdi", "engourdie", "picotements", "fourmillements",
                   "l'engourdissement"),
    "a rash": fr("éruption cutanée", "démangeaisons", "rougeurs"),
    "fever or flu-like symptoms": fr("fièvre", "frissons", "symptômes grippaux"),
    "weight gain": fr("prise de poids", "perte de poids", "prendre du poids", "engraisser"),
    "memory problems": fr("perte de mémoire", "trous de mémoire", "problèmes de mémoire"),
    "double vision": fr("vision double", "vision dédoublée", "je vois double"),
    "sleep problems": fr("insomnie", "troubles du sommeil", "problèmes de sommeil", "l'insomnie"),
    "a crooked smile": fr("sourire croche", "sourire asymétrique", "asymétrie"),
    "eye twitching": fr("tic à l'œil", "tic à l'oeil", "tics à l'œil", "paupière qui tressaute",
                        "tressautement de la paupière", "blépharospasme"),
    "a drooping eyebrow": fr("sourcil tombant", "sourcils tombants", "sourcil qui tombe", "sourcils qui tombent",
                             "chute du sourcil", "chute des sourcils", "sourcils lourds"),
    "whiplash": fr("coup du lapin", "entorse cervicale"),
    "restless legs": fr("impatiences dans les jambes",),
    "bladder problems": fr("vessie hyperactive", "incontinence urinaire", "problèmes de vessie"),
    "a sore throat": fr("mal de gorge", "mal à la gorge", "maux de gorge", "gorge irritée", "douleur à la gorge"),
    "a cough": fr("je tousse",),
    "hoarseness": fr("enrouement", "l'enrouement"),
    "trouble chewing": fr("difficulté à mâcher", "difficultés à mâcher", "du mal à mâcher", "difficulté à mastiquer",
                          "problèmes de mastication"),
    "drooling": fr("je bave", "bave"),
    "watery eyes": fr("larmoiement", "yeux larmoyants"),
    "bone loss": fr("perte osseuse", "perte d'os", "perte de densité osseuse", "résorption osseuse"),
    "muscle loss": fr("atrophie musculaire", "perte musculaire", "atrophie", "l'atrophie"),
    "jaw clicking": fr("mâchoire qui craque", "craquement de la mâchoire", "craquements de la mâchoire",
                       "mâchoire qui claque", "claquement de la mâchoire"),
    "breakouts": fr("poussées d'acné", "boutons d'acné"),
    # Not "rosacée": without its accent the speller would read the name "Rosalie" as it.
    "rosacea": fr("couperose",),
    "scars": fr("cicatrice", "cicatrices", "cicatrices d'acné"),
}

# How French replies name a term: the French page's own wording (docs/fr/clinic-page.fr.txt) for
# the page's terms, with the article a French sentence needs ("La page nomme {condition} parmi ...").
# A term missing here is named in English, as stored.
FRENCH_NAMES: dict[str, str] = {
    "migraines": "les migraines",
    "tension headaches": "les céphalées de tension",
    "chronic headaches": "les maux de tête chroniques",
    "jaw pain": "la douleur à la mâchoire",
    "oral-facial pain": "la douleur bucco-faciale",
    "muscular pain from grinding and clenching": "la douleur musculaire due au grincement et au serrement des dents",
    "muscle weakness": "la faiblesse musculaire",
    "an allergic reaction": "une réaction allergique",
    "minor spread of toxin effects": "une légère propagation des effets de la toxine",
    "temporary dry mouth": "la sécheresse temporaire de la bouche",
    "minor and temporary discomfort or pain at the injection site":
        "l'inconfort ou la douleur légers et temporaires au point d'injection",
    "temporary fatigue": "la fatigue temporaire",
    "headache": "le mal de tête",
    "neck pain": "la douleur au cou",
    "blurred vision": "la vision trouble",
    "eyelid droop": "l'affaissement de la paupière",
    "dry eyes": "la sécheresse des yeux",
    "TMJ": "les troubles de l'ATM",
    "TMD": "la dysfonction temporo-mandibulaire",
    "lockjaw": "le trismus (mâchoire bloquée)",
    "trigeminal neuralgia": "la névralgie du trijumeau",
    "Bell's palsy": "la paralysie de Bell",
    "cluster headaches": "les céphalées en grappe",
    "sinus pain": "la douleur aux sinus",
    "tinnitus": "les acouphènes",
    "ear pain": "le mal d'oreille",
    "fibromyalgia": "la fibromyalgie",
    "sleep apnea": "l'apnée du sommeil",
    "back pain": "le mal de dos",
    "arthritis": "l'arthrite",
    "excessive sweating": "la transpiration excessive",
    "depression or anxiety": "la dépression ou l'anxiété",
    "toothache": "le mal de dents",
    "dizziness": "les étourdissements",
    "muscle spasms": "les spasmes musculaires",
    "bruising": "les ecchymoses (bleus)",
    "swelling": "l'enflure",
    "hair loss": "la perte de cheveux",
    "nausea": "la nausée",
    "numbness": "l'engourdissement",
    "a rash": "une éruption cutanée",
    "fever or flu-like symptoms": "la fièvre ou des symptômes grippaux",
    "infection": "une infection",
    "weight gain": "la prise de poids",
    "memory problems": "les problèmes de mémoire",
    "double vision": "la vision double",
    "sleep problems": "les troubles du sommeil",
    "a crooked smile": "un sourire asymétrique",
    "eye twitching": "les tics de la paupière",
    "a drooping eyebrow": "un sourcil tombant",
    "whiplash": "le coup du lapin",
    "restless legs": "le syndrome des jambes sans repos",
    "bladder problems": "les problèmes de vessie",
    "a sore throat": "le mal de gorge",
    "a cough": "la toux",
    "hoarseness": "la voix rauque",
    "trouble chewing": "la difficulté à mâcher",
    "drooling": "le fait de baver",
    "watery eyes": "les yeux larmoyants",
    "bone loss": "la perte osseuse",
    "muscle loss": "l'atrophie musculaire",
    "jaw clicking": "le craquement de la mâchoire",
    "breakouts": "l'acné",
    "rosacea": "la rosacée",
    "scars": "les cicatrices",
}


def name_in(language: str | None, canonical_name: str) -> str:
    """A term's name as a reply in `language` says it (the canonical English name otherwise)."""
    if language == "fr":
        return FRENCH_NAMES.get(canonical_name, canonical_name)
    return canonical_name


# What patients ask about that the page does not name: the bot says so, lists what the page does
# name, and offers the team, instead of mapping it to a near term ("lockjaw" is not "jaw pain").
UNLISTED: tuple[Term, ...] = tuple(
    Term(UNLISTED_LABEL, name, phrases + _UNLISTED_FR.get(name, ()))
    for name, phrases in (
        ("TMJ", ("tmj", "tmj pain", "tmj disorder", "tmj disorders", "temporomandibular joint", "tmj dysfunction")),
        ("TMD", ("tmd",)),
        ("lockjaw", ("lockjaw", "lock jaw", "locked jaw", "jaw locking", "jaw locks")),
        ("trigeminal neuralgia", ("trigeminal neuralgia", "neuralgia", "trigeminal")),
        ("Bell's palsy", ("bell's palsy", "bells palsy", "bell palsy")),
        ("cluster headaches", ("cluster headache", "cluster headaches")),
        ("sinus pain", ("sinus", "sinus pain", "sinuses", "sinusitis", "sinus headache", "sinus headaches")),
        ("tinnitus", ("tinnitus", "ringing in my ears", "ringing ears", "ear ringing", "ringing in the ears",
                      "ringing in ears", "ears ringing", "buzzing in my ears")),
        ("ear pain", ("ear pain", "earache", "earaches", "ear ache", "ear aches", "sore ear", "sore ears")),
        ("fibromyalgia", ("fibromyalgia", "fibro")),
        ("sleep apnea", ("sleep apnea", "sleep apnoea", "snoring", "snore", "snores")),
        ("back pain", ("back pain", "lower back pain", "sore back", "backache", "backaches", "back ache")),
        ("arthritis", ("arthritis",)),
        ("excessive sweating", ("sweating", "hyperhidrosis", "excessive sweating", "sweaty")),
        ("depression or anxiety", ("depression", "anxiety", "anxiety attack", "anxiety attacks", "panic attack",
                                   "panic attacks")),
        ("toothache", ("toothache", "tooth pain", "tooth ache", "toothaches")),
        ("dizziness", ("dizziness", "dizzy", "vertigo", "lightheaded", "light headed", "light-headed",
                       "dizzy spells")),
        ("muscle spasms", ("spasms", "muscle spasms", "twitching", "tics", "cramps", "muscle cramps", "cramping",
                           "facial spasms", "face twitching")),
        ("bruising", ("bruising", "bruise", "bruises", "bruised")),
        ("swelling", ("swelling", "swollen", "puffiness", "puffy")),
        ("hair loss", ("hair loss", "losing hair", "hair falling out", "hairloss", "losing my hair")),
        ("nausea", ("nausea", "nauseous", "vomiting", "throwing up", "nauseated", "queasy")),
        ("numbness", ("numbness", "numb", "tingling", "tingly", "pins and needles")),
        ("a rash", ("rash", "itching", "itchy", "itchiness")),
        ("fever or flu-like symptoms", ("fever", "flu like symptoms", "flu-like symptoms", "flu symptoms", "chills")),
        ("infection", ("infection", "infections")),
        ("weight gain", ("weight gain", "gain weight", "weight loss")),
        ("memory problems", ("memory loss", "memory problems", "forgetful")),
        ("double vision", ("double vision", "seeing double")),
        ("sleep problems", ("insomnia", "trouble sleeping", "sleeplessness", "sleep issues")),
        ("a crooked smile", ("crooked smile", "uneven smile", "lopsided smile", "asymmetry")),
        # Not the page's eyelid droop, dry eyes or muscle weakness, and nothing cosmetic (the page
        # speaks of wrinkles), nor the medical or nerve conditions its safety section asks about.
        ("eye twitching", ("eye twitching", "eye twitch", "eye twitches", "twitching eye", "twitchy eye",
                           "eyelid twitching", "eyelid twitch", "twitching eyelid", "blepharospasm")),
        ("a drooping eyebrow", ("drooping eyebrow", "drooping eyebrows", "droopy eyebrow", "droopy eyebrows",
                                "eyebrow droop", "eyebrow drooping", "brow droop", "droopy brow", "drooping brow",
                                "heavy brow", "heavy brows", "heavy eyebrows", "dropped eyebrow")),
        ("whiplash", ("whiplash", "whip lash")),
        ("restless legs", ("restless legs", "restless leg", "restless leg syndrome", "restless legs syndrome")),
        ("bladder problems", ("overactive bladder", "bladder problems", "bladder issues", "urinary incontinence",
                              "bladder leakage", "leaky bladder")),
        ("a sore throat", ("sore throat", "throat pain", "scratchy throat")),
        ("a cough", ("cough", "coughing", "coughs")),
        ("hoarseness", ("hoarse", "hoarseness")),
        ("trouble chewing", ("trouble chewing", "difficulty chewing", "problems chewing",
                             "chewing problems", "chewing difficulty", "chewing difficulties")),
        ("drooling", ("drooling", "drool")),
        ("watery eyes", ("watery eyes", "watery eye", "watering eyes", "teary eyes", "eyes watering")),
        ("bone loss", ("bone loss", "jaw bone loss", "jawbone loss", "bone density loss", "losing bone")),
        ("muscle loss", ("muscle loss", "muscle atrophy", "muscle wasting", "atrophy", "losing muscle",
                         "muscle shrinking")),
        ("jaw clicking", ("jaw clicking", "clicking jaw", "jaw clicks", "jaw click", "jaw popping", "popping jaw",
                          "jaw pops", "clicking in my jaw", "popping in my jaw")),
        # Not the word "acne" (nor "acné"), even as a name: the speller would then read "Anne" as it.
        ("breakouts", ("breakouts", "zits")),
        ("rosacea", ("rosacea",)),
        ("scars", ("scar", "scars", "scarring")),
    )
)

BODY_AREAS: tuple[Term, ...] = (
    Term("body_area", "face", ("face", "facial") + fr("visage", "faciale", "faciaux")),
    Term("body_area", "head", ("head", "temples", "forehead") + fr("tête", "tempes")),
    Term("body_area", "jaw", ("jaw", "jaws", "jaw muscles", "masseter")
         + fr("mâchoire", "mâchoires", "muscles de la mâchoire", "masséter")),
    Term("body_area", "shoulders", ("shoulder", "shoulders", "neck and shoulders")
         + fr("épaule", "épaules", "cou et épaules")),
)

ALL_TERMS: tuple[Term, ...] = CONDITIONS + SIDE_EFFECTS + UNLISTED + BODY_AREAS

# Rasa's entity extractor passes only these on; body areas still help the ruler resolve overlaps.
EXTRACTED_LABELS = (CONDITION, SIDE_EFFECT, UNLISTED_LABEL)


def split_phrase(phrase: str) -> list[str]:
    """A phrase's tokens by spaces and hyphens, lower-cased."""
    return phrase.lower().replace("-", " - ").split()


def ruler_patterns(
    terms: Iterable[Term] = ALL_TERMS, tokens: Callable[[str], list[str]] = split_phrase
) -> list[dict[str, object]]:
    """Entity-ruler patterns, matched on the normalizer's forms (bot/nlp/normalize.py), so "TMJ",
    "tmj" and "migrane" find their term.

    `tokens` gives a phrase's token norms; the pipeline passes its own tokenizer and normalizer
    (bot/nlp/build.py), so a phrase is matched as a message holding it is read: "l'injection" or
    "musculaire" (which the speller reads as "muscular") are then found."""
    patterns: list[dict[str, object]] = []
    for term in terms:
        for phrase in term.phrases:
            patterns.append(
                {"label": term.label, "pattern": [{"NORM": t} for t in tokens(phrase)], "id": term.canonical}
            )
    return patterns


def edit_distance(a: str, b: str, limit: int) -> int:
    """Damerau-Levenshtein distance (adjacent swaps count once), stopping early past `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: Optional[list[int]] = None
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if previous2 is not None and i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]



def canonical_near(label: str, mention: str) -> str | None:
    """The page's wording for a misspelt mention ("tinitus", "trigeminal neuraliga"): a phrase with
    as many words, each word within the speller's distance (one edit up to six letters, two
    beyond) and with the same first letter. For the action server, which has no spaCy pipeline:
    the entity ruler matched the corrected words, but the entity's value is the text as typed."""
    words = unaccented(" ".join(mention.lower().split())).split()
    if not words:
        return None
    for term in ALL_TERMS:
        if term.label != label:
            continue
        for phrase in term.phrases:
            candidate = unaccented(phrase.lower()).split()
            if len(candidate) == len(words) and all(
                    w[0] == c[0] and edit_distance(w, c, 1 if len(c) <= 6 else 2) <= (1 if len(c) <= 6 else 2)
                    for w, c in zip(words, candidate, strict=True)):
                return term.canonical
    return None


def canonical(label: str, mention: str) -> str | None:
    """The page's wording for what a patient wrote, or None when the mention is unknown."""
    needle = " ".join(mention.lower().replace("-", " - ").split())
    # A French mention with some of its accents left out ("machoire douloureuse") is still the phrase.
    needles = {needle, unaccented(needle)}
    for term in ALL_TERMS:
        if term.label != label:
            continue
        phrases = {" ".join(p.replace("-", " - ").split()) for p in term.phrases}
        if needle == term.canonical.lower() or needles & phrases:
            return term.canonical
    return None
