"""Benchmark of the TM store and the exact fuzzy matcher against brute force.

    PYTHONPATH=src python bench/bench_match.py                 # 10^4, 10^5, 10^6 + usefulness
    PYTHONPATH=src python bench/bench_match.py --sizes 10000 --queries 1000

Synthetic TMs are generated from the real Chinese sentences of the national report 2016 and
the Beijing report 2024 (OmegaT segmentation): 30 % whole sentences, 70 % recombined clauses,
each with 0-30 % random character edits (substitutions, insertions, deletions drawn from the
corpus' own characters). Queries: 20 % exact copies of TM entries, 50 % near-duplicates
(2, 8, 20, 35 % edits), 30 % novel sentences (the 2017 report, never used to build the TM).

For each size a child process generates the pairs and imports them into a fresh store (units
+ index segment: build time, store size); another then opens the store as `zhtm match`
would (index load time, resident memory after loading), times the indexed top-5 at
thresholds 0.5/0.7/0.8, and the brute-force baseline in the same process (rapidfuzz
`process.extract` on one thread, Levenshtein normalised similarity, cutoff t - 1e-6) on all
queries (10^4, 10^5) or a sample (10^6). Exactness is checked on every query: all
distances by rapidfuzz `cdist` (both cores), the top 5 per threshold by exact rationals
(L - d) / L, compared with the index's score list.

Usefulness: the 2016 report aligned into a TM, the 2017 report pretranslated with it;
analysis bands, and how often the suggested English shares most (>= 50 %) of its words with
the real 2017 translation of that sentence.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from fractions import Fraction
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))  # this checkout, not an installed zhtm
SHARED = ROOT.parent / "shared" / "corpus"
GWR16 = SHARED / "gwr-national" / "gwr-2016.zh-en.txt"
GWR17 = SHARED / "gwr-national" / "gwr-2017.zh-en.txt"
BEIJING = ROOT / "corpus" / "beijing-gwr-2024.zh-en.txt"
THRESHOLDS = (50, 70, 80)


def chinese_sentences(path: Path) -> list[str]:
    from zhtm.text.segment import split_zh

    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if sum("\u4e00" <= c <= "\u9fff" for c in line) > len(line) * 0.3:
            out.extend(split_zh(line))
    return out


class Generator:
    """Synthetic TMs from real material. With `english` ("real"), each TM entry carries the
    real English of what it was made from: a sentence's TU English, or for a recombined
    entry the English the clause finder gives each clause in its own TU (the TU's English
    where it gives none), so that importing exercises the clause English as a real TM
    would; ("fake"): "EN <i>" as before."""

    def __init__(self, seed: int = 1, english: str = "real") -> None:
        self.base = chinese_sentences(GWR16) + chinese_sentences(BEIJING)
        self.novel = chinese_sentences(GWR17)
        self.clauses = [c for s in self.base for c in re.split(r"(?<=[，；：,;:])", s) if len(c) >= 4]
        self.chars = "".join(self.base)
        self.rng = random.Random(seed)
        self.english = english
        self.en_of: dict[str, str] = {}
        if english == "real":
            self.en_of = english_of_pieces(self.base, self.clauses)

    def edit(self, text: str, fraction: float) -> str:
        rng, s = self.rng, list(text)
        for _ in range(int(round(len(s) * fraction))):
            i = rng.randrange(len(s) + 1)
            op = rng.random()
            if op < 0.5 and i < len(s):
                s[i] = rng.choice(self.chars)
            elif op < 0.75:
                s.insert(i, rng.choice(self.chars))
            elif i < len(s) and len(s) > 2:
                del s[i]
        return "".join(s)

    def tm(self, n: int) -> list[str]:
        return [zh for zh, _ in self.pairs(n)]

    def pairs(self, n: int) -> list[tuple[str, str]]:
        rng, out = self.rng, []
        for i in range(n):
            if rng.random() < 0.3:
                s = rng.choice(self.base)
                en = self.en_of.get(s, "")
            else:
                picked = [rng.choice(self.clauses) for _ in range(rng.randint(2, 4))]
                s = "".join(picked)[:120]
                en = " ".join(self.en_of.get(c, "") for c in picked).strip()
            zh = self.edit(s, rng.choice((0, 0.02, 0.05, 0.1, 0.2, 0.3)))
            out.append((zh, en if self.english == "real" and en else f"EN {i}"))
        return out

    def queries(self, tm: list[str], n: int) -> list[tuple[str, str]]:
        rng, out = self.rng, []
        for i in range(n):
            r = i % 10
            if r < 2:
                out.append(("exact", rng.choice(tm)))
            elif r < 7:
                fraction = (0.02, 0.08, 0.2, 0.35, 0.2)[r - 2]
                out.append((f"near-{int(fraction * 100)}%", self.edit(rng.choice(tm), fraction)))
            else:
                out.append(("novel", rng.choice(self.novel)))
        return out


def english_of_pieces(sentences: list[str], clauses: list[str]) -> dict[str, str]:
    """Real English for the generator's sentences and clauses: the 2016 report and the
    Beijing report aligned by zhtm, each clause's span from the clause finder."""
    from zhtm.build import align_to_file
    from zhtm.formats.tmx import read_tmx
    from zhtm.tm.clause_english import clause_english

    tus = []
    with tempfile.TemporaryDirectory() as tmp:
        for source in (GWR16, BEIJING):
            out = Path(tmp) / "x.tmx"
            align_to_file([source], out, layout="interleaved")
            tus += [(tu.seg("zh"), tu.seg("en")) for tu in read_tmx(out)]
    out: dict[str, str] = {}
    wanted = set(sentences) | set(clauses)
    for zh, en in tus:
        for piece in [s for s in wanted if s in zh]:
            out.setdefault(piece, en)
        for found in clause_english(zh, en):
            for piece in (found.clause.text, *(c for c in wanted if c.startswith(found.clause.text))):
                if piece in wanted and found.en:
                    out[piece] = found.en
    return out


