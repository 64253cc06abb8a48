"""TMX 1.4b: a streaming, atomic, deterministic writer and a tolerant streaming reader.

Writing follows what OmegaT 3.6 loads (see shared/docs/INTEROP.md): a full ``<header>`` with
``srclang="zh-CN"``, BCP-47 ``xml:lang`` on every ``<tuv>``, both languages in every ``<tu>``,
trimmed plain-text segments, no inline markup, never ``<prop type="file">``.

Reading accepts TMX from other tools: TMX 1.1 ``lang=``, language variants (``lang_base``),
several ``<tuv>`` per ``<tu>``, inline markup (``bpt/ept/ph/it/ut`` and ``sub`` content is not
segment text; ``hi`` text is; the tail text after every inline element is kept).
"""

from __future__ import annotations

import gzip
import hashlib
import math
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any, Final

from lxml import etree

from ..atomic import atomic_output
from ..errors import InputError, UsageError
from ..paths import check_input, read_error
from ..records import Unit
from ..text.segment import JAVA_WHITESPACE
from .xmlsafe import XmlSource, clean_xml_text, safe_iterparse, source_name

__all__ = [
    "TmxHeader",
    "TmxFileHeader",
    "TmxVariant",
    "TmxUnit",
    "TmxWarning",
    "lang_base",
    "write_tmx",
    "read_tmx",
    "read_tmx_header",
    "tuid_for",
]

XML_LANG: Final = "{http://www.w3.org/XML/1998/namespace}lang"
PROP_PREFIX: Final = "x-zhtm-"
#: Per-unit props the writer sets itself; ``Unit.props`` may not reuse these names.
RESERVED_PROPS: Final = frozenset({"score", "bead", "doc", "loc"})
_JAVA_WS: Final = "".join(sorted(JAVA_WHITESPACE))
# Inline elements whose content is not segment text (TMX 1.4b section 3.7).
_NOT_TEXT: Final = frozenset({"bpt", "ept", "ph", "it", "ut", "sub"})


# ------------------------------------------------------------------------------------------
# Records
# ------------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class TmxHeader:
    """What the writer puts in ``<header>``. There is no clock inside the writer.

    ``created`` is the ``creationdate``: a ``datetime`` (a naive one is taken as UTC), a string
    already in TMX form ``YYYYMMDDThhmmssZ``, or None to leave the attribute out (it is optional
    in tmx14.dtd) so that reruns are byte-identical. ``props`` are ``(type, value)`` pairs
    recording how the TM was built (aligner settings, source document, its sha256...); a type
    without an ``x-`` prefix gets ``x-zhtm-``. A malformed ``created`` string raises
    ``UsageError`` at construction.
    """

    tool_version: str
    created: datetime | str | None = None
    props: tuple[tuple[str, str], ...] = ()
    srclang: str = "zh-CN"
    tgtlang: str = "en-US"

    def __post_init__(self) -> None:
        if self.created is not None:
            _format_date(self.created)  # validate early, before any file is touched

    @property
    def creationdate(self) -> str | None:
        """``created`` in TMX form, or None."""
        return None if self.created is None else _format_date(self.created)


@dataclass(frozen=True, slots=True)
class TmxWarning:
    """A problem that does not stop reading or writing (reported through ``on_warning``)."""

    path: str
    message: str
    line: int | None = None  # reader: line in the TMX
    index: int | None = None  # writer: 0-based position of the unit in the input

    def __str__(self) -> str:
        place = self.path
        if self.line is not None:
            place += f":{self.line}"
        if self.index is not None:
            place += f" (unit {self.index})"
        return f"{place}: {self.message}"


@dataclass(frozen=True, slots=True)
class TmxFileHeader:
    """The header of a TMX file as read (any tool)."""

    version: str
    attrs: dict[str, str]
    props: tuple[tuple[str, str], ...]
    notes: tuple[str, ...]
    line: int

    @property
    def srclang(self) -> str | None:
        return self.attrs.get("srclang")

    @property
    def creationtool(self) -> str | None:
        return self.attrs.get("creationtool")


