"""The screening's parsers read French as patients type it: with or without accents, SMS forms,
Canadian French ("c'est correct", "laisse faire", "pantoute"), and keep what was typed."""

from __future__ import annotations

from typing import Optional

import pytest

from actions.parsing import (
    EmailResult,
    Medications,
    YesNo,
    is_agreement,
    is_cancel_phrase,
    is_discard_request,
    is_non_answer,
    looks_like_question,
    message_in_request,
    parse_contact_method,
    parse_email,
    parse_field_name,
    parse_full_name,
    parse_medications,
    parse_no_phone,
    parse_phone,
    parse_switch_choice,
    parse_yes_no,
    reason_in_request,
    wants_person,
    wants_to_send,
)

# --------------------------------------------------------------------------- oui / non / peut-être


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("oui", YesNo("yes")),
        ("Oui!", YesNo("yes")),
        ("ouiii", YesNo("yes")),
        ("ouais", YesNo("yes")),
        ("oui svp", YesNo("yes")),
        ("bien sûr", YesNo("yes")),
        ("bien sur", YesNo("yes")),
        ("tout à fait", YesNo("yes")),
        ("j'ai", YesNo("yes")),
        # The detail is kept as typed, accents included.
        ("Oui, en 2019", YesNo("yes", "en 2019")),
        ("oui, une chirurgie à la mâchoire en 2019", YesNo("yes", "une chirurgie à la mâchoire en 2019")),
        ("ouais 12 semaines", YesNo("yes", "12 semaines")),
        ("non", YesNo("no")),
        ("Non merci", YesNo("no")),
        ("nan", YesNo("no")),
        ("nonnn", YesNo("no")),
        ("aucun", YesNo("no")),
        ("Aucune.", YesNo("no")),
        ("rien", YesNo("no")),
        ("jamais", YesNo("no")),
        ("pas du tout", YesNo("no")),
        ("pantoute", YesNo("no")),
        ("je pense pas", YesNo("no")),
        ("je pense que non", YesNo("no")),
        ("non, jamais", YesNo("no")),
        ("je ne suis pas enceinte", YesNo("no", "je ne suis pas enceinte")),
        ("j'ai jamais eu de chirurgie", YesNo("no", "j'ai jamais eu de chirurgie")),
        ("Je n'ai pas de faiblesse", YesNo("no", "Je n'ai pas de faiblesse")),
        ("chu pas enceinte", YesNo("no", "chu pas enceinte")),
        ("peut-être", YesNo("unsure")),
        ("peut etre", YesNo("unsure")),
        ("ptetre", YesNo("unsure")),
        ("p-e", YesNo("unsure")),
        ("je ne sais pas", YesNo("unsure")),
        ("je sais pas", YesNo("unsure")),
        ("jsp", YesNo("unsure")),
        ("chais pas", YesNo("unsure")),
        ("je sais pas trop", YesNo("unsure")),
        ("pas sûre", YesNo("unsure")),
        ("je ne suis pas certaine", YesNo("unsure")),
        ("je me souviens pas", YesNo("unsure")),
        ("Peut-être, je sais pas", YesNo("unsure")),
        ("peut-être, il y a longtemps", YesNo("unsure", "il y a longtemps")),
    ],
)
def test_french_yes_no_unsure(message: str, expected: YesNo) -> None:
    assert parse_yes_no(message) == expected


@pytest.mark.parametrize(
    "message",
    ["non-fumeur", "je ne comprends pas", "je veux pas répondre", "arrêter", "laisse faire", "12 semaines"],
)
def test_french_non_answers_and_facts_are_not_yes_or_no(message: str) -> None:
    assert parse_yes_no(message) is None


def test_the_stored_answer_is_the_code_then_the_patients_own_words() -> None:
    # Staff pages stay in English and flag "yes"/"unsure" answers; the detail is what was typed.
    assert parse_yes_no("oui, j'ai été opérée à la mâchoire").text == "yes — j'ai été opérée à la mâchoire"
    assert parse_yes_no("peut-être").text == "unsure"


# --------------------------------------------------------------------------- cancel


@pytest.mark.parametrize(
    "message",
    [
        "arrêter", "arreter", "Arrête", "annuler", "annule ça", "je veux arrêter", "Je veux arrêter svp",
        "je veux annuler", "laisse faire", "laissez tomber", "oublie ça", "je veux pas continuer",
        "je veux plus continuer", "on recommence", "recommencer", "non, arrête", "arrête là", "ARRET",
    ],
)
def test_french_cancel_phrases(message: str) -> None:
    assert is_cancel_phrase(message)


@pytest.mark.parametrize(
    "message",
    ["non merci", "j'ai arrêté l'advil", "arrêter de grincer des dents", "annuler mon rendez-vous de demain"],
)
def test_french_answers_that_mention_stopping_are_not_cancels(message: str) -> None:
    assert not is_cancel_phrase(message)


