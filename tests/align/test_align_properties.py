"""`align` on any two texts, in every layout, returns an alignment or raises ZhtmError
(issue 10, item 12): nothing else escapes, whatever bytes the files hold.

The files are written from arbitrary Unicode (``tests.hostile_text``), lone surrogates
included (written with ``surrogatepass``, so the file is not valid UTF-8 and the reader must
say so). When an alignment comes back, it covers every sentence exactly once.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.hostile_text import hostile_text
from zhtm.align.aligner import AlignSettings, align_blocks
from zhtm.align.pipeline import align_document
from zhtm.errors import ZhtmError
from zhtm.text.layouts import read_document

lines = st.lists(st.one_of(hostile_text, st.sampled_from(["他说：“好。”然后走了。", "He said \"Go.\" Then he left.",
                                                        "二十一岁。", "twentyone years", ""])),
                 max_size=6)


def _write(path: Path, rows: list[str]) -> Path:
    path.write_bytes("\n".join(rows).encode("utf-8", "surrogatepass"))
    return path


def _check(paths: list[Path], layout: str) -> None:
    try:
        alignment = align_document(read_document(paths, layout))
    except ZhtmError:
        return
    zh = [i for b in alignment.beads for i in b.zh]
    en = [j for b in alignment.beads for j in b.en]
    assert zh == list(range(len(alignment.zh)))
    assert en == list(range(len(alignment.en)))
    assert all(0.0 <= b.score <= 1.0 for b in alignment.beads)


@settings(max_examples=120, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(zh=lines, en=lines)
def test_align_any_two_texts_in_every_layout(tmp_path: Path, zh: list[str], en: list[str]) -> None:
    interleaved = [row for pair in zip(zh, en) for row in pair] + zh[len(en):] + en[len(zh):]
    _check([_write(tmp_path / "both.txt", interleaved)], "interleaved")
    zh_file, en_file = _write(tmp_path / "zh.txt", zh), _write(tmp_path / "en.txt", en)
    for layout in ("two-files", "pre-split"):
        _check([zh_file, en_file], layout)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.lists(hostile_text, max_size=5), st.lists(hostile_text, max_size=5)),
                max_size=3),
       st.sampled_from([AlignSettings(), AlignSettings(use_lexical=False),
                        AlignSettings(max_zh=1, max_en=2), AlignSettings(learn_table=False)]))
def test_align_blocks_partitions_any_units(blocks, align_settings) -> None:
    out = align_blocks(blocks, align_settings)
    for (zh, en), beads in zip(blocks, out):
        assert [i for b in beads for i in b.zh] == list(range(len(zh)))
        assert [j for b in beads for j in b.en] == list(range(len(en)))
        assert all(len(b.zh) <= align_settings.max_zh and len(b.en) <= align_settings.max_en
                   for b in beads if b.zh and b.en)
