"""The checks every command makes on the files it is given, in one place.

So that each kind of problem gets one exit code and one wording whatever the command:

=====================================  ======  ===================================================
problem                                exit    message (after ``Error: ``)
=====================================  ======  ===================================================
input missing                          1       ``PATH: no such file``
input is a folder                      1       ``PATH: is a folder, not a file``
input unreadable                       1       ``PATH: cannot read (permission denied)``
input folder missing / is a file       1       ``PATH: no such folder`` / ``PATH: is a file, not a folder``
output's folder missing                1       ``FOLDER: no such folder (create it first)``
output's folder unwritable             1       ``FOLDER: cannot write (permission denied)``
output cannot be written (disk full)   1       ``PATH: cannot write (disk full); ...``
output is an input, the store, --keep  2       ``-o PATH is the same file as the input X: ...``
=====================================  ======  ===================================================

"The same file" follows symbolic links and compares inodes (hard links), and the store's
``-wal``/``-shm``/``-journal`` files count as the store. Nothing here creates a folder the
user did not ask for: `-o` into a missing folder is refused, as ``cp`` and ``sort -o`` do.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Iterable
from pathlib import Path

from .errors import InputError, UsageError, WriteError

_REASONS = {
    errno.EACCES: "permission denied", errno.EPERM: "operation not permitted",
    errno.EROFS: "read-only file system", errno.ENOSPC: "disk full",
    errno.EDQUOT: "disk quota exceeded", errno.ENOENT: "no such file or folder",
    errno.ENOTDIR: "not a folder", errno.EISDIR: "is a folder", errno.EFBIG: "file too large",
    errno.EIO: "input/output error", errno.ENAMETOOLONG: "name too long",
    errno.ELOOP: "too many levels of symbolic links",
}
STORE_FILES = ("", "-wal", "-shm", "-journal")  # a SQLite store and the files beside it
DB_ENV = "ZHTM_DB"       # every command's store: $ZHTM_DB if set, else ./zhtm.db
DEFAULT_DB = "zhtm.db"


def reason(exc: OSError) -> str:
    """A short lower-case reason for an OSError: "permission denied", "disk full"..."""
    if exc.errno in _REASONS:
        return _REASONS[exc.errno]
    return (exc.strerror or str(exc)).lower()


def read_error(path: str | Path, exc: OSError) -> InputError:
    """The one wording for an input that cannot be read."""
    if isinstance(exc, FileNotFoundError):
        return InputError(path, "no such file")
    if isinstance(exc, IsADirectoryError):
        return InputError(path, "is a folder, not a file")
    return InputError(path, f"cannot read ({reason(exc)})")


def write_error(path: str | Path, exc: OSError, *, existed: bool | None = None) -> WriteError:
    """The one wording for an output that cannot be written; says what is left as it was."""
    path = Path(path)
    folder = path.parent
    if isinstance(exc, (FileNotFoundError, NotADirectoryError)) and not folder.is_dir():
        return WriteError(folder, "no such folder (create it first)")
    if is_stream(path):  # a device or pipe (`-o -`): there is no previous file to speak of
        return WriteError(path, f"cannot write ({reason(exc)})")
    if existed is None:
        existed = path.exists()
    left = "the previous file is unchanged" if existed else "nothing was written"
    return WriteError(path, f"cannot write ({reason(exc)}); {left}")


def check_input(path: str | Path) -> Path:
    """`path` is a file this process can read; else InputError (exit 1) in the one wording."""
    path = Path(path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)  # non-blocking: a FIFO may be given
    except OSError as exc:
        raise read_error(path, exc) from None
    try:
        if os.path.isdir(path):
            raise InputError(path, "is a folder, not a file")
    finally:
        os.close(fd)
    return path


def check_inputs(paths: Iterable[str | Path]) -> list[Path]:
    return [check_input(p) for p in paths]


def check_folder(path: str | Path) -> Path:
    """`path` is a folder that can be listed (an input folder, like build's corpus)."""
    path = Path(path)
    if not path.exists():
        raise InputError(path, "no such folder")
    if not path.is_dir():
        raise InputError(path, "is a file, not a folder")
    if not os.access(path, os.R_OK | os.X_OK):
        raise InputError(path, "cannot read (permission denied)")
    return path


def same_file(a: str | Path, b: str | Path) -> bool:
    """Whether two paths name one file: symbolic links followed, hard links by inode."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        pass
    try:
        return Path(a).resolve() == Path(b).resolve()
    except (OSError, RuntimeError):
        return False


def is_stream(path: str | Path) -> bool:
    """An existing output that is neither a file nor a folder: a device or a pipe (`-o
    /dev/null`, `-o /dev/stdout`). It is written straight into, never replaced by a file."""
    path = Path(path)
    return path.exists() and not path.is_file() and not path.is_dir()


def _writable_folder(folder: Path) -> None:
    if not folder.exists():
        raise WriteError(folder, "no such folder (create it first)")
    if not folder.is_dir():
        raise WriteError(folder, "is a file, not a folder")
    if not os.access(folder, os.W_OK | os.X_OK):
        probe = OSError(errno.EROFS if _read_only_fs(folder) else errno.EACCES, "")
        raise WriteError(folder, f"cannot write ({reason(probe)})")


def _read_only_fs(folder: Path) -> bool:
    try:
        return bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    except OSError:
        return False


def refuse_overwriting(output: str | Path, *, inputs: Iterable[str | Path] = (),
                       store: str | Path | None = None, keep: str | Path | None = None,
                       option: str = "-o") -> None:
    """UsageError (exit 2) when `output` is one of `inputs`, the `store` (or its -wal/-shm
    files) or `keep`."""
    protected: list[tuple[str, Path]] = [("the input", Path(p)) for p in inputs]
    if store is not None:
        protected += [("the store", Path(f"{store}{suffix}")) for suffix in STORE_FILES]
    if keep is not None:
        protected.append(("--keep", Path(keep)))
    for label, path in protected:
        if same_file(output, path):
            raise UsageError(f"{option} {output} is the same file as {label} {path}: "
                             "refusing to overwrite it")


def check_output(output: str | Path, *, inputs: Iterable[str | Path] = (),
                 store: str | Path | None = None, keep: str | Path | None = None,
                 option: str = "-o") -> Path:
    """Refuse an output that would destroy something or cannot be written, before any work:
    `refuse_overwriting` (exit 2), then WriteError (exit 1) when its folder is missing, is
    not a folder or cannot be written, and InputError when `output` itself is a folder."""
    output = Path(output)
    refuse_overwriting(output, inputs=inputs, store=store, keep=keep, option=option)
    if output.is_dir():
        raise InputError(output, "is a folder, not a file")
    if not is_stream(output):  # a device or pipe is written into, its folder is not touched
        _writable_folder(output.parent)
    return output


def output_folder(folder: str | Path) -> Path:
    """A folder a job writes its outputs into (build's tmx/ and termbase/): made if missing,
    but only when its parent exists (a mistyped path is not silently created)."""
    folder = Path(folder)
    if not folder.is_dir():
        _writable_folder(folder.parent)
        try:
            folder.mkdir()
        except FileExistsError:
            raise WriteError(folder, "is a file, not a folder") from None
        except OSError as exc:
            raise write_error(folder, exc) from None
    _writable_folder(folder)
    return folder