@dataclass(frozen=True, slots=True)
class TmxVariant:
    """One ``<tuv>``: the language code as written, the plain segment text (not trimmed)."""

    lang: str
    text: str
    props: tuple[tuple[str, str], ...] = ()
    notes: tuple[str, ...] = ()
    creationdate: str | None = None
    changedate: str | None = None


@dataclass(frozen=True, slots=True)
class TmxUnit:
    """One ``<tu>`` as read, with the line where it starts."""

    variants: tuple[TmxVariant, ...]
    props: tuple[tuple[str, str], ...] = ()
    notes: tuple[str, ...] = ()
    tuid: str | None = None
    creationdate: str | None = None
    changedate: str | None = None
    line: int = 0

    @property
    def segs(self) -> tuple[tuple[str, str], ...]:
        """``(lang, text)`` pairs in document order."""
        return tuple((v.lang, v.text) for v in self.variants)

    @property
    def date(self) -> str | None:
        """The TU's ``changedate``, else its ``creationdate`` (TMX format, as written)."""
        return self.changedate or self.creationdate

    def seg(self, lang: str) -> str | None:
        """Text of the first variant whose language matches ``lang`` on the base language
        (``seg("zh")`` finds ``zh-CN``, ``ZH_tw``, ``zh-Hans``...)."""
        base = lang_base(lang)
        for v in self.variants:
            if lang_base(v.lang) == base:
                return v.text
        return None

    def prop(self, type_: str) -> str | None:
        """Value of the first TU-level prop of this type."""
        for t, value in self.props:
            if t == type_:
                return value
        return None

    def to_unit(self, src: str = "zh", tgt: str = "en") -> Unit | None:
        """A ``Unit`` (trimmed texts, zhtm props decoded), or None if a language is missing."""
        zh, en = self.seg(src), self.seg(tgt)
        if zh is None or en is None:
            return None
        score = 1.0
        raw = self.prop(PROP_PREFIX + "score")
        if raw is not None:
            try:
                score = float(raw)
            except ValueError:
                pass
        extra = tuple(
            (t.removeprefix(PROP_PREFIX), v) for t, v in self.props
            if t.removeprefix(PROP_PREFIX) not in RESERVED_PROPS or not t.startswith(PROP_PREFIX)
        )
        return Unit(
            zh=zh.strip(_JAVA_WS), en=en.strip(_JAVA_WS), score=score,
            bead=self.prop(PROP_PREFIX + "bead") or "1-1",
            doc=self.prop(PROP_PREFIX + "doc") or "",
            location=self.prop(PROP_PREFIX + "loc") or "",
            props=extra,
        )


# ------------------------------------------------------------------------------------------
# Languages
# ------------------------------------------------------------------------------------------

_ISO639_2: Final = {"zho": "zh", "chi": "zh", "cmn": "zh", "yue": "zh", "eng": "en"}


def lang_base(code: str) -> str:
    """The lowercase primary language of a code: ``zh-Hans``, ``ZH-CN``, ``zh_CN``, ``zh-TW``,
    ``zho`` and ``cmn`` give ``"zh"``; ``en``, ``en-GB``, ``EN_us`` give ``"en"``; ``""`` for
    an empty code. (OmegaT itself skips ``zh_CN``/``zho``/``cmn``; we only read them.)"""
    base = code.strip().replace("_", "-").split("-", 1)[0].lower()
    return _ISO639_2.get(base, base)


# ------------------------------------------------------------------------------------------
# Writer
# ------------------------------------------------------------------------------------------

def tuid_for(zh: str, en: str) -> str:
    """Stable TU id: a hash of the (cleaned, trimmed) pair, independent of order and run.

    Identical pairs get the same id (they are the same unit)."""
    return hashlib.sha256(f"{zh}\x00{en}".encode("utf-8", "surrogatepass")).hexdigest()[:16]


