"""Normalisation and the number-difference check on any text (issue 10, case 12): a result,
never an exception, and the results mean what they say."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings

from zhtm.text.normalize import extract_numbers, normalize, normalize_with_map, number_penalty

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
