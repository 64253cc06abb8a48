"""`zhtm align` end to end through the CLI: outputs, summary, and bad input."""

from pathlib import Path

from click.testing import CliRunner

from zhtm.cli.main import main
from zhtm.text.files import MAX_LINE_BYTES

from tests.paths import BEIJING as CORPUS


def run(*args: str):
    return CliRunner().invoke(main, [str(a) for a in args])


def assert_clean_error(result, *fragments: str, code: int = 1) -> None:
    """One `Error:` line naming what is wrong, the right exit code, no traceback."""
    assert result.exit_code == code, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert len(lines) == 1, result.output
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    assert "Traceback" not in result.output


def _write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


PAIR_ZH = "我们坚持稳中求进工作总基调。全市经济持续恢复向好。\n"
PAIR_EN = "We followed the general principle of pursuing progress while ensuring stability. The economy kept recovering.\n"


def test_align_interleaved_small_file_to_tsv(tmp_path):
    src = _write(tmp_path / "doc.txt", PAIR_ZH + PAIR_EN)
    out = tmp_path / "out.tsv"
    result = run("align", src, "-o", out, "--format", "tsv")
    assert result.exit_code == 0, result.output
    rows = out.read_text(encoding="utf-8").splitlines()
    assert rows[0].split("\t")[:2] == ["zh", "en"]
    pairs = [row.split("\t")[:2] for row in rows[1:]]
    assert pairs == [["我们坚持稳中求进工作总基调。",
                      "We followed the general principle of pursuing progress while ensuring stability."],
                     ["全市经济持续恢复向好。", "The economy kept recovering."]]
    assert "bead types: 1-1 2" in result.output


def test_align_bundled_report_summary_names_unpaired_lines(tmp_path):
    out = tmp_path / "b.tmx"
    result = run("align", CORPUS, "-o", out)
    assert result.exit_code == 0, result.output
    assert "unpaired zh line 341: 注释:" in result.output
    assert "English-only notes (not aligned): lines 342-358 (17 notes)" in result.output
    tus = out.read_text(encoding="utf-8").count("<tu ")
    assert tus > 300
    assert f"{out}: {tus} TUs written" in result.output


def test_min_score_keeps_weak_beads_out(tmp_path):
    out_all, out_min = tmp_path / "all.tsv", tmp_path / "min.tsv"
    assert run("align", CORPUS, "-o", out_all, "--format", "tsv").exit_code == 0
    result = run("align", CORPUS, "-o", out_min, "--format", "tsv", "--min-score", "0.9")
    assert result.exit_code == 0
    n_all = len(out_all.read_text(encoding="utf-8").splitlines())
    n_min = len(out_min.read_text(encoding="utf-8").splitlines())
    dropped = n_all - n_min
    assert dropped > 0
    assert f"kept out by --min-score: {dropped} bead(s)" in result.output


def test_links_format_presplit(tmp_path):
    zh = _write(tmp_path / "zh", "我们坚持稳中求进工作总基调。\n全市经济持续恢复向好。\n\n")
    en = _write(tmp_path / "en", "We followed the general principle of pursuing progress while ensuring stability.\n"
                                 "The economy kept recovering.\n\n")
    out = tmp_path / "out.align"
    result = run("align", zh, en, "--layout", "pre-split", "--format", "links", "-o", out)
    assert result.exit_code == 0, result.output
    assert out.read_text() == "[0]:[0]\n[1]:[1]\n"


# --- bad input: one clean error line, exit 1, no output file -----------------------------

def test_empty_input(tmp_path):
    src = _write(tmp_path / "empty.txt", "\n\n")
    out = tmp_path / "out.tmx"
    assert_clean_error(run("align", src, "-o", out), "empty.txt", "empty")
    assert not out.exists()


def test_only_chinese(tmp_path):
    src = _write(tmp_path / "zh.txt", PAIR_ZH * 3)
    out = tmp_path / "out.tmx"
    assert_clean_error(run("align", src, "-o", out), "zh.txt", "only Chinese")
    assert not out.exists()


def test_only_english(tmp_path):
    src = _write(tmp_path / "en.txt", PAIR_EN * 3)
    out = tmp_path / "out.tmx"
    assert_clean_error(run("align", src, "-o", out), "en.txt", "only English")
    assert not out.exists()


def test_binary_file(tmp_path):
    src = tmp_path / "photo.jpg"
    src.write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)) * 8)
    out = tmp_path / "out.tmx"
    assert_clean_error(run("align", src, "-o", out), "photo.jpg", "binary")
    assert not out.exists()


