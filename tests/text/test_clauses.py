"""Chinese clauses: where a sentence is cut, and where it never is."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zhtm.text.clauses import _is_content, cut_clauses, cut_clauses_many

from tests.paths import BEIJING, SHARED


def texts(sentence: str) -> list[str]:
    return [c.text for c in cut_clauses(sentence)]


@pytest.mark.parametrize("sentence, clauses", [
    ("深化审批制度改革，清除隐性壁垒；促进要素流动：提高效率。",
     ["深化审批制度改革", "清除隐性壁垒", "促进要素流动", "提高效率"]),
    # half-width marks, as the Beijing report writes them
    ("深化审批制度改革,清除隐性壁垒;促进要素流动:提高效率。",
     ["深化审批制度改革", "清除隐性壁垒", "促进要素流动", "提高效率"]),
    # never inside quotes or brackets
    ("推进“放管服、优环境，提效率”改革，完善（试行，暂定）办法。",
     ["推进“放管服、优环境，提效率”改革", "完善（试行，暂定）办法"]),
    ("发布《关于加快发展，促进就业的意见》，落实到位。",
     ["发布《关于加快发展，促进就业的意见》", "落实到位"]),
    # never inside numbers
    ("投资1,200亿元,比例3:2,增长5.2%，完成目标。", ["投资1,200亿元", "比例3:2", "增长5.2%", "完成目标"]),
    # English inside the Chinese keeps its commas
    ("举办G20, BRICS等峰会，扩大开放。", ["举办G20, BRICS等峰会", "扩大开放"]),
    # enumerations stay clauses: the marker is not a clause of its own
    ("主要是：一是，加强监管；二是完善制度，提高效率。",
     ["主要是：一是，加强监管", "二是完善制度", "提高效率"]),
    ("为此，我们要坚持稳中求进，推动高质量发展。", ["为此，我们要坚持稳中求进", "推动高质量发展"]),
    # several sentences (a 2-1 bead)
    ("各位代表！我们将继续努力，再创佳绩。", ["各位代表", "我们将继续努力", "再创佳绩"]),
    ("各位代表：", ["各位代表"]),
    ("（一）推动高质量发展，建设现代化经济体系", ["（一）推动高质量发展", "建设现代化经济体系"]),
])
def test_cuts(sentence, clauses):
    assert texts(sentence) == clauses


def test_an_opener_never_closed_protects_nothing():
    assert texts("他说“很好的，我们走吧，然后回来。") == ["他说“很好的", "我们走吧", "然后回来"]


def test_offsets_point_into_the_sentence():
    sentence = "  深化改革， 扩大开放 。"
    for clause in cut_clauses(sentence):
        assert sentence[clause.start:clause.end] == clause.text
    assert texts(sentence) == ["深化改革", "扩大开放"]


def test_nothing_to_cut():
    assert texts("，。；") == []
    assert texts("") == []
    assert texts("一二") == ["一二"]            # short, but the only piece


def test_the_beijing_report_cuts_into_clauses_it_is_made_of():
    lines = BEIJING.read_text(encoding="utf-8").splitlines()[8:200:2]
    clauses = [c for line in lines for c in cut_clauses(line)]
    assert len(clauses) > 3 * len(lines)                # policy prose: many clauses a line
    assert all(sum(map(_is_content, c.text)) >= 4 for c in clauses
               if c.text.count("，") + c.text.count(",") == 0 and len(c.text) > 4)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("推进改革发展，,；;：:。！“”（）()《》12a 、")), max_size=60))
def test_clauses_are_ordered_pieces_that_keep_every_content_character(text):
    clauses = cut_clauses(text)
    end = 0
    for clause in clauses:
        assert clause.start >= end and text[clause.start:clause.end] == clause.text
        assert clause.text == clause.text.strip() and any(map(_is_content, clause.text))
        end = clause.end
    covered = {i for c in clauses for i in range(c.start, c.end)}
    assert all(i in covered for i, ch in enumerate(text) if _is_content(ch))


# --- many texts at once: exactly what cutting them one by one gives ---------------------------

_ALPHABET = list("推进改革发展一二三十是第首先其次最后，,；;：:。！？!?“”‘’「」『』《》〈〉（）()【】[]〔〕\"")
_ALPHABET += list("12a Ab１２\t\u3000\n\x00、①²") + ["\U00020001", "\ud800"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from(_ALPHABET), max_size=40), max_size=30))
def test_cutting_many_texts_at_once_equals_cutting_each(texts):
    assert cut_clauses_many(texts) == [cut_clauses(t) for t in texts]


def test_cutting_the_corpus_at_once_equals_cutting_each_line():
    lines = [line for path in sorted((SHARED / "corpus").rglob("*.txt"))
             for line in path.read_text(encoding="utf-8", errors="replace").splitlines()]
    lines += BEIJING.read_text(encoding="utf-8").splitlines()
    assert len(lines) > 1000
    many = cut_clauses_many(lines)
    assert many == [cut_clauses(line) for line in lines]
    assert sum(map(len, many)) > len(lines)           # real clauses, not empty lists
    assert cut_clauses_many([]) == []
