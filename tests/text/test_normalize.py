"""Normalisation (the text every score is computed on) and numbers compared by value."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhtm.text.normalize import extract_numbers, normalize, normalize_with_map, number_penalty


def test_full_and_half_width_compare_equal():
    assert normalize("加快５Ｇ网络建设，推进ＣＢＤ发展；") == normalize("加快5G网络建设,推进CBD发展;")
    assert normalize("加快5G网络建设,推进CBD发展;") == "加快5g网络建设,推进cbd发展;"


def test_spaces_collapse_and_trim():
    assert normalize("  政 府\u3000工作\t\n报告 ") == "政 府 工作 报告"


@pytest.mark.parametrize("text, values", [
    ("新增就业2315万人", ["23150000"]),
    ("增长５．２％", ["5.2"]),
    ("1,234.5亿元", ["123450000000"]),
    ("二十一世纪", ["21"]),
    ("三亿五千万元", ["350000000"]),
    ("二〇二四年", ["2024"]),
    ("第十六届人民代表大会", ["16"]),
    ("三个", ["3"]),
    ("统一大市场、一体化、一带一路", []),   # 一 inside words is not a number
])
def test_numbers_by_value(text, values):
    assert [str(int(n.value)) if n.value == n.value.to_integral() else str(n.value)
            for n in extract_numbers(text)] == values


def test_list_ordinals_are_numbers_to_a_translator():
    """一是 vs 三是 ("First," vs "Third," in the TM's English) is a number difference."""
    penalty = number_penalty("三是加快建设现代化产业体系。", "一是加快建设现代化产业体系。")
    assert (penalty.only_in_query, penalty.only_in_match) == (("三",), ("一",))
    assert "numbers differ: query 三; match 一" in penalty.describe()
    for text, values in (("2023年,一是稳增长;二是调结构。", ["2023", "1", "2"]),
                         ("一要坚持,二要创新", ["1", "2"]), ("(三)推进改革", ["3"]),
                         ("四、2024年工作安排", ["4", "2024"]), ("第一,第二十", ["1", "20"])):
        assert values_of(text) == values, text
    # 一 inside a word, even before 是 or 要, is not one
    assert values_of("统一是前提,唯一要求,统一大市场、一体化、一带一路") == []


def test_chinese_decimals_are_read_by_value():
    assert values_of("增长六点五") == ["6.5"]
    assert number_penalty("增长六点五%", "增长6.5%").only_in_query == ()
    assert number_penalty("百分之六点五", "6.5%").only_in_match == ()
    assert values_of("六点五亿元") == ["650000000"]
    assert values_of("一点一滴、一点一点地、九点半") == []  # bit by bit; half past nine


def values_of(text: str) -> list[str]:
    return [str(int(n.value)) if n.value == n.value.to_integral() else str(n.value)
            for n in extract_numbers(text)]


def test_percent_differs_from_plain_number():
    (n,) = extract_numbers("增长5%")
    assert n.percent and n.value == Decimal(5)


def test_number_penalty_names_the_differing_numbers():
    p = number_penalty("城镇新增就业2315万人", "城镇新增就业2300万人")
    assert p and p.only_in_query == ("2315万",) and p.only_in_match == ("2300万",)
    assert "2315万" in p.describe()
    assert not number_penalty("增长２３１５万", "增长2315万")        # same value, other width
    assert not number_penalty("二十一个项目", "21个项目")              # Chinese numerals by value


def test_map_points_back_to_source_characters():
    norm, origin = normalize_with_map("ＡＢ  c，d")
    assert norm == "ab c,d"
    assert [("ＡＢ  c，d")[i] for i in origin] == ["Ａ", "Ｂ", " ", "c", "，", "d"]


@given(st.text(alphabet=st.sampled_from("中文ＡaＢ１1，, \u3000\t。é\u0301"), max_size=30))
def test_normalize_is_idempotent_and_map_is_consistent(text):
    norm = normalize(text)
    assert normalize(norm) == norm
    mapped, origin = normalize_with_map(text)
    assert mapped == norm and len(origin) == len(norm)
