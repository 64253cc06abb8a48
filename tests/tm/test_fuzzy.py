"""Similarity as OmegaT computes it, and the exact index against a brute-force scan."""

import random
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz.distance import Levenshtein

from zhtm.text.normalize import normalize
from zhtm.tm import tuning
from zhtm.tm.fuzzy import FuzzyIndex, search_segments
from zhtm.tm.scoring import Hit, TopK, brute_force, percent, similarity

from tests.paths import BEIJING as CORPUS


def _sentences() -> list[str]:
    out = []
    for line in CORPUS.read_text(encoding="utf-8").splitlines():
        if sum("\u4e00" <= c <= "\u9fff" for c in line) > len(line) * 0.3:
            out.extend(s for s in re.split(r"(?<=[。;!?])", line) if len(s) > 3)
    return out


SENTENCES = _sentences()
CHARS = "".join(SENTENCES)


def _edit(text: str, edits: int, rng: random.Random) -> str:
    s = list(text)
    for _ in range(edits):
        i = rng.randrange(len(s) + 1)
        op = rng.random()
        if op < 0.5 and i < len(s):
            s[i] = rng.choice(CHARS)
        elif op < 0.75:
            s.insert(i, rng.choice(CHARS))
        elif i < len(s) and len(s) > 1:
            del s[i]
    return "".join(s)


def _tm(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return [normalize(_edit(rng.choice(SENTENCES), rng.choice([0, 1, 3, 8, 20]), rng))
            for _ in range(n)]


def assert_both_candidate_paths(index, q, k, threshold, want) -> None:
    """Each way of picking candidates gives brute force's list: the bigram bound, and the
    character bound by integer counting (small segments) or bit planes (large ones)."""
    try:
        for bound, counts in (("bigrams", True), ("chars", True), ("chars", False)):
            tuning.FILTER, tuning.COUNT_SMALL = bound, counts
            assert search_segments([index], q, k, threshold) == want, (bound, counts)
    finally:
        tuning.FILTER, tuning.COUNT_SMALL = "auto", True


def test_percent_is_exact_integer_arithmetic():
    assert percent(3, 10) == 70                 # 0.7 exactly, no 69 from float rounding
    assert percent(30, 100) == 70
    assert percent(1, 3) == 66
    assert percent(0, 0) == 100
    for length in range(1, 300):
        for d in range(length + 1):
            assert percent(d, length) == int(100 * (length - d) // length)


def test_similarity_is_omegat_per_character_score():
    assert similarity("推进京津冀协同发展", "推进京津冀发展") == 1 - 2 / 9
    assert similarity("ＡＢＣ，", "abc,") == 1.0


def test_topk_orders_by_score_then_id_and_respects_minimum():
    top = TopK(2, 70)
    for hit in (Hit(5, 1, 10), Hit(3, 1, 10), Hit(9, 0, 4), Hit(1, 4, 10)):
        top.offer(hit)
    assert [(h.unit_id, h.percent) for h in top.hits] == [(9, 100), (3, 90)]


def test_topk_with_ties_keeps_every_hit_as_good_as_the_kth():
    top = TopK(2, 50, ties=True)
    for hit in (Hit(5, 1, 10), Hit(3, 1, 10), Hit(9, 0, 4), Hit(1, 2, 10), Hit(7, 1, 10)):
        top.offer(hit)
    assert [(h.unit_id, h.percent) for h in top.hits] == [(9, 100), (3, 90), (5, 90), (7, 90)]
    top.offer(Hit(2, 0, 8))                         # a better one pushes the 90s out
    assert [(h.unit_id, h.percent) for h in top.hits] == [(2, 100), (9, 100)]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 12), st.integers(1, 12)), max_size=60),
       st.integers(1, 4), st.booleans(), st.sampled_from([0, 50, 70, 90]))
