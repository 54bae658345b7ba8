"""Which language a patient wrote in: English, French, Spanish, German, Italian, Portuguese, or ""
when the text doesn't say.

Pure Python, no model and no download: a message is scored by the words it contains.

How it decides:
1. The text is lower-cased and cut into words; a French elision ("j'ai", "l'injection",
   "qu'est-ce") is cut into its two parts, and the elided part ("j'", "l'", "qu'") counts as a
   French word.
2. Each word found in a small table of function words, greetings and the commonest words of the
   clinic's subjects adds one point to every language it belongs to ("la", "de", "que" belong to
   French and Spanish; "no" and "me" to English and Spanish). English's table includes the SMS
   shorthand patients use ("u", "r", "wut", "pls"), so typo-ridden English still scores English.
3. Letters only one language uses add a quarter of a point per word that holds them (à è ù ç ê œ
   for French, ñ á í ó ú ¿ ¡ for Spanish; é for both): enough to settle French against Spanish,
   not enough on their own to make a name ("Côté") a French message. So does a Spanish participle
   or gerund ending (-ado, -ido, -ando, -iendo) on a word the tables don't know: "no me he
   desmayado" is Spanish, not an English "no".
4. French or Spanish is the answer only with at least one point, strictly more than English and
   strictly more than the other one, and when the message has fewer than two words only English
   has: a patient who mixes in "when i chew" or "the botox" reads English. Otherwise it is English
   when English scored anything, and "" when nothing did ("tmj?", "sde efects?", "Anne Smith").
   A few place names ("Las Vegas", "Los Angeles") are removed first: they are not Spanish; nor
   are the clinic's English names ("Health Canada", "Ottawa Dental Society") English words.

Ties go to English, the clinic page's own language: "thanks, merci" is English, "merci!" alone is
French, "Botox pour migraines?" is French (its one function word is French), and "r u a bot" is
English.

The conversation's language (the `language` slot, which picks the French or English variation of
every reply) moves only on evidence: `conversation_language` names a language only for an
explicit request ("en français svp", "English please") or a message that says enough — French
detected with two French words or no more unknown words than French ones, or English with at
least two English words. "ok", "yes", a name or a phone number keep
the language the conversation already has.
"""

from __future__ import annotations

import re
import unicodedata

EN, FR, ES = "en", "fr", "es"
# Languages the assistant doesn't speak but recognises, so that their speakers get the short
# multilingual reply (clinic contact, 911, 988) instead of an English "not understood".
DE, IT, PT, PL = "de", "it", "pt", "pl"
# A message written mostly in another script (Arabic, Cyrillic, Chinese, ...): no table needed to
# know it isn't English or French.
OTHER_SCRIPT = "xx"
UNSPOKEN = (ES, DE, IT, PT, PL)
# German, Italian and Portuguese need two words of their own: one is too easily a name in a
# screening answer ("Ola Nordmann", "Anna Costa") or a loan word.
_LEAST_POINTS = {DE: 2, IT: 2, PT: 2, PL: 2}
NOT_ENGLISH = (FR, *UNSPOKEN)
UNSURE = ""
EN_ONLY = "en_only"
UNKNOWN = "unknown"
# A patient who writes two words only English has ("when i chew", "the botox") in a mixed
# message reads English: the answer in English serves them.
_MIXED_ENGLISH_WORDS = 2

_ENGLISH = """
a about after an and any anyone anything are at be been before being but by can could did do does
doing dont done for from get gets getting got had has have having he her here his how i if im in
into is isnt it its itll ive just me might more much must my need no not now of off on or our out
over please pls plz really should so some than that thats the their them then there these they this
those to too up us very was we were what whats when where which while who why will with without
would you your yours hi hey hello hiya thanks thank thx ty bye goodbye yes yeah yep yup nope okay
u r ur y wut wat wht whta hw abt bout cuz bc gonna wanna idk lol omg k kk cant wont doesnt didnt
isnt arent youre theyre im ive id ill as am pm yo
exactly therapeutic injection injections approved see chew week next
cost costs price pay insurance covered work works help side effect effects safe safety pain hurts
hurt jaw teeth tooth headache headaches treatment appointment book booking doctor dentist visit
long last lasts take takes many often again someone person call talk human bot robot real
speak english french spanish language
""".split()

