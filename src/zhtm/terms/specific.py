"""Specific translation consistency: the same English wherever the string stands on its own.

A term is translated the same way each time it is used; but a string that recurs only inside
a longer repeated stretch (新时代首都 in 新时代首都发展, 办理市 in 办理市人大代表建议) shows the
same English each time too, because the English of the whole stretch repeats. So the
consistency of a candidate's English is counted only over its *free* occurrences: those not
inside a longer recurring candidate. With fewer than two free occurrences there is no
evidence either way (and no lift). The measure is a Dice coefficient between the units of the
free occurrences and the units whose English holds the rendering, so an English phrase the
document uses everywhere ("development") is not specific to the string.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from .chinese import MIN_LEN, ZhCandidate
from .windows import EnglishText, _contains

# The trial lift (TermOptions.specific_lift; off by default): how much the final score of a
# string translated the same way in all its free units rises. With two occurrences the measure
# is near 1 for most strings (their English was chosen to occur in both), so any lift raises
# that whole plateau: at 0.15 two dev terms enter the Beijing top 200 and the Beijing top 100
# keeps 91 genuine, but the national top 50 loses one genuine entry; larger lifts (0.3, 0.5, 1.0)
# and counting only strings with three or more free occurrences cost more (bench_terms).
SPECIFIC_LIFT = 0.15


class FreeOccurrences:
    """For each candidate, the units where it occurs outside every longer recurring candidate."""

    def __init__(self, candidates: Sequence[ZhCandidate], zh_texts: Sequence[str]) -> None:
        self.texts = zh_texts
        recurring = {c.text for c in candidates if c.frequency >= 2}
        self.longer: dict[str, list[str]] = defaultdict(list)
        for t in recurring:
            for i in range(len(t)):
                for j in range(i + MIN_LEN, len(t) + 1):
                    if j - i < len(t):
                        self.longer[t[i:j]].append(t)

    def free_units(self, cand: ZhCandidate) -> list[int]:
        longer = set(self.longer.get(cand.text, ()))
        if not longer:
            return list(dict.fromkeys(cand.units))
        out = []
        for unit in dict.fromkeys(cand.units):
            text = self.texts[unit]
            covered: list[tuple[int, int]] = []
            for d in longer:
                at = text.find(d)
                while at >= 0:
                    covered.append((at, at + len(d)))
                    at = text.find(d, at + 1)
            at = text.find(cand.text)
            while at >= 0:
                end = at + len(cand.text)
                if not any(lo <= at and end <= hi for lo, hi in covered):
                    out.append(unit)
                    break
                at = text.find(cand.text, at + 1)
        return out


def specific_consistency(english: EnglishText, key: tuple[str, ...], free: Sequence[int]) -> float:
    """Dice of the free units and the units whose English holds `key` (0 with < 2 such units)."""
    if len(free) < 2 or not key:
        return 0.0
    n = sum(1 for unit in free if _contains(english.tokens[unit], key))
    if n < 2:
        return 0.0
    df = max(english.df.get(key, n), n)
    return 2 * n / (len(free) + df)
