"""`match` and `concord` on any query (issue 10, case 12): a result that keeps its promises,
or zhtm's own InputError (an empty or overlong query), never anything else."""

from __future__ import annotations

import pytest
from hypothesis import given, settings

from zhtm.errors import InputError
from zhtm.formats.tmx import read_tmx
from zhtm.text.normalize import normalize, undecodable
from zhtm.tm.matching import MAX_QUERY_CHARS, Matcher
from zhtm.tm.store import Store

from tests.hostile_text import hostile_string
from tests.paths import ROOT


@pytest.fixture(scope="module")
def matcher(tmp_path_factory):
    pairs = [(u.seg("zh"), u.seg("en")) for u in read_tmx(ROOT / "tmx" / "beijing-gwr-2024.zh-en.tmx")]
    pairs += [("一是𠀀二是😀三是。", "First, second, third."), ("٠١٢٣万元", "0123 yuan")]
    store = Store.open(tmp_path_factory.mktemp("tm") / "tm.db", create=True)
    store.add_pairs(pairs)
    yield Matcher(store)
    store.close()


@settings(max_examples=150, deadline=None)
@given(query=hostile_string(surrogates=True))
def test_match_on_any_query(matcher, query):
    try:
        result = matcher.match(query, 5, 30)
    except InputError as exc:
        assert exc.message == "empty query" or f"the limit is {MAX_QUERY_CHARS}" in exc.message \
            or exc.message.startswith("not text: ") and undecodable(query)
        return
    scores = [m.percent for m in result.matches]
    assert scores == sorted(scores, reverse=True) and all(30 <= s <= 100 for s in scores)
    for m in result.matches:  # the diff shows the TM source, nothing lost, nothing added
        shown = "".join(s.text for s in m.diff if s.kind != "missing")
        assert normalize(shown) == normalize(m.unit.zh)


@settings(max_examples=150, deadline=None)
@given(text=hostile_string(surrogates=True))
def test_concord_on_any_text(matcher, text):
    for side in (False, True):
        try:
            total, units = matcher.concord(text, 5, english=side)
        except InputError as exc:
            assert exc.message == "empty search string" or \
                exc.message.startswith("not text: ") and undecodable(text)
            return
        assert 0 <= len(units) <= min(total, 5)
