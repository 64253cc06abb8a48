"""Sentence splitting: Chinese as OmegaT 3.6 does it (checked against OmegaT itself when
installed), English for official translations, and the splitting invariants (Hypothesis)."""

from __future__ import annotations

import base64
import random
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zhtm.text.segment import JAVA_WHITESPACE, split_en, split_zh

from tests.paths import BEIJING as CORPUS
from tests.paths import NATIONAL

HAN = re.compile(r"[\u4e00-\u9fff]")


def corpus_lines() -> tuple[list[str], list[str]]:
    lines = CORPUS.read_text(encoding="utf-8").split("\n")
    zh = [line for line in lines if HAN.search(line)]
    en = [line for line in lines if line.strip() and not HAN.search(line)]
    return zh, en


def assert_partition(paragraph: str, segments: list[str], space: callable) -> None:
    """The invariant: paragraph == w0 + s1 + w1 + ... + sn + wn, every wi whitespace only,
    every si non-empty and trimmed."""
    pos = 0
    for seg in segments:
        assert seg, segments
        assert not space(seg[0]) and not space(seg[-1]), repr(seg)
        found = paragraph.find(seg, pos)
        assert found >= 0, (paragraph, segments)
        assert all(space(c) for c in paragraph[pos:found]), (paragraph[pos:found], segments)
        pos = found + len(seg)
    assert all(space(c) for c in paragraph[pos:]), (paragraph[pos:], segments)


def java_space(c: str) -> bool:
    return c in JAVA_WHITESPACE


def py_space(c: str) -> bool:
    return c.isspace()


# ---------------------------------------------------------------------------------- Chinese

@pytest.mark.parametrize(("text", "expected"), [
    ("你好。再见。", ["你好。", "再见。"]),
    ("真的？好！走。", ["真的？", "好！", "走。"]),
    # closing quotes/brackets after 。: no break before them and none after them either
    ("他说：“好。”然后走了。", ["他说：“好。”然后走了。"]),
    ("他说：“好。” 然后走了。", ["他说：“好。” 然后走了。"]),
    ("（见附件。）下一句。", ["（见附件。）下一句。"]),
    ("「好。」『对。』下一句。", ["「好。」『对。』下一句。"]),
    ("他说‘好。’下一句。", ["他说‘好。’下一句。"]),
    ('他说"好。"下一句。', ['他说"好。"下一句。']),
    ("好。——对。", ["好。——对。"]),
    # a half-width ) is not in the list: the break comes before it
    ("见附件。)下一句。", ["见附件。", ")下一句。"]),
    # ？！ quirk; ！？ and ？？ stay together
    ("什么？！真的", ["什么？", "！", "真的"]),
    ("什么！？真的", ["什么！？", "真的"]),
    ("什么？？真的", ["什么？？", "真的"]),
    # never after 、 , . ．, nor on ；;，：…… ——
    ("甲、乙,丙.丁．戊", ["甲、乙,丙.丁．戊"]),
    ("增长5.2%、约4.4万亿元", ["增长5.2%、约4.4万亿元"]),
    ("一；二;三，四：五……六——七", ["一；二;三，四：五……六——七"]),
    ("第一. 第二", ["第一. 第二"]),
    # half-width ? ! break only before ASCII whitespace
    ("各位代表!", ["各位代表!"]),
    ("好! 那就走", ["好!", "那就走"]),
    ("好!那就走", ["好!那就走"]),
    ("好?!  那就走", ["好?!", "那就走"]),
    ("好!\u3000那就走", ["好!\u3000那就走"]),  # Java's \s is ASCII only
    # 。 breaks before anything, also a space or a newline (DOTALL)
    ("好。 下一句", ["好。", "下一句"]),
    ("好。\n下一句", ["好。", "下一句"]),
    ("好。", ["好。"]),
    ("  好。  ", ["好。"]),
    ("", []),
    ("   ", []),
    # a leading number breaks only before an uppercase letter (Default rule)
    ("1. Introduction", ["1.", "Introduction"]),
    ("1. 总体要求", ["1. 总体要求"]),
    ("1 ABC", ["1 ABC"]),  # needs at least two characters of digits/.)] before the space
    ("12 ABC", ["12", "ABC"]),
    ("2023 Beijing", ["2023", "Beijing"]),
    # trimming keeps U+00A0 (Java's isWhitespace is false for it)
    ("\u00a0好。", ["\u00a0好。"]),
    # astral characters pass through
    ("𠀀𠀁。𠀂", ["𠀀𠀁。", "𠀂"]),
])
def test_split_zh_rules(text: str, expected: list[str]) -> None:
    assert split_zh(text) == expected


