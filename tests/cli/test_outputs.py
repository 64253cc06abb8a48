"""Outputs never destroy anything (issue 10, cases 4, 6 and 7): an output that is an input,
the store or --keep is refused (exit 2); an output into a missing folder is refused naming
the folder (exit 1, nothing created); an unwritable folder, /proc or a full disk give one
`Error:` line (exit 1), never a traceback, and leave the previous file as it was."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from zhtm.cli.main import main
from zhtm.formats.tmx import TmxHeader, write_tmx
from zhtm.records import Unit

from tests.hostile_env import fill, full_disk, read_only, run_unprivileged
from tests.paths import BEIJING

DOC = "我们坚持稳中求进工作总基调。全市经济持续恢复向好。\n" \
      "We followed the general principle of pursuing progress while ensuring stability. " \
      "The economy kept recovering.\n"
PAIRS = [("推进京津冀协同发展。", "Promote the coordinated development of Beijing-Tianjin-Hebei."),
         ("城镇新增就业2315万人。", "23.15 million new urban jobs were added.")]


def run(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args])


def one_error(output: str, code: int, result_code: int, *fragments: str) -> str:
    assert result_code == code, output
    assert "Traceback" not in output
    lines = [line for line in output.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("Error:")]
    assert len(errors) == 1, output
    for fragment in fragments:
        assert fragment in errors[0], errors[0]
    return errors[0]


@pytest.fixture()
def files(tmp_path: Path) -> dict[str, Path]:
    doc = tmp_path / "doc.txt"
    doc.write_text(DOC, encoding="utf-8")
    tmx = tmp_path / "in.tmx"
    write_tmx([Unit(z, e) for z, e in PAIRS * 3], tmx, header=TmxHeader(tool_version="t"))
    db = tmp_path / "s.db"
    assert run("import", tmx, "--db", db, "-q").exit_code == 0
    new = tmp_path / "new.txt"
    new.write_text("推进京津冀协同发展。\n", encoding="utf-8")
    keep = tmp_path / "edited.tbx"
    assert run("terms", tmx, "-o", keep, "--min-frequency", "1", "-q").exit_code == 0
    return {"doc": doc, "tmx": tmx, "db": db, "new": new, "keep": keep}


def snapshot(files: dict[str, Path]) -> dict[str, bytes]:
    return {name: path.read_bytes() for name, path in files.items()}


# --- case 4: an output that is an input, the store or --keep -----------------------------------

def same_file_cases(f: dict[str, Path], tmp: Path) -> list[tuple[str, list[object]]]:
    link = tmp / "link.txt"
    link.symlink_to(f["doc"])
    hard = tmp / "hard.tmx"
    os.link(f["tmx"], hard)
    return [
        ("align -o its input", ["align", f["doc"], "-o", f["doc"]]),
        ("align -o a symlink to its input", ["align", f["doc"], "-o", link]),
        ("align -o its input by another spelling", ["align", f["doc"], "-o", tmp / "." / "doc.txt"]),
        ("terms -o its input", ["terms", f["tmx"], "-o", f["tmx"]]),
        ("terms -o a hard link to its input", ["terms", f["tmx"], "-o", hard]),
        ("terms -o its --keep", ["terms", f["tmx"], "-o", f["keep"], "--keep", f["keep"]]),
        ("terms -o its --notes", ["terms", f["tmx"], "-o", f["doc"], "--notes", f["doc"]]),
        ("pretranslate -o its document", ["pretranslate", f["new"], "-o", f["new"], "--db", f["db"]]),
        ("pretranslate -o the store", ["pretranslate", f["new"], "-o", f["db"], "--db", f["db"]]),
        ("pretranslate -o the store's WAL", ["pretranslate", f["new"], "-o", f"{f['db']}-wal",
                                             "--db", f["db"]]),
        ("import into one of its inputs", ["import", f["tmx"], "--db", f["tmx"]]),
    ]


def test_an_output_that_is_an_input_the_store_or_keep_is_refused(files, tmp_path):
    before = snapshot(files)
    for what, args in same_file_cases(files, tmp_path):
        result = run(*args)
        line = one_error(result.output, 2, result.exit_code, "is the same file as", "refusing")
        assert "Usage:" in result.output, what  # a usage error, as exit 2 says
        assert snapshot(files) == before, what
    assert line


def test_build_refuses_a_store_that_is_a_corpus_document(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    doc = corpus / "doc.zh-en.txt"
    text = "".join(BEIJING.read_text(encoding="utf-8").splitlines(keepends=True)[8:14])
    doc.write_text(text, encoding="utf-8")
    result = run("build", corpus, "--tmx-dir", tmp_path / "tmx", "--termbase-dir",
                 tmp_path / "tb", "--db", doc)
    one_error(result.output, 2, result.exit_code, "--db", "is the same file as the input")
    assert doc.read_text(encoding="utf-8") == text
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corpus"]


def test_build_refuses_an_output_linked_to_a_corpus_document(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    doc = corpus / "doc.zh-en.txt"
    doc.write_text(DOC, encoding="utf-8")
    (tmp_path / "tmx").mkdir()
    (tmp_path / "tmx" / "doc.zh-en.tmx").symlink_to(doc)
    result = run("build", corpus, "--tmx-dir", tmp_path / "tmx", "--termbase-dir",
                 tmp_path / "tb", "--db", tmp_path / "s.db")
    one_error(result.output, 2, result.exit_code, "doc.zh-en.tmx is the same file as the input")
    assert doc.read_text(encoding="utf-8") == DOC


# --- case 7: -o into a folder that does not exist ----------------------------------------------

def test_an_output_into_a_missing_folder_is_refused_naming_it(files, tmp_path):
    missing = tmp_path / "no" / "such"
    cases = [
        ["align", files["doc"], "-o", missing / "x.tmx"],
        ["terms", files["tmx"], "-o", missing / "x.tbx"],
        ["pretranslate", files["new"], "-o", missing / "x.tmx", "--db", files["db"]],
        ["import", files["tmx"], "--db", missing / "x.db"],
        ["build", BEIJING.parent, "--tmx-dir", missing / "tmx", "--db", tmp_path / "b.db"],
    ]
    for args in cases:
        result = run(*args)
        one_error(result.output, 1, result.exit_code, f"{missing}: no such folder")
        assert not (tmp_path / "no").exists(), args


# --- case 6: unwritable folder, /proc, full disk: one Error line ------------------------------

def test_an_unwritable_output_folder_is_one_error_line(files, tmp_path):
    out = tmp_path / "locked"
    out.mkdir()
    cases = [
        ["align", files["doc"], "-o", out / "x.tmx"],
        ["terms", files["tmx"], "-o", out / "x.tbx"],
        ["pretranslate", files["new"], "-o", out / "x.tmx", "--db", files["db"]],
        ["build", BEIJING.parent, "--tmx-dir", out / "tmx", "--termbase-dir", out / "tb",
         "--db", tmp_path / "b.db"],
    ]
    with read_only(out):
        for args in cases:
            done = run_unprivileged(*map(str, args), cwd=tmp_path)
            one_error(done.stderr, 1, done.returncode, f"{out}: cannot write (permission denied)")
    assert list(out.iterdir()) == []


def test_an_output_in_proc_is_one_error_line(files, tmp_path):
    for args in (["align", files["doc"], "-o", "/proc/x.tmx"],
                 ["terms", files["tmx"], "-o", "/proc/x.tbx"],
                 ["pretranslate", files["new"], "-o", "/proc/x.tmx", "--db", files["db"]]):
        result = run(*args)
        one_error(result.output, 1, result.exit_code, "/proc")


def test_a_full_disk_is_one_error_line_and_keeps_the_previous_files(files, tmp_path):
    # room for a store (new stores have 64 KiB pages: ~1 MB with its log), then filled
    with full_disk(tmp_path / "full", size_kb=4096) as disk:
        previous = disk / "out.tmx"
        write_tmx([Unit("旧的。", "The old one.")], previous, header=TmxHeader("previous"))
        store = disk / "s.db"
        assert run("import", files["tmx"], "--db", store, "-q").exit_code == 0
        other = tmp_path / "other.tmx"
        write_tmx([Unit(f"第{i}句新的话。" * 20, f"New sentence {i}. " * 20) for i in range(400)],
                  other, header=TmxHeader("t"))
        kept = {p.name: p.read_bytes() for p in (previous, store)}
        fill(disk)
        for args, place in (
                (["align", BEIJING, "-o", previous], "out.tmx: cannot write (disk full)"),
                (["terms", files["tmx"], "-o", disk / "g.tbx"], "g.tbx: cannot write (disk full)"),
                (["pretranslate", files["new"], "-o", previous, "--db", files["db"]],
                 "out.tmx: cannot write (disk full)"),
                (["import", other, "--db", store], "s.db: cannot write (disk full)"),
                (["build", BEIJING.parent, "--tmx-dir", disk / "tmx", "--termbase-dir",
                  tmp_path / "tb", "--db", tmp_path / "b.db"], "cannot write (disk full)")):
            result = run(*args)
            one_error(result.output, 1, result.exit_code, place)
        (disk / "filler").unlink()
        assert {p.name: p.read_bytes() for p in (previous, store)} == kept
        assert sorted(p.name for p in disk.iterdir() if not p.name.startswith("s.db")) == \
            ["out.tmx", "tmx"]  # no temporary file left; build's folder was made before
        assert run("match", PAIRS[0][0], "--db", store).exit_code == 0
