"""Sentence (or paragraph) alignment of Chinese and English: length + lexicon + anchors.

Method, per document (all blocks together):

1. Features. English units -> content stems and anchors (numbers, capitalised names, quotes);
   Chinese units -> dictionary words (forward maximum matching on CC-CEDICT) whose glosses,
   anchors (numbers, Latin strings, pinyin of name-like characters) map them into the same
   English term space. Both sides are idf-weighted; similarity of a bead is the cosine of the
   summed vectors of its units, so merged sentences are scored as one unit.
2. Length model: Gaussian in log(English chars / (ratio x Chinese chars)), ratio and spread
   fitted on the document.
3. Search, per block: a first pass over small beads (up to 2-2) in a wide band around the
   length diagonal finds the path; a second pass over all bead sizes runs in a narrow band
   around it (Bertalign's two-pass idea, with lexical vectors instead of embeddings).
4. Refinement: a lexicon is learned from the confident beads of the whole document (Dice of
   Chinese words and English stems), added to the dictionary, and the search is repeated.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

from ..errors import InputError
from ..records import Bead
from . import dp
from . import features as feat

VERSION = "v1"
REFIT = False
SIGMA = 0.35


@dataclass(frozen=True, slots=True)
class AlignSettings:
    """Aligner options; ``describe()`` is the signature recorded with the output."""

    max_zh: int = 4              # most Chinese units in one bead
    max_en: int = 9              # most English units in one bead (policy reports reach 1-9)
    max_total: int = 10          # most units in one bead, both sides together
    band: int = 6                # second-pass half-width around the first-pass path
    first_pass_width: int = 100  # first-pass half-width around the length diagonal
    use_lexical: bool = True     # False: length-only (Gale-Church-like) baseline
    use_dictionary: bool = True  # CC-CEDICT glosses
    use_anchors: bool = True     # numbers, Latin strings, names, quotes
    lexicon_passes: int = 1      # realignments with a lexicon learned from the document
    refine_if_weak: float = 0.2  # ... run only when more beads than this share are weak
    skip_penalty: float = 3.0    # cost of a 1-0 / 0-1 bead
    merge_penalty: float = 0.6   # cost per unit beyond 1-1
    lex_weight: float = 10.0
    len_weight: float = 1.0
    lex_offset: float = 0.05
    size_power: float = 0.0

    def describe(self) -> str:
        lex = "off" if not self.use_lexical else \
            f"{self.lexicon_passes}pass-if-weak>{self.refine_if_weak:g}"
        return (f"zhtm-align {VERSION} max={self.max_zh}x{self.max_en} band={self.band} "
                f"dict={'cedict' if self.use_dictionary and self.use_lexical else 'none'} "
                f"anchors={'on' if self.use_anchors and self.use_lexical else 'off'} lex={lex}")


Blocks = Sequence[tuple[Sequence[str], Sequence[str]]]
WHOLE_BLOCK_CONFIDENCE = 0.8


def align_blocks(blocks: Blocks, settings: AlignSettings = AlignSettings(),
                 progress: Callable[[int, int], None] | None = None) -> list[list[Bead]]:
    """Align each block (zh units, en units known to translate each other as a whole).

    Returns, per block, its beads in order with block-local ids, covering every unit exactly
    once (1-0 / 0-1 beads allowed), each with a confidence in [0, 1]. Length and lexical models
    are fitted on all blocks together, then each block is searched."""
    _check(blocks, settings)
    zh_all = [s for zh, _ in blocks for s in zh]
    en_all = [s for _, en in blocks for s in en]
    zh_off = np.cumsum([0] + [len(zh) for zh, _ in blocks])
    en_off = np.cumsum([0] + [len(en) for _, en in blocks])
    doc = feat.build_doc(zh_all, en_all, use_anchors=settings.use_anchors,
                         lexical=settings.use_lexical)
    tables = [feat.dictionary_table(doc)] if settings.use_lexical and settings.use_dictionary else []
    ratio = _ratio(doc.zh_len, doc.en_len)
    sigma = SIGMA
    passes = settings.lexicon_passes if settings.use_lexical else 0
    total = len(blocks) * (1 + passes)
    done = 0
    result: list[list[tuple[int, int, int, int]]] = []
    stats: list[list[tuple[float, float]]] = []
    guides: list[list[tuple[int, int, int, int]]] = []
    for round_ in range(passes + 1):
        zr = feat.zh_rows(doc, tables) if settings.use_lexical else None
        result, stats = [], []
        for b, (zh, en) in enumerate(blocks):
            z0, z1, e0, e1 = zh_off[b], zh_off[b + 1], en_off[b], en_off[b + 1]
            model = _model(settings, _block_ratio(ratio, doc.zh_len[z0:z1], doc.en_len[e0:e1]),
                           sigma)
            beads, st = _align_block(
                zr.slice(z0, z1) if zr is not None else None,
                doc.en_rows.slice(e0, e1) if zr is not None else None,
                doc.zh_len[z0:z1], doc.en_len[e0:e1], settings, model,
                guides[b] if guides else None)
            result.append(beads)
            stats.append(st)
            done += 1
            if progress is not None:
                progress(done, total)
        if round_ < passes and _weak_share(result, stats, sigma) <= settings.refine_if_weak:
            # The dictionary already explains the document: a learned lexicon adds nothing
            # measurable there (MAC-Dev), while it lifts weakly explained documents.
            if progress is not None:
                progress(total, total)
            break
        if round_ < passes:
            guides = result  # later rounds search around the previous path
            confident = _confident_beads(result, stats, zh_off, en_off)
            tables = tables[:1] if settings.use_dictionary else []
            tables.append(feat.learn_lexicon(doc, confident, tables[0] if tables else None))
            if REFIT:
                ratio, sigma = _refit_length(result, doc, zh_off, en_off, ratio, sigma)
    out = []
    for (zh, en), beads, bst in zip(blocks, result, stats):
        whole = len(beads) == 1 and len(zh) > 0 and len(en) > 0
        out.append([Bead(tuple(range(z0, z1)), tuple(range(e0, e1)),
                         _confidence(st, z1 - z0, e1 - e0, sigma, whole))
                    for (z0, z1, e0, e1), st in zip(beads, bst)])
    return out


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


def _prior(settings: AlignSettings, amax: int, bmax: int) -> np.ndarray:
    pr = np.full((amax + 1, bmax + 1), dp.NEG)
    for a in range(1, amax + 1):
        for b in range(1, bmax + 1):
            if a + b <= settings.max_total:
                extra = (a + b - 2) * settings.merge_penalty
                if a > 1 and b > 1:
                    extra += settings.merge_penalty  # m-n with both sides merged is rarer
                pr[a, b] = -extra
    return pr


def _model(settings: AlignSettings, ratio: float, sigma: float, amax: int | None = None,
           bmax: int | None = None) -> dp.ScoreModel:
    amax = settings.max_zh if amax is None else amax
    bmax = settings.max_en if bmax is None else bmax
    return dp.ScoreModel(prior=_prior(settings, amax, bmax), lex_weight=settings.lex_weight,
                         lex_offset=settings.lex_offset, size_power=settings.size_power, len_weight=settings.len_weight,
                         ratio=ratio, sigma=sigma, skip=-settings.skip_penalty)


def _align_block(zr: feat.Rows | None, er: feat.Rows | None, zl: np.ndarray, el: np.ndarray,
                 settings: AlignSettings, model: dp.ScoreModel,
                 guide: list[tuple[int, int, int, int]] | None = None
                 ) -> tuple[list[tuple[int, int, int, int]], list[tuple[float, float]]]:
    n, m = len(zl), len(el)
    if n == 0 or m == 0:
        beads = [(i, i + 1, 0, 0) for i in range(n)] + [(0, 0, j, j + 1) for j in range(m)]
        return beads, [(0.0, 0.0)] * len(beads)
    path = guide if guide is not None else _first_pass(zr, er, zl, el, settings, model)
    return _second_pass(zr, er, zl, el, settings, model, path)


def _first_pass(zr: feat.Rows | None, er: feat.Rows | None, zl: np.ndarray, el: np.ndarray,
                settings: AlignSettings, model: dp.ScoreModel) -> list[tuple[int, int, int, int]]:
    """Beads up to 2-2 in a wide band around the length diagonal: finds where the path runs."""
    m = len(el)
    a1, b1 = min(2, settings.max_zh), min(2, settings.max_en)
    first = dp.ScoreModel(model.prior[:a1 + 1, :b1 + 1], model.lex_weight, model.lex_offset,
                          model.size_power, model.len_weight, model.ratio, model.sigma, model.skip)
    w1 = settings.first_pass_width
    width = min(m + 1, 2 * w1 + 1)
    # Column where the English text reaches the same share of characters as the Chinese.
    cz = np.concatenate([[0.0], np.cumsum(zl)]) / max(float(zl.sum()), 1.0)
    ce = np.concatenate([[0.0], np.cumsum(el)]) / max(float(el.sum()), 1.0)
    center = np.searchsorted(ce, cz)
    lo = np.clip(center - w1, 0, m + 1 - width)
    lo = np.maximum.accumulate(lo).astype(np.int64)
    lo[0] = 0
    lo[-1] = m + 1 - width  # the last row must reach column m
    lo = np.minimum.accumulate(lo[::-1])[::-1]
    return dp.search(_inputs(zr, er, zl, el, lo, width, a1, b1), first)


def _second_pass(zr: feat.Rows | None, er: feat.Rows | None, zl: np.ndarray, el: np.ndarray,
                 settings: AlignSettings, model: dp.ScoreModel,
                 path: list[tuple[int, int, int, int]]
                 ) -> tuple[list[tuple[int, int, int, int]], list[tuple[float, float]]]:
    """All bead sizes in a narrow band around a path."""
    n, m = len(zl), len(el)
    jmin = np.full(n + 1, m, dtype=np.int64)
    jmax = np.zeros(n + 1, dtype=np.int64)
    for z0, z1, e0, e1 in path:
        for i in range(z0, z1 + 1):
            jmin[i] = min(jmin[i], e0 if i == z0 else e1)
            jmax[i] = max(jmax[i], e1 if i == z1 else e0)
    jmin[0], jmax[n] = 0, m
    w = settings.band
    lo2 = np.maximum(jmin - w - settings.max_en // 2, 0)
    hi2 = np.minimum(jmax + w + settings.max_en // 2, m)
    lo2 = np.maximum.accumulate(lo2)
    hi2 = np.maximum.accumulate(hi2)
    width2 = int((hi2 - lo2).max()) + 1
    inp = _inputs(zr, er, zl, el, lo2, width2, settings.max_zh, settings.max_en)
    beads = dp.search(inp, model)
    return beads, [_bead_stats(inp, model, b) for b in beads]


def _inputs(zr: feat.Rows | None, er: feat.Rows | None, zl: np.ndarray, el: np.ndarray,
            lo: np.ndarray, width: int, amax: int, bmax: int) -> dp.BandInputs:
    n, m = len(zl), len(el)
    slo = lo[1:] - bmax
    reach = lo[np.minimum(np.arange(n) + amax, n)] - slo
    ws = int(reach.max()) + width + bmax + 1 if n else width
    if zr is not None and er is not None:
        S = feat.band_products(zr, er, slo, ws, m)
        zn2 = feat.span_norms(feat.adjacent_products(zr, amax), n, amax)
        en2 = feat.span_norms(feat.adjacent_products(er, bmax), m, bmax)
    else:
        S = np.zeros((n, ws))
        zn2 = np.zeros((amax + 1, n + 1))
        en2 = np.zeros((bmax + 1, m + 1))
    prefix = np.concatenate([np.zeros((n, 1)), np.cumsum(S, axis=1)], axis=1)
    zlen = _span_sums(zl, amax)
    elen = _span_sums(el, bmax)
    pad = width + 1
    en2 = np.nan_to_num(np.pad(en2, ((0, 0), (0, pad))))
    elen = np.pad(elen, ((0, 0), (0, pad)))
    return dp.BandInputs(n, m, lo.astype(np.int64), width, prefix, slo.astype(np.int64),
                         np.nan_to_num(zn2), en2, zlen, elen)


def _span_sums(x: np.ndarray, kmax: int) -> np.ndarray:
    c = np.concatenate([[0.0], np.cumsum(x)])
    out = np.zeros((kmax + 1, len(x) + 1))
    for k in range(1, kmax + 1):
        out[k, k:] = c[k:] - c[:-k]
    return out


def _bead_stats(inp: dp.BandInputs, model: dp.ScoreModel, bead: tuple[int, int, int, int]
                ) -> tuple[float, float]:
    """(cosine similarity, log length ratio) of one chosen bead."""
    z0, z1, e0, e1 = bead
    a, b = z1 - z0, e1 - e0
    if a == 0 or b == 0:
        return 0.0, 0.0
    num = 0.0
    for s in range(z0, z1):
        base = int(inp.slo[s])
        num += inp.prefix[s, e1 - base] - inp.prefix[s, e0 - base]
    den = inp.zn2[a, z1] * inp.en2[b, e1]
    cos = num / math.sqrt(den) if den > 0 else 0.0
    x = math.log((inp.el[b, e1] + model.len_smooth) / (model.ratio * inp.zl[a, z1] + model.len_smooth))
    return cos, x


def _weak_share(result, stats, sigma: float) -> float:
    """Share of beads whose confidence is below 0.5 (null beads count as weak)."""
    confidences = [_confidence(st, z1 - z0, e1 - e0, sigma)
                   for beads, bst in zip(result, stats)
                   for (z0, z1, e0, e1), st in zip(beads, bst)]
    return sum(c < 0.5 for c in confidences) / max(1, len(confidences))


def _confidence(stat: tuple[float, float], a: int, b: int, sigma: float,
                whole_block: bool = False) -> float:
    """Confidence in [0, 1]: lexical support times length fit; null beads stay low.

    A bead that is its whole block ("各位代表:" / "Fellow Deputies,") is as certain as the
    block pairing the caller gave, whatever its thin lexical evidence says.
    """
    if a == 0 or b == 0:
        return 0.05
    if whole_block:
        return max(WHOLE_BLOCK_CONFIDENCE, _confidence(stat, a, b, sigma))
    cos, x = stat
    lex = 1.0 - math.exp(-cos / 0.15)
    fit = math.exp(-0.5 * (x / sigma) ** 2)
    return round(max(0.0, min(1.0, 0.15 + 0.85 * lex * (0.4 + 0.6 * fit))), 4)


def _confident_beads(result, stats, zh_off, en_off):
    pairs = []
    for b, (beads, st) in enumerate(zip(result, stats)):
        for (z0, z1, e0, e1), (cos, x) in zip(beads, st):
            if z1 > z0 and e1 > e0 and cos > 0.08 and abs(x) < 0.8:
                pairs.append((range(zh_off[b] + z0, zh_off[b] + z1),
                              range(en_off[b] + e0, en_off[b] + e1)))
    return pairs


def _refit_length(result, doc, zh_off, en_off, ratio, sigma):
    xs = []
    for b, beads in enumerate(result):
        for z0, z1, e0, e1 in beads:
            if z1 > z0 and e1 > e0:
                zl = doc.zh_len[zh_off[b] + z0: zh_off[b] + z1].sum()
                el = doc.en_len[en_off[b] + e0: en_off[b] + e1].sum()
                if zl > 0 and el > 0:
                    xs.append(math.log(el / zl))
    if len(xs) < 20:
        return ratio, sigma
    arr = np.asarray(xs)
    med = float(np.median(arr))
    mad = float(np.median(np.abs(arr - med))) * 1.4826
    return math.exp(med), max(0.2, min(0.8, mad))
