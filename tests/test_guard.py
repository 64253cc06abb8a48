"""The guard around the test run sees every change to a checkout, the ignored files too."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.guard import changes, checkout_state, tree_state


@pytest.fixture()
def checkout(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    git = ["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@t"]
    (root / ".gitignore").write_text("*.db\n__pycache__/\nbuild/\n", encoding="utf-8")
    (root / "README.md").write_text("readme\n", encoding="utf-8")
    (root / "zhtm.db").write_bytes(b"the user's store")
    (root / "build").mkdir()
    (root / "build" / "old.txt").write_text("x", encoding="utf-8")
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "start"], check=True)
    return root


def test_guard_sees_a_replaced_ignored_store(checkout: Path) -> None:
    before = checkout_state(checkout)
    assert "zhtm.db" in before
    db = checkout / "zhtm.db"
    stat = db.stat()
    db.write_bytes(b"a test's store!!")  # same size
    os.utime(db, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    assert changes(before, checkout_state(checkout)) == ["changed zhtm.db"]


def test_guard_sees_new_edited_and_removed_files(checkout: Path) -> None:
    before = checkout_state(checkout)
    (checkout / "new.db").write_bytes(b"")
    (checkout / "README.md").write_text("edited\n", encoding="utf-8")
    (checkout / "build" / "old.txt").unlink()
    (checkout / "build" / "inner").mkdir()
    (checkout / "build" / "inner" / "deep.txt").write_text("y", encoding="utf-8")
    assert changes(before, checkout_state(checkout)) == [
        "changed README.md", "changed build/inner/deep.txt", "removed build/old.txt",
        "changed new.db"]


def test_guard_ignores_tool_caches(checkout: Path) -> None:
    before = checkout_state(checkout)
    (checkout / "__pycache__").mkdir()
    (checkout / "__pycache__" / "m.cpython-311.pyc").write_bytes(b"\0")
    (checkout / ".hypothesis").mkdir()
    (checkout / ".hypothesis" / "examples").write_bytes(b"\0")
    assert changes(before, checkout_state(checkout)) == []


def test_guard_is_off_outside_a_checkout(tmp_path: Path) -> None:
    assert checkout_state(tmp_path) is None


def test_guard_sees_a_change_to_the_shared_material(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    (shared / "corpus").mkdir(parents=True)
    (shared / "corpus" / "doc.txt").write_text("一\n", encoding="utf-8")
    before = tree_state(shared)
    (shared / "corpus" / "doc.txt").write_text("二二\n", encoding="utf-8")
    assert changes(before, tree_state(shared)) == [f"changed {shared / 'corpus' / 'doc.txt'}"]
