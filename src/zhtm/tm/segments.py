"""The fuzzy index as the store keeps it: segments of arrays saved in SQLite blobs.

* **Incremental.** New units get new, increasing ids; an import indexes them in segments of
  their own, and small segments are merged (tiered, like an LSM tree), so adding a file
  never rebuilds the whole index.
* **Bounded memory.** New units are indexed `BUILD_CHUNK` at a time (each chunk parked in
  a temporary file; only the new units' normalised texts are held all at once); segments
  are merged by `merge.merge`, which reads postings and text in ranges (through SQLite's
  incremental blob I/O for stored segments) and writes the result in parts, so neither an
  import nor a merge holds a whole index. Loading reads each array part by part into
  its final buffer (the text stays UTF-8).
"""

from __future__ import annotations

import sqlite3
import tempfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ..errors import InputError
from ..text.normalize import normalize_many
from .fuzzy import FuzzyIndex
from .merge import SpooledSegment, merge
from .postings import ARRAYS
from .schema import SCHEMA, now

_CHUNK = 64 << 20  # blob parts of at most 64 MB
MAX_SEGMENTS = 8
# An import indexes its new units this many at a time (bounded memory), then merges; a
# chunk also holds at most BUILD_CHARS characters (building one takes ~45 bytes a
# character at its peak: 100,000 of the longest sentences took 530 MB at once).
BUILD_CHUNK = 100_000
BUILD_CHARS = 4_000_000


SENTENCE, CLAUSE = "sentence", "clause"
_TABLE = {SENTENCE: "units", CLAUSE: "clauses"}


def has_kinds(conn: sqlite3.Connection) -> bool:
    """Whether the store's segments carry a kind (schema 3; older ones are all sentences)."""
    return any(row[1] == "kind" for row in conn.execute("PRAGMA table_info(index_segments)"))


def load_segments(conn: sqlite3.Connection, path: Path, kind: str = SENTENCE
                  ) -> list[FuzzyIndex]:
    """Every index segment of `kind`, read in one transaction (a consistent snapshot), ready
    for lookups (character bitmaps made, their postings dropped: these cannot be saved)."""
    conn.execute("BEGIN")
    try:
        if has_kinds(conn):
            rows = conn.execute("SELECT id FROM index_segments WHERE kind=? ORDER BY id", (kind,))
        elif kind == SENTENCE:
            rows = conn.execute("SELECT id FROM index_segments ORDER BY id")
        else:
            rows = []
        segments = [row[0] for row in rows]
        return [_load_segment(conn, path, seg) for seg in segments]
    finally:
        conn.execute("COMMIT")


def _load_segment(conn: sqlite3.Connection, path: Path, seg: int) -> FuzzyIndex:
    """Each array is read part by part into its final buffer: no part list, no join, no
    decoded copy of the text."""
    source = StoredSegment(conn, path, seg)
    arrays = {name: source.array(name) for name in ARRAYS}
    text = source.whole("text")
    return FuzzyIndex(arrays, text).prepare(compact=True)


def index_new_units(conn: sqlite3.Connection, path: Path, before: int,
                    kind: str = SENTENCE, held: Sequence[str] | None = None) -> None:
    """Index the units (or clause units) above id `before`: their normalised texts read
    `BUILD_CHUNK` at a time, indexed in chunks of `BUILD_CHUNK` consecutive entries of the
    (length, id) order (each parked in a temporary file: `SpooledSegment`), then merged
    into one segment piece by piece (a concatenation, see `merge`), then tiered (segments
    of one kind merge only with each other). `held`: the Chinese of exactly those entries
    (ids ``before + 1``, ``before + 2``... without a gap) when the importer still holds
    it, so it is not read back from the store."""
    if held is not None:
        ids = np.arange(before + 1, before + 1 + len(held), dtype=np.int64)
        texts = [t for at in range(0, len(held), BUILD_CHUNK)
                 for t in normalize_many(held[at:at + BUILD_CHUNK])]
    else:
        ids, texts = _read_texts(conn, before, _TABLE[kind])
    if not texts:
        return
    # chunks are consecutive runs of the merged segment's (length, id) order, so merging
    # them places each key's postings one chunk after another (no sort: `merge`)
    conn.execute("UPDATE meta SET value=? WHERE key='schema'", (str(SCHEMA),))
    if len(ids) <= BUILD_CHUNK:
        _save_segment(conn, FuzzyIndex.build(ids, texts), int(ids[0]), int(ids[-1]), kind)
    else:
        lens = np.fromiter(map(len, texts), np.int64, len(texts))
        order = np.lexsort((ids, lens))
        # the chunks wait for their merge in an unnamed file beside the store
        with tempfile.TemporaryFile(dir=path.parent) as spool:
            chunks = []
            for start, stop in _chunks(lens[order]):
                pick = order[start:stop]
                index = FuzzyIndex.build(ids[pick], [texts[i] for i in pick.tolist()])
                chunks.append(SpooledSegment(index.arrays, index.text, spool))
                del index
            del texts
            seg = _new_segment(conn, int(ids[0]), int(ids[-1]), len(ids), kind)
            merge(chunks, PartWriter(conn, seg))
    _merge_tiers(conn, path, kind)


