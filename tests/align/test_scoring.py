"""Translation mass of a token over the other side's sentences in its window."""

from __future__ import annotations

import numpy as np
import pytest

from zhtm.align import scoring
from zhtm.align.features import Rows


def _random_rows(rng: np.random.Generator, n_rows: int, n_cols: int, per_row: int) -> Rows:
    return Rows.from_lists([sorted(rng.choice(n_cols, size=rng.integers(0, per_row + 1),
                                              replace=False).tolist()) for _ in range(n_rows)])


def _brute_force(sent: Rows, slo: np.ndarray, other: Rows, table: Rows, width: int) -> np.ndarray:
    dense = np.zeros((len(table), int(sent.indices.max()) + 1))
    for e in range(len(table)):
        for k in range(table.indptr[e], table.indptr[e + 1]):
            dense[e, table.indices[k]] = table.data[k]
    out = np.zeros((len(sent.indices), width))
    for q, tok in enumerate(sent.indices):
        for t in range(width):
            j = slo[q] + t
            if 0 <= j < len(other):
                out[q, t] = sum(dense[e, tok] for e in other.indices[other.indptr[j]:other.indptr[j + 1]])
    return out


@pytest.mark.parametrize("split", [False, True])
def test_window_mass_is_the_sum_over_each_window_sentence(monkeypatch, split: bool) -> None:
    rng = np.random.default_rng(7)
    n_this, n_other = 40, 30                       # vocabularies
    sent = _random_rows(rng, 25, n_this, 6)        # this side's sentences
    other = _random_rows(rng, 35, n_other, 6)      # the other side's
    table = _random_rows(rng, n_other, n_this, 5)  # p(this token | other token), rows per other token
    table = Rows(table.indptr, table.indices, rng.random(len(table.indices)))
    width = 7
    # windows start before the first sentence and run past the last one
    wlo = np.clip(np.arange(25) * 35 // 25 - 4, -3, None).astype(np.int64)
    slo = wlo[sent.row_ids()]
    if split:
        monkeypatch.setattr(scoring, "MASS_CELLS", 50)   # taken in halves, down to one sentence
    got = scoring._window_mass(sent, slo, other, table, width, n_this)
    want = _brute_force(sent, slo, other, table, width)
    assert got.shape == want.shape and np.allclose(got, want)
    assert (got > 0).sum() > 50 and (want[slo < 0][:, 0] == 0).all()
