"""Hypothesis strategies for text that has broken text processors before.

Arbitrary Unicode plus the corners that plain ``st.text()`` rarely reaches on its own: astral
characters, combining marks, controls, right-to-left text, digits of other scripts, full-width
forms, run-together and capitalised English number words, Chinese numerals and quote marks.
"""

from __future__ import annotations

from hypothesis import strategies as st

PIECES = [
    # astral, combining, controls, bidi, odd spaces
    "𠀀", "𝟘", "😀", "\u0301", "e\u0301", "\u200d", "\x00", "\x07", "\x1b", "\r", "\n", "\t",
    "\u202e", "\u200f", "שלום", "مرحبا", "\u3000", "\u00a0", "\u2028", "\ufeff", "\ufffd",
    # digits and numbers of other scripts, full-width forms
    "٣٤", "०१२", "೯", "１２３", "４．５", "Ⅻ", "½", "²", "１，０００", "1,000,000", "3.5亿",
    "2315万", "万亿", "一九八四", "二十一", "两千", "零", "〇", "十十", "亿亿亿", "百千万",
    # English number words in every shape
    "twentyone", "sixtyfour", "Fortytwo", "TWENTY-FIRST", "a hundred and five", "and",
    "hundred", "thousands", "dozen", "first", "one", " - ", "ninetieth", "millionth",
    # sentence punctuation, quotes, abbreviations
    "。", "！", "？", "…", "——", "“", "”", "「", "」", "‘", "’", "'", '"', ".", "!", "?",
    "U.S.", "e.g.", "No.1", "Mr.", "www.Gov.cn", "abroad.However", "[1]", "(", ")",
    # names and words
    "陈清扬", "Chen Qingyang", "Xi'an", "京津冀", "Beijing", "5G", "AI", "的", "了", " ",
]

hostile_char = st.characters(codec=None)  # any code point, surrogates included
hostile_text = st.lists(st.one_of(st.sampled_from(PIECES), hostile_char, st.text(max_size=3)),
                        max_size=40).map("".join)