def test_topk_equals_sorting_every_hit_by_exact_score_then_id(pairs, k, ties, minimum):
    """TopK's binary search on float keys gives what sorting by exact rationals gives,
    whatever the order hits arrive in (many equal ratios such as 2/4 and 3/6 included)."""
    from fractions import Fraction

    hits = [Hit(i, min(d, n), n) for i, (d, n) in enumerate(pairs)]
    top = TopK(k, minimum, ties=ties)
    for hit in reversed(hits):
        top.offer(hit)
    ranked = sorted((h for h in hits if 100 * (h.length - h.distance) >= minimum * h.length),
                    key=lambda h: (-Fraction(h.length - h.distance, h.length), h.unit_id))
    if ties and len(ranked) > k:
        kth = Fraction(ranked[k - 1].length - ranked[k - 1].distance, ranked[k - 1].length)
        want = [h for h in ranked if Fraction(h.length - h.distance, h.length) >= kth]
    else:
        want = ranked[:k]
    assert top.hits == want


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 12), st.integers(1, 12)), max_size=40),
       st.integers(1, 4), st.booleans(), st.sampled_from([0, 50, 70, 90]))
def test_topk_bar_after_every_offer_is_that_of_its_kth_hit(pairs, k, ties, minimum):
    """The bar is kept between offers (verification asks for it after every hit): after
    each offer it equals the bar worked out afresh from the k-th hit (the minimum until
    there are k hits)."""
    top = TopK(k, minimum, ties=ties)
    for i, (d, n) in enumerate(pairs):
        top.offer(Hit(i, min(d, n), n))
        if len(top.hits) < k:
            want = (minimum, 100)
        else:
            kth = top.hits[k - 1]
            want = (kth.length - kth.distance, kth.length)
        assert top.bar() == want


def test_ties_are_all_found_among_many_duplicates():
    """Duplicated sources (the same Chinese with several English) tie exactly: the index
    must find every one of them, as a full scan does."""
    rng = random.Random(5)
    texts = [normalize(s) for s in rng.sample(SENTENCES, 60) for _ in range(rng.randint(1, 6))]
    ids = np.arange(1, len(texts) + 1)
    index = FuzzyIndex.build(ids, texts)
    longer = 0
    for q in texts[::7] + [_edit(t, 2, rng) for t in texts[::11]]:
        for k in (1, 3):
            for threshold in (50, 75):
                want = brute_force(ids, texts, q, k, threshold, ties=True)
                assert search_segments([index], q, k, threshold, ties=True) == want
                longer += len(want) > k
    assert longer > 10                              # the ties did go past k


def _scores(hits):
    return [(h.length - h.distance, h.length) for h in hits]


@pytest.fixture(scope="module")
def tm():
    texts = _tm(3000, 7)
    ids = np.arange(1, len(texts) + 1) * 3        # store ids need not be dense
    return ids, texts, FuzzyIndex.build(ids, texts)


@pytest.fixture(scope="module")
def brute_cache():
    return {}


@pytest.fixture(params=["bigrams", "char counts", "char bit planes", "auto seeded chunked"])
def path(request, monkeypatch):
    """Force each way of picking candidates (the bigram bound; the character bound counted
    with integers as in small segments, or in bit planes as in large ones) so that each is
    checked against brute force; and the seed and verification in many chunks, which only
    large segments use."""
    
    bound = {"bigrams": "bigrams", "auto seeded chunked": "auto"}.get(request.param, "chars")
    monkeypatch.setattr(tuning, "FILTER", bound)
    monkeypatch.setattr(tuning, "COUNT_SMALL", request.param != "char bit planes")
    if request.param == "auto seeded chunked":
        monkeypatch.setattr(tuning, "SEED_FROM", 0)
        monkeypatch.setattr(tuning, "ROUND", 2)
    return request.param


