"""OmegaT's per-character score as exact rationals, hits and the top-k they compete for."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from ..text.normalize import normalize


def percent(distance: int, length: int) -> int:
    """floor(100 * (1 - distance / length)) computed exactly (100 for two empty strings)."""
    if length == 0:
        return 100
    return (100 * (length - distance)) // length


def similarity(a: str, b: str) -> float:
    """OmegaT's per-character similarity of two segments (normalised here)."""
    a, b = normalize(a), normalize(b)
    length = max(len(a), len(b))
    if length == 0:
        return 1.0
    return (length - Levenshtein.distance(a, b)) / length


class Hit(NamedTuple):
    """A TM entry that matched: its store id, edit distance and ``max(len)``. (A named
    tuple: verification makes tens of thousands a second, and a frozen dataclass takes
    four times as long to construct.)"""

    unit_id: int
    distance: int
    length: int

    @property
    def similarity(self) -> float:
        return (self.length - self.distance) / self.length if self.length else 1.0

    @property
    def percent(self) -> int:
        return percent(self.distance, self.length)

    def beats(self, other: Hit) -> bool:
        """Higher similarity first (exact rationals), then the lower unit id."""
        left = (self.length - self.distance) * other.length
        right = (other.length - other.distance) * self.length
        return left > right or (left == right and self.unit_id < other.unit_id)


class TopK:
    """The k best hits at or above ``min_percent``, in order; its bar only rises.

    With `ties`, every hit as good as the k-th is kept too (the list may grow past k), so
    that a caller can choose among equal scores by something the index does not know (how
    often a pair occurred, its date) instead of by store id, i.e. by import order.

    Hits are kept sorted by ``(-similarity, unit id)`` with a binary search (a TM with
    hundreds of copies of one source ties hundreds of hits): the similarity as a float is
    exact here, since two different ratios ``a/b``, ``c/d`` with ``b, d < 2**26`` differ by
    far more than a double's rounding and equal ones divide to the same double.
    """

    def __init__(self, k: int, min_percent: int, *, ties: bool = False) -> None:
        if k < 1:
            raise ValueError("k must be >= 1")
        self.k = k
        self.min_percent = min_percent
        self.ties = ties
        self.hits: list[Hit] = []
        self._keys: list[tuple[float, int]] = []
        self._bar: tuple[int, int] | None = (min_percent, 100)  # None: to be worked out

    def bar(self) -> tuple[int, int]:
        """The similarity ``num / den`` a new hit must reach (ties may still enter)."""
        if self._bar is None:
            last = self.hits[self.k - 1]
            num, den = last.length - last.distance, last.length
            if num * 100 < self.min_percent * den:  # pragma: no cover - hits respect the minimum
                self._bar = self.min_percent, 100
            else:
                self._bar = (num, den) if den else (1, 1)
        return self._bar

    def offer(self, hit: Hit) -> bool:
        if hit.length and (hit.length - hit.distance) * 100 < self.min_percent * hit.length:
            return False
        if hit.length >= 1 << 26:  # pragma: no cover - beyond the exact float keys
            raise ValueError("entry too long to rank")
        hits, keys, k = self.hits, self._keys, self.k
        key = (-(hit.length - hit.distance) / hit.length if hit.length else -1.0, hit.unit_id)
        if len(hits) >= k and key > keys[k - 1]:
            if not (self.ties and key[0] == keys[k - 1][0]):
                return False
        pos = bisect_left(keys, key)
        hits.insert(pos, hit)
        keys.insert(pos, key)
        if pos < k and len(hits) >= k:  # the k-th changed (verification asks after each hit)
            self._bar = None
        if len(hits) > k:
            if not self.ties:
                del hits[k:], keys[k:]
            elif pos < k:  # the k-th changed: drop those no longer as good as it
                kth = keys[k - 1][0]
                cut = bisect_right(keys, (kth, float("inf")))
                del hits[cut:], keys[cut:]
        return True


def max_distance(lengths: np.ndarray, num: int, den: int) -> np.ndarray:
    """Largest d with (L - d) / L >= num / den, per length L (vectorised, exact)."""
    return lengths - (-(-num * lengths // den))


def brute_force(ids: Sequence[int], texts: Sequence[str], query: str, k: int = 5,
                min_percent: int = 70, *, ties: bool = False) -> list[Hit]:
    """The reference: score every entry (normalised texts), keep the k best (and, with
    `ties`, all as good as the k-th). For tests and benchmarks.

    Every distance is computed (in one rapidfuzz call); only entries whose float score is
    within a hair of the k-th best go through `TopK`, which orders them exactly, so the
    result is that of offering every entry."""
    query = normalize(query)
    top = TopK(k, min_percent, ties=ties)
    if not len(texts):
        return []
    distances = process.cdist([query], list(texts), scorer=Levenshtein.distance,
                              dtype=np.int64)[0]
    lengths = np.maximum(len(query), np.fromiter(map(len, texts), np.int64, len(texts)))
    same = lengths - distances
    passing = np.flatnonzero((lengths == 0) | (same * 100 >= min_percent * lengths))
    if len(passing) > k and len(query):  # (an empty entry, length 0, ties with every hit)
        score = same[passing] / lengths[passing]
        kth = -np.partition(-score, k - 1)[k - 1]
        passing = passing[score >= kth - 1e-9]  # the margin only admits more; TopK is exact
    for i in passing:
        top.offer(Hit(int(ids[i]), int(distances[i]), int(lengths[i])))
    return list(top.hits)
