"""Pure parsers for what patients type during the consultation form.

Every function takes the raw message and returns a code or a record; the bot's wording
lives in the domain and the actions, never here. Nothing in this module logs its input.

English and French are read alike: every phrase list holds both languages, and French is matched
with or without its accents ("arrêter" and "arreter", "peut-être" and "peut etre"), because
patients on a phone keyboard often leave them out. What is kept is always what was typed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from re import Pattern
from typing import Optional

import phonenumbers
from email_validator import EmailNotValidError, validate_email

__all__ = [
    "ContactDetail",
    "EmailResult",
    "Medications",
    "PhoneResult",
    "YesNo",
    "is_agreement",
    "is_cancel_phrase",
    "is_discard_request",
    "is_non_answer",
    "looks_like_question",
    "message_in_request",
    "parse_contact_detail",
    "parse_contact_method",
    "parse_email",
    "parse_field_name",
    "parse_full_name",
    "parse_medications",
    "parse_no_phone",
    "parse_phone",
    "parse_switch_choice",
    "parse_yes_no",
    "reason_in_request",
    "wants_person",
    "wants_to_send",
]

# --------------------------------------------------------------------------- shared text helpers

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u00b4": "'"})

# Only emoji with an unambiguous answer are read; every other symbol is dropped.
_EMOJI_WORDS: dict[str, str] = {
    "\U0001F44D": " yes ",  # thumbs up
    "\U0001F44C": " yes ",  # OK hand
    "\u2705": " yes ",  # check mark button
    "\u2714": " yes ",  # heavy check mark
    "\u2611": " yes ",  # ballot box with check
    "\U0001F44E": " no ",  # thumbs down
    "\u274C": " no ",  # cross mark
    "\u2716": " no ",  # heavy multiplication x
    "\U0001F6AB": " no ",  # prohibited
    "\U0001F937": " not sure ",  # shrug
}


def _display(text: Optional[str], spell_emoji: bool = True) -> str:
    """The message as a person would read it: emoji answers spelled out, symbols gone, spaces collapsed."""
    if not text:
        return ""
    value = unicodedata.normalize("NFC", text).translate(_APOSTROPHES)
    if spell_emoji:
        for emoji, word in _EMOJI_WORDS.items():
            value = value.replace(emoji, word)
    # Skin-tone modifiers, variation selectors and joiners survive the mapping above as stray marks.
    value = "".join(
        ch for ch in value
        if unicodedata.category(ch) not in {"So", "Sk", "Cf", "Co", "Cs"} and ch not in "\ufe0e\ufe0f"
    )
    return re.sub(r"\s+", " ", value).strip()


def _fold(text: str) -> str:
    """The text without accents, one character for one, so a match's positions in the folded text
    are its positions in the text as typed ("peut-être" -> "peut-etre")."""
    return "".join(_fold_char(ch) for ch in text)


def _fold_char(ch: str) -> str:
    if ch.isascii():
        return ch
    base = unicodedata.normalize("NFD", ch)
    return base[0] if len(base) > 1 and all(unicodedata.combining(c) for c in base[1:]) else ch


def _norm(text: Optional[str]) -> str:
    """Lower-case words and apostrophes only, without accents, for whole-message comparisons."""
    value = _fold(_display(text).casefold())
    value = re.sub(r"[^\w'\s]|_", " ", value)
    value = re.sub(r"(?<!\w)'|'(?!\w)", " ", value)  # quotes, not apostrophes inside words
    return re.sub(r"\s+", " ", value).strip()


def _phrase_pattern(phrase: str) -> str:
    """Regex for a phrase written plainly: apostrophes optional, any run of spaces between words."""
    words = [re.escape(word).replace("'", "'?") for word in phrase.split()]
    return r"\s+".join(words)


def _alternation(phrases: tuple[str, ...]) -> str:
    # Longest first so "not sure" wins over "not", "no idea" over "no".
    ordered = sorted(set(phrases), key=len, reverse=True)
    return "|".join(_phrase_pattern(p) for p in ordered)


# --------------------------------------------------------------------------- cancel

_CANCEL_CORE = (
    "stop", "stop it", "stop this", "stop now", "cancel", "cancel that", "cancel it", "cancel this",
    "never mind", "nevermind", "nvm", "forget it", "forget about it", "forget that", "quit", "exit",
    "i don't want to continue", "i do not want to continue", "i don't want to do this",
    "i want to stop", "i want to cancel", "i want to quit",
    "start over", "start again", "restart", "begin again",
    # French, written without accents (the message is folded first); "laisse faire" is Canadian
    # French for "never mind", "arret" the carriers' French STOP.
    "arrete", "arretez", "arreter", "arret", "arrete ca", "arretez ca", "arrete tout", "arreter tout",
    "arrete les questions", "arretez les questions", "j'arrete", "on arrete", "stop ca",
    "annule", "annulez", "annuler", "annule ca", "annulez ca", "annule tout", "annuler tout",
    "annuler la demande", "annule la demande", "laisse faire", "laissez faire", "laisse tomber",
    "laissez tomber", "oublie ca", "oubliez ca", "oublie", "oubliez", "quitter", "quitte",
    "je veux arreter", "je veux tout arreter", "je veux annuler", "je veux quitter", "je veux en rester la",
    "je ne veux pas continuer", "je veux pas continuer", "je ne veux plus continuer", "je veux plus continuer",
    "je veux pu continuer", "je ne veux plus", "je veux plus", "je veux pu", "ca suffit",
    "recommencer", "recommence", "recommencons", "on recommence", "reprendre du debut",
    "recommencer du debut", "on recommence a zero", "recommencer a zero",
)
_CANCEL_RE: Pattern[str] = re.compile(
    r"^(?:(?:ok|okay|actually|just|please|no|oh|um|uh|hmm|non|bon|euh|finalement|en fait|svp)\s+)*"
    rf"(?:{_alternation(_CANCEL_CORE)})"
    r"(?:\s+(?:please|thanks|thank you|now|then|svp|stp|s'il vous plait|s'il te plait|merci|maintenant"
    r"|tout de suite|la))*$"
)


def is_cancel_phrase(text: str) -> bool:
    """True when the whole message asks to stop or restart the form.

    Matching the whole message keeps "stop the pain" or "I stopped taking advil" as answers.
    """
    return bool(_CANCEL_RE.match(_norm(text)))


# --------------------------------------------------------------------------- agreement

# Replies to "Is that okay?" and "Shall I send this?" that are not a plain yes, including
# "no problem", which the yes/no reader would rightly take as a "no" anywhere else.
_AGREEMENT_CORE = (
    "ok", "okay", "k", "kk", "okie dokie", "alright", "all right", "fine", "that's fine", "that is fine",
    "that's ok", "that's okay", "go ahead", "go for it", "sounds good", "sure thing", "no problem",
    "no problem at all", "no problemo", "no worries", "of course", "please do", "let's do it",
    "let's go", "continue", "proceed", "send it", "send", "submit", "submit it", "looks good",
    "looks right", "all good", "that's right", "that's correct", "correct", "perfect", "d'accord",
    # French, without accents; in Canadian French "c'est correct" and "c'est beau" mean "that's fine".
    "dac", "dacc", "d'acc", "oke", "c'est correct", "cest correct", "c'est beau", "cest beau", "c'est bon",
    "cest bon", "c'est parfait", "parfait", "ca marche", "ca me va", "ca va", "pas de probleme", "pas de souci",
    "pas de soucis", "aucun probleme", "aucun souci", "bien sur", "entendu", "vas y", "allez y", "allons y",
    "go", "on y va", "continue", "continuer", "on continue", "continuons", "envoie", "envoyez", "envoie le",
    "envoyez le", "envoie la", "envoyez la", "envoyer", "tu peux envoyer", "vous pouvez envoyer", "soumettre",
    "c'est exact", "exact", "tout est beau", "tout est correct", "tout est bon", "tout est parfait",
)
_AGREEMENT_RE: Pattern[str] = re.compile(
    r"^(?:(?:yes|yeah|yep|ok|okay|sure|oh|um|uh|so|oui|ouais|bon|ben|alors|euh|ah)\s+)*"
    rf"(?:{_alternation(_AGREEMENT_CORE)})"
    r"(?:\s+(?:please|thanks|thank you|then|now|merci|svp|stp|s'il vous plait|s'il te plait|alors))*$"
)


def is_agreement(text: str) -> bool:
    """True when the whole message agrees to go on (or to send) without saying "yes"."""
    return bool(_AGREEMENT_RE.match(_norm(text)))


# --------------------------------------------------------------------------- yes / no


@dataclass(frozen=True)
class YesNo:
    answer: str  # "yes" | "no" | "unsure"
    detail: str = ""  # what the patient added after the answer, in their own words

    @property
    def text(self) -> str:
        """The answer as staff read it in the summary."""
        return self.answer if not self.detail else f"{self.answer} — {self.detail}"


# Answer words that may be followed directly by more words: "yes I had jaw surgery".
_LEADING_WORDS: dict[str, tuple[str, ...]] = {
    "yes": (
        "yes", "yeah", "yea", "yep", "yup", "ya", "yah", "y", "sure", "correct", "definitely",
        "absolutely", "of course", "sure thing", "affirmative", "that's right", "that's correct", "oui",
        # French, written without accents (matched on the folded text)
        "ouais", "ouaip", "ouep", "ouin", "oui oui", "bien sur", "certainement", "absolument", "exact",
        "exactement", "c'est ca", "c'est exact", "effectivement", "tout a fait", "en effet", "affirmatif",
        "oui c'est ca", "oui en effet", "oui j'en ai", "oui j'en prends",
    ),
    "no": (
        "no", "nope", "nah", "n", "never", "none", "negative", "non", "not at all", "not really",
        "definitely not", "absolutely not", "of course not", "certainly not", "not that i know of",
        "not that i'm aware of", "not to my knowledge", "i don't think so", "i do not think so",
        "no i haven't", "no i have not", "no i don't", "no i'm not", "no never",
        # French: « aucun », « rien », « jamais » answer a screening question with no.
        "nan", "nenon", "non non", "non merci", "aucun", "aucune", "aucunement", "rien", "rien du tout",
        "jamais", "non jamais", "pas du tout", "pas vraiment", "absolument pas", "certainement pas",
        "bien sur que non", "pas que je sache", "pas a ma connaissance", "je ne pense pas", "je pense pas",
        "j'pense pas", "je ne crois pas", "je crois pas", "j'crois pas", "non aucun", "non aucune", "non rien",
        "pantoute", "pas pantoute", "je pense que non", "je crois que non",
    ),
    "unsure": (
        "not sure", "i'm not sure", "i am not sure", "im not sure", "not certain", "i'm not certain",
        "maybe", "possibly", "perhaps", "unsure", "i'm unsure", "i don't know", "i do not know",
        "don't know", "idk", "dunno", "no idea", "i have no idea", "i don't remember",
        "i do not remember", "i can't remember", "i don't recall", "can't remember", "yes and no",
        "kind of", "sort of", "kinda", "i think so",
        # French: peut-être, je ne sais pas, and their SMS forms ("jsp", "chais pas", "p-e").
        "peut-etre", "peut etre", "peutetre", "ptetre", "pt-etre", "p-e", "ptet", "possiblement",
        "je ne sais pas", "je sais pas", "j'sais pas", "jsais pas", "jsp", "chais pas", "chai pas",
        "sais pas", "je ne sais plus", "je sais plus", "aucune idee", "j'en ai aucune idee",
        "j'ai aucune idee", "je n'ai aucune idee", "pas sur", "pas sure", "pas certain", "pas certaine",
        "je ne suis pas sur", "je ne suis pas sure", "je suis pas sur", "je suis pas sure",
        "j'suis pas sur", "j'suis pas sure", "jsuis pas sur", "jsuis pas sure", "chu pas sur", "chu pas sure",
        "je ne suis pas certain", "je ne suis pas certaine", "je suis pas certain", "je suis pas certaine",
        "je ne me souviens pas", "je me souviens pas", "je m'en souviens pas", "je ne m'en souviens pas",
        "je ne me rappelle pas", "je me rappelle pas", "je m'en rappelle pas", "je me souviens plus",
        "je me rappelle plus", "oui et non", "un peu", "genre", "je pense que oui", "je crois que oui",
        "probablement", "je pense", "je crois", "je sais pas trop", "je ne sais pas trop", "pas trop sur",
        "pas trop sure", "pas mal sur", "pas mal sure",
    ),
    # Opening words of a non-answer; listed so they beat the shorter "i don't" / "no".
    "none": (
        "i don't understand", "i do not understand", "i don't get it", "i don't get what",
        "i'm not following", "i'm confused", "i don't want", "i do not want", "i'm not comfortable",
        "i'd rather not", "no comment", "never mind", "i'm not going to",
        "je ne comprends pas", "je comprends pas", "j'comprends pas", "jcomprends pas", "je ne veux pas",
        "je veux pas", "j'veux pas", "jveux pas", "je prefere ne pas", "je prefere pas", "j'aime mieux pas",
        "pas de commentaire", "laisse faire", "laissez faire",
    ),
}

# A sentence about oneself that opens with a negation answers the screening question:
# "I haven't had surgery", "I'm not pregnant". The non-answers among such openings are in "none".
_NEGATIVE_CLAUSES: tuple[str, ...] = (
    "i'm not", "i am not", "i don't", "i do not", "i haven't", "i have not", "i've not", "i've never",
    "i have never", "i never", "i didn't", "i did not", "i wasn't", "i was not",
    # French: "je ne suis pas enceinte", "j'ai jamais eu de chirurgie", "je n'ai pas de faiblesse".
    "je ne", "je n'ai", "je n'en", "je n'y", "je n'etais", "je n'avais", "j'ai pas", "j'ai jamais",
    "j'ai aucun", "j'ai aucune", "j'ai rien", "je suis pas", "j'suis pas", "jsuis pas", "chu pas",
    "j'etais pas", "j'avais pas", "j'en ai pas", "j'en prends pas",
)

# Generic affirmative forms count only on their own ("I do", "I have, twice"): followed by more
# words they start a statement ("I'm a man", "I have a question") that this parser does not guess.
_AFFIRMATIVE_FORMS: tuple[str, ...] = (
    "i am", "i'm", "i do", "i have", "i've", "i did", "i was",
    "je suis", "j'ai", "j'en ai", "j'en prends", "c'est le cas",
)

_SEPARATOR = r"[\s,.;:!?\-\u2013\u2014\u2026/]"
_FILLER = (
    "please", "thanks", "thank you", "thx", "ty", "merci", "lol", "haha", "ok", "okay",
    "svp", "stp", "s'il vous plait", "s'il te plait", "merci beaucoup", "mci", "d'accord",
)
_FILLER_RE: Pattern[str] = re.compile(rf"^(?:(?:{_alternation(_FILLER)})\W*)+$", re.IGNORECASE)


def _build_yes_no_patterns() -> list[tuple[Pattern[str], str, bool]]:
    """(pattern, answer, opens_sentence) for each answer form; the longest match wins."""
    patterns: list[tuple[Pattern[str], str, bool]] = []
    # A hyphen is not an end: "non-smoker" is not "non".
    word_end = r"(?=$|[\s,.;:!?\u2013\u2014\u2026)])"
    for answer, phrases in _LEADING_WORDS.items():
        patterns.append((re.compile(rf"^(?:{_alternation(phrases)}){word_end}", re.IGNORECASE), answer, False))
    patterns.append((re.compile(rf"^(?:{_alternation(_NEGATIVE_CLAUSES)}){word_end}", re.IGNORECASE), "no", True))
    alone = rf"(?=\s*(?:$|[,.;:!\-\u2013\u2014\u2026]|(?:{_alternation(_FILLER)})\W*$))"
    patterns.append((re.compile(rf"^(?:{_alternation(_AFFIRMATIVE_FORMS)}){alone}", re.IGNORECASE), "yes", False))
    return patterns


_YES_NO_PATTERNS = _build_yes_no_patterns()

# Stretched words ("yesss", "noooo", "yeahhh") are the same answer.
_STRETCHED: tuple[tuple[Pattern[str], str], ...] = (
    (re.compile(r"^ye+s+(?=\W|$)", re.IGNORECASE), "yes"),
    (re.compile(r"^ye+a+h+(?=\W|$)", re.IGNORECASE), "yeah"),
    (re.compile(r"^no{2,}(?=\W|$)", re.IGNORECASE), "no"),
    (re.compile(r"^no+pe+(?=\W|$)", re.IGNORECASE), "nope"),
    (re.compile(r"^na+h+(?=\W|$)", re.IGNORECASE), "nah"),
    (re.compile(r"^ou+i+(?=\W|$)", re.IGNORECASE), "oui"),
    (re.compile(r"^no+n+(?=\W|$)", re.IGNORECASE), "non"),
)


def _trim_detail(value: str) -> str:
    value = re.sub(rf"^{_SEPARATOR}+", "", value)
    return re.sub(r"[\s,.;:!\-\u2013\u2014]+$", "", value)


def parse_yes_no(text: str) -> Optional[YesNo]:
    """Read a yes / no / unsure answer and keep whatever the patient added as detail.

    Only an explicit answer counts: a message that merely states a fact ("12 weeks",
    "I'm pregnant") returns None so the bot asks again instead of guessing. Generic forms
    "I am" / "I do" / "I have" are yes only on their own or before punctuation ("I do, 12 weeks");
    an opening negation about oneself ("I haven't had surgery") is no, with the sentence kept
    as detail. Cancel phrases ("never mind") are not answers.
    """
    shown = _display(text)
    if not shown or is_cancel_phrase(shown):
        return None
    for stretched, plain in _STRETCHED:
        shown = stretched.sub(plain, shown, count=1)

    # French is matched without its accents; `folded` has the same length, so `end` holds for both.
    folded = _fold(shown)
    best: Optional[tuple[int, str, bool]] = None
    for pattern, answer, opens_sentence in _YES_NO_PATTERNS:
        match = pattern.match(folded)
        if match and (best is None or match.end() > best[0]):
            best = (match.end(), answer, opens_sentence)
    if best is None:
        return None
    end, answer, opens_sentence = best
    if answer == "none":
        return None

    rest = shown[end:]
    if opens_sentence and re.match(r"\s+\w", rest):
        # The negation opens a sentence; the whole sentence is the patient's detail.
        return YesNo(answer, _trim_detail(shown))
    rest = _trim_detail(rest)
    if not rest or _FILLER_RE.match(_fold(rest)):
        return YesNo(answer, "")
    echo = parse_yes_no(rest)
    # "No, I haven't" or "yes yes" repeat the answer without adding anything.
    if echo is not None and echo.answer == answer and not echo.detail:
        return YesNo(answer, "")
    return YesNo(answer, rest)


# --------------------------------------------------------------------------- phone


@dataclass(frozen=True)
class PhoneResult:
    e164: Optional[str]  # "+16135550123" when valid
    reason: Optional[str]  # None when valid; too_short | too_long | not_a_number | invalid | not_north_american
    # Digits of the number without country code, trunk "1" or extension; every digit typed
    # when phonenumbers cannot read the number at all.
    digits: int
    extension: Optional[str] = None  # "45" from "613-555-0123 ext 45"

    @property
    def display(self) -> Optional[str]:
        """The number as staff dial it: E.164, then the extension if one was given."""
        if self.e164 is None:
            return None
        return f"{self.e164} ext. {self.extension}" if self.extension else self.e164


_EXTENSION_RE: Pattern[str] = re.compile(
    r"(?:,\s*)?(?:\b(?:ext(?:ension)?|poste)\b\.?|(?<![a-z])x)\s*(\d{1,7})\b", re.IGNORECASE
)
_NUMBER_RUN_RE: Pattern[str] = re.compile(r"\+?\(?\d(?:[\d\s().\-/]*\d)?")

_TOO_SHORT_REASONS = {
    phonenumbers.ValidationResult.TOO_SHORT,
    phonenumbers.ValidationResult.IS_POSSIBLE_LOCAL_ONLY,  # seven digits without an area code
}


def parse_phone(text: str, region: str = "CA") -> PhoneResult:
    """Read a Canadian or US phone number in any common formatting.

    An extension ("ext 4", "x12") is kept apart in `extension`: without it staff would reach a
    switchboard (PhoneResult.display writes both).
    When the message holds several digit runs ("I'm 45, it's 613 722 1234") the longest is the
    number. Valid numbers outside country code +1 are refused with "not_north_american"
    because the clinic only calls Canadian and US numbers; +1 Caribbean numbers are accepted.
    """
    shown = _display(text)
    extension_match = _EXTENSION_RE.search(shown)
    extension = extension_match.group(1) if extension_match else None
    without_ext = _EXTENSION_RE.sub(" ", shown)
    runs = _NUMBER_RUN_RE.findall(without_ext)
    if not runs:
        return PhoneResult(None, "not_a_number", 0)
    candidate = max(runs, key=lambda run: sum(ch.isdigit() for ch in run))
    typed_digits = sum(ch.isdigit() for ch in candidate)

    if (
        not candidate.lstrip("(").startswith("+")
        and phonenumbers.country_code_for_region(region) == 1
        and typed_digits == 10
        and re.match(r"\(?1\)?(?:\D|$)", candidate)
    ):
        # "1-613-555-012": the "1" written apart is the trunk prefix, so a digit is missing.
        return PhoneResult(None, "too_short", 9)

    try:
        number = phonenumbers.parse(candidate, region)
    except phonenumbers.NumberParseException as exc:
        if exc.error_type == phonenumbers.NumberParseException.TOO_LONG:
            return PhoneResult(None, "too_long", typed_digits)
        if exc.error_type in (
            phonenumbers.NumberParseException.TOO_SHORT_NSN,
            phonenumbers.NumberParseException.TOO_SHORT_AFTER_IDD,
        ):
            return PhoneResult(None, "too_short", typed_digits)
        return PhoneResult(None, "invalid", typed_digits)

    digits = len(phonenumbers.national_significant_number(number))
    possible = phonenumbers.is_possible_number_with_reason(number)
    if possible in _TOO_SHORT_REASONS:
        return PhoneResult(None, "too_short", digits)
    if possible == phonenumbers.ValidationResult.TOO_LONG:
        return PhoneResult(None, "too_long", digits)
    if not phonenumbers.is_valid_number(number):
        return PhoneResult(None, "invalid", digits)
    if number.country_code != 1:
        return PhoneResult(None, "not_north_american", digits)
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return PhoneResult(e164, None, digits, extension)


# --------------------------------------------------------------------------- email


@dataclass(frozen=True)
class EmailResult:
    value: Optional[str]  # normalised address when valid
    skipped: bool  # the patient chose not to give one
    reason: Optional[str]  # None when valid or skipped; otherwise "invalid"


_EMAIL_SKIP_RE: Pattern[str] = re.compile(
    r"^(?:(?:no|nope|nah|sorry|ok|okay|non|nan|desole|desolee)\s+)*(?:"
    + _alternation((
        "skip", "skip it", "skip this", "skip that", "none", "no email", "no e mail", "n a", "na",
        "i don't have one", "i do not have one", "don't have one", "i don't have an email",
        "i don't have email", "i do not have an email", "i don't have an e mail", "no email address",
        "i have no email", "i don't use email", "i'd rather not", "rather not", "prefer not",
        "i prefer not to", "i'd prefer not to", "pass", "not now", "no thanks", "no thank you",
        # French, without accents
        "passer", "je passe", "on passe", "aucun", "aucune", "pas de courriel", "pas de email", "pas d'email",
        "pas de e mail", "pas de mail", "pas d'adresse", "pas d'adresse courriel", "je n'ai pas d'adresse",
        "j'ai pas d'adresse", "je n'ai pas d'adresse courriel", "j'ai pas d'adresse courriel", "j'en ai pas", "je n'en ai pas",
        "j'ai pas de courriel", "je n'ai pas de courriel", "j'ai pas d'email", "je n'ai pas d'email",
        "j'ai pas de email", "je n'ai pas de e mail", "pas besoin", "pas maintenant", "non merci",
        "je prefere pas", "je prefere ne pas", "j'aime mieux pas", "je ne veux pas", "je veux pas",
    ))
    + r")(?:\s+(?:please|thanks|thank you|sorry|merci|svp|desole|desolee))*$"
)
_EMAIL_TOKEN_RE: Pattern[str] = re.compile(r"[^\s<>()\[\],;:\"]*@[^\s<>()\[\],;:\"]*")


def parse_email(text: str) -> EmailResult:
    """Read an email address from the message, or the patient's choice to skip it.

    The address is picked out of surrounding words ("it's jane@x.ca thanks") and validated
    without a DNS lookup, so the form never waits on the network.
    """
    shown = _display(text)
    if "@" not in shown:
        refused = parse_yes_no(shown)
        if _EMAIL_SKIP_RE.match(_norm(shown)) or (refused and refused.answer == "no" and not refused.detail):
            return EmailResult(None, True, None)
        return EmailResult(None, False, "invalid")

    # Spaces around the @ are a typing slip, not a second token.
    joined = re.sub(r"\s*@\s*", "@", shown)
    for token in _EMAIL_TOKEN_RE.findall(joined):
        address = token.strip(".!?'")
        try:
            valid = validate_email(address, check_deliverability=False)
        except EmailNotValidError:
            continue
        return EmailResult(valid.normalized, False, None)
    return EmailResult(None, False, "invalid")


# --------------------------------------------------------------------------- medications


@dataclass(frozen=True)
class Medications:
    none: bool  # the patient takes nothing
    text: str  # "none", "not sure", or the patient's list as typed


_FR_MEDS = r"(?:medicaments?|medications?|medicines?|pilules?|prescriptions?|meds?|remedes?|produits? naturels?)"
_NO_MEDS_RE: Pattern[str] = re.compile(
    r"^(?:(?:no|nope|nah|non|nan)\s+)?(?:i\s+)?"
    r"(?:"
    r"none|nothing|nada|zero|n a|na"
    # French, folded: "aucun", "rien", "aucun médicament", "je ne prends rien", "j'en prends pas"
    rf"|aucun|aucune|rien|rien du tout|pas de {_FR_MEDS}|aucun {_FR_MEDS}|aucune {_FR_MEDS}"
    r"|(?:je |j')?(?:ne |n')?(?:en )?(?:prends|prend|consomme)\s+"
    rf"(?:rien|aucun|aucune|aucun {_FR_MEDS}|aucune {_FR_MEDS}|pas|pas de {_FR_MEDS}|pas rien|jamais rien)"
    r"|no (?:meds|medications?|medicines?|drugs|pills|prescriptions?)"
    r"|(?:i'?m |i am )?not (?:taking|on) (?:anything|any(?:thing)?(?: meds| medications?| medicines?| drugs| pills)?)"
    r"|(?:don'?t|do not) (?:take|use|have) (?:anything|any(?: meds| medications?| medicines?| drugs| pills)?)"
    r"|(?:take|use) nothing"
    r"|no i (?:don'?t|do not)"
    r")"
    r"(?:\s+(?:at all|right now|currently|at the moment|for now|regularly"
    r"|du tout|en ce moment|presentement|actuellement|pour l'instant|pour le moment|de facon reguliere))*"
    r"(?:\s+(?:thanks|thank you|merci))?$"
)
_UNSURE_MEDS_RE: Pattern[str] = re.compile(
    r"^(?:i'?m |i am )?(?:not sure|unsure|not certain|idk|dunno|i don'?t know|i do not know|don'?t know"
    r"|i don'?t remember|i can'?t remember|can'?t remember|no idea|i have no idea)$"
)
# Whole words only: "huh" inside a medicine's name ("crhuhaovqosb 20 mg") is not confusion.
_CONFUSED_RE: Pattern[str] = re.compile(
    r"\b(?:what (?:do )?you mean|(?:don'?t|do not) understand|what does that mean|huh"
    r"|comprends pas|pas compris|veut dire quoi|ca veut dire|c'?est quoi|c quoi)\b"
    r"|^(?:what|sorry|pardon|quoi|hein|comment|desolee?)$"
)


def parse_medications(text: str) -> Optional[Medications]:
    """Read the answer to "which medications do you take?".

    Returns Medications(True, "none") for a refusal of any medication, Medications(False, "not sure")
    when the patient does not know (staff will ask at the call), Medications(False, their words)
    for anything that names something, and None for empty, punctuation-only, confused or question
    messages, and for a bare "yes" that names nothing, so the bot asks again.
    """
    shown = _display(text)
    words = _norm(shown)
    if sum(ch.isalpha() for ch in words) < 2:
        return None
    if _CONFUSED_RE.search(words) or looks_like_question(shown):
        return None
    if _NO_MEDS_RE.match(words):
        return Medications(True, "none")
    if _UNSURE_MEDS_RE.match(words):
        return Medications(False, "not sure")

    answer = parse_yes_no(shown)
    if answer is not None:
        if answer.answer == "no" and (not answer.detail or _NO_MEDS_RE.match(_norm(answer.detail))):
            return Medications(True, "none")
        if answer.answer == "yes":
            # A bare yes names nothing staff can act on; "yes, metoprolol" names it.
            return Medications(False, answer.detail) if answer.detail else None
        if answer.answer == "unsure" and not answer.detail:
            return Medications(False, "not sure")
    # Staff read the list as typed; a thumbs-up in it is not a medication.
    return Medications(False, _trim_detail(_display(text, spell_emoji=False)).rstrip("?").strip())


# --------------------------------------------------------------------------- contact method

_NEGATED_METHOD_RE: Pattern[str] = re.compile(
    r"\b(?:not|no|don'?t|do not|never|without)\s+(?:by\s+|an?\s+|me\s+)?"
    r"(?:e ?mail|emails|text|texts|texting|sms|txt|call|calls|calling|phone|phone calls?)\b"
    # French, folded: "pas d'appel", "pas par texto", "ne m'appelez pas", "appelle-moi pas"
    r"|\b(?:pas|jamais|sans|aucun)\s+(?:de\s+|d'|par\s+|un\s+|une\s+)?"
    r"(?:courriels?|e ?mails?|textos?|textes?|messages? textes?|sms|appels?|telephone)\b"
    r"|\b(?:m')?(?:appelle|appelez|appeler|texte|textez|ecris|ecrivez)(?:\s+moi)?\s+(?:pas|jamais)\b"
)
_METHOD_PATTERNS: tuple[tuple[str, Pattern[str]], ...] = (
    ("email", re.compile(r"\b(?:e ?mail|emails|emailing|courriel|courriels|par mail|ecrivez moi|ecris moi)\b")),
    ("text", re.compile(
        r"\b(?:text|texts|texting|text message|sms|txt|message me|texto|textos|texte|textez|texter"
        r"|message texte|messages textes|par message)\b")),
    ("phone", re.compile(
        r"\b(?:call|calls|calling|phone call|ring|telephone|voice|voicemail|appel|appels|appelez|appelle|appeler"
        r"|m'appeler|m'appelez|m'appelle|par telephone|boite vocale)\b")),
)
# "Phone", "cell" name the device: "text my cell" is a text, "phone" alone is a call.
_DEVICE_RE: Pattern[str] = re.compile(r"\b(?:phone|cell|cellphone|cell phone|mobile|cellulaire|portable)\b")


def parse_contact_method(text: str) -> Optional[str]:
    """Return "phone", "text" or "email" when the message names exactly one way to reach the patient.

    Negated methods ("don't call, text me") are ignored; two methods ("call or text") return None
    so the bot asks which one.
    """
    words = _NEGATED_METHOD_RE.sub(" ", _norm(text))
    found = {method for method, pattern in _METHOD_PATTERNS if pattern.search(words)}
    if not found and _DEVICE_RE.search(words):
        found = {"phone"}
    return found.pop() if len(found) == 1 else None


# --------------------------------------------------------------------------- full name

_NAME_LEAD_IN_RE: Pattern[str] = re.compile(
    r"^(?:(?:hi|hello|hey|bonjour|allo|allô|salut|ok|okay|sure|yes|oui|d'accord)\b[\s,.!]*)*"
    r"(?:(?:(?:my\s+(?:full\s+)?name\s+is|my\s+name's|name\s+is|it\s+is|it's"
    r"|i'm|i\s+am|this\s+is|call\s+me"
    # French: "je m'appelle", "mon nom (complet) est / c'est", "moi c'est", "c'est", "je suis"
    r"|je\s+m'appelle|jm'appelle|mon\s+nom(?:\s+complet)?(?:\s+est|,?\s+c'est|\s+c\s+)?|moi,?\s+c'est"
    r"|c'est|je\s+suis|ici)(?![\w'])|(?:full\s+)?name\s*:|nom(?:\s+complet)?\s*:)[\s:,]*)?",
    re.IGNORECASE,
)
_NAME_TRAILER_RE: Pattern[str] = re.compile(
    r"[\s,.!]+(?:thanks|thank you|thx|merci|merci beaucoup|svp|s'il vous pla[iî]t)[\s.!]*$", re.IGNORECASE
)
_NAME_ALLOWED_RE: Pattern[str] = re.compile(r"^[^\W\d_]+(?:[ '\-.]+[^\W\d_]+)*\.?$")
# Words no name is made of; they mean the patient answered something else.
_NOT_NAME_WORDS: frozenset[str] = frozenset({
    "yes", "yeah", "yep", "no", "nope", "nah", "ok", "okay", "stop", "cancel", "quit", "skip", "none",
    "hi", "hello", "hey", "thanks", "why", "what", "how", "sure", "maybe", "idk", "help", "name",
    "i", "me", "my", "you", "your", "want", "don't", "dont", "not", "is", "am", "are", "the",
    "please", "and", "or", "test", "anonymous", "unknown", "n/a", "na", "nevermind", "later",
    # French
    "oui", "ouais", "non", "nan", "arrête", "arrete", "annuler", "annule", "aucun", "aucune", "rien",
    "pourquoi", "quoi", "comment", "salut", "bonjour", "merci", "je", "moi", "mon", "nom", "pas", "veux",
    "svp", "stp", "peut-être", "jsp", "aide", "inconnu", "anonyme", "plus", "tard",
})
_PARTICLES: frozenset[str] = frozenset({
    "de", "la", "le", "du", "des", "van", "von", "der", "den", "da", "di", "del", "della", "dos",
    "das", "ter", "ten", "y", "bin", "ibn", "al", "el",
})


def _capitalise_part(part: str) -> str:
    # O'Neil, D'Angelo: a one-letter prefix before the apostrophe is an elided particle.
    if len(part) > 2 and part[1] == "'":
        return part[0].upper() + "'" + part[2].upper() + part[3:].lower()
    if part.lower().startswith("mc") and len(part) > 3:
        return "Mc" + part[2].upper() + part[3:].lower()
    return part[:1].upper() + part[1:].lower()


def _title_name(name: str) -> str:
    words = name.split(" ")
    out: list[str] = []
    for index, word in enumerate(words):
        if index > 0 and word.lower() in _PARTICLES:
            out.append(word.lower())
        else:
            out.append("-".join(_capitalise_part(piece) for piece in word.split("-")))
    return " ".join(out)


def parse_full_name(text: str) -> Optional[str]:
    """Read the patient's name, without lead-ins like "my name is".

    One word is accepted because some people give a single name. Case is fixed only when the
    whole name is lower- or upper-case ("jane doe" -> "Jane Doe"); mixed case is the patient's
    own spelling and is kept. Returns None for digits, an @, fewer than two letters, more than
    80 characters, anything but letters, spaces, hyphens, apostrophes and periods, and for
    answers or commands ("no", "stop", "I don't want to").
    """
    shown = _display(text)
    if not shown or "@" in shown or any(ch.isdigit() for ch in shown):
        return None
    name = _NAME_LEAD_IN_RE.sub("", shown, count=1)
    name = _NAME_TRAILER_RE.sub("", name)
    name = re.sub(r"\s*-\s*", "-", name)  # "Marie - Eve" is one hyphenated name
    name = name.strip(" \t,;:!?\"'-")
    name = re.sub(r"\.$", "", name) if not re.search(r"\b\w\.$", name) else name

    letters = sum(ch.isalpha() for ch in name)
    if letters < 2 or len(name) > 80 or not _NAME_ALLOWED_RE.match(name):
        return None
    lowered = [word.strip(".").lower() for word in name.split()]
    if any(word in _NOT_NAME_WORDS for word in lowered):
        return None
    if is_cancel_phrase(name):
        return None
    answer = parse_yes_no(name)
    if answer is not None and not answer.detail:
        return None

    alpha = "".join(ch for ch in name if ch.isalpha())
    if alpha == alpha.lower() or alpha == alpha.upper():
        name = _title_name(name)
    return name


# --------------------------------------------------------------------------- field to correct

# Checked in order: the first slot whose cue appears wins, so specific cues come first
# ("best time to call" is the time, not the method; "how to reach me" is the method, not the phone).
_FIELD_CUES: tuple[tuple[str, Pattern[str]], ...] = (
    ("contact_time", re.compile(
        r"\b(?:time|times|when to (?:call|reach|contact|text)|when you (?:call|reach|contact)|availability"
        r"|available|morning|mornings|afternoon|afternoons|evening|evenings|hour|hours"
        r"|heure|heures|moment|quand|disponibilite|disponibilites|disponible|matin|apres midi|soir|soiree)\b")),
    ("contact_method", re.compile(
        r"\b(?:how (?:to|you|you'?ll|you should|should you|can you) (?:reach|contact|get in touch)"
        r"|reach me|contact (?:method|preference|me)|preferred (?:contact|method)|method|prefer|rather"
        r"|instead|by (?:phone|text|email|e-mail|call|sms)|call or text|text or call|phone call"
        r"|text message|way to contact"
        r"|me joindre|me rejoindre|me contacter|methode|facon de|moyen de|plutot|par (?:telephone|texto|courriel|appel)"
        r"|appel ou texto|texto ou appel)\b")),
    ("email", re.compile(r"\b(?:e-?\s?mail|courriel|address|adresse)\b")),
    ("phone", re.compile(r"\b(?:phone|number|cell|mobile|telephone|tel|numero|cellulaire)\b")),
    ("full_name", re.compile(r"\b(?:name|surname|spelling|spelled|spelt|nom|prenom|orthographe)\b")),
    ("pregnancy", re.compile(
        r"\b(?:pregnan\w*|breast ?feeding|breast-feeding|nursing|expecting|enceinte|grossesse|allaite\w*)\b")),
    ("nerve_condition", re.compile(
        r"\b(?:als|nerve|nerves|neuromuscular|neurological|myasthenia|gravis|lambert|eaton|gehrig'?s?"
        r"|sla|nerf|nerfs|nerveuse|nerveux|neuromusculaire|neurologique|myasthenie)\b")),
    ("facial_weakness", re.compile(
        r"\b(?:weak|weakness|droop\w*|palsy|facial|paralysis|faiblesse|faible|paralysie|tombant\w*)\b")),
    ("surgery", re.compile(
        r"\b(?:surgery|surgeries|surgical|operation|operations|operated|chirurgie|chirurgies|opere|operee)\b")),
    ("other_conditions", re.compile(
        r"\b(?:other (?:condition|conditions|health|medical|illness|illnesses|issues|problems)"
        r"|conditions?|health|medical history|illness|illnesses"
        r"|autres? (?:conditions?|problemes?|maladies?)|sante|maladies?|antecedents)\b")),
    ("medications", re.compile(
        r"\b(?:meds?|medications?|medicines?|drugs?|pills?|prescriptions?|medicaments?|pilules?)\b")),
    ("reason", re.compile(
        r"\b(?:reason|reasons|why|coming|come in|what for|visit|concern|concerns|symptoms?|botox"
        r"|treatment|tmj|jaw|migraines?|headaches?|grinding|clenching|bruxism|pain"
        r"|raison|motif|pourquoi|symptomes?|traitement|machoire|maux de tete|douleurs?|grincement|serrement"
        r"|bruxisme|atm)\b")),
)


def parse_field_name(text: str) -> Optional[str]:
    """Name the slot a patient wants to correct at the summary ("my phone number is wrong" -> "phone")."""
    words = _norm(text)
    for slot, cue in _FIELD_CUES:
        if cue.search(words):
            return slot
    return None


# --------------------------------------------------------------------------- questions

_QUESTION_STARTERS: frozenset[str] = frozenset({
    "what", "why", "how", "when", "where", "who", "whom", "whose", "which",
    "is", "are", "does", "do", "did", "can", "could", "will", "would", "should", "may",
    # French (folded): "est-ce que", "qu'est-ce", "pouvez-vous", "combien". Not "peut" ("peut-être")
    # nor "ou" ("or"): they open answers.
    "pourquoi", "comment", "quand", "qui", "quel", "quelle", "quels", "quelles", "combien", "quoi",
    "est", "estce", "qu'est", "quest", "pouvez", "pourriez", "peux", "puis", "dois", "devrais", "faut",
    "avez", "es", "etes", "y'a", "pk", "pq", "cmt",
})
_WH_WORDS: frozenset[str] = frozenset({
    "what", "why", "how", "when", "where", "who", "whom", "whose", "which",
    "pourquoi", "comment", "quand", "qui", "quel", "quelle", "quels", "quelles", "combien", "quoi",
})
_SUBJECTS: frozenset[str] = frozenset({
    "i", "i'm", "i've", "i'd", "my", "we", "he", "she", "they", "it's",
    "je", "j'ai", "j'etais", "j'avais", "mon", "ma", "mes", "on", "il", "elle", "c'etait", "nous",
})
# "C'est quoi ...", "c quoi ...": the question comes after its subject in spoken French.
_FRENCH_QUESTION_RE: Pattern[str] = re.compile(r"\b(?:c'?est|c|cest|ca veut dire) quoi\b|\best ce que\b|\bqu'?est ce\b")
_CLAUSE_FILLER: frozenset[str] = frozenset({
    "and", "but", "so", "ok", "okay", "also", "um", "uh", "oh", "well", "hi", "hello", "hey", "sorry",
    "then", "just", "yes", "no", "thanks",
    "mais", "et", "pis", "puis", "alors", "donc", "bon", "ben", "euh", "oui", "non", "merci", "aussi", "desole",
    "desolee", "allo", "bonjour", "salut", "pardon",
})


def looks_like_question(text: str) -> bool:
    """True when the patient is asking something rather than answering.

    A message counts when it has at least three words and either starts with a wh-word or an
    auxiliary ("does it hurt") or holds a clause that does and ends with "?" ("ok but is it safe?").
    Short messages like "advil?" are answers with a doubtful tone, not questions, and so is a
    wh-word straight before a subject without "?" ("when I was 20").
    """
    shown = _fold(_display(text).casefold())
    words = re.findall(r"[\w']+", shown)
    if len(words) < 3:
        return False
    if _FRENCH_QUESTION_RE.search(" ".join(words)):
        return True
    if words[0] in _QUESTION_STARTERS:
        # "when I was 20", "what I take is advil": a wh-word before a subject opens an answer.
        is_answer_clause = words[0] in _WH_WORDS and words[1] in _SUBJECTS and "?" not in shown
        if not is_answer_clause:
            return True
    for clause in re.findall(r"[^.?!;,]*\?", shown):
        clause_words = re.findall(r"[\w']+", clause)
        while clause_words and clause_words[0] in _CLAUSE_FILLER:
            clause_words.pop(0)
        if clause_words and clause_words[0] in _QUESTION_STARTERS:
            return True
    return False


# --------------------------------------------------------------------------- non-answers

# Whole messages that answer no question: greetings, "are you there?", apologies for a pause,
# "what?", holding words and fillers. "ok" is here too: where it does answer ("Is that okay?",
# "Shall I send this?") the form reads agreement before asking whether a message is a non-answer.
_NON_ANSWER_CORE = (
    # greetings and checking the bot is there
    "hi", "hello", "hey", "hiya", "howdy", "yo", "hi there", "hello there", "hey there", "good morning",
    "good afternoon", "good evening", "bonjour", "are you there", "you there", "still there",
    "are you still there", "anyone there", "is anyone there", "anybody there", "is anybody there",
    # back after a pause, and apologies for it
    "i'm back", "i am back", "back", "back now", "had to step away", "i had to step away", "i stepped away",
    "had to step out", "i had to step out", "i was away", "was away", "got distracted", "i got distracted",
    "got interrupted", "i got interrupted", "was busy", "i was busy", "sorry", "so sorry", "very sorry",
    "sorry about that", "sorry for the delay", "sorry for the wait", "my bad", "oops", "whoops", "apologies",
    "my apologies", "excuse me",
    # holding on
    "wait", "wait a sec", "wait a second", "wait a minute", "one sec", "one second", "one moment",
    "one minute", "just a sec", "just a second", "just a moment", "just a minute", "hold on", "hang on",
    "give me a sec", "give me a second", "give me a minute", "brb", "be right back",
    # not following
    "what", "huh", "eh", "pardon", "pardon me", "come again", "say again", "say that again", "repeat",
    "repeat that", "can you repeat that", "could you repeat that", "repeat the question", "what was the question",
    "what was that", "what did you say", "what did you ask", "what do you mean", "what does that mean",
    "i don't understand", "i do not understand", "i'm confused", "i am confused", "confused",
    "i didn't get that", "i don't get it", "i'm lost", "lost",
    # fillers, and asking to go on (the form is already going on)
    "ok", "okay", "k", "kk", "okie", "alright", "all right", "hmm", "hm", "hmmm", "um", "umm", "uh", "uhh",
    "er", "erm", "ah", "oh", "lol", "haha", "cool", "got it", "i see", "continue", "go on", "let's continue",
    "let's go on", "carry on", "resume", "test", "testing",
    # French, without accents (hyphens are spaces here: "es-tu la" is "es tu la")
    "allo", "salut", "slt", "coucou", "bonsoir", "bon matin", "es tu la", "etes vous la", "t'es la", "tes la",
    "vous etes la", "t'es tu la", "y a quelqu'un", "il y a quelqu'un", "y'a quelqu'un", "quelqu'un",
    "je suis de retour", "de retour", "me revoila", "rebonjour", "desole", "desolee", "dsl", "pardon",
    "excuse moi", "excusez moi", "oups", "attends", "attendez", "une seconde", "une minute", "un instant",
    "un moment", "deux secondes", "2 secondes", "2 sec", "juste une seconde", "minute",
    "quoi", "hein", "comment", "je ne comprends pas", "je comprends pas", "j'comprends pas", "jcomprends pas",
    "je suis mele", "je suis melee", "je suis perdu", "je suis perdue", "pas compris", "j'ai pas compris",
    "je n'ai pas compris", "j'etais occupe", "j'etais occupee", "j'etais partie", "j'etais parti",
    "j'ai du m'absenter", "tu peux repeter", "pouvez vous repeter", "repete", "repetez", "quelle etait la question",
    "c'etait quoi la question", "ca veut dire quoi", "qu'est ce que ca veut dire", "euh", "heu", "bah", "ben",
    "bon", "d'accord", "dac", "je vois", "compris", "on continue", "continuer", "continue", "vas y",
)
_NON_ANSWER_RE: Pattern[str] = re.compile(
    rf"^(?:(?:{_alternation(_NON_ANSWER_CORE)})(?:\s+|$))+$"
)


def is_non_answer(text: str) -> bool:
    """True when the whole message answers nothing: "hello?", "sorry, had to step away", "what?", "huh".

    Punctuation and emoji alone count too. A message that adds anything ("sorry, I take advil")
    is not a non-answer.
    """
    words = _norm(text)
    if not words:
        return True
    if len(words.split()) > 12:
        return False
    return bool(_NON_ANSWER_RE.match(words))


# --------------------------------------------------------------------------- asking for a person

_PERSON_RE: Pattern[str] = re.compile(
    r"\b(?:human|humans|real person|actual person|live person|real people|somebody real|someone real"
    r"|receptionist|front desk|operator)\b"
    r"|\b(?:talk|speak|chat)\s+(?:to|with)\s+(?:someone|somebody|a person|a human|staff|the staff|the team"
    r"|the office|the clinic|reception|an agent|a real|dr walters|the doctor|a doctor)\b"
    # French, folded
    r"|\b(?:humain|humaine|vraie personne|vrai monde|receptionniste|la reception)\b"
    r"|\bparler\s+(?:a|avec)\s+(?:quelqu'un|qqn|une personne|un humain|l'equipe|la clinique|la reception"
    r"|un agent|une vraie|le dentiste|le dr|le docteur|le dr walters|dr walters)\b"
)
# "Call me back", "can someone call me", "could the office phone me": a call-back wanted now. At the
# questions about how and when to be contacted, the same words answer the question instead.
_CALL_BACK_RE: Pattern[str] = re.compile(
    r"\b(?:call|phone|ring)\s+me\s+back\b|\bcall ?back\b"
    r"|\b(?:someone|somebody|the office|the clinic|the team|staff|a person|you guys|the front desk)\s+"
    r"(?:(?:can|could|to|please|will|would|should)\s+)?(?:just\s+)?(?:call|phone|ring|contact)\s+me\b"
    # French, folded: "rappelez-moi", "quelqu'un peut m'appeler", "pouvez-vous m'appeler"
    r"|\b(?:rappelez|rappelle|rappeler)\s+moi\b|\b(?:me|m')\s*rappeler\b"
    r"|\b(?:quelqu'un|qqn|la clinique|l'equipe|vous)\s+(?:peut|pourrait|pouvez|pourriez|peux)"
    r"(?:\s+tu|\s+vous)?\s+(?:m'appeler|me telephoner|me contacter|me rappeler)\b"
)
# "Are you a human?" asks what the bot is; it is not a wish to talk to someone.
_ASKS_WHAT_BOT_IS_RE: Pattern[str] = re.compile(
    r"\b(?:are you|are u|r you|r u|ru|is this|is it|am i talking to|am i talking with|am i chatting with)\s+(?:a\s+|an\s+)?"
    r"(?:real\s+|actual\s+|live\s+)?(?:human|person|bot|robot|computer|machine|ai)\b"
    r"|\b(?:es tu|etes vous|t'es|t'es tu|c'est|est ce que c'est|est ce que je parle a|je parle a)\s+"
    r"(?:un\s+|une\s+)?(?:vrai\s+|vraie\s+)?(?:humain|humaine|personne|robot|bot|ordi|ordinateur|machine|ia)\b"
)


def asks_what_bot_is(text: str) -> bool:
    """True for "are you a real person?", "is this a bot", "es-tu un robot"."""
    return bool(_ASKS_WHAT_BOT_IS_RE.search(_norm(text)))


def wants_person(text: str, call_back_counts: bool = True) -> bool:
    """True when the patient asks for a person: "I want a human", "can someone call me?".

    `call_back_counts=False` where "call me ..." answers the question (how or when to be contacted).
    """
    words = _norm(text)
    if not words or _ASKS_WHAT_BOT_IS_RE.search(words):
        return False
    if _PERSON_RE.search(words):
        return True
    return call_back_counts and bool(_CALL_BACK_RE.search(words))


_TO_MESSAGE_RE: Pattern[str] = re.compile(
    r"\b(?:message|messages|switch|instead|human|person|someone|somebody|staff|team|call me|talk"
    r"|plutot|a la place|humain|quelqu'un|qqn|equipe|appelez moi|rappelez moi|parler)\b"
)
_FINISH_RE: Pattern[str] = re.compile(
    r"\b(?:finish|finish it|continue|keep going|go on|carry on|stay|first|complete|go ahead with|this one"
    r"|finir|terminer|termine|continuer|continue|continuons|on continue|d'abord|en premier|completer|finissons)\b"
)


def parse_switch_choice(text: str) -> Optional[str]:
    """The answer to "a short message to the team instead, or finish this first?".

    Returns "switch", "finish", or None when the message chooses neither ("ok", "hmm" or anything else).
    """
    words = _norm(text)
    if not words:
        return None
    to_message = bool(_TO_MESSAGE_RE.search(words))
    finish = bool(_FINISH_RE.search(words))
    if to_message != finish:
        return "switch" if to_message else "finish"
    if to_message:
        return None  # "finish first, then a message": ask again
    answer = parse_yes_no(text)
    if answer is not None and answer.answer == "yes":
        return "switch"
    if answer is not None and answer.answer == "no":
        return "finish"
    return None


# --------------------------------------------------------------------------- discarding at the summary

_DISCARD_RE: Pattern[str] = re.compile(
    r"\b(?:don't|dont|do not|please don't|no need to|not)\s+(?:want\s+(?:you\s+)?to\s+)?(?:send|submit)\b"
    r"|\b(?:don't|dont|do not)\s+(?:want|wish)\s+(?:it|them|this)\s+sent\b"
    r"|\b(?:don't|dont|do not)\s+(?:want\s+to\s+)?go\s+ahead\b"
    r"|\bchanged?\s+my\s+mind\b(?!\s+(?:about|on|regarding|for)\b)"
    r"|\b(?:delete|discard|scrap|bin|trash|drop|erase|withdraw)\s+(?:it|this|that|everything|them|all|my answers"
    r"|the request|my request)\b"
    # French, folded: "ne l'envoyez pas", "n'envoie rien", "j'ai changé d'idée", "effacez tout"
    r"|\b(?:n'|ne\s+(?:l'|les\s+)?|l')?(?:envoie|envoyez|envoyer|envoies|soumets|soumettez)\s+(?:pas|rien|jamais)\b"
    r"|\b(?:ne pas|pas)\s+(?:l'|les\s+)?(?:envoyer|soumettre)\b"
    r"|\bchange\s+d'(?:idee|avis)\b(?!\s+(?:pour|sur|concernant)\b)"
    r"|\b(?:efface|effacez|effacer|supprime|supprimez|supprimer|jette|jetez)\s+(?:le|la|les|ca|tout|mes reponses"
    r"|ma demande|la demande)\b"
)


def wants_to_send(text: str) -> bool:
    """'Send it after all', 'yes send it' while the bot checks a wish not to send."""
    return bool(re.search(r"\b(?:send|submit|envoie|envoyez|envoyer|soumettre|envoie la|envoie le)\b", _norm(text))) and (
        not is_discard_request(text)
    )


def is_discard_request(text: str) -> bool:
    """True when, at the summary, the patient asks not to send it: "don't send it", "I changed my mind".

    "I changed my mind about the phone" names an answer to change instead, and is not a discard.
    """
    return bool(_DISCARD_RE.search(_norm(text)))


# --------------------------------------------------------------------------- no phone

_NO_PHONE_RE: Pattern[str] = re.compile(
    r"\b(?:no|don't have|dont have|do not have|haven't got|have no|without|no longer have|not have)\s+"
    r"(?:a\s+|any\s+|my\s+)?(?:phone|phones|cell|cellphone|cell phone|mobile|telephone|number|phone number)\b"
    r"|\be ?mail\s+(?:me|instead|only|is better|is best|works better|please)\b"
    r"|\b(?:by|via|through|over)\s+e ?mail\b|\b(?:just|only|prefer|rather)\s+(?:by\s+)?e ?mail\b"
    r"|^(?:skip|skip it|skip this|none|n a|na|no|nope|pass|i'd rather not|rather not|prefer not"
    r"|i'd prefer not to|no thanks|no thank you)$"
    # French, folded: "pas de téléphone", "j'ai pas de cell", "par courriel", "non merci"
    r"|\b(?:pas de|pas d'|aucun|sans|j'ai pas de|je n'ai pas de|je n'ai plus de|j'ai plus de|j'ai pu de)\s*"
    r"(?:telephone|tel|cell|cellulaire|portable|numero|numero de telephone)\b"
    r"|\b(?:par|via)\s+(?:courriel|e ?mail|mail)\b|\b(?:courriel|e ?mail)\s+(?:seulement|plutot|svp|s'il vous plait)\b"
    r"|\b(?:plutot|seulement|juste)\s+(?:par\s+)?(?:courriel|e ?mail)\b|\becrivez moi\b|\becris moi\b"
    r"|^(?:passer|je passe|on passe|non|nan|non merci|aucun|je prefere pas|je prefere ne pas|j'aime mieux pas"
    r"|je prefere ne pas le donner)$"
)


def parse_no_phone(text: str) -> bool:
    """True when, asked for a phone number, the patient has none or wants e-mail instead.

    "I don't have a phone", "e-mail me instead", "skip", "no": the form then needs an e-mail address.
    """
    return bool(_NO_PHONE_RE.search(_norm(text)))


# --------------------------------------------------------------------------- phone or e-mail in one answer


@dataclass(frozen=True)
class ContactDetail:
    phone: Optional[str]  # PhoneResult.display when a number was given
    email: Optional[str]  # normalised address when one was given
    phone_reason: Optional[str] = None  # why a number-like answer was refused (PhoneResult.reason)

    @property
    def found(self) -> bool:
        return bool(self.phone or self.email)


def parse_contact_detail(text: str) -> ContactDetail:
    """A phone number or an e-mail address (or both) from one answer: "613 555 0123", "jane@x.ca"."""
    email = parse_email(text).value if "@" in text else None
    without_email = _EMAIL_TOKEN_RE.sub(" ", re.sub(r"\s*@\s*", "@", _display(text))) if email else text
    phone = parse_phone(without_email)
    has_digits = sum(ch.isdigit() for ch in without_email) >= 3
    reason = phone.reason if (phone.e164 is None and has_digits) else None
    return ContactDetail(phone.display, email, reason)


# --------------------------------------------------------------------------- the opening message

# What a reason for coming names: the page's conditions and the words patients use for them.
_REASON_WORDS_RE: Pattern[str] = re.compile(
    r"\b(?:jaw|jaws|tmj|tmd|migraines?|migranes?|headaches?|grinding|grind|clenching|clench|bruxism|pain"
    r"|aches?|aching|sore|soreness|face|facial|temples?|neck|shoulders?|teeth|tension"
    # French, folded
    r"|machoires?|atm|maux de tete|mal de tete|mal a la tete|tete|cephalees?|douleurs?|mal|grincements?|grince"
    r"|serrements?|serre|bruxisme|visage|faciales?|tempes?|cou|epaules?|dents?)\b"
)
_REASON_LEAD_RE: Pattern[str] = re.compile(
    r"\b(?:for|about|because of|regarding|re|with|due to"
    r"|pour|au sujet d(?:e|es|u)|a propos d(?:e|es|u)|à propos d(?:e|es|u)|concernant|a cause d(?:e|es|u)"
    r"|à cause d(?:e|es|u))\s+",
    re.IGNORECASE,
)
_REASON_OPENERS_RE: Pattern[str] = re.compile(
    r"^(?:my|the|a|an|some|these|those|this|bad|chronic|mon|ma|mes|la|le|les|un|une|des|de|du|l')\s*(?<=\s|')",
    re.IGNORECASE,
)


def reason_in_request(text: str) -> Optional[str]:
    """The reason a booking message gives, in the patient's words, or None.

    "I'd like a consult for my jaw" -> "jaw"; "book me in for migraines" -> "migraines". Only a phrase
    after "for", "about", "because of"... that names a condition or a pain counts, so "a consultation
    for next week" gives nothing and the form asks.
    """
    shown = _display(text)
    pieces = _REASON_LEAD_RE.split(shown)[1:]
    for piece in pieces:
        phrase = re.split(
            r"[.?!;,]|\b(?:please|thanks|thank you|asap|svp|stp|merci|s'il vous pla[iî]t)\b",
            piece, maxsplit=1, flags=re.IGNORECASE,
        )[0]
        phrase = phrase.strip()
        while _REASON_OPENERS_RE.match(phrase):
            phrase = _REASON_OPENERS_RE.sub("", phrase, count=1)
        if phrase and _REASON_WORDS_RE.search(_norm(phrase)) and len(phrase) <= 120:
            return phrase
    return None


_REQUEST_WORDS_RE: Pattern[str] = re.compile(
    r"\b(?:appointment|appointments|appt|reschedul\w*|move|change|cancel\w*|book\w*|bill\w*|invoice|receipt"
    r"|insurance|prescription|refill|records?|results?|follow ?up|forms?"
    r"|rendez vous|rdv|deplacer|changer|annuler|reporter|facture|recu|assurances?|dossier|resultats?|suivi"
    r"|formulaires?)\b"
)
_TOPIC_WORDS_RE: Pattern[str] = re.compile(
    r"\b(?:about|regarding|re|question|questions|wondering|because"
    r"|au sujet|concernant|a propos|parce que|pcq|pck|je me demandais)\b"
)
# Words of a bare request for a person; what is left after them is what the message is about.
_REQUEST_FILLER: frozenset[str] = frozenset({
    "can", "could", "would", "will", "please", "pls", "plz", "the", "office", "clinic", "someone", "somebody",
    "anyone", "i", "i'd", "i'm", "want", "need", "like", "to", "a", "an", "me", "you", "your", "just", "hi",
    "hello", "hey", "ok", "okay", "so", "is", "there", "get", "have", "talk", "speak", "with", "call", "phone",
    "ring", "back", "person", "human", "staff", "team", "reception", "receptionist", "front", "desk", "real",
    "already", "patient", "existing", "am", "of", "yours", "here", "one", "do", "it",
    # French, folded
    "svp", "stp", "s'il", "plait", "je", "j'aimerais", "veux", "voudrais", "aimerais", "parler", "avec",
    "quelqu'un", "qqn", "peut", "pouvez", "pourriez", "vous", "tu", "moi", "m'appeler", "rappeler",
    "rappelez", "appelez", "la", "le", "les", "clinique", "bureau", "bonjour", "allo", "salut", "oui", "merci",
    "personne", "humain", "une", "un", "de", "l'equipe", "equipe", "receptionniste", "deja",
    "patiente", "suis", "est", "ce", "que", "qui", "vraie", "ici", "besoin", "j'ai",
})


def message_in_request(text: str, existing_patient: bool = False) -> bool:
    """Whether the message that asked for a person already says what it is about, so the short
    contact request need not ask for it: "can someone call me about the price?", "is it covered by
    insurance? can someone call me", or for an existing patient "I need to move my appointment".
    "Can someone call me?" and "I'm already a patient" say nothing more and return False."""
    words = _norm(text)
    if not words or text.startswith("/"):
        return False
    if _TOPIC_WORDS_RE.search(words):
        return True
    if existing_patient and _REQUEST_WORDS_RE.search(words):
        return True
    rest = _CALL_BACK_RE.sub(" ", _PERSON_RE.sub(" ", words)).split()
    return "?" in text and len([w for w in rest if w not in _REQUEST_FILLER]) >= 2