_FRENCH = """
le la les un une des du de au aux et est sont suis es etes avez avons ont je tu il elle nous
vous ils elles on me te se ce cet cette ces mon ma mes ton tes son sa ses notre votre vos leur leurs pour
avec sans dans sur sous chez par pas ne plus que qui quoi quel quelle quels quelles comment pourquoi
combien quand ou oui non si tres aussi mais donc car peut peux puis pouvez veux voudrais voulez
faut fait faire dois doit etre avoir ca cela ceci en
bonjour bonsoir salut merci allo coucou svp stp
douleur douleurs mal tete machoire dents dent prix cout coute effets secondaires traitement
traitements rendez-vous rdv medecin dentiste enceinte allergie respirer avaler parler aide aider
besoin piqure piqures mois semaine jour jours depuis hier apres avant encore
toujours rien tout tous toute beaucoup peu bien bon bonne serrer grincer serre grince
parlez parle parles anglais francais espagnol
aucun aucune jamais vivre mourir envie vie gorge levres bras jambes poitrine visage souffle urgence
appelez aidez enflee gonfle etouffe jetouffe jveux jpeux jsuis jvais jme
premiere premier etape faiblesse faciale faciaux grossesse maladie maladies sla homologue medicales
medicale mentionner medicaments medicament declarer membre membres societe philosophie devise
chirurgie securitaire securite dangereux efficace resultats soulagement soulager cosmetique
esthetique approuve sante paupiere paupieres yeux bouche seche cou raide nausee unites duree
remboursement allaitement allaite bebe fibromyalgie affaire vot tete machoire serrement grincement
chui pr allergique
""".split()

_SPANISH = """
el la los las un una unos unas y o de del al que en es son soy eres esta estan estoy esto eso este
esa ese con sin por para no si me mi mis te tu su sus se lo le les nos yo usted ustedes muy mas
pero tambien hay como cuando donde cual quien porque puedo puede pueden quiero quisiera tengo
tiene tienen necesito ser estar hacer gracias hola buenos buenas dias tardes noches adios duele
dolor cabeza mandibula dientes diente precio cuesta cuanto efectos secundarios tratamiento cita
medico embarazada alergia respirar tragar hablar ayuda garganta lengua hinchada hinchado desde
ayer despues antes todavia nada todo mucho poco bien malo mala migranas
hablas habla hablan espanol ingles frances
he tenido estado sido voy vamos otra otro vez nunca ninguna ninguno ojala siento creo tomo tomar
medicamentos pastillas cirugia cirugias vivir morir morirme muero muerto muerta matar
respiro trago ahogo desmayo desmaye labios pecho brazos piernas cuerpo aire voz ganas mejor aqui kiero
""".split()

# German, Italian and Portuguese: their commonest function words, greetings and the clinic's
# subjects, leaving out every word English (or French) also writes ("die", "was", "will", "also",
# "come", "per", "as", "do", "non"), so that an English message never scores them.
_GERMAN = """
der das dem ein eine einen einem einer und ist sind bin nicht kein keine mit fur auch
gegen wie wo wann warum wieviel wer ich sie wir ihr mein meine mir mich kann konnen mochte
habe haben hilft helfen machen gibt hallo guten morgen abend danke bitte tschuss ja nein oder
aber wenn dass sehr kopfschmerzen schmerzen zahn zahne zahnarzt kiefer termin behandlung kostet
kosten nebenwirkungen schwanger sprechen deutsch englisch knirschen zahneknirschen migrane
""".split()

_ITALIAN = """
gli della dello delle degli nella nel che di sono sei siamo hai abbiamo mi ti ci
vorrei posso puoi potete questo questa quello quella anche molto grazie buongiorno buonasera ciao
 prego prenotare visita possibile dolore dolori testa denti dente mascella aiuto quanto costa
con sapere aiuta aiutare funziona funzionare sicuro bambino gravidanza dottore
trattamento effetti collaterali incinta parlare italiano inglese perche quando chi sempre
mai niente tutto bruxismo emicrania cefalea
""".split()

