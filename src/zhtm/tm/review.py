"""Review state kept inside the TM store: documents under review, their rows, and undo.

The browser workbench (``zhtm serve``) lets several reviewers work on one store, so the
review lives where the TM lives, in tables of its own (``review_*``, created on first use;
the TM tables are not touched):

* ``review_docs``: one row per file under review (alignment or glossary), keyed by its path
  and content digest, with a change counter ``seq``.
* rows under review (``review_beads``, ``review_terms``): each carries ``rev``, the value of
  ``seq`` when it last changed. A change names the ``rev`` of every row it touches; a row
  whose ``rev`` differs was changed meanwhile and the whole change is refused
  (`ConflictError`), never applied over someone else's.
* ``review_log``: every change with the rows before and after it, so a reviewer can undo
  their own last change (refused, like any change, when someone changed those rows since).

Every change is one write transaction under the store's write lock (``BEGIN IMMEDIATE``), so
changes from any number of browsers or processes are serialised and each is saved at once.
`review_align` (beads) and `review_terms` (glossary entries) build on this module.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from ..errors import ConflictError, InputError, StoreBusyError
from .store import Store

_DDL = """
CREATE TABLE IF NOT EXISTS review_docs(
    id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, path TEXT NOT NULL,
    sha256 TEXT NOT NULL, name TEXT NOT NULL, info TEXT NOT NULL, created TEXT NOT NULL,
    seq INTEGER NOT NULL DEFAULT 0, UNIQUE(kind, path, sha256));
CREATE TABLE IF NOT EXISTS review_sentences(
    doc INTEGER NOT NULL REFERENCES review_docs(id), lang TEXT NOT NULL, idx INTEGER NOT NULL,
    text TEXT NOT NULL, line INTEGER, PRIMARY KEY(doc, lang, idx));
