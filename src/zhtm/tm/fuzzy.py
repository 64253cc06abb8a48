"""Similarity and exact top-k fuzzy retrieval over a translation memory.

Score: OmegaT's per-character score on normalised text (see `zhtm.text.normalize`):
``similarity = 1 - lev(a, b) / max(len a, len b)``, shown as ``floor(100 * similarity)``.
Everything here compares similarities as exact rationals ``(L - d) / L`` with integers,
so there is no float rounding at a threshold or between ties.

Retrieval is exact: `FuzzyIndex.search` returns what a brute-force scan would (the same
score list; ties ordered by unit id), through an index that makes it fast:

* entries are numbered in length order, so the lengths that can reach a threshold are one
  contiguous id range (``|m - n| <= d`` and ``d <= (1 - t) * max(m, n)``);
* *bigram bound* (thresholds above 0.5): one edit destroys at most two bigrams, so an entry
  needs ``L - 1 - 2 dmax(L)`` of the query's bigrams. Prefix filter: the commonest query
  bigrams, weighing less than the least need, are skipped, so only the short postings of
  the rare ones (CSR, sorted by id, read inside the window) are counted; the skipped ones
  are then looked up for the few survivors alone;
* *seed*: when the bigrams cannot prune or their postings are long, the few entries sharing
  most of the query's rarest bigrams are verified first: with close matches in the TM, the
  k-th best (the bar) rises at once, the window shrinks and both bounds tighten;
* *character bound*, where the bigram one is not used: an edit removes at most one character
  from the multiset intersection, so an entry needs ``common >= ceil(t * max(m, n))``. An
  upper bound of ``common`` (query counts of the query characters the entry holds) is
  counted for the whole window at once, bit-sliced: a presence bitmap per query character
  (kept for characters in >= 1/64 of the entries, made from the postings for rarer ones) is
  added into bit planes with a ripple carry, rarest character first; once the characters
  left cannot lift the low counts any more, the entries still possible are few, and the
  last characters are looked up for them alone (pruning after each);
* candidates are verified best bound first with rapidfuzz's bit-parallel Levenshtein (a
  round of them in one `cdist` call), with a cutoff at the current bar, which rises as it
  goes; the scan stops when no remaining bound can reach the bar.

An index covers one contiguous range of store ids (a *segment*); a store holds a few and
`search_segments` runs a query through them with one shared top-k.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from ..text.normalize import normalize

# Arrays an index persists, with their dtypes; "text" is every entry's UTF-8 bytes (lone
# surrogates passed through) in entry order, entry i at text[boffsets[i]:boffsets[i + 1]].
ARRAYS: dict[str, str] = {
    "ids": "<i8", "lens": "<i4", "boffsets": "<i8",
    "bg_keys": "<u8", "bg_ptr": "<i8", "bg_post": "<u4",
    "ch_keys": "<u4", "ch_ptr": "<i8", "ch_post": "<u4",
}
_UTF8 = "surrogatepass"
# Verify at most this many best-bound candidates before tightening the bounds again.
_ROUND = 64
# Entries sharing the most rare bigrams with the query, verified first to raise the bar.
_SEED = 16
# The seed reads the rarest bigrams' postings up to this many entries or this many bigrams.
_SEED_VOLUME = 4096
_SEED_KEYS = 8
# Below this window width the character scan is cheap enough without a seed.
_SEED_FROM = 20_000
# Count small segments' candidates with integers rather than bit planes (tests turn it off).
_COUNT_SMALL = True
# Which bound picks candidates: "auto" (bigrams, or characters where those are cheaper or the
# bigrams cannot prune), or one of "bigrams" and "chars" (tests check each against brute force).
FILTER = "auto"
# Bigram postings cost about this many window entries' worth of character bit planes.
_BIGRAM_COST = 16
# Stop looking the skipped bigrams up once this few candidates are left (verifying is cheaper).
_REFINE_DOWN_TO = 8
# Rounds of at least this many candidates are verified in one rapidfuzz call.
_BATCH = 16
# Segments this large drop the postings of characters that have a bitmap when loaded.
_COMPACT_FROM = 1 << 18



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
        hits = self.hits
        if len(hits) == self.k and not hit.beats(hits[-1]):
            return False
        pos = len(hits)
        while pos and hit.beats(hits[pos - 1]):
            pos -= 1
        hits.insert(pos, hit)
        del hits[self.k:]
        return True


def _max_distance(lengths: np.ndarray, num: int, den: int) -> np.ndarray:
    """Largest d with (L - d) / L >= num / den, per length L (vectorised, exact)."""
    return lengths - (-(-num * lengths // den))


def _sorted_unique(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct values in order and the index where each run starts (sort-based: numpy's
    hash-based `unique` is several times slower on tens of millions of keys)."""
    return _run_starts(np.sort(values, kind="stable" if values.dtype.itemsize <= 2 else None))


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

    def __init__(self, arrays: dict[str, np.ndarray], text: bytes | bytearray) -> None:
        self.arrays = arrays
        self.text = text  # UTF-8
        for name in ARRAYS:
            setattr(self, name, arrays[name])
        self._bits: np.ndarray | None = None
        self._bit_row = np.zeros(0, np.int64)
        self.compacted = False

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
        cp = _codepoints(big)
        del big
        owner = np.repeat(np.arange(n, dtype=np.uint64), lens)
        # UTF-8 bytes per entry, from the code points (surrogates take 3 bytes, passed through)
        nbytes = 1 + (cp >= 0x80).astype(np.int64) + (cp >= 0x800) + (cp >= 0x10000)
        boffsets = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.bincount(owner.astype(np.int64), weights=nbytes, minlength=n).astype(np.int64),
                  out=boffsets[1:])
        del nbytes
        text = "".join([texts[i] for i in order]).encode("utf-8", _UTF8)
        if len(text) != boffsets[-1]:  # pragma: no cover - the formula above is UTF-8's
            raise AssertionError("UTF-8 length mismatch")
        # characters: distinct (char, entry), sorted by char then entry
        keys, _ = _sorted_unique((cp.astype(np.uint64) << np.uint64(32)) | owner)
        ch_of = (keys >> np.uint64(32)).astype(np.uint32)
        ch_post = (keys & np.uint64(0xFFFFFFFF)).astype(np.uint32)
        del keys
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
        else:
            bg_keys = np.zeros(0, np.uint64)
            bg_ptr = np.zeros(1, np.int64)
            bg_post = np.zeros(0, np.uint32)
        arrays = {
            "ids": ids, "lens": lens.astype(np.int32), "boffsets": boffsets,
            "bg_keys": bg_keys.astype(np.uint64), "bg_ptr": bg_ptr, "bg_post": bg_post,
            "ch_keys": ch_keys.astype(np.uint32), "ch_ptr": ch_ptr, "ch_post": ch_post,
        }
        return cls({k: np.ascontiguousarray(v, dtype=ARRAYS[k]) for k, v in arrays.items()}, text)

    def to_blobs(self) -> dict[str, bytes]:
        """Raw little-endian arrays plus the UTF-8 text: what the store saves."""
        if self.compacted:
            raise ValueError("a compacted index (loaded for lookups) cannot be saved")
        blobs = {name: self.arrays[name].tobytes() for name in ARRAYS}
        blobs["text"] = bytes(self.text)
        return blobs

    @classmethod
    def from_blobs(cls, blobs: dict[str, bytes]) -> FuzzyIndex:
        arrays = {name: np.frombuffer(blobs[name], dtype=dtype) for name, dtype in ARRAYS.items()}
        return cls(arrays, blobs["text"])

    def entry_text(self, i: int) -> str:
        return self.text[self.boffsets[i]:self.boffsets[i + 1]].decode("utf-8", _UTF8)

    def nbytes(self) -> int:
        extra = 0 if self._bits is None else self._bits.nbytes
        return sum(a.nbytes for a in self.arrays.values()) + len(self.text) + extra

    def prepare(self, *, compact: bool = False) -> FuzzyIndex:
        """Make the character bitmaps now (not on the first query). With `compact`, drop the
        postings of the characters that have a bitmap (most of the character postings):
        lookups still work, saving the index does not."""
        self._char_bits()
        if compact and not self.compacted and len(self) >= _COMPACT_FROM:
            sizes = np.diff(self.ch_ptr)
            sizes[self._bit_row >= 0] = 0
            keep_from = self.ch_ptr[:-1][sizes > 0]
            post = _gather(self.ch_post, keep_from, keep_from + sizes[sizes > 0])
            ptr = np.zeros(len(sizes) + 1, np.int64)
            np.cumsum(sizes, out=ptr[1:])
            self.ch_post, self.ch_ptr = post, ptr
            self.arrays = {**self.arrays, "ch_post": post, "ch_ptr": ptr}
            self.compacted = True
        return self

    # --- merging (also the interface `merge` reads a stored segment through) -----------

    def array(self, name: str) -> np.ndarray:
        """A whole persisted array (the small ones: not postings nor text)."""
        return self.arrays[name]

    def read(self, name: str, start: int, stop: int) -> np.ndarray:
        """Elements [start, stop) of a posting array, or bytes of "text" (as uint8)."""
        if name == "text":
            return np.frombuffer(self.text, np.uint8)[start:stop]
        return self.arrays[name][start:stop]

    @classmethod
    def merged(cls, parts: Sequence[FuzzyIndex]) -> FuzzyIndex:
        """One index holding the entries of `parts` (in memory; the store merges through
        `merge` with parts read from and written to SQLite piece by piece)."""
        pieces: dict[str, list[np.ndarray]] = {}
        merge(parts, lambda name, data: pieces.setdefault(name, []).append(np.asarray(data)))
        arrays = {name: np.ascontiguousarray(np.concatenate(pieces[name]), dtype=dtype)
                  for name, dtype in ARRAYS.items()}
        return cls(arrays, np.concatenate(pieces["text"]).astype(np.uint8).tobytes())

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
        lo_len, hi_len = min(lo_len, 2**31 - 1), min(hi_len, 2**31 - 1)
        return (int(self.lens.searchsorted(np.int32(lo_len), "left")),
                int(self.lens.searchsorted(np.int32(hi_len), "right")))

    def containing(self, needle: str) -> list[int]:
        """Entry positions whose normalised text contains `needle` (normalised), in id order."""
        if not needle:
            return []
        cps = _codepoints(needle)
        if len(cps) == 1:
            j = int(np.searchsorted(self.ch_keys, cps[0]))
            if j < len(self.ch_keys) and self.ch_keys[j] == cps[0] and self._bits is not None \
                    and self._bit_row[j] >= 0:
                flags = np.unpackbits(self._bits[self._bit_row[j]].view(np.uint8),
                                      bitorder="little")
                return np.flatnonzero(flags[:len(self)]).tolist()
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
        q = _Query(self, query)
        # 1. Candidates by the bigram bound, when it can prune and its postings are short.
        found = self._bigram_candidates(q, lo, hi, num, den)
        done = None
        if found is None and hi - lo >= _SEED_FROM:
            # 2. Otherwise seed: verify the entries sharing most of the rarest bigrams. With
            #    close matches in the TM this raises the bar at once, which narrows the
            #    window and strengthens both bounds; then bigrams again, else characters.
            done = self._seed(q, lo, hi, top)
            num, den = top.bar()
            lo2, hi2 = self._window(m, num, den)
            lo, hi = max(lo, lo2), min(hi, hi2)
            if lo >= hi:
                return
            found = self._bigram_candidates(q, lo, hi, num, den)
        # 3. Verified best bound first.
        cand, lb = found if found is not None else self._candidates(q, lo, hi, num, den)
        if done is not None and len(cand):
            keep = ~np.isin(cand, done)
            cand, lb = cand[keep], lb[keep]
        if len(cand):
            self._verify(query, cand, lb, top)

    def _seed(self, q: _Query, lo: int, hi: int, top: TopK) -> np.ndarray | None:
        """Verify the few entries of [lo, hi) that share most of the query's rarest bigrams."""
        post = self.bg_post
        parts = []
        volume = 0
        for a, b, _ in q.rarest_bigrams:
            x, y = _between(post[a:b], lo, hi)
            if y > x:
                parts.append(post[a + x:a + y])
                volume += y - x
            if volume >= _SEED_VOLUME or len(parts) >= _SEED_KEYS:
                break
        if not parts:
            return None
        pos, cnt = _count(np.concatenate(parts), lo, hi)
        if len(pos) > _SEED:
            pick = np.argpartition(-cnt, _SEED - 1)[:_SEED]
            pos = np.sort(pos[pick])
        n = self.lens[pos].astype(np.int64)
        self._verify(q.text, pos, np.abs(n - q.m), top)
        return pos

    def _bigram_candidates(self, q: _Query, lo: int, hi: int, num: int, den: int
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
        big = np.arange(m, max(m, int(self.lens[hi - 1])) + 1, dtype=np.int64)
        need_min = int((big - 1 - 2 * _max_distance(big, num, den)).min())
        if need_min < 1 or FILTER == "chars":  # thresholds <= 0.5: every entry could qualify
            return None
        rarest = q.rarest_bigrams
        skipped, cut = 0, len(rarest)
        while cut and skipped + rarest[cut - 1][2] < need_min:
            cut -= 1
            skipped += rarest[cut][2]
        post = self.bg_post
        parts = []
        volume = 0
        for a, b, weight in rarest[:cut]:
            x, y = _between(post[a:b], lo, hi)
            if y > x:
                parts.extend([post[a + x:a + y]] * weight)
                volume += (y - x) * weight
        if FILTER == "auto" and volume * _BIGRAM_COST > (hi - lo):
            return None  # the character bit planes are cheaper here
        empty = np.zeros(0, np.int64)
        if not parts:
            return empty, empty
        pos, count = _count(np.concatenate(parts), lo, hi)
        big = np.maximum(self.lens[pos].astype(np.int64), m)
        # slack: shared bigrams still possible minus those needed
        slack = count + skipped - (big - 1 - 2 * _max_distance(big, num, den))
        keep = slack >= 0
        pos, slack = pos[keep].astype(np.uint32), slack[keep]  # searched in the postings' dtype
        for a, b, weight in rarest[cut:]:
            if len(pos) <= _REFINE_DOWN_TO:
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
        n = self.lens[cand].astype(np.int64)
        big = np.maximum(n, m)
        shared = slack + big - 1 - 2 * _max_distance(big, num, den)
        lb = np.maximum(np.abs(n - m), -(-(big - 1 - shared) // 2))
        return cand, lb

    def _candidates(self, q: _Query, lo: int, hi: int, num: int, den: int
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
            return cand, np.abs(self.lens[cand].astype(np.int64) - m)
        need_min = -(-num * m // den)
        empty = np.zeros(0, np.int64), np.zeros(0, np.int64)
        w0, w1 = lo >> 6, (hi + 63) >> 6
        width = w1 - w0
        planes: list[np.ndarray] = []
        spare = (np.empty(width, np.uint64), np.empty(width, np.uint64))
        total = 0
        bits = self._char_bits()
        ch_j, ch_q = q.chars
        rows = self._bit_row[ch_j]
        sizes = self.ch_ptr[ch_j + 1] - self.ch_ptr[ch_j]
        order = np.argsort(sizes, kind="stable").tolist()  # rarest first
        keys = [(int(ch_j[f]), int(rows[f]), int(ch_q[f])) for f in order]
        rest = sum(weight for _, _, weight in keys)  # query mass not added yet
        if rest < need_min:
            return empty
        # Small segments: bit planes cost a few microseconds per operation whatever the
        # width; counting the postings directly is cheaper (estimates in microseconds).
        if _COUNT_SMALL and not self.compacted and \
                30 + 0.004 * int(sizes.sum()) < rest * (9 + 0.006 * width):
            return self._count_candidates(q, lo, hi, num, den)
        cand = None
        next_check = 0
        for step, (j, row, weight) in enumerate(keys):
            rest -= weight
            if row >= 0:
                x = bits[row, w0:w1]
            else:
                a, b = int(self.ch_ptr[j]), int(self.ch_ptr[j + 1])
                posts = self.ch_post[a:b]
                u, v = _between(posts, w0 << 6, w1 << 6)
                if u == v:
                    continue
                x = _bitmap(posts[u:v], w0, width)
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
                cand = _at_least(planes, need_min - rest, w0, lo, hi, width // 16 if rest else
                                 None)
                if cand is not None:
                    keys = keys[step + 1:]
                    break
        if not planes:
            return empty
        if cand is None:  # the last characters were absent from the window
            cand = _at_least(planes, need_min - rest, w0, lo, hi, None)
            keys = []
        # each candidate's count so far, then the remaining characters for them alone
        rel = cand - (w0 << 6)
        word, shift = rel >> 6, (rel & 63).astype(np.uint64)
        upper = np.zeros(len(cand), np.int64)
        for i, plane in enumerate(planes):
            upper += ((plane[word] >> shift) & np.uint64(1)).astype(np.int64) << i
        n = self.lens[cand].astype(np.int64)
        big = np.maximum(n, m)
        need = big - _max_distance(big, num, den)
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
                posts = self.ch_post[int(self.ch_ptr[j]):int(self.ch_ptr[j + 1])]
                where = posts.searchsorted(cand.astype(np.uint32))
                inside = where < len(posts)
                hit = np.zeros(len(cand), bool)
                hit[inside] = posts[where[inside]] == cand[inside]
                upper += hit * weight
        lb = np.maximum(np.abs(n - m), big - upper)
        keep = lb <= _max_distance(big, num, den)
        return cand[keep], lb[keep]

    def _count_candidates(self, q: _Query, lo: int, hi: int, num: int, den: int
                          ) -> tuple[np.ndarray, np.ndarray]:
        """The same bound with an integer count per entry (small segments: the query
        characters' whole postings, counted at once)."""
        m = q.m
        ch_j, ch_q = q.chars
        a, b = self.ch_ptr[ch_j], self.ch_ptr[ch_j + 1]
        where = _gather(self.ch_post, a, b)
        weights = None
        if (ch_q > 1).any():
            weights = np.repeat(ch_q, b - a)
        counts = np.bincount(where, weights=weights, minlength=len(self))[lo:hi].astype(np.int64)
        n = self.lens[lo:hi].astype(np.int64)
        big = np.maximum(n, m)
        limit = _max_distance(big, num, den)
        lb = np.maximum(np.abs(n - m), big - counts)
        cand = np.flatnonzero(lb <= limit)
        return cand + lo, lb[cand]

    def _char_bits(self) -> np.ndarray:
        """Presence bitmaps (one bit per entry) of the characters in at least 1/64 of the
        entries (no bigger than their postings), made on first use."""
        if self._bits is None:
            self._bit_row, self._bits = _presence_bitmaps(self.ch_ptr, self.ch_post, len(self))
        return self._bits

    def _verify(self, query: str, cand: np.ndarray, lb: np.ndarray, top: TopK) -> None:
        """Levenshtein on candidates (absolute positions), best bound first, each cut off at
        the current bar; stops when no remaining bound can reach it."""
        m = len(query)
        length = np.maximum(self.lens[cand].astype(np.int64), m)
        lb = lb.astype(np.int64)
        text, offsets, ids = self.text, self.boffsets, self.ids
        while len(cand):
            num, den = top.bar()
            ok = lb <= _max_distance(length, num, den)
            if not ok.all():
                cand, lb, length = cand[ok], lb[ok], length[ok]
                if not len(cand):
                    return
            ub = (length - lb) / length
            if len(cand) > _ROUND:
                pick = np.argpartition(-ub, _ROUND - 1)[:_ROUND]
                pick = pick[np.lexsort((cand[pick], -ub[pick]))]
            else:
                pick = np.lexsort((cand, -ub))
            complete = len(pick) == len(cand)
            chosen = cand[pick]
            if len(pick) >= _BATCH:
                self._verify_batch(query, chosen, length[pick], top)
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
                d = Levenshtein.distance(query, text[start:end].decode("utf-8", _UTF8),
                                         score_cutoff=dmax)
                if d <= dmax:
                    top.offer(Hit(unit, d, L))
            if complete:
                return
            keep = np.ones(len(cand), dtype=bool)
            keep[pick] = False
            cand, lb, length = cand[keep], lb[keep], length[keep]

    def _verify_batch(self, query: str, chosen: np.ndarray, length: np.ndarray,
                      top: TopK) -> None:
        """Levenshtein on a round of candidates at once (rapidfuzz's `cdist`, one call instead
        of one per candidate), cut off at the largest distance the current bar allows."""
        num, den = top.bar()
        dmax = _max_distance(length, num, den)
        text, offsets = self.text, self.boffsets
        strings = [text[a:b].decode("utf-8", _UTF8)
                   for a, b in zip(offsets[chosen].tolist(), offsets[chosen + 1].tolist())]
        got = process.cdist([query], strings, scorer=Levenshtein.distance,
                            score_cutoff=int(dmax.max()), dtype=np.int32, workers=1)[0]
        for i in np.flatnonzero(got <= dmax).tolist():
            top.offer(Hit(int(self.ids[chosen[i]]), int(got[i]), int(length[i])))


class _Query:
    """A query's characters and bigrams, looked up in one segment when first needed."""

    def __init__(self, index: FuzzyIndex, text: str) -> None:
        self.index = index
        self.text = text
        self.m = len(text)
        self.cp = _codepoints(text)

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


def _presence_bitmaps(ptr: np.ndarray, post: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """For the keys in at least 1/64 of the n entries: a presence bitmap each (one bit per
    entry, no bigger than the postings it stands for). Returns (row of each key or -1, bits)."""
    words = (n + 63) >> 6
    dense = np.flatnonzero(np.diff(ptr) * 64 >= n)
    bits = np.empty((len(dense), words), np.uint64)
    flags = np.zeros(words * 64, bool)
    for r, j in enumerate(dense.tolist()):
        flags[:] = False
        flags[post[ptr[j]:ptr[j + 1]]] = True
        bits[r] = np.packbits(flags, bitorder="little").view(np.uint64)
    row = np.full(len(ptr) - 1, -1, np.int64)
    row[dense] = np.arange(len(dense))
    return row, bits


def _at_least(planes: list[np.ndarray], need: int, w0: int, lo: int, hi: int,
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


def _between(sorted_positions: np.ndarray, lo: int, hi: int) -> tuple[int, int]:
    """Where [lo, hi) starts and ends in a sorted uint32 array (searched in its own dtype:
    numpy would otherwise convert the whole array for every search)."""
    lo, hi = min(lo, 2**32 - 1), min(hi, 2**32 - 1)
    x, y = sorted_positions.searchsorted(np.array((lo, hi), np.uint32)).tolist()
    return x, y


def _bitmap(posts: np.ndarray, w0: int, width: int) -> np.ndarray:
    """Presence bitmap over words [w0, w0 + width) of sorted distinct entry positions."""
    rel = posts.astype(np.int64) - (w0 << 6)
    word = rel >> 6
    bit = np.left_shift(np.uint64(1), (rel & 63).astype(np.uint64))
    out = np.zeros(width, np.uint64)
    starts = np.flatnonzero(np.concatenate([[True], word[1:] != word[:-1]]))
    out[word[starts]] = np.bitwise_or.reduceat(bit, starts)
    return out


def _count(pos: np.ndarray, lo: int, hi: int) -> tuple[np.ndarray, np.ndarray]:
    """Distinct positions (sorted) and how often each occurs."""
    if len(pos) * 4 >= hi - lo:
        counts = np.bincount(pos.astype(np.int64) - lo, minlength=hi - lo)
        where = np.flatnonzero(counts)
        return where + lo, counts[where].astype(np.int64)
    pos = np.sort(pos)
    vals, starts = _run_starts(pos)
    return vals.astype(np.int64), np.diff(np.append(starts, len(pos)))


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


def merge(sources: Sequence, write: Callable[[str, np.ndarray], None], *,
          batch: int = 1 << 21, text_batch: int = 1 << 15) -> None:
    """Merge index segments without holding their postings or texts at once.

    `sources` give ``array(name)`` (ids, lens, boffsets, keys, ptrs: a few bytes per entry
    or key) and ``read(name, start, stop)`` (ranges of postings, bytes of text); `write`
    receives each output array in order, in pieces (one name after another, a name's pieces
    in order). Entries are renumbered in (length, id) order; each source's old-to-new map is
    increasing, so a posting list stays sorted once mapped and the lists of one key from
    all sources only need merging, a batch of keys at a time.
    """
    ids = [np.asarray(src.array("ids"), np.int64) for src in sources]
    lens = [np.asarray(src.array("lens"), np.int64) for src in sources]
    boff = [np.asarray(src.array("boffsets"), np.int64) for src in sources]
    all_lens = np.concatenate(lens)
    all_ids = np.concatenate(ids)
    order = np.lexsort((all_ids, all_lens))
    n = len(order)
    if n >= 2**32:  # pragma: no cover
        raise ValueError("too many entries for one index segment")
    newpos_all = np.empty(n, np.uint32)
    newpos_all[order] = np.arange(n, dtype=np.uint32)
    bases = np.concatenate([[0], np.cumsum([len(x) for x in ids])])
    newpos = [newpos_all[bases[i]:bases[i + 1]] for i in range(len(sources))]
    write("ids", all_ids[order])
    write("lens", all_lens[order].astype(np.int32))
    del all_ids, all_lens
    sizes = np.concatenate([np.diff(b) for b in boff])[order]
    out_boff = np.zeros(n + 1, np.int64)
    np.cumsum(sizes, out=out_boff[1:])
    del sizes, order, newpos_all
    write("boffsets", out_boff)
    for c0 in range(0, n, text_batch):
        c1 = min(n, c0 + text_batch)
        out = np.empty(int(out_boff[c1] - out_boff[c0]), np.uint8)
        for src, mapped, bo in zip(sources, newpos, boff):
            e0, e1 = np.searchsorted(mapped, np.array((c0, c1), np.uint32)).tolist()
            if e1 == e0:
                continue
            raw = np.asarray(src.read("text", int(bo[e0]), int(bo[e1])), np.uint8)
            length = np.diff(bo[e0:e1 + 1])
            shift = (out_boff[mapped[e0:e1]] - out_boff[c0]) - (bo[e0:e1] - bo[e0])
            out[np.repeat(shift, length) + np.arange(len(raw))] = raw
        write("text", out)
    del out_boff
    for keys_name, ptr_name, post_name in (("bg_keys", "bg_ptr", "bg_post"),
                                           ("ch_keys", "ch_ptr", "ch_post")):
        keys = [np.asarray(src.array(keys_name)) for src in sources]
        ptrs = [np.asarray(src.array(ptr_name), np.int64) for src in sources]
        union = np.unique(np.concatenate(keys)).astype(ARRAYS[keys_name])
        where = [np.searchsorted(union, k) for k in keys]
        counts = np.zeros(len(union), np.int64)
        for w, ptr in zip(where, ptrs):
            counts[w] += np.diff(ptr)
        out_ptr = np.zeros(len(union) + 1, np.int64)
        np.cumsum(counts, out=out_ptr[1:])
        write(keys_name, union)
        write(ptr_name, out_ptr)
        u0 = 0
        while u0 < len(union):
            u1 = int(np.searchsorted(out_ptr, out_ptr[u0] + batch, "right")) - 1
            u1 = min(len(union), max(u1, u0 + 1))
            pieces = []
            for src, mapped, w, ptr in zip(sources, newpos, where, ptrs):
                a, b = np.searchsorted(w, (u0, u1)).tolist()
                if b == a or ptr[a] == ptr[b]:
                    continue
                values = np.asarray(src.read(post_name, int(ptr[a]), int(ptr[b])))
                rel = np.repeat((w[a:b] - u0).astype(np.uint64), np.diff(ptr[a:b + 1]))
                pieces.append((rel << np.uint64(32)) | mapped[values].astype(np.uint64))
            if pieces:
                merged_keys = np.sort(np.concatenate(pieces))
                write(post_name, (merged_keys & np.uint64(0xFFFFFFFF)).astype(np.uint32))
            u0 = u1


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
