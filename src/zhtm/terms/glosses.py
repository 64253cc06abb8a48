"""What the words of a Chinese term can be in English: tokens, CC-CEDICT glosses, pinyin.

`TermLexicon(zh).explains(token)` says which characters of the term an English word
translates (a gloss, a derived form of one, the pinyin of a name, a number); each word
translates one piece of the term. `english_head` finds the head of an English noun phrase.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..align.lexicon import STOPWORDS, en_content_stems, load_cedict, stem

_TOKEN = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|[A-Za-z0-9]+(?:(?:[-’'&/]|\.(?=[a-z0-9])|(?<=\b[A-Z])\.(?=[A-Z]\b))[A-Za-z0-9]+)*|[,;:()“”\"?!]|\.")
# Words that never begin or end a term's English.
# Words that never begin or end a term's English.
EDGE_STOP = frozenset("""
a an the and or of to in for with on by as at from that which its their our we is are was were be
been has have had this these those such also into over than then it they will would should can
could must more most very so but not no nor both each all any some other same while who whom
whose where when there here per via about through during including included such as well
""".split()) | {"’s", "'s"}

HARD = frozenset(";:()?!.")

QUOTES = frozenset("“”\"")

_NUMBER_WORDS = frozenset(("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"))


@dataclass(frozen=True, slots=True)
class Token:
    text: str
    lower: str
    stem: str  # content stem, "" for function words and punctuation
    start: int
    end: int

def tokenize(text: str) -> list[Token]:
    out = []
    for m in _TOKEN.finditer(text):
        word = m.group()
        lower = word.lower().replace("’", "'")
        content = ""
        if word[0].isalnum() and (lower not in STOPWORDS and lower not in EDGE_STOP
                                  or lower in _NUMBER_WORDS):
            content = stem(lower)
        out.append(Token(word, lower, content, m.start(), m.end()))
    return out

@lru_cache(maxsize=50_000)
def _pinyin_forms(zh: str) -> frozenset[str]:
    """Toneless pinyin spellings of a short Chinese string (first readings, ≤ 8 combinations)."""
    cedict = load_cedict()
    forms = [""]
    for ch in zh:
        readings = cedict.pinyin(ch)[:2] or ("",)
        forms = [f + r for f in forms for r in readings][:8]
    return frozenset(f for f in forms if f)

class TermLexicon:
    """What the words of one Chinese term can be in English (CC-CEDICT glosses and pinyin)."""

    def __init__(self, zh: str, *, derived: bool = True, entry_names: bool = True) -> None:
        cedict = load_cedict()
        self.zh = zh
        self.derived = derived
        self._prefix: dict[str, list[str]] | None = None
        self._in_words: set[int] | None = None
        # stem -> {(start, end) piece of the term: weight}; a gloss of k content words gives
        # each 1/k, so "intelligence" alone explains only half of 人工智能.
        self.by_stem: dict[str, dict[tuple[int, int], float]] = {}
        n = len(zh)
        for i in range(n):
            for j in range(i + 1, min(n, i + 4) + 1):
                piece = zh[i:j]
                if piece in cedict:
                    for phrase in _definitions(piece, entry_names):
                        for st in phrase:
                            self._add(st, range(i, j), 1.0 / len(phrase))
                if j - i <= 3:
                    for form in _pinyin_forms(piece):
                        self._add("py:" + form, range(i, j), 1.0)
        for i, ch in enumerate(zh):
            for st in _NUMERALS.get(ch, ()):
                self._add(st, (i,), 1.0)
        for m in _ZH_NUMBER.finditer(zh):  # 十三五 → "13th"; 二十届 → "20th"
            for a in range(m.start(), m.end()):
                for b in range(a + 2, m.end() + 1):
                    value = _zh_number(zh[a:b])
                    if value is not None:
                        for form in (str(value), _ordinal(value)):
                            self._add(form, range(a, b), 1.0)

    def _by_stem(self, st: str) -> dict[tuple[int, int], float]:
        """Glosses explain derived forms too: "revitalize" explains "revitalization"
        (one stem a prefix of the other, sharing at least 6 letters)."""
        got = self.by_stem.get(st)
        if got is not None or len(st) < 6 or not self.derived:
            return got or {}
        if self._prefix is None:
            self._prefix = {}
            for key in self.by_stem:
                if len(key) >= 6 and not key.startswith("py:"):
                    self._prefix.setdefault(key[:6], []).append(key)
        merged: dict[tuple[int, int], float] = {}
        for key in self._prefix.get(st[:6], ()):
            if st.startswith(key) or key.startswith(st):
                for piece, w in self.by_stem[key].items():
                    merged[piece] = max(merged.get(piece, 0.0), w)
        return merged

    def _add(self, st: str, positions, weight: float) -> None:
        slot = self.by_stem.setdefault(st, {})
        piece = (min(positions), max(positions) + 1)
        if slot.get(piece, 0.0) < weight:
            slot[piece] = weight

    def inside_word(self, positions: dict[int, float]) -> bool:
        """One character that is part of a longer dictionary word of the term (协 of 协作)."""
        if self._in_words is None:
            cedict = load_cedict()
            self._in_words = set()
            start = 0
            for word in cedict.segment(self.zh):  # (it skips what is not Chinese)
                start = self.zh.find(word, start)
                if len(word) > 1:
                    self._in_words.update(range(start, start + len(word)))
                start += len(word)
        return len(positions) == 1 and next(iter(positions)) in self._in_words

    def last_word(self) -> tuple[int, ...]:
        """Positions of the term's last dictionary word: its head (安全观 → 观, 首都发展 → 发展)."""
        cedict = load_cedict()
        words = cedict.segment(self.zh)
        if not words or not self.zh.endswith(words[-1]):
            return ()
        n = len(self.zh)
        return tuple(range(n - len(words[-1]), n))

    def explains(self, token: Token) -> dict[int, float]:
        """Positions of the term this English word translates, with weights. A word
        translates one piece of the term (“proposals” is 议案 or 建议 in 议案建议, not both);
        a hyphenated word one piece per part (east-west: 东 and 西)."""
        got = _one_piece(self._by_stem(token.stem)) if token.stem else {}
        if "-" in token.lower and token.stem:
            for part in token.lower.split("-"):
                if part and part not in STOPWORDS:
                    for p, w in _one_piece(self._by_stem(stem(part))).items():
                        got = {**got, p: max(w, got.get(p, 0.0))}
        name = token.lower.replace("'", "")  # Xiong’an, Xi’an: the apostrophe splits syllables
        if token.text[:1].isupper() and name.isalpha():
            py = self.by_stem.get("py:" + name)
            if py:
                got = {**got, **_one_piece(py)}
        return got

