"""Similarity and exact top-k fuzzy retrieval over a translation memory.

Score: OmegaT's per-character score on normalised text (see `normalize.py`):
``similarity = 1 - lev(a, b) / max(len a, len b)``, shown as ``floor(100 * similarity)``.
Everything here compares similarities as exact rationals ``(L - d) / L`` with integers,
so there is no float rounding at a threshold or between ties.

Retrieval is exact: `FuzzyIndex.search` returns what a brute-force scan would (the same
score list; ties ordered by unit id), through an index that makes it fast:

* entries are numbered in length order, so the lengths that can reach a threshold are one
  contiguous id range (``|m - n| <= d`` and ``d <= (1 - t) * max(m, n)``);
* a CSR inverted index of distinct character bigrams (postings sorted by id) counts the
  bigrams each entry of the range shares with the query. An edit destroys at most two
  bigram occurrences, so ``d >= (max(Dq, Db) - shared) / 2``;
* a CSR index of characters with their counts bounds ``d >= max(m, n) - common`` where
  ``common`` is the multiset intersection; it is used when the bigram bound is empty
  (low thresholds);
* candidates are verified best-bound first with rapidfuzz's bit-parallel Levenshtein,
  with a cutoff at the current k-th best score, which raises the bar as it goes; the scan
  stops when no remaining bound can reach the bar.

An index covers one contiguous range of store ids (a *segment*); a store holds a few and
`search_segments` runs a query through them with one shared top-k.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from rapidfuzz.distance import Levenshtein

from .normalize import normalize

# Arrays an index persists, with their dtypes (the text is stored as UTF-8 bytes).
ARRAYS: dict[str, str] = {
    "ids": "<i8", "lens": "<i4", "offsets": "<i8", "bg_count": "<i4",
    "bg_keys": "<u8", "bg_ptr": "<i8", "bg_post": "<u4",
    "ch_keys": "<u4", "ch_ptr": "<i8", "ch_post": "<u4", "ch_cnt": "<u2",
}
_MAX_CNT = 65535
# Verify at most this many best-bound candidates before tightening the bounds again.
_ROUND = 64
# Entries sharing the most bigrams with the query, verified first to raise the bar.
_SEED = 16
# Above this many bigram candidates, add the character bound before verifying.
_CHAR_BOUND_FROM = 2048


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


@dataclass(frozen=True, slots=True)
class Hit:
    """A TM entry that matched: its store id, edit distance and ``max(len)``."""

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
    """The k best hits at or above ``min_percent``, in order; its bar only rises."""

    def __init__(self, k: int, min_percent: int) -> None:
        if k < 1:
            raise ValueError("k must be >= 1")
        self.k = k
        self.min_percent = min_percent
        self.hits: list[Hit] = []

    def bar(self) -> tuple[int, int]:
        """The similarity ``num / den`` a new hit must reach (ties may still enter)."""
        if len(self.hits) < self.k:
            return self.min_percent, 100
        last = self.hits[-1]
        num, den = last.length - last.distance, last.length
        if num * 100 < self.min_percent * den:  # pragma: no cover - hits respect the minimum
            return self.min_percent, 100
        return (num, den) if den else (1, 1)

    def offer(self, hit: Hit) -> bool:
        if hit.length and (hit.length - hit.distance) * 100 < self.min_percent * hit.length:
            return False
        if len(self.hits) == self.k and not hit.beats(self.hits[-1]):
            return False
        keys = [_order_key(h) for h in self.hits]
        pos = bisect.bisect_left(keys, _order_key(hit))
        self.hits.insert(pos, hit)
        del self.hits[self.k:]
        return True


def _order_key(hit: Hit) -> tuple:
    from fractions import Fraction
    sim = Fraction(hit.length - hit.distance, hit.length) if hit.length else Fraction(1)
    return (-sim, hit.unit_id)


def _max_distance(lengths: np.ndarray, num: int, den: int) -> np.ndarray:
    """Largest d with (L - d) / L >= num / den, per length L (vectorised, exact)."""
    return lengths - (-(-num * lengths // den))


def _sorted_unique(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct values in order and the index where each run starts (sort-based: numpy's
    hash-based `unique` is several times slower on tens of millions of keys)."""
    values = np.sort(values, kind="stable" if values.dtype.itemsize <= 2 else None)
    if not len(values):
        return values, np.zeros(0, np.int64)
    first = np.empty(len(values), dtype=bool)
    first[0] = True
    np.not_equal(values[1:], values[:-1], out=first[1:])
    starts = np.flatnonzero(first)
    return values[starts], starts


