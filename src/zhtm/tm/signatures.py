"""Bigram signatures: a small bit set per entry that bounds the query bigrams it can hold.

Each entry's bigrams are hashed to bits of a fixed-width signature (Bloom-style, one hash).
A bigram the entry holds sets its bit, so the query bigrams an entry shares are at most
those whose bit is set in the entry's signature: summing the query counts of those gives an
upper bound of the shared bigrams (hash collisions only loosen it). The bigram bound uses it
for the commoner query bigrams, which it does not count from postings: one random read per
candidate instead of a binary search per candidate and bigram in long postings.

Made from the index's text when a segment is loaded (not persisted: the store's format does
not change); ~8 signature bits per entry bigram on average keep ~1/8 of the bits set.
"""

from __future__ import annotations

import numpy as np

from .postings import codepoints

_GOLDEN = 0x9E3779B97F4A7C15
_MASK64 = (1 << 64) - 1
# Entries' characters hashed per chunk while building (bounded temporary memory).
_CHUNK_CHARS = 1 << 22


def signature_bits(mean_length: float) -> int:
    """Signature width in bits (a power of two, 64 to 512) for entries of this mean length."""
    bits = 64
    while bits < 512 and bits < 8 * mean_length:
        bits *= 2
    return bits


def bit_of(code: int, bits: int) -> int:
    """The signature bit of a bigram code (`query.bigram_codes`), as `build` hashes it."""
    return ((code * _GOLDEN) & _MASK64) >> (64 - bits.bit_length() + 1)


def build(whole: str, starts: np.ndarray, bits: int) -> np.ndarray:
    """Signatures of the entries ``whole[starts[i]:starts[i + 1]]``: an (n, bits / 64)
    uint64 array, bit b of an entry in word ``b >> 6``, bit ``b & 63`` (`rows` gathers
    entries' signatures)."""
    n = len(starts) - 1
    width = bits // 8
    shift = np.uint64(64 - bits.bit_length() + 1)
    out = np.zeros(n * width, np.uint8)
    first = 0
    while first < n:
        # entries [first, last) hold about _CHUNK_CHARS characters
        last = int(np.searchsorted(starts, starts[first] + _CHUNK_CHARS, "right")) - 1
        last = min(max(last, first + 1), n)
        a, b = int(starts[first]), int(starts[last])
        if b - a >= 2:
            cp = codepoints(whole[a:b]).astype(np.uint64)
            lens = np.diff(starts[first:last + 1])
            owner = np.repeat(np.arange(first, last, dtype=np.int64), lens)
            same = owner[:-1] == owner[1:]
            code = ((cp[:-1] << np.uint64(21)) | cp[1:])[same]
            with np.errstate(over="ignore"):
                bit = ((code * np.uint64(_GOLDEN)) >> shift).astype(np.int64)
            flat = owner[:-1][same] * bits + bit
            flags = np.zeros((last - first) * bits, bool)
            flags[flat - first * bits] = True
            out[first * width:last * width] = np.packbits(flags, bitorder="little")
        first = last
    return out.reshape(n, width).view("<u8").astype(np.uint64, copy=False)


def rows(table: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """``table[positions]`` for an (n, w) signature table, gathered as one opaque item per
    row (numpy's 2-D row gather is several times slower than a 1-D take)."""
    whole = table.view(f"V{table.shape[1] * 8}").ravel()
    return whole[positions].view(np.uint64).reshape(len(positions), table.shape[1])


def masks(weights: dict[int, int], words: int) -> list[list[int]]:
    """Weighted bits as layered masks: ``out[k][w]`` holds, in word w, the bits of weight
    greater than k, so that ``sum_k popcount(signature & out[k])`` is the weight of the
    bits a signature has set (Python ints: a query has a few bits)."""
    out = [[0] * words for _ in range(max(weights.values(), default=0))]
    for bit, weight in weights.items():
        for layer in out[:weight]:
            layer[bit >> 6] |= 1 << (bit & 63)
    return out


def popcount(values: np.ndarray) -> np.ndarray:
    """Set bits of each uint64 (numpy's `bitwise_count` where it has one)."""
    if hasattr(np, "bitwise_count"):
        return np.bitwise_count(values)
    x = values - ((values >> np.uint64(1)) & np.uint64(0x5555555555555555))
    x = (x & np.uint64(0x3333333333333333)) + ((x >> np.uint64(2)) & np.uint64(0x3333333333333333))
    x = (x + (x >> np.uint64(4))) & np.uint64(0x0F0F0F0F0F0F0F0F)
    return (x * np.uint64(0x0101010101010101)) >> np.uint64(56)
