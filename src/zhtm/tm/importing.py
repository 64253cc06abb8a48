"""Importing TMX files (and plain pairs) into a store.

* **Units.** One row per distinct (zh, en) pair (texts trimmed as OmegaT trims). Importing an
  identical pair again raises its ``count`` and keeps the newest TMX date; every occurrence is
  remembered in ``origins`` (source file, line, tuid, props, notes).
* **Atomic.** One import (all its files) is one write transaction: a bad file (not XML, an
  entity, truncated...) rolls back everything. A file whose content (SHA-256) was imported
  before is skipped.
* **Batched.** Pair keys are looked up and units, counts and origins written 20,000 pairs at
  a time (`_Units`), not one upsert per pair.
* **Then** (`finish`): the new units are cut into clause units (`clause_units`), the counts of
  the clause units of units seen again follow their parents, and both kinds are indexed
  (`segments.index_new_units`).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

import numpy as np

from ..errors import ZhtmError
from ..paths import check_inputs, read_error
from .bulk_rows import all_null, insert_columns
from .clause_places import drop_parents, recount, uncut_units
from .clause_units import ClauseStats, add_clause_units
from .pair_keys import TableKeys, digest_keys
from .schema import WriteTxn, now, upgrade
from .segments import (CLAUSE, SENTENCE, checkpoint, give_back_pages, index_new_units,
                       reindex_without)

_JAVA_WS = "".join(chr(c) for c in range(0x21))  # OmegaT trims with Java's String.trim()
_BATCH = 20_000  # pairs looked up and written at a time


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
    segments: int            # index segments afterwards (sentences and clauses)
    index_seconds: float     # CPU: building the index (both kinds)
    removed_units: int = 0   # units only the replaced sources held (`replacing`)
    clauses: int = 0         # clause units in the store afterwards
    clause_stats: ClauseStats = field(default_factory=ClauseStats)  # this import's cutting
    clause_seconds: float = 0.0  # CPU: cutting clauses and finding their English
    unit_seconds: float = 0.0    # CPU: reading files, storing units and origins


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


@dataclass(slots=True)
class _Marks:
    """Where an import started: the last unit and clause unit ids, and the CPU clock."""

    units: int
    clauses: int
    started: float


def start(conn: sqlite3.Connection) -> _Marks:
    """Inside the write, before reading: bring the store to the current schema, note where
    the new units will begin."""
    upgrade(conn)
    return _Marks(conn.execute("SELECT coalesce(max(id), 0) FROM units").fetchone()[0],
                  conn.execute("SELECT coalesce(max(id), 0) FROM clauses").fetchone()[0],
                  time.process_time())


def finish(conn: sqlite3.Connection, path: Path, marks: _Marks, sources: Sequence[int],
           files: Sequence[FileImport], *, clauses: bool = True, forgotten: Sequence[int] = (),
           clause_english: bool = True, held: list[str] | None = None) -> ImportReport:
    """Inside the write, after reading: clause units for the new units (and for older ones
    never cut), the counts of the clause units whose parents were seen again (`sources`: the
    new sources) or forgotten, both kinds indexed, orphaned units removed. `held`: the
    Chinese of the new units in id order (`_Units.held`), so it is not read back."""
    unit_seconds = time.process_time() - marks.started
    started = time.process_time()
    stats = ClauseStats()
    if held is not None and _last_id(conn, "units") - marks.units != len(held):
        held = None  # pragma: no cover - not the new units after all: read them back
    held_clauses: list[str] | None = None
    state = conn.execute("SELECT value FROM meta WHERE key='clauses'").fetchone()
    if clauses:
        held_clauses = []  # the new clause units' Chinese, in id order
        if state is None or state[0] != "complete":
            stats.add(add_clause_units(conn, uncut_units(conn, marks.units),
                                       english=clause_english, held=held_clauses))
            conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('clauses', 'complete')")
        count = conn.execute("SELECT count(*) FROM units WHERE id > ?",
                             (marks.units,)).fetchone()[0]
        stats.add(add_clause_units(conn, _new_units(conn, marks.units, held, clause_english),
                                   english=clause_english, expect=count, held=held_clauses))
        if _last_id(conn, "clauses") - marks.clauses != len(held_clauses):
            held_clauses = None  # pragma: no cover - read them back
    elif (conn.execute("SELECT max(id) FROM units").fetchone()[0] or 0) > marks.units:
        conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('clauses', 'partial')")
    again = _seen_again(conn, sources, marks.units) + list(forgotten)
    recount(conn, again)
    clause_seconds = time.process_time() - started
    started = time.process_time()
    index_new_units(conn, path, marks.units, SENTENCE, held)
    del held
    index_new_units(conn, path, marks.clauses, CLAUSE, held_clauses)
    del held_clauses
    removed = delete_orphans(conn, path, list(forgotten))
    give_back_pages(conn)
    index_seconds = time.process_time() - started
    return ImportReport(
        tuple(files), conn.execute("SELECT count(*) FROM units").fetchone()[0],
        conn.execute("SELECT count(*) FROM index_segments").fetchone()[0], index_seconds,
        removed, conn.execute("SELECT count(*) FROM clauses").fetchone()[0], stats,
        clause_seconds, unit_seconds)


def _last_id(conn: sqlite3.Connection, table: str) -> int:
    return conn.execute(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()[0]


def _new_units(conn: sqlite3.Connection, before: int, held: list[str] | None, english: bool
               ) -> Iterator[tuple[int, str, str, int]]:
    """(id, zh, en, count) of the units above id `before`, in id order; the Chinese from
    `held` when given (then the English is read only when it is wanted)."""
    if held is None:
        return _rows(conn, "SELECT id, zh, en, count FROM units WHERE id > ? ORDER BY id",
                     (before,))
    columns = "id, en, count" if english else "id, '', count"
    return ((uid, held[uid - before - 1], en, count) for uid, en, count in _rows(
        conn, f"SELECT {columns} FROM units WHERE id > ? ORDER BY id", (before,)))


def _seen_again(conn: sqlite3.Connection, sources: Sequence[int], before: int) -> list[int]:
    """Units from before this import that these sources hold."""
    out: list[int] = []
    for at in range(0, len(sources), 900):
        chunk = list(sources[at:at + 900])
        marks = ",".join("?" * len(chunk))
        out += [r[0] for r in conn.execute(
            f"SELECT DISTINCT unit_id FROM origins WHERE source_id IN ({marks}) AND unit_id <= ?",
            [*chunk, before])]
    return out


def import_tmx(conn: sqlite3.Connection, path: Path, files: Sequence[str | Path], *,
               clauses: bool = True, on_warning: Callable[[object], None] | None = None,
               progress: Callable[[int, int], None] | None = None,
               replacing: Iterable[int] = ()) -> ImportReport:
    """Import TMX files into the store at `path` in one transaction (all or nothing), cut
    the new units' clauses (unless `clauses` is false), then index both kinds.
    `progress(done, total)` counts bytes of the files.

    `replacing`: ids of earlier sources these files replace (a reviewed TMX replaces the one
    it was reviewed from). In the same transaction their occurrences go first; units that
    no source holds afterwards leave the store and the index (with their clause units'
    occurrences), the others stay as they are."""
    with WriteTxn(path, conn, bulk=True):
        marks = start(conn)
        affected = forget_sources(conn, list(replacing))
        held: list[str] = []
        imported = import_files(conn, path, files, on_warning, progress, held=held)
        report = finish(conn, path, marks, [s for r, s in imported if not r.already_imported],
                        [r for r, _ in imported], clauses=clauses, forgotten=affected,
                        held=held)
    checkpoint(conn)
    return report


def sources_matching(conn: sqlite3.Connection, sha256: Iterable[str], paths: Iterable[str]
                     ) -> list[int]:
    """Ids of imported sources with one of these contents or paths."""
    wanted_sha, wanted_path = set(sha256), set(paths)
    return [r[0] for r in conn.execute("SELECT id, sha256, path FROM sources ORDER BY id")
            if r[1] in wanted_sha or r[2] in wanted_path]


def forget_sources(conn: sqlite3.Connection, source_ids: list[int]) -> list[int]:
    """Inside the write: forget these sources and their occurrences (counts go down; the
    counts of their clause units follow in `finish`). Returns the units they held
    (`delete_orphans` removes those left with none)."""
    if not source_ids:
        return []
    marks = ",".join("?" * len(source_ids))
    dropped = conn.execute(f"SELECT unit_id, count(*) FROM origins WHERE source_id IN ({marks}) "
                           "GROUP BY unit_id", source_ids).fetchall()
    conn.execute(f"DELETE FROM origins WHERE source_id IN ({marks})", source_ids)
    conn.execute(f"DELETE FROM sources WHERE id IN ({marks})", source_ids)
    conn.executemany("UPDATE units SET count = count - ? WHERE id=?",
                     [(times, unit_id) for unit_id, times in dropped])
    return [unit_id for unit_id, _ in dropped]


def delete_orphans(conn: sqlite3.Connection, path: Path, unit_ids: list[int]) -> int:
    """Inside the write: delete those of `unit_ids` no source holds any more (with their
    clause occurrences, and clause units left without any) and rebuild the index segments
    that held them. Returns how many units were deleted."""
    gone = [u for u in unit_ids
            if not conn.execute("SELECT 1 FROM origins WHERE unit_id=? LIMIT 1", (u,)).fetchone()]
    if not gone:
        return 0
    orphans = drop_parents(conn, gone)
    conn.executemany("DELETE FROM units WHERE id=?", [(u,) for u in gone])
    reindex_without(conn, path, sorted(gone), SENTENCE)
    if orphans:
        reindex_without(conn, path, orphans, CLAUSE)
    return len(gone)


def import_files(conn: sqlite3.Connection, path: Path, files: Sequence[str | Path],
                 on_warning: Callable[[object], None] | None = None,
                 progress: Callable[[int, int], None] | None = None,
                 held: list[str] | None = None) -> list[tuple[FileImport, int]]:
    """Inside a write transaction: each file's report and the id of the source holding its
    content (an earlier one when it was imported before). The new units are neither cut
    nor indexed (`finish` does that). `held`, when given, receives the new units' Chinese
    in id order (for `finish`)."""
    from ..formats.tmx import read_tmx  # formats sit below the store; imported late (lxml)

    out: list[tuple[FileImport, int]] = []
    paths = check_inputs(files)  # missing, folders, unreadable: before any work
    sizes = [p.stat().st_size for p in paths]
    total, done = sum(sizes) or 1, 0  # progress in bytes, estimated from the TU's line
    units = _Units(conn, path, held)
    for file, size in zip(paths, sizes):
        sha, lines = _file_sha256(file)
        known = conn.execute("SELECT id FROM sources WHERE sha256=?", (sha,)).fetchone()
        if known:
            out.append((FileImport(str(file), already_imported=True), known[0]))
        else:
            source_id = conn.execute(
                "INSERT INTO sources(path, sha256, imported, tus, pairs, new_units) "
                "VALUES (?, ?, ?, 0, 0, 0)", (str(file), sha, now())).lastrowid
            tus = read_tmx(file, on_warning=on_warning)
            if progress:
                start_at = done
                tus = _ticking(tus, lambda line: progress(
                    start_at + size * min(line, lines) // lines, total))
            report = units.read(file, source_id, tus)
            conn.execute("UPDATE sources SET tus=?, pairs=?, new_units=? WHERE id=?",
                         (report.tus, report.pairs, report.new_units, source_id))
            out.append((report, source_id))
        done += size
        if progress:
            progress(done, total)
    units.close()
    return out


def add_pairs(conn: sqlite3.Connection, path: Path, pairs: Iterable[tuple[str, str]], *,
              source: str = "<api>", clauses: bool = True, clause_english: bool = True
              ) -> ImportReport:
    """Import (zh, en) pairs directly (benchmarks, tests): same rules as `import_tmx`;
    without `clause_english`, clauses are cut but their English is not sought."""
    with WriteTxn(path, conn, bulk=True):
        marks = start(conn)
        source_id = conn.execute(
            "INSERT INTO sources(path, sha256, imported, tus, pairs, new_units) "
            "VALUES (?, ?, ?, 0, 0, 0)", (source, f"api:{time.time_ns()}", now())).lastrowid
        held: list[str] = []
        units = _Units(conn, path, held)
        report = units.read_pairs(Path(source), source_id, pairs)
        units.close()
        conn.execute("UPDATE sources SET tus=?, pairs=?, new_units=? WHERE id=?",
                     (report.tus, report.pairs, report.new_units, source_id))
        result = finish(conn, path, marks, [source_id], [report], clauses=clauses,
                        clause_english=clause_english, held=held)
    checkpoint(conn)
    return result


def _rows(conn: sqlite3.Connection, sql: str, parameters: tuple) -> Iterator[tuple]:
    """A query's rows a few thousand at a time (the same connection writes meanwhile); run
    only once the first row is asked for."""
    cursor = conn.execute(sql, parameters)
    while True:
        rows = cursor.fetchmany(5000)
        if not rows:
            return
        yield from rows


class _Units:
    """Units and origins written in batches: pair keys looked up a batch at a time, new
    units inserted with the next ids, repeated ones counted, origins appended; the new
    units' Chinese appended to `held` (when given)."""

    def __init__(self, conn: sqlite3.Connection, path: Path, held: list[str] | None = None
                 ) -> None:
        self.conn, self.path, self.held = conn, path, held
        self.next_id = conn.execute("SELECT coalesce(max(id), 0) FROM units").fetchone()[0] + 1
        self.keys = TableKeys(conn, "units")

    def close(self) -> None:
        """After the last file: the key index back (when a large import dropped it)."""
        self.keys.restore()

    def read(self, path: Path, source_id: int, tus: Iterable) -> FileImport:
        tus_read = pairs = skipped = new = 0
        batch: list[tuple] = []
        for tu in tus:
            tus_read += 1
            found = _pairs_of(tu)
            if not found:
                skipped += 1
                continue
            line, tuid = tu.line or None, tu.tuid
            for zh, en, zh_lang, en_lang, date, props, notes in found:
                pairs += 1
                batch.append((zh, en, zh_lang, en_lang, date, line, tuid,
                              json.dumps(props, ensure_ascii=False) if props else None,
                              json.dumps(notes, ensure_ascii=False) if notes else None))
            if len(batch) >= _BATCH:
                new += self._flush(batch, source_id)
                batch = []
        if batch:
            new += self._flush(batch, source_id)
        return FileImport(str(path), tus_read, pairs, new, skipped)

    def read_pairs(self, path: Path, source_id: int, pairs: Iterable[tuple[str, str]]
                   ) -> FileImport:
        """`read` for plain (zh, en) pairs (`add_pairs`): each a TU of one pair in zh-CN and
        en-US without date, line, tuid, props or notes, trimmed, skipped when a side is
        empty; a batch's columns made at once."""
        tus_read = kept = new = 0
        pairs = iter(pairs)
        while chunk := list(islice(pairs, _BATCH)):
            tus_read += len(chunk)
            rows = [(zh, en) for zh, en in ((z.strip(_JAVA_WS), e.strip(_JAVA_WS))
                                            for z, e in chunk) if zh and en]
            if not rows:
                continue
            kept += len(rows)
            zh, en = zip(*rows)
            nothing = (None,) * len(rows)
            new += self._store(source_id, zh, en, ("zh-CN",) * len(rows),
                               ("en-US",) * len(rows), nothing, nothing, nothing, nothing,
                               nothing)
        return FileImport(str(path), tus_read, kept, new, tus_read - kept)

    def _flush(self, batch: list[tuple], source_id: int) -> int:
        """Store a batch of (zh, en, zh_lang, en_lang, date, line, tuid, props, notes)."""
        return self._store(source_id, *zip(*batch))

    def _store(self, source_id: int, zh: Sequence[str], en: Sequence[str],
               zh_lang: Sequence[str], en_lang: Sequence[str], dates: Sequence[str | None],
               lines: Sequence[int | None], tuids: Sequence[str | None],
               props: Sequence[str | None], notes: Sequence[str | None]) -> int:
        """Store a batch given column by column: its distinct pairs looked up by key at
        once, new ones inserted with the next ids in the order first seen, known ones
        counted, every row an origin."""
        conn = self.conn
        keys = digest_keys(zh, en)
        distinct, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
        by_first = np.argsort(first)
        slot_of = np.empty(len(distinct), np.int64)
        slot_of[by_first] = np.arange(len(distinct))
        slot = slot_of[inverse.reshape(-1)]  # each row's pair, numbered in order first seen
        firsts = first[by_first]            # the row where each pair is first seen
        pair_keys_ = distinct[by_first]
        ids = self.keys.find(pair_keys_)
        known = np.flatnonzero(ids)
        if len(known):
            self._check_collisions(ids[known].tolist(), firsts[known].tolist(), zh, en)
        fresh = np.flatnonzero(ids == 0)
        ids[fresh] = np.arange(self.next_id, self.next_id + len(fresh))
        self.next_id += len(fresh)
        counts = np.bincount(slot, minlength=len(ids))
        newest: list[str | None] = [None] * len(ids)
        if not all_null(dates):  # pairs without dates (add_pairs, most TMX) skip the walk
            slots = slot.tolist()
            for row, date in enumerate(dates):
                if date and (newest[slots[row]] is None or date > newest[slots[row]]):
                    newest[slots[row]] = date
        fresh_rows = firsts[fresh].tolist()
        fresh_list = fresh.tolist()
        fresh_zh = [zh[r] for r in fresh_rows]
        if self.held is not None:
            self.held += fresh_zh
        insert_columns(conn, "units", {
            "id": ids[fresh].tolist(), "pair_key": pair_keys_[fresh].tolist(),
            "zh": fresh_zh, "en": [en[r] for r in fresh_rows],
            "zh_lang": [zh_lang[r] for r in fresh_rows], "en_lang": [en_lang[r] for r in fresh_rows],
            "count": counts[fresh].tolist(), "date": [newest[k] for k in fresh_list]})
        self.keys.added(pair_keys_[fresh], ids[fresh])
        conn.executemany("UPDATE units SET count = count + ?1, date = CASE WHEN ?2 > "
                         "coalesce(date, '') THEN ?2 ELSE date END WHERE id = ?3",
                         [(int(counts[k]), newest[k], int(ids[k])) for k in known.tolist()])
        insert_columns(conn, "origins", {
            "unit_id": ids[slot].tolist(), "source_id": [source_id] * len(slot), "line": lines,
            "tuid": tuids, "date": dates, "props": props, "notes": notes})
        return len(fresh)

    def _check_collisions(self, ids: list[int], rows: list[int], zh: Sequence[str],
                          en: Sequence[str]) -> None:
        """A stored unit found by key must hold the same pair (64-bit keys)."""
        stored: dict[int, tuple[str, str]] = {}
        for start in range(0, len(ids), 900):
            chunk = ids[start:start + 900]
            marks = ",".join("?" * len(chunk))
            stored.update((uid, (z, e)) for uid, z, e in self.conn.execute(
                f"SELECT id, zh, en FROM units WHERE id IN ({marks})", chunk))
        for uid, row in zip(ids, rows):
            if stored[uid] != (zh[row], en[row]):  # pragma: no cover - 64-bit collision
                raise ZhtmError(f"{self.path}: pair key collision; report this as a bug")


