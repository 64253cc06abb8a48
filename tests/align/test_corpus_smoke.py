"""Smoke test: `align` runs over every bilingual input in ../shared, in each layout it is valid
for, and pairs nearly everything (issue 10, item 12).

- interleaved: the Beijing report and the national reports 2016-2020;
- pre-split and two-files: each MAC-Dev chapter (``zh/NNN`` with ``en/NNN``), its tokenised
  version (``zh/NNN.tok`` with ``en/NNN.tok``) and its machine translation
  (``zh/NNN`` with ``zh/NNN.trans``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.paths import MAC, SHARED
from zhtm.align.pipeline import align_document
from zhtm.text.layouts import read_document

INTERLEAVED = sorted((SHARED / "corpus").glob("*/*.zh-en.txt"))
CHAPTERS = sorted(p.name for p in (MAC / "zh").glob("[0-9][0-9][0-9]")) if MAC.is_dir() else []
PAIRS = [(MAC / "zh" / c, MAC / "en" / c) for c in CHAPTERS] + \
        [(MAC / "zh" / f"{c}.tok", MAC / "en" / f"{c}.tok") for c in CHAPTERS] + \
        [(MAC / "zh" / c, MAC / "zh" / f"{c}.trans") for c in CHAPTERS]


def _assert_sound(paths: list[Path], layout: str) -> None:
    alignment = align_document(read_document(paths, layout))
    assert [i for b in alignment.beads for i in b.zh] == list(range(len(alignment.zh)))
    assert [j for b in alignment.beads for j in b.en] == list(range(len(alignment.en)))
    paired = sum(len(b.zh) for b in alignment.beads if b.zh and b.en)
    assert paired >= 0.95 * len(alignment.zh), f"{paths}: only {paired} of {len(alignment.zh)} paired"


@pytest.mark.skipif(not INTERLEAVED, reason="../shared corpus missing")
@pytest.mark.parametrize("path", INTERLEAVED, ids=lambda p: p.name)
def test_interleaved_corpus_files_align(path: Path) -> None:
    _assert_sound([path], "interleaved")


@pytest.mark.skipif(not PAIRS, reason="MAC-Dev missing")
@pytest.mark.parametrize("layout", ["pre-split", "two-files"])
@pytest.mark.parametrize("zh, en", PAIRS, ids=lambda p: p.name)
def test_mac_dev_files_align_in_both_file_layouts(zh: Path, en: Path, layout: str) -> None:
    _assert_sound([zh, en], layout)
