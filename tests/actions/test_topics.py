"""Pure helpers for questions in context: second questions, follow-ups, close alternatives."""

from __future__ import annotations

import pytest

from actions.topics import (
    Candidate,
    asks_about_side_effects,
    asks_side_effects_outright,
    close_alternatives,
    is_follow_up,
    named_alternatives,
    only_topic_named,
    second_question,
    segments,
    topics_in,
)


@pytest.mark.parametrize(
    ("text", "first", "second"),
    [
        ("what are the side effects and is dr walters trained in this", "faq_side_effects", "faq_dr_training"),
        # "risks" names the side effects outright (the red-team and side-effects development sets
        # asked it so): both answered, as for "is it safe and what are the side effects".
        ("is it safe? what are the risks", "faq_safety_overview", "faq_side_effects"),
        ("Is it approved? How long has the doctor been practicing", "faq_approval", "faq_dr_experience"),
        ("does it help migraines, also is it safe if pregnant", "faq_conditions", "faq_safety_pregnancy"),
        ("what's in it; any side effects?", "faq_ingredient", "faq_side_effects"),
        ("how effective is it and can i book an appointment", "faq_effectiveness", "book_consultation"),
        # The classifier read the later piece: the first piece is the other question.
        ("does it treat jaw pain? how well does it work tho", "faq_effectiveness", "faq_conditions"),
        # Read as out of scope as a whole, it opens with a page question.
        ("what are the side effects and how long does it last", "out_of_scope", "faq_side_effects"),
        # "what is botox made of" is the ingredient question, not "what is botox".
        ("what is botox made of and is it approved in canada", "faq_approval", "faq_ingredient"),
        # From a fresh development set (stop 20): words patients use for these topics.
        ("what's actually in it and is it approved here?", "faq_approval", "faq_ingredient"),
        ("What's botulinum toxin exactly and is it dangerous?", "faq_ingredient", "faq_safety_overview"),
        ("is it worht it honestly? and whats the first visit like", "faq_first_step", "faq_effectiveness"),
        # Development set 4: safety and side effects, each asked in so many words, are two questions.
        ("is it safe and what are the side effects", "faq_side_effects", "faq_safety_overview"),
        ("is it safe and what are the side effects", "faq_safety_overview", "faq_side_effects"),
        ("what are the side effects, is it safe?", "faq_side_effects", "faq_safety_overview"),
    ],
)
def test_a_second_question_is_found(text: str, first: str, second: str) -> None:
    assert second_question(text, first) == second


@pytest.mark.parametrize(
    ("text", "first"),
    [
        ("what are the side effects?", "faq_side_effects"),
        ("does it work for migraines?", "faq_conditions"),  # one question naming two topics' words
        ("can it help my jaw pain and my headaches?", "faq_conditions"),
        ("side effects? side effects??", "faq_side_effects"),
        ("does it work? for migraines?", "faq_effectiveness"),  # a fragment after the break: the same question
        ("I'm nervous, is it safe?", "faq_safety_overview"),  # nervous is not a nerve condition
        # "treatment" is not "treat": no conditions question in how long one lasts.
        ("is it safe overall, and how long does one treatment last?", "faq_safety_overview"),
        ("", "faq_what_is"),
    ],
)
def test_one_question_has_no_second(text: str, first: str) -> None:
    assert second_question(text, first) is None


def test_segments_split_where_a_question_may_start() -> None:
    assert segments("is it approved? and what does it treat") == ["is it approved", "what does it treat"]
    assert segments("whats ur motto n how long has the dr been practicing") == ["whats ur motto", "how long has the dr been practicing"]
    assert segments("jaw pain and headaches") == ["jaw pain and headaches"]


def test_topics_in_order_of_appearance() -> None:
    assert topics_in("is dr walters trained, and what are the side effects") == ["faq_dr_training", "faq_side_effects"]


@pytest.mark.parametrize("text", ["and for clenching?", "what about tension headaches then", "same for grinding?",
                                  "is that one common?", "migraines too?"])
def test_follow_ups(text: str) -> None:
    assert is_follow_up(text)


def test_not_a_follow_up() -> None:
    assert not is_follow_up("what are the side effects")


