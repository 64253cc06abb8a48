"""Safe XML for hostile input, and text cleaning so writers never produce invalid XML.

Every XML reader in zhtm parses through this module:

* ``resolve_entities=False``: entity references are never expanded (no XXE, no billion laughs);
* ``no_network=True``, ``load_dtd=False``, ``dtd_validation=False``: nothing is fetched,
  neither the DTD named by ``<!DOCTYPE tmx SYSTEM "tmx14.dtd">`` nor external parameter entities;
* ``huge_tree=False``: libxml2's size limits stay on.

On top of that, a document whose DOCTYPE **declares any entity** is refused with an
``InputError``: no translation-memory or termbase format needs one, and an unexpanded entity
reference would silently drop text from a segment.
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


def check_no_entities(tree: etree._ElementTree | etree._Element, path: str,
                      line: int | None = None) -> None:
    """Raise ``InputError`` if the document's DOCTYPE declares entities."""
    if isinstance(tree, etree._Element):
        tree = tree.getroottree()
    dtd = tree.docinfo.internalDTD
    if dtd is None:
        return
    names = [e.name for e in dtd.entities()]
    if names:
        shown = ", ".join(names[:5]) + (", ..." if len(names) > 5 else "")
        raise InputError(
            path,
            f"refusing a document whose DOCTYPE declares entities ({shown}); "
            "entities are not allowed in input XML",
            line=line,
        )


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
    try:
        for event, elem in it:
            if not checked:
                checked = True
                check_no_entities(elem, path, getattr(elem, "sourceline", None))
            if event == "start" and not want_start:
                continue
            yield event, elem
    except etree.XMLSyntaxError as err:
        raise _syntax_error(path, err) from err
    except OSError as err:
        raise read_error(path, err) from err


def parse_xml(src: XmlSource, **options: Any) -> etree._ElementTree:
    """Parse a whole (small) document safely; same errors as ``safe_iterparse``."""
    path = source_name(src)
    if isinstance(src, (str, Path)):
        check_input(src)
    try:
        tree = etree.parse(str(src) if isinstance(src, Path) else src, safe_parser(**options))
    except etree.XMLSyntaxError as err:
        raise _syntax_error(path, err) from err
    except OSError as err:
        raise read_error(path, err) from err
    check_no_entities(tree, path)
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
