"""Clauses searched together (`together`) and the bigram signatures they read."""

import random
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zhtm.text.normalize import normalize
from zhtm.tm import signatures, tuning
from zhtm.tm.fuzzy import FuzzyIndex
from zhtm.tm.query import bigram_codes
from zhtm.tm.scoring import TopK, brute_force
from zhtm.tm.together import search_together

from tests.paths import BEIJING as CORPUS


def _clauses() -> list[str]:
    out = []
    for line in CORPUS.read_text(encoding="utf-8").splitlines():
        if sum("\u4e00" <= c <= "\u9fff" for c in line) > len(line) * 0.3:
            out.extend(c for c in re.split(r"(?<=[，；：。])", line) if len(c) >= 2)
    return [normalize(c) for c in out]


CLAUSES = _clauses()
CHARS = "".join(CLAUSES)


def _edit(text: str, edits: int, rng: random.Random) -> str:
    s = list(text)
    for _ in range(edits):
        i = rng.randrange(len(s) + 1)
        if rng.random() < 0.5 and i < len(s):
            s[i] = rng.choice(CHARS)
        elif rng.random() < 0.5:
            s.insert(i, rng.choice(CHARS))
        elif i < len(s) and len(s) > 1:
            del s[i]
    return "".join(s)


def test_a_signature_bounds_the_query_bigrams_an_entry_holds():
    """Summing the query counts of the bigrams whose bit an entry's signature has set is
    never below the query bigrams it holds (hash collisions may only add)."""
    rng = random.Random(5)
    texts = [_edit(rng.choice(CLAUSES), rng.randrange(4), rng) for _ in range(400)]
    starts = np.zeros(len(texts) + 1, np.int64)
    np.cumsum([len(t) for t in texts], out=starts[1:])
    held_codes = [set(bigram_codes(text)) for text in texts]
    for bits in (64, 128):
        table = signatures.build("".join(texts), starts, bits)
        for _ in range(60):
            query = _edit(rng.choice(CLAUSES), rng.randrange(6), rng)
            weights: dict[int, int] = {}
            counts: dict[int, int] = {}
            for code in bigram_codes(query):
                counts[code] = counts.get(code, 0) + 1
                bit = signatures.bit_of(code, bits)
                weights[bit] = weights.get(bit, 0) + 1
            sig = signatures.rows(table, np.arange(len(texts))[::-1])[::-1]
            held = np.zeros(len(texts), np.int64)
            for layer in signatures.masks(weights, table.shape[1]):
                for w, mask in enumerate(layer):
                    held += signatures.popcount(sig[:, w] & np.uint64(mask)).astype(np.int64)
            for i, codes in enumerate(held_codes):
                true = sum(n for code, n in counts.items() if code in codes)
                assert held[i] >= true, (query, texts[i])


def test_signatures_built_in_chunks_equal_one_chunk(monkeypatch):
    """Large indexes are signed a chunk of entries at a time (bounded memory): the same
    table as in one go."""
    rng = random.Random(9)
    texts = [_edit(rng.choice(CLAUSES), rng.randrange(4), rng) for _ in range(500)] + ["x", ""]
    starts = np.zeros(len(texts) + 1, np.int64)
    np.cumsum([len(t) for t in texts], out=starts[1:])
    whole = signatures.build("".join(texts), starts, 128)
    monkeypatch.setattr(signatures, "_CHUNK_CHARS", 37)
    assert (signatures.build("".join(texts), starts, 128) == whole).all()
    assert not whole[-2].any() and not whole[-1].any()  # no bigram in 'x' nor ''


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 2**63 - 1))
def test_popcount_counts_set_bits(value):
    x = np.array([value, value ^ (2**64 - 1)], np.uint64)
    assert signatures.popcount(x).tolist() == [bin(value).count("1"), 64 - bin(value).count("1")]


@pytest.mark.parametrize("bound", ["auto", "bigrams"])
def test_clauses_together_equal_brute_force_one_by_one(bound, monkeypatch):
    """A sentence's clauses through one segment together give, clause by clause, what a
    full scan gives (top k with every tie), at thresholds where the bigram bound serves
    them and where it does not (the one-query path); "bigrams" forces the bound wherever
    it can prune (a small segment's postings are otherwise often too long for it)."""
    monkeypatch.setattr(tuning, "FILTER", bound)
    rng = random.Random(7)
    texts = [_edit(rng.choice(CLAUSES), rng.choice([0, 0, 1, 2, 4]), rng) for _ in range(3000)]
    ids = np.arange(1, len(texts) + 1) * 2
    index = FuzzyIndex.build(ids, texts)
    parts = [FuzzyIndex.build(ids[a:b], texts[a:b]) for a, b in ((0, 2000), (2000, 3000))]
    for _ in range(60):
        clauses = [_edit(rng.choice(CLAUSES), rng.randrange(5), rng) or "中"
                   for _ in range(rng.randint(1, 5))]
        for threshold in (50, 70, 80, 95):
            for segments in ([index], parts):
                tops = [TopK(3, threshold, ties=True) for _ in clauses]
                codes = sorted({c for q in clauses for c in bigram_codes(q)})
                for segment in segments:
                    search_together(segment, clauses, tops, segment.bigram_slices(codes))
                for q, top in zip(clauses, tops):
                    assert top.hits == brute_force(ids, texts, q, 3, threshold, ties=True), \
                        (q, threshold)