def test_close_alternatives_keep_answerable_intents_above_the_floor() -> None:
    ranking = [{"name": "nlu_fallback", "confidence": 0.45}, {"name": "faq_what_is", "confidence": 0.3},
               {"name": "greet", "confidence": 0.2}, {"name": "request_human", "confidence": 0.13},
               {"name": "faq_motto", "confidence": 0.11}, {"name": "faq_approval", "confidence": 0.1}]
    assert [c.intent for c in close_alternatives(ranking)] == ["faq_what_is", "request_human"]
    assert close_alternatives([]) == []


def test_a_second_topic_without_a_break_counts_only_when_the_classifier_ranked_it() -> None:
    text = "side effects and dr walters training"
    assert second_question(text, "faq_side_effects", ["faq_side_effects", "faq_dr_training"]) == "faq_dr_training"
    assert second_question(text, "faq_side_effects", ["faq_side_effects", "faq_what_is", "faq_motto"]) is None


def test_a_comma_before_a_question_word_starts_a_second_question() -> None:
    assert second_question("what's it made of, is it approved", "faq_ingredient") == "faq_approval"


def test_a_further_question_the_page_cannot_answer_is_noticed() -> None:
    from actions.topics import unanswerable_question

    assert unanswerable_question("does it help migraines? and how much does it cost?", "faq_conditions")
    assert not unanswerable_question("does it help migraines?", "faq_conditions")
    assert not unanswerable_question("does it help migraines? I mean really", "faq_conditions")
    assert not unanswerable_question("is it approved? what are the side effects", "faq_approval")
    # The classifier answered the later piece; the first asked what the page doesn't answer.
    assert unanswerable_question("do u take insurance and what happens at the consult", "faq_first_step")
    # An out-of-scope answer already says the page doesn't answer.
    assert not unanswerable_question("how much is it? do you take insurance?", "out_of_scope")


# --------------------------------------------------------------------------- French (issue 14)


@pytest.mark.parametrize(
    ("text", "first", "second"),
    [
        ("est-ce que ça aide pour les migraines? et les effets secondaires?", "faq_conditions", "faq_side_effects"),
        ("c'est sécuritaire pendant la grossesse? pis le dr walters a quelle formation?", "faq_safety_pregnancy",
         "faq_dr_training"),
        ("est-ce approuvé par santé canada et est-ce que je peux prendre rendez-vous", "faq_approval", "book_consultation"),
        ("c'est fait avec quoi, est-ce que c'est securitaire", "faq_ingredient", "faq_safety_overview"),
        ("le dr walters a combien d'expérience? aussi, est-il membre d'une association?", "faq_dr_experience",
         "faq_dr_memberships"),
    ],
)
def test_a_french_second_question_is_found(text: str, first: str, second: str) -> None:
    assert second_question(text, first) == second


@pytest.mark.parametrize(
    ("text", "first"),
    [
        ("est-ce que ça marche pour les migraines?", "faq_conditions"),
        ("c'est sécuritaire? quels sont les risques", "faq_safety_overview"),
        # French "plus" is "more", not "also": no second piece.
        ("est-ce que ça marche plus que les pilules?", "faq_effectiveness"),
        # "nerveuse" is nervous, not the nerve topic.
        ("je suis nerveuse, est-ce que c'est dangereux?", "faq_safety_overview"),
    ],
)
def test_one_french_question_has_no_second(text: str, first: str) -> None:
    assert second_question(text, first) is None


def test_a_french_further_question_the_page_cannot_answer_is_noticed() -> None:
    from actions.topics import unanswerable_question

    assert unanswerable_question("ça marche vraiment? combien ça coûte?", "faq_effectiveness")
    assert not unanswerable_question("ça marche vraiment?", "faq_effectiveness")


def test_french_follow_ups() -> None:
    assert is_follow_up("et pour le bruxisme?")
    assert is_follow_up("les céphalées de tension aussi?")
    assert not is_follow_up("quels sont les effets secondaires")


