"""Sentence (or paragraph) alignment of Chinese and English on the CPU, without neural weights.

Method, per document (all blocks together):

1. Tokens (``features``): CC-CEDICT words and anchors (numbers, Latin strings, names
   read in pinyin) on the Chinese side, content stems and the same anchors on the English side.
2. A translation table: first the dictionary (uniform over a word's glosses), then IBM Model 1
   learned by EM from the beads of a first alignment of the same document, seeded by the
   dictionary (``ttable``).
3. Bead scores (``scoring``): a log-likelihood ratio of each side's tokens given the whole
   other side (so 2-2, 2-3, 3-3 beads compete fairly with chains of smaller ones, and a
   sentence nobody translated is cheaper alone than inside a neighbour's bead), a Gaussian
   length term in log(English chars / (ratio x Chinese chars)), a prior per bead size, and a
   quote boundary term: a bead that ends a quotation on one side ends it on the other.
4. Search, per block (``dp``): a first pass over beads up to 2-2 in a wide band around
   the length diagonal with the dictionary table finds the path and the beads to learn from;
   the second pass runs every bead size in a narrow band around it with the learned table.
5. Confidence: the posterior probability of each bead under a lenient version of the same
   model (forward-backward over the band), calibrated on MAC-Dev (``confidence``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from . import dp
from . import features as feat
from .features import clip
from . import confidence
from .scoring import BeadScorer, Lexical, ScoreParams, TablePart, lexical
from ..errors import InputError
from ..records import Bead

VERSION = "v2"


@dataclass(frozen=True, slots=True)
class AlignSettings:
    """Aligner options; ``describe()`` is the signature recorded with the output."""

    max_zh: int = 4              # most Chinese units in one bead
    max_en: int = 9              # most English units in one bead (policy reports reach 1-9)
    max_total: int = 10          # most units in one bead, both sides together
    band: int = 2                # second-pass half-width around the first-pass path
    first_pass_width: int = 20   # first-pass half-width around the length diagonal (grows)
    use_lexical: bool = True     # False: length-only (Gale-Church-like) baseline
    use_dictionary: bool = True  # CC-CEDICT glosses seed the translation table
    use_anchors: bool = True     # numbers, Latin strings, names
    learn_table: bool = True     # IBM Model 1 by EM on the first pass's beads, cross-fitted
    folds: int = 2               # each part is scored by a table learned on the others (1: on itself)
    use_quotes: bool = True      # quote boundary term
    em_iterations: int = 5
    prior_weight: float = 1.0    # pseudo-counts the dictionary gives each word
    scores: ScoreParams = ScoreParams()

    def describe(self) -> str:
        lex = "off" if not self.use_lexical else ("ibm1-em" if self.learn_table else "seed")
        return (f"zhtm-align {VERSION} max={self.max_zh}x{self.max_en} band={self.band} "
                f"dict={'cedict' if self.use_dictionary and self.use_lexical else 'none'} "
                f"anchors={'on' if self.use_anchors and self.use_lexical else 'off'} "
                f"table={lex} quotes={'on' if self.use_quotes else 'off'}")


Blocks = Sequence[tuple[Sequence[str], Sequence[str]]]
Path = list[tuple[int, int, int, int]]


def align_blocks(blocks: Blocks, settings: AlignSettings = AlignSettings(),
                 progress: Callable[[int, int], None] | None = None) -> list[list[Bead]]:
    """Align each block (zh units, en units known to translate each other as a whole).

    Returns, per block, its beads in order with block-local ids, covering every unit exactly
    once (1-0 / 0-1 beads allowed), each with a confidence in [0, 1]. Length and translation
    models are fitted on all blocks together, then each block is searched."""
    _check(blocks, settings)
    zh_off = np.cumsum([0] + [len(zh) for zh, _ in blocks])
    en_off = np.cumsum([0] + [len(en) for _, en in blocks])
    doc = feat.tokenize([s for zh, _ in blocks for s in zh], [s for _, en in blocks for s in en],
                        use_anchors=settings.use_anchors, lexical=settings.use_lexical)
    job = _Job(doc, settings, zh_off, en_off, progress, total=2 * len(blocks))
    allowed = feat.seed_allowed(doc, settings.use_dictionary) if settings.use_lexical else None
    folds = job.seed_folds(allowed) if settings.use_lexical else []
    first = [job.first_pass(b, folds) for b in range(len(blocks))]
    if settings.use_lexical and settings.learn_table:
        folds = job.learned_folds(first, allowed) or folds
    out = []
    for b, (zh, en) in enumerate(blocks):
        path, probs = job.second_pass(b, folds, first[b])
        whole = len(path) == 1 and len(zh) > 0 and len(en) > 0
        out.append([Bead(tuple(range(z0, z1)), tuple(range(e0, e1)),
                         confidence.bead_confidence(p, whole))
                    for (z0, z1, e0, e1), p in zip(path, probs)])
    return out


@dataclass(frozen=True, slots=True)
class _Fold:
    """Document sentences [zh0, zh1) and [en0, en1) and the tables that score them."""

    zh0: int
    zh1: int
    en0: int
    en1: int
    en_given_zh: feat.Rows
    zh_given_en: feat.Rows


# Columns the second pass adds on each side of the band, beyond ``band``, for beads larger
# than the first pass's 2-2 to fit (was max_en // 2 = 4: the same beads on MAC-Dev and the
# reports with 2, and the second pass's rows are a quarter narrower).
SECOND_PASS_ROOM = 2
# The first pass's band doubles at most to this many times first_pass_width (MAC-Dev and
# the reports need at most 2x); then it follows its own path, at most this many times (each
# lets the path move ~4x first_pass_width further from where it ran: ~1,000 sentences in all).
FIRST_PASS_DOUBLING_LIMIT = 4
FIRST_PASS_RECENTRINGS = 12
# Cross-fitting needs enough beads in each fold for the table to learn anything.
MIN_BEADS_PER_FOLD = 20


class _Job:
    """One document's shared state: tokens, length ratio, settings, progress."""

    def __init__(self, doc: feat.DocTokens, settings: AlignSettings, zh_off: np.ndarray,
                 en_off: np.ndarray, progress: Callable[[int, int], None] | None,
                 total: int) -> None:
        self.doc, self.settings = doc, settings
        self.zh_off, self.en_off = zh_off, en_off
        self.ratio = _ratio(doc.zh_len, doc.en_len)
        self.progress, self.total, self.done = progress, total, 0

    def _tick(self) -> None:
        self.done += 1
        if self.progress is not None:
            self.progress(self.done, self.total)

    def _slices(self, b: int) -> tuple[int, int, int, int]:
        return int(self.zh_off[b]), int(self.zh_off[b + 1]), int(self.en_off[b]), int(self.en_off[b + 1])

    def seed_folds(self, allowed: feat.Ragged) -> list[_Fold]:
        """One fold over the whole document with the dictionary (and anchor) table."""
        doc = self.doc
        tables = feat.seed_tables(doc, allowed)
        return [_Fold(0, len(doc.zh_len), 0, len(doc.en_len), tables.en_given_zh, tables.zh_given_en)]

    def learned_folds(self, paths: list[Path], allowed: feat.Ragged) -> list[_Fold]:
        """Split the first pass's beads into contiguous folds; each fold's sentences are scored
        by IBM Model 1 learned on the other folds' beads. A table learned on the beads it
        then scores would only confirm them (errors included); learned elsewhere in the
        document it brings the names and renderings the translator repeats."""
        beads = [(int(self.zh_off[b]) + z0, int(self.zh_off[b]) + z1,
                  int(self.en_off[b]) + e0, int(self.en_off[b]) + e1)
                 for b, path in enumerate(paths) for z0, z1, e0, e1 in path]
        k = self.settings.folds
        paired = sum(1 for z0, z1, e0, e1 in beads if z1 > z0 and e1 > e0)
        if k < 1 or paired < max(k, 2) * MIN_BEADS_PER_FOLD:
            return []
        groups = [beads[g * len(beads) // k:(g + 1) * len(beads) // k] for g in range(k)]
        folds = []
        for g, group in enumerate(groups):
            # folds=1 trains on the very beads it scores (the self-training ablation)
            train = [bead for h, other in enumerate(groups) if h != g or k == 1 for bead in other
                     if bead[1] > bead[0] and bead[3] > bead[2]]
            tables = feat.learn_tables(self.doc, train, allowed,
                                       prior_weight=self.settings.prior_weight,
                                       iterations=self.settings.em_iterations)
            zh0 = 0 if g == 0 else group[0][0]
            en0 = 0 if g == 0 else group[0][2]
            zh1 = len(self.doc.zh_len) if g == k - 1 else group[-1][1]
            en1 = len(self.doc.en_len) if g == k - 1 else group[-1][3]
            folds.append(_Fold(zh0, zh1, en0, en1, tables.en_given_zh, tables.zh_given_en))
        return folds

    def first_pass(self, b: int, folds: list[_Fold]) -> Path:
        """Beads up to 2-2 in a band around the length diagonal: finds where the path runs.

        The band starts at +-first_pass_width sentences and doubles while the best path runs
        along its edge (a long omission on one side pushes the path off the diagonal), up to
        FIRST_PASS_DOUBLING_LIMIT times that width; beyond it the band keeps its width and is
        centred on the path just found instead (FIRST_PASS_RECENTRINGS times at most), so its
        width, and the cost of a pass, do not grow with the length of the block."""
        z0, z1, e0, e1 = self._slices(b)
        n, m = z1 - z0, e1 - e0
        s = self.settings
        if _trivial(n, m, s):
            self._tick()
            return _trivial_path(n, m)
        amax, bmax = min(2, s.max_zh), min(2, s.max_en)
        zl, el = self.doc.zh_len[z0:z1], self.doc.en_len[e0:e1]
        # Column where the English text reaches the same share of characters as the Chinese.
        cz = np.concatenate([[0.0], np.cumsum(zl)]) / max(float(zl.sum()), 1.0)
        ce = np.concatenate([[0.0], np.cumsum(el)]) / max(float(el.sum()), 1.0)
        center = np.searchsorted(ce, cz)
        w1 = s.first_pass_width
        recentred, previous = 0, None
        while True:
            width = min(m + 1, 2 * w1 + 1)
            lo = clip(center - w1, 0, m + 1 - width)
            lo = np.maximum.accumulate(lo).astype(np.int64)
            lo[0] = 0
            lo[-1] = m + 1 - width  # the last row must reach column m
            lo = np.minimum.accumulate(lo[::-1])[::-1]
            band = dp.Band(n, m, lo, width)
            scorer = None  # the last round's evidence arrays are not held while these are built
            scorer = self._scorer(b, band, amax, bmax, folds)
            path = dp.search(band, scorer, amax, bmax, scorer.insert)
            if width == m + 1 or not _touches_edge(path, band):
                break
            if w1 < FIRST_PASS_DOUBLING_LIMIT * s.first_pass_width:
                w1 *= 2
            elif recentred < FIRST_PASS_RECENTRINGS and path != previous:
                # wide enough: on a long block the path drifts from the diagonal, and a band
                # doubled around the diagonal would grow with the drift; follow the path
                center, recentred = _path_center(path, n, m), recentred + 1
            else:
                break
            previous = path
        self._tick()
        return path

    def second_pass(self, b: int, folds: list[_Fold], guide: Path
                    ) -> tuple[Path, list[float]]:
        """All bead sizes in a narrow band around the first pass's path."""
        z0, z1, e0, e1 = self._slices(b)
        n, m = z1 - z0, e1 - e0
        s = self.settings
        if _trivial(n, m, s):
            self._tick()
            path = _trivial_path(n, m)
            return path, [1.0 if n and m else 0.0] * len(path)
        jmin, jmax = _path_span(guide, n, m)
        room = s.band + SECOND_PASS_ROOM
        lo = np.maximum.accumulate(np.maximum(jmin - room, 0))
        hi = np.maximum.accumulate(np.minimum(jmax + room, m))
        band = dp.Band(n, m, lo.astype(np.int64), int((hi - lo).max()) + 1)
        scorer = self._scorer(b, band, s.max_zh, s.max_en, folds)
        path = dp.search(band, scorer, s.max_zh, s.max_en, scorer.insert)
        lenient = confidence.lenient(s.scores)
        judge = scorer.variant(lenient, _prior(lenient, s.max_total, s.max_zh, s.max_en))
        probs = dp.posteriors(band, judge, s.max_zh, s.max_en, judge.insert,
                              confidence.TEMPERATURE, path)
        self._tick()
        return path, probs

    def _scorer(self, b: int, band: dp.Band, amax: int, bmax: int,
                folds: list[_Fold]) -> BeadScorer:
        z0, z1, e0, e1 = self._slices(b)
        doc, s = self.doc, self.settings
        lex: Lexical | None = None
        if folds:
            parts = [TablePart(max(f.zh0, z0) - z0, min(f.zh1, z1) - z0,
                               max(f.en0, e0) - e0, min(f.en1, e1) - e0,
                               f.en_given_zh, f.zh_given_en) for f in folds]
            lex = lexical(doc.zh.slice(z0, z1), doc.en.slice(e0, e1), parts, doc.zh_bg,
                          doc.en_bg, band, amax, bmax, s.scores)
        ratio = _block_ratio(self.ratio, doc.zh_len[z0:z1], doc.en_len[e0:e1])
        quotes_z = doc.zh_quote_end[z0:z1] if s.use_quotes else np.zeros(z1 - z0, bool)
        quotes_e = doc.en_quote_end[e0:e1] if s.use_quotes else np.zeros(e1 - e0, bool)
        inside_z = feat.inside_quotes(doc.zh_quote_event[z0:z1] if s.use_quotes else
                                      np.zeros(z1 - z0, np.int8))
        inside_e = feat.inside_quotes(doc.en_quote_event[e0:e1] if s.use_quotes else
                                      np.zeros(e1 - e0, np.int8))
        return BeadScorer(band, amax, bmax, s.scores, _prior(s.scores, s.max_total, amax, bmax),
                          doc.zh_len[z0:z1],
                          doc.en_len[e0:e1], ratio, quotes_z, quotes_e, lex,
                          np.diff(doc.zh.indptr[z0:z1 + 1]).astype(float),
                          np.diff(doc.en.indptr[e0:e1 + 1]).astype(float), inside_z, inside_e)


def _path_span(path: Path, n: int, m: int) -> tuple[np.ndarray, np.ndarray]:
    """For each row 0..n, the first and last column the path occupies at that row."""
    jmin = np.full(n + 1, m, dtype=np.int64)
    jmax = np.zeros(n + 1, dtype=np.int64)
    for q0, q1, r0, r1 in path:
        for i in range(q0, q1 + 1):
            jmin[i] = min(jmin[i], r0 if i == q0 else r1)
            jmax[i] = max(jmax[i], r1 if i == q1 else r0)
    jmin[0], jmax[n] = 0, m
    return jmin, jmax


def _path_center(path: Path, n: int, m: int) -> np.ndarray:
    """For each row 0..n, the middle of the columns the path occupies at that row."""
    jmin, jmax = _path_span(path, n, m)
    return (jmin + jmax) // 2


def _touches_edge(path: Path, band: dp.Band, margin: int = 3) -> bool:
    """Whether the path comes within ``margin`` columns of a band edge that is not the text's."""
    for _, i, _, j in path:
        k = j - int(band.lo[i])
        if (k < margin and band.lo[i] > 0) or \
                (k >= band.width - margin and band.lo[i] + band.width - 1 < band.m):
            return True
    return False


def _trivial(n: int, m: int, settings: AlignSettings) -> bool:
    """A block with one side empty, or one sentence facing a few: nothing to search (a
    paragraph pair with one Chinese sentence is one bead, however many English sentences)."""
    if n == 0 or m == 0:
        return True
    return (n == 1 and m <= settings.max_en or m == 1 and n <= settings.max_zh) \
        and n + m <= settings.max_total


def _trivial_path(n: int, m: int) -> Path:
    if n and m:
        return [(0, n, 0, m)]
    return [(i, i + 1, 0, 0) for i in range(n)] + [(0, 0, j, j + 1) for j in range(m)]


def _check(blocks: Blocks, settings: AlignSettings) -> None:
    if settings.max_zh < 1 or settings.max_en < 1 or settings.band < 1:
        raise ValueError("max_zh, max_en and band must be at least 1")
    for b, block in enumerate(blocks):
        if len(block) != 2:
            raise InputError(None, "each block must be a (zh units, en units) pair", where=f"block {b}")
        for side in block:
            if isinstance(side, str) or any(not isinstance(s, str) for s in side):
                raise InputError(None, "block sides must be sequences of strings", where=f"block {b}")


def _ratio(zl: np.ndarray, el: np.ndarray) -> float:
    z, e = float(zl.sum()), float(el.sum())
    return e / z if z > 0 and e > 0 else 1.0


def _block_ratio(doc_ratio: float, zl: np.ndarray, el: np.ndarray, weight: float = 50.0) -> float:
    """The block's own length ratio, shrunk towards the document's: a chapter of a few hundred
    sentences keeps its own (translators differ), a paragraph of three takes the document's."""
    z, e = float(zl.sum()), float(el.sum())
    if z <= 0 or e <= 0:
        return doc_ratio
    k = (len(zl) + len(el)) / 2.0
    return math.exp((k * math.log(e / z) + weight * math.log(doc_ratio)) / (k + weight))


def _prior(p: ScoreParams, max_total: int, amax: int, bmax: int) -> np.ndarray:
    """Log-prior of an a-b bead at [a - 1, b] (NEG where not allowed; [0, 0] is the 1-0 bead)."""
    pr = np.full((amax, bmax + 1), dp.NEG)
    pr[0, 0] = 0.0
    for a in range(1, amax + 1):
        for b in range(1, bmax + 1):
            if a + b <= max_total:
                pr[a - 1, b] = -(a + b - 2) * p.merge - (p.both_merged if a > 1 and b > 1 else 0.0)
    return pr
