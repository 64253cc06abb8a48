"""TMX: golden output, DTD validity, other readers (translate-toolkit, OmegaT), TMX from other
tools, hostile XML, broken files, round trips and atomic writes."""

from __future__ import annotations

import math
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from zhtm.errors import InputError, UsageError, WriteError
from zhtm.formats.tmx import TmxHeader, TmxWarning, lang_base, read_tmx, read_tmx_header, tuid_for, write_tmx
from zhtm.formats.xmlsafe import clean_xml_text, parse_xml, safe_parser
from zhtm.records import Unit
from zhtm.text.segment import JAVA_WHITESPACE, split_zh

from tests.paths import ROOT, SHARED, BEIJING as CORPUS

DTD_PATH = SHARED / "schemas" / "tmx" / "tmx14.dtd"
SAMPLE = SHARED / "schemas" / "samples" / "sample.tmx"
JAVA_WS = "".join(JAVA_WHITESPACE)

HEADER = TmxHeader(
    tool_version="0.1.0",
    created="20240121T000000Z",
    props=(("aligner", "dp max_zh=4 max_en=4"), ("source", "beijing-gwr-2024.zh-en.txt"),
           ("x-zhtm-source-sha256", "0" * 64)),
)
UNITS = [
    Unit("现在,我代表北京市人民政府,向大会报告政府工作,请予审议,并请市政协委员提出意见。",
         "On behalf of the People’s Government of Beijing Municipality, I will now report to "
         "you on the work of the government for your deliberation and approval.",
         0.8734, "1-1", "beijing-gwr-2024", "p3"),
    Unit("一、2023年工作回顾", "I. Review of Work During 2023", 1.0, "1-1", "beijing-gwr-2024"),
    Unit("  地区生产总值增长5.2%、约4.4万亿元。 ", " GRP grew by 5.2% to about 4.4 trillion yuan. ",
         0.5, "1-2", "beijing-gwr-2024", "p12:s1"),
    Unit("A<B & C>D \"引号\" 'x'", "A<B & C>D \"quotes\" 'x'", 0.25, "2-1", "edge",
         props=(("note", "escaping"),)),
    Unit("𠀀𠀁\x00字\x1f", "astral\ufffe ok", 0.0, "1-1", "edge"),
]


def dtd() -> etree.DTD:
    return etree.DTD(str(DTD_PATH))


def write(tmp_path: Path, units=UNITS, header: TmxHeader = HEADER, name: str = "out.tmx",
          warnings: list | None = None) -> Path:
    dest = tmp_path / name
    write_tmx(units, dest, header=header,
              on_warning=warnings.append if warnings is not None else None)
    return dest


def tmx_text(body: str, *, header: str | None = None, version: str = "1.4") -> bytes:
    header = header if header is not None else (
        '<header creationtool="t" creationtoolversion="1" segtype="sentence" o-tmf="t" '
        'adminlang="en" srclang="zh-CN" datatype="plaintext"/>')
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="{version}">\n{header}\n'
            f"<body>\n{body}\n</body>\n</tmx>\n").encode()


# ---------------------------------------------------------------------------------- writer

def test_golden_tmx(tmp_path: Path, golden) -> None:
    warnings: list[TmxWarning] = []
    dest = write(tmp_path, warnings=warnings)
    golden("tmx/small.tmx", dest.read_bytes())
    assert [str(w).split(": ", 1)[1] for w in warnings] == [
        "removed 2 character(s) XML 1.0 forbids from zh",
        "removed 1 character(s) XML 1.0 forbids from en",
    ]
    assert all(w.index == 4 for w in warnings)