@pytest.mark.parametrize(("text", "topic"), [
    ("can it cause muscle weakness", "faq_side_effects"),
    ("how long has the dr been practicing", "faq_dr_experience"),
    ("therapeutic botox meaning", "faq_what_is"),
    ("I thought it was the anti-aging stuff for crow's feet", "faq_not_cosmetic"),
    ("am i a candidate, and would it actually help?", "faq_effectiveness"),
    ("were trying to get pregant soon", "faq_safety_pregnancy"),
    ("having my gallbladder out in march, should i mention that", "faq_safety_surgery"),
    ("my face muscles r weak on the left", "faq_safety_facial_weakness"),
    ("is it allowed for someone with LEMS?", "faq_safety_nerve"),
    ("i dont want a bot i want a actual human", "request_human"),
    ("pk un dentiste pour ça?", "faq_why_dentist"),
    # Found on the fourth development set (tests/dev/understanding_dev4.yml).
    ("we're starting to try for a baby in the next few months", "faq_safety_pregnancy"),
    ("I'm 29 weeks along and my OB said to ask around", "faq_safety_pregnancy"),
    ("Why is a dental clinic doing Botox now?", "faq_why_dentist"),
    ("I got Botox on my forehead a few years ago. Is this a different thing?", "faq_not_cosmetic"),
    ("can we get something on the calendar?", "book_consultation"),
    ("WHAT DOES BOTOX ACTUALLY DO", "faq_what_is"),
    ("does it even work tho", "faq_effectiveness"),
    ("what if my face is already weak", "faq_safety_facial_weakness"),
    ("can i tlk 2 the dr directly", "request_human"),
    # Found on the third development set (tests/dev/understanding_dev3.yml).
    ("Could you tell me how long Dr. Walters has practised", "faq_dr_experience"),
    ("wht is it made frm", "faq_ingredient"),
    ("whats the philosophy of the clinic and who is this treatment for", "faq_candidates"),
    ("how do i get strated", "faq_first_step"),
    ("im on blood thiners is that ok", "faq_safety_medications"),
    ("tryna get preg soon is botox ok", "faq_safety_pregnancy"),
    ("We're planning to start a family next year. Does that matter for Botox?", "faq_safety_pregnancy"),
    ("What's involved in the first visit and how many years has the dentist been practising?", "faq_dr_experience"),
    ("I'm a teacher. Honestly, does botox work well?", "faq_effectiveness"),
    # Found on the sixth development set (tests/dev/understanding_dev6.yml).
    ("is he in the ODA", "faq_dr_memberships"),
    ("whats involved in the consult", "faq_first_step"),
    ("Would you kindly confirm whether my medical history is reviewed before anything is done?", "faq_first_step"),
    ("what do u need to know b4 treatment", "faq_safety_overview"),
    ("is it bacteria based", "faq_ingredient"),
    ("is that the same thing as botulism", "faq_ingredient"),
    ("im on antidepresants can i still get it", "faq_safety_medications"),
    ("I have some lingering weakness in my facial muscles", "faq_safety_facial_weakness"),
    ("does it hurt", "faq_side_effects"),
    # Found on the seventh development set (tests/dev/understanding_dev7.yml).
    ("any side fx w/ the shots?", "faq_side_effects"),
    ("is it botchulism", "faq_ingredient"),
    ("and can it spread", "faq_side_effects"),
    ("could it give me a headache?", "faq_side_effects"),
    ("we're planning a baby next year", "faq_safety_pregnancy"),
    ("i have hgh blood presure is botox ok", "faq_safety_medical_conditions"),
    ("I am scheduled to have a hip replacement in the spring", "faq_safety_surgery"),
    ("Where do I even start?", "faq_first_step"),
    ("I always thought botox was for celebrities trying to look younger", "faq_not_cosmetic"),
    ("could you tell me what I should disclose ahead of treatment?", "faq_safety_overview"),
    ("WILL THIS GET RID OF MY PAIN", "faq_effectiveness"),
    ("botox at the dentist?? why", "faq_why_dentist"),
    # Found on the eighth development set (tests/dev/understanding_dev8.yml).
    ("wat is it n is it safe", "faq_what_is"),
    ("how it works", "faq_what_is"),
    ("how does it relieve pain", "faq_what_is"),
    ("how would injecting botox reduce that?", "faq_what_is"),
    ("is this the same botox celebs use", "faq_not_cosmetic"),
    ("what do you need to know about my health before the injections", "faq_safety_overview"),
    ("who does the injections", "faq_dr_experience"),
    ("my facial musles are kinda weak", "faq_safety_facial_weakness"),
    ("i have multipel sclerosis is this ok for me", "faq_safety_nerve"),
    # Found on the ninth development set (tests/dev/understanding_dev9.yml).
    ("is that even allowed", "faq_approval"),
    ("who is the dentist and where did he train?", "faq_dr_experience"),
    ("preggers rn, ok 2 get it?", "faq_safety_pregnancy"),
    ("i have some facial mucsle weekness is that ok", "faq_safety_facial_weakness"),
    ("My face has felt weaker on the right side since a car accident", "faq_safety_facial_weakness"),
    ("is it right for someone who can't take pain meds?", "faq_candidates"),
    ("I have noticed slight weakness in my cheek muscles", "faq_safety_facial_weakness"),
    ("had a seizure like 10 yrs ago, none since", "faq_safety_medical_conditions"),
    # Found on the tenth development set (tests/dev/understanding_dev10.yml).
    ("im on bloood thiners is that ok", "faq_safety_medications"),
    ("I had a nose job two years ago. Does that matter?", "faq_safety_surgery"),
    ("some of the muscles in my face have been weak since an injury", "faq_safety_facial_weakness"),
    ("why go to a dentist for migraines", "faq_why_dentist"),
    ("what's the pacific one?", "faq_dr_training"),
])
def test_the_words_patients_use_name_the_topic(text: str, topic: str) -> None:
    assert topic in topics_in(text)


