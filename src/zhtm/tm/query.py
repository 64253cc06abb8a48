"""A query's characters and bigrams as one index segment sees them."""

from __future__ import annotations

from collections import Counter
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np

from .postings import codepoints

if TYPE_CHECKING:
    from .fuzzy import FuzzyIndex


def bigram_codes(text: str) -> list[int]:
    """The text's bigrams as integers (two code points, 21 bits each), in order."""
    points = list(map(ord, text))
    return [(a << 21) | b for a, b in zip(points, points[1:])]


class Query:
    """A query's characters and bigrams, looked up in one segment when first needed.

    `slices`, when given, holds the postings [start, end) of (at least) the query's
    bigrams the segment has (`FuzzyIndex.bigram_slices`): the clauses of one sentence
    share one lookup."""

    def __init__(self, index: FuzzyIndex, text: str,
                 slices: dict[int, tuple[int, int]] | None = None) -> None:
        self.index = index
        self.text = text
        self.m = len(text)
        self.cp = codepoints(text)
        self.slices = slices

    @cached_property
    def chars(self) -> tuple[np.ndarray, np.ndarray]:
        """(index of each distinct query character in ``ch_keys``, its count in the query),
        for the characters the segment holds."""
        keys = self.index.ch_keys
        chars, counts = np.unique(self.cp, return_counts=True)
        if len(keys):
            where = np.minimum(np.searchsorted(keys, chars), len(keys) - 1)
            found = keys[where] == chars
        else:
            where, found = np.zeros(len(chars), np.int64), np.zeros(len(chars), bool)
        return where[found], counts[found].astype(np.int64)

    @cached_property
    def rarest_bigrams(self) -> list[tuple[int, int, int, int]]:
        """For the distinct query bigrams the segment holds: (postings start, end, count in
        the query, bigram code), shortest postings first (counted in Python: a query has a
        few dozen)."""
        if self.m < 2:
            return []
        counts = Counter(bigram_codes(self.text))
        slices = self.slices
        if slices is None:
            slices = self.index.bigram_slices(list(counts))
        found = [(*slices[code], n, code) for code, n in counts.items() if code in slices]
        found.sort(key=lambda item: item[1] - item[0])
        return found
