"""TBX 2008 / v3 writers (schema-valid, deterministic) and the safe streaming reader."""


import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from zhtm.errors import InputError, UsageError
from zhtm.formats.tbx import TbxHeader, read_tbx, read_tbx_header, write_tbx
from zhtm.records import TermEntry, term_id

from tests.paths import SCHEMAS

RNG = {"2008": SCHEMAS / "tbx2008" / "TBXBasicRNGV02.rng",
       "3": SCHEMAS / "tbx3" / "TBXcoreStructV03_TBX-Basic_integrated.rng"}

ENTRIES = [
    TermEntry(term_id("城市副中心"), "城市副中心", "Beijing Municipal Administrative Center", ("BMC",), 5,
              "大力推动城市副中心高质量发展。", "We pursued development of the Beijing Municipal Administrative Center.",
              "beijing-gwr-2024", "zh line 17, en line 18", "", ""),
    TermEntry(term_id("四个中心"), "四个中心", "four centers", (), 3, "加强“四个中心”功能建设", "the “four centers”",
              "beijing-gwr-2024", "zh line 19", "The national political center, cultural center & <more>.", ""),
    TermEntry(term_id("五子"), "五子", "", ("Five Key Initiatives",), 2),
]


def _rng(flavour):
    if not RNG[flavour].exists():
        pytest.skip("shared schemas not available")
    return etree.RelaxNG(etree.parse(str(RNG[flavour])))


@pytest.mark.parametrize("flavour", ["2008", "3"])
def test_written_tbx_is_schema_valid_and_round_trips(tmp_path, flavour):
    dest = tmp_path / "out.tbx"
    header = TbxHeader(source="beijing-gwr-2024", proposed=tuple(e.id for e in ENTRIES))
    assert write_tbx(ENTRIES, dest, flavour=flavour, header=header) == 3
    rng = _rng(flavour)
    assert rng.validate(etree.parse(str(dest))), rng.error_log
    assert list(read_tbx(dest)) == ENTRIES
    assert read_tbx_header(dest).proposed == header.proposed


def test_tbx2008_is_the_omegat_flavour(tmp_path):
    dest = tmp_path / "out.tbx"
    write_tbx(ENTRIES, dest)
    root = etree.parse(str(dest)).getroot()
    assert root.tag == "martif" and root.get("type") == "TBX-Basic"  # no namespace
    assert dest.read_bytes().startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<martif ')


def test_tbx3_uses_the_iso_namespace_once(tmp_path):
    dest = tmp_path / "out.tbx"
    write_tbx(ENTRIES, dest, flavour="3")
    text = dest.read_text(encoding="utf-8")
    assert text.count("xmlns=") == 1
    assert etree.parse(str(dest)).getroot().tag == "{urn:iso:std:iso:30042:ed-2}tbx"


def test_translate_toolkit_reads_tbx2008(tmp_path):
    tbx = pytest.importorskip("translate.storage.tbx")
    dest = tmp_path / "out.tbx"
    write_tbx(ENTRIES, dest)
    store = tbx.tbxfile.parsefile(str(dest))
    pairs = {(u.source, u.target) for u in store.units}
    assert ("城市副中心", "Beijing Municipal Administrative Center") in pairs


def test_output_is_byte_identical(tmp_path):
    a, b = tmp_path / "a.tbx", tmp_path / "b.tbx"
    write_tbx(ENTRIES, a)
    write_tbx(ENTRIES, b)
    assert a.read_bytes() == b.read_bytes()


def test_unknown_flavour_is_a_usage_error(tmp_path):
    with pytest.raises(UsageError):
        write_tbx(ENTRIES, tmp_path / "x.tbx", flavour="2019")
    assert not list(tmp_path.iterdir())


def test_failed_write_leaves_nothing(tmp_path):
    def broken():
        yield ENTRIES[0]
        raise RuntimeError("boom")
    dest = tmp_path / "x.tbx"
    with pytest.raises(RuntimeError):
        write_tbx(broken(), dest)
    assert not list(tmp_path.iterdir())


def test_forbidden_xml_characters_are_dropped(tmp_path):
    dest = tmp_path / "x.tbx"
    write_tbx([TermEntry("t1", "术\x00语", "te\x0brm")], dest)
    [entry] = read_tbx(dest)
    assert (entry.zh, entry.en) == ("术语", "term")


HOSTILE = {
    "xxe": '<?xml version="1.0"?>\n<!DOCTYPE martif [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
           '<martif type="TBX-Basic"><text><body><termEntry><langSet xml:lang="zh"><tig><term>&x;</term>'
           '</tig></langSet></termEntry></body></text></martif>',
    "laughs": '<?xml version="1.0"?>\n<!DOCTYPE martif [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>\n'
              '<martif><text><body/></text></martif>',
    "truncated": '<?xml version="1.0"?>\n<martif type="TBX-Basic"><text><body><termEntry id="a">'
                 '<langSet xml:lang="zh"><tig><term>术语</term>',
    "not tbx": '<?xml version="1.0"?>\n<tmx version="1.4"><body/></tmx>',
    "empty": "",
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_or_malformed_tbx_is_an_input_error(tmp_path, name):
    path = tmp_path / "bad.tbx"
    path.write_text(HOSTILE[name], encoding="utf-8")
    with pytest.raises(InputError) as info:
        list(read_tbx(path))
    assert str(path) in str(info.value)
    assert "passwd" not in str(info.value) or name != "xxe"


def test_reader_accepts_ntig_and_unmarked_english(tmp_path):
    path = tmp_path / "manual.tbx"
    path.write_text(
        '<?xml version="1.0"?>\n<martif type="TBX-Basic" xml:lang="en"><text><body>'
        '<termEntry id="e1"><langSet xml:lang="zh-CN"><ntig><termGrp><term>术语</term></termGrp></ntig></langSet>'
        '<langSet xml:lang="en"><tig><term>term</term></tig><tig><term>terminology</term></tig></langSet></termEntry>'
        '<termEntry id="e2"><langSet xml:lang="en"><tig><term>no chinese</term></tig></langSet></termEntry>'
        '</body></text></martif>', encoding="utf-8")
    [entry] = read_tbx(path)
    assert (entry.id, entry.zh, entry.en, entry.variants) == ("e1", "术语", "term", ("terminology",))


_text = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zs", "Zl", "Zp")), min_size=1, max_size=12)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(_text, _text, st.lists(_text, max_size=2, unique=True), st.integers(0, 99)),
                min_size=1, max_size=5, unique_by=lambda t: t[0]))
def test_round_trip_property(tmp_path_factory, rows):
    dest = tmp_path_factory.mktemp("rt") / "p.tbx"
    entries = [TermEntry(term_id(zh), zh, en, tuple(v for v in vs if v != en), freq)
               for zh, en, vs, freq in rows]
    for flavour in ("2008", "3"):
        write_tbx(entries, dest, flavour=flavour)
        assert list(read_tbx(dest)) == entries