def test_writer_output_is_valid_tmx14(tmp_path: Path) -> None:
    dest = write(tmp_path)
    doc = parse_xml(dest)
    validator = dtd()
    assert validator.validate(doc), validator.error_log
    data = dest.read_bytes()
    assert data.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n'
                           b'<!DOCTYPE tmx SYSTEM "tmx14.dtd">\n<tmx version="1.4">\n')
    header = doc.getroot().find("header")
    assert header.attrib == {
        "creationtool": "zhtm", "creationtoolversion": "0.1.0", "segtype": "sentence",
        "o-tmf": "zhtm", "adminlang": "en-US", "srclang": "zh-CN", "datatype": "plaintext",
        "creationdate": "20240121T000000Z"}
    assert [p.get("type") for p in header.iter("prop")] == [
        "x-zhtm-aligner", "x-zhtm-source", "x-zhtm-source-sha256"]
    assert b'type="file"' not in data
    for tu in doc.getroot().iter("tu"):
        langs = [tuv.get("{http://www.w3.org/XML/1998/namespace}lang") for tuv in tu.iter("tuv")]
        assert langs == ["zh-CN", "en-US"]
        for seg in tu.iter("seg"):
            assert len(seg) == 0 and seg.text == seg.text.strip(JAVA_WS)
    assert doc.getroot().find("body/tu/prop").text == "0.873"


def test_writer_is_deterministic_and_tuids_stable(tmp_path: Path) -> None:
    a = write(tmp_path, name="a.tmx").read_bytes()
    b = write(tmp_path, name="b.tmx").read_bytes()
    assert a == b
    c = write(tmp_path, units=list(reversed(UNITS)), name="c.tmx")
    ids_a = {u.seg("zh"): u.tuid for u in read_tmx(tmp_path / "a.tmx")}
    ids_c = {u.seg("zh"): u.tuid for u in read_tmx(c)}
    assert ids_a == ids_c and len(set(ids_a.values())) == len(UNITS)
    assert ids_a["一、2023年工作回顾"] == tuid_for("一、2023年工作回顾", "I. Review of Work During 2023")


def test_creation_date_forms(tmp_path: Path) -> None:
    no_date = write(tmp_path, header=TmxHeader("0.1.0"), name="n.tmx")
    assert b"creationdate" not in no_date.read_bytes()
    assert dtd().validate(parse_xml(no_date))
    beijing = timezone(timedelta(hours=8))
    assert TmxHeader("1", datetime(2024, 1, 21, 8, 0, tzinfo=beijing)).creationdate == \
        "20240121T000000Z"
    assert TmxHeader("1", datetime(2024, 1, 21, 8, 0)).creationdate == "20240121T080000Z"
    for bad in ("2024-01-21", "20241321T000000Z", "20240121T000000"):
        with pytest.raises(UsageError, match="YYYYMMDDThhmmssZ"):
            TmxHeader("1", bad)


def test_writer_skips_units_empty_after_cleaning(tmp_path: Path) -> None:
    warnings: list[TmxWarning] = []
    units = [Unit("好。", "Good."), Unit("  \x00 ", "Nothing."), Unit("空。", "\u3000")]
    dest = tmp_path / "s.tmx"
    assert write_tmx(units, dest, header=HEADER, on_warning=warnings.append) == 1
    assert [u.seg("en") for u in read_tmx(dest)] == ["Good."]
    assert [w.index for w in warnings if "skipped" in w.message] == [1, 2]


def test_writer_rejects_reserved_prop_and_bad_score(tmp_path: Path) -> None:
    dest = tmp_path / "r.tmx"
    with pytest.raises(ValueError, match="reserved"):
        write_tmx([Unit("好。", "Good.", props=(("score", "1"),))], dest, header=HEADER)
    with pytest.raises(ValueError, match="finite"):
        write_tmx([Unit("好。", "Good.", score=math.nan)], dest, header=HEADER)
    assert list(tmp_path.iterdir()) == []


def test_atomic_write_keeps_previous_file(tmp_path: Path) -> None:
    dest = write(tmp_path)
    before = dest.read_bytes()

    def units():
        yield UNITS[0]
        yield UNITS[1]
        raise RuntimeError("aligner crashed")

    with pytest.raises(RuntimeError, match="aligner crashed"):
        write_tmx(units(), dest, header=HEADER)
    assert dest.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.tmx"]
    # a successful write replaces the file and leaves nothing else behind
    assert write_tmx(UNITS[:1], dest, header=HEADER) == 1
    assert len(list(read_tmx(dest))) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.tmx"]


