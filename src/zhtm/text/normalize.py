"""Text normalisation for fuzzy matching, and numbers compared by value.

`normalize` is the one definition every score in zhtm is computed on: NFKC (so full- and
half-width forms compare equal: ``，`` = ``,``, ``２０２４`` = ``2024``), lower case, runs of
whitespace collapsed to one space, ends trimmed. Similarity is then OmegaT's per-character
score on the normalised strings.

`extract_numbers` reads the numbers of a segment by value (``2315万`` = 23,150,000,
``二十一`` = 21, ``１２.５%`` = 12.5 %, ``六点五`` = 6.5, the list ordinal ``三是`` = 3), so that a match whose numbers differ from the
query's can be flagged: the edit distance alone sees ``2315万`` vs ``2300万`` as two
characters.
"""

from __future__ import annotations

import bisect
import itertools
import re
import unicodedata
from collections.abc import Sequence
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

_SPACE = re.compile(r"\s+")


_SURROGATE = re.compile("[\ud800-\udfff]")


def undecodable(text: str) -> str | None:
    """What makes `text` not text, or None: a lone surrogate, which is how Python carries a
    byte that was not UTF-8 (an argument, a file name) into a string."""
    m = _SURROGATE.search(text)
    if m is None:
        return None
    code = ord(m.group(0))
    if 0xDC80 <= code <= 0xDCFF:
        return f"byte 0x{code - 0xDC00:02x} at character {m.start() + 1} is not UTF-8"
    return f"a lone surrogate U+{code:04X} at character {m.start() + 1} is not a character"


def normalize(text: str) -> str:
    """NFKC, lower-cased, whitespace collapsed and trimmed."""
    text = unicodedata.normalize("NFKC", text).lower()
    return _SPACE.sub(" ", text).strip()


# Where a TM's text lives: Latin, punctuation, letterlike and number forms, enclosed
# alphanumerics, CJK symbols, ideographs, compatibility ideographs, vertical and full-width
# forms. `_char_map` keeps those of them whose NFKC is the same whatever surrounds them.
_COMMON_RANGES = ((0x20, 0x24F), (0x2000, 0x218F), (0x2460, 0x24FF), (0x3000, 0x303F),
                  (0x3200, 0x33FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF),
                  (0xFE30, 0xFE4F), (0xFF00, 0xFFEF))
_CHAR_MAP: tuple[dict[str, str], re.Pattern, re.Pattern] | None = None
# Building the map costs about 0.1 s CPU, what the map saves on some 20,000 sentences: a
# process that has not built it normalises smaller batches (a small TM's index) one by one.
_MAP_WORTH = 20_000


def _inert(ch: str) -> bool:
    """Whether NFKC never combines this character with a neighbour: neither it nor its
    compatibility decomposition holds a mark (combining or spacing, every character a
    composition can add to the one before is one) or a conjoining Hangul jamo."""
    return all(not unicodedata.category(d).startswith("M") and unicodedata.combining(d) == 0
               and not 0x1100 <= ord(d) <= 0x11FF
               for d in ch + unicodedata.normalize("NFKD", ch))


def _char_map() -> tuple[dict[str, str], re.Pattern, re.Pattern]:
    """(NFKC of each inert common character that NFKC changes, a pattern finding those, a
    pattern finding any other character but NUL): a text of inert characters is normalised
    character by character."""
    global _CHAR_MAP
    if _CHAR_MAP is None:
        table: dict[str, str] = {}
        inert: list[tuple[int, int]] = []
        for lo, hi in _COMMON_RANGES:
            for code in range(lo, hi + 1):
                ch = chr(code)
                if not _inert(ch):
                    continue
                nfkc = unicodedata.normalize("NFKC", ch)
                if nfkc != ch:
                    table[ch] = nfkc
                if inert and inert[-1][1] == code - 1:
                    inert[-1] = (inert[-1][0], code)
                else:
                    inert.append((code, code))
        other = "[^\\x00" + "".join(f"\\U{a:08x}-\\U{b:08x}" for a, b in inert) + "]"
        _CHAR_MAP = table, re.compile("[" + re.escape("".join(table)) + "]"), re.compile(other)
    return _CHAR_MAP