# --------------------------------------------------------------------------- agreement, non-answers, questions


@pytest.mark.parametrize(
    "message", ["d'accord", "c'est correct", "c'est beau", "ok merci", "oui vas-y", "parfait", "pas de problème",
                "envoie-le", "ça marche", "dac"],
)
def test_french_agreement(message: str) -> None:
    assert is_agreement(message)


@pytest.mark.parametrize("message", ["non", "pas correct", "je sais pas"])
def test_french_refusals_are_not_agreement(message: str) -> None:
    assert not is_agreement(message)


@pytest.mark.parametrize(
    "message",
    ["allô?", "es-tu là?", "désolée, j'étais occupée", "quoi?", "hein", "attendez", "je comprends pas",
     "un instant", "euh", "dsl"],
)
def test_french_non_answers(message: str) -> None:
    assert is_non_answer(message)


@pytest.mark.parametrize("message", ["oui", "désolée, je prends de l'advil", "non"])
def test_french_answers_are_not_non_answers(message: str) -> None:
    assert not is_non_answer(message)


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("est-ce que ça fait mal?", True),
        ("c'est quoi les effets secondaires", True),
        ("c quoi les effets secondaires", True),
        ("pourquoi vous demandez ça?", True),
        ("ok mais est-ce sécuritaire?", True),
        ("comment ça marche", True),
        ("quand j'étais jeune", False),
        ("peut-être pas, je sais pas", False),
        ("ou peut-être en 2019", False),
    ],
)
def test_french_questions(message: str, expected: bool) -> None:
    assert looks_like_question(message) is expected


# --------------------------------------------------------------------------- medications


@pytest.mark.parametrize(
    "message",
    ["aucun", "Aucune", "rien", "rien du tout", "aucun médicament", "aucun medicament", "je ne prends rien",
     "je prends rien", "non, je prends rien", "pas de médicaments", "non merci", "non",
     "je prends aucun médicament présentement", "j'en prends pas"],
)
def test_french_no_medications(message: str) -> None:
    assert parse_medications(message) == Medications(True, "none")


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("je sais pas", Medications(False, "not sure")),
        ("jsp", Medications(False, "not sure")),
        ("peut-être", Medications(False, "not sure")),
        ("advil pis tylenol", Medications(False, "advil pis tylenol")),
        ("Oui, de l'Advil", Medications(False, "de l'Advil")),
        ("Lévothyroxine 50 µg", Medications(False, "Lévothyroxine 50 µg")),
    ],
)
def test_french_medication_lists_are_kept_as_typed(message: str, expected: Medications) -> None:
    assert parse_medications(message) == expected


@pytest.mark.parametrize("message", ["c'est quoi?", "quoi?", "je comprends pas", "ça veut dire quoi"])
def test_french_confusion_is_asked_again(message: str) -> None:
    assert parse_medications(message) is None


# --------------------------------------------------------------------------- names


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("Marie Tremblay", "Marie Tremblay"),
        ("je m'appelle Jean-François Côté", "Jean-François Côté"),
        ("mon nom est marie-ève st-pierre", "Marie-Ève St-Pierre"),
        ("Mon nom c'est Luc D'Amours", "Luc D'Amours"),
        ("moi c'est Sophie Gagnon", "Sophie Gagnon"),
        ("C'est Nathalie Bélanger, merci", "Nathalie Bélanger"),
        ("JEAN-PHILIPPE LÉVESQUE", "Jean-Philippe Lévesque"),
        ("Nom: Lise de Grandpré", "Lise de Grandpré"),
        ("bonjour, je suis Éric Lafontaine", "Éric Lafontaine"),
    ],
)
def test_french_names(message: str, expected: str) -> None:
    assert parse_full_name(message) == expected


@pytest.mark.parametrize("message", ["oui", "non", "arrêter", "jsp", "aucun", "pourquoi?", "je veux pas"])
def test_french_answers_are_not_names(message: str) -> None:
    assert parse_full_name(message) is None


# --------------------------------------------------------------------------- phone and e-mail


@pytest.mark.parametrize(
    ("message", "display"),
    [
        ("613 555 1234", "+16135551234"),
        ("mon numéro c'est le 613-555-1234", "+16135551234"),
        ("mon cell: 613.555.1234", "+16135551234"),
        ("(613) 555-1234 poste 12", "+16135551234 ext. 12"),
        ("613 555 1234, poste 204", "+16135551234 ext. 204"),
        ("1 613 555 1234", "+16135551234"),
    ],
)
def test_french_phone_numbers(message: str, display: str) -> None:
    assert parse_phone(message).display == display


