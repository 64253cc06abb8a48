"""Reading text files the way Chinese files come: UTF-8 (BOM or not), UTF-16, GB18030/GBK.

Decoding never guesses silently into mojibake: a file is decoded strictly, and a file that
is neither valid UTF-8 nor plausible GB18030 is refused with the line where it broke.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable
from pathlib import Path

from ..errors import InputError
from ..paths import read_error

MAX_LINE_BYTES = 1 << 20  # a "line" longer than 1 MiB is not a paragraph of a document
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
# Controls that XML 1.0 forbids and no text editor writes on purpose (tab/newline/CR are fine).
_BAD_CONTROLS = re.compile(r"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]")
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")

ENCODING_ALIASES = {"gbk": "gb18030", "gb2312": "gb18030", "cp936": "gb18030"}


def normalise_encoding(name: str) -> str:
    """Canonical codec name; GBK and GB2312 are read as their superset GB18030."""
    try:
        canonical = codecs.lookup(name).name
    except LookupError:
        raise LookupError(f"unknown encoding {name!r}") from None
    return ENCODING_ALIASES.get(canonical, canonical)


def _bom_encoding(data: bytes) -> str | None:
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return None


def _looks_utf16(data: bytes) -> str | None:
    """UTF-16 without a BOM: ASCII and CJK both leave NUL bytes on one parity."""
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    half = len(sample) // 2
    if odd > 0.3 * half and even < 0.05 * half:
        return "utf-16-le"
    if even > 0.3 * half and odd < 0.05 * half:
        return "utf-16-be"
    # Mostly-Chinese UTF-16 has few NULs (ASCII such as line ends makes them, on one parity;
    # a few astral surrogates too); text in any other encoding has none. Accept it if it
    # decodes strictly as plausible text without U+0000.
    if len(data) % 2 == 0 and odd != even:
        candidate = "utf-16-le" if odd > even else "utf-16-be"
        try:
            decoded = data.decode(candidate)
        except UnicodeDecodeError:
            return None
        if "\x00" not in decoded and "\n" in decoded and _looks_chinese_or_ascii(decoded):
            return candidate
    return None


_EXPECTED = re.compile(r"[\t\n\r\x20-\x7e\u00a0-\u00ff\u2000-\u206f\u3000-\u303f"
                       r"\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef\U00020000-\U0003134f]")


def _looks_chinese_or_ascii(text: str) -> bool:
    """UTF-8 bytes read as UTF-16 give scattered Hangul, Yi, private-use... not this."""
    sample = text[:4000]
    return len(_EXPECTED.findall(sample)) >= 0.95 * len(sample)


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _decode(path: Path, data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = _line_of(data, exc.start)
        hint = ""
        if encoding.startswith("utf-8") and _plausible_gb18030(data):
            hint = "; it looks like GB18030/GBK: try --encoding gb18030"
        raise InputError(path, f"not valid {encoding.removesuffix('-sig')} "
                               f"(byte 0x{data[exc.start]:02x}){hint}", line=line) from None


def _plausible_gb18030(data: bytes) -> bool:
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        return False
    return _is_plausible_text(text)


def _is_plausible_text(text: str) -> bool:
    """Binary data decodes as GB18030 too; real text is mostly letters, Han and punctuation."""
    if not text:
        return True
    sample = text[:20000]
    weird = sum(1 for ch in sample if (ch < " " and ch not in "\t\r\n") or "\ue000" <= ch <= "\uf8ff")
    return weird <= max(16, len(sample) * 0.01)


_UTF8_EVIDENCE = 16  # non-ASCII characters read as UTF-8 before a bad byte: UTF-8 it is


def _detect(path: Path, data: bytes) -> tuple[str, str]:
    """Text without a BOM, not UTF-16: UTF-8, else GB18030. When neither reads the whole
    file, the error names the line where the best of them (the one that reads furthest)
    breaks, and each encoding tried with the line where it broke.

    A file that reads as UTF-8 for a while (any Chinese in it) and then breaks is UTF-8 with
    a bad byte: GB18030 would decode it, as mojibake, so it is not tried."""
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        utf8 = exc
    read_as_utf8 = data[:utf8.start].decode("utf-8")
    if sum(1 for ch in read_as_utf8 if ord(ch) > 0x7F) < _UTF8_EVIDENCE:
        try:
            return data.decode("gb18030"), "gb18030"
        except UnicodeDecodeError as exc:
            gb = exc
        tried = (f"tried UTF-8 (breaks at line {_line_of(data, utf8.start)}) and GB18030 "
                 f"(breaks at line {_line_of(data, gb.start)})")
        best, name = (gb, "GB18030") if gb.start >= utf8.start else (utf8, "UTF-8")
    else:
        tried = (f"tried UTF-8 (breaks at line {_line_of(data, utf8.start)}); GB18030 not "
                 "tried: the text before is UTF-8")
        best, name = utf8, "UTF-8"
    raise InputError(path, f"not valid {name} (byte 0x{data[best.start]:02x}), the encoding "
                           f"that reads furthest; {tried}; give --encoding",
                     line=_line_of(data, best.start))


def read_text(path: str | Path, encoding: str | None = None) -> tuple[str, str]:
    """Return (text, encoding used). Raises InputError on binary or undecodable input."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise read_error(path, exc) from None

    if encoding is not None:
        used = normalise_encoding(encoding)
        if used == "utf-8" and data.startswith(codecs.BOM_UTF8):
            used = "utf-8-sig"
        text = _decode(path, data, used)
    else:
        used = _bom_encoding(data) or _looks_utf16(data)
        if used is None:
            if b"\x00" in data:
                raise InputError(path, "contains NUL bytes: a binary file, not text",
                                 line=_line_of(data, data.index(b"\x00")))
            text, used = _detect(path, data)
        else:
            text = _decode(path, data, used)
    text = text.removeprefix("\ufeff")
    if not _is_plausible_text(text):
        raise InputError(path, f"does not look like text (control characters when read as {used})")
    _refuse_markup(path, text)
    return text, used


