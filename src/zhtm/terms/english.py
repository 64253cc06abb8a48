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

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from ..align.lexicon import stem
from .glosses import _NUMBER_WORDS, TermLexicon, Token, _zh_number, english_head, tokenize  # noqa: F401  (re-exported)
from .spans import Span, score_spans
from .windows import _ZH_QUOTE, EnglishText, _contains, _en_quotes
from .windows import EnSignals  # noqa: F401  (re-exported)

VARIANT_CONFIDENCE = 0.5  # an admitted variant must be this sure


@dataclass(frozen=True, slots=True)
class EnChoice:
    """The English chosen for a term: preferred span, variants, and where it was found."""

    en: str
    variants: tuple[str, ...]
    unit: int  # index of a unit whose English contains the preferred span
    confidence: float  # 0..1
    key: tuple[str, ...] = ()  # the preferred span, lower-case words
    score: float = 0.0  # how strongly the span belongs to this term (for competitive linking)
    share: float = 0.0  # share of the term's units whose English has one of its renderings
    precision: float = 0.0  # share of the preferred span's content words the term explains
    coverage: float = 0.0  # share of the term's characters the preferred span translates


class EnglishSide(EnglishText):
    """Chooses a term's English: the best span, and the sure variants."""

    def choose(self, zh: str, units: Sequence[int], *, quoted: bool = False,
               exclude: frozenset[tuple[str, ...]] = frozenset(), max_variants: int = 2,
               sure: bool | None = None) -> EnChoice | None:
        """The preferred English of `zh` in `units` (indexes), with admitted variants.

        `exclude`: spans (lower-case word tuples) another term has a better claim to;
        `max_variants`: how many variants at most; `sure`: only sure variants (default: the signal)."""
        sure = self.signals.sure_variants if sure is None else sure
        lexicon = self.lexicon(zh)
        scored = self._score_spans(zh, lexicon, units, quoted)
        if quoted:
            self._add_quote_matches(zh, units, scored)
        for key in exclude:
            scored.pop(key, None)
        if not scored:
            return None
        best_key, best = max(scored.items(), key=lambda kv: (kv[1].score, len(kv[0]), kv[0]))
        en = self._usual_surface(best_key, self.surface(best.unit, *best.span))
        variants: list[str] = []
        others = [u for u in units if not _contains(self.tokens[u], best_key)]
        seen_keys = {best_key}
        while others and len(variants) < max_variants:
            alt = self._score_spans(zh, lexicon, others, quoted)
            alt = {k: v for k, v in alt.items() if k not in seen_keys and k not in exclude
                   and not _overlaps(k, best_key) and _stems(k) != _stems(best_key)
                   and self._starts_on_term(lexicon, v.unit, v.span[0], en[:1].isupper())}
            if not alt:
                break
            key, got = max(alt.items(), key=lambda kv: (kv[1].score, len(kv[0]), kv[0]))
            if got.confidence < VARIANT_CONFIDENCE or got.score < 0.4 * best.score:
                break
            if sure and not _sure_variant(got, len(set(others))):
                break
            variants.append(self._usual_surface(key, self.surface(got.unit, *got.span)))
            seen_keys.add(key)
            others = [u for u in others if not _contains(self.tokens[u], key)]
        k = len(set(units))
        share = (k - len(set(others))) / k if k else 0.0
        return EnChoice(en, tuple(variants), best.unit, best.confidence, best_key, best.score,
                        share, best.precision, best.coverage)

    def ranked_spans(self, zh: str, units: Sequence[int], *, quoted: bool = False):
        """Every scored span of `zh` in `units`, best first: [(key, Span)]."""
        lexicon = self.lexicon(zh)
        scored = self._score_spans(zh, lexicon, units, quoted)
        if quoted:
            self._add_quote_matches(zh, units, scored)
        return sorted(scored.items(), key=lambda kv: (-kv[1].score, -len(kv[0]), kv[0]))

    def _starts_on_term(self, lexicon: TermLexicon, unit: int, i: int, name: bool) -> bool:
        """A variant starts on a word the term explains, or on a capital when the term is a
        name ("promote green, low-carbon" is not a variant of 绿色低碳)."""
        return bool(lexicon.explains(self.tokens[unit][i])) or name and self.caps[unit][i] == 2

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
            if zh not in zh_quotes or not en_quotes:
                continue
            if len(zh_quotes) == len(en_quotes):
                i, j = en_quotes[zh_quotes.index(zh)]
            else:  # some quotes are not kept in the translation: the quote whose words the
                # term explains, when no other quoted term explains it as well
                got = self._quote_by_words(zh, zh_quotes, unit, en_quotes)
                if got is None:
                    continue
                i, j = got
            if self.signals.quote_modifiers:
                i, j = self._quote_modifier(zh, unit, i, j)
            key = tuple(t.lower for t in self.tokens[unit][i:j + 1])
            hits[key] += 1
            first.setdefault(key, (unit, (i, j)))
        k = len(set(units))
        for key, n in hits.items():
            dice = 2 * n / (k + self.df.get(key, n))
            if key in scored:
                got = scored[key]
                got.score = max(got.score * 2, dice)
                got.confidence = max(got.confidence, 0.7)
                got.share = max(got.share, n / k)
            else:
                unit, span = first[key]
                scored[key] = Span(dice * 0.8, unit, span, 0.6, n / k)

    def _quote_modifier(self, zh: str, unit: int, i: int, j: int) -> tuple[int, int]:
        """The quote with the modifier before it, when the quoted words leave the term's first
        character untranslated: two critical “minor details” for 关键小事 (the translators
        quote only what they render literally)."""
        toks = self.tokens[unit]
        if i < 2 or j + 1 >= len(toks) or toks[i - 1].text not in ("“", '"') or not toks[i - 2].stem \
                or toks[i - 2].lower in _NUMBER_WORDS or not toks[i - 2].text[0].isalpha():
            return i, j
        lexicon = self.lexicon(zh)
        if any(0 in lexicon.explains(t) for t in toks[i:j + 1]):
            return i, j
        return i - 2, j + 1

    def _score_spans(self, zh: str, lexicon: TermLexicon, units: Sequence[int], quoted: bool):
        return score_spans(self, zh, lexicon, units, quoted)


def _sure_variant(span: Span, units: int) -> bool:
    """A variant is admitted when it renders the term in at least two occurrences and
    translates most of it with words the term explains, or once when every character and
    every word is accounted for by the dictionary (then one occurrence is a translation, not a
    coincidence): "seven railway stations, two airports" for 七站两场, not "way" for 生活方式."""
    times = round(span.share * units)
    if times >= 2:
        return span.coverage >= 0.5 and span.precision >= 0.5
    return span.coverage >= 0.99 and span.precision >= 0.99


def _stems(key: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(stem(w) for w in key)


def _overlaps(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """One span inside the other (a truncation is not a variant)."""
    small, big = (a, b) if len(a) <= len(b) else (b, a)
    n = len(small)
    return any(big[i:i + n] == small for i in range(len(big) - n + 1))