def _prop_type(name: str) -> str:
    return name if name.startswith("x-") else PROP_PREFIX + name


_TMX_DATE: Final = re.compile(r"\d{8}T\d{6}Z")


def _format_date(d: datetime | str) -> str:
    if isinstance(d, datetime):
        if d.tzinfo is not None:
            d = d.astimezone(UTC)
        return d.strftime("%Y%m%dT%H%M%SZ")
    if isinstance(d, str):
        try:
            if not _TMX_DATE.fullmatch(d):
                raise ValueError
            datetime.strptime(d, "%Y%m%dT%H%M%SZ")
        except ValueError:
            raise UsageError(f"bad TMX creation date {d!r}: expected YYYYMMDDThhmmssZ, "
                             "e.g. 20240121T000000Z") from None
        return d
    raise TypeError(f"TmxHeader.created must be a datetime, a string or None, "
                    f"not {type(d).__name__}")


_DECL: Final = b'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE tmx SYSTEM "tmx14.dtd">\n'


def write_tmx(units: Iterable[Unit], dest: str | Path, *, header: TmxHeader,
              on_warning: Callable[[TmxWarning], None] | None = None) -> int:
    """Write ``units`` as TMX 1.4 to ``dest`` atomically; return the number of TUs written.

    Streams into a temporary file next to ``dest`` and ``os.replace``s it at the end: if
    anything fails (including the ``units`` iterator), ``dest`` is untouched and the
    temporary file is removed. Texts are trimmed (Java whitespace, as OmegaT trims) and
    cleaned of characters XML 1.0 forbids; each unit where something was stripped is reported
    through ``on_warning``. A unit whose Chinese or English is empty after that is skipped
    (also reported). ``Unit.zh`` is written as given: one OmegaT sentence per TU is the
    caller's policy.
    """
    report = on_warning or (lambda w: None)
    with atomic_output(dest, "wb") as f:
        count = _write_stream(units, f, header, str(dest), report)
    return count


def _write_stream(units: Iterable[Unit], f: IO[bytes], header: TmxHeader, name: str,
                  report: Callable[[TmxWarning], None]) -> int:
    def clean(text: str, what: str, index: int | None) -> str:
        cleaned, removed = clean_xml_text(text)
        if removed:
            n = len(text) - len(cleaned)
            report(TmxWarning(name, f"removed {n} character(s) XML 1.0 forbids from {what}",
                              index=index))
        return cleaned

    f.write(_DECL)
    count = 0
    with etree.xmlfile(f, encoding="utf-8") as xf:
        with xf.element("tmx", {"version": "1.4"}):
            xf.write("\n  ")
            xf.write(_header_element(header, clean))
            xf.write("\n  ")
            with xf.element("body"):
                for index, unit in enumerate(units):
                    tu = _tu_element(unit, header, index, clean, name, report)
                    if tu is None:
                        continue
                    xf.write("\n    ")
                    xf.write(tu)
                    count += 1
                xf.write("\n  ")
            xf.write("\n")
    f.write(b"\n")
    return count


def _header_element(header: TmxHeader, clean: Callable[[str, str, int | None], str]
                    ) -> etree._Element:
    el = etree.Element("header", {
        "creationtool": "zhtm",
        "creationtoolversion": clean(header.tool_version, "the tool version", None),
        "segtype": "sentence",
        "o-tmf": "zhtm",
        "adminlang": "en-US",
        "srclang": header.srclang,
        "datatype": "plaintext",
    })
    if header.creationdate is not None:
        el.set("creationdate", header.creationdate)
    for type_, value in header.props:
        prop = etree.SubElement(el, "prop", type=_prop_type(clean(type_, "a prop type", None)))
        prop.text = clean(value, f"header prop {type_}", None)
        prop.tail = "\n    "
    if len(el):
        el.text = "\n    "
        el[-1].tail = "\n  "
    return el


