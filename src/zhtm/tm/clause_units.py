"""Clause units in the store: every unit's clauses with their English (`clause_english`).

A clause unit is one distinct (clause, English) pair; ``en`` is empty where no English was
found with confidence (the clause is still matched: its parent's English is shown). Its
``count`` is how many TU occurrences hold it; ``clause_parents`` lists each parent unit with
the clause's place in the parent's Chinese and its English spans there. Cutting never fails
a unit: an error in the English finder leaves that unit's clauses without English, counted.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from ..text.clauses import Clause, cut_clauses_many
from .clause_english import ClauseEnglish, clause_english

_BATCH = 20_000  # units per round of lookups and inserts


@dataclass(slots=True)
class ClauseStats:
    """What cutting the clauses of some units did."""

    units: int = 0             # units cut
    occurrences: int = 0       # clause occurrences found in them
    without_english: int = 0   # ... of which without English
    new_clauses: int = 0       # clause units not in the store before
    failures: int = 0          # units where the English finder failed (clauses kept, no English)

    def add(self, other: ClauseStats) -> None:
        self.units += other.units
        self.occurrences += other.occurrences
        self.without_english += other.without_english
        self.new_clauses += other.new_clauses
        self.failures += other.failures


def clause_key(zh: str, en: str) -> int:
    digest = hashlib.blake2b(f"clause\x00{zh}\x00{en}".encode("utf-8", "surrogatepass"),
                             digest_size=8)
    return int.from_bytes(digest.digest(), "big", signed=True)


def english_of(zh: str, en: str, clauses: list[Clause]) -> tuple[list[ClauseEnglish], bool]:
    """The unit's clauses (`clauses`: `cut_clauses(zh)`) with their English, and whether the
    finder failed (then the clauses come back without English)."""
    try:
        return clause_english(zh, en, clauses), False
    except Exception:  # noqa: BLE001 - a finder bug must not fail an import; counted
        return [ClauseEnglish(c, (), "", 0.0) for c in clauses], True


def add_clause_units(conn: sqlite3.Connection, units: Iterable[tuple[int, str, str, int]],
                     progress: Callable[[int], None] | None = None) -> ClauseStats:
    """Cut the clauses of `units` ((id, zh, en, occurrences)), find their English and store
    them: new clause units, counts raised by the parents' occurrences, parent rows."""
    stats = ClauseStats()
    batch: list[tuple[int, str, str, int]] = []
    for unit in units:
        batch.append(unit)
        if len(batch) >= _BATCH:
            stats.add(_store_batch(conn, batch))
            if progress:
                progress(stats.units)
            batch = []
    if batch:
        stats.add(_store_batch(conn, batch))
    return stats


def _store_batch(conn: sqlite3.Connection, units: list[tuple[int, str, str, int]]) -> ClauseStats:
    stats = ClauseStats(units=len(units))
    # (clause, English) -> [count to add, best confidence, parent rows]; a dict keeps the
    # order in which the pairs were first seen (their ids follow it)
    pairs: dict[tuple[str, str], list] = {}
    cut = cut_clauses_many([unit[1] for unit in units])
    for (unit_id, zh, en, occurrences), clauses in zip(units, cut):
        found, failed = english_of(zh, en, clauses)
        stats.failures += failed
        for item in found:
            clause = item.clause
            pair = (clause.text, item.en)
            entry = pairs.get(pair)
            row = (unit_id, clause.start, clause.end,
                   json.dumps(item.spans) if item.spans else None, item.confidence)
            if entry is None:
                pairs[pair] = [occurrences, item.confidence, [row]]
            else:
                entry[0] += occurrences
                if item.confidence > entry[1]:
                    entry[1] = item.confidence
                entry[2].append(row)
            if not item.en:
                stats.without_english += 1
        stats.occurrences += len(found)
    keys = [clause_key(*pair) for pair in pairs]
    ids = _existing(conn, keys) if _has_rows(conn) else {}
    next_id = conn.execute("SELECT coalesce(max(id), 0) FROM clauses").fetchone()[0] + 1
    new_rows, updates, parents = [], [], []
    for key, (pair, (count, confidence, rows)) in zip(keys, pairs.items()):
        clause_id = ids.get(key)
        if clause_id is None:
            clause_id = next_id
            new_rows.append((next_id, key, pair[0], pair[1], count, confidence))
            next_id += 1
        else:
            updates.append((count, confidence, clause_id))
        parents += [(clause_id, *row) for row in rows]
    stats.new_clauses = len(new_rows)
    conn.executemany("INSERT INTO clauses(id, pair_key, zh, en, count, confidence) "
                     "VALUES (?, ?, ?, ?, ?, ?)", new_rows)
    conn.executemany("UPDATE clauses SET count = count + ?, confidence = max(confidence, ?) "
                     "WHERE id = ?", updates)
    parents.sort()  # in the table's key order: each page of it is written once a batch
    conn.executemany("INSERT OR IGNORE INTO clause_parents(clause_id, unit_id, zh_start, zh_end, "
                     "en_spans, confidence) VALUES (?, ?, ?, ?, ?, ?)", parents)
    return stats