def test_split_zh_beijing_report() -> None:
    zh, _ = corpus_lines()
    line = next(x for x in zh if x.startswith("2023年是全面贯彻落实"))
    segs = split_zh(line)
    assert segs == [
        "2023年是全面贯彻落实党的二十大精神的开局之年,是三年新冠疫情防控转段后经济恢复发展的一年。",
        segs[1],
        "全市人民深受鼓舞、倍感振奋,汇聚起奋进新征程、建功新时代的磅礴力量。",
    ]
    assert segs[1].startswith("习近平总书记亲赴门头沟区") and "“23·7”" in segs[1]
    # the half-width ! of the report never splits a line
    assert split_zh("各位代表!") == ["各位代表!"]
    assert split_zh("向全市人民,表示衷心的感谢!") == ["向全市人民,表示衷心的感谢!"]
    total = 0
    for para in zh:
        segs = split_zh(para)
        assert_partition(para, segs, java_space)
        assert all(not s.startswith(("”", "）", "、", ",")) for s in segs), segs
        total += len(segs)
    assert total == 357  # what OmegaT 3.6 makes of the 171 Chinese lines


# ---------------------------------------------------------------------------------- English

@pytest.mark.parametrize(("text", "expected"), [
    ("We did it. They did too.", ["We did it.", "They did too."]),
    ("Why? Because. Really!", ["Why?", "Because.", "Really!"]),
    # abbreviations
    ("Mr. Li and Dr. Wang met Prof. Zhang.", ["Mr. Li and Dr. Wang met Prof. Zhang."]),
    ("Use tools, e.g. OmegaT, i.e. a CAT tool. Next.",
     ["Use tools, e.g. OmegaT, i.e. a CAT tool.", "Next."]),
    ("Cities, towns, etc. are covered. Next.", ["Cities, towns, etc. are covered.", "Next."]),
    ("We bought pens, paper, etc. The shop closed.",
     ["We bought pens, paper, etc.", "The shop closed."]),
    ("See No. 5 Document. Next.", ["See No. 5 Document.", "Next."]),
    ("The answer is No. Then we left.", ["The answer is No.", "Then we left."]),
    ("It opened on Jan. 21, 2024. Feb. 3 was later.",
     ["It opened on Jan. 21, 2024.", "Feb. 3 was later."]),
    ("The U.S. Government agreed. The U.K. did too.",
     ["The U.S. Government agreed.", "The U.K. did too."]),
    ("Exports to the U.S. The figures rose.", ["Exports to the U.S.", "The figures rose."]),
    ("It opens at 9 a.m. every day.", ["It opens at 9 a.m. every day."]),
    # decimals and numbers
    ("GDP grew 5.2% to 4.4 trillion yuan. Jobs rose 1.5 times.",
     ["GDP grew 5.2% to 4.4 trillion yuan.", "Jobs rose 1.5 times."]),
    ("The target was 115. The result was 120.", ["The target was 115.", "The result was 120."]),
    # initials versus numbered classes
    ("J. K. Rowling wrote it. Next.", ["J. K. Rowling wrote it.", "Next."]),
    ("Water below Class V. Land pollution fell.", ["Water below Class V.", "Land pollution fell."]),
    # headings and list labels
    ("II. Major Tasks for 2024", ["II. Major Tasks for 2024"]),
    ("I. Review of Work During 2023", ["I. Review of Work During 2023"]),
    ("1. Expand demand. 2. Boost innovation.", ["1. Expand demand.", "2. Boost innovation."]),
    ("(1) Expand demand. (2) Boost innovation.",
     ["(1) Expand demand.", "(2) Boost innovation."]),
    ("A. Overview of the plan", ["A. Overview of the plan"]),
    # quotes, brackets, footnotes
    ('He said, "We will go." Then he left.', ['He said, "We will go."', "Then he left."]),
    ("He said, “We will go.” Then he left.", ["He said, “We will go.”", "Then he left."]),
    ("She asked, ‘Why not?’ Nobody knew.", ["She asked, ‘Why not?’", "Nobody knew."]),
    ('"Stop!" he said.', ['"Stop!" he said.']),
    ("(See Annex 2.) Next part.", ["(See Annex 2.)", "Next part."]),
    ("Growth was strong.[1] Next year too.", ["Growth was strong.[1]", "Next year too."]),
    ("the Beijing Municipal Committee (BMC). Construction began.",
     ["the Beijing Municipal Committee (BMC).", "Construction began."]),
    ("It grew... and grew... Then it stopped.", ["It grew... and grew...", "Then it stopped."]),
    ("", []),
    ("  One sentence without a period  ", ["One sentence without a period"]),
    # the space after a full stop lost in text copied from the web
    ("at home and abroad.However, it grew.", ["at home and abroad.", "However, it grew."]),
    ("in rural areas.A total of 2 were built.", ["in rural areas.", "A total of 2 were built."]),
    ("It rose 5.2%.Next year too.", ["It rose 5.2%.", "Next year too."]),
    ("in 2016.We will go on.", ["in 2016.", "We will go on."]),
    ("Why not?What else.", ["Why not?", "What else."]),
    ('He said "no."Then left.', ['He said "no."', "Then left."]),
    ("He left.“Go,” she said.", ["He left.", "“Go,” she said."]),
    # ... but not inside abbreviations, decimals, numbers, initials, titles, addresses
    ("Exports to the U.S.The figures rose.", ["Exports to the U.S.The figures rose."]),
    ("Tools, e.g.OmegaT and Trados.", ["Tools, e.g.OmegaT and Trados."]),
    ("Mr.Li met Dr.Wang at No.1 Middle School.", ["Mr.Li met Dr.Wang at No.1 Middle School."]),
    ("It grew 3.5 percent.", ["It grew 3.5 percent."]),
    ("J.K.Rowling wrote it.", ["J.K.Rowling wrote it."]),
    ("I.Review of Work", ["I.Review of Work"]),
    ("See www.Gov.cn and http://Example.org/Index or mail a@Example.com now.",
     ["See www.Gov.cn and http://Example.org/Index or mail a@Example.com now."]),
])
def test_split_en_cases(text: str, expected: list[str]) -> None:
    assert split_en(text) == expected