def _tu_element(unit: Unit, header: TmxHeader, index: int,
                clean: Callable[[str, str, int | None], str], name: str,
                report: Callable[[TmxWarning], None]) -> etree._Element | None:
    zh = clean(unit.zh, "zh", index).strip(_JAVA_WS)
    en = clean(unit.en, "en", index).strip(_JAVA_WS)
    if not zh or not en:
        side = "zh" if not zh else "en"
        report(TmxWarning(name, f"unit skipped: empty {side} segment", index=index))
        return None
    if unit.score is not None and not math.isfinite(unit.score):
        raise ValueError(f"unit {index}: score must be a finite number, not {unit.score!r}")
    # No score or bead (a TM entry from another tool, as `pretranslate` writes it): no prop.
    props: list[tuple[str, str]] = [("score", f"{unit.score:.3f}")] if unit.score is not None \
        else []
    if unit.bead:
        props.append(("bead", unit.bead))
    if unit.doc:
        props.append(("doc", unit.doc))
    if unit.location:
        props.append(("loc", unit.location))
    for type_, value in unit.props:
        if type_ in RESERVED_PROPS or type_.removeprefix(PROP_PREFIX) in RESERVED_PROPS:
            raise ValueError(f"unit {index}: prop name {type_!r} is reserved by the writer")
        props.append((type_, value))

    tu = etree.Element("tu", tuid=tuid_for(zh, en))
    tu.text = "\n      "
    for type_, value in props:
        p = etree.SubElement(tu, "prop", type=_prop_type(clean(type_, "a prop type", index)))
        p.text = clean(value, f"prop {type_}", index)
        p.tail = "\n      "
    for lang, text in ((header.srclang, zh), (header.tgtlang, en)):
        tuv = etree.SubElement(tu, "tuv", {XML_LANG: lang})
        etree.SubElement(tuv, "seg").text = text
        tuv.tail = "\n      "
    tuv.tail = "\n    "
    return tu


# ------------------------------------------------------------------------------------------
# Reader
# ------------------------------------------------------------------------------------------

def _local(tag: Any) -> str | None:
    """Local name of an element tag; None for comments, PIs, entities and namespaced tags."""
    if not isinstance(tag, str) or tag.startswith("{"):
        return None
    return tag


def _open(src: XmlSource) -> tuple[Any, str, IO[bytes] | None]:
    name = source_name(src)
    if isinstance(src, (str, Path)):
        check_input(src)  # missing, a folder, unreadable: the wording every command uses
    if isinstance(src, (str, Path)) and str(src).endswith(".gz"):
        try:
            fh = gzip.open(src, "rb")
        except OSError as err:
            raise read_error(name, err) from err
        return fh, name, fh
    return src, name, None


def _events(src: XmlSource) -> tuple[Iterator[tuple[str, Any]], str, IO[bytes] | None]:
    source, name, fh = _open(src)
    return safe_iterparse(source, ("start", "end")), name, fh


def _check_root(elem: Any, name: str) -> None:
    if elem.tag != "tmx":
        shown = elem.tag if isinstance(elem.tag, str) else "?"
        raise InputError(name, f"not a TMX file: the root element is <{shown}>, expected <tmx>",
                         line=elem.sourceline)


def _text(el: Any) -> str:
    return "".join(el.itertext()) if len(el) else (el.text or "")


def _props_notes(el: Any) -> tuple[tuple[tuple[str, str], ...], tuple[str, ...]]:
    props: list[tuple[str, str]] = []
    notes: list[str] = []
    for child in el:
        tag = _local(child.tag)
        if tag == "prop":
            props.append((child.get("type", ""), _text(child)))
        elif tag == "note":
            notes.append(_text(child))
    return tuple(props), tuple(notes)


def _seg_text(el: Any, parts: list[str]) -> None:
    if el.text:
        parts.append(el.text)
    for child in el:
        tag = child.tag
        if isinstance(tag, str) and tag.rsplit("}", 1)[-1] not in _NOT_TEXT:
            _seg_text(child, parts)  # hi (and unknown elements): their text is segment text
        if child.tail:
            parts.append(child.tail)


