"""Normalisation and the number-difference check on any text (issue 10, case 12): a result,
never an exception, and the results mean what they say."""

from __future__ import annotations

import unicodedata
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from zhtm.text.normalize import (_char_map, extract_numbers, normalize, normalize_many,
                                 normalize_with_map, number_penalty)

from tests.hostile_text import hostile_string

texts = hostile_string(surrogates=True)


@settings(max_examples=150, deadline=None)
@given(texts)
def test_normalisation_of_any_text_is_idempotent_and_maps_back(text):
    norm = normalize(text)
    assert normalize(norm) == norm
    assert norm == norm.strip() and "  " not in norm
    mapped, origin = normalize_with_map(text)
    assert mapped == norm and len(origin) == len(norm)
    assert all(0 <= i < max(len(text), len(norm)) for i in origin)


@settings(max_examples=150, deadline=None)
@given(texts)
def test_numbers_of_any_text_are_finite_values_read_from_the_text(text):
    folded = normalize(text)
    for number in extract_numbers(text):
        assert isinstance(number.value, Decimal) and number.value.is_finite()
        assert number.value >= 0
        assert number.text and normalize(number.text) in folded


@settings(max_examples=150, deadline=None)
@given(texts, texts)
def test_the_number_difference_of_any_two_texts_is_symmetric(query, match):
    there, back = number_penalty(query, match), number_penalty(match, query)
    assert (there.only_in_query, there.only_in_match) == (back.only_in_match, back.only_in_query)
    assert not number_penalty(query, query)
    if there:
        assert there.describe().startswith("numbers differ: ")


# --- many texts at once (the index build normalises millions) -------------------------------

_MIXED = st.sampled_from(list("推进改革，。、；：“”（）ＡＢ１２ａＫİΣσ ﬁ①²㍿㈠℃ﾡｶﾞ゛¨´ \t\n\u3000\u00a0"
                              "\u2028\x85\x00\u0301\u0308\u302a\u1100\u1161\u11a8가ㅏ") +
                         ["\ud800", "\U00020001"])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(texts, st.text(alphabet=_MIXED, max_size=30)), max_size=20))
def test_normalising_many_texts_at_once_equals_normalising_each(batch):
    _char_map()  # built, so that small batches take the batch path too
    assert normalize_many(batch) == [normalize(t) for t in batch]


def test_the_characters_normalised_one_by_one_never_compose_with_a_neighbour():
    """Every character NFKC can add to the one before it (the second of a canonical
    composition) is kept out of the character map, and so is every character decomposing
    to one: a text holding one is normalised whole."""
    _, mapped, other = _char_map()
    seconds = {d for code in range(0x110000) if not 0xD800 <= code <= 0xDFFF
               for d in unicodedata.normalize("NFD", chr(code))[1:]}
    assert len(seconds) > 100
    assert all(other.match(d) for d in seconds)
    assert other.match("\u0301") and not other.match("，") and mapped.match("，")
    assert normalize_many(["Ｅ\u0301，", "ｅ，"]) == ["é,", "e,"]


def test_whitespace_runs_are_collapsed_at_every_kind_of_space_across_a_batch():
    _char_map()
    batch = ["  推进\u3000\u2028改革 ", "\x85", "", "\t", "a\u00a0 \x1cb", "ｃ\u2029\u200bｄ"]
    assert normalize_many(batch) == ["推进 改革", "", "", "", "a b", "c \u200bd"]
    assert normalize_many(batch) == [normalize(t) for t in batch]
