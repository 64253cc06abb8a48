"""match / concord / pretranslate over a store built from the bundled Beijing report."""


import pytest

from zhtm.errors import InputError
from zhtm.formats.tmx import TmxHeader, read_tmx, write_tmx
from zhtm.records import Unit
from zhtm.text.segment import split_zh
from zhtm.tm.diff import show_diff
from zhtm.tm.matching import Matcher, check_query, diff_spans, find_terms, read_termbase
from zhtm.tm.pretranslate import BANDS, band_of, pretranslate
from zhtm.tm.store import Store

from tests.paths import BEIJING as CORPUS


def corpus_pairs() -> list[tuple[str, str]]:
    """Paragraph pairs of the report that are one OmegaT sentence in Chinese."""
    lines = CORPUS.read_text(encoding="utf-8").splitlines()[8:]
    pairs = []
    for zh, en in zip(lines[::2], lines[1::2]):
        if zh.startswith("注释"):
            break
        if len(split_zh(zh)) == 1:
            pairs.append((zh.strip(), en.strip()))
    return pairs


PAIRS = corpus_pairs()


@pytest.fixture(scope="module")
def matcher(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("tm")
    tmx = tmp / "beijing.tmx"
    write_tmx([Unit(zh, en) for zh, en in PAIRS], tmx, header=TmxHeader(tool_version="test"))
    store = Store.open(tmp / "tm.db", create=True)
    store.import_tmx([tmx])
    m = Matcher(store, [("京津冀", ("Beijing-Tianjin-Hebei",)), ("协同发展", ("coordinated development",))])
    yield m
    store.close()


def test_corpus_has_enough_one_sentence_paragraphs():
    assert len(PAIRS) > 100


def test_exact_copy_is_100_with_its_translation_and_origin(matcher):
    zh, en = PAIRS[10]
    result = matcher.match(zh)
    best = result.matches[0]
    assert best.percent == 100 and best.unit.en == en
    assert best.unit.origins[0].source.endswith("beijing.tmx") and best.unit.origins[0].line
    assert [s.kind for s in best.diff] == ["equal"]


def test_full_width_variant_still_scores_100(matcher):
    zh, _ = next(p for p in PAIRS if "," in p[0])
    assert matcher.match(zh.replace(",", "，")).matches[0].percent == 100


def test_near_duplicate_highlights_and_flags_numbers(matcher):
    zh, en = next(p for p in PAIRS if any(c.isdigit() for c in p[0]) and len(p[0]) > 30)
    digit = next(i for i, c in enumerate(zh) if c.isdigit())
    changed = zh[:digit] + str((int(zh[digit]) + 1) % 10) + zh[digit + 1:]
    best = matcher.match(changed).matches[0]
    assert best.unit.en == en and 90 <= best.percent < 100
    assert best.penalty and best.penalty.only_in_match
    change = [s for s in best.diff if s.kind == "replace"][0]   # both sides of the change
    assert (change.tm, change.query) == (zh[digit], changed[digit])
    assert "".join(s.tm for s in best.diff) == zh
    assert "".join(s.query for s in best.diff) == changed


def test_threshold_and_k(matcher):
    result = matcher.match("今年我们要做好这些工作。", k=3, min_percent=0)
    assert len(result.matches) == 3
    assert [m.percent for m in result.matches] == sorted((m.percent for m in result.matches), reverse=True)
    assert not matcher.match("完全无关的一句话", min_percent=90).matches


@pytest.mark.parametrize("query, message", [("", "empty query"), ("   ", "empty query"),
                                            ("中" * 10000, "limit is")])
def test_bad_queries(matcher, query, message):
    with pytest.raises(InputError, match=message):
        matcher.match(query)
    with pytest.raises(InputError):
        check_query(query)


def test_terms_found_in_the_query(matcher):
    result = matcher.match("推进京津冀协同发展。", min_percent=0)
    assert [t.zh for t in result.terms] == ["京津冀", "协同发展"]
    assert find_terms("没有术语", [("京津冀", ("B-T-H",))]) == ()


def test_diff_spans_show_both_sides_of_every_change():
    spans = diff_spans("推进京津冀协同发展", "推进京津冀发展")
    assert [(s.kind, s.tm, s.query) for s in spans] == [
        ("equal", "推进京津冀", "推进京津冀"), ("insert", "", "协同"), ("equal", "发展", "发展")]
    spans = diff_spans("推进重大项目建设。", "推进新项目建设,")      # TM 新 where the query says 重大
    assert [(s.kind, s.tm, s.query) for s in spans] == [
        ("equal", "推进", "推进"), ("replace", "新", "重大"), ("equal", "项目建设", "项目建设"),
        ("replace", ",", "。")]
    spans = diff_spans("推进项目建设", "推进新的项目建设")
    assert [(s.kind, s.tm, s.query) for s in spans] == [
        ("equal", "推进", "推进"), ("delete", "新的", ""), ("equal", "项目建设", "项目建设")]
    assert show_diff(diff_spans("推进重大项目建设。", "推进新项目建设。")) == "推进[新→重大]项目建设。"


def test_concord_lists_every_tu_containing_the_string(matcher):
    total, units = matcher.concord("京津冀", limit=100)
    expected = [zh for zh, _ in PAIRS if "京津冀" in zh]
    assert total == len(expected) > 0
    assert sorted(u.zh for u in units) == sorted(expected)
    total_en, _ = matcher.concord("beijing-tianjin-hebei", english=True)
    assert total_en > 0


def test_bands():
    assert [band_of(p) for p in (100, 99, 95, 94, 85, 84, 75, 74, 50, 49, None)] == \
        ["100%", "95-99%", "95-99%", "85-94%", "85-94%", "75-84%", "75-84%", "50-74%",
         "50-74%", "no match", "no match"]
    assert [b[0] for b in BANDS][-1] == "no match"


def test_pretranslate_writes_omegat_tmx_and_bands(matcher, tmp_path):
    doc = tmp_path / "new.txt"
    exact = PAIRS[3][0]
    near = PAIRS[5][0][:-3] + "。"
    doc.write_text(f"{exact}{near}\n\n完全是一个新的句子,与旧的没有关系。\n", encoding="utf-8")
    out = tmp_path / "tm" / "new.tmx"
    out.parent.mkdir()
    result = pretranslate(matcher, doc, out, min_percent=70)
    assert [s for s, _ in result.segments] == [exact, near, "完全是一个新的句子,与旧的没有关系。"]
    counts = {b.label: b.segments for b in result.bands}
    assert counts["100%"] == 1 and counts["no match"] >= 1 and sum(counts.values()) == 3
    units = list(read_tmx(out))
    assert units[0].seg("zh") == exact and units[0].seg("en") == PAIRS[3][1]
    assert result.written == len(units) == 2
    # translate-toolkit reads it too
    from translate.storage.tmx import tmxfile
    with open(out, "rb") as fh:
        assert len(tmxfile(fh, "zh-CN", "en-US").units) == 2


def test_read_termbase_tsv(tmp_path):
    path = tmp_path / "glossary.txt"
    path.write_text("# comment\n京津冀\tBeijing-Tianjin-Hebei\tregion\n京津冀\tJing-Jin-Ji\n",
                    encoding="utf-8")
    assert read_termbase(path) == [("京津冀", ("Beijing-Tianjin-Hebei", "Jing-Jin-Ji"))]
