"""Word links inside each translation unit: which Chinese word an English word translates.

A term's English is the stretch of the translation its own words produce, so the span finder
needs to know, word by word, what the translators rendered where. A dictionary alone misses
most of it (主题教育 "theoretical study programs", 领军 "top-tier"), so a translation table is
learned from the document itself: IBM Model 1 in both directions (p(en | zh), p(zh | en),
each with a NULL word), trained by EM on the clause pairs of the units and seeded with
CC-CEDICT glosses as pseudo-counts, so the dictionary steers the first iterations and the
document decides where it has evidence. Rare words matter here: a term's words are mostly
rare, and EM gives a rare English word to the rare Chinese word beside it.

`WordLinks(zh_texts, en_tokens, windows)` then gives, for every English token of a unit, the
Chinese words that produced it with their posterior probabilities (both directions averaged),
restricted to the clause pair the token belongs to.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from ..align.lexicon import load_cedict
from .clauses import Window
from .glosses import Token

ITERATIONS = 5
PRIOR_WEIGHT = 1.0  # pseudo-counts of the dictionary's translations of a word
NULL_WEIGHT = 1.0  # how strongly NULL competes for a word (times the word's frequency)
MIN_POSTERIOR = 0.05  # weaker posteriors are not kept
# Function words take no part: in IBM Model 1 they collect the rare words nobody explains.
FUNCTION_WORDS = frozenset("的 了 是 在 和 与 及 以 为 对 把 将 并 而 从 向 由 于 到 也 都 等 其 之 或 被 着 过 所 该 这 那 中".split())

_ZH_TOKEN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\U00020000-\U0002a6df]+|[0-9]+(?:\.[0-9]+)?|[A-Za-z]+")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\U00020000-\U0002a6df]")


@dataclass(frozen=True, slots=True)
class Link:
    """An English token and the Chinese word [start, end) of its unit: `produced`, the
    probability that the word produced the token (p(zh | en) side: which Chinese word the
    token translates); `share`, the share of the word's translation the token carries (which
    English tokens the word went to)."""

    start: int
    end: int
    produced: float
    share: float


def zh_words(text: str, segment: Callable[[str], list[str]] | None) -> list[tuple[str, int, int]]:
    """(word, start, end) of the Chinese words, numbers and Latin words of a text."""
    out = []
    for m in _ZH_TOKEN.finditer(text):
        s = m.group()
        if _HAN.match(s):
            pos = m.start()
            for word in (segment(s) if segment else load_cedict().segment(s)):
                out.append((word, pos, pos + len(word)))
                pos += len(word)
        else:
            out.append((s.lower(), m.start(), m.end()))
    return out


def en_word(token: Token) -> str | None:
    """What an English token is in the table: its content stem or a plain number."""
    if token.stem:
        return token.stem
    digits = token.lower.replace(",", "")
    return digits if digits.replace(".", "").isdigit() else None


class WordLinks:
    """The links of every unit (see the module docstring)."""

    def __init__(self, zh_texts: Sequence[str], en_tokens: Sequence[Sequence[Token]],
                 windows: Sequence[Sequence[Window]],
                 segment: Callable[[str], list[str]] | None = None) -> None:
        self.zh_texts = list(zh_texts)
        pairs: list[tuple[int, list[tuple[str, int, int]], list[int]]] = []
        for unit, (zh, toks, wins) in enumerate(zip(zh_texts, en_tokens, windows)):
            words = zh_words(zh, segment)
            groups: dict[tuple[int, int], list[tuple[int, int]]] = {}
            for w in wins or [Window(0, len(zh), 0, toks[-1].end if toks else 0)]:
                groups.setdefault((w.en_start, w.en_end), []).append((w.zh_start, w.zh_end))
            for (es, ee), spans in groups.items():
                zw = [w for w in words if any(a <= w[1] < b for a, b in spans)
                      and w[0] not in FUNCTION_WORDS]
                ew = [k for k, t in enumerate(toks) if es <= t.start < ee and en_word(t)]
                if zw and ew:
                    pairs.append((unit, zw, ew))
        zh_id: dict[str, int] = {}
        en_id: dict[str, int] = {}
        src = [[zh_id.setdefault(w, len(zh_id)) for w, _, _ in zw] for _, zw, _ in pairs]
        tgt = [[en_id.setdefault(en_word(en_tokens[u][k]), len(en_id)) for k in ew]
               for u, _, ew in pairs]
        prior_f = _prior(zh_id, en_id)
        prior_b = [(e, z) for z, e in prior_f]
        fw = _ibm1(src, tgt, len(zh_id), len(en_id), prior_f)
        bw = _ibm1(tgt, src, len(en_id), len(zh_id), prior_b)
        self.links: list[dict[int, list[Link]]] = [{} for _ in zh_texts]
        for (unit, zw, ew), s, t in zip(pairs, src, tgt):
            f = fw.matrix(s, t)  # Z x E: p(e | z)
            b = bw.matrix(t, s).T  # Z x E: p(z | e)
            post_f = f / (f.sum(0, keepdims=True) + fw.null[t][None, :])
            post_b = b / (b.sum(1, keepdims=True) + bw.null[s][:, None])
            for col, k in enumerate(ew):
                rows = np.flatnonzero((post_f[:, col] >= MIN_POSTERIOR) | (post_b[:, col] >= MIN_POSTERIOR))
                if len(rows):
                    self.links[unit][k] = [Link(zw[r][1], zw[r][2], float(post_f[r, col]),
                                                float(post_b[r, col])) for r in rows]

    def of(self, unit: int, k: int) -> list[Link]:
        """The Chinese character spans English token k of `unit` translates."""
        return self.links[unit].get(k, [])


def _prior(zh_id: dict[str, int], en_id: dict[str, int]) -> list[tuple[int, int]]:
    """(zh, en) id pairs a CC-CEDICT gloss (of the word, else of its characters) allows;
    numbers and Latin words translate themselves."""
    cedict = load_cedict()
    out = []
    for word, z in zh_id.items():
        if not _HAN.match(word):
            got = {word}
        else:
            got = set(cedict.glosses(word))
            if not got and len(word) > 1:
                for ch in word:
                    got |= cedict.glosses(ch)
        out.extend((z, en_id[e]) for e in got if e in en_id)
    return out


@dataclass(slots=True)
class _Table:
    """p(target | source) on the pairs seen, with p(target | NULL)."""

    keys: np.ndarray  # sorted source * n_target + target
    probs: np.ndarray
    null: np.ndarray
    n_target: int

    def matrix(self, source: Sequence[int], target: Sequence[int]) -> np.ndarray:
        s = np.asarray(source, dtype=np.int64)[:, None]
        t = np.asarray(target, dtype=np.int64)[None, :]
        want = (s * self.n_target + t).ravel()
        at = np.searchsorted(self.keys, want)
        at = np.minimum(at, len(self.keys) - 1)
        found = self.keys[at] == want
        return np.where(found, self.probs[at], 0.0).reshape(len(source), len(target))


def _ibm1(src: Sequence[Sequence[int]], tgt: Sequence[Sequence[int]], n_source: int,
          n_target: int, prior: Sequence[tuple[int, int]]) -> _Table:
    """IBM Model 1 p(target | source) by EM, with a NULL source and dictionary pseudo-counts."""
    pair_src, pair_occ, occ_target = [], [], []
    occ = 0
    for s, t in zip(src, tgt):
        for e in t:
            pair_src.extend(s)
            pair_occ.extend([occ] * len(s))
            occ_target.append(e)
            occ += 1
    ps = np.asarray(pair_src, dtype=np.int64)
    po = np.asarray(pair_occ, dtype=np.int64)
    ot = np.asarray(occ_target, dtype=np.int64)
    keys = ps * n_target + ot[po]
    prior_keys = np.asarray([z * n_target + e for z, e in prior], dtype=np.int64)
    all_keys = np.unique(np.concatenate([keys, prior_keys]))
    param_src = all_keys // n_target
    pseudo = np.zeros(len(all_keys))
    if len(prior_keys):
        pk = np.unique(prior_keys)
        per_source = np.bincount(pk // n_target, minlength=n_source)
        pseudo[np.searchsorted(all_keys, pk)] = PRIOR_WEIGHT / per_source[pk // n_target]
    at = np.searchsorted(all_keys, keys)
    freq = np.bincount(ot, minlength=n_target).astype(float)
    null = NULL_WEIGHT * (freq + 1.0) / (freq.sum() + n_target)
    t = _normalise(pseudo + 1e-3, param_src, n_source)
    for _ in range(ITERATIONS):
        tv = t[at]
        denom = np.bincount(po, weights=tv, minlength=occ) + null[ot]
        counts = np.bincount(at, weights=tv / denom[po], minlength=len(all_keys)) + pseudo
        t = _normalise(counts + 1e-9, param_src, n_source)
    return _Table(all_keys, t, null, n_target)


def _normalise(values: np.ndarray, rows: np.ndarray, n_rows: int) -> np.ndarray:
    totals = np.bincount(rows, weights=values, minlength=n_rows)
    return values / np.where(totals > 0, totals, 1.0)[rows]
