"""Hypothesis strategies for text that has broken text processors before.

Arbitrary Unicode plus the corners that plain ``st.text()`` rarely reaches on its own: astral
characters, combining marks, controls, right-to-left text, digits of other scripts, full-width
forms, run-together and capitalised English number words, Chinese numerals, list ordinals and
decimals, quote marks, XML-ish markup, and lone surrogates (file names and arguments that are
not UTF-8 reach Python as those).

``hostile_text`` is one strategy (any code point, surrogates included); ``hostile_string`` and
``hostile_lines`` build shorter strings and little documents, surrogates only when asked for.
"""

from __future__ import annotations

from hypothesis import strategies as st

CHINESE = [
    "推进京津冀协同发展", "一是", "三是", "二要", "第一", "（四）", "六点五", "一点一滴", "百分之",
    "二〇二四年", "十", "百", "千", "万", "亿", "万亿", "两", "〇", "零", "点", "个", "年", "。",
    "，", "、", "；", "：", "2315万", "5.2%", "1,234.5亿元", "‰", "一九八四", "二十一", "两千",
    "十十", "亿亿亿", "百千万", "3.5亿", "陈清扬", "京津冀", "的", "了",
]

PIECES = CHINESE + [
    # astral, combining, controls, bidi, odd spaces
    "𠀀", "𪚥", "𝟘", "😀", "👩🏽‍💻", "\U000f0000", "\ufffe", "\uffff", "\u0301", "e\u0301",
    "\u0308", "\u20dd", "\u200b", "\u200d", "\x00", "\x07", "\x1b", "\x1b[31m", "\x7f", "\x85",
    "\r", "\n", "\r\n", "\t", "\u202e", "\u200f", "שלום", "مرحبا", "עברית", "\u3000", "\u00a0",
    "\u2028", "\u2029", "\ufeff", "\ufffd",
    # digits and numbers of other scripts, full-width forms
    "٣٤", "٠١٢٣٤٥٦٧٨٩", "०१२", "೯", "๑๒๓", "𝟎𝟏𝟐𝟑", "①②③", "１２３", "４．５", "ＡＢＣ", "％",
    "Ⅻ", "½", "²", "１，０００", "1,000,000",
    # English number words in every shape
    "twentyone", "sixtyfour", "Fortytwo", "TWENTY-FIRST", "twentyfirst", "Twenty-First",
    "a hundred and five", "and", "hundred", "thousands", "dozen", "first", "First,", "one",
    " - ", "ninetieth", "millionth", "million", "billion", "percent", "1st", "3rd",
    # sentence punctuation, quotes, abbreviations
    "！", "？", "…", "——", "“", "”", "「", "」", "‘", "’", "'", '"', ".", "!", "?",
    "U.S.", "e.g.", "No.1", "Mr.", "www.Gov.cn", "abroad.However", "[1]", "(", ")",
    # XML-ish and markup
    "&amp;", "&z;", "<seg>", "]]>",
    # names and words
    "Chen Qingyang", "Xi'an", "Beijing", "5G", "AI", " ",
]

hostile_char = st.characters(codec=None)  # any code point, surrogates included
hostile_text = st.lists(st.one_of(st.sampled_from(PIECES), hostile_char, st.text(max_size=3)),
                        max_size=40).map("".join)

safe_char = st.characters(codec="utf-8")  # what a file or a JSON string can hold
surrogate = st.characters(categories=["Cs"])  # rare among all code points: asked for apart


def hostile_string(*, max_pieces: int = 12, surrogates: bool = False) -> st.SearchStrategy[str]:
    """A string made of the pieces above and arbitrary characters (lone surrogates too, with
    `surrogates`)."""
    parts = [st.sampled_from(PIECES), st.text(safe_char, min_size=1, max_size=4)]
    if surrogates:
        parts.append(surrogate)
    return st.lists(st.one_of(*parts), max_size=max_pieces).map("".join)


def hostile_lines(*, max_lines: int = 6) -> st.SearchStrategy[str]:
    """A little document: lines of hostile text (Chinese-looking ones likely)."""
    line = st.one_of(hostile_string(max_pieces=8),
                     st.lists(st.sampled_from(CHINESE), min_size=1, max_size=8).map("".join))
    return st.lists(line, max_size=max_lines).map("\n".join)
