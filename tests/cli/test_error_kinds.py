"""One exit code and one wording per kind of file problem, whatever the command (issue 10,
case 8): every command, given a missing file, a folder or an unreadable file wherever it
reads one, exits 1 with ``Error: PATH: no such file`` / ``is a folder, not a file`` /
``cannot read (permission denied)``."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import nullcontext
from pathlib import Path

import pytest
from click.testing import CliRunner

from zhtm.cli.main import main
from zhtm.formats.tmx import TmxHeader, write_tmx
from zhtm.records import Unit

from tests.hostile_env import run_unprivileged, unreadable

PAIRS = [("推进京津冀协同发展。", "Promote the coordinated development of Beijing-Tianjin-Hebei."),
         ("城镇新增就业2315万人。", "23.15 million new urban jobs were added.")]
WORDING = {"missing": "no such file", "folder": "is a folder, not a file",
           "unreadable": "cannot read (permission denied)"}


@pytest.fixture(scope="module")
def good(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("good")
    tmx = root / "good.tmx"
    write_tmx([Unit(z, e) for z, e in PAIRS * 2], tmx, header=TmxHeader(tool_version="t"))
    db = root / "good.db"
    assert CliRunner().invoke(main, ["import", str(tmx), "--db", str(db), "-q"]).exit_code == 0
    tbx = root / "good.tbx"
    assert CliRunner().invoke(main, ["terms", str(tmx), "-o", str(tbx), "--min-frequency", "1",
                                     "-q"]).exit_code == 0
    doc = root / "good.txt"
    doc.write_text("推进京津冀协同发展。\n", encoding="utf-8")
    corpus = root / "corpus"
    corpus.mkdir()
    (corpus / "doc.zh-en.txt").write_text(f"{PAIRS[0][0]}\n{PAIRS[0][1]}\n", encoding="utf-8")
    return {"tmx": tmx, "db": db, "tbx": tbx, "doc": doc, "out": root / "out", "corpus": corpus}


# Every place a command reads a file: (name, file suffix, arguments given the bad path).
READERS: list[tuple[str, str, Callable[[Path, dict[str, Path]], list[object]]]] = [
    ("align INPUT", ".txt", lambda p, g: ["align", p, "-o", g["out"] / "a.tmx"]),
    ("align ZH EN", ".txt", lambda p, g: ["align", g["doc"], p, "-o", g["out"] / "a.tmx"]),
    ("terms INPUT", ".tmx", lambda p, g: ["terms", p, "-o", g["out"] / "t.tbx"]),
    ("terms --keep", ".tbx", lambda p, g: ["terms", g["tmx"], "-o", g["out"] / "t.tbx", "--keep", p]),
    ("terms --notes", ".txt", lambda p, g: ["terms", g["tmx"], "-o", g["out"] / "t.tbx", "--notes", p]),
    ("terms check INPUT", ".tmx", lambda p, g: ["terms", "check", "--termbase", g["tbx"], p]),
    ("terms check --termbase", ".tbx", lambda p, g: ["terms", "check", "--termbase", p, g["tmx"]]),
    ("terms lookup --tm", ".tmx", lambda p, g: ["terms", "lookup", "京津冀", "--tm", p]),
    ("terms lookup --db", ".db", lambda p, g: ["terms", "lookup", "京津冀", "--db", p]),
    ("import FILE", ".tmx", lambda p, g: ["import", p, "--db", g["out"] / "i.db"]),
    ("match --db", ".db", lambda p, g: ["match", "推进协同发展。", "--db", p]),
    ("match --termbase", ".tbx", lambda p, g: ["match", "推进协同发展。", "--db", g["db"],
                                               "--termbase", p]),
    ("match --termbase TSV", ".utf8", lambda p, g: ["match", "推进协同发展。", "--db", g["db"],
                                                    "--termbase", p]),
    ("concord --db", ".db", lambda p, g: ["concord", "京津冀", "--db", p]),
    ("pretranslate DOCUMENT", ".txt", lambda p, g: ["pretranslate", p, "-o", g["out"] / "p.tmx",
                                                    "--db", g["db"]]),
    ("pretranslate --db", ".db", lambda p, g: ["pretranslate", g["doc"], "-o", g["out"] / "p.tmx",
                                               "--db", p]),
    ("align --pairs", ".tsv", lambda p, g: ["align", "--pairs", p, "-o", g["out"]]),
    ("import --db", ".db", lambda p, g: ["import", g["tmx"], "--db", p]),
    ("build --db", ".db", lambda p, g: ["build", g["corpus"], "--db", p, "--tmx-dir",
                                        g["out"] / "tmx", "--termbase-dir", g["out"] / "tb"]),
    # serve checks its files before anything else (here: before refusing a --host without a
    # token, so that a regression fails at once instead of serving until the timeout).
    ("serve PATH", ".tmx", lambda p, g: ["serve", p, "--db", g["db"], "--host", "0.0.0.0"]),
    ("serve --db", ".db", lambda p, g: ["serve", "--db", p, "--host", "0.0.0.0"]),
]
# A folder is what serve opens as its project; a missing store is created.
NOT_A_PROBLEM = {("serve PATH", "folder"), ("serve --db", "missing"), ("import --db", "missing"),
                 ("build --db", "missing")}


def bad_path(kind: str, folder: Path, suffix: str) -> Path:
    path = folder / f"bad{suffix}"
    if kind == "folder":
        path.mkdir()
    elif kind == "unreadable":
        path.write_bytes(b"whatever")
    return path


def error_line(output: str, code: int, expected_code: int = 1) -> str:
    assert code == expected_code, output
    assert "Traceback" not in output
    lines = [line for line in output.splitlines() if line.strip()]
    assert len(lines) == 1, output
    return lines[0]


@pytest.mark.parametrize("kind", ["missing", "folder"])
def test_every_command_words_a_missing_file_and_a_folder_alike(kind, good, tmp_path):
    good["out"].mkdir(exist_ok=True)
    for name, suffix, args in READERS:
        if (name, kind) in NOT_A_PROBLEM:
            continue
        folder = tmp_path / name.replace(" ", "_")
        folder.mkdir()
        path = bad_path(kind, folder, suffix)
        result = CliRunner().invoke(main, [str(a) for a in args(path, good)])
        line = error_line(result.output, result.exit_code)
        assert line.startswith(f"Error: {path}: {WORDING[kind]}"), (name, line)


def test_every_command_words_an_unreadable_file_alike(good, tmp_path):
    good["out"].mkdir(exist_ok=True)
    for name, suffix, args in READERS:
        folder = tmp_path / name.replace(" ", "_")
        folder.mkdir()
        path = bad_path("unreadable", folder, suffix)
        with unreadable(path):
            done = run_unprivileged(*map(str, args(path, good)), cwd=tmp_path)
        line = error_line(done.stderr + done.stdout, done.returncode)
        assert line == f"Error: {path}: {WORDING['unreadable']}", (name, line)


def test_build_words_its_corpus_folder_alike(tmp_path):
    file = tmp_path / "corpus.txt"
    file.write_text("x\n", encoding="utf-8")
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "doc.zh-en.txt").write_text("x\n", encoding="utf-8")
    db = str(tmp_path / "b.db")
    for corpus, wording in ((tmp_path / "none", "no such folder"),
                            (file, "is a file, not a folder")):
        result = CliRunner().invoke(main, ["build", str(corpus), "--db", db])
        assert error_line(result.output, result.exit_code) == f"Error: {corpus}: {wording}"
    with unreadable(locked):
        done = run_unprivileged("build", str(locked), "--db", db, cwd=tmp_path)
    assert error_line(done.stderr, done.returncode) == \
        f"Error: {locked}: cannot read (permission denied)"


@pytest.mark.parametrize("kind", ["missing", "folder", "unreadable"])
def test_a_batch_words_each_bad_document_alike(kind, good, tmp_path):
    """In a batch (a --pairs list, or several documents) a bad document gets the same line as
    alone, the others are written, and a last line counts the failures; exit 1."""
    bad = bad_path(kind, tmp_path, ".txt")
    doc = tmp_path / "good.txt"
    doc.write_text("推进京津冀协同发展。\nPromote the coordinated development of "
                   "Beijing-Tianjin-Hebei.\n", encoding="utf-8")
    listed = tmp_path / "list.tsv"
    listed.write_text(f"{doc}\n{bad}\n", encoding="utf-8")
    batches = [["align", "--pairs", listed]]
    if kind != "folder":  # a folder given on the command line is a batch of its documents
        batches.append(["align", "--batch", doc, bad])
    for number, args in enumerate(batches):
        out = tmp_path / f"out{number}"
        out.mkdir()
        with unreadable(bad) if kind == "unreadable" else nullcontext():
            done = run_unprivileged(*map(str, args), "-o", str(out), "-q", cwd=tmp_path)
        assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
        assert done.stderr.splitlines() == [f"Error: {bad}: {WORDING[kind]}",
                                            "1 of 2 document(s) failed; the others were written"]
        assert [p.name for p in out.iterdir()] == ["good.tmx"]
