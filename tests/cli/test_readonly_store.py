"""A TM on a read-only share stays searchable (issue 10, case 5), and writing to it is one
`Error:` line saying "read-only" (case 6), never a traceback, with the store unchanged.

The commands run in a subprocess without the right to ignore permissions (tests/hostile_env).
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from zhtm.cli.main import main
from zhtm.formats.tmx import TmxHeader, read_tmx, write_tmx
from zhtm.records import Unit

from tests.hostile_env import read_only, run_unprivileged

PAIRS = [("推进京津冀协同发展。", "Promote the coordinated development of Beijing-Tianjin-Hebei."),
         ("城镇新增就业2315万人。", "23.15 million new urban jobs were added."),
         ("全年地区生产总值增长5.2%。", "The region's GDP grew by 5.2 percent.")]


@pytest.fixture()
def share(tmp_path: Path) -> Path:
    """A folder holding a store, as a read-only share would."""
    folder = tmp_path / "share"
    folder.mkdir()
    tmx = tmp_path / "in.tmx"
    write_tmx([Unit(z, e) for z, e in PAIRS], tmx, header=TmxHeader(tool_version="t"))
    result = CliRunner().invoke(main, ["import", str(tmx), "--db", str(folder / "tm.db"), "-q"])
    assert result.exit_code == 0, result.output
    return folder


def dump(db: Path):
    with sqlite3.connect(f"file:{db}?immutable=1", uri=True) as conn:
        return conn.execute("SELECT id, zh, en, count FROM units ORDER BY id").fetchall()


def lookups_work(folder: Path, cwd: Path) -> None:
    db = str(folder / "tm.db")
    done = run_unprivileged("match", "城镇新增就业2300万人。", "--db", db, "--json", cwd=cwd)
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)["matches"][0]
    assert (found["score"], found["en"]) == (84, PAIRS[1][1])
    done = run_unprivileged("match", "--db", db, cwd=cwd, stdin="推进京津冀协同发展。\n")
    assert done.returncode == 0 and "100%" in done.stdout, done.stderr
    done = run_unprivileged("concord", "京津冀", "--db", db, "--json", cwd=cwd)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["total"] == 1
    new = cwd / "new.txt"
    new.write_text("推进京津冀协同发展。\n", encoding="utf-8")
    out = cwd / "pre.tmx"
    done = run_unprivileged("pretranslate", str(new), "-o", str(out), "--db", db, cwd=cwd)
    assert done.returncode == 0, done.stderr
    assert [u.seg("en") for u in read_tmx(out)] == [PAIRS[0][1]]


def test_a_store_in_a_read_only_folder_answers_lookups(share, tmp_path):
    before = dump(share / "tm.db")
    with read_only(share / "tm.db", share):
        lookups_work(share, tmp_path)
    assert sorted(p.name for p in share.iterdir()) == ["tm.db"]
    assert dump(share / "tm.db") == before


def test_a_read_only_store_file_answers_lookups(share, tmp_path):
    with read_only(share / "tm.db"):
        lookups_work(share, tmp_path)


def test_importing_into_a_read_only_store_says_read_only(share, tmp_path):
    db = share / "tm.db"
    more = tmp_path / "more.tmx"
    write_tmx([Unit("新的一句。", "A new one.")], more, header=TmxHeader(tool_version="t"))
    before = dump(db)
    for locked, why in (((db,), "the file is read-only"), ((share,), "its folder is read-only")):
        with read_only(*locked):
            done = run_unprivileged("import", str(more), "--db", str(db), cwd=tmp_path)
        assert done.returncode == 1, done.stderr
        assert "Traceback" not in done.stderr
        assert done.stderr.strip() == f"Error: {db}: the store is read-only ({why}); nothing " \
                                      "was imported"
        assert dump(db) == before


def test_a_read_only_store_is_never_called_not_a_store(share, tmp_path):
    with read_only(share / "tm.db", share):
        done = run_unprivileged("build", "corpus-missing", "--db", str(share / "tm.db"),
                                cwd=tmp_path)
        assert "not a zhtm store" not in done.stderr
        done = run_unprivileged("concord", "京津冀", "--db", str(share / "tm.db"), cwd=tmp_path)
        assert done.returncode == 0 and "not a zhtm store" not in done.stderr
