"""Pattern safeguards: what must be caught even when the classifier is unsure, in any state.

Three questions about a patient's message, each a pure function:
- `is_emergency`: an urgent symptom (trouble breathing, swallowing or speaking, a severe allergic
  reaction, spreading weakness, a few universal ones), in English, French or Spanish;
- `is_crisis`: thoughts of suicide or self-harm, stated directly or indirectly (English, French,
  and the commonest Spanish);
- `describes_symptom_after_treatment`: a symptom the patient has now, after an injection
  (English and French), as opposed to a question about side effects in general.

How a message is read:
- Normalised first: lower case, typographic apostrophes made straight, accents removed ("à
  respirer" and "a respirer" are the same), spaces collapsed. The patterns are written without
  accents.
- Cut into clauses at punctuation and at "but / mais / pero", "now / maintenant / ahora" and the
  like: a denial only speaks for its own clause ("never had a reaction before but my throat is
  closing" is an emergency).
- In each clause the denied phrases are blanked out before the symptoms are looked for: a
  negation word, a few filler words, then the thing denied ("no trouble breathing", "je n'ai pas
  de difficulté à respirer", "sin dificultad para tragar"). A symptom's own "no" is not a denial
  ("no puedo respirar", "je ne peux pas avaler"): a denial must name a noun such as trouble,
  difficulty, swelling, never a verb, so "can't", "n'arrive pas à" and "no puedo" stay symptoms.
  Blanking the denied phrase rather than skipping the clause keeps "je ne peux pas avaler sans
  douleur" an emergency.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from re import Pattern

# --------------------------------------------------------------------------- reading a message


def normalise(text: str) -> str:
    """Lower case, straight apostrophes, no accents, single spaces."""
    text = text.lower().replace("’", "'").replace("‘", "'").replace("`", "'").replace("œ", "oe").replace("æ", "ae")
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.split())


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
    """A negation word, at most three filler words, then the noun it denies."""
    return rf"\b({heads})\s+(({fillers})\s+|d'\s?|l'\s?){{0,3}}({nouns})\b"


def _blank_denials(clause: str, denials: tuple[Pattern[str], ...]) -> str:
    for denial in denials:
        clause = denial.sub(" | ", clause)
    return clause


def _matches(text: str, patterns: tuple[Pattern[str], ...], denials: tuple[Pattern[str], ...]) -> bool:
    for clause in clauses(text):
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
    r"|can barely|can hardly|hurts? to|painful to)"
)
_BREATHE = r"(breath(e|ing)?|catch my breath)"
_SWALLOW = r"(swallow(ing)?)"
_SPEAK_DIFFICULTY = r"(trouble|difficult(y|ies)?|hard to|hard time|struggling to|barely|hardly|problems?)"
_NOT_A_SYMPTOM_EN = r"(?!\s+(in\s+)?(english|french|spanish|to\b|with\b|on the phone))"

_EMERGENCY_EN = (
    rf"\b{_DIFFICULTY}\s+(\w+\s+){{0,2}}({_BREATHE}|{_SWALLOW})\b",
    rf"\b({_BREATHE}|{_SWALLOW})\s+(is|was|feels?|has been|got|getting)\s+(\w+\s+)?(hard|difficult|tough|impossible|painful)\b",
    r"\b(breathing|swallowing)\s+(problems?|trouble|difficult(y|ies)?|issues?)\b",
    r"\bhurts? when i (breathe|swallow)\b",
    r"\b(short(ness)? of breath|breathless|gasping|wheez(e|ing)|choking|(can'?t|cannot|cnt) get (enough |any )?air)\b",
    r"\b(cnt|cant)\s+(breath(e)?|swallow)\b",
    rf"\b{_SPEAK_DIFFICULTY}\s+(\w+\s+){{0,2}}(speak(ing)?|talk(ing)?)\b{_NOT_A_SYMPTOM_EN}",
    r"\b(can'?t|cannot|unable to)\s+(speak|talk)\s+(properly|clearly|right|normally|well)\b",
    r"\bslurr(ed|ing)\b|\bgarbled\s+(\w+\s+)?(speech|words|talking)\b|\bspeech\s+(is\s+)?garbled\b",
    # A tight face is a common, harmless feeling after the injections; a tight throat is not.
    r"\b(throat|tongue|lips?|face|mouth)\s+(is\s+|are\s+|feels?\s+|getting\s+|started\s+|keeps\s+)?(swell(ing)?|swollen|closing( up)?)\b",
    r"\b(throat|tongue)\s+([\w']+\s+){0,3}(closing|swell(ing)?|swollen|tight(ening|er)?)\b",
    r"\bswollen\s+(throat|tongue|lips?|face)\b",
    r"\bswell(ing|ed)?\s+(of|in)\s+(my\s+)?(throat|tongue|lips?|face)\b",
    r"\b(anaphyla\w*|anafila\w*|epi ?pen|(severe|serious|bad|major)\s+allergic|allergic reaction\b.*\b(bad|severe|serious))\b",
    r"\b(hives|rash|welts)\s+(all over|everywhere)\b|\bcovered in (hives|welts)\b",
    r"\b(hives|welts)\b.*\b(dizz\w*|faint\w*|swollen|swelling|throat|breath\w*|lips?)\b",
    r"\b(weakness|numbness|paralysis)\s+(is\s+|has\s+)?(spreading|spread|moving|moved|going)\b",
    r"\bweakness\s+in\s+my\s+(arms?|legs?|whole body|body|neck)\b",
    r"\b(spreading|getting worse)\s+weakness\b",
    r"\b(weak|numb)\s+all over\b",
    r"\b(arms?|legs?|body|neck)\s+([\w']+\s+){0,3}(weak(er|ening)?|numb)\b.*\b(after|since|worse|spreading)\b",
    r"\bchest\s+(pain|tight(ness)?)\b|\bchest\s+(feels\s+|is\s+)?(\w+\s+)?(tight|heavy)\b",
    r"\b(this|it)\s*('?s|is)\s+(really\s+|very\s+)?urgent\b",
    r"\b(i'?m|i am|having|this is|it'?s|it is)\s+(a|an)?\s*(medical\s+)?emergency\b",
    r"\b(call(ed)?|calling)\s+(911|an ambulance)\b|\b911\b",
    r"\b(passing|passed|going to pass) out\b|\bfainted\b",
)

# French (written without accents: "a" is also "à").
_FR_DIFFICULTY = (
    r"(du mal|de la misere|misere|de la peine|peine|de la difficulte|des difficultes|difficultes?|un probleme|des problemes|problemes?"
    r"|mal|dur|difficile|impossible|(pas|plus) capable|incapable)"
)
_FR_CANT = r"((j'?\s?|n'?\s?|ne\s+)?(arrive|parviens|reussis)\s+(pas|plus|presque pas|presque plus|pas du tout|plus du tout)\s+a)"
_FR_BREATHE = r"(respirer|reprendre (mon|son) souffle|trouver (mon|son) souffle|avoir de l'\s?air)"
_FR_SWALLOW = r"(avaler|deglutir)"
_FR_SPEAK = r"(parler|articuler)(?!\s+(l'\s?)?(anglais|francais|espagnol|a\b|au\b|avec\b|au telephone))"
_FR_BODY = r"(gorge|langue|levres?|visage|bouche|figure)"

_EMERGENCY_FR = (
    rf"\b{_FR_DIFFICULTY}\s+(a|pour|de|d'\s?)\s*(bien\s+)?({_FR_BREATHE}|{_FR_SWALLOW}|{_FR_SPEAK})\b",
    rf"\b{_FR_CANT}\s+(bien\s+)?({_FR_BREATHE}|{_FR_SWALLOW}|{_FR_SPEAK})\b",
    rf"\bpeu[xt]\s+(pas|plus|presque pas|presque plus|quasiment pas)\s+(bien\s+)?({_FR_BREATHE}|{_FR_SWALLOW})\b",
    r"\bpeu[xt]\s+(pas|plus)\s+parler\s+(correctement|normalement|clairement|bien)\b",
    rf"\b({_FR_BREATHE}|{_FR_SWALLOW}|parler)\s+(est|devient|c'\s?est|reste)\s+(\w+\s+)?(difficile|dur|penible|impossible|douloureux)\b",
    r"\bmal\s+(quand|lorsque)\s+(je\s+|j'\s?)(respire|avale)\b",
    r"\b(essouffle\w*|souffle court|a bout de souffle|suffoqu\w*|j'\s?etouffe|m'\s?etouffe|etouffement"
    r"|manque d'\s?air|manquer d'\s?air|detresse respiratoire|gene respiratoire|difficultes? respiratoires?"
    r"|respiration (difficile|sifflante|laborieuse|bloquee|coupee))\b",
    r"\brespire\s+(mal|difficilement|avec difficulte|plus|pas bien|a peine)\b|\bn'\s?arrive plus a respirer\b",
    r"\b(trouble|troubles|difficulte|difficultes)\s+(de|d')\s*(la\s+)?(parole|elocution|deglutition)\b|\bparole\s+(pateuse|difficile)\b",
    rf"\b{_FR_BODY}\s+(qui\s+|me\s+|se\s+|s'\s?)?(enfle|gonfle|enflent|gonflent|est enflee|est gonflee|sont enflees|sont gonflees"
    r"|enflee?s?|gonflee?s?|se serre|serree|se ferme|se bloque|se resserre)\b",
    rf"\b(gonflement|enflure|oedeme|boursouflure)\s+(de|du|des|a|au|aux|dans)\s+(la\s+|ma\s+|les\s+|mes\s+|l'\s?)?{_FR_BODY}",
    r"\boedeme de quincke\b",
    r"\b(reaction|crise)\s+allergique\s+(\w+\s+)?(grave|severe|serieuse|forte|importante|violente|intense)\b"
    r"|\b(grave|severe|serieuse|forte|grosse|violente)\s+reaction\s+allergique\b",
    r"\bchoc anaphylactique\b|\bstylo (d'\s?)?(epinephrine|adrenaline)\b",
    r"\burticaire\s+(partout|sur tout le corps|generalisee)\b",
    r"\bfaiblesse\s+(qui\s+)?(se\s+propage|se\s+repand|s'\s?etend|gagne|progresse|s'\s?aggrave|augmente|descend|monte|avance)\b",
    r"\bfaiblesse\s+(dans|aux|au|a)\s+(les\s+|mes\s+|la\s+|le\s+|l'\s?)?(bras|jambes?|corps|tout le corps|cou|nuque)\b",
    r"\b(faible|faibles|engourdie?s?)\s+(de\s+)?partout\b",
    r"\b(bras|jambes?|corps)\s+(\w+\s+){0,2}(faibles?|engourdie?s?|paralysee?s?)\b.*\b(depuis|apres)\b",
    r"\b(engourdissement|paralysie)\s+(qui\s+)?(se\s+propage|s'\s?etend|gagne|progresse)\b",
    r"\bdouleurs?\s+(a|dans)\s+(la|ma)\s+poitrine\b|\bdouleurs?\s+thoraciques?\b|\boppression\s+(\w+\s+){0,2}(poitrine|thoracique)\b"
    r"|\bmal\s+(a|dans)\s+la\s+poitrine\b",
    r"\b(c'\s?est|il s'\s?agit d'\s?)\s*une\s+urgence\b|\burgence\s+medicale\b",
    r"\b(appeler|appelle|appele|composer)\s+(une|l'\s?)\s*ambulance\b",
    r"\bevanou\w*|\bperdu connaissance\b|\bperte de connaissance\b",
)

# Spanish (without accents). "no puedo hablar" alone is availability, as in English.
_ES_DIFFICULTY = (
    r"(dificultad(es)?|problemas?|me cuesta|cuesta|me es dificil|es dificil|dificil|me duele|duele|no puedo|casi no puedo"
    r"|apenas puedo|no logro|no consigo|no soy capaz de|imposible)"
)
_ES_SPEAK_DIFFICULTY = r"(dificultad(es)?|problemas?|me cuesta|cuesta|me es dificil|es dificil|dificil|apenas puedo|no logro|no consigo)"
_ES_BREATHE_SWALLOW = r"(respirar|tragar|pasar saliva)"
_ES_SPEAK = r"(hablar)(?!\s+(en\s+)?(ingles|frances|espanol|con\b|por telefono|ahora))"
_ES_BODY = r"(garganta|lengua|labios?|cara|boca)"

_EMERGENCY_ES = (
    rf"\b{_ES_DIFFICULTY}\s+(para\s+|al\s+|de\s+)?(bien\s+)?{_ES_BREATHE_SWALLOW}\b",
    rf"\b{_ES_SPEAK_DIFFICULTY}\s+(para\s+|al\s+|de\s+)?(bien\s+)?{_ES_SPEAK}\b",
    r"\bno puedo hablar\s+(bien|claro|claramente|normal|normalmente)\b",
    r"\b(respirar|tragar|hablar)\s+(es|esta|se ha vuelto|se hace|me resulta)\s+(muy\s+)?(dificil|imposible|doloroso)\b",
    r"\b(me falta (el )?aire|falta de aire|me ahogo|me estoy ahogando|ahogando|no me entra (el )?aire|respiro mal"
    r"|respiro con dificultad|silbido al respirar)\b",
    rf"\bse me (esta\s+|estan\s+)?(hincha|hinchan|hinchando|inflama|inflaman|inflamando|cierra|cerrando)\s+(la\s+|el\s+|los\s+)?{_ES_BODY}",
    rf"\b{_ES_BODY}\s+(se\s+(me\s+)?)?(esta\s+|estan\s+|muy\s+)?(hinchad[ao]s?|inflamad[ao]s?|hincha|hinchando|cierra|cerrando|cerrada)\b",
    rf"\b(hinchazon|inflamacion)\s+(de|en)\s+(la\s+|el\s+|los\s+|mi\s+|mis\s+)?{_ES_BODY}",
    r"\breaccion\s+alergica\s+(\w+\s+)?(grave|severa|fuerte|seria|intensa)\b|\b(grave|fuerte|severa|seria)\s+reaccion\s+alergica\b",
    r"\bchoque anafilactico\b|\burticaria\s+(por todo|en todo)\b",
    r"\bdebilidad\s+(que\s+)?(se\s+)?(esta\s+)?(extiende|propaga|extendiendo|propagando|avanza|avanzando)\b",
    r"\bdebilidad\s+en\s+(los\s+|las\s+|el\s+|todo\s+el\s+|mis\s+)?(brazos?|piernas?|cuerpo|cuello)\b",
    r"\b(brazos?|piernas?|cuerpo)\s+(\w+\s+){0,2}(debil(es)?|dormid[oa]s?|entumecid[oa]s?)\b",
    r"\bdolor\s+(en\s+el|de)\s+pecho\b|\bopresion\s+en\s+el\s+pecho\b",
    r"\bes\s+una\s+emergencia\b|\b(emergencia|urgencia)\s+medica\b",
    r"\b(me\s+)?desmay\w*|\bperdi\s+el\s+conocimiento\b",
    r"\bllam(ar|e|o)\s+(a\s+)?(una\s+)?ambulancia\b",
)

_EN_NEG_FILLERS = (
    r"any|an?|the|some|real|major|serious|big|more|much|further|actual|obvious|have|having|had|got|get|getting"
    r"|experienced|experiencing|notice|noticed|feel|feeling|felt|feels|like|been|signs?|of|ever|at|all|really|kind|sort"
    r"|such|new|bad|other|my|problem|with"
)
_FR_NEG_FILLERS = (
    r"de|du|des|la|le|les|un|une|eu|vraiment|du tout|tout|trop|grand|grande|grave|moindre|signe|signes|senti|ressenti"
    r"|remarque|note|observe|constate|encore|plus|particulier|particuliere|vrai|vraie|reel|reelle|avoir|en"
)
# "pas mal de difficulté" is "quite a lot of difficulty", and "plus de mal" without "ne" is "more
# trouble" ("de plus en plus de mal": more and more): neither is a denial.
_FR_NEG_HEADS = r"pas(?!\s+mal\s+d)|(n'\s?|ne\s+)(\w+\s+)?plus|aucun|aucune|sans|jamais|ni|non|point|rien"
_ES_NEG_FILLERS = (
    r"tengo|tenia|tuve|he|ha|tenido|hay|habia|siento|senti|noto|note|ningun|ninguna|mucho|mucha|muchos|muchas"
    r"|gran|grandes|la|el|los|las|un|una|de|ya|mayor|mayores|tipo|algun|alguna|me|nada"
)

_EMERGENCY_DENIALS = _compile((
    _denial(
        r"no|not|never|without|none|nor|zero|don'?t|do not|doesn'?t|does not|didn'?t|did not|isn'?t|is not|aren'?t"
        r"|are not|haven'?t|have not|hasn'?t|has not|wasn'?t|weren'?t",
        _EN_NEG_FILLERS,
        r"trouble|difficult(y|ies)?|problems?|issues?|swelling|swollen|allergic|allergy|reaction|weakness|emergency"
        r"|chest|hives|short(ness)? of breath|breathless|numbness",
    ),
    _denial(
        _FR_NEG_HEADS,
        _FR_NEG_FILLERS,
        r"difficultes?|mal|problemes?|soucis?|gonflement|enflure|oedeme|reaction|faiblesse|urgence|douleurs?|gene"
        r"|essoufflement|urticaire|allergie|allergique",
    ),
    _denial(
        r"no|sin|ningun|ninguna|ninguno|nunca|tampoco|ni",
        _ES_NEG_FILLERS,
        r"problemas?|dificultad(es)?|hinchazon|inflamacion|reaccion|debilidad|dolor|emergencia|urgencia|molestias?"
        r"|alergia|cuesta|duele",
    ),
))
_EMERGENCY_PATTERNS = _compile(_EMERGENCY_EN + _EMERGENCY_FR + _EMERGENCY_ES)


def is_emergency(text: str | None) -> bool:
    """True when `text` describes an urgent symptom (English, French or Spanish) in words the net knows.

    Urgent: trouble breathing, swallowing or speaking, a severe allergic reaction (throat, tongue,
    lips or face swelling), weakness that spreads, chest pain, fainting, "emergency", 911. A clause
    that denies the symptom ("no trouble breathing", "pas de gonflement", "sin dificultad para
    tragar") is not one; a symptom's own negation ("no puedo respirar") is.
    """
    if not text:
        return False
    return _matches(text, _EMERGENCY_PATTERNS, _EMERGENCY_DENIALS)


# --------------------------------------------------------------------------- crisis

# Decided: "this pain is killing me", "my jaw is killing me", "dead tired", "kill the pain", "I'd
# kill for some sleep", "to die for", "dying to know" are NOT crisis. They are the commonest ways
# patients describe pain or eagerness, and their subject is the pain, not the patient acting on
# themselves; the patterns below look for a self-directed wish or act (kill myself, want to die,
# not want to live, hurt myself). A message that adds one ("this pain is killing me, I want to
# die") is caught. Likewise "I can't take it anymore" and "I can't live with this pain" are left
# to the classifier: they are how many chronic-pain patients ask for help, and forcing the crisis
# reply on them would replace the answer they asked for. Stronger forms ("I can't go on", "I can't
# live like this anymore") are caught. Everything else leans towards catching: a false alarm
# shows a helpline number, a miss leaves a person in danger without one.
# A modal before the self-directed verb makes it a question about the treatment ("can it kill
# me", "peut-il me tuer", "puede matarme"), not a wish.
_NOT_A_QUESTION_FR = r"(?<!\bpeut )(?<!\bpeut-il )(?<!\bpeut-elle )(?<!\bpourrait )(?<!\bva )(?<!\bvont )(?<!\bpeuvent )(?<!\bca )"
_NOT_A_QUESTION_ES = r"(?<!\bpuede )(?<!\bpodria )(?<!\bpueden )(?<!\bva a )"

_CRISIS_EN = (
    r"\bsuicid\w*",
    r"\bkill(ing)?\s+my\s*self\b|\bkms\b|\bunalive\w*",
    r"\b(end|ending|take|taking)\s+my\s+(own\s+)?life\b",
    r"\bend(ing)?\s+it\s+all\b",
    r"\b(want|wanted|wanna|going|gonna|thinking|thought|think|ready|plan|planning|decided)\s+(\w+\s+){0,2}(to|of|about|on)\s+"
    r"end(ing)?\s+(it|things|everything)\b(?!\s+(here|now|with (you|the|this|my)))",
    r"\b(want|wanna|wanting|wish|ready)\s+(\w+\s+){0,2}(to\s+)?die\b",
    r"\bwish\s+(i\s+)?(was|were|could be)\s+(dead|gone|never born)\b|\bwish\s+i\s+(wasn'?t|weren'?t)\s+(alive|here|born)\b",
    r"\bbetter\s+off\s+(dead|without\s+me|if i (was|were) gone)\b|\bbe better off without me\b",
    r"\b(don'?t|do not|didn'?t|no longer|not|never)\s+(\w+\s+){0,2}(want|wanna|wish)\s+(to\s+)?"
    r"(live(?!\s+with\b)|be alive|exist|wake up|keep living|continue living|carry on|be here any\s?more)\b",
    r"\b(don'?t|do not|no longer|not)\s+(\w+\s+){0,2}(want|wanna)\s+(to\s+)?(go on|keep going)\s+(living|any\s?more|like this|with (my )?life)\b",
    r"\b(no|any|what'?s the|see the|see any|is the)\s+(reason|point)\s+(to|in|of)\s+(live|living|life|go(ing)? on|keep(ing)? going|being alive)\b",
    r"\bnothing\s+(left\s+)?to\s+live\s+for\b|\b(life|living)\s+(is\s+)?(not|isn'?t|is not)\s+worth\s+(living|it)\b|\bnot\s+worth\s+living\b",
    r"\bcan'?t\s+go\s+on(\s+(living|any\s?more|like this)|\s*$)",
    r"\bcan'?t\s+(live|keep living)\s+like\s+this\b",
    r"\b(done|finished)\s+with\s+(life|living)\b|\bgiv(e|ing)\s+up\s+on\s+life\b|\btired of (living|being alive)\b",
    r"\b(not|never)\s+waking\s+up\b|\bdon'?t\s+want\s+to\s+wake\s+up\b",
    r"\bnobody\s+would\s+(miss|care)\b.*\b(gone|dead|died)\b",
    r"\bwant\s+(it|everything)\s+(all\s+)?to\s+(stop|end)\s+(for good|forever)\b|\b(want|wanna|wish i could)\s+(to\s+)?disappear\b",
    r"\bself[\s-]?harm\w*|\b(hurt|hurting|harm|harming|burn|burning|starve|starving)\s+my\s*self\b",
    r"\bcutting\s+my\s*self\b|\bcut\s+my\s*self\s+(again|on purpose|deliberately)\b|\bcut(ting)?\s+my\s+(wrists?|arms?|thighs?)\b",
    r"\b(take|taking|swallow|swallowing)\s+(all|a bunch|the whole bottle|a whole bottle)\s+(of\s+)?(my\s+)?(pills|meds|medications?|tablets)\b",
    r"\b(want|wanna|going|gonna|thinking|thought|think|plan|planning)\s+(\w+\s+)?(to\s+|of\s+|about\s+)?overdos\w*",
    r"\b(wants?|going|gonna|trying)\s+to\s+kill\s+(her|him|them)sel(f|ves)\b",
)

_CRISIS_FR = (
    r"\b(veux|voudrais|aimerais|envie\s+de|souhaite|prefererais|pense\s+a)\s+(\w+\s+)?(mourir|crever|disparaitre pour toujours)\b",
    r"\b(veux|voudrais|envie\s+d'\s?|vais|besoin\s+d'\s?|pense\s+a|songe\s+a|reve\s+d'\s?)\s*en\s+finir\b(?!\s+avec\s+(?!la vie|tout\b|ma vie|mes jours|moi)\w)",
    r"\ben\s+finir\s+avec\s+(la vie|tout\b|ma vie|mes jours)",
    r"\bmettre\s+fin\s+a\s+(mes\s+jours|ma\s+vie|tout)\b",
    rf"{_NOT_A_QUESTION_FR}\bme\s+(tuer|suicider|donner la mort|faire du mal|blesser volontairement|scarifier|taillader|mutiler"
    r"|couper les (veines|poignets)|pendre|jeter sous)\b",
    r"\bje\s+me\s+(fais|suis fait|suis faite)\s+du\s+mal\b|\bje\s+me\s+(scarifie|mutile|taillade)\b"
    r"|\bje\s+me\s+(blesse|coupe)\s+(volontairement|expres|encore)\b|\bscarification\w*",
    r"\b(ne\s+)?(veux|voudrais)\s+(plus|pas)\s+vivre\b|\b(plus|pas)\s+envie\s+de\s+vivre\b|\bmarre\s+de\s+(la\s+)?vi(vre|e)\b",
    r"\b(plus|aucune|pas de)\s+raisons?\s+de\s+vivre\b|\bla\s+vie\s+ne\s+vaut\s+(plus|pas)\b|\bvaut\s+(plus|pas)\s+la\s+peine\s+de\s+vivre\b",
    r"\bmieux\s+(mort|morte|sans\s+moi)\b",
    r"\b(idees|pensees)\s+(noires|suicidaires)\b|\bidee\s+noire\b",
    r"\b(ne\s+)?plus\s+me\s+reveiller\b|\bpas\s+me\s+reveiller\b",
    r"\bje\s+me\s+coupe\s+(les|la|le|aux?)\s+(bras|poignets?|cuisses?|peau|jambes?)\b",
    r"\bplus\s+la\s+force\s+de\s+(continuer|vivre|me battre)\b",
    r"\b(prefererais|voudrais|aimerais|aimerais mieux)\s+(etre\s+)?mort(e|s|es)?\b",
    r"\bn'?\s?en\s+peux\s+plus\s+de\s+vivre\b|\bpeux\s+plus\s+vivre\b",
    r"\btout\s+arreter\s+(pour\s+de\s+bon|definitivement|pour\s+toujours)\b",
    r"\ba\s+quoi\s+bon\s+(vivre|continuer|rester en vie)\b",
    r"\b(veux|voudrais)\s+(plus|pas)\s+etre\s+(la|ici|en vie)\b",
)

_CRISIS_ES = (
    r"\b(quiero|quisiera|me quiero|ganas de|deseo)\s+(\w+\s+)?morir(me)?\b",
    rf"{_NOT_A_QUESTION_ES}\b(matarme|quitarme la vida|hacerme dano|lastimarme)\b",
    r"\bacabar\s+con\s+(todo|mi vida)\b|\bcortarme\s+(las venas|los brazos|las munecas)\b",
    r"\bno\s+quiero\s+(seguir\s+)?vivi(r|endo)\b|\bsin ganas de vivir\b|\bno tengo ganas de vivir\b",
    r"\bno\s+vale\s+la\s+pena\s+vivir\b|\bmejor\s+muert[oa]\b",
    r"\bme\s+quiero\s+(matar|morir|suicidar)\b|\bme\s+hago\s+dano\b|\bme\s+corto\s+(los|las|el|la)\s+\w+",
    r"\b(pienso|penso)\s+en\s+(suicidarme|matarme|morir(me)?|acabar con todo)\b",
)

_CRISIS_DENIALS = _compile((
    r"\bnot\s+(\w+\s+)?suicidal\b",
    r"\bno\s+(suicidal\s+(thoughts?|ideation|feelings?)|thoughts?\s+of\s+(suicide|self[\s-]?harm|hurting myself|killing myself"
    r"|ending my life|dying))\b",
    r"\b(don'?t|do not|never|not|won'?t|will not|wouldn'?t|would not|would never)\s+(\w+\s+)?(want|wanna|going|gonna|plan|planning"
    r"|intend|intending|thinking|think|ever|considering)\s+(\w+\s+)?(to\s+|of\s+|about\s+|on\s+)?(die|dying|kill(ing)? myself"
    r"|hurt(ing)? myself|harm(ing)? myself|end(ing)? my life|tak(e|ing) my life|suicide|self[\s-]?harm)\b",
    r"\bwould(n'?t| never| not)\s+(\w+\s+)?(kill|hurt|harm)\s+myself\b",
    r"\b(ne\s+suis\s+pas|suis\s+pas|pas)\s+(du\s+tout\s+)?suicidaire\b",
    r"\b(ne\s+veux\s+pas|veux\s+pas|n'\s?ai\s+pas\s+envie\s+de|ai\s+pas\s+envie\s+de)\s+mourir\b",
    r"\b(pas|aucune?|jamais)\s+(d'\s?|de\s+)?(idees?|pensees?)\s+(noires|suicidaires)\b",
    r"\b(ne\s+)?vais\s+pas\s+me\s+(tuer|suicider|faire du mal)\b",
    r"\bno\s+soy\s+suicida\b|\bno\s+(quiero|voy a|pienso|tengo intencion de|tengo ganas de)\s+(morir(me)?|matarme|suicidarme|hacerme dano)\b",
    r"\bno\s+tengo\s+(pensamientos|ideas)\s+suicidas\b",
))
_CRISIS_PATTERNS = _compile(_CRISIS_EN + _CRISIS_FR + _CRISIS_ES)


def is_crisis(text: str | None) -> bool:
    """True when `text` speaks of suicide or self-harm, directly or indirectly (English, French, Spanish).

    Leans towards catching: only an explicit denial ("I'm not suicidal, just in pain", "je ne
    suis pas suicidaire", "I don't want to die") is a negation. Figures of speech about pain
    ("this pain is killing me") are not crisis: see the note above the patterns.
    """
    if not text:
        return False
    return _matches(text, _CRISIS_PATTERNS, _CRISIS_DENIALS)


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
    r"\bvision('s|\s+is|\s+has|\s+'s)?\s+(gone\s+|going\s+|getting\s+|become\s+|a bit\s+|a little\s+|kind of\s+)?(blurr\w*|fuzzy|hazy|cloudy|double)\b",
    r"\bvision\s+(isn'?t|is not|not)\s+(right|normal|clear|good|the same)\b",
    r"\b(face|cheek|lips?|mouth|smile|forehead|brow|eyebrows?)\s+(\w+\s+){0,2}(weak|droop\w*|lopsided|crooked|uneven|asymmetric\w*|numb"
    r"|frozen|paraly[sz]ed|sagging|slanted|twisted|stiff|tight)\b",
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
    r"\bneck\s+([\w']+\s+){0,2}(pain|hurts|sore|stiff|aches?|killing me|weak)\b|\b(sore|stiff|weak)\s+neck\b|\bcan'?t\s+(hold|lift)\s+(up\s+)?my\s+head\b",
    r"\b(trouble|hard|difficult\w*|can'?t|cannot|painful|struggl\w*|problems?)\s+(\w+\s+)?(chew\w*|bit(e|ing)|open(ing)? my mouth)\b",
    r"\bchewing\s+(is\s+)?(hard|difficult|painful|tiring|weird)\b|\bjaw\s+(feels\s+|is\s+)?(weak|tired|heavy|stiff)\b",
    r"\bmuscles?\s+(\w+\s+)?(weak\w*|twitch\w*)\b|\bweak(ness)?\b",
    r"\b(rash|hives|itchy|itching|dizzy|dizziness|nause\w*|drool\w*)\b",
    r"\b(side effects?|don'?t feel right|feels? off|something(\s+\w+)? (is|feels) (off|wrong))\b",
)

_SYMPTOMS_FR = (
    r"\b(oeil|yeux|paupieres?)\s+(\w+\s+){0,3}(tomb\w*|affaiss\w*|lourde?s?|baiss\w*|mi-clos|a moitie (ferme|clos))",
    r"\b(oeil|yeux|paupieres?)\s+(ne\s+|n'\s?)?(s'\s?ouvre|se ferme|s'\s?ouvrent|se ferment|ouvre|ferme)\s+(pas|plus)\b",
    r"\b(n'\s?arrive|peux)\s+(pas|plus)\s+(a\s+)?(ouvrir|fermer)\s+(l'\s?|mon\s+|mes\s+|les\s+)?(oeil|yeux|paupiere)",
    r"\bptose\b|\bptosis\b",
    r"\b(vision|vue)\s+(\w+\s+)?(floue|trouble|double|brouillee|embrouillee)\b|\bvois\s+(flou|trouble|double)\b|\bflou(e)?\b|\bdiplopie\b",
    r"\b(visage|joue|levres?|bouche|sourire|front|sourcils?)\s+(\w+\s+){0,2}(faible|tombe|tombant\w*|affaiss\w*|asymetrique|de travers"
    r"|croche|tordu\w*|engourdi\w*|fige\w*|paralys\w*|crispe|raide)\b",
    r"\bbouche\s+(\w+\s+)?seche\b|\bsecheresse\s+(de la\s+)?(bouche|buccale|des yeux|oculaire)\b|\byeux\s+(\w+\s+)?secs\b|\boeil\s+sec\b",
    r"\b(douleurs?|douloureu\w*|mal|bleus?|ecchymose|hematome|enflure|gonflement|gonfle|rougeurs?|bosse|sensible|demangeaisons?)\b.{0,30}"
    r"\b(point d'\s?injection|site d'\s?injection|piqures?|injections?|injecte)\b",
    r"\b(un|des|deux|gros)\s+bleus?\b|\becchymose\b|\bhematome\b",
    r"\bmal\s+(a\s+la|de)\s+tete\b|\bmaux\s+de\s+tete\b|\bcephalee\w*",
    r"\b(fatigue\w*|epuise\w*|creve\w*|pas d'\s?energie|somnolen\w*)\b",
    r"\bmal\s+(au|a mon)\s+cou\b|\bdouleurs?\s+(au|dans le)\s+cou\b|\bcou\s+(\w+\s+)?(douloureux|raide|faible)\b"
    r"|\bnuque\s+(\w+\s+)?(raide|douloureuse|faible)\b|\btorticolis\b|\bmal\s+a\s+la\s+nuque\b",
    r"\b(mal|difficulte\w*|du mal|peine|problemes?)\s+(a|pour|de)\s+(\w+\s+)?(macher|mastiquer|croquer)\b"
    r"|\b(n'\s?arrive|peux)\s+(pas|plus)\s+(a\s+)?(macher|mastiquer)\b|\bmachoire\s+(\w+\s+)?(faible|fatiguee|raide|lourde)\b",
    r"\bfaiblesse\b|\bmuscles?\s+(\w+\s+)?faibles?\b",
    r"\b(etourdi\w*|vertiges?|nausee\w*|urticaire|eruption|demange\w*|bave|baver)\b",
    r"\beffets?\s+secondaires?\b",
)

_TREATMENT = (
    r"(injections?|injected|shots?|botox|botx|btx|botex|botax|bot0x|treatments?|jabs?|needles?|appointment|procedure|session|dr\.? walters"
    r"|piqures?|traitements?|seances?|rendez-vous|rdv|injecte)"
)
_RECENT = (
    r"(yesterday|today|this morning|this afternoon|last (night|week|weekend|monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
    r"|on (monday|tuesday|wednesday|thursday|friday|saturday|sunday)|(\d+|a|one|two|three|four|five|few|couple( of)?)\s+(days?|weeks?|hours?)"
    r"\s+ago|earlier"
    r"|hier|avant-hier|aujourd'\s?hui|ce matin|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|la semaine (derniere|passee)"
    r"|il y a (\d+|un|une|deux|trois|quelques)\s+(jours?|semaines?|heures?))"
)
_DAY_POSSESSIVE = r"(yesterday|today|monday|tuesday|wednesday|thursday|friday|saturday|sunday|last week|this morning)'?s"
_NOW = r"\b(now|still|currently|right now|started|starting|since then|ever since|afterwards|after that|maintenant|toujours|encore|depuis)\b"

# A cue that the treatment has happened and the symptom is present: since the treatment, the
# treatment on a recent day, or "I had it ... and now".
_STRONG_CUES = _compile((
    rf"\bsince\s+([\w']+\s+){{0,3}}{_TREATMENT}\b",
    rf"\bdepuis\s+(l'\s?|la\s+|le\s+|les\s+|mes\s+|ma\s+|mon\s+|une\s+|des\s+|ces\s+|cette\s+)?(\w+\s+)?{_TREATMENT}\b",
    rf"\b{_TREATMENT}\s+([\w']+\s+){{0,3}}{_RECENT}\b",
    rf"\b{_RECENT}\s+([\w']+\s+){{0,3}}{_TREATMENT}\b",
    rf"\b{_DAY_POSSESSIVE}\s+([\w']+\s+)?{_TREATMENT}\b",
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
    r"\b(injection|needle|shot)s?\s+(site|spot|area|point)s?\b|\b(point|site)s?\s+d'\s?injection\b",
))
_FIRST_PERSON = re.compile(r"\b(i|i'm|im|i've|ive|i'd|my|me|mine|myself|je|mon|ma|mes|moi)\b|\b[jm]'")
_HYPOTHETICAL = re.compile(
    r"^\s*(can|could|does|do|will|would|might|may)\s+(it|botox|the|injections?|shots?|treatments?|this|that|people|patients"
    r"|someone|you|one|they|there)\b"
    r"|^\s*(is|are)\s+(botox|the|injections?|shots?|treatments?|this|that|there)\b"
    r"|\b(can|could|will|would|might|may)\s+i\s+(get|have|develop|experience|expect|notice|end up|feel|be|look|see|become)\b"
    r"|\b(can|could|will|would|might|may|does|do)\s+(my|your)\b"
    r"|\b(i'll|i will|i'd|i would|i might|i may|i could|going to|gonna)\s+(\w+\s+)?(get|have|develop|experience|end up)\b"
    r"|\bwhat if\b|\bwhat (happens|do i do|should i do|to do|would happen) if\b|\bis it (possible|common|likely) (to|that)\b|^\s*if\s+(my|i|the|it|there|you)\b|\bin case\b"
    r"|\b(worried|afraid|scared|nervous|concerned)\s+(that|about|of|i)\b"
    r"|\b(peux|pourrais|vais|risque)[\s-]+(je\s+)?(avoir|developper|ressentir)\b|\bpeut[\s-]+(il|elle|on)?\s*(causer|provoquer|donner|entrainer)\b"
    r"|\best[\s-]ce\s+(que|qu'\s?)\s*(ca|le botox|l'\s?injection|on)\b|^\s*(le botox|l'\s?injection|les injections)\b.*\bpeu[tv]"
)
_SOMEONE_ELSE = re.compile(
    r"\b(my|mon|ma|mes)\s+(best\s+)?(friends?|sisters?|brothers?|mom|mum|mother|dad|father|wife|husband|partner|daughters?|sons?"
    r"|co-?workers?|colleagues?|neighbou?rs?|cousins?|aunts?|uncles?|boss|amie?s?|soeurs?|freres?|mere|pere|femme|mari|voisine?s?"
    r"|collegues?)\b"
)
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
        r"douleurs?|mal|bleus?|gonflement|flou|fatigue|faiblesse|problemes?|effets? secondaires?|soucis?",
    ),
))
_SYMPTOM_PATTERNS = _compile(_SYMPTOMS_EN + _SYMPTOMS_FR)
_TREATMENT_MENTION = re.compile(rf"\b{_TREATMENT}\b")


def _has_symptom_now(text: str) -> bool:
    for clause in clauses(text, _SYMPTOM_CLAUSES):
        if _RESOLVED.search(clause):
            continue
        remaining = _blank_denials(clause, _SYMPTOM_DENIALS)
        if any(p.search(remaining) for p in _SYMPTOM_PATTERNS):
            return True
    return False


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
    if describes_symptom_after_treatment(text) or any(cue.search(normalised) for cue in _STRONG_CUES):
        return False
    if re.search(_NOW, normalised) or re.search(rf"\b{_RECENT}\b|\bsince\b", normalised):
        return False
    personal = bool(_FIRST_PERSON.search(_SOMEONE_ELSE.sub(" ", normalised)))
    question = bool(_QUESTION_START.match(normalised)) or normalised.rstrip().endswith("?")
    return bool(_HYPOTHETICAL.search(normalised)) or (question and not personal)


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
    # "my friend had blurry vision after her botox" is someone else's story, not the patient's.
    personal = bool(_FIRST_PERSON.search(_SOMEONE_ELSE.sub(" ", normalised)))
    hypothetical = bool(_HYPOTHETICAL.search(normalised))
    if any(cue.search(normalised) for cue in _STRONG_CUES):
        return personal or not hypothetical
    if any(cue.search(normalised) for cue in _WEAK_CUES):
        # "eyelid droopy after botox" states it; "headache after botox?" may be asking.
        question = normalised.endswith("?") or bool(_QUESTION_START.match(normalised))
        return (personal or not question) and not hypothetical
    return False
