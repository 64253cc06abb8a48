"""What the aligner knows about each sentence: tokens, lengths, quotes, translation tables.

A Chinese sentence is the set of its dictionary words (forward maximum matching on CC-CEDICT,
function words dropped) and anchor tokens: numbers (``#21``), Latin strings (``lat:cbd``) and
romanised names (``py:chen``, when some run of its characters reads as a capitalised word of
the English side). An English sentence is the set of its content stems and the same anchors.
Both sides get a background probability per token (its share of all sentence-token
incidences), against which the translation evidence of a bead is weighed.

Translation tables are row-sparse p(en | zh) and p(zh | en). The seed table comes from
CC-CEDICT (a zh word's glosses, uniform) and the anchors (a token translates itself); the
learned table is IBM Model 1 trained by EM on the beads of a first alignment, seeded with it
(``zhtm.align.ttable``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..text import anchors
from .ttable import Ragged, SparseTable, sorted_unique, train_ibm1_ragged
from .lexicon import STOPWORDS, en_content_stems, load_cedict, nfkc, stem

# Chinese function words whose dictionary glosses are noise for alignment.
ZH_STOP = frozenset("""
的 了 着 过 是 在 把 被 就 都 也 又 还 而 和 与 及 之 其 这 那 个 我 你 他 她 它 们 我们 你们
他们 她们 自己 一 有 没 不 很 吗 呢 吧 啊 呀 么 什么 怎么 这个 那个 这样 那样 就是 可是
但是 因为 所以 如果 已经 得 地 给 让 对 向 从 到 说 上 下 里 中 来 去 会 能 要 想 可以 一个
""".split())

# A sentence that ends a quotation: a closing quote mark at its very end (spaces aside).
_ZH_QUOTE_END = frozenset("”」』\"")
_EN_QUOTE_END = frozenset("’'\"”")
# Quotation marks that open or close speech. In English a mark opens after a space (or at the
# start) before a word, and closes after a word or punctuation before a space (or at the end);
# an apostrophe inside a word (don't, Xi'an) does neither.
_ZH_OPEN_MARK = re.compile(r"[“「『]")
_ZH_CLOSE_MARK = re.compile(r"[”」』]")
_EN_OPEN_MARK = re.compile(r"(?:^|(?<=[\s(\[—–-]))[‘'\"“](?=\S)")
_EN_CLOSE_MARK = re.compile(r"(?<=\S)[’'\"”](?=$|[\s)\]—–,.;:!?-])")


# Either mark in one scan; a closing reading wins where a mark could be read both ways.
_ZH_MARK = re.compile(f"(?P<close>{_ZH_CLOSE_MARK.pattern})|{_ZH_OPEN_MARK.pattern}")
_EN_MARK = re.compile(f"(?P<close>{_EN_CLOSE_MARK.pattern})|{_EN_OPEN_MARK.pattern}")


# Any character that may be an English quote mark (most sentences without one are done).
_EN_ANY_MARK = re.compile("[‘'\"“’”]")


def quote_event(text: str, zh: bool) -> int:
    """+1 if the sentence leaves a quotation open (its last quote mark opens one), -1 if its
    last mark closes one (or could be read either way), 0 if it has none."""
    if not zh and not _EN_ANY_MARK.search(text):
        return 0
    last = None
    for last in (_ZH_MARK if zh else _EN_MARK).finditer(text):
        pass
    if last is None:
        return 0
    return -1 if last.group("close") is not None else 1


def inside_quotes(events: np.ndarray) -> np.ndarray:
    """inside[k]: whether a quotation is open after the first k sentences (inside[0] = False)."""
    out = np.zeros(len(events) + 1, dtype=bool)
    state = False
    for k, e in enumerate(events.tolist()):
        if e:
            state = e > 0
        out[k + 1] = state
    return out
def clip(x, lo, hi):
    """np.clip for integer indices without np.clip's Python-level checks (a few microseconds a
    call, thousands of calls per document): the same values."""
    return np.minimum(np.maximum(x, lo), hi)


# Learned probabilities below this are dropped from the scoring tables (noise, and cost).
MIN_PROB = 0.02


@dataclass(slots=True)
class Rows:
    """Sparse rows (CSR): row r has ``indices[indptr[r]:indptr[r+1]]`` with ``data``."""

    indptr: np.ndarray
    indices: np.ndarray
    data: np.ndarray

    @classmethod
    def from_lists(cls, rows: Sequence[Sequence[int]]) -> "Rows":
        """Rows of ones over the given column ids (each list sorted, no duplicates)."""
        lengths = np.fromiter((len(r) for r in rows), dtype=np.int64, count=len(rows))
        indptr = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
        flat = [c for r in rows for c in r]
        indices = np.asarray(flat, dtype=np.int64)
        return cls(indptr, indices, np.ones(len(indices)))

    @classmethod
    def from_table(cls, table: SparseTable) -> "Rows":
        return cls(table.indptr, table.targets, table.probs)

    def slice(self, start: int, stop: int) -> "Rows":
        a, b = self.indptr[start], self.indptr[stop]
        return Rows(self.indptr[start:stop + 1] - a, self.indices[a:b], self.data[a:b])

    def row_ids(self) -> np.ndarray:
        """The row of every stored entry."""
        return np.repeat(np.arange(len(self), dtype=np.int64), np.diff(self.indptr))

    def __len__(self) -> int:
        return len(self.indptr) - 1


@dataclass(slots=True)
class DocTokens:
    """Per-sentence features of a whole document (all blocks flattened)."""

    zh: Rows                  # sentence x zh token incidence
    en: Rows                  # sentence x en token incidence
    zh_vocab: list[str]
    en_vocab: list[str]
    zh_len: np.ndarray        # non-space characters
    en_len: np.ndarray        # characters
    zh_quote_end: np.ndarray  # bool: the sentence ends a quotation
    en_quote_end: np.ndarray
    zh_quote_event: np.ndarray  # +1 leaves a quotation open, -1 closes one, 0 neither
    en_quote_event: np.ndarray
    zh_bg: np.ndarray         # background probability of each zh token
    en_bg: np.ndarray


def zh_length(text: str) -> int:
    """Characters other than white space."""
    return len("".join(text.split()))


def tokenize(zh: Sequence[str], en: Sequence[str], *, use_anchors: bool = True,
             lexical: bool = True) -> DocTokens:
    """Tokens of every sentence; ``lexical=False`` keeps only lengths and quote ends."""
    zh_len = np.asarray([zh_length(s) for s in zh], dtype=np.float64)
    en_len = np.asarray([len(s.strip()) for s in en], dtype=np.float64)
    zq = np.asarray([s.rstrip()[-1:] in _ZH_QUOTE_END for s in zh], dtype=bool)
    eq = np.asarray([s.rstrip()[-1:] in _EN_QUOTE_END for s in en], dtype=bool)
    zev = np.asarray([quote_event(s, True) for s in zh], dtype=np.int8)
    eev = np.asarray([quote_event(s, False) for s in en], dtype=np.int8)
    if not lexical:
        empty = Rows.from_lists([[] for _ in zh]), Rows.from_lists([[] for _ in en])
        return DocTokens(empty[0], empty[1], [], [], zh_len, en_len, zq, eq, zev, eev,
                         np.zeros(0), np.zeros(0))
    en_vocab: dict[str, int] = {}
    en_rows: list[list[int]] = []
    names: set[str] = set()
    for text in en:
        toks = set(en_content_stems(text))
        if use_anchors:
            toks.update(anchors.number_token(v) for v in anchors.en_numbers(text))
            forms = anchors.en_name_forms(text, STOPWORDS)
            names.update(forms)
            toks.update("py:" + f for f in forms)
        en_rows.append(sorted({en_vocab.setdefault(t, len(en_vocab)) for t in toks}))
    cedict = load_cedict()
    prefixes = anchors.name_prefixes(names)
    starters: dict = {}  # zh_name_forms' memo for this document
    zh_vocab: dict[str, int] = {}
    zh_rows: list[list[int]] = []
    normalised = [nfkc(text) for text in zh]
    for t, units in zip(normalised, cedict.segment_many(normalised)):
        toks = {u for u in units if u not in ZH_STOP}
        if use_anchors:
            toks.update(anchors.number_token(v) for v in anchors.zh_numbers(t))
            toks.update("lat:" + w for w in anchors.latin_strings(t))
            toks.update("py:" + f for f in
                        anchors.zh_name_forms(t, cedict.pinyin, names, prefixes=prefixes,
                                                starters=starters))
        zh_rows.append(sorted({zh_vocab.setdefault(x, len(zh_vocab)) for x in toks}))
    zr, er = Rows.from_lists(zh_rows), Rows.from_lists(en_rows)
    return DocTokens(zr, er, _names(zh_vocab), _names(en_vocab), zh_len, en_len, zq, eq, zev,
                     eev, _background(zr, len(zh_vocab)), _background(er, len(en_vocab)))


def _names(vocab: dict[str, int]) -> list[str]:
    out = [""] * len(vocab)
    for w, i in vocab.items():
        out[i] = w
    return out


# A short text says little about how rare its words are: below this many token occurrences,
# background probabilities are estimated as if the text were this long (a word seen once in a
# ten-sentence document is still a rare word).
MIN_BACKGROUND_TOKENS = 1000


def _background(rows: Rows, size: int) -> np.ndarray:
    counts = np.bincount(rows.indices, minlength=size).astype(np.float64)
    return (counts + 0.5) / max(counts.sum() + 0.5 * max(size, 1), MIN_BACKGROUND_TOKENS)


def seed_allowed(doc: DocTokens, use_dictionary: bool) -> Ragged:
    """For each zh token, the en token ids the seed lets it translate to: CC-CEDICT glosses
    present in the document, and anchors to themselves."""
    en_id = {w: i for i, w in enumerate(doc.en_vocab)}
    cedict = load_cedict() if use_dictionary else None
    out: list[list[int]] = []
    for w in doc.zh_vocab:
        if w.startswith(("#", "py:")):
            ids = [en_id[w]] if w in en_id else []
        elif w.startswith("lat:"):
            ids = sorted({en_id[x] for x in (w[4:], stem(w[4:])) if x in en_id})
        elif cedict is not None:
            ids = sorted({en_id[g] for g in cedict.glosses(w) if g in en_id})
        else:
            ids = []
        out.append(ids)
    return Ragged.from_lists(out)


def invert(allowed: Ragged, n_en: int) -> Ragged:
    """The same relation seen from the English side."""
    source = np.repeat(np.arange(len(allowed.ptr) - 1), allowed.lengths())
    order = np.lexsort((source, allowed.flat))
    counts = np.bincount(allowed.flat, minlength=n_en)
    return Ragged(np.concatenate([[0], np.cumsum(counts)]).astype(np.int64), source[order])


@dataclass(slots=True)
class Tables:
    """p(en | zh) rows per zh token and p(zh | en) rows per en token."""

    en_given_zh: Rows
    zh_given_en: Rows


def seed_tables(doc: DocTokens, allowed: Ragged) -> Tables:
    """Uniform over the allowed translations (the dictionary's, or the anchor itself)."""
    return Tables(_uniform(allowed), _uniform(invert(allowed, len(doc.en_vocab))))


def _uniform(allowed: Ragged) -> Rows:
    lengths = allowed.lengths()
    return Rows(allowed.ptr, allowed.flat, np.repeat(1.0 / np.maximum(lengths, 1), lengths))


def _bead_tokens(rows: Rows, starts: np.ndarray, stops: np.ndarray) -> Ragged:
    """The set of tokens of sentences [starts[k], stops[k]) for each k (sentence ranges)."""
    a, b = rows.indptr[starts], rows.indptr[stops]
    lengths = b - a
    total = int(lengths.sum())
    bead = np.repeat(np.arange(len(starts)), lengths)
    pos = np.arange(total) - np.repeat(np.cumsum(lengths) - lengths, lengths) + np.repeat(a, lengths)
    size = int(rows.indices.max()) + 1 if len(rows.indices) else 1
    keys = sorted_unique(bead * size + rows.indices[pos])
    counts = np.bincount(keys // size, minlength=len(starts))
    return Ragged(np.concatenate([[0], np.cumsum(counts)]).astype(np.int64), keys % size)


def learn_tables(doc: DocTokens, beads: np.ndarray, allowed: Ragged, *,
                 prior_weight: float = 1.0, iterations: int = 5) -> Tables:
    """IBM Model 1 both ways over the tokens of ``beads`` ((zh0, zh1, en0, en1) document
    sentence ranges, both sides non-empty), seeded by ``allowed``; probabilities under
    MIN_PROB are dropped."""
    beads = np.asarray(beads, dtype=np.int64).reshape(-1, 4)
    zh = _bead_tokens(doc.zh, beads[:, 0], beads[:, 1])
    en = _bead_tokens(doc.en, beads[:, 2], beads[:, 3])
    n_zh, n_en = len(doc.zh_vocab), len(doc.en_vocab)
    forward = train_ibm1_ragged(zh, en, n_zh, n_en, prior=allowed, prior_weight=prior_weight,
                                iterations=iterations)
    backward = train_ibm1_ragged(en, zh, n_en, n_zh, prior=invert(allowed, n_en),
                                 prior_weight=prior_weight, iterations=iterations)
    return Tables(_prune(forward), _prune(backward))


def _prune(table: SparseTable) -> Rows:
    keep = table.probs >= MIN_PROB
    rows = np.repeat(np.arange(len(table.indptr) - 1), np.diff(table.indptr))[keep]
    indptr = np.concatenate([[0], np.cumsum(np.bincount(rows, minlength=len(table.indptr) - 1))])
    return Rows(indptr.astype(np.int64), table.targets[keep], table.probs[keep])