def _one_piece(pieces: dict[tuple[int, int], float]) -> dict[int, float]:
    """The piece with the most weight (the longer, then the first, on a tie), by position."""
    if not pieces:
        return {}
    (start, end), weight = max(pieces.items(),
                               key=lambda kv: ((kv[0][1] - kv[0][0]) * kv[1], kv[0][1] - kv[0][0], -kv[0][0]))
    return {p: weight for p in range(start, end)}

_HEAD_END = frozenset(("of", "for", "to", "with", "in", "on", "at", "by", "from", "between"))

def english_head(key: tuple[str, ...]) -> str:
    """The head word of an English noun phrase (lower-case words): the last word before a
    preposition ("management" in "management of the city's transport system")."""
    words = list(key)
    for n, word in enumerate(words[1:], 1):
        if word in _HEAD_END:
            words = words[:n]
            break
    return stem(words[-1]) if words else ""

_PAREN = re.compile(r"\([^)]*\)|\[[^\]]*\]")

_SKIP_DEF = ("CL:", "variant of", "old variant", "see ", "used in ", "surname ", "Japanese variant",
             "also pr.", "also written", "(Tw)", "erhua variant", "same as ")

@lru_cache(maxsize=100_000)
def _definitions(word: str, entry_names: bool = True) -> tuple[tuple[str, ...], ...]:
    """Content stems of each CC-CEDICT definition of `word`, one tuple per definition
    (`entry_names`: a long definition's name before its first comma counts as one)."""
    out = []
    for entry in load_cedict().entries(word):
        for d in re.split(r"[/;]", entry[entry.find("]") + 1:].strip().strip("/")):
            d = d.strip()  # "to revive; to revitalize": synonyms, each a definition of its own
            if not d or d.startswith(_SKIP_DEF):
                continue
            d = _PAREN.sub(" ", d.removeprefix("abbr. for ").removeprefix("to "))
            stems = tuple(dict.fromkeys(en_content_stems(d)))
            if len(stems) > 6 and "," in d and entry_names:
                # "Belt and Road Initiative, Chinese government plan to …": a long entry names
                # the thing first and explains it after the comma; the name is the gloss
                d = d.partition(",")[0]
                stems = tuple(dict.fromkeys(en_content_stems(d)))
                stems = stems if len(stems) <= 4 else ()
            if stems and len(stems) <= 6:
                if entry_names:  # its numbers are part of the name ("1992 Consensus": 九二共识)
                    stems = tuple(dict.fromkeys(_DEF_NUMBER.findall(d))) + stems
                out.append(stems)
    return tuple(dict.fromkeys(out))

_DEF_NUMBER = re.compile(r"\b\d+(?:st|nd|rd|th)?\b")

_ZH_NUMBER = re.compile("[一二两三四五六七八九十百]{2,}")

_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}

def _zh_number(text: str) -> int | None:
    """十三 → 13, 二十 → 20, 二十三 → 23, 一百 → 100 (None for 三五, a list of digits)."""
    if "百" in text:
        head, _, rest = text.partition("百")
        if len(head) != 1 or head not in _DIGITS:
            return None
        tail = _zh_number(rest) if len(rest) > 1 else _DIGITS.get(rest, 0) if rest else 0
        return None if tail is None else _DIGITS[head] * 100 + tail
    if "十" not in text or text.count("十") > 1:
        return None
    head, _, tail = text.partition("十")
    if head and head not in _DIGITS or tail and (len(tail) > 1 or tail not in _DIGITS):
        return None
    return (_DIGITS[head] if head else 1) * 10 + (_DIGITS[tail] if tail else 0)

def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"

_NUMERALS = {"一": ("one", "1", "singl"), "二": ("two", "2", "second"), "两": ("two", "2", "both"),
             "三": ("three", "3", "third"), "四": ("four", "4", "fourth"), "五": ("five", "5", "fifth"),
             "六": ("six", "6", "sixth"), "七": ("seven", "7", "seventh"), "八": ("eight", "8"),
             "九": ("nine", "9"), "十": ("ten", "10"), "百": ("hundr", "100"), "千": ("thousand", "1,000", "1000"),
             "万": ("ten", "thousand", "10,000", "10000"), "双": ("two", "dual", "doubl"), "多": ("multipl", "many")}

@lru_cache(maxsize=20_000)
def _word_glosses(text: str) -> frozenset[str]:
    """Gloss stems of the dictionary words of a Chinese text."""
    cedict = load_cedict()
    out: set[str] = set()
    for word in cedict.segment(text):
        out |= cedict.glosses(word)
    return frozenset(out)
