"""Layout detection and reading, on the bundled report and on small files."""

from pathlib import Path

import pytest

from zhtm.errors import InputError
from zhtm.text.layouts import detect_layout, line_language, read_document

from tests.paths import BEIJING as CORPUS


@pytest.mark.parametrize("text, lang", [
    ("政 府 工 作 报 告", "zh"),
    ("加快5G网络建设,推进CBD发展。", "zh"),
    ("Fellow Deputies,", "en"),
    ("The Palace Museum (故宫) opened.", "en"),
    ("2024", ""),
])
def test_line_language(text, lang):
    assert line_language(text) == lang


def test_bundled_report_pairs_paragraphs_and_reports_notes():
    doc = read_document([CORPUS])
    assert doc.layout == "interleaved"
    # The 4-line title is one block; every other block is one Chinese line + one English line.
    title = doc.blocks[0]
    assert [line.number for line in title.zh] == [1, 2, 3, 4]
    assert [line.number for line in title.en] == [5, 6, 7, 8]
    assert all(len(b.zh) == 1 and len(b.en) == 1 for b in doc.blocks[1:])
    assert doc.blocks[1].zh[0].text == "各位代表:" and doc.blocks[1].en[0].text == "Fellow Deputies,"
    assert len(doc.blocks) == 1 + (340 - 8) // 2
    # The notes heading has no English, and the 17 English-only notes are kept apart.
    assert [(line.number, lang) for line, lang in doc.unpaired] == [(341, "zh")]
    assert len(doc.notes) == 17
    assert doc.notes[0].text.startswith('[1]The "four centers"')


def _write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_detects_presplit_and_two_files(tmp_path):
    zh = _write(tmp_path / "zh.txt", ["我们坚持稳中求进。", "经济持续恢复"])
    en = _write(tmp_path / "en.txt", ["We pursued progress while ensuring stability.", "The economy recovered."])
    assert detect_layout([zh, en]) == "pre-split"
    zh2 = _write(tmp_path / "zh2.txt", ["我们坚持稳中求进。经济持续恢复。就业稳定。"])
    en2 = _write(tmp_path / "en2.txt", ["We pursued progress. The economy recovered. Jobs were stable."])
    assert detect_layout([zh2, en2]) == "two-files"


def test_only_chinese_is_refused(tmp_path):
    path = _write(tmp_path / "zh-only.txt", ["政府工作报告", "各位代表:"])
    with pytest.raises(InputError, match="only Chinese"):
        read_document([path])


def test_only_english_is_refused(tmp_path):
    path = _write(tmp_path / "en-only.txt", ["Report on the Work", "Fellow Deputies,"])
    with pytest.raises(InputError, match="only English"):
        read_document([path])


def test_presplit_ignores_trailing_blank_lines_keeps_ids(tmp_path):
    zh = _write(tmp_path / "zh", ["一句。", "二句。", "三句。"])
    en = tmp_path / "en"
    en.write_text("One.\nTwo and three.\n\n\n", encoding="utf-8")
    doc = read_document([zh, en], layout="pre-split")
    assert [line.number for line in doc.blocks[0].en] == [1, 2]
    assert len(doc.blocks[0].zh) == 3


def test_presplit_blank_line_inside_is_refused(tmp_path):
    zh = _write(tmp_path / "zh", ["一句。", "", "三句。"])
    en = _write(tmp_path / "en", ["One.", "Three."])
    with pytest.raises(InputError) as err:
        read_document([zh, en], layout="pre-split")
    assert err.value.line == 2 and err.value.path.endswith("zh")


def test_two_files_swapped_sides_are_refused(tmp_path):
    zh = _write(tmp_path / "zh.txt", ["我们坚持稳中求进。经济持续恢复。"])
    en = _write(tmp_path / "en.txt", ["We pursued progress. The economy recovered."])
    with pytest.raises(InputError, match="expected the Chinese side"):
        read_document([en, zh], layout="two-files")