def test_write_into_a_missing_folder_creates_no_folder(tmp_path: Path) -> None:
    dest = tmp_path / "new" / "deeper" / "x.tmx"
    with pytest.raises(WriteError, match=r"new/deeper: no such folder \(create it first\)"):
        write_tmx(UNITS, dest, header=HEADER)
    assert list(tmp_path.iterdir()) == []
    dest = tmp_path / "x.tmx"
    assert write_tmx(UNITS, dest, header=HEADER) == len(UNITS)
    assert sorted(p.name for p in dest.parent.iterdir()) == ["x.tmx"]
    assert dest.stat().st_mode & 0o044  # an ordinary readable file, not mkstemp's 0600


# ---------------------------------------------------------------------------------- other readers

def test_translate_toolkit_reads_our_output(tmp_path: Path) -> None:
    from translate.storage.tmx import tmxfile

    dest = write(tmp_path)
    with open(dest, "rb") as f:
        store = tmxfile(f, sourcelanguage="zh-CN", targetlanguage="en-US")
    pairs = [(u.source, u.target) for u in store.units]
    ours = [(u.seg("zh"), u.seg("en")) for u in read_tmx(dest)]
    assert pairs == ours
    assert pairs[3] == ("A<B & C>D \"引号\" 'x'", "A<B & C>D \"quotes\" 'x'")
    assert pairs[4] == ("𠀀𠀁字", "astral ok")


def test_omegat_auto_inserts_every_segment(omegat, tmp_path: Path) -> None:
    """Our TMX in tm/auto translates every segment of the report: OmegaT loads the file and
    each zh <seg> is exactly one OmegaT segment (escaped < and & included)."""
    zh = [line for line in CORPUS.read_text(encoding="utf-8").split("\n")
          if any("\u4e00" <= c <= "\u9fff" for c in line)]
    project = omegat.project(tmp_path / "p", {"zh.txt": "\n\n".join(zh) + "\n"})
    segments = list(dict.fromkeys(s for para in zh for s in split_zh(para)))
    units = [Unit(s, f"<T{i}&>", 0.9, "1-1", "beijing") for i, s in enumerate(segments)]
    assert write_tmx(units, project / "tm" / "auto" / "zhtm.tmx", header=HEADER) == len(units)
    omegat.run(project, "console-translate")
    target = (project / "target" / "zh.txt").read_text(encoding="utf-8")
    assert not any("\u4e00" <= c <= "\u9fff" for c in target), target[:500]
    assert target.count("&>") == 357
    # and we read OmegaT's own exported TMX back
    exported = project / "p-omegat.tmx"
    got = {u.seg("zh"): u.seg("en") for u in read_tmx(exported)}
    assert got[segments[0]] == "<T0&>"


# ---------------------------------------------------------------------------------- reader

def test_read_shared_sample() -> None:
    units = list(read_tmx(SAMPLE))
    assert [u.tuid for u in units] == ["1", "2", "3"]
    assert units[1].seg("zh") == "术语库很重要！" and units[1].seg("en-GB") == \
        "The termbase is important!"
    assert units[1].notes == ("short note",) and units[1].props == (("x-domain", "IT"),)
    assert units[0].line == 6
    header = read_tmx_header(SAMPLE)
    assert header.version == "1.4" and header.srclang == "zh-CN"
    assert header.creationtool == "sample"


