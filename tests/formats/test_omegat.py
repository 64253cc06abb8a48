"""Integration with the real OmegaT 3.6 (Debian's ``omegat``; scripts/test installs it in CI).

OmegaT exits 0 even when it drops a TMX or a glossary (shared/docs/INTEROP.md), so every test
checks what OmegaT produced or parsed, never its exit code alone:

* TMX: a throwaway project whose source is the TMX's own Chinese segments (one paragraph
  each, blank lines between), the TMX in ``tm/auto/``, our glossaries in ``glossary/``;
  ``--mode=console-translate`` must put the English of every TU whose source is one OmegaT
  segment into the target file, paragraph for paragraph.
* Glossaries: console mode prints no glossary hits, so ``tests/java/GlossaryProbe.java``,
  compiled here against ``OmegaT.jar``, calls OmegaT's own TBX/TSV/CSV glossary readers and
  prints every entry they parsed; each of our terms must arrive with each of its English
  renderings.
"""

from __future__ import annotations

import base64
import os
import shutil
import subprocess
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest
from lxml import etree

from zhtm.build import align_to_file
from zhtm.formats.glossary_tsv import write_glossary
from zhtm.formats.tbx import TbxHeader, read_tbx, write_tbx
from zhtm.formats.tmx import read_tmx
from zhtm.records import TermEntry, term_id
from zhtm.text.layouts import read_document
from zhtm.text.segment import split_zh

from tests.paths import ROOT, JAVA_DIR, BEIJING as CORPUS

COMMITTED_TMX = ROOT / "tmx" / "beijing-gwr-2024.zh-en.tmx"
TERMBASE = ROOT / "termbase"
PROBE_SOURCE = JAVA_DIR / "GlossaryProbe.java"

# Used when termbase/ is not built yet: Beijing terms plus the edge cases a writer can get
# wrong (escaping, astral characters, admitted variants only, definitions and notes).
SMALL_TERMBASE = [
    TermEntry(term_id("城市副中心"), "城市副中心", "Beijing Municipal Administrative Center", ("BMC",),
              5, "大力推动城市副中心高质量发展。",
              "We pursued development of the Beijing Municipal Administrative Center.",
              "beijing-gwr-2024", "zh line 17, en line 18"),
    TermEntry(term_id("四个中心"), "四个中心", "four centers", (), 3, definition=(
        "The national political center, cultural center, center for international exchanges "
        "& <innovation>.")),
    TermEntry(term_id("五子"), "五子", "", ("Five Key Initiatives",), 2),
    TermEntry(term_id("京津冀协同发展"), "京津冀协同发展",
              "coordinated development of the Beijing-Tianjin-Hebei region",
              ("Beijing-Tianjin-Hebei coordinated development",), 4, note="a \"quoted\" note"),
    TermEntry(term_id("𠀀𪚥"), "𠀀𪚥", "Extension B test term", (), 1),
]


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() not in ("", "0", "false")


def _han(text: str) -> bool:
    return any("\u3400" <= c <= "\u9fff" or "\U00020000" <= c <= "\U0003134f" for c in text)


def _tbx_flavour(path: Path) -> str:
    for _, el in etree.iterparse(str(path), events=("start",), resolve_entities=False,
                                 no_network=True, load_dtd=False):
        return "2008" if el.tag == "martif" else "3"
    return "?"


def committed_glossaries() -> list[Path]:
    """termbase/'s OmegaT glossaries (TBX 2008 and TSV), once `zhtm build` has written them."""
    return sorted(p for p in TERMBASE.glob("*.tbx") if _tbx_flavour(p) == "2008") + \
        sorted(TERMBASE.glob("*.utf8"))


def glossaries(dest: Path, which: str = "all") -> list[Path]:
    """Glossaries copied into ``dest``: the committed termbase/ ("committed"), a small one
    written here with the same writers ("small"), or both ("all")."""
    dest.mkdir(parents=True, exist_ok=True)
    out = []
    if which in ("committed", "all"):
        for path in committed_glossaries():
            shutil.copy(path, dest / path.name)
            out.append(dest / path.name)
    if which in ("small", "all"):
        write_tbx(SMALL_TERMBASE, dest / "zhtm-small.tbx", header=TbxHeader(source="test"))
        write_glossary(SMALL_TERMBASE, dest / "zhtm-small.utf8")
        write_glossary(SMALL_TERMBASE, dest / "zhtm-small.csv", fmt="csv")
        out += [dest / n for n in ("zhtm-small.tbx", "zhtm-small.utf8", "zhtm-small.csv")]
    return out