_PORTUGUESE = """
ola voce voces tratam tratar tratamento obrigado obrigada bom boa dia tarde noite nao
uma uns umas os meu minha seu sua isso isto muito tambem posso pode podem quero gostaria
marcar consulta dor dores cabeca dentes dente mandibula quanto custa efeitos colaterais gravida
falar portugues ingles porque quando onde quem ajuda enxaqueca bruxismo
""".split()

# Polish ("Czy botoks pomaga na zgrzytanie zębami?", development set 6), without its accents as
# the tables are written, and without words English writes ("do", "to", "co").
_POLISH = """
czy jest nie mam mnie mi sie na ze dla przez bardzo bol boli zeby zebami zebow glowy glowa szczeki szczeka
leczenie leczy pomaga pomoc dzien dobry dziekuje prosze tak jestem mozna mozesz migrena zgrzytanie ciazy
ile kosztuje jakie skutki uboczne bezpieczne lekarz dentysta wizyta polsku mowic mowisz
""".split()

_LEXICON: dict[str, frozenset[str]] = {}
for _lang, _words in ((EN, _ENGLISH), (FR, _FRENCH), (ES, _SPANISH), (DE, _GERMAN), (IT, _ITALIAN),
                      (PT, _PORTUGUESE), (PL, _POLISH)):
    for _word in _words:
        _LEXICON[_word] = _LEXICON.get(_word, frozenset()) | {_lang}

# "migraines" and "botox" are the same in all three languages: they say nothing. "a" is the
# English article, French "has" and Spanish "to": it says nothing either.
_NEUTRAL = frozenset({"a", "botox", "migraines", "migraine", "tmj", "ok"})

_PLACE_NAMES = re.compile(
    r"\b(las vegas|los angeles|san (francisco|diego|jose|antonio)|santa (fe|monica|barbara)|el paso|la jolla|des moines"
    r"|baton rouge)\b"
)

# The names on the clinic's page are in English whatever the patient writes: "membre Ottawa Dental
# Society?" and "homologué Health Canada?" are French questions (answered in English before).
_CLINIC_NAMES = re.compile(
    r"\b(health canada|ottawa dental society|canadian dental association|ontario dental association|american academy of"
    r"( craniofacial pain)?|metropolitan dental|(dr\.?|doctor|docteur) (barton )?walters|barton walters|walters)\b"
)

_SPANISH_ENDINGS = re.compile(r"..(ado|ada|ido|ida|ando|iendo)s?$")
_FRENCH_LETTERS = frozenset("àâèêëîïôùûçœæ")
_SPANISH_LETTERS = frozenset("ñáíóú¿¡")
# Letters only Polish (of the languages here) writes: a quarter of a point each, as above.
_POLISH_LETTERS = frozenset("ąęłśżźćń")
_SHARED_LETTERS = frozenset("é")
_LETTER_WEIGHT = 0.25

_ELISION = re.compile(r"\b(qu|[jldnmstc])['’](?=[a-zàâéèêëîïôùûçœæ])")
_WITH_DIGITS = re.compile(r"\S*\d\S*")
_WORD = re.compile(r"[a-zàâäéèêëîïôöùûüçœæñáíóú¿¡ąęłśżźć'-]+")


def _plain(word: str) -> str:
    """The word without accents, as the tables are written ("très" -> "tres", "¿cuánto" -> "cuanto")."""
    decomposed = unicodedata.normalize("NFKD", word.replace("œ", "oe").replace("ł", "l"))
    return "".join(c for c in decomposed if c.isalpha() or c in "-").strip("-")


def _words(text: str) -> tuple[int, list[str]]:
    """(French elisions found, the remaining words lower-cased, accents kept, names removed)."""
    lowered = text.lower().replace("’", "'")
    # Place names in an English sentence are not Spanish or French ("Las Vegas institute").
    lowered = _CLINIC_NAMES.sub(" ", _PLACE_NAMES.sub(" ", lowered))
    # Codes, phone numbers and the like are no language's words: the letters between the digits of
    # "4f5b04b50b66ce3f" are not the French "ce" (an English answer with a code turned French).
    lowered = _WITH_DIGITS.sub(" ", lowered)
    # Elided articles and pronouns are French words of their own: "j'ai" is "j'" + "ai".
    elisions = len(_ELISION.findall(lowered))
    return elisions, _WORD.findall(_ELISION.sub(" ", lowered))


