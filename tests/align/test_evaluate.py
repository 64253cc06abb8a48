"""The link format and the strict/lax scorer (Bertalign's evaluation rules)."""

from __future__ import annotations


import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhtm.align.evaluate import Scores, format_links, micro_average, parse_links, score_alignment
from zhtm.errors import InputError
from zhtm.records import Bead

from tests.paths import MAC


def test_parse_and_format_round_trip() -> None:
    text = "[0,1]:[0]\n[2]:[1,2]\n[3]:[]\n[]:[3]\n"
    beads = parse_links(text)
    assert [(b.zh, b.en) for b in beads] == [((0, 1), (0,)), ((2,), (1, 2)), ((3,), ()), ((), (3,))]
    assert format_links(beads) == text


def test_parse_tolerates_spaces_and_blank_lines() -> None:
    assert [(b.zh, b.en) for b in parse_links("[ 1, 2 ] : [3]\n\n")] == [((1, 2), (3,))]


@pytest.mark.parametrize("bad, line", [("[0]:[0]\n[1]-[1]\n", 2), ("[a]:[1]\n", 1),
                                       ("[0]:[0]\n[]:[]\n", 2), ("[1,]:[2]\n", 1)])
def test_parse_rejects_bad_lines_with_line_number(bad: str, line: int) -> None:
    with pytest.raises(InputError) as err:
        parse_links(bad, "x.align")
    assert err.value.line == line
    assert "x.align" in str(err.value)


def b(zh: tuple[int, ...], en: tuple[int, ...]) -> Bead:
    return Bead(zh, en)


def test_strict_and_lax_counts() -> None:
    gold = [b((0,), (0,)), b((1,), (1, 2)), b((2,), ()), b((3,), (3,))]
    pred = [b((0,), (0,)), b((1,), (1,)), b((), (2,)), b((2,), ()), b((3,), (3,))]
    s = score_alignment(pred, gold)
    # precision over all 5 predicted beads: 3 exact ([0]:[0], [2]:[], [3]:[3]);
    # lax also gets [1]:[1]; [2]:[] is exact so lax too; []:[2] has no zh id -> not lax.
    assert (s.pred_strict_hits, s.pred_lax_hits, s.pred_total) == (3, 4, 5)
    # recall over non-null gold beads (3): [0]:[0] and [3]:[3] exact; [1]:[1,2] overlaps.
    assert (s.gold_strict_hits, s.gold_lax_hits, s.gold_total) == (2, 3, 3)
    assert s.strict_p == pytest.approx(3 / 5)
    assert s.strict_r == pytest.approx(2 / 3)
    assert s.strict_f1 == pytest.approx(2 * 0.6 * (2 / 3) / (0.6 + 2 / 3))
    assert s.lax_r == 1.0


def test_micro_average_pools_counts() -> None:
    s1 = Scores.from_counts(1, 1, 2, 1, 1, 2)
    s2 = Scores.from_counts(3, 4, 4, 2, 3, 3)
    m = micro_average([s1, s2])
    assert m.strict_p == pytest.approx(4 / 6)
    assert m.lax_r == pytest.approx(4 / 5)


beads_strategy = st.lists(
    st.tuples(st.integers(0, 3), st.integers(0, 3)).filter(lambda t: t != (0, 0)),
    min_size=1, max_size=30)


@given(beads_strategy)
def test_gold_against_itself_is_perfect(sizes: list[tuple[int, int]]) -> None:
    zh = en = 0
    beads = []
    for a, c in sizes:
        beads.append(Bead(tuple(range(zh, zh + a)), tuple(range(en, en + c))))
        zh, en = zh + a, en + c
    s = score_alignment(beads, beads)
    assert s.strict_p == 1.0 and s.lax_p == 1.0
    if any(x.zh and x.en for x in beads):
        assert s.strict_f1 == 1.0 and s.lax_f1 == 1.0
    assert parse_links(format_links(beads)) == [Bead(x.zh, x.en) for x in beads]


@pytest.mark.skipif(not MAC.is_dir(), reason="MAC-Dev not present at ../shared/corpus/mac-dev")
def test_bertalign_output_scores_as_published() -> None:
    auto, gold = [], []
    for c in range(1, 7):
        g = parse_links((MAC / "gold" / f"{c:03d}.align").read_text(encoding="utf-8"))
        a = parse_links((MAC / "auto" / f"{c:03d}.align").read_text(encoding="utf-8"))
        auto.append(score_alignment(a, g))
        gold.append(score_alignment(g, g))
        assert format_links(g) == (MAC / "gold" / f"{c:03d}.align").read_text(encoding="utf-8")
    m = micro_average(auto)
    assert (round(m.strict_p, 3), round(m.strict_r, 3), round(m.strict_f1, 3)) == (0.909, 0.914, 0.911)
    assert (round(m.lax_p, 3), round(m.lax_r, 3), round(m.lax_f1, 3)) == (0.996, 1.0, 0.998)
    g = micro_average(gold)
    assert g.strict_f1 == 1.0 and g.lax_f1 == 1.0
