"""Reading text in the encodings Chinese files come in, and refusing what is not text."""

import codecs

import pytest

from zhtm.errors import InputError
from zhtm.text.files import MAX_LINE_BYTES, read_lines, read_text

TEXT = "现在,我代表北京市人民政府,向大会报告政府工作。\nOn behalf of the People’s Government.\n"


@pytest.mark.parametrize("encoding, data", [
    ("utf-8", TEXT.encode("utf-8")),
    ("utf-8-sig", codecs.BOM_UTF8 + TEXT.encode("utf-8")),
    ("utf-16", TEXT.encode("utf-16")),                 # with BOM
    ("utf-16-le", TEXT.encode("utf-16-le")),           # without BOM
    ("gb18030", TEXT.replace("’", "'").encode("gbk")),  # GBK has no curly apostrophe
])
def test_detects_encoding(tmp_path, encoding, data):
    path = tmp_path / "doc.txt"
    path.write_bytes(data)
    text, used = read_text(path)
    assert used == encoding
    assert text.startswith("现在,我代表北京市人民政府")
    assert "\ufeff" not in text


def test_crlf_and_cr_line_ends(tmp_path):
    path = tmp_path / "doc.txt"
    path.write_bytes("一\r\ntwo\rthree\n\r\n".encode())
    assert read_lines(path) == ["一", "two", "three", ""]


def test_gbk_read_as_utf8_is_refused_with_line_and_hint(tmp_path):
    path = tmp_path / "gbk.txt"
    path.write_bytes("first line\n第二行是中文。\n".encode("gbk"))
    with pytest.raises(InputError) as err:
        read_lines(path, encoding="utf-8")
    assert err.value.line == 2
    assert "not valid utf-8" in str(err.value)
    assert "--encoding gb18030" in str(err.value)


def test_gbk_alias_reads_as_gb18030(tmp_path):
    path = tmp_path / "gbk.txt"
    path.write_bytes("政府工作报告\n".encode("gbk"))
    assert read_lines(path, encoding="GBK") == ["政府工作报告"]


def test_binary_file_is_refused(tmp_path):
    path = tmp_path / "image.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    with pytest.raises(InputError, match="binary"):
        read_lines(path)


def test_line_over_one_mebibyte_is_refused(tmp_path):
    path = tmp_path / "long.txt"
    path.write_text("短句。\n" + "长" * (MAX_LINE_BYTES // 3 + 10) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_lines(path)
    assert err.value.line == 2
    assert "longer than 1 MiB" in str(err.value)


def test_control_characters_are_stripped(tmp_path):
    path = tmp_path / "ctl.txt"
    path.write_text("北京\x07市\x0b\n", encoding="utf-8")
    assert read_lines(path) == ["北京市"]


def test_astral_cjk_survives(tmp_path):
    path = tmp_path / "ext-b.txt"
    path.write_text("𠀀𪚥字\n", encoding="utf-8")
    assert read_lines(path) == ["𠀀𪚥字"]


def report_lines(count: int) -> list[str]:
    return [f"第{i}段:坚持稳中求进工作总基调,推动经济持续恢复向好。" for i in range(1, count + 1)]


def test_encoding_error_names_the_line_where_the_best_encoding_breaks(tmp_path):
    """A GBK file with one bad byte on line 41: UTF-8 breaks at once (line 3, the first
    Chinese), GB18030 reads up to line 41: the error names line 41 and both encodings."""
    lines = ["title", "date"] + report_lines(58)
    data = [line.encode("gbk") for line in lines]
    data[40] += b"\xff"
    path = tmp_path / "gbk.txt"
    path.write_bytes(b"\n".join(data) + b"\n")
    with pytest.raises(InputError) as err:
        read_text(path)
    assert err.value.line == 41
    assert "not valid GB18030 (byte 0xff)" in err.value.message
    assert "tried UTF-8 (breaks at line 3) and GB18030 (breaks at line 41)" in err.value.message


def test_utf8_text_with_a_bad_byte_is_not_read_as_gb18030_mojibake(tmp_path):
    data = [line.encode("utf-8") for line in report_lines(60)]
    data[40] += b"\xff"
    path = tmp_path / "utf8.txt"
    path.write_bytes(b"\n".join(data) + b"\n")
    with pytest.raises(InputError) as err:
        read_text(path)
    assert err.value.line == 41
    assert "not valid UTF-8 (byte 0xff)" in err.value.message
    assert "tried UTF-8 (breaks at line 41)" in err.value.message


def test_xml_is_refused_as_text_naming_its_kind(tmp_path):
    path = tmp_path / "export.txt"
    path.write_text('<?xml version="1.0"?>\n<!-- from a CAT tool -->\n<tmx version="1.4">'
                    "<body/></tmx>\n", encoding="utf-16")
    with pytest.raises(InputError, match=r"is a TMX file \(<tmx>\), not a plain-text document"):
        read_text(path)


def test_text_opening_with_an_inline_tag_is_still_text(tmp_path):
    path = tmp_path / "doc.txt"
    path.write_text("<b>注释</b>:第一段。\nNotes: the first paragraph.\n", encoding="utf-8")
    assert read_lines(path)[0] == "<b>注释</b>:第一段。"
