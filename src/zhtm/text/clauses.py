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
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

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
    return _clauses_of(text, pieces, min_chars)


def _clauses_of(text: str, pieces: list[list[int]], min_chars: int, offset: int = 0
                ) -> list[Clause]:
    """Pieces ([start, end, content characters]) joined into clauses and trimmed; the
    clauses' positions count from `offset` in `text`."""
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
            out.append(Clause(a - offset, b - offset, text[a:b]))
    return out


# --- many texts at once (an import cuts millions) -------------------------------------------

_SEP = "\x00"  # joins the texts of a batch; a text holding it is cut on its own


def _table(chars: str) -> np.ndarray:
    """A flag for every code point (1.1 MB, mostly never touched): looking a code point up
    is one take, with no clipping of the astral planes first."""
    table = np.zeros(0x110000, bool)
    table[[ord(c) for c in chars]] = True
    return table


_MARK_TABLE = _table("".join(_CUT_AFTER))
_BRACKET_TABLE = _table('"' + "".join(_PAIRS) + "".join(_CLOSERS))
_HALF_WIDTH_CPS = np.array(sorted(map(ord, _HALF_WIDTH)), np.uint32)
# code point ranges of `_CONTENT`, inclusive
_CONTENT_RANGES = ((0x4E00, 0x9FFF), (0x3400, 0x4DBF), (0xF900, 0xFAFF), (0x20000, 0x3FFFF),
                   (0x30, 0x39), (0x41, 0x5A), (0x61, 0x7A), (0xFF10, 0xFF19), (0xFF21, 0xFF5A))


def _range_table(ranges: tuple[tuple[int, int], ...]) -> np.ndarray:
    table = np.zeros(0x110000, bool)
    for lo, hi in ranges:
        table[lo:hi + 1] = True
    return table


_CONTENT_TABLE = _range_table(_CONTENT_RANGES)


def _in_table(cp: np.ndarray, table: np.ndarray) -> np.ndarray:
    return table[cp]


def _ascii_alnum(cp: np.ndarray) -> np.ndarray:
    return ((cp >= 0x30) & (cp <= 0x39)) | ((cp >= 0x41) & (cp <= 0x5A)) | \
        ((cp >= 0x61) & (cp <= 0x7A))


def _sorted_unique(values: np.ndarray) -> np.ndarray:
    values = np.sort(values)
    keep = np.ones(len(values), bool)
    np.not_equal(values[1:], values[:-1], out=keep[1:])
    return values[keep]


def _cumulative(mask: np.ndarray) -> np.ndarray:
    """How many of mask[:i] are set, for i in 0..len(mask)."""
    out = np.zeros(len(mask) + 1, np.int64)
    np.cumsum(mask, out=out[1:])
    return out


_ENUMERATION_CHARS = _table("是第首其最")  # every enumeration marker holds one of these
_LEADING = _table(" \t\u3000")
_TRAILING_TABLE = _table(_TRAILING)


@dataclass(frozen=True, slots=True)
class ClauseBatch:
    """The clauses of many texts, flat and in order: clause k is ``texts[k]``, cut from
    text number ``owner[k]`` (ascending) at ``start[k]:end[k]``."""

    owner: np.ndarray
    start: np.ndarray
    end: np.ndarray
    texts: list[str]


def cut_clauses_many(texts: Sequence[str], min_chars: int = MIN_CHARS) -> list[list[Clause]]:
    """``[cut_clauses(t) for t in texts]``, several times faster on many texts (see
    `cut_clauses_flat`)."""
    flat = cut_clauses_flat(texts, min_chars)
    out: list[list[Clause]] = [[] for _ in texts]
    for k, a, b, text in zip(flat.owner.tolist(), flat.start.tolist(), flat.end.tolist(),
                             flat.texts):
        out[k].append(Clause(a, b, text))
    return out


