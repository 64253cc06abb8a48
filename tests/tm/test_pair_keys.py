"""Pair keys (schema 5): a large import finds keys in memory with the key indexes dropped and
stores exactly what the index path stores; the indexes are there again after it, after a
failure half-way and in a converted schema 4 store; a newer store is refused in one line."""

import sqlite3

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import given, settings, strategies as st

from zhtm.cli.tm import match_cmd
from zhtm.errors import InputError
from zhtm.formats.tmx import TmxHeader, read_tmx, write_tmx
from zhtm.records import Unit
from zhtm.tm import clause_units, pair_keys, schema
from zhtm.tm.matching import Matcher
from zhtm.tm.pair_keys import KeyMap
from zhtm.tm.store import Store

from tests.paths import ROOT

COMMITTED = ROOT / "tmx" / "beijing-gwr-2024.zh-en.tmx"
PAIRS = [(tu.seg("zh"), tu.seg("en")) for tu in read_tmx(COMMITTED)]
# the Beijing report's 351 pairs, and each again with a clause and a sentence added
ALL = PAIRS + [(f"{zh}，第{i}批项目全部完成", f"{en} Batch {i} was completed.")
               for i, (zh, en) in enumerate(PAIRS)] + \
    [(f"第{i}条：{zh}", f"Article {i}: {en}") for i, (zh, en) in enumerate(PAIRS)]
TABLES = {"units": "id", "origins": "rowid", "clauses": "id", "unit_clauses": "unit_id",
          "sources": "id"}


def content(db):
    """Every row of the tables an import writes (sources without their import time), the
    index segments' arrays, and the key indexes there are."""
    with sqlite3.connect(db) as conn:
        out = {t: conn.execute(f"SELECT * FROM {t} ORDER BY {key}").fetchall()
               for t, key in TABLES.items() if t != "sources"}
        out["sources"] = conn.execute("SELECT id, path, tus, pairs, new_units FROM sources "
                                      "ORDER BY id").fetchall()
        out["arrays"] = conn.execute(
            "SELECT s.kind, s.first_unit, a.name, a.part, a.data FROM index_arrays a JOIN "
            "index_segments s ON s.id = a.segment_id ORDER BY 1, 2, 3, 4").fetchall()
        out["indexes"] = key_indexes(conn)
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    return out


def key_indexes(conn):
    return sorted(r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type='index' AND name LIKE '%_key'"))


def tmx(path, pairs):
    write_tmx([Unit(zh, en) for zh, en in pairs], path, header=TmxHeader(tool_version="t"))
    return path


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.integers(-2**63, 2**63 - 1), max_size=40), max_size=12),
       st.lists(st.integers(-2**63, 2**63 - 1), max_size=30))
def test_the_key_map_finds_what_a_dict_finds(batches, probes):
    keys, mine, next_id = KeyMap(), {}, 1
    for batch in batches:
        fresh = [k for k in dict.fromkeys(batch) if k not in mine]
        ids = list(range(next_id, next_id + len(fresh)))
        next_id += len(fresh)
        mine.update(zip(fresh, ids))
        keys.add(np.array(fresh, np.int64), np.array(ids, np.int64))
        assert len(keys.levels) <= 1 + int(np.log2(max(len(mine), 1))) + 1
    asked = probes + list(mine)
    assert keys.find(np.array(asked, np.int64)).tolist() == [mine.get(k, 0) for k in asked]


def imports(db, tmp_path):
    """Imports that see units again, add units never cut, replace a source."""
    first = tmx(tmp_path / "a.tmx", ALL[:300])
    with Store.open(db, create=True) as s:
        s.import_tmx([first])
        s.add_pairs(ALL[250:600] + ALL[:20], source="b")
        s.add_pairs(ALL[600:700], source="c", clauses=False)
        s.import_tmx([tmx(tmp_path / "a2.tmx", ALL[:150] + ALL[700:])],
                     replacing=s.sources_matching(paths=[str(first)]))


def test_a_large_import_finds_keys_in_memory_and_stores_the_same(tmp_path, monkeypatch):
    dropped = []
    to_memory = pair_keys.TableKeys._to_memory

    def spy(self):
        dropped.append(self.table)
        to_memory(self)

    monkeypatch.setattr(pair_keys.TableKeys, "_to_memory", spy)
    monkeypatch.setattr(pair_keys, "BULK_MIN_ROWS", 10**9)   # through the key indexes
    imports(tmp_path / "index.db", tmp_path)
    assert dropped == []
    monkeypatch.setattr(pair_keys, "BULK_MIN_ROWS", 40)      # in memory, index dropped
    monkeypatch.setattr(clause_units, "_BATCH", 97)          # several batches of clauses
    imports(tmp_path / "memory.db", tmp_path)
    assert dropped.count("units") >= 2 and dropped.count("clauses") >= 1
    index, memory = content(tmp_path / "index.db"), content(tmp_path / "memory.db")
    only_a = set(ALL[150:250]) - set(ALL[250:600] + ALL[:20] + ALL[:150] + ALL[700:])
    assert len(index["units"]) == len(set(ALL)) - len(only_a) and len(only_a) > 90
    assert len(index["clauses"]) > 1500
    assert memory == index
    assert index["indexes"] == ["clauses_key", "units_key"]


