"""The translation-memory store: one SQLite file holding units, their provenance and the
fuzzy index.

* **Identity.** A zhtm store carries ``PRAGMA application_id`` = ``ZHTM_APP_ID`` and a
  ``meta`` table with ``magic`` and ``schema``; any other file given as a store is refused
  without being touched.
* **Units.** One row per distinct (zh, en) pair (texts trimmed as OmegaT trims). Importing an
  identical pair again raises its ``count`` and keeps the newest TMX date; every occurrence is
  remembered in ``origins`` (source file, line, tuid, props, notes).
* **Import is atomic and incremental.** One import (all its files) is one write transaction:
  a bad file (not XML, an entity, truncated...) rolls back everything. New units get new,
  increasing ids; the fuzzy index gets a new *segment* for them alone, and small segments
  are merged (tiered, like an LSM tree), so adding a file never rebuilds the whole index. A
  file whose content (SHA-256) was imported before is skipped.
* **Bounded memory.** New units are indexed `_BUILD_CHUNK` at a time (each chunk a segment
  saved at once); segments are merged by `fuzzy.merge`, which reads postings and text in
  ranges through SQLite's incremental blob I/O and writes the result in parts, so neither
  an import nor a merge holds a whole index. Loading reads each array part by part into
  its final buffer (the text stays UTF-8).
* **Concurrency.** WAL mode: readers (``match``, ``concord``) see the last committed state
  while an import runs. Writers do not wait: a second import while one is running fails at
  once with `StoreBusyError` and changes nothing (serializing silently could make a user wait
  for minutes without knowing why).
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import InputError, StoreBusyError, WriteError, ZhtmError  # noqa: F401 (re-exported)
from ..paths import DB_ENV, DEFAULT_DB, check_inputs, check_output, read_error
from ..text.normalize import normalize
from .connection import can_open_immutable, cannot_write, connect, not_a_database, store_error
from .fuzzy import FuzzyIndex
from .merge import merge
from .postings import ARRAYS

ZHTM_APP_ID = 0x7A68746D  # "zhtm"
MAGIC = "zhtm translation memory"
SCHEMA = 2  # 2: index text as UTF-8 with byte offsets; no per-entry counts (1 still read)
_SQLITE_HEADER = b"SQLite format 3\x00"
_CHUNK = 64 << 20  # blob parts of at most 64 MB
_JAVA_WS = "".join(chr(c) for c in range(0x21))  # OmegaT trims with Java's String.trim()
_MAX_SEGMENTS = 8
# An import indexes its new units this many at a time (bounded memory), then merges.
_BUILD_CHUNK = 100_000

_DDL = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE sources(
    id INTEGER PRIMARY KEY, path TEXT NOT NULL, sha256 TEXT NOT NULL UNIQUE,
    imported TEXT NOT NULL, tus INTEGER NOT NULL, pairs INTEGER NOT NULL,
    new_units INTEGER NOT NULL);
CREATE TABLE units(
    id INTEGER PRIMARY KEY, pair_key INTEGER NOT NULL UNIQUE,
    zh TEXT NOT NULL, en TEXT NOT NULL, zh_lang TEXT, en_lang TEXT,
    count INTEGER NOT NULL DEFAULT 1, date TEXT);
CREATE TABLE origins(
    unit_id INTEGER NOT NULL REFERENCES units(id), source_id INTEGER NOT NULL REFERENCES sources(id),
    line INTEGER, tuid TEXT, date TEXT, props TEXT, notes TEXT);
CREATE INDEX origins_unit ON origins(unit_id);
CREATE TABLE index_segments(
    id INTEGER PRIMARY KEY, first_unit INTEGER NOT NULL, last_unit INTEGER NOT NULL,
    entries INTEGER NOT NULL, built TEXT NOT NULL);
CREATE TABLE index_arrays(
    segment_id INTEGER NOT NULL REFERENCES index_segments(id), name TEXT NOT NULL,
    part INTEGER NOT NULL, data BLOB NOT NULL, PRIMARY KEY(segment_id, name, part));
"""


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
class FileImport:
    """What importing one TMX file did."""

    path: str
    tus: int = 0             # <tu> elements read
    pairs: int = 0           # zh-en pairs found in them
    new_units: int = 0       # pairs not in the store before
    skipped: int = 0         # TUs without a Chinese or an English segment
    already_imported: bool = False