def cut_clauses_flat(texts: Sequence[str], min_chars: int = MIN_CHARS) -> ClauseBatch:
    """The clauses of every text, as `cut_clauses` cuts them, flat: cut points, pieces,
    their content and the trimming are found for the whole batch at once with numpy; only
    the pieces of texts with a short piece or a possible enumeration marker are joined in
    a Python loop (`_joined`, the rule of `_clauses_of`)."""
    # texts cut one by one: (text number, its clauses)
    alone = [(i, cut_clauses(t, min_chars)) for i, t in enumerate(texts) if _SEP in t]
    if alone:
        skip = {i for i, _ in alone}
        batch = [i for i in range(len(texts)) if i not in skip]
    else:
        batch = list(range(len(texts)))
    if not batch:
        return _flat([], [], [], [], alone)
    block = _SEP.join([texts[i] for i in batch])
    cp = np.frombuffer(block.encode("utf-32-le", "surrogatepass"), "<u4")
    lens = np.fromiter((len(texts[i]) for i in batch), np.int64, len(batch))
    starts = np.zeros(len(batch), np.int64)
    np.cumsum(lens[:-1] + 1, out=starts[1:])
    ends = starts + lens
    cuts = _cut_points_many(block, cp, starts, lens)
    # pieces: between consecutive boundaries of one text
    points = _sorted_unique(np.concatenate([starts, cuts + 1, ends]))
    a, b = points[:-1], points[1:]
    owner = np.searchsorted(starts, a, "right") - 1
    keep = b <= ends[owner]
    a, b, owner = a[keep], b[keep], owner[keep]
    content_before = _cumulative(_CONTENT_TABLE[cp])
    size = content_before[b] - content_before[a]
    # pieces without content belong to the piece before (and are dropped before the first)
    kept = size > 0
    a, size, owner = a[kept], size[kept], owner[kept]
    same_next = np.append(owner[1:] == owner[:-1], False)
    b = np.where(same_next, np.append(a[1:], 0), ends[owner])
    # texts where every piece is a clause of its own (no short piece, no possible
    # enumeration marker): the common case; the others' pieces are joined in one loop
    enum_before = _cumulative(_in_table(cp, _ENUMERATION_CHARS))
    possible = enum_before[b] > enum_before[a]
    special = (size < min_chars) | possible
    special_text = np.zeros(len(batch), bool)
    special_text[owner[special]] = True
    joining = special_text[owner]
    if joining.any():
        ja, jb, jowner = _joined(block, a[joining], b[joining], size[joining], owner[joining],
                                 possible[joining], min_chars)
        a = np.concatenate([a[~joining], ja])
        b = np.concatenate([b[~joining], jb])
        owner = np.concatenate([owner[~joining], jowner])
        by_place = np.argsort(a, kind="stable")  # block order is text order
        a, b, owner = a[by_place], b[by_place], owner[by_place]
    # trimming: leading spaces, trailing marks and spaces
    n = len(cp)
    positions = np.arange(n, dtype=np.int64)
    next_kept = np.where(_in_table(cp, _LEADING), n, positions)
    next_kept = np.minimum.accumulate(next_kept[::-1])[::-1]
    last_kept = np.where(_in_table(cp, _TRAILING_TABLE), -1, positions)
    last_kept = np.maximum.accumulate(last_kept)
    ta = np.minimum(next_kept[np.minimum(a, n - 1)], b)
    tb = np.maximum(last_kept[b - 1] + 1, ta)
    plain = tb > ta
    ta, tb, owner = ta[plain], tb[plain], owner[plain]
    pieces = [block[x:y] for x, y in zip(ta.tolist(), tb.tolist())]
    base = starts[owner]
    return _flat(np.asarray(batch, np.int64)[owner], ta - base, tb - base, pieces, alone)


