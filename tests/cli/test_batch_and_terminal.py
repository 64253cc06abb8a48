"""Batch lookups and what a user sees at a terminal (issue 10, cases 13 and 15): one record
per stdin line whatever the line, NO_COLOR, a glossary without terms, concordance windows,
progress bars on a terminal only, help for every build option."""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from zhtm.cli.main import main
from zhtm.formats.tmx import TmxHeader, write_tmx
from zhtm.records import Unit

from tests.paths import ROOT

PAIRS = [("推进京津冀协同发展。", "Promote the coordinated development of Beijing-Tianjin-Hebei."),
         ("城镇新增就业2315万人。", "23.15 million new urban jobs were added."),
         ("全年地区生产总值增长5.2%。", "The region's GDP grew by 5.2 percent.")]


def run(*args: object, stdin: str | bytes | None = None, env: dict[str, str] | None = None):
    return CliRunner().invoke(main, [str(a) for a in args], input=stdin, env=env)


@pytest.fixture()
def db(tmp_path: Path) -> Path:
    tmx = tmp_path / "tm.tmx"
    write_tmx([Unit(z, e) for z, e in PAIRS], tmx, header=TmxHeader(tool_version="t"))
    path = tmp_path / "tm.db"
    assert run("import", tmx, "--db", path, "-q").exit_code == 0
    return path


# --- case 13: batch match -------------------------------------------------------------------

def test_batch_match_gives_every_stdin_line_one_record(db):
    """An over-long line no longer aborts the batch before any output, a blank line keeps
    its record, a line that is not UTF-8 gets an error record: outputs pair with inputs."""
    lines = ["推进京津冀协同发展。", "", "中" * 2500, "城镇新增就业2300万人。"]
    stdin = "\n".join(lines).encode() + b"\n\xff\xfe\n"
    result = run("match", "--db", db, "--json", "--min", "50", stdin=stdin)
    assert result.exit_code == 1, result.output
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["line"] for r in records] == [1, 2, 3, 4, 5]
    assert records[0]["matches"][0]["en"] == PAIRS[0][1]
    assert (records[1]["query"], records[1]["matches"]) == ("", [])
    assert "2500 characters" in records[2]["error"] and "matches" not in records[2]
    assert records[3]["matches"][0]["score"] == 84
    assert records[4]["error"].startswith("not valid UTF-8")
    assert result.stderr.strip() == "Error: <stdin>: 2 of 5 line(s) could not be looked up"


def test_batch_match_human_output_names_the_failed_line(db):
    result = run("match", "--db", db, stdin="推进京津冀协同发展。\n" + "中" * 2500 + "\n")
    assert result.exit_code == 1
    assert "100%" in result.stdout
    assert "  error (line 2): query is 2500 characters long" in result.stdout


def test_batch_match_with_only_good_lines_exits_0(db):
    result = run("match", "--db", db, "--json", stdin="推进京津冀协同发展。\n城镇新增就业2315万人。\n")
    assert result.exit_code == 0 and len(result.stdout.splitlines()) == 2


# --- case 15: NO_COLOR, empty glossaries, concordance windows, progress, help ---------------

def in_pty(args: list[str], env: dict[str, str], cwd: Path) -> str:
    """Run `python -m zhtm ARGS` with stdout and stderr on a pseudo-terminal; its output."""
    leader, follower = pty.openpty()
    environment = {**os.environ, "PYTHONPATH": str(ROOT / "src"), **env}
    environment.pop("ZHTM_DB", None)
    child = subprocess.Popen([sys.executable, "-m", "zhtm", *args], stdin=subprocess.DEVNULL,
                             stdout=follower, stderr=follower, env=environment, cwd=cwd)
    os.close(follower)
    chunks = []
    while True:
        ready, _, _ = select.select([leader], [], [], 120)
        if not ready:
            break
        try:
            data = os.read(leader, 65536)
        except OSError:  # the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    child.wait(60)
    os.close(leader)
    return b"".join(chunks).decode("utf-8", "replace")


def test_no_color_turns_colours_off_on_a_terminal(db, tmp_path):
    args = ["match", "城镇新增就业2300万人。", "--db", str(db)]
    coloured = in_pty(args, {}, tmp_path)
    plain = in_pty(args, {"NO_COLOR": "1"}, tmp_path)
    assert "\x1b[" in coloured  # the check can fail: colours are on at a terminal
    # both sides of a change in brackets instead ([TM→query], issue 12)
    assert "\x1b[" not in plain and "23[15→00]万" in plain
    concord = in_pty(["concord", "京津冀", "--db", str(db)], {"NO_COLOR": "1"}, tmp_path)
    assert "京津冀" in concord and "\x1b[" not in concord


