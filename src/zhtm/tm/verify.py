"""Verification: exact Levenshtein on candidates, best bound first, cut off at the rising bar."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from . import tuning
from .postings import UTF8
from .scoring import Hit, TopK, max_distance

if TYPE_CHECKING:  # only for annotations: the index imports this module
    from .fuzzy import FuzzyIndex


def verify(index: FuzzyIndex, query: str, cand: np.ndarray, lb: np.ndarray, top: TopK) -> None:
    """Levenshtein on candidates (absolute positions), best bound first, each cut off at
    the current bar; stops when no remaining bound can reach it."""
    m = len(query)
    length = np.maximum(index.lens[cand].astype(np.int64), m)
    lb = lb.astype(np.int64)
    text, offsets, ids = index.text, index.boffsets, index.ids
    size = tuning.ROUND
    before = None
    while len(cand):
        num, den = top.bar()
        if (num, den) == before:
            # the last round did not raise the bar (too few hits yet, or ties): the next
            # one is larger, so fewer rounds pay their fixed cost
            size *= 2
        before = (num, den)
        ok = lb <= max_distance(length, num, den)
        if not ok.all():
            cand, lb, length = cand[ok], lb[ok], length[ok]
            if not len(cand):
                return
        ub = (length - lb) / length
        if len(cand) > size:
            pick = np.argpartition(-ub, size - 1)[:size]
            pick = pick[np.lexsort((cand[pick], -ub[pick]))]
        else:
            pick = np.lexsort((cand, -ub))
        complete = len(pick) == len(cand)
        chosen = cand[pick]
        if len(pick) >= tuning.BATCH:
            _verify_batch(index, query, chosen, length[pick], top)
            if complete:
                return
            keep = np.ones(len(cand), dtype=bool)
            keep[pick] = False
            cand, lb, length = cand[keep], lb[keep], length[keep]
            continue
        for L, low, start, end, unit in zip(length[pick].tolist(), lb[pick].tolist(),
                                            offsets[chosen].tolist(),
                                            offsets[chosen + 1].tolist(),
                                            ids[chosen].tolist()):
            num, den = top.bar()
            dmax = L - (-(-num * L // den))
            if low > dmax:
                break  # sorted by bound: nothing after this one can reach the bar
            d = Levenshtein.distance(query, text[start:end].decode("utf-8", UTF8),
                                     score_cutoff=dmax)
            if d <= dmax:
                top.offer(Hit(unit, d, L))
        if complete:
            return
        keep = np.ones(len(cand), dtype=bool)
        keep[pick] = False
        cand, lb, length = cand[keep], lb[keep], length[keep]


def _verify_batch(index: FuzzyIndex, query: str, chosen: np.ndarray, length: np.ndarray,
                  top: TopK) -> None:
    """Levenshtein on a round of candidates at once (rapidfuzz's `cdist`, one call instead
    of one per candidate), cut off at the largest distance the current bar allows."""
    num, den = top.bar()
    dmax = max_distance(length, num, den)
    text, offsets = index.text, index.boffsets
    strings = [text[a:b].decode("utf-8", UTF8)
               for a, b in zip(offsets[chosen].tolist(), offsets[chosen + 1].tolist())]
    got = process.cdist([query], strings, scorer=Levenshtein.distance,
                        score_cutoff=int(dmax.max()), dtype=np.int32, workers=1)[0]
    within = np.flatnonzero(got <= dmax)
    if not len(within):
        return
    # Offered best first (similarity, then id), so the first one refused refuses the rest:
    # with many ties most of a round would otherwise be offered one by one in vain.
    d = got[within].astype(np.int64)
    L = length[within]
    ids = index.ids[chosen[within]]
    for i in np.lexsort((ids, (d - L) / L)).tolist():
        if not top.offer(Hit(int(ids[i]), int(d[i]), int(L[i]))):
            break
