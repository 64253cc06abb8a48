"""Banded dynamic programming over many-to-many beads (the aligner's search core).

Cell (i, j) holds the best score of aligning the first i zh units with the first j en units.
Row i only keeps the columns ``lo[i] .. lo[i] + width - 1``; the band comes from the length
diagonal (first pass) or from a first-pass path (second pass), so memory and time are linear
in the number of units. The caller scores beads row by row: ``row_scores(i)`` returns an
``(amax, bmax + 1, width)`` array whose ``[a - 1, b, k]`` is the score of the bead of ``a`` zh
and ``b`` en units ending at ``(i, lo[i] + k)`` (``b = 0`` with ``a = 1`` is a 1-0 bead;
``NEG`` where a bead is not allowed). 0-1 beads cost ``skip`` and are resolved inside the row.

``search`` returns the best path; ``posteriors`` runs the same recursion with log-sum-exp
forwards and backwards (scores divided by a temperature) and gives, for each bead of a path,
the probability that an alignment drawn from the model contains that exact bead.
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


def search(band: Band, row_scores: RowScores, amax: int, bmax: int, skip: float) -> Path:
    """Best bead path as (zh start, zh end, en start, en end) tuples, in order."""
    n, m, lo, width = band.n, band.m, band.lo, band.width
    nb = bmax + 1
    K = np.arange(width)
    prev = _Prev(band, amax, nb)
    code = np.full((n + 1, width), -1, dtype=np.int16)
    j0 = lo[0] + K
    prev.set_row(0, np.where(j0 <= m, j0 * skip, NEG))
    code[0] = np.where((j0 > 0) & (j0 <= m), 0, -1)  # 0 = a 0-1 bead
    for i in range(1, n + 1):
        valid = (lo[i] + K) <= m
        cand = (prev.gather(i) + row_scores(i)).reshape(amax * nb, width)
        arg = np.argmax(cand, axis=0)
        best = np.where(valid, cand[arg, K], NEG)
        # 0-1 beads: best[k] = max over k' <= k of best[k'] + (k - k') * skip
        run = np.maximum.accumulate(best - K * skip) + K * skip
        ins = run > best + 1e-9
        prev.set_row(i, np.where(valid, np.maximum(run, best), NEG))
        code[i] = np.where(valid, np.where(ins, 0, arg + nb), -1)   # a * nb + b, a >= 1
    return _backtrace(code, lo, n, m, nb)


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
    top = np.max(x, axis=axis)
    safe = np.where(top > NEG / 2, top, 0.0)
    with np.errstate(under="ignore"):
        s = np.sum(np.exp(x - np.expand_dims(safe, axis)), axis=axis)
    with np.errstate(divide="ignore"):
        out = safe + np.log(s)
    return np.where(top > NEG / 2, out, NEG)


def posteriors(band: Band, row_scores: RowScores, amax: int, bmax: int, skip: float,
               path: Path, temperature: float) -> list[float]:
    """P(bead) under the distribution exp(score / temperature) over all paths in the band."""
    n, m, lo, width = band.n, band.m, band.lo, band.width
    nb = bmax + 1
    t = float(temperature)
    sk = skip / t
    K = np.arange(width)
    cache: dict[int, np.ndarray] = {}
    keep_all = (n + 1) * width * amax * nb <= 4_000_000  # rows are scored once when small

    def scores(i: int) -> np.ndarray:
        got = cache.get(i)
        if got is None:
            got = row_scores(i) / t
            if keep_all:
                cache[i] = got
        return got

    # Forward.
    fwd = _Prev(band, amax, nb)
    j0 = lo[0] + K
    fwd.set_row(0, np.where(j0 <= m, j0 * sk, NEG))
    for i in range(1, n + 1):
        valid = (lo[i] + K) <= m
        cand = (fwd.gather(i) + scores(i)).reshape(amax * nb, width)
        c = np.where(valid, _logsumexp(cand, 0), NEG)
        with np.errstate(under="ignore"):
            run = np.logaddexp.accumulate(c - K * sk) + K * sk
        fwd.set_row(i, np.where(valid & (run > NEG / 2), run, NEG))
    A = np.stack([fwd.row(i) for i in range(n + 1)])
    log_z = A[n, m - lo[n]]
    # Backward: B[i, k] = log sum over paths from (i, lo[i] + k) to (n, m).
    B = np.full((n + 1, width), NEG)
    for i in range(n, -1, -1):
        pulled = np.full(width, NEG)
        cols = lo[i] + K
        parts = []
        for a in range(1, min(amax, n - i) + 1):
            r = i + a
            sc = scores(r)[a - 1]                                   # (nb, width) at row r
            end_cols = cols[None, :] + np.arange(nb)[:, None]        # bead (a, b) from (i, j)
            kr = end_cols - lo[r]
            ok = (kr >= 0) & (kr < width) & (end_cols <= m)
            krc = np.clip(kr, 0, width - 1)
            val = np.where(ok, sc[np.arange(nb)[:, None], krc] + B[r][krc], NEG)
            parts.append(val)
        if i == n:
            pulled = np.where(cols == m, 0.0, NEG)
        if parts:
            pulled = np.logaddexp(pulled, _logsumexp(np.concatenate(parts, 0), 0))
        # 0-1 beads inside the row, from the right: B[k] = pulled[k] (+) skip + B[k + 1]
        rev = pulled[::-1] - K * sk
        with np.errstate(under="ignore"):
            acc = np.logaddexp.accumulate(rev) + K * sk
        B[i] = np.where(cols <= m, acc[::-1], NEG)
    out = []
    for z0, z1, e0, e1 in path:
        a, b = z1 - z0, e1 - e0
        if a == 0:
            s = sk
        else:
            s = scores(z1)[a - 1, b, e1 - lo[z1]]
        p = A[z0, e0 - lo[z0]] + s + B[z1, e1 - lo[z1]] - log_z
        out.append(float(np.exp(min(0.0, p))))
    return out
