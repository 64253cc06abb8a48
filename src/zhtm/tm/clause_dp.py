"""The segmentation behind `clause_english`, as matrix operations (numpy).

States are (clauses placed, English consumed up to cut i). Moves out of a state of layer c:

* a *clause* segment [i, j) for clause c: to (c+1, j), scored `S[c][i, j]`;
* *empty*: clause c renders nothing here: to (c+1, i), at ``-empty``;
* a *swap*: clauses c+1 then c (the translator reordered them), [i, m) and [m, j), between
  strong cuts i and j with m at most a connective: to (c+2, j), at ``-swap``;
* a *null* stretch [i, j) no clause explains: to (c, j), at ``null[i, j]``.

Forward and backward maxima give each clause's *margin*: the best total under which the
clause shows a different English (its trimmed span, from `first` and `last`) than in the
best segmentation. One layer is a handful of B x B array operations (B cuts), so a TU costs
about C of them instead of C x B x B Python steps.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

NEG = -np.inf


@dataclass(slots=True)
class Lattice:
    """The scored moves of one TU (B cuts, C clauses)."""

    S: np.ndarray            # (C, B, B) clause segment scores, -inf where not allowed
    null: np.ndarray         # (B, B) null stretch scores, -inf where not allowed
    band: np.ndarray         # (C + 1, B) states inside the band
    strong: np.ndarray       # (B,) cuts a swap may start or end at
    middle: np.ndarray       # (B,) cuts a swap may turn at
    first: np.ndarray        # (B,) first token shown of a span starting at cut i
    last: np.ndarray         # (B,) end of the tokens shown of a span ending at cut j
    empty: float
    swap: float


def best_segmentation(lat: Lattice) -> tuple[list[tuple[int, int] | None], list[float]]:
    """Per clause: its segment as cut indexes (i, j) or None, and its margin."""
    C, B, _ = lat.S.shape
    fwd, arrows = _forward(lat)
    final = fwd[C, B - 1]
    if not np.isfinite(final):
        return [None] * C, [0.0] * C
    chosen = _backtrack(arrows, C, B)
    bwd = _backward(lat)
    margins = [min(9.0, final - _rival(lat, fwd, bwd, c, chosen)) for c in range(C)]
    return chosen, margins


def _forward(lat: Lattice) -> tuple[np.ndarray, list]:
    C, B, _ = lat.S.shape
    fwd = np.full((C + 1, B), NEG)
    # arrows[c][j] = (kind, source i, turn m); kinds: 0 none, 1 null, 2 empty, 3 clause, 4 swap
    kind = np.zeros((C + 1, B), np.int8)
    src = np.full((C + 1, B), -1, np.int64)
    turn = np.full((C + 1, B), -1, np.int64)
    fwd[0, 0] = 0.0
    cols = np.arange(B)
    for c in range(C + 1):
        row = np.where(lat.band[c], fwd[c], NEG)
        via = row[:, None] + lat.null
        from_null = via.argmax(axis=0)
        cand = via[from_null, cols]
        moved = cand > fwd[c]
        fwd[c][moved], kind[c][moved], src[c][moved] = cand[moved], 1, from_null[moved]
        row = np.where(lat.band[c], fwd[c], NEG)
        if c == C:
            break
        # empty
        cand = row - lat.empty
        better = cand > fwd[c + 1]
        fwd[c + 1][better], kind[c + 1][better], src[c + 1][better] = cand[better], 2, \
            np.arange(B)[better]
        # clause segment
        via = row[:, None] + lat.S[c]
        arg = via.argmax(axis=0)
        cand = via[arg, cols]
        better = cand > fwd[c + 1]
        fwd[c + 1][better], kind[c + 1][better], src[c + 1][better] = cand[better], 3, arg[better]
        # swap: clause c+1 on [i, m), clause c on [m, j)
        if c + 2 <= C:
            start = np.where(lat.strong, row, NEG)
            via1 = start[:, None] + lat.S[c + 1]                # (i, m)
            arg_i = via1.argmax(axis=0)
            reach = np.where(lat.middle, via1[arg_i, cols], NEG)
            via2 = reach[:, None] + lat.S[c]                     # (m, j)
            arg_m = via2.argmax(axis=0)
            cand = np.where(lat.strong, via2[arg_m, cols] - lat.swap, NEG)
            better = cand > fwd[c + 2]
            fwd[c + 2][better], kind[c + 2][better] = cand[better], 4
            src[c + 2][better], turn[c + 2][better] = arg_i[arg_m[better]], arg_m[better]
    return fwd, [kind, src, turn]


def _backtrack(arrows: list, C: int, B: int) -> list[tuple[int, int] | None]:
    kind, src, turn = arrows
    out: list[tuple[int, int] | None] = [None] * C
    c, j = C, B - 1
    while True:
        k = int(kind[c, j])
        if k == 0:
            return out
        i = int(src[c, j])
        if k == 1:
            j = i
        elif k == 2:
            c, j = c - 1, i
        elif k == 3:
            out[c - 1] = (i, j)
            c, j = c - 1, i
        else:
            m = int(turn[c, j])
            out[c - 1] = (i, m)      # clause c-1 (the later one) rendered first
            out[c - 2] = (m, j)
            c, j = c - 2, i


def _backward(lat: Lattice) -> np.ndarray:
    C, B, _ = lat.S.shape
    bwd = np.full((C + 1, B), NEG)
    for c in range(C, -1, -1):
        row = np.full(B, NEG)
        if c == C:
            row[B - 1] = 0.0
        else:
            row = np.maximum(row, bwd[c + 1] - lat.empty)
            row = np.maximum(row, (lat.S[c] + bwd[c + 1][None, :]).max(axis=1))
            if c + 2 <= C:
                tail = np.where(lat.strong, bwd[c + 2], NEG)
                after_m = (lat.S[c] + tail[None, :]).max(axis=1)          # from m
                after_m = np.where(lat.middle, after_m, NEG)
                via = (lat.S[c + 1] + after_m[None, :]).max(axis=1) - lat.swap
                row = np.maximum(row, np.where(lat.strong, via, NEG))
            row = np.where(lat.band[c], row, NEG)
        closed = np.maximum(row, (lat.null + row[None, :]).max(axis=1))
        bwd[c] = np.where(lat.band[c], closed, row)
    return bwd


def _rival(lat: Lattice, fwd: np.ndarray, bwd: np.ndarray, c: int,
           chosen: list[tuple[int, int] | None]) -> float:
    """The best total under which clause c shows another English than it does now."""
    C, B, _ = lat.S.shape
    span = chosen[c]
    shown_first = lat.first[:, None]
    shown_last = lat.last[None, :]
    nothing = shown_last <= shown_first
    if span is None:
        same = nothing
    else:
        a, b = int(lat.first[span[0]]), int(lat.last[span[1]])
        same = (shown_first == a) & (shown_last == b) if b > a else nothing
    src = np.where(lat.band[c], fwd[c], NEG)
    best = NEG
    totals = src[:, None] + lat.S[c] + bwd[c + 1][None, :]
    best = max(best, np.where(same, NEG, totals).max())
    if span is not None:
        best = max(best, (src - lat.empty + bwd[c + 1]).max())
    if c + 2 <= C:  # c as the second clause of a swap, on [m, j)
        start = np.where(lat.strong, src, NEG)
        reach = np.where(lat.middle, (start[:, None] + lat.S[c + 1]).max(axis=0), NEG)
        tail = np.where(lat.strong, bwd[c + 2], NEG)
        totals = reach[:, None] + lat.S[c] + tail[None, :] - lat.swap
        best = max(best, np.where(same, NEG, totals).max())
    if c >= 1:      # c as the first clause of a swap begun at layer c-1, on [i, m)
        prev = np.where(lat.strong & lat.band[c - 1], fwd[c - 1], NEG)
        tail = np.where(lat.strong, bwd[c + 1], NEG)
        after = np.where(lat.middle, (lat.S[c - 1] + tail[None, :]).max(axis=1), NEG)
        totals = prev[:, None] + lat.S[c] + after[None, :] - lat.swap
        best = max(best, np.where(same, NEG, totals).max())
    return float(best)
