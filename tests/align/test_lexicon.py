"""The aligner's lexicon: maximum matching one text at a time and a document at once agree."""

from __future__ import annotations

import pytest

from tests.paths import BEIJING, SHARED
from zhtm.align.lexicon import load_cedict, nfkc


@pytest.fixture(scope="module")
def cedict():
    return load_cedict()


def test_segment_many_on_edge_cases(cedict) -> None:
    texts = ["三K党成员", "卡拉OK厅里唱卡拉OK", "", "abc", "中", "中华人民共和国成立了",
             "X光片", "中\n国", "A型血", "一个人", "他说：“走吧。”然后", "卡拉", "卡拉O"]
    many = cedict.segment_many(texts)
    assert many == [cedict.segment(t) for t in texts]
    assert many[0] == ["三K党", "成员"]             # a word runs through a Latin letter
    assert many[1][:2] == ["卡拉OK", "厅"] and many[1][-1] == "卡拉OK"
    assert many[2] == [] and many[3] == [] and many[7] == ["中", "国"]
    assert cedict.segment_many([]) == []


@pytest.mark.parametrize("path", [BEIJING, SHARED / "corpus" / "mac-dev" / "zh" / "002"],
                         ids=["beijing", "mac-dev-002"])
def test_segment_many_equals_segment_on_real_text(cedict, path) -> None:
    texts = [nfkc(line) for line in path.read_text(encoding="utf-8").splitlines()]
    many = cedict.segment_many(texts)
    assert len(many) == len(texts) and sum(map(len, many)) > 3000
    assert many == [cedict.segment(t) for t in texts]
