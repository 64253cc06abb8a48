"""Where a term's English is looked for: the English of all units, tokenised, with the
windows aligned to the term's clauses, quote positions and the words around the term.

`EnglishText` holds what does not depend on the term (tokens, capitals, n-gram unit
frequencies); its methods give the windows of a term in a unit, the priors of the English
quotes there, and the glosses of the Chinese words around the term.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from .clauses import clause_windows
from .glosses import HARD, QUOTES, TermLexicon, Token, _word_glosses, tokenize

MAX_WORDS = 9  # longest English span of a term of up to 9 characters


@dataclass(frozen=True, slots=True)
class EnSignals:
    """Which signals choose the English (all on by default; the bench switches them off)."""

    windows: bool = True  # look only in the English aligned to the term's clauses
    association: bool = True  # unexplained spans that recur with the term; consistency
    numerals: bool = True  # a numeral slogan's English names all its numbers
    quote_pairs: bool = True  # quoted slogan ↔ the English quote at its position
    derived: bool = True  # glosses explain derived forms (revitalize → revitalization)
    entry_names: bool = True  # a long dictionary entry's name before its comma is a gloss
    # ("Belt and Road Initiative, Chinese government plan to …" for 一带一路)
    foreign: bool = True  # words that translate the Chinese around the term are not its English
    sure_variants: bool = True  # a variant renders the whole term, twice (or word for word once)
    lists: bool = True  # an enumeration is whole up to its last member (“water, electricity, gas, and heating”)
    adjectives: bool = True  # English ending on an adjective is a modifier cut from its noun ("non-public")
    modifiers: bool = True  # nor does it end on an owner or a number compound ("people's", "five-year")
    longer_renderings: bool = True  # an occurrence inside a longer rendering (a name continued,
    # a coordinated member) counts for that one ("East Sixth Ring Road High Line Park")
    correlatives: bool = True  # "both … and" is kept whole ("both development and security")
    # A span does not cut a coordination ("cordial and clean relationship between the government
    # and businesses" for 亲清政商关系):
    between: bool = True  # "between" holds its "and" member
    conjuncts: bool = True  # an adjective joined before the span ("cordial and") is kept when the
    # span leaves the term's first character untranslated
    binomials: bool = True  # a pair of members the term both explains is one rendering
    # ("lawful rights and interests" for 合法权益, not "lawful rights")
    nested_linking: bool = True  # competitive linking gives a span two strings see to the
    # longer when one holds the other (每月一题, not 每月一)
    predicates: bool = True  # a verb and its determined object ("Increase the …") is no term's English
    head_first: bool = True  # an unexplained noun before of/to/for heads the term's English when
    # the term's one-character head is otherwise untranslated ("holistic approach to national security")
    quote_modifiers: bool = True  # a quote that leaves the quoted term's first character
    # untranslated takes the modifier before it: critical “minor details” (关键小事)
    head_extensions: bool = True  # a noun after the word translating the term's head is a
    # larger phrase's head ("national forest city standards" → "national forest city")
    consistent_leads: bool = True  # unexplained words opening a span cost nothing when the
    # term's every occurrence has them and nothing else does ("swift response to public complaints")
    names: bool = True  # a name is kept whole over "of", "for" and a parenthesis of names or
    # years: "Master Plan of Development for Beijing (2016-2035)", "China (Beijing) Pilot …"

_ZH_QUOTE = re.compile(r"“([^“”]{1,24})”")


class EnglishText:
    """The English of all units, tokenised, with unit frequencies of word n-grams."""

    def __init__(self, texts: Sequence[str], zh_texts: Sequence[str] | None = None, *,
                 signals: EnSignals = EnSignals()) -> None:
        self.texts = list(texts)
        self.zh_texts = list(zh_texts) if zh_texts is not None else None
        self.tokens = [tokenize(t) for t in texts]
        self.lowers = [[t.lower for t in toks] for toks in self.tokens]
        # 2: a capitalised word that is not just the first of a sentence, 1: a name's
        # connective (of, and ...) or a sentence-initial capital, 0: anything else.
        self.caps = [[2 if _capital(t) and k > 0 and toks[k - 1].lower not in HARD else
                      1 if t.text[:1].isupper() or t.lower in _NAME_GLUE else 0
                      for k, t in enumerate(toks)] for toks in self.tokens]
        self._first: dict[str, list[tuple[int, int]]] = {}
        for unit, lw in enumerate(self.lowers):
            for k, w in enumerate(lw):
                self._first.setdefault(w, []).append((unit, k))
        self.df: Counter[tuple[str, ...]] = Counter()
        for toks in self.tokens:
            self.df.update(set(self._ngrams(toks)))
        self.signals = signals
        self.association = signals.association
        self.quotes = signals.quote_pairs
        self.numerals = signals.numerals
        self.windows = signals.windows
        self._windows: dict[int, list] = {}
        self._zh_of: dict[tuple[int, int, int], str] = {}
        self._parens: dict[int, dict[int, int]] = {}

    def name_parens(self, unit: int) -> dict[int, int]:
        """{index of "(": index of ")"} for the parentheses inside or after a Title Case
        name that hold names or years ("China (Beijing) Pilot", "Plan … (2016-2035)"), not
        an abbreviation ("(AGI)") or a remark."""
        got = self._parens.get(unit)
        if got is None:
            got = self._parens[unit] = _name_parens(self.tokens[unit], self.caps[unit])
        return got

    def window_ranges(self, zh: str, unit: int) -> list[tuple[int, int]]:
        """Token ranges [lo, hi) of the English aligned to the clauses of `unit` holding `zh`
        (the whole unit without Chinese text, or when windows are off)."""
        toks = self.tokens[unit]
        if self.zh_texts is None or not self.windows:
            return [(0, len(toks))]
        wins = self._windows.get(unit)
        if wins is None:
            wins = self._windows[unit] = clause_windows(self.zh_texts[unit], self.texts[unit])
        text = self.zh_texts[unit]
        ranges: list[tuple[int, int]] = []
        pos = text.find(zh)
        while pos >= 0:
            for w in wins:
                if w.zh_start <= pos < w.zh_end:
                    lo = next((k for k, t in enumerate(toks) if t.start >= w.en_start), len(toks))
                    hi = next((k for k, t in enumerate(toks) if t.start >= w.en_end), len(toks))
                    if hi > lo and (lo, hi) not in ranges:
                        ranges.append((lo, hi))
                        zh_here = "".join(text[v.zh_start:v.zh_end] for v in wins
                                          if (v.en_start, v.en_end) == (w.en_start, w.en_end))
                        self._zh_of[(unit, lo, hi)] = zh_here
                    break
            pos = text.find(zh, pos + 1)
        return _merge(ranges) or [(0, len(toks))]

    def _range_of(self, zh: str, unit: int, i: int) -> tuple[int, int]:
        for lo, hi in self.window_ranges(zh, unit):
            if lo <= i < hi:
                return lo, hi
        return 0, len(self.tokens[unit])

    def quote_pairs(self, zh: str, unit: int, lo: int, hi: int) -> dict[tuple[int, int], float]:
        """Priors for the English quotes of a window: when the window quotes as often in both
        languages, the quote at the term's position is its English and the others are not."""
        en_q = [(i, j) for i, j in _en_quotes(self.tokens[unit]) if lo <= i and j < hi]
        if not en_q:
            return {}
        zh_here = self._zh_of.get((unit, lo, hi))
        if zh_here is None:
            return {q: 1.2 for q in en_q}
        zh_q = [m.group(1).strip() for m in _ZH_QUOTE.finditer(zh_here)]
        if zh not in zh_q:
            return {q: 0.6 for q in en_q}  # someone else's slogan
        if len(zh_q) != len(en_q):
            return {q: 1.3 for q in en_q}
        mine = zh_q.index(zh)
        return {q: (2.0 if n == mine else 0.3) for n, q in enumerate(en_q)}

    @staticmethod
    def _ngrams(toks: list[Token]):
        lowers = [t.lower for t in toks]
        n = len(toks)
        for i in range(n):
            if not toks[i].text[0].isalnum():
                continue
            commas = 0
            for j in range(i, min(n, i + MAX_WORDS + 2)):
                lw = lowers[j]
                if lw in HARD or lw in QUOTES:
                    break
                if lw == ",":
                    commas += 1
                    if commas > 3:
                        break
                    continue
                yield tuple(lowers[i:j + 1])

    def lexicon(self, zh: str) -> TermLexicon:
        """What the words of `zh` can be in English, under these signals."""
        return TermLexicon(zh, derived=self.signals.derived, entry_names=self.signals.entry_names)

    def surface(self, unit: int, i: int, j: int) -> str:
        toks = self.tokens[unit]
        return self.texts[unit][toks[i].start:toks[j].end]

    def _usual_surface(self, key: tuple[str, ...], found: str) -> str:
        """The spelling translators use mid-sentence: "Infrastructure" at the start of a
        sentence or in a heading is "infrastructure" when it appears so elsewhere."""
        if not found[:1].isupper():
            return found
        spellings: Counter[str] = Counter()
        n = len(key)
        for unit, i in self._first.get(key[0], ()):
            toks = self.tokens[unit]
            if i > 0 and tuple(self.lowers[unit][i:i + n]) == key and toks[i - 1].lower not in HARD:
                spellings[self.texts[unit][toks[i].start:toks[i + n - 1].end]] += 1
        if not spellings:
            return found
        best, count = max(spellings.items(), key=lambda kv: (kv[1], kv[0]))
        return best if count >= spellings.get(found, 0) else found

    def _outside_glosses(self, zh: str, unit: int, lo: int, hi: int) -> frozenset[str]:
        """Gloss stems of the Chinese words around the term in this window (支援 "assist"
        next to 东西部协作 explains "assistance", which is therefore not 东西部协作's)."""
        if self.zh_texts is None:
            return frozenset()
        here = self._zh_of.get((unit, lo, hi)) or self.zh_texts[unit]
        return _word_glosses(here.replace(zh, "|"))

    def _quote_by_words(self, zh: str, zh_quotes: list[str], unit: int,
                        en_quotes: list[tuple[int, int]]) -> tuple[int, int] | None:
        """The English quote (token range) that `zh` explains best of all quoted terms of
        the unit (“三管三必须” ↔ “three musts” beside an untranslated “4·18”)."""
        toks = self.tokens[unit]

        def fit(term: str, i: int, j: int) -> float:
            lexicon = self.lexicon(term)
            covered = {p for t in toks[i:j + 1] for p in lexicon.explains(t)}
            return len(covered) / len(term)

        best = None
        for i, j in en_quotes:
            mine = fit(zh, i, j)
            if mine > 0 and all(fit(other, i, j) < mine for other in zh_quotes if other != zh):
                if best is None or mine > best[0]:
                    best = (mine, (i, j))
        return best[1] if best else None

    def _segments(self, zh: str, units: Sequence[int]):
        for unit in dict.fromkeys(units):
            for lo, hi in self.window_ranges(zh, unit):
                yield unit, lo, hi


