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

import sys
from collections.abc import Iterable, Sequence

import numpy as np

from ..text.normalize import normalize
from . import signatures, tuning
from .bigram_bound import bigram_candidates
from .char_bound import char_candidates
from .merge import merge
from .postings import (ARRAYS, UTF8, between, codepoints, count_positions, gather, lower_bound,
                       presence_bitmaps, run_starts, run_values, sorted_unique)
from .query import Query
from .scoring import Hit, TopK
from .verify import verify


class FuzzyIndex:
    """Exact fuzzy top-k index over one segment of a TM (normalised Chinese sources)."""

    def __init__(self, arrays: dict[str, np.ndarray], text: bytes | bytearray) -> None:
        self.arrays = arrays
        self.text = text  # UTF-8 (None once compacted: `strings` holds it then)
        for name in ARRAYS:
            setattr(self, name, arrays[name])
        self._bits: np.ndarray | None = None
        self._signatures: np.ndarray | None = None
        self._runs: tuple[np.ndarray, np.ndarray] | None = None
        self._first: list[int] | None = None
        self._strings: tuple[str, np.ndarray] | None = None
        self._bit_row = np.zeros(0, np.int64)
        self.bigram_bit_rows: dict[int, int] | None = None  # see `bigram_bits`
        self._bigram_bits: np.ndarray | None = None
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
        cp = codepoints(big)
        del big
        owner = np.repeat(np.arange(n, dtype=np.uint64), lens)
        # UTF-8 bytes per entry, from the code points (surrogates take 3 bytes, passed through)
        nbytes = 1 + (cp >= 0x80).astype(np.int64) + (cp >= 0x800) + (cp >= 0x10000)
        boffsets = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.bincount(owner.astype(np.int64), weights=nbytes, minlength=n).astype(np.int64),
                  out=boffsets[1:])
        del nbytes
        text = "".join([texts[i] for i in order]).encode("utf-8", UTF8)
        if len(text) != boffsets[-1]:  # pragma: no cover - the formula above is UTF-8's
            raise AssertionError("UTF-8 length mismatch")
        # characters: distinct (char, entry), sorted by char then entry
        keys, _ = sorted_unique((cp.astype(np.uint64) << np.uint64(32)) | owner)
        ch_of = (keys >> np.uint64(32)).astype(np.uint32)
        ch_post = (keys & np.uint64(0xFFFFFFFF)).astype(np.uint32)
        del keys
        ch_keys, ch_start = run_starts(ch_of)
        ch_ptr = np.append(ch_start, len(ch_of)).astype(np.int64)
        del ch_of
        # bigrams: distinct (bigram, entry), sorted by bigram then entry
        if len(cp) >= 2:
            same = owner[:-1] == owner[1:]
            code = ((cp[:-1].astype(np.uint64) << np.uint64(21)) | cp[1:])[same]
            bown = owner[:-1][same]
            del same
            if n < 2**22:
                keys, _ = sorted_unique((code << np.uint64(22)) | bown)
                bg_of = keys >> np.uint64(22)
                bg_post = (keys & np.uint64(2**22 - 1)).astype(np.uint32)
            else:  # pragma: no cover - very large segments: densify bigram codes first
                vocab, dense = np.unique(code, return_inverse=True)
                keys, _ = sorted_unique((dense.astype(np.uint64) << np.uint64(32)) | bown)
                bg_of = vocab[(keys >> np.uint64(32)).astype(np.int64)]
                bg_post = (keys & np.uint64(0xFFFFFFFF)).astype(np.uint32)
            del keys, code, bown
            bg_keys, bg_start = run_starts(bg_of)
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
        if self._strings is not None:
            whole, starts = self._strings
            return whole[starts[i]:starts[i + 1]]
        return self.text[self.boffsets[i]:self.boffsets[i + 1]].decode("utf-8", UTF8)

    def strings(self) -> tuple[str, np.ndarray]:
        """Every entry's text as one str and where each starts (entry i is
        ``whole[starts[i]:starts[i + 1]]``): slicing a str is several times cheaper than
        decoding UTF-8, and verification takes hundreds of entries a query. Made on first use."""
        if self._strings is None:
            starts = np.zeros(len(self) + 1, np.int64)
            np.cumsum(self.lens, out=starts[1:])
            self._strings = (bytes(self.text).decode("utf-8", UTF8), starts)
        return self._strings

    def nbytes(self) -> int:
        extra = 0 if self._bits is None else self._bits.nbytes
        if self._bigram_bits is not None:
            extra += self._bigram_bits.nbytes
        if self._signatures is not None:
            extra += self._signatures.nbytes
        if self._strings is not None:
            extra += sys.getsizeof(self._strings[0]) + self._strings[1].nbytes
        return sum(a.nbytes for a in self.arrays.values()) + len(self.text or b"") + extra

    def prepare(self, *, compact: bool = False) -> FuzzyIndex:
        """Make the character bitmaps now (not on the first query). With `compact`, drop the
        postings of the characters that have a bitmap (most of the character postings):
        lookups still work, saving the index does not. The text is then kept as a str
        alone (`strings`), not as UTF-8 too."""
        self.char_bits()
        if compact and not self.compacted and len(self) >= tuning.COMPACT_FROM:
            self.strings()
            self.text = None
            sizes = np.diff(self.ch_ptr)
            sizes[self._bit_row >= 0] = 0
            keep_from = self.ch_ptr[:-1][sizes > 0]
            post = gather(self.ch_post, keep_from, keep_from + sizes[sizes > 0])
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
            if self.text is None:
                raise ValueError("a compacted index (loaded for lookups) cannot be merged")
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
        starts = lower_bound(post, np.concatenate([a, a]), np.concatenate([b, b]),
                              np.concatenate([np.full(len(a), lo), np.full(len(a), hi)]))
        a, b = starts[:len(a)], starts[len(a):]
        keep = b > a
        return qi[keep], a[keep], b[keep]

    def _window(self, m: int, num: int, den: int) -> tuple[int, int]:
        lo_len = -(-num * m // den)
        hi_len = (m * den) // num if num else 1 << 62
        first = self._first_of_length()
        if first is not None:  # (a list lookup: two binary searches in `lens` cost more)
            top = len(first) - 1
            return first[min(lo_len, top)], first[min(hi_len + 1, top)]
        lo_len, hi_len = min(lo_len, 2**31 - 1), min(hi_len, 2**31 - 1)
        return (int(self.lens.searchsorted(np.int32(lo_len), "left")),
                int(self.lens.searchsorted(np.int32(hi_len), "right")))

    def _first_of_length(self) -> list[int] | None:
        """Position of the first entry at least L long, for L up to the longest entry + 1
        (a Python list, made on first use; None where the longest entry is very long)."""
        if self._first is None:
            longest = int(self.lens[-1]) if len(self) else 0
            if longest > tuning.WINDOW_TABLE_UP_TO:
                return None
            self._first = self.lens.searchsorted(
                np.arange(longest + 2, dtype=np.int32), "left").tolist()
        return self._first

    def containing(self, needle: str) -> list[int]:
        """Entry positions whose normalised text contains `needle` (normalised), in id order."""
        if not needle:
            return []
        cps = codepoints(needle)
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

    def bigram_slices(self, codes: Sequence[int]) -> dict[int, tuple[int, int]]:
        """For the bigram codes (`query.bigram_codes`) this segment holds: their postings
        [start, end) in ``bg_post`` (one binary search for them all)."""
        keys = self.bg_keys
        if not len(codes) or not len(keys):
            return {}
        wanted = np.array(codes, dtype=np.uint64)
        j = keys.searchsorted(wanted)
        np.minimum(j, len(keys) - 1, out=j)
        ptr = self.bg_ptr
        return {code: (a, b) for code, held, a, b in
                zip(wanted.tolist(), (keys[j] == wanted).tolist(), ptr[j].tolist(),
                    ptr[j + 1].tolist()) if held}

    def search(self, query: str, top: TopK,
               slices: dict[int, tuple[int, int]] | None = None) -> None:
        """Offer `top` every entry of this segment that can enter it (query normalised;
        `slices`: its bigrams' postings when already looked up, see `Query`)."""
        m = len(query)
        if m == 0 or len(self) == 0:
            return
        num, den = top.bar()
        lo, hi = self._window(m, num, den)
        if lo >= hi:
            return
        q = Query(self, query, slices)
        # 1. Candidates by the bigram bound, when it can prune and its postings are short.
        found = bigram_candidates(self, q, lo, hi, num, den)
        done = None
        if found is None and hi - lo >= tuning.SEED_FROM:
            # 2. Otherwise seed: verify the entries sharing most of the rarest bigrams. With
            #    close matches in the TM this raises the bar at once, which narrows the
            #    window and strengthens both bounds; then bigrams again, else characters.
            done = self._seed(q, lo, hi, top)
            num, den = top.bar()
            lo2, hi2 = self._window(m, num, den)
            lo, hi = max(lo, lo2), min(hi, hi2)
            if lo >= hi:
                return
            found = bigram_candidates(self, q, lo, hi, num, den)
        # 3. Verified best bound first.
        cand, lb = found if found is not None else char_candidates(self, q, lo, hi, num, den)
        if done is not None and len(cand):
            keep = ~np.isin(cand, done)
            cand, lb = cand[keep], lb[keep]
        if len(cand):
            verify(self, query, cand, lb, top)

    def _seed(self, q: Query, lo: int, hi: int, top: TopK) -> np.ndarray | None:
        """Verify the few entries of [lo, hi) that share most of the query's rarest bigrams."""
        post = self.bg_post
        parts = []
        volume = 0
        for a, b, _, _ in q.rarest_bigrams:
            x, y = between(post[a:b], lo, hi)
            if y > x:
                parts.append(post[a + x:a + y])
                volume += y - x
            if volume >= tuning.SEED_VOLUME or len(parts) >= tuning.SEED_KEYS:
                break
        if not parts:
            return None
        pos, cnt = count_positions(np.concatenate(parts), lo, hi)
        if len(pos) > tuning.SEED:
            pick = np.argpartition(-cnt, tuning.SEED - 1)[:tuning.SEED]
            pos = np.sort(pos[pick])
        n = self.lens[pos].astype(np.int64)
        verify(self, q.text, pos, np.abs(n - q.m), top)
        return pos

    def length_runs(self) -> tuple[np.ndarray, np.ndarray]:
        """The entry lengths as runs (entries are in length order): each distinct length
        (int64) and the position where its run starts (the first starts at 0)."""
        if self._runs is None:
            values, starts = run_starts(self.lens)
            self._runs = values.astype(np.int64), starts
        return self._runs

    def length_of(self, positions: np.ndarray) -> np.ndarray:
        """The lengths of entries at sorted `positions` (int64), from where each length's run
        of entries starts: a search per run, not per position, and no gather from `lens`."""
        values, starts = self.length_runs()
        return run_values(positions, starts, values)

    def signatures(self) -> np.ndarray:
        """Every entry's bigram signature (`signatures`), made on first use."""
        if self._signatures is None:
            whole, starts = self.strings()
            mean = float(starts[-1]) / max(1, len(self))
            self._signatures = signatures.build(whole, starts, signatures.signature_bits(mean))
        return self._signatures

    def bigram_bits(self) -> np.ndarray:
        """Presence bitmaps of the bigrams in at least 1/`tuning.BIGRAM_BITS_SHARE` of the
        entries, made now (a Matcher makes them for its sentence segments when it loads);
        `bigram_bit_rows` then maps such a bigram's postings start in ``bg_post`` to its
        row. The bigram bound looks the commonest skipped bigrams up in them, all at once,
        instead of searching their long postings one bigram at a time."""
        if self._bigram_bits is None:
            row, self._bigram_bits = presence_bitmaps(self.bg_ptr, self.bg_post, len(self),
                                                      tuning.BIGRAM_BITS_SHARE)
            dense = np.flatnonzero(row >= 0)
            self.bigram_bit_rows = dict(zip(self.bg_ptr[dense].tolist(), row[dense].tolist()))
        return self._bigram_bits

    def char_bits(self) -> np.ndarray:
        """Presence bitmaps (one bit per entry) of the characters in at least 1/64 of the
        entries (no bigger than their postings), made on first use."""
        if self._bits is None:
            self._bit_row, self._bits = presence_bitmaps(self.ch_ptr, self.ch_post, len(self))
        return self._bits

def search_segments(segments: Iterable[FuzzyIndex], query: str, k: int = 5,
                    min_percent: int = 70, *, ties: bool = False) -> list[Hit]:
    """Exact top-k over several segments (query given raw; normalised here); with `ties`,
    also every hit as good as the k-th."""
    query = normalize(query)
    top = TopK(k, min_percent, ties=ties)
    for segment in sorted(segments, key=len, reverse=True):
        segment.search(query, top)
    return list(top.hits)


