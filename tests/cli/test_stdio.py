"""`-` on the command line: `-o -` is standard output (it wrote a file named "-"), and `-`
as a document is a usage error that says why (it said "-: no such file")."""

import os
import shutil

import pytest
from click.testing import CliRunner

from zhtm.cli.main import main

from tests.paths import ROOT

TMX = ROOT / "tmx" / "beijing-gwr-2024.zh-en.tmx"
DOC = "我们坚持稳中求进工作总基调。全市经济持续恢复向好。\n" \
      "We followed the general principle of pursuing progress while ensuring stability. " \
      "The economy kept recovering.\n"


@pytest.mark.parametrize("fmt", ["tsv", "tmx"])
def test_align_output_dash_is_standard_output(tmp_path, monkeypatch, fmt):
    """In a real process (the runner's stdout is not /dev/stdout): the pairs come out on
    stdout and no file named '-' appears."""
    import subprocess
    import sys

    doc = tmp_path / "doc.txt"
    doc.write_text(DOC, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    done = subprocess.run([sys.executable, "-m", "zhtm", "align", "doc.txt", "-o", "-",
                           "--format", fmt], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert not (tmp_path / "-").exists()
    assert "We followed the general principle" in done.stdout
    assert "stability." in done.stdout and "Traceback" not in done.stderr


def test_a_dash_document_is_a_usage_error_naming_stdin(tmp_path):
    store = tmp_path / "tm.db"
    shutil.copy(TMX, tmp_path / "b.tmx")
    assert CliRunner().invoke(main, ["import", str(tmp_path / "b.tmx"), "--db", str(store)]).exit_code == 0
    for args in (["align", "-", "-o", str(tmp_path / "x.tmx")],
                 ["pretranslate", "--db", str(store), "-", "-o", str(tmp_path / "p.tmx")],
                 ["terms", "-", "-o", str(tmp_path / "g.tbx")]):
        result = CliRunner().invoke(main, args, input=DOC)
        assert result.exit_code == 2, result.output
        assert "cannot be read from standard input" in result.output
        assert "Traceback" not in result.output
    assert not any(tmp_path.glob("[xpg].*")) and not (tmp_path / "-").exists()


def test_standard_output_closed_early_is_one_line_without_a_previous_file(tmp_path):
    """`zhtm align doc -o - | head -c 100`: the reader goes away; the message names the
    stream and does not claim a 'previous file' was kept (a pipe has none)."""
    import subprocess
    import sys

    doc = tmp_path / "doc.txt"
    doc.write_text(DOC * 400, encoding="utf-8")
    read, write = os.pipe()
    os.close(read)  # nobody reads: the first write breaks the pipe
    done = subprocess.run([sys.executable, "-m", "zhtm", "align", str(doc), "-o", "-", "-q"],
                          stdout=write, stderr=subprocess.PIPE, text=True, timeout=300,
                          cwd=tmp_path)
    os.close(write)
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert done.returncode == 1, done.stderr
    assert len(lines) == 1 and lines[0].startswith("Error: /dev/stdout: cannot write"), lines
    assert "previous file" not in lines[0] and "Traceback" not in done.stderr
