"""Importing TMX files (and plain pairs) into a store.

* **Units.** One row per distinct (zh, en) pair (texts trimmed as OmegaT trims). Importing an
  identical pair again raises its ``count`` and keeps the newest TMX date; every occurrence is
  remembered in ``origins`` (source file, line, tuid, props, notes).
* **Atomic.** One import (all its files) is one write transaction: a bad file (not XML, an
  entity, truncated...) rolls back everything. A file whose content (SHA-256) was imported
  before is skipped. The new units are then indexed (`segments.index_new_units`).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import ZhtmError
from ..paths import check_inputs, read_error
from .schema import WriteTxn, now
from .segments import checkpoint, index_new_units, reindex_without

_JAVA_WS = "".join(chr(c) for c in range(0x21))  # OmegaT trims with Java's String.trim()


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
    removed_units: int = 0   # units only the replaced sources held (`replacing`)


def pair_key(zh: str, en: str) -> int:
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


def _report(conn: sqlite3.Connection, files: tuple[FileImport, ...], seconds: float,
            removed: int = 0) -> ImportReport:
    units = conn.execute("SELECT count(*) FROM units").fetchone()[0]
    segments = conn.execute("SELECT count(*) FROM index_segments").fetchone()[0]
    return ImportReport(files, units, segments, seconds, removed)


def import_tmx(conn: sqlite3.Connection, path: Path, files: Sequence[str | Path], *,
               on_warning: Callable[[object], None] | None = None,
               progress: Callable[[int, int], None] | None = None,
               replacing: Iterable[int] = ()) -> ImportReport:
    """Import TMX files into the store at `path` in one transaction (all or nothing), then
    index the new units. `progress(done, total)` counts bytes of the files.

    `replacing`: ids of earlier sources these files replace (a reviewed TMX replaces the one
    it was reviewed from). In the same transaction their occurrences go first; units that
    no source holds afterwards leave the store and the index, the others stay as they are."""
    with WriteTxn(path, conn):
        affected = forget_sources(conn, list(replacing))
        before = conn.execute("SELECT coalesce(max(id), 0) FROM units").fetchone()[0]
        reports = [report for report, _ in import_files(conn, path, files, on_warning,
                                                        progress)]
        started = time.perf_counter()
        index_new_units(conn, path, before)
        removed = delete_orphans(conn, path, affected)
        seconds = time.perf_counter() - started
    checkpoint(conn)
    return _report(conn, tuple(reports), seconds, removed)


def sources_matching(conn: sqlite3.Connection, sha256: Iterable[str], paths: Iterable[str]
                     ) -> list[int]:
    """Ids of imported sources with one of these contents or paths."""
    wanted_sha, wanted_path = set(sha256), set(paths)
    return [r[0] for r in conn.execute("SELECT id, sha256, path FROM sources ORDER BY id")
            if r[1] in wanted_sha or r[2] in wanted_path]


def forget_sources(conn: sqlite3.Connection, source_ids: list[int]) -> list[int]:
    """Inside the write: forget these sources and their occurrences (counts go down).
    Returns the units they held (`delete_orphans` removes those left with none)."""
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
    """Inside the write: delete those of `unit_ids` no source holds any more and rebuild the
    index segments that held them. Returns how many were deleted."""
    gone = [u for u in unit_ids
            if not conn.execute("SELECT 1 FROM origins WHERE unit_id=? LIMIT 1", (u,)).fetchone()]
    conn.executemany("DELETE FROM units WHERE id=?", [(u,) for u in gone])
    if gone:
        reindex_without(conn, path, sorted(gone))
    return len(gone)


def import_files(conn: sqlite3.Connection, path: Path, files: Sequence[str | Path],
                 on_warning: Callable[[object], None] | None = None,
                 progress: Callable[[int, int], None] | None = None
                 ) -> list[tuple[FileImport, int]]:
    """Inside a write transaction: each file's report and the id of the source holding its
    content (an earlier one when it was imported before). The new units are not indexed."""
    from ..formats.tmx import read_tmx  # formats sit below the store; imported late (lxml)

    out: list[tuple[FileImport, int]] = []
    paths = check_inputs(files)  # missing, folders, unreadable: before any work
    sizes = [p.stat().st_size for p in paths]
    total, done = sum(sizes) or 1, 0  # progress in bytes, estimated from the TU's line
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
                start = done
                tus = _ticking(tus, lambda line: progress(
                    start + size * min(line, lines) // lines, total))
            report = _import_units(conn, path, file, source_id, tus)
            conn.execute("UPDATE sources SET tus=?, pairs=?, new_units=? WHERE id=?",
                         (report.tus, report.pairs, report.new_units, source_id))
            out.append((report, source_id))
        done += size
        if progress:
            progress(done, total)
    return out


def add_pairs(conn: sqlite3.Connection, path: Path, pairs: Iterable[tuple[str, str]], *,
              source: str = "<api>") -> ImportReport:
    """Import (zh, en) pairs directly (benchmarks, tests): same rules as `import_tmx`."""
    class _TU:  # the little of TmxUnit that _pairs_of needs
        __slots__ = ("zh", "en", "line", "tuid")

        def __init__(self, zh: str, en: str) -> None:
            self.zh, self.en, self.line, self.tuid = zh, en, None, None

    with WriteTxn(path, conn):
        before = conn.execute("SELECT coalesce(max(id), 0) FROM units").fetchone()[0]
        source_id = conn.execute(
            "INSERT INTO sources(path, sha256, imported, tus, pairs, new_units) "
            "VALUES (?, ?, ?, 0, 0, 0)", (source, f"api:{time.time_ns()}", now())).lastrowid
        report = _import_units(conn, path, Path(source), source_id,
                               (_TU(z, e) for z, e in pairs))
        conn.execute("UPDATE sources SET tus=?, pairs=?, new_units=? WHERE id=?",
                     (report.tus, report.pairs, report.new_units, source_id))
        started = time.perf_counter()
        index_new_units(conn, path, before)
        seconds = time.perf_counter() - started
    checkpoint(conn)
    return _report(conn, (report,), seconds)


def _import_units(conn: sqlite3.Connection, store_path: Path, path: Path, source_id: int,
                  tus: Iterable) -> FileImport:
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
            unit_id, zh_in, en_in, count = conn.execute(
                upsert, (pair_key(zh, en), zh, en, zh_lang, en_lang, date)).fetchone()
            if (zh_in, en_in) != (zh, en):  # pragma: no cover - a 64-bit hash collision
                raise ZhtmError(f"{store_path}: pair key collision; report this as a bug")
            if count == 1:
                new += 1
            origins.append((unit_id, source_id, tu.line or None, tu.tuid, date,
                            json.dumps(props, ensure_ascii=False) if props else None,
                            json.dumps(notes, ensure_ascii=False) if notes else None))
        if len(origins) >= 5000:
            _add_origins(conn, origins)
    _add_origins(conn, origins)
    return FileImport(str(path), tus_read, pairs, new, skipped)


def _add_origins(conn: sqlite3.Connection, rows: list[tuple]) -> None:
    conn.executemany("INSERT INTO origins(unit_id, source_id, line, tuid, date, props, "
                     "notes) VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
    rows.clear()


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
