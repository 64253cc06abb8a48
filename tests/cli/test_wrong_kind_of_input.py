"""A file of the wrong kind given where a plain-text document is expected is refused with one
`Error:` line, never read as text: a TMX or TBX "aligned" as a document gave exit 0 and a TMX
of XML markup (`<tuv xml:lang=...>` paired with `</seg></tuv>`)."""

import shutil

import pytest
from click.testing import CliRunner

from zhtm.cli.main import main

from tests.paths import NATIONAL, ROOT

TMX = ROOT / "tmx" / "beijing-gwr-2024.zh-en.tmx"
TBX = ROOT / "termbase" / "beijing-gwr-2024.tbx"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def error_line(result) -> str:
    assert "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert len(lines) == 1, result.output
    return lines[0]


@pytest.mark.parametrize("source, kind", [(TMX, "TMX"), (TBX, "TBX")])
def test_align_refuses_a_tmx_or_tbx_as_a_text_document(tmp_path, source, kind):
    doc = shutil.copy(source, tmp_path / source.name)
    out = tmp_path / "out.tmx"
    result = run("align", doc, "-o", out)
    assert result.exit_code == 1, result.output
    line = error_line(result)
    assert source.name in line and f"a {kind} file" in line and "not a plain-text document" in line
    assert not out.exists()


@pytest.mark.parametrize("source", [TMX, TBX])
def test_pretranslate_refuses_xml_as_the_new_document(tmp_path, source):
    store = tmp_path / "tm.db"
    assert run("import", TMX, "--db", store).exit_code == 0
    doc = shutil.copy(source, tmp_path / source.name)
    out = tmp_path / "new.tmx"
    result = run("pretranslate", "--db", store, doc, "-o", out)
    assert result.exit_code == 1, result.output
    assert "not a plain-text document" in error_line(result)
    assert not out.exists()


def test_terms_refuses_a_tbx_as_a_bilingual_document(tmp_path):
    doc = shutil.copy(TBX, tmp_path / "glossary.tbx")
    out = tmp_path / "new.tbx"
    result = run("terms", doc, "-o", out)
    assert result.exit_code == 1, result.output
    assert "glossary.tbx" in error_line(result) and "a TBX file" in error_line(result)
    assert not out.exists()


def test_align_refuses_two_bilingual_documents_taken_as_a_chinese_and_an_english_file(tmp_path):
    """Two interleaved reports are two documents, not a Chinese file and its translation:
    paired as such they gave exit 0 and a TMX of Chinese 'translated' by Chinese."""
    first = shutil.copy(NATIONAL / "gwr-2016.zh-en.txt", tmp_path / "gwr-2016.zh-en.txt")
    second = shutil.copy(NATIONAL / "gwr-2017.zh-en.txt", tmp_path / "gwr-2017.zh-en.txt")
    out = tmp_path / "two.tmx"
    result = run("align", first, second, "-o", out)
    assert result.exit_code == 1, result.output
    line = error_line(result)
    assert "gwr-2016.zh-en.txt" in line and "both Chinese and English" in line
    assert "--batch" in line
    assert not out.exists()


def test_two_bilingual_documents_with_batch_are_aligned_each_on_its_own(tmp_path):
    first = shutil.copy(NATIONAL / "gwr-2016.zh-en.txt", tmp_path / "a.zh-en.txt")
    second = shutil.copy(NATIONAL / "gwr-2017.zh-en.txt", tmp_path / "b.zh-en.txt")
    out = tmp_path / "tmx"
    out.mkdir()
    result = run("align", "--batch", first, second, "-o", out, "-q")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["a.zh-en.tmx", "b.zh-en.tmx"]
