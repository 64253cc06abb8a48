"""Number, name and Latin-string anchors, and the lexicon helpers they rely on."""

from __future__ import annotations

import pytest

from zhtm.align.lexicon import en_content_stems, load_cedict, stem
from zhtm.text.anchors import (en_name_forms, en_numbers, latin_strings, number_token, zh_name_forms,
                               zh_numbers)


@pytest.mark.parametrize("zh, en", [
    ("二十一岁", "twenty-one years old"),
    ("2315万人", "23.15 million people"),
    ("3.5亿元", "350 million yuan"),
    ("第三百五十个", "the three hundred and fiftieth"),
    ("一九八四年", "in 1984"),
    ("两个人", "two people"),
    ("增长8.2%", "grew by 8.2%"),
    ("1,234", "1,234"),
])
def test_numbers_meet_across_languages(zh: str, en: str) -> None:
    z = {number_token(v) for v in zh_numbers(zh)}
    e = {number_token(v) for v in en_numbers(en)}
    assert z & e, (z, e)


@pytest.mark.parametrize("text, values", [
    # The sentence that crashed `zhtm align` on a published novel translation (KeyError).
    ("That day I was twentyone, and in the golden age of my life.", [21]),
    ("He was sixtyfour.", [64]),
    ("Fortytwo", [42]),
    ("the twentyfirst day", [21]),
    ("Twenty-First Century", [21]),
    ("TWENTY-ONE", [21]),
    ("thirty-third", [33]),
    ("a hundred and five", [105]),
    ("one hundred and fifth", [105]),
    ("seventeen hundred and ninety-three", [1793]),
    ("two million three hundred thousand", [2_300_000]),
    ("the twentieth time", [20]),
    ("ninety-ninth", [99]),
    ("23 Million people", [23_000_000]),
    ("two three", [2, 3]),            # a unit cannot follow a unit: two numbers
    ("five and six", [5, 6]),
    ("twentyzero seventyten sixtyish", []),   # run together but not a number
    ("tenant, often, tension, oneself", []),  # number words inside other words
    ("hundreds of thousands", []),            # vague
])
def test_english_number_words_in_every_form(text: str, values: list[float]) -> None:
    assert en_numbers(text) == values


def test_lone_yi_and_one_are_not_numbers() -> None:
    assert zh_numbers("一个人") == []
    assert en_numbers("one day, at first") == []
    assert en_numbers("23 million") == [23_000_000]  # "million" is not read twice


def test_names_by_pinyin() -> None:
    cedict = load_cedict()
    wanted = set(en_name_forms("Chen Qingyang caught me in Xi'an.", {"the"}))
    assert wanted == {"chen", "qingyang", "xian"}
    assert set(zh_name_forms("陈清扬在西安拽住我", cedict.pinyin, wanted)) == wanted


def test_latin_strings_in_chinese() -> None:
    assert latin_strings("发展5G和AI产业") == ["g", "ai"]


def test_stemming_lets_glosses_meet_text() -> None:
    assert stem("stopped") == stem("stop")
    assert stem("left") == stem("leave")
    assert stem("stories") == stem("story")
    assert en_content_stems("She hadn't treated me well.") == ["not", stem("treated"), "well"]


def test_dictionary_segmentation_and_glosses() -> None:
    cedict = load_cedict()
    assert cedict.segment("伟大友谊") == ["伟大", "友谊"]
    assert "friendship" in cedict.glosses("友谊")
    assert cedict.pinyin("长") == ("chang", "zhang")
