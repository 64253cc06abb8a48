"""Term check: translation units where a glossary term occurs in the Chinese but none of its
English renderings occurs in the English (the consistency check reviewers do by hand)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from ..records import TermEntry, Unit


@dataclass(frozen=True, slots=True)
class TermIssue:
    """One TU that does not use the glossary's English for a term found in its Chinese."""

    term: TermEntry
    unit: Unit
    index: int  # 0-based position of the unit in the input


def _normalise(text: str) -> str:
    text = text.lower().replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    return " ".join(re.sub(r"[-‐–]", "-", text).split())


def _english_pattern(rendering: str) -> re.Pattern[str]:
    """Whole-word, case-insensitive match that tolerates a plural s/es on the last word."""
    text = _normalise(rendering)
    plural = "(?:s|es)?"
    if re.search(r"[^aeiou]y$", text):
        text, plural = text[:-1], "(?:y|ies)"
    body = re.escape(text).replace(r"\ ", r"\s+")
    return re.compile(rf"(?<![\w]){body}{plural}(?![\w])")


def check_terms(entries: Sequence[TermEntry], units: Iterable[Unit]) -> Iterator[TermIssue]:
    """Yield an issue for every (unit, term) where the term is in the Chinese and none of its
    renderings is in the English. Entries without English are ignored; when a term is part of
    a longer glossary term found in the same unit, only the longer term is checked."""
    checked = [(e, [_english_pattern(r) for r in e.renderings]) for e in entries if e.renderings]
    checked.sort(key=lambda ep: -len(ep[0].zh))
    for index, unit in enumerate(units):
        zh = unit.zh
        en = _normalise(unit.en)
        covered: list[tuple[int, int]] = []
        for entry, patterns in checked:
            spans = [(m.start(), m.start() + len(entry.zh)) for m in re.finditer(re.escape(entry.zh), zh)]
            spans = [s for s in spans if not any(a <= s[0] and s[1] <= b for a, b in covered)]
            if not spans:
                continue
            covered.extend(spans)
            if not any(p.search(en) for p in patterns):
                yield TermIssue(entry, unit, index)
