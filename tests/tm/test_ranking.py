"""Equal scores: ranked by use, date and document series, never by import order; every
rendering of a source shown with its count."""

import itertools

import pytest

from zhtm.formats.tmx import TmxHeader, read_tmx, write_tmx
from zhtm.records import Unit
from zhtm.tm.matching import Matcher
from zhtm.tm.pretranslate import pretranslate
from zhtm.tm.ranking import series_of
from zhtm.tm.results import match_json
from zhtm.tm.store import Store

# Three "years" of a report: the greeting changes its English, some sentences recur.
YEARS = {
    "gwr-2016.zh-en.txt": [("各位代表！", "Esteemed Deputies,")] * 3 + [
        ("推进京津冀协同发展。", "We will promote the coordinated development of Beijing, Tianjin, and Hebei."),
        ("深化改革开放，推动高质量发展。", "We deepened reform and opening up and promoted high-quality development.")],
    "gwr-2017.zh-en.txt": [("各位代表！", "Fellow Deputies,")] * 2 + [
        ("推进京津冀协同发展。", "We will advance the coordinated development of Beijing, Tianjin, and Hebei."),
        ("推动高质量发展，建设美丽中国。", "We promoted high-quality development and built a beautiful China.")],
    "beijing-2024.zh-en.txt": [("各位代表！", "Fellow Deputies,")] * 2 + [
        ("推进京津冀协同发展。", "Promote the coordinated development of Beijing-Tianjin-Hebei."),
        ("推动高质量发展，建设美丽北京。", "We promoted high-quality development and built a beautiful Beijing.")],
}
QUERIES = ["各位代表！", "推进京津冀协同发展。", "推动高质量发展，建设美丽中国。", "深化改革开放，推进京津冀协同发展。"]


@pytest.fixture(scope="module")
def tmx_files(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("years")
    files = []
    for doc, pairs in YEARS.items():
        path = tmp / doc.replace(".zh-en.txt", ".tmx")
        write_tmx([Unit(zh, en, doc=doc, bead="1-1", location=f"zh line {i}")
                   for i, (zh, en) in enumerate(pairs, 1)], path, header=TmxHeader(tool_version="t"))
        files.append(path)
    return files


def without_ids(value):
    if isinstance(value, dict):
        return {k: without_ids(v) for k, v in value.items() if k != "id"}
    if isinstance(value, list):
        return [without_ids(v) for v in value]
    return value


def lookups(db, files, document):
    with Store.open(db, create=True) as store:
        store.import_tmx(files)
        matcher = Matcher(store)
        answers = [without_ids(match_json(matcher.match(q, k=3, min_percent=50))) for q in QUERIES]
        out = db.with_suffix(".tmx")
        pretranslate(matcher, document, out, min_percent=50, fragments=True, tool_version="t",
                     created="20250101T000000Z")
    return answers, out.read_bytes()


def test_output_does_not_depend_on_import_order(tmx_files, tmp_path):
    document = tmp_path / "gwr-2018.zh-en.txt"
    document.write_text("\n\n".join(QUERIES) + "\n", encoding="utf-8")
    results = [lookups(tmp_path / f"tm{n}.db", list(order), document)
               for n, order in enumerate(itertools.permutations(tmx_files))]
    assert all(r == results[0] for r in results[1:])
    answers, _ = results[0]
    greeting = answers[0]["matches"]
    assert greeting[0]["en"] == "Fellow Deputies,"      # 4 uses against 3, whatever the order
    assert greeting[0]["renderings"] == [
        {"en": "Fellow Deputies,", "count": 4, "date": None},
        {"en": "Esteemed Deputies,", "count": 3, "date": None}]


@pytest.mark.parametrize("document, english", [
    ("gwr-2018.zh-en.txt", "We will advance the coordinated development of Beijing, Tianjin, and Hebei."),
    ("beijing-2025.txt", "Promote the coordinated development of Beijing-Tianjin-Hebei."),
])
def test_equal_use_prefers_the_same_document_series(tmx_files, tmp_path, document, english):
    """Three renderings used once each, no dates: the document's own series wins (the
    2016 and 2017 ones are of one series; between those two the texts decide)."""
    path = tmp_path / document
    path.write_text("推进京津冀协同发展。\n", encoding="utf-8")
    with Store.open(tmp_path / "tm.db", create=True) as store:
        store.import_tmx(tmx_files)
        result = pretranslate(Matcher(store), path, tmp_path / "out.tmx", tool_version="t")
    [(segment, best)] = result.segments
    assert best.unit.en == english
    [tu] = read_tmx(tmp_path / "out.tmx")
    assert tu.prop("x-zhtm-doc") == next(doc for doc, pairs in YEARS.items()
                                         if english in dict(pairs).values())


def test_the_newer_date_wins_an_equal_count(tmp_path):
    tmx = tmp_path / "dated.tmx"
    tmx.write_text("""<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4"><header creationtool="x" creationtoolversion="1" segtype="sentence" o-tmf="x"
 adminlang="en" srclang="zh-CN" datatype="plaintext"/><body>
<tu changedate="20190101T000000Z"><tuv xml:lang="zh-CN"><seg>稳中求进。</seg></tuv>
 <tuv xml:lang="en-US"><seg>Progress amid stability.</seg></tuv></tu>
<tu changedate="20230101T000000Z"><tuv xml:lang="zh-CN"><seg>稳中求进。</seg></tuv>
 <tuv xml:lang="en-US"><seg>Pursue progress while ensuring stability.</seg></tuv></tu>
</body></tmx>""", encoding="utf-8")
    with Store.open(tmp_path / "tm.db", create=True) as store:
        store.import_tmx([tmx])
        best = Matcher(store).match("稳中求进。", k=1).matches
    assert [m.unit.en for m in best] == ["Pursue progress while ensuring stability."]
    assert [r.en for r in best[0].renderings] == ["Pursue progress while ensuring stability.",
                                                 "Progress amid stability."]


@pytest.mark.parametrize("name, series", [
    ("gwr-2017.zh-en.txt", "gwr"), ("/tmp/x/GWR-2019.tmx", "gwr"), ("beijing-gwr-2024.zh-en.tmx",
                                                                      "beijinggwr"),
    ("report_2025_final.docx", "reportfinal"), ("2024.txt", ""),
])
def test_series_of_a_document_name(name, series):
    assert series_of(name) == series
