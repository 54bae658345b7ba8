"""Pure helpers for understanding a question in context: topics named in a message, second questions,
follow-ups, and the classifier's close alternatives. No Rasa objects here, so each is unit-tested alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from re import Pattern
from typing import Any, Optional

from bot.nlp.pain import INJECTION_PAIN_PATTERN

FAQ_PREFIX = "faq_"
OUT_OF_SCOPE = "out_of_scope"
# What a "did you mean" button or a second question may lead to besides a page topic.
ACTIONABLE = ("book_consultation", "request_human")

# "can't take pain meds", "don't tolerate medications well": the page's candidates (when medications aren't
# tolerated), not a question about the patient's medications.
CANT_TAKE_MEDICATIONS = (r"(can'?t|cannot|can not|could ?n'?t|don'?t|do not|unable to|not able to) (\w+ )?(take|tolerate|handle|stomach)"
                         r" (\w+ ){0,2}(meds|medications?|medicines?|pills|drugs|painkillers)")
_CANT_TAKE = re.compile(CANT_TAKE_MEDICATIONS, re.IGNORECASE)
# Who it may suit in so many words (not a bare "for me"): the page's candidates for an own case.
_SUITS = re.compile(rf"\b(candidates?|(a )?good fit|tried everything|nothing (else )?(has )?work\w*)\b|{CANT_TAKE_MEDICATIONS}", re.IGNORECASE)


def asks_who_it_suits(text: str) -> bool:
    """"would someone like me who can't really take pain meds be a good fit?" (not "is it ok for me?")."""
    return bool(_SUITS.search(text))


# A medication named by what it treats: "thyroid meds", "blood pressure pills".
_CONDITION_MEDICATION = re.compile(
    r"\b(thyroid|blood pres+ure|bp|heart|diabetes|cholesterol|seizure|epilepsy|asthma|arthritis)\s+(meds|medications?|medicines?|pills|drugs)\b",
    re.IGNORECASE)
# "does it work for clenching" asks about the condition; the conditions' answer names it.
_WORKS_FOR_A_CONDITION = re.compile(
    r"\b(does|do|would|will|can|could)\s+(it|botox|this|the treatment)\s+(really |actually |even )?(work|help)\s+(for|with|on)\s+"
    r"(my |the |a |your )?(\w+\s+)?(migraines?|headaches?|jaw|clench\w*|grind\w*|tmj|oral|facial|face)", re.IGNORECASE)

# Words that point at a topic. A second question is answered only when its own words point at
# a topic other than the first's: the classifier alone ranks one label per message.
_KEYWORDS: dict[str, str] = {
    "faq_side_effects": r"side ?effects?|side ?affects?|side ?fx|side ?efx|risks?|adverse|reactions?|downsides?|after ?effects?"
                        # "could it give me a headache?", "can it spread" (development set 7).
                        r"|(gives?|giving|make|makes) (me|you|people|patients) (a |any )?(headaches?|neck pain|dry|droop\w*|blurr\w*|tired|weak\w*)"
                        r"|(can|could|does|do|will|would|might) (it|botox|the toxin|the botox|this) spread|spread\w* (of|to|beyond)"
                        r"|(can|does|could|will|would|might) (it|botox|this|the (treatment|injections?|shots?)) (\w+ )?cause"
                        r"|complications?|\bcons\b|negatives|drawbacks?|(might|could|will|would) i (experience|feel) after"
                        r"|mess(es|ing)? (with|up) (my|your|the)"
                        # "does it hurt?": the page's injection-site discomfort (bot/nlp/pain.py).
                        rf"|{INJECTION_PAIN_PATTERN}",
    "faq_dr_training": r"train(ed|ing)?|courses?|certif\w*|qualif\w*|institutes?|learn(ed|t)? (it|botox)|educat\w*|pacific|las vegas|vegas|\blvi\b",
    # Not "what might I experience after the injections" (the side effects).
    "faq_dr_experience": r"(?<!\bi )(?<!\bwe )(?<!\byou )experience[d]?|how long (has|have) (he|dr|doctor|the doctor)|how long (he|dr\.?|doctor|the doctor)( walters)? (has |have )?(been )?(practi[cs]\w*|in practice|working|doing)|how many years (has|have) (he|dr|doctor|the|walters)|(he|dr\.?( walters)?|walters|doctor|dentist) (has )?been practi[cs]\w*|years (in|of) practice|how long (has|have) the dr\b|who('?s| is) (dr|doctor|the doctor|the dentist|this dentist|your dentist)\b|about (dr|doctor) walters"
                          r"|who (does|gives|will do|performs|administers|is doing|would do) (the |my )?(injections?|shots?|treatment|procedure)",
    "faq_dr_memberships": r"members?(hip)?|associations?|society|affiliat\w*|belong|oda\b|cda\b",
    "faq_approval": r"approv\w*|fda|health canada|legal|licen[cs]ed|regulat\w*"
                    # "is that even allowed" (development set 9); not "am I allowed", the patient's own case.
                    r"|(is|isn'?t|it'?s|that'?s) (that |it |this |botox |this treatment )?(even |actually |really )?(allowed|permitted)",
    "faq_ingredient": r"made (of|from)|ingredients?|what'?s (actually |really |exactly )?in (it|the (shot|needle|injections?|syringe)|botox)"
                      r"|toxin|botulinum|clostridium|contains?|poison\w*|posion\w*|poisen\w*|poisin\w*|made (frm|out of|with)|wh?a?t'?s? (is )?it made"
                      # "is it bacteria based", "same thing as botulism": the page's Clostridium botulinum.
                      r"|bacteri\w*|botulism|botch?ulism|botulis\w*",
    # Not "what is botox made of / used for / approved for": those are other topics' questions.
    "faq_what_is": r"(what|wat|wut|wht) is (it|botox|therapeutic botox)(?!\s+(made|in\b|used|approved|safe))|how (it|botox|this) works?\b|how (does|do|would|will|can|could) (it|botox|this|that|the (treatment|injections?|shots?)|injecting( botox)?|relaxing( the)? muscles?) (\w+ ){0,2}(relieve|reduce|ease|stop|take away|lower|help with|get rid of|work on)|what does (it|botox|this|the treatment) (actually |really |even |exactly )?do\b|how does it work|what exactly|meaning|definition|define\b",
    "faq_not_cosmetic": r"cosmetic|look(ing)? younger|celeb\w*|movie stars?|(at|from) (a|the) spa\b|spas\b|wrinkles?|beauty|vanity|aesthetic|anti-?aging|crow'?s feet|(forehead|frown|fine) lines|botox (on|in) my forehead",
    "faq_why_dentist": r"(at|from|by) (the|a|my) dentist\W+(\w+\W+){0,2}why\b|why (a |would a |does a |do )?dentists?|why (go|see|visit|come) (to )?(a |the |my )?dentist|dentists? (do|does|doing|giving|offer)"
                       r"|why (is |are |would |does |do )?(a |my |the |your )?dental (clinic|office|practice)|dental (clinic|office|practice) (doing|offering|giving)",
    "faq_candidates": r"candidates?|right for me|for me\b|who (is it|can get it|should)|who('?s| is) (this|it|botox|the treatment|this treatment)( treatment)? (meant |designed |intended )?for|tried everything|nothing (else )?(has )?work"
                      # The page's "if you do not easily tolerate medications" (development set 9).
                      rf"|{CANT_TAKE_MEDICATIONS}",
    "faq_first_step": r"first (step|visit|appointment)|how do i (start|begin|get started)|where (do|should|can) i (even )?(start|begin)|get (started|strated|statred|startd)|process|what happens at"
                      # "whats involved in the consult", "is my medical history reviewed before anything is done" (development set 6).
                      r"|(involved|happens?|expect|takes? place) (in|at|during) (the |my |a |your )?(first |initial |1st )?(consult\w*|visit|appointment)"
                      r"|initial (consult\w*|visit|appointment)|(medical|health) history (is |gets |get |will be |be )?(reviewed|taken|looked at|checked|gone over)",
    "faq_effectiveness": r"get rid of (my |the |this )?pain|does (it|botox|this|the treatment) (really |actually |even )?work|effective(ness)?|how well|succ?ess?\w*|results?|relief|wor(th|ht) it"
                         # "..., and would it actually help?" (with no term after "help": that asks about a condition)
                         r"|(would|will|does|could|can) it (really |actually |even )?help( me| at all)?\s*[?.!]*$",
    # "treats?" whole: "how long does one treatment last" asks no condition.
    "faq_conditions": r"treats?\b|what (can|does) it help|help (with|my)|migraines?|headaches?|jaw|clench\w*|grind\w*|tmj",
    # Not "feel better" alone: "how long before I feel better" is no question about the motto (development set 10).
    "faq_motto": r"motto|slogan|philosophy|feel better,? (and )?live better|live better",
    "faq_safety_overview": r"(disclose|tell you|let you know|mention|share)\s+(\w+\s+){0,3}(before|ahead of|prior to) (the |my )?treatment|(before|prior to) (the |my |getting )?(injections?|shots?|procedure)|\bsafe(ty)?\b|precautions?|(before|b4|befor|bfore) (the |my )?treatment|dangerous|harmful",
    "faq_safety_medications": r"medications?|medicat\w*|meds|med list|pills|drugs?|prescriptions?|blo+d[- ]?thin+\w*|blood[- ]?thi\w*ners?|antidep\w*|insulin|aspirin"
                              # Drugs by name (development set 6: "I've been on sertraline", "on Coumadin for life").
                              r"|ssris?|snris?|sertraline|zoloft|prozac|fluoxetine|cipralex|escitalopram|lexapro|citalopram|wellbutrin"
                              r"|effexor|venlafaxine|coumadin|xarelto|plavix|heparin|apixaban|rivaroxaban|clopidogrel|sleep(ing)? (pills|meds|aids?)"
                              r"|muscle relaxants?|painkillers?|pain killers|opioids?|gabapentin|lyrica|amitriptyline|triptans?|sumatriptan"
                              r"|topiramate|propranolol|metformin|statins?|levothyroxine|synthroid"
                              r"|ibuprofen|advil|tylenol|warfarin|eliquis|birth control|antibiotics?|supplements?|taking (\w+ )?(daily|every day)",
    "faq_safety_pregnancy": r"plan+ing (a|for a|to have a) (baby|kid|family)|pregnan\w*|pregant\w*|pregnet\w*|preggo|preggers|\bprego\b|\bpreg\b|start(ing)? a family|expecting (a )?(baby|child)?|conceiv\w*|tr(y|ying) for (a )?(baby|kid)|\bttc\b|having a baby|weeks along|\bmy ob\b|ob-?gyn|enceinte",
    "faq_safety_surgery": r"(hip|knee|joint|shoulder) replacement|surger(y|ies)|sugery|surgury|surgry|surgey|surjery|surgeon|(having|getting|get) (my|an?) \w+ (out|removed)|nose job|rhinoplasty|(eyelid|chin|jaw|brow) (lift|surgery|implant)|blepharoplasty|(?<!hours of )operat(ion|ions|ed on)|facelift|face ?lift|had (\w+ )?work done|procedure (planned|coming up|scheduled)",
    "faq_safety_facial_weakness": r"facial (weakness|paralysis|palsy|droop)|weak face|face (is |feels )?(weak|droopy)|facial muscles? (are )?weak"
                                  r"|bell'?s palsy|weakness in my face|(one|the right|the left) side of my face"
                                  r"|(face|facial) (muscles?|musles?|muscels?|mucles?) (are |r |is |feel |feels )?(\w+ )?weak|(my )?face (is |feels )?(already |still |a bit |kind of )weak"
                                  # "some lingering weakness in my facial muscles", "weakness on the left side".
                                  r"|muscles? (in|of) my face (\w+ ){0,3}weak\w*|weakness (in|of) (my |the )?(face|facial|cheeks?)|weak(ness|er)? on (the |my )?(left|right|one) side"
                                  # As typed: "facial mucsle weekness", "my face has felt weaker" (development set 9).
                                  r"|(face|facial) (mu\w*s\w*les?|mus\w*les?) (weak|week)\w*|(my )?face (has |had )?(felt|feels|been|is|gotten|got) (\w+ )?weaker",
    "faq_safety_nerve": r"\bals\b|lou gehrig|lambert|\blems\b|nerves?\b|neuro\w*|muscle (disease|condition|disorder)|myasthenia|multiple sclerosis|\bms\b"
                        r"|parkinson'?s?|muscular dystrophy|neuropathy|mult\w* scl\w*",
    "faq_safety_medical_conditions": r"medical conditions?|health (conditions?|problems?|issues?)|health history|conditions? i have"
                                     r"|diabet\w*|h(e|ea)?art (disease|condition|problems?|valve|attack|murmur|thing|issues?)|blood pres+ure|high bp|asthma|epilep\w*|autoimmune|lupus"
                                     r"|cancer|thyroid|kidney|liver|illness|chronic (illness|disease)|pacemaker|heart block"
                                     r"|arthritis|rheumat\w*|crohn'?s|colitis|cholesterol|seizures?",
    "book_consultation": r"\bbook\w*|appointment|schedule|sign (me )?up|consult(ation)?\b|on the calendar",
    "request_human": r"talk to (a |someone|somebody|a person|a human|the|staff)|t(a)?lk (2|to) (the )?(dr|doc|doctor|dentist)\b|speak (to|with) (the )?(dr|doc|doctor|dentist)\b|call me|phone me|(real|actual) (person|human)|receptionist"
                     r"|(get|speak (to|with)|talk with|chat with) (a|an actual|a real) (human|person)",
}
# The same topics in French (issue 14), accents optional where patients drop them. "nerveuse" (nervous)
# is not the nerve topic; breastfeeding is not on the page, as in English.
_KEYWORDS_FR: dict[str, str] = {
    "faq_side_effects": r"effets? (secondaires?|ind[ée]sirables?)|risques?|r[ée]actions?|inconv[ée]nients?",
    "faq_dr_training": r"form[ée]e?\b|formations?|cours\b|certifi\w*|qualifi\w*|instituts?|[ée]tudi[ée] (o[ùu]|pour)",
    "faq_dr_experience": r"(?<!\bi )(?<!\bwe )(?<!\byou )exp[ée]rience|depuis combien de temps (il|le dr|le docteur|dr)|ann[ée]es de pratique|qui est le (dr|docteur)|c'est qui le (dr|docteur)",
    "faq_dr_memberships": r"membres?|associations?|soci[ée]t[ée]|affili\w*|ordre des dentistes",
    "faq_approval": r"approuv\w*|sant[ée] canada|l[ée]gal\w*|homologu\w*|reconnu",
    "faq_ingredient": r"fait (avec|de) quoi|ingr[ée]dients?|qu'est-ce qu'il y a dedans|toxine|botulique|compos[ée]",
    "faq_what_is": r"c'est quoi (le botox|ce traitement|le traitement)|qu'est-ce que le botox|comment [çc]a (marche|fonctionne)|comment fonctionne",
    "faq_not_cosmetic": r"esth[ée]tique|cosm[ée]tique|rides?\b|beaut[ée]",
    "faq_why_dentist": r"(pourquoi|pk|pq) (un |une |le |les |aller chez le )?dentistes?|clinique dentaire (est )?(bien plac|pour)|dentistes? (qui )?(fait|font|offre|offrent|donne|donnent)",
    "faq_candidates": r"candidat\w*|pour moi\b|pour qui\b|qui peut (en )?(avoir|recevoir)|tout essay[ée]|rien (ne )?(marche|fonctionne)|admissible",
    "faq_first_step": r"premi[èe]re? ([ée]tape|visite|consultation|rencontre|rendez-vous)|comment (on )?(commence|d[ée]bute)|par o[ùu] commencer|processus|comment [çc]a se passe",
    "faq_effectiveness": r"est-ce que [çc]a (marche|fonctionne)|[çc]a (marche|fonctionne)[- ]tu|efficac\w*|r[ée]sultats?|soulag\w*",
    "faq_conditions": r"trait(e|ez|ent|er)\b|soign\w*|aide[rz]? (pour|avec|[àa] |contre)|migraines?|maux de t[êe]te|c[ée]phal[ée]es?|m[âa]choire|serr\w* des dents|grinc\w*|bruxisme|\batm\b",
    "faq_motto": r"devise|slogan|philosophie|se sentir mieux",
    "faq_safety_overview": r"s[ée]curitaire|s[ée]curit[ée]|dangereu\w*|sans danger|pr[ée]cautions?|avant (le )?traitement",
    "faq_safety_medications": r"m[ée]dicaments?|m[ée]docs?|pilules?|ordonnances?|prescriptions?|anticoagulants?|antid[ée]presseurs?|aspirine|anti-?inflammatoires?|antibiotiques?|suppl[ée]ments?|contraceptifs?",
    "faq_safety_pregnancy": r"grossesse|avoir un b[ée]b[ée]|tomber enceinte",
    "faq_safety_surgery": r"chirurgies?|chirurgien|op[ée]r[ée]e?\b|op[ée]rations?|lifting",
    "faq_safety_facial_weakness": r"faiblesse (faciale|au visage|du visage|des muscles du visage|musculaire dans (la face|le visage))|visage (est |qui est )?faible|paralysie (faciale|de bell)|muscles? (du visage|faciaux) (sont )?faibles?",
    "faq_safety_nerve": r"\bsla\b|nerfs?\b|affections? nerveuses?|maladies? nerveuses?|syst[èe]me nerveux|neurologi\w*|maladies? (musculaires?|neuromusculaires?)|myasth[ée]nie|scl[ée]rose en plaques|dystrophie musculaire|neuropathie",
    "faq_safety_medical_conditions": r"conditions? m[ée]dicales?|probl[èe]mes? de sant[ée]|affections? m[ée]dicales?|ant[ée]c[ée]dents|diab[èe]t\w*|cardiaques?|pression art[ée]rielle|hypertension|asthm\w*|[ée]pilep\w*|auto-?immune|thyro[ïi]de|reins?\b|foie\b|maladies? chroniques?",
    "book_consultation": r"r[ée]serv\w*|prendre (un )?(rendez-vous|rdv)|\brdv\b|m'inscrire",
    "request_human": r"parler [àa] (quelqu'un|une personne|un humain|la r[ée]ception|l'[ée]quipe|une vraie)|appelez-moi|rappelez-moi|m'appeler|me rappeler|vraie personne|r[ée]ceptionniste",
}
TOPIC_PATTERNS: dict[str, Pattern[str]] = {
    k: re.compile(rf"\b({v}|{_KEYWORDS_FR[k]})" if k in _KEYWORDS_FR else rf"\b({v})", re.IGNORECASE) for k, v in _KEYWORDS.items()
}
# Words that ask about side effects (asks_about_side_effects): not the side effects' own names, which a
# patient also uses to tell a symptom ("eyelid drooping since the injection").
_ASKS_SIDE_EFFECTS_WORDS = TOPIC_PATTERNS["faq_side_effects"]
# As a topic, the page's side effects by name count too when asked ("is it a poison and will my eyelids
# droop": development set 6), not when told ("my left cheek droops a bit, does that matter").
TOPIC_PATTERNS["faq_side_effects"] = re.compile(
    rf"{_ASKS_SIDE_EFFECTS_WORDS.pattern}|\b(will|would|could|can|might|may|does|do)\b[^.?!]{{0,30}}\b(droop\w*|go dry|dry (mouth|eyes?)"
    r"|blurr\w*( vision)?|neck pain)\b", re.IGNORECASE)

# Where a second question starts: a question mark, "also", "and" + a question word, "plus".
_SPLIT = re.compile(
    r"\?+|[;\n]|\s\+\s|\balso\b|\bplus\b(?!\s+(?:de|d'|que|qu'|en|tard|t[ôo]t|jamais|rien|besoin|mal|le|la|les|du|pour|efficace|longtemps|vite)\b)"
    r"|,\s*(?=(?:and |&\s*)?(?:what|how|is|are|does|do|can|could|who|where|when|will|would|should|has|have)\b)|\b(?:and|&|n) (?=(?:what|how|is|are|does|do|can|could|who|where|when|will|would|should|has|have|r u|wh?at'?s|wat)\b)"
    # French: "aussi", "également", and "et / pis / puis / ," before a question word.
    r"|\baussi\b|\b[ée]galement\b"
    r"|(?:,\s*|\b(?:et|pis|puis)\s+)(?=(?:est-ce|c'est|comment|combien|qui|quand|o[ùu]|pourquoi|quel\w*|est-il|y a|avez|[êe]tes|faites|le dr|il)\b)",
    re.IGNORECASE,
)
# A follow-up that leans on the previous answer: "and for clenching?", "what about tension
# headaches then", "same for grinding?", "does that one ...", "it", "too".
FOLLOW_UP: Pattern[str] = re.compile(
    r"^\s*(and|also|what about|how about|same|so|ok(ay)?,? (and|what about)|then)\b|\b(too|as well|then)\s*\??\s*$"
    r"|^\s*(et|pis|puis|aussi|pareil|ok,? (et|pis))\b|\b(aussi|[ée]galement)\s*\??\s*$"
    r"|\b(that one|this one|that|it)\b",
    re.IGNORECASE,
)


def segments(text: str) -> list[str]:
    """The message cut where a further question may start; empty pieces dropped."""
    return [s.strip() for s in _SPLIT.split(text) if s and s.strip() and not _SPLIT.fullmatch(s.strip())]


# (topic, a phrase that names another topic with its words, what still names the topic outside the phrase)
_NAMED_INSIDE: tuple[tuple[str, Pattern[str], Pattern[str]], ...] = (
    ("faq_safety_medical_conditions", _CONDITION_MEDICATION, TOPIC_PATTERNS["faq_safety_medical_conditions"]),
    ("faq_safety_medications", _CANT_TAKE, re.compile("med", re.IGNORECASE)),
)


def topics_in(text: str) -> list[str]:
    """Topics whose words occur in `text`, in the order they first occur."""
    found = [(m.start(), topic) for topic, pattern in TOPIC_PATTERNS.items() if (m := pattern.search(text))]
    named = [topic for _, topic in sorted(found)]
    # "is it safe if pregnant" is the pregnancy question, not the general safety one.
    if any(t.startswith("faq_safety_") and t != "faq_safety_overview" for t in named):
        named = [t for t in named if t != "faq_safety_overview"]
    # A topic named only inside a phrase that means another: "on thyroid meds" names a medication, not the
    # medical conditions item (development set 9); "is it right for someone who can't take pain meds?" the
    # candidates, not the medications item (a drug told in passing, "took me off ibuprofen", doesn't keep it).
    for topic, phrase, still_named in _NAMED_INSIDE:
        if topic in named and phrase.search(text) and not still_named.search(phrase.sub(" ", text)):
            named = [t for t in named if t != topic]
    return named


def second_question(text: str, first: str, ranking: Sequence[str] = ()) -> Optional[str]:
    """The topic of a further question in the same message, or None.

    A piece of the message after the first one counts when its own words point at a topic that
    isn't `first` (nor one the first piece already names: the same question in other words).
    Without such a piece ("side effects and training?"), a second topic named anywhere counts
    only when the classifier also ranked it among its top three (`ranking`, best first).
    """
    pieces = segments(text)
    if len(pieces) >= 2:
        named_first, others = _besides_the_answered(pieces, first)
        # A piece shaped as a question first: "i cant take meds for my migraines, is this for me, and is it
        # approved" asks about the approval, not about the medications it tells (development set 8).
        for piece in sorted(others, key=lambda p: not _QUESTION_SHAPE.match(p)):
            for topic in topics_in(piece):
                if topic == "faq_safety_overview" and len(text.split()) <= SHORT_MESSAGE_WORDS:
                    # "I'm pregnant, is it safe, and will my insurance pay for it?": the safety question is about the
                    # item a short message names (development set 10); a story's item may be background ("I'm a
                    # pharmacist, always reading drug monographs ... what are the key safety points?": set 8).
                    specific = [t for t in topics_in(text) if t.startswith("faq_safety_") and t != "faq_safety_overview"]
                    topic = specific[0] if specific else topic
                if topic == "faq_effectiveness" and _WORKS_FOR_A_CONDITION.search(piece):
                    # "why would a dentist offer this and does it work for jaw pain" (development sets 8, 9).
                    topic = "faq_conditions"
                if topic not in named_first and not _same_question(first, topic, piece):
                    return topic
    top = [t for t in ranking[:3] if t != first]
    for topic in topics_in(text):
        if topic != first and topic in top and not _same_question(first, topic, text):
            return topic
    return None


SHORT_MESSAGE_WORDS = 15
_QUESTION_SHAPE = re.compile(
    r"^\s*(what|how|is|are|does|do|can|could|who|where|when|will|would|should|has|have|which|why|any"
    r"|est-ce|combien|comment|qui|quand|o[ùu]|pourquoi|quel\w*|y a|avez|[êe]tes|faites|acceptez|c'est combien)\b", re.IGNORECASE
)


def _besides_the_answered(pieces: Sequence[str], first: str) -> tuple[set[str], list[str]]:
    """The topics of the piece the answer (`first`) was for, and the other pieces.

    Usually the first piece ("does it help migraines? and what about side effects"). But the
    classifier may have read a later one ("does it treat jaw pain? how well does it work": read as
    effectiveness), and a message read as out of scope may open with a page question ("what are
    the side effects and how long does it last"): then the first piece is a question of its own.
    """
    topics = [topics_in(piece) for piece in pieces]
    answered = next((i for i, named in enumerate(topics) if first in named), None)
    if answered is None:
        if not first.startswith(FAQ_PREFIX):
            return {first}, list(pieces)
        answered = 0
    return set(topics[answered]) | {first}, [piece for i, piece in enumerate(pieces) if i != answered]


def unanswerable_question(text: str, first: str) -> bool:
    """Whether a piece besides the answered one (a page topic, or a request: "how much is it and can
    i book a consult") asks something that names no topic of the page ("does it help migraines?
    and how much does it cost?"). Not after an out-of-scope answer, which already says the page
    doesn't answer."""
    if not (first.startswith(FAQ_PREFIX) or first in ACTIONABLE):
        return False
    pieces = segments(text)
    if not pieces:
        return False
    named_first, others = _besides_the_answered(pieces, first)
    for piece in others:
        words = piece.split()
        named = set(topics_in(piece))
        # "how long is the appointment" names the booking's word, but asks what the page doesn't say.
        if len(words) >= 3 and _QUESTION_SHAPE.match(piece) and (
                not named or (named <= {"book_consultation"} and _NOT_ON_THE_PAGE.search(piece))):
            return True
    return False


def _same_question(first: str, topic: str, piece: str) -> bool:
    # "Does it work for migraines?" names conditions and effectiveness at once: one question.
    overlapping = {frozenset({"faq_conditions", "faq_effectiveness"}), frozenset({"faq_conditions", "faq_candidates"}),
                   frozenset({"faq_safety_overview", "faq_side_effects"}), frozenset({"faq_what_is", "faq_effectiveness"}),
                   frozenset({"faq_first_step", "book_consultation"})}
    # A piece that is a whole question of its own ("does it treat jaw pain? how well does it work")
    # is a second question even on a neighbouring topic; "is it safe? what are the risks" and
    # "how do I start? can I book" ask one thing twice whatever their shape. But a piece that names
    # its topic in so many words ("is it safe and what are the side effects") asks it: the page
    # answers safety and side effects apart.
    same_whatever_shape = {frozenset({"faq_safety_overview", "faq_side_effects"}), frozenset({"faq_first_step", "book_consultation"})}
    pair = frozenset({first, topic})
    if pair in same_whatever_shape and _NAMED_OUTRIGHT.get(topic, _NOTHING).search(piece) and _QUESTION_SHAPE.match(piece):
        return False
    return pair in same_whatever_shape or (pair in overlapping and not _QUESTION_SHAPE.match(piece))


_NOTHING = re.compile(r"(?!)")
# A safety or side-effect question in its own words, not only "risks" or "dangers".
_NAMED_OUTRIGHT: dict[str, Pattern[str]] = {
    "faq_side_effects": re.compile(rf"\bside ?[ae]ffects?|\beffets? secondaires?|\brisks?\b|\brisky\b|{INJECTION_PAIN_PATTERN}",
                                   re.IGNORECASE),
    "faq_safety_overview": re.compile(r"\bsafe(ty)?\b|\bs[ée]curitaire", re.IGNORECASE),
}


def is_follow_up(text: str) -> bool:
    return bool(FOLLOW_UP.search(text))


# A follow-up in so many words: "and …", "what about …", "same for …" at the start, "… too?" at the end.
_LEANS_ON = re.compile(
    r"^\s*(and|also|what about|how about|same|ok(ay)?,? (and|what about))\b|\b(too|as well)\s*\??\s*$"
    # "does that mean I can't get it?" after the facial weakness item (development set 9).
    r"|\b(does|would|will|is|could) (that|this) (mean|matter|rule|stop|prevent|change)\b"
    # "what if I'm only planning to be" after the pregnancy item, "any others?" after the memberships, "so should I
    # do it before or wait?" (development set 10).
    r"|^\s*(so |but |ok(ay)?,? )?what if\b|^\s*(any|are there( any)?) (others?|more)\b|^\s*so (should|do|can|would) i\b", re.IGNORECASE)
LEANING_MAX_WORDS = 10


def leans_on_the_last_answer(text: str) -> bool:
    """A short follow-up that names no page topic and nothing the page never says ("and in the US?",
    "and i'm planning another one in the fall"): it asks about the last answer's topic."""
    return (len(text.split()) <= LEANING_MAX_WORDS and bool(_LEANS_ON.search(text)) and not topics_in(text)
            and not _NOT_ON_THE_PAGE.search(text))


@dataclass(frozen=True)
class Candidate:
    intent: str
    confidence: float


def close_alternatives(ranking: Sequence[Mapping[str, Any]], floor: float = 0.12, most: int = 3) -> list[Candidate]:
    """The classifier's answerable guesses worth offering ("Did you mean ...?"), best first."""
    chosen: list[Candidate] = []
    for entry in ranking:
        name = str(entry.get("name") or "")
        confidence = float(entry.get("confidence") or 0.0)
        if confidence < floor:
            break
        if name.startswith(FAQ_PREFIX) or name in ACTIONABLE:
            chosen.append(Candidate(name, confidence))
        if len(chosen) == most:
            break
    return chosen


def named_alternatives(text: str, candidates: Sequence[Candidate], most: int = 2) -> list[str]:
    """The page topics among the classifier's close guesses that the message's own words name, in
    the order the message names them: "who is this for and how do i get started" (torn between
    the two, it names both), "my mom has ALS 😢 is botox even an option for her?" (torn between
    the nerve item and who it may help, it names ALS)."""
    guessed = {c.intent for c in candidates if c.intent.startswith(FAQ_PREFIX)}
    return [topic for topic in topics_in(text) if topic in guessed][:most]


# Side effects asked about in so many words, whatever condition the treatment is for ("wat r the
# side efects of botox for grinding", "botox for bruxism, any s/e's?", "DOES BOTOX FOR MIGRAINES GIVE
# YOU HEADACHES", "will the injection spots hurt": tests/dev/side_effects_dev.yml).
_SIDE_EFFECTS_OUTRIGHT = re.compile(
    r"\bside ?[ae]ff?ec?ts?\b|\bside ?efects?\b|\bside ?e?fx\b|\bs/e'?s?\b|(?-i:\bSEs?\b)|\badverse\b|\bafter ?effects?\b|\brisks?\b|\brisky\b"
    r"|\b(give|gives|giving|cause|causes|causing|trigger|triggers)\s+(you\s+|me\s+|people\s+|patients\s+)?(a\s+|any\s+)?"
    r"(headaches?|migraines?|neck pain|dry (mouth|eyes?)|blurr\w+ vision|droop\w*|fatigue)\b"
    r"|\binjection (sites?|spots?|areas?)\b|\bshot (sites?|spots?)\b|\bwhere the (needle|shot|injection)s? (goes|go|went) in\b"
    r"|\bsoreness\b"
    rf"|{INJECTION_PAIN_PATTERN}",
    re.IGNORECASE,
)
_SAFE = re.compile(r"\bsafe(ty|ly)?\b|\bdanger\w*", re.IGNORECASE)


def topics_named_besides(text: str, allowed: frozenset[str]) -> set[str]:
    """The topics `text` names other than `allowed` (a booking or a person included)."""
    return set(topics_in(text)) - allowed


_FOR_BEFORE = re.compile(r"\b(for|w/|with|treating|to treat)\s+(my\s+|the\s+|your\s+)?$", re.IGNORECASE)


def names_the_use(text: str, entity: Mapping[str, Any]) -> bool:
    """Whether a condition or unlisted term is what the treatment is for ("botox for TMJ", "side
    effects for migraine botox" read as "for migraine"), from the words just before it."""
    if entity.get("entity") not in ("condition", "unlisted") or entity.get("start") is None:
        return False
    return bool(_FOR_BEFORE.search(text[: int(entity["start"])]))


def asks_side_effects_outright(text: str) -> bool:
    """Side effects named in so many words ("side effects", "s/e", "risks", "give you headaches",
    "the injection spots"), not safety in general ("is it safe?")."""
    return bool(_SIDE_EFFECTS_OUTRIGHT.search(text)) and not _SAFE.search(text)


# "is that a side effect?", "is this normal?", "can botox cause that?": a symptom told as a question
# about what the treatment does.
_ASKS_SIDE_EFFECTS = re.compile(
    r"\b(is|are|was|were)\s+(this|that|it|these|those)\s+(a\s+|an\s+)?(normal|common|known|usual|expected|typical|possible)\b"
    r"|\b(will|would|could|might|can|do|does|am)\s+i\s+(\w+\s+)?(get|have|develop|end up with|experience|feel|be|going to get)\b"
    r"|\b(will|would|could|can|might|does|do)\s+(it|botox|this|that|they|the\s+(botox|injections?|shots?|treatment))\s+(\w+\s+)?(give|make|leave)\b"
    r"|\b(is|are)\b[^.?!]{0,40}\b(common|normal|usual|typical|expected)\b|\b(can|could|does|do)\s+(it|that|this)\s+happen\b"
    r"|\b(can|could)\s+[\w\s]{0,30}\bhappen after\b"
    r"|\b(c'est|est-ce)\s+(normal|courant|fr[ée]quent)",
    re.IGNORECASE,
)


def asks_about_side_effects(text: str) -> bool:
    """Whether `text`, beside whatever it tells, asks about side effects or whether something is
    usual: the page's side effects answer that part (never whether it is fine for the patient)."""
    return bool(_ASKS_SIDE_EFFECTS_WORDS.search(text) or _ASKS_SIDE_EFFECTS.search(text))


# A fragment this short that names one page topic and no other is about it.
FRAGMENT_MAX_WORDS = 6


# What the page never says, in a fragment's words: hours, prices, insurance, where the clinic is.
_NOT_ON_THE_PAGE = re.compile(
    r"\b(hours?|hrs|open(ing)? (on|today|tomorrow|late|weekends?|saturdays?|sundays?)|cost\w*|prices?|pricing|fees?|\$\d*"
    r"|how much (is|does|do|for|would|will)\b(?!.*\bhelp)|insurance|insured|covered|coverage|direct bill\w*|parking|address"
    r"|located|location|directions|payment|pay for"
    # "how long is the appointment" (development set 9); the consultation's content is the page's first step.
    r"|how long (is|does|will|would) (the |an? |my |your )?(first |initial )?(appointment|consult\w*|visit|session)( take| last)?"
    r"|heures?|prix|co[uû]te?|assurances?|adresse|stationnement)\b",
    re.IGNORECASE,
)


def one_topic_asked(text: str) -> list[str]:
    """The one page topic a message names (`one_topic_named`), unless it also asks about hours, prices,
    insurance, the address and the like ("Could you please let me know the clinic's hours of operation?")."""
    return [] if _NOT_ON_THE_PAGE.search(text) else one_topic_named(text)


# Breastfeeding is not on the page (pregnancy is): "what about after the baby while I'm breastfeeding?"
# read as the pregnancy item is out of scope (development sets 6 and 8).
_BREASTFEEDING = re.compile(r"\b(breast ?feed\w*|nursing (my|a|the) (baby|newborn)|allait\w*)\b", re.IGNORECASE)
_PREGNANT = re.compile(r"\b(pregnan\w*|pregant\w*|expecting|enceinte|grossesse)\b", re.IGNORECASE)


def asks_about_breastfeeding_only(text: str) -> bool:
    return bool(_BREASTFEEDING.search(text)) and not _PREGNANT.search(text)


def one_topic_named(text: str) -> list[str]:
    """The one page topic `text` names, as a list (empty when it names none or several)."""
    named = set(topics_in(text))
    return [named.pop()] if len(named) == 1 and next(iter(named)).startswith(FAQ_PREFIX) else []


def only_topic_named(text: str) -> Optional[str]:
    """The one page topic a fragment's words name ("cons", "isnt botox a posion", "approved?"),
    "out_of_scope" for a fragment that names only what the page never says ("wat r ur hrs"), or
    None: for a longer message, or one naming no topic or several (a booking or a person included)."""
    if len(text.split()) > FRAGMENT_MAX_WORDS:
        return None
    if not topics_in(text):
        return OUT_OF_SCOPE if _NOT_ON_THE_PAGE.search(text) else None
    return next(iter(one_topic_named(text)), None)


def entity_values(entities: Iterable[Mapping[str, Any]], kind: str) -> list[str]:
    return [str(e.get("value")) for e in entities if e.get("entity") == kind and e.get("value")]