@dataclass(frozen=True, slots=True)
class ImportReport:
    files: tuple[FileImport, ...]
    units: int               # units in the store afterwards
    segments: int            # index segments afterwards
    index_seconds: float


@dataclass(frozen=True, slots=True)
class StoreStats:
    path: str
    units: int
    sources: int
    segments: int
    indexed: int
    bytes: int


def _pair_key(zh: str, en: str) -> int:
    digest = hashlib.blake2b(f"{zh}\x00{en}".encode("utf-8", "surrogatepass"), digest_size=8)
    return int.from_bytes(digest.digest(), "big", signed=True)


def _file_sha256(path: Path) -> tuple[str, int]:
    """The file's SHA-256 and its number of lines (for the progress of its import)."""
    h = hashlib.sha256()
    lines = 0
    try:
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
                lines += block.count(b"\n")
    except OSError as exc:
        raise read_error(path, exc) from None
    return h.hexdigest(), lines + 1


def _ticking(tus: Iterable, tick: Callable[[int], None], every: int = 2000) -> Iterator:
    """The TUs, calling `tick(line)` every `every` of them."""
    for number, tu in enumerate(tus, 1):
        if number % every == 0:
            tick(tu.line or 0)
        yield tu


def _now() -> str:
    return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())


class Store:
    """An open zhtm store. Use `Store.open` (or `Store.create`); close it, or use ``with``."""

    def __init__(self, path: Path, conn: sqlite3.Connection) -> None:
        self.path = path
        self.conn = conn
        self.readonly = False

    # --- opening ----------------------------------------------------------------------

    @classmethod
    def open(cls, path: str | Path, *, create: bool = False, readonly: bool = False) -> Store:
        """Open an existing store (read and write); with `create`, make it if missing; with
        `readonly`, for lookups only (works on read-only media and folders).

        Refuses (InputError, file untouched) a file that is not a zhtm store.
        """
        path = Path(path)
        exists = path.exists()
        if exists and path.is_dir():
            raise InputError(path, "is a folder, not a file")
        if not exists and not create:
            raise InputError(path, "no such file (create a store with: zhtm import FILE.tmx "
                             f"--db {path})")
        fresh = not exists or path.stat().st_size == 0
        if not fresh:
            try:
                with open(path, "rb") as fh:
                    head = fh.read(len(_SQLITE_HEADER))
            except OSError as exc:
                raise read_error(path, exc) from None
            if head != _SQLITE_HEADER:
                raise InputError(path, "not a zhtm store (not an SQLite database)")
        elif not create:
            raise InputError(path, "empty file, not a zhtm store")
        if not exists:
            check_output(path, option="--db")  # its folder exists and can be written
        try:
            store = cls._connect(path, fresh, readonly and not fresh)
        except sqlite3.Error as exc:
            raise store_error(path, exc) from None
        try:
            store.conn.execute("PRAGMA foreign_keys=ON")
        except BaseException:
            store.close()
            raise
        return store

    @classmethod
    def _connect(cls, path: Path, fresh: bool, readonly: bool) -> Store:
        store = cls(path, connect(path, readonly=readonly))
        store.readonly = readonly
        try:
            if fresh:
                store._initialise()
            else:
                store._check_identity()
            return store
        except sqlite3.Error as exc:
            store.close()
            if not (readonly and cannot_write(exc) and can_open_immutable(path)):
                raise
        store = cls(path, connect(path, immutable=True))  # a read-only folder: see connection
        store.readonly = True
        try:
            store._check_identity()
        except BaseException:
            store.close()
            raise
        return store

    def _initialise(self) -> None:
        conn = self.conn
        # before any table: lets an import give back the pages its merges freed
        conn.execute("PRAGMA auto_vacuum=INCREMENTAL")
        conn.execute("PRAGMA journal_mode=WAL")
        with self._write():
            # Another process may have initialised it meanwhile.
            existing = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
            if not existing:
                for statement in _DDL.split(";"):
                    if statement.strip():
                        conn.execute(statement)
                conn.execute(f"PRAGMA application_id={ZHTM_APP_ID}")
                conn.executemany("INSERT INTO meta(key, value) VALUES (?, ?)",
                                 [("magic", MAGIC), ("schema", str(SCHEMA)), ("created", _now())])
        if existing:
            self._check_identity()

    def _check_identity(self) -> None:
        try:
            app = self.conn.execute("PRAGMA application_id").fetchone()[0]
            tables = {r[0] for r in self.conn.execute(
                "SELECT name FROM sqlite_master WHERE type='table'")}
        except sqlite3.DatabaseError as exc:
            if not not_a_database(exc):  # read-only, disk full...: said as such by the caller
                raise
            raise InputError(self.path, f"not a zhtm store ({exc})") from None
        if app != ZHTM_APP_ID or "meta" not in tables:
            raise InputError(self.path, "not a zhtm store (an SQLite database without zhtm's "
                             "tables)")
        meta = dict(self.conn.execute("SELECT key, value FROM meta"))
        if meta.get("magic") != MAGIC:
            raise InputError(self.path, "not a zhtm store (wrong magic)")
        try:
            schema = int(meta.get("schema", ""))
        except ValueError:
            raise InputError(self.path, "not a zhtm store (bad schema version)") from None
        if schema > SCHEMA:
            raise InputError(self.path, f"store schema {schema} is newer than this zhtm "
                             f"understands ({SCHEMA}): upgrade zhtm")
        if not self.readonly and self.conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            try:
                self.conn.execute("PRAGMA journal_mode=WAL")
            except sqlite3.OperationalError:  # pragma: no cover - read-only media
                pass

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- transactions -----------------------------------------------------------------

    def _rollback(self) -> None:
        if self.conn.in_transaction:
            self.conn.execute("ROLLBACK")

    def _write(self) -> _WriteTxn:
        return _WriteTxn(self)

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
        c = self.conn
        c.execute("BEGIN")
        try:
            segments = [row[0] for row in c.execute("SELECT id FROM index_segments ORDER BY id")]
            return [self._load_segment(seg) for seg in segments]
        finally:
            c.execute("COMMIT")

    def _load_segment(self, seg: int) -> FuzzyIndex:
        """Each array is read part by part into its final buffer: no part list, no join, no
        decoded copy of the text."""
        source = _StoredSegment(self, seg)
        arrays = {name: source.array(name) for name in ARRAYS}
        text = source.whole("text")
        return FuzzyIndex(arrays, text).prepare(compact=True)

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
                   progress: Callable[[int, int], None] | None = None) -> ImportReport:
        """Import TMX files in one transaction (all or nothing), then index the new units."""
        with self._write():
            before = self._last_unit()
            reports = [report for report, _ in self._import_files(files, on_warning, progress)]
            started = time.perf_counter()
            self._index_new_units(before)
            seconds = time.perf_counter() - started
        return self._finish(reports, seconds)

    def _last_unit(self) -> int:
        return self.conn.execute("SELECT coalesce(max(id), 0) FROM units").fetchone()[0]

    def _finish(self, reports: Sequence[FileImport], seconds: float) -> ImportReport:
        self._checkpoint()
        stats = self.stats()
        return ImportReport(tuple(reports), stats.units, stats.segments, seconds)

    def _import_files(self, files: Sequence[str | Path],
                      on_warning: Callable[[object], None] | None = None,
                      progress: Callable[[int, int], None] | None = None
                      ) -> list[tuple[FileImport, int]]:
        """Inside a write transaction: each file's report and the id of the source holding
        its content (an earlier one when it was imported before). The new units are not
        indexed yet."""
        from ..formats.tmx import (
            read_tmx,  # formats sit below the store; imported late (lxml)
        )

        out: list[tuple[FileImport, int]] = []
        paths = check_inputs(files)  # missing, folders, unreadable: before any work
        sizes = [p.stat().st_size for p in paths]
        total, done = sum(sizes) or 1, 0  # progress in bytes, estimated from the TU's line
        for path, size in zip(paths, sizes):
            sha, lines = _file_sha256(path)
            known = self.conn.execute("SELECT id FROM sources WHERE sha256=?", (sha,)).fetchone()
            if known:
                out.append((FileImport(str(path), already_imported=True), known[0]))
            else:
                source_id = self.conn.execute(
                    "INSERT INTO sources(path, sha256, imported, tus, pairs, new_units) "
                    "VALUES (?, ?, ?, 0, 0, 0)", (str(path), sha, _now())).lastrowid
                tus = read_tmx(path, on_warning=on_warning)
                if progress:
                    start = done
                    tus = _ticking(tus, lambda line: progress(
                        start + size * min(line, lines) // lines, total))
                report = self._import_units(path, source_id, tus)
                self.conn.execute("UPDATE sources SET tus=?, pairs=?, new_units=? WHERE id=?",
                                  (report.tus, report.pairs, report.new_units, source_id))
                out.append((report, source_id))
            done += size
            if progress:
                progress(done, total)
        return out

    def _import_units(self, path: Path, source_id: int, tus: Iterable) -> FileImport:
        upsert = ("INSERT INTO units(pair_key, zh, en, zh_lang, en_lang, count, date) "
                  "VALUES (?, ?, ?, ?, ?, 1, ?) ON CONFLICT(pair_key) DO UPDATE SET "
                  "count = count + 1, date = CASE WHEN excluded.date > coalesce(date, '') "
                  "THEN excluded.date ELSE date END RETURNING id, zh, en, count")
        tus_read = pairs = new = skipped = 0
        origins: list[tuple] = []
        for tu in tus:
            tus_read += 1
            found = list(_pairs_of(tu))
            if not found:
                skipped += 1
                continue
            for zh, en, zh_lang, en_lang, date, props, notes in found:
                pairs += 1
                unit_id, zh_in, en_in, count = self.conn.execute(
                    upsert, (_pair_key(zh, en), zh, en, zh_lang, en_lang, date)).fetchone()
                if (zh_in, en_in) != (zh, en):  # pragma: no cover - a 64-bit hash collision
                    raise ZhtmError(f"{self.path}: pair key collision; report this as a bug")
                if count == 1:
                    new += 1
                origins.append((unit_id, source_id, tu.line or None, tu.tuid, date,
                                json.dumps(props, ensure_ascii=False) if props else None,
                                json.dumps(notes, ensure_ascii=False) if notes else None))
            if len(origins) >= 5000:
                self._add_origins(origins)
        self._add_origins(origins)
        return FileImport(str(path), tus_read, pairs, new, skipped)

    def _add_origins(self, rows: list[tuple]) -> None:
        self.conn.executemany("INSERT INTO origins(unit_id, source_id, line, tuid, date, props, "
                              "notes) VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
        rows.clear()

    def add_pairs(self, pairs: Iterable[tuple[str, str]], *, source: str = "<api>") -> ImportReport:
        """Import (zh, en) pairs directly (benchmarks, tests): same rules as `import_tmx`."""
        class _TU:  # the little of TmxUnit that _pairs_of needs
            __slots__ = ("zh", "en", "line", "tuid")

            def __init__(self, zh: str, en: str) -> None:
                self.zh, self.en, self.line, self.tuid = zh, en, None, None

        with self._write():
            before = self._last_unit()
            source_id = self.conn.execute(
                "INSERT INTO sources(path, sha256, imported, tus, pairs, new_units) "
                "VALUES (?, ?, ?, 0, 0, 0)", (source, f"api:{time.time_ns()}", _now())).lastrowid
            report = self._import_units(Path(source), source_id, (_TU(z, e) for z, e in pairs))
            self.conn.execute("UPDATE sources SET tus=?, pairs=?, new_units=? WHERE id=?",
                              (report.tus, report.pairs, report.new_units, source_id))
            started = time.perf_counter()
            self._index_new_units(before)
            seconds = time.perf_counter() - started
        return self._finish([report], seconds)

    # --- the index --------------------------------------------------------------------

    def _checkpoint(self) -> None:
        """After an import: copy the WAL into the database and truncate it (skipped, not
        waited for, while readers hold an older snapshot)."""
        try:
            self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
        except sqlite3.OperationalError:  # pragma: no cover - busy
            pass

    def _index_new_units(self, before: int, upto: int = 2**63 - 1) -> None:
        """Index the units above id `before` (up to `upto`): built `_BUILD_CHUNK` units at a
        time (each a segment saved at once), then merged into one segment piece by piece,
        then tiered."""
        c = self.conn
        new: list[int] = []
        last = before
        while True:
            rows = c.execute("SELECT id, zh FROM units WHERE id > ? AND id <= ? ORDER BY id "
                             "LIMIT ?", (last, upto, _BUILD_CHUNK)).fetchall()
            if not rows:
                break
            ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
            texts = [normalize(r[1]) for r in rows]
            del rows
            index = FuzzyIndex.build(ids, texts)
            del texts
            new.append(self._save_segment(index, int(ids[0]), int(ids[-1])))
            del index
            last = int(ids[-1])
        if not new:
            return
        c.execute("UPDATE meta SET value=? WHERE key='schema'", (str(SCHEMA),))
        if len(new) > 1:
            self._merge(new)
        self._merge_segments()
        self._give_back_pages()

    def _give_back_pages(self) -> None:
        """The pages of merged-away segments go back to the file system (stores made with
        auto_vacuum=INCREMENTAL, as new ones are). Python's sqlite3 steps the pragma once,
        which frees one page: hence the loop (about 3 us a page)."""
        c = self.conn
        if c.execute("PRAGMA auto_vacuum").fetchone()[0] != 2:
            return
        cursor = c.cursor()
        try:
            for _ in range(c.execute("PRAGMA freelist_count").fetchone()[0]):
                cursor.execute("PRAGMA incremental_vacuum(1)")
        finally:
            cursor.close()

    def _save_segment(self, index: FuzzyIndex, first: int, last: int) -> int:
        seg = self._new_segment(first, last, len(index))
        writer = _PartWriter(self.conn, seg)
        for name, blob in index.to_blobs().items():
            writer(name, blob)
        return seg

    def _new_segment(self, first: int, last: int, entries: int) -> int:
        return self.conn.execute(
            "INSERT INTO index_segments(first_unit, last_unit, entries, built) VALUES (?, ?, ?, ?)",
            (first, last, entries, _now())).lastrowid

    def _merge(self, segments: Sequence[int]) -> int:
        """Replace `segments` (consecutive, in unit order) by one, streamed through SQLite."""
        c = self.conn
        marks = ",".join("?" * len(segments))
        first, last, entries = c.execute(
            f"SELECT min(first_unit), max(last_unit), sum(entries) FROM index_segments "
            f"WHERE id IN ({marks})", list(segments)).fetchone()
        seg = self._new_segment(first, last, entries)
        merge([_StoredSegment(self, s) for s in segments], _PartWriter(c, seg))
        for old in segments:
            c.execute("DELETE FROM index_arrays WHERE segment_id=?", (old,))
            c.execute("DELETE FROM index_segments WHERE id=?", (old,))
        return seg

    def _merge_segments(self) -> None:
        """Tiered merging: the newest segment joins the previous one once it is at least half
        its size, and never more than `_MAX_SEGMENTS` remain."""
        c = self.conn
        while True:
            segs = c.execute("SELECT id, first_unit, last_unit, entries FROM index_segments "
                             "ORDER BY first_unit").fetchall()
            if len(segs) < 2:
                return
            if segs[-1][3] * 2 < segs[-2][3] and len(segs) <= _MAX_SEGMENTS:
                return
            self._merge([segs[-2][0], segs[-1][0]])


class _PartWriter:
    """Appends an index array to a segment in parts of at most `_CHUNK` bytes."""

    def __init__(self, conn: sqlite3.Connection, seg: int) -> None:
        self.conn, self.seg = conn, seg
        self.parts: dict[str, int] = {}

    def __call__(self, name: str, data: bytes | np.ndarray) -> None:
        if isinstance(data, np.ndarray):
            dtype = ARRAYS.get(name, "u1")
            data = np.ascontiguousarray(data, dtype=dtype)
        view = memoryview(data).cast("B")
        if name not in self.parts:
            self.parts[name] = 0
        elif not len(view):
            return
        for start in range(0, max(len(view), 1), _CHUNK):
            self.conn.execute("INSERT INTO index_arrays(segment_id, name, part, data) "
                              "VALUES (?, ?, ?, ?)",
                              (self.seg, name, self.parts[name], view[start:start + _CHUNK]))
            self.parts[name] += 1


class _StoredSegment:
    """A saved index segment read in place: whole arrays part by part into one buffer,
    or byte ranges through SQLite's incremental blob I/O (for merging)."""

    def __init__(self, store: Store, seg: int) -> None:
        self.store, self.seg = store, seg
        self.parts: dict[str, list[tuple[int, int, int]]] = {}  # name -> (rowid, start, size)
        self._extra: dict[str, np.ndarray] = {}
        for rowid, name, size in store.conn.execute(
                "SELECT rowid, name, length(data) FROM index_arrays WHERE segment_id=? "
                "ORDER BY name, part", (seg,)):
            parts = self.parts.setdefault(name, [])
            start = parts[-1][1] + parts[-1][2] if parts else 0
            parts.append((rowid, start, size))
        if "boffsets" not in self.parts and {"offsets", "text"} <= set(self.parts):
            self._legacy_offsets()
        missing = [n for n in (*ARRAYS, "text") if n not in self.parts and n not in self._extra]
        if missing:
            raise InputError(store.path, f"damaged store: index segment {seg} lacks {missing[0]}")

    def _legacy_offsets(self) -> None:
        """Schema 1 kept character offsets: derive the byte offsets of the UTF-8 text."""
        text = bytes(self.whole("text")).decode("utf-8", "surrogatepass")
        cp = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), "<u4")
        del text
        size = 1 + (cp >= 0x80).astype(np.int64) + (cp >= 0x800) + (cp >= 0x10000)
        ends = np.concatenate([[0], np.cumsum(size)])
        self._extra = {"boffsets": ends[self.array("offsets", "<i8")]}

    def _blob(self, rowid: int):
        return self.store.conn.blobopen("index_arrays", "data", rowid, readonly=True)

    def whole(self, name: str) -> bytearray:
        parts = self.parts.get(name, [])
        out = bytearray(parts[-1][1] + parts[-1][2] if parts else 0)
        view = memoryview(out)
        for rowid, start, size in parts:
            if size:
                with self._blob(rowid) as blob:
                    view[start:start + size] = blob.read()
        return out

    def array(self, name: str, dtype: str | None = None) -> np.ndarray:
        if name in self._extra:
            return self._extra[name]
        return np.frombuffer(self.whole(name), dtype=dtype or ARRAYS[name])

    def read(self, name: str, start: int, stop: int) -> np.ndarray:
        item = 1 if name == "text" else np.dtype(ARRAYS[name]).itemsize
        lo, hi = start * item, stop * item
        out = bytearray(hi - lo)
        view = memoryview(out)
        for rowid, first, size in self.parts[name]:
            a, b = max(lo, first), min(hi, first + size)
            if a < b:
                with self._blob(rowid) as blob:
                    blob.seek(a - first)
                    view[a - lo:b - lo] = blob.read(b - a)
        return np.frombuffer(out, dtype=np.uint8 if name == "text" else ARRAYS[name])


class _WriteTxn:
    """``BEGIN IMMEDIATE`` without waiting: a busy store raises `StoreBusyError`. Every
    writer (import, build, add_pairs) goes through here, so they share one lock. SQLite
    errors inside become zhtm errors (read-only, disk full...) after the rollback."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def __enter__(self) -> None:
        conn = self.store.conn
        if self.store.readonly:
            raise WriteError(self.store.path, "opened read-only; nothing was written")
        try:
            conn.execute("PRAGMA busy_timeout=0")
            try:
                conn.execute("BEGIN IMMEDIATE")
            finally:
                conn.execute("PRAGMA busy_timeout=5000")
        except sqlite3.Error as exc:
            raise store_error(self.store.path, exc, doing=_NOTHING) from None

    def __exit__(self, kind, exc, tb) -> None:
        if kind is None:
            try:
                self.store.conn.execute("COMMIT")
                return
            except sqlite3.Error as failed:
                exc = failed
        try:
            self.store._rollback()
        except sqlite3.Error:  # pragma: no cover - SQLite rolled back by itself
            pass
        if isinstance(exc, sqlite3.Error):
            raise store_error(self.store.path, exc, doing=_NOTHING) from None


_NOTHING = "nothing was imported"


def _trim(text: str) -> str:
    return text.strip(_JAVA_WS)


def _pairs_of(tu) -> Iterator[tuple]:
    """(zh, en, zh_lang, en_lang, date, props, notes) for each English variant of a TU."""
    if hasattr(tu, "variants"):
        from ..formats.tmx import lang_base

        zh_variant = next((v for v in tu.variants if lang_base(v.lang) == "zh" and _trim(v.text)),
                          None)
        if zh_variant is None:
            return
        zh = _trim(zh_variant.text)
        seen: set[str] = set()
        for v in tu.variants:
            en = _trim(v.text)
            if lang_base(v.lang) != "en" or not en or en in seen:
                continue
            seen.add(en)
            dates = [d for d in (tu.changedate, tu.creationdate, v.changedate, v.creationdate,
                                 zh_variant.changedate, zh_variant.creationdate) if d]
            props = list(tu.props) + list(zh_variant.props) + list(v.props)
            notes = list(tu.notes) + list(zh_variant.notes) + list(v.notes)
            yield zh, en, zh_variant.lang, v.lang, max(dates) if dates else None, props, notes
    else:
        zh, en = _trim(tu.zh), _trim(tu.en)
        if zh and en:
            yield zh, en, "zh-CN", "en-US", None, [], []
