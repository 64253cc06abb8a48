"""Held-out checks of review-list cues and of an untranslated-sentence (1-0) test (issue 11).

Run from the repository root:

    python3 bench/bench_align_review.py

Prints figures only. Every cue is added to the lenient judge's logit as judge + w x cue, w
chosen on five MAC-Dev chapters (most wrong beads among their lowest 15 %) and applied to the
sixth, as in ``bench_align.py --cues``; the baseline (the judge alone) is printed first.

- dictionary coverage of a bead (CC-CEDICT glosses and anchors only, independent of the
  learned table): the share of its Chinese tokens the dictionary knows that have a gloss among
  its English tokens, the share of its English tokens the dictionary knows that are a gloss of
  one of its Chinese tokens, their minimum and their difference (asymmetry), the worst-covered
  sentence of the bead, and an edge sentence's coverage here minus in the neighbouring bead;
- the bead type's prior: log share of its type among the gold beads of the other five chapters;
- the forward path against the most probable bead per cell: our bead's log posterior minus
  that of the most probable bead ending at its end cell (starting at its start cell);
- 1-0 detection as a cue: the coverage of the worst-covered Chinese sentence of the bead;
- the 1-0 test as a rule: a Chinese sentence at the edge of a bead of two or more Chinese
  sentences whose dictionary-known tokens the bead's English explains at most a share theta of
  (and that has at least k such tokens) stands alone as a 1-0 bead; (theta, k) chosen on five
  chapters by strict F1 and applied to the sixth; then the setting that is best on all six, on
  the Beijing report (its gold) and the national reports (bead types).
"""

from __future__ import annotations

import itertools
import math
import sys
from collections import Counter
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_align as B  # noqa: E402

from zhtm.align import dp, features  # noqa: E402
from zhtm.align.aligner import align_blocks  # noqa: E402
from zhtm.align.evaluate import micro_average, parse_links, score_alignment  # noqa: E402
from zhtm.records import Bead  # noqa: E402


class Coverage:
    """Dictionary coverage between sentences of one document (seed table: CC-CEDICT + anchors)."""

    def __init__(self, zh: list[str], en: list[str]) -> None:
        doc = features.tokenize(zh, en)
        allowed = features.seed_allowed(doc, True)
        self.zh = [set(doc.zh.indices[doc.zh.indptr[i]:doc.zh.indptr[i + 1]].tolist())
                   for i in range(len(zh))]
        self.en = [set(doc.en.indices[doc.en.indptr[j]:doc.en.indptr[j + 1]].tolist())
                   for j in range(len(en))]
        self.gloss = [set(allowed.flat[allowed.ptr[k]:allowed.ptr[k + 1]].tolist())
                      for k in range(len(allowed.ptr) - 1)]
        self.known_en = set().union(*self.gloss)

    def of_zh(self, zs, es) -> tuple[float, int] | None:
        """(share of the known tokens of zh sentences zs with a gloss in en sentences es, count)."""
        tokens = set().union(*[self.en[j] for j in es]) if es else set()
        known = [t for i in zs for t in self.zh[i] if self.gloss[t]]
        if not known:
            return None
        return sum(1 for t in known if self.gloss[t] & tokens) / len(known), len(known)

    def of_en(self, zs, es) -> tuple[float, int] | None:
        glosses = set().union(*[self.gloss[t] for i in zs for t in self.zh[i]]) if zs else set()
        known = [t for j in es for t in self.en[j] if t in self.known_en]
        if not known:
            return None
        return sum(1 for t in known if t in glosses) / len(known), len(known)


def _share(got, default: float) -> float:
    return default if got is None else got[0]


def coverage_cues(data, results) -> dict[str, np.ndarray]:
    out: dict[str, list[float]] = {k: [] for k in (
        "zh coverage", "en coverage", "min coverage", "coverage asymmetry",
        "worst sentence coverage", "edge coverage here minus neighbour",
        "1-0 cue: worst zh sentence coverage")}
    for beads, (zh, en, _) in zip(results, data):
        cov = Coverage(zh, en)
        for k, b in enumerate(beads):
            cz, ce = _share(cov.of_zh(b.zh, b.en), 1.0), _share(cov.of_en(b.zh, b.en), 1.0)
            out["zh coverage"].append(cz)
            out["en coverage"].append(ce)
            out["min coverage"].append(min(cz, ce))
            out["coverage asymmetry"].append(abs(cz - ce))
            each_zh = [_share(cov.of_zh([i], b.en), 1.0) for i in b.zh]
            each = each_zh + [_share(cov.of_en(b.zh, [j]), 1.0) for j in b.en]
            out["worst sentence coverage"].append(min(each) if each else 1.0)
            out["1-0 cue: worst zh sentence coverage"].append(min(each_zh) if each_zh else 1.0)
            margins = []
            for o, first in ((k - 1, True), (k + 1, False)):
                if not 0 <= o < len(beads):
                    continue
                other = beads[o]
                if b.zh and other.en:
                    i = b.zh[0] if first else b.zh[-1]
                    here, there = cov.of_zh([i], b.en), cov.of_zh([i], other.en)
                    if here is not None:
                        margins.append(here[0] - there[0])
                if b.en and other.zh:
                    j = b.en[0] if first else b.en[-1]
                    here, there = cov.of_en(b.zh, [j]), cov.of_en(other.zh, [j])
                    if here is not None:
                        margins.append(here[0] - there[0])
            out["edge coverage here minus neighbour"].append(min(margins) if margins else 0.0)
    return {k: np.asarray(v) for k, v in out.items()}


