"""Every TMX and TBX writer, with every output option, validated against ../shared/schemas.

* TMX 1.4: ``tmx/tmx14.dtd`` (OmegaT's copy);
* TBX 2008 (``<martif>``, what OmegaT reads): TBX-Basic RNG and DTD and the TBX-Default core
  structure RNG and DTD;
* TBX v3: the core structure RNG and the TBX-Basic integrated (DCA) RNG.

Plain-text outputs (TSV pairs, links, OmegaT TSV/CSV glossaries) have no schema; OmegaT's own
readers check the glossaries (test_omegat.py).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from zhtm.errors import ZhtmError
from zhtm.formats.tbx import TbxHeader, write_tbx
from zhtm.formats.tmx import TmxHeader, read_tmx, write_tmx
from zhtm.records import TermEntry, Unit, term_id

from tests.paths import ROOT, SCHEMAS


TBX2008 = ["tbx2008/TBXBasicRNGV02.rng", "tbx2008/TBXBasiccoreStructV02.dtd",
           "tbx2008/TBXcoreStructV02.rng", "tbx2008/TBXcoreStructV02.dtd"]
TBX3 = ["tbx3/TBXcoreStructV03.rng", "tbx3/TBXcoreStructV03_TBX-Basic_integrated.rng"]

if not SCHEMAS.is_dir():  # CI has ../shared beside the clone; elsewhere say why nothing ran
    pytest.skip(f"schemas not found at {SCHEMAS}", allow_module_level=True)


@cache
def _validator(name: str):
    path = SCHEMAS / name
    if name.endswith(".dtd"):
        return etree.DTD(str(path))
    return etree.RelaxNG(etree.parse(str(path)))


def _parse(path: Path):
    parser = etree.XMLParser(load_dtd=False, no_network=True, resolve_entities=False)
    return etree.parse(str(path), parser)  # DOCTYPE SYSTEM ids are never fetched


def assert_valid(path: Path, schemas: list[str]) -> None:
    doc = _parse(path)
    for name in schemas:
        validator = _validator(name)
        assert validator.validate(doc), f"{path.name} vs {name}: {validator.error_log}"


def assert_tmx(path: Path) -> None:
    assert_valid(path, ["tmx/tmx14.dtd"])


def assert_tbx(path: Path) -> None:
    root = _parse(path).getroot()
    assert_valid(path, TBX2008 if root.tag == "martif" else TBX3)


# ---------------------------------------------------------------------------------- controls

def test_the_schemas_reject_what_omegat_drops(tmp_path: Path) -> None:
    """Validation is real: a header without srclang (OmegaT loads nothing) and the wrong TBX
    flavour are rejected."""
    bad = tmp_path / "bad.tmx"
    bad.write_text('<tmx version="1.4"><header creationtool="x" creationtoolversion="1" '
                   'segtype="sentence" o-tmf="x" adminlang="en" datatype="plaintext"/>'
                   '<body/></tmx>', encoding="utf-8")
    assert not _validator("tmx/tmx14.dtd").validate(_parse(bad))
    v3 = tmp_path / "v3.tbx"
    write_tbx(ENTRIES, v3, flavour="3")
    assert not _validator(TBX2008[0]).validate(_parse(v3))
    v2008 = tmp_path / "v2008.tbx"
    write_tbx(ENTRIES, v2008)
    assert not _validator(TBX3[1]).validate(_parse(v2008))


# ---------------------------------------------------------------------------------- TMX

UNITS = [
    Unit("一、2023年工作回顾", "I. Review of Work During 2023"),
    Unit("A<B & C>D ]]> \"引号\"", "A<B & C>D ]]> \"quotes\"", 0.5, "2-1", "edge", "p1",
         props=(("note", "escaping"), ("x-other", "kept"))),
    Unit("𠀀𪚥\x00\x1f。", "astral\ufffe", 0.0),
    Unit(" ", "skipped: empty zh"),
]


@pytest.mark.parametrize("header", [
    TmxHeader("0.1.0"),
    TmxHeader("0.1.0", "20240121T000000Z"),
    TmxHeader("0.1.0", None, (("aligner", "x"), ("x-zhtm-source-sha256", "0" * 64),
                              ("bad\x00", "value & <>"))),
    TmxHeader("0.1.0", srclang="zh-TW", tgtlang="en-GB"),
], ids=["plain", "date", "props", "languages"])
def test_write_tmx_options(tmp_path: Path, header: TmxHeader) -> None:
    dest = tmp_path / "out.tmx"
    assert write_tmx(UNITS, dest, header=header) == 3
    assert_tmx(dest)
    assert write_tmx([], dest, header=header) == 0  # an empty TM is still valid TMX
    assert_tmx(dest)


def test_committed_tmx() -> None:
    files = sorted((ROOT / "tmx").glob("*.tmx"))
    assert files
    for path in files:
        assert_tmx(path)


@pytest.mark.parametrize("args", [
    [],
    ["--date", "20240121T000000Z", "--min-score", "0.6"],
    ["--max-zh", "1", "--max-en", "2"],
    ["--layout", "two-files"],
    ["--layout", "pre-split"],
], ids=["default", "date-min-score", "bead-limits", "two-files", "pre-split"])
def test_zhtm_align_tmx(tmp_path: Path, args: list[str]) -> None:
    from zhtm.cli.main import main

    zh = ["政府工作报告", "各位代表:", "过去一年,我们坚持稳中求进。经济持续恢复。", "就业稳定。"]
    en = ["Report on the Work of the Government", "Fellow Deputies,",
          "Over the past year, we pursued progress while ensuring stability. The economy kept "
          "recovering.", "Employment was stable."]
    if "--layout" in args:
        a, b = tmp_path / "zh.txt", tmp_path / "en.txt"
        a.write_text("\n".join(zh) + "\n", encoding="utf-8")
        b.write_text("\n".join(en) + "\n", encoding="utf-8")
        inputs = [str(a), str(b)]
    else:
        src = tmp_path / "doc.txt"
        src.write_text("".join(f"{z}\n{e}\n" for z, e in zip(zh, en)), encoding="utf-8")
        inputs = [str(src)]
    out = tmp_path / "out.tmx"
    result = CliRunner().invoke(main, ["align", *inputs, "-o", str(out), "-q", *args])
    assert result.exit_code == 0, result.output
    assert_tmx(out)
    assert list(read_tmx(out))


def test_committed_build_outputs_are_schema_valid() -> None:
    """What `zhtm build corpus` writes, validated through the committed copies: the test
    `test_committed_assets_are_reproduced_byte_for_byte` checks the build gives exactly
    these bytes (one build for both, instead of one each)."""
    tmx = sorted((ROOT / "tmx").glob("*.tmx"))
    tbx = sorted((ROOT / "termbase").glob("*.tbx"))
    assert tmx and tbx
    for path in tmx:
        assert_tmx(path)
    for path in tbx:
        assert_tbx(path)


@pytest.mark.parametrize("min_percent, fragments", [(50, False), (70, False), (100, False),
                                                     (70, True)])
def test_pretranslate_tmx(tmp_path: Path, min_percent: int, fragments: bool) -> None:
    from zhtm.tm.matching import Matcher
    from zhtm.tm.pretranslate import pretranslate
    from zhtm.tm.store import Store

    pairs = [(u.seg("zh"), u.seg("en")) for u in read_tmx(ROOT / "tmx" / "beijing-gwr-2024.zh-en.tmx")]
    doc = tmp_path / "new.txt"
    # sentences of the TM with a changed year, and new sentences made of its clauses
    mixed = [a.split("，")[0].split(",")[0] + "，" + b.split(",")[-1].split("，")[-1]
             for (a, _), (b, _) in zip(pairs[30:60], pairs[100:130])]
    doc.write_text("\n\n".join([zh.replace("2023", "2024") for zh, _ in pairs[:30]] + mixed)
                   + "\n", encoding="utf-8")
    with Store.open(tmp_path / "tm.db", create=True) as store:
        store.add_pairs(pairs)
        out = tmp_path / "pre.tmx"
        result = pretranslate(Matcher(store), doc, out, min_percent=min_percent,
                              fragments=fragments, tool_version="0.1.0",
                              created="20240121T000000Z")
    assert result.written > 0
    assert result.written_clauses > 0 if fragments else result.written_clauses == 0
    assert_tmx(out)


# ---------------------------------------------------------------------------------- TBX

ENTRIES = [
    TermEntry(term_id("城市副中心"), "城市副中心", "Beijing Municipal Administrative Center", ("BMC",), 5,
              "大力推动城市副中心高质量发展。", "We pursued development of the BMC.",
              "beijing-gwr-2024", "zh line 17", "def & <x> ]]>", "a note\x00"),
    TermEntry(term_id("五子"), "五子", "", ("Five Key Initiatives",), 2),
    TermEntry(term_id("无英"), "无英"),  # no English at all
    TermEntry(term_id("𠀀𪚥"), "𠀀𪚥", "astral", (), 1),
]


@pytest.mark.parametrize("flavour", ["2008", "3"])
@pytest.mark.parametrize("options", [
    {},
    {"header": TbxHeader(title="t & <t>", source="beijing-gwr-2024.zh-en.tmx",
                         proposed=tuple(e.id for e in ENTRIES))},
    {"zh_lang": "zh-TW", "en_lang": "en-GB"},
], ids=["plain", "header", "languages"])
def test_write_tbx_options(tmp_path: Path, flavour: str, options: dict) -> None:
    dest = tmp_path / "out.tbx"
    assert write_tbx(ENTRIES, dest, flavour=flavour, **options) == len(ENTRIES)
    assert_tbx(dest)
    # TBX needs one entry: an empty glossary is refused, the previous file stays
    before = dest.read_bytes()
    with pytest.raises(ZhtmError, match="no glossary entries"):
        write_tbx([], dest, flavour=flavour, **options)
    assert dest.read_bytes() == before and sorted(tmp_path.iterdir()) == [dest]


@pytest.mark.parametrize("fmt", ["tbx", "tbx3"])
def test_terms_writer_formats(tmp_path: Path, fmt: str) -> None:
    """What `zhtm terms --format tbx|tbx3 [--keep]` writes (write_terms is the CLI's writer)."""
    from zhtm.formats.tbx import read_tbx
    from zhtm.terms.extract import write_terms

    entries = list(read_tbx(ROOT / "termbase" / "beijing-gwr-2024.tbx")) \
        if (ROOT / "termbase" / "beijing-gwr-2024.tbx").exists() else ENTRIES
    dest = tmp_path / "out.tbx"
    write_terms(entries, dest, fmt=fmt, source="beijing-gwr-2024.zh-en.tmx")
    assert_tbx(dest)
    write_terms(entries[:5], dest, fmt=fmt, source="x", proposed=tuple(e.id for e in entries))
    assert_tbx(dest)


def test_committed_termbase() -> None:
    files = sorted((ROOT / "termbase").glob("*.tbx"))
    if not files:
        pytest.skip("termbase/ is not built yet")
    for path in files:
        assert_tbx(path)