def test_exact_against_brute_force_on_real_sentences(tm, path, brute_cache):
    ids, texts, index = tm

    def _brute_top20(q, threshold):
        # Brute force once per query and bar for all four candidate paths; the top k is a
        # prefix of the top 20 because the order (score, then id) is total.
        if (q, threshold) not in brute_cache:
            brute_cache[q, threshold] = brute_force(ids, texts, q, 20, threshold)
        return brute_cache[q, threshold]

    rng = random.Random(11)
    queries = ([rng.choice(texts) for _ in range(40)]                                  # copies
               + [_edit(rng.choice(SENTENCES), rng.choice([1, 2, 5, 10, 15]), rng)     # near
                  for _ in range(80)]
               + ["新一年的工作要坚持稳中求进工作总基调。", "我们将建设更加美丽的城市,让人民满意。",  # novel
                  "中", "北京", "2024年", "ok"])
    for threshold in (0, 30, 50, 70, 80, 100):
        for q in queries:
            want = _brute_top20(q, threshold)
            for k in (1, 5, 20):
                got = search_segments([index], q, k, threshold)
                assert got == want[:k], (q, threshold, k)   # same scores, same ids, same order
        for q in queries[::4]:                          # and every hit as good as the k-th
            got = search_segments([index], q, 2, threshold, ties=True)
            if (q, threshold, "ties") not in brute_cache:
                brute_cache[q, threshold, "ties"] = brute_force(ids, texts, q, 2, threshold,
                                                                ties=True)
            assert got == brute_cache[q, threshold, "ties"], (q, threshold)


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_exact_property(tm, data):
    ids, texts, index = tm
    base = data.draw(st.sampled_from(texts))
    edits = data.draw(st.integers(0, 25))
    seed = data.draw(st.integers(0, 10**6))
    q = _edit(base, edits, random.Random(seed)) or "中"
    threshold = data.draw(st.sampled_from([50, 60, 70, 75, 80, 90]))
    k = data.draw(st.integers(1, 8))
    want = brute_force(ids, texts, q, k, threshold)
    assert_both_candidate_paths(index, q, k, threshold, want)


def test_segments_together_equal_one_index(tm):
    ids, texts, _ = tm
    parts = [FuzzyIndex.build(ids[a:b], texts[a:b]) for a, b in ((0, 1000), (1000, 2500), (2500, 3000))]
    rng = random.Random(3)
    for _ in range(50):
        q = _edit(rng.choice(texts), rng.randrange(10), rng)
        assert search_segments(parts, q, 5, 60) == brute_force(ids, texts, q, 5, 60)


def test_bigram_bitmaps_of_common_bigrams_give_brute_forces_hits(tm, monkeypatch):
    """The bigram bound looks the skipped bigrams that have a presence bitmap up in their
    bitmaps, all at once: each bitmap holds exactly its bigram's postings, and the hits
    equal brute force's (ties too) with the bitmaps in use."""
    from zhtm.tm import bigram_bound

    ids, texts, _ = tm
    index = FuzzyIndex.build(ids, texts)
    monkeypatch.setattr(tuning, "BIGRAM_BITS_SHARE", 16)
    bits = index.bigram_bits()
    sizes = np.diff(index.bg_ptr)
    dense = np.flatnonzero(sizes * 16 >= len(index))
    assert 0 < len(dense) < len(sizes)
    assert index.bigram_bit_rows == dict(zip(index.bg_ptr[dense].tolist(), range(len(dense))))
    for j in dense[::7].tolist():
        flags = np.unpackbits(bits[index.bigram_bit_rows[int(index.bg_ptr[j])]].view(np.uint8),
                              bitorder="little")[:len(index)]
        assert np.flatnonzero(flags).tolist() == \
            index.bg_post[index.bg_ptr[j]:index.bg_ptr[j + 1]].tolist()
    used = []
    absent_weight = bigram_bound._absent_weight
    monkeypatch.setattr(bigram_bound, "_absent_weight",
                        lambda *a: used.append(1) or absent_weight(*a))
    monkeypatch.setattr(tuning, "FILTER", "bigrams")
    monkeypatch.setattr(tuning, "REFINE_DOWN_TO", 0)  # refine through every skipped bigram
    rng = random.Random(17)
    for _ in range(60):
        q = _edit(rng.choice(texts), rng.choice([0, 2, 5, 9]), rng)
        for threshold in (60, 70, 85):
            for k, ties in ((5, False), (2, True)):
                want = brute_force(ids, texts, q, k, threshold, ties=ties)
                assert search_segments([index], q, k, threshold, ties=ties) == want
    assert len(used) > 100


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 300), st.lists(st.tuples(st.integers(0, 3), st.integers(1, 3)),
                                      min_size=1, max_size=5), st.integers(0, 10**6))