def _keys(raw: str) -> list[str]:
    """Table keys for a word: without accents or apostrophe ("don't" -> "dont"); a hyphenated word
    whole when the tables know it ("rendez-vous"), else its parts ("est-ce", "peut-il")."""
    word = _plain(raw)
    keys = [word] if word in _LEXICON or word in _NEUTRAL else word.split("-")
    return [k for k in keys if k and k not in _NEUTRAL]


def language_scores(text: str | None) -> dict[str, float]:
    """The points each language scored (see the module's docstring), `en_only`: the words only
    English has, and `unknown`: the words no table knows (names, drugs, codes, typos). Useful to
    see why a message was called what it was."""
    scores = {EN: 0.0, FR: 0.0, ES: 0.0, DE: 0.0, IT: 0.0, PT: 0.0, PL: 0.0, EN_ONLY: 0.0, UNKNOWN: 0.0}
    if not text:
        return scores
    elisions, words = _words(text)
    scores[FR] += elisions
    for raw in words:
        letters = set(raw)
        if letters & _FRENCH_LETTERS:
            scores[FR] += _LETTER_WEIGHT
        if letters & _SPANISH_LETTERS:
            scores[ES] += _LETTER_WEIGHT
        if letters & _POLISH_LETTERS:
            scores[PL] += _LETTER_WEIGHT
        if letters & _SHARED_LETTERS:
            scores[FR] += _LETTER_WEIGHT / 2
            scores[ES] += _LETTER_WEIGHT / 2
        keys = _keys(raw)
        if not any(key in _LEXICON for key in keys) and any(_SPANISH_ENDINGS.search(key) for key in keys):
            scores[ES] += _LETTER_WEIGHT
        for key in keys:
            langs = _LEXICON.get(key, frozenset())
            for lang in langs:
                scores[lang] += 1
            if langs == {EN}:
                scores[EN_ONLY] += 1
            if not langs:
                scores[UNKNOWN] += 1
    return scores


def detect_language(text: str | None) -> str:
    """"en", "fr" or "es" for the language `text` is written in, or "" when it doesn't say.

    See the module's docstring for how it decides; ties go to English, and so does a message
    with two or more words only English has ("ma mâchoire me fait mal when i chew").
    """
    return _detected(language_scores(text), text)


_SENTENCE_LETTERS = 12


def in_other_script(text: str | None) -> bool:
    """Whether most of `text`'s letters are of a script other than the Latin one ("هل البوتوكس آمن؟",
    "Это безопасно?", "安全吗"): a language the assistant doesn't speak, whatever the tables say."""
    letters = [c for c in text or "" if c.isalpha()]
    other = sum(1 for c in letters if not unicodedata.name(c, "LATIN").startswith("LATIN"))
    # A name typed in its own script ("王伟", "محمد علي") answers the screening's name question: only
    # a question, or a sentence's worth of letters, is a message in another language.
    asks = any(mark in (text or "") for mark in "?？؟")
    return other * 2 > len(letters) and (asks or other >= _SENTENCE_LETTERS)


def _detected(scores: dict[str, float], text: str | None = None) -> str:
    if in_other_script(text):
        return OTHER_SCRIPT
    english = scores[EN]
    if scores[EN_ONLY] < _MIXED_ENGLISH_WORDS:
        for lang in NOT_ENGLISH:
            score = scores[lang]
            if (score >= _LEAST_POINTS.get(lang, 1) and score > english
                    and all(score > scores[other] for other in NOT_ENGLISH if other != lang)):
                return lang
        # Spanish, German, Italian and Portuguese share words ("bruxismo", "quando"): a message
        # that ties among them is still in a language the assistant doesn't speak.
        best = max(scores[lang] for lang in UNSPOKEN)
        if best >= 2 and best > english and best > scores[FR]:
            return next(lang for lang in UNSPOKEN if scores[lang] == best)
    return EN if english > 0 else UNSURE


