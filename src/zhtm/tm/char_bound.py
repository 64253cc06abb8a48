"""The character bound: candidates where the bigram bound cannot prune (thresholds <= 0.5).

An edit removes at most one character from the multiset intersection, so an entry needs
``common >= ceil(t * max(m, n))``; an upper bound of ``common`` is counted for a whole length
window at once in bit-sliced form (or with integers for small segments).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from . import tuning
from .postings import between, bitmap, gather
from .scoring import max_distance

if TYPE_CHECKING:  # only for annotations: the index imports this module
    from .fuzzy import FuzzyIndex
    from .query import Query


def char_candidates(index: FuzzyIndex, q: Query, lo: int, hi: int, num: int, den: int
                ) -> tuple[np.ndarray, np.ndarray]:
    """Entries of [lo, hi) that may reach num/den, with a lower bound on their distance.

    Character bound: an edit removes at most one character from the multiset
    intersection, so an entry of length n needs ``common >= ceil(t * max(m, n))``.
    ``common`` is bounded above by the sum of the query counts of the query characters
    the entry holds, counted for the whole window at once in bit-sliced form: one
    presence bitmap per query character (kept for frequent characters, made from the
    postings for rare ones), added as bits with a ripple carry over the bit planes of the
    counter, then compared with the requirement bit-plane by bit-plane.
    """
    m = q.m
    if num == 0:  # everything qualifies
        cand = np.arange(lo, hi, dtype=np.int64)
        return cand, np.abs(index.lens[cand].astype(np.int64) - m)
    need_min = -(-num * m // den)
    empty = np.zeros(0, np.int64), np.zeros(0, np.int64)
    w0, w1 = lo >> 6, (hi + 63) >> 6
    width = w1 - w0
    planes: list[np.ndarray] = []
    spare = (np.empty(width, np.uint64), np.empty(width, np.uint64))
    total = 0
    bits = index.char_bits()
    ch_j, ch_q = q.chars
    rows = index._bit_row[ch_j]
    sizes = index.ch_ptr[ch_j + 1] - index.ch_ptr[ch_j]
    order = np.argsort(sizes, kind="stable").tolist()  # rarest first
    keys = [(int(ch_j[f]), int(rows[f]), int(ch_q[f])) for f in order]
    rest = sum(weight for _, _, weight in keys)  # query mass not added yet
    if rest < need_min:
        return empty
    # Small segments: bit planes cost a few microseconds per operation whatever the
    # width; counting the postings directly is cheaper (estimates in microseconds).
    if tuning.COUNT_SMALL and not index.compacted and \
            30 + 0.004 * int(sizes.sum()) < rest * (9 + 0.006 * width):
        return count_candidates(index, q, lo, hi, num, den)
    cand = None
    next_check = 0
    for step, (j, row, weight) in enumerate(keys):
        rest -= weight
        if row >= 0:
            x = bits[row, w0:w1]
        else:
            a, b = int(index.ch_ptr[j]), int(index.ch_ptr[j + 1])
            posts = index.ch_post[a:b]
            u, v = between(posts, w0 << 6, w1 << 6)
            if u == v:
                continue
            x = bitmap(posts[u:v], w0, width)
        for _ in range(weight):
            total += 1
            carry = x
            for i in range(total.bit_length()):
                if i == len(planes):
                    planes.append(carry.copy())
                    break
                plane = planes[i]
                if i + 1 < total.bit_length():
                    nxt = np.bitwise_and(plane, carry, out=spare[i & 1])
                    np.bitwise_xor(plane, carry, out=plane)
                    carry = nxt
                else:  # the top plane cannot carry further
                    np.bitwise_xor(plane, carry, out=plane)
        left = len(keys) - step - 1
        if need_min - rest >= 1 and (rest == 0 or (left >= 3 and step >= next_check)):
            next_check = step + 3
            # Entries below need_min - rest can no longer qualify: once the others are
            # few, finish them one by one.
            cand = at_least(planes, need_min - rest, w0, lo, hi, width // 16 if rest else
                             None)
            if cand is not None:
                keys = keys[step + 1:]
                break
    if not planes:
        return empty
    if cand is None:  # the last characters were absent from the window
        cand = at_least(planes, need_min - rest, w0, lo, hi, None)
        keys = []
    # each candidate's count so far, then the remaining characters for them alone
    rel = cand - (w0 << 6)
    word, shift = rel >> 6, (rel & 63).astype(np.uint64)
    upper = np.zeros(len(cand), np.int64)
    for i, plane in enumerate(planes):
        upper += ((plane[word] >> shift) & np.uint64(1)).astype(np.int64) << i
    n = index.lens[cand].astype(np.int64)
    big = np.maximum(n, m)
    need = big - max_distance(big, num, den)
    for j, row, weight in keys:
        keep = upper + rest >= need
        if not keep.all():
            cand, upper, n, big, need = (a[keep] for a in (cand, upper, n, big, need))
        if not len(cand):
            return empty
        rest -= weight
        if row >= 0:
            present = (bits[row][cand >> 6] >> (cand & 63).astype(np.uint64)) & np.uint64(1)
            upper += present.astype(np.int64) * weight
        else:
            posts = index.ch_post[int(index.ch_ptr[j]):int(index.ch_ptr[j + 1])]
            where = posts.searchsorted(cand.astype(np.uint32))
            inside = where < len(posts)
            hit = np.zeros(len(cand), bool)
            hit[inside] = posts[where[inside]] == cand[inside]
            upper += hit * weight
    lb = np.maximum(np.abs(n - m), big - upper)
    keep = lb <= max_distance(big, num, den)
    return cand[keep], lb[keep]


def count_candidates(index: FuzzyIndex, q: Query, lo: int, hi: int, num: int, den: int
                      ) -> tuple[np.ndarray, np.ndarray]:
    """The same bound with an integer count per entry (small segments: the query
    characters' whole postings, counted at once)."""
    m = q.m
    ch_j, ch_q = q.chars
    a, b = index.ch_ptr[ch_j], index.ch_ptr[ch_j + 1]
    where = gather(index.ch_post, a, b)
    weights = None
    if (ch_q > 1).any():
        weights = np.repeat(ch_q, b - a)
    counts = np.bincount(where, weights=weights, minlength=len(index))[lo:hi].astype(np.int64)
    n = index.lens[lo:hi].astype(np.int64)
    big = np.maximum(n, m)
    limit = max_distance(big, num, den)
    lb = np.maximum(np.abs(n - m), big - counts)
    cand = np.flatnonzero(lb <= limit)
    return cand + lo, lb[cand]


def at_least(planes: list[np.ndarray], need: int, w0: int, lo: int, hi: int,
              most_words: int | None) -> np.ndarray | None:
    """Positions in [lo, hi) whose bit-sliced count is >= need (most significant plane
    first), or None when they lie in more than `most_words` words."""
    width = len(planes[0])
    if need.bit_length() > len(planes):
        return np.zeros(0, np.int64)
    greater = np.zeros(width, np.uint64)
    equal = np.full(width, ~np.uint64(0))
    for i in range(len(planes) - 1, -1, -1):
        plane = planes[i]
        if (need >> i) & 1:
            equal &= plane
        else:
            greater |= equal & plane
            equal &= ~plane
    ok = greater | equal
    words = np.flatnonzero(ok)
    if most_words is not None and len(words) > most_words:
        return None
    unpacked = np.unpackbits(ok[words].view(np.uint8), bitorder="little").reshape(-1, 64)
    row, col = np.nonzero(unpacked)
    cand = (words[row] + w0) * 64 + col
    return cand[(cand >= lo) & (cand < hi)]