def test_absent_weight_counts_the_weight_of_the_bitmaps_an_entry_lacks(n, dense, seed):
    from zhtm.tm.bigram_bound import _absent_weight

    rng = np.random.default_rng(seed)
    flags = rng.random((4, n)) < 0.5
    bits = np.stack([np.packbits(np.append(f, np.zeros(-n % 64, bool)), bitorder="little")
                     .view(np.uint64) for f in flags])
    pos = np.unique(rng.integers(0, n, 20)).astype(np.uint32)
    want = [sum(w for r, w in dense if not flags[r, p]) for p in pos.tolist()]
    assert _absent_weight(bits, dense, pos).tolist() == want


def test_bigram_bound_holds_where_a_longer_entry_needs_fewer_bigrams():
    """With the bar at 41/42, a 41-character query needs all its 40 bigrams from a
    41-character entry but only 39 from a 42-character one (ceil rounds), so the prefix of
    rare bigrams must be sized for the least need in the window: here the rarest query
    bigram is the one a deletion made, absent from the tied copies in the second segment."""
    sentence = next(s for s in map(normalize, SENTENCES) if len(s) == 42)
    cut = next(p for p in range(10, 40) if sentence[p - 1] + sentence[p + 1] not in sentence)
    query = sentence[:cut] + sentence[cut + 1:]
    rare = "某某" + sentence[cut - 1] + sentence[cut + 1] + "某某某"  # holds the new bigram
    first_ids, first = list(range(100, 110)), [sentence] * 10
    second_ids, second = [1, 2, 3, 4], [sentence] * 3 + [rare]
    segments = [FuzzyIndex.build(first_ids, first), FuzzyIndex.build(second_ids, second)]
    want = brute_force(first_ids + second_ids, first + second, query, 5, 70)
    assert [h.unit_id for h in want] == [1, 2, 3, 100, 101]
    for bound in ("bigrams", "chars"):
        tuning.FILTER = bound
        try:
            assert search_segments(segments, query, 5, 70) == want, bound
        finally:
            tuning.FILTER = "auto"


@settings(max_examples=300, deadline=None)
@given(st.integers(2, 80), st.integers(0, 400), st.integers(1, 100), st.integers(1, 100))
def test_least_need_is_the_minimum_over_every_length_of_the_window(m, longest, num, den):
    """`least_need` looks at the first `den` lengths only (the need grows past them): it
    equals the minimum of ``L - 1 - 2 dmax(L)`` over every length of the window."""
    from zhtm.tm.bigram_bound import least_need
    from zhtm.tm.scoring import max_distance

    num = min(num, den)
    if 2 * num <= den:  # the bound is not used there (the need is below one bigram)
        return
    lengths = np.arange(m, max(m, longest) + 1, dtype=np.int64)
    assert least_need(m, longest, num, den) == int(
        (lengths - 1 - 2 * max_distance(lengths, num, den)).min())


def test_brute_force_matches_rapidfuzz_cutoff_semantics(tm):
    ids, texts, index = tm
    q = texts[17]
    got = [h.similarity for h in search_segments([index], q, 5, 70)]
    # rapidfuzz's score_cutoff drops scores exactly on the cutoff: pass t - 1e-9
    from rapidfuzz import process
    ref = process.extract(q, texts, scorer=Levenshtein.normalized_similarity,
                          score_cutoff=0.7 - 1e-9, limit=5)
    assert got == pytest.approx([r[1] for r in ref])