def _joined(block: str, a: np.ndarray, b: np.ndarray, size: np.ndarray, owner: np.ndarray,
            possible: np.ndarray, min_chars: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pieces (in text order) joined into clauses as `_clauses_of` joins them, untrimmed:
    a piece too short or ending on an enumeration marker joins the next, the last one the
    clause before. (The marker is looked for in the piece alone: the character before a
    piece is a cut mark, which no marker holds, so a joined piece ends on one only if its
    last piece does.)"""
    a_list, b_list, size_list, owner_list = a.tolist(), b.tolist(), size.tolist(), owner.tolist()
    possible_list = possible.tolist()
    search = _ENUMERATION.search
    out_a: list[int] = []
    out_b: list[int] = []
    out_owner: list[int] = []
    n = len(a_list)
    carry_start = carry_size = -1
    text_first = 0  # the first clause of the current text in out_*
    for j in range(n):
        text = owner_list[j]
        if j == 0 or text != owner_list[j - 1]:
            carry_start, text_first = -1, len(out_a)
        if carry_start >= 0:
            start, joined_size = carry_start, carry_size + size_list[j]
        else:
            start, joined_size = a_list[j], size_list[j]
        if joined_size < min_chars or (possible_list[j] and search(block, a_list[j], b_list[j])):
            carry_start, carry_size = start, joined_size
        else:
            out_a.append(start)
            out_b.append(b_list[j])
            out_owner.append(text)
            carry_start = -1
        if carry_start >= 0 and (j + 1 == n or owner_list[j + 1] != text):
            if len(out_a) > text_first:
                out_b[-1] = b_list[j]
            else:
                out_a.append(carry_start)
                out_b.append(b_list[j])
                out_owner.append(text)
    return (np.array(out_a, np.int64), np.array(out_b, np.int64),
            np.array(out_owner, np.int64))


def _flat(owner, start, end, texts: list[str], alone: list[tuple[int, list[Clause]]]
          ) -> ClauseBatch:
    """The batch's clauses and those cut one by one (`alone`), in text order."""
    if alone:
        owner = np.concatenate([np.asarray(owner, np.int64),
                                np.array([i for i, cl in alone for _ in cl], np.int64)])
        start = np.concatenate([np.asarray(start, np.int64),
                                np.array([c.start for _, cl in alone for c in cl], np.int64)])
        end = np.concatenate([np.asarray(end, np.int64),
                              np.array([c.end for _, cl in alone for c in cl], np.int64)])
        texts = texts + [c.text for _, cl in alone for c in cl]
        order = np.argsort(owner, kind="stable")
        owner, start, end = owner[order], start[order], end[order]
        texts = [texts[k] for k in order.tolist()]
    return ClauseBatch(np.asarray(owner, np.int64), np.asarray(start, np.int64),
                       np.asarray(end, np.int64), texts)


def _cut_points_many(block: str, cp: np.ndarray, starts: np.ndarray, lens: np.ndarray
                     ) -> np.ndarray:
    """Positions (in `block`) of the marks after which `_cut_points` cuts, all texts at once."""
    n = len(cp)
    is_mark = _in_table(cp, _MARK_TABLE)
    cand = np.flatnonzero(is_mark)
    following = np.append(is_mark[1:], False)
    cand = cand[~following[cand]]  # a run of marks is cut after its last one
    if not len(cand):
        return cand
    before = np.where(cand > 0, cp[np.maximum(cand - 1, 0)], 0)
    after = np.where(cand + 1 < n, cp[np.minimum(cand + 1, n - 1)], 0)
    near = _sorted_unique(np.concatenate([before, after]))
    digits = np.array([c for c in near.tolist() if chr(c).isdigit()], np.uint32)
    keep = ~(np.isin(before, digits) & np.isin(after, digits))  # 1,000 / 3:2
    keep &= ~(np.isin(cp[cand], _HALF_WIDTH_CPS) & _ascii_alnum(before)
              & (_ascii_alnum(after) | (after == 0x20)))  # English inside the Chinese
    cand = cand[keep]
    # quotes and brackets: the texts that hold any are looked at one by one
    brackets = np.flatnonzero(_in_table(cp, _BRACKET_TABLE))
    if len(brackets) and len(cand):
        inside = np.zeros(n, bool)
        holders = _sorted_unique(np.searchsorted(starts, brackets, "right") - 1)
        for k in holders.tolist():
            s = int(starts[k])
            flags = _protected(block[s:s + int(lens[k])])
            if flags is not None:
                inside[s:s + len(flags)] = np.frombuffer(bytes(flags), bool)
        cand = cand[~inside[cand]]
    return cand