def test_a_bulk_import_failing_half_way_leaves_the_store_and_its_key_indexes(tmp_path,
                                                                             monkeypatch):
    db = tmp_path / "tm.db"
    with Store.open(db, create=True) as s:
        s.add_pairs(PAIRS[:100])
    before = content(db)
    dropped = []
    to_memory = pair_keys.TableKeys._to_memory
    monkeypatch.setattr(pair_keys.TableKeys, "_to_memory",
                        lambda self: (dropped.append(self.table), to_memory(self)))
    monkeypatch.setattr(pair_keys, "BULK_MIN_ROWS", 10)
    monkeypatch.setattr(clause_units, "_BATCH", 50)
    good = tmx(tmp_path / "good.tmx", ALL[100:400])
    bad = tmp_path / "bad.tmx"
    bad.write_text('<tmx version="1.4"><body><tu><tuv xml:lang="zh"><seg>坏', encoding="utf-8")
    with Store.open(db) as s:                   # a bad second file: units key dropped
        with pytest.raises(InputError):
            s.import_tmx([good, bad])
    assert dropped == ["units"] and content(db) == before
    calls = []
    cut = clause_units.cut_clauses_flat

    def failing(texts, *args):
        calls.append(len(texts))
        if len(calls) == 3:                     # both keys dropped by now
            raise RuntimeError("half-way")
        return cut(texts, *args)

    monkeypatch.setattr(clause_units, "cut_clauses_flat", failing)
    with Store.open(db) as s:
        with pytest.raises(RuntimeError, match="half-way"):
            s.add_pairs(ALL[100:400], clause_english=False)
        assert len(calls) == 3
    assert dropped == ["units", "units", "clauses"] and content(db) == before
    with Store.open(db) as s:                   # and the store takes the import after
        monkeypatch.setattr(clause_units, "cut_clauses_flat", cut)
        s.add_pairs(ALL[100:400], clause_english=False)
    assert content(db)["indexes"] == ["clauses_key", "units_key"]


def test_a_commit_never_leaves_a_key_index_dropped(tmp_path, monkeypatch):
    """Even if the code forgot to restore it, the bulk transaction builds it before COMMIT."""
    db = tmp_path / "tm.db"
    monkeypatch.setattr(pair_keys, "BULK_MIN_ROWS", 10)
    monkeypatch.setattr(pair_keys.TableKeys, "restore", lambda self: None)
    with Store.open(db, create=True) as s:
        s.add_pairs(ALL[:200])
    assert content(db)["indexes"] == ["clauses_key", "units_key"]


def as_schema_4(db):
    """Rewrite a store as schema 4 kept it: the pair keys UNIQUE inside the tables."""
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA foreign_keys=OFF")
        for table in ("units", "clauses"):
            ddl = conn.execute("SELECT sql FROM sqlite_master WHERE name=?", (table,)).fetchone()[0]
            conn.execute(f"DROP INDEX {table}_key")
            conn.execute(ddl.replace(f"CREATE TABLE {table}(", f"CREATE TABLE old_{table}(")
                         .replace("pair_key INTEGER NOT NULL,", "pair_key INTEGER NOT NULL UNIQUE,"))
            conn.execute(f"INSERT INTO old_{table} SELECT * FROM {table}")
            conn.execute(f"DROP TABLE {table}")
            conn.execute(f"ALTER TABLE old_{table} RENAME TO {table}")
        conn.execute("UPDATE meta SET value='4' WHERE key='schema'")
        conn.commit()
        assert key_indexes(conn) == []
        assert all(any(r[3] == "u" for r in conn.execute(f"PRAGMA index_list({t})"))
                   for t in ("units", "clauses"))


@pytest.mark.parametrize("large", [False, True])
def test_a_schema_4_store_is_read_as_it_is_and_converted_by_its_next_import(
        tmp_path, monkeypatch, large):
    old, fresh = tmp_path / "old.db", tmp_path / "fresh.db"
    for db in (old, fresh):
        with Store.open(db, create=True) as s:
            s.add_pairs(ALL[:200] + ALL[:30])
    as_schema_4(old)
    zh, en = PAIRS[7]
    for readonly in (True, False):                             # read as schema 4 kept it
        with Store.open(old, readonly=readonly) as s:
            assert Matcher(s).match(zh, 1, 100).matches[0].unit.en == en
            assert s.units([1])[1].count == 2
    assert content(old)["indexes"] == []
    if large:
        monkeypatch.setattr(pair_keys, "BULK_MIN_ROWS", 10)
    for db in (old, fresh):
        with Store.open(db) as s:
            s.add_pairs(ALL[150:400])
    with sqlite3.connect(old) as conn:
        assert conn.execute("SELECT value FROM meta WHERE key='schema'").fetchone() == ("5",)
        assert not any(r[3] == "u" for t in ("units", "clauses")
                       for r in conn.execute(f"PRAGMA index_list({t})"))
    assert content(old) == content(fresh)
    with Store.open(old) as s:
        assert Matcher(s).match(zh, 1, 100).matches[0].unit.en == en


def test_a_store_newer_than_this_zhtm_is_refused_in_one_line(tmp_path, monkeypatch):
    db = tmp_path / "tm.db"
    with Store.open(db, create=True) as s:
        s.add_pairs(PAIRS[:5])
    monkeypatch.setattr(schema, "SCHEMA", 4)                    # a zhtm of schema 4
    with pytest.raises(InputError, match=r"store schema 5 is newer than this zhtm "
                                         r"understands \(4\): upgrade zhtm"):
        Store.open(db)
    monkeypatch.undo()
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE meta SET value='6' WHERE key='schema'")
    before = db.read_bytes()
    result = CliRunner().invoke(match_cmd, ["--db", str(db), PAIRS[0][0]])
    assert result.exit_code == 1 and "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert lines == [f"Error: {db}: store schema 6 is newer than this zhtm understands (5): "
                     "upgrade zhtm"]
    assert db.read_bytes() == before
