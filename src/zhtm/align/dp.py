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
    nb = model.prior.shape[1]
    bmax = nb - 1
    # Rows are shifted by amax so that rows "before 0" exist and are unreachable.
    # Columns are padded with one unreachable cell on each side, so clipped indices land there.
    D = np.full((n + 1 + amax, width + 2), NEG)
    code = np.full((n + 1, width), 255, dtype=np.uint8)
    lo_pad = np.concatenate([np.full(amax, lo[0]), lo]).astype(np.int64)
    K = np.arange(width)
    T = np.arange(width + bmax + 1)
    Av = np.arange(1, amax + 1)
    kb = (K[None, :] - np.arange(nb)[:, None])[None, :, :]        # (1, nb, width): k - b
    lo_idx2 = (K + bmax)[None, :] - np.arange(nb)[:, None]         # (nb, width)
    row_base = (np.arange(amax) * (width + 2))[:, None, None]
    skip = model.skip
    c = model.len_smooth
    lw = model.len_weight / (2.0 * model.sigma ** 2)
    size_fac = ((Av[:, None] + np.arange(nb)[None, :]) ** model.size_power) * model.lex_weight
    is_bead = np.ones((amax, nb))
    is_bead[:, 0] = 0.0
    base = np.where(model.prior[1:] > NEG / 2, model.prior[1:], NEG)  # (amax, nb)
    base[:, 0] = NEG
    base[0, 0] = skip                                                # 1-0 bead
    lex_scale = size_fac * is_bead
    lex_shift = (size_fac * model.lex_offset * is_bead)
    # Row-independent pieces of the score.
    with np.errstate(divide="ignore"):
        rz = np.where(inp.zn2 > 0, 1.0 / np.sqrt(np.where(inp.zn2 > 0, inp.zn2, 1.0)), 0.0)
        re = np.where(inp.en2 > 0, 1.0 / np.sqrt(np.where(inp.en2 > 0, inp.en2, 1.0)), 0.0)
    log_el = np.log(inp.el + c)
    log_zl = np.log(model.ratio * inp.zl + c)
    prefix = np.concatenate([np.zeros((amax, inp.prefix.shape[1])), inp.prefix])
    slo_pad = np.concatenate([np.full(amax, inp.slo[0] if n else 0), inp.slo]).astype(np.int64)
    # Row 0: only 0-1 beads.
    j0 = lo[0] + K
    D[amax, 1:-1] = np.where(j0 <= m, j0 * skip, NEG)
    code[0] = np.where((j0 > 0) & (j0 <= m), 1, 255)
    for i in range(1, n + 1):
        lo_i = int(lo[i])
        r = i + amax                                  # padded index of row i
        valid_col = (lo_i + K) <= m
        # A[a-1, t]: sum over zh units i-a .. i-1 of prefix at column lo_i - bmax + t.
        srows = np.arange(r - 1, r - 1 - amax, -1)    # padded prefix rows i-1, i-2, ...
        offs = lo_i - bmax - slo_pad[srows]
        G = prefix[srows[:, None], offs[:, None] + T[None, :]]
        A = np.cumsum(G, axis=0)                      # (amax, width + bmax + 1)
        num = A[:, None, bmax:bmax + width] - A[:, lo_idx2]
        cos = num * rz[1:, i][:, None, None] * re[:, lo_i:lo_i + width][None, :, :]
        x = log_el[:, lo_i:lo_i + width][None, :, :] - log_zl[1:, i][:, None, None]
        sc = (base[:, :, None] + lex_scale[:, :, None] * cos - lex_shift[:, :, None]
              - lw * is_bead[:, :, None] * x * x)
        prev_rows = D[r - Av]                          # (amax, width)
        idx = (lo_i + 1 - lo_pad[r - Av])[:, None, None] + kb
        idx = np.minimum(np.maximum(idx, 0), width + 1)
        prev = prev_rows.ravel()[row_base + idx]
        cand = (prev + sc).reshape(amax * nb, width)
        arg = np.argmax(cand, axis=0)
        best = cand[arg, K]
        best = np.where(valid_col, best, NEG)
        # 0-1 beads: best[k] = max_k'<=k best[k'] + (k - k') * skip
        run = np.maximum.accumulate(best - K * skip) + K * skip
        ins = run > best + 1e-9
        D[r, 1:-1] = np.where(valid_col, np.maximum(run, best), NEG)
        # code = a * nb + b with a = arg // nb + 1
        code[i] = np.where(valid_col, np.where(ins, 1, arg + nb), 255)
    return _backtrace(code, lo, n, m, nb)


def _backtrace(code: np.ndarray, lo: np.ndarray, n: int, m: int, nb: int) -> list[tuple[int, int, int, int]]:
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
