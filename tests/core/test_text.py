"""``core.text.clean_text``: NFC, invisible characters out (ZWNJ/ZWJ kept inside words), NUL and
surrogates refused, invisible-only text refused, line breaks kept only in multi-line text."""

import pytest
from django.core.exceptions import ValidationError

from core.text import clean_list, clean_text


@pytest.mark.parametrize(
    "given, one_line, multi_line",
    [
        ("  Shattal  ", "Shattal", "Shattal"),
        ("Bazarak\u200b", "Bazarak", "Bazarak"),  # zero-width space
        ("\ufeffPanjshir", "Panjshir", "Panjshir"),  # byte-order mark
        ("\u202eevil\u202c", "evil", "evil"),  # right-to-left override, pop
        ("\u2066Kabul\u2069 \u200efell\u200f", "Kabul fell", "Kabul fell"),  # isolates and marks
        ("soft\u00adhyphen", "softhyphen", "softhyphen"),
        ("e\u0301", "\u00e9", "\u00e9"),  # NFC: one code point
        ("line one\r\nline two\rthree\u2028four", "line one line two three four", "line one\nline two\nthree\nfour"),
        ("a\tb\x07c", "a bc", "a\tbc"),  # tab kept in multi-line text, the bell dropped
        ("\u00a0non-breaking\u00a0space", "non-breaking\u00a0space", "non-breaking\u00a0space"),
    ],
)
def test_cleaning(given, one_line, multi_line):
    assert clean_text(given) == one_line
    assert clean_text(given, multiline=True) == multi_line


def test_zero_width_joiners_are_kept_inside_words():
    persian = "می\u200cگویند"  # "they say": the ZWNJ is part of the spelling
    assert clean_text(f" {persian} ") == persian
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"  # an emoji sequence joined by ZWJ
    assert clean_text(family) == family
    assert clean_text("\u200cabc\u200d") == "abc"  # at the ends they join nothing
    assert clean_text("a \u200c b") == "a  b"  # next to spaces neither
    assert clean_text("x\u200b\u200cy") == "x\u200cy"


@pytest.mark.parametrize("given", ["\u200b", "\u200b\u200d\ufeff", " \u2060 ", "\x01\x02", "\u200c"])
def test_text_of_invisible_characters_only_is_refused(given):
    with pytest.raises(ValidationError, match="only invisible characters"):
        clean_text(given)


def test_blank_text_is_empty():
    assert clean_text("   \n ") == ""
    assert clean_text(None) == ""


@pytest.mark.parametrize(
    "given, message",
    [("a\x00b", "NUL character"), ("a\ud800b", "surrogate"), (12345, "Give text"), (["a"], "Give text")],
)
def test_what_cannot_be_stored_is_refused_with_a_message(given, message):
    with pytest.raises(ValidationError, match=message):
        clean_text(given)


def test_the_length_is_counted_after_cleaning():
    assert clean_text("ab\u200b", max_length=2) == "ab"
    with pytest.raises(ValidationError, match="At most 2 characters"):
        clean_text("abc", max_length=2)


def test_lists_are_cleaned_item_by_item_without_blanks_or_duplicates():
    assert clean_list(["Shotul", " Shotul\u200b", "", "Shattal"], max_length=200) == ["Shotul", "Shattal"]
