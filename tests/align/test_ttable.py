"""The reusable translation table: IBM Model 1 by EM, both directions, dictionary seed, links."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from zhtm.align.ttable import Ragged, TranslationTable, train_ibm1

# Written for these tests: each word appears with different company, so co-occurrence alone
# singles out its translation.
PAIRS = [(["猫", "吃", "鱼"], ["cat", "eat", "fish"]),
         (["狗", "吃", "肉"], ["dog", "eat", "meat"]),
         (["猫", "睡"], ["cat", "sleep"]),
         (["狗", "睡"], ["dog", "sleep"]),
         (["鱼", "游"], ["fish", "swim"]),
         (["肉", "香"], ["meat", "smell"])]


def test_em_finds_each_words_translation_from_cooccurrence() -> None:
    table = TranslationTable.train(PAIRS, iterations=10)
    for zh, en in [("猫", "cat"), ("狗", "dog"), ("吃", "eat"), ("睡", "sleep"), ("鱼", "fish")]:
        assert table.translations(zh, k=1)[0][0] == en
        assert table.prob(en, zh) > 0.6
        assert table.prob_zh(zh, en) > 0.6


def test_probabilities_are_distributions_and_unknown_words_are_zero() -> None:
    table = TranslationTable.train(PAIRS)
    for zh in ["猫", "吃", "香"]:
        assert abs(sum(p for _, p in table.translations(zh, k=100)) - 1.0) < 1e-9
    assert table.prob("cat", "象") == 0.0
    assert table.prob("elephant", "猫") == 0.0
    assert table.translations("象") == []


def test_dictionary_prior_decides_what_one_pair_cannot() -> None:
    # One sentence pair: the data alone cannot tell which word translates which.
    one = [(["猫", "吃", "鱼"], ["cat", "eat", "fish"])]
    plain = TranslationTable.train(one)
    assert abs(plain.prob("cat", "猫") - plain.prob("fish", "猫")) < 1e-6
    dictionary = {"猫": ["cat"], "鱼": ["fish"]}
    seeded = TranslationTable.train(one, prior=dictionary)
    assert seeded.translations("猫", k=1)[0][0] == "cat"
    assert seeded.translations("鱼", k=1)[0][0] == "fish"
    seeded_fn = TranslationTable.train(one, prior=lambda w: dictionary.get(w, []))
    assert seeded_fn.prob("cat", "猫") == seeded.prob("cat", "猫")


def test_links_pair_each_word_with_its_translation() -> None:
    table = TranslationTable.train(PAIRS, iterations=10)
    links = table.links(["猫", "吃", "鱼"], ["the", "cat", "eat", "fish"])
    assert [(i, j) for i, j, _ in links] == [(0, 1), (1, 2), (2, 3)]
    assert all(0 < score <= 1 for _, _, score in links)
    assert table.links([], ["cat"]) == []


def test_training_is_deterministic() -> None:
    a = TranslationTable.train(PAIRS)
    b = TranslationTable.train(list(PAIRS))
    assert np.array_equal(a.en_given_zh.probs, b.en_given_zh.probs)
    assert a.translations("吃", k=5) == b.translations("吃", k=5)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.lists(st.integers(0, 6), max_size=5),
                          st.lists(st.integers(0, 8), max_size=5)), max_size=8),
       st.lists(st.lists(st.integers(0, 8), max_size=3), min_size=7, max_size=7))
def test_em_rows_sum_to_one_for_any_pairs(pairs, prior) -> None:
    table = train_ibm1(pairs, 7, 9, prior=prior, iterations=3)
    sums = np.bincount(np.repeat(np.arange(7), np.diff(table.indptr)), weights=table.probs,
                       minlength=7)
    seen = {s for src, tgt in pairs if tgt for s in src} | {s for s, t in enumerate(prior) if t}
    for s in range(7):
        assert abs(sums[s] - (1.0 if s in seen else 0.0)) < 1e-9
    assert np.all(table.probs >= 0)


def test_ragged_from_lists() -> None:
    r = Ragged.from_lists([[1, 2], [], [3]])
    assert r.ptr.tolist() == [0, 2, 2, 3]
    assert r.flat.tolist() == [1, 2, 3]
    assert r.lengths().tolist() == [2, 0, 1]
