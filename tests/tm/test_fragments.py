"""Fragments: a query whose clauses occurred in different earlier sentences gets each
clause's English; `match` JSON carries them; `pretranslate` counts and writes them."""

import pytest

from zhtm.formats.tmx import TmxHeader, read_tmx, write_tmx
from zhtm.records import Unit
from zhtm.tm.fragments import assembled
from zhtm.tm.matching import Matcher
from zhtm.tm.pretranslate import pretranslate
from zhtm.tm.results import match_json
from zhtm.tm.store import Store

from tests.paths import ROOT

COMMITTED = ROOT / "tmx" / "beijing-gwr-2024.zh-en.tmx"


@pytest.fixture(scope="module")
def matcher(tmp_path_factory):
    db = tmp_path_factory.mktemp("fragments") / "tm.db"
    with Store.open(db, create=True) as store:
        store.import_tmx([COMMITTED])
    store = Store.open(db)
    yield Matcher(store)
    store.close()


def test_a_query_made_of_clauses_of_two_sentences_gets_each_clauses_english(matcher):
    query = "清除隐性壁垒,推动雁栖湖国际会都实现扩容提升。"
    result = matcher.match(query, min_percent=90)
    assert not result.matches                          # no earlier sentence is close
    view = [(clause.text, best.en if best else None, best.percent if best else None)
            for clause, best in assembled(result.fragments)]
    assert view == [
        ("清除隐性壁垒", "remove hidden barriers", 100),
        ("推动雁栖湖国际会都实现扩容提升", "The Beijing Yanqi Lake International Conference Resort "
         "was upgraded and expanded", 86)]
    first = result.fragments[0].matches[0]
    assert first.parent is not None and "清除隐性壁垒" in first.parent.zh
    assert first.place.spans and first.parent.en[slice(*first.place.spans[0])] == first.en
    assert first.parent.origins[0].source.endswith("beijing-gwr-2024.zh-en.tmx")
    changed = [s for s in result.fragments[1].matches[0].diff if s.kind != "equal"]
    assert [(s.kind, s.tm, s.query) for s in changed] == [("insert", "", "推动")]


def test_fragments_respect_their_own_threshold(matcher):
    query = "清除隐性壁垒,推动雁栖湖国际会都实现扩容提升。"
    strict = matcher.match(query, fragment_min=90).fragments
    assert [len(f.matches) > 0 for f in strict] == [True, False]
    assert matcher.match(query, fragments=False).fragments == ()


def test_match_json_carries_fragments_and_the_assembled_view(matcher):
    data = match_json(matcher.match("清除隐性壁垒,推动雁栖湖国际会都实现扩容提升。", k=2))
    assert [f["clause"] for f in data["fragments"]] == ["清除隐性壁垒", "推动雁栖湖国际会都实现扩容提升"]
    top = data["fragments"][0]["matches"][0]
    assert top["kind"] == "clause" and top["score"] == 100 and top["en"] == "remove hidden barriers"
    assert top["parent"]["spans"] and top["parent"]["origins"][0]["doc"] == \
        "beijing-gwr-2024.zh-en.txt"
    assert top["parent"]["origins"][0]["bead"] == "1-1"
    assert [a["en"] for a in data["assembled"]][0] == "remove hidden barriers"
    for m in data["matches"]:
        assert m["kind"] == "sentence" and {"tm", "query", "kind"} <= set(m["diff"][0])


def test_pretranslate_counts_fragments_and_keeps_provenance(matcher, tmp_path):
    units = [(tu.seg("zh"), tu.seg("en")) for tu in read_tmx(COMMITTED)]
    doc = tmp_path / "new-2025.txt"
    doc.write_text("\n\n".join([units[20][0], "清除隐性壁垒,推动雁栖湖国际会都实现扩容提升。",
                                "完全没有的新句子,谁也没有见过。"]) + "\n", encoding="utf-8")
    out = tmp_path / "pre.tmx"
    result = pretranslate(matcher, doc, out, min_percent=70, fragments=True,
                          tool_version="test", created="20250101T000000Z")
    assert [b.segments for b in result.bands] == [1, 0, 0, 0, 0, 2]
    assert result.low_characters == sum(b.characters for b in result.bands[-2:])
    covered = {c.label: c.characters for c in result.coverage}
    assert covered["100%"] == 6 and covered["85-94%"] == 15
    written = list(read_tmx(out))
    assert len(written) == result.written == 3 and result.written_clauses == 2
    sentence, *clauses = written
    assert sentence.prop("x-zhtm-doc") == "beijing-gwr-2024.zh-en.txt"    # the TM entry's
    assert sentence.prop("x-zhtm-bead") and sentence.prop("x-zhtm-loc").startswith("zh line")
    assert sentence.prop("x-zhtm-unit") is None
    assert [(c.seg("zh"), c.prop("x-zhtm-unit"), c.prop("x-zhtm-doc")) for c in clauses] == [
        ("清除隐性壁垒", "clause", "beijing-gwr-2024.zh-en.txt"),
        ("雁栖湖国际会都实现扩容提升", "clause", "beijing-gwr-2024.zh-en.txt")]


def test_pretranslate_from_another_tools_tmx_writes_no_invented_bead(tmp_path):
    tmx = tmp_path / "omegat.tmx"
    write_tmx([Unit("推进京津冀协同发展。", "Promote coordinated development.", score=None,
                    bead="")], tmx, header=TmxHeader(tool_version="x"))
    doc = tmp_path / "new.txt"
    doc.write_text("推进京津冀协同发展。\n", encoding="utf-8")
    with Store.open(tmp_path / "tm.db", create=True) as store:
        store.import_tmx([tmx])
        pretranslate(Matcher(store), doc, tmp_path / "out.tmx", tool_version="x")
    [tu] = read_tmx(tmp_path / "out.tmx")
    assert tu.prop("x-zhtm-bead") is None and tu.prop("x-zhtm-score") is None
    assert tu.prop("x-zhtm-doc") == "omegat.tmx" and tu.prop("x-zhtm-loc").startswith("line ")
