"""What a running workbench holds: the store (a read-only connection per worker thread for
lookups, one read-write connection for changes), the lock that serialises its writes, the
loaded fuzzy index, glossaries for term lookups.

Reads run in parallel on their own connections (``Store.open(readonly=True)``; WAL: they see
the last committed state). Writes of this server wait for each other on `write_lock`, then
take the store's own write lock (``BEGIN IMMEDIATE``), which also keeps them apart from
imports by other processes. The fuzzy index is loaded once and reloaded when the store's
index segments change.
"""

from __future__ import annotations

import copy
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..tm.matching import Matcher, read_termbase
from ..tm import review_align
from ..tm.review import Review
from ..tm.store import Store
from .files import Project
from .settings import ServeSettings


class Workbench:
    def __init__(self, settings: ServeSettings) -> None:
        self.settings = settings
        # refuses a file that is not a store; a missing one is made (serve names where)
        Store.open(settings.db, create=True, readonly=settings.db.exists()).close()
        self.project = Project(settings.project, settings.files, store=settings.db)
        self.page_token = secrets.token_urlsafe(24)
        self.write_lock = threading.Lock()
        self._local = threading.local()
        self._opened: list[Store] = []
        self._opened_lock = threading.Lock()
        self._writer: Store | None = None  # opened on the first change (under write_lock)
        self._matcher: Matcher | None = None
        self._matcher_key: tuple[int, ...] | None = None
        self._matcher_lock = threading.Lock()
        self._termbases: dict[str, tuple[float, list]] = {}

    # --- the store ----------------------------------------------------------------------

    def store(self) -> Store:
        """This thread's read-only connection to the store (lookups, pages)."""
        store = getattr(self._local, "store", None)
        if store is None:
            store = Store.open(self.settings.db, readonly=True)
            self._local.store = store
            with self._opened_lock:
                self._opened.append(store)
        return store

    def review(self) -> Review:
        """The review state, to read."""
        return Review(self.store())

    @contextmanager
    def writing(self) -> Iterator[Review]:
        """The review state to change, one writer of this server at a time (on the one
        read-write connection; a store that cannot be written gives `WriteError`)."""
        with self.write_lock:
            if self._writer is None:
                self._writer = Store.open(self.settings.db)
                with self._opened_lock:
                    self._opened.append(self._writer)
            yield Review(self._writer)

    def read_rest(self, doc: int) -> None:
        """Complete a review whose TMX was opened with its first page only: the rest is read
        outside the write lock (other reviewers keep working), then appended in one write."""
        info = self.review().document(doc, "alignment")
        if review_align.is_complete(info):
            return
        rest = review_align.read_rest(self.review(), doc, self.project.input(info.path).path,
                                      info.sha256)
        if rest is not None:
            with self.writing() as review:
                review_align.append_rest(review, rest)

    def close(self) -> None:
        with self._opened_lock:
            for store in self._opened:
                store.close()
            self._opened.clear()
            self._writer = None

    # --- lookups ------------------------------------------------------------------------

    def matcher(self, termbase: Path | None = None) -> Matcher:
        """A matcher over the current index on this thread's connection."""
        store = self.store()
        key = tuple(r[0] for r in store.conn.execute("SELECT id FROM index_segments ORDER BY id"))
        with self._matcher_lock:
            if self._matcher is None or key != self._matcher_key:
                self._matcher = Matcher(store)
                self._matcher_key = key
            shared = self._matcher
        view = copy.copy(shared)  # the loaded segments are shared, read-only
        view.store = store
        view.glossary = self._glossary(termbase) if termbase is not None else ()
        return view

    def _glossary(self, path: Path) -> list:
        stamp = path.stat().st_mtime
        cached = self._termbases.get(str(path))
        if cached is None or cached[0] != stamp:
            cached = (stamp, read_termbase(path))
            self._termbases[str(path)] = cached
        return cached[1]
