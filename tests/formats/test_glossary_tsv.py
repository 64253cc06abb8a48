"""OmegaT TSV / CSV glossaries: the row layout OmegaT reads, round trips."""

import pytest

from zhtm.formats.glossary_tsv import read_glossary, write_glossary
from zhtm.records import TermEntry, term_id

ENTRIES = [
    TermEntry(term_id("高精尖产业"), "高精尖产业", "high-end, precision and advanced technology sectors",
              ("high-end, precision and cutting-edge industries",), 4),
    TermEntry(term_id("四个中心"), "四个中心", "four centers", (), 3, definition="The national\tpolitical center."),
]


def test_tsv_rows_are_source_target_comment(tmp_path):
    dest = tmp_path / "g.utf8"
    assert write_glossary(ENTRIES, dest) == 2
    lines = dest.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("#")  # OmegaT skips it
    assert lines[1] == "高精尖产业\thigh-end, precision and advanced technology sectors\tfrequency: 4"
    assert lines[2] == "高精尖产业\thigh-end, precision and cutting-edge industries\tadmitted variant"
    assert lines[3] == "四个中心\tfour centers\tfrequency: 3; definition: The national political center."


@pytest.mark.parametrize("fmt,name", [("tsv", "g.utf8"), ("csv", "g.csv")])
def test_round_trip(tmp_path, fmt, name):
    dest = tmp_path / name
    write_glossary(ENTRIES, dest, fmt=fmt)
    back = list(read_glossary(dest))
    assert [(e.zh, e.en, e.variants, e.frequency) for e in back] == [
        (e.zh, e.en, e.variants, e.frequency) for e in ENTRIES]
    assert back[1].definition == "The national political center."


def test_csv_quotes_commas(tmp_path):
    dest = tmp_path / "g.csv"
    write_glossary(ENTRIES, dest, fmt="csv")
    assert '"高精尖产业","high-end, precision and advanced technology sectors","frequency: 4"' in dest.read_text("utf-8")


def test_reader_skips_comments_and_short_lines(tmp_path):
    path = tmp_path / "manual.txt"
    path.write_text("# header\n术语\tterm\nonly-one-column\n\n术语\tterminology\n", encoding="utf-8")
    [entry] = read_glossary(path)
    assert (entry.zh, entry.en, entry.variants) == ("术语", "term", ("terminology",))
