"""`pretranslate`: a new document's segments matched against the TM, written as a TMX for
OmegaT's ``tm/`` folder, with the analysis bands translators bill by and the fragment
coverage of the segments no sentence match serves.

The TMX holds the TM's own pairs (source as stored, its English, with *their* provenance:
document, bead type, location, alignment score), not the new segments: OmegaT then computes
its fuzzy score against each new segment itself, and an exact match is an exact source.
With ``fragments``, the best clause unit of each clause of a segment below the fuzzy
threshold is written too, as a TU of its own (``x-zhtm-unit=clause``, with its parent's
provenance), which OmegaT offers as a partial match.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ..paths import check_output
from ..records import Unit
from ..text.normalize import normalize
from .fragments import Fragment
from .matching import MAX_QUERY_CHARS, Match, Matcher
from .ranking import best_origin, provenance, series_of

# Analysis bands translators bill by: (label, lowest percent, highest percent).
BANDS: tuple[tuple[str, int, int], ...] = (
    ("100%", 100, 100), ("95-99%", 95, 99), ("85-94%", 85, 94), ("75-84%", 75, 84),
    ("50-74%", 50, 74), ("no match", 0, 49),
)
# A segment below this is served by fragments, if at all.
FUZZY_FLOOR = 75


@dataclass(frozen=True, slots=True)
class BandCount:
    label: str
    segments: int = 0
    characters: int = 0


@dataclass(frozen=True, slots=True)
class FragmentCoverage:
    """Characters of the segments below `FUZZY_FLOOR` (50-74 % and no match) in clauses
    whose best clause match falls in a band (the band's label; ``clauses`` = how many)."""

    label: str
    clauses: int = 0
    characters: int = 0


@dataclass(frozen=True, slots=True)
class Pretranslation:
    """What `pretranslate` did: one best match (or None) and the fragments per segment,
    the bands, and the fragment coverage of the low bands."""

    segments: tuple[tuple[str, Match | None], ...]
    bands: tuple[BandCount, ...]
    written: int
    seconds: float = 0.0
    fragments: tuple[tuple[Fragment, ...], ...] = ()
    coverage: tuple[FragmentCoverage, ...] = ()
    low_characters: int = 0          # characters of the segments below FUZZY_FLOOR
    written_clauses: int = 0


def band_of(percent: int | None) -> str:
    if percent is None:
        return BANDS[-1][0]
    for label, low, high in BANDS:
        if low <= percent <= high:
            return label
    return BANDS[-1][0]


def read_paragraphs(path: str | Path) -> list[str]:
    """A plain-text document as OmegaT reads one: blank lines separate paragraphs, a single
    line break stays inside one."""
    from ..text.files import read_text

    text, _ = read_text(Path(path))
    return [p.strip() for p in re.split(r"\n\s*\n", text.replace("\r\n", "\n")) if p.strip()]


def pretranslate(matcher: Matcher, document: str | Path, output: str | Path, *,
                 min_percent: int = 70, fragment_min: int = 75, fragments: bool = False,
                 tool_version: str = "", created: str | None = None,
                 progress: Callable[[int, int], None] | None = None) -> Pretranslation:
    """Segment `document` as OmegaT does, find each segment's best match (50 % and up for
    the bands) and its clauses' best fragments (at or above `fragment_min`); write the
    matches at or above `min_percent` to `output` as TMX (atomically, in document order,
    each pair once) and, with `fragments`, the clause units that serve segments below
    `FUZZY_FLOOR`."""
    from ..formats.tmx import TmxHeader, write_tmx
    from ..text.segment import split_zh

    check_output(output, inputs=[document], store=matcher.store.path)
    started = time.perf_counter()
    series = series_of(Path(document).name)
    segments = [s for paragraph in read_paragraphs(document) for s in split_zh(paragraph)]
    results: list[tuple[str, Match | None]] = []
    found_fragments: list[tuple[Fragment, ...]] = []
    for number, segment in enumerate(segments):
        norm = normalize(segment)
        best: Match | None = None
        parts: tuple[Fragment, ...] = ()
        if norm and len(norm) <= MAX_QUERY_CHARS:
            result = matcher.match(segment, 1, min(50, min_percent), fragment_k=1,
                                   fragment_min=fragment_min, series=series)
            best = result.matches[0] if result.matches else None
            parts = result.fragments
        results.append((segment, best))
        found_fragments.append(parts)
        if progress:
            progress(number + 1, len(segments))
    bands, coverage, low = _analysis(results, found_fragments)
    clause_units = []

    def units() -> Iterator[Unit]:
        seen: set[int] = set()
        for segment, best in results:
            if best is None or best.percent < min_percent or best.unit.id in seen:
                continue
            seen.add(best.unit.id)
            doc, bead, loc, score = provenance(best_origin(best.unit, series))
            yield Unit(best.unit.zh, best.unit.en, score=score, bead=bead, doc=doc, location=loc,
                       props=(("x-zhtm-match", f"{best.percent}"),))
        if not fragments:
            return
        seen_clauses: set[int] = set()
        for (segment, best), parts in zip(results, found_fragments):
            if best is not None and best.percent >= FUZZY_FLOOR:
                continue
            for part in parts:
                m = part.best
                if m is None or not m.en or m.clause.id in seen_clauses:
                    continue
                seen_clauses.add(m.clause.id)
                origin = best_origin(m.parent, series) if m.parent else None
                doc, bead, loc, _ = provenance(origin)
                clause_units.append(m.clause.id)
                yield Unit(m.clause.zh, m.clause.en, score=m.clause.confidence, bead=bead,
                           doc=doc, location=loc,
                           props=(("x-zhtm-unit", "clause"), ("x-zhtm-match", f"{m.percent}")))

    header = TmxHeader(tool_version=tool_version or "0", created=created,
                       props=(("x-zhtm-pretranslate", Path(document).name),
                              ("x-zhtm-min", str(min_percent)))
                       + ((("x-zhtm-fragment-min", str(fragment_min)),) if fragments else ()))
    written = write_tmx(units(), output, header=header)
    return Pretranslation(tuple(results), bands, written, time.perf_counter() - started,
                          tuple(found_fragments), coverage, low, len(clause_units))


def _analysis(results: list[tuple[str, Match | None]],
              fragments: list[tuple[Fragment, ...]]
              ) -> tuple[tuple[BandCount, ...], tuple[FragmentCoverage, ...], int]:
    counts = {label: [0, 0] for label, _, _ in BANDS}
    cover = {label: [0, 0] for label, low, _ in BANDS if low >= FUZZY_FLOOR}
    low_chars = 0
    for (segment, best), parts in zip(results, fragments):
        label = band_of(best.percent if best else None)
        counts[label][0] += 1
        counts[label][1] += len(normalize(segment))
        if best is not None and best.percent >= FUZZY_FLOOR:
            continue
        low_chars += len(normalize(segment))
        for part in parts:
            if part.matches:
                slot = cover[band_of(part.matches[0].percent)]
                slot[0] += 1
                slot[1] += len(normalize(part.clause.text))
    return (tuple(BandCount(label, *counts[label]) for label, _, _ in BANDS),
            tuple(FragmentCoverage(label, *cover[label]) for label in cover), low_chars)
