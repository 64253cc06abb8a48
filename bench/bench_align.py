"""Benchmark of the sentence aligner: MAC-Dev F1 with ablations, speed, memory, Beijing beads.

Run from the repository root:  python3 bench/bench_align.py [--skip-memory]

Prints figures only (no assertions). MAC-Dev is read from ../shared/corpus/mac-dev; nothing
from it is written anywhere. Times are CPU seconds of this process (one core), so other
load on the machine does not inflate them much; the end-to-end figure is a fresh
``python3`` process (start, imports, dictionary load, alignment) timed from outside.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # one core, as the target says

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from zhtm.align.aligner import AlignSettings, align_blocks  # noqa: E402
from zhtm.align.evaluate import micro_average, parse_links, score_alignment  # noqa: E402

MAC = ROOT.parent / "shared" / "corpus" / "mac-dev"
BEIJING = ROOT / "corpus" / "beijing-gwr-2024.zh-en.txt"
CHAPTERS = [f"{i:03d}" for i in range(1, 7)]

ABLATIONS = [
    ("Gale-Church-style baseline (length, beads <= 2-2)",
     AlignSettings(use_lexical=False, max_zh=2, max_en=2)),
    ("length only (beads up to 4x9)", AlignSettings(use_lexical=False)),
    ("+ anchors", AlignSettings(use_dictionary=False, lexicon_passes=0)),
    # What the learned lexicon brings where the dictionary is missing (vocabulary it lacks).
    ("+ anchors + learned lexicon, no CC-CEDICT", AlignSettings(use_dictionary=False)),
    ("+ CC-CEDICT", AlignSettings(lexicon_passes=0)),
    ("+ learned lexicon (default)", AlignSettings()),
]


def read_lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def mac_blocks() -> tuple[list[tuple[list[str], list[str]]], list]:
    blocks = [(read_lines(MAC / "zh" / c), read_lines(MAC / "en" / c)) for c in CHAPTERS]
    golds = [parse_links((MAC / "gold" / f"{c}.align").read_text(encoding="utf-8")) for c in CHAPTERS]
    return blocks, golds


def bench_mac() -> None:
    blocks, golds = mac_blocks()
    print("== MAC-Dev (6 chapters, each chapter aligned as its own document) ==")
    print(f"{'configuration':52s} {'strict P/R/F1':>20s} {'lax P/R/F1':>20s} {'CPU s':>7s}")
    align_blocks([(["预热。"], ["Warm up."])])  # load the dictionary outside the timings
    base_time = None
    for name, settings in ABLATIONS:
        t0 = time.process_time()
        per_ch = []
        results = []
        for block in blocks:
            t = time.process_time()
            results.append(align_blocks([block], settings)[0])
            per_ch.append(time.process_time() - t)
        total = time.process_time() - t0
        scores = [score_alignment(r, g) for r, g in zip(results, golds)]
        m = micro_average(scores)
        base_time = base_time or total
        print(f"{name:52s} {m.strict_p:.3f}/{m.strict_r:.3f}/{m.strict_f1:.3f} "
              f"{m.lax_p:.3f}/{m.lax_r:.3f}/{m.lax_f1:.3f} {total:7.2f}  "
              f"(x{total / base_time:.1f} baseline)")
        print(f"{'':52s} per chapter strict F1: " + " ".join(f"{s.strict_f1:.3f}" for s in scores))
        print(f"{'':52s} per chapter CPU s:     " + " ".join(f"{t:.3f}" for t in per_ch))
    t = time.process_time()
    joint = align_blocks(blocks, AlignSettings())
    m = micro_average(score_alignment(r, g) for r, g in zip(joint, golds))
    print(f"{'default, 6 chapters as one document (6 blocks)':52s} "
          f"{m.strict_p:.3f}/{m.strict_r:.3f}/{m.strict_f1:.3f} "
          f"{m.lax_p:.3f}/{m.lax_r:.3f}/{m.lax_f1:.3f} {time.process_time() - t:7.2f}")


END_TO_END = """
import sys
from pathlib import Path
sys.path.insert(0, {src!r})
from zhtm.align.aligner import align_blocks
mac = Path({mac!r})
for c in {chapters!r}:
    zh = (mac / 'zh' / c).read_text(encoding='utf-8').splitlines()
    en = (mac / 'en' / c).read_text(encoding='utf-8').splitlines()
    align_blocks([(zh, en)])
