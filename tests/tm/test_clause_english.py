"""The English of each clause of a TU: real units of the committed Beijing TMX, reordered
clauses, numbers, and no guess where the English does not render the clause."""

import pytest

from zhtm.formats.tmx import read_tmx
from zhtm.tm import clause_english
from zhtm.tm.clause_english import MIN_CONFIDENCE, ClauseEnglish
from zhtm.tm.clause_english import clause_english as find

from tests.paths import ROOT

TUS = [(tu.seg("zh"), tu.seg("en")) for tu in read_tmx(ROOT / "tmx" / "beijing-gwr-2024.zh-en.tmx")]


def unit(key: str) -> tuple[str, str]:
    return next((zh, en) for zh, en in TUS if key in zh)


def english(zh: str, en: str) -> dict[str, str]:
    return {r.clause.text: r.en for r in find(zh, en)}


def test_each_clause_of_a_one_sentence_unit_gets_its_own_english():
    got = english(*unit("清除隐性壁垒"))
    assert got == {
        "深入推进审批制度改革": "By further reforming the approval system",
        "清除隐性壁垒": "remove hidden barriers",
        "促进生产要素有序流动和高效配置":
            "promote the orderly flow and efficient allocation of production factors",
        "为统一大市场建设提质发展提供有力支撑": "support the development of a unified national market",
    }


def test_clauses_of_a_one_to_many_bead_get_their_sentences_with_numbers():
    got = english(*unit("雁栖湖国际会都"))
    assert got["雁栖湖国际会都实现扩容提升"] == \
        "The Beijing Yanqi Lake International Conference Resort was upgraded and expanded"
    assert got["第四使馆区等规划建设有序推进"] == \
        "Construction of the Fourth Embassy Area and other planned projects progressed in an orderly manner"
    assert got["在京登记落户国际组织机构增至115家"] == ("The number of international organizations opting "
                                                "to establish and register their offices in "
                                                "Beijing increased to 115")


def test_spans_are_the_units_own_english_in_clause_order():
    checked = 0
    for zh, en in TUS[:120]:
        found = find(zh, en)
        assert [r.clause.start for r in found] == sorted(r.clause.start for r in found)
        for r in found:
            assert 0.0 <= r.confidence <= 1.0
            assert r.en == " … ".join(en[a:b] for a, b in r.spans)
            assert bool(r.en) == (r.confidence >= MIN_CONFIDENCE)
            checked += bool(r.en)
    assert checked > 150


def test_reordered_neighbours_get_their_own_spans():
    zh = "保护生态环境，人人都有责任。"
    en = "Every one of us has a responsibility to protect the ecological environment."
    got = {r.clause.text: en[r.spans[0][0]:r.spans[0][1]] if r.spans else None
           for r in find(zh, en)}
    assert got == {"保护生态环境": "protect the ecological environment",
                   "人人都有责任": "Every one of us has a responsibility"}


def test_english_that_does_not_render_the_unit_gets_no_guess():
    zh, _ = unit("清除隐性壁垒")
    _, other = unit("雁栖湖国际会都")
    found = find(zh, other)
    assert len(found) == 4 and sum(bool(r.en) for r in found) <= 1


def test_a_single_clause_unit_is_its_whole_english():
    [r] = find("各位代表:", "Fellow Deputies,")
    assert (r.clause.text, r.en, r.confidence) == ("各位代表", "Fellow Deputies", 1.0)


@pytest.mark.parametrize("zh, en", [
    ("深化改革，扩大开放。", ""), ("深化改革，扩大开放。", "..."), ("，；", "Reform."),
    ("深化改革，扩大开放。", "1 2 3 4 5 6"), ("一，二，三，四，五，六，七，八，九，十", "a b c"),
])
def test_odd_units_give_clauses_without_english(zh, en):
    found = find(zh, en)
    assert all(isinstance(r, ClauseEnglish) and not r.spans for r in found if len(found) > 1)


def test_the_lexicon_is_what_finds_the_spans(monkeypatch):
    """Ablation: without CC-CEDICT glosses (numbers and names only) far fewer clauses of
    the report get English."""
    sample = [u for u in TUS if "," in u[0]][:40]
    with_glosses = sum(bool(r.en) for zh, en in sample for r in find(zh, en))
    monkeypatch.setattr(clause_english.Lexicon, "explain_map", lambda self, stems: {})
    monkeypatch.setattr(clause_english.Lexicon, "_derived", lambda self, st: (0.0, frozenset()))
    clause_english.lexicon.cache_clear()
    try:
        without = sum(bool(r.en) for zh, en in sample for r in find(zh, en))
    finally:
        clause_english.lexicon.cache_clear()
    assert without < 0.7 * with_glosses