def test_does_it_help_with_a_term_is_not_the_effectiveness_question() -> None:
    assert "faq_effectiveness" not in topics_in("does it help with migraines?")


def test_the_guesses_the_message_names_are_picked_in_its_order() -> None:
    torn = [Candidate("faq_first_step", 0.3), Candidate("faq_candidates", 0.25), Candidate("request_human", 0.15)]
    assert named_alternatives("who is this for and how do i get started", torn) == ["faq_candidates", "faq_first_step"]
    assert named_alternatives("my mom has ALS, is botox even an option for her?",
                              [Candidate("faq_safety_nerve", 0.3), Candidate("faq_candidates", 0.2)]) == ["faq_safety_nerve"]
    # Words that name none of the guesses (or only something to start, like a person) pick nothing.
    assert named_alternatives("how long is it good for", torn) == []
    assert named_alternatives("can someone call me", torn) == []


@pytest.mark.parametrize(("text", "topic"), [
    ("cons", "faq_side_effects"),
    ("isnt botox a posion", "faq_ingredient"),
    ("approved?", "faq_approval"),
    ("wat r ur hrs", "out_of_scope"),
    ("how much is it", "out_of_scope"),
    ("where r u located", "out_of_scope"),
    # A topic named wins over "how much"; nothing named, several named, a booking or a longer
    # message: not a fragment's one topic.
    ("how much does it help", "faq_effectiveness"),
    ("hi", None),
    ("is it safe and approved", None),
    ("book me in", None),
    ("my cousin says the side effects are not that bad at all", None),
])
def test_a_fragment_names_one_topic_or_none(text: str, topic: str) -> None:
    assert only_topic_named(text) == topic


@pytest.mark.parametrize(("text", "asks"), [
    ("my eyelid droops since monday, is that normal?", True),
    ("is dry mouth a side effect? i have it since my shots", True),
    ("will I get a headache after botox?", True),
    ("could it make my neck sore for long?", True),
    # Told, with no question about what the treatment does: the care message alone.
    ("had the shots yesterday. double vision since this morning", False),
    ("got botox 3 days ago and my vision is blury, what do i do", False),
])
def test_a_symptom_may_come_with_a_question_about_side_effects(text: str, asks: bool) -> None:
    assert asks_about_side_effects(text) is asks


@pytest.mark.parametrize(("text", "outright"), [
    ("wat r the side efects of botox for grinding", True),
    ("botox for bruxism, any s/e's?", True),
    ("any SEs w/ botox for TMJ?", True),
    ("DOES BOTOX FOR MIGRAINES GIVE YOU HEADACHES", True),
    ("will the injection spots hurt", True),
    ("What are the risks of getting Botox for jaw pain?", True),
    # Safety in general, and French "ses": not the side effects outright.
    ("is it safe for my migraines?", False),
    ("IS IT SAFE?? WHAT ARE THE RISKS", False),
    ("le dentiste et ses assistants", False),
    ("does it help with headaches", False),
])
def test_side_effects_asked_outright(text: str, outright: bool) -> None:
    assert asks_side_effects_outright(text) is outright



def test_a_plus_between_two_questions_starts_the_second() -> None:
    assert segments("what do u need to know b4 treatment + how long til it kicks in") == [
        "what do u need to know b4 treatment", "how long til it kicks in"]