def _make_header(elem: Any, version: str) -> TmxFileHeader:
    props, notes = _props_notes(elem)
    return TmxFileHeader(version=version, attrs={str(k): v for k, v in elem.attrib.items()},
                         props=props, notes=notes, line=elem.sourceline or 0)


def read_tmx_header(src: XmlSource) -> TmxFileHeader:
    """Read only the ``<header>`` of a TMX file (stops parsing right after it)."""
    events, name, fh = _events(src)
    try:
        version = ""
        for event, elem in events:
            if event == "start" and elem.getparent() is None:
                _check_root(elem, name)
                version = elem.get("version", "")
            elif event == "start" and elem.tag == "body":
                break
            elif event == "end" and elem.tag == "header":
                return _make_header(elem, version)
        raise InputError(name, "TMX file has no <header> before its <body>")
    finally:
        if fh is not None:
            fh.close()


def read_tmx(src: XmlSource, *,
             on_warning: Callable[[TmxWarning], None] | None = None) -> Iterator[TmxUnit]:
    """Stream the translation units of a TMX file (any TMX 1.1-1.4 tool).

    Memory stays bounded: each ``<tu>`` is cleared after use. Not XML, malformed or truncated
    input, a DOCTYPE declaring entities, or a root other than ``<tmx>`` raise ``InputError``
    with the line. Recoverable problems (a TU without any segment, a TUV without a language)
    go to ``on_warning`` and the TU or TUV is skipped. Segment text is returned as found
    (not trimmed); use ``TmxUnit.to_unit()`` for trimmed ``Unit``s.
    """
    report = on_warning or (lambda w: None)
    events, name, fh = _events(src)
    try:
        root_seen = False
        for event, elem in events:
            if not root_seen:
                root_seen = True
                _check_root(elem, name)
                continue
            if event != "end":
                continue
            tag = elem.tag
            if tag == "tu":
                unit = _make_unit(elem, name, report)
                if unit is not None:
                    yield unit
                elem.clear(keep_tail=False)
                parent = elem.getparent()
                if parent is not None:
                    while elem.getprevious() is not None:
                        del parent[0]
            elif tag == "header" and elem.get("srclang") is None:
                report(TmxWarning(name, "header has no srclang (OmegaT ignores such a file)",
                                  line=elem.sourceline))
    finally:
        if fh is not None:
            fh.close()


def _make_unit(tu: Any, name: str, report: Callable[[TmxWarning], None]) -> TmxUnit | None:
    variants: list[TmxVariant] = []
    for tuv in tu:
        if _local(tuv.tag) != "tuv":
            continue
        lang = tuv.get(XML_LANG) or tuv.get("lang") or ""
        seg = next((c for c in tuv if _local(c.tag) == "seg"), None)
        if not lang.strip():
            report(TmxWarning(name, "<tuv> without xml:lang skipped", line=tuv.sourceline))
            continue
        if seg is None:
            report(TmxWarning(name, f"<tuv xml:lang=\"{lang}\"> without <seg> skipped",
                              line=tuv.sourceline))
            continue
        parts: list[str] = []
        _seg_text(seg, parts)
        props, notes = _props_notes(tuv)
        variants.append(TmxVariant(lang=lang, text="".join(parts), props=props, notes=notes,
                                   creationdate=tuv.get("creationdate"),
                                   changedate=tuv.get("changedate")))
    if not variants:
        report(TmxWarning(name, "<tu> without any segment skipped", line=tu.sourceline))
        return None
    props, notes = _props_notes(tu)
    return TmxUnit(variants=tuple(variants), props=props, notes=notes, tuid=tu.get("tuid"),
                   creationdate=tu.get("creationdate"), changedate=tu.get("changedate"),
                   line=tu.sourceline or 0)