def rss_mb() -> tuple[float, float]:
    """(current, peak) resident set size of this process in MB."""
    cur = peak = 0.0
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                cur = int(line.split()[1]) / 1024
            elif line.startswith("VmHWM:"):
                peak = int(line.split()[1]) / 1024
    return cur, peak


# --- child: serve queries -----------------------------------------------------------------

def serve(db: str, queries_file: str, brute_sample: int, clause_sample: int,
          exact_sample: int) -> dict:
    from rapidfuzz import process
    from rapidfuzz.distance import Levenshtein

    from zhtm.text.normalize import normalize
    from zhtm.tm.fragments import all_clause_hits, query_clauses
    from zhtm.tm.matching import Matcher
    from zhtm.tm.store import Store

    started = time.perf_counter()
    store = Store.open(db)
    matcher = Matcher(store)
    load_s = time.perf_counter() - started
    _, load_peak = rss_mb()
    queries = json.loads(Path(queries_file).read_text(encoding="utf-8"))
    clauses_of = [[c.text for c in query_clauses(q)] for _, q in queries]
    # warm up (page in the arrays), then measure resident memory while answering
    for _, q in queries[:20]:
        matcher.hits(q, 5, 50)
    timings: dict[int, list[float]] = {t: [] for t in THRESHOLDS}
    both: dict[int, list[float]] = {t: [] for t in THRESHOLDS}   # sentences + fragments
    cpu: dict[int, list[float]] = {t: [] for t in THRESHOLDS}
    results: dict[int, list[list[Fraction]]] = {t: [] for t in THRESHOLDS}
    clause_results: dict[int, list[list[list[Fraction]]]] = {t: [] for t in THRESHOLDS}
    for t in THRESHOLDS:
        for qi, (_, q) in enumerate(queries):
            t0 = time.perf_counter()
            hits = matcher.hits(q, 5, t)
            timings[t].append(time.perf_counter() - t0)
            results[t].append([Fraction(h.length - h.distance, h.length) for h in hits])
        for qi, (_, q) in enumerate(queries):
            c0, t0 = time.process_time(), time.perf_counter()
            matcher.hits(q, 5, t, ties=True)
            found = all_clause_hits(matcher.clause_segments, clauses_of[qi], 3, t)
            both[t].append(time.perf_counter() - t0)
            cpu[t].append(time.process_time() - c0)
            clause_results[t].append([[Fraction(h.length - h.distance, h.length) for h in hs]
                                      for hs in found])
    rss_now, rss_peak = rss_mb()
    # brute force in the same process, over the same normalised strings: the latency
    # baseline (one thread, as the index) on a sample ...
    texts = [seg.entry_text(i) for seg in matcher.segments for i in range(len(seg))]
    step = max(1, len(queries) // brute_sample)
    sample = list(range(0, len(queries), step))[:brute_sample]
    brute_times: dict[int, list[float]] = {t: [] for t in THRESHOLDS}
    for qi in sample:
        qn = normalize(queries[qi][1])
        for t in THRESHOLDS:
            t0 = time.perf_counter()
            process.extract(qn, texts, scorer=Levenshtein.normalized_similarity,
                            score_cutoff=t / 100 - 1e-6, limit=5)
            brute_times[t].append(time.perf_counter() - t0)
    # ... and exactness on every query: all distances (both cores), then the top 5 per
    # threshold with integer arithmetic
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    agree = {t: 0 for t in THRESHOLDS}
    kinds_failed: list[str] = []
    estep = max(1, len(queries) // exact_sample)
    checked = range(0, len(queries), estep)
    for qi in checked:
        kind, q = queries[qi]
        qn = normalize(q)
        d = process.cdist([qn], texts, scorer=Levenshtein.distance, dtype=np.int32,
                          workers=-1)[0].astype(np.int64)
        big = np.maximum(lengths, len(qn))
        for t in THRESHOLDS:
            ok = np.flatnonzero(100 * (big - d) >= t * big)
            best = ok[np.argsort(-(big[ok] - d[ok]) / big[ok], kind="stable")[:5]]
            exact = [Fraction(int(big[i] - d[i]), int(big[i])) for i in best]
            if exact == results[t][qi]:
                agree[t] += 1
            else:
                kinds_failed.append(f"{kind}@{t}")
    # the clause index against a full scan of the clause units, on a sample of queries
    ctexts = [seg.entry_text(i) for seg in matcher.clause_segments for i in range(len(seg))]
    clengths = np.fromiter(map(len, ctexts), dtype=np.int64, count=len(ctexts))
    clause_agree = clause_compared = 0
    cstep = max(1, len(queries) // clause_sample)
    for qi in range(0, len(queries), cstep) if ctexts else ():
        ok = True
        for ci, clause in enumerate(clauses_of[qi]):
            qn = normalize(clause)
            d = process.cdist([qn], ctexts, scorer=Levenshtein.distance, dtype=np.int32,
                              workers=-1)[0].astype(np.int64)
            big = np.maximum(clengths, len(qn))
            for t in THRESHOLDS:
                good = np.flatnonzero(100 * (big - d) >= t * big)
                sims = sorted((Fraction(int(big[i] - d[i]), int(big[i])) for i in good),
                              reverse=True)
                want = [x for x in sims if len(sims) < 3 or x >= sims[2]]  # top 3 and ties
                ok &= want == clause_results[t][qi][ci]
        clause_agree += ok
        clause_compared += 1
    stats = store.stats()
    store.close()
    ms = lambda xs, p: float(np.percentile(np.array(xs) * 1000, p))  # noqa: E731
    return {
        "entries": len(texts), "load_s": load_s, "rss_mb": rss_now, "rss_peak_mb": rss_peak,
        "rss_load_peak_mb": load_peak, "loadavg": os.getloadavg(),
        "store_mb": stats.bytes / 1e6, "segments": stats.segments,
        "index": {t: {"median": ms(timings[t], 50), "p95": ms(timings[t], 95)} for t in THRESHOLDS},
        "brute": {t: {"median": ms(brute_times[t], 50), "p95": ms(brute_times[t], 95)}
                  for t in THRESHOLDS},
        "exact": {t: agree[t] / len(checked) for t in THRESHOLDS}, "compared": len(checked),
        "clause_entries": len(ctexts), "clause_segments": stats.clause_segments,
        "both": {t: {"median": ms(both[t], 50), "p95": ms(both[t], 95),
                     "cpu_median": ms(cpu[t], 50), "cpu_p95": ms(cpu[t], 95)}
                 for t in THRESHOLDS},
        "clauses_per_query": float(np.mean([len(c) for c in clauses_of])),
        "clause_exact": clause_agree / max(1, clause_compared), "clause_compared": clause_compared,
        "brute_sample": len(sample),
        "queries": len(queries), "failed": kinds_failed[:10],
        "by_kind": {kind: float(np.median([timings[70][i] * 1000 for i, (k, _) in
                                           enumerate(queries) if k == kind]))
                    for kind in sorted({k for k, _ in queries})},
    }


# --- parent: build and report ---------------------------------------------------------------

def build(n: int, n_queries: int, workdir: str, english: str = "real", clauses: bool = True
          ) -> dict:
    """Generate a TM of n pairs and its queries, import it into a fresh store (a child
    process of its own: the generated TM must not stay resident beside the matcher)."""
    from zhtm.tm.store import Store

    # english "none": clause units cut but no English sought: the store and the clause
    # index at scale (the English finder's own speed is the clauses s of a --english real run)
    gen = Generator(seed=n, english=english)
    pairs = gen.pairs(n)
    tm = [zh for zh, _ in pairs]
    queries = gen.queries(tm, n_queries)
    Path(workdir, f"queries-{n}.json").write_text(json.dumps(queries, ensure_ascii=False),
                                                   encoding="utf-8")
    before_import_mb = rss_mb()[0]  # the generated TM and queries, resident
    started, cpu = time.perf_counter(), time.process_time()
    with Store.open(Path(workdir, f"tm-{n}.db"), create=True) as store:
        report = store.add_pairs(pairs, clauses=clauses, clause_english=english != "none")
    return {"import_s": time.perf_counter() - started, "import_cpu": time.process_time() - cpu,
            "build_s": report.index_seconds, "units_s": report.unit_seconds,
            "clauses_s": report.clause_seconds, "units": report.units,
            "clauses": report.clauses,
            "import_peak_mb": rss_mb()[1],  # this process also holds the generated TM
            "before_import_mb": before_import_mb,
            "import_loadavg": os.getloadavg()}


def _child(*args: str) -> dict:
    child = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True,
                           env={**os.environ, "PYTHONPATH": str(ROOT / "src")})
    if child.returncode:
        raise SystemExit(child.stderr)
    return json.loads(child.stdout)


def bench_size(n: int, n_queries: int, brute_sample: int, clause_sample: int, exact_sample: int,
               workdir: Path, english: str = "real", clauses: bool = True,
               reuse: Path | None = None) -> dict:
    saved = reuse / f"build-{n}.json" if reuse else None
    if saved and saved.exists() and (reuse / f"tm-{n}.db").exists():
        workdir = reuse  # a store built by an earlier run (--keep): its import figures
        built = json.loads(saved.read_text(encoding="utf-8"))
    else:
        built = _child("--build", str(n), str(n_queries), str(workdir), english,
                       "clauses" if clauses else "no-clauses")
        if saved:
            for name in (f"tm-{n}.db", f"queries-{n}.json"):
                (workdir / name).replace(reuse / name)
            saved.write_text(json.dumps(built), encoding="utf-8")
            workdir = reuse
    result = _child("--serve", str(workdir / f"tm-{n}.db"), str(workdir / f"queries-{n}.json"),
                    str(brute_sample), str(clause_sample), str(exact_sample))
    result.update(n=n, **built)
    return result


def usefulness(workdir: Path) -> dict:
    from zhtm.build import align_to_file
    from zhtm.formats.tmx import read_tmx
    from zhtm.text.normalize import normalize
    from zhtm.tm.matching import Matcher
    from zhtm.tm.pretranslate import pretranslate
    from zhtm.tm.store import Store

    tmx16, tmx17 = workdir / "gwr-2016.tmx", workdir / "gwr-2017.tmx"
    align_to_file([GWR16], tmx16, layout="interleaved")
    align_to_file([GWR17], tmx17, layout="interleaved")
    db = workdir / "gwr-2016.db"
    with Store.open(db, create=True) as store:
        store.import_tmx([tmx16])
    reference: list[tuple[str, str]] = []
    for tu in read_tmx(tmx17):
        zh, en = tu.seg("zh"), tu.seg("en")
        if zh and en:
            reference.append((normalize(zh), en))
    doc = workdir / "gwr-2017.zh.txt"
    paragraphs = [line for line in GWR17.read_text(encoding="utf-8").splitlines()
                  if sum("\u4e00" <= c <= "\u9fff" for c in line) > len(line) * 0.3]
    doc.write_text("\n\n".join(paragraphs) + "\n", encoding="utf-8")
    with Store.open(db) as store:
        matcher = Matcher(store)
        result = pretranslate(matcher, doc, workdir / "gwr-2017.pretranslated.tmx", min_percent=50)

    def words(text: str) -> list[str]:
        return re.findall(r"[a-z0-9]+(?:[-'][a-z0-9]+)*", text.lower())

    by_band: dict[str, list[int]] = {}
    for segment, best in result.segments:
        if best is None:
            continue
        seg = normalize(segment)
        ref = next((en for zh, en in reference if zh == seg), None) or \
            next((en for zh, en in reference if seg in zh), None)
        if ref is None:
            continue
        suggestion, ref_words = words(best.unit.en), set(words(ref))
        shared = sum(1 for w in suggestion if w in ref_words) / max(1, len(suggestion))
        from zhtm.tm.pretranslate import band_of
        by_band.setdefault(band_of(best.percent), []).append(shared >= 0.5)
    return {"bands": [(b.label, b.segments, b.characters) for b in result.bands],
            "useful": {band: (sum(v), len(v)) for band, v in by_band.items()},
            "tm_units": len(list(read_tmx(tmx16))), "seconds": result.seconds}


def import_only(sizes: list[int], n_queries: int, english: str, clauses: bool) -> None:
    """The import figures alone: each size generated and imported into a fresh store in a
    child process (CPU: `Store.add_pairs` whole, i.e. units and origins, clause units, both
    indexes, the commit)."""
    print("| TUs | units | clause units | import CPU s | units and origins s | clauses s | "
          "index build s | wall s | peak RSS MB (before import) | load avg 1 min |")
    print("|" + "---|" * 10)
    for n in sizes:
        with tempfile.TemporaryDirectory(prefix="zhtm-bench-") as tmp:
            r = _child("--build", str(n), str(n_queries), tmp, english,
                       "clauses" if clauses else "no-clauses")
        print(f"| {n:,} | {r['units']:,} | {r['clauses']:,} | {r['import_cpu']:.1f} | "
              f"{r['units_s']:.1f} | {r['clauses_s']:.1f} | {r['build_s']:.1f} | "
              f"{r['import_s']:.1f} | {r['import_peak_mb']:.0f} ({r['before_import_mb']:.0f}) | "
              f"{r['import_loadavg'][0]:.1f} |", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--brute", default="1000,1000,200",
                        help="brute-force sample per size (all queries by default; 200 at 10^6)")
    parser.add_argument("--no-usefulness", action="store_true")
    parser.add_argument("--exact", default="1000,1000,1000",
                        help="queries whose sentence top 5 is checked against a full scan, "
                             "per size (every query by default)")
    parser.add_argument("--clause-exact", default="1000,1000,1000",
                        help="queries whose clauses are checked against a full scan of the "
                             "clause units, per size")
    parser.add_argument("--serve", nargs=5, help=argparse.SUPPRESS)
    parser.add_argument("--english", choices=("real", "fake", "none"), default="real",
                        help="the TM's English: real (the clause finder works as on a real "
                             "TM), 'EN <i>' (fake), or 'EN <i>' with clause units cut but no "
                             "English sought (none: the store and index at scale)")
    parser.add_argument("--no-clauses", action="store_true", help="import without clause units")
    parser.add_argument("--keep", type=Path, metavar="DIR",
                        help="keep each size's store, queries and import figures in DIR, and "
                             "answer from those already there instead of importing again")
    parser.add_argument("--import-only", action="store_true",
                        help="only generate and import each size (the import figures), no "
                             "answering")
    parser.add_argument("--build", nargs=5, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build:
        print(json.dumps(build(int(args.build[0]), int(args.build[1]), args.build[2],
                               args.build[3], args.build[4] == "clauses")))
        return
    if args.serve:
        print(json.dumps(serve(args.serve[0], args.serve[1], int(args.serve[2]),
                               int(args.serve[3]), int(args.serve[4]))))
        return
    sizes = [int(s) for s in args.sizes.split(",")]
    brute = [int(b) for b in args.brute.split(",")]
    clause_exact = [int(b) for b in args.clause_exact.split(",")]
    exact = [int(b) for b in args.exact.split(",")]
    if min(brute + clause_exact + exact) < 1:
        parser.error("--brute, --exact and --clause-exact take sample sizes of at least 1")
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)  # else the store is lost after its import
    rows = []
    if args.import_only:
        import_only(sizes, args.queries, args.english, not args.no_clauses)
        return
    with tempfile.TemporaryDirectory(prefix="zhtm-bench-") as tmp:
        for i, n in enumerate(sizes):
            row = bench_size(n, args.queries, brute[min(i, len(brute) - 1)],
                             clause_exact[min(i, len(clause_exact) - 1)],
                             exact[min(i, len(exact) - 1)], Path(tmp),
                             args.english, not args.no_clauses, args.keep)
            rows.append(row)
            print(json.dumps(row), file=sys.stderr, flush=True)
        print(f"load average at the end: {os.getloadavg()}")
        print("| entries | import s | index build s | store MB | segments | load s | "
              "RSS answering MB | peak RSS loading / answering MB | "
              + " | ".join(f"t=0.{t // 10} index median/p95 ms | brute median/p95 ms"
                           for t in THRESHOLDS)
              + " | exact 0.5/0.7/0.8 (queries) | load avg 1 min |")
        print("|" + "---|" * (8 + 2 * len(THRESHOLDS) + 2))
        for r in rows:
            ix, bf = r["index"], r["brute"]
            print(f"| {r['n']:,} | {r['import_s']:.1f} | {r['build_s']:.1f} | {r['store_mb']:.0f} | "
                  f"{r['segments']} | {r['load_s']:.2f} | {r['rss_mb']:.0f} | "
                  f"{r['rss_load_peak_mb']:.0f} / {r['rss_peak_mb']:.0f} | "
                  + " | ".join(f"{ix[str(t)]['median']:.2f} / {ix[str(t)]['p95']:.2f} | "
                               f"{bf[str(t)]['median']:.1f} / {bf[str(t)]['p95']:.1f}"
                               for t in THRESHOLDS)
                  + " | " + "/".join(f"{100 * r['exact'][str(t)]:.0f}%" for t in THRESHOLDS)
                  + f" ({r['compared']}) | {r['loadavg'][0]:.2f} |")
        print("\nWith clause units (sentences top 5 + each query clause's top 3, ties kept):")
        print("| entries | clause units | import wall / CPU s | units s | clauses s | index "
              "build s | RSS answering MB | " + " | ".join(
                  f"t=0.{t // 10} both median/p95 ms (CPU)" for t in THRESHOLDS)
              + " | clause exact (queries) | load avg 1 min import / answering |")
        print("|" + "---|" * (7 + len(THRESHOLDS) + 2))
        for r in rows:
            b = r["both"]
            print(f"| {r['n']:,} | {r['clause_entries']:,} | {r['import_s']:.1f} / "
                  f"{r['import_cpu']:.1f} | {r['units_s']:.1f} | {r['clauses_s']:.1f} | "
                  f"{r['build_s']:.1f} | {r['rss_mb']:.0f} | "
                  + " | ".join(f"{b[str(t)]['median']:.2f} / {b[str(t)]['p95']:.2f} "
                               f"({b[str(t)]['cpu_median']:.2f} / {b[str(t)]['cpu_p95']:.2f})"
                               for t in THRESHOLDS)
                  + f" | {100 * r['clause_exact']:.0f}% ({r['clause_compared']}) | "
                  + f"{r.get('import_loadavg', [float('nan')])[0]:.1f} / {r['loadavg'][0]:.1f} |")
        for r in rows:
            print(f"{r['n']:,}: median ms at t=0.7 by query kind: "
                  + ", ".join(f"{k} {v:.2f}" for k, v in r["by_kind"].items()))
        if not args.no_usefulness:
            u = usefulness(Path(tmp))
            print(f"\nUsefulness: TM = national report 2016 ({u['tm_units']} TUs), "
                  f"pretranslating the 2017 report ({u['seconds']:.1f} s)")
            print("| band | segments | characters | suggestion shares >= 50 % of its words "
                  "with the real 2017 English |")
            print("|---|---|---|---|")
            for label, segs, chars in u["bands"]:
                ok, total = u["useful"].get(label, (0, 0))
                share = f"{ok}/{total} ({100 * ok / total:.0f} %)" if total else "-"
                print(f"| {label} | {segs} | {chars} | {share} |")


if __name__ == "__main__":
    main()
