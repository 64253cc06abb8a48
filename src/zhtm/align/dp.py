"""Banded dynamic programming over many-to-many beads (the aligner's search core).

Cell (i, j) holds the best score of aligning the first i zh units with the first j en units.
Row i only keeps the columns ``lo[i] .. lo[i] + width - 1``; the band comes from the length
diagonal (first pass) or from a first-pass path (second pass), so memory and time are linear
in the number of units. The caller scores beads a chunk of rows at a time:
``scores.rows(r0, r1)`` returns an ``(r1 - r0, amax, bmax + 1, width)`` array whose
``[i - r0, a - 1, b, k]`` is the score of the bead of ``a`` zh and ``b`` en units ending at
``(i, lo[i] + k)`` (``b = 0`` with ``a = 1`` is a 1-0 bead;
``NEG`` where a bead is not allowed). The 0-1 bead ending at column j scores ``insert[j]``;
0-1 beads are resolved inside the row with prefix sums of ``insert``.

``search`` returns the best path; ``posteriors`` runs the same recursion with log-sum-exp
forwards and backwards (scores divided by a temperature) and gives, for each bead of a path,
the probability that an alignment drawn from the model contains that exact bead (the scorer
may be another model than the one that chose the path).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

NEG = -1e18
Path = list[tuple[int, int, int, int]]
# Rows of bead scores and gather indices held at once: a long block is swept in chunks.
CHUNK_CELLS = 1_000_000


def clip(x, lo, hi):
    """np.clip for integer indices without np.clip's Python-level checks (a few microseconds a
    call, thousands of calls per document): the same values."""
    return np.minimum(np.maximum(x, lo), hi)


class RowScores(Protocol):
    """Bead scores of DP rows r0 .. r1-1 as an (r1 - r0, amax, bmax + 1, width) array."""

    def rows(self, r0: int, r1: int) -> np.ndarray: ...


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


class _Table:
    """D[i, lo[i] + k] for the whole band in one flat array, laid out so that every read of
    a DP row is one gather with precomputed indices.

    Each row is stored with ``nb - 1`` unreachable columns on the left and one on the right,
    and one unreachable cell ends the array: every index that falls outside a row's band (or
    before row 0) lands on an unreachable cell."""

    def __init__(self, band: Band, amax: int, nb: int) -> None:
        self.band, self.amax, self.nb = band, amax, nb
        self.pad = nb - 1
        self.row_len = band.width + nb
        self.D = np.full((band.n + 1) * self.row_len + 1, NEG)
        self.sentinel = len(self.D) - 1
        self.rows_per_chunk = max(1, CHUNK_CELLS // (amax * nb * band.width))

    def row(self, i: int) -> np.ndarray:
        s = i * self.row_len + self.pad
        return self.D[s:s + self.band.width]

    def ends_in(self, r0: int, r1: int) -> np.ndarray:
        """Indices of D[i - a, lo[i] + k - b] for rows i in r0..r1-1: (R, amax, nb, width);
        the cell where an a-b bead ending at (i, lo[i] + k) starts."""
        lo, W = self.band.lo, self.band.width
        i = np.arange(r0, r1)[:, None]
        src = i - np.arange(1, self.amax + 1)[None, :]                       # (R, amax)
        shift = lo[i] - lo[np.maximum(src, 0)]
        col = np.arange(W)[None, None, None, :] - np.arange(self.nb)[None, None, :, None] \
            + (self.pad + shift)[:, :, None, None]
        idx = np.minimum(col, self.row_len - 1) + (src * self.row_len)[:, :, None, None]
        return np.where((src >= 0)[:, :, None, None], idx, self.sentinel)

    def starts_in(self, r0: int, r1: int) -> tuple[np.ndarray, np.ndarray]:
        """For rows i in r0..r1-1, the cell where an a-b bead starting at (i, lo[i] + k) ends,
        as indices into D and into the flattened scores of rows r0 + 1 .. r1 + amax - 1 (both
        (R, amax, nb, width); the sentinel where the bead leaves the band or the text)."""
        band, W, nb, amax = self.band, self.band.width, self.nb, self.amax
        n, m, lo = band.n, band.m, band.lo
        i = np.arange(r0, r1)[:, None, None, None]
        a = np.arange(1, amax + 1)[None, :, None, None]
        b = np.arange(nb)[None, None, :, None]
        k = np.arange(W)[None, None, None, :]
        end = i + a
        endc = np.minimum(end, n)
        kr = k + b + lo[i] - lo[endc]
        ok = (end <= n) & (kr >= 0) & (kr < W) & (lo[i] + k + b <= m)
        d_idx = np.where(ok, endc * self.row_len + self.pad + clip(kr, 0, W - 1), self.sentinel)
        s_idx = ((end - (r0 + 1)) * amax + (a - 1)) * (nb * W) + b * W + clip(kr, 0, W - 1)
        return d_idx, np.where(ok, s_idx, -1)


def _insert_prefix(insert: float | np.ndarray, m: int) -> np.ndarray:
    """P[j] = total score of 0-1 beads for columns 1..j (P[0] = 0)."""
    per = np.full(m + 1, float(insert)) if np.isscalar(insert) else np.asarray(insert, float)
    return np.concatenate([[0.0], np.cumsum(per[1:m + 1])])


def _chunks(table: _Table, first: int, last: int):
    step = table.rows_per_chunk
    for r0 in range(first, last + 1, step):
        yield r0, min(last + 1, r0 + step)


def search(band: Band, scores: RowScores, amax: int, bmax: int,
           insert: float | np.ndarray) -> Path:
    """Best bead path as (zh start, zh end, en start, en end) tuples, in order."""
    n, m, lo, width = band.n, band.m, band.lo, band.width
    nb = bmax + 1
    K = np.arange(width)
    prefix = _insert_prefix(insert, m)
    table = _Table(band, amax, nb)
    D = table.D
    code = np.full((n + 1, width), -1, dtype=np.int16)
    j0 = lo[0] + K
    table.row(0)[:] = np.where(j0 <= m, prefix[np.minimum(j0, m)], NEG)
    code[0] = np.where((j0 > 0) & (j0 <= m), 0, -1)  # 0 = a 0-1 bead
    for r0, r1 in _chunks(table, 1, n):
        S = scores.rows(r0, r1).reshape(r1 - r0, amax * nb, width)
        idx = table.ends_in(r0, r1).reshape(r1 - r0, amax * nb, width)
        cols = lo[r0:r1, None] + K
        valid = cols <= m
        whole = valid.all(axis=1)          # rows whose band does not run past column m
        pre = prefix[np.minimum(cols, m)]
        for i in range(r0, r1):
            r = i - r0
            cand = D[idx[r]]
            cand += S[r]
            arg = cand.argmax(axis=0)
            best = cand[arg, K]
            # 0-1 beads: best[k] = max over k' <= k of best[k'] + insert[k'+1 .. k]
            run = np.maximum.accumulate(best - pre[r]) + pre[r]
            ins = run > best + 1e-9
            got = np.where(ins, 0, arg + nb)                                # a * nb + b, a >= 1
            if whole[r]:
                table.row(i)[:] = np.maximum(run, best)
                code[i] = got
            else:
                table.row(i)[:] = np.where(valid[r], np.maximum(run, best), NEG)
                code[i] = np.where(valid[r], got, -1)
    return _backtrace(code, lo, n, m, nb)


def posteriors(band: Band, scores: RowScores, amax: int, bmax: int,
               insert: float | np.ndarray, temperature: float, path: Path) -> list[float]:
    """Posterior probability of each bead of ``path`` under exp(score / temperature)."""
    return posteriors_and_nodes(band, scores, amax, bmax, insert, temperature, path)[0]


def posteriors_and_nodes(band: Band, scores: RowScores, amax: int, bmax: int,
                         insert: float | np.ndarray, temperature: float, path: Path
                         ) -> tuple[list[float], list[tuple[float, float]]]:
    """``posteriors``, and for each bead the probability that an alignment drawn from the
    model passes through its start cell and through its end cell (its boundaries, whatever
    the beads around them)."""
    with np.errstate(under="ignore", over="ignore"):
        fwd, log_z, scaled = _forward(band, scores, amax, bmax + 1, insert, temperature)
        probs, beta = _backward(band, scores, amax, bmax + 1, insert, temperature, path, fwd,
                                log_z, scaled)
        lo = band.lo

        def node(i: int, j: int) -> float:
            k = j - int(lo[i])
            return float(np.exp(min(0.0, fwd.row(i)[k] + beta.row(i)[k] - log_z)))

        return probs, [(node(z0, e0), node(z1, e1)) for z0, z1, e0, e1 in path]


def _lse(x: np.ndarray) -> np.ndarray:
    """log(sum(exp(x))) over axis 0, overwriting ``x``. NEG is finite, so columns that are
    all NEG stay near NEG without special cases."""
    top = x.max(axis=0)
    x -= top
    np.exp(x, out=x)
    total = x.sum(axis=0)
    np.log(total, out=total)
    total += top
    return total


def _forward(band: Band, scores: RowScores, amax: int, nb: int, insert: float | np.ndarray,
             t: float) -> tuple[_Table, float, np.ndarray | None]:
    """alpha, log Z, and the scores / t of all rows when one chunk held them (the backward
    pass then reuses them instead of scoring the rows again)."""
    n, m, lo, width = band.n, band.m, band.lo, band.width
    K = np.arange(width)
    prefix = _insert_prefix(insert, m) / t
    table = _Table(band, amax, nb)
    D = table.D
    j0 = lo[0] + K
    table.row(0)[:] = np.where(j0 <= m, prefix[np.minimum(j0, m)], NEG)
    chunks = list(_chunks(table, 1, n))
    for r0, r1 in chunks:
        S = scores.rows(r0, r1).reshape(r1 - r0, amax * nb, width) / t
        idx = table.ends_in(r0, r1).reshape(r1 - r0, amax * nb, width)
        cols = lo[r0:r1, None] + K
        valid = cols <= m
        pre = prefix[np.minimum(cols, m)]
        for i in range(r0, r1):
            r = i - r0
            x = D[idx[r]]
            x += S[r]
            acc = np.logaddexp.accumulate(_lse(x) - pre[r]) + pre[r]
            table.row(i)[:] = np.where(valid[r] & (acc > NEG / 2), acc, NEG)
    whole = S if len(chunks) == 1 else None   # rows 1 .. n
    return table, float(table.row(n)[m - lo[n]]), whole


def _backward(band: Band, scores: RowScores, amax: int, nb: int, insert: float | np.ndarray,
              t: float, path: Path, fwd: _Table, log_z: float,
              scaled: np.ndarray | None = None) -> tuple[list[float], _Table]:
    """Backward pass; P(bead) = exp(alpha(start) + score / t + beta(end) - log Z)."""
    n, m, lo, width = band.n, band.m, band.lo, band.width
    K = np.arange(width)
    prefix = _insert_prefix(insert, m) / t
    table = _Table(band, amax, nb)     # beta, same layout as alpha
    D = table.D
    # the path's bead ending at each row: (a, b, column in the band); only its score is kept
    # (a view of the chunk's rows would keep every chunk's scores alive)
    bead_at = {z1: (z1 - z0, e1 - e0, e1 - int(lo[z1])) for z0, z1, e0, e1 in path if z1 > z0}
    ends = np.asarray(sorted(bead_at), dtype=np.int64)
    bead_scores: dict[int, float] = {}   # row -> the score / t of the path's bead ending there
    cols = lo[n] + K
    pre = prefix[np.minimum(cols, m)]
    pulled = np.where(cols == m, 0.0, NEG)
    table.row(n)[:] = np.where(cols <= m,
                               np.logaddexp.accumulate((pulled + pre)[::-1])[::-1] - pre, NEG)
    starts = list(_chunks(table, 0, n - 1))
    for r0, r1 in reversed(starts):
        hi = min(r1 + amax, n + 1)
        if scaled is not None and r0 == 0 and hi == n + 1:
            S = scaled.reshape(n, amax, nb, width)    # the forward pass's, the same rows
        else:
            S = scores.rows(r0 + 1, hi) / t                               # rows r0 + 1 .. hi - 1
        flat = np.concatenate([S.reshape(-1), [NEG]])
        for z1 in ends[(ends >= r0 + 1) & (ends < hi)].tolist():
            if z1 not in bead_scores:
                a, b, k = bead_at[z1]
                bead_scores[z1] = S[z1 - r0 - 1][a - 1, b, k]
        d_idx, s_idx = table.starts_in(r0, r1)
        R = r1 - r0
        d_idx = d_idx.reshape(R, amax * nb, width)
        s_idx = s_idx.reshape(R, amax * nb, width)
        cols_c = lo[r0:r1, None] + K
        valid = cols_c <= m
        pre_c = prefix[np.minimum(cols_c, m)]
        for i in range(r1 - 1, r0 - 1, -1):
            r = i - r0
            x = D[d_idx[r]]
            x += flat[s_idx[r]]
            pulled = _lse(x)
            # 0-1 beads inside the row, from the right: B[k] = pulled[k] (+) insert[k+1] + B[k + 1]
            acc = np.logaddexp.accumulate((pulled + pre_c[r])[::-1])[::-1] - pre_c[r]
            table.row(i)[:] = np.where(valid[r] & (acc > NEG / 2), acc, NEG)
    out = []
    for z0, z1, e0, e1 in path:
        a, b = z1 - z0, e1 - e0
        s = prefix[e1] - prefix[e0] if a == 0 else bead_scores[z1]
        p = fwd.row(z0)[e0 - lo[z0]] + s + table.row(z1)[e1 - lo[z1]] - log_z
        out.append(float(np.exp(min(0.0, p))))
    return out, table


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
