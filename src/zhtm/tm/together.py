"""Several queries through one index segment in one pass: the clauses of a sentence.

A clause search costs a few dozen numpy calls over a few thousand postings, and on short
arrays the calls themselves cost most. Here the bigram bound (`bigram_bound`) runs for all
of a sentence's clauses at once: their rare bigrams' postings are tagged with the clause
and counted in one sort, and the commoner bigrams are bounded for every survivor by its
bigram signature (`signatures`), a popcount per signature word, instead of a binary search
per survivor and bigram. Each clause's candidates are then verified against its own top-k.
A clause the bigram bound cannot serve (short, low threshold, postings too long) takes the
one-query path (`FuzzyIndex.search`). Exact: the same bounds, only computed together.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from . import signatures
from .bigram_bound import prefix
from .postings import run_values, sorted_unique
from .query import Query
from .scoring import TopK
from .verify import verify

if TYPE_CHECKING:
    from .fuzzy import FuzzyIndex


def search_together(index: FuzzyIndex, queries: Sequence[str], tops: Sequence[TopK],
                    slices: dict[int, tuple[int, int]] | None = None) -> None:
    """Offer each `tops[i]` every entry of this segment that can enter it for `queries[i]`
    (normalised), as `index.search` would one by one."""
    if not len(index):
        return
    planned: list[tuple[int, Query, int, int, int, int]] = []  # (i, q, num, den, skipped, cut)
    parts: list[np.ndarray] = []
    sizes: list[int] = []
    for i, (query, top) in enumerate(zip(queries, tops)):
        m = len(query)
        if m == 0:
            continue
        num, den = top.bar()
        lo, hi = index._window(m, num, den)
        if lo >= hi:
            continue
        q = Query(index, query, slices)
        plan = prefix(index, q, lo, hi, num, den)
        if plan is None:
            index.search(query, top, slices)
            continue
        found, skipped, cut = plan
        if not found:
            continue
        planned.append((i, q, num, den, skipped, cut))
        parts.extend(found)
        sizes.append(sum(len(p) for p in found))
    if not planned:
        return
    # every planned query's postings, tagged with its place in `planned`, counted at once
    # (keys of 32 bits where they fit: sorting them takes half the time of 64-bit ones)
    shift = max(1, len(index) - 1).bit_length()
    dtype = np.uint32 if len(planned) << shift <= 2**32 else np.uint64
    tag = np.repeat(np.arange(len(planned), dtype=dtype), sizes)
    keys, starts = sorted_unique((tag << dtype(shift)) | np.concatenate(parts).astype(dtype))
    count = np.diff(np.append(starts, len(tag)))
    which = (keys >> dtype(shift)).astype(np.int64)
    pos = (keys & dtype((1 << shift) - 1)).astype(np.int64)
    # each entry's length from the length runs, found for every query's block of the sorted
    # keys at once: the run starts tagged like the keys
    values, run_at = index.length_runs()
    tagged = (np.arange(len(planned), dtype=dtype)[:, None] << dtype(shift)) | run_at.astype(dtype)
    n = run_values(keys, tagged.ravel(), np.tile(values, len(planned)))
    # per query and entry length: the most edits reaching its bar (dmax) and the base of
    # the slack, the shared bigrams still possible minus those needed (L - 1 - 2 dmax(L)),
    # every skipped bigram counted as held; a small table instead of per-entry arithmetic
    m = _lengths(planned)[:, None]
    num = np.array([p[2] for p in planned], np.int64)[:, None]
    den = np.array([p[3] for p in planned], np.int64)[:, None]
    skipped = np.array([p[4] for p in planned], np.int64)
    width = int(n.max()) + 1 if len(n) else 1
    big = np.maximum(np.arange(width, dtype=np.int64)[None, :], m)
    dmax = big + (-num * big // den)  # L - ceil(t L)
    base = (skipped[:, None] + 1 + 2 * dmax - big).ravel()
    cell = which * width + n
    slack = count + base[cell]
    keep = np.flatnonzero(slack >= 0)
    which, pos, n, cell, slack = (a[keep] for a in (which, pos, n, cell, slack))
    # then the skipped bigrams an entry may hold, by its signature
    skip = skipped[which]
    slack -= skip - np.minimum(_skipped_held(index, planned, which, pos), skip)
    keep = np.flatnonzero(slack >= 0)
    which, pos, n, cell, slack = (a[keep] for a in (which, pos, n, cell, slack))
    # the distance is at least (L - 1 - shared) / 2 = dmax(L) - slack / 2
    lb = np.maximum(dmax.ravel()[cell] - (slack >> 1), np.abs(n - m.ravel()[which]))
    bounds = np.searchsorted(which, np.arange(len(planned) + 1))
    for j, (i, q, *_) in enumerate(planned):
        a, b = int(bounds[j]), int(bounds[j + 1])
        if b > a:
            verify(index, q.text, pos[a:b], lb[a:b], tops[i], n[a:b])


def _lengths(planned: list) -> np.ndarray:
    """Each planned query's length."""
    return np.array([q.m for _, q, *_ in planned], np.int64)


def _skipped_held(index: FuzzyIndex, planned: list, which: np.ndarray, pos: np.ndarray
                  ) -> np.ndarray:
    """For each (query, entry): an upper bound of the weight of the query's skipped
    bigrams the entry holds, from the entry's signature."""
    table = index.signatures()
    words = table.shape[1]
    bits = 64 * words
    layered = []
    for _, q, _, _, _, cut in planned:
        weights: dict[int, int] = {}
        for _, _, weight, code in q.rarest_bigrams[cut:]:
            bit = signatures.bit_of(code, bits)
            weights[bit] = weights.get(bit, 0) + weight
        layered.append(signatures.masks(weights, words))
    layers = max(len(x) for x in layered)
    held = np.zeros(len(pos), np.int64)
    if not layers or not len(pos):
        return held
    empty = [0] * words
    masks = np.array([x + [empty] * (layers - len(x)) for x in layered], np.uint64)
    sig = signatures.rows(table, pos)
    for w in range(words):
        for k in range(layers):
            mask = masks[:, k, w]
            if mask.any():
                held += signatures.popcount(sig[:, w] & mask[which])
    return held
