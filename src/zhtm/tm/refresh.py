"""Refresh the units a job imported into a shared store, and nothing else.

`zhtm build` brings ``tmx/*.tmx`` into the user's store (``$ZHTM_DB`` or ``./zhtm.db``),
which may also hold TMs the user imported. The store remembers which source each owning job
imported from which file (``meta`` rows ``owned:JOB:/resolved/path``). Refreshing a file:

* content imported before (same SHA-256) → nothing changes;
* new content → it is imported, and the source the job imported from that file last time is
  forgotten (`importing.forget_sources`): the units no other source holds leave the store
  and the index (`importing.delete_orphans`).

A unit that another source also holds (the user imported the same pair) stays, with its
count lowered. A file the user imported is never the job's, even when its content equals a
built one. All of it is one write transaction under the store's one lock.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .importing import ImportReport, finish, forget_sources, import_files, start
from .segments import checkpoint
from .store import Store


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
    store._check_writable()
    c = store.conn
    with store._write(bulk=True):  # an import (and maybe the store's upgrade)
        marks = start(c)
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
        report = finish(c, store.path, marks,
                        [s for r, s in imported if not r.already_imported],
                        [r for r, _ in imported], forgotten=forget_sources(c, stale))
        removed = report.removed_units
        owned = [int(v) for (v,) in c.execute(
            "SELECT value FROM meta WHERE key LIKE ?", (f"owned:{owner}:%",))]
        marks = ",".join("?" * len(owned))
        owned_units = c.execute(f"SELECT count(DISTINCT unit_id) FROM origins WHERE source_id "
                                f"IN ({marks})", owned).fetchone()[0] if owned else 0
    checkpoint(c)
    return RefreshReport(report, owned_units, removed)
