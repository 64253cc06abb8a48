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
from .importing import FileImport, ImportReport
from .schema import MAGIC, SCHEMA, ZHTM_APP_ID, WriteTxn, connect
from .segments import load_segments

__all__ = ["Store", "StoreBusyError", "Origin", "StoredUnit", "StoreStats", "FileImport", "ImportReport",
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
    segments: int
    indexed: int
    bytes: int


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

    def _write(self) -> WriteTxn:
        return WriteTxn(self.path, self.conn, readonly=self.readonly)

    # --- reading ----------------------------------------------------------------------

    def stats(self) -> StoreStats:
        c = self.conn
        units = c.execute("SELECT count(*) FROM units").fetchone()[0]
        sources = c.execute("SELECT count(*) FROM sources").fetchone()[0]
        segs = c.execute("SELECT count(*), coalesce(sum(entries), 0) FROM index_segments").fetchone()
        size = sum(p.stat().st_size for p in (self.path, Path(f"{self.path}-wal")) if p.exists())
        return StoreStats(str(self.path), units, sources, segs[0], segs[1], size)

    def load_index(self) -> list[FuzzyIndex]:
        """Every index segment, read in one transaction (a consistent snapshot), ready for
        lookups (character bitmaps made, their postings dropped: these cannot be saved)."""
        return load_segments(self.conn, self.path)

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
                        f"WHERE o.unit_id IN ({marks}) ORDER BY o.rowid", chunk):
                    found[row[0]].append(Origin(
                        row[1], row[2], row[3], row[4],
                        tuple(tuple(p) for p in json.loads(row[5] or "[]")),
                        tuple(json.loads(row[6] or "[]"))))
            for row in self.conn.execute(
                    f"SELECT id, zh, en, count, date FROM units WHERE id IN ({marks})", chunk):
                out[row[0]] = StoredUnit(row[0], row[1], row[2], row[3], row[4],
                                         tuple(found[row[0]]))
        return out

    # --- importing --------------------------------------------------------------------

    def import_tmx(self, files: Sequence[str | Path], *,
                   on_warning: Callable[[object], None] | None = None,
                   progress: Callable[[int, int], None] | None = None,
                   replacing: Iterable[int] = ()) -> ImportReport:
        """Import TMX files in one transaction (all or nothing), then index the new units;
        `replacing`: earlier sources these files replace (see `importing.import_tmx`)."""
        self._check_writable()
        return importing.import_tmx(self.conn, self.path, files, on_warning=on_warning,
                                    progress=progress, replacing=replacing)

    def sources_matching(self, *, sha256: Iterable[str] = (), paths: Iterable[str] = ()) -> list[int]:
        """Ids of imported sources with one of these contents (SHA-256) or paths."""
        return importing.sources_matching(self.conn, sha256, paths)

    def add_pairs(self, pairs: Iterable[tuple[str, str]], *, source: str = "<api>") -> ImportReport:
        """Import (zh, en) pairs directly (benchmarks, tests): same rules as `import_tmx`."""
        self._check_writable()
        return importing.add_pairs(self.conn, self.path, pairs, source=source)
