"""Chinese clauses: the pieces of a sentence between ，；： (and their half-width forms).

Policy prose repeats clauses more than sentences (a new report reuses "推动高质量发展" in
sentences it never wrote before), so the TM keeps clauses as units of their own and a query
is cut the same way. `cut_clauses` is the one definition both sides use:

* cuts after ，,；;：: and after 。！？!? (a TU may hold several sentences);
* never inside quotes or brackets (“…”, ‘…’, 「…」, 《…》, （…）, (…), 【…】, [...]; an
  opener that is never closed protects nothing), nor between two digits (1,000, 3:2), nor
  between two Latin letters or digits at a half-width mark (English inside Chinese);
* a piece with fewer than `MIN_CHARS` Han characters, letters or digits (为此，/ 第一，/
  同时，) is not a clause of its own: it joins the next one (the last piece joins the one
  before); so does a piece ending on an enumeration marker (主要是：一是，), so an
  enumeration item 一是，加强X stays one clause;
* the clause text is trimmed of spaces and of its closing mark (。，；： ...).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MIN_CHARS = 4
_CUT_AFTER = frozenset("，,；;：:。！？!?")
_HALF_WIDTH = frozenset(",;:")
_TRAILING = "，,；;：:。！？!?、 \t\u3000"
_PAIRS = {"“": "”", "‘": "’", "「": "」", "『": "』", "《": "》", "〈": "〉", "（": "）",
          "(": ")", "【": "】", "[": "]", "〔": "〕"}
_CLOSERS = {close: open_ for open_, close in _PAIRS.items()}
# A piece ending on an enumeration marker ("...：一是，") belongs to the item it opens.
_ENUMERATION = re.compile(r"(?:[一二三四五六七八九十]+是|第[一二三四五六七八九十]+|首先|其次|其一|其二|"
                          r"其三|最后)[，,：:、\s]*$")


@dataclass(frozen=True, slots=True)
class Clause:
    """``text[start:end]`` of the sentence it was cut from (trimmed, closing mark dropped)."""

    start: int
    end: int
    text: str


# Han characters, ASCII letters and digits, full-width digits and letters: what a clause
# must hold `MIN_CHARS` of.
_CONTENT = re.compile("[\u4e00-\u9fff\u3400-\u4dbf\uf900-\ufaff\U00020000-\U0003ffff"
                      "0-9A-Za-z\uff10-\uff19\uff21-\uff5a]")


def _is_content(ch: str) -> bool:
    return _CONTENT.match(ch) is not None


_MARKS = re.compile("[" + re.escape("".join(sorted(_CUT_AFTER))) + "]")
_BRACKETS = re.compile("[" + re.escape('"' + "".join(_PAIRS) + "".join(_CLOSERS)) + "]")


def _protected(text: str) -> bytearray | None:
    """For each character: is it inside a matched pair of quotes or brackets? (None when
    the text has no quote or bracket at all: most sentences)."""
    marks = _BRACKETS.finditer(text)
    first = next(marks, None)
    if first is None:
        return None
    inside = bytearray(len(text))
    stack: list[tuple[str, int]] = []
    ascii_quote: int | None = None
    for found in (first, *marks):
        i = found.start()
        ch = text[i]
        if ch == '"':
            if ascii_quote is None:
                ascii_quote = i
            else:
                inside[ascii_quote + 1:i] = b"\x01" * (i - ascii_quote - 1)
                ascii_quote = None
        elif ch in _PAIRS and not (ch == "‘" and stack and stack[-1][0] == "‘"):
            stack.append((ch, i))
        elif ch in _CLOSERS:
            # close the nearest matching opener; openers above it were never closed
            for depth in range(len(stack) - 1, -1, -1):
                if stack[depth][0] == _CLOSERS[ch]:
                    start = stack[depth][1]
                    inside[start + 1:i] = b"\x01" * (i - start - 1)
                    del stack[depth:]
                    break
    return inside


def _cut_points(text: str) -> list[int]:
    """Positions after which the text is cut (only the marks are looked at: a regular
    expression finds them)."""
    inside = None
    n = len(text)
    cuts = []
    for found in _MARKS.finditer(text):
        i = found.start()
        if inside is None:
            inside = _protected(text) or False
        if inside and inside[i]:
            continue
        if i + 1 < n and text[i + 1] in _CUT_AFTER:
            continue  # a run of marks (！？) is cut after its last one
        before = text[i - 1] if i else ""
        after = text[i + 1] if i + 1 < n else ""
        if before.isdigit() and after.isdigit():
            continue  # 1,000 / 3:2 / 1，000
        if text[i] in _HALF_WIDTH and before.isascii() and before.isalnum() and \
                after.isascii() and (after.isalnum() or after == " "):
            continue  # English inside the Chinese ("G20, BRICS")
        cuts.append(i + 1)
    return cuts


def cut_clauses(text: str, min_chars: int = MIN_CHARS) -> list[Clause]:
    """The clauses of a Chinese sentence (or of several), in order; see the module docstring.

    Never fails: a text without any mark is one clause; a text without content is none.

    >>> [c.text for c in cut_clauses("一是，加强监管；二是完善“放管服”改革，提高效率。")]
    ['一是，加强监管', '二是完善“放管服”改革', '提高效率']
    """
    bounds = [0, *_cut_points(text)]
    if bounds[-1] != len(text):
        bounds.append(len(text))
    pieces = []
    for a, b in zip(bounds, bounds[1:]):
        size = len(_CONTENT.findall(text, a, b))
        if size:
            pieces.append([a, b, size])
        elif pieces:
            pieces[-1][1] = b  # marks or spaces only: part of the clause before
    merged: list[list[int]] = []
    carry: list[int] | None = None
    for piece in pieces:
        if carry is not None:
            piece = [carry[0], piece[1], carry[2] + piece[2]]
            carry = None
        if piece[2] < min_chars or _ENUMERATION.search(text, piece[0], piece[1]):
            carry = piece  # too short, or ends on an enumeration marker: joins the next
            continue
        merged.append(piece)
    if carry is not None:
        if merged:
            merged[-1] = [merged[-1][0], carry[1], merged[-1][2] + carry[2]]
        else:
            merged.append(carry)
    out = []
    for a, b, _ in merged:
        while a < b and text[a] in " \t\u3000":
            a += 1
        while b > a and text[b - 1] in _TRAILING:
            b -= 1
        if b > a:
            out.append(Clause(a, b, text[a:b]))
    return out
