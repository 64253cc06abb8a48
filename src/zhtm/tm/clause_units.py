"""Clause units in the store: every unit's clauses with their English (`clause_english`).

A clause unit is one distinct (clause, English) pair; ``en`` is empty where no English was
found with confidence (the clause is still matched: its parent's English is shown). Its
``count`` is how many TU occurrences hold it; where it occurs (each parent unit, the
clause's place in the parent's Chinese, its English spans there) is kept packed, per unit
and per clause unit (`clause_places`). Cutting never fails a unit: an error in the English
finder leaves that unit's clauses without English, counted.

A batch of units is stored with a few Python operations per occurrence (a dict lookup of
its (clause, English) pair, three list appends) and the rest in numpy: per-pair counts,
confidences and parent lists, per-unit packed records.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np

from ..text.clauses import Clause, cut_clauses_flat, cut_clauses_many
from .clause_english import ClauseEnglish, clause_english
from .clause_places import OCCURRENCE, PARENT
from .pair_keys import TableKeys

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
                     progress: Callable[[int], None] | None = None, *,
                     english: bool = True, expect: int | None = None) -> ClauseStats:
    """Cut the clauses of `units` ((id, zh, en, occurrences), in increasing id order), find
    their English (unless `english` is false: clauses stored without English, as when the
    finder finds none) and store them: new clause units, counts raised by the parents'
    occurrences, where they occur. `expect`: about how many units there are (a large
    import finds clause keys in memory, see `pair_keys`)."""
    stats = ClauseStats()
    keys = TableKeys(conn, "clauses", expect=expect)
    batch: list[tuple[int, str, str, int]] = []
    for unit in units:
        batch.append(unit)
        if len(batch) >= _BATCH:
            stats.add(_store_batch(conn, keys, batch, english))
            if progress:
                progress(stats.units)
            batch = []
    if batch:
        stats.add(_store_batch(conn, keys, batch, english))
    keys.restore()
    return stats


def _store_batch(conn: sqlite3.Connection, table_keys: TableKeys,
                 units: list[tuple[int, str, str, int]], english: bool) -> ClauseStats:
    stats = ClauseStats(units=len(units))
    if english:
        pairs, pair, owner, starts, ends, confidence, unit_spans = _with_english(units, stats)
    else:
        cut = cut_clauses_flat([unit[1] for unit in units])
        # clause -> its number in this batch, in the order first seen (new clause units
        # take their ids in that order)
        pair_number: dict[str, int] = {}
        number = pair_number.setdefault
        pair = np.array([number(text, len(pair_number)) for text in cut.texts], np.int64)
        pairs = [(text, "") for text in pair_number]
        del pair_number
        owner, starts, ends = cut.owner, cut.start, cut.end
        confidence = np.zeros(len(pair))
        unit_spans = [None] * len(units)
        stats.without_english = len(pair)
    occurrences = stats.occurrences = len(pair)
    per_unit = np.bincount(owner, minlength=len(units))
    unit_ids = np.array([unit[0] for unit in units], PARENT)
    counts = np.zeros(len(pairs), np.int64)
    np.add.at(counts, pair, np.array([unit[3] for unit in units], np.int64)[owner])
    best = np.full(len(pairs), -np.inf)
    np.maximum.at(best, pair, confidence)
    # each pair's parents: the owners of its occurrences, in unit order
    by_pair = np.argsort(pair, kind="stable")
    parents = unit_ids[owner[by_pair]]
    bounds = np.zeros(len(pairs) + 1, np.int64)
    np.cumsum(np.bincount(pair, minlength=len(pairs)), out=bounds[1:])
    bounds_list = bounds.tolist()

    keys = [clause_key(*p) for p in pairs]
    existing = _existing(conn, table_keys, keys)
    next_id = conn.execute("SELECT coalesce(max(id), 0) FROM clauses").fetchone()[0] + 1
    ids = np.empty(len(pairs), np.int64)
    new_rows, updates = [], []
    for k, (key, (zh, en), count, conf) in enumerate(zip(keys, pairs, counts.tolist(),
                                                        best.tolist())):
        mine = parents[bounds_list[k]:bounds_list[k + 1]]
        old = existing.get(key)
        if old is None:
            ids[k] = next_id
            new_rows.append((next_id, key, zh, en, count, conf, mine.tobytes()))
            next_id += 1
        else:
            ids[k] = old[0]
            before = np.frombuffer(old[1], PARENT)
            if len(before) and before[-1] > mine[0]:  # cut out of id order (an older unit)
                joined = np.sort(np.concatenate([before, mine])).tobytes()
            else:
                joined = old[1] + mine.tobytes()
            updates.append((count, conf, joined, old[0]))
    stats.new_clauses = len(new_rows)
    conn.executemany("INSERT INTO clauses(id, pair_key, zh, en, count, confidence, parents) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?)", new_rows)
    table_keys.added([row[1] for row in new_rows], [row[0] for row in new_rows])
    conn.executemany("UPDATE clauses SET count = count + ?, confidence = max(confidence, ?), "
                     "parents = ? WHERE id = ?", updates)
    records = np.empty(occurrences, OCCURRENCE)
    records["clause"] = ids[pair]
    records["start"] = starts
    records["end"] = ends
    records["confidence"] = confidence
    first = np.zeros(len(units) + 1, np.int64)
    np.cumsum(per_unit, out=first[1:])
    first_list = first.tolist()
    conn.executemany("INSERT INTO unit_clauses(unit_id, occurrences, spans) VALUES (?, ?, ?)",
                     [(unit[0], records[first_list[i]:first_list[i + 1]].tobytes(), unit_spans[i])
                      for i, unit in enumerate(units)])
    return stats


def _with_english(units: list[tuple[int, str, str, int]], stats: ClauseStats) -> tuple:
    """Each unit's clauses with the English the finder gives them: the (clause, English)
    pairs in the order first seen, and per occurrence its pair, unit (index in `units`),
    place and confidence; each unit's spans as JSON (None when it has none)."""
    pair_number: dict[tuple[str, str], int] = {}
    number = pair_number.setdefault
    pair_of: list[int] = []
    owner: list[int] = []
    starts: list[int] = []
    ends: list[int] = []
    confidences: list[float] = []
    unit_spans: list[str | None] = []
    cut = cut_clauses_many([unit[1] for unit in units])
    for k, ((_, zh, en, _), clauses) in enumerate(zip(units, cut)):
        found, failed = english_of(zh, en, clauses)
        stats.failures += failed
        spans: list = []
        for item in found:
            clause = item.clause
            pair_of.append(number((clause.text, item.en), len(pair_number)))
            owner.append(k)
            starts.append(clause.start)
            ends.append(clause.end)
            confidences.append(item.confidence)
            spans.append(item.spans or None)
            if not item.en:
                stats.without_english += 1
        unit_spans.append(json.dumps(spans) if any(spans) else None)
    return (list(pair_number), np.array(pair_of, np.int64), np.array(owner, np.int64),
            np.array(starts, np.int64), np.array(ends, np.int64),
            np.array(confidences, np.float64), unit_spans)


def _existing(conn: sqlite3.Connection, table_keys: TableKeys, keys: list[int]
              ) -> dict[int, tuple[int, bytes]]:
    """pair key -> (clause id, parents), for the keys already stored."""
    if not table_keys.rows_before and not table_keys.inserted:
        return {}
    ids = table_keys.find(keys)
    found = np.flatnonzero(ids).tolist()
    key_of = {int(ids[k]): keys[k] for k in found}
    id_list = list(key_of)
    out: dict[int, tuple[int, bytes]] = {}
    for start in range(0, len(id_list), 900):
        chunk = id_list[start:start + 900]
        marks = ",".join("?" * len(chunk))
        for clause_id, parents in conn.execute(
                f"SELECT id, parents FROM clauses WHERE id IN ({marks})", chunk):
            out[key_of[clause_id]] = (clause_id, parents)
    return out