def normalize_many(texts: Sequence[str]) -> list[str]:
    """``[normalize(t) for t in texts]``, several times faster on many texts: texts of inert
    common characters (nearly all of a TM) are joined by NUL (not whitespace, no case, no
    NFKC mapping: nothing crosses it) and normalised at once, NFKC as a character map; any
    other text on its own."""
    if not texts:
        return []
    if _CHAR_MAP is None and len(texts) < _MAP_WORTH:
        return [normalize(t) for t in texts]  # a small store: not worth building the map
    table, mapped, other = _char_map()
    block = "\x00".join(texts)
    nfkc = mapped.sub(lambda found: table[found.group()], block)
    # str.split() splits at exactly the characters \s matches (Py_UNICODE_ISSPACE), ~5x
    # faster than the pattern; the ends it drops are trimmed from every text below anyway
    joined = " ".join(nfkc.lower().split()).split("\x00")
    if len(joined) != len(texts):  # a text holds a NUL itself
        return [normalize(t) for t in texts]
    out = [piece.strip() for piece in joined]
    found = other.search(block)
    if found is not None:
        starts = list(itertools.accumulate((len(t) + 1 for t in texts), initial=0))
        while found is not None:
            i = bisect.bisect_right(starts, found.start()) - 1
            out[i] = normalize(texts[i])
            found = other.search(block, starts[i + 1])
    return out


def normalize_with_map(text: str) -> tuple[str, list[int]]:
    """`normalize(text)` and, for each of its characters, the index of the source character.

    Normalises character by character; where that differs from `normalize` (combining
    sequences that NFKC composes), returns the normalised text mapped onto itself, so
    callers can always display something consistent.
    """
    out: list[str] = []
    origin: list[int] = []
    pending_space: int | None = None
    for i, ch in enumerate(text):
        norm = unicodedata.normalize("NFKC", ch).lower()
        for piece in norm:
            if piece.isspace():
                if out and pending_space is None:
                    pending_space = i
                continue
            if pending_space is not None:
                out.append(" ")
                origin.append(pending_space)
                pending_space = None
            out.append(piece)
            origin.append(i)
    result = "".join(out)
    if result != normalize(text):
        whole = normalize(text)
        return whole, list(range(len(whole)))
    return result, origin


# --- numbers -------------------------------------------------------------------------------

_DIGITS = "零〇一二两三四五六七八九"
_DIGIT_VALUE = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}
_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
_CLASSIFIERS = "个项条种次年月日倍家所座名人件批处台辆架元"

_ARABIC = re.compile(r"(\d+(?:,\d{3})*(?:\.\d+)?)\s*(万亿|万|亿|千)?\s*(%|‰)?")
_HANZI = re.compile(rf"[{_DIGITS}十百千万亿]+")
# 六点五 = 6.5 (六点五亿, 百分之六点五 too); 一点一滴 and 一点一点 ("bit by bit") are not.
_HANZI_DECIMAL = re.compile(rf"(?P<int>[{_DIGITS}十百千]+)点(?P<frac>[零〇一二三四五六七八九]+)"
                            r"(?![滴点])(?P<unit>万亿|万|亿)?(?P<pct>%)?")
_UNIT_VALUE = {"千": 1000, "万": 10**4, "亿": 10**8, "万亿": 10**12}
_CLAUSE_START = "。;:,!?、\"'“”‘’「」『』《》【】[]()（）"  # after NFKC; a list ordinal follows one


@dataclass(frozen=True, slots=True)
class Number:
    """A number found in a segment: its value, and the text it was read from."""

    value: Decimal
    text: str
    percent: bool = False


def _parse_hanzi(run: str) -> Decimal | None:
    if all(c in _DIGIT_VALUE for c in run):            # 二〇二四 read digit by digit
        if len(run) == 1:
            return Decimal(_DIGIT_VALUE[run])
        return Decimal("".join(str(_DIGIT_VALUE[c]) for c in run))
    total = 0
    section = 0
    digit: int | None = None
    for c in run:
        if c in _DIGIT_VALUE:
            if digit is not None and digit != 0 and _DIGIT_VALUE[c] != 0:
                return None                              # 三五 inside a unit run: not a number
            digit = _DIGIT_VALUE[c]
        elif c in _SMALL_UNITS:
            section += (1 if digit is None else digit) * _SMALL_UNITS[c]
            digit = None
        elif c == "万":
            total += (section + (digit or 0)) * 10**4
            section, digit = 0, None
        else:                                            # 亿 multiplies everything before it
            total = (total + section + (digit or 0)) * 10**8
            section, digit = 0, None
    return Decimal(total + section + (digit or 0))


