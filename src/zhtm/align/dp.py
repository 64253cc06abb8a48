"""Banded dynamic programming over many-to-many beads (the aligner's search core).

Cell (i, j) holds the best score of aligning the first i zh units with the first j en units.
Row i only keeps the columns ``lo[i] .. lo[i] + width - 1``; the band comes from the length
diagonal (first pass) or from a first-pass path (second pass), so memory and time are linear
in the number of units. The caller scores beads row by row: ``row_scores(i)`` returns an
``(amax, bmax + 1, width)`` array whose ``[a - 1, b, k]`` is the score of the bead of ``a`` zh
and ``b`` en units ending at ``(i, lo[i] + k)`` (``b = 0`` with ``a = 1`` is a 1-0 bead;
``NEG`` where a bead is not allowed). The 0-1 bead ending at column j scores ``insert[j]``;
0-1 beads are resolved inside the row with prefix sums of ``insert``.

``search`` returns the best path; ``posteriors`` runs the same recursion with log-sum-exp
forwards and backwards (scores divided by a temperature) and gives, for each bead of a path,
the probability that an alignment drawn from the model contains that exact bead (the scorer
may be another model than the one that chose the path).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

NEG = -1e18
RowScores = Callable[[int], np.ndarray]
Path = list[tuple[int, int, int, int]]


@dataclass(frozen=True, slots=True)
class Band:
    """Rows 0..n, each with the columns ``lo[i] .. lo[i] + width - 1`` (clipped at m)."""

    n: int
    m: int
    lo: np.ndarray
    width: int

    def rows_of_column(self) -> tuple[np.ndarray, np.ndarray]:
        """(first, last) row whose band holds column j, for j = 0..m (lo is non-decreasing)."""
        j = np.arange(self.m + 1)
        first = np.searchsorted(self.lo + self.width - 1, j, side="left")
        last = np.searchsorted(self.lo, j, side="right") - 1
        return first, last


class _Prev:
    """Reads D[i - a, lo[i] + k - b] for all (a, b, k) of a row with one gather.

    D is stored with ``bmax`` unreachable columns on the left and one on the right, so every
    index that falls outside a row's band lands on an unreachable cell."""

    def __init__(self, band: Band, amax: int, nb: int) -> None:
        self.band, self.amax, self.nb = band, amax, nb
        self.pad = nb - 1
        self.row_len = band.width + nb
        self.D = np.full((band.n + 1) * self.row_len, NEG)
        K = np.arange(band.width)
        self.base = (K[None, None, :] - np.arange(nb)[None, :, None] + self.pad)  # (1, nb, W)
        self.A = np.arange(1, amax + 1)

    def row(self, i: int) -> np.ndarray:
        return self.D[i * self.row_len + self.pad: i * self.row_len + self.pad + self.band.width]

    def set_row(self, i: int, values: np.ndarray) -> None:
        self.row(i)[:] = values

    def gather(self, i: int) -> np.ndarray:
        lo = self.band.lo
        a = self.A[self.A <= i]
        shift = (lo[i] - lo[i - a])[:, None, None]
        idx = np.minimum(self.base + shift, self.row_len - 1) + ((i - a) * self.row_len)[:, None, None]
        out = self.D[idx]
        if len(a) < self.amax:
            out = np.concatenate([out, np.full((self.amax - len(a),) + out.shape[1:], NEG)])
        return out


Insert = float | np.ndarray


def _insert_prefix(insert: Insert, m: int) -> np.ndarray:
    """P[j] = total score of 0-1 beads for columns 1..j (P[0] = 0), padded past m."""
    per = np.full(m + 1, float(insert)) if np.isscalar(insert) else np.asarray(insert, float)
    prefix = np.concatenate([[0.0], np.cumsum(per[1:m + 1])])
    return prefix


def search(band: Band, row_scores: RowScores, amax: int, bmax: int, insert: Insert) -> Path:
    """Best bead path as (zh start, zh end, en start, en end) tuples, in order."""
    n, m, lo, width = band.n, band.m, band.lo, band.width
    nb = bmax + 1
    K = np.arange(width)
    prefix = _insert_prefix(insert, m)
    best_in = _Prev(band, amax, nb)
    code = np.full((n + 1, width), -1, dtype=np.int16)
    j0 = lo[0] + K
    best_in.set_row(0, np.where(j0 <= m, prefix[np.minimum(j0, m)], NEG))
    code[0] = np.where((j0 > 0) & (j0 <= m), 0, -1)  # 0 = a 0-1 bead
    for i in range(1, n + 1):
        cols = lo[i] + K
        valid = cols <= m
        pre = prefix[np.minimum(cols, m)]
        cand = (best_in.gather(i) + row_scores(i)).reshape(amax * nb, width)
        arg = np.argmax(cand, axis=0)
        best = np.where(valid, cand[arg, K], NEG)
        # 0-1 beads: best[k] = max over k' <= k of best[k'] + insert[k'+1 .. k]
        run = np.maximum.accumulate(best - pre) + pre
        ins = run > best + 1e-9
        best_in.set_row(i, np.where(valid, np.maximum(run, best), NEG))
        code[i] = np.where(valid, np.where(ins, 0, arg + nb), -1)   # a * nb + b, a >= 1
    return _backtrace(code, lo, n, m, nb)


