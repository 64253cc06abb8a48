"""Units and origins stored a batch at a time (`importing._Units`): the batch's keys found at
once and its rows built from arrays store what one pair after another would (ids in the
order first seen, counts, the newest date, an origin per occurrence), whatever the batch
size; the batched keys are the stored format, pair by pair; a store with the old 4 KiB pages
imports to the same content as a new one."""

import hashlib
import sqlite3
from pathlib import Path
from types import SimpleNamespace

import numpy as np
from hypothesis import given, settings, strategies as st

from zhtm.tm import importing, schema
from zhtm.tm.pair_keys import CLAUSE_PREFIX, digest_keys
from zhtm.tm.store import Store

from tests.tm.test_pair_keys import ALL, content

TEXT = st.text(min_size=0, max_size=12)


def _one_key(text: str) -> int:
    """The stored key format, written out independently: BLAKE2b-64, big-endian, signed."""
    digest = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(TEXT, TEXT), max_size=30))
def test_batched_keys_equal_one_key_at_a_time(pairs):
    zh = [z for z, _ in pairs]
    en = [e for _, e in pairs]
    assert digest_keys(zh, en).tolist() == [_one_key(f"{z}\x00{e}") for z, e in pairs]
    assert digest_keys(zh, en, CLAUSE_PREFIX).tolist() == \
        [_one_key(f"clause\x00{z}\x00{e}") for z, e in pairs]
    assert digest_keys(zh, en).dtype == np.int64


def test_stored_keys_keep_their_format():
    """Stores hold these keys: the values of one unit and one clause unit, as every
    earlier zhtm computed them."""
    assert digest_keys(["推进高质量发展。"], ["We pursued high-quality development."]).tolist() \
        == [-1059611856111997027]
    assert digest_keys(["推进高质量发展"], ["We pursued high-quality development"],
                       CLAUSE_PREFIX).tolist() == [-8377944084781136699]


def _tu(zh, en, date, line):
    """The little of a TMX unit `_pairs_of` reads: one Chinese and one English variant."""
    def variant(lang, text, changed=None):
        return SimpleNamespace(lang=lang, text=text, changedate=changed, creationdate=None,
                               props=(), notes=())
    return SimpleNamespace(variants=[variant("zh-CN", zh), variant("en-US", en, date)],
                           changedate=None, creationdate=None, props=(("x-line", str(line)),),
                           notes=(), line=line, tuid=f"t{line}")


PAIR = st.tuples(st.sampled_from(["甲", "乙", "丙", "丁"]), st.sampled_from(["A", "B"]),
                 st.one_of(st.none(), st.sampled_from(["20200101T000000Z", "20210101T000000Z",
                                                      "20190101T000000Z"])))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(PAIR, min_size=1, max_size=12), min_size=1, max_size=3),
       st.integers(1, 5))
def test_units_and_origins_equal_a_pair_by_pair_model(tmp_path_factory, files, batch):
    importing_batch = importing._BATCH
    importing._BATCH = batch  # several batches per file, a pair in more than one
    try:
        db = tmp_path_factory.mktemp("b") / "tm.db"
        with Store.open(db, create=True) as store, \
                schema.WriteTxn(db, store.conn, bulk=True):
            units = importing._Units(store.conn, db)
            for number, tus in enumerate(files, 1):
                store.conn.execute("INSERT INTO sources(id, path, sha256, imported, tus, pairs, "
                                   "new_units) VALUES (?, ?, ?, '', 0, 0, 0)",
                                   (number, f"f{number}", f"s{number}"))
                units.read(db, number, [_tu(zh, en, date, line)
                                        for line, (zh, en, date) in enumerate(tus, 1)])
            units.close()
        with sqlite3.connect(db) as conn:
            stored = conn.execute("SELECT id, zh, en, count, date FROM units ORDER BY id"
                                  ).fetchall()
            origins = conn.execute("SELECT unit_id, source_id, line, tuid, date FROM origins "
                                   "ORDER BY rowid").fetchall()
    finally:
        importing._BATCH = importing_batch
    model: dict[tuple[str, str], list] = {}  # pair -> [id, count, newest date]
    expected_origins = []
    for number, tus in enumerate(files, 1):
        for line, (zh, en, date) in enumerate(tus, 1):
            entry = model.setdefault((zh, en), [len(model) + 1, 0, None])
            entry[1] += 1
            if date and (entry[2] is None or date > entry[2]):
                entry[2] = date
            expected_origins.append((entry[0], number, line, f"t{line}", date))
    assert stored == [(i, zh, en, count, date) for (zh, en), (i, count, date) in model.items()]
    assert origins == expected_origins


def test_a_store_with_4_kib_pages_imports_to_the_same_content(tmp_path, monkeypatch):
    new = tmp_path / "new.db"
    with Store.open(new, create=True) as store:
        assert store.conn.execute("PRAGMA page_size").fetchone()[0] == schema.PAGE_SIZE
        store.add_pairs(ALL[:400])
        store.add_pairs(ALL[300:])
    monkeypatch.setattr(schema, "PAGE_SIZE", 4096)  # the page size of stores made before
    old = tmp_path / "old.db"
    with Store.open(old, create=True) as store:
        assert store.conn.execute("PRAGMA page_size").fetchone()[0] == 4096
    monkeypatch.undo()
    with Store.open(old) as store:
        store.add_pairs(ALL[:400])
        store.add_pairs(ALL[300:])
        assert store.conn.execute("PRAGMA page_size").fetchone()[0] == 4096
    assert schema.PAGE_SIZE != 4096
    assert content(new) == content(old)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(1, 50), max_size=60), st.integers(1, 7), st.integers(1, 120))
