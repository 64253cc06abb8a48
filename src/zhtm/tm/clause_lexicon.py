"""What the clause English finder reads: the English tokens of a unit (stems, numbers,
capitals) and, per Chinese clause, what its words can be in English (`Lexicon`: CC-CEDICT
glosses with the characters they cover, numbers, Latin strings, names in pinyin)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..align.lexicon import STOPWORDS, load_cedict, stem
from ..text.anchors import en_numbers, zh_numbers
from ..text.normalize import normalize

TOKEN = re.compile(
    r"\d{1,3}(?:,\d{3})+(?:\.\d+)?%?|\d+(?:\.\d+)?%?"
    r"|[A-Za-z0-9]+(?:(?:[-’'&/]|\.(?=[a-z0-9]))[A-Za-z0-9]+)*"
    r"|[,;:()“”\"?!.—–]")
_SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
# Chinese characters that carry no content of their own for coverage.
_ZH_FUNCTION = frozenset("的了和与及等在是对把被将为以之而并也都要还其这那个些于从向由着得地所")

@dataclass(frozen=True, slots=True)
class Token:
    start: int
    end: int
    lower: str
    stem: str       # "" for function words and punctuation
    punct: bool
    value: float | None = None
    title: bool = False  # a capitalised word that does not start a sentence
    cap: bool = False    # a capitalised word


def tokenize(en: str) -> list[Token]:
    out: list[Token] = []
    for m in TOKEN.finditer(en):
        word = m.group()
        lower = word.lower().replace("’", "'")
        punct = not word[0].isalnum()
        value = None
        if word[0].isdigit():
            try:
                value = float(word.rstrip("%").replace(",", ""))
            except ValueError:
                value = None
        elif not punct:
            value = word_value(lower)  # "Fifth," for 五是, "two" for 两
        content = "" if punct or lower in STOPWORDS else stem_of(lower)
        title = word[0].isupper() and bool(out) and out[-1].lower not in ".!?:;“\"("
        out.append(Token(m.start(), m.end(), lower, content, punct, value, title,
                          word[0].isupper()))
    # "170 million": the scale word joins the number before it
    for i in range(1, len(out)):
        scale = _SCALES.get(out[i].lower)
        if scale and out[i - 1].value is not None:
            prev = out[i - 1]
            out[i - 1] = Token(prev.start, prev.end, prev.lower, prev.stem, False,
                                prev.value * scale, prev.title, prev.cap)
            out[i] = Token(out[i].start, out[i].end, out[i].lower, out[i].stem, False,
                            prev.value * scale, out[i].title, out[i].cap)
    return out


@lru_cache(maxsize=50_000)
def word_value(word: str) -> float | None:
    """The number an English number word stands for (two, fifth, twenty-one), else None."""
    if not word.isalpha() and "-" not in word:
        return None
    found = en_numbers(word)
    return found[0] if len(found) == 1 else None


@lru_cache(maxsize=200_000)
def stem_of(word: str) -> str:
    return stem(word.split("'")[0]) if "'" in word else stem(word)


class Lexicon:
    """What one clause can be in English: the CC-CEDICT glosses of its words (with the
    characters they cover), numbers, Latin strings, romanised names (made on demand)."""

    __slots__ = ("text", "words", "numbers", "latin", "content", "_prefixes", "_pinyin")

    def __init__(self, text: str) -> None:
        cedict = load_cedict()
        self.text = text
        # (gloss stems, characters, weight): dictionary words by forward maximum matching,
        # and the characters of a longer word on their own at half weight
        self.words: list[tuple[frozenset[str], frozenset[int], float]] = []
        i, n = 0, len(text)
        while i < n:
            if not is_han(text[i]):
                i += 1
                continue
            size = 1
            for size in range(min(4, n - i), 0, -1):
                if size == 1 or text[i:i + size] in cedict:
                    break
            glosses = cedict.glosses(text[i:i + size])
            if glosses:
                self.words.append((glosses, frozenset(range(i, i + size)), 1.0))
            if size > 1:
                for k in range(i, i + size):
                    glosses = cedict.glosses(text[k])
                    if glosses:
                        self.words.append((glosses, frozenset((k,)), 0.5))
            i += size
        norm = normalize(text)
        self.numbers = frozenset(round(v, 6) for v in zh_numbers(norm))
        self.latin = frozenset(w.lower() for w in re.findall(r"[A-Za-z][A-Za-z0-9]+", norm))
        self.content = frozenset(k for k, ch in enumerate(text)
                                 if (is_han(ch) and ch not in _ZH_FUNCTION) or ch.isalnum()
                                 and ch.isascii())
        self._prefixes: dict[str, list[str]] | None = None
        self._pinyin: frozenset[str] | None = None

    def explain_map(self, stems: set[str]) -> dict[str, tuple[float, frozenset[int]]]:
        """stem -> (weight, characters) for the given English stems this clause glosses."""
        out: dict[str, tuple[float, frozenset[int]]] = {}
        for glosses, chars, weight in self.words:
            for st in glosses & stems:
                old = out.get(st)
                if old is None or old[0] < weight:
                    out[st] = (weight, chars)
        return out

    def _derived(self, st: str) -> tuple[float, frozenset[int]]:
        """Glosses explain derived forms too: "revitalize" explains "revitalization" (one
        stem a prefix of the other, sharing at least 6 letters), at 0.8 of the weight."""
        if self._prefixes is None:
            self._prefixes = {}
            for glosses, _, _ in self.words:
                for g in glosses:
                    if len(g) >= 6:
                        bucket = self._prefixes.setdefault(g[:6], [])
                        if g not in bucket:
                            bucket.append(g)
        best: tuple[float, frozenset[int]] = (0.0, frozenset())
        bucket = self._prefixes.get(st[:6])
        if not bucket:
            return best
        for g in bucket:
            if g.startswith(st) or st.startswith(g):
                weight, chars = self.explain_map({g})[g]
                if 0.8 * weight > best[0]:
                    best = (0.8 * weight, chars)
        return best

    def pinyin(self) -> frozenset[str]:
        """Toneless pinyin of every 1-3 character run (first two readings), for names."""
        if self._pinyin is None:
            cedict = load_cedict()
            forms: set[str] = set()
            text = self.text
            for i in range(len(text)):
                for j in range(i + 1, min(len(text), i + 3) + 1):
                    piece = text[i:j]
                    if not all(is_han(c) for c in piece):
                        break
                    parts = [""]
                    for c in piece:
                        parts = [p + r for p in parts for r in (cedict.pinyin(c)[:2] or ("",))][:8]
                    forms.update(p for p in parts if len(p) > 2)
            self._pinyin = frozenset(forms)
        return self._pinyin

    def explains(self, tok: Token, direct: dict[str, tuple[float, frozenset[int]]]
                 ) -> tuple[float, frozenset[int]]:
        """(weight, clause characters) with which this clause explains `tok` (0 if not);
        `direct` is `explain_map` of the unit's stems."""
        if tok.value is not None and round(tok.value, 6) in self.numbers:
            return 2.0, frozenset()
        if not tok.stem:
            return 0.0, frozenset()
        got = direct.get(tok.stem)
        if got is not None:
            return got
        if tok.lower in self.latin:
            return 1.5, frozenset()
        best: tuple[float, frozenset[int]] = (0.0, frozenset())
        if len(tok.stem) >= 6:
            best = self._derived(tok.stem)
        if not best[0] and "-" in tok.lower:  # east-west, Beijing-Tianjin-Hebei
            parts = {stem_of(part) for part in tok.lower.split("-") if part not in STOPWORDS}
            for got in self.explain_map(parts).values():
                if got[0] > best[0]:
                    best = got
        if not best[0] and tok.title and tok.lower.isalpha() and len(tok.lower) > 2 and \
                tok.lower in self.pinyin():  # a name written in pinyin (not a sentence's first)
            best = (1.0, frozenset())
        return best


def is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"


@lru_cache(maxsize=50_000)
def lexicon(text: str) -> Lexicon:
    return Lexicon(text)