def test_read_omegat_project_save(tmp_path: Path) -> None:
    src = tmp_path / "project_save.tmx"
    src.write_text("""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE tmx SYSTEM "tmx11.dtd">
<tmx version="1.4">
  <header creationtool="OmegaT" o-tmf="OmegaT TMX" adminlang="EN-US" datatype="plaintext" creationtoolversion="3.6.0_10" segtype="sentence" srclang="zh-CN"/>
  <body>
<!-- Default translations -->
    <tu>
      <tuv xml:lang="zh-CN">
        <seg>各位代表!</seg>
      </tuv>
      <tuv xml:lang="en-US" changeid="translator" changedate="20240125T093000Z" creationid="translator" creationdate="20240125T092000Z">
        <seg>Fellow Deputies,</seg>
      </tuv>
    </tu>
<!-- Alternative translations -->
    <tu>
      <prop type="file">zh.txt</prop>
      <prop type="id">12</prop>
      <tuv xml:lang="zh-CN">
        <seg>一、2023年工作回顾</seg>
      </tuv>
      <tuv xml:lang="en-US" changeid="translator" changedate="20240125T094500Z">
        <note>checked against the official PDF</note>
        <seg>I. Review of Work During 2023</seg>
      </tuv>
    </tu>
  </body>
</tmx>
""", encoding="utf-8")
    units = list(read_tmx(src))
    assert [u.segs for u in units] == [
        (("zh-CN", "各位代表!"), ("en-US", "Fellow Deputies,")),
        (("zh-CN", "一、2023年工作回顾"), ("en-US", "I. Review of Work During 2023")),
    ]
    assert units[0].variants[1].changedate == "20240125T093000Z"
    assert units[0].variants[1].creationdate == "20240125T092000Z"
    assert units[1].props == (("file", "zh.txt"), ("id", "12"))
    assert units[1].variants[1].notes == ("checked against the official PDF",)
    assert read_tmx_header(src).creationtool == "OmegaT"


def test_read_tmx11_lang_attribute_and_variants(tmp_path: Path) -> None:
    src = tmp_path / "old.tmx"
    src.write_bytes(tmx_text("""
<tu tuid="a" creationdate="20010101T000000Z" changedate="20020202T000000Z">
  <tuv lang="ZH-CN"><seg>你好</seg></tuv><tuv lang="EN-US"><seg>Hello</seg></tuv>
</tu>
<tu><tuv xml:lang="zh_CN"><seg>一</seg></tuv><tuv xml:lang="en-GB"><seg>one</seg></tuv>
    <tuv xml:lang="zh-TW"><seg>壹</seg></tuv><tuv xml:lang="fr"><seg>un</seg></tuv></tu>
<tu><tuv xml:lang="zh-Hans"><seg>二</seg></tuv></tu>
""", version="1.1"))
    units = list(read_tmx(src))
    assert units[0].tuid == "a" and units[0].date == "20020202T000000Z"
    assert units[0].creationdate == "20010101T000000Z"
    assert units[0].seg("zh") == "你好" and units[0].seg("en-US") == "Hello"
    assert units[1].seg("zh") == "一" and units[1].seg("fr") == "un" and len(units[1].segs) == 4
    assert units[2].seg("en") is None and units[2].to_unit() is None
    assert units[1].to_unit() == Unit("一", "one")


@pytest.mark.parametrize(("code", "base"), [
    ("zh-CN", "zh"), ("ZH-CN", "zh"), ("zh_CN", "zh"), ("zh-Hans", "zh"), ("zh-TW", "zh"),
    ("zho", "zh"), ("cmn", "zh"), ("en", "en"), ("en-GB", "en"), ("EN_us", "en"),
    ("eng", "en"), ("fr-CA", "fr"), ("", ""),
])
def test_lang_base(code: str, base: str) -> None:
    assert lang_base(code) == base


def test_inline_markup(tmp_path: Path) -> None:
    src = tmp_path / "inline.tmx"
    src.write_bytes(tmx_text("""
<tu><tuv xml:lang="zh-CN"><seg>加<bpt i="1">&lt;b&gt;</bpt>粗<ept i="1">&lt;/b&gt;</ept>文字<ph x="2">{0}</ph>。</seg></tuv>
<tuv xml:lang="en-US"><seg>Make <bpt i="1">&lt;a href="<sub>Footnote text</sub>"&gt;</bpt>it<ept i="1">&lt;/a&gt;</ept> <hi type="em">bold<ph>[x]</ph> really</hi>!<it pos="begin">&lt;i&gt;</it> now<ut>{\\b}</ut>.<!-- a comment --> End</seg></tuv></tu>
"""))
    (unit,) = read_tmx(src)
    assert unit.seg("zh") == "加粗文字。"
    assert unit.seg("en") == "Make it bold really! now. End"


