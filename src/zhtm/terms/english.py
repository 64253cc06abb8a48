"""English equivalents: the exact span the translators wrote for a Chinese term.

For a Chinese term found in some translation units, every English span of those units is a
candidate (word sequences that do not cross sentence-internal punctuation other than one
comma, and do not begin or end with a function word). A span is scored by
- Dice between the term and the span over the units (units with the term vs units with the span);
- lexical evidence: how much of the term the span's words translate according to CC-CEDICT
  glosses, plus pinyin for names (怀柔 → Huairou), and how many of the span's content words
  are explained by the term;
- priors: length in proportion to the term, a comma penalty, Title Case names kept whole,
  quoted English preferred for a quoted Chinese term.
The best span is the preferred English; the best spans in units that do not use it become
admitted variants.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from ..align.lexicon import STOPWORDS, en_content_stems, load_cedict, stem
from .clauses import clause_windows

_TOKEN = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|[A-Za-z0-9]+(?:(?:[-’'&/]|\.(?=[a-z0-9])|(?<=\b[A-Z])\.(?=[A-Z]\b))[A-Za-z0-9]+)*|[,;:()“”\"?!]|\.")
MAX_WORDS = 9
DICE_POWER = 1.0  # association: a span found with every occurrence of the term beats a one-off
LEX_FLOOR = 0.2  # weight of association alone, for spans no gloss explains
LEX_POWER = 1.0  # how much more a span that translates the whole term is worth
VARIANT_CONFIDENCE = 0.5  # an admitted variant must be this sure
MAX_UNEXPLAINED = 5  # longest span without gloss support (and longest lead before one)
# Words that never begin or end a term's English.
EDGE_STOP = frozenset("""
a an the and or of to in for with on by as at from that which its their our we is are was were be
been has have had this these those such also into over than then it they will would should can
could must more most very so but not no nor both each all any some other same while who whom
whose where when there here per via about through during including included such as well
""".split()) | {"’s", "'s"}
HARD = frozenset(";:()?!.")
QUOTES = frozenset("“”\"")


@dataclass(frozen=True, slots=True)
class Token:
    text: str
    lower: str
    stem: str  # content stem, "" for function words and punctuation
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class EnSignals:
    """Which signals choose the English (all on by default; the bench switches them off)."""

    windows: bool = True  # look only in the English aligned to the term's clauses
    association: bool = True  # unexplained spans that recur with the term; consistency
    numerals: bool = True  # a numeral slogan's English names all its numbers
    quote_pairs: bool = True  # quoted slogan ↔ the English quote at its position
    derived: bool = True  # glosses explain derived forms (revitalize → revitalization)


@dataclass(frozen=True, slots=True)
class EnChoice:
    """The English chosen for a term: preferred span, variants, and where it was found."""

    en: str
    variants: tuple[str, ...]
    unit: int  # index of a unit whose English contains the preferred span
    confidence: float  # 0..1
    key: tuple[str, ...] = ()  # the preferred span, lower-case words
    score: float = 0.0  # how strongly the span belongs to this term (for competitive linking)


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

    def __init__(self, zh: str, *, derived: bool = True) -> None:
        cedict = load_cedict()
        self.zh = zh
        self.derived = derived
        self._prefix: dict[str, list[str]] | None = None
        # stem -> {character position: weight}; a gloss of k content words gives each 1/k,
        # so "intelligence" alone explains only half of 人工智能 ("artificial intelligence").
        self.by_stem: dict[str, dict[int, float]] = {}
        n = len(zh)
        for i in range(n):
            for j in range(i + 1, min(n, i + 4) + 1):
                piece = zh[i:j]
                if piece in cedict:
                    for phrase in _definitions(piece):
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

    def _by_stem(self, st: str) -> dict[int, float]:
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
        merged: dict[int, float] = {}
        for key in self._prefix.get(st[:6], ()):
            if st.startswith(key) or key.startswith(st):
                for p, w in self.by_stem[key].items():
                    merged[p] = max(merged.get(p, 0.0), w)
        return merged

    def _add(self, st: str, positions, weight: float) -> None:
        slot = self.by_stem.setdefault(st, {})
        for p in positions:
            if slot.get(p, 0.0) < weight:
                slot[p] = weight

    def explains(self, token: Token) -> dict[int, float]:
        got = self._by_stem(token.stem) if token.stem else {}
        if "-" in token.lower and token.stem:  # east-west: 东 and 西
            for part in token.lower.split("-"):
                if part and part not in STOPWORDS:
                    for p, w in self._by_stem(stem(part)).items():
                        got = {**got, p: max(w, got.get(p, 0.0))}
        if token.text[:1].isupper() and token.lower.isalpha():
            py = self.by_stem.get("py:" + token.lower)
            if py:
                got = {**got, **py}
        return got


_PAREN = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_SKIP_DEF = ("CL:", "variant of", "old variant", "see ", "used in ", "surname ", "Japanese variant",
             "also pr.", "also written", "(Tw)", "erhua variant", "same as ")


@lru_cache(maxsize=100_000)
def _definitions(word: str) -> tuple[tuple[str, ...], ...]:
    """Content stems of each CC-CEDICT definition of `word`, one tuple per definition."""
    out = []
    for entry in load_cedict().entries(word):
        for d in re.split(r"[/;]", entry[entry.find("]") + 1:].strip().strip("/")):
            d = d.strip()  # "to revive; to revitalize": synonyms, each a definition of its own
            if not d or d.startswith(_SKIP_DEF):
                continue
            d = d.removeprefix("abbr. for ").removeprefix("to ")
            stems = tuple(dict.fromkeys(en_content_stems(_PAREN.sub(" ", d))))
            if stems and len(stems) <= 6:
                out.append(stems)
    return tuple(dict.fromkeys(out))


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
             "九": ("nine", "9"), "十": ("ten", "10"), "百": ("hundr", "100"), "千": ("thousand",),
             "万": ("ten", "thousand"), "双": ("two", "dual", "doubl"), "多": ("multipl", "many")}


class EnglishSide:
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
                    if commas > 1:
                        break
                    continue
                yield tuple(lowers[i:j + 1])

    def surface(self, unit: int, i: int, j: int) -> str:
        toks = self.tokens[unit]
        return self.texts[unit][toks[i].start:toks[j].end]

    def choose(self, zh: str, units: Sequence[int], *, quoted: bool = False,
               exclude: frozenset[tuple[str, ...]] = frozenset()) -> EnChoice | None:
        """The preferred English of `zh` in `units` (indexes), with admitted variants.

        `exclude`: spans (lower-case word tuples) another term has a better claim to."""
        lexicon = TermLexicon(zh, derived=self.signals.derived)
        scored = self._score_spans(zh, lexicon, units, quoted)
        if quoted:
            self._add_quote_matches(zh, units, scored)
        for key in exclude:
            scored.pop(key, None)
        if not scored:
            return None
        best_key, (best_score, best_unit, best_span, confidence) = max(
            scored.items(), key=lambda kv: (kv[1][0], len(kv[0]), kv[0]))
        en = self._usual_surface(best_key, self.surface(best_unit, *best_span))
        variants: list[str] = []
        others = [u for u in units if not _contains(self.tokens[u], best_key)]
        seen_keys = {best_key}
        while others and len(variants) < 2:
            alt = self._score_spans(zh, lexicon, others, quoted)
            alt = {k: v for k, v in alt.items() if k not in seen_keys and k not in exclude
                   and not _overlaps(k, best_key) and _stems(k) != _stems(best_key)
                   and self._starts_on_term(lexicon, v[1], v[2][0], en[:1].isupper())}
            if not alt:
                break
            key, (score, unit, span, conf) = max(alt.items(), key=lambda kv: (kv[1][0], len(kv[0]), kv[0]))
            if conf < VARIANT_CONFIDENCE or score < 0.4 * best_score:
                break
            variants.append(self._usual_surface(key, self.surface(unit, *span)))
            seen_keys.add(key)
            others = [u for u in others if not _contains(self.tokens[u], key)]
        return EnChoice(en, tuple(variants), best_unit, confidence, best_key, best_score)

    def _starts_on_term(self, lexicon: TermLexicon, unit: int, i: int, name: bool) -> bool:
        """A variant starts on a word the term explains, or on a capital when the term is a
        name ("promote green, low-carbon" is not a variant of 绿色低碳)."""
        return bool(lexicon.explains(self.tokens[unit][i])) or name and self.caps[unit][i] == 2

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

    def _add_quote_matches(self, zh: str, units: Sequence[int], scored: dict) -> None:
        """A quoted Chinese term ↔ the English quote at the same position, when both sides of
        a unit quote equally often (“一件事” ↔ “All-in-One-Go”, no dictionary needed)."""
        if self.zh_texts is None:
            return
        hits: Counter[tuple[str, ...]] = Counter()
        first: dict[tuple[str, ...], tuple[int, tuple[int, int]]] = {}
        for unit in dict.fromkeys(units):
            zh_quotes = [m.group(1).strip() for m in _ZH_QUOTE.finditer(self.zh_texts[unit])]
            en_quotes = _en_quotes(self.tokens[unit])
            if len(zh_quotes) != len(en_quotes) or zh not in zh_quotes:
                continue
            i, j = en_quotes[zh_quotes.index(zh)]
            key = tuple(t.lower for t in self.tokens[unit][i:j + 1])
            hits[key] += 1
            first.setdefault(key, (unit, (i, j)))
        k = len(set(units))
        for key, n in hits.items():
            dice = 2 * n / (k + self.df.get(key, n))
            if key in scored:
                score, unit, span, conf = scored[key]
                scored[key] = (max(score * 2, dice), unit, span, max(conf, 0.7))
            else:
                unit, span = first[key]
                scored[key] = (dice * 0.8, unit, span, 0.6)

    def _segments(self, zh: str, units: Sequence[int]):
        for unit in dict.fromkeys(units):
            for lo, hi in self.window_ranges(zh, unit):
                yield unit, lo, hi

    def _score_spans(self, zh: str, lexicon: TermLexicon, units: Sequence[int], quoted: bool):
        """{span key: (score, unit, (i, j), confidence)} for the English spans in the term's
        windows. Score = association (Dice of the term's units vs the span's units) ×
        lexical fit (how much of the term the span translates, how much of the span the term
        explains) × priors (length, edges, names, quotes, numerals)."""
        k = len(set(units))
        co: Counter[tuple[str, ...]] = Counter()
        where: dict[tuple[str, ...], tuple[int, tuple[int, int], float, float]] = {}
        n_chars = len(zh)
        numerals = [p for p, ch in enumerate(zh) if ch in _NUMERALS] if self.numerals else []
        seen_in: dict[int, set[tuple[str, ...]]] = {}
        unexplained: dict[tuple[str, ...], tuple[int, int, int, int, float]] = {}
        for unit, lo, hi in self._segments(zh, units):
            toks = self.tokens[unit]
            lowers = self.lowers[unit]
            explained = [lexicon.explains(t) if lo <= x < hi else {} for x, t in enumerate(toks)]
            seen_here = seen_in.setdefault(unit, set())
            quote_prior = self.quote_pairs(zh, unit, lo, hi) if self.quotes else {}
            caps = self.caps[unit]
            for i in range(lo, hi):
                if not toks[i].text[0].isalnum() or lowers[i] in EDGE_STOP:
                    continue
                covered: dict[int, float] = {}
                content = matched = commas = words = lead = 0
                all_cap = True
                start_prior = 1.0
                if lowers[i].endswith("'s"):
                    start_prior = 0.5  # "city’s Gross Regional Product": the owner is not the term
                if i > 0 and caps[i - 1] == 2:
                    start_prior *= 0.6  # a Title Case name is kept whole
                inner = 0  # an open quote inside the span: critical “minor details”
                inner_quote = False
                for j in range(i, min(hi, i + MAX_WORDS + 2)):
                    t = toks[j]
                    lw = lowers[j]
                    closing = False
                    if lw in QUOTES and quoted and self.quotes:
                        if not inner and lw != "”":
                            inner = j
                            continue
                        if not inner or lw == "“":
                            break
                        inner, closing = 0, True
                    elif lw in HARD or lw in QUOTES:
                        break
                    if lw == ",":
                        commas += 1
                        if commas > 1:
                            break
                        continue
                    if not closing:
                        words += 1
                        if not caps[j]:
                            all_cap = False
                    if t.stem:
                        content += 1
                        if explained[j]:
                            matched += 1
                            for p, w in explained[j].items():
                                covered[p] = min(1.0, covered.get(p, 0.0) + w)
                        elif not covered and (caps[j] != 2 or lw.endswith("'s")):
                            lead += 1  # unexplained words (or owners) before the first explained one
                    if lw in EDGE_STOP or inner:
                        continue
                    if closing:  # judge the end on the quoted word
                        t, lw = toks[j - 1], lowers[j - 1]
                        inner_quote = True
                    key = tuple(lowers[i:j + 1])
                    if key not in seen_here:
                        seen_here.add(key)
                        co[key] += 1
                    if not covered:  # judged by association alone, once we know how often
                        if key not in unexplained:
                            unexplained[key] = (unit, i, j, words, 0.8 if commas else 1.0)
                        if words >= MAX_UNEXPLAINED:
                            break
                        continue
                    cov = sum(covered.values()) / n_chars
                    prec = matched / content if content else 0.0
                    lex = cov * (0.35 + 0.65 * prec)
                    prior = start_prior * _length_prior(words, n_chars) * (0.8 if commas else 1.0)
                    if quote_prior:
                        got = quote_prior.get((i, j))
                        if got is None and inner_quote:  # the quote and the words around it
                            got = max((v for (a, b), v in quote_prior.items()
                                       if i < a and b < j and v > 1.0), default=1.0)
                        prior *= got or 1.0
                    if all_cap and caps[i] == 2:
                        prior *= 1.15
                    if j + 1 < len(toks) and caps[j + 1] == 2:
                        prior *= 0.6
                    if numerals and any(covered.get(p, 0.0) < 0.5 for p in numerals):
                        prior *= 0.2  # 七站两场: the English names both numbers
                    # Spans that end on words the term explains (or on names) are preferred.
                    end = j - 1 if closing else j
                    if lw in _NUMBER_WORDS or lw.isdigit():
                        prior *= 0.3  # "seven ... and two": a noun phrase ends on its noun
                    elif not explained[end] and caps[end] != 2:
                        prior *= 0.75 if not lw.endswith("ly") else 0.4
                    if lowers[i][:1].isdigit() and not explained[i]:
                        prior *= 0.3  # "27 quasi-museums": the count is not the term
                    if not explained[i] and not _name_start(toks, i):
                        prior *= 0.7 if not lowers[i].endswith(("ing", "ed")) else 0.55
                        if lead > 1:  # "services to the capital’s seven …": each lead word costs
                            prior *= 0.7 ** (lead - 1)
                    old = where.get(key)
                    if old is None or lex * prior > old[2] * old[3]:
                        where[key] = (unit, (i, j), lex, prior)
        if self.association:
            for key, (unit, i, j, words, comma) in unexplained.items():
                if key in where or co[key] < 2 or co[key] < 0.6 * k:
                    continue  # unexplained spans only when they recur with the term
                toks = self.tokens[unit]
                prior = comma * _length_prior(words, n_chars) * _name_prior(toks, i, j)
                if self.quotes:
                    prior *= self.quote_pairs(zh, unit, *self._range_of(zh, unit, i)).get((i, j), 1.0)
                where[key] = (unit, (i, j), 0.0, prior)
        out = {}
        for key, (unit, span, lex, prior) in where.items():
            df = self.df.get(key, co[key])
            dice = 2 * co[key] / (k + df)
            confidence = min(1.0, (lex or 0.3 * dice) * (0.5 + 0.5 * dice))
            if self.association:
                # Consistency is evidence too: the span in (nearly) every window of the term
                # and rarely elsewhere ("waste sorting", "veterans": no gloss, no doubt).
                consistent = (co[key] / k) * (co[key] / df) * k / (k + 1)
                confidence = max(confidence, consistent if co[key] >= 2 else 0.0)
            out[key] = (dice ** DICE_POWER * (LEX_FLOOR + lex) ** LEX_POWER * prior, unit, span, confidence)
        # English closedness: a span always extended by the same content word in the term's
        # windows is a truncation of the longer span ("revitalization" → "rural revitalization").
        for key in list(out):
            if len(key) < 2:
                continue
            for part, extra in ((key[1:], key[0]), (key[:-1], key[-1])):
                if part not in out or extra in EDGE_STOP or not extra[0].isalpha() \
                        or co[part] != co[key]:
                    continue
                if self.df.get(part) == self.df.get(key) or (self.association and co[key] >= 2):
                    score, unit, span, conf = out[part]
                    out[part] = (score * 0.45, unit, span, conf)
        # A span always followed (or preceded) by words that translate more of the term is
        # short of the term: "core technologies" → "core technologies in key fields" (关键).
        if self.association:
            truncated = set()
            for key in out:
                if co[key] < 2 or len(key) < 3:
                    continue
                for n in range(1, len(key) - 1):
                    for part in (key[:n], key[-n:]):
                        if part in out and co[part] == co[key] and where[key][2] > where[part][2]:
                            truncated.add(part)
            for part in sorted(truncated):
                score, unit, span, conf = out[part]
                out[part] = (score * 0.45, unit, span, conf)
        return out


_ZH_QUOTE = re.compile(r"“([^“”]{1,24})”")


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


def _merge(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for lo, hi in sorted(ranges):
        if out and lo <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return out


_NUMBER_WORDS = frozenset(("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"))


def _name_start(toks: list[Token], i: int) -> bool:
    """A capital that is not just the start of a sentence."""
    return _capital(toks[i]) and i > 0 and toks[i - 1].lower not in HARD


def _capital(t: Token) -> bool:
    return t.text[:1].isupper() and t.text[0].isalpha()


def _contains(toks: list[Token], key: tuple[str, ...]) -> bool:
    lowers = [t.lower for t in toks]
    n = len(key)
    return any(tuple(lowers[i:i + n]) == key for i in range(len(lowers) - n + 1))


def _stems(key: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(stem(w) for w in key)


def _overlaps(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """One span inside the other (a truncation is not a variant)."""
    small, big = (a, b) if len(a) <= len(b) else (b, a)
    n = len(small)
    return any(big[i:i + n] == small for i in range(len(big) - n + 1))


_NAME_GLUE = frozenset(("of", "and", "for", "the", "on", "in"))


@lru_cache(maxsize=4096)
def _length_prior(words: int, zh_chars: int) -> float:
    expected = max(1.0, zh_chars / 1.8)
    return math.exp(-0.35 * abs(math.log(words / expected)))


def _quote_prior(toks: list[Token], i: int, j: int, quoted: bool) -> float:
    inside = (i > 0 and toks[i - 1].lower in QUOTES) and (j + 1 < len(toks) and toks[j + 1].lower in QUOTES)
    if inside:
        return 1.6 if quoted else 1.2
    return 1.0


def _name_prior(toks: list[Token], i: int, j: int) -> float:
    """Title Case names are kept whole: cutting one inside a capitalised run is penalised."""
    def cap(t: Token) -> bool:
        return t.text[:1].isupper() or t.lower in ("of", "and", "for", "the", "on", "in")
    words = [t for t in toks[i:j + 1] if t.text[0].isalnum()]
    prior = 1.0
    if words and all(cap(t) for t in words) and words[0].text[:1].isupper():
        prior = 1.15
    if i > 0 and toks[i - 1].text[:1].isupper() and toks[i - 1].text[0].isalpha():
        prior *= 0.6
    if j + 1 < len(toks) and toks[j + 1].text[:1].isupper() and toks[j + 1].text[0].isalpha():
        prior *= 0.6
    return prior