CREATE TABLE IF NOT EXISTS review_beads(
    id INTEGER PRIMARY KEY AUTOINCREMENT, doc INTEGER NOT NULL REFERENCES review_docs(id),
    zh_start INTEGER NOT NULL, zh_end INTEGER NOT NULL,
    en_start INTEGER NOT NULL, en_end INTEGER NOT NULL,
    score REAL, status TEXT NOT NULL, edited INTEGER NOT NULL, rev INTEGER NOT NULL,
    origin TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS review_beads_order ON review_beads(doc, zh_start, en_start);
CREATE TABLE IF NOT EXISTS review_terms(
    id INTEGER PRIMARY KEY AUTOINCREMENT, doc INTEGER NOT NULL REFERENCES review_docs(id),
    pos INTEGER NOT NULL, zh TEXT NOT NULL, en TEXT NOT NULL, variants TEXT NOT NULL,
    frequency INTEGER NOT NULL, entry TEXT NOT NULL, status TEXT NOT NULL,
    edited INTEGER NOT NULL, rev INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS review_terms_pos ON review_terms(doc, pos);
CREATE TABLE IF NOT EXISTS review_log(
    id INTEGER PRIMARY KEY AUTOINCREMENT, doc INTEGER NOT NULL REFERENCES review_docs(id),
    client TEXT NOT NULL, action TEXT NOT NULL, tbl TEXT NOT NULL, before TEXT NOT NULL,
    after TEXT NOT NULL, undone INTEGER NOT NULL DEFAULT 0, at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS review_log_client ON review_log(doc, client, id);
"""

# Columns of the tables whose rows are reviewed (order matters: rows are stored as dicts).
COLUMNS: dict[str, tuple[str, ...]] = {
    "review_beads": ("id", "doc", "zh_start", "zh_end", "en_start", "en_end", "score",
                     "status", "edited", "rev", "origin"),
    "review_terms": ("id", "doc", "pos", "zh", "en", "variants", "frequency", "entry",
                     "status", "edited", "rev"),
}
KINDS = ("alignment", "glossary")
MAX_CLIENT = 64  # characters of a client id kept in the log

Row = dict[str, Any]


@dataclass(frozen=True, slots=True)
class ReviewDoc:
    """A file under review: what it is, where it came from, its change counter."""

    id: int
    kind: str
    path: str
    sha256: str
    name: str
    info: dict[str, Any]
    created: str
    seq: int


@dataclass(frozen=True, slots=True)
class Change:
    """What one change (or undo) did: the rows now current, the ids that are gone."""

    action: int | None
    seq: int
    changed: tuple[Row, ...]
    removed: tuple[int, ...]


def _now() -> str:
    return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())


def has_review_tables(store: Store) -> bool:
    return store.conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type='table' AND name='review_docs'").fetchone() is not None


class Review:
    """Review tables of an open store. Reads never write; every change is a transaction."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.conn = store.conn

    # --- transactions -------------------------------------------------------------------

    @contextmanager
    def writing(self) -> Iterator[None]:
        """One write transaction under the store's lock (created tables included)."""
        try:
            with self.store._write():
                for statement in _DDL.split(";"):
                    if statement.strip():
                        self.conn.execute(statement)
                yield
        except StoreBusyError:
            raise StoreBusyError(f"{self.store.path}: another process (an import?) is writing to "
                                 "this store; nothing was changed, try again in a moment") from None

    # --- documents ----------------------------------------------------------------------

    def documents(self, kind: str | None = None) -> list[ReviewDoc]:
        if not has_review_tables(self.store):
            return []
        sql = "SELECT * FROM review_docs" + (" WHERE kind=?" if kind else "") + " ORDER BY id"
        return [self._doc(row) for row in self.conn.execute(sql, (kind,) if kind else ())]

    def document(self, doc_id: int, kind: str | None = None) -> ReviewDoc:
        row = None
        if has_review_tables(self.store):
            row = self.conn.execute("SELECT * FROM review_docs WHERE id=?", (doc_id,)).fetchone()
        if row is None or (kind and row[1] != kind):
            raise InputError(self.store.path, f"no {kind or 'review'} document #{doc_id} in "
                             "this store")
        return self._doc(row)

    def find_document(self, kind: str, path: str, sha256: str) -> ReviewDoc | None:
        if not has_review_tables(self.store):
            return None
        row = self.conn.execute("SELECT * FROM review_docs WHERE kind=? AND path=? AND sha256=?",
                                (kind, path, sha256)).fetchone()
        return self._doc(row) if row else None

    def _new_document(self, kind: str, path: str, sha256: str, name: str,
                      info: dict[str, Any]) -> int:
        """Inside `writing`: a new document row (its rows are added by the caller)."""
        assert kind in KINDS
        return self.conn.execute(
            "INSERT INTO review_docs(kind, path, sha256, name, info, created) VALUES (?,?,?,?,?,?)",
            (kind, path, sha256, name, json.dumps(info, ensure_ascii=False), _now())).lastrowid

    @staticmethod
    def _doc(row: Sequence[Any]) -> ReviewDoc:
        return ReviewDoc(row[0], row[1], row[2], row[3], row[4], json.loads(row[5]), row[6], row[7])

    def _bump(self, doc: int) -> int:
        self.conn.execute("UPDATE review_docs SET seq = seq + 1 WHERE id=?", (doc,))
        return self.conn.execute("SELECT seq FROM review_docs WHERE id=?", (doc,)).fetchone()[0]

    # --- rows ---------------------------------------------------------------------------

    def rows(self, table: str, doc: int, ids: Iterable[int]) -> dict[int, Row]:
        cols = COLUMNS[table]
        ids = list(dict.fromkeys(int(i) for i in ids))
        out: dict[int, Row] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            marks = ",".join("?" * len(chunk))
            for row in self.conn.execute(
                    f"SELECT {', '.join(cols)} FROM {table} WHERE doc=? AND id IN ({marks})",
                    [doc, *chunk]):
                out[row[0]] = dict(zip(cols, row))
        return out

    def _insert(self, table: str, row: Row) -> int:
        cols = [c for c in COLUMNS[table] if c in row]
        return self.conn.execute(
            f"INSERT INTO {table}({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
            [row[c] for c in cols]).lastrowid

    def _replace(self, table: str, row: Row) -> None:
        cols = COLUMNS[table]
        self.conn.execute(f"INSERT OR REPLACE INTO {table}({', '.join(cols)}) "
                          f"VALUES ({', '.join('?' * len(cols))})", [row[c] for c in cols])

    def check_revs(self, table: str, doc: int, expected: dict[int, int], what: str) -> dict[int, Row]:
        """The current rows, or `ConflictError` if one is gone or has another revision."""
        current = self.rows(table, doc, expected)
        for row_id, rev in expected.items():
            row = current.get(row_id)
            if row is None:
                raise ConflictError(f"{what} #{row_id} no longer exists (it was merged or "
                                    "changed meanwhile): reload to see the current state; "
                                    "nothing was changed")
            if row["rev"] != rev:
                raise ConflictError(f"{what} #{row_id} was changed meanwhile (by another "
                                    "reviewer or in another tab): reload to see it; nothing "
                                    "was changed")
        return current

    def apply(self, table: str, doc: int, client: str, action: str, before: Sequence[Row],
              after: Sequence[Row]) -> Change:
        """Inside `writing`: replace the rows `before` by `after` (rows without an id are new),
        stamp them with a new revision and log the change for undo."""
        seq = self._bump(doc)
        kept = {r["id"] for r in after if r.get("id") is not None}
        removed = tuple(r["id"] for r in before if r["id"] not in kept)
        for row_id in removed:
            self.conn.execute(f"DELETE FROM {table} WHERE id=?", (row_id,))
        written = []
        for row in after:
            row = {**row, "doc": doc, "rev": seq}
            if row.get("id") is None:
                row["id"] = self._insert(table, {k: v for k, v in row.items() if k != "id"})
            else:
                self._replace(table, row)
            written.append(row)
        action_id = self.conn.execute(
            "INSERT INTO review_log(doc, client, action, tbl, before, after, at) "
            "VALUES (?,?,?,?,?,?,?)",
            (doc, client[:MAX_CLIENT], action, table, json.dumps(list(before), ensure_ascii=False),
             json.dumps(written, ensure_ascii=False), _now())).lastrowid
        return Change(action_id, seq, tuple(written), removed)

    def undo(self, doc: int, client: str, what: str) -> Change:
        """Undo `client`'s last change on `doc` that is not undone yet: the rows go back to
        what they were (with their old revisions, so views from before the change are
        current again). Refused when someone changed those rows since."""
        with self.writing():
            row = self.conn.execute(
                "SELECT id, action, tbl, before, after FROM review_log WHERE doc=? AND client=? "
                "AND undone=0 ORDER BY id DESC LIMIT 1", (doc, client[:MAX_CLIENT])).fetchone()
            if row is None:
                raise ConflictError("nothing to undo: this browser made no change here that is "
                                    "not undone already")
            log_id, action, table, before, after = row[0], row[1], row[2], json.loads(row[3]), \
                json.loads(row[4])
            try:
                self.check_revs(table, doc, {r["id"]: r["rev"] for r in after}, what)
            except ConflictError:
                raise ConflictError(f"cannot undo the last {action}: someone changed that {what} "
                                    "since; nothing was changed") from None
            back = {r["id"] for r in before}
            present = self.rows(table, doc, back - {r["id"] for r in after})
            if present:  # pragma: no cover - ids are never reused (AUTOINCREMENT)
                raise ConflictError(f"cannot undo the last {action}: the store changed since")
            removed = tuple(r["id"] for r in after if r["id"] not in back)
            for row_id in removed:
                self.conn.execute(f"DELETE FROM {table} WHERE id=?", (row_id,))
            for old in before:
                self._replace(table, old)
            self.conn.execute("UPDATE review_log SET undone=1 WHERE id=?", (log_id,))
            seq = self._bump(doc)
        return Change(None, seq, tuple(before), removed)

    def history(self, doc: int, limit: int = 50) -> list[dict[str, Any]]:
        """The latest changes on a document, newest first (who, what, when, undone)."""
        if not has_review_tables(self.store):
            return []
        return [{"id": r[0], "client": r[1], "action": r[2], "undone": bool(r[3]), "at": r[4]}
                for r in self.conn.execute(
                    "SELECT id, client, action, undone, at FROM review_log WHERE doc=? "
                    "ORDER BY id DESC LIMIT ?", (doc, limit))]
