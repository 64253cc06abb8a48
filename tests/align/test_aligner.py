"""The sentence aligner: hand-made cases, the Beijing report, invariants, MAC-Dev regression."""

from __future__ import annotations


import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zhtm.align.aligner import AlignSettings, align_blocks
from zhtm.align.evaluate import micro_average, parse_links, score_alignment
from zhtm.align.pipeline import REVIEW_BELOW
from zhtm.records import Bead

from tests.paths import BEIJING, MAC


# Written for these tests (not from any corpus): a 1-1, a 1-3 split, a 2-1 merge,
# an English-only sentence (0-1), then two 1-1 beads. With its null-bead cost calibrated on
# published novels (where a sentence without translation is rare and a false 1-0 costs two
# beads), the aligner may fold the English-only sentence into its neighbour's bead; it must
# then flag that bead for review.
ZH = ["我昨天在北京见到了老朋友王明。",
      "他给我讲了三个故事：一个关于他的父亲，一个关于他的学校，还有一个关于一条河。",
      "天很冷。",
      "我们喝了热茶。",
      "晚上十点我回家了。",
      "我很高兴。"]
EN = ["Yesterday I met my old friend Wang Ming in Beijing.",
      "He told me three stories.",
      "One was about his father, one about his school.",
      "The last one was about a river.",
      "The weather was cold, so we drank hot tea.",
      "This chapter was first published in a magazine in 1998.",
      "I went home at ten in the evening.",
      "I was very happy."]
EXPECTED = [((0,), (0,)), ((1,), (1, 2, 3)), ((2, 3), (4,)), ((), (5,)), ((4,), (6,)), ((5,), (7,))]


def links(beads: list[Bead]) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    return [(b.zh, b.en) for b in beads]


def assert_partition(beads: list[Bead], n: int, m: int) -> None:
    """Every unit exactly once, in order, beads within the size limits."""
    zh = [i for b in beads for i in b.zh]
    en = [j for b in beads for j in b.en]
    assert zh == list(range(n))
    assert en == list(range(m))
    for b in beads:
        assert b.zh or b.en
        assert 0.0 <= b.score <= 1.0


def assert_insertion_handled(beads: list[Bead], insertion: int) -> None:
    """The English-only sentence is a 0-1 bead, or the bead that holds it is flagged."""
    [holder] = [b for b in beads if insertion in b.en]
    assert holder.zh == () or holder.score < REVIEW_BELOW, holder
    others = [b for b in beads if b is not holder]
    assert min(b.score for b in others) >= REVIEW_BELOW


def test_hand_made_split_merge_and_insertion() -> None:
    [beads] = align_blocks([(ZH, EN)])
    assert_partition(beads, len(ZH), len(EN))
    expected = [bead for bead in EXPECTED if 5 not in bead[1] and 3 not in bead[0]]
    assert [bead for bead in links(beads) if 5 not in bead[1] and 3 not in bead[0]] == expected
    assert ((2, 3), (4,)) in links(beads) or ((2, 3), (4, 5)) in links(beads)
    assert_insertion_handled(beads, insertion=5)


def test_blocks_are_independent_and_ids_local() -> None:
    out = align_blocks([(ZH[:2], EN[:4]), (ZH[2:], EN[4:])])
    assert links(out[0]) == [((0,), (0,)), ((1,), (1, 2, 3))]
    assert links(out[1])[-2:] == [((2,), (2,)), ((3,), (3,))]
    assert_partition(out[1], 4, 4)
    assert_insertion_handled(out[1], insertion=1)


def test_empty_sides_give_null_beads() -> None:
    out = align_blocks([([], ["Only English."]), (["只有中文。"], []), ([], [])])
    assert links(out[0]) == [((), (0,))]
    assert links(out[1]) == [((0,), ())]
    assert out[2] == []


def test_deterministic() -> None:
    first = align_blocks([(ZH, EN), (ZH[::-1], EN[::-1])])
    assert align_blocks([(ZH, EN), (ZH[::-1], EN[::-1])]) == first


def test_progress_reports_every_block() -> None:
    calls: list[tuple[int, int]] = []
    align_blocks([(ZH, EN), (ZH[:1], EN[:1])], progress=lambda d, t: calls.append((d, t)))
    total = calls[-1][1]
    assert calls[:2] == [(1, total), (2, total)]  # each block of the first round
    assert calls[-1] == (total, total)  # ends complete, also when the refinement is skipped
    assert [d for d, _ in calls] == sorted(set(d for d, _ in calls))


def test_describe_is_a_short_signature() -> None:
    sig = AlignSettings().describe()
    assert sig.startswith("zhtm-align v2 max=4x9")
    assert "dict=cedict" in sig and "table=ibm1-em" in sig and "quotes=on" in sig
    assert "dict=none" in AlignSettings(use_dictionary=False).describe()
    assert "table=seed" in AlignSettings(learn_table=False).describe()


def test_length_only_mode_still_partitions() -> None:
    [beads] = align_blocks([(ZH, EN)], AlignSettings(use_lexical=False))
    assert_partition(beads, len(ZH), len(EN))