def test_tu_without_segments_warns(tmp_path: Path) -> None:
    src = tmp_path / "w.tmx"
    src.write_bytes(tmx_text("""<tu tuid="empty"><prop type="x">y</prop></tu>
<tu><tuv><seg>无语言</seg></tuv><tuv xml:lang="en"><seg>ok</seg></tuv></tu>
<tu><tuv xml:lang="zh"/></tu>
<tu><tuv xml:lang="zh"><seg>好</seg></tuv><tuv xml:lang="en"><seg>good</seg></tuv></tu>"""))
    warnings: list[TmxWarning] = []
    units = list(read_tmx(src, on_warning=warnings.append))
    assert [u.segs for u in units] == [(("en", "ok"),), (("zh", "好"), ("en", "good"))]
    assert [(w.line, w.message) for w in warnings] == [
        (5, "<tu> without any segment skipped"),
        (6, "<tuv> without xml:lang skipped"),
        (7, '<tuv xml:lang="zh"> without <seg> skipped'),
        (7, "<tu> without any segment skipped"),
    ]
    assert str(warnings[0]) == f"{src}:5: <tu> without any segment skipped"


def test_header_without_srclang_warns(tmp_path: Path) -> None:
    src = tmp_path / "h.tmx"
    src.write_bytes(tmx_text('<tu><tuv xml:lang="zh"><seg>好</seg></tuv></tu>',
                             header='<header creationtool="x"/>'))
    warnings: list[TmxWarning] = []
    assert len(list(read_tmx(src, on_warning=warnings.append))) == 1
    assert "srclang" in warnings[0].message


def test_gzip_tmx(tmp_path: Path) -> None:
    import gzip

    plain = write(tmp_path)
    gz = tmp_path / "out.tmx.gz"
    gz.write_bytes(gzip.compress(plain.read_bytes()))
    assert [u.segs for u in read_tmx(gz)] == [u.segs for u in read_tmx(plain)]


# ---------------------------------------------------------------------------------- hostile XML

def _errors(src: Path) -> InputError:
    with pytest.raises(InputError) as info:
        list(read_tmx(src))
    return info.value