def map_margins(data) -> tuple[list[float], list[float], list[float]]:
    """Default MAC-Dev beads: judge posterior, and log P(our bead) minus log P(most probable bead
    ending at its end cell / starting at its start cell), under the lenient judge."""
    captured = []
    original = dp.posteriors

    def spy(band, judge, amax, bmax, insert, t, path):
        captured.append((band, judge, amax, bmax, insert, t, path))
        return original(band, judge, amax, bmax, insert, t, path)

    dp.posteriors = spy
    try:
        _, posteriors = B.run_default_with_posteriors(data)
    finally:
        dp.posteriors = original
    ends, starts = [], []
    for band, judge, amax, bmax, insert, t, path in captured:
        nb = bmax + 1
        fwd, log_z, _ = dp._forward(band, judge, amax, nb, insert, t)
        _, beta = dp._backward(band, judge, amax, nb, insert, t, path, fwd, log_z)
        lo, width, n, m = band.lo, band.width, band.n, band.m
        scores = judge.rows(1, n + 1) / t
        prefix = dp._insert_prefix(insert, m) / t

        def cell(table, i, j):
            k = j - int(lo[i])
            return table.row(i)[k] if 0 <= k < width and j <= m else dp.NEG

        def log_p(z0, z1, e0, e1):
            a, b = z1 - z0, e1 - e0
            if a == 0:
                s = prefix[e1] - prefix[e0]
            else:
                k = e1 - int(lo[z1])
                if a > amax or b > bmax or not 0 <= k < width:
                    return dp.NEG
                s = scores[z1 - 1][a - 1, b, k]
            return cell(fwd, z0, e0) + s + cell(beta, z1, e1) - log_z

        kinds = [(a, b) for a in range(amax + 1) for b in range(nb) if (a, b) != (0, 0)
                 and (a > 0 or b == 1)]
        for z0, z1, e0, e1 in path:
            ours = log_p(z0, z1, e0, e1)
            ends.append(ours - max(log_p(z1 - a, z1, e1 - b, e1) for a, b in kinds
                                   if z1 - a >= 0 and e1 - b >= 0))
            starts.append(ours - max(log_p(z0, z0 + a, e0, e0 + b) for a, b in kinds
                                     if z0 + a <= n and e0 + b <= m))
    return posteriors, ends, starts


def bench_cues(data) -> None:
    print("== Review-list cues, MAC-Dev, each chapter held out (wrong beads in the lowest 15 %) ==")
    posteriors, ends, starts = map_margins(data)
    results, _ = B.run_default_with_posteriors(data)
    y, ch, kinds = [], [], []
    for c, b, ok in B.judged(results, data):
        y.append(ok)
        ch.append(c)
        kinds.append(b.kind)
    y, ch = np.asarray(y), np.asarray(ch)
    judge = B._logit(np.asarray(posteriors))
    wrong = int((~y).sum())
    everything = np.ones(len(y), bool)

    def caught(score, mask) -> int:
        k = B.flag_count(0.15, int(mask.sum()))
        return int((~y[mask][np.argsort(score[mask], kind="stable")[:k]]).sum())

    def type_prior(h: int) -> np.ndarray:
        counts = Counter(b.kind for c, (_, _, g) in enumerate(data) if c != h for b in g)
        total = sum(counts.values())
        return np.asarray([math.log((counts[k] + 0.5) / total) for k in kinds])

    end, start = np.clip(ends, -20, 0), np.clip(starts, -20, 0)
    cues = {**coverage_cues(data, results),
            "log P(ours) - log P(best bead at its end cell)": end,
            "log P(ours) - log P(best bead at its start cell)": start,
            "the smaller of the two": np.minimum(end, start),
            "not the most probable at its end cell (0/1)": (end < 0).astype(float),
            "not the most probable at start or end (0/1)": ((end < 0) | (start < 0)).astype(float)}
    print(f"{len(y)} beads, {wrong} wrong; the judge alone: {caught(judge, everything)} = "
          f"{caught(judge, everything) / wrong:.1%}; not the most probable bead at its end cell: "
          f"{int((end < 0).sum())} beads, {int(((end < 0) & ~y).sum())} of them wrong")
    weights = np.linspace(-3, 3, 61)
    rows = [(name, (lambda h, cue=cue: cue)) for name, cue in cues.items()]
    rows.append(("bead type's log prior (other five chapters' gold)", type_prior))
    for name, cue_of in rows:
        held, chosen = np.empty(len(y)), []
        for h in range(len(data)):
            cue = cue_of(h)
            w = max(weights, key=lambda w: (caught(judge + w * cue, ch != h), -abs(w)))
            chosen.append(w)
            held[ch == h] = judge[ch == h] + w * cue[ch == h]
        print(f"  + {name:50s} held out {caught(held, everything) / wrong:6.1%} "
              f"(w {' '.join(f'{w:+.1f}' for w in chosen)})")


