"""Safe XML for hostile input, and text cleaning so writers never produce invalid XML.

Every XML reader in zhtm parses through this module:

* ``resolve_entities=False``: entity references are never expanded (no XXE, no billion laughs);
* ``no_network=True``, ``load_dtd=False``, ``dtd_validation=False``: nothing is fetched,
  neither the DTD named by ``<!DOCTYPE tmx SYSTEM "tmx14.dtd">`` nor external parameter entities;
* ``huge_tree=False``: libxml2's size limits stay on.

On top of that, one entity policy for every reader (TMX, TBX, the store's import): an entity
that is not one of XML's five predefined ones is refused with an ``InputError`` naming the
file, the line and the entity (`entity_refused`), whether the DOCTYPE declares it, an
external DTD would (``<!DOCTYPE tmx SYSTEM "local.dtd">``: never loaded, so libxml2 only
warns and leaves the reference out of the text), or nothing does. No translation-memory or
termbase format needs one, and an unexpanded reference would silently drop text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any, Final

from lxml import etree

from ..errors import InputError
from ..paths import check_input, read_error

__all__ = [
    "SAFE_PARSER_OPTIONS",
    "safe_parser",
    "safe_iterparse",
    "parse_xml",
    "check_no_entities",
    "entity_refused",
    "clean_xml_text",
    "source_name",
]

#: Options every parser gets; callers cannot turn them off.
SAFE_PARSER_OPTIONS: Final[dict[str, bool]] = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "dtd_validation": False,
    "huge_tree": False,
}

XmlSource = str | Path | IO[bytes]


def source_name(src: XmlSource) -> str:
    """A path-like name of an XML source for error messages."""
    if isinstance(src, (str, Path)):
        return str(src)
    return str(getattr(src, "name", "<stream>"))


def safe_parser(**options: Any) -> etree.XMLParser:
    """An ``lxml`` parser with the safe options (extra options such as ``remove_blank_text``
    are allowed, the safe ones cannot be overridden)."""
    _reject_overrides(options)
    return etree.XMLParser(**options, **SAFE_PARSER_OPTIONS)


def _reject_overrides(options: dict[str, Any]) -> None:
    clash = sorted(set(options) & set(SAFE_PARSER_OPTIONS))
    if clash:
        raise ValueError(f"cannot override safe XML options: {', '.join(clash)}")


PREDEFINED = "&amp; &lt; &gt; &quot; &apos;"
_UNDEFINED = re.compile(r"Entity '([^']+)' not defined")


def entity_refused(path: str, name: str, line: int | None, *, declared: bool = False
                   ) -> InputError:
    """The one error for an entity in input XML, wherever it comes from."""
    where = " (declared in the DOCTYPE)" if declared else ""
    return InputError(path, f"entity &{name};{where} is not allowed: XML input may use only "
                            f"the predefined {PREDEFINED} and character references", line=line)


def _declaration_line(path: str, name: str) -> int | None:
    """The line of ``<!ENTITY name`` in the head of the file at `path` (None if not found)."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(1 << 20)
    except OSError:
        return None
    m = re.search(rb"<!ENTITY\s+(?:%\s+)?" + re.escape(name.encode("utf-8", "replace")) + rb"\s",
                  head)
    return head.count(b"\n", 0, m.start()) + 1 if m else None


def check_no_entities(tree: etree._ElementTree | etree._Element, path: str,
                      line: int | None = None) -> None:
    """Raise ``InputError`` if the document's DOCTYPE declares entities (the first one named,
    at the line of its declaration)."""
    if isinstance(tree, etree._Element):
        tree = tree.getroottree()
    dtd = tree.docinfo.internalDTD
    if dtd is None:
        return
    names = [e.name for e in dtd.entities()]
    if names:
        raise entity_refused(path, names[0], _declaration_line(path, names[0]) or line,
                             declared=True)


def _check_log(log: Any, path: str, seen: int) -> int:
    """Refuse an undefined entity libxml2 only warned about (a DOCTYPE naming an external
    DTD); returns how many log entries are now checked."""
    entries = list(log)
    for entry in entries[seen:]:
        m = _UNDEFINED.search(entry.message or "")
        if m:
            raise entity_refused(path, m.group(1), entry.line if entry.line > 0 else None)
    return len(entries)


