"""Cheap cross-language anchors: numbers, Latin strings, romanised names, quotes.

Each function returns plain string tokens; the aligner puts them in the same space as English
stems so that a zh sentence and an en sentence sharing an anchor look lexically alike.
Numbers become ``#<value>`` (二十一 = 21 = twenty-one -> ``#21``; 2315万 = 23.15 million ->
``#2.315e+07``); names become ``py:<romanisation>`` (陈清扬 / Chen Qingyang).
"""

from __future__ import annotations

import re
from typing import Callable, Iterable

_ZH_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
              "七": 7, "八": 8, "九": 9}
_ZH_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
_ZH_BIG_UNITS = {"万": 10_000, "亿": 100_000_000}
_ZH_NUMERAL = re.compile(r"[零〇一二两三四五六七八九十百千万亿]+")
_ZH_ARABIC = re.compile(r"(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s*(万亿|亿|万|千)?")
_EN_ARABIC = re.compile(r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(?:\s*(thousand|million|billion|trillion)\b)?")

_EN_UNITS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen".split())}
_EN_TENS = {w: 10 * (i + 2) for i, w in enumerate(
    "twenty thirty forty fifty sixty seventy eighty ninety".split())}
_EN_ORD = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6,
           "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12,
           "thirteenth": 13, "fourteenth": 14, "fifteenth": 15, "sixteenth": 16,
           "seventeenth": 17, "eighteenth": 18, "nineteenth": 19, "twentieth": 20,
           "thirtieth": 30, "fortieth": 40, "fiftieth": 50, "hundredth": 100}
_EN_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000,
              "trillion": 1_000_000_000_000}
_EN_NUMWORD = re.compile(
    r"\b(?:(?:" + "|".join(sorted([*_EN_UNITS, *_EN_TENS, *_EN_ORD, *_EN_SCALES, "dozen"],
                                  key=len, reverse=True)) + r")(?:[\s-]+(?:and[\s-]+)?)?)+",
    re.IGNORECASE)


def number_token(value: float) -> str:
    return "#" + format(value, ".6g")


def _parse_zh_numeral(s: str) -> float | None:
    if not any(c in _ZH_SMALL_UNITS or c in _ZH_BIG_UNITS for c in s):
        if len(s) == 1:
            return float(_ZH_DIGITS[s])
        return float("".join(str(_ZH_DIGITS[c]) for c in s))  # 一九八四 read digit by digit
    total = 0.0
    section = 0.0
    digit = 0.0
    seen_digit = False
    for c in s:
        if c in _ZH_DIGITS:
            digit = _ZH_DIGITS[c]
            seen_digit = True
        elif c in _ZH_SMALL_UNITS:
            section += (digit if seen_digit else 1) * _ZH_SMALL_UNITS[c]
            digit, seen_digit = 0, False
        else:  # 万 / 亿
            section += digit
            if c == "亿":
                total = (total + section) * _ZH_BIG_UNITS[c]
            else:
                total += section * _ZH_BIG_UNITS[c]
            section, digit, seen_digit = 0, 0, False
    return total + section + digit


def zh_numbers(text: str) -> list[float]:
    """Numeric values written in a (NFKC-normalised) Chinese text, Arabic or Chinese numerals.
    A lone 一 is skipped: it is mostly the article "a"."""
    values: list[float] = []
    for m in _ZH_ARABIC.finditer(text):
        v = float(m.group(1).replace(",", ""))
        unit = m.group(2)
        if unit:
            v *= {"万": 1e4, "亿": 1e8, "万亿": 1e12, "千": 1e3}[unit]
        values.append(v)
    for m in _ZH_NUMERAL.finditer(text):
        s = m.group(0)
        if s in ("一", "万", "亿", "千", "百"):
            continue
        if s.strip("万亿千百十") == "":
            continue
        v = _parse_zh_numeral(s)
        if v is not None:
            values.append(v)
    return values