def extract_numbers(text: str) -> tuple[Number, ...]:
    """Numbers in a (raw or normalised) segment, in order, with 万/亿/千 and % applied.

    Chinese numerals count only when they cannot be part of a word: runs of two or more
    numeral characters that include 十/百/千/万/亿 or are all digits (二十一, 二〇二四), a
    single numeral before a classifier (三个, 五年), after 第 or 百分之 (第一, 百分之三), a
    decimal (六点五, not 一点一滴), or a list ordinal at the start of a clause (一是, 二要,
    三、, (四)): to a translator "First," and "Third," differ as 1 and 3 do. 一体化 and 统一
    are not numbers.
    """
    text = unicodedata.normalize("NFKC", text)
    found: list[tuple[int, Number]] = []
    taken = [False] * len(text)

    def take(start: int, end: int, number: Number) -> None:
        found.append((start, number))
        for i in range(start, end):
            taken[i] = True

    for m in _ARABIC.finditer(text):
        raw, unit, pct = m.group(1), m.group(2), m.group(3)
        try:
            value = Decimal(raw.replace(",", ""))
        except InvalidOperation:  # pragma: no cover - the pattern only admits valid numbers
            continue
        if unit:
            value *= _UNIT_VALUE[unit]
        take(m.start(), m.end(), Number(value.normalize(), m.group(0).strip(), bool(pct)))
    for m in _HANZI_DECIMAL.finditer(text):
        if any(taken[m.start():m.end()]):
            continue
        whole = _parse_hanzi(m.group("int"))
        if whole is None:
            continue
        value = whole + Decimal("0." + "".join(str(_DIGIT_VALUE[c]) for c in m.group("frac")))
        if m.group("unit"):
            value *= _UNIT_VALUE[m.group("unit")]
        percent = bool(m.group("pct")) or text.endswith("百分之", 0, m.start())
        take(m.start(), m.end(), Number(value.normalize(), m.group(0), percent))
    for m in _HANZI.finditer(text):
        if any(taken[m.start():m.end()]):
            continue
        run = m.group(0)
        before, after = text[:m.start()], text[m.end():m.end() + 1]
        percent = before.endswith("百分之")
        strong = len(run) >= 2 and (any(c in "十百千万亿" for c in run) or
                                    all(c in _DIGIT_VALUE for c in run))
        marked = (run[-1] in _DIGIT_VALUE and after and after in _CLASSIFIERS) or \
            before.endswith("第") or percent or _is_list_ordinal(before, run, text[m.end():])
        if not strong and not marked:
            continue
        if run in ("万", "亿", "千", "百", "十") or (len(run) >= 2 and run[0] in "万亿"):
            continue
        value = _parse_hanzi(run)
        if value is not None:
            found.append((m.start(), Number(value.normalize(), run, percent)))
    found.sort(key=lambda item: item[0])
    return tuple(number for _, number in found)


def _is_list_ordinal(before: str, run: str, rest: str) -> bool:
    """一是 / 二要 / 三、 / (四) opening a clause: the numbered points of a report."""
    if len(run) > 3 or any(c in "百千万亿" for c in run):
        return False
    opens = not before or before[-1] in _CLAUSE_START or before[-1].isspace()
    if opens and rest[:1] in ("是", "要", "、"):
        return True
    return before.endswith("(") and rest.startswith(")")


@dataclass(frozen=True, slots=True)
class NumberPenalty:
    """Numbers that differ between a query and a match (shown apart from the score)."""

    only_in_query: tuple[str, ...]
    only_in_match: tuple[str, ...]

    def __bool__(self) -> bool:
        return bool(self.only_in_query or self.only_in_match)

    def describe(self) -> str:
        parts = []
        if self.only_in_query:
            parts.append("query " + ", ".join(self.only_in_query))
        if self.only_in_match:
            parts.append("match " + ", ".join(self.only_in_match))
        return "numbers differ: " + "; ".join(parts)


def number_penalty(query: str, match: str) -> NumberPenalty:
    """Compare the numbers of two segments by value (multisets)."""
    q = extract_numbers(query)
    t = extract_numbers(match)
    qc = Counter((n.value, n.percent) for n in q)
    tc = Counter((n.value, n.percent) for n in t)
    missing = qc - tc
    extra = tc - qc

    def texts(numbers: tuple[Number, ...], left: Counter) -> tuple[str, ...]:
        out = []
        left = Counter(left)
        for n in numbers:
            key = (n.value, n.percent)
            if left[key] > 0:
                out.append(n.text)
                left[key] -= 1
        return tuple(out)

    return NumberPenalty(texts(q, missing), texts(t, extra))
