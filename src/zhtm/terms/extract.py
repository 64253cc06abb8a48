"""Harvest the policy glossary: Chinese terms, the English the translators used, evidence.

`extract_terms(units)` works on any list of aligned (zh, en) pairs; `load_units(paths)` reads
a TMX or any bilingual layout `zhtm align` reads; `build_termbase` is the build job.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..errors import InputError, UsageError
from ..records import TermEntry, Unit, term_id
from .chinese import ZhSignals, find_candidates, jieba_segmenter, sentencepiece_segmenter
from .english import EnglishSide, EnSignals

FORMATS: tuple[str, ...] = ("tbx", "tbx3", "tsv", "csv")
SEGMENTERS: tuple[str, ...] = ("auto", "jieba", "sentencepiece", "none")
RERANK_FLOOR = 0.2  # a term with no credible English keeps this share of its Chinese score
_NOTE = re.compile(r"^\s*\[(\d{1,3})\]\s*(.+)$")
_NOTE_TERM = re.compile(r"[“\"]([^“”\"]{2,80})[”\"]")


@dataclass(frozen=True, slots=True)
class TermOptions:
    """How many terms, from which evidence (the bench switches signals off one at a time)."""

    limit: int = 200
    min_frequency: int = 2
    segmenter: str = "auto"  # auto: jieba when installed, else sentencepiece
    signals: ZhSignals = field(default_factory=ZhSignals)
    english_rerank: bool = True  # terms with a consistent English rank higher
    pool: int = 3  # English is looked up for limit * pool Chinese candidates
    competitive: bool = True  # one English span, one term (the better-linked one)
    english: EnSignals = field(default_factory=EnSignals)


Pair = Unit | tuple[str, str]


def _unit(pair: Pair) -> Unit:
    return pair if isinstance(pair, Unit) else Unit(zh=pair[0], en=pair[1])


def parse_notes(lines: Iterable[str]) -> dict[str, str]:
    """English notes `[n]The "four centers" refers to ...` → {"four centers": note text}."""
    out: dict[str, str] = {}
    for line in lines:
        m = _NOTE.match(line)
        if not m:
            continue
        text = " ".join(m.group(2).split())
        quoted = _NOTE_TERM.search(text)
        if quoted:
            out.setdefault(_norm_en(quoted.group(1)), text)
    return out


def _norm_en(text: str) -> str:
    return " ".join(text.lower().replace("’", "'").strip(" .,;:“”\"").split())


def _segmenters(texts: Sequence[str], name: str):
    if name not in SEGMENTERS:
        raise UsageError(f"unknown segmenter {name!r} (choose from {', '.join(SEGMENTERS)})")
    if name in ("auto", "jieba"):
        got = jieba_segmenter()
        if got is not None:
            return got
        if name == "jieba":
            raise UsageError("the jieba segmenter needs jieba: pip install jieba")
    if name in ("auto", "sentencepiece"):
        return sentencepiece_segmenter(texts), None
    return None, None


def _sentence_with(text: str, needle: str, split: Callable[[str], list[str]]) -> str:
    low = needle.lower()
    for sentence in split(text):
        if low in sentence.lower():
            return sentence
    return text


def extract_terms(pairs: Sequence[Pair], *, notes: Iterable[str] = (),
                  options: TermOptions = TermOptions()) -> list[TermEntry]:
    """Ranked glossary entries (most important first) from aligned (zh, en) pairs."""
    from ..text.segment import split_en, split_zh

    units = [_unit(p) for p in pairs]
    units = [u for u in units if u.zh.strip() and u.en.strip()]
    if not units:
        raise InputError(None, "no translation units with both Chinese and English text")
    zh_texts = [u.zh for u in units]
    segment, word_frequency = _segmenters(zh_texts, options.segmenter)
    candidates = find_candidates(zh_texts, segment=segment, word_frequency=word_frequency,
                                 signals=options.signals, min_frequency=options.min_frequency)
    candidates = candidates[: max(options.limit * options.pool, options.limit)]
    english = EnglishSide([u.en for u in units], zh_texts, signals=options.english)
    definitions = parse_notes(notes)
    choices = [english.choose(c.text, c.units, quoted=c.quoted > 0) for c in candidates]
    if options.competitive:
        choices = _link_competitively(english, candidates, choices)
    scored = []
    for cand, choice in zip(candidates, choices):
        if choice is None:
            continue
        definition = ""
        for rendering in (choice.en, *choice.variants):
            definition = definitions.get(_norm_en(rendering), "")
            if definition:
                break
        score = cand.score
        if options.english_rerank:
            score *= RERANK_FLOOR + choice.confidence
        if definition:
            score += 1.0
        unit = units[choice.unit]
        entry = TermEntry(
            id=term_id(cand.text), zh=cand.text, en=choice.en, variants=choice.variants,
            frequency=cand.frequency,
            zh_context=_sentence_with(unit.zh, cand.text, split_zh),
            en_context=_sentence_with(unit.en, choice.en, split_en),
            doc=unit.doc, location=unit.location, definition=definition)
        scored.append((score, entry))
    scored.sort(key=lambda se: (-round(se[0], 9), se[1].zh))
    return _drop_nested([e for _, e in scored])[: options.limit]


def _link_competitively(english: EnglishSide, candidates, choices):
    """One English span, one term: when two terms pick the same span, the one it belongs to
    less strongly takes its next best (“一业一证” and “一件事” both see “All-in-One-Go”, the
    quote at 一件事's position; 科技创新 does not mean "international innovation center",
    国际科技创新中心 does)."""
    owner: dict[tuple[str, ...], tuple[float, str]] = {}
    for cand, choice in zip(candidates, choices):
        if choice is not None and choice.key:
            best = owner.get(choice.key)
            if best is None or (choice.score, cand.text) > best:
                owner[choice.key] = (choice.score, cand.text)
    out = list(choices)
    for n, (cand, choice) in enumerate(zip(candidates, choices)):
        if choice is None or not choice.key:
            continue
        rival = owner[choice.key][1]
        if rival == cand.text:
            continue
        taken = frozenset(k for k, (_, zh) in owner.items() if zh != cand.text)
        out[n] = english.choose(cand.text, cand.units, quoted=cand.quoted > 0,
                                exclude=taken & {choice.key})
    return out


def _drop_nested(entries: list[TermEntry]) -> list[TermEntry]:
    """A term inside a higher-ranked term with the same frequency and English adds nothing."""
    kept: list[TermEntry] = []
    for entry in entries:
        if any(entry.zh in k.zh and entry.frequency == k.frequency and entry.en.lower() in k.en.lower()
               for k in kept):
            continue
        kept.append(entry)
    return kept


# --------------------------------------------------------------------------- inputs

def _is_tmx(path: Path) -> bool:
    if path.suffix.lower() == ".tmx":
        return True
    try:
        head = path.read_bytes()[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    except OSError:
        return False
    return head.startswith(b"<?xml") and b"<tmx" in head


def load_units(paths: Sequence[str | Path], *, layout: str | None = None,
               encoding: str | None = None) -> tuple[list[Unit], list[str]]:
    """Aligned units and English notes from TMX files, or from one bilingual document.

    A bilingual document (any layout `zhtm align` reads) is sentence-aligned first; its
    English-only notes are returned so that definitions can be attached to terms.
    """
    from ..formats.tmx import read_tmx

    paths = [Path(p) for p in paths]
    if not paths:
        raise UsageError("give at least one input")
    if all(_is_tmx(p) for p in paths):
        units: list[Unit] = []
        for path in paths:
            seen = missing = 0
            for tu in read_tmx(path):
                seen += 1
                unit = tu.to_unit()
                if unit is None:
                    missing += 1
                    continue
                if not unit.doc:
                    unit = replace(unit, doc=path.name)
                units.append(unit)
            if seen == 0:
                raise InputError(path, "the TMX holds no translation units")
            if missing == seen:
                raise InputError(path, "no TU has both a Chinese (zh) and an English (en) segment")
        return units, []
    if any(_is_tmx(p) for p in paths):
        raise UsageError("give either TMX files or one bilingual document, not both")
    from ..align.pipeline import align_document
    from ..text.layouts import read_document

    try:
        document = read_document(list(paths), layout, encoding)
    except LookupError as exc:
        raise UsageError(str(exc)) from None
    units = align_document(document).units()
    return units, [line.text for line in document.notes]


# --------------------------------------------------------------------------- keep

def merge_kept(fresh: Sequence[TermEntry], kept: Sequence[TermEntry],
               proposed: Iterable[str] = ()) -> list[TermEntry]:
    """Re-extraction that respects a terminologist's edits in an earlier glossary.

    - An entry present in `kept` keeps its English, variants, definition and note; counts,
      contexts and location are refreshed.
    - An entry zhtm proposed before (`proposed` ids, from the earlier file's header) that is
      no longer in `kept` was deleted by hand and stays deleted.
    - Entries added by hand (in `kept`, not extracted now) are kept, after the extracted ones.
    """
    by_zh = {k.zh: k for k in kept}
    by_id = {k.id: k for k in kept if k.id}
    gone = set(proposed) - set(by_id)
    out: list[TermEntry] = []
    used: set[str] = set()
    for entry in fresh:
        old = by_zh.get(entry.zh) or by_id.get(entry.id)
        if old is None:
            if entry.id in gone:
                continue
            out.append(entry)
            continue
        used.add(old.zh)
        out.append(replace(entry, id=old.id or entry.id, en=old.en, variants=old.variants,
                           definition=old.definition or entry.definition, note=old.note,
                           en_context=entry.en_context if old.en == entry.en else old.en_context))
    out.extend(k for k in kept if k.zh not in used)
    return out


# --------------------------------------------------------------------------- jobs

def write_terms(entries: Sequence[TermEntry], dest: str | Path, *, fmt: str = "tbx",
                source: str = "", proposed: Iterable[str] = ()) -> int:
    """Write entries in one of FORMATS (tbx = TBX-Basic 2008, tbx3, tsv, csv)."""
    from ..formats.glossary_tsv import write_glossary
    from ..formats.tbx import TbxHeader, write_tbx

    if fmt not in FORMATS:
        raise UsageError(f"unknown format {fmt!r} (choose from {', '.join(FORMATS)})")
    if fmt in ("tsv", "csv"):
        return write_glossary(entries, dest, fmt=fmt)
    header = TbxHeader(title="zhtm policy glossary", source=source or "zhtm terms",
                       proposed=tuple(dict.fromkeys([*(e.id for e in entries), *proposed])))
    return write_tbx(entries, dest, flavour="3" if fmt == "tbx3" else "2008", header=header)


def read_kept(path: str | Path) -> tuple[list[TermEntry], tuple[str, ...]]:
    """Entries and proposed ids of an earlier glossary given to --keep (TBX, TSV or CSV)."""
    from ..formats.glossary_tsv import read_glossary
    from ..formats.tbx import read_tbx, read_tbx_header

    path = Path(path)
    if path.suffix.lower() in (".tbx", ".xml"):
        return list(read_tbx(path)), read_tbx_header(path).proposed
    return list(read_glossary(path)), ()


def build_termbase(inputs: Sequence[str | Path], tbx_out: str | Path | None = None,
                   tsv_out: str | Path | None = None, *, notes_from: Sequence[str | Path] = (),
                   keep: str | Path | None = None,
                   options: TermOptions = TermOptions()) -> list[TermEntry]:
    """The build job: TMX (or a bilingual document) → TBX-Basic 2008 and OmegaT TSV glossary.

    `notes_from`: bilingual documents whose English-only notes define terms (a TMX has none).
    Both outputs are written atomically and byte-identically on every run.
    """
    from ..text.layouts import read_document

    units, notes = load_units(inputs)
    for doc in notes_from:
        notes.extend(line.text for line in read_document([doc]).notes)
    entries = extract_terms(units, notes=notes, options=options)
    proposed: tuple[str, ...] = ()
    if keep is not None:
        kept, proposed = read_kept(keep)
        entries = merge_kept(entries, kept, proposed)
    source = " ".join(Path(p).name for p in inputs)
    if tbx_out is not None:
        write_terms(entries, tbx_out, fmt="tbx", source=source, proposed=proposed)
    if tsv_out is not None:
        write_terms(entries, tsv_out, fmt="tsv", source=source)
    return entries
