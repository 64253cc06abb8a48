"""The translator-facing jobs over a store: `match` a sentence, `concord` a string,
`pretranslate` a new document into a TMX for OmegaT's ``tm/`` folder with analysis bands.

Scores are OmegaT's per-character percentages (`scoring`); the number penalty and the
differences to the query are reported beside the score, never folded into it.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz.distance import Levenshtein

from ..errors import InputError
from ..paths import check_output
from ..records import Unit
from ..text.normalize import (NumberPenalty, normalize, normalize_with_map, number_penalty,
                              undecodable)
from .fuzzy import FuzzyIndex
from .scoring import Hit, TopK
from .store import Origin, Store, StoredUnit

MAX_QUERY_CHARS = 2000
# Analysis bands translators bill by: (label, lowest percent, highest percent).
BANDS: tuple[tuple[str, int, int], ...] = (
    ("100%", 100, 100), ("95-99%", 95, 99), ("85-94%", 85, 94), ("75-84%", 75, 84),
    ("50-74%", 50, 74), ("no match", 0, 49),
)

Glossary = Sequence[tuple[str, Sequence[str]]]


@dataclass(frozen=True, slots=True)
class Span:
    """A piece of a TM source: ``equal`` to the query, ``changed`` (not in the query), or
    ``missing`` (query text absent here; `text` is the query's)."""

    kind: str
    text: str


@dataclass(frozen=True, slots=True)
class TermHit:
    zh: str
    en: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Match:
    unit: StoredUnit
    hit: Hit
    diff: tuple[Span, ...]
    penalty: NumberPenalty

    @property
    def percent(self) -> int:
        return self.hit.percent


@dataclass(frozen=True, slots=True)
class MatchResult:
    query: str
    matches: tuple[Match, ...]
    terms: tuple[TermHit, ...] = ()


@dataclass(frozen=True, slots=True)
class BandCount:
    label: str
    segments: int = 0
    characters: int = 0


@dataclass(frozen=True, slots=True)
class Pretranslation:
    """What `pretranslate` did: one best match (or None) per segment, and the bands."""

    segments: tuple[tuple[str, Match | None], ...]
    bands: tuple[BandCount, ...]
    written: int
    seconds: float = 0.0


def band_of(percent: int | None) -> str:
    if percent is None:
        return BANDS[-1][0]
    for label, low, high in BANDS:
        if low <= percent <= high:
            return label
    return BANDS[-1][0]


def check_query(query: str) -> str:
    """The normalised query, or InputError for an empty, overlong or undecodable one."""
    bad = undecodable(query)
    if bad:
        raise InputError("<query>", f"not text: {bad}")
    norm = normalize(query)
    if not norm:
        raise InputError("<query>", "empty query")
    if len(norm) > MAX_QUERY_CHARS:
        raise InputError("<query>", f"query is {len(norm)} characters long; the limit is "
                         f"{MAX_QUERY_CHARS} (split a document into sentences with "
                         "`zhtm pretranslate`)")
    return norm


def diff_spans(query: str, source: str) -> tuple[Span, ...]:
    """How a TM source differs from the query, on the source's own characters.

    The alignment is the Levenshtein one on normalised text, mapped back to the original
    characters of `source` (so full-width punctuation shows as written in the TM).
    """
    qn = normalize(query)
    sn, origin = normalize_with_map(source)
    mapped = len(sn) == len(origin) and origin and origin[-1] < len(source) and \
        sn == normalize(source)
    shown = source if mapped else sn
    if not mapped:
        origin = list(range(len(sn)))

    def piece(a: int, b: int) -> str:
        if a >= b:
            return ""
        start = origin[a]
        end = origin[b] if b < len(origin) else len(shown)
        return shown[start:end]

    spans: list[Span] = []
    for op in Levenshtein.opcodes(qn, sn):
        if op.tag == "equal":
            spans.append(Span("equal", piece(op.dest_start, op.dest_end)))
        elif op.tag in ("replace", "insert"):
            spans.append(Span("changed", piece(op.dest_start, op.dest_end)))
        elif op.tag == "delete":
            spans.append(Span("missing", qn[op.src_start:op.src_end]))
    merged: list[Span] = []
    for span in spans:
        if merged and merged[-1].kind == span.kind:
            merged[-1] = Span(span.kind, merged[-1].text + span.text)
        elif span.text:
            merged.append(span)
    return tuple(merged)


def find_terms(query: str, glossary: Glossary) -> tuple[TermHit, ...]:
    """Glossary entries whose Chinese term occurs in the query (normalised substring, as
    OmegaT matches CJK terms), in query order, the longer first where two start together."""
    qn = normalize(query)
    hits: dict[str, list[str]] = {}
    for zh, ens in glossary:
        zn = normalize(zh)
        if zn and zn in qn:
            bucket = hits.setdefault(zh, [])
            bucket.extend(e for e in ens if e and e not in bucket)
    return tuple(TermHit(zh, tuple(ens)) for zh, ens in
                 sorted(hits.items(), key=lambda item: (qn.find(normalize(item[0])), -len(item[0]))))


def read_termbase(path: str | Path) -> list[tuple[str, tuple[str, ...]]]:
    """A TBX (2008 or v3) or an OmegaT TSV/CSV glossary as (zh, [en...]) pairs."""
    path = Path(path)
    if path.suffix.lower() == ".tbx":
        from ..formats.tbx import read_tbx
        entries = read_tbx(path)
    else:
        from ..formats.glossary_tsv import read_glossary
        entries = read_glossary(path)
    merged: dict[str, list[str]] = {}
    for entry in entries:
        bucket = merged.setdefault(entry.zh, [])
        bucket.extend(e for e in entry.renderings if e not in bucket)
    if not merged:
        raise InputError(path, "no glossary terms in it (expected TBX with Chinese terms, or "
                         "lines of zh<TAB>en)")
    return [(zh, tuple(ens)) for zh, ens in merged.items()]


class Matcher:
    """A store opened for lookups: the index is loaded once (a consistent snapshot)."""

    def __init__(self, store: Store, glossary: Glossary = ()) -> None:
        self.store = store
        self.segments: list[FuzzyIndex] = sorted(store.load_index(), key=len, reverse=True)
        self.glossary = glossary

    def __len__(self) -> int:
        return sum(len(s) for s in self.segments)

    def hits(self, query: str, k: int = 5, min_percent: int = 70) -> list[Hit]:
        """The exact top-k (no store lookups): for benchmarks and pretranslation."""
        norm = check_query(query)
        top = TopK(k, min_percent)
        for segment in self.segments:
            segment.search(norm, top)
        return top.hits

    def match(self, query: str, k: int = 5, min_percent: int = 70) -> MatchResult:
        hits = self.hits(query, k, min_percent)
        units = self.store.units(h.unit_id for h in hits)
        matches = tuple(Match(units[h.unit_id], h, diff_spans(query, units[h.unit_id].zh),
                              number_penalty(query, units[h.unit_id].zh)) for h in hits)
        return MatchResult(query, matches, find_terms(query, self.glossary))

    def concord(self, text: str, limit: int = 50, *, english: bool = False) -> tuple[int, list[StoredUnit]]:
        """Units whose Chinese (or, with `english`, English) contains `text`; (total, first `limit`).

        Chinese is searched through the index (bigram postings intersected, then checked),
        on normalised text; English with SQL ``instr`` on lower-cased text.
        """
        bad = undecodable(text)
        if bad:
            raise InputError("<query>", f"not text: {bad}")
        needle = normalize(text)
        if not needle:
            raise InputError("<query>", "empty search string")
        if english:
            rows = self.store.conn.execute(
                "SELECT id FROM units WHERE instr(lower(en), ?) > 0 ORDER BY id", (needle,)).fetchall()
            ids = [r[0] for r in rows]
        else:
            ids = sorted(int(seg.ids[i]) for seg in self.segments for i in seg.containing(needle))
        units = self.store.units(ids[:limit])
        return len(ids), [units[i] for i in ids[:limit]]


def read_paragraphs(path: str | Path) -> list[str]:
    """A plain-text document as OmegaT reads one: blank lines separate paragraphs, a single
    line break stays inside one."""
    from ..text.files import read_text

    text, _ = read_text(Path(path))
    return [p.strip() for p in re.split(r"\n\s*\n", text.replace("\r\n", "\n")) if p.strip()]


def pretranslate(matcher: Matcher, document: str | Path, output: str | Path, *,
                 min_percent: int = 70, tool_version: str = "", created: str | None = None,
                 progress: Callable[[int, int], None] | None = None) -> Pretranslation:
    """Segment `document` as OmegaT does, find each segment's best match (50 % and up for the
    bands) and write those at or above `min_percent` to `output` as TMX.

    The TMX holds the TM's own pairs (source as stored, its English), not the new
    segments: OmegaT then computes its fuzzy score against each new segment itself, and an
    exact match is an exact source. Written atomically, in document order, each pair once.
    """
    from ..formats.tmx import TmxHeader, write_tmx
    from ..text.segment import split_zh

    check_output(output, inputs=[document], store=matcher.store.path)
    started = time.perf_counter()
    segments = [s for paragraph in read_paragraphs(document) for s in split_zh(paragraph)]
    results: list[tuple[str, Match | None]] = []
    for number, segment in enumerate(segments):
        norm = normalize(segment)
        best: Match | None = None
        if norm and len(norm) <= MAX_QUERY_CHARS:
            found = matcher.match(segment, 1, min(50, min_percent)).matches
            best = found[0] if found else None
        results.append((segment, best))
        if progress:
            progress(number + 1, len(segments))
    counts = {label: [0, 0] for label, _, _ in BANDS}
    for segment, best in results:
        label = band_of(best.percent if best else None)
        counts[label][0] += 1
        counts[label][1] += len(normalize(segment))
    bands = tuple(BandCount(label, *counts[label]) for label, _, _ in BANDS)

    def units() -> Iterator[Unit]:
        seen: set[int] = set()
        for segment, best in results:
            if best is None or best.percent < min_percent or best.unit.id in seen:
                continue
            seen.add(best.unit.id)
            yield Unit(best.unit.zh, best.unit.en, score=best.hit.similarity, bead="1-1",
                       doc=Path(document).name,
                       props=(("x-zhtm-match", f"{best.percent}"),))

    header = TmxHeader(tool_version=tool_version or "0", created=created,
                       props=(("x-zhtm-pretranslate", Path(document).name),
                              ("x-zhtm-min", str(min_percent))))
    written = write_tmx(units(), output, header=header)
    return Pretranslation(tuple(results), bands, written, time.perf_counter() - started)


def origin_label(origin: Origin) -> str:
    place = Path(origin.source).name
    if origin.line:
        place += f":{origin.line}"
    return place
