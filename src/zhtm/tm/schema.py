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

import os
import sqlite3
import time
from pathlib import Path

from ..errors import InputError, WriteError
from ..paths import check_output, read_error
from .clause_places import migrate_from_3
from .pair_keys import ensure_key_indexes, inline_key, key_index_ddl
from .access import (NOTHING_IMPORTED, can_open_immutable, cannot_write, not_a_database,
                     sqlite_connect, store_error)

ZHTM_APP_ID = 0x7A68746D  # "zhtm"
MAGIC = "zhtm translation memory"
# 2: index text as UTF-8 with byte offsets; no per-entry counts (1 still read)
# 3: clause units (`clauses`, `clause_parents`) and index segments of a `kind` (2 still read;
#    an import upgrades it and cuts the clauses of the units already there)
# 4: clause occurrences packed per unit and per clause unit (`clause_places`; 3 still read,
#    an import converts it)
# 5: the pair keys of `units` and `clauses` under named unique indexes (``units_key``,
#    ``clauses_key``) that a large import drops and builds again (`pair_keys`; 4 still read,
#    an import rebuilds the two tables)
SCHEMA = 5
# Pages of new stores. Most of a store is index arrays in blobs of up to 64 MB: in 4 KiB pages
# (SQLite's default, and stores made before) every 4 KiB of them is a page of its own to
# write into the log and copy into the store at commit; 64 KiB pages cut the CPU of an
# import's commit ~3.5x. The content is the same either way.
PAGE_SIZE = 65536
_SQLITE_HEADER = b"SQLite format 3\x00"

# Clause units: one row per distinct (clause, English) pair, `en` empty when no English was
# found, `parents` the parent unit of each occurrence (int64, sorted); `unit_clauses` says
# where each unit's clauses occur (packed records, see `clause_places`). Schema 3 kept one
# `clause_parents` row per occurrence instead.
UNIT_CLAUSES_DDL = """
CREATE TABLE unit_clauses(
    unit_id INTEGER PRIMARY KEY REFERENCES units(id), occurrences BLOB NOT NULL, spans TEXT)"""
CLAUSES_TABLE_DDL = """
CREATE TABLE clauses(
    id INTEGER PRIMARY KEY, pair_key INTEGER NOT NULL, zh TEXT NOT NULL,
    en TEXT NOT NULL, count INTEGER NOT NULL DEFAULT 0, confidence REAL NOT NULL DEFAULT 0,
    parents BLOB NOT NULL DEFAULT x'')"""
CLAUSE_DDL = (CLAUSES_TABLE_DDL + ";\nCREATE UNIQUE INDEX clauses_key ON clauses(pair_key);"
              + UNIT_CLAUSES_DDL + ";\n")
UNITS_TABLE_DDL = """
CREATE TABLE units(
    id INTEGER PRIMARY KEY, pair_key INTEGER NOT NULL,
    zh TEXT NOT NULL, en TEXT NOT NULL, zh_lang TEXT, en_lang TEXT,
    count INTEGER NOT NULL DEFAULT 1, date TEXT)"""

DDL = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE sources(
    id INTEGER PRIMARY KEY, path TEXT NOT NULL, sha256 TEXT NOT NULL UNIQUE,
    imported TEXT NOT NULL, tus INTEGER NOT NULL, pairs INTEGER NOT NULL,
    new_units INTEGER NOT NULL);""" + UNITS_TABLE_DDL + """;
CREATE UNIQUE INDEX units_key ON units(pair_key);
CREATE TABLE origins(
    unit_id INTEGER NOT NULL REFERENCES units(id), source_id INTEGER NOT NULL REFERENCES sources(id),
    line INTEGER, tuid TEXT, date TEXT, props TEXT, notes TEXT);
CREATE INDEX origins_unit ON origins(unit_id);
CREATE TABLE index_segments(
    id INTEGER PRIMARY KEY, first_unit INTEGER NOT NULL, last_unit INTEGER NOT NULL,
    entries INTEGER NOT NULL, built TEXT NOT NULL, kind TEXT NOT NULL DEFAULT 'sentence');
CREATE TABLE index_arrays(
    segment_id INTEGER NOT NULL REFERENCES index_segments(id), name TEXT NOT NULL,
    part INTEGER NOT NULL, data BLOB NOT NULL, PRIMARY KEY(segment_id, name, part));
