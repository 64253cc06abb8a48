"""A query's characters and bigrams as one index segment sees them."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np

from .postings import codepoints

if TYPE_CHECKING:
    from .fuzzy import FuzzyIndex


class Query:
    """A query's characters and bigrams, looked up in one segment when first needed."""

    def __init__(self, index: FuzzyIndex, text: str) -> None:
        self.index = index
        self.text = text
        self.m = len(text)
        self.cp = codepoints(text)

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
    def rarest_bigrams(self) -> list[tuple[int, int, int]]:
        """For the distinct query bigrams the segment holds: (postings start, end, count in
        the query), shortest postings first."""
        cp, keys = self.cp, self.index.bg_keys
        if self.m < 2 or not len(keys):
            return []
        qb, counts = np.unique((cp[:-1].astype(np.uint64) << np.uint64(21)) | cp[1:],
                               return_counts=True)
        j = np.minimum(np.searchsorted(keys, qb), len(keys) - 1)
        found = keys[j] == qb
        j, counts = j[found], counts[found]
        a, b = self.index.bg_ptr[j], self.index.bg_ptr[j + 1]
        order = np.argsort(b - a, kind="stable")
        return list(zip(a[order].tolist(), b[order].tolist(), counts[order].tolist()))
