"""Every text entry point of the aligner's front end takes any text (issue 10, item 12).

Segmenters, Chinese and English number extraction and every anchor are given arbitrary
Unicode (``tests.hostile_text``) and must return their documented result types with values
that make sense (finite or infinite floats, strings found in the input), never raise.
The segmenters' partition invariants on arbitrary text are in ``test_segment.py``.
"""

from __future__ import annotations

import math
import unicodedata

from hypothesis import HealthCheck, given, settings

from tests.hostile_text import hostile_text
from zhtm.align.lexicon import STOPWORDS, load_cedict
from zhtm.text import anchors
from zhtm.text.segment import split_en, split_zh

RUNS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@RUNS
@given(hostile_text)
def test_segmenters_return_trimmed_pieces_of_the_text(text: str) -> None:
    for split in (split_zh, split_en):
        pieces = split(text)
        assert isinstance(pieces, list)
        for piece in pieces:
            assert isinstance(piece, str) and piece
            assert piece in text


def _numbers(values: list[float]) -> None:
    assert isinstance(values, list)
    for v in values:
        assert isinstance(v, float) and not math.isnan(v) and v >= 0


@RUNS
@given(hostile_text)
def test_number_extraction_takes_any_text(text: str) -> None:
    _numbers(anchors.zh_numbers(text))
    _numbers(anchors.zh_numbers(unicodedata.normalize("NFKC", text)))
    _numbers(anchors.en_numbers(text))
    for v in anchors.en_numbers(text) + anchors.zh_numbers(text):
        assert anchors.number_token(v).startswith("#")


@RUNS
@given(hostile_text, hostile_text)
def test_every_anchor_takes_any_text(zh: str, en: str) -> None:
    for word in anchors.latin_strings(zh):
        assert word and word == word.lower() and word in zh.lower()
    wanted = set(anchors.en_name_forms(en, STOPWORDS))
    assert all(isinstance(w, str) and w for w in wanted)
    found = anchors.zh_name_forms(zh, load_cedict().pinyin, wanted)
    assert set(found) <= wanted
    for text, is_zh in ((zh, True), (en, False)):
        marks = anchors.quote_marks(text, zh=is_zh)
        assert set(marks) <= {"&q", "&qo", "&qc"}
        assert ("&q" in marks) == (anchors.has_zh_quote(text) if is_zh else anchors.has_en_quote(text))