""" + CLAUSE_DDL



def now() -> str:
    return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())


def connect(path: Path, *, create: bool, readonly: bool = False) -> sqlite3.Connection:
    """An open, checked connection to the store at `path` (made when `create` and missing);
    with `readonly`, for lookups only (works on read-only media and folders: see `access`).

    Refuses (InputError, file untouched) a file that is not a zhtm store.
    """
    exists = path.exists()
    if exists and path.is_dir():
        raise InputError(path, "is a folder, not a file")
    if not exists and not create:
        raise InputError(path, "no such file (create a store with: zhtm import FILE.tmx --db "
                         f"{path})")
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
    # Lookups on a store this user may write open it as usual (SQLite then tidies its -wal
    # and -shm files away on close); only a store that cannot be written is opened read-only.
    writable = os.access(path, os.W_OK) and os.access(path.parent, os.W_OK | os.X_OK)
    try:
        conn = _checked(path, fresh, readonly and not fresh and not writable)
        conn.execute("PRAGMA foreign_keys=ON")
    except sqlite3.Error as exc:
        raise store_error(path, exc) from None
    return conn


def _checked(path: Path, fresh: bool, readonly: bool) -> sqlite3.Connection:
    conn = sqlite_connect(path, readonly=readonly)
    try:
        if fresh:
            _initialise(path, conn)
        else:
            check_identity(path, conn, readonly=readonly)
        return conn
    except BaseException as exc:
        conn.close()
        if not (readonly and isinstance(exc, sqlite3.Error) and cannot_write(exc)
                and can_open_immutable(path)):
            raise
    conn = sqlite_connect(path, immutable=True)  # a read-only folder: see access
    try:
        check_identity(path, conn, readonly=True)
    except BaseException:
        conn.close()
        raise
    return conn


def _initialise(path: Path, conn: sqlite3.Connection) -> None:
    # before any table: lets an import give back the pages its merges freed, and the page
    # size (see PAGE_SIZE; a store keeps the one it was made with)
    conn.execute(f"PRAGMA page_size={PAGE_SIZE}")
    conn.execute("PRAGMA auto_vacuum=INCREMENTAL")
    conn.execute("PRAGMA journal_mode=WAL")
    with WriteTxn(path, conn):
        # Another process may have initialised it meanwhile.
        existing = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        if not existing:
            for statement in DDL.split(";"):
                if statement.strip():
                    conn.execute(statement)
            conn.execute(f"PRAGMA application_id={ZHTM_APP_ID}")
            conn.executemany("INSERT INTO meta(key, value) VALUES (?, ?)",
                             [("magic", MAGIC), ("schema", str(SCHEMA)), ("created", now()),
                              ("clauses", "complete")])
    if existing:
        check_identity(path, conn)


def check_identity(path: Path, conn: sqlite3.Connection, *, readonly: bool = False) -> None:
    try:
        app = conn.execute("PRAGMA application_id").fetchone()[0]
        tables = {r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type='table'")}
    except sqlite3.DatabaseError as exc:
        if not not_a_database(exc):  # read-only, disk full, busy: said as such by connect
            raise
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
    if not readonly and conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
        try:
            conn.execute("PRAGMA journal_mode=WAL")
        except sqlite3.OperationalError:  # pragma: no cover - read-only media
            pass


def schema_of(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT value FROM meta WHERE key='schema'").fetchone()[0])


def upgrade(conn: sqlite3.Connection) -> None:
    """Bring an older store to the current schema (inside the caller's write transaction):
    schema 2 gains the clause tables and segment kinds (its units' clauses are cut by the
    next import: ``meta.clauses`` = "partial"); schema 3's clause occurrences are packed;
    schema 4's ``units`` and ``clauses`` are rebuilt with their key as a named index.
    Needs foreign-key checks off (a bulk `WriteTxn`): the tables are dropped and renamed."""
    schema = schema_of(conn)
    if schema >= SCHEMA:
        return
    columns = {row[1] for row in conn.execute("PRAGMA table_info(index_segments)")}
    if "kind" not in columns:
        conn.execute("ALTER TABLE index_segments ADD COLUMN kind TEXT NOT NULL DEFAULT 'sentence'")
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    if "clause_parents" in tables:
        migrate_from_3(conn, UNIT_CLAUSES_DDL)
    elif "clauses" not in tables:
        for statement in CLAUSE_DDL.split(";"):
            if statement.strip():
                conn.execute(statement)
        conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('clauses', 'partial')")
    _named_key(conn, "units", UNITS_TABLE_DDL)
    _named_key(conn, "clauses", CLAUSES_TABLE_DDL)
    conn.execute("UPDATE meta SET value=? WHERE key='schema'", (str(SCHEMA),))


def _named_key(conn: sqlite3.Connection, table: str, ddl: str) -> None:
    """Schema 4 -> 5: `table` rebuilt (SQLite cannot drop a column's UNIQUE) with the same
    rows and ids, its key under the named index a large import may drop."""
    if not inline_key(conn, table):
        return
    if conn.execute("PRAGMA foreign_keys").fetchone()[0]:  # pragma: no cover - a caller's bug
        raise RuntimeError("upgrading the store needs a bulk write (foreign keys off)")
    conn.execute(ddl.replace(f"CREATE TABLE {table}(", f"CREATE TABLE {table}_v5("))
    columns = ", ".join(r[1] for r in conn.execute(f"PRAGMA table_info({table}_v5)"))
    conn.execute(f"INSERT INTO {table}_v5({columns}) SELECT {columns} FROM {table} ORDER BY id")
    conn.execute(f"DROP TABLE {table}")
    conn.execute(f"ALTER TABLE {table}_v5 RENAME TO {table}")
    conn.execute(key_index_ddl(table))


BULK_CACHE_KIB = 256 * 1024  # SQLite's page cache while importing (default: 2 MiB)


class WriteTxn:
    """``BEGIN IMMEDIATE`` without waiting: a busy store raises `StoreBusyError`. Every
    writer (import, build, add_pairs) goes through here, so they share one lock. SQLite
    errors inside become zhtm errors (read-only, disk full...) after the rollback."""

    def __init__(self, path: Path, conn: sqlite3.Connection, *, readonly: bool = False,
                 bulk: bool = False) -> None:
        self.path, self.conn, self.readonly, self.bulk = path, conn, readonly, bulk
        self._cache = 0

    def __enter__(self) -> None:
        conn = self.conn
        if self.readonly:
            raise WriteError(self.path, f"opened read-only; {NOTHING_IMPORTED}")
        try:
            if self.bulk:
                # An import writes rows that refer to ids it made itself in this same
                # transaction, so the references hold by construction: checking each one
                # costs a third of writing the clause rows. A large page cache keeps the
                # unique keys' B-trees in memory instead of spilling them to the log midway.
                # (Both can only change outside a transaction; __exit__ puts them back.)
                self._cache = conn.execute("PRAGMA cache_size").fetchone()[0]
                conn.execute("PRAGMA foreign_keys=OFF")
                conn.execute(f"PRAGMA cache_size={-BULK_CACHE_KIB}")
            conn.execute("PRAGMA busy_timeout=0")
            try:
                conn.execute("BEGIN IMMEDIATE")
            finally:
                conn.execute("PRAGMA busy_timeout=5000")
        except sqlite3.Error as exc:
            self._restore()
            raise store_error(self.path, exc, doing=NOTHING_IMPORTED) from None

    def __exit__(self, kind, exc, tb) -> None:
        try:
            self._finish(kind, exc)
        finally:
            self._restore()

    def _restore(self) -> None:
        if self.bulk:
            try:
                self.conn.execute("PRAGMA foreign_keys=ON")
                if self._cache:
                    self.conn.execute(f"PRAGMA cache_size={self._cache}")
            except sqlite3.Error:  # pragma: no cover - a closed connection
                pass

    def _finish(self, kind, exc) -> None:
        if kind is None:
            try:
                if self.bulk:  # an import that failed to build its key index again
                    ensure_key_indexes(self.conn)
                self.conn.execute("COMMIT")
                return
            except sqlite3.Error as failed:
                exc = failed
        try:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
        except sqlite3.Error:  # pragma: no cover - SQLite rolled back by itself
            pass
        if isinstance(exc, sqlite3.Error):
            raise store_error(self.path, exc, doing=NOTHING_IMPORTED) from None
