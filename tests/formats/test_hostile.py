"""Hostile and broken input, for every reader: TMX (``read_tmx`` and the store's import), TBX,
OmegaT TSV glossaries, and each text layout (interleaved, two-files, pre-split).

Cases: external entities (XXE, external DTD and parameter entities over the network),
billion laughs, malformed and truncated XML, wrong encodings and BOMs, NUL and other characters
XML 1.0 forbids, astral CJK (Extension B and beyond), lines over 1 MB, and memory while reading
a large TMX. Every refusal is an ``InputError`` naming the file (and the line where there is one);
nothing is read from disk or the network, and nothing invalid is ever written back as XML.
"""

from __future__ import annotations

import codecs
import socket
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from zhtm.build import align_to_file
from zhtm.errors import InputError
from zhtm.formats.glossary_tsv import read_glossary
from zhtm.formats.tbx import read_tbx
from zhtm.formats.tmx import read_tmx
from zhtm.formats.xmlsafe import parse_xml
from zhtm.text.layouts import read_document

from tests.paths import ROOT

ASTRAL = "𠀀𠀁𪚥𰻞𫠠"  # Extension B, B, B, G, D
SECRET = "TOP-SECRET-1729"


# ---------------------------------------------------------------------------------- readers

def read_with_tmx(path: Path) -> list[tuple[str, str]]:
    return [(u.seg("zh") or "", u.seg("en") or "") for u in read_tmx(path)]


def read_with_store(path: Path) -> list[tuple[str, str]]:
    """Import into a store that already holds a unit: a failed import must leave it as it was."""
    from zhtm.tm.store import Store

    db = path.with_suffix(".db")
    with Store.open(db, create=True) as store:
        if store.stats().units == 0:
            store.add_pairs([("已有的句子。", "An existing sentence.")])
        try:
            store.import_tmx([path])
        finally:
            units = store.units(range(1, store.stats().units + 1), origins=False)
            assert units[1].zh == "已有的句子。"  # the previous content is intact
        return [(u.zh, u.en) for i, u in sorted(units.items()) if i > 1]


def read_with_tbx(path: Path) -> list[tuple[str, str]]:
    return [(e.zh, e.en) for e in read_tbx(path)]


XML_READERS: dict[str, Callable[[Path], list[tuple[str, str]]]] = {
    "tmx": read_with_tmx, "store-import": read_with_store, "tbx": read_with_tbx}


def tmx_doc(zh: str = "你好。", en: str = "Hello.", *, decl: str = '<?xml version="1.0" encoding="UTF-8"?>',
            doctype: str = "") -> str:
    return (f'{decl}\n{doctype}<tmx version="1.4"><header creationtool="t" creationtoolversion="1" '
            'segtype="sentence" o-tmf="t" adminlang="en" srclang="zh-CN" datatype="plaintext"/>\n'
            f'<body>\n<tu><tuv xml:lang="zh-CN"><seg>{zh}</seg></tuv>'
            f'<tuv xml:lang="en-US"><seg>{en}</seg></tuv></tu>\n</body>\n</tmx>\n')


def tbx_doc(zh: str = "你好", en: str = "hello", *, decl: str = '<?xml version="1.0" encoding="UTF-8"?>',
            doctype: str = "") -> str:
    return (f'{decl}\n{doctype}<martif type="TBX-Basic" xml:lang="en-US"><martifHeader><fileDesc>'
            '<sourceDesc><p>t</p></sourceDesc></fileDesc></martifHeader>\n<text><body>\n'
            f'<termEntry id="e1"><langSet xml:lang="zh-CN"><tig><term>{zh}</term></tig></langSet>'
            f'<langSet xml:lang="en-US"><tig><term>{en}</term></tig></langSet></termEntry>\n'
            '</body></text></martif>\n')


def xml_doc(reader: str, zh: str = "你好。", en: str = "Hello.", **kw: str) -> str:
    return (tbx_doc if reader == "tbx" else tmx_doc)(zh, en, **kw)


def root_name(reader: str) -> str:
    return "martif" if reader == "tbx" else "tmx"