def split_untranslated(beads, cov: Coverage, theta: float, k_min: int) -> list[Bead]:
    """The 1-0 test as a rule (see the module docstring)."""
    out = []
    for b in beads:
        if len(b.zh) >= 2 and b.en:
            got = [(cov.of_zh([i], b.en), i) for i in (b.zh[0], b.zh[-1])]
            got = [(c, i) for c, i in got if c is not None]
            if got:
                (share, known), i = min(got)
                if share <= theta and known >= k_min:
                    alone, rest = Bead((i,), (), 0.0), Bead(tuple(x for x in b.zh if x != i),
                                                            b.en, b.score)
                    out += [alone, rest] if i == b.zh[0] else [rest, alone]
                    continue
        out.append(b)
    return out


def bench_untranslated(data) -> None:
    print("\n== 1-0 test (dictionary coverage of a Chinese sentence by the English it joins) ==")
    prepared = [(align_blocks([(zh, en)])[0], Coverage(zh, en), gold) for zh, en, gold in data]
    grid = [None] + list(itertools.product((0.0, 0.1, 0.15, 0.2, 0.3), (2, 3, 5, 7, 9)))

    def scores(chapters, setting):
        return [score_alignment(beads if setting is None else
                                split_untranslated(beads, cov, *setting), gold)
                for beads, cov, gold in (prepared[c] for c in chapters)]

    def found(chapters, setting) -> tuple[int, int]:
        got = [b for c in chapters for b in (prepared[c][0] if setting is None else
               split_untranslated(prepared[c][0], prepared[c][1], *setting)) if not b.en]
        gold = {(b.zh, b.en) for c in chapters for b in prepared[c][2] if not b.en}
        return sum(1 for b in got if (b.zh, b.en) in gold), len(got)

    everything = range(len(data))
    for setting in grid:
        m = micro_average(scores(everything, setting))
        right, made = found(everything, setting)
        print(f"  {'off' if setting is None else f'theta {setting[0]:.2f}, k >= {setting[1]}':20s}"
              f" strict F1 {m.strict_f1:.4f}, 1-0 beads made {made}, right {right} (gold 6)")
    held, picks = [], []
    for h in everything:
        others = [c for c in everything if c != h]
        best = max(grid, key=lambda s: (round(micro_average(scores(others, s)).strict_f1, 6),
                                        s is None))
        picks.append(best)
        held += scores([h], best)
    right = sum(found([h], s)[0] for h, s in zip(everything, picks))
    m = micro_average(held)
    print(f"held out (setting chosen on five chapters by strict F1): strict F1 {m.strict_f1:.4f} "
          f"lax {m.lax_f1:.4f}, chapters {' '.join(f'{s.strict_f1:.3f}' for s in held)}; "
          f"1-0 found {right} of 6; picks {picks}")
    best = max(grid[1:], key=lambda s: micro_average(scores(everything, s)).strict_f1)
    gold = parse_links(B.BEIJING_GOLD.read_text(encoding="utf-8"))
    print(f"the best setting on all six, {best}, on the reports (bead types; Beijing vs its gold):")
    for path in [B.BEIJING, *B.NATIONAL]:
        alignment = B.align_document(B.read_document([path], "interleaved"))
        cov = Coverage([s.text for s in alignment.zh], [s.text for s in alignment.en])
        after = split_untranslated(alignment.beads, cov, *best)
        line = (f"  {path.name}: {B.kinds_text(Counter(b.kind for b in alignment.beads), 6)} -> "
                f"{B.kinds_text(Counter(b.kind for b in after), 6)}")
        if path == B.BEIJING:
            line += (f"; strict F1 {score_alignment(alignment.beads, gold).strict_f1:.4f} -> "
                     f"{score_alignment(after, gold).strict_f1:.4f}")
        print(line)


def main() -> None:
    data = B.mac_data()
    B.warm_up()
    bench_cues(data)
    bench_untranslated(data)


if __name__ == "__main__":
    main()
