"""Term check: a glossary term in the Chinese without any of its renderings in the English."""

from zhtm.records import TermEntry, Unit
from zhtm.terms.check import check_terms

GLOSSARY = [
    TermEntry("t1", "高精尖产业", "high-end, precision and advanced technology sectors",
              ("high-end, precision and cutting-edge industries",)),
    TermEntry("t2", "人工智能", "artificial intelligence", ("AI",)),
    TermEntry("t3", "智能", "intelligence"),
    TermEntry("t4", "无英文", ""),
]


def test_flags_only_units_without_any_rendering():
    units = [
        Unit("巩固高精尖产业优势", "We bolstered our strengths in high-end, precision and advanced technology sectors."),
        Unit("100个高精尖产业项目", "100 projects in High-end, Precision and Cutting-edge Industries"),
        Unit("发展高精尖产业", "We developed advanced industries."),
        Unit("发展人工智能", "We will develop AI."),
        Unit("人工智能大模型", "large language models"),
        Unit("无英文", "nothing"),
    ]
    issues = [(i.index, i.term.zh) for i in check_terms(GLOSSARY, units)]
    # the longer term 人工智能 hides its part 智能; entries without English are not checked
    assert issues == [(2, "高精尖产业"), (4, "人工智能")]


def test_plural_and_curly_apostrophes_match():
    entry = TermEntry("t", "国家实验室", "national laboratory")
    units = [Unit("国家实验室", "Beijing-based national laboratories"), Unit("国家实验室", "labs")]
    assert [i.index for i in check_terms([entry], units)] == [1]