def refused(reader: str, path: Path) -> InputError:
    with pytest.raises(InputError) as info:
        XML_READERS[reader](path)
    assert str(path) in str(info.value)
    return info.value


# ---------------------------------------------------------------------------------- XXE

@pytest.fixture
def listener():
    """A local TCP server that records connections: proof that no reader touched the network."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(5)
    server.settimeout(0.2)
    hits: list[str] = []
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            hits.append("connection")
            conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield server.getsockname()[1], hits
    stop.set()
    thread.join(2)
    server.close()


@pytest.mark.parametrize("reader", sorted(XML_READERS))
def test_xxe_reads_no_file_and_no_network(reader: str, tmp_path: Path, listener) -> None:
    port, hits = listener
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET, encoding="utf-8")
    root = root_name(reader)
    cases = {
        "file": f'<!DOCTYPE {root} [<!ENTITY x SYSTEM "file://{secret}">]>\n',
        "http": f'<!DOCTYPE {root} [<!ENTITY x SYSTEM "http://127.0.0.1:{port}/x">]>\n',
        "parameter": f'<!DOCTYPE {root} [<!ENTITY % p SYSTEM "http://127.0.0.1:{port}/p"> %p;]>\n',
    }
    for name, doctype in cases.items():
        src = tmp_path / f"xxe-{name}.{'tbx' if reader == 'tbx' else 'tmx'}"
        src.write_text(xml_doc(reader, "&x;", "a &x; b", doctype=doctype), encoding="utf-8")
        err = refused(reader, src)
        assert "entit" in str(err) and SECRET not in str(err)
    # an external DTD alone (no entity) is never fetched, and the file reads normally
    src = tmp_path / f"dtd.{'tbx' if reader == 'tbx' else 'tmx'}"
    src.write_text(xml_doc(reader, doctype=f'<!DOCTYPE {root} SYSTEM "http://127.0.0.1:{port}/d.dtd">\n'),
                   encoding="utf-8")
    assert len(XML_READERS[reader](src)) == 1
    assert hits == [], "a reader connected to the network"


LAUGHS = "\n".join(['<!ENTITY lol0 "lollollollollollollollollollol">'] +
                   [f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 12)])

CHILD = r"""
import sys
sys.path.insert(0, sys.argv[1]); sys.path.insert(0, sys.argv[2])
from tests.formats import test_hostile
from zhtm.errors import InputError
try:
    test_hostile.XML_READERS[sys.argv[3]](__import__("pathlib").Path(sys.argv[4]))
    print("NO ERROR")
except InputError as e:
    print("ERR", str(e).replace("\n", " "))
