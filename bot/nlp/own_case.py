"""A patient telling their own health situation and asking whether the treatment is OK for them.

Issue 12: "I'm on blood thinners, is it OK for me?", "myasthenia gravis here. can i get it",
"I'M 16, CAN I GET IT", "je suis sous lithium, est-ce correct pour moi?" must get "tell the team;
Dr. Walters decides at the consultation" and never a yes. The classifier learns the intent
`own_case` from examples, but a story about a medication or a diagnosis looks like the page's
safety topics, the conditions, or a greeting; this reads two things it can't weigh:

- a fact about the patient's own health: a medication they are on or take, a diagnosis they
  have or live with, an allergy or a past reaction, their age, pregnancy or breastfeeding, a
  device (pacemaker), their own doctor;
- and a question about themselves ("can I", "is it safe for me", "does that matter", "will it
  clash") or a plain heads-up ("fyi", "just so you know", "wanted to mention").

The page's own treated conditions (migraines, headaches, jaw pain, clenching and grinding) are
not such a fact: "I have migraines, can I get it?" asks about the conditions, and is answered so.
PatternSafeguards uses `states_own_case` only to replace readings that can't be right for such a
message (the page's topics, a greeting, the fallback), never an urgent one or a request to book.
"""

from __future__ import annotations

import re

from bot.nlp.safety import normalise

# Diagnoses, devices and states a patient tells about themselves (English and French stems; the
# page's treated conditions are deliberately absent).
_HEALTH = (
    r"(diabet\w*|asthma\w*|asthm\w*|epilep\w*|seizures?|sclerosis|ms|als|lupus|fibromyalg\w*|fibro|arthritis|osteoarthritis"
    r"|parkinson'?s?|myasthenia|gravis|lambert[- ]eaton|bell'?s palsy|palsy|bipolar|depression|anxiety|cancer|chemo\w*|hiv"
    r"|heart (condition|disease|problems?|attack|failure|block)|heart\w*|pacemaker|stent|high blood pressure|blood pressure"
    r"|hypertension|low blood pressure|cholesterol|thyroid|hypothyro\w*|hyperthyro\w*|hashimoto'?s?|kidney\w*|liver|dialysis"
    r"|stroke|anemi\w*|bleeding disorder|hemophilia|haemophilia|immunocompromised|autoimmune|transplant|glaucoma|neuropathy"
    r"|dystonia|ptsd|adhd|condition|disorder|disease|syndrome|allerg\w*|reaction|sensitive to|intoleran\w*|implants?|fillers?"
    r"|pregnan\w*|breastfeed\w*|nursing|bp|copd|celiac|coeliac|rheumatoid|murmur|inhalers?|surgery|facelift|face ?lift"
    r"|diabete|asthme|epilepsie|sclerose|maladie|cardiaque|coeur|pression|thyroide|rein\w*|foie|enceinte|allaite\w*|allergi\w*"
    r"|stimulateur|arthrite|greffe|myasthenie|paralysie|lifting|chirurgie|operation)"
)
# Medicines patients name, and the classes they say ("blood thinners").
_MEDICINE = (
    r"(blood thinners?|thinners|anticoagulants?|warfarin|coumadin|eliquis|xarelto|plavix|aspirin|antidepressants?|ssris?|snris?"
    r"|zoloft|prozac|lexapro|cipralex|effexor|wellbutrin|trazodone|lithium|insulin|metformin|ozempic|antibiotics?"
    r"|muscle relaxants?|baclofen|amitriptyline|elavil|topiramate|topamax|gabapentin|lyrica|synthroid|levothyroxine|steroids?"
    r"|prednisone|cortisone|ocrevus|beta[- ]blockers?|metoprolol|propranolol|statins?|lipitor|birth control|the pill|accutane"
    r"|opioids?|benzos?|ativan|xanax|clonazepam|chemo\w*|antidepresseurs?|antibiotiques?|relaxants? musculaires?|pilule)"
)
# "my medications", "any meds", "des médicaments" name no medicine: "do I need to tell you about my
# medications?" is the page's own safety question, answered with its item.
# A drug named by its ending ("amoxicillin", "tacrolimus", "methotrexate").
_DRUG_ENDING = r"\w{3,}(cillin|mycin|pril|sartan|olol|statin|azole|pine|pam|lam|ine|ide|one|ate|ex|ax|ix|mab|nib|limus|fen|in|ol)"

# A medicine the patient names as theirs: "I'm on warfarin", "ON BACLOFEN", "je suis sous lithium".
_MEDICINE_FACTS = tuple(re.compile(p) for p in (
    rf"\b(i'?m|im|i am|i'?ve been|been)\s+(\w+\s+){{0,2}}on\s+({_MEDICINE}|{_DRUG_ENDING})\b|^\s*on\s+({_MEDICINE}|{_DRUG_ENDING})\b"
    rf"|\bi\s+(take|use)\s+({_MEDICINE}|{_DRUG_ENDING})\b",
    rf"\bje\s+suis\s+sous\s+({_MEDICINE}|{_DRUG_ENDING})\b|\bje\s+prends?\s+(du|de la|des|le|la|l'\s?)\s*({_MEDICINE}|{_DRUG_ENDING})\b",
))

