"""Verification: exact Levenshtein on candidates, best bound first, cut off at the rising bar."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from rapidfuzz.distance import Levenshtein

from . import tuning
from .scoring import Hit, TopK

if TYPE_CHECKING:  # only for annotations: the index imports this module
    from .fuzzy import FuzzyIndex


def verify(index: FuzzyIndex, query: str, cand: np.ndarray, lb: np.ndarray, top: TopK,
           lengths: np.ndarray | None = None) -> None:
    """Levenshtein on candidates (absolute positions) in order of their best possible
    similarity ``(L - lb) / L``, ties by position, each cut off at the current bar; stops at
    the first whose bound cannot reach it (nothing after it can).

    One candidate at a time in plain Python: rapidfuzz's `cdist` costs about 3 us a pair on
    short strings against 0.6 us for `Levenshtein.distance`, and the entries are slices of
    one str (`FuzzyIndex.strings`), not decoded UTF-8. The bounds are turned into Python
    numbers a chunk at a time, so a huge candidate list cut short early costs little.
    `lengths`, when the caller has them, are the candidates' entry lengths (saves a gather)."""
    if not len(cand):
        return
    m = len(query)
    cand = cand.astype(np.int64, copy=False)
    n = (index.lens[cand] if lengths is None else lengths).astype(np.int64, copy=False)
    length = np.maximum(n, m)
    lb = lb.astype(np.int64, copy=False)
    order = np.lexsort((cand, (lb - length) / length))
    whole, starts = index.strings()
    distance = Levenshtein.distance
    ids = index.ids
    num, den = top.bar()
    most: dict[int, int] = {}  # entry length -> the most edits reaching the bar
    first, size = 0, tuning.ROUND
    while first < len(order):
        pick = order[first:first + size]
        first += size
        chosen = cand[pick]
        for k, low, a, unit in zip(n[pick].tolist(), lb[pick].tolist(),
                                   starts[chosen].tolist(), ids[chosen].tolist()):
            dmax = most.get(k)
            if dmax is None:
                L = k if k > m else m
                dmax = most[k] = L - (-(-num * L // den))
            if low > dmax:
                return  # in bound order: nothing after this one can reach the bar
            d = distance(query, whole[a:a + k], score_cutoff=dmax)
            if d <= dmax and top.offer(Hit(unit, d, k if k > m else m)):
                bar = top.bar()
                if bar != (num, den):
                    num, den = bar
                    most.clear()
        size *= 4
