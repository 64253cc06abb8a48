"""The bigram bound: candidates for thresholds above 0.5, from the postings of rare bigrams.

q-gram lemma (Jokinen and Ukkonen): one edit destroys at most two bigrams, so an entry within
the bar shares many of the query's bigrams; a prefix filter reads only the rarest ones.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from . import tuning
from .postings import count_positions
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
    plan = prefix(index, q, lo, hi, num, den)
    if plan is None:
        return None
    parts, skipped, cut = plan
    empty = np.zeros(0, np.int64)
    if not parts:
        return empty, empty
    m, rarest, post = q.m, q.rarest_bigrams, index.bg_post
    pos, count = count_positions(np.concatenate(parts) if len(parts) > 1 else parts[0], lo, hi)
    # slack: shared bigrams still possible minus those needed (L - 1 - 2 dmax(L)), from a
    # small table per entry length (lengths from the length runs: no gather from `lens`)
    n = index.length_of(pos)
    big = np.maximum(np.arange(int(n[-1]) + 1, dtype=np.int64), m)
    slack = count + ((skipped + 1) + 2 * max_distance(big, num, den) - big)[n]
    keep = np.flatnonzero(slack >= 0)
    pos, slack = pos[keep].astype(np.uint32), slack[keep]  # searched in the postings' dtype
    rows = index.bigram_bit_rows
    for i, (a, b, weight, _) in enumerate(rarest[cut:]):
        if len(pos) <= tuning.REFINE_DOWN_TO:
            break
        if rows is not None and a in rows:
            # this one and the commoner ones after it have bitmaps: all at once
            dense = [(rows[x[0]], x[2]) for x in rarest[cut + i:] if x[0] in rows]
            slack -= _absent_weight(index.bigram_bits(), dense, pos)
            keep = slack >= 0
            pos, slack = pos[keep], slack[keep]
            break
        # (the whole postings searched: narrowing them to the candidates' range first
        # costs more numpy calls than the search saves)
        postings = post[a:b]
        where = postings.searchsorted(pos)
        np.minimum(where, b - a - 1, out=where)
        absent = postings[where] != pos
        slack -= absent * weight if weight > 1 else absent
        keep = slack >= 0
        if not keep.all():
            pos, slack = pos[keep], slack[keep]
    # slack + need bounds the shared bigrams (those not looked up counted as shared), so
    # the distance is at least (L - 1 - shared) / 2 = dmax(L) - slack / 2
    cand = pos.astype(np.int64)
    n = index.lens[cand].astype(np.int64)
    lb = max_distance(np.maximum(n, m), num, den) - (slack >> 1)
    np.maximum(lb, np.abs(n - m), out=lb)
    return cand, lb


def _absent_weight(bits: np.ndarray, dense: list[tuple[int, int]], pos: np.ndarray
                   ) -> np.ndarray:
    """For each entry position: the weight of the bigrams (bitmap row, weight) it lacks."""
    start = np.array([r for r, _ in dense], np.intp) * bits.shape[1]
    weights = [w for _, w in dense]
    # one 1-D take from the bitmaps seen as a flat array (a 2-D fancy index is slower)
    words = bits.reshape(-1)[start[:, None] + (pos >> 6).astype(np.intp)]
    present = (words >> (pos & 63).astype(np.uint64)) & np.uint64(1)
    if max(weights) == 1:
        return len(weights) - present.sum(axis=0, dtype=np.int64)
    return sum(weights) - np.array(weights, np.int64) @ present.astype(np.int64)


def prefix(index: FuzzyIndex, q: Query, lo: int, hi: int, num: int, den: int
           ) -> tuple[list[np.ndarray], int, int] | None:
    """The prefix filter's reading: the postings in [lo, hi) of the query's rarest bigrams
    (each repeated by its count in the query), the weight of the commoner ones skipped, and
    where `q.rarest_bigrams` is cut; None where the bigram bound cannot prune or the
    character bit planes are cheaper."""
    m = q.m
    if m < 2 or 2 * num <= den or tuning.FILTER == "chars":
        return None  # thresholds <= 0.5: the need is below one bigram, every entry qualifies
    need_min = least_need(m, int(index.lens[hi - 1]), num, den)
    if need_min < 1:
        return None
    rarest = q.rarest_bigrams
    skipped, cut = 0, len(rarest)
    while cut and skipped + rarest[cut - 1][2] < need_min:
        cut -= 1
        skipped += rarest[cut][2]
    post = index.bg_post
    window = np.array((min(lo, 2**32 - 1), min(hi, 2**32 - 1)), np.uint32)
    parts = []
    volume = 0
    for a, b, weight, _ in rarest[:cut]:
        x, y = post[a:b].searchsorted(window).tolist()
        if y > x:
            parts.extend([post[a + x:a + y]] * weight)
            volume += (y - x) * weight
    # the character bit planes cost a pass over the window per distinct query character
    if tuning.FILTER == "auto" and volume * tuning.BIGRAM_COST * 64 > (hi - lo) * len(set(q.text)):
        return None  # the character bit planes are cheaper here
    return parts, skipped, cut


@lru_cache(maxsize=4096)
def least_need(m: int, longest: int, num: int, den: int) -> int:
    """The least ``L - 1 - 2 dmax(L)`` over L in [m, max(m, longest)] (thresholds above 0.5;
    not monotone: ceil rounds). It grows by ``2 num - den > 0`` every `den` lengths, so the
    first `den` lengths hold the least."""
    least = None
    for L in range(m, min(max(m, longest), m + den - 1) + 1):
        need = L - 1 - 2 * (L - (-(-num * L // den)))
        if least is None or need < least:
            least = need
    return least
