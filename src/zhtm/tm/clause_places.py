"""Where clause units occur, packed (schema 4): one row per unit, one blob per clause unit.

Schema 3 kept one SQLite row per clause occurrence (``clause_parents``, a WITHOUT ROWID
table plus an index by unit): about 4.3 million rows, two B-trees, for 10^6 TUs, and most
of an import's time. Schema 4 keeps the same facts in two packed forms:

* ``unit_clauses``: per unit (rowid = unit id, written in id order), its clause
  occurrences in clause order as `OCCURRENCE` records (clause id, start and end in the
  unit's Chinese, the finder's confidence), and their English spans as JSON (one entry per
  occurrence, null for none; the column is NULL when no occurrence has any). Every unit
  that was cut has a row, an empty blob when it holds no clause.
* ``clauses.parents``: per clause unit, the parent unit of each occurrence (int64, sorted;
  a unit twice when the clause occurs twice in it).

A store of schema 3 is read as it is (`places_v3`) and converted by its next import
(`migrate_from_3`, inside that import's transaction).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator

import numpy as np

OCCURRENCE = np.dtype([("clause", "<i8"), ("start", "<i4"), ("end", "<i4"),
                       ("confidence", "<f8")])
PARENT = np.dtype("<i8")
_CHUNK = 500  # ids per IN (...) query

# (unit id, zh_start, zh_end, English spans, confidence): one occurrence of a clause unit
Place = tuple[int, int, int, tuple[tuple[int, int], ...], float]


def has_packed_places(conn: sqlite3.Connection) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND "
                        "name='unit_clauses'").fetchone() is not None


def _chunks(ids: list[int]) -> Iterator[tuple[list[int], str]]:
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start:start + _CHUNK]
        yield chunk, ",".join("?" * len(chunk))


def parents_of(conn: sqlite3.Connection, clause_ids: Iterable[int]) -> dict[int, np.ndarray]:
    """clause id -> the parent unit of each of its occurrences (sorted)."""
    out: dict[int, np.ndarray] = {}
    for chunk, marks in _chunks(sorted(set(clause_ids))):
        for clause_id, blob in conn.execute(
                f"SELECT id, parents FROM clauses WHERE id IN ({marks})", chunk):
            out[clause_id] = np.frombuffer(blob, PARENT)
    return out


def occurrences_of(conn: sqlite3.Connection, unit_ids: Iterable[int]
                   ) -> dict[int, tuple[np.ndarray, list | None]]:
    """unit id -> (its `OCCURRENCE` records, their spans as JSON lists or None)."""
    out: dict[int, tuple[np.ndarray, list | None]] = {}
    for chunk, marks in _chunks(sorted(set(unit_ids))):
        for unit_id, blob, spans in conn.execute(
                f"SELECT unit_id, occurrences, spans FROM unit_clauses WHERE unit_id IN "
                f"({marks})", chunk):
            out[unit_id] = (np.frombuffer(blob, OCCURRENCE), json.loads(spans) if spans else None)
    return out


def places(conn: sqlite3.Connection, clause_ids: Iterable[int]) -> dict[int, list[Place]]:
    """clause id -> its occurrences, most frequent parent first (then newest, then by text,
    then by place): the order `places_v3` gives."""
    parents = parents_of(conn, {int(c) for c in clause_ids})
    units = sorted({u for p in parents.values() for u in p.tolist()})
    meta: dict[int, tuple] = {}
    for chunk, marks in _chunks(units):
        for row in conn.execute(f"SELECT id, count, date, zh, en FROM units WHERE id IN ({marks})",
                                chunk):
            meta[row[0]] = row[1:]
    found: dict[int, list[tuple]] = {c: [] for c in parents}
    for unit_id, (occ, spans) in occurrences_of(conn, meta).items():
        count, date, zh, en = meta[unit_id]
        for k, (clause_id, start, end, confidence) in enumerate(occ.tolist()):
            if clause_id in found:
                place = (unit_id, start, end,
                         tuple(tuple(s) for s in spans[k]) if spans and spans[k] else (),
                         confidence)
                found[clause_id].append((count, date, zh, en, place))
    out: dict[int, list[Place]] = {}
    for clause_id, items in found.items():
        # ORDER BY u.count DESC, u.date DESC (NULL last), u.zh, u.en, zh_start
        items.sort(key=lambda x: (x[2], x[3], x[4][1]))
        items.sort(key=lambda x: (x[0], x[1] is not None, x[1] or ""), reverse=True)
        out[clause_id] = [item[4] for item in items]
    return out


def places_v3(conn: sqlite3.Connection, clause_ids: Iterable[int]) -> dict[int, list[Place]]:
    """`places` for a store of schema 3 (one ``clause_parents`` row per occurrence)."""
    out: dict[int, list[Place]] = {}
    for chunk, marks in _chunks(sorted(set(int(c) for c in clause_ids))):
        for row in conn.execute(
                f"SELECT p.clause_id, p.unit_id, p.zh_start, p.zh_end, p.en_spans, "
                f"p.confidence FROM clause_parents p JOIN units u ON u.id = p.unit_id "
                f"WHERE p.clause_id IN ({marks}) ORDER BY u.count DESC, u.date DESC, "
                f"u.zh, u.en, p.zh_start", chunk):
            spans = tuple(tuple(s) for s in json.loads(row[4])) if row[4] else ()
            out.setdefault(row[0], []).append((row[1], row[2], row[3], spans, row[5]))
    return out


def recount(conn: sqlite3.Connection, unit_ids: Iterable[int]) -> None:
    """The clause units of these units (seen again, or forgotten by a source) count their
    parents' occurrences again: a clause unit's count is the sum, over its occurrences, of
    the parent's count (a parent no longer stored counts 0)."""
    clause_ids: set[int] = set()
    for occ, _ in occurrences_of(conn, unit_ids).values():
        clause_ids.update(occ["clause"].tolist())
    if not clause_ids:
        return
    parents = parents_of(conn, clause_ids)
    counts: dict[int, int] = {}
    wanted = sorted({u for p in parents.values() for u in p.tolist()})
    for chunk, marks in _chunks(wanted):
        counts.update(conn.execute(f"SELECT id, count FROM units WHERE id IN ({marks})", chunk))
    conn.executemany("UPDATE clauses SET count = ? WHERE id = ?",
                     [(sum(counts.get(u, 0) for u in p.tolist()), c)
                      for c, p in sorted(parents.items())])


