"""Import a 200 MB TMX (generated on the fly) into a fresh store; report time and peak memory.

Too slow for the test suite (the suite imports a smaller file in tests/test_hostile.py).
Memory is the process's VmHWM (peak resident set), read before and after each phase in a child
process of its own, so pytest or this script's generator do not count:

* ``read``: streaming the TMX with ``read_tmx`` alone (the reader: must stay flat);
* ``import``: ``Store.import_tmx`` (reading + SQLite upserts + building the fuzzy index).

Usage: python3 bench/bench_import_200mb.py [--mb 200] [--dir /tmp]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4">\n<header creationtool="gen" '
        'creationtoolversion="1" segtype="sentence" o-tmf="x" adminlang="en-US" srclang="zh-CN" '
        'datatype="plaintext"/>\n<body>\n')


def generate(path: Path, megabytes: float) -> int:
    """A TMX of about `megabytes` MB with distinct policy-like pairs; returns the TU count."""
    target = int(megabytes * 1_000_000)
    n = 0
    with open(path, "w", encoding="utf-8") as f:
        f.write(HEAD)
        size = len(HEAD.encode())
        while size < target:
            chunk = "".join(
                f'<tu tuid="{i}"><prop type="x-n">{i}</prop><tuv xml:lang="zh-CN"><seg>第{i}号文件'
                f"要求推进京津冀协同发展，加快建设国际科技创新中心，编号{i * 7}。</seg></tuv>"
                f'<tuv xml:lang="en-US"><seg>Document No. {i} requires coordinated development '
                f"of Beijing, Tianjin and Hebei, number {i * 7}.</seg></tuv></tu>\n"
                for i in range(n, n + 10000))
            f.write(chunk)
            size += len(chunk.encode())
            n += 10000
        f.write("</body>\n</tmx>\n")
    return n


CHILD = r"""
import sys, time
sys.path.insert(0, sys.argv[1])
hwm = lambda: int([l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')][0])
phase, tmx, db = sys.argv[2], sys.argv[3], sys.argv[4]
from zhtm.formats.tmx import read_tmx
from zhtm.tm.store import Store
base = hwm()
start = time.perf_counter()
if phase == "read":
    n = sum(1 for _ in read_tmx(tmx))
else:
    with Store.open(db, create=True) as store:
        n = store.import_tmx([tmx]).units
print(n, round(time.perf_counter() - start, 1), base, hwm())
"""


def run(phase: str, tmx: Path, db: Path) -> tuple[int, float, int, int]:
    out = subprocess.run([sys.executable, "-c", CHILD, str(ROOT / "src"), phase, str(tmx), str(db)],
                         capture_output=True, text=True, check=True).stdout.split()
    return int(out[0]), float(out[1]), int(out[2]), int(out[3])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=200)
    parser.add_argument("--dir", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        tmx, db = Path(tmp) / "big.tmx", Path(tmp) / "big.db"
        start = time.perf_counter()
        tus = generate(tmx, args.mb)
        size = tmx.stat().st_size
        print(f"generated {size / 1e6:.0f} MB, {tus:,} TUs in {time.perf_counter() - start:.1f} s")
        for phase in ("read", "import"):
            n, seconds, base, peak = run(phase, tmx, db)
            print(f"{phase:>6}: {n:,} units in {seconds:.1f} s; peak RSS {peak / 1024:.0f} MiB "
                  f"(interpreter + imports {base / 1024:.0f} MiB, growth {(peak - base) / 1024:.0f} MiB"
                  f" = {(peak - base) * 1024 / size:.2f} bytes per input byte)")
        print(f"store: {db.stat().st_size / 1e6:.0f} MB")


if __name__ == "__main__":
    main()