@pytest.mark.parametrize(
    "message",
    ["pas de téléphone", "j'ai pas de cell", "je n'ai pas de numéro", "par courriel svp", "plutôt par courriel",
     "non", "passer", "non merci"],
)
def test_french_no_phone(message: str) -> None:
    assert parse_no_phone(message)


def test_a_french_phone_number_is_not_a_refusal() -> None:
    assert not parse_no_phone("613 555 1234")


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("mon courriel est marie.tremblay@exemple.ca", EmailResult("marie.tremblay@exemple.ca", False, None)),
        ("Mon courriel: jean@videotron.ca merci", EmailResult("jean@videotron.ca", False, None)),
        ("non merci", EmailResult(None, True, None)),
        ("passer", EmailResult(None, True, None)),
        ("j'en ai pas", EmailResult(None, True, None)),
        ("pas de courriel", EmailResult(None, True, None)),
        ("je n'ai pas d'adresse courriel", EmailResult(None, True, None)),
        ("aucun", EmailResult(None, True, None)),
        ("mon courriel c'est marie", EmailResult(None, False, "invalid")),
    ],
)
def test_french_email(message: str, expected: EmailResult) -> None:
    assert parse_email(message) == expected


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("par texto", "text"),
        ("textez-moi", "text"),
        ("appelez-moi", "phone"),
        ("par téléphone svp", "phone"),
        ("un appel en soirée", "phone"),
        ("sur mon cellulaire", "phone"),
        ("par courriel", "email"),
        ("pas d'appel, texto svp", "text"),
        ("ne m'appelez pas, écrivez-moi", "email"),
        ("texto ou appel", None),
    ],
)
def test_french_contact_method(message: str, expected: Optional[str]) -> None:
    assert parse_contact_method(message) == expected


# --------------------------------------------------------------------------- a person, the switch, the summary


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("je veux parler à quelqu'un", True),
        ("quelqu'un peut m'appeler?", True),
        ("rappelez-moi svp", True),
        ("je veux parler à une vraie personne", True),
        ("es-tu un robot?", False),
        ("est-ce que je parle à un humain?", False),
    ],
)
def test_french_wish_for_a_person(message: str, expected: bool) -> None:
    assert wants_person(message) is expected


def test_french_call_me_answers_the_contact_questions() -> None:
    assert not wants_person("rappelez-moi le matin", call_back_counts=False)


@pytest.mark.parametrize(
    ("message", "expected"),
    [("un court message plutôt", "switch"), ("finir ça d'abord", "finish"), ("on continue", "finish"),
     ("je veux parler à quelqu'un", "switch"), ("oui", "switch"), ("non", "finish"), ("euh", None)],
)
def test_french_switch_choice(message: str, expected: Optional[str]) -> None:
    assert parse_switch_choice(message) == expected


@pytest.mark.parametrize("message", ["ne l'envoyez pas", "n'envoie rien", "j'ai changé d'idée", "effacez tout"])
def test_french_discard_requests(message: str) -> None:
    assert is_discard_request(message)
    assert not wants_to_send(message)


@pytest.mark.parametrize("message", ["envoie-le", "oui envoyez", "vous pouvez l'envoyer"])
def test_french_send(message: str) -> None:
    assert wants_to_send(message)
    assert not is_discard_request(message)


@pytest.mark.parametrize(
    ("message", "slot"),
    [
        ("mon numéro est faux", "phone"),
        ("changer le courriel", "email"),
        ("mon nom", "full_name"),
        ("la chirurgie", "surgery"),
        ("les médicaments", "medications"),
        ("l'heure de l'appel", "contact_time"),
        ("enceinte", "pregnancy"),
        ("la SLA", "nerve_condition"),
        ("faiblesse", "facial_weakness"),
        ("je veux changer la raison", "reason"),
    ],
)
def test_french_field_names(message: str, slot: str) -> None:
    assert parse_field_name(message) == slot


# --------------------------------------------------------------------------- the opening message


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("je voudrais une consultation pour ma mâchoire", "mâchoire"),
        ("un rendez-vous pour mes migraines svp", "migraines"),
        ("Bonjour, je voudrais un rdv à cause de mes maux de tête", "maux de tête"),
        ("au sujet de la douleur à la mâchoire", "douleur à la mâchoire"),
        ("une consultation pour la semaine prochaine", None),
    ],
)
def test_french_reason_in_request(message: str, expected: Optional[str]) -> None:
    assert reason_in_request(message) == expected


def test_french_message_in_request() -> None:
    assert not message_in_request("quelqu'un peut m'appeler?")
    assert message_in_request("quelqu'un peut m'appeler au sujet du prix?")
    assert message_in_request("je dois déplacer mon rendez-vous", existing_patient=True)
