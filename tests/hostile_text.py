"""Hypothesis strategies for the text real users (and attackers) give zhtm: any Unicode, with
the hard parts made likely: astral characters, combining marks, controls, right-to-left
marks and scripts, digits of other scripts, full-width forms, Chinese numerals and units,
run-together English number words, lone surrogates (file names and arguments that are not
UTF-8 reach Python as those)."""

from __future__ import annotations

from hypothesis import strategies as st

PIECES = [
    # Chinese text, numerals, units, list ordinals, decimals
    "推进京津冀协同发展", "一是", "三是", "二要", "第一", "（四）", "六点五", "一点一滴", "百分之", "二〇二四年",
    "十", "百", "千", "万", "亿", "万亿", "两", "〇", "零", "点", "个", "年", "。", "，", "、", "；", "：",
    "2315万", "5.2%", "1,234.5亿元", "‰",
    # full-width forms
    "０１２３", "ＡＢＣ", "，", "．", "％", "\u3000",
    # other scripts' digits: Arabic-Indic, Devanagari, Thai, mathematical bold, circled
    "٠١٢٣٤٥٦٧٨٩", "०१२३", "๑๒๓", "𝟎𝟏𝟐𝟑", "①②③", "Ⅻ", "½",
    # combining marks, RTL, zero-width, BOM, controls
    "e\u0301", "\u0308", "\u20dd", "\u202e", "\u200f", "\u200b", "\u200d", "\ufeff",
    "עברית", "العربية", "\x00", "\x07", "\x1b[31m", "\x7f", "\x85", "\u2028", "\u2029", "\t", "\r\n", "\r", "\n",
    # astral: CJK Extension B, emoji with modifiers, private use
    "𠀀", "𪚥", "😀", "👩🏽‍💻", "\U000f0000", "\ufffe", "\uffff",
    # English number words, run together or not
    "twentyone", "Fortytwo", "twentyfirst", "Twenty-First", "a hundred and five", "sixtyfour",
    "million", "billion", "percent", "First,", "one", "1st", "3rd",
    # XML-ish and markup
    "&amp;", "&z;", "<seg>", "]]>", "\"", "'",
]

safe_char = st.characters(codec="utf-8")  # what a file or a JSON string can hold
surrogate = st.characters(categories=["Cs"])  # rare among all code points: asked for apart


def hostile_text(*, max_pieces: int = 12, surrogates: bool = False) -> st.SearchStrategy[str]:
    """A string made of pieces above and arbitrary characters (lone surrogates too, with
    `surrogates`: an argument or a file name that is not UTF-8 reaches Python as those)."""
    parts = [st.sampled_from(PIECES), st.text(safe_char, min_size=1, max_size=4)]
    if surrogates:
        parts.append(surrogate)
    return st.lists(st.one_of(*parts), max_size=max_pieces).map("".join)


def hostile_lines(*, max_lines: int = 6) -> st.SearchStrategy[str]:
    """A little document: lines of hostile text (Chinese-looking ones likely)."""
    line = st.one_of(hostile_text(max_pieces=8),
                     st.lists(st.sampled_from(PIECES[:25]), min_size=1, max_size=8).map("".join))
    return st.lists(line, max_size=max_lines).map("\n".join)
