"""Ranking evidence beyond the Chinese string: specific translation consistency (free
occurrences) and other documents of the genre (zhtm.terms.background)."""

from zhtm.records import Unit
from zhtm.terms.background import Background
from zhtm.terms.chinese import ZhCandidate
from zhtm.terms.specific import FreeOccurrences, specific_consistency
from zhtm.terms.windows import EnglishText

ZH = [
    "推动新时代首都发展取得新成效。",
    "新时代首都发展迈出坚实步伐。",
    "大运河文化带建设扎实推进。",
    "大运河源头遗址公园开园。",
    "保护好大运河。",
]
EN = [
    "New progress was made in the development of Beijing as the capital in the new era.",
    "Solid steps were taken in the development of Beijing as the capital in the new era.",
    "Good progress was made in building the Grand Canal cultural belt.",
    "The Grand Canal source heritage park opened.",
    "We will protect the Grand Canal.",
]


def _cand(text: str, units: list[int]) -> ZhCandidate:
    return ZhCandidate(text, len(units), units)


def test_a_string_only_inside_a_longer_recurring_one_has_no_free_occurrence():
    fragment, longer, canal = _cand("新时代首都", [0, 1]), _cand("新时代首都发展", [0, 1]), _cand("大运河", [2, 3, 4])
    free = FreeOccurrences([fragment, longer, canal], ZH)
    assert free.free_units(fragment) == []
    assert free.free_units(longer) == [0, 1]
    assert free.free_units(canal) == [2, 3, 4]


def test_specific_consistency_is_dice_over_free_units():
    english = EnglishText(EN)
    canal = ("grand", "canal")
    assert specific_consistency(english, canal, [2, 3, 4]) == 1.0
    # the rendering also stands where the string does not: less specific
    assert specific_consistency(english, ("progress",), [0, 2]) == 2 * 2 / (2 + 2)
    assert specific_consistency(english, ("made",), [0, 2, 3]) == 2 * 2 / (3 + 2)
    # fewer than two free units, or the rendering in fewer than two: no evidence
    assert specific_consistency(english, canal, [2]) == 0.0
    assert specific_consistency(english, ("opened",), [3, 4]) == 0.0


BACKGROUND = [
    [Unit("完整准确全面贯彻新发展理念。", "We must apply the new development philosophy fully."),
     Unit("坚持新发展理念,推动高质量发展。", "We followed the new development philosophy."),
     Unit("经济运行稳中向好。", "The economy was stable.")],
    [Unit("贯彻新发展理念和总体国家安全观。", "We applied the new development philosophies and the holistic approach to national security."),
     Unit("各地区经济运行平稳。", "Regional economies ran smoothly.")],
    [Unit("推动新发展理念落地。", "We put the new ideas of development into practice.")],
]


def test_background_counts_documents_and_the_same_english():
    bg = Background(BACKGROUND)
    assert len(bg) == 3
    assert bg.documents("新发展理念") == 3 and bg.documents("总体国家安全观") == 1
    # stems match (philosophy / philosophies); the third report words it otherwise
    assert bg.english_documents("新发展理念", ("new", "development", "philosophy")) == 2
    assert bg.english_documents("新发展理念", ("economy",)) == 0


def test_once_seen_strings_recurring_as_bounded_units_across_the_background():
    bg = Background(BACKGROUND)
    here = ["全面贯彻新发展理念,经济运行稳定。", "城市更新行动取得进展。"]
    got = bg.recurring(here)
    assert "新发展理念" in got  # 贯/持/彻/动 before it, 。/,/和/落 after it
    assert "发展理念" not in got  # always after 新 there
    assert "经济运行" not in got  # in two reports, but only 稳 or 平 after it
    assert all(s in "".join(here) for s in got)
