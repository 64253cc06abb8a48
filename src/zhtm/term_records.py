"""The glossary entry record shared by the term extractor and the glossary formats."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class TermEntry:
    """One glossary entry: a Chinese term, its English as the translators wrote it, evidence.

    `en` is the preferred English (may be empty when none was found); `variants` are other
    renderings the translators also used (admitted terms).
    """

    id: str
    zh: str
    en: str = ""
    variants: tuple[str, ...] = ()
    frequency: int = 0
    zh_context: str = ""
    en_context: str = ""
    doc: str = ""
    location: str = ""
    definition: str = ""
    note: str = ""

    @property
    def renderings(self) -> tuple[str, ...]:
        """Preferred English first, then the variants (empty strings left out)."""
        return tuple(e for e in (self.en, *self.variants) if e)


def term_id(zh: str) -> str:
    """A stable id for a Chinese term: the same term gets the same id in every run."""
    # surrogatepass: a lone surrogate (which the writers strip) must not crash the id.
    return "t" + hashlib.sha1(zh.encode("utf-8", "surrogatepass")).hexdigest()[:10]