def read_ours(path: Path) -> list[TermEntry]:
    from zhtm.formats.glossary_tsv import read_glossary

    return list(read_tbx(path)) if path.suffix == ".tbx" else list(read_glossary(path))


# ---------------------------------------------------------------------------------- helpers

def translate_tmx(omegat, tmp_path: Path, tmx: Path) -> tuple[list[tuple[str, str]], str, Path]:
    """Run OmegaT on a project made of ``tmx``'s own Chinese segments; return the TMX's
    (zh, en) pairs in order, the target text and the project."""
    pairs = [(u.seg("zh") or "", u.seg("en") or "") for u in read_tmx(tmx)]
    assert pairs and all(zh and en for zh, en in pairs)
    project = omegat.project(tmp_path / "proj", {
        "zh.txt": "\n\n".join(zh for zh, _ in pairs) + "\n"})
    shutil.copy(tmx, project / "tm" / "auto" / tmx.name)
    glossaries(project / "glossary")
    result = omegat.run(project, "console-translate")
    target = project / "target" / "zh.txt"
    assert target.exists(), f"OmegaT wrote no target file\n{result.stdout}\n{result.stderr}"
    return pairs, target.read_text(encoding="utf-8"), project


def check_auto_inserted(pairs: list[tuple[str, str]], target: str) -> tuple[int, int]:
    """Every TU whose source is one OmegaT segment gave its English (the last TU with that
    source wins, as in OmegaT); returns (checked, multi-segment TUs left alone)."""
    last = {zh: en for zh, en in pairs}
    paragraphs = target.rstrip("\n").split("\n\n")
    assert len(paragraphs) == len(pairs), "paragraph structure of the target changed"
    missing, checked, multi = [], 0, 0
    for (zh, _), got in zip(pairs, paragraphs, strict=True):
        if "\n" in zh or split_zh(zh) != [zh]:
            multi += 1
            continue
        checked += 1
        if got != last[zh]:
            missing.append((zh, last[zh], got))
    assert not missing, f"{len(missing)} TU(s) not auto-inserted, e.g. {missing[:3]}"
    return checked, multi


def assert_tmx_loaded(project: Path, name: str) -> None:
    """OmegaT's log (in the config dir) says it read the TMX as zhtm's, with no load error.
    (Console mode does not load glossaries: see the probe tests below.)"""
    log = "\n".join(p.read_text(encoding="utf-8", errors="replace")
                    for p in sorted((project / "cfg").rglob("*.log")))
    assert f"tm/auto/{name}" in log and "Reading of TMX file complete" in log, log[-3000:]
    assert "Created by: zhtm" in log and "Source language: zh-CN" in log
    assert "TF_TM_LOAD_ERROR" not in log and "Exception" not in log, log[-3000:]


# ---------------------------------------------------------------------------------- TMX

def test_committed_tmx_auto_inserts_in_omegat(omegat, tmp_path: Path) -> None:
    pairs, target, project = translate_tmx(omegat, tmp_path, COMMITTED_TMX)
    checked, multi = check_auto_inserted(pairs, target)
    # 339 of 346 TUs are one OmegaT sentence; the others join 2 sentences (2-n beads)
    assert checked >= 0.95 * len(pairs) and checked + multi == len(pairs)
    assert_tmx_loaded(project, COMMITTED_TMX.name)


def test_two_files_layout_tmx_auto_inserts_in_omegat(omegat, tmp_path: Path) -> None:
    doc = read_document([CORPUS])
    zh = tmp_path / "report.zh.txt"
    en = tmp_path / "report.en.txt"
    zh.write_text("\n".join(line.text for b in doc.blocks for line in b.zh) + "\n", encoding="utf-8")
    en.write_text("\n".join(line.text for b in doc.blocks for line in b.en) + "\n", encoding="utf-8")
    tmx = tmp_path / "report.tmx"
    report = align_to_file([zh, en], tmx, layout="two-files")
    assert report.alignment.document.layout == "two-files" and report.written > 300
    pairs, target, project = translate_tmx(omegat, tmp_path, tmx)
    checked, _ = check_auto_inserted(pairs, target)
    assert checked >= 0.9 * len(pairs)
    assert_tmx_loaded(project, tmx.name)


# ---------------------------------------------------------------------------------- glossaries

