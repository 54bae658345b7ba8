"""How patients type, made readable for the classifier: a spaCy component of the project's pipeline.

For every token it sets `norm_` (what the entity ruler matches) and `lemma_` (what Rasa's count
featurizers read) to a cleaned-up form:
- SMS shorthand and common misspellings of short words ("u", "pls", "b4", "wut", "sde");
- emoji: a few that carry meaning become a word ("😣" -> "pain", "💉" -> "injection"), the rest
  are dropped from the features;
- misspellings of the clinic's own vocabulary ("migrane", "clenchng", "efects", "botx"): a token
  that is neither a known English word nor clinic vocabulary is corrected to the closest clinic
  word within one edit (two for long words), and only when that word is unambiguous;
- ALL CAPS: lemmas are looked up from the lower-cased word, so "SIDE EFFECTS" and "side effects"
  give the same features.
It runs on training data and on patients' messages alike, so both are seen the same way. The
patient's text itself is never changed: what is stored and shown to staff is what they typed.
"""


import re
import unicodedata
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any, Optional

from spacy.language import Language
from spacy.tokens import Doc

from bot.nlp.vocabulary import ALL_TERMS, edit_distance

FACTORY = "clinic_normalizer"

# Shorthand and short misspellings: too short for edit distance to be safe, so listed.
SHORTHAND: dict[str, str] = {
    "u": "you", "ya": "you", "yu": "you", "ur": "your", "youre": "you are", "r": "are", "pls": "please",
    "plz": "please", "pleas": "please", "thx": "thanks", "thnx": "thanks", "ty": "thank you", "tx": "thanks",
    "b4": "before", "bc": "because", "cuz": "because", "coz": "because", "w/": "with", "w": "with",
    "w/o": "without", "wo": "without", "abt": "about", "bout": "about", "wut": "what", "wat": "what",
    "wht": "what", "whta": "what", "waht": "what", "hw": "how", "hou": "how", "whn": "when", "y": "why",
    "sde": "side", "sid": "side", "efx": "effects", "fx": "effects", "dr": "doctor", "doc": "doctor",
    "dentst": "dentist", "ppl": "people", "im": "i am", "ive": "i have", "idk": "i do not know",
    "dont": "do not", "doesnt": "does not", "cant": "can not", "isnt": "is not", "wont": "will not",
    "whats": "what is", "thats": "that is", "meds": "medications", "med": "medication", "preg": "pregnant",
    "appt": "appointment", "consult": "consultation", "info": "information", "n": "and", "&": "and",
    "+": "and", "k": "ok", "kk": "ok", "okay": "ok", "yep": "yes", "yup": "yes", "ya'll": "you",
    "nope": "no", "nah": "no", "2": "to", "4": "for", "gonna": "going to", "wanna": "want to",
    "sb": "somebody", "smth": "something", "sth": "something", "rn": "right now", "asap": "soon",
    "tmrw": "tomorrow", "bcuz": "because", "hv": "have", "hav": "have", "bot0x": "botox", "btx": "botox",
    "boto": "botox", "botex": "botox", "botax": "botox", "botux": "botox",
}

# Emoji with a meaning patients rely on; every other pictograph is dropped from the features.
EMOJI_WORDS: dict[str, str] = {
    "😣": "pain", "😖": "pain", "😫": "pain", "😩": "pain", "🤕": "pain", "😭": "pain", "😢": "pain",
    "😵": "pain", "🥴": "pain", "💉": "injection", "🤰": "pregnant", "🤱": "breastfeeding",
    "👋": "hello", "🙏": "please", "👍": "ok", "👌": "ok", "😴": "tired", "🥱": "tired",
    "🦷": "tooth", "👁": "eye", "👀": "eye", "💊": "medication", "🤔": "question", "❓": "question", "❔": "question",
    "☎": "phone", "📞": "phone", "📱": "phone", "🚑": "emergency", "🆘": "emergency",
}

