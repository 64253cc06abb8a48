"""Benchmark of the sentence aligner: accuracy with ablations, the review list, speed, batch.

Run from the repository root:

    python3 bench/bench_align.py                 # everything but the slow parts
    python3 bench/bench_align.py --batch --memory --tune 40

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
from zhtm.align.scoring import ScoreParams  # noqa: E402
from zhtm.text.layouts import read_document  # noqa: E402

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


def bench_review(data) -> None:
    print("\n== Review list: MAC-Dev beads flagged (lowest confidence first) vs wrong beads caught ==")
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
    right, chapter, shipped = [], [], []
    for c, (beads, (_, _, gold)) in enumerate(zip(results, data)):
        gold_set = {(b.zh, b.en) for b in gold}
        for b in beads:
            right.append((b.zh, b.en) in gold_set)
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
        k = int(round(share * len(y)))
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
    with tempfile.TemporaryDirectory() as tmp:
        runs = [_fresh([sys.executable, "-m", "zhtm", "align", str(BEIJING), "-o",
                        str(Path(tmp) / "b.tmx"), "-q"]) for _ in range(3)]
    cpu, wall = min(r[0] for r in runs), min(r[1] for r in runs)
    print(f"Beijing report, `zhtm align ... -q` in a fresh process: CPU {cpu:.2f} s, "
          f"wall {wall:.2f} s (target <= 2 s end to end)")


def _cpu(fn) -> float:
    t = time.process_time()
    fn()
    return time.process_time() - t


def _fresh(cmd: list[str]) -> tuple[float, float, float]:
    """CPU seconds, wall seconds and peak RSS (MB) of a fresh process and its children."""
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
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
        env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
        rows = {}
        for jobs in (1, 2):
            out = Path(tmp) / f"out{jobs}"
            cmd = [sys.executable, "-c", BATCH_WORKER, sys.executable, "-m", "zhtm", "align",
                   str(folder), "-o", str(out), "--jobs", str(jobs), "-q"]
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            got = subprocess.run(cmd, env=env, capture_output=True, text=True).stdout.split()
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
            wall, _, child_rss, rc = float(got[0]), int(got[1]), int(got[2]), int(got[3])
            rows[jobs] = wall
            same = "" if jobs == 1 else \
                f", outputs identical to --jobs 1: {_same_tree(Path(tmp) / 'out1', out)}"
            print(f"--jobs {jobs}: wall {wall:.1f} s, CPU {cpu:.1f} s, exit {rc}, peak RSS of the "
                  f"largest process {child_rss / 1024:.0f} MB (target <= 300 MB per worker){same}")
        print(f"speed-up --jobs 2 over --jobs 1: x{rows[1] / rows[2]:.2f} wall (target >= 1.7); "
              f"load average now {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


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
    ap.add_argument("--no-ablations", action="store_true", help="skip the configuration table")
    args = ap.parse_args()
    if not MAC.is_dir():
        sys.exit(f"MAC-Dev not found at {MAC}")
    data = mac_data()
    warm_up()
    if not args.no_ablations:
        bench_configs(data)
    bench_review(data)
    bench_speed(data)
    if args.tune:
        bench_tune(data, args.tune)
    if args.batch:
        bench_batch()
    if args.memory:
        bench_memory()


if __name__ == "__main__":
    main()
