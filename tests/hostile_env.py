"""Hostile surroundings for the command line: files this user cannot read or write, and a
full disk. Each helper skips when the machine cannot set it up, except under CI (env ``CI``
set), where it fails: CI must run these tests.

* Permissions: root ignores them, so as root the command runs without the capabilities that
  override them (``setpriv`` drops CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH); as any other
  user, ``chmod`` is enough.
* A full disk is a small tmpfs mounted inside the test's tmp_path (needs root), filled.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.paths import ROOT

_DROP = "-dac_override,-dac_read_search"


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() not in ("", "0", "false")


def cannot(message: str) -> None:
    if in_ci():
        pytest.fail(message + "; CI must run this test")
    pytest.skip(message)


def zhtm_command(*args: str) -> list[str]:
    """`python -m zhtm ARGS`, without the privilege to ignore file permissions."""
    command = [sys.executable, "-m", "zhtm", *args]
    if os.geteuid() != 0:
        return command
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        cannot("running as root without setpriv: cannot drop the right to ignore permissions")
    return [setpriv, "--bounding-set", _DROP, "--inh-caps", _DROP, *command]


def run_unprivileged(*args: str, cwd: Path, stdin: str | None = None,
                     env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "PYTHONPATH": str(ROOT / "src"), **(env or {})}
    environment.pop("ZHTM_DB", None)
    return subprocess.run(zhtm_command(*args), cwd=cwd, input=stdin, capture_output=True,
                          text=True, env=environment, timeout=300, check=False)


@contextmanager
def read_only(*paths: Path) -> Iterator[None]:
    """Files and folders made read-only (for the unprivileged command) while in the block."""
    modes = [(p, p.stat().st_mode & 0o7777) for p in paths]
    try:
        for path, mode in modes:
            path.chmod(mode & ~0o222)
        yield
    finally:
        for path, mode in reversed(modes):
            path.chmod(mode)


@contextmanager
def unreadable(path: Path) -> Iterator[None]:
    mode = path.stat().st_mode & 0o7777
    path.chmod(0)
    try:
        yield
    finally:
        path.chmod(mode)


@contextmanager
def full_disk(where: Path, size_kb: int = 256) -> Iterator[Path]:
    """A tmpfs of `size_kb` at `where`, then filled until a write fails: every later write
    there hits ENOSPC. Files made inside the block before filling (``prepare``) stay."""
    where.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        cannot("mounting a small tmpfs needs root and mount(8)")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_kb}k", "tmpfs", str(where)],
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        cannot(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", str(where)], capture_output=True, check=False)
        if os.path.ismount(where):
            subprocess.run(["umount", "-l", str(where)], capture_output=True, check=False)


def fill(folder: Path) -> None:
    """Write a filler file into `folder` until its file system is full."""
    with open(folder / "filler", "wb", buffering=0) as handle:
        try:
            while True:
                handle.write(b"\0" * 4096)
        except OSError:
            pass
    assert os.statvfs(folder).f_bavail == 0