# Words the patients of this clinic ask about, beyond the vocabulary's phrases: the targets of
# spelling correction (never corrected *to* a word outside this list).
CLINIC_WORDS: tuple[str, ...] = (
    "botox", "therapeutic", "therapy", "treatment", "treatments", "treat", "injection", "injections", "inject",
    "migraine", "migraines", "headache", "headaches", "tension", "chronic", "clenching", "grinding", "clench",
    "grind", "bruxism", "jaw", "facial", "oral", "pain", "muscle", "muscles", "relax", "relaxes", "relief",
    "side", "effects", "effect", "safety", "safe", "risks", "pregnant", "pregnancy", "surgery", "surgeries",
    "medication", "medications", "medicine", "medical", "condition", "conditions", "nerve", "weakness",
    "allergic", "allergy", "reaction", "eyelid", "droop", "drooping", "droopy", "blurred", "blurry",
    "vision", "fatigue", "tired", "neck", "dry", "mouth", "eyes", "doctor", "walters", "barton", "dentist",
    "dental", "dentists", "experience", "training", "trained", "certified", "association", "associations",
    "member", "membership", "institute", "consultation", "appointment", "book", "booking", "schedule",
    "approved", "approval", "health", "canada", "cosmetic", "wrinkles", "clostridium", "botulinum",
    "ingredient", "ingredients", "effective", "work", "works", "candidate", "eligible", "motto",
    "question", "questions", "please", "thanks", "hello", "what", "about", "because", "before",
    "receptionist", "someone", "person", "human", "emergency", "breathing", "swallowing", "speaking",
    "lou", "gehrig", "gehrig's", "temporary", "temples", "shoulders", "forehead", "people",
)
# Common first names and surnames (English and French Canadian): patients type their name in the
# screening, and a name is never a misspelling ("james" is one edit from the French "jambes", and
# "James Young" was read as an emergency). Words under four letters are never corrected anyway.
# Not "walter": a patient writing "dr walter" means Dr. Walters.
PERSON_NAMES: frozenset[str] = frozenset("""
aaron adam adrian aidan alan albert alex alexander alexandre alexis alice alicia alison amanda amber amelia amy
andre andrea andrew angela anna anne annie anthony antoine arthur ashley audrey austin barbara benjamin benoit
bernard beth betty beverly bill billy blake bonnie brandon brenda brian brittany bruce bryan caleb camille
carl carla carol caroline carolyn catherine charles charlie charlotte chloe chris christian christina christine
christopher claire claude colin connor craig cynthia daniel danielle david dawn dean debbie deborah denis denise
dennis derek diana diane donald donna doris dorothy douglas dylan edward elaine eleanor elijah elizabeth ella
ellen emily emma eric erica erin ethan eugene evelyn felix fernand florence frances francis francois frank
gabriel gabrielle gary genevieve george gerald gilles gloria grace greg gregory guy hannah harold harry hayden
heather helen helene henry holly hugo isaac isabelle jack jackson jacob jacqueline jacques james jamie janet
janice jason jean jeanne jeffrey jennifer jeremy jerry jesse jessica joan joanne jocelyn joel john johnny jonathan
jordan joseph joshua joyce judith judy julia julian julie justin karen katherine kathleen kathryn katie keith
kelly kenneth kevin kimberly kyle larry laura lauren laurent leah leo leon linda lisa logan lois louis louise
lucas lucie lucy luke lynn madeleine madison manon marc marcel margaret maria marie marilyn mario mark martha
martin mary mathieu matthew maurice megan melanie melissa michael michel michelle mike monique nancy natalie
nathalie nathan nicholas nicole noah norman olivia oliver pamela pascal patricia patrick paul paula peter
philip philippe pierre rachel ralph randy raymond rebecca regis rene richard robert robin roger ronald rose
russell ruth ryan samantha samuel sandra sara sarah scott sean sebastien serge sharon shirley simon sophie
stephanie stephen steve steven susan sylvie tammy teresa terry theresa thomas timothy tina todd tyler valerie
vanessa victor victoria vincent virginia wayne william yves zachary
anderson baker bell bennett boucher brown bouchard campbell carter clark collins cote davis dubois edwards evans
fortin gagnon gauthier gagne girard green hall harris hill jackson johnson jones king lavoie leblanc lee
lefebvre lewis martin miller mitchell moore morin morris murphy nelson ouellet parker pelletier phillips
poirier roberts robinson roy scott smith stewart taylor thompson tremblay turner walker white williams wilson
wright young
""".split())

_TOKEN_SPLIT = re.compile(r"[\s\-]+")
_WORD = re.compile(r"^[a-z][a-z']+$")


def _is_pictograph(text: str) -> bool:
    return bool(text) and all(unicodedata.category(ch) in ("So", "Sk", "Mn", "Cf") or ch == "\ufe0f" for ch in text)


