"""A second reader: translate-toolkit (``translate.storage.tmx``/``tbx``) reads every TMX and
TBX the project writes and finds the same units and terms as zhtm's own readers.

TBX v3 is not here: translate-toolkit (like OmegaT) reads only the 2008 ``<martif>`` flavour
(shared/docs/INTEROP.md); v3 output is checked against its schema in test_schemas.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from zhtm.build import align_to_file
from zhtm.formats.tbx import read_tbx, write_tbx
from zhtm.formats.tmx import TmxHeader, read_tmx, write_tmx
from zhtm.records import TermEntry, Unit, term_id

from tests.paths import ROOT

tt_tmx = pytest.importorskip("translate.storage.tmx")
tt_tbx = pytest.importorskip("translate.storage.tbx")


EDGE_UNITS = [
    Unit("一、2023年工作回顾", "I. Review of Work During 2023"),
    Unit("A<B & C>D \"引号\" 'x' ]]>", "A<B & C>D \"quotes\" 'x' ]]>", 0.5, "2-1", "edge", "p1"),
    Unit("𠀀𠀁𪚥𰻞。", "Extension B and G.", props=(("note", "astral"),)),
    Unit("控制\x00字符\x1f。", "controls\ufffe removed", 0.25),
    Unit("  前后空白。\u3000", "\t trimmed \n", 1.0),
    Unit("长" * 5000 + "。", "long " * 5000),
]

EDGE_TERMS = [
    TermEntry(term_id("城市副中心"), "城市副中心", "Beijing Municipal Administrative Center", ("BMC",), 5,
              definition="def & <x>", note="a note"),
    TermEntry(term_id("五子"), "五子", "", ("Five Key Initiatives",), 2),
    TermEntry(term_id("𠀀𪚥"), "𠀀𪚥", "astral ]]> & <", (), 1),
]


def tt_pairs(path: Path) -> list[tuple[str, str]]:
    with open(path, "rb") as f:
        store = tt_tmx.tmxfile(f, sourcelanguage="zh-CN", targetlanguage="en-US")
    return [(u.source, u.target) for u in store.units]


def our_pairs(path: Path) -> list[tuple[str, str]]:
    return [(u.seg("zh") or "", u.seg("en") or "") for u in read_tmx(path)]


def assert_same_tmx(path: Path) -> int:
    ours = our_pairs(path)
    theirs = tt_pairs(path)
    assert ours, f"{path.name}: no units"
    assert theirs == ours
    return len(ours)


# ---------------------------------------------------------------------------------- TMX

def committed_tmx() -> list[Path]:
    return sorted((ROOT / "tmx").glob("*.tmx"))


@pytest.mark.parametrize("path", committed_tmx(), ids=lambda p: p.name)
def test_committed_tmx(path: Path) -> None:
    assert assert_same_tmx(path) > 300


def test_write_tmx_edge_cases(tmp_path: Path) -> None:
    dest = tmp_path / "edge.tmx"
    for header in (TmxHeader("0.1.0"), TmxHeader("0.1.0", "20240121T000000Z", (("a", "b & <c>"),))):
        write_tmx(EDGE_UNITS, dest, header=header)
        assert assert_same_tmx(dest) == len(EDGE_UNITS)
    pairs = tt_pairs(dest)
    assert pairs[1] == ("A<B & C>D \"引号\" 'x' ]]>", "A<B & C>D \"quotes\" 'x' ]]>")
    assert pairs[2][0] == "𠀀𠀁𪚥𰻞。" and pairs[3] == ("控制字符。", "controls removed")
    assert pairs[4] == ("前后空白。", "trimmed") and len(pairs[5][0]) == 5001


@pytest.mark.parametrize("layout", ["interleaved", "two-files", "pre-split"])
def test_align_output_of_each_layout(tmp_path: Path, layout: str) -> None:
    zh = ["政府工作报告", "各位代表:", "过去一年,我们坚持稳中求进。经济持续恢复。", "就业稳定。"]
    en = ["Report on the Work of the Government", "Fellow Deputies,",
          "Over the past year, we pursued progress while ensuring stability. The economy kept "
          "recovering.", "Employment was stable."]
    if layout == "interleaved":
        src = tmp_path / "doc.txt"
        src.write_text("".join(f"{z}\n{e}\n" for z, e in zip(zh, en)), encoding="utf-8")
        inputs = [src]
    else:
        a, b = tmp_path / "zh.txt", tmp_path / "en.txt"
        a.write_text("\n".join(zh) + "\n", encoding="utf-8")
        b.write_text("\n".join(en) + "\n", encoding="utf-8")
        inputs = [a, b]
    out = tmp_path / "out.tmx"
    align_to_file(inputs, out, layout=layout, created="20240121T000000Z")
    assert assert_same_tmx(out) >= 3


def test_pretranslate_output(tmp_path: Path) -> None:
    from zhtm.tm.matching import Matcher
    from zhtm.tm.pretranslate import pretranslate
    from zhtm.tm.store import Store

    pairs = our_pairs(committed_tmx()[0])
    with Store.open(tmp_path / "tm.db", create=True) as store:
        store.add_pairs(pairs)
        doc = tmp_path / "new.txt"
        doc.write_text("\n\n".join(zh.replace("2023", "2024") for zh, _ in pairs[:40]) + "\n",
                       encoding="utf-8")
        out = tmp_path / "pre.tmx"
        result = pretranslate(Matcher(store), doc, out, min_percent=70, tool_version="0.1.0")
    assert result.written > 20
    assert assert_same_tmx(out) == result.written
    assert set(tt_pairs(out)) <= set(pairs)  # the TM's own pairs


# ---------------------------------------------------------------------------------- TBX

def tt_terms(path: Path) -> dict[str, tuple[str, str | None]]:
    store = tt_tbx.tbxfile.parsefile(str(path))
    return {u.getid(): (u.source, u.target) for u in store.units}


def assert_same_tbx(path: Path) -> int:
    """translate-toolkit sees every entry (by id) with its Chinese term and the first English
    term (it reads one target per entry: the preferred one, or the first admitted variant)."""
    ours = {e.id: (e.zh, e.renderings[0] if e.renderings else None) for e in read_tbx(path)}
    assert ours, f"{path.name}: no entries"
    assert tt_terms(path) == ours
    return len(ours)


def test_write_tbx_edge_cases(tmp_path: Path) -> None:
    dest = tmp_path / "edge.tbx"
    write_tbx(EDGE_TERMS, dest)
    assert assert_same_tbx(dest) == len(EDGE_TERMS)
    assert tt_terms(dest)[term_id("𠀀𪚥")] == ("𠀀𪚥", "astral ]]> & <")


def test_committed_termbase() -> None:
    files = [p for p in sorted((ROOT / "termbase").glob("*.tbx"))
             if p.read_bytes()[:200].find(b"<martif") >= 0]
    if not files:
        pytest.skip("termbase/ is not built yet (zhtm build)")
    for path in files:
        assert assert_same_tbx(path) > 20
