"""Write-then-rename, so a failure never leaves a half-written output file."""

from __future__ import annotations

import glob
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from .paths import is_stream, write_error


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _remove_stale_parts(dest: Path) -> None:
    """Remove temporary files of earlier writes to `dest` whose process is gone (killed).

    Their names carry the writer's pid; a live writer's file is left alone."""
    prefix = f".{dest.name}."
    for part in dest.parent.glob(f"{glob.escape(prefix)}*.part"):
        pid = part.name[len(prefix):].split(".", 1)[0]
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            try:
                part.unlink()
            except OSError:
                pass
        except OSError:  # alive, someone else's
            pass


@contextmanager
def _stream(dest: Path, mode: str, encoding: str | None) -> Iterator[IO]:
    """Write straight into a device or pipe: renaming a file over `/dev/null` would replace
    the device (as root), and a pipe has no previous content to keep."""
    kwargs = {"encoding": encoding, "newline": ""} if "b" not in mode else {}
    try:
        with open(dest, mode, **kwargs) as handle:
            yield handle
    except OSError as exc:
        if exc.filename in (None, str(dest)):
            raise write_error(dest, exc, existed=True) from None
        raise


@contextmanager
def atomic_output(dest: str | Path, mode: str = "w", encoding: str | None = "utf-8") -> Iterator[IO]:
    """Yield a temporary file beside `dest`; it replaces `dest` only if the block succeeds.

    A symbolic link is followed (the file it names is replaced, the link kept), and a device
    or pipe is written straight into. The temporary file is `.NAME.PID.XXXX.part` (hidden, and no CAT tool loads `.part`); one
    left by a killed writer is removed by the next successful write of `dest`. The folder
    must exist (it is not created). A file that cannot be written (no such folder,
    permission, read-only or full disk) raises `WriteError` and leaves `dest` as it was.
    """
    dest = Path(dest)
    if is_stream(dest):
        with _stream(dest, mode, encoding) as handle:
            yield handle
        return
    if dest.is_symlink():  # replace the file the link names; the link stays a link
        dest = dest.resolve()
    existed = dest.exists()
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}.{os.getpid()}.", suffix=".part",
                                   dir=dest.parent)
    except OSError as exc:
        raise write_error(dest, exc, existed=existed) from None
    try:
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; outputs are ordinary files
        kwargs = {"encoding": encoding, "newline": ""} if "b" not in mode else {}
        with os.fdopen(fd, mode, **kwargs) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, dest)
        _remove_stale_parts(dest)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        # Only errors of this file (a write has no file name); others are the caller's.
        if isinstance(exc, OSError) and exc.filename in (None, tmp, str(dest)):
            raise write_error(dest, exc, existed=existed) from None
        raise
