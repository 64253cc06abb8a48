"""A word translation table learned by EM (IBM Model 1) from sentence pairs, seeded by a dictionary.

Reusable outside the aligner (e.g. to find the English span of a Chinese clause inside a TU)::

    from zhtm.align.ttable import TranslationTable
    table = TranslationTable.train(
        [(["推进", "协同", "发展"], ["promote", "coordinated", "development"]), ...],
        prior=lambda zh_word: cedict_english_words(zh_word),   # optional seed
    )
    table.prob("development", "发展")      # p(en word | zh word)
    table.prob_zh("发展", "development")   # p(zh word | en word)
    table.translations("发展", k=3)        # [("development", 0.81), ...]
    table.links(zh_tokens, en_tokens)      # [(zh index, en index, score), ...]

Training runs IBM Model 1 in both directions (p(en | zh) and p(zh | en), each with a NULL
word) for a few EM iterations. The prior is a Dirichlet-style seed: every (zh, en) pair the
prior lists gets ``prior_weight`` pseudo-counts shared over the word's listed translations,
so a dictionary steers the first iterations and the data decides once it has evidence.
``links`` keeps a pair when each word is the other's best partner in the sentence pair (the
intersection of the two directions, the usual high-precision symmetrisation), then adds
pairs whose probability in both directions is at least ``min_prob``.

Tokens are whatever strings the caller uses (words, stems, anchors); the table never
normalises them. Everything is numpy and deterministic: the same pairs give the same table.

For speed on integer ids (no strings), ``train_ibm1_ragged`` takes the pairs as two ``Ragged``
arrays and returns a row-sparse ``SparseTable``; the aligner uses that directly, with
CC-CEDICT glosses as the prior, on the beads of its first pass.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

Pairs = Sequence[tuple[Sequence[str], Sequence[str]]]
Prior = Callable[[str], Iterable[str]] | Mapping[str, Iterable[str]] | None


@dataclass(slots=True)
class SparseTable:
    """Row-sparse conditional probabilities p(target | source) over integer ids.

    Row ``s`` holds ``targets[indptr[s]:indptr[s+1]]`` with ``probs`` (sorted by target id);
    ``null`` is p(target | NULL) per target id."""

    indptr: np.ndarray
    targets: np.ndarray
    probs: np.ndarray
    null: np.ndarray

    def row(self, source: int) -> tuple[np.ndarray, np.ndarray]:
        a, b = self.indptr[source], self.indptr[source + 1]
        return self.targets[a:b], self.probs[a:b]

    def lookup(self, source: int, target: int) -> float:
        t, p = self.row(source)
        k = int(np.searchsorted(t, target))
        return float(p[k]) if k < len(t) and t[k] == target else 0.0


@dataclass(frozen=True, slots=True)
class Ragged:
    """A list of id arrays in one flat array: item k is ``flat[ptr[k]:ptr[k + 1]]``."""

    ptr: np.ndarray
    flat: np.ndarray

    @classmethod
    def from_lists(cls, lists: Sequence[Sequence[int]]) -> "Ragged":
        lengths = np.fromiter((len(x) for x in lists), dtype=np.int64, count=len(lists))
        flat = np.fromiter((v for x in lists for v in x), dtype=np.int64, count=int(lengths.sum()))
        return cls(np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64), flat)

    def lengths(self) -> np.ndarray:
        return np.diff(self.ptr)


def train_ibm1(pairs: Sequence[tuple[Sequence[int], Sequence[int]]], n_source: int,
               n_target: int, *, prior: Sequence[Sequence[int]] | None = None,
               prior_weight: float = 1.0, iterations: int = 5,
               weights: Sequence[float] | None = None, null_weight: float = 1.0) -> SparseTable:
    """p(target | source) by EM over id pairs (source ids, target ids); see ``train_ibm1_ragged``."""
    return train_ibm1_ragged(Ragged.from_lists([s for s, _ in pairs]),
                             Ragged.from_lists([t for _, t in pairs]), n_source, n_target,
                             prior=None if prior is None else Ragged.from_lists(prior),
                             prior_weight=prior_weight, iterations=iterations,
                             weights=None if weights is None else np.asarray(weights, float),
                             null_weight=null_weight)


def train_ibm1_ragged(src: Ragged, tgt: Ragged, n_source: int, n_target: int, *,
                      prior: Ragged | None = None, prior_weight: float = 1.0,
                      iterations: int = 5, weights: np.ndarray | None = None,
                      null_weight: float = 1.0) -> SparseTable:
    """p(target | source) by EM; pair k is (``src`` item k, ``tgt`` item k).

    ``prior`` item s lists target ids the seed allows for source s; each gets
    ``prior_weight / len(item)`` pseudo-counts in every M step. ``weights`` scale the counts
    of each pair (e.g. by how sure its alignment is). The NULL source competes for every
    target with ``null_weight`` times the target's relative frequency."""
    ls, lt = src.lengths(), tgt.lengths()
    n_pairs = len(ls)
    cnt = ls * lt
    total = int(cnt.sum())
    pair = np.repeat(np.arange(n_pairs), cnt)
    r = np.arange(total) - np.repeat(np.cumsum(cnt) - cnt, cnt)
    lt_p = lt[pair]
    src_id = src.flat[src.ptr[pair] + r // np.maximum(lt_p, 1)]
    occ_idx = tgt.ptr[pair] + r % np.maximum(lt_p, 1)          # target occurrence
    occ = len(tgt.flat)
    occ_target = tgt.flat
    # None: every pair counts once (and the E step skips multiplying by ones)
    occ_weight = None if weights is None else np.repeat(weights, lt)
    target_freq = np.bincount(tgt.flat, minlength=n_target).astype(np.float64)
    null = null_weight * (target_freq + 1.0) / (target_freq.sum() + n_target)
    # Parameters live on the union of co-occurring pairs and prior pairs.
    keys = src_id * n_target + occ_target[occ_idx]
    prior_keys, prior_mass = _prior_arrays(prior, n_target, prior_weight)
    all_keys, where = _unique_inverse(np.concatenate([keys, prior_keys]))
    occ_param = where[:len(keys)]
    param_source = all_keys // max(n_target, 1)
    param_target = all_keys % max(n_target, 1)
    pseudo = np.zeros(len(all_keys))
    pseudo[where[len(keys):]] = prior_mass
    null_of_occ = null[occ_target]
    # Start: the prior where there is one, uniform over co-occurring targets otherwise.
    t = _normalise(pseudo + 1e-3, param_source, n_source)
    for _ in range(iterations):
        tv = t[occ_param]
        denom = np.bincount(occ_idx, weights=tv, minlength=occ) + null_of_occ
        post = tv / denom[occ_idx]
        if occ_weight is not None:
            post *= occ_weight[occ_idx]
        counts = np.bincount(occ_param, weights=post, minlength=len(all_keys)) + pseudo
        t = _normalise(counts + 1e-9, param_source, n_source)
    indptr = np.concatenate([[0], np.cumsum(np.bincount(param_source, minlength=n_source))])
    return SparseTable(indptr.astype(np.int64), param_target, t, null)


def _prior_arrays(prior: Ragged | None, n_target: int, weight: float
                  ) -> tuple[np.ndarray, np.ndarray]:
    """Sorted unique (source * n_target + target) keys of the prior, with their pseudo-counts."""
    if prior is None or not len(prior.flat):
        return np.zeros(0, np.int64), np.zeros(0)
    lengths = prior.lengths()
    source = np.repeat(np.arange(len(lengths)), lengths)
    keys = sorted_unique(source * n_target + prior.flat)
    per_source = np.bincount(keys // n_target, minlength=len(lengths))  # after de-duplication
    return keys, weight / per_source[keys // n_target]


def sorted_unique(values: np.ndarray) -> np.ndarray:
    """np.unique for integer arrays by sorting (numpy 2's hash-based unique is many times
    slower on the few hundred thousand keys EM deals with)."""
    if not len(values):
        return values
    a = np.sort(values)
    keep = np.empty(len(a), dtype=bool)
    keep[0] = True
    np.not_equal(a[1:], a[:-1], out=keep[1:])
    return a[keep]


def _unique_inverse(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(sorted unique values, the position of each value among them), by one sort."""
    if not len(values):
        return values, np.zeros(0, dtype=np.int64)
    order = np.argsort(values, kind="stable")
    a = values[order]
    new = np.empty(len(a), dtype=bool)
    new[0] = True
    np.not_equal(a[1:], a[:-1], out=new[1:])
    where = np.empty(len(a), dtype=np.int64)
    where[order] = np.cumsum(new) - 1
    return a[new], where


def _normalise(values: np.ndarray, rows: np.ndarray, n_rows: int) -> np.ndarray:
    totals = np.bincount(rows, weights=values, minlength=n_rows)
    return values / np.where(totals > 0, totals, 1.0)[rows]


class TranslationTable:
    """p(en | zh) and p(zh | en) over string tokens (see the module docstring)."""

    def __init__(self, zh_vocab: Sequence[str], en_vocab: Sequence[str], en_given_zh: SparseTable,
                 zh_given_en: SparseTable) -> None:
        self.zh_vocab = list(zh_vocab)
        self.en_vocab = list(en_vocab)
        self._zh_id = {w: i for i, w in enumerate(self.zh_vocab)}
        self._en_id = {w: i for i, w in enumerate(self.en_vocab)}
        self.en_given_zh = en_given_zh
        self.zh_given_en = zh_given_en

    @classmethod
    def train(cls, pairs: Pairs, *, prior: Prior = None, prior_weight: float = 1.0,
              iterations: int = 5) -> "TranslationTable":
        """Learn both directions from (zh tokens, en tokens) pairs; ``prior(zh word)`` (or a
        mapping) gives English words a dictionary allows for it."""
        zh_id: dict[str, int] = {}
        en_id: dict[str, int] = {}
        id_pairs = [(np.asarray([zh_id.setdefault(w, len(zh_id)) for w in zh], dtype=np.int64),
                     np.asarray([en_id.setdefault(w, len(en_id)) for w in en], dtype=np.int64))
                    for zh, en in pairs]
        zh_prior: list[np.ndarray] | None = None
        en_prior: list[np.ndarray] | None = None
        if prior is not None:
            get = prior.get if isinstance(prior, Mapping) else prior
            allowed = [[en_id[e] for e in (get(w) or ()) if e in en_id] for w in zh_id]
            zh_prior = [np.asarray(a, dtype=np.int64) for a in allowed]
            reverse: list[list[int]] = [[] for _ in en_id]
            for z, targets in enumerate(allowed):
                for e in targets:
                    reverse[e].append(z)
            en_prior = [np.asarray(a, dtype=np.int64) for a in reverse]
        forward = train_ibm1(id_pairs, len(zh_id), len(en_id), prior=zh_prior,
                             prior_weight=prior_weight, iterations=iterations)
        backward = train_ibm1([(e, z) for z, e in id_pairs], len(en_id), len(zh_id),
                              prior=en_prior, prior_weight=prior_weight, iterations=iterations)
        zh_vocab = sorted(zh_id, key=zh_id.__getitem__)
        en_vocab = sorted(en_id, key=en_id.__getitem__)
        return cls(zh_vocab, en_vocab, forward, backward)

    def prob(self, en: str, zh: str) -> float:
        """p(en | zh); 0.0 for a word the table never saw."""
        z, e = self._zh_id.get(zh), self._en_id.get(en)
        return 0.0 if z is None or e is None else self.en_given_zh.lookup(z, e)

    def prob_zh(self, zh: str, en: str) -> float:
        """p(zh | en); 0.0 for a word the table never saw."""
        z, e = self._zh_id.get(zh), self._en_id.get(en)
        return 0.0 if z is None or e is None else self.zh_given_en.lookup(e, z)

    def translations(self, zh: str, k: int = 5) -> list[tuple[str, float]]:
        """The k most probable English words for ``zh``, best first (ties by word)."""
        z = self._zh_id.get(zh)
        if z is None:
            return []
        targets, probs = self.en_given_zh.row(z)
        order = sorted(range(len(targets)), key=lambda i: (-probs[i], self.en_vocab[targets[i]]))
        return [(self.en_vocab[targets[i]], float(probs[i])) for i in order[:k]]

    def links(self, zh: Sequence[str], en: Sequence[str], min_prob: float = 0.3
              ) -> list[tuple[int, int, float]]:
        """Word links inside one sentence pair: (zh index, en index, score), sorted.

        The score is the geometric mean of both directions' probabilities. A pair is kept
        when each word is the other's best partner, or when both probabilities reach
        ``min_prob``."""
        if not zh or not en:
            return []
        fw = np.array([[self.prob(e, z) for e in en] for z in zh])
        bw = np.array([[self.prob_zh(z, e) for e in en] for z in zh])
        score = np.sqrt(fw * bw)
        best_en = score.argmax(axis=1)
        best_zh = score.argmax(axis=0)
        out = []
        for i in range(len(zh)):
            for j in range(len(en)):
                if score[i, j] <= 0:
                    continue
                mutual = best_en[i] == j and best_zh[j] == i
                if mutual or (fw[i, j] >= min_prob and bw[i, j] >= min_prob):
                    out.append((i, j, float(score[i, j])))
        return out