_FACTS = tuple(re.compile(p) for p in (
    # "I'm on warfarin", "im taking lithium", "fyi on eliquis", "take methotrexate weekly", "ON BACLOFEN"
    rf"\b(on|taking|take|takes)\s+(\w+\s+){{0,3}}({_MEDICINE}|{_DRUG_ENDING})\b",
    r"\bi\s+(take|use|need)\s+(\w+\s+){0,4}(daily|every|each|twice|once|\d+\s?mg)\b",
    rf"\bmy\s+{_MEDICINE}\b",
    # A message that opens with the fact: "high BP, on meds", "celiac + hashimotos. safe for me?"
    rf"^\s*(\w+\s+){{0,2}}{_HEALTH}\b",
    # "I have MS", "I've got diabetes", "HAVE HIGH BLOOD PRESSURE", "diagnosed with", "I get seizures"
    rf"(^\s*|\bi\s+(still\s+|also\s+|now\s+|currently\s+|do\s+|already\s+)?|\bi'?ve\s+(still\s+|also\s+)?|\bive\s+)(have|got|had|get|suffer\s+from|live\s+with)\s+((?!questions?|appointments?|consult\w*|botox|it\b|this|treatment|injections?|shots?)\w+\s+){{0,3}}{_HEALTH}\b",
    rf"\b(living\s+with|diagnosed(\s+with)?|dx(\s+with)?|history\s+of)\s+(\w+\s+){{0,3}}{_HEALTH}\b",
    # Weakness of their own face, told: "the muscles on the right side of my face ... still feel weak"
    # "the left side of my face never fully came back. It still feels weaker than the right"
    r"\bmy\s+(face|facial\s+muscles?|face\s+muscles?)\b[^?!]{0,80}\b(weak\w*|droop\w*|paraly\w*)\b"
    r"|\bmuscles?\s+(on|in)\s+(the\s+)?(\w+\s+){0,2}(side\s+of\s+)?my\s+face\b[^.?!]{0,60}\b(weak|weakness|droop\w*)\b",
    # Planning a pregnancy: "we're trying for a baby", "planning to start trying to conceive", "ttc"
    r"\b(trying|try)\s+(to\s+)?(get\s+pregnant|conceive|for\s+(a|our|my)\s+(first\s+|second\s+|next\s+)?(baby|kid|child)|to\s+have\s+a\s+baby)\b|\bttc\b"
    r"|\b(essaie|essayons|essaye|essayer)\s+(de\s+|d'\s?)(tomber\s+enceinte|avoir\s+un\s+bebe|concevoir)\b",
    rf"\b{_HEALTH}\s+(here|patient|survivor)\b",
    r"\b(i'?m|im|i am)\s+(\w+\s+){0,3}(diabetic|epileptic|asthmatic|pregnant|nursing|breastfeeding|immunocompromised|anemic"
    r"|on dialysis|a minor|under 18)\b",
    r"\b(i'?m|im|i am|i'?ve been|i was)\s+(\w+\s+)?allergic\b|\ballergic\s+to\s+(?!botox|it\b|this|that|the\s)|\b\w+\s+allerg(y|ies)\b"
    r"|\b(bad|allergic|severe|strong)\s+reaction\b|\bi\s+react(ed)?\s+(badly|poorly|strongly)\b",
    # Age: "I'm 81", "17 yrs old", "I'M 16"
    r"\b(i'?m|im|i am|aged?)\s+\d{1,3}\b(?!\s*(min|minutes|km|kg|lbs?|%|weeks?|days|hours|months?))|\b\d{1,3}\s*(yrs?|years?)\s+old\b"
    r"|\b\d{1,3}\s*y/?o\b|\bmy age\b|\btoo (old|young)\b",
    # French: "je suis sous lithium", "je prends de l'insuline", "j'ai le diabète", "chu enceinte", "j'ai 17 ans"
    rf"\bje\s+suis\s+sous\s+\w+|\bje\s+prends?\s+(du|de la|des|le|la|l'\s?)\s*(?!rendez|rdv|note|temps)\w+|\bmes\s+{_MEDICINE}\b",
    rf"\b(j'\s?ai|jai|j ai)\s+(\w+\s+|d'\s?|l'\s?){{0,3}}{_HEALTH}\b|\b(je\s+|j)(fais|souffre|vis)\s+(\w+\s+|d'\s?|l'\s?){{0,3}}{_HEALTH}\b",
    r"\b(je\s+suis|chu|chui|j'\s?suis|jsuis)\s+(enceinte|diabetique|epileptique|asthmatique|allergique|cardiaque|en chimio\w*)\b"
    r"|\ballergique\s+(a|au|aux)\b|\bj'\s?allaite\b",
    r"\b(j'\s?ai|jai)\s+\d{1,3}\s+ans\b",
))

