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

import json
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np

from ..text.clauses import Clause, cut_clauses_flat, cut_clauses_many
from .bulk_rows import insert_columns
from .clause_english import ClauseEnglish, clause_english
from .clause_places import OCCURRENCE, PARENT
from .pair_keys import CLAUSE_PREFIX, TableKeys, digest_keys

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


def english_of(zh: str, en: str, clauses: list[Clause]) -> tuple[list[ClauseEnglish], bool]:
    """The unit's clauses (`clauses`: `cut_clauses(zh)`) with their English, and whether the
    finder failed (then the clauses come back without English)."""
    try:
        return clause_english(zh, en, clauses), False
    except Exception:  # noqa: BLE001 - a finder bug must not fail an import; counted
        return [ClauseEnglish(c, (), "", 0.0) for c in clauses], True


def add_clause_units(conn: sqlite3.Connection, units: Iterable[tuple[int, str, str, int]],
                     progress: Callable[[int], None] | None = None, *,
                     english: bool = True, expect: int | None = None,
                     held: list[str] | None = None) -> ClauseStats:
    """Cut the clauses of `units` ((id, zh, en, occurrences), in increasing id order), find
    their English (unless `english` is false: clauses stored without English, as when the
    finder finds none) and store them: new clause units, counts raised by the parents'
    occurrences, where they occur. `expect`: about how many units there are (a large
    import finds clause keys in memory, see `pair_keys`). `held`, when given, receives the
    new clause units' Chinese in id order (for their index)."""
    stats = ClauseStats()
    keys = TableKeys(conn, "clauses", expect=expect)
    batch: list[tuple[int, str, str, int]] = []
    for unit in units:
        batch.append(unit)
        if len(batch) >= _BATCH:
            stats.add(_store_batch(conn, keys, batch, english, held))
            if progress:
                progress(stats.units)
            batch = []
    if batch:
        stats.add(_store_batch(conn, keys, batch, english, held))
    keys.restore()
    return stats


def _store_batch(conn: sqlite3.Connection, table_keys: TableKeys,
                 units: list[tuple[int, str, str, int]], english: bool,
                 held: list[str] | None = None) -> ClauseStats:
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

    keys = digest_keys([zh for zh, _ in pairs], [en for _, en in pairs], CLAUSE_PREFIX)
    existing = _existing(conn, table_keys, keys)
    next_id = conn.execute("SELECT coalesce(max(id), 0) FROM clauses").fetchone()[0] + 1
    # new pairs take the next ids in the order first seen; one bytes object of all the
    # parent lists, sliced per pair (cheaper than a numpy slice and tobytes each)
    existing_ids = existing[0]
    fresh = np.flatnonzero(existing_ids == 0)
    ids = existing_ids.copy()
    ids[fresh] = np.arange(next_id, next_id + len(fresh))
    parent_bytes = parents.tobytes()
    at = (bounds * parents.itemsize).tolist()
    fresh_list = fresh.tolist()
    zh_list = [pairs[k][0] for k in fresh_list]
    en_list = [pairs[k][1] for k in fresh_list]
    if held is not None:
        held += zh_list
    new_rows = list(zip(ids[fresh].tolist(), keys[fresh].tolist(), zh_list, en_list,
                        counts[fresh].tolist(), best[fresh].tolist(),
                        [parent_bytes[at[k]:at[k + 1]] for k in fresh_list]))
    del zh_list, en_list
    updates = []
    stored = existing[1]
    for k in np.flatnonzero(existing_ids).tolist():
        old_id = int(existing_ids[k])
        mine = parents[bounds_list[k]:bounds_list[k + 1]]
        before_bytes = stored[old_id]
        before = np.frombuffer(before_bytes, PARENT)
        if len(before) and before[-1] > mine[0]:  # cut out of id order (an older unit)
            joined = np.sort(np.concatenate([before, mine])).tobytes()
        else:
            joined = before_bytes + mine.tobytes()
        updates.append((int(counts[k]), float(best[k]), joined, old_id))
    stats.new_clauses = len(new_rows)
    conn.executemany("INSERT INTO clauses(id, pair_key, zh, en, count, confidence, parents) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?)", new_rows)
    table_keys.added(keys[fresh], ids[fresh])
    del new_rows
    conn.executemany("UPDATE clauses SET count = count + ?, confidence = max(confidence, ?), "
                     "parents = ? WHERE id = ?", updates)
    records = np.empty(occurrences, OCCURRENCE)
    records["clause"] = ids[pair]
    records["start"] = starts
    records["end"] = ends
    records["confidence"] = confidence
    first = np.zeros(len(units) + 1, np.int64)
    np.cumsum(per_unit, out=first[1:])
    record_bytes = records.tobytes()
    at = (first * records.itemsize).tolist()
    insert_columns(conn, "unit_clauses", {
        "unit_id": [unit[0] for unit in units],
        "occurrences": [record_bytes[a:b] for a, b in zip(at, at[1:])], "spans": unit_spans})
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


def _existing(conn: sqlite3.Connection, table_keys: TableKeys, keys: np.ndarray
              ) -> tuple[np.ndarray, dict[int, bytes]]:
    """The clause id of each key (0: not stored) and the stored parents of those found."""
    if not table_keys.rows_before and not table_keys.inserted:
        return np.zeros(len(keys), np.int64), {}
    ids = table_keys.find(keys)
    id_list = ids[ids != 0].tolist()
    out: dict[int, bytes] = {}
    for start in range(0, len(id_list), 900):
        chunk = id_list[start:start + 900]
        marks = ",".join("?" * len(chunk))
        out.update(conn.execute(f"SELECT id, parents FROM clauses WHERE id IN ({marks})", chunk))
    return ids, out
