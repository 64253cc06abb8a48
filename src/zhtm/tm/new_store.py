"""Import into a store that does not exist yet without ever leaving an empty one behind.

A new store is built under a hidden temporary name beside `--db` and linked into place only
when the import succeeded (`os.link` never replaces a file). A failed or interrupted import
removes only that temporary file, which this process made; nothing at `--db` is touched. If
another process created `--db` meanwhile, the import is done again into that store.
"""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from ..errors import InputError
from ..paths import check_output, write_error

T = TypeVar("T")
_SIDE_FILES = ("", "-wal", "-shm", "-journal")


def import_into(db: Path, work: Callable[[object], T]) -> T:
    """`work(store)` on the store at `db`: opened as it is when it exists, else built new.

    Errors about the temporary file name `db` instead."""
    from .store import Store

    if db.exists() or db.is_symlink():
        with Store.open(db, create=True) as store:
            return work(store)
    check_output(db, option="--db")  # its folder exists and can be written
    try:
        fd, name = tempfile.mkstemp(prefix=f".{db.name}.{os.getpid()}.", suffix=".part",
                                    dir=db.parent)
    except OSError as exc:
        raise write_error(db, exc) from None
    os.close(fd)
    tmp = Path(name)
    try:
        os.chmod(tmp, 0o666 & ~_umask())  # a store is an ordinary file, as one SQLite makes
        try:
            with Store.open(tmp, create=True) as store:
                result = work(store)
        except InputError as exc:
            if exc.path == str(tmp):
                exc.path = str(db)
                exc.args = (exc.describe(),)
            raise
        if _link(tmp, db):
            return result
    finally:
        for side in _SIDE_FILES:
            try:
                os.unlink(f"{tmp}{side}")
            except FileNotFoundError:
                pass
    # another process made the store meanwhile: import into it (it holds its data)
    with Store.open(db, create=True) as store:
        return work(store)


def _link(tmp: Path, db: Path) -> bool:
    """Put the finished store at `db` unless something is there already (False then)."""
    try:
        os.link(tmp, db)
        return True
    except FileExistsError:
        return False
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV):
            raise write_error(db, exc) from None
    # a file system without hard links: rename, after a last look (a narrow race remains)
    if db.exists() or db.is_symlink():
        return False
    try:
        os.rename(tmp, db)
    except OSError as exc:
        raise write_error(db, exc) from None
    return True


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
