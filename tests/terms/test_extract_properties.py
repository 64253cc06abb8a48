"""`terms` on any small TM (issue 10, case 12): the glossary job over TMX files of hostile
text gives entries (written as valid files) or zhtm's own error, never anything else."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zhtm.errors import ZhtmError
from zhtm.formats.glossary_tsv import read_glossary
from zhtm.formats.tbx import read_tbx
from zhtm.formats.tmx import TmxHeader, write_tmx
from zhtm.records import Unit
from zhtm.terms.extract import TermOptions, extract_terms, load_units, write_terms

from tests.hostile_text import hostile_string

zh_like = st.lists(st.sampled_from(["推进", "京津冀", "协同发展", "高质量", "一是", "𠀀", "。",
                                    "，", "２０２４年", "六点五"]), min_size=1, max_size=6).map("".join)
units = st.lists(st.builds(Unit, st.one_of(zh_like, hostile_string(max_pieces=6)),
                           st.one_of(hostile_string(max_pieces=6), st.just("Beijing-Tianjin-Hebei"))),
                 min_size=1, max_size=8)


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return tmp_path_factory.mktemp("terms")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(units=units)
def test_terms_on_any_small_tm(folder, units):
    tmx = folder / "tm.tmx"
    try:
        write_tmx(units, tmx, header=TmxHeader(tool_version="t"))
        pairs, notes = load_units([tmx])
        entries = extract_terms(pairs, notes=notes, options=TermOptions(min_frequency=1))
    except ZhtmError:
        return
    assert all(entry.zh for entry in entries)
    if not entries:
        return
    write_terms(entries, folder / "out.tbx", fmt="tbx")
    write_terms(entries, folder / "out.utf8", fmt="tsv")
    assert [e.zh for e in read_tbx(folder / "out.tbx")] == [e.zh for e in read_glossary(folder / "out.utf8")]
