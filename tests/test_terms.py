"""Term extraction: Chinese candidates, English spans, definitions, --keep merging."""

from pathlib import Path

import pytest

from zhtm.errors import InputError
from zhtm.records import Unit
from zhtm.term_records import TermEntry, term_id
from zhtm.terms import TermOptions, extract_terms, load_units, merge_kept, parse_notes
from zhtm.terms_en import EnglishSide
from zhtm.terms_zh import ZhSignals, bad_edge, find_candidates

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus" / "beijing-gwr-2024.zh-en.txt"

PAIRS = [
    ("加快建设国际科技创新中心,推动人工智能发展。", "We will build Beijing into an international innovation center and develop artificial intelligence."),
    ("人工智能产业规模持续扩大。", "The artificial intelligence industry kept growing."),
    ("支持人工智能企业发展。", "We supported artificial intelligence businesses."),
    ("深化“五子”联动。", "We advanced the “Five Key Initiatives”."),
    ("持续优化营商环境。", "We further improved the business environment."),
    ("营商环境不断改善,人工智能应用加快。", "The business environment improved and artificial intelligence was applied faster."),
]


def test_policy_verbs_and_function_characters_are_bad_edges():
    assert bad_edge("推进改革") and bad_edge("的发展") and bad_edge("建设")
    assert not bad_edge("营商环境") and not bad_edge("违法建设")


def test_candidates_are_closed_strings_and_quoted_spans():
    cands = {c.text: c for c in find_candidates([zh for zh, _ in PAIRS])}
    assert "人工智能" in cands and cands["人工智能"].frequency == 4
    assert "人工智" not in cands  # always followed by 能: not closed
    assert "五子" in cands and cands["五子"].quoted == 1  # quoted, once


def test_switching_quotes_off_drops_single_quoted_spans():
    cands = {c.text for c in find_candidates([zh for zh, _ in PAIRS], signals=ZhSignals(quotes=False))}
    assert "五子" not in cands


def test_english_is_the_exact_span_not_a_truncation():
    side = EnglishSide([en for _, en in PAIRS])
    units = [i for i, (zh, _) in enumerate(PAIRS) if "人工智能" in zh]
    assert side.choose("人工智能", units).en == "artificial intelligence"
    units = [i for i, (zh, _) in enumerate(PAIRS) if "营商环境" in zh]
    assert side.choose("营商环境", units).en == "business environment"


def test_extract_terms_on_pairs():
    entries = extract_terms(PAIRS, options=TermOptions(limit=10, segmenter="none"))
    by_zh = {e.zh: e for e in entries}
    assert by_zh["人工智能"].en == "artificial intelligence"
    assert by_zh["人工智能"].frequency == 4
    assert by_zh["人工智能"].id == term_id("人工智能")
    assert "人工智能" in by_zh["人工智能"].zh_context and "artificial intelligence" in by_zh["人工智能"].en_context


def test_no_units_is_an_input_error():
    with pytest.raises(InputError):
        extract_terms([("中文", "")])


def test_notes_give_definitions():
    notes = parse_notes(['[13]The "two zones" refers to the Integrated National Demonstration Zone.',
                         "not a note"])
    assert notes == {"two zones": 'The "two zones" refers to the Integrated National Demonstration Zone.'}


def test_merge_kept_keeps_manual_english_deletions_and_additions():
    fresh = [TermEntry("a", "甲", "first", (), 3), TermEntry("b", "乙", "second", (), 2),
             TermEntry("c", "丙", "third", (), 2)]
    kept = [TermEntry("a", "甲", "FIRST (edited)", ("alt",), 1), TermEntry("x", "手工", "manual", (), 0)]
    merged = merge_kept(fresh, kept, proposed=("a", "b"))  # b was proposed, then deleted by hand
    assert [(e.zh, e.en) for e in merged] == [("甲", "FIRST (edited)"), ("丙", "third"), ("手工", "manual")]
    assert merged[0].frequency == 3 and merged[0].variants == ("alt",)


@pytest.fixture(scope="module")
def beijing():
    units, notes = load_units([CORPUS])
    return extract_terms(units, notes=notes)


def test_beijing_glossary(beijing):
    by_zh = {e.zh: e for e in beijing}
    assert len(beijing) == 200
    assert by_zh["四个中心"].en == "four centers" and "national political center" in by_zh["四个中心"].definition
    assert by_zh["营商环境"].en == "business environment"
    assert by_zh["人工智能"].en == "artificial intelligence"
    top100 = [e.zh for e in beijing[:100]]
    assert not {"建设", "发展", "推进", "提升"} & set(top100)
    assert len({e.id for e in beijing}) == len(beijing)


def test_beijing_rerun_is_identical(beijing):
    units, notes = load_units([CORPUS])
    assert extract_terms(units, notes=notes) == beijing
