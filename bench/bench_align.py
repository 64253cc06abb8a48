"""Benchmark of the sentence aligner: accuracy with ablations, the review list, speed, batch.

Run from the repository root:

    python3 bench/bench_align.py                 # everything but the slow parts
    python3 bench/bench_align.py --batch --memory --tune 40 --cues

Prints figures only (no assertions), each section with its baseline measured in the same run:
- MAC-Dev (6 chapters of published novel translations, gold beads): strict/lax F1 per
  configuration and per chapter; ablations switch one component of the default off;
- the same configurations on the Beijing report against bench/gold/beijing-gwr-2024.align and
  on the national reports 2016-2020 (no gold: bead types, TUs, review-list size);
- the review list: share of beads flagged against share of wrong MAC-Dev beads caught, for
  confidence thresholds, with the calibration fitted with each chapter held out;
- speed: CPU seconds of this process (time.process_time) after start-up, and fresh processes
  timed from outside; the machine is shared, so each figure is the minimum of a few runs;
- --tune N: random search over the nine score constants, scored with each chapter held out;
- --batch: 100 report-size documents through `zhtm align --jobs 1` and `--jobs 2`;
- --memory: a 50,000-sentence block.

MAC-Dev and the national reports are read from ../shared; nothing from them is written.
"""

from __future__ import annotations

import argparse
import itertools
import math
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from zhtm.align import confidence  # noqa: E402
from zhtm.align.aligner import AlignSettings, align_blocks  # noqa: E402
from zhtm.align.evaluate import Scores, micro_average, parse_links, score_alignment  # noqa: E402
from zhtm.align.pipeline import REVIEW_BELOW, align_document  # noqa: E402
from zhtm.text.layouts import read_document  # noqa: E402


def flag_count(share: float, beads: int) -> int:
    """How many beads a review list may flag when it flags at most `share` of them (rounding
    down: 15 % of 1,358 beads is 203, not 204, so the list never exceeds the share it claims)."""
    return math.floor(share * beads + 1e-9)


SHARED = ROOT.parent / "shared" / "corpus"
MAC = SHARED / "mac-dev"
NATIONAL = sorted((SHARED / "gwr-national").glob("gwr-20*.zh-en.txt"))
BEIJING = ROOT / "corpus" / "beijing-gwr-2024.zh-en.txt"
BEIJING_GOLD = ROOT / "bench" / "gold" / "beijing-gwr-2024.align"
CHAPTERS = [f"{i:03d}" for i in range(1, 7)]

DEFAULT = AlignSettings()
P = DEFAULT.scores
CONFIGS = [
    ("Gale-Church-style (length only, beads <= 2-2)",
     AlignSettings(use_lexical=False, max_zh=2, max_en=2, use_quotes=False)),
    ("length only, beads up to 4x9", AlignSettings(use_lexical=False, use_quotes=False)),
    ("+ anchors (no dictionary, no learned table)",
     AlignSettings(use_dictionary=False, learn_table=False, use_quotes=False)),
    ("+ CC-CEDICT", AlignSettings(learn_table=False, use_quotes=False)),
    ("+ IBM-1 table by EM, cross-fitted", AlignSettings(use_quotes=False)),
    ("+ quote boundaries = default", DEFAULT),
    # one component of the default off (or changed)
    ("default - quote state (ends only)", replace(DEFAULT, scores=replace(P, quote_state=0.0))),
    ("default - learned table (dictionary only)", replace(DEFAULT, learn_table=False)),
    ("default, table self-trained (no cross-fitting)", replace(DEFAULT, folds=1)),
    ("default, 3 folds", replace(DEFAULT, folds=3)),
    ("default - dictionary (anchors + EM)", replace(DEFAULT, use_dictionary=False)),
    ("default - anchors", replace(DEFAULT, use_anchors=False)),
    ("default - untranslated-token credit", replace(DEFAULT, scores=replace(P, untranslated=0.0))),
    ("default, untranslated credit x2", replace(DEFAULT, scores=replace(P, untranslated=2.0))),
    ("default, beads <= 2-2", replace(DEFAULT, max_zh=2, max_en=2)),
    ("default, no dilution (gamma 0.5)", replace(DEFAULT, scores=replace(P, gamma=0.5))),
]


def read_lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def mac_data():
    return [(read_lines(MAC / "zh" / c), read_lines(MAC / "en" / c),
             parse_links((MAC / "gold" / f"{c}.align").read_text(encoding="utf-8")))
            for c in CHAPTERS]


def warm_up() -> None:
    align_blocks([(["预热。"], ["Warm up."])])  # imports and CC-CEDICT outside the timings