def test_xxe_is_refused_and_nothing_leaks(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-42", encoding="utf-8")
    for decl in (f'<!ENTITY x SYSTEM "file://{secret}">', '<!ENTITY x SYSTEM "file:///etc/passwd">'):
        src = tmp_path / "xxe.tmx"
        src.write_text(f"""<?xml version="1.0"?>
<!DOCTYPE tmx [
  {decl}
]>
<tmx version="1.4"><header srclang="zh-CN"/><body>
<tu><tuv xml:lang="zh"><seg>&x;</seg></tuv><tuv xml:lang="en"><seg>a&x;b</seg></tuv></tu>
</body></tmx>""", encoding="utf-8")
        err = _errors(src)
        assert "entity &x; (declared in the DOCTYPE) is not allowed" in str(err) and err.line == 3
        assert "TOP-SECRET" not in str(err) and "root:" not in str(err)
        with pytest.raises(InputError):
            read_tmx_header(src)
    # even the plain safe parser (no refusal) never expands the entity
    tree = etree.parse(str(src), safe_parser())
    assert "root:" not in etree.tostring(tree, encoding="unicode").split("]>")[-1]


def test_external_parameter_entity_is_not_loaded(tmp_path: Path) -> None:
    (tmp_path / "evil.dtd").write_text('<!ENTITY leak "LEAKED">', encoding="utf-8")
    src = tmp_path / "pe.tmx"
    src.write_text(f"""<?xml version="1.0"?>
<!DOCTYPE tmx [ <!ENTITY % p SYSTEM "file://{tmp_path}/evil.dtd"> %p; ]>
<tmx version="1.4"><body><tu><tuv xml:lang="zh"><seg>&leak;</seg></tuv></tu></body></tmx>""",
                   encoding="utf-8")
    err = _errors(src)
    assert "LEAKED" not in str(err) and "entity &p; (declared in the DOCTYPE)" in str(err)


def test_billion_laughs_fails_fast(tmp_path: Path) -> None:
    lines = ['<!ENTITY lol0 "lollollollollollollollollollol">']
    lines += [f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 12)]
    src = tmp_path / "lol.tmx"
    src.write_text('<?xml version="1.0"?>\n<!DOCTYPE tmx [\n' + "\n".join(lines) + "\n]>\n"
                   '<tmx version="1.4"><body><tu><tuv xml:lang="zh"><seg>&lol11;</seg></tuv>'
                   "</tu></body></tmx>\n", encoding="utf-8")
    code = ("import sys; sys.path.insert(0, sys.argv[2]);"
            "from zhtm.formats.tmx import read_tmx; from zhtm.errors import InputError\n"
            "try:\n    list(read_tmx(sys.argv[1])); print('NO ERROR')\n"
            "except InputError as e:\n    print('ERR', e)\n"
            # VmHWM, not ru_maxrss: Linux carries ru_maxrss over exec from the (large) pytest parent.
            "print([l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')][0])")
    start = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", code, str(src), str(ROOT / "src")],
                         capture_output=True, text=True, timeout=60).stdout.split("\n")
    assert time.perf_counter() - start < 20
    assert out[0].startswith("ERR") and "entity &lol0; (declared in the DOCTYPE)" in out[0], out
    assert int(out[1]) < 300_000  # KiB: nothing was expanded


def test_undeclared_entity_is_an_error(tmp_path: Path) -> None:
    src = tmp_path / "u.tmx"
    src.write_bytes(tmx_text('<tu><tuv xml:lang="zh"><seg>&nbsp;</seg></tuv></tu>'))
    err = _errors(src)
    assert err.line == 5 and "entity &nbsp; is not allowed" in str(err)


# ---------------------------------------------------------------------------------- broken files

