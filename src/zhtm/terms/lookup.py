"""`zhtm terms lookup`: the English translators used for any Chinese string.

For a term the ranking missed, a terminologist wants to see how it was translated: every
rendering found in the units whose Chinese holds it, best first (the rendering the extractor
would choose, then the best renderings of the units that do not use it), each with the number
of those units whose English has it and one context.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..records import Unit
from .english import EnglishSide, EnSignals, _contains, tokenize

MAX_RENDERINGS = 5
# Another span of the same units is listed when this sure and translating this much of it.
OTHER_CONFIDENCE = 0.5
OTHER_COVERAGE = 0.5


@dataclass(frozen=True, slots=True)
class Rendering:
    """One English rendering of a looked-up string."""

    en: str
    count: int  # units holding the Chinese whose English holds this rendering
    zh_context: str
    en_context: str
    where: str  # document and location of the context ("" when unknown)


@dataclass(frozen=True, slots=True)
class TermLookup:
    """What the translation memory says about one Chinese string."""

    zh: str
    units: int  # units whose Chinese holds it
    renderings: tuple[Rendering, ...]


def lookup_terms(units: Sequence[Unit], queries: Sequence[str], *,
                 limit: int = MAX_RENDERINGS, signals: EnSignals = EnSignals()) -> list[TermLookup]:
    """The renderings of each query (a Chinese string) in `units`, best first."""
    from ..text.segment import split_en, split_zh

    units = [u for u in units if u.zh.strip() and u.en.strip()]
    english = EnglishSide([u.en for u in units], [u.zh for u in units], signals=signals)
    out = []
    for query in queries:
        zh = query.strip()
        where = [n for n, u in enumerate(units) if zh and zh in u.zh]
        if not where:
            out.append(TermLookup(zh, 0, ()))
            continue
        quoted = any(f"“{zh}”" in units[n].zh for n in where)
        choice = english.choose(zh, where, quoted=quoted, max_variants=limit - 1, sure=False)
        listed = [choice.en, *choice.variants] if choice else []
        if choice is not None and len(listed) < limit:  # other spans of the same units
            keys = [tuple(t.lower for t in tokenize(x)) for x in listed]
            for key, span in english.ranked_spans(zh, where, quoted=quoted):
                # another rendering, not a piece of one listed ("environment")
                if span.confidence < OTHER_CONFIDENCE or span.coverage < OTHER_COVERAGE \
                        or any(_inside(key, k) for k in keys):
                    continue
                listed.append(english.surface(span.unit, *span.span))
                keys.append(key)
                if len(listed) >= limit:
                    break
        renderings = []
        for en in listed:
            key = tuple(t.lower for t in tokenize(en))
            having = [n for n in where if _contains(english.tokens[n], key)]
            if not having:
                continue
            unit = units[having[0]]
            renderings.append(Rendering(
                en, len(having), _sentence_with(unit.zh, zh, split_zh),
                _sentence_with(unit.en, en, split_en),
                " ".join(x for x in (unit.doc, unit.location) if x)))
        out.append(TermLookup(zh, len(where), tuple(renderings)))
    return out


def _inside(small: tuple[str, ...], big: tuple[str, ...]) -> bool:
    n = len(small)
    return any(big[i:i + n] == small for i in range(len(big) - n + 1))


def _sentence_with(text: str, needle: str, split) -> str:
    low = needle.lower()
    for sentence in split(text):
        if low in sentence.lower():
            return sentence
    return text
