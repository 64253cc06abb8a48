"""The one exception root of zhtm.

The library raises these; only the CLI turns them into messages and exit codes.
"""

from __future__ import annotations

from pathlib import Path


class ZhtmError(Exception):
    """Base of every error zhtm raises on purpose."""


class InputError(ZhtmError):
    """Bad input data: names the file, the place in it and what is wrong (exit 1)."""

    def __init__(self, path: str | Path | None, message: str, *, line: int | None = None,
                 where: str | None = None) -> None:
        self.path = str(path) if path is not None else None
        self.line = line
        self.where = where
        self.message = message
        super().__init__(self.describe())

    def describe(self) -> str:
        place = self.path or "<input>"
        if self.line is not None:
            place += f":{self.line}"
        if self.where:
            place += f" ({self.where})"
        return f"{place}: {self.message}"


class WriteError(InputError):
    """An output or the store cannot be written (permission, read-only, disk full, no such
    folder): exit 1. Whatever was there before is unchanged."""


class StoreBusyError(ZhtmError):
    """Another import holds the TM store's write lock (exit 1; nothing was imported)."""


class ConflictError(ZhtmError):
    """A review change refused because what it edits changed meanwhile (another reviewer, or
    an older view of the page): nothing was changed; reload and decide again."""


class UsageError(ZhtmError):
    """The request itself is wrong (bad combination of options): exit 2."""