def _has_rows(conn: sqlite3.Connection) -> bool:
    return conn.execute("SELECT 1 FROM clauses LIMIT 1").fetchone() is not None


def _existing(conn: sqlite3.Connection, keys: list[int]) -> dict[int, int]:
    """pair key -> clause id, for the keys already stored."""
    out: dict[int, int] = {}
    for start in range(0, len(keys), 900):
        chunk = keys[start:start + 900]
        marks = ",".join("?" * len(chunk))
        out.update(conn.execute(f"SELECT pair_key, id FROM clauses WHERE pair_key IN ({marks})",
                                chunk).fetchall())
    return out


def recount(conn: sqlite3.Connection, unit_ids: Iterable[int]) -> None:
    """The clause units of these units (seen again, or forgotten by a source) count their
    parents' occurrences again: a clause unit's count is the sum of its parents' counts."""
    ids = sorted(set(unit_ids))
    for start in range(0, len(ids), 900):
        chunk = ids[start:start + 900]
        marks = ",".join("?" * len(chunk))
        conn.execute(
            "UPDATE clauses SET count = (SELECT coalesce(sum(u.count), 0) FROM clause_parents p "
            "JOIN units u ON u.id = p.unit_id WHERE p.clause_id = clauses.id) WHERE id IN "
            f"(SELECT clause_id FROM clause_parents WHERE unit_id IN ({marks}))", chunk)


def uncut_units(conn: sqlite3.Connection, up_to: int) -> Iterator[tuple[int, str, str, int]]:
    """Units up to id `up_to` without clause rows (a store from before clause units, or
    imported with ``--no-clauses``), with their counts."""
    last = 0
    while True:
        rows = conn.execute(
            "SELECT id, zh, en, count FROM units u WHERE id > ? AND id <= ? AND NOT EXISTS "
            "(SELECT 1 FROM clause_parents p WHERE p.unit_id = u.id) ORDER BY id LIMIT 5000",
            (last, up_to)).fetchall()
        if not rows:
            return
        yield from rows
        last = rows[-1][0]


def drop_parents(conn: sqlite3.Connection, unit_ids: list[int]) -> list[int]:
    """Units leaving the store: their clause occurrences go; clause units left without any
    go too. Returns the ids of those (sorted), for their index segments to be rebuilt."""
    clause_ids: set[int] = set()
    for start in range(0, len(unit_ids), 900):
        chunk = unit_ids[start:start + 900]
        marks = ",".join("?" * len(chunk))
        clause_ids.update(r[0] for r in conn.execute(
            f"SELECT clause_id FROM clause_parents WHERE unit_id IN ({marks})", chunk))
        conn.execute(f"DELETE FROM clause_parents WHERE unit_id IN ({marks})", chunk)
    orphans = sorted(c for c in clause_ids if not conn.execute(
        "SELECT 1 FROM clause_parents WHERE clause_id=? LIMIT 1", (c,)).fetchone())
    conn.executemany("DELETE FROM clauses WHERE id=?", [(c,) for c in orphans])
    return orphans