def _en_quotes(toks: list[Token]) -> list[tuple[int, int]]:
    """Token ranges inside “…” (or paired straight quotes), in order."""
    out, start = [], None
    for n, t in enumerate(toks):
        if t.text in ("“", '"') and start is None:
            start = n + 1
        elif t.text in ("”", '"') and start is not None:
            if n - 1 >= start:
                out.append((start, n - 1))
            start = None
    return out

_YEARS = re.compile(r"(?:19|20)\d\d(?:-(?:19|20)\d\d)?")
_PAREN_WORD = re.compile(r"[A-Z][a-z]+(?:[-’'][A-Za-z]+)*")


def _name_parens(toks: list[Token], caps: list[int]) -> dict[int, int]:
    out = {}
    for k, t in enumerate(toks):
        if t.text != "(" or k == 0 or caps[k - 1] == 0 or not toks[k - 1].text[:1].isupper():
            continue
        close = next((m for m in range(k + 1, min(len(toks), k + 5)) if toks[m].text == ")"), None)
        inside = toks[k + 1:close] if close else ()
        if inside and (all(_PAREN_WORD.fullmatch(x.text) for x in inside)
                       or len(inside) == 1 and _YEARS.fullmatch(inside[0].text)):
            out[k] = close
    return out


def _merge(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for lo, hi in sorted(ranges):
        if out and lo <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return out

_NAME_GLUE = frozenset(("of", "and", "for", "the", "on", "in"))

def _name_start(toks: list[Token], i: int) -> bool:
    """A capital that is not just the start of a sentence."""
    return _capital(toks[i]) and i > 0 and toks[i - 1].lower not in HARD

def _capital(t: Token) -> bool:
    return t.text[:1].isupper() and t.text[0].isalpha()

def _contains(toks: list[Token], key: tuple[str, ...]) -> bool:
    lowers = [t.lower for t in toks]
    n = len(key)
    return any(tuple(lowers[i:i + n]) == key for i in range(len(lowers) - n + 1))
