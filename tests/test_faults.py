"""Faults: a write or an import killed with SIGKILL half-way.

* Writers (TMX, TBX, TSV glossary: all through ``atomic.atomic_output``): the previous output
  file is intact; the only trace is one hidden ``.NAME.PID.XXXX.part`` file, which no CAT tool
  loads (OmegaT reads ``*.tmx``/``*.tbx``/``*.utf8``...), and which the next successful write
  of the same file removes (its writer's pid is gone). A live writer's temporary file is left
  alone.
* Store import: the store opens, holds exactly its previous content, answers matches, and
  takes the next import.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest

from zhtm.formats.glossary_tsv import write_glossary
from zhtm.formats.tbx import read_tbx, write_tbx
from zhtm.formats.tmx import TmxHeader, read_tmx, write_tmx
from zhtm.records import TermEntry, Unit, term_id

from tests.paths import ROOT

COMMITTED_TMX = ROOT / "tmx" / "beijing-gwr-2024.zh-en.tmx"

WRITER = r"""
import sys, time
sys.path.insert(0, sys.argv[1])
kind, dest = sys.argv[2], sys.argv[3]
from zhtm.records import Unit
from zhtm.records import TermEntry

def slow(make):
    for i in range(10**9):
        if i == 2000:
            print("HALFWAY", flush=True)  # a good part is already in the temporary file
        if i >= 2000:
            time.sleep(0.01)
        yield make(i)

if kind == "tmx":
    from zhtm.formats.tmx import TmxHeader, write_tmx
    write_tmx(slow(lambda i: Unit(f"第{i}句。" * 20, f"Sentence {i}. " * 20)), dest,
              header=TmxHeader("killed"))
elif kind == "tbx":
    from zhtm.formats.tbx import write_tbx
    write_tbx(slow(lambda i: TermEntry(f"t{i}", f"术语{i}", f"term {i}")), dest)
else:
    from zhtm.formats.glossary_tsv import write_glossary
    write_glossary(slow(lambda i: TermEntry(f"t{i}", f"术语{i}", f"term {i}")), dest)
"""

NAMES = {"tmx": "out.tmx", "tbx": "out.tbx", "tsv": "out.utf8"}


def write_previous(kind: str, dest: Path) -> None:
    if kind == "tmx":
        write_tmx([Unit("旧的。", "The old one.")], dest, header=TmxHeader("previous"))
    elif kind == "tbx":
        write_tbx([TermEntry(term_id("旧"), "旧", "old")], dest)
    else:
        write_glossary([TermEntry(term_id("旧"), "旧", "old")], dest)


def kill_halfway(args: list[str], marker: str = "HALFWAY", delay: float = 0.3) -> None:
    child = subprocess.Popen([sys.executable, "-c", *args], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    try:
        line = child.stdout.readline()
        assert line.strip() == marker, (line, child.stderr.read()[-2000:])
        time.sleep(delay)
        assert child.poll() is None, "finished before it could be killed"
        child.send_signal(signal.SIGKILL)
        assert child.wait(30) == -signal.SIGKILL
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()


@pytest.mark.parametrize("kind", sorted(NAMES))
def test_killed_write_leaves_the_previous_file(kind: str, tmp_path: Path) -> None:
    dest = tmp_path / NAMES[kind]
    write_previous(kind, dest)
    before = dest.read_bytes()
    kill_halfway([WRITER, str(ROOT / "src"), kind, str(dest)])
    assert dest.read_bytes() == before
    leftovers = sorted(p for p in tmp_path.iterdir() if p != dest)
    assert len(leftovers) == 1
    part = leftovers[0]
    assert part.name.startswith(f".{dest.name}.") and part.name.endswith(".part")
    assert part.stat().st_size > 10_000  # it really was killed half-way through writing
    # the previous file still reads
    if kind == "tmx":
        assert [u.seg("en") for u in read_tmx(dest)] == ["The old one."]
    elif kind == "tbx":
        assert [e.en for e in read_tbx(dest)] == ["old"]
    # the next successful write replaces the file and removes the dead writer's leftover
    write_previous(kind, dest)
    assert sorted(tmp_path.iterdir()) == [dest]


def test_a_live_writers_temporary_file_is_left_alone(tmp_path: Path) -> None:
    dest = tmp_path / "out.tmx"
    live = tmp_path / f".out.tmx.{os.getppid()}.abcd.part"  # pytest's parent: alive
    live.write_bytes(b"in progress")
    foreign = tmp_path / ".other.tmx.1.abcd.part"  # another file's: not ours to judge
    foreign.write_bytes(b"x")
    write_previous("tmx", dest)
    assert live.exists() and foreign.exists()


IMPORTER = r"""
import sys
sys.path.insert(0, sys.argv[1])
db, big = sys.argv[2], sys.argv[3]
from zhtm.tm.store import Store
with Store.open(db) as store:
    print("IMPORTING", flush=True)
    store.import_tmx([big])
