"""Pattern safeguards: what must be caught even when the classifier is unsure, in any state.

Three questions about a patient's message, each a pure function:
- `is_emergency`: an urgent symptom (trouble breathing, swallowing or speaking, a severe allergic
  reaction, spreading weakness, chest pain, fainting, heavy bleeding, sight suddenly lost, a few
  universal ones), in English, French or Spanish, and the commonest few in German, Italian, Portuguese;
- `is_crisis`: thoughts of suicide or self-harm, stated directly or indirectly (English, French,
  and the commonest Spanish);
- `describes_symptom_after_treatment`: a symptom the patient has now, after an injection
  (English and French), as opposed to a question about side effects in general.

How a message is read:
- Normalised first: lower case, typographic apostrophes made straight, accents removed ("à
  respirer" and "a respirer" are the same), spaces collapsed, and the commonest phone spellings
  spelt out ("jveux" -> "je veux", SMS "g" -> "j'ai", Quebec "chu" -> "je suis" and "pu" -> "plus",
  but "j'ai pu de" -> "j'ai pas de", a denial, "kiero" -> "quiero"). The patterns are written without accents.
- Cut into clauses at punctuation and at "but / mais / pero", "now / maintenant / ahora" and the
  like: a denial only speaks for its own clause ("never had a reaction before but my throat is
  closing" is an emergency).
- In each clause the denied phrases are blanked out before the symptoms are looked for: a
  negation word, a few filler words, then the thing denied ("no trouble breathing", "je n'ai pas
  de difficulté à respirer", "sin dificultad para tragar"). A symptom's own "no" is not a denial
  ("no puedo respirar", "je ne peux pas avaler"): a denial must name a noun such as trouble,
  difficulty, swelling, never a verb, so "can't", "n'arrive pas à" and "no puedo" stay symptoms.
  Blanking the denied phrase rather than skipping the clause keeps "je ne peux pas avaler sans
  douleur" an emergency. An "or" carries the denial on ("no chest pain or trouble breathing").
  For a symptom after treatment, a French verb's own "ne ... pas" also denies it ("ma paupière ne
  tombe pas", "n'est pas lourde"), but not a change for the worse ("ma vision n'est plus claire").
- For emergencies, a clause is read only up to where it starts asking about a symptom rather
  than telling one: "what should I do if I can't breathe?", "can botox cause trouble
  swallowing?", "est-ce normal d'avoir du mal à avaler ?", "¿qué pasa si se me hincha la cara?";
  and a clause about long ago ("anaphylaxis to peanuts when I was little") is history, not now.
  Every such guard is narrow: "I can't breathe, what do I do if it gets worse?" stays an emergency,
  and outside a question a fear covers only what it names ("j'ai peur que ce soit grave et je
  respire mal" tells a symptom after the "et").
- The dev set tests/bot/safety_phrasings.yml (crisis, emergencies, negatives in three languages,
  typed as on a phone) is run line by line by tests/bot/test_safety_phrasings.py.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from re import Pattern

# --------------------------------------------------------------------------- reading a message


# How French and Spanish are typed on a phone: "jveux", "j'veux", "chu" (Quebec "je suis"), "jai",
# "jetouffe", "kiero". Spelt out so the patterns need only one spelling.
_PHONE_SPELLINGS: tuple[tuple[Pattern[str], str], ...] = (
    (re.compile(r"\bj'?\s?(?=(veux|peux|vais|pense|suis|me|te|fais|sais|crois|voudrais|dois|sens|songe|reve|prefere"
                r"|prefererais|respire|parle)\b)"), "je "),
    (re.compile(r"\bj(?=(ai|en|arrive|etouffe|avale|aimerais|etais|y|ose)\b)"), "j'"),
    # "jveu", "je ve", "je veut": typed "je veux".
    (re.compile(r"\b(je\s+|j'?\s?)(veu|ve|veut)\b"), "je veux"),
    (re.compile(r"\b(je\s+|j'?\s?)(peu|pe|peut)\b"), "je peux"),
    # SMS "g" is "j'ai" ("g du mal a respirer", "g des idees noires").
    (re.compile(r"\bg\s+(?=(du|de|des|un|une|pu|plus|pas|mal|la|le|les|l'|mes|ma|mon|besoin|envie|peur|eu|pris|jamais|aucun|aucune|tout)\b)"),
     "j'ai "),
    (re.compile(r"\b(chu|chui|chuis)\b"), "je suis"),
    (re.compile(r"\b(veux|veut|peux|peut|arrive|sens|suis|est|vais|voudrais|respire|avale|parle|passe|ferme|ouvre|ferment|ouvrent)"
                r"\s+pus?\b"), r"\1 plus"),
    # Quebec "j'ai pu de misère" is "no longer any", a denial like "pas de" (spelt "plus de" it would
    # read as "more trouble"); "j'ai pu le goût", "pu envie" are "plus".
    (re.compile(r"\bai\s+pus?\s+(?=(de|d')(\s|\b))"), "ai pas "),
    (re.compile(r"\bai\s+pus?\s+(?=(le|la|les|l'|envie|aucun|aucune)\b)"), "ai plus "),
    (re.compile(r"\bki(er[eo]s?|siera)\b"), r"qui\1"),
    (re.compile(r"\b([ld])(?=(injections?|injecte|oeil|endroit|enflure|air|avaler|articuler|idee|intention|epipen|ambulance)\b)"), r"\1'"),
    (re.compile(r"\bdune\s+(?=(ambulance|urgence)\b)"), "d'une "),
    # English typed on a phone: the symptom words misspelt or without vowels ("thrt swllng up",
    # "chst pain rn", "i dont have troble breathing": tests/dev/care_dev2.yml), "rn" for "right now".
    *((re.compile(rf"\b({spellings})\b"), word) for word, spellings in (
        ("throat", "thrt|throte|throut|throath|trhoat"),
        ("chest", "chst|chesst|chset"),
        ("tongue", "tounge|toungue|tung"),
        ("trouble", "troble|truble|trubble|trbl|trble|touble"),
        ("breathe", "brth|brthe|brethe|breth|brathe|breeth|breethe"),
    )),
    (re.compile(r"\b(can'?t|cannot|cant|cnt)\s+breed\b"), r"\1 breathe"),
    (re.compile(r"\bchess\s+(?=(pains?|tight\w*|pressure|hurts?)\b)"), "chest "),
    *((re.compile(rf"\b({spellings})\b"), word) for word, spellings in (
        ("breathing", "brething|breating|breathin|brathing|breathng|brthing"),
        ("swallow", "swalow|swallo|swllw|swolow"),
        ("swallowing", "swalowing|swallowin|swllwing|swolowing"),
        ("swelling", "swllng|sweling|swellin|swelin|swlling"),
        ("swollen", "swolen|swolln|swolllen"),
        ("headache", "hdache|hedache|headach|hdach"),
        # "my freind is having a seizur right now" got "did you mean" (development set 6).
        ("seizure", "seizur|siezure|siezur|sezure|seazure|seisure|seizer|ceasure|seasure"),
        ("seizures", "seizurs|siezures|sezures|seazures|seisures|seizers"),
        ("friend", "freind|frend|frnd"),
        # "last yr", "5 yrs ago" date a faint as history like "last year" (development set 6).
        ("year", "yr"),
        ("years", "yrs"),
    )),
    (re.compile(r"\b2day\b"), "today"),
    (re.compile(r"\bprobs?\b"), "problems"),
    (re.compile(r"\brn\b"), "right now"),
)


def normalise(text: str) -> str:
    """Lower case, straight apostrophes, no accents, single spaces, phone spellings spelt out."""
    text = text.lower().replace("’", "'").replace("‘", "'").replace("`", "'").replace("œ", "oe").replace("æ", "ae")
    decomposed = unicodedata.normalize("NFKD", text)
    plain = " ".join("".join(" " if unicodedata.category(c) == "So" else c for c in decomposed
                             if not unicodedata.combining(c)).split())
    for spelling, spelt_out in _PHONE_SPELLINGS:
        plain = spelling.sub(spelt_out, plain)
    return plain


_CLAUSES: Pattern[str] = re.compile(
    r"[.;!?¿¡]|,|\bbut\b|\bthough\b|\bhowever\b|\band now\b|\bnow\b"
    r"|\bmais\b|\bpourtant\b|\bcependant\b|\bsauf que\b|\bmaintenant\b"
    r"|\bpero\b|\baunque\b|\bsin embargo\b|\bahora\b"
)


# Describing a symptom, "now" is part of the sentence ("my eyelid now seems to droop"): cut only at
# punctuation and contrast.
_SYMPTOM_CLAUSES: Pattern[str] = re.compile(
    r"[.;!?¿¡]|,|\bbut\b|\bthough\b|\bhowever\b|\bmais\b|\bpourtant\b|\bcependant\b|\bpero\b|\baunque\b"
)


def clauses(text: str, splitter: Pattern[str] = _CLAUSES) -> list[str]:
    """The normalised text cut into clauses (empty ones dropped)."""
    return [c.strip() for c in splitter.split(normalise(text)) if c and c.strip()]


def _compile(patterns: Iterable[str]) -> tuple[Pattern[str], ...]:
    return tuple(re.compile(p) for p in patterns)


def _denial(heads: str, fillers: str, nouns: str) -> str:
    """A negation word, at most three filler words, then the noun it denies; and what an "or" adds
    to it ("no chest pain or trouble breathing", "pas de douleur ni de gonflement")."""
    denied = rf"(({fillers})\s+|d'\s?|l'\s?){{0,5}}({nouns})\b"
    # "I didn't have trouble breathing until this morning" denies nothing.
    until = r"(?!(\s+[\w']+){0,3}\s+(until|till|til|before|jusqu'\s?a|hasta)\b)"
    return rf"\b({heads})\s+{denied}((\s+[\w']+){{0,2}}\s+(or|nor|ni|ou|o)\s+{denied})*{until}"


def _blank_denials(clause: str, denials: tuple[Pattern[str], ...]) -> str:
    for denial in denials:
        clause = denial.sub(" | ", clause)
    return clause


def _matches(text: str, patterns: tuple[Pattern[str], ...], denials: tuple[Pattern[str], ...],
             splitter: Pattern[str] = _CLAUSES) -> bool:
    for clause in clauses(text, splitter):
        remaining = _blank_denials(clause, denials)
        if any(p.search(remaining) for p in patterns):
            return True
    return False


# --------------------------------------------------------------------------- emergencies

# English. "I can't talk now" is an answer about availability, not a symptom: speaking needs a
# difficulty word other than a bare "can't", or a "properly/clearly" after it; and speaking a
# language, or to someone, is not a symptom either.
_DIFFICULTY = (
    r"(can'?t|cannot|can not|couldn'?t|unable to|not able to|(haven'?t|hasn'?t|have not|has not) been able to"
    r"|hard to|hard time|struggling to|struggle to|trouble|difficult(y|ies)?|problems?|barely|hardly"
    r"|can barely|can hardly|hurts? to|painful to|harder( and harder)? to|more difficult to|tough to)"
)
_BREATHE = r"(breath(e|ing)?|catch my breath)"
_SWALLOW = r"(swallow(ing)?)"
_SPEAK_DIFFICULTY = r"(trouble|difficult(y|ies)?|hard to|hard time|struggling to|barely|hardly|problems?)"
_NOT_A_SYMPTOM_EN = r"(?!\s+(in\s+)?(english|french|spanish|to\b|with\b|on the phone))"

_EMERGENCY_EN = (
    rf"\b{_DIFFICULTY}\s+(\w+\s+){{0,2}}({_BREATHE}|{_SWALLOW})\b",
    rf"\b({_BREATHE}|{_SWALLOW})\s+(is|was|feels?|has been|got|getting|seems)\s+(\w+\s+){{0,3}}(hard|difficult|tough|impossible|painful"
    r"|weird|strange|off|funny|shallow|labou?red|rapid|raspy|noisy|worse|harder)\b",
    r"\b(breathing|swallowing)\s+(problems?|trouble|difficult(y|ies)?|issues?)\b",
    r"\bhurts? when i (breathe|swallow)\b",
    r"\b(short(ness)? of breath|out of breath|breathless|gasping|wheez(e|ing)|choking|suffocat\w*|smothering"
    r"|(can'?t|cannot|cnt) get (enough |any )?air|(can'?t|cannot|cnt|cant) (get|take) (a )?(full |deep |proper |good )?breath)\b",
    r"\bswallow\w*\b.{0,40}\bstuck\b|\bstuck\s+in\s+my\s+throat\b",
    # Food that won't go down is a swallowing problem however it is said.
    r"\b(food|pills?|water|liquids?|drinks?|saliva|spit)\s+(\w+\s+){0,3}(stuck|won'?t go down|not going down)\b"
    r"|\b(can'?t|cannot|unable to|can barely|can hardly|hard to)\s+get\s+(food|anything|water|liquids?|it|pills?)\s+down\b",
    r"\b(cnt|cant)\s+(breath(e)?|swallow)\b",
    rf"\b{_SPEAK_DIFFICULTY}\s+(\w+\s+){{0,2}}(speak(ing)?|talk(ing)?)\b{_NOT_A_SYMPTOM_EN}",
    r"\b(can'?t|cannot|unable to)\s+(speak|talk)\s+(properly|clearly|right(?!\s+(now|away|this))|normally|well)\b",
    r"\bslurr(ed|ing|y)\b|\bgarbled\s+(\w+\s+)?(speech|words|talking)\b|\bspeech\s+(is\s+)?garbled\b",
    r"\b(can'?t|cannot|unable to|hard to|trouble|struggling to)\s+get\s+(my\s+|the\s+)?words\s+out\b"
    r"|\bwords\s+(are\s+)?(coming|come|came)\s+out\s+(\w+\s+)?(wrong|weird|funny|jumbled|garbled)\b"
    r"|\b(talking|speaking)\s+(\w+\s+)?(funny|weird|strange|funnily|oddly|like (i'?m |i am )?drunk)\b"
    r"|\bspeech\s+(is\s+|sounds\s+|seems\s+)?(\w+\s+)?(weird|funny|strange|off|jumbled)\b",
    # A tight face is a common, harmless feeling after the injections; a tight throat is not.
    r"\b(throat|tongue|lips?|face|mouth|neck)(\s+(and|&)\s+(my\s+)?(throat|tongue|lips?|face|mouth|neck|eyes))?"
    r"\s+(is\s+|are\s+|feels?\s+|getting\s+|started\s+|keeps\s+|has\s+|went\s+|got\s+)?"
    r"(all\s+|really\s+|so\s+|very\s+|super\s+)?(swell(s|ing|ed)?|swollen|closing( up)?|puff(ing|ed)\s+up|blow(ing|n)?\s+up|ballooning)\b",
    r"\b(tongue|lips?)\s+(is\s+|are\s+|feels?\s+|feel\s+|looks?\s+)?(all\s+|really\s+|so\s+|very\s+|super\s+)?(huge|enormous|thick|fat"
    r"|twice (the|its) size)\b",
    # ("a sore throat and swollen glands" is a cold)
    r"\b(throat|tongue|airways?)\s+([\w']+\s+){0,3}(closing|swell(ing)?|swollen|tight(ening|er)?)\b(?!\s+(glands?|lymph|nodes?|gums?))"
    r"|\b(throat|airways?)\b.{0,40}\b(clos(ing|es)|tighten\w*|swelling (up|shut))\b"
    r"|\b(throat|airways?)\s+(is\s+|feels\s+)?(getting\s+)?(smaller|narrow\w*|blocked|closed( up)?)\b"
    r"|\blungs?\s+(feel|are|is|feels)\s+(\w+\s+)?(tight|heavy|closing)\b",
    r"\bswollen\s+(throat|tongue|lips?|face)\b",
    r"\bswell(ing|ed)?\s+(of|in)\s+(my\s+)?(throat|tongue|lips?|face)\b",
    # Carrying an EpiPen is an answer about allergies; needing or using one is the emergency.
    r"\b(anaphyla\w*|anafila\w*|(severe|serious|bad|major)\s+allergic|allergic reaction\b.*\b(bad|severe|serious))\b",
    r"\b(need|needed|used|using|had to use|gave myself|give me|grab(bed)?|get me|where'?s|injected|took|administered|reaching for)\s+"
    r"(\w+\s+)?(my\s+|an?\s+|the\s+)?epi\s?-?pens?\b",
    r"\b(severe|serious|bad|major|massive|huge|strong|scary)\s+(allergic\s+)?reaction\b"
    r"|\b(i'?m|i am|im)\s+(\w+\s+)?(having|getting|going into)\s+(an?\s+)?(\w+\s+)?(allergic\s+)?reaction\b",
    r"\b(hives|rash|welts)\s+(all over|everywhere)\b|\bcovered in (hives|welts)\b",
    r"\b(hives|welts)\b.*\b(dizz\w*|faint\w*|swollen|swelling|throat|breath\w*|lips?)\b",
    r"\b(weakness|numbness|paralysis)\s+(is\s+|has\s+)?(spreading|spread|moving|moved|going)\b",
    r"\bweakness\s+in\s+my\s+(arms?|legs?|whole body|body|neck)\b",
    r"\b(spreading|getting worse)\s+weakness\b",
    r"\b(weak|numb)\s+(all over|everywhere)\b",
    r"\b(arms?|legs?|body|neck)\s+([\w']+\s+){0,3}(weak(er|ening)?|numb)\b.*\b(after|since|worse|spreading)\b",
    # Weak arms or legs, or a whole body, is the spreading weakness the net exists for.
    r"\b(arms?|legs?)\s+([\w']+\s+){0,3}(weak(er|ening)?|limp|like jelly|paraly[sz]ed)\b"
    r"|\b(whole|entire)\s+body\s+([\w']+\s+){0,2}(weak|numb|limp|paraly[sz]ed)\b",
    r"\b(can'?t|cannot|unable to|can barely|can hardly|hard to|trouble|struggling to)\s+(lift|move|raise|feel|use|hold up)\s+"
    r"(my\s+)?(\w+\s+){0,2}(arms?|legs?|hands?|feet|body)\b|\b(can'?t|cannot|can barely|can hardly|unable to)\s+(walk|stand( up)?)\b"
    r"|\b(so|too|very|really)\s+weak\s+(that\s+)?i\s+(can'?t|cannot|can barely|can hardly)\b"
    r"|\b(can'?t|cannot|unable to|can barely|can hardly|hard to|trouble|struggling to)\s+(hold|keep)\s+(up\s+)?(my\s+)?(\w+\s+){0,2}"
    r"(arms?|legs?|hands?)\s+up\b|\b(legs?|knees)\s+(won'?t|can'?t|don'?t|wouldn'?t)\s+(hold|support|carry)\s+me\b",
    r"\b(arms?|legs?|knees)\s+(are\s+|is\s+|keep\s+|keeps\s+)?(giving out|giving way|buckling|collapsing|gave out)\b",
    r"\bweakness\s+(\w+\s+){0,4}(to|into|down|up)\s+(my\s+|the\s+)?(arms?|legs?|body|chest|hands?|neck|shoulders?)\b",
    r"\bchest\s+(pains?|tight(ness)?)\b|\bchest\s+(feels\s+|is\s+)?(\w+\s+)?(tight|heavy)\b"
    # "my chest got super tight, and now my left arm is numb" (development set 7).
    r"|\bchest\s+(got|gets|getting|went|has been|was|felt|is getting|keeps getting)\s+(\w+\s+){0,2}(tight|heavy|tighter)\b"
    r"|\b(left|right|my|one)\s+(arm|leg|side)\s+(is|went|has gone|feels|got|is going|keeps going)\s+(\w+\s+)?(numb|dead|limp)\b"
    r"|\bnumb(ness)?\s+(in|down)\s+my\s+(left\s+|right\s+)?(arm|leg|side)\b",
    r"\bchest\s+(hurts|is hurting|aches|is aching|is killing me|pressure)\b"
    r"|\b(pain|pressure|tightness|heaviness|squeezing|crushing|weight)\s+(feeling\s+|sensation\s+)?(in|on)\s+(my|the)\s+chest\b"
    r"|\b(sitting|standing|elephant)\s+on\s+my\s+chest\b",
    r"\b(this|it)\s*('?s|is)\s+(really\s+|very\s+)?urgent\b",
    r"\b(i'?m|i am|having|this is|it'?s|it is)\s+(a|an)?\s*(medical\s+)?emergency\b",
    r"\b(call(ed)?|calling)\s+(911|an ambulance)\b|\b911\b|\b(need|send|get)\s+(me\s+)?an?\s+ambulance\b",
    # "emergency!!" alone, or closing a clause ("... and emergency!! my throat").
    r"(^|\b(and|so|its|it'?s)\s+)(an?\s+)?(medical\s+)?(emergency|urgent)$",
    r"\b(passing|passed|going to pass) out\b|\bfainted\b|\bblack(ed|ing)?\s+out\b|\b(lost|losing)\s+consciousness\b"
    r"|\b(keep|keeps|kept|been|started|am|i'?m|im)\s+fainting\b|\b(i|she|he|my (husband|wife|partner|mom|mother|dad|father))\s+(just\s+)?collapsed\b",
    r"\b(feel|feeling|felt|going to|gonna|about to|might)\s+(\w+\s+){0,2}(faint(ing)?|pass(ing)? out|black(ing)? out|collapse)\b",
    # A seizure happening or just over; "I have seizures", "seizure disorder" are screening answers.
    # "I had a seizure" alone may be history, an answer to the screening: not caught without "just".
    r"\b(having|is having|started having)\s+(a\s+)?(seizure|convulsion)\b"
    r"|\bjust\s+had\s+(a\s+)?(seizure|convulsion)\b|\b(i'?m|im|i am|is|she'?s|he'?s)\s+(seizing|convulsing)\b(?!\s+up)|\bconvulsing\b"
    r"|\b(seizure|convulsions?)\s+(right\s+)?now\b|^seizure$",
    r"\b(i'?m|im|i am)\s+not\s+breathing\s+(well|properly|right|normally|good)\b|\b(stopped|stops|not)\s+breathing\s*$",
    # Found by the red-team development set (tests/dev/care_dev2.yml): bleeding that won't stop,
    # sight suddenly gone, someone collapsed or not waking up, breathing that sounds wrong.
    r"\b(won'?t|wont|will not|doesn'?t|does not|isn'?t|is not|can'?t|cannot|cant)\s+stop(ping)?\s+(the\s+)?bleed\w*"
    r"|\bbleed\w*\s+(still\s+)?(won'?t|wont|will not|doesn'?t|does not|isn'?t|is not|hasn'?t|has not)\s+stop\w*"
    r"|\b(is|am|i'?m|im|it'?s|its|keeps?|still|started|been)\s+bleeding\s+(so\s+|really\s+|very\s+)?(heavily|a lot|badly|profusely|like crazy"
    r"|everywhere|nonstop|non-stop)\b|\bbleeding\s+(heavily|profusely|like crazy|nonstop|non-stop)\b"
    r"|\bsoak(ed|ing|s)?\s+(through|thru)\b|\b(so much|lots of|a lot of|tons of)\s+blood\b",
    r"\b(can'?t|cannot|cant|can not|unable to)\s+see\s+(anything|a thing|at all|out of)\b|\b(went|gone|going|gone completely)\s+blind\b"
    r"|\b(lost|losing)\s+(all\s+)?(my\s+|the\s+)?(vision|sight|eyesight)\b|\b(vision|sight|eyesight)\b.{0,30}\b(just\s+|completely\s+|totally\s+)?gone\b"
    r"(?!\s+(a\s+bit\s+|a\s+little\s+|kind\s+of\s+|all\s+|really\s+|very\s+|so\s+)?(fuzzy|blurr\w*|hazy|weird|funny|bad|double|dim|cloudy|wonky|off|strange|grainy|foggy))"
    r"|\bsuddenly\s+(can'?t|cannot|cant)\s+see\b",
    r"\b(collapsed|unconscious|unresponsive)\b(?!\s+lung)|\bnot\s+responding\s+to\s+me\b"
    r"|\b(she|he|they|shes|hes|theyre|she'?s|he'?s|they'?re|is|are)\s+(still\s+)?(not|won'?t|wont|isn'?t|aren'?t)\s+wak(e|ing)\s+up\b"
    r"|\b(can'?t|cannot|cant)\s+wake\s+(her|him|them)\b",
    r"\b(breathing|breathes|breaths)\s+(really\s+|very\s+|kind of\s+|all\s+)?(funny|weird|strange|oddly|shallow|raspy|noisy)\b",
    r"\b(shaking|jerking|twitching)\s+(\w+\s+){0,4}(on the floor|won'?t respond|not responding|uncontrollably)\b"
    r"|\b(she|he|they)('?s|'?re)?\s+(won'?t|wont|isn'?t|is not|not|aren'?t)\s+respond(ing)?\b(?!\s+to\s+(my|our|the|your)\s+(e-?mails?|messages?|texts?|calls?))",
    # German, Italian and Portuguese get the short multilingual reply (bot/nlp/language.py), which
    # gives 911; the commonest emergencies in them are also caught here, so the team sees the flag.
    # Told in the first person only: "Kann Botox Brustschmerzen verursachen?" is a question.
    r"\b(nao consigo|nao posso|estou com dificuldade (para|de|em))\s+respirar\b|\bestou com falta de ar\b"
    r"|\bminha garganta\s+(esta\s+)?(fechando|inchada|inchando)\b|\b(estou com|sinto (uma\s+)?)dor no peito\b",
    r"\bich bekomme keine luft\b|\bich kann (nicht|kaum) (mehr\s+)?(atmen|schlucken)\b|\bmein hals\s+(\w+\s+)?(schwillt|ist geschwollen)\b"
    r"|\bich habe (starke\s+)?(brustschmerzen|schmerzen in der brust|atemnot)\b",
    r"\bnon riesco (piu\s+)?a (respirare|deglutire)\b|\bho (un\s+)?(forte\s+)?dolore al petto\b|\bla gola (mi\s+)?si (sta\s+)?(chiud\w*|gonfi\w*)",
)

# French (written without accents: "a" is also "à").
_FR_DIFFICULTY = (
    r"(du mal|de la misere|misere|de la peine|peine|de la difficulte|des difficultes|difficultes?|un probleme|des problemes|problemes?"
    r"|mal|dur|difficile|impossible|(pas|plus|pu) capable|incapable)"
)
_FR_CANT = r"((j'?\s?|n'?\s?|ne\s+)?(arrive|parviens|reussis)\s+(pas|plus|pu|presque pas|presque plus|pas du tout|plus du tout)\s+a)"
_FR_BREATHE = r"(respirer|respire\b(?!\s+(bien|normalement|correctement))|reprendre (mon|son) souffle|trouver (mon|son) souffle|avoir de l'\s?air)"
_FR_SWALLOW = r"(avaler|deglutir)"
_FR_SPEAK = r"(parler|articuler)(?!\s+(l'\s?)?(anglais|francais|espagnol|a\b|au\b|avec\b|au telephone))"
_FR_BODY = r"(gorge|langue|levres?|visage|bouche|figure|face)"

_EMERGENCY_FR = (
    r"\bje\s+(ne\s+)?vois\s+(plus|pus)\s+rien\b|\bperdu\s+la\s+vue\b|\bdevenue?\s+aveugle\b",
    rf"\b{_FR_DIFFICULTY}\s+(a|pour|de|d'\s?)\s*(bien\s+)?({_FR_BREATHE}|{_FR_SWALLOW}|{_FR_SPEAK})\b",
    rf"\b{_FR_CANT}\s+(bien\s+)?({_FR_BREATHE}|{_FR_SWALLOW}|{_FR_SPEAK})\b",
    rf"\bpeu[xt]\s+(pas|plus|pu|presque pas|presque plus|quasiment pas)\s+(bien\s+)?({_FR_BREATHE}|{_FR_SWALLOW})\b",
    r"\bpeu[xt]\s+(pas|plus|pu)\s+parler\s+(correctement|normalement|clairement|bien)\b",
    r"\bparle\s+(tout\s+)?(croche|de travers|bizarre\w*|drole\w*|difficilement|comme si j'\s?etais saoule?)\b"
    r"|\bparle\s+mal\b(?!\s+(l'\s?)?(anglais|francais|espagnol))",
    rf"\b({_FR_BREATHE}|{_FR_SWALLOW}|parler)\s+(est|devient|c'\s?est|reste)\s+(\w+\s+)?(difficile|dur|penible|impossible|douloureux)\b",
    r"\bmal\s+(quand|lorsque)\s+(je\s+|j'\s?)(respire|avale)\b",
    r"\b(essouffle\w*|souffle court|a bout de souffle|suffoqu\w*|(j'\s?|m'\s?|s'\s?)etouffe(?!\s+(de rire|en riant))|etouffement"
    r"|manque d'\s?air|manquer d'\s?air|detresse respiratoire|gene respiratoire|difficultes? respiratoires?"
    r"|respiration (difficile|sifflante|laborieuse|bloquee|coupee))\b",
    r"\brespire\s+(de plus en plus\s+|vraiment\s+|tres\s+|super\s+|tellement\s+)?(mal|difficilement|avec difficulte|plus|pas bien|a peine)\b"
    r"|\bn'\s?arrive plus a respirer\b|\brespiration\s+(qui\s+)?siffle\b|\b(en train d'\s?|vais |va )etouffer\b",
    r"\b(trouble|troubles|difficulte|difficultes)\s+(de|d')\s*(la\s+)?(parole|elocution|deglutition)\b|\bparole\s+(pateuse|difficile)\b",
    rf"\b{_FR_BODY}\s+(qui\s+|me\s+|se\s+|s'\s?)?(tout\s+|toute\s+|toutes\s+|tres\s+|super\s+)?(enfle|gonfle|enflent|gonflent|est enflee|est gonflee|sont enflees|sont gonflees"
    r"|enflee?s?|gonflee?s?|se serre|serre|serree|se ferme|se bloque|est bloquee|bloquee|se resserre|se referme|se referment|se contracte"
    r"|se resserrent)\b",
    rf"\b{_FR_BODY}\s+(\w+\s+|s'\s?){{0,3}}(a|de|d')\s?(enfler|gonfler|se fermer|se refermer|se resserrer)\b",
    rf"\b{_FR_BODY}s?\s+(a|ont|avait|avaient)\s+(tout\s+|vraiment\s+|beaucoup\s+|encore\s+)?(enfle|gonfle|double de volume)\b",
    r"\bpoitrine\s+(est\s+|me\s+)?(serree|oppressee|comprimee|qui serre|me serre)\b",
    # Food that won't go down: "la nourriture passe pas", "ça reste pris dans ma gorge", "je peux rien avaler".
    r"\b(nourriture|bouffe|eau|salive|pilules?|liquides?|aliments?|rien)\s+(ne\s+)?passe\s+(pas|plus|pu)\b"
    r"|\b(reste|restent|pris|prise|coince\w*|bloque\w*)\s+(\w+\s+)?dans\s+(ma|la)\s+gorge\b|\bpasse\s+(pas|plus|pu)\s+quand\s+j'\s?avale\b"
    r"|\b(peux|peut|arrive|capable)\s+(a\s+|d'\s?)?(plus\s+|pu\s+)?rien\s+avaler\b",
    rf"\b(gonflement|enflure|oedeme|boursouflure)\s+(de|du|des|a|au|aux|dans)\s+(la\s+|ma\s+|les\s+|mes\s+|l'\s?)?{_FR_BODY}",
    r"\boedeme de quincke\b",
    r"\b(reaction|crise)\s+allergique\s+(\w+\s+)?(grave|severe|serieuse|forte|importante|violente|intense)\b"
    r"|\b(grave|severe|serieuse|forte|grosse|violente)\s+reaction\s+allergique\b",
    r"\bchoc anaphylactique\b|\bstylo (d'\s?)?(epinephrine|adrenaline)\b",
    r"\b(fais|fait|faire|suis en train de faire|ai|j'\s?ai)\s+(une|un)\s+(\w+\s+)?(reaction|choc)\s+(allergique|anaphylactique)\b",
    r"\b(urticaire|plaques|boutons|rougeurs|demangeaisons)\s+(\w+\s+){0,3}(partout|sur tout le corps|generalisee?s?)\b",
    r"\bfaiblesse\s+(qui\s+)?(se\s+propage|se\s+repand|s'\s?etend|gagne|progresse|s'\s?aggrave|augmente|descend|monte|avance)\b",
    r"\bfaiblesse\s+(dans|aux|au|a)\s+(les\s+|mes\s+|la\s+|le\s+|l'\s?)?(bras|jambes?|corps|tout le corps|cou|nuque)\b",
    r"\b(faible|faibles|engourdie?s?)\s+(de\s+)?partout\b",
    r"\b(bras|jambes?|corps)\s+(\w+\s+){0,2}(faibles?|engourdie?s?|paralysee?s?)\b.*\b(depuis|apres)\b",
    r"\b(bras|jambes?)\s+(\w+\s+){0,2}(mous|mou|molles?|faibles?|paralysee?s?|comme du coton)\b"
    r"|\b(bras|jambes?|genoux)\s+(qui\s+)?(me\s+)?(lachent|lache|flanchent|ne me portent plus|portent (plus|pu))\b",
    r"\b(sens|sent)\s+(plus|pas|pu)\s+(mes|les|ses)\s+(bras|jambes|mains|pieds)\b"
    r"|\b(peux|peut|peuvent|arrive|capable)\s+(pas|plus|pu)\s+(a\s+|de\s+)?(lever|bouger|soulever)\s+(les|mes|ses)\s+(bras|jambes)\b"
    r"|\bfaibles?\s+(dans|aux|au|des)\s+(les\s+|mes\s+)?(bras|jambes)\b|\b(aucune|pas de|plus de|pu de)\s+force\s+(dans|aux)\s+(les\s+|mes\s+)?"
    r"(bras|jambes)\b",
    r"\b(engourdissement|paralysie)\s+(qui\s+)?(se\s+propage|s'\s?etend|gagne|progresse)\b",
    r"\bdouleurs?\s+(\w+\s+)?(a|dans)\s+(la|ma)\s+poitrine\b|\bdouleurs?\s+thoraciques?\b|\boppression\s+(\w+\s+){0,2}(poitrine|thoracique)\b"
    r"|\bmal\s+(a|dans)\s+la\s+poitrine\b"
    r"|\b(serrement|pression|poids|lourdeur|oppression|serre|point|etau|elephant)\s+(\w+\s+)?(a|dans|sur)\s+(la|ma)\s+poitrine\b"
    r"|\bpoitrine\s+(me\s+)?fait\s+(tres\s+|vraiment\s+|super\s+)?mal\b",
    r"\b(c'\s?est|il s'\s?agit d'\s?)\s*une\s+urgence\b|\burgence\s+medicale\b",
    r"\bc'\s?est\s+(tres\s+|vraiment\s+|super\s+)?urgent\b",
    r"\b(appeler|appelle|appelez|appele|composer|composez|envoyez|besoin d'\s?)\s*(une|l'\s?|le)\s*(ambulance|911)\b",
    r"\bevanou\w*|\bperdu connaissance\b|\bperte de connaissance\b|\btombe\w*\s+dans\s+les\s+pommes\b",
    r"\b(problemes?|difficultes?|troubles?|detresse|gene)\s+respiratoires?\b",
    r"\b(besoin|utilise|utiliser|pris|prendre|sorti|sortir|pique|piquer|piquee|injecte|injecter|servie?|donnez-moi|donne-moi|ou est)\s+(\w+\s+)?(de\s+|d'\s?)?(mon\s+|l'\s?|un\s+|mon\s+)?"
    r"(epi\s?-?pen|epipen|auto-?injecteur|stylo d'\s?adrenaline)\b",
    r"\b(peux|arrive|suis)\s+(plus|pas|pu)\s+(a\s+|capable de\s+)?parler\s+(comme il faut|correctement|normalement|clairement|comme du monde"
    r"|comme avant|bien)\b|\bje\s+parle\s+(tout\s+)?(croche|bizarre|mal|de travers)\b|\bmes\s+mots\s+sortent\s+(tout\s+)?(croches?|mal"
    r"|bizarres?)\b|\btrouve\s+(pas|plus|pu)\s+mes\s+mots\b(?!\s+pour)",
    r"\b(crise|crises)\s+(d'\s?)?(epilepsie|convulsions?)\s+(en ce moment|maintenant|la)\b|\b(fais|fait)\s+une\s+(crise\s+d'\s?epilepsie"
    r"|convulsion)\b|\bconvulse\b",
    # Found by a second French stress test (issue 14): Quebec "je cherche mon air", no air, a thick or
    # huge tongue, puffed-up face, covered in hives, strength leaving the arms or legs, about to
    # faint, a collapse, a seizure now, turning blue.
    r"\bcherche\s+(mon|son|de l'\s?)\s*(souffle|air)\b|\bmanque(r)?\s+de\s+souffle\b"
    r"|\bj'\s?ai\s+(pas|plus|pu)\s+(assez\s+)?d'\s?air\b(?!\s+(climatise|conditionne|clim)\b)"
    r"|\bl'\s?air\s+(ne\s+)?passe\s+(pas|plus|pu|mal)\b(?!\s+(par|dans)\s+(mon|le|mes|les)\s+(nez|narines?)\b)",
    r"\b(je|il|elle|ne)\s+respire\s+(pas|presque pas|quasiment pas)\b(?!\s+(par|la|le|les|de|du|des|l'|assez|fort)\b)",
    r"\blangue\s+(est\s+|qui\s+est\s+)?(toute\s+|tres\s+|super\s+|vraiment\s+)?(grosse|enorme|epaisse)\b"
    r"|\blevres\s+(sont\s+|qui\s+sont\s+)?(toutes\s+|tres\s+|super\s+|vraiment\s+)?(enormes|bleues|bleutees|mauves)\b",
    rf"\b{_FR_BODY}\s+(\w+\s+)?(est\s+|sont\s+)?(tout\s+|toute\s+|toutes\s+)?boursoufle\w*"
    rf"|\b{_FR_BODY}s?\s+(\w+\s+){{1,2}}(pis|et|puis)\s+(qui\s+)?(enfle|enflent|gonfle|gonflent)\b(?!\s+(pas|plus|pu|jamais)\b)",
    r"\bcouverte?s?\s+(de|d')\s*(plaques|urticaire|rougeurs|cloques|taches rouges|boutons rouges)\b(?!\s+(de psoriasis|d'\s?eczema)\b)",
    r"\b(moins en moins|perds?|perdu)\s+(de\s+|la\s+|ma\s+|toute\s+ma\s+|toute\s+la\s+|mes\s+)?forces?\s+(dans|aux|des|de mes)\s+(les\s+|mes\s+)?"
    r"(bras|jambes)\b",
    r"\bperdre\s+connaissance\b|\bvien[st]\s+de\s+s'\s?effondrer\b|\b(s'\s?est|me suis)\s+effondree?\s+(par terre|au sol|sur le plancher)\b",
    r"\b(en train de|commence a|s'\s?est mise? a|vient de)\s+(faire\s+(une|des)\s+(convulsions?|crises? d'\s?epilepsie)|convulser)\b"
    r"|\bconvulsions\s+(en ce moment|maintenant|la)\s*$",
    r"\b(il|elle|bebe|levres|visage|face)\s+(\w+\s+)?(devient|deviennent|est devenue?|sont devenues|vire|virent)\s+"
    r"(tout\s+|toute\s+|toutes\s+)?(bleue?s?|mauves?)\b(?!\s+de\b)",
)

# Spanish (without accents). "no puedo hablar" alone is availability, as in English.
_ES_DIFFICULTY = (
    r"(dificultad(es)?|problemas?|me cuesta|cuesta|me es dificil|es dificil|dificil|me duele|duele|no puedo|casi no puedo"
    r"|apenas puedo|no logro|no consigo|no soy capaz de|imposible)"
)
_ES_SPEAK_DIFFICULTY = r"(dificultad(es)?|problemas?|me cuesta|cuesta|me es dificil|es dificil|dificil|apenas puedo|no logro|no consigo)"
_ES_BREATHE_SWALLOW = r"(respirar|tragar|pasar (la\s+)?(saliva|comida|agua|bocado))"
_ES_SPEAK = r"(hablar)(?!\s+(en\s+)?(ingles|frances|espanol|con\b|por telefono|ahora))"
_ES_BODY = r"(garganta|lengua|labios?|cara|boca)"

_EMERGENCY_ES = (
    r"\bno\s+puede\s+(mover|levantar|sentir)\s+(el|la|los|las|su|sus)\s+(brazos?|piernas?|manos?)\b|\bconvulsion\w*",
    rf"\b{_ES_DIFFICULTY}\s+(mucho\s+|bastante\s+|trabajo\s+|un poco\s+)?(para\s+|al\s+|de\s+)?(bien\s+)?{_ES_BREATHE_SWALLOW}\b",
    r"\bno\s+me\s+(sale|salen)\s+(la voz|las palabras)\b|\bno\s+me\s+pasa\s+(la\s+)?(comida|saliva|agua|nada)\b|\bno\s+respiro\s+bien\b",
    r"\bno\s+(siento|puedo mover|puedo levantar|puedo sentir|puedo usar)\s+(los|las|mis)\s+(brazos|piernas|manos|pies)\b"
    r"|\bse\s+me\s+caen\s+(los\s+brazos|las\s+piernas)\b",
    r"\barrastr\w*\s+(las\s+)?palabras\b|\bhablo\s+(raro|arrastrado|como borrach[oa])\b",
    rf"\b{_ES_SPEAK_DIFFICULTY}\s+(para\s+|al\s+|de\s+)?(bien\s+)?{_ES_SPEAK}\b",
    r"\bno puedo hablar\s+(bien|claro|claramente|normal|normalmente)\b",
    r"\b(respirar|tragar|hablar)\s+(es|esta|se ha vuelto|se hace|me resulta)\s+(muy\s+)?(dificil|imposible|doloroso)\b",
    r"\b(me\s+falta\s+(el\s+|la\s+)?(aire|respiracion|aliento)|falta de aire|me ahogo|me estoy ahogando|ahogando|no me entra (el )?aire|respiro mal"
    r"|respiro con dificultad|silbido al respirar)\b",
    rf"\bse me (esta\s+|estan\s+)?(hincha|hinchan|hinchando|hincho|hincharon|inflama|inflaman|inflamando|inflamo|inflamaron|cierra"
    rf"|cerrando)\s+(la\s+|el\s+|los\s+)?{_ES_BODY}",
    rf"\b{_ES_BODY}\s+(se\s+(me\s+)?)?(esta\s+|estan\s+|muy\s+)?(hinchad[ao]s?|inflamad[ao]s?|hincha|hinchando|cierra|cerrando|cerrada)\b",
    rf"\b(hinchazon|inflamacion)\s+(de|en)\s+(la\s+|el\s+|los\s+|mi\s+|mis\s+)?{_ES_BODY}",
    r"\breaccion\s+alergica\s+(\w+\s+)?(grave|severa|fuerte|seria|intensa)\b|\b(grave|fuerte|severa|seria)\s+reaccion\s+alergica\b",
    r"\bchoque anafilactico\b|\burticaria\s+(por todo|en todo)\b",
    r"\b(ronchas|urticaria|granos|manchas rojas|sarpullido|habones)\s+(\w+\s+){0,2}(por|en)\s+(todo el cuerpo|todas partes|todos lados)\b",
    r"\b(estoy teniendo|tengo|me esta dando|me dio|me da)\s+(una\s+)?reaccion\s+alergica\b",
    r"\bdebilidad\s+(que\s+)?(se\s+)?(esta\s+)?(extiende|propaga|extendiendo|propagando|avanza|avanzando)\b",
    r"\bdebilidad\s+en\s+(los\s+|las\s+|el\s+|todo\s+el\s+|mis\s+)?(brazos?|piernas?|cuerpo|cuello)\b",
    r"\b(brazos?|piernas?|cuerpo)\s+(\w+\s+){0,2}(debil(es)?|dormid[oa]s?|entumecid[oa]s?)\b",
    r"\bdebil(es)?\s+(de|en)\s+todo\s+el\s+cuerpo\b|\btodo\s+el\s+cuerpo\s+(\w+\s+)?debil\b|\bdebilit\w*\s+(los|las|mis)\s+(brazos|piernas)\b"
    r"|\bdebilidad\s+(\w+\s+){0,4}(a|hacia|hasta)\s+(los|las|mis|el|todo)\s+(brazos|piernas|cuerpo|cuello)\b",
    r"\bdolor\s+(en\s+el|de)\s+pecho\b|\bopresion\s+en\s+el\s+pecho\b"
    r"|\b(me duele|duele|dolor|presion|opresion|aprieta|apretado|punzada)\s+(\w+\s+){0,3}(en\s+)?(el|mi)\s+pecho\b"
    r"|\bpecho\s+(\w+\s+)?(apretado|oprimido|cerrado)\b",
    r"\bes\s+una\s+emergencia\b|\b(emergencia|urgencia)\s+medica\b",
    r"\b(me\s+)?desmay\w*|\bperdi\s+el\s+conocimiento\b",
    r"\bllam\w*\s+(a\s+)?(una\s+|la\s+)?ambulancia\b",
)

_EN_NEG_FILLERS = (
    r"any|an?|the|some|real|major|serious|big|more|much|further|actual|obvious|have|having|had|got|get|getting"
    r"|experienced|experiencing|notice|noticed|feel|feeling|felt|feels|like|been|signs?|of|ever|at|all|really|kind|sort"
    r"|such|new|bad|other|my|problem|with|breathing|swallowing|speaking|talking|throat|lip|face|facial|or|nor"
)
_FR_NEG_FILLERS = (
    r"de|du|des|la|le|les|un|une|eu|vraiment|du tout|tout|trop|grand|grande|grave|moindre|signe|signes|senti|ressenti"
    r"|remarque|note|observe|constate|encore|plus|particulier|particuliere|vrai|vraie|reel|reelle|avoir|en"
)
# "pas mal de difficulté" is "quite a lot of difficulty", and "plus de mal" without "ne" is "more
# trouble" ("de plus en plus de mal": more and more): neither is a denial.
_FR_NEG_HEADS = r"pas(?!\s+mal\s+d)|(n'\s?|ne\s+)(\w+\s+)?plus|pus?|aucun|aucune|sans|jamais|ni|non|point|rien"
_ES_NEG_FILLERS = (
    r"tengo|tenia|tuve|he|ha|tenido|hay|habia|siento|senti|noto|note|ningun|ninguna|mucho|mucha|muchos|muchas"
    r"|gran|grandes|la|el|los|las|un|una|de|ya|mayor|mayores|tipo|algun|alguna|me|nada|perdido"
)

# Someone else (for the denials below): "my sister", "her aunt", "a friend".
# The people patients tell about (one list for the emergency denials and the after-treatment check).
_OTHERS_EN = (
    r"friends?|sisters?|brothers?|mom|mum|mother|dad|father|wife|husband|partner|daughters?|sons?"
    r"|co-?workers?|colleagues?|neighbou?rs?|cousins?|aunts?|uncles?"
)
_OTHERS_FR = r"amie?s?|soeurs?|freres?|mere|pere|femme|mari|voisine?s?|collegues?"
_RELATIVE = rf"(my|his|her|a|our)\s+(best\s+)?({_OTHERS_EN}|grand(ma|pa|mother|father)|relatives?)"
_THEIR_SYMPTOM = (
    r"((a|an)\s+(\w+\s+){0,2}reactions?|(trouble|difficulty|problems?)\s+(breathing|swallowing|speaking|talking)|hives|swelling)"
)
_EMERGENCY_DENIALS = _compile((
    # First, before the generic denials blank "pas besoin" and leave "d'appeler le 911".
    r"\b(no|don'?t|do not|doesn'?t|not)\s+(need|necessary|needed|reason)\s+(to\s+)?(call|calling|for)\s+(911|an ambulance|the ambulance)\b"
    r"|\b(pas|aucun)\s+(besoin|necessaire)\s+(d'\s?|de\s+)?(appeler\s+)?(le\s+911|911|une ambulance|l'\s?ambulance)\b",
    _denial(
        r"no|not|never|without|none|nor|zero|nothing|don'?t|do not|doesn'?t|does not|didn'?t|did not|isn'?t|is not|aren'?t"
        r"|are not|haven'?t|have not|hasn'?t|has not|wasn'?t|weren'?t",
        _EN_NEG_FILLERS,
        # Fainting is denied by its verb: "never fainted", "didn't pass out".
        r"trouble|difficult(y|ies)?|problems?|issues?|swelling|swollen|allergic|allergy|reaction|weakness|emergency"
        r"|chest|hives|short(ness)? of breath|breathless|numbness|weak|numb|fainted|faint|pass(ed)? out|black(ed)? out|lost consciousness"
        r"|anaphyla\w*|epi ?pens?|seizures?|convulsions?|choking|gasping|suffocating|wheez\w*|urgent"
        r"|droop\w*|slurr\w*|speech|closing|tight(ness)?|bleed\w*|blood|collapsed|unconscious",
    ),
    # A symptom denied by saying what works: "I can swallow fine and breathe fine", "breathing is ok".
    r"\bi\s+(can|could)\s+(swallow|breathe|talk|speak|see)\s+(just\s+|totally\s+|perfectly\s+)?(fine|ok|okay|normally|well|no problem)\b"
    r"|\b(swallow|breathe)\s+(just\s+|totally\s+|perfectly\s+)?(fine|ok|okay|normally)\b"
    r"|\b(breathing|swallowing|speaking|speech|talking)\s+(is\s+|are\s+|'s\s+|seems\s+)?(totally\s+|perfectly\s+|completely\s+)?(fine|ok|okay|normal|good)\b",
    # Someone else's reaction, told as hearsay or as once in the past ("My sister had a bad reaction to
    # a medication once", "her aunt apparently had trouble swallowing after hers"): that phrase is
    # blanked, not the clause, so "my mom had a bad reaction and now she can't breathe" still counts.
    # Without "once" or "apparently" it stays: "my son had a severe reaction ten minutes ago" is a
    # parent reporting an emergency.
    rf"\b{_RELATIVE}\s+(apparently|once|also once)\s+had\s+{_THEIR_SYMPTOM}\b"
    rf"|\b{_RELATIVE}\s+had\s+{_THEIR_SYMPTOM}\b(\s+[\w']+){{0,6}}\s+once\b"
    rf"|\b(ma|mon|mes)\s+({_OTHERS_FR}|cousine?s?|tante|oncle)\s+(a|ont)\s+"
    r"((deja|une fois)\s+eu\s+une\s+(\w+\s+){0,2}reactions?\b|eu\s+une\s+(\w+\s+){0,2}reactions?\b(\s+[\w']+){0,6}\s+une fois\b)",
    # "before you tell me to call 911": the patient expects the advice, and says they don't need it.
    r"\b(before|don'?t|do not|no need to|not asking you to)\s+(you\s+)?(tell|telling|say|saying)\s+(me\s+)?(to\s+)?call\s+911\b",
    _denial(
        _FR_NEG_HEADS,
        _FR_NEG_FILLERS,
        r"difficultes?|mal|problemes?|soucis?|gonflement|enflure|oedeme|reaction|faiblesse|urgence|douleurs?|gene|troubles?"
        r"|essouffle\w*|urticaire|allergie|allergique|misere|peine|evanouie?s?|perdu connaissance|choc|besoin",
    ),
    # A verb's own denial: "je ne m'étouffe pas", "j'étouffe pas".
    r"\b(ne\s+|n'\s?)?(m'\s?|j'\s?)etouffe\s+(pas|plus|pu|jamais)\b",
    # "je n'ai pas la gorge enflée": the body part between the denial and the swelling.
    rf"\b(ai|a|avais|as|avez)\s+(pas|jamais|plus|pu)\s+(eu\s+)?(la|les|le|de|d'\s?)\s*{_FR_BODY}s?\s+(\w+\s+)?(enfle\w*|gonfle\w*|serree?|bloquee?)",
    _denial(
        r"no|sin|ningun|ninguna|ninguno|nunca|tampoco|ni",
        _ES_NEG_FILLERS,
        r"problemas?|dificultad(es)?|hinchazon|inflamacion|reaccion|debilidad|dolor|emergencia|urgencia|molestias?"
        r"|alergia|cuesta|duele|falta|ahogo|desmay\w*|conocimiento|anafila\w*|choque",
    ),
    # "no tengo la garganta hinchada": the body part between the denial and the swelling.
    r"\b(no|nunca|tampoco|ni)\s+(tengo|tiene|siento|noto|esta|estan|se me|se le)\s+(\w+\s+){0,3}(hinchad\w*|inflamad\w*|cerrad\w*)",
    # Not a symptom: a price "hard to swallow", breathless after running.
    r"\b(price|prices|cost|costs|bill|news|that|this|truth|pill|fees?|amount|reality)\s+(is\s+|was\s+|'s\s+|are\s+|seems\s+|sounds\s+)?"
    r"(\w+\s+){0,2}(hard|tough|difficult|bitter)\s+(pill\s+)?to\s+swallow\b|\b(hard|tough|bitter|big)\s+pill\s+to\s+swallow\b",
    r"\b(prix|cout|couts|facture|nouvelle|pilule|montant|tarifs?|verite)\s+(est\s+|etait\s+|a ete\s+|sont\s+)?(\w+\s+){0,2}"
    r"(dur|dure|durs|difficile|amere?)\s+a\s+avaler\b",
    r"\b(precio|costo|cuenta|noticia|pildora|verdad)\s+(es\s+|fue\s+|esta\s+)?(\w+\s+){0,2}(dificil|duro|dura)\s+de\s+tragar\b",
    r"\b(short(ness)? of breath|out of breath|breathless|winded|wheez\w*)\s+(\w+\s+){0,3}(when|after|while|if|from|during)\s+(i\s+)?(\w+\s+)?"
    r"(run|running|exercis\w*|work(ing)? out|climb\w*|jog\w*|stairs|sports?|the gym|hik\w*)\b"
    r"|\b(short(ness)? of breath|out of breath|breathless|winded)\s+(\w+\s+){0,2}(on|up)\s+the\s+(stairs|hill)\b",
    # A blocked nose ("cant breathe through my nose because of seasonal allergies": care_dev2).
    r"\b((can'?t|cannot|cant|hard to|trouble|difficulty)\s+)?(breathe|breathing)\s+(\w+\s+){0,2}(through|thru|out of)\s+(my|the|her|his)\s+nose\b"
    r"(?!\s+(or|and|nor)\s+(\w+\s+)?mouth)",
    # Trained or ready to handle a reaction is about the team ("est-ce que le Dr Walters est formé
    # pour gérer une réaction allergique grave?": care_dev2).
    r"\b(handle|handling|manage|managing|deal with|dealing with|treat|treating|respond to|trained for|prepared for|ready for"
    r"|gerer|traiter|prendre en charge)\s+(\w+\s+){0,3}(reactions?|emergenc\w*|urgences?)\b(\s+(\w+\s+)?(allergiques?|graves?|severes?))?",
))
_EMERGENCY_PATTERNS = _compile(_EMERGENCY_EN + _EMERGENCY_FR + _EMERGENCY_ES)

# A clause about long ago is history, an answer to a screening question ("I had anaphylaxis to
# peanuts when I was little", "allergic reaction to penicillin years ago"), not something happening.
_LONG_AGO = re.compile(
    r"\b(years?|decades?)\s+(ago|back)\b|\bas a (kid|child|baby|teen\w*|toddler)\b|\bwhen i was (a kid|little|young|a child|younger|a teen\w*"
    r"|small|a baby|pregnant)\b|\bin (19|20)\d\d\b|\blast year\b|\blong time ago\b|\bhistory of\b|\bchildhood\b"
    # "in the past hour" is now ("my tongue has gotten really swollen in the past hour": care_dev2).
    r"|\bin the past\b(?!\s+(\w+\s+)?(hours?|minutes?|mins?|days?|while|week|few|couple|\d+))"
    r"|\b(back\s+)?in (high school|grade school|college|university|my teens|my twenties)\b|\bback in (the day|(19|20)\d\d)\b"
    r"|\bil y a (\d+|des|quelques|plusieurs|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|quinze|vingt|trente) ans\b|\bil y a (bien\s+|tres\s+)?longtemps\b|\bdans le passe\b|\bquand j'\s?etais (petite?|jeune|enfant|ado|bebe)\b|\bdans mon enfance\b"
    r"|\bl'\s?an(nee)? (passee?|derniere)\b|\ben (19|20)\d\d\b|\bhace (\d+|unos|muchos|varios|dos|tres|cuatro|cinco|seis|siete|ocho|nueve|diez|quince|veinte|treinta) anos\b|\bde nin[oa]\b"
    r"|\bcuando era (nin[oa]|pequen[oa]|joven|chic[oa]|bebe)\b|\bel ano pasado\b"
    # "my grandma fainted at her dentist in the 80s", "short of breath on a hike last summer" (development set 7).
    r"|\bin the (19)?[2-9]0'?s\b|\blast (summer|winter|spring|fall|autumn)\b"
    # "I once fainted getting a flu shot" (development set 10).
    r"|\b(i|she|he|we|they)\s+once\b"
)

# What-if and general questions: what follows is asked about, not felt. The clause is read only up
# to where the question starts, so "I can't breathe, what do I do if it gets worse" stays an
# emergency.
_ASKS_ABOUT = re.compile(
    # English: what if, in case; the treatment as the subject of "cause"; side effects, signs, risks.
    r"\bwhat\s+(if|happens if|would happen if)\b|\b(just\s+)?in\s+case\b|\bsuppos(e|ing)\b|\bhypothetical(ly)?\b"
    # "will my lips swell after the injections?"; "would you tell me to call 911 if ..." asks the
    # protocol (care_dev2).
    r"|\b(will|would|could|might)\s+my\s+"
    r"|\b(would|will|should|do|does)\s+(you|they|the clinic|your team|the team|dr\.? walters)\s+(\w+\s+){0,2}(tell|want|advise|recommend|say|ask)"
    r"\s+(me|patients|people|us)\s+(to\s+)?(call|go)\b"
    r"|\b(can|could|does|do|will|would|might|may)\s+(botox|it|this|that|these|those|they|injections?|shots?|treatments?"
    r"|the\s+(botox|injections?|shots?|treatments?|needles?|procedure|toxin)|people|patients|someone|anyone|one)\s+(\w+\s+){0,3}"
    r"(cause|make|give|lead|trigger|result|produce|bring|get|have|develop|experience|go)\b"
    r"|\b(botox|it|injections?|shots?|the\s+(botox|injections?|shots?|treatment))\s+(can|could|may|might|sometimes|rarely)\s+(\w+\s+)?"
    r"(cause|lead|make|give|trigger|result)\b"
    r"|\b(about|read|heard|saw)\s+(\w+\s+){0,2}(botox|injections?|it|shots?)\s+(causing|making|giving|leading)\b"
    r"|\b(can|could|will|would|might|may)\s+i\s+(get|have|develop|experience|end up|go into)\b|\b(risk|chance|odds|likelihood)\s+of\b"
    r"|\b(any|a|some)\s+(risk|chance)\s+(that\s+)?(the|my|i|it|botox|this|someone|people)\b"
    r"|\bam\s+i\s+(going to|gonna|likely to)\b"
    r"|\b(is|are|isn'?t|aren'?t)\b(?=.{0,80}\b(side effects?|complications?|risks?)\b)|\bside effects?\s+(like|such as|including)\b"
    r"|\b(signs?|symptoms?|warning signs?)\s+of\b|\bhow\s+(common|likely|often|rare|frequent)\b"
    r"|\b(afraid|scared|worried|nervous|terrified|fear)\s+(of|about)\s+(\w+ing|the|an?|side|needles?|botox|injections?|shots?|any)\b|\b(afraid|scared|worried)\s+(that\s+)?i\s*('ll|will|might|could|may)\b"
    r"|\b(peur|crainte)\s+(de|d'|que|qu')|\b(miedo|temor)\s+(a|de|que)\b|\bme da miedo\b"
    r"|\b(is it|is that|isn'?t it|it is|it'?s)\s+(\w+\s+)?(normal|common|usual|possible|likely|rare|typical|expected|dangerous)\s+(to|for)\b"
    # French: et si, au cas ou; "est-ce que ca peut causer", normal d'avoir, les signes de, un effet secondaire.
    r"|\bet si\b|\bau cas ou\b|\ben cas d[e']|\bdans le cas ou\b"
    r"|\best[\s-]ce\s+(que\s+|qu'\s?)?(\w+\s+|l'\s?){0,3}(peu[tv]\w*|pourrai\w*|va|vais|vas|vont|aurai\w*|risque\w*|cause\w*|donne\w*"
    r"|provoque\w*|entraine\w*)\b|\b(risque|risques|risquent|pourrais|pourrait|pourraient)\s+(de\s+|d'\s?)?(\w+\s+)?(avoir|developper|ressentir|faire)\b"
    r"|\b(botox|injections?|piqures?|traitement|ca)\s+(peu[tv]\w*|pourrai\w*|pouv\w*)\s+(\w+\s+)?(causer|provoquer|donner|entrainer)\b"
    # "pourrais-je avoir", "vais-je avoir", "risque-t-on de"; what one has read or heard ("j'ai lu que").
    r"|\b(pourrai[st]?|vais|risque|peux|puis|aurai[st]?)-(je|t-on|on)\b|\b(lu|entendu( dire)?)\s+(que|qu'\s?)"
    r"|\b(depliant|feuillet|brochure|page|site|internet|google|article|notice|fiche)\s+(\w+\s+)?(parle\w*|mentionne\w*|dit|disent"
    r"|indique\w*)\b"
    # "c'tu normal", "c'est-tu normal", "c'est normal d'avoir": as "is it normal to".
    r"|\b(c'\s?tu|c'\s?est-tu|c'\s?est tu|c'\s?est|est-il|serait-ce|ce serait)\s+(\w+\s+)?(normal|courant|frequent|possible|grave"
    r"|dangereux|rare|commun)\s+(d'\s?|de\s+)"
    r"|\bpeu[tv]\w*-(il|elle|ils|elles|on)\s+(\w+\s+)?(causer|provoquer|donner|entrainer)\b"
    r"|\best[\s-]ce\s+(normal|courant|frequent|possible|grave|dangereux)\s+(d'\s?|de\s+)|\b(signes?|symptomes?)\s+(d'\s?|de\s+|du\s+|des\s+)"
    r"|\b(est|sont|est-ce)\b(?=.{0,80}\beffets?\s+secondaires?)|\brisques?\s+(d'\s?|de\s+)"
    # Spanish: y si, que pasa si, en caso de; "puede causar", es normal tener, los signos de, un efecto secundario.
    r"|\by si\b|\bque pasa si\b|\ben caso de\b|\bpor si\b"
    r"|\b(puede|pueden|podria|podrian|suele|suelen)\s+(\w+\s+)?(causar|provocar|dar|producir|generar|ocasionar)\b"
    r"|\b(botox|inyecci\w+|tratamiento|esto|eso)\s+(causa|provoca|produce)\b"
    r"|\bes\s+(normal|comun|posible|frecuente|peligroso|grave)\s+(tener|sentir|presentar|que\s+de)\b|\b(signos?|sintomas?|senales)\s+de\b"
    r"|\b(es|son)\b(?=.{0,80}\befectos?\s+secundarios?)|\briesgo\s+de\b"
)
# "if" starts a what-if only in a question ("what should I do if I can't breathe?"), and not after
# "not sure" ("not sure if my throat is closing" is happening). Spanish and French "si" is also
# "yes" or "so": it is an "if" only before a subject ("si tengo", "si j'ai"), never before "no"
# ("si no puedo respirar" is "yes, I can't breathe").
_IF = re.compile(
    r"\bif\b|\bsi\s+jamais\b|\bsi\s+(?=(j'|je|tu|il|elle|on|ma|mon|mes|la|le|les|l'|vous|jamais|ca|c'|tengo|tienes|tiene|me|te|se|el|los|las|mi|mis|hay"
    r"|usted|uno|alguien|despues|luego)\b)|(?<=\w )si\s+(?=(no|ne|n')\b)"
)
_UNSURE_BEFORE = re.compile(
    r"\b(sure|unsure|know|knows|idea|wonder|wondering|wondered|ask|asking|check|see|tell me|sais|sait|demande|sabe|se|pregunto|saber"
    r"|savoir)\s*$"
)
_QUESTION = re.compile(
    r"\?|\b(what|how|who|when|where|should|shall|que faire|quoi|qu'est-ce|est-ce|dois-je|faut-il|comment|hago|debo|a quien|que pasa"
    r"|llamo|j'\s?appelle)\b"
)
_RIGHT_NOW = re.compile(r"\bright\s+now\b")
# A sentence that only dates the one before it as long past, and what that one must be: told in
# the past tense, with no word of the present ("I have hives. That was years ago I had them too"
# is happening).
_DATED_BY_NEXT = re.compile(
    # "I fainted once when I had blood taken, years ago." (development set 7)
    r"^((like|about|around|maybe|over|almost|at least)\s+)?((\d+|a few|a couple( of)?|many|several|two|three|some)\s+)?(years?|decades?)\s+ago\b"
    r"|^(that|this)\s*(was|happened)\s+((like|about|around|maybe|over|almost|at least)\s+)?((\d+|a few|a couple( of)?|many|several|two|three|some)\s+)?(years?|decades?)\s+ago\b"
    r"|^(that|this)\s*(was|happened)\s+(a\s+)?(long time|ages)\s+ago\b"
    r"|^(that|this)\s*(was|happened)\s+(when i was|as a) (a kid|little|young|a child|a teen\w*|kid|child|teen\w*)\b"
    r"|^(c'\s?etait|ca s'\s?est passe)\s+(il y a\s+)(\d+|des|quelques|plusieurs|deux|trois)\s+ans\b"
)
# "my friend fainted at her appointment but that was like 5 yrs ago": a regular past tense too.
_PAST_TENSE = re.compile(r"\b(had|got|was|were|broke out|reacted|developed|went|ended up|passed out|\w{3,}ed|j'\s?ai eu|j'\s?etais"
                         r"|j'\s?ai fait)\b")
_PRESENT = re.compile(r"\b(have|has|am|i'm|im|is|are|now|still|currently|can'?t|cannot|cant|keep|keeps|j'\s?ai (?!eu)|je suis|maintenant|encore)\b")


# After the dating sentence, the thing is back: "my throat swelled up. that was 2 years ago but now it
# is swelling again" is happening.
_BACK_AGAIN = re.compile(
    r"\bagain\b|\bgetting worse\b|\b(is|are|it'?s)\s+(\w+\s+)?(swelling|swollen|closing|tight\w*|itch\w*|spreading|coming back|back|happening)\b"
    r"|\bstill\s+(swell\w*|swollen|itch\w*|hurt\w*|there|happening|going on)\b"
)


def _dated_by_next(parts: list[str], number: int) -> bool:
    """Clause `number` is told in the past and the next one dates it as long past."""
    clause = parts[number]
    return (number + 1 < len(parts) and bool(_DATED_BY_NEXT.match(parts[number + 1])) and bool(_PAST_TENSE.search(clause))
            and not _PRESENT.search(clause) and not any(_BACK_AGAIN.search(later) for later in parts[number + 2:]))

# A fragment that names a symptom and asks whether it is a side effect ("difficulty swallowing as a
# side effect?", "trouble breathing = side effect??", "effet secondaire ?"): the whole clause is
# asked, but its question comes after the symptom, so `_before_a_question` would keep the symptom.
# Only without a word of the patient's own ("my throat is swelling, a side effect?" is told).
_ASKED_AS_SIDE_EFFECT = re.compile(
    r"(\b(as|a|an|like|is|=)\s+(an?\s+)?(possible\s+|common\s+|known\s+|rare\s+)?"
    r"(side\s*effects?|complications?|risks?|effets?\s+secondaires?|efectos?\s+secundarios?)|:\s*side\s*effects?)"
    r"\s*(of\s+(it|botox|the\s+\w+))?\s*$"
)
_OWN = re.compile(r"\b(i|i'm|im|i've|ive|my|me|mine|je|j'|mon|ma|mes|moi|yo|mi|mis|me)\b")
# "allergic reaction!!! help", "my throat... help me": a cry for help with a word of alarm.
_HELP = re.compile(r"(^|[.!?,;]\s*)(please\s+|pls\s+|plz\s+)?(help|aidez-moi|aide-moi|au secours|ayuda|auxilio)(\s+me)?(\s+please)?\s*([.!?]|$)")
_ALARM = re.compile(
    r"\b(allergic|reaction|anaphyla\w*|throat|breath\w*|swallow\w*|swell\w*|swollen|chest|hives|faint\w*|allergique|gorge|respir\w*"
    r"|avaler|alergica|garganta|respirar|tragar|pecho)\b"
)
# After "if I ...", a second "I" starts the main clause again: "if I lie down I can't breathe" is a symptom.
_SUBJECT = re.compile(r"\b(i|i'm|im|i've|je|j'|yo)\b")
# Outside a question, a fear is only about what it names: "j'ai peur que ce soit grave et je respire
# mal", "I'm worried about side effects and my throat is closing" go on to tell a symptom after the
# "and" when a new subject starts there ("et de ne plus respirer", "and trouble breathing" don't).
_TOLD_AFTER = re.compile(
    r"\b(and|et|pis|puis)\s+(now\s+|maintenant\s+)?(?=(i|i'm|im|je|j'|il|elle|he|she|my|ma|mon|mes|his|her|sa|son|ses|l'\s?air)\b)"
)
_WORD = re.compile(r"\s*\S+")


def _before_a_question(clause: str, question: bool) -> str:
    """`clause` without the parts that ask about a symptom rather than tell one."""
    told: list[str] = []
    pos, asks = 0, _ASKS_ABOUT.search(clause)
    while pos < len(clause):
        if asks and asks.start() < pos:
            asks = _ASKS_ABOUT.search(clause, pos)
        cut = asks.start() if asks else len(clause)
        conditionals = (c for c in _IF.finditer(clause, pos, cut) if question
                        and not _UNSURE_BEFORE.search(clause[max(pos, c.start() - 40): c.start()]))
        conditional = next(conditionals, None)
        if conditional is None:
            told.append(clause[pos:cut])
            after = _TOLD_AFTER.search(clause, asks.end()) if asks and not question else None
            if after is None:
                break
            pos = after.end()
            continue
        told.append(clause[pos: conditional.start()])
        first = _WORD.match(clause, conditional.end())
        resumed = _SUBJECT.search(clause, first.end()) if first else None
        if resumed is None:
            break
        pos = resumed.start()
    return " | ".join(told)


def is_emergency(text: str | None) -> bool:
    """True when `text` describes an urgent symptom (English, French or Spanish) in words the net knows.

    Urgent: trouble breathing, swallowing or speaking, a severe allergic reaction (throat, tongue,
    lips or face swelling, hives everywhere, needing an EpiPen), weakness in the arms, legs or
    body, chest pain, fainting, someone collapsed or not waking up, bleeding that won't stop, sight
    suddenly gone, "emergency", 911, or a cry for help with a word of alarm (English, French and
    Spanish; the commonest few in German, Italian and Portuguese, told in the first person). A clause
    that denies the symptom ("no trouble breathing", "pas de gonflement", "sin dificultad para
    tragar") is not one; a symptom's own negation ("no puedo respirar") is. Nor is a question
    about what might happen ("what should I do if my throat swells?"), an idiom ("the price is
    hard to swallow"), or history ("I had an allergic reaction to penicillin years ago").
    """
    if not text:
        return False
    # "right now" is cut at "now": "I can't talk right now" must not become "I can't talk right".
    normalised = _RIGHT_NOW.sub("now", normalise(text))
    question = bool(_QUESTION.search(normalised))
    crying_for_help = bool(_HELP.search(normalised))
    parts = clauses(normalised)
    for number, clause in enumerate(parts):
        if _LONG_AGO.search(clause):
            continue
        # "I got hives all over. That was years ago and I'm totally fine now": the next sentence
        # dates this one (development set 4).
        if _dated_by_next(parts, number):
            continue
        if (number == len(parts) - 1 and normalised.rstrip().endswith("?") and _ASKED_AS_SIDE_EFFECT.search(clause)
                and not _OWN.search(clause)):
            continue
        remaining = _before_a_question(_blank_denials(clause, _EMERGENCY_DENIALS), question)
        if any(p.search(remaining) for p in _EMERGENCY_PATTERNS):
            return True
        if crying_for_help and _ALARM.search(remaining):
            return True
    return False


# --------------------------------------------------------------------------- crisis

# Decided: "this pain is killing me", "my jaw is killing me", "dead tired", "kill the pain", "I'd
# kill for some sleep", "to die for", "dying to know" are NOT crisis. They are the commonest ways
# patients describe pain or eagerness, and their subject is the pain, not the patient acting on
# themselves; the patterns below look for a self-directed wish or act (kill myself, want to die,
# not want to live, hurt myself). A message that adds one ("this pain is killing me, I want to
# die") is caught. "I can't take the pain anymore", "I just want the pain to stop forever" and "I
# can't live with this pain" are left to the classifier: their object is the pain, they are how
# chronic-pain patients ask for relief. Said without an object, "I can't do this anymore" / "I
# can't take it anymore" / "j'en peux plus" are caught (issue 12: a warning sign as such), as are
# "I can't go on" and "I can't live like this anymore"; "I can't take it anymore, when is the
# earliest appointment" is a known false alarm we accept (the crisis reply still offers to answer).
# The same rule, from the English stress test: "I can't keep doing this" / "I can't keep going like
# this" (no object) are caught, so "I can't keep going like this, when is the next opening?" is a
# false alarm too; so are "this isn't living, it's just surviving the headaches", "I'm a burden
# lol" and "my kids would be better off without their dad, he never shows up".
# Everything else leans towards catching: a false alarm shows a helpline number, a miss leaves a
# person in danger without one. Only an explicit denial is a negation ("I'm not suicidal", "je ne
# pense pas au suicide", "je ne veux pas me faire du mal"), never "plus" ("je ne pense plus qu'au
# suicide").
# A modal before the self-directed verb makes it a question about the treatment ("can it kill
# me", "peut-il me tuer", "puede matarme"), not a wish.
_NOT_A_QUESTION_FR = r"(?<!\bpeut )(?<!\bpeut-il )(?<!\bpeut-elle )(?<!\bpourrait )(?<!\bva )(?<!\bvont )(?<!\bpeuvent )(?<!\bca )(?<!\bfinir par )(?<!\bfinira par )"
_NOT_A_QUESTION_ES = r"(?<!\bpuede )(?<!\bpodria )(?<!\bpueden )(?<!\bva a )"

_CRISIS_EN = (
    r"\b(suicid\w*|sucid\w*|suicde|suiside|sucide)",
    # Typed in a hurry: "kil myself", "kill myslef", "unaliving".
    r"\bkill?(ing)?\s+(my\s*self|myslef|mysefl|mysef|myelf)\b|\bkms\b|\bunaliv\w*",
    r"\b(end|ending|take|taking)\s+my\s+(own\s+)?life\b",
    r"\bend(ing)?\s+it\s+all\b",
    r"\b(want|wanted|wanna|going|gonna|thinking|thought|think|ready|plan|planning|decided)\s+(\w+\s+){0,2}(to|of|about|on)\s+"
    r"end(ing)?\s+(it|things|everything)\b(?!\s+(here|now|with (you|the|this|my)))",
    r"\b(want|wants|wnat|wnt|watn|wanna|wanting|wish|ready)\s+(\w+\s+){0,2}(to\s+)?die\b"
    r"(?!\s+(of|from)\s+(embarrassment|shame|laughter|laughing|boredom|curiosity)\b)",
    r"\bwish\s+(i\s+)?(was|were|could be)\s+(dead|gone|never born)\b|\bwish\s+i\s+('?d|had)\s+never\s+been\s+born\b"
    r"|\bend\s+(my|this|all)\s+(own\s+)?suffering\s+(permanently|for good|forever|once and for all)\b|\bwish\s+i\s+(wasn'?t|weren'?t)\s+(alive|here|born)\b",
    r"\bbetter\s+off\s+(dead|without\s+me|if i (was|were) gone)\b|\bbe better off without me\b"
    r"|\b(better|happier|easier|fine|okay)\s+(off\s+)?without\s+me\b|\bmight\s+as\s+well\s+(be\s+dead|die|not exist|kill myself)\b",
    r"\bwhy\s+(am i|do i|should i)\s+(even\s+|still\s+)?(alive|living|exist|bother living|keep living|wake up)\b"
    r"|\b(hate|done with)\s+(my\s+)?(life|living)\b.{0,60}\b(want|wish)\b.{0,40}\b(over|end|stop)\b",
    r"\bi(?:'ll)?\s+(will\s+|am going to\s+|'m going to\s+|am gonna\s+|'m gonna\s+|gonna\s+|just\s+)?end\s+it(\s+all)?\s*"
    r"($|\s(and|so|tonight|today|now|soon)\b)",
    r"\b(don'?t|do not|didn'?t|doesn'?t|does not|no longer|not|never)\s+(\w+\s+){0,2}(want|wanna|wish)\s+(to\s+)?"
    r"(live(?!\s+with\b)|be alive|exist|wake up|keep living|continue living|carry on|be here (any|no)\s?more)\b",
    r"\b(don'?t|do not|no longer|not)\s+(\w+\s+){0,2}(want|wanna)\s+(to\s+)?(go on|keep going)\s+(living|any\s?more|like this|with (my )?life)\b",
    r"\b(no|any|what'?s the|see the|see any|is the)\s+(reason|point)\s+(to|in|of)?\s*(live|living|life|being alive"
    r"|(go(ing)? on|keep(ing)? going)(?!\s+(back|to|there|with|at|for|in|on)\b))\b",
    r"\bnothing\s+(left\s+)?to\s+live\s+for\b|\b(life|living)\s+(is\s+)?(not|isn'?t|is not)\s+worth\s+(living|it)\b|\bnot\s+worth\s+living\b",
    r"\bcan'?t\s+(go on|keep going|carry on)(\s+(living|any\s?more|like this)|\s*$|\s+(and|so)\b)",
    # Said without an object, "I can't do this anymore" / "I can't take it anymore" is how a person
    # says they can't go on (a warning sign on every suicide-prevention list). With an object ("I
    # can't take the pain anymore", "I can't do mornings anymore") it is about that object: pain
    # talk, left to the classifier. "I don't want to do this anymore" is how patients stop the form.
    r"\b(don'?t|do not)\s+(think|know if|know how|know that)\s+i\s+can\s+(go on|keep going|carry on|do this any\s?more|take it any\s?more)"
    r"(\s+(living|any\s?more|like this))?\s*($|\s(and|so)\b)",
    r"\b(can'?t|cannot|can not|cant)\s+(do|take|handle|stand)\s+(this|it|this shit|it all|any of this)\s+(any\s?more|no more)\b"
    r"(?!\s+(form|appointment|questionnaire|questions?|quiz|survey)\b)",
    r"\b(don'?t|do not|can'?t|cannot|cant)\s+see\s+(a|any)\s+way\s+out\b|\b(see|there'?s|there is|is)\s+no\s+way\s+out\b"
    r"(?!\s+of\s+(the|this|my|our)\s+(contract|lease|building|parking|appointment|plan|deal)\b)",
    r"\b(shouldn'?t|should not)\s+(even\s+|still\s+)?be\s+(alive|here any\s?more|around any\s?more)\b"
    r"|\b(don'?t|do not)\s+deserve\s+to\s+(live|be alive|exist)\b|\bwant\s+out\s+of\s+(this|my)\s+life\b",
    r"\bcan'?t\s+(live|keep living)\s+like\s+this\b",
    r"\b(done|finished)\s+with\s+(life|living)\b|\bgiv(e|ing|en)\s+up\s+on\s+(life|living|everything|myself)\b|\btired of (living|being alive)\b",
    # "my wife fainted and she's not waking up" is an emergency, not a wish (care_dev2).
    r"(?<!\bshe's )(?<!\bshes )(?<!\bhe's )(?<!\bhes )(?<!\bis )(?<!\bare )(?<!\bthey're )(?<!\btheyre )(?<!\bstill )"
    r"\b(not|never)\s+waking\s+up\b|\bdon'?t\s+want\s+to\s+wake\s+up\b",
    r"\b(hope|hoping|wish|pray|praying)\s+(that\s+)?i\s+(don'?t|do not|won'?t|wouldn'?t|never|didn'?t|could not|couldn'?t)\s+(\w+\s+)?wake\s+up\b"
    r"|\b(hope|wish|pray|praying)\s+(that\s+)?i\s+(just\s+)?(die|don'?t survive)\b"
    r"|\b(sleep|asleep)\s+and\s+(never|not)\s+wake\s+up\b|\bnever\s+wake\s+up\s+again\b|\b(sleep|asleep)\s+forever\b",
    # Hopelessness said in few words: the point, a burden, better off, not existing.
    r"\b(what'?s|whats|what is)\s+(even\s+)?the\s+point(\s+of (it all|any of (this|it)|anything|everything|(even\s+)?trying|me|(me\s+)?(even\s+)?(being here|being alive|living|existing)))?(\s+any\s?more)?\s*($|\s(and|so)\b)",
    r"\b(life|my life|living|everything)\s+(is|feels|seems)\s+(so\s+)?(pointless|meaningless)\b",
    r"\b(no ?one|nobody|noone|no body)\s+(would|will|'d)\s+(even\s+)?(miss me|care|notice)\s*($|\s(and|so)\b)",
    r"\b(everyone|everybody|they|they'?d|the world|my (family|kids|children|husband|wife|partner|parents))\s+(would|will|'d)?\s*"
    r"(all\s+)?be\s+better\s+off\s*($|\s(and|so)\b|without me|if i (was|were|wasn'?t|weren'?t|died|disappeared)|with me (gone|dead))",
    r"\b(i'?m|i am|im|i feel like|feel like)\s+(such\s+|just\s+|only\s+)?(a\s+)?(huge\s+|big\s+|total\s+)?burden"
    r"(\s+(to|on|for)\s+(everyone|everybody|my family|my kids|them|all|my husband|my wife|my partner|people))?\s*($|\s(and|so)\b)",
    r"\b(care|notice|miss me|matter|mind)\s+if\s+i\s+(died|was gone|were gone|disappeared|was dead|were dead|killed myself"
    r"|wasn'?t here|weren'?t here|wasn'?t around)\b",
    r"\b(rather|sooner)\s+be\s+dead\b|\brather\s+die\s+than\s+(live|go on|keep living|keep going)\b",
    r"\b(think|thinking|thought)\s+(a lot\s+)?about\s+(dying|death|being dead|not being here|not existing)\b",
    r"\b(want|wanna|wish i could|would rather|'d rather|like to)\s+(\w+\s+)?(stop|not|cease)\s+(to\s+)?exist(ing)?\b"
    r"|\bif\s+i\s+(just\s+)?(didn'?t|did not)\s+exist\b",
    r"\b(feel like|felt like|thinking of|thought of|considering)\s+ending\s+(it|things|everything|my life)\b(?!\s+(here|now|with))"
    r"|\bend(ing)?\s+(it|things|my life)\s+(tonight|today|tomorrow|soon|this week)\b",
    r"\bnobody\s+would\s+(miss|care)\b.*\b(gone|dead|died)\b",
    r"\bwant\s+(it|everything)\s+(all\s+)?to\s+(stop|end)\s+(for good|forever)\b|\b(want|wanna|wish i could)\s+(to\s+)?(just\s+)?(disappear|vanish)\b"
    r"|\bwant\s+(it all|everything|all of it)\s+to\s+(end|stop|be over)\b",
    r"\bself[\s-]?harm\w*|\b(hurt|hurting|harm|harming|burn|burning|burned|burnt|starve|starving|cut|cutting|hit|hitting|punch|punching"
    r"|scratch|scratching|bite|biting|shoot|shooting|stab|stabbing|drown|drowning|poison|poisoning|strangle|strangling|suffocate"
    r"|use (it|a gun|the gun|a knife|the knife) on|using (it|a gun|the gun|a knife|the knife) on)\s+my\s*self\b"
    r"(?!\s+(shaving|cooking|chopping|by accident|accidentally|on (a|the|some|my)\b|with (a|the) (knife|door|razor)|while|at the gym))",
    r"\b(cut|cutting|slit|slitting|slash|slashing)\s+my\s+(wrists?|arms?|thighs?|throat)\b|\b(been|started|keep|kept|relapsed|relapse)\s+(\w+\s+)?cutting(\s+again)?\s*($|\s(and|so)\b)"
    r"|\bcutting\s+again\b",
    r"\b(take|taking|took|swallow|swallowing|swallowed)\s+(all|the whole bottle|a whole bottle|every one)\s+(of\s+)?"
    r"(my\s+|the\s+|those\s+|these\s+)?(\w+\s+)?(pills|meds|medications?|tablets|oxy\w*|painkillers|opioids|sleeping pills)\b"
    # "a bunch / a handful": "I took / am going to take a handful of pills", but not a patient's
    # regimen, "I take (I'm taking) a bunch of meds, should I mention that?".
    r"|\b(took|swallow|swallowing|swallowed|(?<!\bi )(?<!\bim )(?<!\bwe )(?<!\balso )(?<!\busually )(?<!\bdaily )take"
    r"|(?<!\bim )(?<!\bi'm )(?<!\bwe're )(?<!\balso )(?<!\bcurrently )(?<!\balready )taking)\s+(a bunch|a handful)\s+(of\s+)?"
    r"(my\s+|the\s+|those\s+|these\s+)?(\w+\s+)?(pills|meds|medications?|tablets|oxy\w*|painkillers|opioids|sleeping pills)\b"
    r"|\ball\s+my\s+(\w+\s+)?(pills|meds|medications?|tablets|oxy\w*|painkillers)\s+at\s+once\b"
    r"|\btak(e|ing)\s+them\s+all\s+at\s+once\b|\btoo many\s+(pills|meds|tablets)\s+on purpose\b",
    r"\b(sav(e|ing)|stockpil\w*|hoard\w*|stash(ing)?)\s+(up\s+)?(my\s+|all\s+my\s+)?(\w+\s+)?(pills|meds|medications?|tablets|oxy\w*"
    r"|painkillers|opioids)\b|\b(pills|meds|medications?|tablets|painkillers|opioids)\s+(\w+\s+)?(saved|stockpiled|stashed|hoarded"
    r"|put aside|set aside)\b|\benough\s+(pills|meds|tablets|painkillers)\s+(\w+\s+)?to\s+(do it|end it|die|kill myself)\b",
    r"\bhang(ing)?\s+my\s*self\b|\b(bought|buy|got|have)\s+(a|the)\s+rope\b"
    r"|\b(jump(ing)?|throw(ing)? myself)\s+(off|from|in front of|under)\s+(a|the|my)?\s*(bridge|building|roof|balcony|cliff|train|bus|subway"
    r"|tower|window|truck)\b|\bstanding\s+(on|at)\s+(the|a)\s+(edge|bridge|roof|ledge)\b"
    r"|\b(driv(e|ing)|crash(ing)?|steer(ing)?)\s+(my\s+car\s+|the\s+car\s+)?(into|off)\s+(a|the)\s+(wall|tree|bridge|truck|cliff|pole"
    r"|river|lake)\b",
    r"\b(wrote|writing|written|write|left)\s+(\w+\s+){0,2}(goodbye|suicide|farewell)\s+(letters?|notes?|messages?)\b",
    r"\b(want|wanna|going|gonna|thinking|thought|think|plan|planning)\s+(\w+\s+)?(to\s+|of\s+|about\s+)?overdos\w*",
    r"\b(wants?|going|gonna|trying)\s+to\s+kill\s+(her|him|them)sel(f|ves)\b",
    # Found by the English stress test (issue 12).
    # Hopelessness without an object: "I don't see the point anymore", "no point to anything".
    r"\b(don'?t|do not|can'?t|cannot)\s+see\s+(the|any)\s+point(\s+any\s?more)?\s*($|\s(and|so)\b)"
    r"|\bno\s+point\s+(to|in)\s+(anything|any of (this|it)|it all|life|living|me)\b",
    r"\b(lost all hope|no hope left|(feel|feeling|i'?m|im|i am)\s+(so\s+|completely\s+|totally\s+|just\s+)?hopeless)\s*($|\s(and|so|like)\b)"
    r"|\bnothing\s+(is\s+)?(ever\s+)?(going to|will|gonna)\s+(ever\s+)?get\s+better\s*($|\s(and|so)\b)"
    r"|\bcan'?t\s+keep\s+(doing this|going like this|living like this)\s*($|\s(and|so)\b)",
    # A burden, however it is said ("nothing but a burden"), but not a financial one.
    r"\b(i'?m|im|i am|i feel|i've become|i have become|i became)\s+(like\s+)?(\w+\s+){0,2}(a\s+)?(?<!financial )(?<!money )burden\b"
    r"(?!\s+of proof|\s+(on|to|for)\s+the\s+(health\s*care|health|system|insurance)\b)|\b(a|an)\s+(wife|husband|mom|mum|mother|dad|father|partner|daughter|son)\s+who'?s\s+(\w+\s+)?a\s+burden\b",
    # "would be better off without their mom": the patient absent, named by their role.
    r"\b(would|'d)\s+(all\s+)?be\s+better\s+off\s+without\s+(their|a|her|his)\s+(mom|mum|mother|dad|father|wife|husband|partner)\b"
    r"|\b(says?|said|thinks?|feels?|told me|keeps saying)\s+(that\s+)?(everyone|everybody|we|they|the world|the family|her family"
    r"|his family)\s+(would|'d)\s+(all\s+)?be\s+better\s+off\s+without\s+(her|him|them)\b"
    r"(?!\s+(at|in|on)\s+(work|the office|the team|school)\b)",
    r"\b(mind|happy|fine|okay|ok|glad|relieved|better)\s+if\s+i\s+(didn'?t|did not|never|don'?t|do not)\s+(wake|woke)\s+up\b"
    r"(?!\s+(early|late|on time|in time|at|for|before)\b)",
    # Goodbyes: "this is goodbye", "saying my goodbyes" (and see _FAREWELL).
    r"\bthis\s+is\s+(my\s+)?goodbye\b(?!\s+to\s+(my|the|these|those)\s+(migraines?|headaches?|pain|wrinkles|lines|sweat\w*|jaw"
    r"|tmj|grinding|frown\w*|crow'?s feet)\b)|\bsaying\s+my\s+goodbyes\b",
    r"\b(won'?t|will not|not going to|not gonna)\s+be\s+(around|here)\s+(any\s?more|much longer|for much longer)\b"
    r"|\bwon'?t\s+be\s+a\s+(problem|burden)\s+(for|to)\s+(anyone|anybody|everyone|my family|them)(\s+(any\s?more|much longer))?\s*($|\s(and|so)\b)"
    r"|\bfor\s+when\s+i'?m\s+(gone|dead|not here)\b",
    # Plans: letters to the family, pills collected or ready, things given away.
    r"\b(wrote|written|writing|write|left)\s+(\w+\s+)?letters?\s+(to|for)\s+(my\s+)?(kids|children|family|husband|wife|parents|daughters?"
    r"|sons?|loved ones|everyone)\b(?!'|\s+(doctor|physician|dentist|gp|school|teachers?)\b)",
    r"\b((been|started|keep|kept)\s+collecting|collect(ed|ing)?\s+(enough|all))\s+(of\s+)?(my\s+|all\s+my\s+)?(\w+\s+)?(pills|meds|medications?|tablets|painkillers|opioids)\b"
    r"|\b(bottle|handful)\s+of\s+(pills|meds|tablets|painkillers)\s+(\w+\s+)?(ready|in front of me|next to me|beside me)\b"
    r"|\b(rope|gun)\s+(is\s+|are\s+)?(ready|in front of me|next to me)\b|\b(razor|blades?)\s+(is\s+|are\s+)?(in front of me|next to me)\b"
    r"|\b(give|giving|given|gave)\s+away\s+(all\s+)?(my|all my)\s+(things|stuff|belongings|possessions)\b",
    # Pain as the reason: "this isn't living, I want out".
    r"\b(this|that|it)\s+(isn'?t|is not|'s not)\s+(really\s+)?living\b|\bi\s+(just\s+)?want\s+out\s*$",
    r"\b((don'?t|do not|dont)\s+(even\s+)?(care|mind)|idc)\s+(if|whether)\s+i\s+(live or die|die|live)\b"
    r"|\b(i'?m|im|i am)\s+(so\s+|just\s+)?done\s+living\b|\b(had|have had)\s+enough\s+of\s+(life|living|being alive)\b",
    r"\b(want|wanna|wants)\s+to\s+dye\s*($|\s(and|so|lol)\b)|\b(want|wanna|wants)\s+to\s+be\s+dead\b|\bfeel(ing)?\s+like\s+dying\b",
    r"\bwant\s+(my|this)\s+life\s+to\s+(be\s+over|end|stop)\b"
    r"|\b(want|wanna|wants)\s+(\w+\s+)?(to\s+)?stop\s+(living|being alive)\b(?!\s+(in|with|like)\b)",
    # Someone else: "she doesn't want to live", "has been cutting herself", "end her life".
    r"\b(end|ending|take|taking)\s+(her|his|their)\s+(own\s+)?li(fe|ves)\b"
    r"|\b((has|have|had|'s)\s+been|keeps?|kept|started)\s+(cutting|hurting|harming|burning)\s+(him|her|them)sel(f|ves)\b"
    r"(?!\s+(shaving|cooking|playing|lifting|by accident|accidentally|on (a|the|some)\b|at the gym|at work|while))",
)

_CRISIS_FR = (
    r"\b(veux|voudrais|aimerais|envie\s+de|souhaite|prefererais|pense\s+a)\s+(\w+\s+)?(mourir|crever|disparaitre pour toujours)\b"
    r"|\benvie\s+de\s+(\w+\s+){0,3}(de\s+)?(?<!\ba )(mourir|crever)\b",
    r"\b(veux|voudrais|envie\s+d'\s?|vais|besoin\s+d'\s?|pense\s+a|songe\s+a|reve\s+d'\s?|pour)\s*en\s+finir\b(?!\s+avec\s+(?!la vie|tout\b|ma vie|mes jours|moi)\w)",
    r"\ben\s+finir\s+avec\s+(la vie|tout\b|ma vie|mes jours)",
    r"\bmettre\s+fin\s+a\s+(mes\s+jours|ma\s+vie|tout)\b",
    rf"{_NOT_A_QUESTION_FR}\bme\s+(tuer|suicider|donner la mort|faire du mal|blesser volontairement|scarifier|taillader|mutiler"
    r"|couper les (veines|poignets)|pendre|jeter sous)\b",
    r"\bje\s+me\s+(fais|suis fait|suis faite)\s+du\s+mal\b|\bje\s+me\s+(scarifie|mutile|taillade)\b"
    r"|\bje\s+me\s+(blesse|coupe)\s+(volontairement|expres|encore)\b|\bscarification\w*",
    r"\b(ne\s+)?(veux|voudrais)\s+(plus|pas|pu)\s+(vivre|exister|etre en vie)\b|\b(plus|pas|pu)\s+envie\s+de\s+vivre\b"
    r"|\b(plus|pu|pas|perdu)\s+(le\s+)?gout\s+de\s+vivre\b"
    r"|\b(marre|assez|tanne|tannee|fatigue|fatiguee|ecoeure|ecoeuree|las|lasse)\s+de\s+(la\s+)?vi(vre|e)\b",
    r"\b(plus|aucune|pas)\s+(de\s+)?raisons?\s+de\s+vivre\b|\b(pas|plus)\s+capable\s+de\s+vivre\b|\b(la|ma)\s+vie\s+(ne\s+)?vaut\s+(plus|pas|pu)\b"
    r"|\bvaut\s+(plus|pas|pu)\s+la\s+peine\s+de\s+vivre\b"
    r"|\bsert\s+(a\s+)?(rien|quoi)\s+(de\s+)?(vivre|continuer|rester en vie|exister)\b|\ba quoi (ca\s+)?sert\s+(de\s+)?(vivre|exister)\b",
    r"\b(suis|sens comme)\s+(un|une)\s+(fardeau|poids)\s+(pour|a)\b",
    r"\bmieux\s+si\s+(j'\s?etais|je\s+serais)\s+(pas|plus)\s+(la|ici|en vie)\b|\bmieux\s+si\s+je\s+(mourais|disparaissais|n'\s?existais)",
    r"\bme\s+(foutre\s+en\s+l'\s?air|flinguer|tirer\s+une\s+balle|jeter\s+(du|d'un|d'une|par|en bas|sous|devant))\b"
    r"|\bsauter\s+(du|d'un|d'une|de la|en bas (du|d'un|de la))\s+(pont|toit|immeuble|edifice|balcon|falaise|fenetre)\b"
    r"|\b(achete|trouve)\s+une\s+corde\b",
    r"(?<!\boublie de )(?<!\boubliee de )\b(prendre|avaler|pris|avale)\s+tou(te)?s\s+(mes|les)\s+(pilules|medicaments|comprimes|cachets)\b"
    r"(?!\s+(ce matin|ce soir|le matin|le soir|du matin|du soir|avant|comme d'\s?habitude|comme prescrit|habituel\w*|prescrit\w*))"
    r"|\b(garde|accumule|ramasse|mets|mis)\s+(des|mes)\s+(pilules|medicaments|comprimes|cachets)\s+de\s+cote\b",
    r"\bme\s+(suis\s+)?(coupe\w*|blesse\w*|brule\w*|frappe\w*|fais\s+mal|fait\w*\s+mal)\s+(\w+\s+)?(expres|volontairement"
    r"|intentionnellement)\b",
    r"\bmieux\s+(mort|morte|sans\s+moi)\b",
    r"\b(idees|pensees)\s+(noires|suicidaires)\b|\bidee\s+noire\b",
    r"\b(ne\s+)?(plus|jamais)\s+me\s+reveiller\b|\bpas\s+me\s+reveiller\b"
    r"|\bpense\s+(\w+\s+){0,2}a\s+(la\s+mort|mourir|me tuer|en finir|disparaitre)\b"
    r"(?!\s+avec\s+(?!la vie|tout\b|ma vie|mes jours|moi)\w)",
    r"\bje\s+me\s+coupe\s+(les|la|le|aux?)\s+(bras|poignets?|cuisses?|peau|jambes?)\b",
    r"\bplus\s+la\s+force\s+de\s+(continuer|vivre|me battre)\b",
    r"\b(prefererais|voudrais|aimerais|aimerais mieux)\s+(etre\s+)?mort(e|s|es)?\b",
    r"\ben\s+peux\s+(plus|pu)\s+de\s+(vivre|la vie|cette vie|exister)\b|\bpeux\s+(plus|pu)\s+vivre\b",
    r"\btout\s+arreter\s+(pour\s+de\s+bon|definitivement|pour\s+toujours)\b",
    r"\ba\s+quoi\s+bon\s+(vivre|continuer|rester en vie)\b",
    r"\b(veux|voudrais)\s+(plus|pas|pu)\s+etre\s+(la|ici|en vie)\b",
    r"\b(veux|voudrais|aimerais|envie\s+de)\s+(juste\s+)?disparaitre\b(?!\s+(sous terre|sous (la|ma) (couette|couverte|table)))"
    r"|\b(m'\s?)?(en)?dormir\s+pour\s+(toujours|de bon)\b",
    r"\b(veux|voudrais)\s+que\s+tout\s+(s'\s?arrete|finisse|se termine)\b",
    r"\b(aimerais|voudrais|veux)\s+(ne\s+)?(pas|plus)\s+me\s+reveiller\b",
    # Said alone, "je me coupe" / "je me blesse" is the act; with an object ("je me coupe les
    # cheveux") or a circumstance ("quand je me rase je me coupe", "je me fais mal en mâchant") it
    # is not.
    r"^((des fois|parfois|souvent|encore|oui|et|pis)\s+)?je\s+me\s+(coupe|blesse|brule|frappe|scarifie)"
    r"(\s+(encore|souvent|parfois|des fois|expres|volontairement|tout le temps))?\s*$",
    # "J'en peux plus" / "je peux plus continuer" without an object, as "I can't take it anymore"
    # (with one, "j'en peux plus de ce mal de tête", it is pain talk).
    # ("je veux plus continuer" alone is how a patient stops the form; "continuer à vivre" is not.)
    r"\b(je\s+)?(n'\s?)?en\s+peux\s+(plus|pu)\s*$|\b(je\s+)?(ne\s+)?(peux|suis)\s+(plus|pu)\s+(capable\s+de\s+)?continuer"
    r"(\s+comme ca)?\s*$|\b(peux|veux|suis|vois)\s+(plus|pu|pas)\s+(capable\s+de\s+|comment\s+)?continuer\s+(a|de)\s+vivre\b",
    r"\b(veux|voudrais|aimerais)\s+que\s+(ca|tout|tout ca)\s+(s'\s?arrete|finisse|se termine|cesse)\s+(pour de bon|pour toujours|definitivement"
    r"|a jamais)\b",
    r"\b(vois|trouve)\s+(plus|pas|pu|aucune)\s+(d'\s?|de\s+)?(issue|sortie|porte de sortie)\b|\bpas\s+d'\s?autre\s+(issue|solution)\s+que\s+"
    r"(de\s+)?(mourir|la mort|en finir)\b",
    r"\b(merite|meritais)\s+(pas|plus)\s+de\s+vivre\b|\bdevrais\s+(meme\s+)?(pas|plus)\s+(meme\s+)?etre\s+(en vie|vivante?|la)\b",
    # Found by a French stress test (issue 14): Quebec "m'enlever la vie", "le goût de mourir";
    # a life without meaning; "plus simple si j'étais pas là"; a wish to hurt oneself; a third person's wish.
    r"\b(m'\s?|s'\s?|se\s+|me\s+)(enlever|oter|ôter)\s+la\s+vie\b",
    r"\b(gout|envie)\s+(de\s+|d'\s?)(mourir|crever|en finir|me tuer|me suicider|disparaitre|me faire du mal|me blesser|me couper"
    r"|me scarifier|me bruler|me frapper)\b",
    r"\b(plus|pas|pu|aucune?)\s+envie\s+d'\s?etre\s+(la|ici|en vie|sur terre|vivante?)\b",
    r"\b(ma|la)\s+vie\s+(n'\s?)?a\s+(plus|pas|pu|aucun)\s+(aucun\s+|de\s+|d'\s?)?(sens|but|valeur)\b"
    r"|\b(l'\s?interet|le sens|aucun sens|pas de sens|plus de sens|aucun interet)\s+(de|a|d')\s*(continuer\s+(a\s+|de\s+)?)?(vivre|exister)\b",
    r"\b(mieux|plus simple|plus facile)\s+(pour tout le monde\s+|pour eux\s+)?si\s+(j'\s?etais|je\s+serais|j'\s?existais)\s+(pas|plus|pu)\b"
    r"|\b(mieux|plus simple|plus facile)\s+(pour tout le monde\s+|pour eux\s+)?si\s+je\s+(mourais|disparaissais|partais pour de bon"
    r"|n'\s?existais)\b|\bpersonne\s+(ne\s+)?(s'\s?ennuierait|remarquerait|s'\s?apercevrait|pleurerait|s'\s?en rendrait compte"
    r"|s'\s?en soucierait)\b.*\bsi\s+je\s+(partais|disparaissais|mourais|n'\s?etais plus|etais plus|etais pus|etais mort)",
    r"\b(je\s+suis|je\s+me\s+sens|suis)\s+(juste\s+|seulement\s+|rien\s+qu'\s?)?(un|une)\s+fardeau\b|\bde\s+trop\s+(sur (cette )?terre"
    r"|dans ce monde|dans la vie)\b",
    r"\bje\s+me\s+suis\s+(encore|souvent|deja|de nouveau|encore une fois)\s+(fait|faite)\s+du\s+mal\b",
    r"\bj'\s?en\s+finis\s*(ce soir|aujourd'\s?hui|demain|pour de bon)?\s*$|\b(ce soir|aujourd'\s?hui|demain)\s+j'\s?en\s+finis\b",
    r"\b(pas|plus|aucune)\s+d'\s?autre\s+(issue|solution)\s+que\s+(de\s+|d'\s?)?(mourir|la mort|en finir|me tuer|me suicider)\b",
    r"\b(medicaments|pilules|comprimes|cachets)\b.{0,40}\b(tous|toutes|tout)\s+(les\s+)?(prendre|avaler)\s+d'\s?un\s+(seul\s+)?coup\b",
    r"\b(veut|voulait|veulent)\s+(\w+\s+)?(mourir|se tuer|se suicider|s'\s?enlever la vie)\b",
    r"\b(la mort|mourir)\s+(serait|sera|ce serait)\s+(un|une)?\s*(soulagement|delivrance|solution|libération|liberation)\b",
    r"\b(veux|voudrais|vais|aimerais)\s+partir\s+pour\s+(de bon|toujours)\s*$",
    # Found by a second French stress test (issue 14): the indirect ways, as warning-sign lists
    # give them. "Je vais faire une connerie" (not "avec mon formulaire"); "j'ai tout préparé" said
    # alone or "pour ce soir" (not "pour mon rendez-vous"); a farewell to the reader, not to
    # migraines; "à quoi bon me battre"; "je suis plus capable" and "je veux que ça finisse" said
    # without an object ("je veux que mes migraines finissent" is pain talk).
    r"\b(vais|va|veux|envie de|peur de|pourrais|risque de|sur le point de|capable de)\s+(\w+\s+)?faire\s+une\s+(grosse\s+|vraie\s+)?"
    r"(connerie|betise|niaiserie)\b(?!\s+(avec|en|dans|sur|a|au|aux|pour|de|d')\b)",
    r"\bj'\s?ai\s+tout\s+(prepare|preparer|planifie|organise|prevu)(\s+pour\s+(ce soir|cette nuit))?\s*($|\s(and|so|et|pis|puis)\b)",
    r"\b(vous|te|leur)\s+(dis|dit)\s+adieu\b(?!\s+a\s+(mes|mon|ma|ces|cette|ce|la|le|les)\b)|\bc'\s?est\s+un\s+adieu\b(?!\s+(a|aux)\b)"
    r"|\badieu\s+(a\s+)?(tout le monde|tous|toutes|vous tous)\b(?!\s+(mes|les|ces)\b)",
    r"\ba\s+quoi\s+bon\s+(me battre|lutter|me lever|me soigner|exister|tenir le coup|souffrir|continuer)\b",
    r"\bje\s+(ne\s+)?suis\s+(plus|pu)\s+capable(\s+(honnetement|la|vraiment|du tout|pantoute|de rien))*\s*($|\s(and|so|et|pis|puis)\b)",
    r"\b(veux|voudrais|aimerais|souhaite)\s+(juste\s+|seulement\s+)?que\s+(ca|sa|tout|tout ca|tout sa)\s+(finisse|se termine|soit fini)"
    r"(\s+(pour de bon|pour toujours|une fois pour toutes))?\s*($|\s(and|so|et|pis|puis)\b)"
    r"|\bet\s+que\s+tout\s+(soit fini|finisse|se termine)\s*($|\s(and|so|et|pis|puis)\b)",
    # Means: thinking of taking them all, a whole bottle, opening one's veins.
    r"\b(pense|envie|veux|vais|voudrais|songe)\s+(a\s+|de\s+|d'\s?)?(tous|toutes)\s+les\s+(prendre|avaler)\b"
    r"|\b(avaler|vider|gober)\s+(toute\s+)?(la|ma|une)\s+(bouteille|boite|fiole|plaquette)\s+(de|d')\s*(pilules|medicaments|comprimes"
    r"|cachets|somniferes)\b|\b(m'\s?|s'\s?|me\s+)(ouvrir|trancher)\s+les\s+(veines|poignets)\b",
    # A wish to hurt oneself, not an injury ("peur de me blesser au gym", "me couper les cheveux").
    rf"{_NOT_A_QUESTION_FR}\b(veux|voudrais|vais|envie de|pense a|songe a|gout de|tente de|besoin de)\s+me\s+(faire\s+(du\s+)?mal|blesser"
    r"|couper|bruler|frapper)\b(?!\s+(au|a|aux|en|avec|dans|pendant|quand|si|les|la|le|l'|mes|un|une|des)\b)",
    r"\bje\s+me\s+(blesse|coupe|brule|frappe|fais\s+(du\s+)?mal|scarifie)\s+(pour|afin de)\s+(oublier|sentir|me punir|me calmer|me soulager"
    r"|ne plus|me sentir)\b",
    r"\bvouloir\s+(mourir|crever|me tuer|me suicider|disparaitre|m'\s?enlever la vie)\b"
    r"|\bvouloir\s+en\s+finir\b(?!\s+avec\s+(?!la vie|tout\b|ma vie|mes jours|moi)\w)",
    r"\b(veux|voudrais|aimerais|prefererais)\s+(juste\s+|seulement\s+)?(ne\s+)?(plus|pas|pu)\s+(vivre|exister|etre en vie)\b"
    r"|\b(n'\s?etre|ne\s+jamais\s+etre|pas\s+etre)\s+(jamais\s+)?nee?\b|\b(jamais|pas)\s+naitre\b",
    # A burden, better off without me, nobody would miss me, no hope.
    r"\b(suis|sens comme|me sens)\s+(juste\s+|comme\s+)*(un|une)\s+(fardeau|boulet)\b|\bsuis\s+(un|une)\s+(poids|boulet)\s+(pour|a)\b",
    r"\b(seraient|serait|serions|seriez)\s+(\w+\s+){0,3}sans\s+moi\b"
    r"|\b(seraient|serait)\s+(\w+\s+){0,2}(soulage\w*|mieux|plus heureu\w*|tranquilles?|debarrasse\w*)\s+si\s+(je\s+|j'\s?)"
    r"(partais|m'\s?en allais|mourais|disparaissais|n'\s?etais plus|etais plus|etais pus|etais pas|etais morte?|existais plus)"
    r"(\s+pour de bon|\s+pour toujours)?\s*($|\s(and|so|et|pis|puis)\b)",
    r"\bpersonne\s+(ne\s+)?(va|vont|allait|irait)\s+(s'\s?ennuyer\s+de\s+moi|me\s+regretter|me\s+pleurer)\b"
    r"|\bpersonne\s+(ne\s+)?(me\s+)?(regrettera|pleurera|s'\s?ennuiera)\b",
    r"\bje\s+(ne\s+)?sers\s+a\s+rien(\s+(sur cette terre|sur terre|dans la vie|a personne|dans ce monde))?\s*($|\s(and|so|et|pis|puis)\b)"
    r"|\b(ma|la)\s+vie\s+(ne\s+)?sert\s+(plus\s+)?a\s+rien\b",
    r"\b(ai|j'\s?ai)\s+(perdu\s+(tout\s+)?(l'\s?)?espoir|(plus|pas|pu)\s+(aucun\s+|d'\s?|de\s+)?espoir)\b"
    r"(?!\s+(que|qu'|de|d'|pour|avec|dans|en)\b)",
    r"\b(plus|pas|pu)\s+(aucune\s+|de\s+|d'\s?)?raisons?\s+de\s+continuer\s*($|\s(and|so|et|pis|puis)\b)",
    r"\b(veux|voudrais|aimerais|vais|envie d'|hate de)\s+(aller\s+)?(rejoindre|retrouver)\s+(\w+\s+){1,3}(au ciel|au paradis"
    r"|de l'\s?autre cote|dans l'\s?au-dela)\b",
    r"\b(veux|peux)\s+(plus|pu)\s+me\s+battre\s*($|\s(and|so|et|pis|puis)\b)",
)

_CRISIS_ES = (
    r"\b(quiero|quisiera|me quiero|ganas de|deseo)\s+(\w+\s+)?morir(me)?\b",
    rf"{_NOT_A_QUESTION_ES}\b(matarme|quitarme la vida|hacerme dano|lastimarme)\b",
    r"\bacabar\s+con\s+(todo|mi vida)\b|\bcortarme\s+(las venas|los brazos|las munecas)\b",
    r"\bno\s+quiero\s+(seguir\s+)?vivi(r|endo)\b|\bsin ganas de vivir\b|\bno tengo ganas de vivir\b",
    r"\bno\s+vale\s+la\s+pena\s+vivir\b|\bmejor\s+muert[oa]\b",
    r"\bme\s+quiero\s+(matar|morir|suicidar)\b|\bme\s+hago\s+dano\b|\bme\s+corto\s+(los|las|el|la)\s+(?!(pelo|cabello|unas|barba|flequillo|fleco|dedo)\b)\w+",
    r"\b(pienso|penso|pensando|pensado)\s+(\w+\s+){0,2}en\s+(suicidarme|matarme|morir(me)?|acabar con todo|la muerte)\b",
    r"\b(cortarme|quemarme|golpearme)\b(?!\s+(el|los|las|la)\s+(pelo|cabello|unas|barba|flequillo|fleco|dedo|dedos))"
    r"|\b(no puedo|no aguanto)\s+(\w+\s+)?(mas\s+)?con\s+(esta|mi|la)\s+vida\b|\bno\s+haber\s+nacido\b"
    r"|\bno\s+quiero\s+seguir\s+(aqui|en este mundo)\b",
    r"\b(quiero|quisiera|ganas de)\s+(\w+\s+)?(desaparecer|dejar de (existir|vivir)|no existir)\b|\bdormir\s+para\s+siempre\b",
    r"\bno\s+quiero\s+(seguir\s+)?(viv[oa]|con vida)\b|\b(quiero|quisiera)\s+que\s+todo\s+(termine|acabe|se acabe|se termine)\b",
    r"\bmejor\s+si\s+(yo\s+)?(no\s+estuviera|me\s+muriera|desapareciera|no\s+existiera)\b",
    r"\b(no quiero|ojala no|quisiera no|prefiero no)\s+(volver a\s+)?despertar\w*|\bdormir\s+y\s+no\s+despertar\b"
    r"|\bno\s+despertar(me)?\s+(nunca|mas|jamas)\b|\bojala\s+(me\s+)?(muera|muriera|muriese|estuviera muert[oa])\b",
    r"\bme\s+(voy|quiero|pienso)\s+a?\s*(matar|suicidar|quitar la vida|hacer dano|cortar las venas)\b"
    r"|\bvoy\s+a\s+(matarme|suicidarme|quitarme la vida|tirarme)\b",
    r"\b(estaria|estarian|estariamos|seria)\s+mejor\s+sin\s+mi\b|\bmejor\s+sin\s+mi\b|\b(estaria\s+)?mejor\s+(estaria\s+)?muert[oa]\b",
    r"\bsoy\s+(solo\s+)?una\s+carga\b",
    r"\b(sin|no tiene|no le veo|no tiene ningun|ningun)\s+sentido\s+(\w+\s+)?(vivir|la vida|seguir viviendo)\b"
    r"|\bsentido\s+a\s+(la|mi)\s+vida\b|\bpara\s+que\s+(seguir\s+)?(vivir|viviendo)\b",
    r"\b(cansad[oa]|hart[oa])\s+de\s+(vivir|la vida|estar vivo|estar viva)\b",
    r"\bme\s+(he\s+)?(estado\s+)?(cortando|lastimando|quemando|golpeando)\b(?!\s+(el|los|la|las)\s+(dedo|dedos|pelo|cabello|unas|barba))",
    r"\btodas\s+(las|mis)\s+(pastillas|pildoras|medicinas|medicamentos|tabletas)\b",
    r"\b(tirarme|aventarme|lanzarme|arrojarme|me\s+(\w+\s+){0,2}(tiro|tirar|avento|aventar|lanzo|lanzar|arrojo|arrojar))\s+"
    r"(del|de un|de una|desde|al|a las|bajo|por la)\s+(\w+\s+)?(puente|edificio"
    r"|techo|balcon|ventana|tren|metro|vias)\b",
    r"\bya\s+no\s+quiero\s+estar\s+(aqui|en este mundo)\b|\bno\s+quiero\s+estar\s+(aqui\s+|en este mundo\s+)?(nunca\s+)?mas\b"
    r"|\bno\s+quiero\s+estar\s+en\s+este\s+mundo\b",
)

_CRISIS_DENIALS = _compile((
    r"\bnot\s+(\w+\s+)?suicidal\b",
    # Screening answers (English stress test, issue 12): "no history of self-harm", "no self harm",
    # "I don't have suicidal thoughts", "never had thoughts of suicide", "I've never hurt myself".
    r"\b(no|never|not any|without)\s+(\w+\s+){0,2}(history|hx)\s+of\s+(suicid\w*|self[\s-]?harm\w*|hurting myself|cutting)"
    r"(\s+(attempts?|thoughts?|ideation))?\b|\bno\s+(self[\s-]?harm\w*|suicid\w*(\s+(thoughts?|ideation|attempts?))?)\b",
    r"\b(don'?t|do not|never|haven'?t|have not)\s+(\w+\s+)?(have|had|get|got|ever had)\s+(any\s+)?(suicidal\s+(thoughts?|ideation|feelings?)"
    r"|thoughts?\s+of\s+(suicide|self[\s-]?harm|hurting myself|killing myself|ending my life|dying))\b",
    r"\bnever\s+(hurt|harmed|cut)\s+myself\b(?!\s+(like this|this\s+\w+|so\s+\w+|before|until|that\s+\w+))",
    r"\bno\s+(suicidal\s+(thoughts?|ideation|feelings?)|thoughts?\s+of\s+(suicide|self[\s-]?harm|hurting myself|killing myself"
    r"|ending my life|dying))\b",
    r"\b(don'?t|do not|never|not|won'?t|will not|wouldn'?t|would not|would never)\s+(\w+\s+)?(want|wanna|going|gonna|plan|planning"
    r"|intend|intending|thinking|think|ever|considering)\s+(\w+\s+)?(to\s+|of\s+|about\s+|on\s+)?(die|dying|kill(ing)? myself"
    r"|hurt(ing)? myself|harm(ing)? myself|end(ing)? my life|tak(e|ing) my life|suicide|self[\s-]?harm)\b",
    r"\bwould(n'?t| never| not)\s+(\w+\s+)?(kill|hurt|harm)\s+myself\b",
    r"\b(ne\s+suis\s+pas|suis\s+pas|pas)\s+(du\s+tout\s+)?suicidaire\b",
    r"\b(ne\s+veux\s+pas|veux\s+pas|n'\s?ai\s+pas\s+envie\s+de|ai\s+pas\s+envie\s+de)\s+mourir\b",
    r"\b(pas|aucune?|jamais)\s+(eu\s+)?(d'\s?|de\s+|des\s+)?(idees?|pensees?)\s+(noires?|suicidaires?)\b",
    r"\b(pas|jamais|aucunement|nullement)\s+((eu|pense|songe|envie|l'\s?intention|intention|du tout|vraiment|de|d'|a|au|serieusement)\s+|d'\s?){0,4}"
    r"(au\s+suicide|a\s+me\s+(suicider|tuer|faire du mal|blesser|faire mal|couper)|me\s+(suicider|tuer|faire du mal|blesser|faire mal)"
    r"|de\s+(me\s+)?(suicider|tuer|faire du mal)|a\s+(mourir|en finir))\b",
    r"\bme\s+ferais\s+(jamais|pas)\s+(de\s+)?mal\b|\b(ne\s+)?(veux|voudrais|vais)\s+(pas|jamais)\s+me\s+(tuer|suicider|faire du mal|blesser)\b",
    r"\b(ne\s+)?vais\s+pas\s+me\s+(tuer|suicider|faire du mal)\b",
    r"\bno\s+soy\s+suicida\b|\bno\s+(quiero|voy a|pienso|tengo intencion de|tengo ganas de)\s+(morir(me)?|matarme|suicidarme|hacerme dano)\b",
    r"\bno\s+tengo\s+(pensamientos|ideas)\s+suicidas\b",
))
_CRISIS_PATTERNS = _compile(_CRISIS_EN + _CRISIS_FR + _CRISIS_ES)
# "if insurance doesn't cover it, what's the point": the point of the treatment, not of living.
_FAREWELL = re.compile(
    r"\b(goodbye|good bye|bye|farewell|adieu|adios)\b.{0,80}\bmy\s+(last|final)\s+(message|words|text)\b"
    r"|\bmy\s+(last|final)\s+(message|words|text)\b.{0,80}\b(goodbye|farewell|adieu|adios)\b|\bmy\s+(final|last)\s+words\b"
    # French: "mon dernier message" alone is also "my latest message"; with an "adieu" it is a farewell.
    r"|\badieu\b.{0,80}\b(mon|mes)\s+(dernier\s+message|derniers\s+mots)\b|\b(mon|mes)\s+(dernier\s+message|derniers\s+mots)\b.{0,80}\badieu\b"
    r"|\bmes\s+derniers\s+mots\b|\blettre\s+d'\s?adieu\b|\b(fait|faire|fais|dire|dit|ecrit)\s+mes\s+adieux\b"
    # "thanks for everything, I won't need the appointment", either way round; not when a reason is
    # given ("I won't need the appointment after all, my insurance said no", "... I found another clinic").
    r"|\bthank(s| you)\s+for\s+everything\b.{0,80}\b(won'?t|will not)\s+(be\s+)?need(ing)?\s+(the|my|that|any|an?)\s+(\w+\s+)?"
    r"(appointments?|follow[\s-]?ups?|consultations?|treatments?)\b(?!.{0,80}\b(after all|because|since|found|moving|moved|insurance"
    r"|another|other|better|cured|busy|afford|cost|price|schedule|work)\b)"
    r"|\b(won'?t|will not)\s+(be\s+)?need(ing)?\s+(the|my|that|any|an?)\s+(\w+\s+)?(appointments?|follow[\s-]?ups?|consultations?"
    r"|treatments?)\b(?!.{0,80}\b(after all|because|since|found|moving|moved|insurance|another|other|better|cured|busy|afford|cost"
    r"|price|schedule|work)\b).{0,80}\bthank(s| you)\s+for\s+everything\b"
)
_CONDITIONAL_POINT = re.compile(r"\bif\b[^.!?;]{0,80}?[,]?\s*(then\s+)?(what'?s|whats|what is)\s+(even\s+)?the\s+point\b")


def is_crisis(text: str | None) -> bool:
    """True when `text` speaks of suicide or self-harm, directly or indirectly (English, French, Spanish).

    Leans towards catching: only an explicit denial ("I'm not suicidal, just in pain", "je ne
    suis pas suicidaire", "I don't want to die") is a negation. Figures of speech about pain
    ("this pain is killing me") are not crisis: see the note above the patterns.
    """
    if not text:
        return False
    normalised = normalise(text)
    # "nothing but a burden" is "only a burden", not a contrast to cut at.
    readable = _CONDITIONAL_POINT.sub(" | ", re.sub(r"\bnothing but\b", "only", normalised))
    # Read twice: in clauses, and with commas kept, for a wish whose verb is before a comma ("j'ai
    # envie de tout lâcher, de mourir").
    return (bool(_FAREWELL.search(normalised)) or _matches(readable, _CRISIS_PATTERNS, _CRISIS_DENIALS)
            or ("," in readable and _matches(readable.replace(",", " "), _CRISIS_PATTERNS, _CRISIS_DENIALS)))


# --------------------------------------------------------------------------- after treatment

_SYMPTOMS_EN = (
    r"\b(eye\s*lid|lid)(s|'s)?\s+([\w']+\s+){0,3}(droop\w*|sag\w*|heavy|hanging|falling|lower|down)\b",
    r"\b(droop\w*|saggy|sagging|heavy|hooded)\s+(\w+\s+)?(eye\s*lids?|lids?|eyes?|brows?|eyebrows?)\b",
    r"\bptosis\b",
    r"\beyes?\s+(\w+\s+){0,2}(won'?t|wont|can'?t|cannot|doesn'?t|does not|isn'?t|will not)\s+(fully\s+|completely\s+)?(open|close|shut)\w*",
    r"\b(can'?t|cannot|unable to|hard to|trouble)\s+(\w+\s+)?(open(ing)?|clos(e|ing)|shut(ting)?)\s+my\s+(\w+\s+)?eyes?\b",
    r"\beyes?\s+(is\s+|are\s+|looks?\s+|feels?\s+|keeps?\s+)?(\w+\s+)?(droop\w*|sag\w*|half closed|half shut|heavy|smaller)\b",
    r"\b(blurr?y|blurr?ed|blurring|fuzzy vision|hazy vision)\b",
    r"\b(double vision|seeing double|see double)\b|\bvision\s+(is\s+)?(\w+\s+)?(off|weird|strange|funny|worse|bad)\b",
    r"\bvision('s|\s+is|\s+has|\s+'s)?\s+(gone\s+|going\s+|getting\s+|become\s+|a bit\s+|a little\s+|kind of\s+|kinda\s+|sorta\s+|really\s+|very\s+"
    r"|super\s+|slightly\s+|pretty\s+|all\s+)?(blurr\w*|fuzzy|hazy|cloudy|double)\b",
    r"\bvision\s+(isn'?t|is not|not)\s+(right|normal|clear|good|the same)\b",
    r"\b(face|cheek|lips?|mouth|smile|forehead|brow|eyebrows?)\s+(\w+\s+){0,3}(weak|droop\w*|lopsided|crooked|uneven|asymmetric\w*|numb"
    r"|frozen|paraly[sz]ed|sagging|slanted|twisted|stiff|tight|heavy)\b",
    r"\b(lopsided|crooked|uneven|asymmetric\w*|droopy)\s+(smile|face|mouth|lips?)\b",
    r"\bcan'?t\s+(smile|frown|whistle|raise my (eye)?brows?)\b",
    r"\bdry\s+mouth\b|\bmouth\s+([\w']+\s+){0,3}dry\b",
    r"\bdry\s+eyes?\b|\beyes?\s+([\w']+\s+){0,3}(dry|gritty|irritated)\b",
    r"\b(pain|painful|sore|soreness|bruis\w*|swell\w*|swollen|redness|red|lump|bump|tender\w*|itch\w*|hurts?|ache|aches|aching"
    r"|bleeding)\b.{0,30}\b(injection|injected|needle|shot)s?\b",
    r"\b(injection|injected|needle|shot)s?\b.{0,30}\b(hurts?|sore|bruis\w*|swollen|swell\w*|red|painful|tender|itch\w*|lump|bump|aches?)\b",
    r"\bbruis\w*",
    r"\bhead\s*aches?\b|\bhead\s+(hurts|is pounding|is killing me)\b",
    r"\b(fatigue|fatigued|tired|exhausted|exhaustion|wiped out|drained|no energy|lethargic)\b",
    r"\bneck\s+([\w']+\s+){0,3}(pain|hurts|sore|stiff|aches?|killing me|weak)\b|\b(sore|stiff|weak)\s+neck\b|\bcan'?t\s+(hold|lift)\s+(up\s+)?my\s+head\b",
    r"\b(trouble|hard|difficult\w*|can'?t|cannot|painful|struggl\w*|problems?)\s+(\w+\s+)?(chew\w*|bit(e|ing)|open(ing)? my mouth)\b",
    r"\bchewing\s+(is\s+)?(hard|difficult|painful|tiring|weird)\b|\bjaw\s+(feels\s+|is\s+)?(weak|tired|heavy|stiff)\b",
    r"\bmuscles?\s+(\w+\s+)?(weak\w*|twitch\w*)\b|\bweak(ness)?\b",
    r"\b(rash|hives|itchy|itching|dizzy|dizziness|nause\w*|drool\w*|dribbl\w*)\b",
    r"\bneck\s+stiffness\b|\bstiff(ness)?\s+(in\s+)?(my\s+)?neck\b",
    r"\b(side effects?|don'?t feel right|feels? off|something(\s+\w+)? (is|feels) (off|wrong))\b",
)

_SYMPTOMS_FR = (
    r"\b(oeil|yeux|paupieres?)\s+(\w+\s+){0,3}(tomb\w*|affaiss\w*|lourde?s?|baiss\w*|mi-clos|a moitie (ferme|clos))",
    r"\b(oeil|yeux|paupieres?)\s+(ne\s+|n'\s?)?(s'\s?ouvre|se ferme|s'\s?ouvrent|se ferment|ouvre|ferme)\s+(pas|plus)\b",
    r"\b(n'\s?arrive|peux)\s+(pas|plus)\s+(a\s+)?(ouvrir|fermer)\s+(l'\s?|mon\s+|mes\s+|les\s+)?(oeil|yeux|paupiere)",
    r"\bptose\b|\bptosis\b",
    r"\b(vision|vue)\s+(n'\s?est|est)\s+(plus|pas)\s+(claire|nette|normale|comme avant)\b"
    r"|\b(vision|vue?)\s+(\w+\s+)?(floue|trouble|double|brouillee|embrouillee)\b|\bvois\s+(un peu\s+|tout\s+|plus\s+|comme\s+)?(flou|trouble|double)\b|\bflou(e)?\b|\bdiplopie\b",
    r"\b(visage|joue|levres?|bouche|sourire|front|sourcils?)\s+(\w+\s+){0,3}(faible|tombe|tombant\w*|affaiss\w*|asymetrique|de travers"
    r"|croche|tordu\w*|engourdi\w*|fige\w*|paralys\w*|crispe|raide|lourde?)\b",
    r"\bbouche\s+(\w+\s+)?seche\b|\bsecheresse\s+(de la\s+)?(bouche|buccale|des yeux|oculaire)\b|\byeux\s+(\w+\s+)?secs\b|\boeil\s+sec\b",
    r"\b(douleurs?|douloureu\w*|mal|bleus?|ecchymose|hematome|enflure|gonflement|gonfle|rougeurs?|bosse|sensible|demangeaisons?)\b.{0,30}"
    r"\b(point d'\s?injection|site d'\s?injection|piqures?|injections?|injecte)\b",
    r"\b(point d'\s?injection|site d'\s?injection|piqures?|injections?|l'\s?endroit)\b.{0,40}\b(fait mal|fait encore mal|douloureu\w*|enfle"
    r"|gonfle\w*|rouge|sensible|demange\w*|brule)\b",
    r"\b(un|des|deux|gros)\s+bleus?\b|\becchymose\b|\bhematome\b",
    r"\bmal\s+(a\s+la|de)\s+tete\b|\bmaux\s+de\s+tete\b|\bcephalee\w*",
    r"\b(fatigue\w*|epuise\w*|creve\w*|pas d'\s?energie|somnolen\w*)\b",
    r"\bmal\s+(au|a mon)\s+cou\b|\bdouleurs?\s+(au|dans le)\s+cou\b|\bcou\s+(\w+\s+)?(douloureux|raide|faible)\b"
    r"|\bnuque\s+(\w+\s+)?(raide|douloureuse|faible)\b|\btorticolis\b|\bmal\s+a\s+la\s+nuque\b",
    r"\b(mal|difficulte\w*|du mal|peine|misere|problemes?)\s+(a|pour|de)\s+(\w+\s+)?(macher|mastiquer|croquer)\b"
    r"|\b(n'\s?arrive|peux)\s+(pas|plus)\s+(a\s+)?(macher|mastiquer)\b|\bmachoire\s+(\w+\s+)?(faible|fatiguee|raide|lourde)\b",
    r"\bfaiblesse\b|\bmuscles?\s+(\w+\s+)?faibles?\b",
    r"\b(etourdi\w*|vertiges?|nausee\w*|urticaire|eruption|demange\w*|bave|baver)\b",
    r"\beffets?\s+secondaires?\b",
)

_TREATMENT = (
    r"(injections?|injected|shots?|botox|botx|btx|botex|botax|bot0x|treatments?|treated|tx|inj|injs|rounds?|jabs?|needles?|appointment"
    r"|procedure|session|dr\.? walters"
    r"|piqures?|traitements?|seances?|rendez-vous|rdv|injecte)"
)
_RECENT = (
    r"(yesterday|today|this morning|this afternoon|last (night|week|weekend|monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
    r"|on (monday|tuesday|wednesday|thursday|friday|saturday|sunday)|(\d+|a|one|two|three|four|five|few|couple( of)?)\s+(days?|weeks?|hours?)"
    r"\s+ago|earlier|on the \d{1,2}(st|nd|rd|th)|this past week|all week|day (\d+|two|three|four|five)|post-?(tx|treatment|injection)"
    r"|hier|avant-hier|aujourd'\s?hui|ce matin|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|la semaine (derniere|passee)"
    r"|il y a (\d+|un|une|deux|trois|quelques)\s+(jours?|semaines?|heures?))"
)
_WEEKDAY = r"(monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tues|wed|thurs|fri|sat|sun)"
_DAY_POSSESSIVE = r"(yesterday|today|monday|tuesday|wednesday|thursday|friday|saturday|sunday|last week|this morning)'?s"
_NOW = r"\b(now|still|currently|right now|started|starting|since then|ever since|afterwards|after that|maintenant|toujours|encore|depuis)\b"

# A cue that the treatment has happened and the symptom is present: since the treatment, the
# treatment on a recent day, or "I had it ... and now".
_STRONG_CUES = _compile((
    rf"\bsince\s+([\w']+\s+){{0,3}}{_TREATMENT}\b",
    rf"\bdepuis\s+(l'\s?|la\s+|le\s+|les\s+|mes\s+|ma\s+|mon\s+|une\s+|des\s+|ces\s+|cette\s+)?(\w+\s+)?{_TREATMENT}\b",
    rf"\b{_TREATMENT}\s+([\w']+\s+){{0,3}}(d'\s?|de\s+)?{_RECENT}\b",
    rf"\b{_RECENT}\s+([\w']+\s+){{0,3}}{_TREATMENT}\b",
    rf"\b{_DAY_POSSESSIVE}\s+([\w']+\s+)?{_TREATMENT}\b",
    # "So I came in Monday for my first Botox ... since Wednesday my left eyelid looks heavier"
    # (tests/dev/side_effects_dev.yml): a day named after "since", the treatment told.
    rf"\bsince\s+(last\s+)?({_WEEKDAY}|yesterday|this morning|last night)\b",
    # "had botox monday": a bare weekday only after a past-tense verb (not "can I get botox monday").
    rf"\b(had|got|received|gotten|was)\s+([\w']+\s+){{0,2}}{_TREATMENT}\s+(on\s+|last\s+|this\s+(past\s+)?)?{_WEEKDAY}\b",
    rf"\b(got|had|received|did|done|gotten|get|getting|j'\s?ai eu|j'\s?ai recu|j'\s?ai fait|on m'\s?a fait|on m'\s?a)\s+"
    rf"([\w']+\s+){{0,3}}{_TREATMENT}\b.*{_NOW}",
    rf"\b(my|mes|mon|ma)\s+(\w+\s+)?{_TREATMENT}\b.*{_NOW}",
    r"\bwhere\s+(they|he|she|you|the doctor|dr\.? walters)\s+(injected|put the needle)",
    r"\bwhere\s+(the needle went|i (got|was) (injected|poked|the shots?|the needle))",
    r"\b(la|l'\s?)\s?(ou|endroit ou)\s+(on m'\s?a|il m'\s?a|elle m'\s?a|vous m'\s?avez)\s+(injecte|pique)",
))
# Weaker: "after my injection" could be tomorrow's; it counts when the patient speaks of
# themselves and is not asking what might happen.
_WEAK_CUES = _compile((
    rf"\b(after|from|following|post)[\s-]+(my\s+|the\s+|these\s+|those\s+|this\s+|your\s+)?([\w']+\s+)?{_TREATMENT}\b",
    rf"\b(apres|suite a)\s+(l'\s?|la\s+|le\s+|les\s+|mes\s+|ma\s+|mon\s+)?(\w+\s+)?{_TREATMENT}\b",
    r"\b(injection|needle|shot)s?\s+(site|spot|area|point)s?\b|\b(point|site)s?\s+d'\s?injection\b"
    r"|\b(endroit|place|zone)s?\s+(de\s+|d'\s?|des\s+)(la\s+|l'\s?)?(injection|piqure)s?\b",
))
# A fragment that ends by asking whether it is normal: "neck stiff after the shots, normal?".
_IS_IT_NORMAL_TAIL = re.compile(
    r"[,:;.]\s*(is (this|that|it) |(c'\s?est|c'\s?tu|c'\s?est-tu|est-ce) )?(normal|normale|ok|okay|correct|grave|inquietant)\s*\?+\s*$"
)
_FIRST_PERSON = re.compile(r"\b(i|i'm|im|i've|ive|i'd|my|me|mine|myself|je|mon|ma|mes|moi)\b|\b[jm]'")
_HYPOTHETICAL = re.compile(
    r"^\s*(can|could|does|do|will|would|might|may)\s+(it|botox|the|injections?|shots?|treatments?|this|that|people|patients"
    r"|someone|you|one|they|there)\b"
    r"|^\s*(is|are)\s+(botox|the|injections?|shots?|treatments?|this|that|there)\b"
    r"|\b(can|could|will|would|might|may)\s+i\s+(get|have|develop|experience|expect|notice|end up|feel|be|look|see|become)\b"
    r"|\b(can|could|will|would|might|may|does|do)\s+(my|your)\b"
    r"|\b(i'll|i will|i'd|i would|i might|i may|i could|going to|gonna)\s+(\w+\s+)?(get|have|develop|experience|end up)\b"
    r"|\bhypothetical(ly)?\b|\b(botox|it|this|that|they|injections?|shots?)\s+(can|could|may|might)\s+(\w+\s+)?(make|cause|give|lead|trigger)\b"
    # "Is there any risk the baby could have trouble breathing if I get botox?" (care_dev2).
    r"|\b(any|a|some)\s+(risk|chance)\s+(that\s+)?(the|my|i|it|botox|this|someone|people)\b"
    r"|\bwhat if\b|\bwhat (happens|do i do|should i do|to do|would happen) if\b|\bis it (possible|common|likely) (to|that)\b|^\s*if\s+(my|i|the|it|there|you)\b|\bin case\b"
    r"|\b(worried|afraid|scared|nervous|concerned)\s+(that|about|of|i)\b"
    # Asked of anyone ("what side effects one might experience following the treatment").
    r"|\b(can|could|will|would|might|may)\s+(one|someone|people|patients|a person|they)\s+(\w+\s+)?(get|have|develop|experience|expect|notice|feel)\b"
    r"|\bwhat\s+(kind of\s+|sort of\s+|type of\s+)?(side effects?|symptoms?|reactions?)\s+(\w+\s+){0,4}(might|could|can|may|would|should|to expect)\b"
    r"|\b(peux|pourrais|vais|risque)[\s-]+(je\s+)?(avoir|developper|ressentir)\b|\bpeut[\s-]+(il|elle|on)?\s*(causer|provoquer|donner|entrainer)\b"
    r"|\best[\s-]ce\s+(que|qu'\s?)\s*(ca|le botox|l'\s?injection|on)\b|^\s*(le botox|l'\s?injection|les injections)\b.*\bpeu[tv]"
    r"|\b(que|quoi)\s+faire\s+(si|en cas)\b|\bet si\b|\bau cas ou\b|\bsi jamais\b|\ben cas d[e']|\b(je fais|on fait|dois-je faire|je dois faire)"
    r"\s+quoi\s+si\b|\bqu'\s?est-ce\s+que\s+je\s+(fais|dois faire)\s+si\b"
)
_SOMEONE_ELSE = re.compile(rf"\b(my|mon|ma|mes)\s+(best\s+)?({_OTHERS_EN}|boss|{_OTHERS_FR})\b")
_QUESTION_START = re.compile(r"\s*(is|are|can|could|does|do|will|would|what|how|why|when|should|est-ce|est ce)\b")
# A symptom that has gone or got better is not a symptom now ("gone fuzzy" is not gone).
_RESOLVED = re.compile(
    r"\bgone\b(?!\s+(\w+\s+)?(fuzzy|blurr\w*|numb|weak|droop\w*|dry|stiff|crooked|weird|funny|hazy|bad|red|swollen|sore|heavy"
    r"|lopsided|wonky))|\b(better|improv\w*|disappeared|went away|cleared|resolved|no longer|no more|less|fewer|helped|helping|relief"
    r"|(est|sont) partie?s?|disparue?s?|mieux|ameliore\w*|moins)\b"
)
_SYMPTOM_DENIALS = _compile((
    _denial(
        r"no|not|never|without|don'?t|do not|doesn'?t|didn'?t|isn'?t|aren'?t|haven'?t|hasn'?t",
        _EN_NEG_FILLERS,
        r"pain|headaches?|bruis\w*|swelling|droop\w*|blurr\w*|dry|fatigue|tired|weak\w*|problems?|side effects?|issues?",
    ),
    _denial(
        _FR_NEG_HEADS,
        _FR_NEG_FILLERS,
        r"douleurs?|mal|bleus?|gonflement|flou|fatigue|faiblesse|problemes?|effets? secondaires?|soucis?"
        r"|vision(\s+(floue|trouble|double|brouillee))?|vue(\s+(floue|trouble|double|brouillee))?"
        r"|paupieres?(\s+(qui\s+)?(tombe\w*|lourde?s?|tombante?s?))?|bouche\s+seche|secheresse|raideur|maux\s+de\s+tete|ecchymoses?"
        r"|hematomes?|rougeurs?|enflure|demangeaisons?|nausees?|vertiges?",
    ),
    r"\b((ne\s+|n'\s?)(tomb\w*|s'\s?affaiss\w*|baiss\w*|est|sont|semble|semblent|parait|paraissent|fait|font)\s+(pas|plus|jamais|aucunement)"
    # Spoken French drops the "ne": "ma paupière tombe pas", "est pas lourde"; never "plus" there
    # ("tombe plus" may be "droops more").
    r"|(tomb\w*|s'\s?affaiss\w*|baiss\w*|est|sont|semble|semblent|parait|paraissent|fait|font)\s+(pas|jamais|pus?))"
    r"(\s+(du tout|vraiment|tombante?s?|lourde?s?|floue?s?|enfle\w*|gonfle\w*|douloureu\w*|raides?|faibles?|seche?s?|croches?"
    r"|asymetriques?|affaissee?s?|mal))*\b(?!\s+(claire?s?|nette?s?|normale?s?|comme avant|capable|symetriques?|pareil\w*|droite?s?))",
))
_SYMPTOM_PATTERNS = _compile(_SYMPTOMS_EN + _SYMPTOMS_FR)
_TREATMENT_MENTION = re.compile(rf"\b{_TREATMENT}\b|\b(on|il|elle|vous|ils)\s+m'\s?(a|ont|avez)\s+(pique|injecte)\b")


# A clause about someone else's body ("said her eyes were dry for a bit afterwards"), with no word
# of the patient's own.
_THIRD_PERSON = re.compile(r"\b(her|his|their|she|he|they|sa|son|ses|elle|il)\b")


# A clause that asks about the treatment in general ("can botox cause an allergic reaction", "is
# dry eye a known side effect"), not "can't lift my brow" (a "can" with an apostrophe is no question).
_GENERAL_QUESTION = re.compile(
    r"\s*((can|could|does|do|will|would|might|may)\s+(it|botox|the|injections?|shots?|treatments?|this|that|people|patients"
    r"|someone|you|one|they)\b|(is|are)\s+([\w']+\s+){1,3}(a\s+|an\s+)?(known\s+|common\s+|possible\s+|normal\s+)?side\s*effects?\b)"
)


# The condition the treatment is for, not a symptom after it: "now I'm being told it might help my
# headaches" (development set 9: a mother's forehead Botox years ago read as the patient's reaction).
_TREATED_FOR = re.compile(
    r"\b(help|helps|helped|helping|treat|treats|treated|treating|relieve|relieves|ease|eases|fix|fixes|for)\s+(with\s+)?"
    r"(my|the|your|his|her|their)\s+(\w+\s+){0,2}(headaches?|migraines?|jaw\s+pain|jaw|clenching|grinding|tmj)\b",
    re.IGNORECASE,
)


def _has_symptom_now(text: str, only_own: bool = False) -> bool:
    parts = clauses(text, _SYMPTOM_CLAUSES)
    for number, clause in enumerate(parts):
        if _RESOLVED.search(clause):
            continue
        # Dated as long past by the next sentence ("I got hives all over. That was years ago").
        if _dated_by_next(parts, number):
            continue
        if only_own and not _FIRST_PERSON.search(_SOMEONE_ELSE.sub(" ", clause)):
            # Someone else's symptom told in the past ("her eyes were dry for a bit afterwards"),
            # or a general question ("is dry eye a known side effect"): not the patient's now. A
            # symptom someone else has now ("now her eyelid droops") still counts.
            if _THIRD_PERSON.search(clause) and _PAST_TENSE.search(clause) and not _PRESENT.search(clause):
                continue
            if _GENERAL_QUESTION.match(clause) and not _THIRD_PERSON.search(clause):
                continue
        remaining = _TREATED_FOR.sub(" ", _blank_denials(clause, _SYMPTOM_DENIALS))
        if any(p.search(remaining) for p in _SYMPTOM_PATTERNS):
            return True
    return False


def _told_as_now(normalised: str) -> bool:
    """A word that the treatment happened and the symptom is there, now or recently ("since my
    shots", "still", "yesterday"): then a question about it is no what-if."""
    return (any(cue.search(normalised) for cue in _STRONG_CUES) or bool(re.search(_NOW, normalised))
            or bool(re.search(rf"\b{_RECENT}\b|\bsince\b", normalised)))


def asks_what_might_happen(text: str | None) -> bool:
    """A question about what may happen after a treatment ("will I get a headache after the
    shots?", "is it normal to be tired after botox?"), not a report of a symptom the patient has.

    Asked as a hypothetical, or as a question that isn't about the patient themself, with no
    word that the symptom is there now or started recently ("since Monday", "still", "now"). In
    doubt it is a report: "my eyelid is droopy since Monday, is that normal?" is never a question.
    """
    if not text:
        return False
    normalised = normalise(text)
    if describes_symptom_after_treatment(text) or _told_as_now(normalised):
        return False
    personal = bool(_FIRST_PERSON.search(_SOMEONE_ELSE.sub(" ", normalised)))
    question = bool(_QUESTION_START.match(normalised)) or normalised.rstrip().endswith("?")
    return bool(_HYPOTHETICAL.search(normalised)) or (question and not personal)


_SAID_HYPOTHETICALLY = re.compile(r"\b(hypothetical(ly)?|hypothetiquement|en theorie|hipoteticamente)\b")


def asks_hypothetically(text: str | None) -> bool:
    """Asked as a what-if in so many words ("will it make it hard to swallow?", "if i had a reaction
    would my throat swell up?", "can botox cause trouble breathing?"), with no word that anything is
    happening now or started recently. Narrower than `asks_what_might_happen`: a bare question
    ("throat tight??") is not enough. The NLU component lets it outweigh the classifier's own
    emergency reading of a message the emergency patterns (which ran first) did not catch."""
    if not text:
        return False
    normalised = normalise(text)
    # "hypothetically, if my tongue started swelling ..." says in so many words that nothing is
    # happening, whatever its tense (care_dev2).
    if _SAID_HYPOTHETICALLY.search(normalised):
        return True
    return not _told_as_now(normalised) and bool(_HYPOTHETICAL.search(normalised))


def describes_symptom_after_treatment(text: str | None) -> bool:
    """True when `text` describes a symptom the patient has now, after an injection (English, French).

    Needs three things: a symptom (eyelid droop, an eye that won't open or close, blurred or
    double vision, a weak or crooked face, dry mouth or eyes, pain, bruising or swelling where
    the needle went, headache, fatigue, neck pain, trouble chewing, ...), the treatment named,
    and a cue that it already happened: "since my shots", "the injection yesterday", "I got
    botox on Monday and now", "depuis l'injection" — or "after my injection" from a patient
    speaking of themselves who is not asking what might happen ("will I get a headache after my
    injection?" is a question). General questions ("can it cause eyelid droop?", "is blurred
    vision a side effect?") are not. An emergency is not this either: `is_emergency` wins.
    """
    if not text or is_emergency(text):
        return False
    normalised = normalise(text)
    if not _TREATMENT_MENTION.search(normalised) or not _has_symptom_now(text):
        return False
    # "my friend had blurry vision after her botox" is someone else's story, not the patient's;
    # so is "My friend had botox ... said her eyes were dry for a bit afterwards. Now I'm nervous"
    # (development set 3): only a clause about someone else's body tells the symptom.
    if _SOMEONE_ELSE.search(normalised) and not _has_symptom_now(text, only_own=True):
        return False
    personal = bool(_FIRST_PERSON.search(_SOMEONE_ELSE.sub(" ", normalised)))
    hypothetical = bool(_HYPOTHETICAL.search(normalised))
    if any(cue.search(normalised) for cue in _STRONG_CUES):
        return personal or not hypothetical
    if any(cue.search(normalised) for cue in _WEAK_CUES):
        # "eyelid droopy after botox" states it; "headache after botox?" may be asking; "cou raide
        # + fatigue après les injections, normal?" asks whether what they have is normal.
        question = (normalised.endswith("?") or bool(_QUESTION_START.match(normalised))) and not _IS_IT_NORMAL_TAIL.search(normalised)
        # "mon amie a eu la paupière tombante après son botox": someone else's, told as the past.
        someone_else = bool(_SOMEONE_ELSE.search(normalised))
        return (personal or not (question or someone_else)) and not hypothetical
    return False


# Broader than `_ALARM`: any clause with one of these words must be history for the classifier's
# emergency reading to be set aside.
_URGENT_WORDS = re.compile(
    r"\b(tongue|lips?|mouth|face|chok\w*|epi\s?pens?|seizure\w*|convuls\w*|collaps\w*|bleed\w*|blood|pass(ed|ing)? out|black(ed)? out"
    r"|emergenc\w*|urgen\w*|911|ambulance|numb\w*|weak\w*|stroke|slurr\w*|can'?t|cannot|cant|now|today|levres?|langue|visage|urgence"
    r"|lengua|labios?|cara|ahora)\b"
)


_AND = re.compile(r"\b(and|so|et|y)\b")


def _alarming(text: str) -> bool:
    return bool(_ALARM.search(text) or _URGENT_WORDS.search(text))


# Idioms with a word of alarm in them: "my jaw pain literally takes my breath away 😂" was read as an
# emergency by the classifier (development set 6); the patterns never read these as symptoms.
_IDIOMS = re.compile(
    r"\b(takes?|took|taking)\s+(my|your|the)\s+breath\s+away\b|\bbreath\s*taking\b|\b(hard|bitter|tough)\s+pill\s+to\s+swallow\b"
    r"|\b(price|cost|bill|news|that|it)('s|\s+is|\s+was)?\s+(a\s+)?(bit\s+|little\s+)?(hard|tough)\s+to\s+swallow\b"
    r"|\b(not\s+)?(holding|hold)\s+my\s+breath\s+(for|waiting|on)\b|\bbated\s+breath\b|\bsave\s+your\s+breath\b"
)


def alarms_only_in_idioms(text: str | None) -> bool:
    """Whether every word of alarm in `text` is inside an idiom ("takes my breath away"): the
    classifier's emergency reading of it is no better founded than the patterns' silence."""
    if not text:
        return False
    normalised = normalise(text)
    return bool(_IDIOMS.search(normalised)) and not _alarming(_IDIOMS.sub(" ", normalised))


def tells_only_history(text: str | None) -> bool:
    """True when every clause of `text` with a word of alarm is history ("Previous allergic
    reactions: yes - anaphylaxis to shellfish in 2015", "My mom had anaphylaxis to bee stings
    decades ago — is that something I should tell you?"): the emergency patterns skipped those
    clauses, and the classifier's own emergency reading of the message is no better founded
    (tests/dev/care_dev2.yml). A message with a word of alarm outside history is not this."""
    if not text or is_emergency(text):
        return False
    parts = clauses(_RIGHT_NOW.sub("now", normalise(text)))
    alarming = [n for n, clause in enumerate(parts) if _alarming(clause)]
    if not alarming:
        return False
    for n in alarming:
        if _dated_by_next(parts, n):
            continue
        # Each piece joined by "and" or "so" on its own: "I had anaphylaxis years ago and my lips
        # feel weird" tells something beside the history.
        for piece in _AND.split(parts[n]):
            if _alarming(piece) and not _LONG_AGO.search(piece):
                return False
    return True


def denies_emergency(text: str | None) -> bool:
    """True when `text` denies an urgent symptom ("je n'ai pas de difficulté à respirer", "no
    trouble swallowing") and tells none. The NLU component uses it to stop the classifier's own
    "emergency" reading of such a message from raising a false 911 alarm: a patient who says
    what they do NOT have is answered on what they asked."""
    if not text or is_emergency(text):
        return False
    normalised = _RIGHT_NOW.sub("now", normalise(text))
    return any(denial.search(clause) for clause in clauses(normalised) for denial in _EMERGENCY_DENIALS)


# --------------------------------------------------------------------------- words of distress

# The classifier's reading of "crisis" (its best or, when it is unsure, its second best) is taken
# only if the message has a word of that kind: appointment questions read as "crisis" got the 988
# message. Broad on purpose (stems, three languages): the patterns above are the first line;
# this only keeps a guess from firing on a message with nothing of distress in it. The emergency
# runner-up has no such gate: an emergency the patterns miss may be worded any way at all, and a
# 911 line shown by mistake costs less than one withheld.
_CRISIS_WORDS = re.compile(
    r"\b(die|dying|dead|death|kill\w*|suicid\w*|end (it|it all|my life|things|everything)|live|living|life|alive|hopeless\w*"
    r"|worthless|give up|giving up|go on|going on|no point|burden|hurt(ing)? myself|harm\w*|cut(ting)? myself|overdos\w*|pills"
    r"|disappear\w*|better off|wake up|can'?t (take|cope|do this)|tired of|despair\w*|mourir|mort|meurs|tuer|vivre|vie|en finir"
    # Stems of the English crisis phrasings the patterns know (tests/bot/safety_phrasings.yml): a
    # classifier reading of "crisis" in English is taken only with one of these words.
    r"|kms|unaliv\w*|(the|no) point|keep going|died|born|forever|rope|hang\w*|jump(s|ed|ing)?|bridge|goodbyes?|letters?|note"
    r"|cutting|kil+\w*|su?[ie]?cid\w*|want to dye|into a wall|(thanks|thank you) for everything"
    r"|(cut|burn|burned|burning|scratch|hit|hitting|hurt|hurting|shoot|drown|use it on) (my|him|her)sel(f|ves)|exist\w*|ending|gun|suffering"
    r"|hope\w*|be here|be around|all (to be )?over|gone|woke|nobody|no one|without me|happier|miss me|last message|wrists?"
    r"|knife|train|vanish|keep doing this|notice|a problem for anyone|oxy\w*|sleep forever|my things"
    r"|disparaitre|me faire du mal|desespo\w*|tanne\w*|ecoeure\w*|plus la force|morir|muerte|matar\w*|vivir|vida|acabar)\b"
)


def may_be_crisis(text: str | None) -> bool:
    """Whether `text` has any word that a message in crisis would have (see above)."""
    return bool(text) and bool(_CRISIS_WORDS.search(normalise(text)))