def test_build_chunks_are_bounded_by_entries_and_characters(lens, entries, chars):
    import zhtm.tm.segments as segments

    old = segments.BUILD_CHUNK, segments.BUILD_CHARS
    segments.BUILD_CHUNK, segments.BUILD_CHARS = entries, chars
    try:
        chunks = segments._chunks(np.array(sorted(lens), np.int64))
    finally:
        segments.BUILD_CHUNK, segments.BUILD_CHARS = old
    assert [a for a, _ in chunks] == [0] + [b for _, b in chunks[:-1]] if lens else not chunks
    assert (chunks[-1][1] if chunks else 0) == len(lens)  # consecutive, covering all
    for a, b in chunks:
        size = sum(sorted(lens)[a:b])
        assert b - a <= entries and (size <= chars or b - a == 1)
        if b < len(lens):  # as large as both bounds allow
            assert b - a == entries or size + sorted(lens)[b] > chars


def test_an_import_chunked_by_characters_indexes_as_one_build(tmp_path, monkeypatch):
    from zhtm.text.normalize import normalize
    from zhtm.tm import segments
    from zhtm.tm.fuzzy import FuzzyIndex

    monkeypatch.setattr(segments, "BUILD_CHUNK", 50)
    monkeypatch.setattr(segments, "BUILD_CHARS", 300)  # the long entries go 10 or so a chunk
    pairs = [(f"第{i}次会议审议通过了{i % 7}项决定" + "。" * (i % 40), f"Decision {i}.")
             for i in range(300)]
    built = []
    real_build = FuzzyIndex.build
    monkeypatch.setattr(FuzzyIndex, "build", classmethod(
        lambda cls, ids, texts: built.append(sum(map(len, texts))) or real_build(ids, texts)))
    db = tmp_path / "tm.db"
    with Store.open(db, create=True) as store:
        store.add_pairs(pairs, clauses=False)
        (segment,) = store.load_index()
    assert len(built) > 300 * 25 // 300 and max(built) <= 300
    whole = real_build(np.arange(1, 301), [normalize(zh) for zh, _ in pairs])
    for name in ("ids", "lens", "boffsets", "bg_keys", "bg_ptr", "bg_post", "ch_keys",
                 "ch_ptr", "ch_post"):
        assert np.array_equal(getattr(segment, name), whole.arrays[name]), name


def test_texts_held_by_the_import_store_what_reading_them_back_stores(tmp_path, monkeypatch):
    """The new units' and clause units' Chinese the import holds (`held`) is indexed and cut
    exactly as the texts read back from the store were: two imports of pairs (some seen
    before) and a TMX with units of a store cut before, indexed in chunks."""
    from zhtm.tm import segments
    from tests.tm.test_pair_keys import tmx

    monkeypatch.setattr(segments, "BUILD_CHUNK", 150)  # several chunks of held texts
    indexed = []
    real_index = importing.index_new_units
    monkeypatch.setattr(importing, "index_new_units", lambda conn, path, before, kind, held:
                        indexed.append(held is not None) or real_index(conn, path, before, kind,
                                                                      held))
    file = tmx(tmp_path / "more.tmx", ALL[200:700])

    def build(db):
        with Store.open(db, create=True) as store:
            store.add_pairs(ALL[:400])
            store.add_pairs(ALL[300:600], clause_english=False)
            store.import_tmx([file])
        return content(db)

    held = build(tmp_path / "held.db")
    assert indexed == [True] * 6  # units and clause units of each import, from held texts
    indexed.clear()
    monkeypatch.setattr(importing, "index_new_units", lambda conn, path, before, kind, held:
                        indexed.append(False) or real_index(conn, path, before, kind))
    real_new_units = importing._new_units
    monkeypatch.setattr(importing, "_new_units", lambda conn, before, held, english:
                        real_new_units(conn, before, None, english))
    read_back = build(tmp_path / "read.db")
    assert held == read_back and len(held["clauses"]) > 700


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["甲", " 乙 ", "", "\t", "甲\n", "丙，丁", "\u3000丁", "\x01"]),
                          st.sampled_from(["A", "", " B", "A\u3000", "\x00"])), max_size=14),
       st.integers(1, 4))
def test_plain_pairs_store_what_the_same_pairs_read_as_tus_store(tmp_path_factory, pairs, batch):
    """`add_pairs` builds a batch's columns directly (`_Units.read_pairs`): the same units,
    origins, clause units and report as each pair read as a TU of one zh-CN and one en-US
    variant without anything else (the general `read`)."""
    class PlainTU(SimpleNamespace):
        variants = None  # `_pairs_of` reads a plain pair from .zh / .en

    importing_batch = importing._BATCH
    importing._BATCH = batch
    try:
        stores = []
        for route in ("pairs", "tus"):
            db = tmp_path_factory.mktemp(route) / "tm.db"
            with Store.open(db, create=True) as store, \
                    schema.WriteTxn(db, store.conn, bulk=True):
                conn = store.conn
                marks = importing.start(conn)
                conn.execute("INSERT INTO sources(id, path, sha256, imported, tus, pairs, "
                             "new_units) VALUES (1, 'p', 'x', 'now', 0, 0, 0)")
                units = importing._Units(conn, db)
                if route == "pairs":
                    report = units.read_pairs(Path("p"), 1, iter(pairs))
                else:
                    report = units.read(Path("p"), 1, (PlainTU(zh=z, en=e, line=None, tuid=None)
                                                       for z, e in pairs))
                units.close()
                importing.finish(conn, db, marks, [1], [report])
            stores.append((report, content(db)))
        assert stores[0] == stores[1]
        assert stores[0][0].pairs + stores[0][0].skipped == len(pairs)
    finally:
        importing._BATCH = importing_batch