def _read_texts(conn: sqlite3.Connection, before: int, table: str
                ) -> tuple[np.ndarray, list[str]]:
    """The ids and normalised texts of the rows of `table` above id `before`."""
    id_parts: list[np.ndarray] = [np.zeros(0, np.int64)]
    texts: list[str] = []
    last = before
    while True:
        rows = conn.execute(f"SELECT id, zh FROM {table} WHERE id > ? ORDER BY id LIMIT ?",
                            (last, BUILD_CHUNK)).fetchall()
        if not rows:
            return np.concatenate(id_parts), texts
        id_parts.append(np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows)))
        texts += normalize_many([r[1] for r in rows])
        del rows
        last = int(id_parts[-1][-1])


def _chunks(lens: np.ndarray) -> list[tuple[int, int]]:
    """Consecutive ranges of entries (of these lengths) of at most `BUILD_CHUNK` entries and
    `BUILD_CHARS` characters (at least one entry each)."""
    ends = np.cumsum(lens)
    out, start = [], 0
    while start < len(lens):
        before = int(ends[start - 1]) if start else 0
        stop = int(np.searchsorted(ends, before + BUILD_CHARS, "right"))
        stop = max(start + 1, min(stop, start + BUILD_CHUNK))
        out.append((start, stop))
        start = stop
    return out


def reindex_without(conn: sqlite3.Connection, path: Path, unit_ids: Sequence[int],
                    kind: str = SENTENCE) -> None:
    """Rebuild the segments of `kind` whose id range holds one of `unit_ids` (sorted; units
    or clause units deleted) from the entries left in it. A rebuilt segment's range shrinks
    to the entries it holds, so an id reused later (max + 1) never falls inside an older
    segment."""
    import bisect

    table = _TABLE[kind]
    for seg, first, last in conn.execute(
            "SELECT id, first_unit, last_unit FROM index_segments WHERE kind=? "
            "ORDER BY first_unit", (kind,)).fetchall():
        at = bisect.bisect_left(unit_ids, first)
        if at == len(unit_ids) or unit_ids[at] > last:
            continue
        conn.execute("DELETE FROM index_arrays WHERE segment_id=?", (seg,))
        conn.execute("DELETE FROM index_segments WHERE id=?", (seg,))
        parts, low = [], first - 1
        while True:
            rows = conn.execute(f"SELECT id, zh FROM {table} WHERE id > ? AND id <= ? "
                                "ORDER BY id LIMIT ?", (low, last, BUILD_CHUNK)).fetchall()
            if not rows:
                break
            ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
            index = FuzzyIndex.build(ids, normalize_many([r[1] for r in rows]))
            parts.append(_save_segment(conn, index, int(ids[0]), int(ids[-1]), kind))
            low = int(ids[-1])
        if len(parts) > 1:
            _merge(conn, path, parts, kind)


def checkpoint(conn: sqlite3.Connection) -> None:
    """After an import: copy the WAL into the database and truncate it (skipped, not
    waited for, while readers hold an older snapshot)."""
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
    except sqlite3.OperationalError:  # pragma: no cover - busy
        pass


