"""`zhtm build` and the user's TM store (issue 10, cases 2 and 3): build never replaces a file
that is not a zhtm store, never loses units imported from elsewhere, replaces only what it
imported itself, honours $ZHTM_DB and takes the store's one write lock."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from zhtm.cli.main import main
from zhtm.formats.tmx import TmxHeader, read_tmx, write_tmx
from zhtm.records import Unit
from zhtm.tm.matching import Matcher
from zhtm.tm.store import Store

from tests.paths import BEIJING

MINE = [("我的术语库里的一句话。", "A sentence from my own TM."),
        ("另一句只属于我的话。", "Another sentence that is only mine.")]


def run(*args: object, env: dict[str, str] | None = None):
    return CliRunner().invoke(main, [str(a) for a in args], env=env)


def corpus(folder: Path, lines: list[str]) -> Path:
    folder.mkdir(exist_ok=True)
    (folder / "doc.zh-en.txt").write_text("".join(lines), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def beijing_lines() -> list[str]:
    return BEIJING.read_text(encoding="utf-8").splitlines(keepends=True)


def build(tmp: Path, db: Path, *extra: object, env=None):
    return run("build", tmp / "corpus", "--tmx-dir", tmp / "tmx", "--termbase-dir",
               tmp / "termbase", "--db", db, "--lookup", "", *extra, env=env)


def mine_tmx(tmp: Path, pairs=MINE) -> Path:
    path = tmp / "mine.tmx"
    write_tmx([Unit(z, e) for z, e in pairs], path, header=TmxHeader(tool_version="user"))
    return path


def units_of(db: Path) -> dict[str, tuple[str, int]]:
    with sqlite3.connect(db) as conn:
        return {zh: (en, count) for zh, en, count in conn.execute("SELECT zh, en, count FROM units")}


def test_build_refuses_a_db_of_another_application(tmp_path, beijing_lines):
    corpus(tmp_path / "corpus", beijing_lines[8:14])
    other = tmp_path / "contacts.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE people(name TEXT)")
        conn.execute("INSERT INTO people VALUES ('Ada')")
    before = other.read_bytes()
    result = build(tmp_path, other)
    assert result.exit_code == 1, result.output
    assert "contacts.db: not a zhtm store" in result.output
    assert other.read_bytes() == before
    assert not (tmp_path / "tmx").exists()  # refused before any work


def test_build_refuses_a_plain_text_file_as_db(tmp_path, beijing_lines):
    corpus(tmp_path / "corpus", beijing_lines[8:14])
    notes = tmp_path / "notes.txt"
    notes.write_text("my shopping list\n", encoding="utf-8")
    result = build(tmp_path, notes)
    assert result.exit_code == 1 and "notes.txt: not a zhtm store" in result.output
    assert notes.read_text(encoding="utf-8") == "my shopping list\n"


def test_build_keeps_units_imported_from_other_files(tmp_path, beijing_lines):
    corpus(tmp_path / "corpus", beijing_lines[8:14])
    db = tmp_path / "zhtm.db"
    assert run("import", mine_tmx(tmp_path), "--db", db).exit_code == 0
    result = build(tmp_path, db)
    assert result.exit_code == 0, result.output
    built = [(u.seg("zh").strip(), u.seg("en").strip())
             for u in read_tmx(tmp_path / "tmx" / "doc.zh-en.tmx")]
    stored = units_of(db)
    for zh, en in MINE + built:
        assert stored[zh][0] == en
    assert len(stored) == len(MINE) + len(built)
    assert f"{len(built)} units from 1 TMX file(s), 2 units from other sources kept" in result.output
    with Store.open(db, readonly=True) as store:  # and they are found
        assert Matcher(store).match(MINE[0][0], 1, 100).matches[0].unit.en == MINE[0][1]


def test_rebuild_replaces_only_what_build_imported(tmp_path, beijing_lines):
    """Version 1 of the document, then version 2 with paragraphs dropped and added: the
    units only version 1 gave are gone, the user's units stay (a pair the user also
    imported stays with its count lowered), and lookups see exactly the new state."""
    first, second = beijing_lines[8:20], beijing_lines[8:14] + beijing_lines[20:26]
    corpus(tmp_path / "corpus", first)
    db = tmp_path / "zhtm.db"
    assert build(tmp_path, db).exit_code == 0
    old = [(u.seg("zh").strip(), u.seg("en").strip())
           for u in read_tmx(tmp_path / "tmx" / "doc.zh-en.tmx")]
    shared = old[-1]  # the user imports one pair build also made
    assert run("import", mine_tmx(tmp_path, MINE + [shared]), "--db", db).exit_code == 0
    assert units_of(db)[shared[0]] == (shared[1], 2)

    corpus(tmp_path / "corpus", second)
    result = build(tmp_path, db)
    assert result.exit_code == 0, result.output
    new = [(u.seg("zh").strip(), u.seg("en").strip())
           for u in read_tmx(tmp_path / "tmx" / "doc.zh-en.tmx")]
    expected = {zh: en for zh, en in MINE + [shared] + new}
    stored = units_of(db)
    assert {zh: en for zh, (en, _) in stored.items()} == expected
    gone = {zh for zh, _ in old} - set(expected)
    assert gone  # the test means something: version 1 had units version 2 lacks
    assert stored[shared[0]][1] == 1 + (shared in new)
    with Store.open(db, readonly=True) as store:
        matcher = Matcher(store)
        for zh in gone:
            assert all(m.unit.zh != zh for m in matcher.match(zh, 5, 50).matches)
        for zh, en in new + MINE:
            assert matcher.match(zh, 1, 100).matches[0].unit.en == en

    again = build(tmp_path, db)  # same content: nothing changes
    assert again.exit_code == 0 and units_of(db) == stored


def test_build_honours_zhtm_db(tmp_path, beijing_lines, monkeypatch):
    corpus(tmp_path / "corpus", beijing_lines[8:14])
    monkeypatch.chdir(tmp_path)
    env_db = tmp_path / "env.db"
    result = run("build", "corpus", "--lookup", "", env={"ZHTM_DB": str(env_db)})
    assert result.exit_code == 0, result.output
    assert env_db.exists() and not (tmp_path / "zhtm.db").exists()
    assert units_of(env_db)


def test_build_fails_at_once_while_another_import_writes(tmp_path, beijing_lines):
    corpus(tmp_path / "corpus", beijing_lines[8:14])
    db = tmp_path / "zhtm.db"
    assert run("import", mine_tmx(tmp_path), "--db", db).exit_code == 0
    before = units_of(db)
    running = sqlite3.connect(db, isolation_level=None)
    running.execute("BEGIN IMMEDIATE")  # an import holds the store's write lock
    try:
        result = build(tmp_path, db)
    finally:
        running.execute("ROLLBACK")
        running.close()
    assert result.exit_code == 1, result.output
    assert "zhtm.db: another import is writing to this store" in result.output
    assert not (tmp_path / "tmx").exists()  # at once: before aligning anything
    assert units_of(db) == before


def test_build_store_step_takes_the_same_lock(tmp_path, beijing_lines):
    """The lock is checked again where build writes: a writer that starts while build aligns
    makes build fail with the same error, and the store keeps that writer's work only."""
    from zhtm.build import build_store
    from zhtm.errors import StoreBusyError

    corpus(tmp_path / "corpus", beijing_lines[8:14])
    db = tmp_path / "zhtm.db"
    tmx = mine_tmx(tmp_path)
    with Store.open(db, create=True) as store:
        store.add_pairs([("已有的一句。", "One already there.")])
    running = sqlite3.connect(db, isolation_level=None)
    running.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(StoreBusyError, match="another import is writing"):
            build_store([tmx], db)
    finally:
        running.execute("ROLLBACK")
        running.close()
    assert set(units_of(db)) == {"已有的一句。"}


def test_a_failed_store_step_leaves_no_new_store(tmp_path):
    """build's store step into a --db that did not exist: when its import fails, nothing is
    left at --db (it used to leave an empty store) and no temporary file either."""
    from zhtm.build import build_store
    from zhtm.errors import InputError

    good = mine_tmx(tmp_path)
    bad = tmp_path / "broken.tmx"
    bad.write_text("<tmx version='1.4'><body><tu>", encoding="utf-8")
    db = tmp_path / "zhtm.db"
    before = sorted(p.name for p in tmp_path.iterdir())
    with pytest.raises(InputError, match="broken.tmx"):
        build_store([good, bad], db)
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    report = build_store([good], db)
    assert report is not None and units_of(db)
