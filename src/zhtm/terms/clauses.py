"""Clause windows inside a translation unit, so that a term's English is looked for where it is.

The Beijing report's beads are often one Chinese sentence of `，`/`；`-joined clauses against
several English sentences. `clause_windows(zh, en)` splits the Chinese into clauses and the
English into sentences (and `;` parts), aligns them monotonically (groups of 0-5 clauses to
0-2 English pieces) by length (relative to the unit's own length ratio), CC-CEDICT gloss
overlap and equal numbers, and returns for every Chinese clause the English character range of
its group. A term found in a clause is then matched against that window only.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

from ..align.lexicon import en_content_stems, load_cedict

_ZH_CLAUSE_END = re.compile(r"[，,；;：:。！？!?]+[”’」）)]*")
_EN_PIECE_END = re.compile(r"(?:(?<=[.!?])[”’\"]?|;)\s+(?=[“\"‘(A-Z0-9])")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_MAX_ZH = 5
_MAX_EN = 2


@dataclass(frozen=True, slots=True)
class Window:
    """Chinese clause [zh_start, zh_end) is translated in English [en_start, en_end)."""

    zh_start: int
    zh_end: int
    en_start: int
    en_end: int


def _pieces(text: str, pattern: re.Pattern[str]) -> list[tuple[int, int]]:
    out, start = [], 0
    for m in pattern.finditer(text):
        if m.end() > start and text[start:m.end()].strip():
            out.append((start, m.end()))
            start = m.end()
    if text[start:].strip():
        out.append((start, len(text)))
    return out


def zh_clauses(text: str) -> list[tuple[int, int]]:
    return _pieces(text, _ZH_CLAUSE_END)


def en_pieces(text: str) -> list[tuple[int, int]]:
    return _pieces(text, _EN_PIECE_END)


@lru_cache(maxsize=20_000)
def _zh_glosses(clause: str) -> frozenset[str]:
    cedict = load_cedict()
    out: set[str] = set()
    for word in cedict.segment(clause):
        out |= cedict.glosses(word)
        if len(word) > 1:
            for ch in word:
                out |= cedict.glosses(ch)
    return frozenset(out)


def _numbers(text: str) -> frozenset[str]:
    return frozenset(n.replace(",", "") for n in _NUMBER.findall(text))


def clause_windows(zh: str, en: str) -> list[Window]:
    """One window per Chinese clause (in order); falls back to the whole English."""
    zc = zh_clauses(zh)
    ep = en_pieces(en)
    whole = [Window(a, b, 0, len(en)) for a, b in zc] or [Window(0, len(zh), 0, len(en))]
    if len(zc) <= 1 or len(ep) <= 1:
        return whole
    m, n = len(zc), len(ep)
    z_len = [sum(1 for ch in zh[a:b] if not ch.isspace()) for a, b in zc]
    e_len = [b - a for a, b in ep]
    ratio = sum(e_len) / max(1, sum(z_len))
    z_gl = [_zh_glosses(zh[a:b]) for a, b in zc]
    z_num = [_numbers(zh[a:b]) for a, b in zc]
    e_st = [en_content_stems(en[a:b]) for a, b in ep]
    e_num = [_numbers(en[a:b]) for a, b in ep]

    def bead(i0: int, i1: int, j0: int, j1: int) -> float:
        zl = sum(z_len[i0:i1]) * ratio
        el = sum(e_len[j0:j1])
        if i1 == i0 or j1 == j0:
            return -3.0 - 0.02 * (zl + el)
        gl = frozenset().union(*z_gl[i0:i1])
        stems = [s for j in range(j0, j1) for s in e_st[j]]
        lex = sum(1 for s in stems if s in gl)
        nums = len(frozenset().union(*z_num[i0:i1]) & frozenset().union(*e_num[j0:j1]))
        length = abs(math.log((el + 10) / (zl + 10)))
        return 2.0 + lex + 3.0 * nums - 6.0 * length * math.sqrt((el + zl) / 60)

    neg = -1e18
    best = [[neg] * (n + 1) for _ in range(m + 1)]
    back: list[list[tuple[int, int]]] = [[(0, 0)] * (n + 1) for _ in range(m + 1)]
    best[0][0] = 0.0
    for i in range(m + 1):
        for j in range(n + 1):
            if best[i][j] == neg:
                continue
            for a in range(_MAX_ZH + 1):
                for b in range(_MAX_EN + 1):
                    if (a == 0 and b == 0) or i + a > m or j + b > n:
                        continue
                    s = best[i][j] + bead(i, i + a, j, j + b)
                    if s > best[i + a][j + b]:
                        best[i + a][j + b] = s
                        back[i + a][j + b] = (i, j)
    if best[m][n] == neg:
        return whole
    out: list[Window] = []
    i, j = m, n
    while i or j:
        pi, pj = back[i][j]
        if i > pi:
            if j > pj:
                start, end = ep[pj][0], ep[j - 1][1]
            else:  # a clause left untranslated here: look in the neighbouring pieces
                start, end = ep[max(0, pj - 1)][0], ep[min(n - 1, pj)][1]
            for k in range(i - 1, pi - 1, -1):
                out.append(Window(zc[k][0], zc[k][1], start, end))
        i, j = pi, pj
    out.reverse()
    return out
