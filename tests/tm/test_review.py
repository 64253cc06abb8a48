"""Review state in the store: beads tile both documents through every edit, stale revisions
are refused, undo restores exactly, export gives the reviewed TUs; glossary edits survive
`zhtm terms --keep`; a reviewed TMX replaces its source's units in the store."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.paths import ROOT
from zhtm.errors import ConflictError, InputError, StoreBusyError, UsageError
from zhtm.formats.tbx import read_tbx
from zhtm.formats.tmx import TmxHeader, read_tmx, write_tmx
from zhtm.records import Unit
from zhtm.text.normalize import normalize
from zhtm.text.segment import split_en, split_zh
from zhtm.tm import review_align as ra
from zhtm.tm import review_terms as rt
from zhtm.tm.matching import Matcher
from zhtm.tm.review import Review
from zhtm.tm.scoring import brute_force
from zhtm.tm.store import Store

BEIJING_TMX = ROOT / "tmx" / "beijing-gwr-2024.zh-en.tmx"
BEIJING_TBX = ROOT / "termbase" / "beijing-gwr-2024.tbx"


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def small_tmx(path: Path, pairs: list[tuple[str, str]]) -> Path:
    units = [Unit(zh, en, score=0.3 + 0.1 * i, bead=f"{len(split_zh(zh))}-{len(split_en(en))}",
                  doc="d.txt", location=f"zh line {i + 1}, en line {i + 1}")
             for i, (zh, en) in enumerate(pairs)]
    write_tmx(units, path, header=TmxHeader(tool_version="t"))
    return path


PAIRS = [("第一句。第二句。", "One. Two."), ("第三句。", "Three. Four. Five."),
         ("第六句。", "Six."), ("第七句。第八句。", "Seven."), ("第九句。", "Nine. Ten.")]


@pytest.fixture
def review(tmp_path: Path):
    store = Store.open(tmp_path / "s.db", create=True)
    yield Review(store)
    store.close()


@pytest.fixture
def doc(review: Review, tmp_path: Path) -> int:
    path = small_tmx(tmp_path / "small.tmx", PAIRS)
    return ra.open_tmx(review, path, "small.tmx", sha(path)).id


def all_beads(review: Review, doc: int) -> list[dict]:
    return list(ra.beads(review, doc, limit=1000).beads)


def assert_tiles(review: Review, doc: int) -> None:
    """Beads in document order cover every sentence of both sides once, in order."""
    info = review.document(doc).info
    zh = en = 0
    for b in all_beads(review, doc):
        assert b["zh_range"][0] == zh and b["en_range"][0] == en
        zh, en = b["zh_range"][1], b["en_range"][1]
        assert b["zh"] or b["en"], "no bead may be empty on both sides"
    assert (zh, en) == (info["zh_sentences"], info["en_sentences"])


def test_a_tmx_opens_as_beads_of_its_sentences_and_reopens_the_same(review, tmp_path):
    doc = ra.open_tmx(review, BEIJING_TMX, "tmx/b.tmx", sha(BEIJING_TMX))
    beads = all_beads(review, doc.id)
    assert len(beads) == 351
    assert beads[4]["zh"] == ["现在,我代表北京市人民政府,向大会报告政府工作,请予审议,并请市政协委员提出意见。"]
    assert len(beads[4]["en"]) == 2 and beads[4]["kind"] == "1-2"
    assert beads[0]["location"] == "zh line 1, en line 5" and beads[0]["score"] == pytest.approx(0.998)
    assert_tiles(review, doc.id)
    assert ra.open_tmx(review, BEIJING_TMX, "tmx/b.tmx", sha(BEIJING_TMX)).id == doc.id
    weakest = ra.beads(review, doc.id, order="weakest", limit=30).beads
    assert [b["score"] for b in weakest] == sorted(b["score"] for b in weakest)
    assert weakest[0]["score"] == min(b["score"] for b in beads) < 0.9
    assert weakest[0]["position"] > 0


def test_a_tmx_opened_with_its_first_page_reads_the_rest_later_to_the_same_beads(review, tmp_path):
    whole = ra.open_tmx(review, BEIJING_TMX, "whole.tmx", sha(BEIJING_TMX))
    doc = ra.open_tmx(review, BEIJING_TMX, "first.tmx", sha(BEIJING_TMX), first=40)
    assert not ra.is_complete(doc) and len(all_beads(review, doc.id)) == 40
    assert_tiles(review, doc.id)
    # the first page can be reviewed before the rest is read, and the edits stay
    b = all_beads(review, doc.id)
    ra.set_status(review, doc.id, "me", b[3]["id"], b[3]["rev"], "confirmed")
    ra.merge(review, doc.id, "me", b[38]["id"], b[38]["rev"], b[39]["id"], b[39]["rev"])
    with pytest.raises(ConflictError, match="first 40 TUs"):
        ra.export(review, doc.id, "t")
    rest = ra.read_rest(review, doc.id, BEIJING_TMX, sha(BEIJING_TMX))
    assert ra.append_rest(review, rest) is True
    assert ra.append_rest(review, rest) is False  # done already: nothing appended twice
    assert ra.is_complete(review.document(doc.id))
    assert_tiles(review, doc.id)
    got, want = all_beads(review, doc.id), all_beads(review, whole.id)
    assert len(got) == len(want) - 1 and got[3]["status"] == "confirmed"
    assert got[38]["zh"] == want[38]["zh"] + want[39]["zh"]
    strip = lambda b: (b["zh"], b["en"], b["score"], b["location"])  # noqa: E731
    assert [strip(x) for x in got[39:]] == [strip(x) for x in want[40:]]
    assert review.document(doc.id).info["zh_sentences"] == review.document(whole.id).info["zh_sentences"]


def test_the_rest_of_a_tmx_changed_since_its_first_page_is_refused(review, tmp_path):
    path = small_tmx(tmp_path / "t.tmx", PAIRS)
    digest = sha(path)
    doc = ra.open_tmx(review, path, "t.tmx", digest, first=2)
    small_tmx(path, PAIRS[:3])
    with pytest.raises(InputError, match="changed since this review began"):
        ra.read_rest(review, doc.id, path, digest)
    assert len(all_beads(review, doc.id)) == 2


def test_edits_merge_split_and_move_sentences(review, doc):
    b = all_beads(review, doc)
    ra.merge(review, doc, "me", b[0]["id"], b[0]["rev"], b[1]["id"], b[1]["rev"])
    b = all_beads(review, doc)
    assert b[0]["zh"] == ["第一句。", "第二句。", "第三句。"] and b[0]["kind"] == "3-5"
    assert b[0]["edited"] and b[0]["reviewed"] and len(b) == 4
    ra.split(review, doc, "me", b[0]["id"], b[0]["rev"], 2, 2)
    b = all_beads(review, doc)
    assert (b[0]["zh"], b[0]["en"]) == (["第一句。", "第二句。"], ["One.", "Two."])
    assert (b[1]["zh"], b[1]["en"]) == (["第三句。"], ["Three.", "Four.", "Five."])
    # bead 1 gives its last English sentence down to bead 2, then takes it back up
    ra.move(review, doc, "me", b[1]["id"], b[1]["rev"], b[2]["id"], b[2]["rev"], "en", "down")
    b = all_beads(review, doc)
    assert b[1]["en"] == ["Three.", "Four."] and b[2]["en"] == ["Five.", "Six."]
    ra.move(review, doc, "me", b[1]["id"], b[1]["rev"], b[2]["id"], b[2]["rev"], "en", "up")
    b = all_beads(review, doc)
    assert b[2]["en"] == ["Six."]
    # a bead that gives away its only sentence disappears
    ra.move(review, doc, "me", b[2]["id"], b[2]["rev"], b[3]["id"], b[3]["rev"], "zh", "down")
    b = all_beads(review, doc)
    assert b[2]["zh"] == [] and b[2]["en"] == ["Six."] and b[3]["zh"][0] == "第六句。"
    ra.move(review, doc, "me", b[2]["id"], b[2]["rev"], b[3]["id"], b[3]["rev"], "en", "down")
    b = all_beads(review, doc)
    assert len(b) == 4 and b[2]["en"] == ["Six.", "Seven."]
    assert_tiles(review, doc)


def test_edits_that_make_no_sense_are_refused(review, doc):
    b = all_beads(review, doc)
    with pytest.raises(UsageError, match="not neighbours"):
        ra.merge(review, doc, "me", b[0]["id"], b[0]["rev"], b[2]["id"], b[2]["rev"])
    with pytest.raises(UsageError, match="both sides"):
        ra.split(review, doc, "me", b[0]["id"], b[0]["rev"], 2, 2)
    with pytest.raises(UsageError, match="outside"):
        ra.split(review, doc, "me", b[0]["id"], b[0]["rev"], 3, 0)
    with pytest.raises(UsageError, match="does not follow"):
        ra.move(review, doc, "me", b[1]["id"], b[1]["rev"], b[0]["id"], b[0]["rev"], "zh", "up")
    assert [x["rev"] for x in all_beads(review, doc)] == [0] * 5


def test_a_stale_revision_is_refused_and_changes_nothing(review, doc):
    b = all_beads(review, doc)
    ra.set_status(review, doc, "ann", b[1]["id"], b[1]["rev"], "confirmed")
    before = all_beads(review, doc)
    with pytest.raises(ConflictError, match=f"bead #{b[1]['id']} was changed meanwhile"):
        ra.merge(review, doc, "bob", b[0]["id"], b[0]["rev"], b[1]["id"], b[1]["rev"])
    assert all_beads(review, doc) == before
    ra.merge(review, doc, "ann", b[0]["id"], b[0]["rev"], b[1]["id"], before[1]["rev"])
    with pytest.raises(ConflictError, match="no longer exists"):
        ra.set_status(review, doc, "bob", b[1]["id"], before[1]["rev"], "rejected")


def test_undo_restores_exactly_and_only_the_clients_own_change(review, doc):
    start = all_beads(review, doc)
    b = start
    ra.set_status(review, doc, "ann", b[3]["id"], b[3]["rev"], "rejected")
    after_ann = all_beads(review, doc)
    ra.merge(review, doc, "bob", b[0]["id"], b[0]["rev"], b[1]["id"], b[1]["rev"])
    ra.undo(review, doc, "ann")  # ann's change is undone, bob's merge stays
    now = all_beads(review, doc)
    assert now[2]["status"] == "pending" and now[0]["kind"] == "3-5"
    ra.undo(review, doc, "bob")
    assert all_beads(review, doc) == start
    with pytest.raises(ConflictError, match="nothing to undo"):
        ra.undo(review, doc, "bob")
    # an undo is refused when someone else changed those beads since
    ra.set_status(review, doc, "ann", b[3]["id"], b[3]["rev"], "rejected")
    changed = all_beads(review, doc)[3]
    ra.set_status(review, doc, "bob", changed["id"], changed["rev"], "confirmed")
    with pytest.raises(ConflictError, match="cannot undo"):
        ra.undo(review, doc, "ann")
    assert after_ann[3]["status"] == "rejected"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=st.lists(st.tuples(st.sampled_from(["merge", "split", "move", "status", "undo"]),
                              st.integers(0, 20), st.integers(0, 3), st.integers(0, 3),
                              st.sampled_from(["zh", "en"]), st.sampled_from(["up", "down"])),
                    max_size=25))
def test_any_edits_keep_the_tiling_and_undo_walks_back(tmp_path_factory, ops):
    folder = tmp_path_factory.mktemp("tiling")
    store = Store.open(folder / "s.db", create=True)
    review = Review(store)
    path = small_tmx(folder / "t.tmx", PAIRS)
    doc = ra.open_tmx(review, path, "t.tmx", sha(path)).id
    history = [all_beads(review, doc)]
    try:
        for op, at, x, y, lang, direction in ops:
            b = all_beads(review, doc)
            i = at % len(b)
            one, two = b[i], b[(i + 1) % len(b)]
            try:
                if op == "merge":
                    ra.merge(review, doc, "c", one["id"], one["rev"], two["id"], two["rev"])
                elif op == "split":
                    ra.split(review, doc, "c", one["id"], one["rev"], x, y)
                elif op == "move":
                    ra.move(review, doc, "c", one["id"], one["rev"], two["id"], two["rev"], lang,
                            direction)
                elif op == "status":
                    ra.set_status(review, doc, "c", one["id"], one["rev"], ra.STATUSES[x % 3])
                else:
                    ra.undo(review, doc, "c")
                    history.pop()
                    assert all_beads(review, doc) == history[-1]
                    continue
            except (UsageError, ConflictError):
                assert all_beads(review, doc) == b
                continue
            history.append(all_beads(review, doc))
            assert_tiles(review, doc)
        while len(history) > 1:  # every change can be undone, back to the start
            ra.undo(review, doc, "c")
            history.pop()
            assert all_beads(review, doc) == history[-1]
    finally:
        store.close()


def test_export_leaves_out_rejected_beads_and_marks_reviewed_ones(review, doc, tmp_path):
    b = all_beads(review, doc)
    ra.set_status(review, doc, "me", b[0]["id"], b[0]["rev"], "confirmed")
    ra.merge(review, doc, "me", b[1]["id"], b[1]["rev"], b[2]["id"], b[2]["rev"])
    ra.set_status(review, doc, "me", b[3]["id"], b[3]["rev"], "rejected")
    exported = ra.export(review, doc, "9")
    out = tmp_path / "out.tmx"
    write_tmx(exported.units, out, header=exported.header)
    tus = [tu.to_unit() for tu in read_tmx(out)]
    assert [(u.zh, u.en) for u in tus] == [
        ("第一句。第二句。", "One. Two."), ("第三句。第六句。", "Three. Four. Five. Six."),
        ("第九句。", "Nine. Ten.")]
    assert [dict(u.props).get("reviewed") for u in tus] == ["confirmed", "edited", None]
    assert [u.bead for u in tus] == ["2-2", "2-4", "1-2"]
    assert tus[1].location == "zh line 2, en line 2" and tus[1].score == pytest.approx(0.4)
    assert (exported.reviewed, exported.rejected) == (2, 1)
    # reopened, the export comes back reviewed
    again = ra.open_tmx(review, out, "out.tmx", sha(out))
    assert [x["status"] for x in all_beads(review, again.id)] == ["confirmed", "pending", "pending"]
    assert [x["reviewed"] for x in all_beads(review, again.id)] == [True, True, False]


def test_a_change_while_another_process_writes_is_refused_at_once(review, doc, tmp_path):
    other = sqlite3.connect(tmp_path / "s.db", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    b = all_beads(review, doc)
    try:
        with pytest.raises(StoreBusyError, match="nothing was changed"):
            ra.set_status(review, doc, "me", b[0]["id"], b[0]["rev"], "confirmed")
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert all_beads(review, doc)[0]["status"] == "pending"


def test_a_reviewed_tmx_replaces_its_source_in_the_store(tmp_path):
    source = small_tmx(tmp_path / "src.tmx", PAIRS)
    other = small_tmx(tmp_path / "other.tmx", [("第六句。", "Six."), ("别的。", "Other.")])
    store = Store.open(tmp_path / "s.db", create=True)
    store.import_tmx([source, other])
    kept_id = store.conn.execute("SELECT id FROM units WHERE zh='第一句。第二句。'").fetchone()[0]
    review = Review(store)
    doc = ra.open_tmx(review, source, "src.tmx", sha(source)).id
    b = all_beads(review, doc)
    ra.merge(review, doc, "me", b[1]["id"], b[1]["rev"], b[2]["id"], b[2]["rev"])
    ra.set_status(review, doc, "me", b[4]["id"], b[4]["rev"], "rejected")
    exported = ra.export(review, doc, "9")
    out = tmp_path / "src.reviewed.tmx"
    write_tmx(exported.units, out, header=exported.header)
    report = store.import_tmx([out], replacing=store.sources_matching(sha256=[sha(source)]))
    pairs = {(r[0], r[1]): r[2] for r in store.conn.execute("SELECT zh, en, count FROM units")}
    assert ("第三句。第六句。", "Three. Four. Five. Six.") in pairs
    assert ("第三句。", "Three. Four. Five.") not in pairs and ("第九句。", "Nine. Ten.") not in pairs
    assert pairs[("第六句。", "Six.")] == 1  # other.tmx still holds it, once
    # the units only the source held and the export lacks are gone; the others stay as they were
    assert report.removed_units == 2 and report.units == 5
    assert store.conn.execute("SELECT id, count FROM units WHERE zh='第一句。第二句。'").fetchone() == \
        (kept_id, 1)
    rows = store.conn.execute("SELECT id, zh FROM units ORDER BY id").fetchall()
    matcher = Matcher(store)
    for query in ["第三句。第六句。", "第九句。", "第六句。", "第七句。第八句。"]:
        expected = brute_force([r[0] for r in rows], [normalize(r[1]) for r in rows], query, 5, 30)
        assert [(h.unit_id, h.distance) for h in matcher.hits(query, 5, 30)] == \
            [(h.unit_id, h.distance) for h in expected]
    assert sum(len(s) for s in matcher.segments) == len(rows)
    store.close()


# --------------------------------------------------------------------------- glossary

@pytest.fixture
def glossary(review: Review) -> int:
    return rt.open_glossary(review, BEIJING_TBX, "termbase/b.tbx", sha(BEIJING_TBX)).id


def entries(review: Review, doc: int, **kw) -> list[dict]:
    return list(rt.entries(review, doc, limit=1000, **kw).entries)


def test_glossary_entries_filter_sort_and_edit(review, glossary):
    all_ = entries(review, glossary)
    assert len(all_) == 200 and all_[0]["rank"] == 1 and all_[0]["zh"] == "三山五园"
    found = entries(review, glossary, query="Beijing-Tianjin")
    assert found and all("beijing-tianjin" in (e["en"] + " ".join(e["variants"])).lower()
                         or "京津冀" in e["zh"] for e in found)
    by_freq = entries(review, glossary, sort="frequency")
    assert [e["frequency"] for e in by_freq] == sorted((e["frequency"] for e in by_freq), reverse=True)
    e = all_[1]
    rt.edit(review, glossary, "me", e["id"], e["rev"], {"en": "Four Centres", "variants": ["four centers"]})
    edited = entries(review, glossary, query="Four Centres")[0]
    assert edited["en"] == "Four Centres" and edited["variants"] == ["four centers"]
    assert edited["status"] == "accepted" and edited["edited"]
    with pytest.raises(UsageError, match="cannot edit zh"):
        rt.edit(review, glossary, "me", e["id"], edited["rev"], {"zh": "x"})


def test_saved_glossary_is_what_terms_keep_honours(review, glossary, tmp_path):
    e = entries(review, glossary)
    rt.set_status(review, glossary, "me", e[0]["id"], e[0]["rev"], "accepted")
    rt.edit(review, glossary, "me", e[1]["id"], e[1]["rev"], {"en": "Four Centres"})
    rt.set_status(review, glossary, "me", e[2]["id"], e[2]["rev"], "rejected")
    rt.merge(review, glossary, "me", e[3]["id"], e[3]["rev"], {e[4]["id"]: e[4]["rev"]})
    saved = tmp_path / "reviewed.tbx"
    assert rt.save(review, glossary, saved) == 198
    kept = {x.zh: x for x in read_tbx(saved)}
    assert e[2]["zh"] not in kept and e[4]["zh"] not in kept
    merged = kept[e[3]["zh"]]
    assert e[4]["en"] in merged.variants and merged.frequency == e[3]["frequency"] + e[4]["frequency"]

    from zhtm.cli.main import main

    out = tmp_path / "again.tbx"
    result = CliRunner().invoke(main, ["terms", str(BEIJING_TMX), "--keep", str(saved), "-o", str(out),
                                       "-q"])
    assert result.exit_code == 0, result.output
    again = {x.zh: x for x in read_tbx(out)}
    assert again[e[1]["zh"]].en == "Four Centres"
    assert e[0]["zh"] in again
    assert e[2]["zh"] not in again and e[4]["zh"] not in again  # stay deleted
    assert e[4]["en"] in again[e[3]["zh"]].variants