# An explicit wish for a language, in either language ("English please", "en français svp",
# "parlez-vous français ?", "can we do this in french"). Each pattern names the language asked for.
_ASK_FRENCH = re.compile(
    r"\b(en|in)\s+fran[cç]ais\b|\bfran[cç]ais\s+(svp|stp|s'il vous pla[iî]t|s'il te pla[iî]t|please|pls)\b"
    r"|\bparle[sz]?[- ](vous|tu)\s+fran[cç]ais\b|\bspeak\s+french\b|\b(in|en)\s+french\b|\bfrench\s+(please|pls)\b"
    r"|^\s*(fran[cç]ais|french)\s*[?!.]*\s*$",
    re.IGNORECASE,
)
_ASK_ENGLISH = re.compile(
    r"\b(in|en)\s+english\b|\benglish\s+(please|pls|svp|stp)\b|\bspeak\s+english\b|\ben\s+anglais\b"
    r"|\bparle[sz]?[- ](vous|tu)\s+anglais\b|\banglais\s+(svp|stp|s'il vous pla[iî]t)\b"
    r"|^\s*(english|anglais)\s*[?!.]*\s*$",
    re.IGNORECASE,
)
# Words a switch request may carry besides the language ("yes", "please", "can we", "speak"):
# when only those are left, the message is a switch and nothing else.
_SWITCH_FILLER = frozenset("""
please pls plz svp stp s il vous te plait plaît can we could you do this continue switch to speak talk
write answer reply in en on peut pourriez pouvez parler parlez parles continuer passer au le la yes oui
ok okay merci thanks thank i d like je voudrais veux want would prefer préfère prefere est-ce que ce
parlez-vous parles-tu parle-t-on peut-on tu me répondre repondre répondez repondez écrire ecrire rather si
possible i d peux peut pourrais francais français french english anglais
""".split())
SUPPORTED = (EN, FR)
# The conversation's language is the Rasa slot `language` ("en" or "fr"; empty reads as English),
# and a response's French variation in domain.yml has this condition.
LANGUAGE_SLOT = "language"
FRENCH_CONDITION = {"type": "slot", "name": LANGUAGE_SLOT, "value": FR}


def is_french_variation(variation: dict) -> bool:
    """Whether a domain response variation is the French one (`condition: language = fr`)."""
    return FRENCH_CONDITION in (variation.get("condition") or [])


def requested_language(text: str | None) -> str:
    """"fr" or "en" when the message asks for that language, else ""."""
    if not text:
        return UNSURE
    french, english = _ASK_FRENCH.search(text), _ASK_ENGLISH.search(text)
    if french and not english:
        return FR
    if english and not french:
        return EN
    return UNSURE


def only_asks_for_language(text: str | None) -> bool:
    """The message asks for a language and says nothing else ("en français svp", "English please?")."""
    if not requested_language(text):
        return False
    words = re.findall(r"[^\W\d_]+(?:-[^\W\d_]+)*", (text or "").lower().replace("’", "'").replace("'", " "))
    return all(word in _SWITCH_FILLER for word in words)


def conversation_language(text: str | None) -> str:
    """The language the conversation should now be in, judged from this message alone, or "" to
    keep the current one (see the module's docstring)."""
    return read_language(text)[1]


def read_language(text: str | None) -> tuple[str, str]:
    """(detect_language, conversation_language) of one message, from one scoring of its words:
    the NLU component needs both for every message."""
    scores = language_scores(text)
    detected = _detected(scores, text)
    asked = requested_language(text)
    if asked:
        return detected, asked
    if detected == FR and (scores[FR] >= 2 or scores[UNKNOWN] <= scores[FR]):
        # Two French words, or no more unknown words than French ones ("bonjour", "merci!", "efets
        # secondaires?"): one French-looking piece among a string of unknown words ("asthma
        # CANARY-…ca…", a list of medications' names) is no reason to answer in French.
        return detected, FR
    if detected == EN and scores[EN] >= 2:
        return detected, EN
    return detected, UNSURE