def drop_parents(conn: sqlite3.Connection, unit_ids: list[int]) -> list[int]:
    """Units leaving the store: their clause occurrences go; clause units left without any
    go too. Returns the ids of those (sorted), for their index segments to be rebuilt."""
    occurrences = occurrences_of(conn, unit_ids)
    clause_ids = {c for occ, _ in occurrences.values() for c in occ["clause"].tolist()}
    for chunk, marks in _chunks(sorted(occurrences)):
        conn.execute(f"DELETE FROM unit_clauses WHERE unit_id IN ({marks})", chunk)
    leaving = np.array(sorted(set(unit_ids)), PARENT)
    orphans, updates = [], []
    for clause_id, parents in sorted(parents_of(conn, clause_ids).items()):
        left = parents[~np.isin(parents, leaving)]
        if len(left):
            updates.append((left.tobytes(), clause_id))
        else:
            orphans.append(clause_id)
    conn.executemany("UPDATE clauses SET parents = ? WHERE id = ?", updates)
    conn.executemany("DELETE FROM clauses WHERE id = ?", [(c,) for c in orphans])
    return orphans


def uncut_units(conn: sqlite3.Connection, up_to: int) -> Iterator[tuple[int, str, str, int]]:
    """Units up to id `up_to` never cut (a store from before clause units, or imported with
    ``--no-clauses``), with their counts."""
    last = 0
    while True:
        rows = conn.execute(
            "SELECT id, zh, en, count FROM units u WHERE id > ? AND id <= ? AND NOT EXISTS "
            "(SELECT 1 FROM unit_clauses c WHERE c.unit_id = u.id) ORDER BY id LIMIT 5000",
            (last, up_to)).fetchall()
        if not rows:
            return
        yield from rows
        last = rows[-1][0]


def migrate_from_3(conn: sqlite3.Connection, unit_ddl: str) -> None:
    """Inside the caller's write transaction: schema 3's ``clause_parents`` rows become
    ``unit_clauses`` rows and ``clauses.parents`` blobs; the old table goes."""
    conn.execute("ALTER TABLE clauses ADD COLUMN parents BLOB NOT NULL DEFAULT x''")
    conn.execute(unit_ddl)
    rows = conn.execute("SELECT unit_id, clause_id, zh_start, zh_end, en_spans, confidence "
                        "FROM clause_parents ORDER BY unit_id, zh_start, clause_id")
    unit_rows: list[tuple] = []
    current: int | None = None
    records: list[tuple] = []
    spans: list = []

    def flush() -> None:
        if current is not None:
            packed = np.array(records, OCCURRENCE).tobytes()
            unit_rows.append((current, packed, json.dumps(spans) if any(spans) else None))

    for unit_id, clause_id, start, end, en_spans, confidence in rows:
        if unit_id != current:
            flush()
            current, records, spans = unit_id, [], []
        records.append((clause_id, start, end, confidence))
        spans.append(json.loads(en_spans) if en_spans else None)
    flush()
    conn.executemany("INSERT INTO unit_clauses(unit_id, occurrences, spans) VALUES (?, ?, ?)",
                     unit_rows)
    by_clause: dict[int, list[int]] = {}
    for clause_id, unit_id in conn.execute("SELECT clause_id, unit_id FROM clause_parents"):
        by_clause.setdefault(clause_id, []).append(unit_id)
    conn.executemany("UPDATE clauses SET parents = ? WHERE id = ?",
                     [(np.sort(np.array(units, PARENT)).tobytes(), c)
                      for c, units in by_clause.items()])
    conn.execute("DROP TABLE clause_parents")