def en_numbers(text: str) -> list[float]:
    """Numeric values in English text: digits (with thousand separators and scale words)
    and number words, cardinal or ordinal ("twenty-one", "23.15 million", "fifth")."""
    values: list[float] = []
    for m in _EN_ARABIC.finditer(text):
        v = float(m.group(1).replace(",", "") + (m.group(2) or ""))
        if m.group(3):
            v *= _EN_SCALES[m.group(3).lower()]
        values.append(v)
    for m in _EN_NUMWORD.finditer(text):
        words = [w for w in re.split(r"[\s-]+", m.group(0).lower()) if w and w != "and"]
        if all(w in _EN_SCALES for w in words):
            continue  # "million" after digits was read above; "hundreds of" is vague
        total = 0.0
        current = 0.0
        for w in words:
            if w in _EN_UNITS:
                current += _EN_UNITS[w]
            elif w in _EN_TENS:
                current += _EN_TENS[w]
            elif w in _EN_ORD:
                current += _EN_ORD[w]
            elif w == "dozen":
                current = (current or 1) * 12
            elif w == "hundred":
                current = (current or 1) * 100
            else:
                total += (current or 1) * _EN_SCALES[w]
                current = 0
        v = total + current
        if v != 1:  # "one"/"first" are mostly not numbers in running text
            values.append(v)
    return values


_LATIN = re.compile(r"[A-Za-z][A-Za-z0-9]*")
_CAPWORD = re.compile(r"\b[A-Z][a-z]+(?:['’\-][A-Za-z]+)?\b")
_ZH_QUOTES = re.compile(r"[“”「」『』\"]")
# Double quotes anywhere, or single quotes opening/closing speech ('Come on,' he said).
_EN_QUOTES = re.compile(r"[“”\"]|(?:^|\s)[‘']\w|[\w,.!?—-][’'](?:\s|$)")
_HAN_RUN = re.compile(r"[\u4e00-\u9fff]+")


def latin_strings(text: str) -> list[str]:
    """Latin-script words inside Chinese text (acronyms, brand names), lower-cased."""
    return [w.lower() for w in _LATIN.findall(text)]


def en_name_forms(text: str, stopwords: Iterable[str] = ()) -> list[str]:
    """Capitalised English words as possible romanised names, lower-cased without
    apostrophes or hyphens (Xi'an -> xian)."""
    stop = set(stopwords)
    out = []
    for w in _CAPWORD.findall(text):
        lw = w.lower()
        if lw in stop:
            continue
        out.append(re.sub(r"['’\-]", "", lw))
    return out


def zh_name_forms(text: str, pinyin: Callable[[str], tuple[str, ...]], wanted: set[str],
                  max_chars: int = 3, prefixes: set[str] | None = None) -> list[str]:
    """Romanisations of 1-3 consecutive Han characters that occur in ``wanted`` (the name
    forms of the English side), tried over every reading of polyphonic characters. Readings
    are extended only while they are a prefix of some wanted form."""
    if not wanted:
        return []
    if prefixes is None:
        prefixes = name_prefixes(wanted)
    found: list[str] = []
    for m in _HAN_RUN.finditer(text):
        run = m.group(0)
        readings = [pinyin(c) for c in run]
        for start in range(len(run)):
            partial = [""]
            for size in range(1, max_chars + 1):
                if start + size > len(run):
                    break
                partial = [p + r for p in partial for r in readings[start + size - 1]
                           if p + r in prefixes]
                if not partial:
                    break
                found.extend(p for p in partial if p in wanted)
    return found


def name_prefixes(wanted: set[str]) -> set[str]:
    return {w[:k] for w in wanted for k in range(1, len(w) + 1)}


_ZH_OPEN = re.compile(r"[“「『]")
_ZH_CLOSE = re.compile(r"[”」』]")
_EN_OPEN = re.compile(r"[“]|(?:^|\s)[‘'\"]\w")
_EN_CLOSE = re.compile(r"[”]|[\w,.!?—-][’'\"](?:\s|$)")


def has_zh_quote(text: str) -> bool:
    return bool(_ZH_QUOTES.search(text))


def has_en_quote(text: str) -> bool:
    return bool(_EN_QUOTES.search(text))


def quote_marks(text: str, zh: bool) -> list[str]:
    """Speech structure tokens: ``&q`` (some quote), ``&qo`` (a quote opens), ``&qc`` (one
    closes). Where a quotation is split across sentences, opening and closing mark the ends."""
    if zh:
        found = has_zh_quote(text)
        opens, closes = _ZH_OPEN.search(text), _ZH_CLOSE.search(text)
    else:
        found = has_en_quote(text)
        opens, closes = _EN_OPEN.search(text), _EN_CLOSE.search(text)
    out = ["&q"] if found else []
    if opens:
        out.append("&qo")
    if closes:
        out.append("&qc")
    return out