def clinic_lexicon(extra: Iterable[str] = CLINIC_WORDS) -> frozenset[str]:
    """Every word of the vocabulary's phrases and canonical values, plus `extra`."""
    words = set(extra)
    for term in ALL_TERMS:
        for phrase in (term.canonical, *term.phrases):
            words.update(w for w in _TOKEN_SPLIT.split(phrase.lower()) if _WORD.match(w))
    return frozenset(w for w in words if len(w) >= 3)


class Speller:
    """Corrects unknown words to the clinic's vocabulary; known English words are left alone."""

    def __init__(self, lexicon: frozenset[str], known: Callable[[str], bool]) -> None:
        self.lexicon = lexicon
        self.known = known
        self._by_first: dict[str, list[str]] = {}
        for word in lexicon:
            self._by_first.setdefault(word[0], []).append(word)
        self.correct = lru_cache(maxsize=20000)(self._correct)

    def _correct(self, word: str) -> str:
        if len(word) < 4 or word in self.lexicon or self.known(word) or not _WORD.match(word):
            return word
        limit = 1 if len(word) <= 6 else 2
        # Patients rarely get a word's first letter wrong; looking only there keeps this fast
        # and avoids far-fetched corrections.
        best: list[tuple[int, str]] = []
        for candidate in self._by_first.get(word[0], ()):
            distance = edit_distance(word, candidate, limit)
            if distance <= limit:
                best.append((distance, candidate))
        if not best:
            return word
        best.sort()
        if len(best) > 1 and best[0][0] == best[1][0] and best[0][1] != best[1][1]:
            # Two equally close words ("clench" / "clenched"?): pick the one sharing more of the
            # word's end, else leave it.
            tied = [c for d, c in best if d == best[0][0]]
            tied.sort(key=lambda c: -_common_suffix(c, word))
            if _common_suffix(tied[0], word) == _common_suffix(tied[1], word):
                return word
            return tied[0]
        return best[0][1]


def _common_suffix(a: str, b: str) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[-1 - n] == b[-1 - n]:
        n += 1
    return n


def normal_form(text: str, speller: Speller) -> Optional[str]:
    """The cleaned-up form of one token, or None when it is unchanged apart from case."""
    lowered = text.lower().replace("’", "'")
    if lowered in SHORTHAND:
        return SHORTHAND[lowered]
    stripped = lowered.replace("\ufe0f", "")
    if stripped in EMOJI_WORDS:
        return EMOJI_WORDS[stripped]
    if _is_pictograph(text):
        return ""
    # Letters repeated for emphasis ("pleeease", "sooo") are squeezed to two before spelling.
    squeezed = re.sub(r"(.)\1{2,}", r"\1\1", lowered)
    corrected = speller.correct(squeezed)
    return corrected if corrected != lowered else None


class ClinicNormalizer:
    """The spaCy component; reads the lemmatizer's lookup table for the known-word list."""

    def __init__(self, nlp: Language, name: str = FACTORY) -> None:
        self.nlp = nlp
        self.name = name
        self._speller: Optional[Speller] = None
        self._lemmas: Any = {}

    def _setup(self) -> "Speller":
        # Built on first use: when the pipeline is loaded from disk the lemmatizer's tables
        # arrive after this component is constructed.
        if self._speller is None:
            # spaCy keeps the table's keys as hashes: a word is known when it is a key (an
            # inflected form) or a value (a lemma).
            table = self.nlp.get_pipe("lemmatizer").lookups.get_table("lemma_lookup")
            lemmas = frozenset(str(v).lower() for v in table.values())
            self._lemmas = table
            self._speller = Speller(clinic_lexicon(),
                                    lambda word: word in table or word in lemmas or word in PERSON_NAMES)
        return self._speller

    def lemma(self, word: str) -> str:
        """A lower-cased lemma for every word of `word` (shorthand can expand to several)."""
        return " ".join(str(self._lemmas.get(w, w)) for w in word.split())

    def __call__(self, doc: Doc) -> Doc:
        speller = self._setup()
        for token in doc:
            form = normal_form(token.text, speller)
            if form is None:
                lowered = token.text.lower()
                if token.text != lowered:
                    token.lemma_ = self.lemma(lowered)
                continue
            if form == "":
                # Dropped from the features; Rasa needs a non-empty lemma, so punctuation-like.
                token.lemma_ = "."
                token.norm_ = "."
                continue
            token.norm_ = form
            token.lemma_ = self.lemma(form)
        return doc


@Language.factory(FACTORY)
def make_clinic_normalizer(nlp: Language, name: str) -> ClinicNormalizer:
    return ClinicNormalizer(nlp, name)