def _syntax_error(path: str, err: etree.XMLSyntaxError) -> InputError:
    msg = (err.msg or str(err)).strip()
    line = err.lineno if err.lineno and err.lineno > 0 else None
    # iterparse sometimes raises a generic "no element found" (line 0) while the error log
    # holds the real cause, e.g. "Entity 'nbsp' not defined" at line 4.
    # The log is per thread and may still hold entries of earlier parses: only trust entries
    # naming this file.
    log = err.error_log
    entries = [e for e in (log.filter_from_errors() if log is not None else [])
               if e.filename == path]
    if entries and (line is None or msg == "no element found"):
        last = entries[-1]
        msg = last.message.strip()
        line = last.line if last.line > 0 else line
    undefined = _UNDEFINED.search(msg)
    if undefined:  # no DOCTYPE: libxml2 stops at the reference
        return entity_refused(path, undefined.group(1), line)
    if msg == "no element found" or "Document is empty" in msg:
        msg = "empty document: no XML element found"
        line = line or 1
    # libxml2 appends ", line N, column M" to some messages; the line is reported separately.
    msg = re.sub(r",? line \d+, column \d+$", "", msg)
    return InputError(path, f"not well-formed XML: {msg}", line=line)


def safe_iterparse(src: XmlSource, events: Iterable[str] = ("start", "end"), *,
                   tag: str | Iterable[str] | None = None,
                   **options: Any) -> Iterator[tuple[str, Any]]:
    """``lxml.etree.iterparse`` with the safe options.

    Yields ``(event, element)`` like iterparse. Malformed, truncated or non-XML input raises
    ``InputError(path, ..., line=N)``; so does a DOCTYPE declaring entities (checked at the
    first event, before any content is seen). A missing file raises ``InputError`` too.
    """
    _reject_overrides(options)
    path = source_name(src)
    events = tuple(events)
    want_start = "start" in events
    ev_all = events if want_start else ("start", *events)
    if isinstance(src, (str, Path)):
        check_input(src)  # missing, a folder, unreadable: the wording every command uses
    source: Any = str(src) if isinstance(src, Path) else src
    try:
        it = etree.iterparse(source, events=ev_all, tag=tag, **options, **SAFE_PARSER_OPTIONS)
    except OSError as err:  # pragma: no cover - lxml opens lazily, kept for safety
        raise read_error(path, err) from err
    checked = False
    logged = 0
    try:
        for event, elem in it:
            if not checked:
                checked = True
                check_no_entities(elem, path, getattr(elem, "sourceline", None))
            if len(it.error_log) != logged:  # cheap; the log holds warnings only here
                logged = _check_log(it.error_log, path, logged)
            if event == "start" and not want_start:
                continue
            yield event, elem
        _check_log(it.error_log, path, logged)
    except etree.XMLSyntaxError as err:
        raise _syntax_error(path, err) from err
    except OSError as err:
        raise read_error(path, err) from err


def parse_xml(src: XmlSource, **options: Any) -> etree._ElementTree:
    """Parse a whole (small) document safely; same errors as ``safe_iterparse``."""
    path = source_name(src)
    if isinstance(src, (str, Path)):
        check_input(src)
    parser = safe_parser(**options)
    try:
        tree = etree.parse(str(src) if isinstance(src, Path) else src, parser)
    except etree.XMLSyntaxError as err:
        raise _syntax_error(path, err) from err
    except OSError as err:
        raise read_error(path, err) from err
    check_no_entities(tree, path)
    _check_log(parser.error_log, path, 0)
    return tree


# Characters XML 1.0 forbids: C0 controls except TAB LF CR, lone surrogates, U+FFFE, U+FFFF.
# (Astral characters such as U+20000 are allowed and pass through.)
_FORBIDDEN: Final = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def clean_xml_text(s: str) -> tuple[str, bool]:
    """Remove characters that XML 1.0 forbids; return ``(text, whether anything was removed)``.

    >>> clean_xml_text("a\\x00b\\ufffe𠀀")
    ('ab𠀀', True)
    """
    if _FORBIDDEN.search(s) is None:
        return s, False
    return _FORBIDDEN.sub("", s), True
