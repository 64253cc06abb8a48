"""Benchmark of `zhtm terms` (issue 3): Chinese term ranking, English exactness, runtime.

    python3 bench/bench_terms.py [--top 100] [--no-ablations] [--national]

Beijing 2024 (tmx/ if built, else aligned from corpus/) is judged against
../shared/eval/terms_dev.tsv: how many of its 61 terms are in the top 200, and how often the
English is exactly the translators' wording (preferred, or the dev list's alternative). The
top 100 is printed for reading by hand (precision@100 is a human judgement). The national
reports 2016 + 2017 (../shared/corpus/gwr-national) are run together for scale and runtime.
"English exact given the gold Chinese" scores the English side alone on all 61 dev terms.

Ablations switch one signal off at a time: the Chinese ones (ZhSignals: quotes, closed,
word_closure, variety, verb_edges, boundaries, specificity, generic, nested), the English ones
(EnSignals: clause windows, association, numerals, quote pairs, derived forms), competitive
linking and the English rerank.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from zhtm.terms.chinese import ZhSignals  # noqa: E402
from zhtm.terms.english import EnSignals  # noqa: E402
from zhtm.terms.extract import TermOptions, extract_terms, load_units  # noqa: E402

SHARED = ROOT.parent / "shared"
DEV = SHARED / "eval" / "terms_dev.tsv"


def beijing_inputs() -> list[Path]:
    tmx = ROOT / "tmx" / "beijing-gwr-2024.zh-en.tmx"
    return [tmx] if tmx.exists() else [ROOT / "corpus" / "beijing-gwr-2024.zh-en.txt"]


def read_dev() -> list[tuple[str, str, str]]:
    rows = [line.split("\t") for line in DEV.read_text(encoding="utf-8").splitlines()[1:] if line.strip()]
    return [(r[0], r[1], r[2] if len(r) > 2 else "") for r in rows]


def evaluate(entries, dev) -> dict:
    top200 = {e.zh: e for e in entries[:200]}
    found = [(zh, en, alt) for zh, en, alt in dev if zh in top200]
    exact = [zh for zh, en, alt in found if top200[zh].en in {en, alt} - {""}]
    anywhere = [zh for zh, en, alt in found if en in top200[zh].renderings]
    return {"dev_in_top200": len(found), "dev_in_top100": sum(1 for zh, *_ in dev if zh in
                                                               {e.zh for e in entries[:100]}),
            "english_exact": len(exact), "english_listed": len(anywhere), "found": found,
            "exact_set": set(exact)}


def english_on_gold(units, dev, signals=None) -> tuple[int, int]:
    """English exact accuracy given the right Chinese term (independent of the ranking)."""
    from zhtm.terms.english import EnglishSide
    side = EnglishSide([u.en for u in units], [u.zh for u in units], signals=signals or EnSignals())
    ok = n = 0
    for zh, en, alt in dev:
        where = [i for i, u in enumerate(units) if zh in u.zh]
        if not where:
            continue
        n += 1
        choice = side.choose(zh, where, quoted=any(f"“{zh}”" in units[i].zh for i in where))
        ok += bool(choice and choice.en in {en, alt} - {""})
    return ok, n


def run(label, inputs, options=TermOptions(), notes_extra=()):
    t0 = time.perf_counter()
    units, notes = load_units(inputs)
    t1 = time.perf_counter()
    entries = extract_terms(units, notes=list(notes) + list(notes_extra), options=options)
    t2 = time.perf_counter()
    return entries, units, t1 - t0, t2 - t1


def show(entries, n, dev_rows=None):
    dev = {zh for zh, *_ in dev_rows} if dev_rows else set()
    for i, e in enumerate(entries[:n], 1):
        mark = "*" if e.zh in dev else " "
        var = f"  [{' | '.join(e.variants)}]" if e.variants else ""
        d = "  (defined)" if e.definition else ""
        print(f"{i:4d}{mark} {e.zh}\t{e.frequency}\t{e.en}{var}{d}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--top", type=int, default=100)
    ap.add_argument("--no-ablations", action="store_true")
    ap.add_argument("--no-national", action="store_true")
    ap.add_argument("--top-national", type=int, default=30)
    args = ap.parse_args()
    dev = read_dev()
    inputs = beijing_inputs()
    notes_doc = ROOT / "corpus" / "beijing-gwr-2024.zh-en.txt"
    from zhtm.text.layouts import read_document
    notes = [line.text for line in read_document([notes_doc]).notes]

    entries, units, t_load, t_terms = run("beijing", inputs, notes_extra=notes if inputs[0].suffix == ".tmx" else ())
    res = evaluate(entries, dev)
    gold_ok, gold_n = english_on_gold(units, dev)
    print(f"# Beijing 2024 ({inputs[0].name}, {len(units)} units)")
    print(f"runtime: load {t_load:.2f}s + terms {t_terms:.2f}s = {t_load + t_terms:.2f}s")
    print(f"terms_dev in top 200: {res['dev_in_top200']}/{len(dev)} (top 100: {res['dev_in_top100']})")
    print(f"English exact on those: {res['english_exact']}/{res['dev_in_top200']}"
          f" = {res['english_exact'] / max(1, res['dev_in_top200']):.2f}"
          f" (listed as preferred or variant: {res['english_listed']})")
    print(f"English exact given the gold Chinese (all dev terms): {gold_ok}/{gold_n} = {gold_ok / gold_n:.2f}")
    print(f"entries with a definition from the notes: {sum(1 for e in entries if e.definition)}")
    print(f"\n## top {args.top} (* = in terms_dev.tsv)")
    show(entries, args.top, dev)
    missed = [(zh, en) for zh, en, alt in res["found"] if zh not in res["exact_set"]]
    print("\n## dev terms in top 200 with non-exact English")
    top = {e.zh: e for e in entries}
    for zh, en in missed:
        print(f"  {zh}: want {en!r}, got {top[zh].en!r} {list(top[zh].variants)}")

    if not args.no_ablations:
        print("\n## ablations (one signal off; dev terms in top 200 / top 100, English exact)")
        base = TermOptions()
        variants = [("all signals", base)]
        for name in ("quotes", "closed", "word_closure", "variety", "verb_edges", "boundaries",
                     "specificity", "generic", "nested"):
            variants.append((f"- {name}", replace(base, signals=replace(ZhSignals(), **{name: False}))))
        for name in ("windows", "association", "numerals", "quote_pairs", "derived"):
            variants.append((f"- en {name}", replace(base, english=replace(EnSignals(), **{name: False}))))
        variants.append(("- competitive linking", replace(base, competitive=False)))
        variants.append(("- english rerank", replace(base, english_rerank=False)))
        variants.append(("segmenter=sentencepiece", replace(base, segmenter="sentencepiece")))
        variants.append(("segmenter=none", replace(base, segmenter="none")))
        for name, opts in variants:
            t0 = time.perf_counter()
            got = extract_terms(units, notes=notes, options=opts)
            dt = time.perf_counter() - t0
            r = evaluate(got, dev)
            gold = english_on_gold(units, dev, opts.english)[0]
            print(f"  {name:26s} top200 {r['dev_in_top200']:3d}  top100 {r['dev_in_top100']:3d}  "
                  f"english exact {r['english_exact']:3d}  given gold {gold:3d}  ({dt:.1f}s)")

    if not args.no_national:
        nat = SHARED / "corpus" / "gwr-national"
        from zhtm.records import Unit
        t0 = time.perf_counter()
        all_units: list[Unit] = []
        for name in ("gwr-2016.zh-en.txt", "gwr-2017.zh-en.txt"):
            u, _ = load_units([nat / name])
            all_units.extend(u)
        t1 = time.perf_counter()
        nat_entries = extract_terms(all_units)
        t2 = time.perf_counter()
        print(f"\n# National reports 2016 + 2017 ({len(all_units)} units)")
        print(f"runtime: align {t1 - t0:.2f}s + terms {t2 - t1:.2f}s = {t2 - t0:.2f}s")
        show(nat_entries, args.top_national)


if __name__ == "__main__":
    main()
