"""`zhtm align` over many documents: folders, several files, a list of pairs; per-document or
combined output; worker processes; a bad document does not stop the others."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from zhtm.cli.main import main
from zhtm.formats.tmx import read_tmx


def run(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args])


# Written for these tests: three short interleaved documents.
DOCS = {
    "alpha": "我们坚持稳中求进工作总基调。全市经济持续恢复向好。\n"
             "We followed the general principle of pursuing progress while ensuring stability. "
             "The economy kept recovering.\n",
    "beta": "新增就业二十六万人。城乡居民收入稳步增长。\n"
            "We created 260,000 new jobs. Incomes grew steadily in both urban and rural areas.\n",
    "gamma": "空气质量持续改善。\n"
             "Air quality kept improving.\n",
}


def _corpus(folder: Path, bad: bool = False) -> Path:
    folder.mkdir()
    for name, text in DOCS.items():
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    if bad:
        (folder / "broken.txt").write_text("只有中文，没有英文。\n", encoding="utf-8")
    return folder


def test_folder_with_a_bad_document_aligns_the_others_and_exits_1(tmp_path):
    src = _corpus(tmp_path / "in", bad=True)
    out = tmp_path / "out"
    result = run("align", src, "-o", out)
    assert result.exit_code == 1, result.output
    assert sorted(p.name for p in out.iterdir()) == ["alpha.tmx", "beta.tmx", "gamma.tmx"]
    errors = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert errors == [f"Error: {src / 'broken.txt'}: only Chinese text found: no English side "
                      "to align"]
    assert "1 of 4 document(s) failed" in result.output
    assert re.search(r"alpha\.tmx: 2 TUs, 2 beads, \d+ to review", result.output)
    assert "Traceback" not in result.output
    assert not list(out.glob(".*.part"))  # nothing half-written


def test_combined_output_holds_every_document_in_order(tmp_path):
    src = _corpus(tmp_path / "in")
    out = tmp_path / "all.tmx"
    result = run("align", src / "gamma.txt", src / "alpha.txt", src / "beta.txt", "--combined",
                 "-o", out)
    assert result.exit_code == 0, result.output
    units = list(read_tmx(out))
    docs = [dict(u.props)["x-zhtm-doc"] for u in units]
    assert docs == ["gamma.txt", "alpha.txt", "alpha.txt", "beta.txt", "beta.txt"]
    assert [text for _, text in units[0].segs] == ["空气质量持续改善。", "Air quality kept improving."]
    assert f"{out}: 5 TUs from 3 document(s)" in result.output


def test_two_workers_write_what_one_writes(tmp_path):
    src = _corpus(tmp_path / "in")
    one, two = tmp_path / "one", tmp_path / "two"
    assert run("align", src, "-o", one, "--jobs", "1").exit_code == 0
    result = run("align", src, "-o", two, "--jobs", "2")
    assert result.exit_code == 0, result.output
    for name in ("alpha.tmx", "beta.tmx", "gamma.tmx"):
        assert (one / name).read_bytes() == (two / name).read_bytes()


def test_pairs_list_of_two_file_documents(tmp_path):
    (tmp_path / "zh1.txt").write_text("全市经济持续恢复向好。\n空气质量持续改善。\n", encoding="utf-8")
    (tmp_path / "en1.txt").write_text("The economy kept recovering.\nAir quality kept improving.\n",
                                      encoding="utf-8")
    (tmp_path / "both.txt").write_text(DOCS["beta"], encoding="utf-8")
    listing = tmp_path / "list.tsv"
    listing.write_text("# zh\ten\nzh1.txt\ten1.txt\n\nboth.txt\n", encoding="utf-8")
    out = tmp_path / "out"
    result = run("align", "--pairs", listing, "-o", out, "--format", "tsv")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["both.tsv", "zh1.tsv"]
    rows = (out / "zh1.tsv").read_text(encoding="utf-8").splitlines()[1:]
    assert [r.split("\t")[:2] for r in rows] == [["全市经济持续恢复向好。", "The economy kept recovering."],
                                                 ["空气质量持续改善。", "Air quality kept improving."]]


def test_bad_pairs_line_is_named(tmp_path):
    listing = tmp_path / "list.tsv"
    listing.write_text("a.txt\tb.txt\tc.txt\n", encoding="utf-8")
    result = run("align", "--pairs", listing, "-o", tmp_path / "out")
    assert result.exit_code == 1
    assert f"Error: {listing}:1: expected a file, or a Chinese file and its English file" \
        in result.output


def test_batch_usage_errors(tmp_path):
    src = _corpus(tmp_path / "in")
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "alpha.txt").write_text(DOCS["alpha"], encoding="utf-8")
    same = run("align", src, tmp_path / "other", "--batch", "-o", tmp_path / "out")
    assert same.exit_code == 2 and "would write the same output 'alpha'" in same.output
    links = run("align", src, "--combined", "--format", "links", "-o", tmp_path / "x.align")
    assert links.exit_code == 2 and "links cannot be combined" in links.output
    single = run("align", src / "alpha.txt", "--jobs", "2", "-o", tmp_path / "a.tmx")
    assert single.exit_code == 2 and "--combined and --jobs are for batches" in single.output
    onto_input = run("align", src / "alpha.txt", src / "beta.txt", src / "gamma.txt", "--combined",
                     "--format", "tsv", "-o", src / "beta.txt")
    assert onto_input.exit_code == 2 and "is the same file as the input" in onto_input.output
    assert (src / "beta.txt").read_text(encoding="utf-8") == DOCS["beta"]


def test_batch_summary_names_each_place_to_review_once_with_its_beads(tmp_path):
    """Several weak beads inside one paragraph pair share its location: the summary listed
    'zh line 159, en line 160; zh line 159, en line 160; ...' (the national report 2016)."""
    from tests.paths import NATIONAL

    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "gwr-2016.zh-en.txt").write_bytes((NATIONAL / "gwr-2016.zh-en.txt").read_bytes())
    out = tmp_path / "tmx"
    result = run("align", folder, "-o", out)
    assert result.exit_code == 0, result.output
    line = next(l for l in result.output.splitlines() if l.startswith(str(out / "gwr-2016")))
    count = int(re.search(r"(\d+) to review: ", line).group(1))
    places = line.split(" to review: ", 1)[1].removesuffix("; ...").split("; ")
    plain = [re.sub(r" \(\d+ beads\)$", "", p) for p in places]
    assert len(plain) == len(set(plain)), line
    counted = sum(int(m.group(1)) if (m := re.search(r"\((\d+) beads\)$", p)) else 1 for p in places)
    assert counted <= count and any(p.endswith("beads)") for p in places), line
