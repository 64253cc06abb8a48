"""Long blocks: the first pass's band and the scoring arrays stay bounded as a block grows
(a novel aligned as one file), without changing what short blocks get."""

from __future__ import annotations

from zhtm.align import aligner, dp, scoring
from zhtm.align.aligner import AlignSettings, align_blocks


def drifting_block(n: int) -> tuple[list[str], list[str]]:
    """n numbered 1-1 pairs; the first half's English is long-winded and the second half's
    terse, so by characters the English reaches the middle of the text ~250 sentences before
    the translation of the middle Chinese sentence: the path runs far off the length diagonal."""
    zh = [f"第{i}号文件规定了{i % 7}项措施。" for i in range(n)]
    en = [f"Document {i} sets out {i % 7} measures, as the council decided at its session "
          f"held in the spring of that year." if i < n // 2 else f"Document {i}: {i % 7}."
          for i in range(n)]
    return zh, en


def first_pass_widths(monkeypatch) -> list[int]:
    widths: list[int] = []
    search = dp.search

    def spy(band, scores, amax, bmax, insert):
        if amax == 2:                     # the first pass searches beads up to 2-2
            widths.append(band.width)
        return search(band, scores, amax, bmax, insert)

    monkeypatch.setattr(dp, "search", spy)
    return widths


def test_first_pass_band_follows_a_drifting_path_without_growing(monkeypatch) -> None:
    zh, en = drifting_block(1600)
    widths = first_pass_widths(monkeypatch)
    [beads] = align_blocks([(zh, en)])
    s = AlignSettings()
    # it doubled up to its limit, then re-centred on the path instead of doubling again
    limit = 2 * aligner.FIRST_PASS_DOUBLING_LIMIT * s.first_pass_width + 1
    assert max(widths) == limit
    assert widths.count(limit) >= 2
    # and found the path all the same: every sentence with its translation
    assert sum(1 for b in beads if b.zh == b.en and len(b.zh) == 1) >= 1590


def test_scoring_a_long_block_in_runs_gives_the_same_beads(monkeypatch) -> None:
    zh, en = drifting_block(400)
    [whole] = align_blocks([(zh, en)])
    runs: list[tuple[int, int]] = []
    split = scoring._runs

    def spy(sent, start, stop, width):
        got = split(sent, start, stop, width)
        runs.extend(got)
        return got

    monkeypatch.setattr(scoring, "SIDE_CELLS", 2_000)   # forces runs of a few sentences
    monkeypatch.setattr(scoring, "_runs", spy)
    [in_runs] = align_blocks([(zh, en)])
    assert len(runs) > 100
    assert [(b.zh, b.en) for b in in_runs] == [(b.zh, b.en) for b in whole]
    assert all(abs(a.score - b.score) < 1e-9 for a, b in zip(in_runs, whole))


def test_runs_cover_the_range_and_respect_the_budget() -> None:
    zh, _ = drifting_block(500)
    from zhtm.align import features as feat
    doc = feat.tokenize(zh, ["x"], use_anchors=True, lexical=True)
    sent = doc.zh
    runs = scoring._runs(sent, 10, 490, 1_000)
    assert runs[0][0] == 10 and runs[-1][1] == 490
    assert all(a[1] == b[0] for a, b in zip(runs, runs[1:]))
    for s0, s1 in runs:
        tokens = int(sent.indptr[s1] - sent.indptr[s0])
        assert tokens * 1_000 <= scoring.SIDE_CELLS or s1 == s0 + 1
    assert scoring._runs(sent, 0, 5, 10) == [(0, 5)]       # small: one call, as before