def run_mac(data, settings: AlignSettings):
    t = time.process_time()
    results = [align_blocks([(zh, en)], settings)[0] for zh, en, _ in data]
    cpu = time.process_time() - t
    scores = [score_alignment(r, g) for r, (_, _, g) in zip(results, data)]
    return results, scores, cpu


def beijing_and_national(settings: AlignSettings):
    """(Beijing strict F1, lax F1, beads, review, kinds), national rows."""
    out = {}
    for path in [BEIJING, *NATIONAL]:
        if not path.exists():
            continue
        alignment = align_document(read_document([path], "interleaved"), settings)
        out[path.name] = alignment
    return out


def kinds_text(counter: Counter, top: int = 8) -> str:
    items = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))
    return ", ".join(f"{k} {v}" for k, v in items[:top]) + (" ..." if len(items) > top else "")


def bench_configs(data) -> None:
    print("== Accuracy: MAC-Dev (strict P/R/F1, lax F1, per chapter strict F1), Beijing vs its "
          "gold, national reports ==")
    gold = parse_links(BEIJING_GOLD.read_text(encoding="utf-8")) if BEIJING_GOLD.exists() else None
    for name, settings in CONFIGS:
        results, scores, cpu = run_mac(data, settings)
        m = micro_average(scores)
        kinds = Counter(b.kind for r in results for b in r)
        print(f"\n{name}\n  MAC-Dev {m.strict_p:.3f}/{m.strict_r:.3f}/{m.strict_f1:.3f} lax "
              f"{m.lax_f1:.4f}  chapters " + " ".join(f"{s.strict_f1:.3f}" for s in scores) +
              f"  CPU {cpu:.2f} s")
        print(f"  MAC-Dev beads: {kinds_text(kinds, 10)}")
        docs = beijing_and_national(settings)
        for doc_name, alignment in docs.items():
            review = len(alignment.to_review())
            line = (f"  {doc_name}: {len(alignment.units())} TUs, {len(alignment.beads)} beads, "
                    f"review {review}; {kinds_text(alignment.bead_types(), 7)}")
            if doc_name == BEIJING.name and gold is not None:
                s = score_alignment(alignment.beads, gold)
                line += f"; vs gold strict {s.strict_f1:.3f} lax {s.lax_f1:.3f}"
            print(line)
    print("\ngold bead types, MAC-Dev: " + kinds_text(Counter(b.kind for _, _, g in data for b in g),
                                                        10))


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


