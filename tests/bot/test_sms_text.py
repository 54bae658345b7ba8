"""SMS encoding and segment counts (bot.sms_text) on cases worked out by hand from GSM 03.38."""

from __future__ import annotations

import pytest

from bot.sms_text import (
    GSM7,
    GSM7_BASIC,
    GSM7_EXTENSION,
    UCS2,
    gsm7_septets,
    is_gsm7,
    non_gsm7_characters,
    segment_count,
    sms_size,
    with_gsm7_lookalikes,
)


def test_the_alphabet_has_the_127_basic_characters_and_the_10_extension_ones():
    assert len(GSM7_BASIC) == 127  # 128 codes, one of them the escape to the extension table
    assert len(GSM7_EXTENSION) == 10
    assert not GSM7_BASIC & GSM7_EXTENSION


@pytest.mark.parametrize("char", list("éèàùÉÇ@£$¥ÄÖÑÜäöñü¿¡§_ΔΩ") + ["\n", "\r"])
def test_gsm7_holds_these_accents_and_symbols(char):
    assert gsm7_septets(char) == 1


@pytest.mark.parametrize("char", list("êâîôûçœëïÈÀ®—–’‘“”•…™\t") + ["\u00a0", "😀"])
def test_these_are_not_gsm7(char):
    assert gsm7_septets(char) is None
    assert not is_gsm7(f"abc{char}")


@pytest.mark.parametrize("char", list("{}[]~^|\\€\f"))
def test_extension_characters_take_two_septets(char):
    assert gsm7_septets(char) == 2


@pytest.mark.parametrize(
    "text,encoding,units,segments",
    [
        ("", GSM7, 0, 0),
        ("a", GSM7, 1, 1),
        ("a" * 160, GSM7, 160, 1),
        ("a" * 161, GSM7, 161, 2),
        ("a" * 306, GSM7, 306, 2),
        ("a" * 307, GSM7, 307, 3),
        ("a" * 459, GSM7, 459, 3),
        ("a" * 460, GSM7, 460, 4),
        # Extension characters count double: 80 euro signs fill one segment, 81 do not.
        ("€" * 80, GSM7, 160, 1),
        ("€" * 81, GSM7, 162, 2),
        ("a" * 159 + "€", GSM7, 161, 2),
        # An escape pair is never split: 152 septets + a pair -> the pair starts segment 2.
        ("a" * 152 + "€" + "a" * 152, GSM7, 306, 3),
        ("a" * 151 + "€" + "a" * 153, GSM7, 306, 2),
        ("Café crème à l'école, Ç", GSM7, 23, 1),
        ("a" * 70, GSM7, 70, 1),
        # One character outside GSM-7 and the whole text is UCS-2.
        ("a" * 69 + "®", UCS2, 70, 1),
        ("a" * 70 + "®", UCS2, 71, 2),
        ("a" * 133 + "—", UCS2, 134, 2),
        ("a" * 134 + "—", UCS2, 135, 3),
        ("a" * 200 + "ê", UCS2, 201, 3),
        ("a" * 201 + "ç", UCS2, 202, 4),
        # An emoji is two UTF-16 code units and a pair is never split.
        ("😀", UCS2, 2, 1),
        ("a" * 68 + "😀", UCS2, 70, 1),
        ("a" * 69 + "😀", UCS2, 71, 2),
        ("a" * 66 + "😀" + "a" * 66, UCS2, 134, 3),
        ("a" * 65 + "😀" + "a" * 66, UCS2, 133, 2),
    ],
)
def test_sizes_and_segments(text, encoding, units, segments):
    size = sms_size(text)
    assert (size.encoding, size.units, size.segments) == (encoding, units, segments)
    assert segment_count(text) == segments


def test_a_ucs2_text_says_which_characters_made_it_so():
    size = sms_size("BOTOX® — “relief” • ok ®")
    assert size.encoding == UCS2
    assert size.unicode_characters == ("®", "—", "“", "”", "•")
    assert (size.single_limit, size.part_limit) == (70, 67)
    assert sms_size("plain").unicode_characters == ()
    assert (sms_size("plain").single_limit, sms_size("plain").part_limit) == (160, 153)


def test_a_greeting_with_one_registered_sign_costs_more_than_twice_as_much():
    """The issue's case: 240 GSM-7 characters are 2 segments; with one ® they are 4."""
    plain = "Hi! " + "x" * 236
    assert sms_size(plain).segments == 2
    assert sms_size(plain[:-1] + "®").segments == 4


def test_non_gsm7_characters_in_order_of_first_appearance():
    assert non_gsm7_characters("être, ça et ê") == ("ê", "ç")
    assert non_gsm7_characters("École, Ça") == ()


def test_lookalikes_turn_typography_into_gsm7_and_keep_the_rest():
    text = "BOTOX® — “Feel Better” • it’s… ok\u00a0now"
    replaced = with_gsm7_lookalikes(text)
    assert replaced == 'BOTOX - "Feel Better" - it\'s... ok now'
    assert is_gsm7(replaced)
    assert with_gsm7_lookalikes("tête") == "tête"  # no lookalike for ê: it stays (and stays UCS-2)


def test_french_quotation_marks_become_straight_quotes_without_their_inner_spaces():
    replaced = with_gsm7_lookalikes("dites « aucun » ou «\u00a0passer\u202f».")
    assert replaced == 'dites "aucun" ou "passer".'
    assert is_gsm7(replaced)
