"""Bead scores inside a band: translation evidence, length, bead-type prior, quote boundaries.

The translation evidence of a bead (zh sentences Z, en sentences E) is a log-likelihood ratio
summed over the tokens of both sides, each token judged against the whole other side (so a
2-3 bead is scored as one unit, and competes fairly with a chain of smaller beads):

    sum over en tokens e of E:  log(1 + kappa * sum_{f in Z} t(e | f) / ((|Z| + 1)^gamma * bg(e)))
  + sum over zh tokens f of Z:  log(1 + kappa * sum_{e in E} t(f | e) / ((|E| + 1)^gamma * bg(f)))

This is IBM Model 1 with a NULL word, mixed with a background unigram model and taken
relative to it (|Z| is the number of zh tokens; gamma = 1 is Model 1's uniform alignment).
A token the other side does not explain scores 0, so a sentence nobody translated costs
nothing in its own 1-0 bead and dilutes every bead it joins: that is the untranslated-sentence
test. Both sums decompose over the sentences of the side being explained, so they are
computed per sentence against every span of the other side that can end inside the band,
once, and the DP only adds them up.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

import numpy as np

from .dp import NEG, Band
from .features import Rows, clip
from .ttable import sorted_unique


@dataclass(frozen=True, slots=True)
class ScoreParams:
    """Scale of each term of a bead's score. Fitted on MAC-Dev by random search over these
    nine numbers; the same setting wins with every chapter held out in turn (see
    bench/bench_align.py), so none of them is tuned to one chapter."""

    kappa: float = 1.54          # weight of the translation model against the background
    gamma: float = 0.93          # how much a longer other side dilutes each token's evidence
    lex_weight: float = 0.22     # scale of the translation evidence
    len_weight: float = 0.85     # scale of the length term
    sigma: float = 0.35          # spread of log(en chars / (ratio x zh chars))
    skip: float = -6.9           # a 1-0 or 0-1 bead
    merge: float = 2.05          # each sentence beyond 1-1
    both_merged: float = 0.18    # extra for m-n beads with m, n > 1
    quote_match: float = 1.05    # both sides end a quotation at the bead's end
    quote_mismatch: float = 1.16  # only one side does
    quote_state: float = 2.0     # the bead ends inside an open quotation on one side only
    untranslated: float = 0.0    # x log(1 + kappa) per token a null bead leaves unpaired (off: see bench)


# Window rows x distinct tokens one ``_window_mass`` table may hold; beyond, the sentences are
# taken in halves (MAC-Dev chapters and the reports' paragraphs hold a few hundred thousand).
MASS_CELLS = 4_000_000


def _window_mass(sent: Rows, slo: np.ndarray, other: Rows, table: Rows, width: int,
                 n_tokens: int) -> np.ndarray:
    """mass[q, t] = sum of p(token q | e) over the tokens e of other sentence ``slo[q] + t``
    (0 where that is not a sentence), for every token occurrence q of ``sent``.

    Each other sentence of the span the windows cover is projected once onto this side's
    tokens (a table of span x distinct tokens, each cell added up over the sentence's tokens
    in id order), and every token occurrence then reads its window from that table."""
    tok = sent.indices
    m = len(other)
    r0, r1 = int(slo.min()), int(slo.max()) + width
    uniq = sorted_unique(tok)
    cells = (r1 - r0) * len(uniq)
    if cells > MASS_CELLS and len(sent) > 1:
        half = len(sent) // 2
        cut = int(sent.indptr[half])
        return np.concatenate([
            _window_mass(sent.slice(0, half), slo[:cut], other, table, width, n_tokens),
            _window_mass(sent.slice(half, len(sent)), slo[cut:], other, table, width, n_tokens)])
    col = np.full(n_tokens, -1, dtype=np.int64)
    col[uniq] = np.arange(len(uniq))
    j0, j1 = max(r0, 0), min(r1, m)
    a, b = (int(other.indptr[j0]), int(other.indptr[j1])) if j1 > j0 else (0, 0)
    e = other.indices[a:b]
    sentence = np.repeat(np.arange(j0, max(j1, j0)), np.diff(other.indptr[j0:max(j1, j0) + 1]))
    starts = table.indptr[e]
    lengths = table.indptr[e + 1] - starts
    occ = np.repeat(np.arange(len(e)), lengths)
    pos = np.arange(int(lengths.sum())) - np.repeat(np.cumsum(lengths) - lengths, lengths) \
        + starts[occ]
    c = col[table.indices[pos]]
    keep = c >= 0
    occ, pos = occ[keep], pos[keep]
    flat = (sentence[occ] - r0) * len(uniq) + c[keep]
    projected = np.bincount(flat, weights=table.data[pos] * other.data[a:b][occ],
                            minlength=cells)
    at = ((slo - r0) * len(uniq) + col[tok])[:, None] + (np.arange(width) * len(uniq))[None, :]
    return projected[at]


def side_scores(sent: Rows, other: Rows, table: Rows, bg: np.ndarray, other_tokens: np.ndarray,
                wlo: np.ndarray, width: int, kmax: int, params: ScoreParams) -> np.ndarray:
    """out[s, k, t]: evidence for the tokens of sentence s given the span of k sentences of the
    other side ending at ``wlo[s] + t`` (0 where t < k).

    ``table`` holds, for each token of the other side, p(this side's token | it);
    ``other_tokens`` is the token count of each other-side sentence. Only tokens with some
    translation mass inside their window are evaluated."""
    n = len(sent)
    out = np.zeros((n, kmax + 1, width + 1))
    if n == 0 or not len(sent.indices) or len(other) == 0:
        return out
    owner = sent.row_ids()
    m = len(other)
    # mass[q, t] = sum of p(token q | e) over the tokens e of other sentence wlo + t
    mass = _window_mass(sent, wlo[owner], other, table, width, len(bg))
    active = np.flatnonzero(mass.any(axis=1))          # tokens with some translation around
    if not len(active):
        return out
    owner = owner[active]
    cum = np.zeros((len(active), width + 1))
    np.cumsum(mass[active], axis=1, out=cum[:, 1:])
    del mass  # (tokens x width) floats: not held through the loop below on long blocks
    scale = (params.kappa / bg[sent.indices[active]])[:, None]
    starts = np.flatnonzero(np.concatenate([[True], owner[1:] != owner[:-1]]))
    sentences = owner[starts]
    per_sentence = np.diff(np.append(starts, len(owner)))         # active tokens of each
    tok_cum = np.concatenate([[0.0], np.cumsum(other_tokens)])
    col = wlo[sentences, None] + np.arange(width + 1)[None, :]    # span end, per sentence
    colc = clip(col, 0, m)
    # 1 / (tokens of the span + NULL)^gamma for spans of k = 1..kmax sentences, 0 where the
    # span leaves the text: (kmax, sentences, width + 1), one power for all k
    ks = np.arange(1, kmax + 1)[:, None, None]
    length = tok_cum[colc][None] - tok_cum[clip(col[None] - ks, 0, m)] + 1.0
    inside = (col[None] - ks >= 0) & (col <= m)[None]
    inv = np.zeros(length.shape)
    np.power(length, -params.gamma, out=inv, where=inside)
    buf = np.empty(len(active) * width)
    for k in range(1, min(kmax, width) + 1):
        w = buf[:len(active) * (width + 1 - k)].reshape(len(active), width + 1 - k)  # contiguous
        np.subtract(cum[:, k:], cum[:, :-k], out=w)               # spans ending at t >= k
        w *= scale
        w *= np.repeat(inv[k - 1][:, k:], per_sentence, axis=0)
        np.log1p(w, out=w)
        out[sentences, k, k:] = np.add.reduceat(w, starts, axis=0)
    return out


@dataclass(slots=True)
class Lexical:
    """Both directions' evidence for one band (see ``side_scores``)."""

    fe: np.ndarray     # (n, bmax + 1, wz + 1): zh sentence s given en spans, by end column
    fe_lo: np.ndarray  # (n,) column of window index 0
    ef: np.ndarray     # (m, amax + 1, we + 1): en sentence j given zh spans, by end row
    ef_lo: np.ndarray  # (m,) row of window index 0


@dataclass(frozen=True, slots=True)
class TablePart:
    """Which table scores which sentences: zh rows [zh0, zh1) and en rows [en0, en1) of a block
    use p(en | zh) (rows per zh token) and p(zh | en) (rows per en token). Parts cover the
    block; with cross-fitting each part uses a table learned elsewhere."""

    zh0: int
    zh1: int
    en0: int
    en1: int
    en_given_zh: Rows
    zh_given_en: Rows


def lexical(zh: Rows, en: Rows, parts: list[TablePart], zh_bg: np.ndarray, en_bg: np.ndarray,
            band: Band, amax: int, bmax: int, params: ScoreParams) -> Lexical:
    """Evidence arrays for a block whose zh/en sentences are ``zh``/``en`` (block-local rows)."""
    n, m, lo, width = band.n, band.m, band.lo, band.width
    s = np.arange(n)
    fe_lo = lo[np.minimum(s + 1, n)] - bmax
    fe_hi = lo[np.minimum(s + amax, n)] + width
    wz = int((fe_hi - fe_lo).max()) + 1 if n else 1
    first, last = band.rows_of_column()
    j = np.arange(m)
    ef_lo = first[np.minimum(j + 1, m)] - amax
    ef_hi = last[np.minimum(j + bmax, m)] + 1
    we = int((ef_hi - ef_lo).max()) + 1 if m else 1
    zh_tok = np.diff(zh.indptr).astype(np.float64)
    en_tok = np.diff(en.indptr).astype(np.float64)
    fe = np.zeros((n, bmax + 1, wz + 1))
    ef = np.zeros((m, amax + 1, we + 1))
    for part in parts:
        for s0, s1 in _runs(zh, part.zh0, part.zh1, wz):
            fe[s0:s1] = side_scores(zh.slice(s0, s1), en, part.zh_given_en, zh_bg, en_tok,
                                    fe_lo[s0:s1], wz, bmax, params)
        for s0, s1 in _runs(en, part.en0, part.en1, we):
            ef[s0:s1] = side_scores(en.slice(s0, s1), zh, part.en_given_zh, en_bg, zh_tok,
                                    ef_lo[s0:s1], we, amax, params)
    return Lexical(fe, fe_lo, ef, ef_lo)


# Token rows x window columns that one ``side_scores`` call holds at once (its translation
# mass and running sums, several arrays of that size): a long block is scored a run of
# sentences at a time, so memory stays linear in its length. MAC-Dev chapters and the reports'
# paragraphs stay well under it (one call each, as before).
SIDE_CELLS = 4_000_000


def _runs(sent: Rows, start: int, stop: int, width: int) -> list[tuple[int, int]]:
    """Runs of sentences [start, stop) whose tokens x width stay under SIDE_CELLS (a run holds
    at least one sentence); one run when the whole range does."""
    if stop <= start:
        return []
    ptr = sent.indptr
    if int(ptr[stop] - ptr[start]) * width <= SIDE_CELLS:
        return [(start, stop)]
    per = max(1, SIDE_CELLS // max(width, 1))
    runs = []
    while start < stop:
        end = int(np.searchsorted(ptr, ptr[start] + per, side="right")) - 1
        end = min(stop, max(end, start + 1))
        runs.append((start, end))
        start = end
    return runs


class BeadScorer:
    """``scorer.rows(r0, r1)`` -> (rows, amax, bmax + 1, width) bead scores for DP rows
    r0 .. r1-1 (see align.dp), computed with numpy a chunk of rows at a time.

    The parts of a score that do not depend on the constants (length deviation, quote
    bits, translation evidence) are kept for the last chunk asked for and shared with the
    ``variant`` scorers: the search and the judge's forward and backward passes over one
    block compute them once."""

    def __init__(self, band: Band, amax: int, bmax: int, params: ScoreParams, prior: np.ndarray,
                 zh_len: np.ndarray, en_len: np.ndarray, ratio: float,
                 zh_quote_end: np.ndarray, en_quote_end: np.ndarray,
                 lex: Lexical | None, zh_tokens: np.ndarray | None = None,
                 en_tokens: np.ndarray | None = None, zh_inside: np.ndarray | None = None,
                 en_inside: np.ndarray | None = None) -> None:
        self.band, self.amax, self.bmax, self.p = band, amax, bmax, params
        self.nb = bmax + 1
        self.prior = prior                       # (amax, nb): NEG where a bead is not allowed
        self.zc = np.concatenate([[0.0], np.cumsum(zh_len)])
        self.ec = np.concatenate([[0.0], np.cumsum(en_len)])
        self.ratio = ratio
        self.zq = np.concatenate([[False], zh_quote_end])
        self.eq = np.concatenate([[False], en_quote_end])
        self.zin = np.zeros(band.n + 1, bool) if zh_inside is None else zh_inside
        self.ein = np.zeros(band.m + 1, bool) if en_inside is None else en_inside
        self.lex = lex
        # A null bead's tokens are background text; a paired bead pays log(1 + kappa) for each
        # token its other side does not explain (the mixture's (1 - lambda)). So a sentence
        # nobody translated gains that much, per token, by standing alone.
        self.zt = np.zeros(band.n) if zh_tokens is None else zh_tokens
        self.et = np.zeros(band.m) if en_tokens is None else en_tokens
        self._null_scores()
        self._parts: dict[tuple[int, int], tuple] = {}   # shared with variants

    def _null_scores(self) -> None:
        p = self.p
        credit = p.untranslated * p.lex_weight * np.log1p(p.kappa) if self.lex else 0.0
        self.delete = p.skip + credit * np.concatenate([[0.0], self.zt])  # 1-0 bead ending at row i
        self.insert = p.skip + credit * np.concatenate([[0.0], self.et])  # 0-1 bead ending at col j

    def variant(self, params: ScoreParams, prior: np.ndarray) -> "BeadScorer":
        """The same band, texts and evidence scored with other constants."""
        other = copy.copy(self)
        other.p, other.prior = params, prior
        other._null_scores()
        return other

    def _constant_parts(self, r0: int, r1: int) -> tuple:
        """(squared length deviation, quote match, quote mismatch, quote state, evidence,
        allowed) for rows r0 .. r1-1, broadcastable to (rows, amax, nb, width)."""
        got = self._parts.get((r0, r1))
        if got is not None:
            return got
        band, amax, nb = self.band, self.amax, self.nb
        m = band.m
        rows = np.arange(r0, r1)
        cols = band.lo[rows][:, None] + np.arange(band.width)[None, :]          # (R, W)
        colc = np.minimum(cols, m)
        start_row = rows[:, None] - np.arange(1, amax + 1)[None, :]             # (R, amax)
        start_col = cols[:, None, :] - np.arange(nb)[None, :, None]             # (R, nb, W)
        zl = self.zc[rows][:, None] - self.zc[np.maximum(start_row, 0)]
        el = self.ec[colc][:, None, :] - self.ec[clip(start_col, 0, m)]
        x = np.log((el[:, None, :, :] + 10.0) / (self.ratio * zl[:, :, None, None] + 10.0))
        zq = self.zq[rows][:, None]
        eq = self.eq[colc]
        match = (zq & eq)[:, None, None, :]
        mismatch = (zq ^ eq)[:, None, None, :]
        state = (self.zin[rows][:, None] ^ self.ein[colc])[:, None, None, :]
        evidence = self._evidence(rows, cols) if self.lex is not None else None
        ok = (start_row >= 0)[:, :, None, None] & (start_col >= 0)[:, None, :, :] \
            & (cols <= m)[:, None, None, :] & (self.prior > NEG / 2)[None, :, :, None]
        got = (x * x, match, mismatch, state, evidence, ok)
        self._parts.clear()
        self._parts[(r0, r1)] = got
        return got

    def rows(self, r0: int, r1: int) -> np.ndarray:
        """Scores of rows r0 .. r1-1: (rows, amax, nb, width)."""
        p = self.p
        x2, match, mismatch, state, evidence, ok = self._constant_parts(r0, r1)
        sc = self.prior[None, :, :, None] - (p.len_weight / (2.0 * p.sigma ** 2)) * x2
        sc += p.quote_match * match - p.quote_mismatch * mismatch - p.quote_state * state
        if evidence is not None:
            sc += p.lex_weight * evidence
        sc[:, 0, 0, :] = self.delete[r0:r1][:, None]                             # 1-0 beads
        return np.where(ok, sc, NEG)

    def evidence_of(self, beads: list[tuple[int, int, int, int]]) -> np.ndarray:
        """Translation evidence (before ``lex_weight``) of each bead; 0 for null beads and
        beads larger than the band allows."""
        out = np.zeros(len(beads))
        if self.lex is None or not beads:
            return out
        b = np.asarray(beads, dtype=np.int64).reshape(-1, 4)
        a, bb = b[:, 1] - b[:, 0], b[:, 3] - b[:, 2]
        ok = (a >= 1) & (a <= self.amax) & (bb >= 1) & (bb <= self.bmax)
        if not ok.any():
            return out
        ev = self._evidence(b[ok, 1], b[ok, 3][:, None])                       # (R, amax, nb, 1)
        out[ok] = ev[np.arange(int(ok.sum())), a[ok] - 1, bb[ok], 0]
        return out

    def _evidence(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        amax, bmax, nb = self.amax, self.bmax, self.nb
        lex = self.lex
        m = self.band.m
        R, W = cols.shape
        out = np.zeros((R, amax, nb, W))
        # zh sentences i-1, i-2, ... each given the en span ending at every column, added up.
        fe_w = lex.fe.shape[2]
        acc = np.zeros((R, nb, W))
        for a in range(1, amax + 1):
            s = rows - a
            good_s = s >= 0
            sc_ = np.maximum(s, 0)
            t = cols - lex.fe_lo[sc_][:, None]
            good = good_s[:, None] & (t >= 0) & (t < fe_w)
            got = lex.fe[sc_[:, None], :, clip(t, 0, fe_w - 1)]                 # (R, W, nb)
            acc += np.where(good[:, :, None], got, 0.0).transpose(0, 2, 1)
            out[:, a - 1] += acc
        # en sentences j-1, j-2, ... each given the zh span ending at row i, added up.
        ef_w = lex.ef.shape[2]
        acc2 = np.zeros((R, amax, W))
        for d in range(1, bmax + 1):
            jj = cols - d
            good = (jj >= 0) & (jj < m)
            jc = clip(jj, 0, max(m - 1, 0))
            t = rows[:, None] - lex.ef_lo[jc]
            good &= (t >= 0) & (t < ef_w)
            got = lex.ef[jc[:, :, None], np.arange(1, amax + 1)[None, None, :],
                         clip(t, 0, ef_w - 1)[:, :, None]]                      # (R, W, amax)
            acc2 += np.where(good[:, :, None], got, 0.0).transpose(0, 2, 1)
            out[:, :, d, :] += acc2
        return out