_ASKS_FOR_SELF = re.compile(
    r"\b(can|could|may|should)\s+i\b|\bam\s+i\s+(allowed|able|eligible|ok|okay|a (good |suitable )?candidate|too|still)\b"
    r"|\b(is|would)\s+(it|botox|that|this|the treatment)\s+(still\s+|be\s+)?(ok|okay|safe|fine|allowed|alright|a problem|an issue"
    r"|possible|dangerous|risky)\b|\b(ok|okay|safe|fine|allowed|alright)\s*(for me)?\s*\?+|\bfor me\b"
    r"|\b(does|would|will|could)\s+(that|it|this|any of that|any of this)\s+(matter|be a problem|affect|change|interfere|stop|prevent)\b"
    r"|\b(clash\w*|interact\w*|mix\w*|conflict\w*|stack|combin\w*)\b|\b(prevent|stop|rule|disqualify|exclude|keep)\w*\s+me\b"
    r"|\ballowed\b|\bstill\s+(get|have|do|try|be)\b|\b(fyi|just so you know|just so you'?re aware|heads up|for your info\w*"
    r"|wanted to (mention|let you know|flag)|should (you|the team|the dr|the doctor) know)\b|\bbefore booking\b"
    # As patients shorten it: "ok 2 get botox?", "k to get", "does that rule me out", "I should mention".
    r"|\b(ok|okay|k)\s+(or not|2|4|to)\b|\b(someone|somebody|people|a person|patients?) (like me|in my (situation|shoes|position))\b|\b(appropriate|suitable|a (good )?fit)\b|\brules?\s+me\s+out\b|\bbe (a |an )?(problem|issue)\b"
    r"|\bable to\b|\b(should|must|need to|have to|want to|i'?d like to)\s+(mention|note|tell|flag|say|disclose)\b"
    r"|\bwhile\s+(i'?m|im|i am)\b|\bsafe\W*$|\bi\s+(can|could|may)\s+(get|have|do|try|still)\b"
    # "Do you think Botox would be safe in my situation?", "something you need to know before Botox?"
    r"|\b(botox|it|this|the treatment)\s+(would|will)\s+(still\s+)?be\s+(ok|okay|safe|fine|allowed|alright|a problem|an issue)\b"
    r"|\bin my (situation|case|condition)\b|\b(you|the team|the dr|the doctor|dr walters)\s+(need|needs|should|would want|want)\s+to\s+know\b"
    # "Do I need to tell you about all of those?", "Would I need to let you know", "something you'd need to know"
    r"|\b(do|would|will|should)\s+i\s+(need|have)\s+to\s+(tell|let|inform|mention|say)\b|\b(you'?d|you would)\s+(need|want)\s+to\s+know\b"
    r"|\bsomething\s+i\s+(should|can|could)\s+(be\s+)?(do|doing|get|getting|have|try)\b"
    # French
    r"|\b(je peux|puis-je|est-ce que je peux|suis-je|est-ce (correct|ok|grave|dangereux|un probleme|risque))\b"
    r"|\b(c'\s?est|cest|c'\s?tu|ctu|c)\s+(tu\s+)?(correct|ok|grave|dangereux|safe|risque|un probleme|derangeant)\b|\bfait\s+tu\b"
    r"|\b(pour|pr) moi\b|\bca (pose|cause|derange)\b|\b(pour|a) votre information\b|\bpour info\b|\bquand meme\b|\bempech\w*"
    r"|\bconflit\b"
)


_CONDITIONAL = re.compile(r"\b(if|whether|si)\s+(i'?m|im|i am|i|my|you|someone|a person|people|je|j'\s?|on|mon|ma|mes)\b[^,.?!;]*")


def states_own_case(text: str | None) -> bool:
    """True when `text` tells a fact about the patient's own health and asks, or tells the team,
    about it (see the module docstring)."""
    return _told_and_asked(text, _FACTS)


def _told_and_asked(text: str | None, facts: tuple[re.Pattern[str], ...]) -> bool:
    """One of `facts` told (outside an "if") and a question about the patient or a heads-up."""
    if not text:
        return False
    # "can I get botox if I'm pregnant" asks the page's question, not about the patient: a fact
    # inside an "if" is not told.
    normalised = normalise(text)
    told = _CONDITIONAL.sub(" ", normalised)
    return any(fact.search(told) for fact in facts) and bool(_ASKS_FOR_SELF.search(normalised))


def names_own_medicine(text: str | None) -> bool:
    """True when `text` names a medicine the patient is on and asks about it ("ON BACLOFEN FOR
    SPASTICITY. CAN I DO BOTOX"): read as out of scope by the classifier, it is still the
    patient's own case. Narrower than `states_own_case` on purpose: other facts read as out of
    scope (breastfeeding, which the page doesn't mention) stay out of scope."""
    return _told_and_asked(text, _MEDICINE_FACTS)