def test_bead_size_limits_are_respected() -> None:
    [beads] = align_blocks([(ZH, EN)], AlignSettings(max_zh=1, max_en=2))
    assert_partition(beads, len(ZH), len(EN))
    assert all(len(b.zh) <= 1 and len(b.en) <= 2 for b in beads)


def test_rejects_non_string_units() -> None:
    from zhtm.errors import InputError
    with pytest.raises(InputError):
        align_blocks([("一个字符串", ["x"])])  # a str is not a sequence of units


zh_sentence = st.text(alphabet="天地人你我他好大小中国北京一二三四五十年月日水火山说看走。", min_size=1,
                      max_size=30)
en_sentence = st.text(alphabet="abcdefghij klmnop Beijing 1234.", min_size=1, max_size=80)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(zh_sentence, max_size=25), st.lists(en_sentence, max_size=35))
def test_any_input_is_partitioned(zh: list[str], en: list[str]) -> None:
    [beads] = align_blocks([(zh, en)])
    assert_partition(beads, len(zh), len(en))


def test_long_block_uses_the_band() -> None:
    # 3,000 units per side: the first pass is banded (no n x m table); still a clean 1-1 path.
    zh = [f"第{i}号文件规定了{i % 7}项措施。" for i in range(3000)]
    en = [f"Document {i} sets out {i % 7} measures." for i in range(3000)]
    [beads] = align_blocks([(zh, en)])
    assert_partition(beads, 3000, 3000)
    assert sum(1 for b in beads if b.kind == "1-1") >= 2990


def beijing_blocks() -> list[tuple[list[str], list[str]]]:
    segment = pytest.importorskip("zhtm.text.segment")
    lines = BEIJING.read_text(encoding="utf-8").splitlines()[8:]
    body = [line for line in lines[:40] if line.strip()]
    return [(segment.split_zh(body[k]), segment.split_en(body[k + 1]))
            for k in range(0, len(body) - 1, 2)]


@pytest.mark.skipif(not BEIJING.exists(), reason="Beijing report not in corpus/")
def test_beijing_first_paragraphs() -> None:
    blocks = beijing_blocks()
    out = align_blocks(blocks)
    for (zh, en), beads in zip(blocks, out):
        assert_partition(beads, len(zh), len(en))
    kinds = [[b.kind for b in beads] for beads in out]
    assert kinds[0] == ["1-1"]                  # 各位代表: / Fellow Deputies,
    assert kinds[2] == ["1-1"]                  # 一、2023年工作回顾 / I. Review of Work During 2023
    assert kinds[3] == ["1-1", "1-4", "1-1"]    # Xi Jinping's visits: one sentence, four in English
    assert kinds[4][0] == "1-8"                 # the long ；-joined sentence
    assert any(len(b.en) >= 5 for beads in out for b in beads)


@pytest.mark.skipif(not MAC.is_dir(), reason="MAC-Dev not present at ../shared/corpus/mac-dev")
def test_mac_dev_regression() -> None:
    scores = []
    for c in range(1, 7):
        zh = (MAC / "zh" / f"{c:03d}").read_text(encoding="utf-8").splitlines()
        en = (MAC / "en" / f"{c:03d}").read_text(encoding="utf-8").splitlines()
        gold = parse_links((MAC / "gold" / f"{c:03d}.align").read_text(encoding="utf-8"))
        [beads] = align_blocks([(zh, en)])
        assert_partition(beads, len(zh), len(en))
        scores.append(score_alignment(beads, gold))
    m = micro_average(scores)
    assert m.strict_f1 >= STRICT_FLOOR
    assert m.lax_f1 >= LAX_FLOOR


STRICT_FLOOR = 0.90   # the target (achieved: see bench/bench_align.py)
LAX_FLOOR = 0.995


def test_boundary_cells_hold_at_least_the_bead_posterior(monkeypatch) -> None:
    """posteriors_and_nodes: the start and end cells of each bead are visited at least as
    often as the bead itself; the corners of the block always; a bead's end is the next
    bead's start."""
    from zhtm.align import dp

    seen = []
    original = dp.posteriors

    def spy(band, judge, amax, bmax, insert, temperature, path):
        probs, nodes = dp.posteriors_and_nodes(band, judge, amax, bmax, insert, temperature, path)
        assert probs == original(band, judge, amax, bmax, insert, temperature, path)
        seen.append((path, probs, nodes))
        return probs

    monkeypatch.setattr(dp, "posteriors", spy)
    align_blocks([(ZH, EN)])
    [(path, probs, nodes)] = seen
    assert nodes[0][0] == pytest.approx(1.0) and nodes[-1][1] == pytest.approx(1.0)
    for p, (start, end) in zip(probs, nodes):
        assert p <= min(start, end) + 1e-9
    for (_, end), (start, _) in zip(nodes, nodes[1:]):
        assert end == start
    # somewhere inside, a boundary is less than certain (the English-only sentence)
    assert min(min(s, e) for s, e in nodes) < 0.99
