"""What the form of a rendering says about the Chinese string behind it."""

from __future__ import annotations

from collections.abc import Sequence

# Finite past forms of "be" and "have": a report of what happened ("New progress was made",
# "Legislative efforts were intensified"), which a term's rendering never holds (slogans are
# in the present: "Lucid waters and lush mountains are invaluable assets").
_REPORTING = frozenset(("was", "were", "been", "had"))
CLAUSE_FACTOR = 0.5  # share of its confidence a clause rendering keeps for ranking


def reported_clause(key: Sequence[str]) -> bool:
    """The rendering (lower-cased words) reports an event: it holds a finite past auxiliary."""
    return any(word in _REPORTING for word in key)