def test_split_en_beijing_report() -> None:
    _, en = corpus_lines()
    segs = [s for para in en for s in split_en(para)]
    for para in en:
        assert_partition(para, split_en(para), py_space)
    assert "I. Review of Work During 2023" in segs
    assert "II. Major Tasks for 2024" in segs
    assert any(s.endswith("currently classified below Class V.") for s in segs)
    assert "Land pollution risk control will be strengthened." in segs
    # no sentence is just a number or label
    assert not [s for s in segs if re.fullmatch(r"[\dIVX.()]+", s)]


NATIONAL_2017 = NATIONAL / "gwr-2017.zh-en.txt"


@pytest.mark.skipif(not NATIONAL_2017.exists(), reason="../shared national reports missing")
def test_split_en_restores_missing_spaces_in_the_2017_report() -> None:
    """The web copy lost 58 spaces after a full stop before a capitalised word ("abroad.However")
    and one before "A total": each is a break, and no other glued mark is."""
    lines = NATIONAL_2017.read_text(encoding="utf-8").splitlines()
    english = [line for line in lines if line.strip() and not HAN.search(line)]
    glued = re.compile(r"[a-z]\.(?=[A-Z][a-z]|A )")
    expected = sum(len(glued.findall(line)) for line in english)
    assert expected == 59
    breaks = 0
    for para in english:
        segs = split_en(para)
        assert_partition(para, segs, py_space)
        pos = 0
        for seg in segs[:-1]:  # where each segment ends, is the next one glued on?
            pos = para.find(seg, pos) + len(seg)
            breaks += not para[pos].isspace()
    assert breaks == expected


# ---------------------------------------------------------------------------------- properties

ZH_ALPHABET = list("。？！—’”\"」）』、,.．?!;；，：…\n\r\t \u3000\u00a0\u2028中文字aA1)<>br")
EN_ALPHABET = list(". ?!\"'”’)([]1IVXaAbZ\n\t…,;:") + ["Mr.", "e.g.", "U.S.", "No. 1", "[1]"]


def text_with(alphabet: list[str]) -> st.SearchStrategy[str]:
    return st.lists(st.one_of(st.sampled_from(alphabet), st.characters()), max_size=60).map(
        "".join)


