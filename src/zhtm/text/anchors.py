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
_EN_ARABIC = re.compile(r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(?:\s*(thousand|million|billion|trillion)\b)?",
                        re.IGNORECASE)

_DIGIT = re.compile(r"\d")  # what _EN_ARABIC needs to find anything
_EN_UNITS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen".split())}
_EN_TENS = {w: 10 * (i + 2) for i, w in enumerate(
    "twenty thirty forty fifty sixty seventy eighty ninety".split())}
_EN_UNIT_ORD = {w: i + 1 for i, w in enumerate(
    "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth "
    "thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth".split())}
_EN_TENS_ORD = {w[:-1] + "ieth": v for w, v in _EN_TENS.items()}  # twentieth ... ninetieth
_EN_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000,
              "trillion": 1_000_000_000_000}
_EN_SCALE_ORD = {w + "th": v for w, v in _EN_SCALES.items()}  # hundredth, millionth
# Tens and a unit written as one word, with or without the hyphen's space: "twentyone",
# "fortytwo", "twentyfirst" (the hyphen itself is handled by the word splitter).
_EN_RUN_TOGETHER = re.compile(
    "(" + "|".join(_EN_TENS) + ")(" + "|".join(sorted([*_EN_UNITS, *_EN_UNIT_ORD], key=len,
                                                       reverse=True)) + ")")
# Every single-word number form, run-together tens and units included ("sixtyfour").
_EN_NUMBER_FORMS = frozenset([*_EN_UNITS, *_EN_UNIT_ORD, *_EN_TENS, *_EN_TENS_ORD, *_EN_SCALES,
                              *_EN_SCALE_ORD, "dozen"]) | frozenset(
    t + u for t in _EN_TENS for u in [*_EN_UNITS, *_EN_UNIT_ORD])
_EN_WORD = re.compile(r"[A-Za-z]+")
_EN_JOIN = re.compile(r"[ \t\u00a0-]+(?:and[ \t\u00a0-]+)?")  # "twenty-one", "hundred and five"


def _en_number_word(word: str) -> tuple[str, int] | None:
    """(kind, value) of one lower-case English word, or None: kind is 'unit' (0-19), 'tens'
    (20-90), 'tens+unit' (twentyone), 'scale' (hundred ...), 'dozen'; ordinals count as the
    cardinal ("fifth" = 5, "twentieth" = 20, "hundredth" = 100)."""
    if word in _EN_UNITS:
        return "unit", _EN_UNITS[word]
    if word in _EN_UNIT_ORD:
        return "unit", _EN_UNIT_ORD[word]
    if word in _EN_TENS:
        return "tens", _EN_TENS[word]
    if word in _EN_TENS_ORD:
        return "tens", _EN_TENS_ORD[word]
    if word in _EN_SCALES:
        return "scale", _EN_SCALES[word]
    if word in _EN_SCALE_ORD:
        return "scale", _EN_SCALE_ORD[word]
    if word == "dozen":
        return "dozen", 12
    m = _EN_RUN_TOGETHER.fullmatch(word)
    if m:
        unit = _EN_UNITS.get(m.group(2)) or _EN_UNIT_ORD.get(m.group(2), 0)
        if unit and unit < 10:
            return "tens+unit", _EN_TENS[m.group(1)] + unit
    return None


def _en_word_numbers(text: str) -> list[float]:
    """Values of runs of number words ("a hundred and five", "Twenty-First", "sixtyfour").

    A run is consecutive number words joined by spaces, hyphens or "and"; a word that cannot
    continue the number read so far ("two three") starts a new one. Every word is looked up
    with a default, so no text makes this raise."""
    values: list[float] = []
    run: list[str] = []
    total = current = 0.0
    last_kind = ""
    prev_end = 0

    def flush() -> None:
        nonlocal total, current
        # "million" alone was read with the digits before it; "hundreds of" is vague;
        # "one"/"first" are mostly not numbers in running text.
        if run and not all(w in _EN_SCALES for w in run) and total + current != 1:
            values.append(total + current)
        run.clear()
        total = current = 0.0

    if not _EN_NUMBER_FORMS.intersection(_EN_WORD.findall(text.lower())):
        return values  # most sentences: one scan in C, no number word
    for m in _EN_WORD.finditer(text):
        word = m.group(0).lower()
        got = _en_number_word(word) if word in _EN_NUMBER_FORMS else None
        if got is None:
            if word != "and":
                flush()
            continue
        kind, value = got
        if run and not (_EN_JOIN.fullmatch(text, prev_end, m.start()) and _continues(last_kind, kind)):
            flush()
        if kind == "dozen" or value == 100:
            current = (current or 1) * value
        elif kind == "scale":
            total += (current or 1) * value
            current = 0.0
        else:
            current += value
        last_kind, prev_end = kind, m.end()
        run.append(word)
    flush()
    return values


def _continues(last: str, kind: str) -> bool:
    """Whether a number word of `kind` can follow one of kind `last` in the same number."""
    if last == "tens":
        return kind in ("unit", "scale", "dozen")
    if last in ("unit", "tens+unit"):
        return kind in ("scale", "dozen")
    return kind != "dozen"  # after a scale or "dozen": any smaller part ("hundred and five")


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
    for m in _EN_ARABIC.finditer(text) if _DIGIT.search(text) else ():
        v = float(m.group(1).replace(",", "") + (m.group(2) or ""))
        if m.group(3):
            v *= _EN_SCALES[m.group(3).lower()]
        values.append(v)
    values.extend(_en_word_numbers(text))
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
    stop = stopwords if isinstance(stopwords, (set, frozenset)) else set(stopwords)
    out = []
    for w in _CAPWORD.findall(text):
        lw = w.lower()
        if lw in stop:
            continue
        out.append(lw.translate(_NAME_MARKS))
    return out


_NAME_MARKS = str.maketrans("", "", "'’-")


def zh_name_forms(text: str, pinyin: Callable[[str], tuple[str, ...]], wanted: set[str],
                  max_chars: int = 3, prefixes: set[str] | None = None,
                  starters: dict | None = None) -> list[str]:
    """Romanisations of 1-3 consecutive Han characters that occur in ``wanted`` (the name
    forms of the English side), tried over every reading of polyphonic characters. Readings
    are extended only while they are a prefix of some wanted form. ``starters`` (a dict the
    caller keeps for one document) remembers the readings of each character that can begin a
    name, and how each partial reading extends by each next character."""
    if not wanted:
        return []
    if prefixes is None:
        prefixes = name_prefixes(wanted)
    memo: dict = {} if starters is None else starters
    found: list[str] = []
    for m in _HAN_RUN.finditer(text):
        run = m.group(0)
        for start, ch in enumerate(run):
            partial = memo.get(ch)
            if partial is None:
                partial = memo[ch] = tuple(r for r in pinyin(ch) if r in prefixes)
            if not partial:
                continue  # no name starts with this character's reading
            found.extend(p for p in partial if p in wanted)
            for size in range(2, max_chars + 1):
                if start + size > len(run):
                    break
                nxt = run[start + size - 1]
                longer: list[str] = []
                for p in partial:
                    got = memo.get((p, nxt))
                    if got is None:
                        got = memo[(p, nxt)] = tuple(p + r for r in pinyin(nxt)
                                                     if p + r in prefixes)
                    longer.extend(got)
                if not longer:
                    break
                partial = longer
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
