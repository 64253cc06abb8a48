"""The store file itself: its identity, its tables, opening it and the one-writer transaction.

* **Identity.** A zhtm store carries ``PRAGMA application_id`` = ``ZHTM_APP_ID`` and a
  ``meta`` table with ``magic`` and ``schema``; any other file given as a store is refused
  without being touched.
* **Concurrency.** WAL mode: readers see the last committed state while an import runs.
  Writers do not wait: a second import while one is running fails at once with
  `StoreBusyError` and changes nothing (serializing silently could make a user wait for
  minutes without knowing why).
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from ..errors import InputError, StoreBusyError

ZHTM_APP_ID = 0x7A68746D  # "zhtm"
MAGIC = "zhtm translation memory"
SCHEMA = 2  # 2: index text as UTF-8 with byte offsets; no per-entry counts (1 still read)
_SQLITE_HEADER = b"SQLite format 3\x00"

DDL = """
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


def now() -> str:
    return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())


def connect(path: Path, *, create: bool) -> sqlite3.Connection:
    """An open, checked connection to the store at `path` (made when `create` and missing).

    Refuses (InputError, file untouched) a file that is not a zhtm store.
    """
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
    try:
        if fresh:
            _initialise(path, conn)
        else:
            check_identity(path, conn)
        conn.execute("PRAGMA foreign_keys=ON")
    except BaseException:
        conn.close()
        raise
    return conn


def _initialise(path: Path, conn: sqlite3.Connection) -> None:
    try:
        # before any table: lets an import give back the pages its merges freed
        conn.execute("PRAGMA auto_vacuum=INCREMENTAL")
        conn.execute("PRAGMA journal_mode=WAL")
    except sqlite3.DatabaseError as exc:
        raise InputError(path, f"cannot create store: {exc}") from None
    with WriteTxn(path, conn):
        # Another process may have initialised it meanwhile.
        existing = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        if not existing:
            for statement in DDL.split(";"):
                if statement.strip():
                    conn.execute(statement)
            conn.execute(f"PRAGMA application_id={ZHTM_APP_ID}")
            conn.executemany("INSERT INTO meta(key, value) VALUES (?, ?)",
                             [("magic", MAGIC), ("schema", str(SCHEMA)), ("created", now())])
    if existing:
        check_identity(path, conn)


def check_identity(path: Path, conn: sqlite3.Connection) -> None:
    try:
        app = conn.execute("PRAGMA application_id").fetchone()[0]
        tables = {r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type='table'")}
    except sqlite3.DatabaseError as exc:
        raise InputError(path, f"not a zhtm store ({exc})") from None
    if app != ZHTM_APP_ID or "meta" not in tables:
        raise InputError(path, "not a zhtm store (an SQLite database without zhtm's tables)")
    meta = dict(conn.execute("SELECT key, value FROM meta"))
    if meta.get("magic") != MAGIC:
        raise InputError(path, "not a zhtm store (wrong magic)")
    try:
        schema = int(meta.get("schema", ""))
    except ValueError:
        raise InputError(path, "not a zhtm store (bad schema version)") from None
    if schema > SCHEMA:
        raise InputError(path, f"store schema {schema} is newer than this zhtm "
                         f"understands ({SCHEMA}): upgrade zhtm")
    if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
        try:
            conn.execute("PRAGMA journal_mode=WAL")
        except sqlite3.OperationalError:  # pragma: no cover - read-only media
            pass


class WriteTxn:
    """``BEGIN IMMEDIATE`` without waiting: a busy store raises `StoreBusyError`."""

    def __init__(self, path: Path, conn: sqlite3.Connection) -> None:
        self.path, self.conn = path, conn

    def __enter__(self) -> None:
        conn = self.conn
        conn.execute("PRAGMA busy_timeout=0")
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError:
            raise StoreBusyError(f"{self.path}: another import is writing to this store; "
                                 "nothing was imported (try again when it has finished)") from None
        finally:
            conn.execute("PRAGMA busy_timeout=5000")

    def __exit__(self, kind, exc, tb) -> None:
        if kind is None:
            self.conn.execute("COMMIT")
        elif self.conn.in_transaction:
            self.conn.execute("ROLLBACK")
