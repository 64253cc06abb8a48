"""Names: a short everyday word the translators render as a proper name is a term.

Two characters and words frequent in general Chinese are mostly everyday vocabulary, so
their Chinese score is discounted before any English is known (zhtm.terms.chinese). But a
place, a landmark or an institution is often an everyday word in Chinese (长城 "long wall",
大运河 "grand canal", 国务院) and a name in English ("Great Wall", "Grand Canal", "State
Council"): when the English chosen for such a string is a Title Case name of two or more
words in most of its occurrences, the translators treat it as a name, and a name is a term.
Such a string takes back the everyday-word discounts, so it is ranked in the tier its
occurrences and boundaries earn (a one-word name, "Beijing", is a transliteration and says
nothing: any place name is written so).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from .chinese import ZhCandidate
from .english import EnChoice

# Words a Title Case name may hold in lower case ("Party School of the Central Committee").
NAME_GLUE = frozenset("of the and for on in at with to".split())
NAME_SHARE = 0.5  # the name renders at least this share of the string's occurrences
NAME_CONFIDENCE = 0.5
NAME_PRECISION = 0.5


def is_name(en: str) -> bool:
    """Two or more words, every one but a connective capitalised ("Great Wall", "Grand
    Canal"; not "Beijing", not "Waste sorting")."""
    words = [w for w in en.replace("’", "'").split() if w[:1].isalnum()]
    content = [w for w in words if w.lower() not in NAME_GLUE]
    return len(content) >= 2 and all(w[:1].isupper() or w[:1].isdigit() for w in content) \
        and any(w[:1].isalpha() for w in content)


def named(choice: EnChoice | None) -> bool:
    """The English is a name that renders the string: in most of its occurrences, surely,
    and with at least half its words explained by it ("Socialism with Chinese
    Characteristics" is a longer string's name, not 社会主义's)."""
    return choice is not None and choice.share >= NAME_SHARE and choice.confidence >= NAME_CONFIDENCE \
        and choice.precision >= NAME_PRECISION and is_name(choice.en)


def title_runs(caps: Sequence[Sequence[int]]) -> list[bool]:
    """Per unit: does its English hold two capitalised words in a row, not opening a
    sentence (`EnglishText.caps`, 2 for such a word)? A unit without cannot hold a name."""
    return [any(a == 2 and b == 2 for a, b in zip(row, row[1:])) for row in caps]


def with_names(candidates: list[ZhCandidate], choose: Callable[[ZhCandidate], EnChoice | None],
               tier_score: Callable[[ZhCandidate], float], pool: int, titled: Sequence[bool]
               ) -> tuple[list[ZhCandidate], dict[str, float]]:
    """Candidates (best first again) with the everyday-word discounts taken back from the
    strings seen twice or more whose English is a name; and {string: the discount taken
    back}, to be applied again if the English it ends up with is no name.

    Only strings that the discounts keep out of the first tier (the `pool` best by
    `tier_score`), or that are in it, are looked at: the English of every short word of a
    report would double the cost; nor those in too few units whose English holds a name
    (`titled`, from title_runs)."""
    out: dict[str, float] = {}
    scores = sorted((tier_score(c) for c in candidates), reverse=True)
    cut = scores[min(pool, len(scores)) - 1] if scores else 0.0
    for cand in candidates:
        if cand.everyday < 1.0 and cand.frequency >= 2 and tier_score(cand) / cand.everyday >= cut \
                and sum(titled[u] for u in cand.units) >= NAME_SHARE * len(cand.units) \
                and named(choose(cand)):
            out[cand.text] = cand.everyday
            cand.score /= cand.everyday
            cand.everyday = 1.0
    if out:
        candidates = sorted(candidates, key=lambda c: (-c.score, -c.frequency, c.text))
    return candidates, out
