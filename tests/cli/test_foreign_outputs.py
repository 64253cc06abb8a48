"""No command replaces a file it did not create: an existing output that zhtm did not write
(notes, another tool's TMX, a gold alignment) is refused (exit 2, one line, the file as it
was) unless --force; zhtm's own outputs, in every format, are replaced on a rerun; a device
or pipe given as the output is written into, never replaced by a file."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from zhtm.cli.main import main
from zhtm.formats.provenance import written_by_zhtm

from tests.cli.test_outputs import DOC, files  # noqa: F401  (the fixture)

NOTES = "my notes about this report\n"
OMEGAT_TMX = ('<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header '
              'creationtool="OmegaT" creationtoolversion="3.6" segtype="sentence" '
              'o-tmf="OmegaT TMX" adminlang="EN-US" srclang="zh-CN" datatype="plaintext"/>'
              '<body><tu><tuv xml:lang="zh-CN"><seg>我的译文。</seg></tuv><tuv xml:lang="en-US">'
              '<seg>My own translation.</seg></tuv></tu></body></tmx>\n')
GOLD_LINKS = "[0,1]:[0]\n"


def run(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args])


def commands(f: dict[str, Path], out: Path) -> dict[str, list[object]]:
    """Every command and format that writes a file, writing `out` (quietly)."""
    return {name: [*args, "-q"] if name != "pretranslate" else args for name, args in {
        "align tmx": ["align", f["doc"], "-o", out],
        "align tsv": ["align", f["doc"], "-o", out, "--format", "tsv"],
        "align links": ["align", f["doc"], "-o", out, "--format", "links"],
        "align batch combined": ["align", f["doc"], "--batch", "--combined", "-o", out],
        "terms tbx": ["terms", f["tmx"], "-o", out, "--format", "tbx", "--min-frequency", "1"],
        "terms tbx3": ["terms", f["tmx"], "-o", out, "--format", "tbx3", "--min-frequency", "1"],
        "terms tsv": ["terms", f["tmx"], "-o", out, "--format", "tsv", "--min-frequency", "1"],
        "terms csv": ["terms", f["tmx"], "-o", out, "--format", "csv", "--min-frequency", "1"],
        "pretranslate": ["pretranslate", f["new"], "-o", out, "--db", f["db"]],
    }.items()}


@pytest.mark.parametrize("foreign", [NOTES, OMEGAT_TMX, GOLD_LINKS],
                         ids=["notes", "omegat-tmx", "gold-links"])
def test_an_existing_file_zhtm_did_not_write_is_refused_then_replaced_with_force(
        files, tmp_path, foreign):  # noqa: F811
    out = tmp_path / "out.file"
    for name, args in commands(files, out).items():
        out.write_text(foreign, encoding="utf-8")
        result = run(*args)
        assert result.exit_code == 2, (name, result.output)
        errors = [line for line in result.output.splitlines() if line.startswith("Error:")]
        assert len(errors) == 1 and "not written by zhtm" in errors[0] and str(out) in errors[0], \
            (name, result.output)
        assert "--force" in errors[0] and "Traceback" not in result.output
        assert out.read_text(encoding="utf-8") == foreign, name
        forced = run(*args, "--force")
        assert forced.exit_code == 0, (name, forced.output)
        assert out.read_text(encoding="utf-8") != foreign, name


def test_every_format_zhtm_writes_is_replaced_on_a_rerun(files, tmp_path):  # noqa: F811
    for name, args in commands(files, tmp_path / "out.file").items():
        out = tmp_path / f"{name.replace(' ', '-')}.out"
        args = [out if a == tmp_path / "out.file" else a for a in args]
        first = run(*args)
        assert first.exit_code == 0, (name, first.output)
        written = out.read_bytes()
        assert written
        if name == "align links":  # no room for a mark: a gold alignment looks the same
            assert not written_by_zhtm(out)
            assert run(*args).exit_code == 2
            args = [*args, "--force"]
        else:
            assert written_by_zhtm(out), name
        again = run(*args)
        assert again.exit_code == 0, (name, again.output)
        assert out.read_bytes() == written, name  # replaced by the same (reproducible) output


def test_an_empty_file_is_replaced(files, tmp_path):  # noqa: F811
    out = tmp_path / "made-by-mktemp.tmx"
    out.touch()
    assert run("align", files["doc"], "-o", out, "-q").exit_code == 0
    assert written_by_zhtm(out) and b"creationtool=\"zhtm\"" in out.read_bytes()


def test_a_batch_refuses_a_foreign_file_in_its_output_folder_before_any_work(files, tmp_path):  # noqa: F811
    folder = tmp_path / "tmx"
    folder.mkdir()
    (folder / "doc.tmx").write_text(OMEGAT_TMX, encoding="utf-8")
    other = tmp_path / "other.txt"
    other.write_text(DOC, encoding="utf-8")
    result = run("align", files["doc"], other, "--batch", "-o", folder, "-q")
    assert result.exit_code == 2 and "not written by zhtm" in result.output, result.output
    assert (folder / "doc.tmx").read_text(encoding="utf-8") == OMEGAT_TMX
    assert not (folder / "other.tmx").exists()  # refused before any document was aligned


def test_build_refuses_a_foreign_file_where_it_would_write(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "small.zh-en.txt").write_text(DOC, encoding="utf-8")
    termbase = tmp_path / "termbase"
    termbase.mkdir()
    mine = termbase / "small.utf8"
    mine.write_text("首都\tcapital\tmy own glossary\n", encoding="utf-8")
    result = run("build", corpus, "--tmx-dir", tmp_path / "tmx", "--termbase-dir", termbase,
                 "--db", tmp_path / "s.db")
    assert result.exit_code == 2, result.output
    assert "not written by zhtm" in result.output and "move it away" in result.output
    assert mine.read_text(encoding="utf-8") == "首都\tcapital\tmy own glossary\n"
    assert not (tmp_path / "tmx").exists() and not (tmp_path / "s.db").exists()


def test_a_device_given_as_the_output_stays_a_device(files, tmp_path):  # noqa: F811
    null = tmp_path / "null"
    try:
        os.mknod(null, 0o666 | stat.S_IFCHR, os.makedev(1, 3))  # the null device, here
    except (PermissionError, OSError):
        pytest.skip("cannot make a device node here (not root)")
    result = run("align", files["doc"], "-o", null)
    assert result.exit_code == 0, result.output
    assert "TUs written" in result.output
    assert stat.S_ISCHR(null.lstat().st_mode)  # renaming a file over it would replace it


def test_a_pipe_given_as_the_output_gets_the_output(files, tmp_path):  # noqa: F811
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    result = run("align", files["doc"], "-o", fifo, "-q")
    reader.join(timeout=30)
    assert result.exit_code == 0, result.output
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert b"<seg>" in received[0] and b'creationtool="zhtm"' in received[0]


def test_a_symlinked_output_keeps_its_link_and_replaces_the_file_it_names(files, tmp_path):  # noqa: F811
    releases = tmp_path / "releases"
    releases.mkdir()
    target = releases / "v1.tmx"
    assert run("align", files["doc"], "-o", target, "-q").exit_code == 0
    link = tmp_path / "current.tmx"
    link.symlink_to(target)
    result = run("align", files["doc"], "-o", link, "--format", "tmx", "--date",
                 "20240101T000000Z", "-q")
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and link.resolve() == target
    assert b'creationdate="20240101T000000Z"' in target.read_bytes()
    assert sorted(p.name for p in releases.iterdir()) == ["v1.tmx"]  # no stray .part
