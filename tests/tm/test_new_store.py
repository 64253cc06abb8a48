"""A failed import into a new --db leaves nothing behind, and never removes a store that
another process made meanwhile (zhtm.tm.new_store)."""

import sqlite3

import pytest
from click.testing import CliRunner

from zhtm.tm.new_store import import_into
from zhtm.cli.tm import import_cmd
from zhtm.errors import InputError
from zhtm.formats.tmx import TmxHeader, write_tmx
from zhtm.records import Unit
from zhtm.tm.store import Store


def _tmx(path, pairs):
    write_tmx([Unit(z, e) for z, e in pairs], path, header=TmxHeader(tool_version="test"))
    return path


def _units(db):
    conn = sqlite3.connect(db)
    try:
        return sorted(r[0] for r in conn.execute("SELECT zh FROM units"))
    finally:
        conn.close()


def test_a_failed_import_into_a_new_store_leaves_no_file(tmp_path):
    bad = tmp_path / "bad.tmx"
    bad.write_text("<tmx><body><tu>", encoding="utf-8")
    db = tmp_path / "new.db"
    result = CliRunner().invoke(import_cmd, [str(bad), "--db", str(db)])
    assert result.exit_code == 1 and result.output.startswith("Error: ") and "bad.tmx" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.tmx"]  # no store, no .part


def test_a_good_import_into_a_new_store_is_there_whole(tmp_path):
    good = _tmx(tmp_path / "good.tmx", [("推进京津冀协同发展。", "Promote coordinated development.")])
    db = tmp_path / "new store 库.db"
    result = CliRunner().invoke(import_cmd, [str(good), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["good.tmx", "new store 库.db"]
    assert _units(db) == ["推进京津冀协同发展。"]


def test_a_store_another_process_made_meanwhile_keeps_its_data(tmp_path):
    """Our import fails after someone else created --db and imported into it: theirs stays."""
    db = tmp_path / "shared.db"
    theirs = _tmx(tmp_path / "theirs.tmx", [("城镇新增就业2315万人。", "23.15 million new urban jobs.")])

    def failing(store):
        with Store.open(db, create=True) as other:  # the other process
            other.import_tmx([theirs])
        raise InputError(tmp_path / "mine.tmx", "not well-formed XML")

    with pytest.raises(InputError, match="mine.tmx"):
        import_into(db, failing)
    assert _units(db) == ["城镇新增就业2315万人。"]
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]


def test_when_another_process_made_the_store_meanwhile_the_import_goes_into_it(tmp_path):
    db = tmp_path / "shared.db"
    theirs = _tmx(tmp_path / "theirs.tmx", [("城镇新增就业2315万人。", "23.15 million new urban jobs.")])
    mine = _tmx(tmp_path / "mine.tmx", [("推进京津冀协同发展。", "Promote coordinated development.")])
    calls = []

    def work(store):
        if not calls:
            with Store.open(db, create=True) as other:
                other.import_tmx([theirs])
        calls.append(store.path)
        return store.import_tmx([mine])

    import_into(db, work)
    assert calls[-1] == db and len(calls) == 2
    assert _units(db) == ["城镇新增就业2315万人。", "推进京津冀协同发展。"]


def test_a_store_error_names_the_store_not_the_temporary_file(tmp_path):
    db = tmp_path / "new.db"

    def failing(store):
        raise InputError(store.path, "database or disk is full")

    with pytest.raises(InputError) as got:
        import_into(db, failing)
    assert str(got.value) == f"{db}: database or disk is full"
    assert list(tmp_path.iterdir()) == []
