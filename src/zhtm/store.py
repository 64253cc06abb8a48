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

from .errors import InputError, ZhtmError
from .fuzzy import ARRAYS, FuzzyIndex
from .normalize import normalize

ZHTM_APP_ID = 0x7A68746D  # "zhtm"
MAGIC = "zhtm translation memory"
SCHEMA = 1
DEFAULT_DB = "zhtm.db"
DB_ENV = "ZHTM_DB"
_SQLITE_HEADER = b"SQLite format 3\x00"
_CHUNK = 64 << 20  # blob parts of at most 64 MB
_JAVA_WS = "".join(chr(c) for c in range(0x21))  # OmegaT trims with Java's String.trim()
_MAX_SEGMENTS = 8

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


class StoreBusyError(ZhtmError):
    """Another import holds the store's write lock."""


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


def _file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    try:
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
    except OSError as exc:
        raise InputError(path, f"cannot read: {exc.strerror or exc}") from None
    return h.hexdigest()


def _now() -> str:
    return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())


class Store:
    """An open zhtm store. Use `Store.open` (or `Store.create`); close it, or use ``with``."""

    def __init__(self, path: Path, conn: sqlite3.Connection) -> None:
        self.path = path
        self.conn = conn

    # --- opening ----------------------------------------------------------------------

    @classmethod
    def open(cls, path: str | Path, *, create: bool = False) -> Store:
        """Open an existing store (read and write); with `create`, make it if missing.

        Refuses (InputError, file untouched) a file that is not a zhtm store.
        """
        path = Path(path)
        exists = path.exists()
        if exists and path.is_dir():
            raise InputError(path, "is a directory, not a zhtm store")
        if not exists and not create:
            raise InputError(path, "no such store (create one with: zhtm import FILE.tmx --db "
                             f"{path})")
        fresh = not exists or path.stat().st_size == 0
        if not fresh:
            try:
                with open(path, "rb") as fh:
                    head = fh.read(len(_SQLITE_HEADER))
            except OSError as exc:
                raise InputError(path, f"cannot read: {exc.strerror or exc}") from None
            if head != _SQLITE_HEADER:
                raise InputError(path, "not a zhtm store (not an SQLite database)")
        elif not create:
            raise InputError(path, "empty file, not a zhtm store")
        try:
            conn = sqlite3.connect(str(path), isolation_level=None, timeout=5.0,
                                   check_same_thread=False)
        except sqlite3.Error as exc:
            raise InputError(path, f"cannot open store: {exc}") from None
        store = cls(path, conn)
        try:
            if fresh:
                store._initialise()
            else:
                store._check_identity()
            conn.execute("PRAGMA foreign_keys=ON")
        except BaseException:
            conn.close()
            raise
        return store

    def _initialise(self) -> None:
        conn = self.conn
        try:
            conn.execute("PRAGMA journal_mode=WAL")
        except sqlite3.DatabaseError as exc:
            raise InputError(self.path, f"cannot create store: {exc}") from None
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
        if self.conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
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
        """Every index segment, read in one transaction (a consistent snapshot)."""
        c = self.conn
        c.execute("BEGIN")
        try:
            segments = [row[0] for row in c.execute("SELECT id FROM index_segments ORDER BY id")]
            return [self._load_segment(seg) for seg in segments]
        finally:
            c.execute("COMMIT")

    def _load_segment(self, seg: int) -> FuzzyIndex:
        parts: dict[str, list[bytes]] = {}
        for name, data in self.conn.execute(
                "SELECT name, data FROM index_arrays WHERE segment_id=? ORDER BY name, part", (seg,)):
            parts.setdefault(name, []).append(data)
        blobs = {name: chunks[0] if len(chunks) == 1 else b"".join(chunks)
                 for name, chunks in parts.items()}
        missing = [n for n in (*ARRAYS, "text") if n not in blobs]
        if missing:
            raise InputError(self.path, f"damaged store: index segment {seg} lacks {missing[0]}")
        return FuzzyIndex.from_blobs(blobs)

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
        from .tmx import read_tmx  # formats sit below the store; imported late (lxml)

        reports: list[FileImport] = []
        with self._write():
            before = self.conn.execute("SELECT coalesce(max(id), 0) FROM units").fetchone()[0]
            for number, file in enumerate(files):
                path = Path(file)
                if not path.is_file():
                    raise InputError(path, "no such file" if not path.exists() else "not a file")
                sha = _file_sha256(path)
                if self.conn.execute("SELECT 1 FROM sources WHERE sha256=?", (sha,)).fetchone():
                    reports.append(FileImport(str(path), already_imported=True))
                    continue
                source_id = self.conn.execute(
                    "INSERT INTO sources(path, sha256, imported, tus, pairs, new_units) "
                    "VALUES (?, ?, ?, 0, 0, 0)", (str(path), sha, _now())).lastrowid
                report = self._import_units(path, source_id, read_tmx(path, on_warning=on_warning))
                self.conn.execute("UPDATE sources SET tus=?, pairs=?, new_units=? WHERE id=?",
                                  (report.tus, report.pairs, report.new_units, source_id))
                reports.append(report)
                if progress:
                    progress(number + 1, len(files))
            started = time.perf_counter()
            self._index_new_units(before)
            seconds = time.perf_counter() - started
        stats = self.stats()
        return ImportReport(tuple(reports), stats.units, stats.segments, seconds)

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
            before = self.conn.execute("SELECT coalesce(max(id), 0) FROM units").fetchone()[0]
            source_id = self.conn.execute(
                "INSERT INTO sources(path, sha256, imported, tus, pairs, new_units) "
                "VALUES (?, ?, ?, 0, 0, 0)", (source, f"api:{time.time_ns()}", _now())).lastrowid
            report = self._import_units(Path(source), source_id, (_TU(z, e) for z, e in pairs))
            self.conn.execute("UPDATE sources SET tus=?, pairs=?, new_units=? WHERE id=?",
                              (report.tus, report.pairs, report.new_units, source_id))
            started = time.perf_counter()
            self._index_new_units(before)
            seconds = time.perf_counter() - started
        stats = self.stats()
        return ImportReport((report,), stats.units, stats.segments, seconds)

    # --- the index --------------------------------------------------------------------

    def _index_new_units(self, before: int) -> None:
        c = self.conn
        rows = c.execute("SELECT id, zh FROM units WHERE id > ? ORDER BY id", (before,)).fetchall()
        if not rows:
            return
        ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
        texts = [normalize(r[1]) for r in rows]
        del rows
        self._save_segment(FuzzyIndex.build(ids, texts), int(ids[0]), int(ids[-1]))
        self._merge_segments()

    def _save_segment(self, index: FuzzyIndex, first: int, last: int) -> None:
        seg = self.conn.execute(
            "INSERT INTO index_segments(first_unit, last_unit, entries, built) VALUES (?, ?, ?, ?)",
            (first, last, len(index), _now())).lastrowid
        for name, blob in index.to_blobs().items():
            view = memoryview(blob)
            for part, start in enumerate(range(0, max(len(blob), 1), _CHUNK)):
                self.conn.execute("INSERT INTO index_arrays(segment_id, name, part, data) "
                                  "VALUES (?, ?, ?, ?)", (seg, name, part, view[start:start + _CHUNK]))

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
            a, b = segs[-2], segs[-1]
            left, right = self._load_segment(a[0]), self._load_segment(b[0])
            ids = np.concatenate([left.ids, right.ids])
            texts = [left.entry_text(i) for i in range(len(left))] + \
                    [right.entry_text(i) for i in range(len(right))]
            del left, right
            for seg in (a[0], b[0]):
                c.execute("DELETE FROM index_arrays WHERE segment_id=?", (seg,))
                c.execute("DELETE FROM index_segments WHERE id=?", (seg,))
            self._save_segment(FuzzyIndex.build(ids, texts), a[1], b[2])


class _WriteTxn:
    """``BEGIN IMMEDIATE`` without waiting: a busy store raises `StoreBusyError`."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def __enter__(self) -> None:
        conn = self.store.conn
        conn.execute("PRAGMA busy_timeout=0")
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise StoreBusyError(f"{self.store.path}: another import is writing to this store; "
                                 "nothing was imported (try again when it has finished)") from None
        finally:
            conn.execute("PRAGMA busy_timeout=5000")

    def __exit__(self, kind, exc, tb) -> None:
        if kind is None:
            self.store.conn.execute("COMMIT")
        else:
            self.store._rollback()


def _trim(text: str) -> str:
    return text.strip(_JAVA_WS)


def _pairs_of(tu) -> Iterator[tuple]:
    """(zh, en, zh_lang, en_lang, date, props, notes) for each English variant of a TU."""
    if hasattr(tu, "variants"):
        from .tmx import lang_base

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
