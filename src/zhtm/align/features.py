"""Sentence vectors for the aligner: both languages in one space of English terms.

An English unit is the set of its content stems and anchors, idf-weighted. A Chinese unit is
the set of English terms its words translate to (CC-CEDICT glosses, plus a lexicon learned
from the document itself) and its anchors, weighted the same way. Products between the two are
computed only inside the search band, in chunks, so a long document never builds an n x m
matrix.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from ..text import anchors
from .lexicon import STOPWORDS, en_content_stems, load_cedict, nfkc

# Chinese function words whose dictionary glosses are noise for alignment.
ZH_STOP = frozenset("""
的 了 着 过 是 在 把 被 就 都 也 又 还 而 和 与 及 之 其 这 那 个 我 你 他 她 它 们 我们 你们
他们 她们 自己 一 有 没 不 很 吗 呢 吧 啊 呀 么 什么 怎么 这个 那个 这样 那样 就是 可是
但是 因为 所以 如果 已经 得 地 给 让 对 向 从 到 说 上 下 里 中 来 去 会 能 要 想 可以 一个
""".split())

ANCHOR_WEIGHT = {"#": 2.0, "py:": 1.5, "&q": 3.0, "&qo": 3.0, "&qc": 3.0}
LEARN = {"min_count": 2, "min_dice": 0.3, "per_unit": 3, "weight": 0.5, "residual": True}


@dataclass(slots=True)
class Rows:
    """Sparse rows (CSR): row r has ``indices[indptr[r]:indptr[r+1]]`` with ``data``."""

    indptr: np.ndarray
    indices: np.ndarray
    data: np.ndarray

    @classmethod
    def from_dicts(cls, rows: Sequence[dict[int, float]]) -> "Rows":
        indptr = np.zeros(len(rows) + 1, dtype=np.int64)
        idx: list[int] = []
        val: list[float] = []
        for r, row in enumerate(rows):
            for t in sorted(row):
                idx.append(t)
                val.append(row[t])
            indptr[r + 1] = len(idx)
        return cls(indptr, np.asarray(idx, dtype=np.int64), np.asarray(val, dtype=np.float64))

    def slice(self, start: int, stop: int) -> "Rows":
        a, b = self.indptr[start], self.indptr[stop]
        return Rows(self.indptr[start:stop + 1] - a, self.indices[a:b], self.data[a:b])

    def __len__(self) -> int:
        return len(self.indptr) - 1

    def dense(self, local: np.ndarray, size: int) -> np.ndarray:
        """Rows as a dense matrix over a local vocabulary (``local`` maps global ids; -1 = drop)."""
        out = np.zeros((len(self), size))
        lids = local[self.indices]
        keep = lids >= 0
        rows = np.repeat(np.arange(len(self)), np.diff(self.indptr))
        out[rows[keep], lids[keep]] = self.data[keep]
        return out


@dataclass(slots=True)
class DocText:
    """Per-unit features of a whole document (all blocks flattened)."""

    zh_len: np.ndarray
    en_len: np.ndarray
    zh_units: list[list[int]]            # unit ids per zh sentence (dictionary words)
    zh_anchor: list[dict[int, float]]    # anchor term id -> weight
    en_rows: Rows
    unit_names: list[str]
    term_names: list[str]
    idf: np.ndarray
    en_terms: list[np.ndarray]           # content term ids per en sentence (for learning)


def zh_length(text: str) -> int:
    return sum(1 for c in text if not c.isspace())


def build_doc(zh: Sequence[str], en: Sequence[str], *, use_anchors: bool,
              lexical: bool = True) -> DocText:
    if not lexical:  # lengths only
        return DocText(np.asarray([zh_length(s) for s in zh], dtype=np.float64),
                       np.asarray([len(s.strip()) for s in en], dtype=np.float64),
                       [], [], Rows.from_dicts([{} for _ in en]), [], [], np.zeros(0), [])
    cedict = load_cedict()
    vocab: dict[str, int] = {}
    en_sets: list[dict[int, float]] = []
    en_terms: list[np.ndarray] = []
    name_forms: set[str] = set()
    for text in en:
        terms = en_content_stems(text)
        ids = {vocab.setdefault(t, len(vocab)) for t in terms}
        en_terms.append(np.asarray(sorted(ids), dtype=np.int64))
        row = {t: 1.0 for t in ids}
        if use_anchors:
            for v in anchors.en_numbers(text):
                row[vocab.setdefault(anchors.number_token(v), len(vocab))] = ANCHOR_WEIGHT["#"]
            for f in anchors.en_name_forms(text, STOPWORDS):
                name_forms.add(f)
                row[vocab.setdefault("py:" + f, len(vocab))] = ANCHOR_WEIGHT["py:"]
            for q in anchors.quote_marks(text, zh=False):
                row[vocab.setdefault(q, len(vocab))] = ANCHOR_WEIGHT[q]
        en_sets.append(row)
    n_terms = len(vocab)
    df = np.zeros(n_terms)
    for row in en_sets:
        for t in row:
            df[t] += 1
    idf = np.log(1.0 + len(en) / np.maximum(df, 1.0))
    en_rows = Rows.from_dicts([{t: w * idf[t] for t, w in row.items()} for row in en_sets])

    prefixes = anchors.name_prefixes(name_forms)
    units: dict[str, int] = {}
    zh_units: list[list[int]] = []
    zh_anchor: list[dict[int, float]] = []
    for text in zh:
        t = nfkc(text)
        ids = [units.setdefault(u, len(units)) for u in cedict.segment(t) if u not in ZH_STOP]
        zh_units.append(ids)
        row: dict[int, float] = {}
        if use_anchors:
            for v in anchors.zh_numbers(t):
                tid = vocab.get(anchors.number_token(v))
                if tid is not None:
                    row[tid] = ANCHOR_WEIGHT["#"] * idf[tid]
            for w in anchors.latin_strings(t):
                tid = vocab.get(w)
                if tid is not None:
                    row[tid] = idf[tid]
            for f in anchors.zh_name_forms(t, cedict.pinyin, name_forms, prefixes=prefixes):
                tid = vocab["py:" + f]
                row[tid] = ANCHOR_WEIGHT["py:"] * idf[tid] * (0.5 if len(f) <= 3 else 1.0)
            for q in anchors.quote_marks(t, zh=True):
                tid = vocab.get(q)
                if tid is not None:
                    row[tid] = ANCHOR_WEIGHT[q] * idf[tid]
        zh_anchor.append(row)
    unit_names = [""] * len(units)
    for u, i in units.items():
        unit_names[i] = u
    term_names = [""] * len(vocab)
    for w, i in vocab.items():
        term_names[i] = w
    return DocText(np.asarray([zh_length(s) for s in zh], dtype=np.float64),
                   np.asarray([len(s.strip()) for s in en], dtype=np.float64),
                   zh_units, zh_anchor, en_rows, unit_names, term_names, idf, en_terms)


def dictionary_table(doc: DocText) -> list[dict[int, float]]:
    """Per unit: English term id -> weight from CC-CEDICT glosses (only terms the English
    side of this document uses)."""
    cedict = load_cedict()
    vocab = {w: i for i, w in enumerate(doc.term_names)}
    table: list[dict[int, float]] = []
    for u in doc.unit_names:
        row = {}
        for g in cedict.glosses(u):
            tid = vocab.get(g)
            if tid is not None:
                row[tid] = 1.0
        table.append(row)
    return table


def zh_rows(doc: DocText, tables: Sequence[list[dict[int, float]]]) -> Rows:
    """Chinese vectors: for each term, the best weight any unit of the sentence gives it."""
    idf = doc.idf
    rows = []
    for ids, extra in zip(doc.zh_units, doc.zh_anchor):
        row: dict[int, float] = {}
        for table in tables:
            for u in ids:
                for t, w in table[u].items():
                    if w > row.get(t, 0.0):
                        row[t] = w
        out = {t: w * idf[t] for t, w in row.items()}
        for t, w in extra.items():
            out[t] = max(out.get(t, 0.0), w)
        rows.append(out)
    return Rows.from_dicts(rows)


def learn_lexicon(doc: DocText, beads: Sequence[tuple[Sequence[int], Sequence[int]]],
                  known: list[dict[int, float]] | None = None) -> list[dict[int, float]]:
    """Unit -> term Dice associations from beads believed correct (document-level ids).

    With ``known`` (the dictionary table) and LEARN["residual"], pairs the dictionary already
    explains are removed from each bead first, so learning goes to what it lacks (names,
    free renderings) instead of re-counting common words."""
    min_count, min_dice, per_unit = LEARN["min_count"], LEARN["min_dice"], LEARN["per_unit"]
    n_units = len(doc.unit_names)
    n_terms = len(doc.term_names)
    keys = []
    uc = np.zeros(n_units)
    tc = np.zeros(n_terms)
    for zs, es in beads:
        u = np.unique(np.asarray([x for s in zs for x in doc.zh_units[s]], dtype=np.int64))
        t = np.unique(np.concatenate([doc.en_terms[s] for s in es])) if es else np.zeros(0, np.int64)
        if known is not None and LEARN["residual"] and len(u) and len(t):
            covered_t = set()
            keep_u = []
            tset = set(t.tolist())
            for x in u.tolist():
                hit = tset.intersection(known[x])
                if hit:
                    covered_t |= hit
                else:
                    keep_u.append(x)
            u = np.asarray(keep_u, dtype=np.int64)
            t = np.asarray([y for y in t.tolist() if y not in covered_t], dtype=np.int64)
        if not len(u) or not len(t):
            continue
        uc[u] += 1
        tc[t] += 1
        keys.append((u[:, None] * n_terms + t[None, :]).ravel())
    table: list[dict[int, float]] = [{} for _ in range(n_units)]
    if not keys:
        return table
    pair, count = np.unique(np.concatenate(keys), return_counts=True)
    keep = count >= min_count
    pair, count = pair[keep], count[keep]
    u = pair // n_terms
    t = pair % n_terms
    dice = 2.0 * count / (uc[u] + tc[t])
    keep = dice >= min_dice
    for uu, tt, dd in sorted(zip(u[keep].tolist(), t[keep].tolist(), dice[keep].tolist()),
                             key=lambda x: (x[0], -x[2], x[1])):
        row = table[uu]
        if len(row) < per_unit:
            row[tt] = dd * LEARN["weight"]
    return table


def band_products(zr: Rows, er: Rows, slo: np.ndarray, width: int, m: int,
                  chunk: int = 2048) -> np.ndarray:
    """S[s, k] = zh row s . en row (slo[s] + k) for k < width (0 outside 0..m-1).

    A sparse join, not a matrix product: every (zh entry, en entry) pair that shares a term
    and falls inside the band is found with binary search over (term, row)-sorted en entries,
    so the cost is the number of such pairs and no BLAS threads are involved."""
    n = len(zr)
    S = np.zeros(n * width)
    if n == 0 or len(er) == 0 or not len(zr.indices) or not len(er.indices):
        return S.reshape(n, width)
    e_rows = np.repeat(np.arange(len(er), dtype=np.int64), np.diff(er.indptr))
    stride = len(er) + 1
    e_key = er.indices * stride + e_rows
    order = np.argsort(e_key, kind="stable")
    e_key = e_key[order]
    e_row_sorted = e_rows[order]
    e_val = er.data[order]
    z_rows_all = np.repeat(np.arange(n, dtype=np.int64), np.diff(zr.indptr))
    for p0 in range(0, len(zr.indices), chunk * 16):
        p1 = min(len(zr.indices), p0 + chunk * 16)
        zs = z_rows_all[p0:p1]
        zt = zr.indices[p0:p1]
        zv = zr.data[p0:p1]
        start = np.clip(slo[zs], 0, m)
        stop = np.clip(slo[zs] + width, 0, m)
        first = np.searchsorted(e_key, zt * stride + start)
        last = np.searchsorted(e_key, zt * stride + stop)
        cnt = last - first
        total = int(cnt.sum())
        if total == 0:
            continue
        owner = np.repeat(np.arange(len(zs)), cnt)
        pos = np.arange(total) - np.repeat(np.cumsum(cnt) - cnt, cnt) + first[owner]
        rows = zs[owner]
        flat = rows * width + (e_row_sorted[pos] - slo[rows])
        S += np.bincount(flat, weights=zv[owner] * e_val[pos], minlength=n * width)
    return S.reshape(n, width)


def adjacent_products(rows: Rows, max_d: int) -> np.ndarray:
    """P[i, d] = row i . row (i + d) for d < max_d (0 past the end)."""
    n = len(rows)
    if n == 0:
        return np.zeros((0, max(max_d, 1)))
    return band_products(rows, rows, np.arange(n), max(max_d, 1), n)


def span_norms(adj: np.ndarray, n: int, max_a: int) -> np.ndarray:
    """N[a, i] = |sum of rows i-a .. i-1|^2 for i >= a (NaN elsewhere).

    Adding row p = i-a to the span p+1 .. i-1 adds |row p|^2 + 2 * row p . (rest)."""
    out = np.full((max_a + 1, n + 1), np.nan)
    out[0, :] = 0.0
    cross = np.cumsum(adj[:, 1:], axis=1) if adj.shape[1] > 1 else np.zeros((n, 0))
    for a in range(1, max_a + 1):
        i = np.arange(a, n + 1)
        p = i - a
        inc = adj[p, 0].copy()
        if a > 1:
            d = min(a - 1, cross.shape[1])
            if d:
                inc += 2.0 * cross[p, d - 1]
        prev = out[a - 1, i] if a > 1 else 0.0
        out[a, i] = prev + inc
    return out
