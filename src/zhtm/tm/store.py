"""The translation-memory store: one SQLite file holding units, their provenance and the
fuzzy index. `Store` is the handle the rest of zhtm uses; the work is done by

* `schema`: the file's identity, tables, opening, the one-writer transaction;
* `importing`: TMX files and pairs into units (deduplicated) and origins, atomically;
* `segments`: the fuzzy index saved as segments, built incrementally, merged in tiers.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import StoreBusyError  # noqa: F401 - re-exported: callers catch it from here
from ..errors import WriteError
from ..paths import DB_ENV, DEFAULT_DB
from .access import NOTHING_IMPORTED
from . import importing
from .fuzzy import FuzzyIndex
from .clause_places import has_packed_places, places, places_v3
from .importing import FileImport, ImportReport
from .schema import MAGIC, SCHEMA, ZHTM_APP_ID, WriteTxn, connect
from .segments import CLAUSE, SENTENCE, has_kinds, load_segments

__all__ = ["Store", "StoreBusyError", "StoredClause", "ClauseParent", "SENTENCE", "CLAUSE", "Origin", "StoredUnit", "StoreStats", "FileImport", "ImportReport",
           "default_db", "DEFAULT_DB", "DB_ENV", "MAGIC", "SCHEMA", "ZHTM_APP_ID"]



def default_db() -> Path:
    """``$ZHTM_DB`` if set, else ``./zhtm.db``."""
    return Path(os.environ.get(DB_ENV) or DEFAULT_DB)


@dataclass(frozen=True, slots=True)
class Origin:
    """Where one occurrence of a unit came from."""

    source: str
    line: int | None
    tuid: str | None
    date: str | None
    props: tuple[tuple[str, str], ...] = ()
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class StoredUnit:
    id: int
    zh: str
    en: str
    count: int
    date: str | None
    origins: tuple[Origin, ...] = ()


@dataclass(frozen=True, slots=True)
class StoreStats:
    path: str
    units: int
    sources: int
    segments: int            # index segments of units
    indexed: int             # units indexed
    bytes: int
    clauses: int = 0         # clause units
    clause_segments: int = 0
    clauses_without_english: int = 0


@dataclass(frozen=True, slots=True)
class ClauseParent:
    """One occurrence of a clause unit: its parent unit, where the clause sits in the
    parent's Chinese, its English spans in the parent's English, and their confidence."""

    unit_id: int
    zh_start: int
    zh_end: int
    spans: tuple[tuple[int, int], ...]
    confidence: float


@dataclass(frozen=True, slots=True)
class StoredClause:
    """A clause unit: a distinct (clause, English) pair; `en` is "" when no English was
    found; `count` is how many TU occurrences hold it."""

    id: int
    zh: str
    en: str
    count: int
    confidence: float
    parents: tuple[ClauseParent, ...] = ()


class Store:
    """An open zhtm store. Use `Store.open` (or `Store.create`); close it, or use ``with``."""

    def __init__(self, path: Path, conn: sqlite3.Connection, *, readonly: bool = False) -> None:
        self.path = path
        self.conn = conn
        self.readonly = readonly

    # --- opening ----------------------------------------------------------------------

    @classmethod
    def open(cls, path: str | Path, *, create: bool = False, readonly: bool = False) -> Store:
        """Open an existing store (read and write); with `create`, make it if missing; with
        `readonly`, for lookups only (a store on a read-only share or folder works).

        Refuses (InputError, file untouched) a file that is not a zhtm store.
        """
        path = Path(path)
        return cls(path, connect(path, create=create, readonly=readonly), readonly=readonly)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- transactions -----------------------------------------------------------------

    def _check_writable(self) -> None:
        if self.readonly:
            raise WriteError(self.path, f"opened read-only; {NOTHING_IMPORTED}")

    def _write(self, *, bulk: bool = False) -> WriteTxn:
        return WriteTxn(self.path, self.conn, readonly=self.readonly, bulk=bulk)

    # --- reading ----------------------------------------------------------------------

    def stats(self) -> StoreStats:
        c = self.conn
        units = c.execute("SELECT count(*) FROM units").fetchone()[0]
        sources = c.execute("SELECT count(*) FROM sources").fetchone()[0]
        kinds = has_kinds(c)
        where = "WHERE kind='sentence'" if kinds else ""
        segs = c.execute(f"SELECT count(*), coalesce(sum(entries), 0) FROM index_segments "
                         f"{where}").fetchone()
        clauses = bare = clause_segments = 0
        if kinds:
            clause_segments = c.execute("SELECT count(*) FROM index_segments WHERE "
                                        "kind='clause'").fetchone()[0]
            clauses, bare = c.execute("SELECT count(*), coalesce(sum(en = ''), 0) FROM "
                                      "clauses").fetchone()
        size = sum(p.stat().st_size for p in (self.path, Path(f"{self.path}-wal")) if p.exists())
        return StoreStats(str(self.path), units, sources, segs[0], segs[1], size, clauses,
                          clause_segments, bare)

    def load_index(self, kind: str = SENTENCE) -> list[FuzzyIndex]:
        """Every index segment of `kind` ("sentence": units, "clause": clause units), read
        in one transaction (a consistent snapshot), ready for lookups (character bitmaps
        made, their postings dropped: these cannot be saved)."""
        return load_segments(self.conn, self.path, kind)

    def document_units(self, ids: Iterable[int], cap: int) -> list[tuple[int, str, str]] | None:
        """(id, zh, en) of every unit of the sources (documents) the units `ids` came from, in
        id order (the order they were imported in); None when those hold more than `cap`."""
        ids = sorted({int(i) for i in ids})
        sources: set[int] = set()
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            marks = ",".join("?" * len(chunk))
            sources.update(r[0] for r in self.conn.execute(
                f"SELECT DISTINCT source_id FROM origins WHERE unit_id IN ({marks})", chunk))
        if not sources:
            return []
        marks = ",".join("?" * len(sources))
        rows = self.conn.execute(
            f"SELECT id, zh, en FROM units WHERE id IN (SELECT unit_id FROM origins WHERE "
            f"source_id IN ({marks})) ORDER BY id LIMIT ?", (*sorted(sources), cap + 1)).fetchall()
        return None if len(rows) > cap else rows

    def units(self, ids: Iterable[int], *, origins: bool = True) -> dict[int, StoredUnit]:
        """Units by id, with their origins."""
        ids = list(dict.fromkeys(int(i) for i in ids))
        out: dict[int, StoredUnit] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            marks = ",".join("?" * len(chunk))
            found: dict[int, list[Origin]] = {i: [] for i in chunk}
            if origins:
                for row in self.conn.execute(
                        f"SELECT o.unit_id, s.path, o.line, o.tuid, o.date, o.props, o.notes "
                        f"FROM origins o JOIN sources s ON s.id = o.source_id "
                        f"WHERE o.unit_id IN ({marks}) ORDER BY s.path, o.line, o.rowid", chunk):
                    found[row[0]].append(Origin(
                        row[1], row[2], row[3], row[4],
                        tuple(tuple(p) for p in json.loads(row[5] or "[]")),
                        tuple(json.loads(row[6] or "[]"))))
            for row in self.conn.execute(
                    f"SELECT id, zh, en, count, date FROM units WHERE id IN ({marks})", chunk):
                out[row[0]] = StoredUnit(row[0], row[1], row[2], row[3], row[4],
                                         tuple(found[row[0]]))
        return out

    def clauses(self, ids: Iterable[int]) -> dict[int, StoredClause]:
        """Clause units by id, with their parents (most frequent parent first)."""
        ids = list(dict.fromkeys(int(i) for i in ids))
        out: dict[int, StoredClause] = {}
        packed = has_packed_places(self.conn)  # schema 3 until its next import
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            marks = ",".join("?" * len(chunk))
            found = (places if packed else places_v3)(self.conn, chunk)
            parents = {i: [ClauseParent(*place) for place in found.get(i, ())] for i in chunk}
            for row in self.conn.execute(
                    f"SELECT id, zh, en, count, confidence FROM clauses WHERE id IN ({marks})",
                    chunk):
                out[row[0]] = StoredClause(*row, tuple(parents[row[0]]))
        return out

    # --- importing --------------------------------------------------------------------

    def import_tmx(self, files: Sequence[str | Path], *, clauses: bool = True,
                   on_warning: Callable[[object], None] | None = None,
                   progress: Callable[[int, int], None] | None = None,
                   replacing: Iterable[int] = ()) -> ImportReport:
        """Import TMX files in one transaction (all or nothing), cut the new units' clauses
        (unless `clauses` is false), then index the new units and clause units;
        `replacing`: earlier sources these files replace (see `importing.import_tmx`)."""
        self._check_writable()
        return importing.import_tmx(self.conn, self.path, files, clauses=clauses,
                                    on_warning=on_warning, progress=progress,
                                    replacing=replacing)

    def sources_matching(self, *, sha256: Iterable[str] = (), paths: Iterable[str] = ()) -> list[int]:
        """Ids of imported sources with one of these contents (SHA-256) or paths."""
        return importing.sources_matching(self.conn, sha256, paths)

    def add_pairs(self, pairs: Iterable[tuple[str, str]], *, source: str = "<api>",
                  clauses: bool = True, clause_english: bool = True) -> ImportReport:
        """Import (zh, en) pairs directly (benchmarks, tests): same rules as `import_tmx`;
        without `clause_english`, clauses are cut but their English is not sought."""
        self._check_writable()
        return importing.add_pairs(self.conn, self.path, pairs, source=source, clauses=clauses,
                                   clause_english=clause_english)
