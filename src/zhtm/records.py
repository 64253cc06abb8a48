"""Plain records shared by every module (the bottom of the import graph): alignment beads,
translation units and glossary entries."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Bead:
    """An alignment bead: zh sentence ids ↔ en sentence ids (either side may be empty)."""

    zh: tuple[int, ...]
    en: tuple[int, ...]
    score: float = 1.0

    @property
    def kind(self) -> str:
        """Bead type as translators read it, e.g. ``1-3``."""
        return f"{len(self.zh)}-{len(self.en)}"


@dataclass(frozen=True, slots=True)
class Unit:
    """A translation unit: one Chinese segment and its English, with provenance (`score`
    None and `bead` "" where unknown, e.g. a TM entry from another tool)."""

    zh: str
    en: str
    score: float | None = 1.0
    bead: str = "1-1"
    doc: str = ""
    location: str = ""
    props: tuple[tuple[str, str], ...] = field(default_factory=tuple)


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
