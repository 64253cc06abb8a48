"""The arrays an index segment is made of, and the numpy operations on sorted postings."""

from __future__ import annotations

import numpy as np

# Arrays an index persists, with their dtypes; "text" is every entry's UTF-8 bytes (lone
# surrogates passed through) in entry order, entry i at text[boffsets[i]:boffsets[i + 1]].
ARRAYS: dict[str, str] = {
    "ids": "<i8", "lens": "<i4", "boffsets": "<i8",
    "bg_keys": "<u8", "bg_ptr": "<i8", "bg_post": "<u4",
    "ch_keys": "<u4", "ch_ptr": "<i8", "ch_post": "<u4",
}
UTF8 = "surrogatepass"


def sorted_unique(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct values in order and the index where each run starts (sort-based: numpy's
    hash-based `unique` is several times slower on tens of millions of keys)."""
    return run_starts(np.sort(values, kind="stable" if values.dtype.itemsize <= 2 else None))


def run_starts(sorted_values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For an already sorted array: its distinct values and where each run starts."""
    if not len(sorted_values):
        return sorted_values, np.zeros(0, np.int64)
    first = np.empty(len(sorted_values), dtype=bool)
    first[0] = True
    np.not_equal(sorted_values[1:], sorted_values[:-1], out=first[1:])
    starts = first.nonzero()[0]
    return sorted_values[starts], starts


def run_values(keys: np.ndarray, bounds: np.ndarray, values: np.ndarray) -> np.ndarray:
    """For sorted `keys`: the value of the run each falls into, run i holding the keys in
    [bounds[i], bounds[i + 1]) (the last one open-ended) with value ``values[i]``; `bounds`
    sorted, ``bounds[0] <= keys[0]``. A search per run and one repeat, not a search per key."""
    cuts = keys.searchsorted(bounds.astype(keys.dtype, copy=False))
    counts = np.empty(len(cuts), np.int64)
    np.subtract(cuts[1:], cuts[:-1], out=counts[:-1])
    counts[-1:] = len(keys) - cuts[-1:]
    return np.repeat(values, counts)


def codepoints(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le"), dtype="<u4")


def presence_bitmaps(ptr: np.ndarray, post: np.ndarray, n: int, share: int = 64
                     ) -> tuple[np.ndarray, np.ndarray]:
    """For the keys in at least 1/`share` of the n entries: a presence bitmap each (one bit
    per entry; with the default 64, no bigger than the postings it stands for). Returns
    (row of each key or -1, bits)."""
    words = (n + 63) >> 6
    dense = np.flatnonzero(np.diff(ptr) * share >= n)
    bits = np.empty((len(dense), words), np.uint64)
    flags = np.zeros(words * 64, bool)
    for r, j in enumerate(dense.tolist()):
        flags[:] = False
        flags[post[ptr[j]:ptr[j + 1]]] = True
        bits[r] = np.packbits(flags, bitorder="little").view(np.uint64)
    row = np.full(len(ptr) - 1, -1, np.int64)
    row[dense] = np.arange(len(dense))
    return row, bits


def between(sorted_positions: np.ndarray, lo: int, hi: int) -> tuple[int, int]:
    """Where [lo, hi) starts and ends in a sorted uint32 array (searched in its own dtype:
    numpy would otherwise convert the whole array for every search)."""
    lo, hi = min(lo, 2**32 - 1), min(hi, 2**32 - 1)
    x, y = sorted_positions.searchsorted(np.array((lo, hi), np.uint32)).tolist()
    return x, y


def bitmap(posts: np.ndarray, w0: int, width: int) -> np.ndarray:
    """Presence bitmap over words [w0, w0 + width) of sorted distinct entry positions."""
    rel = posts.astype(np.int64) - (w0 << 6)
    word = rel >> 6
    bit = np.left_shift(np.uint64(1), (rel & 63).astype(np.uint64))
    out = np.zeros(width, np.uint64)
    starts = np.flatnonzero(np.concatenate([[True], word[1:] != word[:-1]]))
    out[word[starts]] = np.bitwise_or.reduceat(bit, starts)
    return out


def count_positions(pos: np.ndarray, lo: int, hi: int) -> tuple[np.ndarray, np.ndarray]:
    """Distinct positions (sorted) and how often each occurs (plain array operations: on
    the few thousand positions of a query numpy's helpers cost more than the work)."""
    if len(pos) * 4 >= hi - lo:
        counts = np.bincount(pos.astype(np.int64) - lo, minlength=hi - lo)
        where = counts.nonzero()[0]
        return where + lo, counts[where].astype(np.int64)
    pos = np.sort(pos)
    vals, starts = run_starts(pos)
    counts = np.empty(len(starts), np.int64)
    counts[:-1] = starts[1:] - starts[:-1]
    counts[-1] = len(pos) - starts[-1]
    return vals.astype(np.int64), counts


def lower_bound(post: np.ndarray, a: np.ndarray, b: np.ndarray, value: np.ndarray) -> np.ndarray:
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


def gather(values: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """values[a0:b0] ++ values[a1:b1] ++ ... without a Python loop."""
    sizes = b - a
    total = int(sizes.sum())
    if total == 0:
        return values[:0]
    starts = np.repeat(a - np.cumsum(sizes) + sizes, sizes)
    return values[starts + np.arange(total)]