def test_blobs_round_trip(tm):
    ids, texts, index = tm
    again = FuzzyIndex.from_blobs(index.to_blobs())
    assert len(again) == len(index)
    assert [again.entry_text(i) for i in range(len(again))] == \
        [index.entry_text(i) for i in range(len(index))]
    q = texts[100]
    assert search_segments([again], q, 5, 50) == search_segments([index], q, 5, 50)


def test_containing_finds_every_substring_occurrence(tm):
    ids, texts, index = tm
    for needle in ("京津冀", "中", "协同发展", "2023", "不存在的字符串"):
        got = sorted(int(index.ids[i]) for i in index.containing(needle))
        assert got == [int(i) for i, t in zip(ids, texts) if needle in t]


def test_non_bmp_and_short_texts():
    texts = ["𠮷野家", "𠮷", "a", "", "ab"]
    index = FuzzyIndex.build(range(len(texts)), texts)
    for q in ("𠮷野", "a", "b", "𠮷野家。"):
        assert search_segments([index], q, 5, 0) == brute_force(range(len(texts)), texts, q, 5, 0)


@pytest.fixture(scope="module")
def small_alphabet():
    # few characters, many repeats: every entry shares characters with every query, counts
    # (not presence) decide, and frequent characters take the bitmap path, rare ones the
    # postings path
    rng = random.Random(5)
    alphabet = "中国人民发展" * 20 + "abcdefghij" + "京津冀"
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 40))) for _ in range(2500)]
    return list(range(1, len(texts) + 1)), texts, FuzzyIndex.build(range(1, len(texts) + 1), texts)


@settings(max_examples=80, deadline=None)
@given(st.data())
def test_exact_on_a_small_alphabet(small_alphabet, data):
    ids, texts, index = small_alphabet
    q = data.draw(st.text(alphabet="中国人民发展abcdefghij京津冀x", min_size=1, max_size=45))
    threshold = data.draw(st.sampled_from([0, 10, 40, 50, 60, 70, 80, 95, 100]))
    k = data.draw(st.sampled_from([1, 5, 12]))
    want = brute_force(ids, texts, q, k, threshold)
    assert_both_candidate_paths(index, q, k, threshold, want)


def test_merged_segments_equal_one_build(tm):
    from zhtm.tm.merge import merge
    from zhtm.tm.postings import ARRAYS

    ids, texts, index = tm
    extra = ["𠮷野家", "a", ""]
    ids = list(ids) + [10**6, 10**6 + 1, 10**6 + 2]
    texts = list(texts) + extra
    whole = FuzzyIndex.build(ids, texts)
    parts = [FuzzyIndex.build(ids[a:b], texts[a:b]) for a, b in ((0, 1000), (1000, 2500),
                                                                  (2500, len(ids)))]
    pieces: dict = {}
    merge(parts, lambda name, data: pieces.setdefault(name, []).append(np.asarray(data)),
          batch=500, text_batch=97)                    # many small batches
    for name in ARRAYS:
        assert np.array_equal(np.concatenate(pieces[name]), whole.arrays[name]), name
    assert np.concatenate(pieces["text"]).tobytes() == whole.text
    again = FuzzyIndex.merged([FuzzyIndex.merged(parts[:2]), parts[2]])
    assert again.text == whole.text
    assert all(np.array_equal(again.arrays[n], whole.arrays[n]) for n in ARRAYS)