print("DONE", flush=True)
"""


def generate(path: Path, n: int) -> None:
    with open(path, "w", encoding="utf-8") as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header '
                'creationtool="g" creationtoolversion="1" segtype="sentence" o-tmf="g" '
                'adminlang="en" srclang="zh-CN" datatype="plaintext"/>\n<body>\n')
        for start in range(0, n, 10_000):
            f.write("".join(
                f'<tu><tuv xml:lang="zh-CN"><seg>第{i}号文件要求推进协同发展。</seg></tuv>'
                f'<tuv xml:lang="en-US"><seg>Document {i} requires coordinated development.'
                "</seg></tuv></tu>\n" for i in range(start, min(n, start + 10_000))))
        f.write("</body></tmx>\n")


def test_killed_import_leaves_the_store_usable(tmp_path: Path) -> None:
    from zhtm.tm.matching import Matcher
    from zhtm.tm.store import Store

    db = tmp_path / "tm.db"
    with Store.open(db, create=True) as store:
        store.import_tmx([COMMITTED_TMX])
        before = store.stats()
    pairs = [(u.seg("zh"), u.seg("en")) for u in read_tmx(COMMITTED_TMX)]
    big = tmp_path / "big.tmx"
    generate(big, 40_000)  # still importing when killed; the re-import cuts clauses too
    kill_halfway([IMPORTER, str(ROOT / "src"), str(db), str(big)], marker="IMPORTING",
                 delay=2.0)
    with Store.open(db) as store:
        # nothing of the killed import, all of the rest (the file size may differ: WAL)
        assert replace(store.stats(), bytes=0) == replace(before, bytes=0)
        zh, en = pairs[10]
        result = Matcher(store).match(zh, 1, 100)
        assert result.matches and result.matches[0].unit.en == en
        # the store takes writes again (no stale lock), and the same file imports in full
        report = store.import_tmx([big])
        assert report.units == before.units + 40_000
    with Store.open(db) as store:
        assert store.stats().units == before.units + 40_000


BULK_IMPORTER = r"""
import sys
sys.path.insert(0, sys.argv[1])
db, big = sys.argv[2], sys.argv[3]
from zhtm.tm import pair_keys
from zhtm.tm.store import Store
to_memory = pair_keys.TableKeys._to_memory
def dropped(self):
    to_memory(self)
    print("DROPPED", flush=True)  # the key index is gone inside the import's transaction
pair_keys.TableKeys._to_memory = dropped
with Store.open(db) as store:
    store.import_tmx([big])
print("DONE", flush=True)
"""


def test_an_import_killed_with_its_key_index_dropped_leaves_the_store_as_it_was(
        tmp_path: Path) -> None:
    import sqlite3

    from zhtm.tm.store import Store

    db = tmp_path / "tm.db"
    with Store.open(db, create=True) as store:
        store.import_tmx([COMMITTED_TMX])
        before = store.stats()

    def keys_and_units():
        with sqlite3.connect(db) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            return (sorted(r[0] for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type='index' AND name LIKE '%_key'")),
                    conn.execute("SELECT * FROM units ORDER BY id").fetchall())

    indexes, units = keys_and_units()
    assert indexes == ["clauses_key", "units_key"]
    big = tmp_path / "big.tmx"
    generate(big, 60_000)  # the units key goes after the first 20,000 pairs
    kill_halfway([BULK_IMPORTER, str(ROOT / "src"), str(db), str(big)], marker="DROPPED",
                 delay=1.0)
    assert keys_and_units() == (indexes, units)
    with Store.open(db) as store:
        assert replace(store.stats(), bytes=0) == replace(before, bytes=0)
        assert store.import_tmx([big]).units == before.units + 60_000
    assert keys_and_units()[0] == indexes
