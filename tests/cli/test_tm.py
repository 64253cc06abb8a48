"""The TM commands through click's runner: output, exit codes, one-line errors."""

import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from zhtm.cli.tm import concord_cmd, import_cmd, match_cmd, pretranslate_cmd
from zhtm.formats.tmx import TmxHeader, write_tmx
from zhtm.records import Unit

PAIRS = [
    ("推进京津冀协同发展。", "Promote the coordinated development of Beijing-Tianjin-Hebei."),
    ("城镇新增就业2315万人。", "23.15 million new urban jobs were added."),
    ("全年地区生产总值增长5.2%。", "The region's GDP grew by 5.2 percent."),
]


@pytest.fixture()
def tmx(tmp_path):
    path = tmp_path / "beijing.tmx"
    write_tmx([Unit(z, e) for z, e in PAIRS], path, header=TmxHeader(tool_version="test"))
    return path


@pytest.fixture()
def db(tmp_path, tmx):
    path = tmp_path / "tm.db"
    result = CliRunner().invoke(import_cmd, [str(tmx), "--db", str(path)])
    assert result.exit_code == 0, result.output
    return path


def dump(db: Path):
    with sqlite3.connect(db) as conn:
        return (conn.execute("SELECT id, zh, en, count FROM units ORDER BY id").fetchall(),
                conn.execute("SELECT count(*) FROM index_segments").fetchone())


def error_line(result) -> str:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and result.exception.__class__ is SystemExit
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error:"), result.output
    return lines[0]


def test_every_command_has_help_with_an_example():
    for cmd in (import_cmd, match_cmd, concord_cmd, pretranslate_cmd):
        out = CliRunner().invoke(cmd, ["--help"]).output
        assert "Example:" in out and "ZHTM_DB" in out.replace("$", "")