@pytest.fixture(scope="module")
def glossary_probe(omegat, tmp_path_factory) -> Callable[[Iterable[Path]], tuple[dict, dict]]:
    """``probe(files) -> ({file name: [(zh, en, comment)]}, {file name: error})`` through
    OmegaT's own glossary readers."""
    if shutil.which("javac") is None or not omegat.jar.exists():
        message = "needs javac and /usr/share/omegat/OmegaT.jar (scripts/test installs them)"
        if _in_ci():
            pytest.fail(message)
        pytest.skip(message)
    classes = tmp_path_factory.mktemp("probe")
    subprocess.run(["javac", "-cp", str(omegat.jar), "-d", str(classes), str(PROBE_SOURCE)],
                   check=True, capture_output=True, timeout=300)
    project = omegat.project(tmp_path_factory.mktemp("probe-project"), {})

    def probe(files: Iterable[Path]) -> tuple[dict, dict]:
        out = subprocess.run(["java", "-cp", f"{omegat.jar}:{classes}", "GlossaryProbe",
                              str(project), *map(str, files)],
                             capture_output=True, timeout=300, check=False)
        entries: dict[str, list[tuple[str, str, str]]] = {}
        errors: dict[str, str] = {}
        counts: dict[str, int] = {}
        for line in out.stdout.decode("utf-8").splitlines():
            kind, _, rest = line.partition(" ")
            if kind == "ENTRY":
                name, *fields = rest.split(" ")
                entries.setdefault(name, []).append(
                    tuple(base64.b64decode(f).decode("utf-8") for f in fields))
            elif kind == "COUNT":
                name, n = rest.split(" ")
                counts[name] = int(n)
            elif kind == "ERROR":
                name, _, message = rest.partition(" ")
                errors[name] = message
        assert counts or errors, out.stderr.decode("utf-8", "replace")[-2000:]
        for name, n in counts.items():
            assert len(entries.get(name, [])) == n
        return entries, errors

    return probe


def _expected_rows(entries: list[TermEntry]) -> set[tuple[str, str]]:
    return {(e.zh, en) for e in entries for en in e.renderings}


@pytest.mark.parametrize("which", ["small", "committed"])
def test_omegat_glossary_readers_parse_every_term(glossary_probe, tmp_path: Path,
                                                  which: str) -> None:
    files = glossaries(tmp_path / "glossary", which)
    if not files:
        pytest.skip("termbase/ is not built yet (zhtm build)")
    parsed, errors = glossary_probe(files)
    assert not errors, errors
    for path in files:
        ours = read_ours(path)
        assert ours, f"{path.name}: no entries"
        rows = parsed.get(path.name, [])
        got = {(zh, en) for zh, en, _ in rows if en}
        expected = _expected_rows(ours)
        assert expected <= got, f"{path.name}: OmegaT lost {sorted(expected - got)[:5]}"
        assert got <= expected, f"{path.name}: OmegaT saw extra rows {sorted(got - expected)[:5]}"
        # every entry arrived with its English (an entry without any English has no row with one)
        missing_en = [e.zh for e in ours if e.renderings and (e.zh, e.renderings[0]) not in got]
        assert not missing_en
        # no row without English reaches OmegaT's glossary pane (it would show "术语 = ")
        assert [zh for zh, en, _ in rows if not en] == [e.zh for e in ours if not e.renderings]
        # definitions reach OmegaT's comment column
        comments = {(zh, en): c for zh, en, c in rows}
        for e in ours:
            if e.definition and e.renderings:
                assert " ".join(e.definition.split()) in " ".join(
                    comments[(e.zh, e.renderings[0])].split())


def test_omegat_refuses_tbx_v3_as_documented(glossary_probe, tmp_path: Path) -> None:
    """TBX v3 is for other tools: OmegaT 3.6 drops it. If this starts passing, INTEROP.md and
    the README's advice are stale."""
    dest = tmp_path / "v3.tbx"
    write_tbx(SMALL_TERMBASE, dest, flavour="3")
    parsed, errors = glossary_probe([dest])
    assert "v3.tbx" in errors and "UnmarshalException" in errors["v3.tbx"]
    assert not parsed.get("v3.tbx")


# ---------------------------------------------------------------------------------- pretranslate

