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


def train_ibm1(pairs: Sequence[tuple[np.ndarray, np.ndarray]], n_source: int, n_target: int, *,
               prior: Sequence[np.ndarray] | None = None, prior_weight: float = 1.0,
               iterations: int = 5, weights: Sequence[float] | None = None,
               null_weight: float = 1.0) -> SparseTable:
    """p(target | source) by EM over id-array pairs (source ids, target ids).

    ``prior[s]`` lists target ids the seed allows for source ``s``; each gets
    ``prior_weight / len(prior[s])`` pseudo-counts in every M step. ``weights`` scale the
    counts of each pair (e.g. by how sure its alignment is). The NULL source competes for
    every target with ``null_weight`` times the target's relative frequency."""
    src_parts, tgt_parts, occ_parts = [], [], []
    target_freq = np.zeros(n_target)
    occ = 0
    pair_weight = []
    for k, (src, tgt) in enumerate(pairs):
        src = np.asarray(src, dtype=np.int64)
        tgt = np.asarray(tgt, dtype=np.int64)
        if len(tgt) == 0:
            continue
        np.add.at(target_freq, tgt, 1.0)
        if len(src) == 0:
            occ += len(tgt)
            pair_weight.append(np.zeros(len(tgt)))
            continue
        src_parts.append(np.repeat(src, len(tgt)))
        tgt_parts.append(np.tile(tgt, len(src)))
        occ_parts.append(np.tile(np.arange(occ, occ + len(tgt)), len(src)))
        occ += len(tgt)
        w = 1.0 if weights is None else float(weights[k])
        pair_weight.append(np.full(len(tgt), w))
    occ_target = np.concatenate([t for _, t in pairs if len(t)]).astype(np.int64) if occ else \
        np.zeros(0, np.int64)
    occ_weight = np.concatenate(pair_weight) if pair_weight else np.zeros(0)
    null = null_weight * (target_freq + 1.0) / (target_freq.sum() + n_target)
    # Parameters live on the union of co-occurring pairs and prior pairs.
    keys = [np.concatenate(src_parts) * n_target + np.concatenate(tgt_parts)] if src_parts else []
    prior_keys, prior_mass = _prior_arrays(prior, n_target, prior_weight)
    all_keys = np.unique(np.concatenate(keys + [prior_keys])) if keys or len(prior_keys) else \
        np.zeros(0, np.int64)
    param_source = all_keys // max(n_target, 1)
    param_target = all_keys % max(n_target, 1)
    pseudo = np.zeros(len(all_keys))
    if len(prior_keys):
        pseudo[np.searchsorted(all_keys, prior_keys)] = prior_mass
    if keys:
        occ_param = np.searchsorted(all_keys, keys[0])
        occ_idx = np.concatenate(occ_parts)
    else:
        occ_param = occ_idx = np.zeros(0, np.int64)
    # Start: the prior where there is one, uniform over co-occurring targets otherwise.
    t = _normalise(pseudo + 1e-3, param_source, n_source)
    for _ in range(iterations):
        tv = t[occ_param]
        denom = np.bincount(occ_idx, weights=tv, minlength=occ) + null[occ_target]
        post = tv / denom[occ_idx] * occ_weight[occ_idx]
        counts = np.bincount(occ_param, weights=post, minlength=len(all_keys)) + pseudo
        t = _normalise(counts + 1e-9, param_source, n_source)
    indptr = np.zeros(n_source + 1, dtype=np.int64)
    np.add.at(indptr, param_source + 1, 1)
    return SparseTable(np.cumsum(indptr), param_target, t, null)


def _prior_arrays(prior: Sequence[np.ndarray] | None, n_target: int, weight: float
                  ) -> tuple[np.ndarray, np.ndarray]:
    if prior is None:
        return np.zeros(0, np.int64), np.zeros(0)
    keys, mass = [], []
    for s, targets in enumerate(prior):
        if len(targets):
            targets = np.unique(np.asarray(targets, dtype=np.int64))
            keys.append(s * n_target + targets)
            mass.append(np.full(len(targets), weight / len(targets)))
    if not keys:
        return np.zeros(0, np.int64), np.zeros(0)
    keys_a, mass_a = np.concatenate(keys), np.concatenate(mass)
    order = np.argsort(keys_a, kind="stable")
    return keys_a[order], mass_a[order]


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