def _fit_logistic(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    w = np.zeros(2)
    X = np.stack([x, np.ones_like(x)], 1)
    for _ in range(50):  # Newton steps
        p = 1 / (1 + np.exp(-X @ w))
        H = (X * (p * (1 - p))[:, None]).T @ X + 1e-6 * np.eye(2)
        w -= np.linalg.solve(H, X.T @ (p - y))
    return float(w[0]), float(w[1])


def run_default_with_posteriors(data):
    """The default's MAC-Dev beads and each bead's posterior under the lenient judge."""
    posteriors: list[float] = []
    original = confidence.bead_confidence

    def spy(posterior: float, whole_block: bool = False) -> float:
        posteriors.append(1.0 if whole_block else posterior)
        return original(posterior, whole_block)

    confidence.bead_confidence = spy
    try:
        results, _, _ = run_mac(data, DEFAULT)
    finally:
        confidence.bead_confidence = original
    return results, posteriors


MANY = ("2-2", "2-3", "2-4", "3-3", "3-2", "3-4", "4-4")


def bench_errors(data, results) -> None:
    """The issue's error kinds on MAC-Dev: many-to-many beads, untranslated sentences, drift."""
    print("\n== Errors by kind, MAC-Dev (default) ==")
    scores = [score_alignment(r, g) for r, (_, _, g) in zip(results, data)]
    m = micro_average(scores)
    print(f"strict F1 {m.strict_f1:.3f}, lax F1 {m.lax_f1:.4f}; chapters " +
          ", ".join(f"{c} {s.strict_f1:.3f}/{s.lax_f1:.3f}" for c, s in zip(CHAPTERS, scores)))
    pred = Counter(b.kind for r in results for b in r)
    gold = Counter(b.kind for _, _, g in data for b in g)
    hit: Counter = Counter()
    runs, run_beads, wrong_total = 0, 0, 0
    for beads, (_, _, g) in zip(results, data):
        gold_set = {(b.zh, b.en) for b in g}
        run = 0
        for b in [*beads, None]:
            right = b is None or (b.zh, b.en) in gold_set
            if b is not None and right:
                hit[b.kind] += 1
            if not right:
                run += 1
                wrong_total += 1
            elif run:
                if run >= 3:
                    runs, run_beads = runs + 1, run_beads + run
                run = 0
    print("bead kind: predicted / gold / predicted and right")
    print("  " + ", ".join(f"{k} {pred[k]}/{gold[k]}/{hit[k]}" for k in ("1-0", "0-1", "1-1", "1-2",
                                                                          "2-1", *MANY)))
    print(f"untranslated Chinese sentences (gold 1-0): {gold['1-0']}, found exactly {hit['1-0']} "
          f"(predicted 1-0: {pred['1-0']})")
    print(f"drift (a run of >= 3 consecutive wrong beads): {runs} places, {run_beads} beads, of "
          f"{wrong_total} wrong beads")


def judged(results, data):
    """(chapter, bead, whether the gold has it) for every bead of every MAC-Dev chapter."""
    for c, (beads, (_, _, gold)) in enumerate(zip(results, data)):
        gold_set = {(b.zh, b.en) for b in gold}
        for b in beads:
            yield c, b, (b.zh, b.en) in gold_set


def bench_review(data, results, posteriors) -> None:
    print("\n== Review list: MAC-Dev beads flagged (lowest confidence first) vs wrong beads caught ==")
    right, chapter, shipped = [], [], []
    for c, b, ok in judged(results, data):
        right.append(ok)
        chapter.append(c)
        shipped.append(b.score)
    y, ch, post, shipped = map(np.asarray, (right, chapter, posteriors, shipped))
    loo = np.zeros(len(y))
    for h in range(len(data)):
        a, b = _fit_logistic(_logit(post[ch != h]), y[ch != h].astype(float))
        loo[ch == h] = 1 / (1 + np.exp(-(a * _logit(post[ch == h]) + b)))
    wrong = int((~y).sum())
    print(f"{len(y)} beads, {wrong} wrong (strict); shipped calibration "
          f"P(right) = sigmoid({confidence.SLOPE} logit(p) + {confidence.OFFSET}); "
          f"fitted on all six: {_fit_logistic(_logit(post), y.astype(float))}")
    print(f"{'flagged':>8s} {'caught (shipped)':>17s} {'caught (LOO)':>13s} {'threshold':>10s}")
    for share in (0.05, 0.10, 0.15, 0.20, 0.25, 0.30):
        k = flag_count(share, len(y))
        caught = [(~y[np.argsort(c, kind='stable')][:k]).sum() / wrong for c in (shipped, loo)]
        print(f"{share:8.0%} {caught[0]:17.1%} {caught[1]:13.1%} "
              f"{np.sort(shipped)[k - 1]:10.3f}")
    for name, conf in (("shipped", shipped), ("LOO", loo)):
        flagged = conf < REVIEW_BELOW
        print(f"confidence < {REVIEW_BELOW} ({name}): {flagged.mean():.1%} of beads flagged, "
              f"{(flagged & ~y).sum() / wrong:.1%} of wrong beads caught, "
              f"{(~y[flagged]).mean():.1%} of the flagged are wrong")
    print("calibration (shipped): " + "; ".join(
        f"[{lo:.2f},{hi:.2f}) n={int(m.sum())} says {shipped[m].mean():.2f} is {y[m].mean():.2f}"
        for lo, hi in ((0, .5), (.5, .7), (.7, .83), (.83, .9), (.9, .95), (.95, 1.01))
        for m in [(shipped >= lo) & (shipped < hi)] if m.any()))
    thresholds = [(share, float(np.sort(shipped)[flag_count(share, len(y)) - 1]))
                  for share in (0.05, 0.10, 0.15, 0.20, 0.30)] + [("shipped", REVIEW_BELOW)]
    _review_on_reports(thresholds)


def _review_on_reports(thresholds) -> None:
    """The same thresholds on the reports: the Beijing report against its gold (wrong beads
    caught), the national reports without gold (share of beads flagged)."""
    gold = parse_links(BEIJING_GOLD.read_text(encoding="utf-8")) if BEIJING_GOLD.exists() else None
    docs = beijing_and_national(DEFAULT)
    print("the MAC-Dev thresholds on the reports (share of beads flagged; Beijing: wrong beads "
          "caught / wrong against its gold):")
    print(f"{'MAC-Dev':>8s} {'threshold':>9s}  " + "  ".join(f"{n.split('.')[0]:>16s}" for n in docs))
    for share, t in thresholds:
        cells = []
        for name, alignment in docs.items():
            conf = np.array([b.score for b in alignment.beads])
            cell = f"{(conf < t).mean():.1%}"
            if name == BEIJING.name and gold is not None:
                gold_set = {(b.zh, b.en) for b in gold}
                wrong = np.array([(b.zh, b.en) not in gold_set for b in alignment.beads])
                cell += f" {int((wrong & (conf < t)).sum())}/{int(wrong.sum())}"
            cells.append(f"{cell:>16s}")
        label = share if isinstance(share, str) else f"{share:.0%}"
        print(f"{label:>8s} {t:9.3f}  " + "  ".join(cells))


def _posteriors_with_cues(data):
    """Per MAC-Dev bead: right or not, chapter, and cues a calibration could use: the lenient
    judge's posterior (what ships), the tuned model's, a lexical-only and a length-only judge's,
    the weaker neighbour, bead type, length deviation, translation evidence per token."""
    from zhtm.align import aligner, dp

    rows: list[dict] = []
    searched: list[tuple] = []
    original = dp.posteriors

    def spy(band, judge, amax, bmax, insert, temperature, path):
        probs, nodes = dp.posteriors_and_nodes(band, judge, amax, bmax, insert, temperature, path)
        searched.append((band, judge, amax, bmax, path))
        cues = {"judge": probs, "start cell": [s for s, _ in nodes],
                "end cell": [e for _, e in nodes]}
        for name, params, t in (("tuned", P, 1.0),
                                ("lexical only", replace(judge.p, len_weight=0.0), temperature),
                                ("length only", replace(judge.p, lex_weight=0.0), temperature)):
            other = judge.variant(params, aligner._prior(params, DEFAULT.max_total, amax, bmax))
            cues[name] = original(band, other, amax, bmax, other.insert, t, path)
        evidence = judge.evidence_of(path)
        for k, (z0, z1, e0, e1) in enumerate(path):
            en_chars, zh_chars = judge.ec[e1] - judge.ec[e0], judge.zc[z1] - judge.zc[z0]
            x = math.log((en_chars + 10) / (judge.ratio * zh_chars + 10))
            tokens = judge.zt[z0:z1].sum() + judge.et[e0:e1].sum()
            rows.append({**{n: v[k] for n, v in cues.items()}, "a": z1 - z0, "b": e1 - e0,
                         "path": (z0, z1, e0, e1),
                         "length deviation": abs(x) / judge.p.sigma,
                         "evidence per token": evidence[k] / (tokens + 1)})
        return probs

    dp.posteriors = spy
    try:
        for c, (zh, en, gold) in enumerate(data):
            start = len(rows)
            [beads] = align_blocks([(zh, en)], DEFAULT)
            gold_set = {(b.zh, b.en) for b in gold}
            assert len(rows) - start == len(beads)  # one searched block per chapter
            for row, bead in zip(rows[start:], beads):
                row["right"], row["chapter"] = (bead.zh, bead.en) in gold_set, c
    finally:
        dp.posteriors = original
    return rows, searched


def bench_calibration_cues(data) -> None:
    """Does any other cue rank the wrong beads better than the judge's posterior alone? Each
    cue is added as judge logit + w x cue, w chosen on five chapters (most wrong beads in their
    lowest 15 %) and applied to the sixth; then a logistic fit on all cues, held out likewise."""
    print("\n== Calibration cues: wrong MAC-Dev beads in the lowest 15 %, each chapter held out ==")
    rows, searched = _posteriors_with_cues(data)
    y = np.array([r["right"] for r in rows])
    ch = np.array([r["chapter"] for r in rows])
    a, b = np.array([r["a"] for r in rows]), np.array([r["b"] for r in rows])
    judge = _logit(np.array([r["judge"] for r in rows]))
    weaker = np.empty(len(rows))
    for c in range(len(data)):
        v = judge[ch == c]
        weaker[ch == c] = np.minimum(np.r_[10.0, v[:-1]], np.r_[v[1:], 10.0]).clip(max=10.0)
    cues = {"tuned model's posterior": _logit(np.array([r["tuned"] for r in rows])),
            "lexical-only judge": _logit(np.array([r["lexical only"] for r in rows])),
            "length-only judge": _logit(np.array([r["length only"] for r in rows])),
            "weaker neighbour": weaker, "m-n bead (m, n > 1)": ((a > 1) & (b > 1)).astype(float),
            "1-1 bead": ((a == 1) & (b == 1)).astype(float), "bead size": (a + b).astype(float),
            "length deviation": np.array([r["length deviation"] for r in rows]),
            "evidence per token": np.array([r["evidence per token"] for r in rows])}
    for name, settings in DISAGREEMENT:
        cues[f"not in the alignment {name}"] = _disagreement(data, settings)
    clipped = judge.clip(max=6.0)
    for k in (2, 5, 12):
        cues[f"mean confidence of +-{k} neighbours"] = _window_mean(clipped, ch, k)
    cues["mean confidence of the chapter"] = np.array([clipped[ch == c].mean() for c in ch])
    start = _logit(np.array([r["start cell"] for r in rows]))
    end = _logit(np.array([r["end cell"] for r in rows]))
    cues["weaker boundary (cell posterior)"] = np.minimum(start, end)
    cues["bead minus weaker boundary"] = judge - np.minimum(start, end)
    others = _other_judges(data, rows)
    for name, post in others.items():
        cues[f"judge {name}"] = post
        cues[f"judge {name} minus ours"] = post - judge
    wrong = int((~y).sum())

    def caught(score: np.ndarray, mask: np.ndarray) -> int:
        k = flag_count(0.15, int(mask.sum()))
        return int((~y[mask][np.argsort(score[mask], kind="stable")[:k]]).sum())

    everything = np.ones(len(y), bool)
    print(f"judge's posterior alone: {caught(judge, everything) / wrong:.1%} of {wrong} wrong beads")
    weights = np.linspace(-1.5, 1.5, 31)
    for name, cue in cues.items():
        held = np.empty(len(y))
        chosen = []
        for h in range(len(data)):
            w = max(weights, key=lambda w: (caught(judge + w * cue, ch != h), -abs(w)))
            chosen.append(w)
            held[ch == h] = judge[ch == h] + w * cue[ch == h]
        print(f"  + {name:26s} held out {caught(held, everything) / wrong:6.1%}  "
              f"(w per held-out chapter: {' '.join(f'{w:+.1f}' for w in chosen)})")
    X = np.stack([judge, *cues.values()], 1)
    held = np.empty(len(y))
    for h in range(len(data)):
        train = ch != h
        mu, sd = X[train].mean(0), X[train].std(0) + 1e-9
        Z = np.c_[(X - mu) / sd, np.ones(len(y))]
        w = np.zeros(Z.shape[1])
        for _ in range(50):  # Newton steps, a little L2
            p = 1 / (1 + np.exp(-Z[train] @ w))
            H = (Z[train] * (p * (1 - p))[:, None]).T @ Z[train] + 1e-2 * np.eye(len(w))
            w -= np.linalg.solve(H, Z[train].T @ (p - y[train]) + 1e-2 * w)
        held[ch == h] = Z[ch == h] @ w
    print(f"  logistic fit on all cues, held out: {caught(held, everything) / wrong:.1%}")
    # replace the judge rather than add to it: pick, with each chapter held out, among ours,
    # the other models' judges and half-and-half mixes
    candidates = {"ours": judge, **{f"judge {n}": v for n, v in others.items()},
                  **{f"half ours, half judge {n}": (judge + v) / 2 for n, v in others.items()}}
    for name, v in candidates.items():
        print(f"  {name:44s} on all six {caught(v, everything) / wrong:6.1%}")
    held = np.empty(len(y))
    picks = []
    for h in range(len(data)):
        best = max(candidates, key=lambda n: caught(candidates[n], ch != h))
        picks.append(best)
        held[ch == h] = candidates[best][ch == h]
    print(f"  judge chosen among these with each chapter held out: "
          f"{caught(held, everything) / wrong:.1%} (picks: {'; '.join(picks)})")
    _judge_held_out(searched, y, ch, caught)


def _other_judges(data, rows) -> dict[str, np.ndarray]:
    """Logit of each default MAC-Dev bead's posterior under the lenient judge of another model
    (the whole alignment run with one component off; its second-pass band holds our path)."""
    from zhtm.align import dp

    out = {}
    original = dp.posteriors
    for name, settings in DISAGREEMENT:
        got: list[float] = []
        for c, (zh, en, _) in enumerate(data):
            ours = [r["path"] for r in rows if r["chapter"] == c]

            def spy(band, judge, amax, bmax, insert, temperature, path, ours=ours):
                inside = all(0 <= e - band.lo[z] < band.width
                             for z0, z1, e0, e1 in ours for z, e in ((z0, e0), (z1, e1)))
                got.extend(original(band, judge, amax, bmax, insert, temperature, ours)
                           if inside else [0.5] * len(ours))  # no opinion outside its band
                return original(band, judge, amax, bmax, insert, temperature, path)

            dp.posteriors = spy
            try:
                align_blocks([(zh, en)], settings)
            finally:
                dp.posteriors = original
        out[name] = _logit(np.asarray(got))
    return out


# Independent alignments: a bead the default shares with none of them is suspicious.
DISAGREEMENT = [("without the learned table", replace(DEFAULT, learn_table=False)),
                ("without anchors", replace(DEFAULT, use_anchors=False)),
                ("without quote terms", replace(DEFAULT, use_quotes=False)),
                ("without the dictionary", replace(DEFAULT, use_dictionary=False))]


def _disagreement(data, settings: AlignSettings) -> np.ndarray:
    """1.0 for each default MAC-Dev bead that the alignment under ``settings`` does not have."""
    out = []
    for zh, en, _ in data:
        [ours] = align_blocks([(zh, en)], DEFAULT)
        [theirs] = align_blocks([(zh, en)], settings)
        have = {(b.zh, b.en) for b in theirs}
        out += [0.0 if (b.zh, b.en) in have else 1.0 for b in ours]
    return np.asarray(out)


def _window_mean(values: np.ndarray, chapter: np.ndarray, k: int) -> np.ndarray:
    """Mean of the k beads on either side of each bead (itself excluded), per chapter."""
    out = np.empty(len(values))
    for c in np.unique(chapter):
        idx = np.flatnonzero(chapter == c)
        v = values[idx]
        cum = np.concatenate([[0.0], np.cumsum(v)])
        i = np.arange(len(v))
        lo, hi = np.maximum(i - k, 0), np.minimum(i + k + 1, len(v))
        out[idx] = (cum[hi] - cum[lo] - v) / np.maximum(hi - lo - 1, 1)
    return out


def _judge_held_out(searched, y, ch, caught) -> None:
    """The lenient judge's constants were chosen on all six chapters; choose them again from
    the same kind of grid with each chapter held out, to see what that choice is worth."""
    from zhtm.align import aligner, dp

    grid = []
    for merge, both, skip, lex, t in itertools.product((0.5, 1.0, 1.5), (-0.5, 0.18),
                                                       (-3.0, -2.0, -1.0), (0.1, 0.15, 0.22),
                                                       (0.5, 0.7, 1.0)):
        params = replace(confidence.lenient(P), merge=merge, both_merged=both, skip=skip,
                         lex_weight=lex)
        post = []
        for band, judge, amax, bmax, path in searched:
            other = judge.variant(params, aligner._prior(params, DEFAULT.max_total, amax, bmax))
            post += dp.posteriors(band, other, amax, bmax, other.insert, t, path)
        grid.append(((merge, both, skip, lex, t), np.asarray(post)))
    wrong = int((~y).sum())
    held = np.empty(len(y))
    for h in np.unique(ch):
        best = max(grid, key=lambda g: caught(g[1], ch != h))
        held[ch == h] = best[1][ch == h]
        print(f"  chapter {CHAPTERS[h]} held out: judge (merge, both_merged, skip, lex_weight, T) = "
              f"{best[0]} wins on the others")
    shipped = dict(grid)[(confidence.LENIENT["merge"], P.both_merged, confidence.LENIENT["skip"],
                          confidence.LENIENT["lex_weight"], confidence.TEMPERATURE)]
    everything = np.ones(len(y), bool)
    counts = sorted(caught(post, everything) for _, post in grid)
    mean_logit = np.mean([_logit(post) for _, post in grid], axis=0)
    print(f"every judge of the grid, wrong beads in its lowest 15 %: min {counts[0]}, median "
          f"{counts[len(counts) // 2]}, max {counts[-1]} of {wrong}; the mean logit of all of "
          f"them (nothing chosen): {caught(mean_logit, everything) / wrong:.1%}")
    print(f"judge chosen among {len(grid)} settings with each chapter held out: "
          f"{caught(held, everything) / wrong:.1%} of wrong beads in the lowest 15 % "
          f"(the shipped judge, chosen on all six: {caught(shipped, everything) / wrong:.1%})")


def bench_speed(data) -> None:
    print("\n== Speed (CPU seconds; minimum of 3 runs on a shared machine) ==")
    warm_up()
    best = min(run_mac(data, DEFAULT)[2] for _ in range(3))
    base = min(run_mac(data, CONFIGS[0][1])[2] for _ in range(3))
    print(f"MAC-Dev, 6 chapters in this process after start-up: {best:.2f} s "
          f"(target <= 1 s; length-only baseline {base:.2f} s)")
    from zhtm.text.segment import split_en, split_zh

    lines = [line for block in read_document([BEIJING], "interleaved").blocks
             for line in (*block.zh, *block.en)]
    t = min(_cpu(lambda: [split_zh(x.text) + split_en(x.text) for x in lines]) for _ in range(3))
    print(f"splitting the Beijing report's lines, both splitters on every line: {t * 1000:.0f} ms")
    doc = read_document([BEIJING], "interleaved")
    t = min(_cpu(lambda: align_document(doc)) for _ in range(3))
    print(f"Beijing report, in this process: {t:.2f} s")
    # As installed: modules compiled to bytecode once (pip does it; this sandbox may set
    # PYTHONDONTWRITEBYTECODE), CC-CEDICT's compact cache written by the first run. Both go
    # to a temporary folder, never into the checkout or the user's ~/.cache.
    with tempfile.TemporaryDirectory() as tmp:
        env = {"ZHTM_CACHE_DIR": str(Path(tmp) / "cache"), "PYTHONDONTWRITEBYTECODE": "",
               "PYTHONPYCACHEPREFIX": str(Path(tmp) / "pyc")}
        cmd = [sys.executable, "-m", "zhtm", "align", str(BEIJING), "-o", str(Path(tmp) / "b.tmx"),
               "-q"]
        first = _fresh(cmd, env)
        runs = [_fresh(cmd, env) for _ in range(5)]
        # the checkout's modules compiled from source (when it has no __pycache__), the
        # installed packages' bytecode read as usual (an empty variable counts as unset)
        source_only = min(_fresh(cmd, {**env, "PYTHONDONTWRITEBYTECODE": "1",
                                       "PYTHONPYCACHEPREFIX": ""})[0]
                          for _ in range(3))
    cpu, wall = min(r[0] for r in runs), min(r[1] for r in runs)
    print(f"Beijing report, `zhtm align ... -q` in a fresh process: CPU {cpu:.2f} s, "
          f"wall {wall:.2f} s (best of 5; target <= 2 s end to end); the first run, which "
          f"compiles the modules and writes CC-CEDICT's cache, CPU {first[0]:.2f} s; without "
          f"zhtm's bytecode files (compiled from source each run) CPU {source_only:.2f} s")


def _cpu(fn) -> float:
    t = time.process_time()
    fn()
    return time.process_time() - t


def _fresh(cmd: list[str], extra_env: dict[str, str] | None = None) -> tuple[float, float, float]:
    """CPU seconds, wall seconds and peak RSS (MB) of a fresh process and its children."""
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"), **(extra_env or {}))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    subprocess.run(cmd, check=False, env=env, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, wall, after.ru_maxrss / 1024


BATCH_WORKER = """
import resource, subprocess, sys, time
t = time.perf_counter()
rc = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode
print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
      resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, rc)
"""


def bench_batch(n_docs: int = 100) -> None:
    print(f"\n== Batch: {n_docs} report-size documents, `zhtm align FOLDER -o OUT --jobs N` ==")
    sources = [BEIJING, *NATIONAL]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "docs"
        folder.mkdir()
        for k in range(n_docs):
            shutil.copyfile(sources[k % len(sources)], folder / f"doc{k:03d}.txt")
        env = dict(os.environ, PYTHONPATH=str(ROOT / "src"), ZHTM_CACHE_DIR=str(Path(tmp) / "cache"))
        rows = {}
        for jobs in (1, 2):
            out = Path(tmp) / f"out{jobs}"
            cmd = [sys.executable, "-c", BATCH_WORKER, sys.executable, "-m", "zhtm", "align",
                   str(folder), "-o", str(out), "--jobs", str(jobs), "-q"]
            load_before = os.getloadavg()[0]
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            got = subprocess.run(cmd, env=env, capture_output=True, text=True).stdout.split()
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
            wall, _, child_rss, rc = float(got[0]), int(got[1]), int(got[2]), int(got[3])
            rows[jobs] = wall
            same = "" if jobs == 1 else \
                f", outputs identical to --jobs 1: {_same_tree(Path(tmp) / 'out1', out)}"
            # cores busy = CPU / wall: with nothing serialised, --jobs 2 keeps two busy on an
            # idle machine; on a loaded one, its share of the two.
            print(f"--jobs {jobs}: wall {wall:.1f} s, CPU {cpu:.1f} s ({cpu / n_docs:.2f} s a "
                  f"document, {cpu / wall:.2f} cores busy), exit {rc}, peak RSS of the largest "
                  f"process {child_rss / 1024:.0f} MB (target <= 300 MB per worker), load "
                  f"average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after{same}")
        print(f"speed-up --jobs 2 over --jobs 1: x{rows[1] / rows[2]:.2f} wall (target >= 1.7) "
              f"on {os.cpu_count()} cores")


def _same_tree(a: Path, b: Path) -> bool:
    names = sorted(p.name for p in a.iterdir())
    return names == sorted(p.name for p in b.iterdir()) and \
        all((a / n).read_bytes() == (b / n).read_bytes() for n in names)


MEMORY = """
import resource, sys, time
from pathlib import Path
sys.path.insert(0, {src!r})
from zhtm.align.aligner import align_blocks
mac = Path({mac!r})
zh, en = [], []
while len(zh) < {target}:
    for c in {chapters!r}:
        zh += (mac / 'zh' / c).read_text(encoding='utf-8').splitlines()
        en += (mac / 'en' / c).read_text(encoding='utf-8').splitlines()
zh, en = zh[:{target}], en[:int({target} * 1951 / 1463)]
t = time.process_time()
[beads] = align_blocks([(zh, en)])
print(f"{{len(zh)}} zh x {{len(en)}} en units in one block: {{len(beads)}} beads, CPU "
      f"{{time.process_time() - t:.1f}} s, peak RSS "
      f"{{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}} MB (target < 1024 MB)")
"""


def bench_memory(target: int = 50_000) -> None:
    print("\n== Memory: synthetic 50,000-sentence block ==", flush=True)
    code = MEMORY.format(src=str(ROOT / "src"), mac=str(MAC), chapters=CHAPTERS, target=target)
    subprocess.run([sys.executable, "-c", code], check=True)


SPACE = {"lex_weight": (0.15, 0.6, "log"), "kappa": (0.3, 3.0, "log"), "gamma": (0.7, 1.2, "lin"),
         "merge": (1.5, 3.2, "lin"), "both_merged": (-1.0, 1.5, "lin"), "skip": (-7.0, -2.5, "lin"),
         "len_weight": (0.5, 2.0, "log"), "quote_match": (0.0, 2.5, "lin"),
         "quote_mismatch": (0.5, 4.0, "lin")}


def bench_tune(data, n: int) -> None:
    """Random search over the score constants; each chapter is scored with the constants
    that win on the other five (leave-one-chapter-out)."""
    print(f"\n== Tuning check: random search over {len(SPACE)} constants, {n} settings + the "
          "default, leave one chapter out ==")
    rng = random.Random(1)
    settings = [DEFAULT]
    for _ in range(n):
        p = {k: (math.exp(rng.uniform(math.log(a), math.log(b))) if kind == "log"
                 else rng.uniform(a, b)) for k, (a, b, kind) in SPACE.items()}
        settings.append(replace(DEFAULT, scores=replace(P, **p)))
    table = [run_mac(data, s)[1] for s in settings]

    def f1(scores: list[Scores], skip: int) -> float:
        return micro_average(s for k, s in enumerate(scores) if k != skip).strict_f1

    held = []
    for h in range(len(data)):
        best = max(range(len(settings)), key=lambda i: f1(table[i], h))
        held.append(table[best][h])
        print(f"  chapter {CHAPTERS[h]} held out: setting #{best} wins on the others, "
              f"scores {table[best][h].strict_f1:.3f} (default {table[0][h].strict_f1:.3f})")
    m = micro_average(held)
    print(f"leave-one-chapter-out strict F1 {m.strict_f1:.3f} lax {m.lax_f1:.4f}; default "
          f"{micro_average(table[0]).strict_f1:.3f}; best of all on all six "
          f"{max(micro_average(t).strict_f1 for t in table):.3f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--batch", action="store_true", help="run the 100-document batch")
    ap.add_argument("--memory", action="store_true", help="run the 50,000-sentence block")
    ap.add_argument("--tune", type=int, default=0, metavar="N",
                    help="leave-one-chapter-out check of a random search over N settings")
    ap.add_argument("--cues", action="store_true",
                    help="held-out check of other calibration cues (slow: four judges)")
    ap.add_argument("--no-ablations", action="store_true", help="skip the configuration table")
    args = ap.parse_args()
    # this process's CC-CEDICT cache: a temporary folder, not the user's ~/.cache
    cache = tempfile.TemporaryDirectory(prefix="zhtm-bench-")
    os.environ.setdefault("ZHTM_CACHE_DIR", cache.name)
    if not MAC.is_dir():
        sys.exit(f"MAC-Dev not found at {MAC}")
    data = mac_data()
    warm_up()
    if not args.no_ablations:
        bench_configs(data)
    results, posteriors = run_default_with_posteriors(data)
    bench_errors(data, results)
    bench_review(data, results, posteriors)
    if args.cues:
        bench_calibration_cues(data)
    bench_speed(data)
    if args.tune:
        bench_tune(data, args.tune)
    if args.batch:
        bench_batch()
    if args.memory:
        bench_memory()


if __name__ == "__main__":
    main()