_MARKUP_START = re.compile(r"\s*<(?:\?xml\b|!DOCTYPE\s+(\w+)|([A-Za-z][\w.:-]*)[\s/>])")
_MARKUP_KINDS = {"tmx": "a TMX file", "martif": "a TBX file", "tbx": "a TBX file",
                 "xliff": "an XLIFF file", "html": "an HTML page"}


def _refuse_markup(path: Path, text: str) -> None:
    """A TMX, TBX or any XML/HTML read as a plain-text document would pair markup with
    markup without a word of warning: refuse it, naming its kind (by the root element)."""
    start = _MARKUP_START.match(text)
    if start is None:
        return
    root = start.group(1) or start.group(2)
    if root is None:  # an XML declaration: the root follows it
        element = re.search(r"<(?![?!])([A-Za-z][\w.:-]*)", text[:4096])
        root = element.group(1) if element else ""
    elif start.group(2) and root.lower() not in _MARKUP_KINDS:
        return  # "<b>Note</b> ..." may open a text; only a known document element is markup
    kind = _MARKUP_KINDS.get(root.lower().rpartition(":")[2], "an XML file")
    raise InputError(path, f"is {kind} (<{root}>), not a plain-text document")


def read_lines(path: str | Path, encoding: str | None = None,
               on_warning: Callable[[str], None] | None = None) -> list[str]:
    """Lines of a text file without line ends (CRLF, CR and LF all end a line).

    Index i holds line i + 1. Stray control characters are removed (XML cannot hold them),
    and each line where that happened is reported through `on_warning` as "path:line: ...".
    """
    text, _ = read_text(path, encoding)
    lines = _LINE_BREAK.split(text)
    if lines and lines[-1] == "":
        lines.pop()
    for number, line in enumerate(lines, 1):
        if len(line) * 4 > MAX_LINE_BYTES and len(line.encode("utf-8")) > MAX_LINE_BYTES:
            raise InputError(path, f"line is longer than 1 MiB ({len(line):,} characters): "
                                   "not a paragraph of text", line=number)
    for number, line in enumerate(lines, 1):
        cleaned, removed = _BAD_CONTROLS.subn("", line)
        if removed:
            lines[number - 1] = cleaned
            if on_warning is not None:
                on_warning(f"{path}:{number}: removed {removed} control character(s) "
                           "that XML cannot hold")
    return lines


def han_count(text: str) -> int:
    return len(_HAN.findall(text))


def has_han(text: str) -> bool:
    """Whether `text` holds a Chinese (Han) character."""
    return _HAN.search(text) is not None