def _run_starts(sorted_values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For an already sorted array: its distinct values and where each run starts."""
    if not len(sorted_values):
        return sorted_values, np.zeros(0, np.int64)
    first = np.empty(len(sorted_values), dtype=bool)
    first[0] = True
    np.not_equal(sorted_values[1:], sorted_values[:-1], out=first[1:])
    starts = np.flatnonzero(first)
    return sorted_values[starts], starts


def _codepoints(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le"), dtype="<u4")


class FuzzyIndex:
    """Exact fuzzy top-k index over one segment of a TM (normalised Chinese sources)."""

    def __init__(self, arrays: dict[str, np.ndarray], text: str) -> None:
        self.arrays = arrays
        self.text = text
        for name in ARRAYS:
            setattr(self, name, arrays[name])

    def __len__(self) -> int:
        return len(self.ids)

    # --- building and persisting ------------------------------------------------------

    @classmethod
    def build(cls, ids: Sequence[int] | np.ndarray, texts: Sequence[str]) -> FuzzyIndex:
        """Index normalised texts under their store ids (vectorised: ~10 s per million)."""
        ids = np.asarray(ids, dtype=np.int64)
        n = len(ids)
        if n != len(texts):
            raise ValueError("ids and texts differ in length")
        if n >= 2**32:  # pragma: no cover
            raise ValueError("too many entries for one index segment")
        lens = np.fromiter(map(len, texts), dtype=np.int64, count=n)
        order = np.lexsort((ids, lens))
        ids, lens = ids[order], lens[order]
        big = "".join([texts[i] for i in order])
        offsets = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(lens, out=offsets[1:])
        cp = _codepoints(big)
        owner = np.repeat(np.arange(n, dtype=np.uint64), lens)
        # characters: unique (char, entry) with counts, sorted by char then entry
        keys, starts = _sorted_unique((cp.astype(np.uint64) << np.uint64(32)) | owner)
        counts = np.diff(starts, append=len(cp))
        ch_of = (keys >> np.uint64(32)).astype(np.uint32)
        ch_post = (keys & np.uint64(0xFFFFFFFF)).astype(np.uint32)
        ch_cnt = np.minimum(counts, _MAX_CNT).astype(np.uint16)
        del keys, counts
        ch_keys, ch_start = _run_starts(ch_of)
        ch_ptr = np.append(ch_start, len(ch_of)).astype(np.int64)
        del ch_of
        # bigrams: distinct (bigram, entry), sorted by bigram then entry
        if len(cp) >= 2:
            same = owner[:-1] == owner[1:]
            code = ((cp[:-1].astype(np.uint64) << np.uint64(21)) | cp[1:])[same]
            bown = owner[:-1][same]
            del same
            if n < 2**22:
                keys, _ = _sorted_unique((code << np.uint64(22)) | bown)
                bg_of = keys >> np.uint64(22)
                bg_post = (keys & np.uint64(2**22 - 1)).astype(np.uint32)
            else:  # pragma: no cover - very large segments: densify bigram codes first
                vocab, dense = np.unique(code, return_inverse=True)
                keys, _ = _sorted_unique((dense.astype(np.uint64) << np.uint64(32)) | bown)
                bg_of = vocab[(keys >> np.uint64(32)).astype(np.int64)]
                bg_post = (keys & np.uint64(0xFFFFFFFF)).astype(np.uint32)
            del keys, code, bown
            bg_keys, bg_start = _run_starts(bg_of)
            bg_ptr = np.append(bg_start, len(bg_of)).astype(np.int64)
            bg_count = np.bincount(bg_post, minlength=n).astype(np.int32)
        else:
            bg_keys = np.zeros(0, np.uint64)
            bg_ptr = np.zeros(1, np.int64)
            bg_post = np.zeros(0, np.uint32)
            bg_count = np.zeros(n, np.int32)
        arrays = {
            "ids": ids, "lens": lens.astype(np.int32), "offsets": offsets, "bg_count": bg_count,
            "bg_keys": bg_keys.astype(np.uint64), "bg_ptr": bg_ptr, "bg_post": bg_post,
            "ch_keys": ch_keys.astype(np.uint32), "ch_ptr": ch_ptr, "ch_post": ch_post,
            "ch_cnt": ch_cnt,
        }
        return cls({k: np.ascontiguousarray(v, dtype=ARRAYS[k]) for k, v in arrays.items()}, big)

    def to_blobs(self) -> dict[str, bytes]:
        """Raw little-endian arrays plus the UTF-8 text: what the store saves."""
        blobs = {name: self.arrays[name].tobytes() for name in ARRAYS}
        blobs["text"] = self.text.encode("utf-8")
        return blobs

    @classmethod
    def from_blobs(cls, blobs: dict[str, bytes]) -> FuzzyIndex:
        arrays = {name: np.frombuffer(blobs[name], dtype=dtype) for name, dtype in ARRAYS.items()}
        return cls(arrays, blobs["text"].decode("utf-8"))

    def entry_text(self, i: int) -> str:
        return self.text[self.offsets[i]:self.offsets[i + 1]]

    def nbytes(self) -> int:
        return sum(a.nbytes for a in self.arrays.values()) + len(self.text) * 2

    # --- lookups ----------------------------------------------------------------------

    def _slices(self, keys: np.ndarray, vocab: np.ndarray, ptr: np.ndarray, post: np.ndarray,
                lo: int, hi: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """For each query key found: its index in `keys`, and its postings [a, b) in the window."""
        if not len(vocab) or not len(keys):
            empty = np.zeros(0, np.int64)
            return empty, empty, empty
        where = np.searchsorted(vocab, keys)
        found = where < len(vocab)
        found[found] = vocab[where[found]] == keys[found]
        qi = np.flatnonzero(found)
        j = where[qi]
        a, b = ptr[j], ptr[j + 1]
        starts = _lower_bound(post, np.concatenate([a, a]), np.concatenate([b, b]),
                              np.concatenate([np.full(len(a), lo), np.full(len(a), hi)]))
        a, b = starts[:len(a)], starts[len(a):]
        keep = b > a
        return qi[keep], a[keep], b[keep]

    def _window(self, m: int, num: int, den: int) -> tuple[int, int]:
        lo_len = -(-num * m // den)
        hi_len = (m * den) // num if num else 1 << 62
        return (int(np.searchsorted(self.lens, lo_len, "left")),
                int(np.searchsorted(self.lens, hi_len, "right")))

    def containing(self, needle: str) -> list[int]:
        """Entry positions whose normalised text contains `needle` (normalised), in id order."""
        if not needle:
            return []
        cps = _codepoints(needle)
        if len(cps) == 1:
            _, a, b = self._slices(cps.astype(np.uint32), self.ch_keys, self.ch_ptr, self.ch_post,
                                   0, len(self))
            posts = [self.ch_post[x:y] for x, y in zip(a.tolist(), b.tolist())]
        else:
            codes = np.unique((cps[:-1].astype(np.uint64) << np.uint64(21)) | cps[1:])
            _, a, b = self._slices(codes, self.bg_keys, self.bg_ptr, self.bg_post, 0, len(self))
            if len(a) < len(codes):
                return []
            posts = sorted((self.bg_post[x:y] for x, y in zip(a.tolist(), b.tolist())), key=len)
        if not posts:
            return []
        cand = posts[0]
        for other in posts[1:]:
            cand = cand[np.isin(cand, other, assume_unique=True)]
            if not len(cand):
                return []
        return [int(i) for i in cand if needle in self.entry_text(int(i))]

    def search(self, query: str, top: TopK) -> None:
        """Offer `top` every entry of this segment that can enter it (query normalised)."""
        m = len(query)
        if m == 0 or len(self) == 0:
            return
        num, den = top.bar()
        lo, hi = self._window(m, num, den)
        if lo >= hi:
            return
        qcp = _codepoints(query)
        if m >= 2:
            qb = np.unique((qcp[:-1].astype(np.uint64) << np.uint64(21)) | qcp[1:])
        else:
            qb = np.zeros(0, np.uint64)
        dq = len(qb)
        _, a, b = self._slices(qb, self.bg_keys, self.bg_ptr, self.bg_post, lo, hi)
        width = hi - lo
        if len(a):
            shared = np.bincount(_gather(self.bg_post, a, b).astype(np.int64) - lo, minlength=width)
        else:
            shared = np.zeros(width, np.int64)
        # 1. Seed: verify the entries sharing most bigrams, to raise the bar early.
        if width > _SEED:
            seeds = np.argpartition(-shared, _SEED - 1)[:_SEED]
        else:
            seeds = np.arange(width)
        self._verify(query, dq, lo, seeds, shared[seeds], None, top, sort_all=True)
        shared[seeds] = -(1 << 40)  # done: never a candidate again
        # 2. The bar may have risen: shrink the window, bound by bigrams, then by characters.
        num, den = top.bar()
        lo2, hi2 = self._window(m, num, den)
        lo2, hi2 = max(lo, lo2), min(hi, hi2)
        if lo2 >= hi2:
            return
        lmax = max(m, int(self.lens[hi2 - 1]))
        need_min = dq - 2 * int(_max_distance(np.array([lmax]), num, den)[0])
        if need_min >= 1:
            cand = np.flatnonzero(shared[lo2 - lo:hi2 - lo] >= need_min) + (lo2 - lo)
            common = None
            if len(cand) > _CHAR_BOUND_FROM:
                # Many bigram candidates: intersect with the (dense) character bound.
                chars, common_c = self._char_filter(qcp, lo2, hi2, num, den)
                chars += lo2 - lo
                keep = np.isin(chars, cand, assume_unique=True)
                cand, common = chars[keep], common_c[keep]
        else:
            cand, common = self._char_filter(qcp, lo2, hi2, num, den)
            cand += lo2 - lo
            cand_ok = shared[cand] >= 0
            cand, common = cand[cand_ok], common[cand_ok]
        if len(cand):
            self._verify(query, dq, lo, cand, shared[cand], common, top)

    def _char_filter(self, qcp: np.ndarray, lo: int, hi: int, num: int, den: int,
                     cand: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Entries of [lo, hi) that can share ``>= ceil(t * max(m, n))`` characters with the
        query (multiset intersection; an edit changes at most one shared character), and
        their exact shared-character counts. Returns window positions relative to `lo`.

        Rare query characters are counted densely over the window (bincount over their
        postings) until the mass F of the characters not yet counted is below the least
        requirement; from then on only entries with ``common + F >= required`` survive, and
        once they are few the frequent characters are looked up for them alone (binary
        search in the postings), pruning again after each character. With `cand` given,
        only those entries are considered (all lookups sparse).
        """
        m = len(qcp)
        chars, qcount = np.unique(qcp, return_counts=True)
        qi, a, b = self._slices(chars.astype(np.uint32), self.ch_keys, self.ch_ptr, self.ch_post,
                                lo, hi)
        qc = qcount[qi]
        rest = int(qc.sum())  # mass of query characters not counted yet (absent ones never count)
        width = hi - lo
        lengths_all = None
        if cand is None:
            order = np.argsort(b - a, kind="stable").tolist()  # rarest first
            common_all = np.zeros(width, np.int64)
            need_min = -(-num * m // den)
            lengths_all = np.maximum(self.lens[lo:hi].astype(np.int64), m)
            required_all = -(-num * lengths_all // den)
            size = width
            done = 0
            for f in order:
                x, y = int(a[f]), int(b[f])
                if rest < need_min and size * 8 < (y - x):
                    break
                common_all[self.ch_post[x:y].astype(np.int64) - lo] += np.minimum(
                    self.ch_cnt[x:y], qc[f])
                rest -= int(qc[f])
                done += 1
                if rest < need_min:
                    size = int(np.count_nonzero(common_all >= need_min - rest))
            cand = np.flatnonzero(common_all + rest >= required_all)
            common = common_all[cand]
            order = order[done:]
            required = required_all[cand]
        else:
            common = np.zeros(len(cand), np.int64)
            lengths = np.maximum(self.lens[lo + cand].astype(np.int64), m)
            required = -(-num * lengths // den)
            order = np.argsort(-qc, kind="stable").tolist()
        order.sort(key=lambda f: -int(qc[f]))  # biggest mass first: prunes soonest
        for f in order:
            if not len(cand):
                break
            x, y = int(a[f]), int(b[f])
            posts = self.ch_post[x:y]
            where = cand + lo
            pos = np.searchsorted(posts, where)
            pos_ok = pos < len(posts)
            present = np.zeros(len(cand), dtype=bool)
            present[pos_ok] = posts[pos[pos_ok]] == where[pos_ok]
            common[present] += np.minimum(self.ch_cnt[x + pos[present]], qc[f])
            rest -= int(qc[f])
            keep = common + rest >= required
            if not keep.all():
                cand, common, required = cand[keep], common[keep], required[keep]
        return cand, common

    def _verify(self, query: str, dq: int, lo: int, cand: np.ndarray, shared: np.ndarray,
                common: np.ndarray | None, top: TopK, sort_all: bool = False) -> None:
        """Levenshtein on candidates, best bound first, each cut off at the current bar."""
        m = len(query)
        n = self.lens[lo + cand].astype(np.int64)
        length = np.maximum(n, m)
        db = self.bg_count[lo + cand]
        lb = np.maximum(np.abs(n - m), (np.maximum(db, dq) - shared + 1) // 2)
        if common is not None:
            lb = np.maximum(lb, length - common)
        while len(cand):
            num, den = top.bar()
            ok = lb <= _max_distance(length, num, den)
            if not ok.all():
                cand, lb, length = cand[ok], lb[ok], length[ok]
                if not len(cand):
                    return
            ub = (length - lb) / length
            if len(cand) > _ROUND and not sort_all:
                pick = np.argpartition(-ub, _ROUND - 1)[:_ROUND]
                pick = pick[np.lexsort((cand[pick], -ub[pick]))]
            else:
                pick = np.lexsort((cand, -ub))
            complete = len(pick) == len(cand)
            text, offsets, ids = self.text, self.offsets, self.ids
            for p in pick.tolist():
                num, den = top.bar()
                L = int(length[p])
                dmax = L - (-(-num * L // den))
                if int(lb[p]) > dmax:
                    break  # sorted by bound: nothing after this one can reach the bar
                i = lo + int(cand[p])
                d = Levenshtein.distance(query, text[offsets[i]:offsets[i + 1]], score_cutoff=dmax)
                if d <= dmax:
                    top.offer(Hit(int(ids[i]), d, L))
            if complete:
                return
            keep = np.ones(len(cand), dtype=bool)
            keep[pick] = False
            cand, lb, length = cand[keep], lb[keep], length[keep]


def _lower_bound(post: np.ndarray, a: np.ndarray, b: np.ndarray, value: np.ndarray) -> np.ndarray:
    """Vectorised binary search: first index in each post[a:b] whose value is >= value."""
    lo, hi = a.astype(np.int64), b.astype(np.int64)
    last = len(post) - 1
    while True:
        active = lo < hi
        if not active.any():
            return lo
        mid = (lo + hi) >> 1
        right = active & (post[np.minimum(mid, last)] < value)
        lo = np.where(right, mid + 1, lo)
        hi = np.where(active & ~right, mid, hi)


def _gather(values: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """values[a0:b0] ++ values[a1:b1] ++ ... without a Python loop."""
    sizes = b - a
    total = int(sizes.sum())
    if total == 0:
        return values[:0]
    starts = np.repeat(a - np.cumsum(sizes) + sizes, sizes)
    return values[starts + np.arange(total)]


def search_segments(segments: Iterable[FuzzyIndex], query: str, k: int = 5,
                    min_percent: int = 70) -> list[Hit]:
    """Exact top-k over several segments (query given raw; normalised here)."""
    query = normalize(query)
    top = TopK(k, min_percent)
    for segment in sorted(segments, key=len, reverse=True):
        segment.search(query, top)
    return list(top.hits)


def brute_force(ids: Sequence[int], texts: Sequence[str], query: str, k: int = 5,
                min_percent: int = 70) -> list[Hit]:
    """The reference: score every entry (normalised texts), keep the k best. For tests."""
    query = normalize(query)
    top = TopK(k, min_percent)
    m = len(query)
    for unit_id, text in zip(ids, texts):
        length = max(m, len(text))
        top.offer(Hit(int(unit_id), Levenshtein.distance(query, text), length))
    return list(top.hits)