print([l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')][0])
"""


@pytest.mark.parametrize("reader", sorted(XML_READERS))
@pytest.mark.parametrize("bomb", ["billion-laughs", "quadratic"])
def test_entity_bombs_fail_fast_in_little_memory(reader: str, bomb: str, tmp_path: Path) -> None:
    root = root_name(reader)
    if bomb == "billion-laughs":
        doctype, ref = f"<!DOCTYPE {root} [\n{LAUGHS}\n]>\n", "&lol11;"
    else:  # one 100 kB entity referenced 50,000 times: 5 GB if expanded
        doctype, ref = f'<!DOCTYPE {root} [<!ENTITY a "{"x" * 100_000}">]>\n', "&a;" * 50_000
    src = tmp_path / f"bomb.{'tbx' if reader == 'tbx' else 'tmx'}"
    src.write_text(xml_doc(reader, ref, "x", doctype=doctype), encoding="utf-8")
    out = subprocess.run([sys.executable, "-c", CHILD, str(ROOT / "src"), str(ROOT),
                          reader, str(src)], capture_output=True, text=True, timeout=60)
    lines = out.stdout.splitlines()
    assert len(lines) == 2, out.stderr[-2000:]
    assert lines[0].startswith("ERR") and "(declared in the DOCTYPE) is not allowed" in lines[0], lines
    assert int(lines[1]) < 300_000, f"peak {lines[1]} KiB"


# ---------------------------------------------------------------------------------- broken XML

@pytest.mark.parametrize("reader", sorted(XML_READERS))
def test_malformed_and_truncated_xml(reader: str, tmp_path: Path) -> None:
    good = xml_doc(reader, "第一句。", "First.").encode()
    ext = "tbx" if reader == "tbx" else "tmx"
    cases = {
        "empty": b"",
        "not xml": "这不是XML\n".encode(),
        "binary": bytes(range(256)) * 4,
        "mismatched tag": good.replace(b"</seg>", b"</sag>", 1).replace(b"</term>", b"</trem>", 1),
        "unclosed attribute": good.replace(b'xml:lang="zh-CN"', b'xml:lang="zh-CN', 1),
        "undefined entity": good.replace("第一句".encode(), b"&nbsp;", 1),
        "two roots": good + good.split(b"\n", 1)[1],
    }
    for cut in (0.25, 0.5, 0.75, 0.95):
        cases[f"truncated {cut}"] = good[: int(len(good) * cut)]
    for name, data in cases.items():
        src = tmp_path / f"{name.replace(' ', '-')}.{ext}"
        src.write_bytes(data)
        err = refused(reader, src)
        assert "\n" not in str(err), name
        if data and name != "binary":
            assert err.line is not None, (name, str(err))


@pytest.mark.parametrize("reader", ["tmx", "tbx"])
def test_wrong_root_is_refused(reader: str, tmp_path: Path) -> None:
    src = tmp_path / "wrong.xml"
    src.write_text(xml_doc("tbx" if reader == "tmx" else "tmx"), encoding="utf-8")
    err = refused(reader, src)
    assert "root element" in str(err)


# ---------------------------------------------------------------------------------- encodings

@pytest.mark.parametrize("reader", sorted(XML_READERS))
def test_xml_encodings_and_boms(reader: str, tmp_path: Path) -> None:
    zh, en = f"编码测试{ASTRAL}。", "Encoding test."
    expected = [(zh, en if reader != "tbx" else en)]
    ext = "tbx" if reader == "tbx" else "tmx"
    ok = {
        "utf8-bom": codecs.BOM_UTF8 + xml_doc(reader, zh, en).encode(),
        "utf16le-bom": codecs.BOM_UTF16_LE + xml_doc(
            reader, zh, en, decl='<?xml version="1.0" encoding="UTF-16"?>').encode("utf-16-le"),
        "utf16be-bom": codecs.BOM_UTF16_BE + xml_doc(
            reader, zh, en, decl='<?xml version="1.0" encoding="UTF-16"?>').encode("utf-16-be"),
        "gb18030": xml_doc(reader, zh, en, decl='<?xml version="1.0" encoding="GB18030"?>'
                           ).encode("gb18030"),
        "no declaration": xml_doc(reader, zh, en, decl="").lstrip().encode(),
    }
    for name, data in ok.items():
        src = tmp_path / f"{name}.{ext}"
        src.write_bytes(data)
        got = XML_READERS[reader](src)
        assert got == expected, name
    bad = {
        # declared UTF-8, written in GB18030: refused, never read as mojibake
        "gb18030-as-utf8": xml_doc(reader, zh, en).encode("gb18030"),
        "latin1-as-utf8": xml_doc(reader, "café", en).encode("latin-1"),
        "utf16-without-bom-or-decl": xml_doc(reader, zh, en, decl="").lstrip().encode("utf-16-le"),
        "bom-utf8-declared-utf16": codecs.BOM_UTF8 + xml_doc(
            reader, zh, en, decl='<?xml version="1.0" encoding="UTF-16"?>').encode(),
    }
    for name, data in bad.items():
        src = tmp_path / f"{name}.{ext}"
        src.write_bytes(data)
        try:
            got = XML_READERS[reader](src)
        except InputError as err:
            assert str(src) in str(err)
            continue
        assert got == expected, f"{name}: read as {got!r}"  # accepted only if read right


# ---------------------------------------------------------------------------------- XML 1.0 chars

@pytest.mark.parametrize("reader", sorted(XML_READERS))
def test_characters_xml_forbids_are_refused(reader: str, tmp_path: Path) -> None:
    ext = "tbx" if reader == "tbx" else "tmx"
    for name, seg in {"nul byte": "a\x00b", "control byte": "a\x01b", "escape": "a\x1bb",
                      "ref nul": "a&#0;b", "ref control": "a&#x1F;b", "ref fffe": "a&#xFFFE;b",
                      "ref surrogate": "a&#xD800;b"}.items():
        src = tmp_path / f"{name.replace(' ', '-')}.{ext}"
        src.write_bytes(xml_doc(reader, seg, "x").encode("utf-8", "surrogatepass"))
        err = refused(reader, src)
        assert err.line is not None, name


def test_forbidden_characters_never_reach_written_xml(tmp_path: Path) -> None:
    """Text input (every layout) with controls, U+FFFE/U+FFFF: the TMX written from it is
    well-formed XML 1.0 and holds none of them (stripped) — NUL refuses the file."""
    zh = ["控制\x01字符\x1b。", "非字符\ufffe测试\uffff。"]
    en = ["Control\x07 characters.", "Non\x0c-characters\ufffe test."]
    for layout in ("interleaved", "two-files", "pre-split"):
        inputs = _layout_files(tmp_path / layout, layout, zh, en)
        out = tmp_path / f"{layout}.tmx"
        align_to_file(inputs, out, layout=layout)
        parse_xml(out)  # well-formed
        text = out.read_text(encoding="utf-8")
        assert not any(c in text for c in "\x01\x1b\x07\x0c\ufffe\uffff")
        pairs = read_with_tmx(out)
        assert ("控制字符。", "Control characters.") in pairs
    nul = tmp_path / "nul.txt"
    nul.write_bytes("你好。\nHello\x00.\n".encode())
    with pytest.raises(InputError, match="NUL"):
        read_document([nul])


def test_stripped_controls_are_reported(tmp_path: Path) -> None:
    src = tmp_path / "doc.txt"
    src.write_text("控制\x01字符。\nControl characters.\n", encoding="utf-8")
    document = read_document([src])
    assert document.blocks[0].zh[0].text == "控制字符。"
    assert document.warnings == (f"{src}:1: removed 1 control character(s) that XML cannot hold",)


# ---------------------------------------------------------------------------------- text layouts

def _layout_files(where: Path, layout: str, zh: list[str], en: list[str],
                  encode: Callable[[str], bytes] = lambda s: s.encode("utf-8")) -> list[Path]:
    where.mkdir(parents=True, exist_ok=True)
    if layout == "interleaved":
        src = where / "doc.txt"
        src.write_bytes(encode("".join(f"{z}\n{e}\n" for z, e in zip(zh, en))))
        return [src]
    a, b = where / "zh.txt", where / "en.txt"
    a.write_bytes(encode("\n".join(zh) + "\n"))
    b.write_bytes(encode("\n".join(en) + "\n"))
    return [a, b]


LAYOUTS = ["interleaved", "two-files", "pre-split"]
ZH = [f"我们推进了{ASTRAL}建设。", "经济持续恢复。"]
EN = ["We advanced the construction.", "The economy kept recovering."]

ENCODINGS: dict[str, Callable[[str], bytes]] = {
    "utf-8": lambda s: s.encode("utf-8"),
    "utf-8-bom": lambda s: codecs.BOM_UTF8 + s.encode("utf-8"),
    "utf-16-le-bom": lambda s: codecs.BOM_UTF16_LE + s.encode("utf-16-le"),
    "utf-16-be-bom": lambda s: codecs.BOM_UTF16_BE + s.encode("utf-16-be"),
    "utf-16-le": lambda s: s.encode("utf-16-le"),
    "gb18030": lambda s: s.encode("gb18030"),
    "crlf": lambda s: s.replace("\n", "\r\n").encode("utf-8"),
}


def _blocks(inputs: list[Path], layout: str) -> tuple[list[str], list[str]]:
    doc = read_document(inputs, layout=layout)
    return ([line.text for b in doc.blocks for line in b.zh],
            [line.text for b in doc.blocks for line in b.en])


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("encoding", sorted(ENCODINGS))
def test_text_encodings_and_boms(layout: str, encoding: str, tmp_path: Path) -> None:
    inputs = _layout_files(tmp_path, layout, ZH, EN, ENCODINGS[encoding])
    assert _blocks(inputs, layout) == (ZH, EN)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_text_that_does_not_decode_is_refused_with_its_line(layout: str, tmp_path: Path) -> None:
    def broken(s: str) -> bytes:  # valid UTF-8, then a stray byte on line 3
        lines = s.encode("utf-8").split(b"\n")
        lines[2 if len(lines) > 3 else 1] += b"\xff\xfe\xfd"
        return b"\n".join(lines)

    inputs = _layout_files(tmp_path, layout, ZH, EN, broken)
    with pytest.raises(InputError) as info:
        read_document(inputs, layout=layout)
    assert info.value.line is not None and "0xff" in str(info.value)
    # mixed encodings inside one file (UTF-8 then GB18030) are refused too
    mixed = tmp_path / "mixed.txt"
    mixed.write_bytes("第一行。\nFirst line.\n".encode() + "第二行。\nSecond.\n".encode("gb18030"))
    with pytest.raises(InputError):
        read_document([mixed], layout="interleaved")


@pytest.mark.parametrize("layout", LAYOUTS)
def test_astral_cjk_survives_every_layout_into_the_tmx(layout: str, tmp_path: Path) -> None:
    for encoding in ("utf-8", "utf-16-le-bom", "gb18030"):
        inputs = _layout_files(tmp_path / encoding, layout, ZH, EN, ENCODINGS[encoding])
        out = tmp_path / f"{encoding}.tmx"
        align_to_file(inputs, out, layout=layout)
        assert ASTRAL.encode() in out.read_bytes()  # UTF-8, not character references
        assert any(ASTRAL in zh for zh, _ in read_with_tmx(out))


@pytest.mark.parametrize("reader", sorted(XML_READERS))
def test_astral_cjk_in_xml_readers(reader: str, tmp_path: Path) -> None:
    src = tmp_path / f"astral.{'tbx' if reader == 'tbx' else 'tmx'}"
    src.write_text(xml_doc(reader, ASTRAL + "&#x20000;", "astral"), encoding="utf-8")
    assert XML_READERS[reader](src) == [(ASTRAL + "\U00020000", "astral")]


def test_astral_cjk_in_glossary_tsv(tmp_path: Path) -> None:
    src = tmp_path / "g.utf8"
    src.write_text(f"{ASTRAL}\tastral\tcomment\n", encoding="utf-8")
    assert [(e.zh, e.en) for e in read_glossary(src)] == [(ASTRAL, "astral")]


def test_glossary_tsv_wrong_encoding_is_refused(tmp_path: Path) -> None:
    src = tmp_path / "g.txt"
    src.write_bytes("术语\tterm\n".encode() + b"\xff\xfe\xfa\tbad\n" + b"\x00" * 8)
    with pytest.raises(InputError):
        list(read_glossary(src))


# ---------------------------------------------------------------------------------- long lines

@pytest.mark.parametrize("reader", sorted(XML_READERS))
def test_xml_lines_over_1mb(reader: str, tmp_path: Path) -> None:
    """A 1.5 MB segment on one line is read intact (no line-length limit on XML); a single
    text node over libxml2's 10 MB limit is refused cleanly (huge_tree stays off)."""
    long_zh = "长" * 500_000 + ASTRAL  # 1.5 MB of UTF-8 on one line
    src = tmp_path / f"long.{'tbx' if reader == 'tbx' else 'tmx'}"
    src.write_text(xml_doc(reader, long_zh, "long"), encoding="utf-8")
    assert XML_READERS[reader](src) == [(long_zh, "long")]
    src.write_text(xml_doc(reader, "长" * 4_000_000, "huge"), encoding="utf-8")  # 12 MB node
    refused(reader, src)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_text_lines_over_1mb_are_refused_with_their_line(layout: str, tmp_path: Path) -> None:
    zh = [ZH[0], "长" * 400_000 + "。"]  # 1.2 MB of UTF-8
    inputs = _layout_files(tmp_path, layout, zh, EN)
    with pytest.raises(InputError, match="longer than 1 MiB") as info:
        read_document(inputs, layout=layout)
    assert info.value.line == (3 if layout == "interleaved" else 2)


# ---------------------------------------------------------------------------------- big input

BIG_CHILD = r"""
import sys
sys.path.insert(0, sys.argv[1])
hwm = lambda: int([l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')][0])
path = sys.argv[2]
head = ('<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header creationtool="g" '
        'creationtoolversion="1" segtype="sentence" o-tmf="g" adminlang="en" srclang="zh-CN" '
        'datatype="plaintext"/>\n<body>\n')
with open(path, "w", encoding="utf-8") as f:  # generated on the fly, ~40 MB
    f.write(head)
    for n in range(0, 150_000, 10_000):
        f.write("".join(f'<tu><tuv xml:lang="zh-CN"><seg>第{i}号文件要求推进京津冀协同发展，加快建设'
                        f'国际科技创新中心。</seg></tuv><tuv xml:lang="en-US"><seg>Document No. {i} '
                        f'requires coordinated development of Beijing, Tianjin and Hebei.</seg></tuv></tu>\n'
                        for i in range(n, n + 10_000)))
    f.write("</body></tmx>\n")
from zhtm.formats.tmx import read_tmx
base = hwm()
n = sum(1 for _ in read_tmx(path))
print(n, hwm() - base)
"""


def test_large_tmx_streams_in_bounded_memory(tmp_path: Path) -> None:
    """~40 MB TMX generated on the fly, read in a fresh process: memory grows by well under the
    file size (the 200 MB import is bench/bench_import_200mb.py)."""
    path = tmp_path / "big.tmx"
    out = subprocess.run([sys.executable, "-c", BIG_CHILD, str(ROOT / "src"), str(path)],
                         capture_output=True, text=True, timeout=300, check=True).stdout.split()
    size = path.stat().st_size
    assert int(out[0]) == 150_000 and size > 35_000_000
    assert int(out[1]) < 30_000, f"grew {out[1]} KiB reading {size / 1e6:.0f} MB"


# ---------------------------------------------------------------------------------- one entity policy

@pytest.mark.parametrize("reader", sorted(XML_READERS))
def test_every_reader_refuses_an_entity_wherever_it_is_declared(reader: str, tmp_path: Path) -> None:
    """&z; declared in a local DTD the document names, in the DOCTYPE, or nowhere: every
    reader refuses it, naming the file, the line and the entity (it used to vanish from the
    TMX text, stay literal in the TBX, and be refused only without a DOCTYPE)."""
    root, ext = root_name(reader), "tbx" if reader == "tbx" else "tmx"
    (tmp_path / "local.dtd").write_text('<!ENTITY z "Z">\n', encoding="utf-8")
    cases = {
        "external DTD": f'<!DOCTYPE {root} SYSTEM "local.dtd">\n',
        "DOCTYPE": f'<!DOCTYPE {root} [\n<!ENTITY z "Z">\n]>\n',
        "nothing": "",
    }
    for name, doctype in cases.items():
        src = tmp_path / f"{name.replace(' ', '-')}.{ext}"
        text = xml_doc(reader, "一二&z;。", "One, two.", doctype=doctype)
        src.write_text(text, encoding="utf-8")
        err = refused(reader, src)
        assert "entity &z;" in err.message and "is not allowed" in err.message, (name, err)
        line = next(i for i, row in enumerate(text.splitlines(), 1) if "&z;" in row or
                    "<!ENTITY z" in row)
        assert err.line == line, (name, err)


@pytest.mark.parametrize("reader", sorted(XML_READERS))
def test_an_entity_in_an_attribute_is_refused_too(reader: str, tmp_path: Path) -> None:
    root, ext = root_name(reader), "tbx" if reader == "tbx" else "tmx"
    text = xml_doc(reader, doctype=f'<!DOCTYPE {root} SYSTEM "local.dtd">\n')
    text = text.replace('xml:lang="en', 'xml:lang="e&z;n', 1).replace('xml:lang="EN', 'xml:lang="E&z;N', 1)
    src = tmp_path / f"attr.{ext}"
    src.write_text(text, encoding="utf-8")
    assert "&z;" in src.read_text(encoding="utf-8")
    assert "entity &z; is not allowed" in refused(reader, src).message
