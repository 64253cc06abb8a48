"""Held-out checks of review-list confidences built from the judge itself (issue 11, session 6).

Run from the repository root:

    python3 bench/bench_align_judges.py

Prints figures only. The review list's target: on MAC-Dev, the beads flagged (lowest confidence
first, 15 % of all beads) hold >= 70 % of the wrong beads. The shipped confidence is our bead's
posterior under the lenient judge (``align.confidence``). Checked here, each with nothing
chosen or with its one choice made on five chapters and applied to the sixth:

- model averaging: our bead's posterior under the lenient judges of the whole alignment run
  without anchors / without the learned table / without the quote terms, combined with ours
  (mean logit, mean probability, minimum) with equal weights; the combination chosen on five
  chapters; the averaged confidence on the reports (list size, Beijing's wrong beads caught);
- tempering: the judge's temperature chosen on five chapters;
- the judge's constants (lenience, temperature) chosen on five chapters by the ranking's AUC,
  a smoother criterion than the count in the lowest 15 % (``bench_align.py --cues`` uses the
  count);
- posteriors of more than one bead: our bead and a neighbour both on the path (the pair), the
  region between the pair's outer cells, our bead given the path's cells w beads away;
- the mass of the beads that contain ours (a merge the gold may have made) and of those ours
  contains (a split);
- the sentences of a bead better explained across its edge (the learned table's evidence of a
  sentence given one sentence of the other side: inside the bead against the two beyond);
- ? and ! counted differently on the two sides of a bead;
- the flags shared out per chapter (by each chapter's expected errors, evenly, by its true
  errors): the most a cue that only recalibrates whole chapters could gain.

Cues are added to the judge's logit as judge - w x cue (standardised), w in [-3, 3] chosen on
five chapters (most wrong beads in their lowest 15 %), as in ``bench_align_review.py``.
"""

from __future__ import annotations

import itertools
import re
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_align as B  # noqa: E402

from zhtm.align import aligner, confidence, dp, pipeline  # noqa: E402
from zhtm.align.aligner import align_blocks  # noqa: E402
from zhtm.align.evaluate import parse_links  # noqa: E402
from zhtm.text.layouts import read_document  # noqa: E402

SHARE = 0.15
OTHER_MODELS = [("without anchors", replace(B.DEFAULT, use_anchors=False)),
                ("without the learned table", replace(B.DEFAULT, learn_table=False)),
                ("without quote terms", replace(B.DEFAULT, use_quotes=False))]


def searched_blocks(blocks, settings):
    """align_blocks(blocks, settings) with, per block, the judge's call (band, judge, amax,
    bmax, temperature, path) or None for a block too small to search (its one bead is sure)."""
    calls = []
    original = dp.posteriors

    def spy(band, judge, amax, bmax, insert, t, path):
        calls.append((band, judge, amax, bmax, t, path))
        return original(band, judge, amax, bmax, insert, t, path)

    dp.posteriors = spy
    try:
        beads = align_blocks(blocks, settings)
    finally:
        dp.posteriors = original
    it = iter(calls)
    out = [(b, None if aligner._trivial(len(zh), len(en), settings) else next(it))
           for b, (zh, en) in zip(beads, blocks)]
    assert next(it, None) is None
    return out


def judge_logits(blocks) -> dict[str, np.ndarray]:
    """Per bead of the default alignment of ``blocks`` (in order): the logit of its posterior
    under our judge and under each other model's judge (0 outside that model's band; beads of
    unsearched blocks get +-13.8, sure)."""
    ours = searched_blocks(blocks, B.DEFAULT)

    def sure(beads) -> list[float]:
        return list(B._logit(np.array([float(b.score > 0) for b in beads])))

    out = {"ours": []}
    for beads, call in ours:
        out["ours"] += sure(beads) if call is None else \
            list(B._logit(np.asarray(dp.posteriors(*call[:4], call[1].insert, *call[4:]))))
    for name, settings in OTHER_MODELS:
        theirs = searched_blocks(blocks, settings)
        got = []
        for (beads, call), (_, other) in zip(ours, theirs):
            if call is None:
                got += sure(beads)
                continue
            band, judge, amax, bmax, t, _ = other
            path = call[5]
            inside = all(0 <= e - band.lo[z] < band.width
                         for z0, z1, e0, e1 in path for z, e in ((z0, e0), (z1, e1)))
            got += list(B._logit(np.asarray(dp.posteriors(band, judge, amax, bmax, judge.insert,
                                                          t, path)))) if inside else \
                [0.0] * len(path)
        out[name] = got
    return {k: np.asarray(v) for k, v in out.items()}


