"""Banded dynamic programming over many-to-many beads (the aligner's search core).

Cell (i, j) holds the best score of aligning the first i zh units with the first j en units.
Row i only keeps the columns ``lo[i] .. lo[i] + width - 1``; the band comes from the length
diagonal (first pass) or from a first-pass path (second pass), so memory and time are linear
in the number of units. Each row is computed with numpy over all its columns and all English
bead sizes at once; 0-1 beads inside a row are resolved with a running maximum.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

NEG = -1e18


@dataclass(frozen=True, slots=True)
class ScoreModel:
    """How a candidate bead is scored (all terms are added).

    ``prior[a, b]`` is the log-prior of an a-b bead (−inf where not allowed); the lexical term
    is ``lex_weight * (cos - lex_offset) * (a + b) ** size_power``; the length term is a
    Gaussian in the log of (English chars) / (ratio * Chinese chars)."""

    prior: np.ndarray
    lex_weight: float
    lex_offset: float
    size_power: float
    len_weight: float
    ratio: float
    sigma: float
    skip: float          # score of a 1-0 or 0-1 bead
    len_smooth: float = 10.0


@dataclass(slots=True)
class BandInputs:
    """Everything the DP needs about one block, in band coordinates.

    ``prefix[s, t]`` is the sum of lexical products of zh unit s with en units
    ``slo[s] .. slo[s] + t - 1``; ``zn2[a, i]`` / ``en2[b, j]`` are the squared norms of the
    summed vectors of zh units ``i-a .. i-1`` / en units ``j-b .. j-1``; ``zl`` / ``el`` the
    matching character lengths (arrays padded on the right so band slices never run out)."""

    n: int
    m: int
    lo: np.ndarray
    width: int
    prefix: np.ndarray
    slo: np.ndarray
    zn2: np.ndarray
    en2: np.ndarray
    zl: np.ndarray
    el: np.ndarray


def search(inp: BandInputs, model: ScoreModel) -> list[tuple[int, int, int, int]]:
    """Best bead path as (zh start, zh end, en start, en end) tuples, in order."""
    n, m, lo, width = inp.n, inp.m, inp.lo, inp.width
    amax = model.prior.shape[0] - 1
    bmax = model.prior.shape[1] - 1
    nb = bmax + 1
    D = np.full((n + 1, width), NEG)
    code = np.full((n + 1, width), 255, dtype=np.uint8)
    K = np.arange(width)
    Bv = np.arange(nb)[:, None]
    T = np.arange(width + bmax + 1)
    hi_idx = K + bmax
    lo_idx = hi_idx - Bv                              # (nb, width)
    skip = model.skip
    len_c = model.len_smooth
    inv2s2 = 1.0 / (2.0 * model.sigma ** 2)
    size_fac = (np.arange(amax + 1)[:, None] + np.arange(nb)[None, :]) ** model.size_power
    prior = model.prior

    # Row 0: only 0-1 beads.
    j0 = lo[0] + K
    D[0] = np.where(j0 <= m, j0 * skip, NEG)
    code[0] = np.where((j0 > 0) & (j0 <= m), 1, 255)
    if lo[0] == 0:
        code[0, 0] = 255
    for i in range(1, n + 1):
        lo_i = int(lo[i])
        cols = lo_i + K
        valid_col = cols <= m
        best = np.full(width, NEG)
        best_code = np.full(width, 255, dtype=np.int64)
        A = np.zeros(width + bmax + 1)
        el_row = inp.el[:, lo_i:lo_i + width]        # (nb, width)
        en2_row = inp.en2[:, lo_i:lo_i + width]
        for a in range(1, min(amax, i) + 1):
            s = i - a
            A += inp.prefix[s, (lo_i - bmax - int(inp.slo[s])) + T]
            r = i - a
            idx = (lo_i - int(lo[r])) + K - Bv
            ok = (idx >= 0) & (idx < width)
            prev = np.where(ok, D[r][np.clip(idx, 0, width - 1)], NEG)
            num = A[hi_idx] - A[lo_idx]
            den = inp.zn2[a, i] * en2_row
            cos = np.where(den > 0, num / np.sqrt(np.where(den > 0, den, 1.0)), 0.0)
            zlen = inp.zl[a, i]
            x = np.log((el_row + len_c) / (model.ratio * zlen + len_c))
            sc = (model.lex_weight * (cos - model.lex_offset) * size_fac[a][:, None]
                  - model.len_weight * x * x * inv2s2 + prior[a][:, None])
            sc[0] = skip if a == 1 else NEG           # 1-0 bead
            cand = prev + sc
            bb = np.argmax(cand, axis=0)
            val = cand[bb, K]
            better = val > best
            best = np.where(better, val, best)
            best_code = np.where(better, a * nb + bb, best_code)
        best = np.where(valid_col, best, NEG)
        # 0-1 beads: best[k] = max_k'<=k best[k'] + (k - k') * skip
        g = best - K * skip
        run = np.maximum.accumulate(g) + K * skip
        ins = run > best + 1e-12
        D[i] = np.where(valid_col, np.maximum(run, best), NEG)
        code[i] = np.where(ins & valid_col, 1, np.where(valid_col, best_code, 255))
    return _backtrace(D, code, lo, n, m, nb)


def _backtrace(D: np.ndarray, code: np.ndarray, lo: np.ndarray, n: int, m: int,
               nb: int) -> list[tuple[int, int, int, int]]:
    beads = []
    i, j = n, m
    while i > 0 or j > 0:
        k = j - int(lo[i])
        c = int(code[i, k]) if 0 <= k < code.shape[1] else 255
        if c == 255:
            raise RuntimeError(f"alignment band lost the path at ({i}, {j})")
        a, b = divmod(c, nb)
        beads.append((i - a, i, j - b, j))
        i, j = i - a, j - b
    beads.reverse()
    return beads
