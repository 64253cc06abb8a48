"""TBX glossaries: TBX-Basic 2008 (`<martif>`, what OmegaT reads) and TBX v3 (ISO 30042:2019).

Writers stream one entry at a time through `lxml.etree.xmlfile` into a temporary file that
replaces the destination only when complete. The reader streams with `iterparse`, never
resolves entities, never touches the network and refuses a DOCTYPE that declares entities.

Entry layout (both flavours, element names differ):
- entry level: `descrip type=definition` (from the corpus notes), `note` (free text);
- Chinese term: where it occurs (2008: `termNote type=termLocation`; v3, whose termLocation
  holds only picklist values such as `menuItem`: `note` `location: …`), `descrip type=context`,
  `admin type=source` (document), `note` `frequency: N`;
- English terms: the preferred one first (`administrativeStatus` preferredTerm-admn-sts, with
  its context sentence), then admitted variants (admittedTerm-admn-sts).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from ..atomic import atomic_output
from ..errors import InputError, UsageError, ZhtmError
from ..records import TermEntry
from .xmlsafe import clean_xml_text, safe_iterparse

TBX3_NS = "urn:iso:std:iso:30042:ed-2"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
FLAVOURS: tuple[str, ...] = ("2008", "3")
PREFERRED = "preferredTerm-admn-sts"
ADMITTED = "admittedTerm-admn-sts"
# Written in the header: the ids zhtm proposed, so that a later `--keep` run can tell an
# entry the terminologist deleted from one that was never proposed.
PROPOSED_PREFIX = "zhtm-proposed:"
_FREQUENCY = re.compile(r"^frequency:\s*(\d+)\s*$")
_LOCATION = re.compile(r"^location:\s*(.+)$")


@dataclass(frozen=True, slots=True)
class TbxHeader:
    """What the header says: a title, where the terms come from, ids zhtm proposed."""

    title: str = "zhtm glossary"
    source: str = ""
    proposed: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class _Names:
    root: str
    header: str
    entry: str
    lang_sec: str
    term_sec: str


_NAMES = {
    "2008": _Names("martif", "martifHeader", "termEntry", "langSet", "tig"),
    "3": _Names("tbx", "tbxHeader", "conceptEntry", "langSec", "termSec"),
}


# --------------------------------------------------------------------------- writing

def _child(parent: etree._Element, tag: str, text: str | None = None, **attrib: str) -> etree._Element:
    el = etree.SubElement(parent, tag, attrib)
    if text is not None:
        el.text = clean_xml_text(text)[0]
    return el


def _entry_element(entry: TermEntry, flavour: str, zh_lang: str, en_lang: str) -> etree._Element:
    n = _NAMES[flavour]
    root = etree.Element(n.entry, {"id": entry.id})
    if entry.definition:
        _child(root, "descrip", entry.definition, type="definition")
    if entry.note:
        _child(root, "note", entry.note)
    zh_sec = _child(root, n.lang_sec, **{XML_LANG: zh_lang})
    zh_term = _child(zh_sec, n.term_sec)
    _child(zh_term, "term", entry.zh)
    if entry.location and flavour == "2008":
        _child(zh_term, "termNote", entry.location, type="termLocation")
    if entry.zh_context:
        _child(zh_term, "descrip", entry.zh_context, type="context")
    if entry.doc:
        _child(zh_term, "admin", entry.doc, type="source")
    if entry.frequency:
        _child(zh_term, "note", f"frequency: {entry.frequency}")
    if entry.location and flavour == "3":
        _child(zh_term, "note", f"location: {entry.location}")
    renderings = entry.renderings
    if renderings:
        en_sec = _child(root, n.lang_sec, **{XML_LANG: en_lang})
        for i, english in enumerate(renderings):
            tig = _child(en_sec, n.term_sec)
            _child(tig, "term", english)
            status = PREFERRED if i == 0 and entry.en else ADMITTED
            _child(tig, "termNote", status, type="administrativeStatus")
            if i == 0 and entry.en_context:
                _child(tig, "descrip", entry.en_context, type="context")
    etree.indent(root, space="  ", level=3)
    return root


def _header_element(header: TbxHeader, flavour: str) -> etree._Element:
    n = _NAMES[flavour]
    root = etree.Element(n.header)
    file_desc = _child(root, "fileDesc")
    title_stmt = _child(file_desc, "titleStmt")
    _child(title_stmt, "title", header.title)
    source_desc = _child(file_desc, "sourceDesc")
    _child(source_desc, "p", header.source or "zhtm terms")
    if header.proposed:
        # TBX v3 allows a single sourceDesc (with several p); 2008 allows several sourceDesc.
        proposed = source_desc if flavour == "3" else _child(file_desc, "sourceDesc")
        _child(proposed, "p", PROPOSED_PREFIX + " " + " ".join(header.proposed))
    if flavour == "2008":
        encoding = _child(root, "encodingDesc")
        _child(encoding, "p", "TBXBasicXCSV02.xcs", type="XCSURI")
    etree.indent(root, space="  ", level=1)
    return root


def write_tbx(entries: Iterable[TermEntry], dest: str | Path, *, flavour: str = "2008",
              header: TbxHeader = TbxHeader(), zh_lang: str = "zh-CN", en_lang: str = "en-US") -> int:
    """Write `entries` (in the order given) as TBX-Basic; returns how many were written.

    flavour "2008": `<martif type="TBX-Basic">` with no namespace (the one OmegaT reads);
    flavour "3": `<tbx type="TBX-Basic" style="dca">` in the ISO 30042:2019 namespace.
    Output is deterministic: no dates, no tool clock. No entries at all raises `ZhtmError`
    (TBX requires one) and leaves `dest` as it was.
    """
    if flavour not in _NAMES:
        raise UsageError(f"unknown TBX flavour {flavour!r} (choose from {', '.join(FLAVOURS)})")
    n = _NAMES[flavour]
    count = 0
    # Elements are built without a namespace and serialised inside the root, whose default
    # namespace (TBX v3) they inherit: one xmlns declaration in the file, not one per entry.
    # "xml:lang" is spelled out because xmlfile would invent an "ns0" prefix for it.
    if flavour == "3":
        root_attrib = {"xmlns": TBX3_NS, "type": "TBX-Basic", "style": "dca", "xml:lang": "en"}
    else:
        root_attrib = {"type": "TBX-Basic", "xml:lang": "en-US"}
    with atomic_output(dest, "wb") as out:
        out.write(b'<?xml version="1.0" encoding="UTF-8"?>\n')
        with etree.xmlfile(out, encoding="UTF-8") as xf:
            with xf.element(n.root, root_attrib):
                xf.write("\n  ")
                xf.write(_header_element(header, flavour))
                xf.write("\n  ")
                with xf.element("text"):
                    xf.write("\n    ")
                    with xf.element("body"):
                        for entry in entries:
                            xf.write("\n      ")
                            xf.write(_entry_element(entry, flavour, zh_lang, en_lang))
                            count += 1
                        if count == 0:  # <body> needs a term entry: refuse, keep dest as it was
                            raise ZhtmError(f"{dest}: no glossary entries to write (a TBX "
                                            "without entries is not valid TBX); nothing written")
                        xf.write("\n    ")
                    xf.write("\n  ")
                xf.write("\n")
        out.write(b"\n")
    return count


# --------------------------------------------------------------------------- reading

def _local(tag: object) -> str:
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def _text(el: etree._Element) -> str:
    """All text inside an element (inline markup flattened), whitespace normalised."""
    return " ".join("".join(el.itertext()).split())


def _children(el: etree._Element, name: str) -> list[etree._Element]:
    return [c for c in el if _local(c.tag) == name]


def _term_groups(lang_sec: etree._Element) -> list[etree._Element]:
    """tig / termSec, or the termGrp inside an ntig (a flavour OmegaT also reads)."""
    groups = []
    for child in lang_sec:
        name = _local(child.tag)
        if name in ("tig", "termSec"):
            groups.append(child)
        elif name == "ntig":
            groups.extend(_children(child, "termGrp") or [child])
    return groups


def _parse_entry(el: etree._Element) -> TermEntry | None:
    zh_terms: list[etree._Element] = []
    en_terms: list[etree._Element] = []
    definition = ""
    notes = []
    for child in el:
        name = _local(child.tag)
        if name == "descrip" and child.get("type") == "definition":
            definition = definition or _text(child)
        elif name == "note":
            notes.append(_text(child))
        elif name in ("langSet", "langSec"):
            lang = (child.get(XML_LANG) or "").lower()
            groups = _term_groups(child)
            for sub in _children(child, "descrip"):
                if sub.get("type") == "definition" and not definition:
                    definition = _text(sub)
            if lang.startswith("zh"):
                zh_terms.extend(groups)
            elif lang.startswith("en"):
                en_terms.extend(groups)
    zh_group = next((g for g in zh_terms if _group_term(g)), None)
    if zh_group is None:
        return None  # like OmegaT: an entry with no Chinese term is dropped
    zh = _group_term(zh_group)
    frequency, location, context, doc = 0, "", "", ""
    for child in _group_aux(zh_group):
        name, kind = _local(child.tag), child.get("type")
        if name == "termNote" and kind == "termLocation":
            location = _text(child)
        elif name == "descrip" and kind == "context":
            context = _text(child)
        elif name == "admin" and kind == "source":
            doc = _text(child)
        elif name == "note" and (m := _FREQUENCY.match(_text(child))):
            frequency = int(m.group(1))
        elif name == "note" and (m := _LOCATION.match(_text(child))) and not location:
            location = m.group(1)
    english: list[tuple[str, str, str]] = []  # (term, status, context)
    for group in en_terms:
        term = _group_term(group)
        if not term or any(term == t for t, _, _ in english):
            continue
        status = context_en = ""
        for child in _group_aux(group):
            name, kind = _local(child.tag), child.get("type")
            if name == "termNote" and kind == "administrativeStatus" and not status:
                status = _text(child)
            elif name == "descrip" and kind == "context" and not context_en:
                context_en = _text(child)
        english.append((term, status, context_en))
    preferred = next((i for i, (_, s, _) in enumerate(english) if s.startswith("preferred")), None)
    if preferred is None and english and not all(s.startswith("admitted") for _, s, _ in english):
        preferred = 0
    en, en_context = ("", "") if preferred is None else (english[preferred][0], english[preferred][2])
    variants = tuple(t for i, (t, _, _) in enumerate(english) if i != preferred)
    return TermEntry(id=el.get("id") or "", zh=zh, en=en, variants=variants, frequency=frequency,
                     zh_context=context, en_context=en_context, doc=doc, location=location,
                     definition=definition, note="\n".join(n for n in notes if n))


def _group_term(group: etree._Element) -> str:
    terms = _children(group, "term")
    return _text(terms[0]) if terms else ""


def _group_aux(group: etree._Element) -> Iterator[etree._Element]:
    """Children of a tig/termGrp, plus those of the enclosing ntig."""
    yield from group
    parent = group.getparent()
    if parent is not None and _local(parent.tag) == "ntig":
        yield from (c for c in parent if c is not group)


def _iterparse(path: Path) -> Iterator[tuple[str, etree._Element]]:
    """Safe streaming parse (see xmlsafe); also checks the root is a TBX root."""
    started = False
    for event, el in safe_iterparse(path, ("start", "end"), remove_comments=True, remove_pis=True):
        if not started:
            started = True
            name = _local(el.tag)
            if name not in ("martif", "tbx"):
                raise InputError(path, f"not a TBX file: the root element is <{name}>, "
                                 "expected <martif> (TBX 2008) or <tbx> (TBX v3)")
        yield event, el


def read_tbx(src: str | Path) -> Iterator[TermEntry]:
    """Stream the entries of a TBX 2008 or v3 file (entries without a Chinese term are skipped)."""
    path = Path(src)
    depth = 0
    for event, el in _iterparse(path):
        name = _local(el.tag)
        if name in ("termEntry", "conceptEntry"):
            if event == "start":
                depth += 1
                continue
            depth -= 1
            if depth == 0:
                entry = _parse_entry(el)
                el.clear(keep_tail=False)
                while el.getprevious() is not None:
                    del el.getparent()[0]
                if entry is not None:
                    yield entry


def read_tbx_header(src: str | Path) -> TbxHeader:
    """The header of a TBX file (title, source, ids zhtm proposed); stops at the body."""
    path = Path(src)
    title, sources, proposed = "", [], ()
    for event, el in _iterparse(path):
        name = _local(el.tag)
        if event == "start" and name in ("body", "text"):
            break
        if event != "end":
            continue
        if name == "title" and not title:
            title = _text(el)
        elif name == "p" and _local(el.getparent().tag) == "sourceDesc":
            text = _text(el)
            if text.startswith(PROPOSED_PREFIX):
                proposed = tuple(text[len(PROPOSED_PREFIX):].split())
            else:
                sources.append(text)
    return TbxHeader(title=title, source=" ".join(sources), proposed=proposed)