def combinations(logits: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Ours with every non-empty set of the other judges, equal weights, three ways."""
    others = [n for n in logits if n != "ours"]
    out = {"ours": logits["ours"]}
    for r in range(1, len(others) + 1):
        for combo in itertools.combinations(others, r):
            stack = np.stack([logits["ours"], *(logits[n] for n in combo)])
            name = " + ".join(("ours",) + combo)
            out[f"mean logit: {name}"] = stack.mean(0)
            out[f"mean probability: {name}"] = B._logit((1 / (1 + np.exp(-stack))).mean(0))
            out[f"minimum: {name}"] = stack.min(0)
    return out


class Lattice:
    """The judge's forward and backward tables over one searched block: log probabilities of
    runs of beads and sums over the paths between two cells."""

    def __init__(self, call) -> None:
        band, judge, amax, bmax, t, path = call
        self.band, self.amax, self.bmax = band, amax, bmax
        with np.errstate(under="ignore", over="ignore"):
            self.fwd, self.log_z, scaled = dp._forward(band, judge, amax, bmax + 1, judge.insert, t)
            _, self.beta = dp._backward(band, judge, amax, bmax + 1, judge.insert, t, path,
                                        self.fwd, self.log_z, scaled)
        self.scores = judge.rows(1, band.n + 1) / t
        self.prefix = dp._insert_prefix(judge.insert, band.m) / t
        self._inner: dict = {}

    def _cell(self, table, i: int, j: int) -> float:
        k = j - int(self.band.lo[i])
        return float(table.row(i)[k]) if 0 <= k < self.band.width and j <= self.band.m else dp.NEG

    def score(self, z0: int, z1: int, e0: int, e1: int) -> float:
        a, b = z1 - z0, e1 - e0
        if a == 0:
            return float(self.prefix[e1] - self.prefix[e0]) if b == 1 else dp.NEG
        k = e1 - int(self.band.lo[z1])
        if a > self.amax or not 0 <= b <= self.bmax or not 0 <= k < self.band.width:
            return dp.NEG
        return float(self.scores[z1 - 1][a - 1, b, k])

    def run(self, beads) -> float:
        """log P(an alignment drawn from the judge holds these consecutive beads)."""
        (z0, _, e0, _), (_, z1, _, e1) = beads[0], beads[-1]
        return self._cell(self.fwd, z0, e0) + sum(self.score(*b) for b in beads) \
            + self._cell(self.beta, z1, e1) - self.log_z

    def inner(self, start: tuple[int, int], end: tuple[int, int]) -> float:
        """log of the summed weight of every path from cell ``start`` to cell ``end``."""
        key = (start, end)
        if key not in self._inner:
            w = {start: 0.0}
            for i in range(start[0], end[0] + 1):
                for j in range(start[1], end[1] + 1):
                    if (i, j) == start:
                        continue
                    terms = [w[(i - a, j - b)] + s
                             for a in range(min(self.amax, i - start[0]) + 1)
                             for b in range(min(self.bmax, j - start[1]) + 1)
                             if (a, b) != (0, 0) and (a > 0 or b == 1) and (i - a, j - b) in w
                             for s in [self.score(i - a, i, j - b, j)] if s > dp.NEG / 2]
                    if terms:
                        w[(i, j)] = float(np.logaddexp.reduce(terms))
            self._inner[key] = w.get(end, dp.NEG)
        return self._inner[key]

    def region(self, start: tuple[int, int], end: tuple[int, int]) -> float:
        return self._cell(self.fwd, *start) + self.inner(start, end) + \
            self._cell(self.beta, *end) - self.log_z


def lattice_cues(searched) -> dict[str, np.ndarray]:
    """Per bead: posteriors of more than one bead, alternatives' mass, local conditionals."""
    out: dict[str, list[float]] = {k: [] for k in (
        "pair: weaker of (ours and left), (ours and right) both on the path",
        "pair: mean of the two", "region between the pair's outer cells (weaker)",
        "ours given the path's cells 1 bead away", "ours given the path's cells 2 beads away",
        "mass of the beads that contain ours", "mass of the beads ours contains")}
    for _, call in searched:
        lat, path = Lattice(call), call[5]
        n, m = lat.band.n, lat.band.m
        last = len(path) - 1
        for k, (z0, z1, e0, e1) in enumerate(path):
            own = lat.run([path[k]])
            pairs = [lat.run(path[a:a + 2]) for a in (k - 1, k) if 0 <= a < last]
            regions = [lat.region((path[a][0], path[a][2]), (path[a + 1][1], path[a + 1][3]))
                       for a in (k - 1, k) if 0 <= a < last]
            out["pair: weaker of (ours and left), (ours and right) both on the path"].append(
                min(pairs or [own]))
            out["pair: mean of the two"].append(float(np.mean(pairs or [own])))
            out["region between the pair's outer cells (weaker)"].append(min(regions or [0.0]))
            for w in (1, 2):
                a, b = path[max(k - w, 0)], path[min(k + w, last)]
                outer0, outer1 = (a[0], a[2]), (b[1], b[3])
                out[f"ours given the path's cells {w} bead{'s' if w > 1 else ''} away"].append(
                    lat.inner(outer0, (z0, e0)) + lat.score(z0, z1, e0, e1)
                    + lat.inner((z1, e1), outer1) - lat.inner(outer0, outer1))
            contain = [lat.run([(a0, a1, b0, b1)])
                       for a0 in range(max(z0 - 3, 0), z0 + 1) for a1 in range(z1, min(z1 + 3, n) + 1)
                       for b0 in range(max(e0 - 8, 0), e0 + 1) for b1 in range(e1, min(e1 + 8, m) + 1)
                       if a1 - a0 <= lat.amax and 0 < b1 - b0 <= lat.bmax and a1 > a0
                       and (a0, a1, b0, b1) != (z0, z1, e0, e1)]
            inside = [lat.run([(a0, a1, b0, b1)])
                      for a0 in range(z0, z1 + 1) for a1 in range(a0, z1 + 1)
                      for b0 in range(e0, e1 + 1) for b1 in range(b0, e1 + 1)
                      if (a0, a1, b0, b1) != (z0, z1, e0, e1)
                      and (a1 - a0, b1 - b0) != (0, 0) and (a1 > a0 or b1 - b0 == 1)
                      and (b1 > b0 or a1 - a0 == 1)]
            out["mass of the beads that contain ours"].append(
                float(np.exp(np.logaddexp.reduce(contain))) if contain else 0.0)
            out["mass of the beads ours contains"].append(
                float(np.exp(np.logaddexp.reduce(inside))) if inside else 0.0)
    # the probabilities of runs are cues of their own (higher = surer): negate for judge - w cue
    return {k: (np.asarray(v) if k.startswith("mass") else -np.asarray(v)) for k, v in out.items()}


def text_cues(searched, data) -> dict[str, np.ndarray]:
    out: dict[str, list[float]] = {k: [] for k in (
        "sentences better explained across an edge (count)",
        "best evidence across an edge minus inside (largest)", "? and ! counts differ")}
    for (beads, call), (zh, en, _) in zip(searched, data):
        lex, n, m = call[1].lex, call[0].n, call[0].m

        def given(side, s, t):   # evidence of sentence s given the single sentence t opposite
            arr, lo = (lex.fe, lex.fe_lo) if side == "zh" else (lex.ef, lex.ef_lo)
            k = t + 1 - lo[s]
            return float(arr[s, 1, k]) if 0 <= k < arr.shape[2] else 0.0

        for b in beads:
            count, margins = 0, []
            for side, own, opposite, size in (("zh", b.zh, b.en, m), ("en", b.en, b.zh, n)):
                if not opposite:
                    continue
                beyond = [t for t in (*range(opposite[0] - 2, opposite[0]),
                                      *range(opposite[-1] + 1, opposite[-1] + 3)) if 0 <= t < size]
                for s in own:
                    here = max(given(side, s, t) for t in opposite)
                    there = max([given(side, s, t) for t in beyond] or [0.0])
                    count += there > here
                    margins.append(there - here)
            out["sentences better explained across an edge (count)"].append(count)
            out["best evidence across an edge minus inside (largest)"].append(max(margins or [0.0]))
            z, e = "".join(zh[i] for i in b.zh), " ".join(en[j] for j in b.en)
            out["? and ! counts differ"].append(
                abs(len(re.findall("[？?]", z)) - e.count("?"))
                + abs(len(re.findall("[！!]", z)) - e.count("!")))
    return {k: np.asarray(v, float) for k, v in out.items()}


def caught(score: np.ndarray, y: np.ndarray, mask: np.ndarray | None = None) -> int:
    mask = np.ones(len(y), bool) if mask is None else mask
    k = B.flag_count(SHARE, int(mask.sum()))
    return int((~y[mask][np.argsort(score[mask], kind="stable")[:k]]).sum())


def held_out_pick(candidates: dict, y, ch, prefer) -> tuple[np.ndarray, list]:
    held, picks = np.empty(len(y)), []
    for h in np.unique(ch):
        best = max(candidates, key=lambda n: (caught(candidates[n], y, ch != h), n == prefer))
        picks.append(best)
        held[ch == h] = candidates[best][ch == h]
    return held, picks


def held_out_weight(judge, cue, y, ch) -> tuple[int, list[float]]:
    cue = (cue - cue.mean()) / (cue.std() + 1e-9)
    held, chosen = np.empty(len(y)), []
    for h in np.unique(ch):
        w = max(np.linspace(-3, 3, 61), key=lambda w: (caught(judge - w * cue, y, ch != h), -abs(w)))
        chosen.append(float(w))
        held[ch == h] = judge[ch == h] - w * cue[ch == h]
    return caught(held, y), chosen


def auc(score, wrong) -> float:
    """Probability that a wrong bead ranks below a right one."""
    r = np.argsort(np.argsort(score, kind="stable"))
    k, n = int(wrong.sum()), len(score)
    return 1 - (r[wrong].sum() - k * (k - 1) / 2) / (k * (n - k))


def bench_judges(data) -> None:
    print("== Judges: wrong MAC-Dev beads in the lowest 15 %, nothing chosen or each chapter "
          "held out ==")
    blocks = [(zh, en) for zh, en, _ in data]
    searched = [searched_blocks([block], B.DEFAULT)[0] for block in blocks]
    y = np.array([ok for _, _, ok in B.judged([s[0] for s in searched], data)])
    ch = np.array([c for c, _, _ in B.judged([s[0] for s in searched], data)])
    wrong = int((~y).sum())
    per_chapter = [judge_logits([block]) for block in blocks]
    logits = {k: np.concatenate([got[k] for got in per_chapter]) for k in per_chapter[0]}
    judge = logits["ours"]
    pct = lambda k: f"{k} = {k / wrong:.1%}"  # noqa: E731
    print(f"{len(y)} beads, {wrong} wrong; our judge alone {pct(caught(judge, y))}")
    print("model averaging (equal weights, nothing chosen):")
    combos = combinations(logits)
    for name, v in combos.items():
        print(f"  {name:88s} {pct(caught(v, y))}")
    held, picks = held_out_pick(combos, y, ch, "ours")
    print(f"  the combination chosen on five chapters: {pct(caught(held, y))} "
          f"(picks: {'; '.join(picks)})")

    temps = (0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.2)
    tempered = {}
    for t in temps:
        post = []
        for _, (band, j, amax, bmax, _, path) in searched:
            post += dp.posteriors(band, j, amax, bmax, j.insert, t, path)
        tempered[t] = B._logit(np.asarray(post))
    held, picks = held_out_pick(tempered, y, ch, confidence.TEMPERATURE)
    print("tempering, all six: " + ", ".join(f"T {t} {caught(v, y)}" for t, v in tempered.items())
          + f"; T chosen on five chapters {pct(caught(held, y))} (picks {picks})")
    _judge_by_auc(searched, y, ch, wrong)

    print("cues added to the judge's logit, weight chosen on five chapters (judge - w x cue); "
          "a probability of the path used instead of the judge (nothing chosen):")
    lattice = lattice_cues(searched)
    for name, cue in {**lattice, **text_cues(searched, data)}.items():
        got, ws = held_out_weight(judge, cue, y, ch)
        alone = f"instead {pct(caught(-cue, y))}, " if name in lattice and \
            not name.startswith("mass") else ""
        print(f"  {name:68s} {alone}held out {pct(got)}  "
              f"(w {' '.join(f'{w:+.1f}' for w in ws)})")

    conf = 1 / (1 + np.exp(-(confidence.SLOPE * judge + confidence.OFFSET)))
    k = B.flag_count(SHARE, len(y))
    weights = {"each chapter's expected errors (sum of 1 - confidence)":
               [(1 - conf[ch == c]).sum() for c in np.unique(ch)],
               "evenly (15 % of each chapter)": [(ch == c).sum() for c in np.unique(ch)],
               "each chapter's true errors (oracle)": [(~y[ch == c]).sum() for c in np.unique(ch)]}
    print("the same number of flags shared out per chapter, lowest confidence first in each:")
    for name, w in weights.items():
        q = np.asarray(w, float) / np.sum(w) * k
        flags = np.floor(q).astype(int)
        flags[np.argsort(-(q - flags))[:k - flags.sum()]] += 1
        got = sum(int((~y[ch == c][np.argsort(judge[ch == c], kind="stable")[:f]]).sum())
                  for c, f in zip(np.unique(ch), flags))
        print(f"  by {name:56s} {pct(got)} (flags {' '.join(map(str, flags))})")
    _misses(searched, data, judge, y)
    _averaged_on_reports()


def _misses(searched, data, judge, y) -> None:
    """What the wrong beads outside the list are, against the gold."""
    k = B.flag_count(SHARE, len(y))
    flagged = np.zeros(len(y), bool)
    flagged[np.argsort(judge, kind="stable")[:k]] = True
    counts: dict[tuple[str, str], int] = {}
    at = 0
    for c, ((beads, _), (_, _, gold)) in enumerate(zip(searched, data)):
        gold_set = {(g.zh, g.en) for g in gold}
        bad = [(b.zh, b.en) not in gold_set for b in beads]
        for i, b in enumerate(beads):
            if bad[i]:
                near = [g for g in gold if set(g.zh) & set(b.zh) or set(g.en) & set(b.en)]
                if len(near) == 1 and set(b.zh) <= set(near[0].zh) and set(b.en) <= set(near[0].en):
                    kind = "inside one gold bead (the gold merged more)"
                elif all(set(g.zh) <= set(b.zh) and set(g.en) <= set(b.en) for g in near):
                    kind = "whole gold beads merged (we merged more)"
                else:
                    kind = "a boundary moved (shift)"
                where = "caught" if flagged[at + i] else "missed"
                for key in (kind, f"in chapter {B.CHAPTERS[c]}", "next to another wrong bead"
                            if (i > 0 and bad[i - 1]) or (i + 1 < len(beads) and bad[i + 1])
                            else "alone"):
                    counts[(where, key)] = counts.get((where, key), 0) + 1
        at += len(beads)
    print("the wrong beads the judge's list catches / misses, by kind: " + "; ".join(
        f"{key} {counts.get(('caught', key), 0)} / {counts.get(('missed', key), 0)}"
        for key in sorted({key for _, key in counts})))


def _judge_by_auc(searched, y, ch, wrong) -> None:
    """The lenient judge's constants chosen on five chapters by AUC, from the grid of
    ``bench_align.py --cues`` (which chooses by the count in the lowest 15 %)."""
    grid = {}
    for merge, both, skip, lex, t in itertools.product((0.5, 1.0, 1.5), (-0.5, 0.18),
                                                       (-3.0, -2.0, -1.0), (0.1, 0.15, 0.22),
                                                       (0.5, 0.7, 1.0)):
        params = replace(confidence.lenient(B.P), merge=merge, both_merged=both, skip=skip,
                         lex_weight=lex)
        post = []
        for _, (band, j, amax, bmax, _, path) in searched:
            other = j.variant(params, aligner._prior(params, B.DEFAULT.max_total, amax, bmax))
            post += dp.posteriors(band, other, amax, bmax, other.insert, t, path)
        grid[(merge, both, skip, lex, t)] = B._logit(np.asarray(post))
    for name, crit in (("AUC", lambda v, m: auc(v[m], ~y[m])),
                       ("count in the lowest 15 %", lambda v, m: caught(v, y, m))):
        held, picks = np.empty(len(y)), []
        for h in np.unique(ch):
            best = max(grid, key=lambda g: crit(grid[g], ch != h))
            picks.append(best)
            held[ch == h] = grid[best][ch == h]
        print(f"the judge's constants (merge, both_merged, skip, lex_weight, T) chosen on five "
              f"chapters by {name}: {caught(held, y)} = {caught(held, y) / wrong:.1%} "
              f"(picks {picks})")


def _averaged_on_reports() -> None:
    """The reports' review lists with ours averaged with the judge without anchors (the best
    single partner on MAC-Dev), through the shipped calibration and threshold."""
    gold = parse_links(B.BEIJING_GOLD.read_text(encoding="utf-8"))
    gold_set = {(b.zh, b.en) for b in gold}
    print("the reports, confidence < 0.83: shipped -> mean logit of ours and the judge without "
          "anchors (share of beads flagged; Beijing: wrong beads caught / wrong)")
    captured = []
    original = pipeline.align_blocks

    def spy(pairs, settings=aligner.AlignSettings(), progress=None):
        captured.append(pairs)
        return original(pairs, settings, progress)

    for path in [B.BEIJING, *B.NATIONAL]:
        captured.clear()
        pipeline.align_blocks = spy
        try:
            alignment = pipeline.align_document(read_document([path], "interleaved"))
        finally:
            pipeline.align_blocks = original
        logits = judge_logits(captured[-1])
        assert len(logits["ours"]) == len(alignment.beads)
        shipped = np.array([b.score for b in alignment.beads])
        mixed = (logits["ours"] + logits["without anchors"]) / 2
        conf = 1 / (1 + np.exp(-(confidence.SLOPE * mixed + confidence.OFFSET)))
        line = f"  {path.name}: {(shipped < 0.83).mean():.1%} -> {(conf < 0.83).mean():.1%}"
        if path == B.BEIJING:
            bad = np.array([(b.zh, b.en) not in gold_set for b in alignment.beads])
            line += (f"; Beijing {int((bad & (shipped < 0.83)).sum())}/{int(bad.sum())} -> "
                     f"{int((bad & (conf < 0.83)).sum())}/{int(bad.sum())}")
        print(line)


def main() -> None:
    data = B.mac_data()
    B.warm_up()
    bench_judges(data)


if __name__ == "__main__":
    main()
