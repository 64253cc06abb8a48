"""What the test run may not change: the checkout (tests write only to their own tmp_path).

`checkout_state` is a snapshot of everything git would show as changed, untracked or ignored
(ignored files matter most: the user's ``zhtm.db`` is one), with each file's size and
modification time. The caches tools write while tests run (byte code, pytest's and
Hypothesis's) and the virtual environment scripts/test may make are left out: they are not
the user's.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

TOOL_CACHES = frozenset({"__pycache__", ".pytest_cache", ".hypothesis", ".ruff_cache", ".venv"})

State = dict[str, tuple[str, int, int]]  # path -> (git status code, size, mtime in ns)


def _is_cache(rel: str) -> bool:
    return any(part in TOOL_CACHES for part in Path(rel).parts)


def _stat(path: Path) -> tuple[int, int]:
    try:
        st = path.lstat()
    except OSError:
        return -1, -1
    return st.st_size, st.st_mtime_ns


def checkout_state(root: Path) -> State | None:
    """The snapshot, or None when `root` is not a git checkout (or git is missing)."""
    try:
        out = subprocess.run(["git", "-C", str(root), "status", "--porcelain=v1", "-z",
                              "--ignored", "--untracked-files=all"],
                             capture_output=True, check=True, timeout=60).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    state: State = {}
    entries = iter(out.split(b"\0"))
    for entry in entries:
        if not entry:
            continue
        code, rel = entry[:2].decode(), os.fsdecode(entry[3:])
        if code[0] in "RC":  # a rename names its origin in the next field
            next(entries, None)
        if _is_cache(rel):
            continue
        path = root / rel
        if path.is_dir() and not path.is_symlink():  # an ignored folder: every file in it
            for folder, dirs, files in os.walk(path):
                dirs[:] = [d for d in dirs if d not in TOOL_CACHES]
                for name in files:
                    inner = Path(folder) / name
                    state[str(inner.relative_to(root))] = (code, *_stat(inner))
            state[rel.rstrip("/") + "/"] = (code, 0, 0)
        else:
            state[rel] = (code, *_stat(path))
    return state


def tree_state(root: Path) -> State:
    """Every file under `root` (the shared, read-only material) with its size and mtime."""
    state: State = {}
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d not in TOOL_CACHES]
        for name in files:
            path = Path(folder) / name
            state[str(path)] = ("", *_stat(path))
    return state


def changes(before: State, after: State) -> list[str]:
    """``changed PATH`` (created, written or touched) or ``removed PATH`` for every path
    that differs between two snapshots."""
    out = []
    for rel in sorted(before.keys() | after.keys()):
        if before.get(rel) != after.get(rel):
            gone = rel not in after or after[rel][1] == -1  # (or restored from git)
            out.append(f"{'removed' if gone else 'changed'} {rel}")
    return out