def give_back_pages(conn: sqlite3.Connection) -> None:
    """The pages of merged-away segments go back to the file system (stores made with
    auto_vacuum=INCREMENTAL, as new ones are). Python's sqlite3 steps the pragma once,
    which frees one page: hence the loop (about 3 us a page)."""
    if conn.execute("PRAGMA auto_vacuum").fetchone()[0] != 2:
        return
    cursor = conn.cursor()
    try:
        for _ in range(conn.execute("PRAGMA freelist_count").fetchone()[0]):
            cursor.execute("PRAGMA incremental_vacuum(1)")
    finally:
        cursor.close()


def _save_segment(conn: sqlite3.Connection, index: FuzzyIndex, first: int, last: int,
                  kind: str) -> int:
    seg = _new_segment(conn, first, last, len(index), kind)
    writer = PartWriter(conn, seg)
    for name, blob in index.to_blobs().items():
        writer(name, blob)
    return seg


def _new_segment(conn: sqlite3.Connection, first: int, last: int, entries: int,
                 kind: str) -> int:
    return conn.execute(
        "INSERT INTO index_segments(first_unit, last_unit, entries, built, kind) "
        "VALUES (?, ?, ?, ?, ?)", (first, last, entries, now(), kind)).lastrowid


def _merge(conn: sqlite3.Connection, path: Path, segments: Sequence[int], kind: str) -> int:
    """Replace `segments` (consecutive, in unit order) by one, streamed through SQLite."""
    marks = ",".join("?" * len(segments))
    first, last, entries = conn.execute(
        f"SELECT min(first_unit), max(last_unit), sum(entries) FROM index_segments "
        f"WHERE id IN ({marks})", list(segments)).fetchone()
    seg = _new_segment(conn, first, last, entries, kind)
    merge([StoredSegment(conn, path, s) for s in segments], PartWriter(conn, seg))
    for old in segments:
        conn.execute("DELETE FROM index_arrays WHERE segment_id=?", (old,))
        conn.execute("DELETE FROM index_segments WHERE id=?", (old,))
    return seg


def _merge_tiers(conn: sqlite3.Connection, path: Path, kind: str) -> None:
    """Tiered merging: the newest segment joins the previous one once it is at least half
    its size, and never more than `MAX_SEGMENTS` remain (per kind)."""
    while True:
        segs = conn.execute("SELECT id, first_unit, last_unit, entries FROM index_segments "
                            "WHERE kind=? ORDER BY first_unit", (kind,)).fetchall()
        if len(segs) < 2:
            return
        if segs[-1][3] * 2 < segs[-2][3] and len(segs) <= MAX_SEGMENTS:
            return
        _merge(conn, path, [segs[-2][0], segs[-1][0]], kind)


class PartWriter:
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


class StoredSegment:
    """A saved index segment read in place: whole arrays part by part into one buffer,
    or byte ranges through SQLite's incremental blob I/O (for merging)."""

    def __init__(self, conn: sqlite3.Connection, path: Path, seg: int) -> None:
        self.conn, self.seg = conn, seg
        self.parts: dict[str, list[tuple[int, int, int]]] = {}  # name -> (rowid, start, size)
        self._extra: dict[str, np.ndarray] = {}
        for rowid, name, size in conn.execute(
                "SELECT rowid, name, length(data) FROM index_arrays WHERE segment_id=? "
                "ORDER BY name, part", (seg,)):
            parts = self.parts.setdefault(name, [])
            start = parts[-1][1] + parts[-1][2] if parts else 0
            parts.append((rowid, start, size))
        if "boffsets" not in self.parts and {"offsets", "text"} <= set(self.parts):
            self._legacy_offsets()
        missing = [n for n in (*ARRAYS, "text") if n not in self.parts and n not in self._extra]
        if missing:
            raise InputError(path, f"damaged store: index segment {seg} lacks {missing[0]}")

    def _legacy_offsets(self) -> None:
        """Schema 1 kept character offsets: derive the byte offsets of the UTF-8 text."""
        text = bytes(self.whole("text")).decode("utf-8", "surrogatepass")
        cp = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), "<u4")
        del text
        size = 1 + (cp >= 0x80).astype(np.int64) + (cp >= 0x800) + (cp >= 0x10000)
        ends = np.concatenate([[0], np.cumsum(size)])
        self._extra = {"boffsets": ends[self.array("offsets", "<i8")]}

    def _blob(self, rowid: int):
        return self.conn.blobopen("index_arrays", "data", rowid, readonly=True)

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
