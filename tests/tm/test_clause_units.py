"""Clause units in the store: made at import for every unit, counted, pointing to their
parents, indexed by the exact fuzzy index, skipped with clauses=False and made later, never
failing an import."""

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
                "(SELECT unit_id FROM clause_parents)") == [(0,)]
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
        conn.execute("DROP TABLE clause_parents")
        conn.execute("DROP TABLE clauses")
        conn.execute("ALTER TABLE index_segments DROP COLUMN kind")
        conn.execute("DELETE FROM meta WHERE key='clauses'")
        conn.execute("UPDATE meta SET value='2' WHERE key='schema'")
    with Store.open(db) as s:
        assert s.load_index(CLAUSE) == [] and len(s.load_index()) == 1
        report = s.add_pairs(PAIRS[30:40])
        assert report.clause_stats.units == 40 and report.clauses > 80
        assert rows(db, "SELECT value FROM meta WHERE key='schema'") == [("3",)]
        assert {k for (k,) in rows(db, "SELECT kind FROM index_segments")} == {"sentence", "clause"}