def test_compacted_index_answers_the_same(tm, monkeypatch):
    """Large loaded segments drop the postings of characters that have a bitmap."""
    ids, texts, _ = tm
    monkeypatch.setattr(tuning, "COMPACT_FROM", 0)
    index = FuzzyIndex.build(ids, texts).prepare(compact=True)
    assert index.compacted and len(index.ch_post) < sum(len(t) for t in texts) / 4
    with pytest.raises(ValueError):
        index.to_blobs()
    rng = random.Random(8)
    for _ in range(60):
        q = _edit(rng.choice(texts), rng.randrange(12), rng)
        for t in (0, 50, 70, 90):
            assert search_segments([index], q, 5, t) == brute_force(ids, texts, q, 5, t)
    for needle in ("京", "中", "协同发展", "不", "𠮷"):
        got = sorted(int(index.ids[i]) for i in index.containing(needle))
        assert got == [int(i) for i, t in zip(ids, texts) if needle in t]
    # the text is kept once, as a str (not UTF-8 too): each entry reads back the same
    assert index.text is None
    assert [index.entry_text(i) for i in range(len(index))] == \
        [texts[i] for i in np.lexsort((ids, [len(t) for t in texts]))]
    with pytest.raises(ValueError):
        FuzzyIndex.merged([index, index])


def test_brute_force_equals_offering_every_entry():
    """The reference itself: its shortcut (only entries near the k-th best reach TopK) gives
    what offering every entry gives, ties included, on real sentences and many duplicates."""
    texts = _tm(600, 5) + ["", "北京"] * 20
    ids = list(range(7, 7 + 2 * len(texts), 2))
    rng = random.Random(3)
    for q in [rng.choice(texts) for _ in range(15)] + ["", "北京", "中"]:
        for threshold in (0, 50, 80, 100):
            for k, ties in ((1, False), (5, False), (3, True)):
                every = TopK(k, threshold, ties=ties)
                nq = normalize(q)
                for unit_id, text in zip(ids, texts):
                    every.offer(Hit(unit_id, Levenshtein.distance(nq, text), max(len(nq), len(text))))
                assert brute_force(ids, texts, q, k, threshold, ties=ties) == every.hits


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(1, 40), min_size=1, max_size=60), st.integers(1, 60),
       st.integers(0, 100), st.sampled_from([100, 7, 41]))
def test_length_window_from_the_list_equals_binary_search(lengths, m, num, den):
    """A length window found in the per-length list is the one two binary searches in the
    entries' lengths find (lengths no entry has, a bar of 0 and of 1 included)."""
    num = min(num, den)
    index = FuzzyIndex.build(np.arange(len(lengths)), ["中" * n for n in lengths])
    listed = index._window(m, num, den)
    old, tuning.WINDOW_TABLE_UP_TO = tuning.WINDOW_TABLE_UP_TO, 0
    try:
        index._first = None
        assert index._window(m, num, den) == listed
    finally:
        tuning.WINDOW_TABLE_UP_TO = old


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(1, 12), min_size=1, max_size=60), st.data())
def test_lengths_found_from_the_length_runs_equal_the_entries_lengths(lengths, data):
    """`length_of` (a search per run of equal lengths, then a repeat) gives each sorted
    position its entry's length, as reading `lens` would; runs of one entry, positions
    repeated and positions in the first and last runs included."""
    texts = ["中" * n for n in lengths]
    index = FuzzyIndex.build(np.arange(len(texts)), texts)
    positions = np.array(sorted(data.draw(st.lists(st.integers(0, len(texts) - 1), max_size=80))),
                         dtype=data.draw(st.sampled_from([np.int64, np.uint32])))
    assert index.length_of(positions).tolist() == index.lens[positions].tolist()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 50), min_size=1, max_size=30), st.data())
def test_run_values_give_each_key_the_value_of_its_run(bounds, data):
    """`run_values` against a search per key: keys in tagged blocks (as `together` makes
    them) and keys equal to a run's first bound."""
    from zhtm.tm.postings import run_values

    bounds = np.array(sorted(set(bounds) | {0}), np.uint64)
    values = np.arange(len(bounds), dtype=np.int64) * 7 + 3
    top = int(bounds[-1]) + 5
    keys = np.array(sorted(data.draw(st.lists(st.integers(0, top), max_size=100))), np.uint64)
    expected = values[np.searchsorted(bounds, keys, "right") - 1]
    assert run_values(keys, bounds, values).tolist() == expected.tolist()
