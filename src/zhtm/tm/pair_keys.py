"""Finding rows by pair key during an import, through the table's unique index or in memory.

``units`` and ``clauses`` are deduplicated by a 64-bit hash of their pair (``pair_key``)
under a named unique index (``units_key``, ``clauses_key``; schema 5). The keys are random,
so every insert lands on a random page of that B-tree: once a table holds hundreds of
thousands of rows, keeping the index up to date costs more than writing the rows. A large
import therefore drops the index, finds keys in memory (`KeyMap`) and builds the index again
at the end, by sorting, in the same transaction: a failed or killed import rolls the drop
back with everything else, and `WriteTxn` recreates a missing key index before any commit
(`ensure_key_indexes`), so no committed store lacks one. Both ways store the same rows.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Sequence

import numpy as np

KEY_INDEXES = {"units": "units_key", "clauses": "clauses_key"}
UNIT_PREFIX, CLAUSE_PREFIX = "", "clause\x00"  # a clause unit's key never equals a unit's


def digest_keys(zh: Sequence[str], en: Sequence[str], prefix: str = UNIT_PREFIX) -> np.ndarray:
    """The stored key of each (zh, en) pair: BLAKE2b with an 8-byte digest of
    ``prefix + zh + NUL + en`` (UTF-8, lone surrogates kept), read as a big-endian signed
    64-bit number. Stores hold these keys, so the format never changes. The digests are
    joined and read at once (no Python int per key)."""
    blake = hashlib.blake2b
    digests = b"".join([blake(f"{prefix}{z}\x00{e}".encode("utf-8", "surrogatepass"),
                              digest_size=8).digest() for z, e in zip(zh, en)])
    return np.frombuffer(digests, ">i8").astype(np.int64)
# An import goes to memory once it has inserted this many rows into a table and at least
# half as many as the table held before (dropping and rebuilding the index of a large table
# for a small import would cost more than it saves).
BULK_MIN_ROWS = 50_000


def key_index_ddl(table: str) -> str:
    return f"CREATE UNIQUE INDEX IF NOT EXISTS {KEY_INDEXES[table]} ON {table}(pair_key)"


def ensure_key_indexes(conn: sqlite3.Connection) -> None:
    """Build any key index a bulk import dropped (a no-op when they are there). Only for
    schema 5 tables: older ones keep their key inside the table's definition."""
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='index'")}
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    for table, index in KEY_INDEXES.items():
        if index not in names and table in tables and not inline_key(conn, table):
            conn.execute(key_index_ddl(table))


def inline_key(conn: sqlite3.Connection, table: str) -> bool:
    """Whether the table keeps its key as a UNIQUE column (schema 4 and older)."""
    return any(row[3] == "u" for row in conn.execute(f"PRAGMA index_list({table})"))


class KeyMap:
    """pair key -> row id, in sorted numpy levels: each batch adds one, and a level merges
    into the one before once it is at least half its size (so lookups search a few levels
    and each key is re-sorted O(log n) times)."""

    def __init__(self) -> None:
        self.levels: list[tuple[np.ndarray, np.ndarray]] = []

    def __len__(self) -> int:
        return sum(len(keys) for keys, _ in self.levels)

    def add(self, keys: np.ndarray, ids: np.ndarray) -> None:
        if not len(keys):
            return
        order = np.argsort(keys, kind="stable")
        self.levels.append((np.asarray(keys, np.int64)[order], np.asarray(ids, np.int64)[order]))
        while len(self.levels) > 1 and 2 * len(self.levels[-1][0]) >= len(self.levels[-2][0]):
            (k1, i1), (k2, i2) = self.levels.pop(-2), self.levels.pop()
            keys_, ids_ = np.concatenate([k1, k2]), np.concatenate([i1, i2])
            order = np.argsort(keys_, kind="stable")
            self.levels.append((keys_[order], ids_[order]))

    def find(self, keys: np.ndarray) -> np.ndarray:
        """The id of each key, 0 where it is not known (row ids start at 1)."""
        keys = np.asarray(keys, np.int64)
        out = np.zeros(len(keys), np.int64)
        for level_keys, level_ids in self.levels:
            at = np.minimum(np.searchsorted(level_keys, keys), len(level_keys) - 1)
            hit = level_keys[at] == keys
            out[hit] = level_ids[at[hit]]
        return out


class TableKeys:
    """The pair keys of one table (``units`` or ``clauses``) during one import (inside its
    write transaction): `find` the ids of keys already stored, tell `added` about new rows,
    `restore` at the end. Goes to memory (index dropped) when the import is large
    (`BULK_MIN_ROWS`): at once when told how many rows to `expect` (a caller reading the
    store through an open cursor must say: SQLite drops no index under a running
    statement), else once it has inserted that many."""

    def __init__(self, conn: sqlite3.Connection, table: str, expect: int | None = None
                 ) -> None:
        self.conn, self.table, self.index = conn, table, KEY_INDEXES[table]
        self.rows_before = conn.execute(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()[0]
        self.inserted = 0
        self.memory: KeyMap | None = None
        self.can_drop = self.index in {r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type='index' AND tbl_name=?", (table,))}
        self.lazy = expect is None
        if expect is not None and self._large(expect):
            self._to_memory()

    def _large(self, rows: int) -> bool:
        return self.can_drop and rows >= max(BULK_MIN_ROWS, self.rows_before // 2)

    @property
    def in_memory(self) -> bool:
        return self.memory is not None

    def find(self, keys: Sequence[int] | np.ndarray) -> np.ndarray:
        """Row id of each key (0: not stored)."""
        if self.memory is not None:
            return self.memory.find(_int64(keys))
        if isinstance(keys, np.ndarray):
            keys = keys.tolist()
        found: dict[int, int] = {}
        for start in range(0, len(keys), 900):
            chunk = list(keys[start:start + 900])
            marks = ",".join("?" * len(chunk))
            found.update(self.conn.execute(
                f"SELECT pair_key, id FROM {self.table} WHERE pair_key IN ({marks})", chunk))
        return np.fromiter((found.get(k, 0) for k in keys), np.int64, len(keys))

    def added(self, keys: Sequence[int] | np.ndarray, ids: Sequence[int] | np.ndarray
              ) -> None:
        """New rows were inserted with these keys and ids."""
        self.inserted += len(keys)
        if self.memory is not None:
            self.memory.add(_int64(keys), _int64(ids))
        elif self.lazy and self._large(self.inserted):
            self._to_memory()

    def _to_memory(self) -> None:
        rows = self.conn.execute(f"SELECT pair_key, id FROM {self.table}").fetchall()
        memory = KeyMap()
        memory.add(np.fromiter((r[0] for r in rows), np.int64, len(rows)),
                   np.fromiter((r[1] for r in rows), np.int64, len(rows)))
        del rows
        self.conn.execute(f"DROP INDEX {self.index}")
        self.memory = memory

    def restore(self) -> None:
        """Build the index again (sorting every key once; a duplicate key would fail the
        import rather than commit a store without its key)."""
        if self.memory is not None:
            self.conn.execute(key_index_ddl(self.table))
            self.memory = None


def _int64(values: Sequence[int] | np.ndarray) -> np.ndarray:
    if isinstance(values, np.ndarray):
        return values.astype(np.int64, copy=False)
    return np.fromiter(values, np.int64, len(values))
