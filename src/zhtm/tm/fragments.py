"""Fragments: the query cut into clauses, each matched against the TM's clause units.

A new report's sentence is rarely in the TM whole, but most of its clauses are, in some
earlier sentence each: for every query clause the best clause units at or above the
fragment threshold come back with their score, the matched clause, its English (the span
of the parent's English that renders it) and the parent TU with its origins. The
*assembled* view puts the query's clauses in order, each with its best English.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from ..text.clauses import Clause, cut_clauses
from ..text.normalize import NumberPenalty, normalize, number_penalty
from .diff import Span, diff_spans
from .fuzzy import FuzzyIndex
from .query import bigram_codes
from .ranking import Rendering, newest_first, unit_series
from .scoring import Hit, TopK
from .together import search_together
from .store import ClauseParent, Store, StoredClause, StoredUnit

# Clause units fetched and fully ranked per query clause (the rest of a huge tie at the
# k-th score is ranked by score, English found and count only).
_RANK_AT_MOST = 50


@dataclass(frozen=True, slots=True)
class FragmentMatch:
    """A clause unit matching one clause of the query (numbers that differ flagged apart
    from the score, as for sentence matches)."""

    clause: StoredClause
    hit: Hit
    diff: tuple[Span, ...]
    parent: StoredUnit | None       # the TU it was cut from (most used occurrence)
    place: ClauseParent | None      # where in that TU
    renderings: tuple[Rendering, ...] = ()
    penalty: NumberPenalty = NumberPenalty((), ())  # numbers of the query clause vs this one

    @property
    def percent(self) -> int:
        return self.hit.percent

    @property
    def en(self) -> str:
        return self.clause.en


@dataclass(frozen=True, slots=True)
class Fragment:
    """One clause of the query and its matches (best first)."""

    clause: Clause
    matches: tuple[FragmentMatch, ...]

    @property
    def best(self) -> FragmentMatch | None:
        """The best match that has English (else the best one, shown with its parent)."""
        return next((m for m in self.matches if m.en), self.matches[0] if self.matches else None)


def query_clauses(query: str) -> list[Clause]:
    """The query's clauses that can be looked up (some normalised text)."""
    return [c for c in cut_clauses(query) if normalize(c.text)]


def clause_hits(segments: Sequence[FuzzyIndex], clause: str, k: int, min_percent: int
                ) -> list[Hit]:
    """Exact top-k clause units for one clause, with every one as good as the k-th."""
    return all_clause_hits(segments, [clause], k, min_percent)[0]


def all_clause_hits(segments: Sequence[FuzzyIndex], clauses: Sequence[str], k: int,
                    min_percent: int) -> list[list[Hit]]:
    """`clause_hits` for each of a query's clauses: their bigrams are looked up in each
    segment once for them all (a clause's bigrams are a few of the sentence's), and the
    clauses go through each segment together (`together`)."""
    norms = [normalize(c) for c in clauses]
    codes = sorted({code for norm in norms for code in bigram_codes(norm)})
    slices = [segment.bigram_slices(codes) for segment in segments]
    tops = [TopK(k, min_percent, ties=True) for _ in norms]
    for segment, known in zip(segments, slices):
        search_together(segment, norms, tops, known)
    return [top.hits for top in tops]


def _clause_key(hit: Hit, clause: StoredClause, parent: StoredUnit | None,
                series: str | None) -> tuple:
    return (Fraction(hit.distance - hit.length, hit.length) if hit.length else Fraction(-1),
            0 if clause.en else 1, -clause.count,
            newest_first(parent.date if parent else None),
            0 if series and parent and series in unit_series(parent) else 1,
            clause.zh, clause.en)


def find_fragments(store: Store, segments: Sequence[FuzzyIndex], query: str, *, k: int = 3,
                   min_percent: int = 75, series: str | None = None) -> tuple[Fragment, ...]:
    """For each clause of `query`, its best `k` clause units at or above `min_percent`."""
    clauses = query_clauses(query)
    found = all_clause_hits(segments, [c.text for c in clauses], k, min_percent) \
        if segments else [[] for _ in clauses]
    return tuple(Fragment(clause, _matches(store, clause.text, hits, k, series))
                 for clause, hits in zip(clauses, found))


def _matches(store: Store, text: str, hits: list[Hit], k: int, series: str | None
             ) -> tuple[FragmentMatch, ...]:
    if not hits:
        return ()
    clauses = store.clauses(h.unit_id for h in hits)
    # a first cut on what the clause rows alone say, then the full ranking
    first = sorted(hits, key=lambda h: _clause_key(h, clauses[h.unit_id], None, None)[:3])
    first = first[:max(k, _RANK_AT_MOST)]
    parent_ids = {c.parents[0].unit_id for c in (clauses[h.unit_id] for h in first) if c.parents}
    parents = store.units(parent_ids)

    def parent_of(clause: StoredClause) -> tuple[StoredUnit | None, ClauseParent | None]:
        if not clause.parents:
            return None, None
        place = clause.parents[0]
        return parents.get(place.unit_id), place

    ranked = sorted(first, key=lambda h: _clause_key(h, clauses[h.unit_id],
                                                     parent_of(clauses[h.unit_id])[0], series))
    by_source: dict[str, dict[str, list]] = {}
    for h in hits:
        c = clauses[h.unit_id]
        if c.en:
            entry = by_source.setdefault(normalize(c.zh), {}).setdefault(c.en, [0])
            entry[0] += c.count
    out = []
    for h in ranked[:k]:
        c = clauses[h.unit_id]
        parent, place = parent_of(c)
        forms = by_source.get(normalize(c.zh), {})
        renders = tuple(sorted((Rendering(en, n[0]) for en, n in forms.items()),
                               key=lambda r: (-r.count, r.en)))
        out.append(FragmentMatch(c, h, diff_spans(text, c.zh), parent, place, renders,
                                 number_penalty(text, c.zh)))
    return tuple(out)


def assembled(fragments: Sequence[Fragment]) -> list[tuple[Clause, FragmentMatch | None]]:
    """The query's clauses in order, each with its best match (None where none)."""
    return [(f.clause, f.best) for f in fragments]
