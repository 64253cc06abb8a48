"""Clause units in the store: made at import for every unit, counted, pointing to their
parents, indexed by the exact fuzzy index, skipped with clauses=False and made later, never
failing an import."""

import json
import sqlite3

import pytest

from zhtm.formats.tmx import read_tmx
from zhtm.text.normalize import normalize
from zhtm.tm import clause_units
from zhtm.tm.fuzzy import search_segments
from zhtm.tm.scoring import brute_force
from zhtm.tm.store import CLAUSE, Store

from tests.paths import ROOT

COMMITTED = ROOT / "tmx" / "beijing-gwr-2024.zh-en.tmx"
PAIRS = [(tu.seg("zh"), tu.seg("en")) for tu in read_tmx(COMMITTED)]


def rows(db, sql):
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    db = tmp_path_factory.mktemp("clauses") / "tm.db"
    with Store.open(db, create=True) as s:
        report = s.import_tmx([COMMITTED])
    s = Store.open(db)
    s.report = report
    yield s
    s.close()


def test_every_unit_is_cut_and_every_clause_points_to_its_parent(store):
    report = store.report
    stats = report.clause_stats
    assert stats.units == report.units and stats.failures == 0
    assert stats.occurrences > 2.5 * report.units      # the report is clause-heavy
    assert 0.05 < stats.without_english / stats.occurrences < 0.5   # some, never most
    assert rows(store.path, "SELECT count(*) FROM units WHERE id NOT IN "
                "(SELECT unit_id FROM unit_clauses WHERE length(occurrences) > 0)") == [(0,)]
    for clause in store.clauses(range(1, 400)).values():
        for place in clause.parents:
            parent = store.units([place.unit_id])[place.unit_id]
            assert parent.zh[place.zh_start:place.zh_end] == clause.zh
            if clause.en:
                assert " … ".join(parent.en[a:b] for a, b in place.spans) == clause.en


def test_the_clause_index_is_exact(store):
    segments = store.load_index(CLAUSE)
    assert sum(len(s) for s in segments) == store.stats().clauses
    ids, texts = zip(*rows(store.path, "SELECT id, zh FROM clauses ORDER BY id"))
    texts = [normalize(t) for t in texts]
    for q in ("推进京津冀协同发展", "加快建设国际科技创新中心", "深化审批制度改革", "各位代表"):
        for threshold in (50, 75, 100):
            assert search_segments(segments, q, 3, threshold, ties=True) == \
                brute_force(ids, texts, q, 3, threshold, ties=True)


def test_counts_follow_the_parents_occurrences(tmp_path):
    pairs = [("深化改革开放，推动高质量发展。", "We deepened reform and opening up and promoted "
              "high-quality development."),
             ("推动高质量发展，建设美丽城市。", "We promoted high-quality development and built a "
              "beautiful city.")]
    with Store.open(tmp_path / "tm.db", create=True) as s:
        s.add_pairs(pairs)
        s.add_pairs(pairs[:1])                          # the first unit once more
        counts = dict(rows(s.path, "SELECT zh, sum(count) FROM clauses GROUP BY zh"))
        assert counts == {"深化改革开放": 2, "推动高质量发展": 3, "建设美丽城市": 1}
        assert s.stats().clauses == len(rows(s.path, "SELECT id FROM clauses"))


def test_clauses_false_skips_them_and_the_next_import_makes_them(tmp_path):
    with Store.open(tmp_path / "tm.db", create=True) as s:
        report = s.add_pairs(PAIRS[:50], clauses=False)
        assert report.clauses == 0 and s.load_index(CLAUSE) == []
        assert rows(s.path, "SELECT value FROM meta WHERE key='clauses'") == [("partial",)]
        report = s.add_pairs(PAIRS[50:60])
        assert report.clause_stats.units == 60          # the 50 skipped ones too
        assert rows(s.path, "SELECT value FROM meta WHERE key='clauses'") == [("complete",)]
        assert sum(len(x) for x in s.load_index(CLAUSE)) == report.clauses


def test_a_failing_english_finder_never_fails_the_import(tmp_path, monkeypatch):
    def broken(zh, en, clauses=None):
        raise RuntimeError("finder bug")

    monkeypatch.setattr(clause_units, "clause_english", broken)
    with Store.open(tmp_path / "tm.db", create=True) as s:
        report = s.add_pairs(PAIRS[:20])
        assert report.units == 20 and report.clause_stats.failures == 20
        assert report.clause_stats.without_english == report.clause_stats.occurrences > 40
        assert rows(s.path, "SELECT count(*) FROM clauses WHERE en != ''") == [(0,)]


def test_a_schema_2_store_gets_clause_units_at_its_next_import(tmp_path):
    db = tmp_path / "tm.db"
    with Store.open(db, create=True) as s:
        s.add_pairs(PAIRS[:30], clauses=False)
    with sqlite3.connect(db) as conn:                  # as zhtm before clause units left it
        conn.execute("DROP TABLE unit_clauses")
        conn.execute("DROP TABLE clauses")
        conn.execute("ALTER TABLE index_segments DROP COLUMN kind")
        conn.execute("DELETE FROM meta WHERE key='clauses'")
        conn.execute("UPDATE meta SET value='2' WHERE key='schema'")
    with Store.open(db) as s:
        assert s.load_index(CLAUSE) == [] and len(s.load_index()) == 1
        report = s.add_pairs(PAIRS[30:40])
        assert report.clause_stats.units == 40 and report.clauses > 80
        assert rows(db, "SELECT value FROM meta WHERE key='schema'") == [("5",)]
        assert {k for (k,) in rows(db, "SELECT kind FROM index_segments")} == {"sentence", "clause"}