def test_a_termbase_without_terms_is_an_error(db, tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text("# A project\n\nNothing tab-separated here.\n", encoding="utf-8")
    empty_tbx = tmp_path / "empty.tbx"
    empty_tbx.write_text('<?xml version="1.0"?>\n<martif type="TBX"><text><body>'
                         "</body></text></martif>\n", encoding="utf-8")
    for glossary in (readme, empty_tbx):
        result = run("match", "推进协同发展。", "--db", db, "--termbase", glossary)
        assert result.exit_code == 1, result.output
        assert f"Error: {glossary}: no glossary terms in it" in result.output
    # terms check reads the glossary as --keep does: a line that is no glossary row is named
    result = run("terms", "check", "--termbase", readme, db.parent / "tm.tmx")
    assert result.exit_code == 1 and f"Error: {readme}:3: 1 column(s), not a glossary row" in result.output
    result = run("terms", "check", "--termbase", empty_tbx, db.parent / "tm.tmx")
    assert result.exit_code == 1 and "no glossary terms in it" in result.output


def test_concord_shows_a_window_around_the_hit_unless_full(tmp_path):
    long_zh = "前文" * 30_000 + "京津冀协同发展" + "后文" * 30_000 + "。"
    long_en = "Beijing-Tianjin-Hebei" + " and more" * 20_000
    tmx = tmp_path / "long.tmx"
    write_tmx([Unit(long_zh, long_en)], tmx, header=TmxHeader(tool_version="t"))
    db = tmp_path / "long.db"
    assert run("import", tmx, "--db", db, "-q").exit_code == 0
    shown = run("concord", "京津冀", "--db", db)
    assert shown.exit_code == 0
    first, second = shown.stdout.splitlines()[:2]
    assert first == "#1  …" + "前文" * 20 + "京津冀" + "协同发展" + "后文" * 18 + "…"
    assert len(second) <= 6 + 120 and second.endswith("…")
    full = run("concord", "京津冀", "--db", db, "--full")
    assert long_zh in full.stdout and long_en in full.stdout
    english = run("concord", "tianjin", "--en", "--db", db)
    after = ("-Hebei" + " and more" * 20_000)[:40]  # 40 characters either side at most
    assert english.stdout.splitlines()[0] == f"#1  Beijing-Tianjin{after}…"


def test_import_and_pretranslate_show_progress_on_a_terminal_only(tmp_path):
    tmx = tmp_path / "big.tmx"
    write_tmx([Unit(f"第{i}号文件要求推进协同发展。", f"Document {i} requires it.")
               for i in range(2_000)], tmx, header=TmxHeader(tool_version="t"))
    doc = tmp_path / "new.txt"
    doc.write_text("\n\n".join(f"第{i}号文件要求推进协同。" for i in range(0, 400, 7)) + "\n",
                   encoding="utf-8")
    db = tmp_path / "big.db"
    at_terminal = in_pty(["import", str(tmx), "--db", str(db)], {}, tmp_path)
    assert "importing" in at_terminal and "%" in at_terminal, at_terminal[-500:]
    pre = in_pty(["pretranslate", str(doc), "-o", str(tmp_path / "p.tmx"), "--db", str(db)],
                 {}, tmp_path)
    assert "pretranslating" in pre, pre[-500:]
    piped = subprocess.run([sys.executable, "-m", "zhtm", "import", str(tmx), "--db",
                            str(tmp_path / "other.db")], capture_output=True, text=True,
                           env={**os.environ, "PYTHONPATH": str(ROOT / "src")}, cwd=tmp_path)
    assert piped.returncode == 0 and "importing" not in piped.stderr


def test_every_build_option_has_help():
    text = run("build", "--help").output
    for option in ("--tmx-dir", "--termbase-dir", "--db", "--lookup", "--quiet"):
        line = next(line for line in text.splitlines() if option in line)
        described = text.split(option, 1)[1].split("\n  -", 1)[0]
        assert len(described.split()) > 3, (option, line)
    assert "Folder for the aligned TMX files" in text and "ZHTM_DB" in text


def test_a_query_that_is_not_utf8_is_one_error_line(db, tmp_path):
    """A byte that is not UTF-8 in an argument (a terminal in another encoding) reaches zhtm
    as a lone surrogate: one Error line naming the byte, not a traceback."""
    environment = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    for command in ("match", "concord"):
        done = subprocess.run([sys.executable.encode(), b"-m", b"zhtm", command.encode(),
                               "推进".encode() + b"\xff", b"--db", bytes(db)],
                              capture_output=True, env=environment, cwd=tmp_path)
        assert done.returncode == 1, done.stderr
        assert done.stderr.decode().strip() == \
            "Error: <query>: not text: byte 0xff at character 3 is not UTF-8"
