"""Lookups over a store: `match` a sentence (sentence matches, then the fragments of its
clauses), `concord` a string. (`pretranslate` a whole document: `zhtm.tm.pretranslate`.)

Scores are OmegaT's per-character percentages (`scoring`); the number penalty and the
differences to the query (`diff`, both sides of each change) are reported beside the score,
never folded into it. Equal scores are ranked by use, date and document series (`ranking`),
never by import order; each match lists the renderings of its source.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError
from ..text.normalize import NumberPenalty, normalize, number_penalty, undecodable
from .diff import Span, diff_spans  # noqa: F401 - diff_spans is part of this module's API
from .fragments import Fragment, find_fragments
from .fuzzy import FuzzyIndex
from .ranking import Rendering, rank_units, renderings
from .scoring import Hit, TopK
from .segments import CLAUSE, SENTENCE
from .store import Origin, Store, StoredUnit

MAX_QUERY_CHARS = 2000
Glossary = Sequence[tuple[str, Sequence[str]]]


@dataclass(frozen=True, slots=True)
class TermHit:
    zh: str
    en: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Match:
    """A TM unit matching the query: its score, how it differs, numbers that differ, and
    every English the TM holds for its source (`renderings`, most used first)."""

    unit: StoredUnit
    hit: Hit
    diff: tuple[Span, ...]
    penalty: NumberPenalty
    renderings: tuple[Rendering, ...] = ()

    @property
    def percent(self) -> int:
        return self.hit.percent


@dataclass(frozen=True, slots=True)
class MatchResult:
    """A lookup: sentence matches (best first), glossary terms, and the query's clauses
    with their fragment matches."""

    query: str
    matches: tuple[Match, ...]
    terms: tuple[TermHit, ...] = ()
    fragments: tuple[Fragment, ...] = ()


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
    """A store opened for lookups: the indexes (sentences, clauses) are loaded once, a
    consistent snapshot each."""

    def __init__(self, store: Store, glossary: Glossary = ()) -> None:
        self.store = store
        self.segments: list[FuzzyIndex] = sorted(store.load_index(SENTENCE), key=len,
                                                 reverse=True)
        self.clause_segments: list[FuzzyIndex] = sorted(store.load_index(CLAUSE), key=len,
                                                        reverse=True)
        for segment in self.segments:  # the sentences' bigram bound reads them
            segment.bigram_bits()
        for segment in self.clause_segments:  # the clauses' search reads them (`together`)
            segment.signatures()
        self.glossary = glossary

    def __len__(self) -> int:
        return sum(len(s) for s in self.segments)

    def hits(self, query: str, k: int = 5, min_percent: int = 70, *, ties: bool = False
             ) -> list[Hit]:
        """The exact top-k (no store lookups): for benchmarks and pretranslation. With
        `ties`, also every hit as good as the k-th."""
        norm = check_query(query)
        top = TopK(k, min_percent, ties=ties)
        for segment in self.segments:
            segment.search(norm, top)
        return top.hits

    def match(self, query: str, k: int = 5, min_percent: int = 70, *,
              fragments: bool = True, fragment_k: int = 3, fragment_min: int = 75,
              series: str | None = None) -> MatchResult:
        """The k best units at or above `min_percent` (equal scores ranked by use, date and
        `series`, never by import order) and, with `fragments`, each query clause's best
        `fragment_k` clause units at or above `fragment_min`."""
        hits = self.hits(query, k, min_percent, ties=True)
        units = self.store.units(h.unit_id for h in hits)
        ranked = rank_units(((h, units[h.unit_id]) for h in hits), series)
        forms = renderings(units[h.unit_id] for h in hits)
        matches = tuple(Match(u, h, diff_spans(query, u.zh), number_penalty(query, u.zh),
                              forms.get(normalize(u.zh), ())) for h, u in ranked[:k])
        found = find_fragments(self.store, self.clause_segments, query, k=fragment_k,
                               min_percent=fragment_min, series=series) if fragments else ()
        return MatchResult(query, matches, find_terms(query, self.glossary), found)

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


def origin_label(origin: Origin) -> str:
    place = Path(origin.source).name
    if origin.line:
        place += f":{origin.line}"
    return place
