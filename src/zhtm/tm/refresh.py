"""Refresh the units a job imported into a shared store, and nothing else.

`zhtm build` brings ``tmx/*.tmx`` into the user's store (``$ZHTM_DB`` or ``./zhtm.db``),
which may also hold TMs the user imported. The store remembers which source each owning job
imported from which file (``meta`` rows ``owned:JOB:/resolved/path``). Refreshing a file:

* content imported before (same SHA-256) → nothing changes;
* new content → it is imported, then the source the job imported from that file last time is
  removed: its origins go, each unit's count and date are recounted from the origins left,
  and the units no other source holds are deleted and their index segments rebuilt.

A unit that another source also holds (the user imported the same pair) stays, with its
count lowered. A file the user imported is never the job's, even when its content equals a
built one. All of it is one write transaction under the store's one lock.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .importing import ImportReport, import_files
from .segments import checkpoint, index_new_units
from .store import Store

_CHUNK = 500  # ids per SQL statement


@dataclass(frozen=True, slots=True)
class RefreshReport:
    imported: ImportReport
    owned_units: int    # units that hold at least one origin from the job's files
    removed_units: int  # units of the job's earlier files that nothing holds any more


def _key(owner: str, path: str | Path) -> str:
    return f"owned:{owner}:{Path(path).resolve()}"


def refresh_owned(store: Store, files: Sequence[str | Path], *, owner: str = "build",
                  on_warning: Callable[[object], None] | None = None) -> RefreshReport:
    """Import `files` as `owner`'s, replacing what `owner` imported from them before."""
    c = store.conn
    with store._write():
        before = c.execute("SELECT coalesce(max(id), 0) FROM units").fetchone()[0]
        imported = import_files(c, store.path, files, on_warning)
        stale: list[int] = []
        for file, (report, source_id) in zip(files, imported):
            key = _key(owner, file)
            row = c.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
            previous = int(row[0]) if row else None
            if previous == source_id:
                continue
            if previous is not None:
                stale.append(previous)
            if report.already_imported:  # the same content came from someone else's file
                c.execute("DELETE FROM meta WHERE key=?", (key,))
            else:
                c.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)",
                          (key, str(source_id)))
        index_new_units(c, store.path, before)
        removed = remove_sources(store, stale)
        owned = [int(v) for (v,) in c.execute(
            "SELECT value FROM meta WHERE key LIKE ?", (f"owned:{owner}:%",))]
        owned_units = _count_units_of(store, owned)
    checkpoint(c)
    stats = store.stats()
    report = ImportReport(tuple(r for r, _ in imported), stats.units, stats.segments, 0.0)
    return RefreshReport(report, owned_units, removed)


def _count_units_of(store: Store, sources: Sequence[int]) -> int:
    if not sources:
        return 0
    marks = ",".join("?" * len(sources))
    return store.conn.execute(f"SELECT count(DISTINCT unit_id) FROM origins WHERE source_id "
                              f"IN ({marks})", list(sources)).fetchone()[0]


def remove_sources(store: Store, sources: Sequence[int]) -> int:
    """Inside a write transaction: forget `sources`; returns how many units went with them."""
    if not sources:
        return 0
    c = store.conn
    marks = ",".join("?" * len(sources))
    touched = [u for (u,) in c.execute(
        f"SELECT DISTINCT unit_id FROM origins WHERE source_id IN ({marks})", list(sources))]
    c.execute(f"DELETE FROM origins WHERE source_id IN ({marks})", list(sources))
    c.execute(f"DELETE FROM sources WHERE id IN ({marks})", list(sources))
    gone: list[int] = []
    for start in range(0, len(touched), _CHUNK):
        chunk = touched[start:start + _CHUNK]
        unit_marks = ",".join("?" * len(chunk))
        # one origin per occurrence: the count is the origins left, the date their newest
        c.execute(f"UPDATE units SET count = (SELECT count(*) FROM origins o WHERE "
                  f"o.unit_id = units.id), date = (SELECT max(o.date) FROM origins o WHERE "
                  f"o.unit_id = units.id) WHERE id IN ({unit_marks})", chunk)
        gone += [u for (u,) in c.execute(
            f"SELECT id FROM units WHERE count = 0 AND id IN ({unit_marks})", chunk)]
        c.execute(f"DELETE FROM units WHERE count = 0 AND id IN ({unit_marks})", chunk)
    _reindex(store, gone)
    return len(gone)


def _reindex(store: Store, gone: Sequence[int]) -> None:
    """Rebuild the index segments that hold deleted units, over the units left in each
    segment's range (ranges stay disjoint and ordered, as merging needs)."""
    if not gone:
        return
    c = store.conn
    ordered = sorted(gone)
    for seg, first, last in c.execute(
            "SELECT id, first_unit, last_unit FROM index_segments ORDER BY first_unit").fetchall():
        if not any(first <= u <= last for u in ordered):
            continue
        c.execute("DELETE FROM index_arrays WHERE segment_id=?", (seg,))
        c.execute("DELETE FROM index_segments WHERE id=?", (seg,))
        index_new_units(c, store.path, first - 1, last)