def test_truncated_file(tmp_path: Path) -> None:
    full = write(tmp_path).read_bytes()
    src = tmp_path / "cut.tmx"
    src.write_bytes(full[: len(full) * 2 // 3])
    seen = []
    with pytest.raises(InputError) as info:
        for unit in read_tmx(src):
            seen.append(unit)
    err = info.value
    assert err.path == str(src) and err.line is not None and err.line > 10
    assert str(err).startswith(f"{src}:{err.line}: not well-formed XML")
    assert "\n" not in str(err)
    assert 1 <= len(seen) < len(UNITS)


@pytest.mark.parametrize(("data", "fragment", "line"), [
    (b"", "empty document", 1),
    (b"this is not XML\n", "not well-formed XML", 1),
    (b"\x00\x01\x02binary", "not well-formed XML", 1),
    (b'<?xml version="1.0"?>\n<xliff version="1.2"/>\n', "root element is <xliff>, expected <tmx>",
     2),
    (b'<?xml version="1.0"?>\n<tmx>\n<body>\n<tu></tuv></tu>', "not well-formed XML", 4),
])
def test_bad_files(tmp_path: Path, data: bytes, fragment: str, line: int) -> None:
    src = tmp_path / "bad.tmx"
    src.write_bytes(data)
    err = _errors(src)
    assert fragment in str(err) and err.line == line, str(err)


def test_missing_file(tmp_path: Path) -> None:
    err = _errors(tmp_path / "nope.tmx")
    assert "no such file" in str(err)
    with pytest.raises(InputError):
        read_tmx_header(tmp_path / "nope.tmx")


def test_header_missing(tmp_path: Path) -> None:
    src = tmp_path / "nh.tmx"
    src.write_bytes(b'<tmx version="1.4"><body/></tmx>')
    with pytest.raises(InputError, match="no <header>"):
        read_tmx_header(src)


# ---------------------------------------------------------------------------------- round trips

def test_clean_xml_text() -> None:
    assert clean_xml_text("plain 中文 𠀀") == ("plain 中文 𠀀", False)
    assert clean_xml_text("a\x00b\x08c\x0bd\x1fe\ufffef\uffffg\ud800h") == ("abcdefgh", True)
    assert clean_xml_text("tab\tnl\ncr\r") == ("tab\tnl\ncr\r", False)
    assert clean_xml_text("\ue000\ufffd\U0010ffff\x7f\x85") == (
        "\ue000\ufffd\U0010ffff\x7f\x85", False)


def test_astral_cjk_round_trip(tmp_path: Path) -> None:
    text = "𠀀𠀁𠀂𪚥𰻞。"
    dest = tmp_path / "astral.tmx"
    write_tmx([Unit(text, "Extension B and G characters.")], dest, header=HEADER)
    assert "𰻞".encode() in dest.read_bytes()  # written as UTF-8, not as character references
    (unit,) = read_tmx(dest)
    assert unit.seg("zh") == text


def test_unit_round_trip(tmp_path: Path) -> None:
    dest = write(tmp_path)
    back = [u.to_unit() for u in read_tmx(dest)]
    assert back[0] == Unit(UNITS[0].zh, UNITS[0].en, 0.873, "1-1", "beijing-gwr-2024", "p3")
    assert back[2].zh == "地区生产总值增长5.2%、约4.4万亿元。" and back[2].bead == "1-2"
    assert back[3].props == (("note", "escaping"),)


texts = st.text(st.characters(codec=None), max_size=40)


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(texts, texts, st.floats(0, 1)), max_size=8))
def test_write_read_round_trip(tmp_path: Path, rows: list[tuple[str, str, float]]) -> None:
    dest = tmp_path / "rt.tmx"
    units = [Unit(zh, en, score, "1-1", "doc") for zh, en, score in rows]
    expected = []
    for unit in units:
        zh = clean_xml_text(unit.zh)[0].strip(JAVA_WS)
        en = clean_xml_text(unit.en)[0].strip(JAVA_WS)
        if zh and en:
            expected.append((zh, en, round(unit.score, 3)))
    assert write_tmx(units, dest, header=HEADER) == len(expected)
    got = [(u.seg("zh-CN"), u.seg("en-US"), float(u.prop("x-zhtm-score")))
           for u in read_tmx(dest)]
    assert [(z, e) for z, e, _ in got] == [(z, e) for z, e, _ in expected]
    assert all(abs(a[2] - b[2]) < 1e-9 for a, b in zip(got, expected, strict=True))


def test_reading_a_large_file_keeps_memory_bounded(tmp_path: Path) -> None:
    dest = tmp_path / "big.tmx"
    n = 20000
    units = (Unit(f"第{i}句。" * 8, f"Sentence number {i}. " * 8) for i in range(n))
    write_tmx(units, dest, header=HEADER)
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss over exec from the (large) pytest parent.
    code = ("import sys; sys.path.insert(0, sys.argv[2]);"
            "from zhtm.formats.tmx import read_tmx\n"
            "hwm = lambda: int([l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')][0])\n"
            "base = hwm()\n"
            "n = sum(1 for _ in read_tmx(sys.argv[1]))\n"
            "print(n, hwm() - base)")
    out = subprocess.run([sys.executable, "-c", code, str(dest), str(ROOT / "src")],
                         capture_output=True, text=True, timeout=120, check=True).stdout.split()
    assert int(out[0]) == n
    # the whole tree would take ~80 MB here (~8x the file size); streaming stays flat
    assert int(out[1]) < 20_000, f"grew by {out[1]} KiB reading a {dest.stat().st_size} B file"