def test_a_side_effect_asked_by_name_is_a_second_question_but_not_one_told() -> None:
    assert second_question("is it a poison and will my eyelids droop", "faq_ingredient") == "faq_side_effects"
    assert "faq_side_effects" not in topics_in("my left cheek droops a bit and i cant lift my brow, does that matter")
    # Told, it is no question about side effects either (the after-treatment message decides).
    assert not asks_about_side_effects("eyelid drooping since the injection")


def test_a_question_after_n_in_shorthand_is_a_second_question() -> None:
    assert segments("whats ur motto n r u a robot") == ["whats ur motto", "r u a robot"]



def test_a_second_question_is_looked_for_in_the_pieces_that_ask_first() -> None:
    text = "i cant take meds for my migraines, is this for me, and is it approved"
    assert second_question(text, "faq_candidates") == "faq_approval"


@pytest.mark.parametrize(("text", "leans"), [
    ("and in the US?", True),
    ("and i'm planning another one in the fall", True),
    ("and how much does it cost?", False),  # what the page never says
    ("and the side effects?", False),  # names a topic of its own
    ("is it approved in the US?", False),  # not a follow-up
    # Development sets 9 and 10: a question about what was just said, or asking for more of it.
    ("does that mean I can't get it?", True),
    ("so does that matter?", True),
    ("what if I'm only planning to be", True),
    ("any others?", True),
    ("so should I do it before or wait?", True),
    ("it was on my face obviously lol, does that matter", True),
])
def test_a_follow_up_naming_nothing_new_leans_on_the_last_answer(text: str, leans: bool) -> None:
    from actions.topics import leans_on_the_last_answer

    assert leans_on_the_last_answer(text) is leans



def test_not_tolerating_medications_is_the_candidates_not_the_medications_item() -> None:
    assert "faq_safety_medications" not in topics_in("is it right for someone who can't take pain meds?")
    # A medication of the patient's own, told beside it, still names the item.
    assert "faq_safety_medications" in topics_in("I take meds for my thyroid and can't take painkillers")
    # "am I allowed" is the patient's own case, not the approval.
    assert "faq_approval" not in topics_in("am I allowed to get it while pregnant?")
    text = "How effective is it, and is it right for someone who can't take pain meds?"
    assert second_question(text, "faq_candidates") == "faq_effectiveness"


def test_how_long_the_appointment_takes_is_not_on_the_page() -> None:
    from actions.topics import unanswerable_question

    assert unanswerable_question("what's the first step and how long is the appointment", "faq_first_step")
    assert not unanswerable_question("what's the first step and can i book an appointment", "faq_first_step")



def test_a_medication_named_by_what_it_treats_is_the_medications_item() -> None:
    assert topics_in("I'm pregnant and on thyroid meds, is that a problem?") == ["faq_safety_pregnancy", "faq_safety_medications"]
    assert "faq_safety_medical_conditions" in topics_in("I have a thyroid condition and take meds")


@pytest.mark.parametrize(("text", "first"), [
    ("why would a dentist offer this and does it work for jaw pain", "faq_why_dentist"),
    ("does it work for clenching and what happens at the consult", "faq_first_step"),
])
def test_does_it_work_for_a_condition_asks_about_the_condition(text: str, first: str) -> None:
    assert second_question(text, first) == "faq_conditions"



def test_feeling_better_is_not_the_motto() -> None:
    from actions.topics import unanswerable_question

    assert "faq_motto" not in topics_in("what is it exactly and how long before I feel better")
    assert unanswerable_question("what is it exactly and how long before I feel better", "faq_what_is")
    assert "faq_motto" in topics_in("what's feel better, live better about?")


@pytest.mark.parametrize("text", [
    "I'm pregnant, is it safe, and will my insurance pay for it?",
    "is it safe while breastfeeding? and during pregnancy?",
])
def test_a_safety_question_beside_a_named_item_is_about_the_item(text: str) -> None:
    assert second_question(text, "out_of_scope") == "faq_safety_pregnancy"



def test_a_storys_background_item_does_not_take_its_safety_question() -> None:
    text = ("I'm a pharmacist so I'm always reading drug monographs. I know botulinum products carry warnings. Before I "
            "consider it for myself, what does your team consider the key safety points?")
    assert second_question(text, "faq_candidates") != "faq_safety_medications"