"""


def bench_end_to_end() -> None:
    code = END_TO_END.format(src=str(ROOT / "src"), mac=str(MAC), chapters=CHAPTERS)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    print(f"\n== End to end: fresh python3 aligning the 6 MAC-Dev chapters ==\n"
          f"wall {wall:.2f} s, CPU {cpu:.2f} s (target <= 5 s)")


MEMORY = """
import resource, sys, time
from pathlib import Path
sys.path.insert(0, {src!r})
from zhtm.align.aligner import align_blocks
mac = Path({mac!r})
zh, en = [], []
copies = 0
while len(zh) < {target}:
    for c in {chapters!r}:
        zh += (mac / 'zh' / c).read_text(encoding='utf-8').splitlines()
        en += (mac / 'en' / c).read_text(encoding='utf-8').splitlines()
    copies += 1
zh, en = zh[:{target}], en[:int({target} * 1951 / 1463)]
t = time.process_time()
[beads] = align_blocks([(zh, en)])
print(f"{{len(zh)}} zh x {{len(en)}} en units in one block ({{copies}} copies of MAC-Dev): "
      f"{{len(beads)}} beads, CPU {{time.process_time() - t:.1f}} s, peak RSS "
      f"{{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}} MB (target < 1024 MB)")
"""


def bench_memory(target: int = 50_000) -> None:
    print("\n== Memory: synthetic 50,000-sentence pair ==", flush=True)
    code = MEMORY.format(src=str(ROOT / "src"), mac=str(MAC), chapters=CHAPTERS, target=target)
    subprocess.run([sys.executable, "-c", code], check=True)


def beijing_blocks() -> list[tuple[list[str], list[str]]]:
    try:
        from zhtm.text.segment import split_en, split_zh
    except ImportError:  # crude fallback
        import re

        def split_zh(p: str) -> list[str]:
            return [s for s in re.split(r"(?<=[。！？])", p) if s.strip()]

        def split_en(p: str) -> list[str]:
            return [s for s in re.split(r"(?<=[.!?])\s+(?=[A-Z“\"])", p) if s.strip()]
    lines = read_lines(BEIJING)[8:]
    try:
        end = next(i for i, line in enumerate(lines) if line.startswith("注释"))
    except StopIteration:
        end = len(lines)
    body = [line for line in lines[:end] if line.strip()]
    blocks = []
    for k in range(0, len(body) - 1, 2):
        blocks.append((split_zh(body[k]), split_en(body[k + 1])))
    return blocks


def bench_beijing() -> None:
    blocks = beijing_blocks()
    print(f"\n== Beijing 2024 report: {len(blocks)} paragraph pairs as blocks of one document ==")
    for name, settings in (("length only", AlignSettings(use_lexical=False)),
                           ("default", AlignSettings())):
        t = time.process_time()
        res = align_blocks(blocks, settings)
        cpu = time.process_time() - t
        kinds = Counter(b.kind for r in res for b in r)
        low = sum(1 for r in res for b in r if b.score < 0.5)
        print(f"{name:12s} CPU {cpu:.2f} s; {sum(kinds.values())} beads, {low} with confidence < 0.5")
        print("   bead types: " + ", ".join(f"{k} {v}" for k, v in
                                           sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0]))))
    zh_n = sum(len(z) for z, _ in blocks)
    en_n = sum(len(e) for _, e in blocks)
    print(f"   ({zh_n} zh sentences, {en_n} en sentences)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--skip-memory", action="store_true", help="skip the 50,000-sentence run")
    args = ap.parse_args()
    if MAC.is_dir():
        bench_mac()
        bench_end_to_end()
    else:
        print(f"MAC-Dev not found at {MAC}: skipping F1 and speed figures")
    if BEIJING.exists():
        bench_beijing()
    if not args.skip_memory and MAC.is_dir():
        bench_memory()


if __name__ == "__main__":
    main()
