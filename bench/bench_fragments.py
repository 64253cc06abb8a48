"""Sub-segment leverage on the national reports: whole sentences vs clauses.

    PYTHONPATH=src python bench/bench_fragments.py

Two held-out pairs of the same genre: a TM of the national reports 2016-2019 and the 2020
report as the new text; a TM of 2016 and the 2017 report. The TMs are aligned by zhtm
(`align_to_file`) and imported (clause units included); the new report's Chinese is cut
into OmegaT segments and each segment into clauses (`cut_clauses`).

Per band of the best match (sentences: `Matcher.match`; clauses: the clause index,
`find_fragments`) the table gives units, characters (Han characters, letters and digits,
so that sentences and clauses count alike) and how useful the English is: the share of the
suggested English's words found in the real English of that sentence (the new report's
own translation, from its aligned TMX). Baselines: the same share for a random TM sentence
(and a random clause English) against each new sentence.

Also: import order. The TM imported oldest first and newest first must pretranslate the
new report identically (equal scores are ranked by use, date and series, not by id).
"""

from __future__ import annotations

import random
import re
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
SHARED = ROOT.parent / "shared" / "corpus" / "gwr-national"
BANDS = (("100%", 100, 100), ("95-99%", 95, 99), ("85-94%", 85, 94), ("75-84%", 75, 84),
         ("50-74%", 50, 74), ("none", 0, 49))
_WORD = re.compile(r"[a-z0-9]+(?:[-'][a-z0-9]+)*")


def band(percent: int | None) -> str:
    for label, low, high in BANDS:
        if percent is not None and low <= percent <= high:
            return label
    return "none"


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower().replace("’", "'"))


def share(suggestion: str, reference: str) -> float | None:
    got = words(suggestion)
    if not got:
        return None
    ref = set(words(reference))
    return sum(w in ref for w in got) / len(got)


def size(text: str) -> int:
    return sum(1 for ch in text if ch.isalnum())


def align(year: int, out: Path) -> Path:
    from zhtm.build import align_to_file

    tmx = out / f"gwr-{year}.tmx"
    if not tmx.exists():
        align_to_file([SHARED / f"gwr-{year}.zh-en.txt"], tmx, layout="interleaved")
    return tmx


def new_text(year: int, out: Path) -> tuple[Path, list[tuple[str, str]]]:
    """The new report's Chinese as a document, and (normalised zh, English) of its TUs."""
    from zhtm.formats.tmx import read_tmx
    from zhtm.text.normalize import normalize

    paragraphs = [line for line in (SHARED / f"gwr-{year}.zh-en.txt").read_text(
        encoding="utf-8").splitlines() if sum("\u4e00" <= c <= "\u9fff" for c in line) >
        len(line) * 0.3]
    doc = out / f"gwr-{year}.zh.txt"
    doc.write_text("\n\n".join(paragraphs) + "\n", encoding="utf-8")
    reference = [(normalize(tu.seg("zh")), tu.seg("en")) for tu in read_tmx(align(year, out))
                 if tu.seg("zh") and tu.seg("en")]
    return doc, reference


def reference_for(segment: str, reference: list[tuple[str, str]]) -> str | None:
    from zhtm.text.normalize import normalize

    seg = normalize(segment)
    return next((en for zh, en in reference if zh == seg), None) or \
        next((en for zh, en in reference if seg in zh), None)


def scenario(tm_years: list[int], new_year: int, out: Path) -> dict:
    from zhtm.tm.fragments import find_fragments
    from zhtm.tm.matching import Matcher
    from zhtm.tm.pretranslate import read_paragraphs
    from zhtm.tm.store import Store
    from zhtm.text.segment import split_zh

    db = out / f"tm-{'-'.join(map(str, tm_years))}.db"
    if db.exists():
        db.unlink()
    with Store.open(db, create=True) as store:
        started = time.process_time()
        report = store.import_tmx([align(y, out) for y in tm_years])
        import_cpu = time.process_time() - started
    doc, reference = new_text(new_year, out)
    segments = [s for p in read_paragraphs(doc) for s in split_zh(p)]
    sent = defaultdict(lambda: [0, 0, []])    # band -> units, chars, usefulness shares
    claus = defaultdict(lambda: [0, 0, [], 0])  # band -> units, chars, shares, with English
    total = 0
    rng = random.Random(7)
    base_sent, base_clause = [], []
    with Store.open(db) as store:
        matcher = Matcher(store)
        tm_en = [r[0] for r in store.conn.execute("SELECT en FROM units")]
        clause_en = [r[0] for r in store.conn.execute("SELECT en FROM clauses WHERE en != ''")]
        started = time.process_time()
        for segment in segments:
            ref = reference_for(segment, reference)
            total += size(segment)
            result = matcher.match(segment, 1, 50, fragments=False)
            best = result.matches[0] if result.matches else None
            slot = sent[band(best.percent if best else None)]
            slot[0] += 1
            slot[1] += size(segment)
            if best is not None and ref is not None:
                slot[2].append(share(best.unit.en, ref))
            if ref is not None:
                base_sent.append(share(rng.choice(tm_en), ref))
            for fragment in find_fragments(store, matcher.clause_segments, segment, k=1,
                                           min_percent=50):
                m = fragment.best
                cslot = claus[band(m.percent if m else None)]
                cslot[0] += 1
                cslot[1] += size(fragment.clause.text)
                if m is not None and m.en:
                    cslot[3] += size(fragment.clause.text)
                    if ref is not None:
                        cslot[2].append(share(m.en, ref))
                if ref is not None and clause_en:
                    base_clause.append(share(rng.choice(clause_en), ref))
        lookup_cpu = time.process_time() - started
    return {"tm": tm_years, "new": new_year, "segments": len(segments), "chars": total,
            "sent": dict(sent), "clause": dict(claus), "tm_units": report.units,
            "tm_clauses": report.clauses, "import_cpu": import_cpu, "lookup_cpu": lookup_cpu,
            "without_english": report.clause_stats.without_english,
            "occurrences": report.clause_stats.occurrences,
            "base_sent": _mean(base_sent), "base_clause": _mean(base_clause)}


