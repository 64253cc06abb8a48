"""Every command line entry point on any input (issue 10, case 12): the command ends with exit
0, or with one `Error:` line and exit 1 (its data) or 2 (its command line), never a
traceback, whatever the text of its arguments, its files or its standard input."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zhtm.cli.main import main
from zhtm.formats.tmx import TmxHeader, write_tmx
from zhtm.records import Unit

from tests.hostile_text import hostile_lines, hostile_string

PAIRS = [("推进京津冀协同发展。", "Promote the coordinated development of Beijing-Tianjin-Hebei."),
         ("一是城镇新增就业2315万人。", "First, 23.15 million new urban jobs were added."),
         ("全年地区生产总值增长六点五%。", "The region's GDP grew by 6.5 percent.")]
ENCODINGS = ["utf-8", "utf-16", "gb18030", "utf-8-sig"]
FAST = settings(max_examples=60, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
SLOW = settings(FAST, max_examples=25)  # each example runs several whole commands on files


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    root = tmp_path_factory.mktemp("cli")
    tmx = root / "tm.tmx"
    write_tmx([Unit(z, e) for z, e in PAIRS * 2], tmx, header=TmxHeader(tool_version="t"))
    db = root / "tm.db"
    assert CliRunner().invoke(main, ["import", str(tmx), "--db", str(db), "-q"]).exit_code == 0
    return {"root": root, "tmx": tmx, "db": db}


def ends_cleanly(result) -> None:
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        repr(result.exception)
    assert result.exit_code in (0, 1, 2), result.output
    assert "Traceback" not in result.output
    if result.exit_code:
        errors = [line for line in result.output.splitlines() if line.startswith("Error:")]
        assert len(errors) == 1, result.output


def invoke(*args, stdin=None):
    return CliRunner().invoke(main, [str(a) for a in args], input=stdin)


@FAST
@given(text=hostile_string(surrogates=True))
def test_lookups_on_any_argument(world, text):
    db = world["db"]
    for args in (["match", text, "--db", db], ["match", text, "--db", db, "--json"],
                 ["concord", text, "--db", db], ["concord", text, "--en", "--db", db, "--json"],
                 ["terms", "lookup", text, "--tm", world["tmx"]]):
        ends_cleanly(invoke(*args))


@FAST
@given(lines=hostile_lines(), raw=st.binary(max_size=40), json=st.booleans())
def test_batch_match_on_any_stdin(world, lines, raw, json):
    for stdin in (lines.encode("utf-8", "surrogatepass"), raw):
        result = invoke("match", "--db", world["db"], *(["--json"] if json else []), stdin=stdin)
        ends_cleanly(result)


@SLOW
@given(document=hostile_lines(), encoding=st.sampled_from(ENCODINGS), raw=st.binary(max_size=60))
def test_document_commands_on_any_file(world, document, encoding, raw):
    root, db = world["root"], world["db"]
    doc = root / "doc.txt"
    for data in (document.encode(encoding, "replace"), raw):
        doc.write_bytes(data)
        for args in (["align", doc, "-o", root / "out.tmx", "-q"],
                     ["terms", doc, "-o", root / "out.tbx", "-q"],
                     ["pretranslate", doc, "-o", root / "pre.tmx", "--db", db],
                     ["terms", "check", "--termbase", doc, world["tmx"]]):
            ends_cleanly(invoke(*args))


@SLOW
@given(zh=hostile_string(max_pieces=6), en=hostile_string(max_pieces=6), raw=st.binary(max_size=80))
def test_import_and_terms_on_any_tmx(world, zh, en, raw):
    root = world["root"]
    made = root / "made.tmx"
    write_tmx([Unit(zh, en), *[Unit(z, e) for z, e in PAIRS]], made, header=TmxHeader("t"))
    garbage = root / "garbage.tmx"
    garbage.write_bytes(raw)
    for tmx in (made, garbage):
        ends_cleanly(invoke("import", tmx, "--db", root / "scratch.db", "-q"))
        ends_cleanly(invoke("terms", tmx, "-o", root / "t.utf8", "--min-frequency", "1", "-q"))