def test_gbk_file_read_as_utf8(tmp_path):
    src = _write(tmp_path / "gbk.txt", PAIR_ZH + PAIR_EN, encoding="gbk")
    out = tmp_path / "out.tmx"
    assert_clean_error(run("align", src, "-o", out, "--encoding", "utf-8"),
                       "gbk.txt:1", "not valid utf-8", "gb18030")
    assert not out.exists()
    # Detected when not forced: the same file aligns.
    assert run("align", src, "-o", out).exit_code == 0


def test_presplit_different_counts_with_trailing_empty_line(tmp_path):
    zh = _write(tmp_path / "zh", "我们坚持稳中求进工作总基调。\n\n全市经济持续恢复向好。\n")
    en = _write(tmp_path / "en", "We pursued progress while ensuring stability.\nThe economy kept recovering.\n\n")
    out = tmp_path / "out.align"
    assert_clean_error(run("align", zh, en, "--layout", "pre-split", "--format", "links", "-o", out),
                       "zh:2", "blank line")
    assert not out.exists()


def test_line_over_one_mebibyte(tmp_path):
    src = _write(tmp_path / "long.txt", PAIR_ZH + "长" * (MAX_LINE_BYTES // 3 + 1) + "\n" + PAIR_EN)
    out = tmp_path / "out.tmx"
    assert_clean_error(run("align", src, "-o", out), "long.txt:2", "longer than 1 MiB")
    assert not out.exists()


def test_failed_run_keeps_previous_output(tmp_path):
    out = tmp_path / "out.tsv"
    previous = "zh\ten\tscore\tbead\tlocation\n首都。\tThe capital.\t0.900\t1-1\tline 1\n"
    out.write_text(previous)  # an earlier zhtm output (another file would be refused first)
    src = _write(tmp_path / "empty.txt", "")
    assert_clean_error(run("align", src, "-o", out), "empty")
    assert out.read_text() == previous
    assert list(tmp_path.glob(".out.tsv.*")) == []


def test_unknown_encoding_is_a_usage_error(tmp_path):
    src = _write(tmp_path / "doc.txt", PAIR_ZH + PAIR_EN)
    result = run("align", src, "-o", tmp_path / "o.tmx", "--encoding", "klingon")
    assert result.exit_code == 2
    assert "unknown encoding" in result.output


def test_three_inputs_is_a_usage_error(tmp_path):
    src = _write(tmp_path / "doc.txt", PAIR_ZH + PAIR_EN)
    result = run("align", src, src, src, "-o", tmp_path / "o.tmx")
    assert result.exit_code == 2


def test_two_files_aligns_paragraphs_when_the_english_splits_them(tmp_path):
    """Chinese paragraphs vs English paragraphs where the translation split some in two:
    the sentence pairs are the ones the interleaved layout gives for the same text."""
    from zhtm.text.layouts import line_language
    from zhtm.text.segment import split_en

    lines = CORPUS.read_text(encoding="utf-8").splitlines()[8:60]
    zh = [line for line in lines if line_language(line) == "zh"]
    en = [line for line in lines if line_language(line) == "en"]
    en_split = []
    for i, para in enumerate(en):
        sentences = split_en(para)
        if i % 3 == 0 and len(sentences) >= 2:  # the translator made two paragraphs of one
            half = len(sentences) // 2
            en_split += [" ".join(sentences[:half]), " ".join(sentences[half:])]
        else:
            en_split.append(para)
    assert len(en_split) > len(zh)
    zh_file = _write(tmp_path / "zh.txt", "\n".join(zh) + "\n")
    en_file = _write(tmp_path / "en.txt", "\n\n".join(en_split) + "\n")
    inter = _write(tmp_path / "inter.txt", "\n".join(lines) + "\n")
    for args, out in (([zh_file, en_file], "two.tsv"), ([inter], "inter.tsv")):
        result = run("align", *args, "-o", tmp_path / out, "--format", "tsv", "-q")
        assert result.exit_code == 0, result.output
    two = [row.split("\t")[:2] for row in (tmp_path / "two.tsv").read_text(encoding="utf-8").splitlines()]
    ref = [row.split("\t")[:2] for row in (tmp_path / "inter.tsv").read_text(encoding="utf-8").splitlines()]
    assert len(ref) > 25
    assert two == ref


def test_stripped_control_characters_are_reported_even_when_quiet(tmp_path):
    src = _write(tmp_path / "ctl.txt", "我们坚持稳中求进\x07工作总基调。\n" + PAIR_EN)
    out = tmp_path / "out.tsv"
    result = run("align", src, "-o", out, "--format", "tsv", "-q")
    assert result.exit_code == 0
    assert result.output == f"Warning: {src}:1: removed 1 control character(s) that XML cannot hold\n"
    assert "\x07" not in out.read_text(encoding="utf-8")