@settings(max_examples=400, deadline=None)
@given(text_with(ZH_ALPHABET))
def test_split_zh_partitions_the_paragraph(text: str) -> None:
    segs = split_zh(text)
    assert_partition(text, segs, java_space)
    # joined, the segments give back the paragraph with its whitespace removed
    assert "".join(segs).translate(_DROP_JAVA_WS) == text.translate(_DROP_JAVA_WS)


@settings(max_examples=400, deadline=None)
@given(text_with(EN_ALPHABET))
def test_split_en_partitions_the_paragraph(text: str) -> None:
    segs = split_en(text)
    assert_partition(text, segs, py_space)
    assert "".join("".join(segs).split()) == "".join(text.split())


_DROP_JAVA_WS = {ord(c): None for c in JAVA_WHITESPACE}


# ---------------------------------------------------------------------------------- OmegaT

ORACLE_JAVA = r"""
import java.io.*;
import java.nio.charset.StandardCharsets;
import java.util.*;
import org.omegat.core.segmentation.*;
import org.omegat.util.Language;

/** Reads base64(UTF-8) paragraphs, one per line; prints "#" and the base64 segments. */
public class SegOracle {
    public static void main(String[] args) throws Exception {
        Segmenter seg = new Segmenter();
        seg.setSRX(SRX.getDefault());
        Language lang = new Language("zh-CN");
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        PrintStream out = new PrintStream(new BufferedOutputStream(System.out), false, "UTF-8");
        Base64.Decoder dec = Base64.getDecoder();
        Base64.Encoder enc = Base64.getEncoder();
        String line;
        while ((line = in.readLine()) != null) {
            String p = new String(dec.decode(line.trim()), StandardCharsets.UTF_8);
            StringBuilder sb = new StringBuilder("#");
            for (String x : seg.segment(lang, p, null, null)) {
                sb.append(' ').append(enc.encodeToString(x.getBytes(StandardCharsets.UTF_8)));
            }
            out.println(sb);
        }
        out.flush();
    }
}
"""


def test_split_zh_equals_omegat_segmenter(omegat, tmp_path: Path) -> None:
    """Differential test against OmegaT's own Segmenter class with its default rules."""
    if not omegat.jar.exists() or shutil.which("javac") is None:
        pytest.skip("needs javac and /usr/share/omegat/OmegaT.jar")
    (tmp_path / "SegOracle.java").write_text(ORACLE_JAVA, encoding="utf-8")
    subprocess.run(["javac", "-cp", str(omegat.jar), "-d", str(tmp_path),
                    str(tmp_path / "SegOracle.java")], check=True, capture_output=True)
    rng = random.Random(20240121)
    alphabet = ZH_ALPHABET + ["𠀀", "Σ", "Д", "...", "1. ", " A", "<br1>", "\u2029", "\x1c"]
    paragraphs = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
                  for _ in range(20000)]
    paragraphs += corpus_lines()[0]
    feed = "".join(base64.b64encode(p.encode()).decode() + "\n" for p in paragraphs)
    out = subprocess.run(["java", "-cp", f"{omegat.jar}:{tmp_path}", "SegOracle"],
                         input=feed.encode(), capture_output=True, check=True, timeout=300)
    rows = out.stdout.decode().split("\n")
    mismatches = []
    for para, row in zip(paragraphs, rows, strict=False):
        theirs = [base64.b64decode(x).decode() for x in row.split()[1:]]
        theirs = [s for s in theirs if s]  # we drop empty segments, OmegaT makes no entry
        if split_zh(para) != theirs:
            mismatches.append((para, theirs, split_zh(para)))
    assert len(rows) >= len(paragraphs)
    assert not mismatches, mismatches[:5]


def test_split_zh_equals_omegat_project(omegat, tmp_path: Path) -> None:
    """End to end: OmegaT's own segments of the report (pseudo-translation TMX) are ours."""
    from zhtm.formats.tmx import read_tmx

    zh, _ = corpus_lines()
    project = omegat.project(tmp_path / "p", {"zh.txt": "\n\n".join(zh) + "\n"})
    pseudo = tmp_path / "pseudo.tmx"
    omegat.run(project, "console-createpseudotranslatetmx", f"--pseudotranslatetmx={pseudo}",
               "--pseudotranslatetype=equal")
    assert pseudo.exists(), "OmegaT wrote no pseudo-translation TMX"
    theirs = {u.seg("zh") for u in read_tmx(pseudo)}  # OmegaT's TMX 1.1 with lang=
    ours = [s for para in zh for s in split_zh(para)]
    assert len(ours) == 357
    assert theirs == set(ours)