def test_import_then_match_human_output(db):
    result = CliRunner().invoke(match_cmd, ["城镇新增就业2300万人。", "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert " 84%" in result.output                    # 1 - 2/13 = 0.846, rounded down
    assert "23.15 million new urban jobs" in result.output
    assert "23[15→00]万人" in result.output            # both sides of the change
    assert "numbers differ" in result.output and "beijing.tmx" in result.output


def test_match_json_and_stdin(db):
    result = CliRunner().invoke(match_cmd, ["--db", str(db), "--json", "--min", "50"],
                                input="推进京津冀协同发展。\n\n全年地区生产总值增长5.4%。\n")
    assert result.exit_code == 0, result.output
    objs = [json.loads(line) for line in result.output.splitlines()]
    assert [o["line"] for o in objs] == [1, 2, 3]      # the blank line keeps its record
    assert [[m["score"] for m in o["matches"]] for o in objs] == [[100], [], [93]]  # 1 - 1/15
    assert objs[0]["matches"][0]["origins"][0]["file"].endswith("beijing.tmx")
    assert objs[2]["matches"][0]["penalties"]["numbers_only_in_query"] == ["5.4%"]


def test_match_with_a_tsv_termbase(db, tmp_path):
    glossary = tmp_path / "glossary.txt"
    glossary.write_text("京津冀\tBeijing-Tianjin-Hebei\n协同发展\tcoordinated development\n",
                        encoding="utf-8")
    result = CliRunner().invoke(match_cmd, ["推进京津冀协同发展。", "--db", str(db),
                                            "--termbase", str(glossary)])
    assert result.exit_code == 0, result.output
    assert "terms: 京津冀 = Beijing-Tianjin-Hebei; 协同发展 = coordinated development" in result.output


def test_match_with_a_tbx_termbase(db, tmp_path):
    from zhtm.formats.tbx import write_tbx
    from zhtm.records import TermEntry, term_id
    tbx = tmp_path / "terms.tbx"
    write_tbx([TermEntry(term_id("京津冀"), "京津冀", "Beijing-Tianjin-Hebei")], tbx)
    result = CliRunner().invoke(match_cmd, ["推进京津冀协同发展。", "--db", str(db),
                                            "--termbase", str(tbx), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["terms"] == [{"zh": "京津冀", "en": ["Beijing-Tianjin-Hebei"]}]


def test_concord(db):
    result = CliRunner().invoke(concord_cmd, ["京津冀", "--db", str(db)])
    assert result.exit_code == 0
    assert "推进京津冀协同发展。" in result.output and "1 TU(s)" in result.output


def test_pretranslate_prints_bands(db, tmp_path):
    doc = tmp_path / "new.txt"
    doc.write_text("推进京津冀协同发展。城镇新增就业2300万人。\n\n今天天气很好。\n", encoding="utf-8")
    out = tmp_path / "omegat" / "tm" / "new.tmx"
    out.parent.mkdir(parents=True)  # an OmegaT project has its tm/ folder
    result = CliRunner().invoke(pretranslate_cmd, [str(doc), "-o", str(out), "--db", str(db)])
    assert result.exit_code == 0, result.output
    rows = {line[:10].strip(): int(line[10:20]) for line in result.output.splitlines()[1:7]}
    assert rows == {"100%": 1, "95-99%": 0, "85-94%": 0, "75-84%": 1, "50-74%": 0,
                    "no match": 1}
    assert out.exists() and "2 TUs written" in result.output


def test_import_reports_clauses_and_no_clauses_skips_them(tmp_path, tmx):
    db = tmp_path / "with.db"
    result = CliRunner().invoke(import_cmd, [str(tmx), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "clauses: 3 in 3 units, 3 with their English, 0 without" in result.output
    assert "3 clause units" in result.output
    bare = tmp_path / "without.db"
    result = CliRunner().invoke(import_cmd, [str(tmx), "--db", str(bare), "--no-clauses"])
    assert result.exit_code == 0 and "0 clause units" in result.output
    with sqlite3.connect(bare) as conn:
        assert conn.execute("SELECT count(*) FROM clauses").fetchone() == (0,)


def test_match_shows_fragments_and_the_assembled_english(db):
    query = "推进京津冀协同发展，城镇新增就业2315万人。"
    result = CliRunner().invoke(match_cmd, [query, "--db", str(db), "--min", "90"])
    assert result.exit_code == 0, result.output
    assert "no match" in result.output and "fragments:" in result.output
    assembled = result.output.split("assembled:")[1]
    assert "推进京津冀协同发展  →  Promote the coordinated development of Beijing-Tianjin-Hebei" \
        in assembled
    assert "城镇新增就业2315万人  →  23.15 million new urban jobs were added" in assembled
    data = json.loads(CliRunner().invoke(match_cmd, [query, "--db", str(db), "--json"]).output)
    assert [a["score"] for a in data["assembled"]] == [100, 100]
    assert data["fragments"][1]["matches"][0]["parent"]["en"] == PAIRS[1][1] + ""
    quiet = CliRunner().invoke(match_cmd, [query, "--db", str(db), "--no-fragments", "--json"])
    assert json.loads(quiet.output)["fragments"] == []


def test_a_fragment_whose_numbers_differ_says_so(db):
    query = "推进京津冀协同发展，城镇新增就业2300万人。"
    result = CliRunner().invoke(match_cmd, [query, "--db", str(db), "--min", "95"])
    assert result.exit_code == 0, result.output
    fragments = result.output.split("fragments:")[1].split("assembled:")[0]
    second = fragments.split(" 2 城镇新增就业2300万人")[1]
    assert "! numbers differ: query 2300万; match 2315万" in second
    assert "numbers differ" not in fragments.split(" 2 ")[0]   # the first clause's are equal
    data = json.loads(CliRunner().invoke(match_cmd, [query, "--db", str(db), "--json"]).output)
    first, second = (f["matches"][0] for f in data["fragments"])
    assert first["penalties"] == {}
    assert second["penalties"] == {"numbers_only_in_query": ["2300万"],
                                   "numbers_only_in_match": ["2315万"]}


def test_pretranslate_fragments_json(db, tmp_path):
    doc = tmp_path / "new.txt"
    doc.write_text("推进京津冀协同发展，全年地区生产总值增长5.2%。\n", encoding="utf-8")
    out = tmp_path / "new.tmx"
    result = CliRunner().invoke(pretranslate_cmd, [str(doc), "-o", str(out), "--db", str(db),
                                                   "--fragments", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["written"] == 2 and data["written_clauses"] == 2
    assert data["low_characters"] == 25                 # normalised, marks included
    assert {f["band"]: f["characters"] for f in data["fragments"]}["100%"] == 9 + 14


# --- bad input: exit 1, one Error: line naming the file, no traceback, store unchanged ------

BAD_TMX = {
    "not-xml.tmx": "Dies ist keine XML-Datei.\n",
    "entity.tmx": '<?xml version="1.0"?>\n<!DOCTYPE tmx [<!ENTITY e SYSTEM "file:///etc/passwd">]>\n'
                  '<tmx version="1.4"><header srclang="zh-CN"/><body><tu>'
                  '<tuv xml:lang="zh-CN"><seg>&e;</seg></tuv><tuv xml:lang="en"><seg>x</seg></tuv>'
                  '</tu></body></tmx>\n',
    "laughs.tmx": '<?xml version="1.0"?>\n<!DOCTYPE tmx [\n<!ENTITY a "ha">\n'
                  + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">\n'
                            for i in range(9))
                  + ']>\n<tmx version="1.4"><header srclang="zh-CN"/><body><tu><tuv xml:lang="zh">'
                    '<seg>&j;</seg></tuv></tu></body></tmx>\n',
}


@pytest.mark.parametrize("name", [*BAD_TMX, "truncated.tmx"])
def test_bad_tmx_is_one_error_line_and_imports_nothing(db, tmp_path, name):
    path = tmp_path / name
    if name == "truncated.tmx":
        good = tmp_path / "more.tmx"
        write_tmx([Unit(f"第{i}句。", f"Sentence {i}.") for i in range(200)], good,
                  header=TmxHeader(tool_version="t"))
        data = good.read_bytes()
        path.write_bytes(data[: len(data) // 2])
    else:
        path.write_text(BAD_TMX[name], encoding="utf-8")
    other = tmp_path / "other.tmx"
    write_tmx([Unit("新的一句。", "A new one.")], other, header=TmxHeader(tool_version="t"))
    before = dump(db)
    result = CliRunner().invoke(import_cmd, [str(other), str(path), "--db", str(db)])
    assert name in error_line(result)
    assert dump(db) == before


def test_empty_query(db):
    assert "empty query" in error_line(CliRunner().invoke(match_cmd, ["", "--db", str(db)]))


def test_ten_thousand_character_query(db):
    line = error_line(CliRunner().invoke(match_cmd, ["中" * 10000, "--db", str(db)]))
    assert "10000 characters" in line


def test_db_that_is_not_a_store(tmp_path, tmx):
    notes = tmp_path / "notes.txt"
    notes.write_text("my shopping list\n", encoding="utf-8")
    for cmd, args in ((match_cmd, ["句子"]), (import_cmd, [str(tmx)]), (concord_cmd, ["句"])):
        line = error_line(CliRunner().invoke(cmd, [*args, "--db", str(notes)]))
        assert "notes.txt" in line and "not a zhtm store" in line
    assert notes.read_text(encoding="utf-8") == "my shopping list\n"


def test_missing_store(tmp_path):
    line = error_line(CliRunner().invoke(match_cmd, ["句子", "--db", str(tmp_path / "no.db")]))
    assert ": no such file (create a store with: zhtm import" in line


def test_two_imports_at_once(db, tmp_path):
    other = tmp_path / "other.tmx"
    write_tmx([Unit("新的一句。", "A new one.")], other, header=TmxHeader(tool_version="t"))
    before = dump(db)
    running = sqlite3.connect(db, isolation_level=None)
    running.execute("BEGIN IMMEDIATE")                     # the first import holds the lock
    try:
        line = error_line(CliRunner().invoke(import_cmd, [str(other), "--db", str(db)]))
        assert "another import" in line and "tm.db" in line
    finally:
        running.execute("ROLLBACK")
        running.close()
    assert dump(db) == before


def test_db_from_environment(tmx, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ZHTM_DB", str(tmp_path / "env.db"))
    assert CliRunner().invoke(import_cmd, [str(tmx)]).exit_code == 0
    assert (tmp_path / "env.db").exists() and not (tmp_path / "zhtm.db").exists()


def test_pretranslate_warns_when_the_new_document_is_half_english(db, tmp_path):
    """A bilingual report given as the new document: its English paragraphs were counted as
    Chinese segments without a match (the national report 2020: 98.5 % 'no match'), with no
    word of warning, and translators bill by these bands."""
    from tests.paths import NATIONAL

    doc = tmp_path / "gwr-2020.zh-en.txt"
    doc.write_bytes((NATIONAL / "gwr-2020.zh-en.txt").read_bytes())
    english = sum(1 for line in doc.read_text(encoding="utf-8").splitlines()
                  if line.strip() and not any("\u4e00" <= ch <= "\u9fff" for ch in line))
    out = tmp_path / "new.tmx"
    result = CliRunner().invoke(pretranslate_cmd, [str(doc), "-o", str(out), "--db", str(db)])
    assert result.exit_code == 0, result.output
    warning = next(line for line in result.output.splitlines() if line.startswith("Warning:"))
    assert f"{english} of 180 text lines are English" in warning
    assert str(doc) in warning


def test_pretranslate_of_a_chinese_document_gives_no_language_warning(db, tmp_path):
    doc = tmp_path / "new.txt"
    doc.write_text("推进京津冀协同发展。\n\n全年地区生产总值增长5.2%。\n", encoding="utf-8")
    result = CliRunner().invoke(pretranslate_cmd, [str(doc), "-o", str(tmp_path / "n.tmx"),
                                                   "--db", str(db)])
    assert result.exit_code == 0 and "Warning" not in result.output, result.output