def _trim(text: str) -> str:
    return text.strip(_JAVA_WS)


def _pairs_of(tu) -> list[tuple]:
    """(zh, en, zh_lang, en_lang, date, props, notes) for each English variant of a TU (a
    TMX unit), or for a plain pair (``tu.variants`` None: `add_pairs`)."""
    variants = tu.variants
    if variants is None:
        zh, en = tu.zh.strip(_JAVA_WS), tu.en.strip(_JAVA_WS)
        return [(zh, en, "zh-CN", "en-US", None, (), ())] if zh and en else []
    from ..formats.tmx import lang_base

    zh_variant = next((v for v in variants if lang_base(v.lang) == "zh" and _trim(v.text)), None)
    if zh_variant is None:
        return []
    zh = _trim(zh_variant.text)
    seen: set[str] = set()
    out = []
    for v in variants:
        en = _trim(v.text)
        if lang_base(v.lang) != "en" or not en or en in seen:
            continue
        seen.add(en)
        dates = [d for d in (tu.changedate, tu.creationdate, v.changedate, v.creationdate,
                             zh_variant.changedate, zh_variant.creationdate) if d]
        props = list(tu.props) + list(zh_variant.props) + list(v.props)
        notes = list(tu.notes) + list(zh_variant.notes) + list(v.notes)
        out.append((zh, en, zh_variant.lang, v.lang, max(dates) if dates else None, props,
                    notes))
    return out
