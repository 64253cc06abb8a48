"""Other documents of the same genre as evidence for a document's terms.

A policy term recurs across the reports of a series (other years, other governments) and is
translated the same way there; a phrase of one report's running text does not recur, or
recurs in other words. Given background documents (aligned units of other reports), this
measures, for a Chinese string of the document being harvested:
- in how many background documents it occurs (cross-document recurrence);
- in how many its English rendering in this document is also found in the English of the
  units that hold it (the same translation across documents and translators);
- which strings this document has only once recur across the background as a bounded unit
  of their own (various characters before and after them there): candidates although this
  document cannot show them recurring.
The background never proposes a string this document does not hold.
"""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from ..records import Unit
from .chinese import HAN_RUN, TERM_RUN

# A once-seen string is taken when it occurs in at least this many background documents ...
RECURRING_DOCUMENTS = 2
# ... with at least this many different characters before it and after it there (a fragment
# such as 展理念 always follows 发; 新发展理念 follows many).
RECURRING_VARIETY = 3
MIN_LEN = 3  # a two-character string recurs everywhere: it says nothing
MAX_LEN = 24
# How much cross-document evidence lifts a candidate: its Chinese score (which decides the
# tier it is ranked in) by up to RECURRENCE_LIFT when it occurs in two or more background
# documents, its final score by up to SAME_ENGLISH_LIFT when two or more render it the same way.
RECURRENCE_LIFT = 0.5
SAME_ENGLISH_LIFT = 1.0
ONCE_FACTOR = 0.5  # a string seen once here ranks below one seen twice with the same evidence


@dataclass(frozen=True, slots=True)
class BackgroundSignals:
    """Which background evidence is used (the bench switches them off one at a time)."""

    once: bool = True  # once-seen strings recurring (bounded) across the background are candidates
    recurrence: bool = True  # occurring in other documents lifts the Chinese score
    same_english: bool = True  # the same English in other documents lifts the final score;
    # a once-seen string without it is dropped


def recurrence_factor(documents: int) -> float:
    return 1.0 + RECURRENCE_LIFT * min(documents, 2) / 2


def same_english_factor(documents: int) -> float:
    return 1.0 + SAME_ENGLISH_LIFT * min(documents, 2) / 2


class Background:
    """The Chinese text and aligned English of other documents (one list of units each)."""

    def __init__(self, documents: Sequence[Sequence[Unit | tuple[str, str]]]) -> None:
        self.texts: list[str] = []
        self.starts: list[list[int]] = []  # offset of each unit's Chinese in the joined text
        self.english: list[list[str]] = []
        for units in documents:
            pairs = [(u.zh, u.en) if isinstance(u, Unit) else (u[0], u[1]) for u in units]
            starts, pos = [], 0
            for zh, _ in pairs:
                starts.append(pos)
                pos += len(zh) + 1
            self.texts.append("\n".join(zh for zh, _ in pairs))
            self.starts.append(starts)
            self.english.append([en for _, en in pairs])
        self._documents: dict[str, int] = {}

    def __len__(self) -> int:
        return len(self.texts)

    def documents(self, zh: str) -> int:
        """How many background documents hold `zh`."""
        got = self._documents.get(zh)
        if got is None:
            got = self._documents[zh] = sum(1 for text in self.texts if zh in text)
        return got

    def english_documents(self, zh: str, en_words: Sequence[str]) -> int:
        """How many background documents render `zh` with the same English: a unit holding
        `zh` whose English holds the content words of `en_words` in that order."""
        want = _content(tuple(w.lower() for w in en_words))
        if not want:
            return 0
        found = 0
        for text, starts, english in zip(self.texts, self.starts, self.english):
            at = text.find(zh)
            while at >= 0:
                unit = bisect.bisect_right(starts, at) - 1
                if _holds(_content_of(english[unit]), want):
                    found += 1
                    break
                at = text.find(zh, starts[unit + 1] if unit + 1 < len(starts) else len(text))
        return found

    def recurring(self, texts: Sequence[str], *, seen_once_only: bool = True) -> frozenset[str]:
        """Strings of `texts` (this document's Chinese) of 3+ characters found in at least
        RECURRING_DOCUMENTS background documents and bounded there (RECURRING_VARIETY
        different neighbours on each side, counting this document too)."""
        runs = [m.group() for t in texts for m in TERM_RUN.finditer(t)]
        here = "\n".join(runs)
        shared = self._shared_strings(runs)
        out = set()
        for s in shared:
            if len(s) < MIN_LEN or not HAN_RUN.fullmatch(s):
                continue
            if seen_once_only and here.count(s) != 1:
                continue
            if self._bounded(s, here):
                out.add(s)
        return frozenset(out)

    def _shared_strings(self, runs: list[str]) -> set[str]:
        """Strings of `runs` found in ≥ RECURRING_DOCUMENTS background documents, found by
        extending shared strings one character at a time (a longer string is never in more
        documents than its prefix)."""
        doc_runs = [[m.group() for m in TERM_RUN.finditer(text)] for text in self.texts]
        out: set[str] = set()
        alive: set[str] | None = None
        for length in range(2, MAX_LEN + 1):
            mine = _grams(runs, length, alive)
            if not mine:
                break
            counts: Counter[str] = Counter()
            for got in doc_runs:
                counts.update(mine & _grams(got, length, alive))
            alive = {s for s, n in counts.items() if n >= RECURRING_DOCUMENTS}
            out |= alive
        return out

    def _bounded(self, s: str, here: str) -> bool:
        left: set[str] = set()
        right: set[str] = set()
        for k, text in enumerate([*self.texts, here]):
            at = text.find(s)
            while at >= 0:
                end = at + len(s)
                left.add(text[at - 1] if at > 0 and text[at - 1] != "\n" else f"^{k}.{at}")
                right.add(text[end] if end < len(text) and text[end] != "\n" else f"${k}.{end}")
                if len(left) >= RECURRING_VARIETY and len(right) >= RECURRING_VARIETY:
                    return True
                at = text.find(s, at + 1)
        return False


def _grams(runs: list[str], length: int, alive: set[str] | None) -> set[str]:
    out = set()
    for run in runs:
        for i in range(len(run) - length + 1):
            s = run[i:i + length]
            if alive is None or s[:-1] in alive:
                out.add(s)
    return out


@lru_cache(maxsize=100_000)
def _content_of(english: str) -> tuple[str, ...]:
    from .glosses import tokenize

    return tuple(t.stem for t in tokenize(english) if t.stem)


@lru_cache(maxsize=100_000)
def _content(words: tuple[str, ...]) -> tuple[str, ...]:
    return _content_of(" ".join(words))


def _holds(seq: tuple[str, ...], want: tuple[str, ...]) -> bool:
    n = len(want)
    return any(seq[i:i + n] == want for i in range(len(seq) - n + 1))
