"""Plain records shared by every module (the bottom of the import graph)."""

from __future__ import annotations

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
    """A translation unit: one Chinese segment and its English, with provenance."""

    zh: str
    en: str
    score: float = 1.0
    bead: str = "1-1"
    doc: str = ""
    location: str = ""
    props: tuple[tuple[str, str], ...] = field(default_factory=tuple)