def test_pretranslate_output_auto_inserts_in_omegat(omegat, tmp_path: Path) -> None:
    """`zhtm import` the committed TMX, `zhtm pretranslate` a new report (paragraphs of the old
    one, some edited), put the TMX in the new project's tm/auto: OmegaT loads it and inserts
    every exact match; the fuzzy ones stay for the translator."""
    from click.testing import CliRunner

    from zhtm.cli.tm import import_cmd, pretranslate_cmd
    from zhtm.tm.pretranslate import read_paragraphs

    db = tmp_path / "tm.db"
    runner = CliRunner()
    result = runner.invoke(import_cmd, [str(COMMITTED_TMX), "--db", str(db), "-q"])
    assert result.exit_code == 0, result.output
    paragraphs = [line for line in CORPUS.read_text(encoding="utf-8").splitlines() if _han(line)]
    new = [p.replace("2023", "2024").replace("年", "年度", 1) if i % 3 == 0 else p
           for i, p in enumerate(paragraphs[:120])]
    project = omegat.project(tmp_path / "proj", {"report-2025.txt": "\n\n".join(new) + "\n"})
    out = project / "tm" / "auto" / "report-2025.tmx"
    result = runner.invoke(pretranslate_cmd, [str(project / "source" / "report-2025.txt"),
                                              "-o", str(out), "--db", str(db), "--min", "70"])
    assert result.exit_code == 0, result.output
    tm = {u.seg("zh"): u.seg("en") for u in read_tmx(out)}
    assert len(tm) > 50
    omegat.run(project, "console-translate")
    assert_tmx_loaded(project, out.name)
    target = (project / "target" / "report-2025.txt").read_text(encoding="utf-8").split("\n\n")
    source = read_paragraphs(project / "source" / "report-2025.txt")
    assert len(target) >= len(source) == len(new)
    exact = fuzzy = 0
    for para, translated in zip(source, target):
        segments = split_zh(para)
        for seg in segments:
            if seg in tm:
                exact += 1
                assert tm[seg] in translated, (seg, tm[seg], translated[:200])
            else:
                fuzzy += 1
        if all(seg in tm for seg in segments):
            assert not _han(translated), translated[:200]
    assert exact > 100 and fuzzy > 10


def test_pretranslate_fragments_tmx_loads_in_omegat(omegat, tmp_path: Path) -> None:
    """`pretranslate --fragments`: a new report whose sentences join clauses of different
    earlier sentences (no sentence match) gets the clause units as TUs of their own
    (x-zhtm-unit=clause, the parent's document); OmegaT reads that TMX without a load error
    and, where a segment is one of those clauses, inserts the clause's English — the clause
    TUs are TM entries OmegaT uses like any other."""
    from collections import Counter

    from click.testing import CliRunner

    from zhtm.cli.tm import import_cmd, pretranslate_cmd
    from zhtm.tm.store import Store

    db = tmp_path / "tm.db"
    runner = CliRunner()
    result = runner.invoke(import_cmd, [str(COMMITTED_TMX), "--db", str(db), "-q"])
    assert result.exit_code == 0, result.output
    with Store.open(db) as store:   # clauses with English, each from a different unit
        top = store.conn.execute("SELECT max(id) FROM clauses").fetchone()[0]
        clauses = store.clauses(range(1, top + 1))
    held = Counter(p.unit_id for c in clauses.values() for p in c.parents)
    rows = []
    for clause in (clauses[i] for i in sorted(clauses)):
        parents = [p.unit_id for p in clause.parents if held[p.unit_id] >= 3]
        if clause.en and len(clause.zh) >= 8 and parents:
            rows.append((clause.zh, clause.en, min(parents)))
    picked, units = [], set()
    for zh, en, unit in rows:
        if unit not in units:
            units.add(unit)
            picked.append((zh, en))
    assert len(picked) >= 12
    joined = ["，".join(zh for zh, _ in picked[i:i + 3]) + "。" for i in range(0, 9, 3)]
    alone = picked[9:12]
    project = omegat.project(tmp_path / "proj", {
        "report-2025.txt": "\n\n".join(joined + [zh for zh, _ in alone]) + "\n"})
    out = project / "tm" / "auto" / "fragments.tmx"
    result = runner.invoke(pretranslate_cmd, [str(project / "source" / "report-2025.txt"),
                                              "-o", str(out), "--db", str(db), "--fragments"])
    assert result.exit_code == 0, result.output
    written = list(read_tmx(out))
    clauses = {u.seg("zh"): u for u in written if u.prop("x-zhtm-unit") == "clause"}
    assert {zh for zh, _ in picked[:12]} <= set(clauses)
    assert all(u.prop("x-zhtm-doc") == "beijing-gwr-2024.zh-en.txt" for u in clauses.values())
    omegat.run(project, "console-translate")
    assert_tmx_loaded(project, out.name)
    target = (project / "target" / "report-2025.txt").read_text(encoding="utf-8").split("\n\n")
    assert [t.strip() for t in target[3:6]] == [clauses[zh].seg("en") for zh, _ in alone]
    assert all(_han(t) for t in target[:3])     # joined sentences: partial matches only
