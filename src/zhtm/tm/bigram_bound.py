"""The bigram bound: candidates for thresholds above 0.5, from the postings of rare bigrams.

q-gram lemma (Jokinen and Ukkonen): one edit destroys at most two bigrams, so an entry within
the bar shares many of the query's bigrams; a prefix filter reads only the rarest ones.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from . import tuning
from .postings import between, count_positions
from .scoring import max_distance

if TYPE_CHECKING:  # only for annotations: the index imports this module
    from .fuzzy import FuzzyIndex
    from .query import Query


def bigram_candidates(index: FuzzyIndex, q: Query, lo: int, hi: int, num: int, den: int
                       ) -> tuple[np.ndarray, np.ndarray] | None:
    """Entries of [lo, hi) that may reach num/den by the bigram bound, with a lower bound
    on their distance; None where the bound cannot prune.

    q-gram lemma (Jokinen and Ukkonen): one edit destroys at most two bigrams, so an
    entry at distance d shares at least ``L - 1 - 2d`` bigrams (as a multiset) with the
    query, L = max(m, n); to reach the bar it needs ``L - 1 - 2 dmax(L)`` of them, at
    least `need_min` (the least over the window's lengths). The shared count is at most
    the query counts of the query bigrams the entry holds. Prefix filter: the commonest
    query bigrams, together weighing at most ``need_min - 1``, are skipped; an entry
    reaching the bar holds one of the others, whose postings (short: the rare bigrams)
    are counted. The skipped ones are then looked up for the survivors alone, pruning
    after each.
    """
    m = q.m
    if m < 2:
        return None
    # the least need over the window's lengths (not monotone in L: ceil rounds)
    big = np.arange(m, max(m, int(index.lens[hi - 1])) + 1, dtype=np.int64)
    need_min = int((big - 1 - 2 * max_distance(big, num, den)).min())
    if need_min < 1 or tuning.FILTER == "chars":  # thresholds <= 0.5: every entry could qualify
        return None
    rarest = q.rarest_bigrams
    skipped, cut = 0, len(rarest)
    while cut and skipped + rarest[cut - 1][2] < need_min:
        cut -= 1
        skipped += rarest[cut][2]
    post = index.bg_post
    parts = []
    volume = 0
    for a, b, weight in rarest[:cut]:
        x, y = between(post[a:b], lo, hi)
        if y > x:
            parts.extend([post[a + x:a + y]] * weight)
            volume += (y - x) * weight
    if tuning.FILTER == "auto" and volume * tuning.BIGRAM_COST > (hi - lo):
        return None  # the character bit planes are cheaper here
    empty = np.zeros(0, np.int64)
    if not parts:
        return empty, empty
    pos, count = count_positions(np.concatenate(parts), lo, hi)
    big = np.maximum(index.lens[pos].astype(np.int64), m)
    # slack: shared bigrams still possible minus those needed
    slack = count + skipped - (big - 1 - 2 * max_distance(big, num, den))
    keep = slack >= 0
    pos, slack = pos[keep].astype(np.uint32), slack[keep]  # searched in the postings' dtype
    for a, b, weight in rarest[cut:]:
        if len(pos) <= tuning.REFINE_DOWN_TO:
            break
        postings = post[a:b]
        where = np.minimum(postings.searchsorted(pos), len(postings) - 1)
        absent = postings[where] != pos
        slack -= absent * weight
        keep = slack >= 0
        if not keep.all():
            pos, slack = pos[keep], slack[keep]
    # slack + need bounds the shared bigrams (those not looked up counted as shared)
    cand = pos.astype(np.int64)
    n = index.lens[cand].astype(np.int64)
    big = np.maximum(n, m)
    shared = slack + big - 1 - 2 * max_distance(big, num, den)
    lb = np.maximum(np.abs(n - m), -(-(big - 1 - shared) // 2))
    return cand, lb