def _mean(values) -> float:
    values = [v for v in values if v is not None]
    return sum(values) / len(values) if values else float("nan")


def order_independence(tm_years: list[int], new_year: int, out: Path) -> tuple[int, int]:
    """Pretranslate the new report with the TM imported oldest first and newest first;
    (segments whose English differs, segments matched)."""
    from zhtm.tm.matching import Matcher
    from zhtm.tm.pretranslate import pretranslate
    from zhtm.tm.store import Store

    doc, _ = new_text(new_year, out)
    englishes = []
    for order in (tm_years, list(reversed(tm_years))):
        db = out / f"order-{'-'.join(map(str, order))}.db"
        with Store.open(db, create=True) as store:
            store.import_tmx([align(y, out) for y in order])
        with Store.open(db) as store:
            result = pretranslate(Matcher(store), doc, out / "order.tmx", min_percent=50)
        englishes.append([best.unit.en if best else None for _, best in result.segments])
    differ = sum(a != b for a, b in zip(*englishes))
    return differ, sum(e is not None for e in englishes[0])


def print_scenario(r: dict) -> None:
    print(f"\nTM: national reports {r['tm'][0]}-{r['tm'][-1]} ({r['tm_units']} units, "
          f"{r['tm_clauses']} clause units; {r['occurrences'] - r['without_english']} of "
          f"{r['occurrences']} clause occurrences with English; import {r['import_cpu']:.1f} s "
          f"CPU) -> new text: {r['new']} ({r['segments']} segments, {r['chars']} characters; "
          f"lookups {r['lookup_cpu']:.1f} s CPU)")
    print("| band | sentences | chars | % chars | useful | clauses | chars | % chars | "
          "with English: chars | useful |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    cum_s = cum_c = cum_ce = 0
    for label, low, _ in BANDS:
        s = r["sent"].get(label, [0, 0, []])
        c = r["clause"].get(label, [0, 0, [], 0])
        print(f"| {label} | {s[0]} | {s[1]} | {100 * s[1] / r['chars']:.1f} | "
              f"{_mean(s[2]):.2f} ({len([v for v in s[2] if v is not None])}) | {c[0]} | {c[1]} | "
              f"{100 * c[1] / r['chars']:.1f} | {c[3]} | "
              f"{_mean(c[2]):.2f} ({len([v for v in c[2] if v is not None])}) |")
        if low >= 75:
            cum_s, cum_c, cum_ce = cum_s + s[1], cum_c + c[1], cum_ce + c[3]
    print(f"coverage at >= 75 %: sentences {100 * cum_s / r['chars']:.1f} %, clauses "
          f"{100 * cum_c / r['chars']:.1f} % ({cum_c / max(1, cum_s):.1f}x; with English "
          f"{100 * cum_ce / r['chars']:.1f} %, {cum_ce / max(1, cum_s):.1f}x)")
    print(f"usefulness baselines (random TM English vs the sentence's English): sentence "
          f"{r['base_sent']:.2f}, clause {r['base_clause']:.2f}")


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="zhtm-frag-") as tmp:
        out = Path(tmp)
        for tm_years, new_year in (([2016, 2017, 2018, 2019], 2020), ([2016], 2017)):
            print_scenario(scenario(tm_years, new_year, out))
        differ, matched = order_independence([2016, 2017, 2018, 2019], 2020, out)
        print(f"\nimport order (2016..2019 vs 2019..2016), pretranslating 2020: {differ} of "
              f"{matched} matched segments get a different English")


if __name__ == "__main__":
    main()
