"""How the store's SQLite file is reached: read-write or read-only, and SQLite's errors in
zhtm's words (`schema.connect` and `schema.WriteTxn` use these).

* **Read-only.** A TM on a read-only share or in a folder the user cannot write must still
  answer lookups. ``mode=ro`` is tried first; SQLite then still needs to create the
  ``-shm`` file of a WAL database beside it, which a read-only folder forbids, so the file
  is opened ``immutable`` instead: safe because a store in a folder nobody here can write
  cannot change under us, and refused when an unfinished write-ahead log lies beside it
  (immutable would not see its commits).
* **Errors.** Every SQLite error a store operation can raise becomes one zhtm error: busy →
  `StoreBusyError`; read-only file or folder → `WriteError` saying "read-only"; full disk
  and I/O errors → `WriteError`; anything else about the file → `InputError`.
"""

from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path
from urllib.parse import quote

from ..errors import InputError, StoreBusyError, WriteError, ZhtmError
from ..paths import reason

NOTHING_IMPORTED = "nothing was imported"
BUSY_MESSAGE = ("another import is writing to this store; nothing was imported (try again "
                "when it has finished)")


def sqlite_connect(path: Path, *, readonly: bool = False,
                   immutable: bool = False) -> sqlite3.Connection:
    if readonly or immutable:
        uri = f"file:{quote(str(path.absolute()))}?" + ("immutable=1" if immutable else "mode=ro")
        return sqlite3.connect(uri, uri=True, isolation_level=None, timeout=5.0,
                               check_same_thread=False)
    return sqlite3.connect(str(path), isolation_level=None, timeout=5.0,
                           check_same_thread=False)


def can_open_immutable(path: Path) -> bool:
    """Immutable reading skips the write-ahead log: only when there is none to replay."""
    try:
        return Path(f"{path}-wal").stat().st_size == 0
    except FileNotFoundError:
        return True
    except OSError:
        return False


def is_read_only(exc: sqlite3.Error) -> bool:
    name = getattr(exc, "sqlite_errorname", "") or ""
    return name.startswith(("SQLITE_READONLY", "SQLITE_CANTOPEN")) or "readonly" in str(exc)


def cannot_write(exc: sqlite3.Error) -> bool:
    """Read-only file or folder, full disk, I/O error (creating the -shm file fails so)."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    return is_read_only(exc) or name.startswith(("SQLITE_IOERR", "SQLITE_FULL"))


def not_a_database(exc: sqlite3.Error) -> bool:
    name = getattr(exc, "sqlite_errorname", "") or ""
    return name in ("SQLITE_NOTADB", "SQLITE_CORRUPT") or not cannot_write(exc) and \
        not name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED"))


def _disk_full(path: Path) -> bool:
    try:
        return os.statvfs(path.parent).f_bavail == 0
    except OSError:
        return False


def why_read_only(path: Path) -> str:
    """Why a store cannot be written, in the words of `paths.reason`."""
    folder = path.parent
    try:
        if os.statvfs(path if path.exists() else folder).f_flag & os.ST_RDONLY:
            return reason(OSError(errno.EROFS, ""))
    except OSError:
        pass
    if path.exists() and not os.access(path, os.W_OK):
        return "the file is read-only"
    if not os.access(folder, os.W_OK | os.X_OK):
        return "its folder is read-only"
    return "permission denied"


def store_error(path: Path, exc: sqlite3.Error, *, doing: str = "nothing was written") -> ZhtmError:
    """The zhtm error for an SQLite error on the store at `path`."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    if name.startswith("SQLITE_BUSY") or name.startswith("SQLITE_LOCKED") or \
            "database is locked" in str(exc):
        return StoreBusyError(f"{path}: {BUSY_MESSAGE}")
    if is_read_only(exc):
        return WriteError(path, f"the store is read-only ({why_read_only(path)}); {doing}")
    if name == "SQLITE_FULL" or "disk is full" in str(exc) or \
            name.startswith("SQLITE_IOERR") and _disk_full(path):
        return WriteError(path, f"cannot write (disk full); {doing}")
    if name.startswith("SQLITE_IOERR"):
        return WriteError(path, f"cannot write (input/output error: {exc}); {doing}")
    if name in ("SQLITE_NOTADB", "SQLITE_CORRUPT") or "malformed" in str(exc):
        return InputError(path, f"damaged store or not a zhtm store ({exc})")
    return InputError(path, f"store error: {exc}")
