"""`zhtm terms` and `zhtm terms check` end to end: outputs, --keep, bad input."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from zhtm.cli.terms import terms
from zhtm.formats.tbx import read_tbx

from tests.paths import ROOT, SHARED, BEIJING as CORPUS

TMX = ROOT / "tmx" / "beijing-gwr-2024.zh-en.tmx"

SMALL = """人工智能产业规模持续扩大。
The artificial intelligence industry kept growing.
支持人工智能企业发展,优化营商环境。
We supported artificial intelligence businesses and improved the business environment.
营商环境不断改善,人工智能应用加快。
The business environment improved and artificial intelligence was applied faster.
深化“五子”联动。
We advanced the “Five Key Initiatives”.
"""


def run(*args):
    return CliRunner().invoke(terms, [str(a) for a in args])


def assert_clean_error(result, *fragments, code=1):
    assert result.exit_code == code, result.output
    lines = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert len(lines) == 1, result.output
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    assert "Traceback" not in result.output


@pytest.fixture
def small(tmp_path):
    path = tmp_path / "small.zh-en.txt"
    path.write_text(SMALL, encoding="utf-8")
    return path


def _tmx(tmp_path, tuvs: str) -> Path:
    path = tmp_path / "in.tmx"
    path.write_text('<?xml version="1.0"?>\n<tmx version="1.4"><header srclang="zh-CN" creationtool="t" '
                    'creationtoolversion="1" segtype="sentence" o-tmf="t" adminlang="en" datatype="plaintext"/>'
                    f"<body>{tuvs}</body></tmx>", encoding="utf-8")
    return path


@pytest.mark.parametrize("fmt,name", [("tbx", "out.tbx"), ("tbx3", "out3.tbx"), ("tsv", "out.utf8"), ("csv", "out.csv")])
def test_every_format(tmp_path, small, fmt, name):
    out = tmp_path / name
    result = run(small, "-o", out, "--format", fmt, "--min-frequency", "2")
    assert result.exit_code == 0, result.output
    assert "人工智能" in out.read_text(encoding="utf-8")


def test_default_command_and_explicit_extract_agree(tmp_path, small):
    a, b = tmp_path / "a.tbx", tmp_path / "b.tbx"
    assert run(small, "-o", a).exit_code == 0
    assert run("extract", small, "-o", b).exit_code == 0
    assert a.read_bytes() == b.read_bytes()


def test_keep_preserves_manual_edits(tmp_path, small):
    first = tmp_path / "g.tbx"
    assert run(small, "-o", first).exit_code == 0
    text = first.read_text(encoding="utf-8").replace("<term>artificial intelligence</term>", "<term>AI (edited)</term>")
    root = etree.fromstring(text.encode("utf-8"))
    for entry in root.iter("termEntry"):  # the terminologist deletes 营商环境
        if any(t.text == "营商环境" for t in entry.iter("term")):
            entry.getparent().remove(entry)
    first.write_bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))
    second = tmp_path / "g2.tbx"
    result = run(small, "-o", second, "--keep", first)
    assert result.exit_code == 0, result.output
    by_zh = {e.zh: e for e in read_tbx(second)}
    assert by_zh["人工智能"].en == "AI (edited)"
    assert "营商环境" not in by_zh
    third = tmp_path / "g3.tbx"  # and it stays deleted on the next round
    assert run(small, "-o", third, "--keep", second).exit_code == 0
    assert "营商环境" not in {e.zh for e in read_tbx(third)}


def test_check_lists_inconsistent_units(tmp_path, small):
    glossary = tmp_path / "g.utf8"
    glossary.write_text("人工智能\tartificial intelligence\n营商环境\tbusiness climate\n", encoding="utf-8")
    result = run("check", "--termbase", glossary, small)
    assert result.exit_code == 0, result.output
    rows = [line.split("\t") for line in result.output.splitlines() if "\t" in line]
    assert [r[1] for r in rows] == ["营商环境", "营商环境"]


# ------------------------------------------------------------------ bad input, one test each

def test_tm_without_english_side(tmp_path):
    tmx = _tmx(tmp_path, '<tu><tuv xml:lang="zh-CN"><seg>人工智能</seg></tuv></tu>')
    out = tmp_path / "o.tbx"
    assert_clean_error(run(tmx, "-o", out), "no TU has both")
    assert not out.exists()


def test_tm_without_chinese_side(tmp_path):
    tmx = _tmx(tmp_path, '<tu><tuv xml:lang="en-US"><seg>AI</seg></tuv></tu>')
    assert_clean_error(run(tmx, "-o", tmp_path / "o.tbx"), "no TU has both")


def test_empty_input(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    out = tmp_path / "o.tbx"
    assert_clean_error(run(empty, "-o", out), "empty")
    assert not out.exists()


def test_empty_tmx(tmp_path):
    assert_clean_error(run(_tmx(tmp_path, ""), "-o", tmp_path / "o.tbx"), "no translation units")


@pytest.mark.parametrize("content,fragment", [
    ('<?xml version="1.0"?>\n<!DOCTYPE martif [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
     '<martif><text><body/></text></martif>', "entity &x; (declared in the DOCTYPE)"),
    ('<?xml version="1.0"?>\n<martif type="TBX-Basic"><text><body><termEntry>', "not well-formed"),
])
def test_hostile_or_truncated_keep(tmp_path, small, content, fragment):
    keep = tmp_path / "keep.tbx"
    keep.write_text(content, encoding="utf-8")
    out = tmp_path / "o.tbx"
    assert run(small, "-o", out).exit_code == 0  # an earlier glossary
    previous = out.read_bytes()
    assert_clean_error(run(small, "-o", out, "--keep", keep), fragment, "keep.tbx")
    assert out.read_bytes() == previous  # nothing half-written


def test_unknown_format(tmp_path, small):
    result = run(small, "-o", tmp_path / "o.tbx", "--format", "xlsx")
    assert result.exit_code == 2
    assert "--format" in result.output


def test_help_has_examples():
    for args in (["--help"], ["extract", "--help"], ["check", "--help"]):
        result = run(*args)
        assert result.exit_code == 0 and "Example" in result.output


# ------------------------------------------------------------------ golden files

def test_golden_outputs(tmp_path, small, golden):
    """A pre-split input (one sentence per line) so the golden files do not depend on the aligner."""
    zh, en = tmp_path / "zh.txt", tmp_path / "en.txt"
    lines = SMALL.splitlines()
    zh.write_text("\n".join(lines[0::2]) + "\n", encoding="utf-8")
    en.write_text("\n".join(lines[1::2]) + "\n", encoding="utf-8")
    for fmt, name in (("tbx", "small.tbx"), ("tbx3", "small.tbx3.tbx"), ("tsv", "small.utf8")):
        out = tmp_path / name
        result = run(zh, en, "--layout", "pre-split", "-o", out, "--format", fmt, "-q")
        assert result.exit_code == 0, result.output
        golden(f"terms/{name}", out.read_bytes())


def test_beijing_glossary_is_schema_valid(tmp_path):
    # Reruns are identical: tests/terms (in one process) and tests/test_build.py (the
    # committed termbase, another process) check that.
    tbx = tmp_path / "b.tbx"
    args = [CORPUS] if not TMX.exists() else [TMX, "--notes", CORPUS]
    assert run(*args, "-o", tbx, "-q").exit_code == 0
    assert len(list(read_tbx(tbx))) == 200
    rng = SHARED / "schemas" / "tbx2008" / "TBXBasicRNGV02.rng"
    if rng.exists():
        schema = etree.RelaxNG(etree.parse(str(rng)))
        assert schema.validate(etree.parse(str(tbx))), schema.error_log


# ------------------------------------------------------------------ lookup

def test_lookup_lists_renderings_with_counts_and_context(small):
    result = run("lookup", "人工智能", "营商环境", "--tm", small)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "人工智能\t3 TU(s)"
    first = lines[1].split("\t")
    assert first[0].strip() == "artificial intelligence" and first[1] == "3"
    assert "artificial intelligence" in first[2]
    assert "营商环境\t2 TU(s)" in lines


def test_lookup_reads_stdin_and_writes_json(small):
    import json

    result = CliRunner().invoke(terms, ["lookup", "--json", "--tm", str(small)],
                                input="营商环境\n\n不存在的词\n")
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert [r["zh"] for r in rows] == ["营商环境", "不存在的词"]
    assert rows[0]["renderings"][0]["en"] == "business environment"
    assert rows[0]["renderings"][0]["count"] == 2 and rows[0]["units"] == 2
    assert rows[1] == {"zh": "不存在的词", "units": 0, "renderings": []}


def test_lookup_in_the_store(tmp_path):
    from zhtm.cli.main import main

    db = tmp_path / "tm.db"
    assert CliRunner().invoke(main, ["import", str(TMX), "--db", str(db)]).exit_code == 0
    result = run("lookup", "垃圾分类", "--db", db)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[1].split("\t")[0].strip() == "waste sorting"
    # the English is chosen against the whole document, as with --tm: 接诉即办 shares its
    # units with 每月一题, and only the document tells their renderings apart (the store
    # gave "public complaints" when it read only the two units holding it)
    queries = ["接诉即办", "一刻钟便民生活圈", "营商环境", "不存在的词"]
    from_store = run("lookup", "--json", *queries, "--db", db)
    from_tmx = run("lookup", "--json", *queries, "--tm", TMX)
    assert from_store.exit_code == 0 and from_tmx.exit_code == 0, from_store.output
    firsts = [[r["en"] for r in json.loads(line)["renderings"][:1]]
              for line in from_store.output.splitlines()]
    assert firsts[0] == ["swift response to public complaints"]
    assert firsts == [[r["en"] for r in json.loads(line)["renderings"][:1]]
                      for line in from_tmx.output.splitlines()]


def test_a_store_lookup_reads_its_documents_only_up_to_a_bound(tmp_path):
    """The documents around a store lookup's units are read whole only when they hold at
    most the bound (a store of one huge TMX falls back to the units holding the query)."""
    from zhtm.tm.store import Store

    with Store.open(tmp_path / "tm.db", create=True) as store:
        store.import_tmx([TMX])
        holding = [u.id for u in store.units(range(1, 400)).values() if "接诉即办" in u.zh]
        everything = store.document_units(holding, cap=400)
        assert len(everything) == store.stats().units and holding[0] in {r[0] for r in everything}
        assert [r[0] for r in everything] == sorted(r[0] for r in everything)
        assert store.document_units(holding, cap=len(everything) - 1) is None
        assert store.document_units([], cap=10) == []


def test_lookup_bad_input(tmp_path):
    assert_clean_error(run("lookup", "京津冀", "--db", tmp_path / "missing.db"), "missing.db: no such file")
    assert_clean_error(run("lookup", "  ", "--tm", TMX), "no query", code=2)


def test_lookup_matches_the_gold_english_on_the_dev_list():
    """terms_dev.tsv: the first rendering given the gold Chinese (the bench reports the rate)."""
    from zhtm.terms.extract import load_units
    from zhtm.terms.lookup import lookup_terms

    rows = [line.split("\t") for line in (SHARED / "eval" / "terms_dev.tsv").read_text(
        encoding="utf-8").splitlines()[1:] if line.strip()]
    units, _ = load_units([TMX])
    found = lookup_terms(units, [r[0] for r in rows])
    exact = sum(1 for r, f in zip(rows, found) if f.renderings and f.renderings[0].en in {r[1], r[2]} - {""})
    assert exact >= 50  # 44/61 before the command existed, 46 in round 2, 50 in round 3


# ------------------------------------------------------------------ several documents

def test_two_bilingual_documents_are_two_documents(tmp_path):
    from tests.paths import NATIONAL

    out = tmp_path / "g.utf8"
    result = run(NATIONAL / "gwr-2016.zh-en.txt", NATIONAL / "gwr-2017.zh-en.txt", "-o", out, "-q")
    assert result.exit_code == 0, result.output
    rows = {line.split("\t")[0]: line.split("\t")[1] for line in out.read_text(encoding="utf-8").splitlines()
            if not line.startswith("#")}
    assert rows["一带一路"].startswith("Belt and Road")
    assert rows["十三五"] == "13th Five-Year Plan"


def test_a_tmx_and_a_document_together(tmp_path, small):
    out = tmp_path / "g.utf8"
    result = run(TMX, small, "-o", out, "--limit", "400")
    assert result.exit_code == 0, result.output
    assert "from 355 units" in result.output  # 351 TUs of the TMX + the small document's 4


def test_a_keep_file_without_glossary_entries_is_an_error(tmp_path, small):
    """--keep naming the translator's notes (not the edited glossary) kept nothing, exit 0:
    the edits the user meant to keep were silently dropped."""
    notes = tmp_path / "notes.txt"
    notes.write_text("Glossary edits: use 'Five Key Initiatives' for 五子联动.\n", encoding="utf-8")
    out = tmp_path / "glossary.tbx"
    result = run(small, "-o", out, "--keep", notes)
    assert result.exit_code == 1, result.output
    assert "Error: " + str(notes) + ":1: 1 column(s), not a glossary row" in result.output
    assert not out.exists()
    empty = tmp_path / "empty.utf8"
    empty.write_text("# nothing yet\n", encoding="utf-8")
    result = run(small, "-o", out, "--keep", empty)
    assert result.exit_code == 1, result.output
    assert "Error: " + str(empty) + ": no glossary entries in it" in result.output


def test_extract_help_says_several_documents_are_read_each_on_its_own():
    """The help said 'one bilingual document' while two are read as two documents (above)."""
    text = " ".join(run("extract", "--help").output.split())
    assert "one bilingual document" not in text
    assert "TMX files and bilingual documents, each read on its own" in text


def test_a_huge_segment_is_left_out_with_a_note(tmp_path):
    """A TMX whose one segment is 16,000 characters drawn from 25 (every n-gram repeats) ran
    for over 8 minutes; with no sentence end to cut it at, it is now left out and the summary
    says so."""
    import random
    rng = random.Random(7)
    letters = "发展建设推进改革创新经济社会国家政策城市农村企业服务体系"[:25]
    huge = "".join(rng.choice(letters) for _ in range(16000))
    words = " ".join(rng.choice(["develop", "reform", "city", "policy"]) for _ in range(4000))
    small_tus = "".join(f'<tu><tuv xml:lang="zh-CN"><seg>{zh}</seg></tuv><tuv xml:lang="en"><seg>{en}</seg></tuv></tu>'
                        for zh, en in zip(SMALL.splitlines()[0::2], SMALL.splitlines()[1::2]) if zh)
    tmx = _tmx(tmp_path, f'<tu><tuv xml:lang="zh-CN"><seg>{huge}</seg></tuv>'
                         f'<tuv xml:lang="en"><seg>{words}</seg></tuv></tu>' + small_tus)
    result = run(tmx, "-o", tmp_path / "g.utf8")
    assert result.exit_code == 0, result.output
    assert "Note: 1 unit(s) longer than 600 Chinese characters" in result.output
    assert "1 sentence pair(s) with no sentence end inside still too long, left out" in result.output
    glossary = (tmp_path / "g.utf8").read_text(encoding="utf-8")
    assert "人工智能\tartificial intelligence" in glossary


@pytest.mark.parametrize("name,content,line,fragment", [
    ("notes.tsv", "hello\tworld\nsecond\tline\n", 1, "the first column holds no Chinese ('hello')"),
    ("list.utf8", "# a glossary\n人工智能\tAI\n数字经济\n", 3, "1 column(s), not a glossary row"),
    ("wide.tsv", "人工智能\tAI\tnote\tmore\n", 1, "4 column(s), not a glossary row"),
    ("table.csv", '"name","value"\n"人工智能","AI"\n', 1, "the first column holds no Chinese ('name')"),
    ("bin.utf8", "人工智能\tAI\n营商\x01环境\tx\x02y\n", 2, "binary data (control characters)"),
    ("nul.utf8", "人工智能\tAI\x00\n", 1, "NUL bytes"),
])
def test_keep_refuses_a_file_that_is_not_a_glossary(tmp_path, small, name, content, line, fragment):
    """--keep read any TSV as a glossary: a file that is not one is refused, naming the line."""
    keep = tmp_path / name
    keep.write_bytes(content.encode("utf-8"))
    out = tmp_path / "o.tbx"
    assert_clean_error(run(small, "-o", out, "--keep", keep), f"{name}:{line}:", fragment)
    assert not out.exists()


def test_keep_accepts_terms_without_chinese_that_hold_a_digit_or_that_zhtm_wrote(tmp_path, small):
    """23·7 is a term of the Beijing glossary; a glossary zhtm wrote is its own evidence."""
    hand = tmp_path / "hand.utf8"
    hand.write_text("23·7\tJuly flood\n人工智能\tA.I.\n", encoding="utf-8")
    ours = tmp_path / "ours.utf8"
    ours.write_text("# zhtm glossary: Chinese term, English term, comment\nAI\tartificial intelligence\n",
                    encoding="utf-8")
    for keep, term in ((hand, "A.I."), (ours, "artificial intelligence")):
        out = tmp_path / f"from-{keep.stem}.utf8"
        result = run(small, "-o", out, "--keep", keep)
        assert result.exit_code == 0, result.output
        assert term in out.read_text(encoding="utf-8")


def test_a_tmx_of_only_uncuttable_huge_units_is_an_error_naming_it(tmp_path):
    """Every unit too long and with no sentence end: one Error: line naming the file (it said
    '<input>'), exit 1, nothing written."""
    huge = "发展数字经济" * 200
    tmx = _tmx(tmp_path, f'<tu><tuv xml:lang="zh-CN"><seg>{huge}</seg></tuv>'
                         f'<tuv xml:lang="en"><seg>{"develop the digital economy " * 200}</seg></tuv></tu>')
    result = run(tmx, "-o", tmp_path / "g.utf8")
    assert result.exit_code == 1
    assert f"Error: {tmx}: every translation unit is longer than 600" in result.output
    assert not (tmp_path / "g.utf8").exists()
