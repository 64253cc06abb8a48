"""Strict and lax scores of an alignment against gold beads (links read by `formats.links`).

Scoring follows Bertalign's ``eval.py`` (itself from Vecalign):
precision counts every predicted bead including null beads; recall counts only the non-null
gold beads against the non-null predicted beads; a bead is a lax match when it shares a zh id
and an en id with one gold bead's links; F1 is computed from the (micro-averaged) P and R.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Iterable, Sequence

from ..formats.links import format_links, parse_links  # noqa: F401 (re-exported)
from ..records import Bead


@dataclass(frozen=True, slots=True)
class Scores:
    """Strict and lax precision/recall/F1 with the counts behind them (so they add up)."""

    strict_p: float
    strict_r: float
    strict_f1: float
    lax_p: float
    lax_r: float
    lax_f1: float
    pred_strict_hits: int = 0   # predicted beads exactly in gold
    pred_lax_hits: int = 0      # predicted beads overlapping a gold bead
    pred_total: int = 0         # predicted beads (null beads included)
    gold_strict_hits: int = 0   # non-null gold beads exactly predicted
    gold_lax_hits: int = 0      # non-null gold beads overlapping a predicted non-null bead
    gold_total: int = 0         # non-null gold beads

    @classmethod
    def from_counts(cls, p_strict: int, p_lax: int, p_total: int, r_strict: int, r_lax: int,
                    r_total: int) -> "Scores":
        sp = p_strict / p_total if p_total else 0.0
        lp = p_lax / p_total if p_total else 0.0
        sr = r_strict / r_total if r_total else 0.0
        lr = r_lax / r_total if r_total else 0.0
        return cls(sp, sr, _f1(sp, sr), lp, lr, _f1(lp, lr),
                   p_strict, p_lax, p_total, r_strict, r_lax, r_total)

    def __add__(self, other: "Scores") -> "Scores":
        return Scores.from_counts(self.pred_strict_hits + other.pred_strict_hits,
                                  self.pred_lax_hits + other.pred_lax_hits,
                                  self.pred_total + other.pred_total,
                                  self.gold_strict_hits + other.gold_strict_hits,
                                  self.gold_lax_hits + other.gold_lax_hits,
                                  self.gold_total + other.gold_total)


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


Link = tuple[tuple[int, ...], tuple[int, ...]]


def _hits(test: set[Link], gold: set[Link]) -> tuple[int, int, int]:
    """(strict hits, lax hits, total) of ``test`` measured against ``gold``."""
    zh_to_en: dict[int, set[int]] = defaultdict(set)
    for gz, ge in gold:
        for z in gz:
            zh_to_en[z].update(ge)
    strict = lax = 0
    for tz, te in test:
        if (tz, te) in gold:
            strict += 1
            lax += 1
            continue
        linked: set[int] = set()
        for z in tz:
            linked |= zh_to_en.get(z, set())
        if linked.intersection(te):
            lax += 1
    return strict, lax, len(test)


def _links(beads: Sequence[Bead], *, non_null: bool) -> set[Link]:
    return {(tuple(b.zh), tuple(b.en)) for b in beads
            if ((b.zh and b.en) if non_null else (b.zh or b.en))}


def score_alignment(pred: Sequence[Bead], gold: Sequence[Bead]) -> Scores:
    """Strict/lax P, R, F1 of predicted beads against gold beads (duplicates count once)."""
    ps, pl, pt = _hits(_links(pred, non_null=False), _links(gold, non_null=False))
    rs, rl, rt = _hits(_links(gold, non_null=True), _links(pred, non_null=True))
    return Scores.from_counts(ps, pl, pt, rs, rl, rt)


def micro_average(scores: Iterable[Scores]) -> Scores:
    """Pool the counts of several documents (as Bertalign reports MAC results)."""
    total = Scores.from_counts(0, 0, 0, 0, 0, 0)
    for s in scores:
        total = total + s
    return total