def _as_schema_3(db):
    """Rewrite a store as schema 3 kept its clause occurrences: one `clause_parents` row
    each (filled from what the Store API gives), no packed places."""
    with Store.open(db) as s:
        top = s.conn.execute("SELECT max(id) FROM clauses").fetchone()[0]
        clauses = s.clauses(range(1, top + 1))
    with sqlite3.connect(db) as conn:
        conn.executescript("""
            CREATE TABLE clause_parents(
                clause_id INTEGER NOT NULL REFERENCES clauses(id),
                unit_id INTEGER NOT NULL REFERENCES units(id),
                zh_start INTEGER NOT NULL, zh_end INTEGER NOT NULL, en_spans TEXT,
                confidence REAL NOT NULL, PRIMARY KEY(clause_id, unit_id, zh_start)) WITHOUT ROWID;
            CREATE INDEX clause_parents_unit ON clause_parents(unit_id);
            DROP TABLE unit_clauses;
            ALTER TABLE clauses DROP COLUMN parents;
            UPDATE meta SET value='3' WHERE key='schema';""")
        conn.executemany("INSERT INTO clause_parents VALUES (?, ?, ?, ?, ?, ?)", [
            (c.id, p.unit_id, p.zh_start, p.zh_end,
             json.dumps(p.spans) if p.spans else None, p.confidence)
            for c in clauses.values() for p in c.parents])
    return clauses


def test_a_schema_3_store_is_read_as_it_is_and_converted_by_its_next_import(tmp_path):
    old, fresh = tmp_path / "old.db", tmp_path / "fresh.db"
    shared = [("深化改革开放，推动高质量发展。", "We deepened reform and promoted growth."),
              ("推动高质量发展，建设美丽城市。", "We promoted growth and built a city."),
              ("推动高质量发展，推动高质量发展。", "Growth, growth.")]  # a clause twice in one
    twice = PAIRS[:40] + shared + PAIRS[10:20] + [PAIRS[5]] + shared[:1]   # counts above 1
    for db in (old, fresh):
        with Store.open(db, create=True) as s:
            s.add_pairs(twice)
    before = _as_schema_3(old)
    assert sum(len(c.parents) for c in before.values()) > 100
    assert any(p.spans for c in before.values() for p in c.parents)
    assert max(len(c.parents) for c in before.values()) > 1
    for readonly in (True, False):                           # read as schema 3 kept it
        with Store.open(old, readonly=readonly) as s:
            assert s.clauses(before) == before
    assert rows(old, "SELECT value FROM meta WHERE key='schema'") == [("3",)]
    for db in (old, fresh):                                  # the same next import
        with Store.open(db) as s:
            s.add_pairs(PAIRS[30:60] + PAIRS[:5])
    assert rows(old, "SELECT value FROM meta WHERE key='schema'") == [("5",)]
    assert rows(old, "SELECT name FROM sqlite_master WHERE name LIKE 'clause_parents%'") == []
    with Store.open(old) as a, Store.open(fresh) as b:
        top = b.conn.execute("SELECT max(id) FROM clauses").fetchone()[0]
        assert a.conn.execute("SELECT max(id) FROM clauses").fetchone()[0] == top
        after = b.clauses(range(1, top + 1))
        assert a.clauses(range(1, top + 1)) == after
        assert after != before and all(after[i].count >= before[i].count for i in before)
        units = b.conn.execute("SELECT max(id) FROM units").fetchone()[0]
        assert a.units(range(1, units + 1), origins=False) == \
            b.units(range(1, units + 1), origins=False)


def test_clause_units_follow_units_replaced_and_seen_again(tmp_path):
    """After imports that see units again and one that replaces a source (its units only it
    held leave the store), every clause unit counts its parents' occurrences, points to
    places holding its text, and the clause index holds exactly the clause units."""
    from zhtm.formats.tmx import TmxHeader, write_tmx
    from zhtm.records import Unit
    from zhtm.text.clauses import cut_clauses

    def tmx(name, pairs):
        units = [Unit(zh, en, score=0.5, bead="1-1", doc="d.txt", location=f"zh line {i + 1}")
                 for i, (zh, en) in enumerate(pairs)]
        write_tmx(units, tmp_path / name, header=TmxHeader(tool_version="t"))
        return tmp_path / name

    first, second = tmx("a.tmx", PAIRS[:40]), tmx("b.tmx", PAIRS[30:60])
    reviewed = tmx("a2.tmx", PAIRS[:20] + PAIRS[45:50] + PAIRS[60:65])
    with Store.open(tmp_path / "tm.db", create=True) as s:
        s.import_tmx([first])
        s.import_tmx([second])                         # 10 units seen again
        replaced = s.sources_matching(paths=[str(first)])
        report = s.import_tmx([reviewed], replacing=replaced)
        assert report.removed_units == 10             # PAIRS[20:30]: only a.tmx held them
        units = s.units(r[0] for r in s.conn.execute("SELECT id FROM units"))
        assert len(units) == 55                        # 60 - 10 + PAIRS[60:65]
        top = s.conn.execute("SELECT max(id) FROM clauses").fetchone()[0]
        clauses = s.clauses(range(1, top + 1))
        occurrences = {}
        for clause in clauses.values():
            assert clause.parents
            assert clause.count == sum(units[p.unit_id].count for p in clause.parents)
            for p in clause.parents:
                assert units[p.unit_id].zh[p.zh_start:p.zh_end] == clause.zh
                occurrences[p.unit_id, p.zh_start] = clause.zh
        assert occurrences == {(u.id, c.start): c.text for u in units.values()
                               for c in cut_clauses(u.zh)}
        assert sorted(int(i) for seg in s.load_index(CLAUSE) for i in seg.ids) == sorted(clauses)