def posteriors(band: Band, row_scores: RowScores, amax: int, bmax: int, insert: Insert,
               temperature: float, path: Path) -> list[float]:
    """Posterior probability of each bead of ``path`` under exp(score / temperature)."""
    with np.errstate(under="ignore"):
        return _posteriors_of(band, row_scores, amax, bmax, insert, temperature, path)


def _posteriors_of(band: Band, row_scores: RowScores, amax: int, bmax: int, insert: Insert,
                   temperature: float, path: Path) -> list[float]:
    n, m, lo, width = band.n, band.m, band.lo, band.width
    nb = bmax + 1
    K = np.arange(width)
    t = float(temperature)
    prefix = _insert_prefix(insert, m)
    fwd = _Prev(band, amax, nb)
    j0 = lo[0] + K
    fwd.set_row(0, np.where(j0 <= m, prefix[np.minimum(j0, m)] / t, NEG))
    for i in range(1, n + 1):
        cols = lo[i] + K
        valid = cols <= m
        pre = prefix[np.minimum(cols, m)] / t
        c = np.where(valid, _logsumexp((fwd.gather(i) + row_scores(i) / t).reshape(amax * nb, width),
                                       0), NEG)
        with np.errstate(under="ignore"):
            acc = np.logaddexp.accumulate(c - pre) + pre
        fwd.set_row(i, np.where(valid & (acc > NEG / 2), acc, NEG))
    return _posteriors(band, row_scores, amax, nb, prefix, t, fwd, path)


def _backtrace(code: np.ndarray, lo: np.ndarray, n: int, m: int, nb: int) -> Path:
    beads = []
    i, j = n, m
    while i > 0 or j > 0:
        k = j - int(lo[i])
        c = int(code[i, k]) if 0 <= k < code.shape[1] else -1
        if c < 0:
            raise RuntimeError(f"alignment band lost the path at ({i}, {j})")
        a, b = (0, 1) if c == 0 else divmod(c, nb)
        beads.append((i - a, i, j - b, j))
        i, j = i - a, j - b
    beads.reverse()
    return beads


def _logsumexp(x: np.ndarray, axis: int) -> np.ndarray:
    """log(sum(exp(x))) along an axis. NEG is finite, so columns that are all NEG stay near
    NEG without special cases (callers silence underflow)."""
    top = x.max(axis=axis)
    return top + np.log(np.exp(x - np.expand_dims(top, axis)).sum(axis=axis))


def _posteriors(band: Band, row_scores: RowScores, amax: int, nb: int, prefix: np.ndarray,
                t: float, fwd: _Prev, path: Path) -> list[float]:
    """Backward pass; P(bead) = exp(alpha(start) + score / t + beta(end) - log Z)."""
    n, m, lo, width = band.n, band.m, band.lo, band.width
    K = np.arange(width)
    B = _Prev(band, amax, nb)            # same padded layout, read "forwards" from row i
    recent: dict[int, np.ndarray] = {}   # scores of rows i + 1 .. i + amax
    path_scores: dict[int, np.ndarray] = {}
    ends = {z1 for _, z1, _, _ in path}
    A_ = np.arange(1, amax + 1)
    Bv = np.arange(nb)
    for i in range(n, -1, -1):
        cols = lo[i] + K
        pulled = np.where(cols == m, 0.0, NEG) if i == n else np.full(width, NEG)
        a = A_[A_ <= n - i]
        if len(a):
            rows = i + a
            sc = np.stack([recent[r][r - i - 1] for r in rows])                 # (a, nb, W)
            kr = cols[None, None, :] + Bv[None, :, None] - lo[rows][:, None, None]
            ok = (kr >= 0) & (kr < width) & ((cols[None, None, :] + Bv[None, :, None]) <= m)
            krc = np.clip(kr, 0, width - 1)
            beta = B.D[(rows * B.row_len + B.pad)[:, None, None] + krc]
            val = np.where(ok, np.take_along_axis(sc, krc, axis=2) + beta, NEG)
            pulled = np.logaddexp(pulled, _logsumexp(val.reshape(-1, width), 0))
        # 0-1 beads inside the row, from the right: B[k] = pulled[k] (+) insert[k+1] + B[k + 1]
        pre = prefix[np.minimum(cols, m)] / t
        with np.errstate(under="ignore"):
            acc = np.logaddexp.accumulate((pulled + pre)[::-1])[::-1] - pre
        B.set_row(i, np.where(cols <= m, acc, NEG))
        if i >= 1:
            recent[i] = row_scores(i) / t
            recent.pop(i + amax, None)
            if i in ends:
                path_scores[i] = recent[i]
    log_z = fwd.row(n)[m - lo[n]]
    out = []
    for z0, z1, e0, e1 in path:
        a, b = z1 - z0, e1 - e0
        s = (prefix[e1] - prefix[e0]) / t if a == 0 else path_scores[z1][a - 1, b, e1 - lo[z1]]
        p = fwd.row(z0)[e0 - lo[z0]] + s + B.row(z1)[e1 - lo[z1]] - log_z
        out.append(float(np.exp(min(0.0, p))))
    return out
