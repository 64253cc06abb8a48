"""Choosing among equal scores, and the English renderings of one source.

The index returns every entry as good as the k-th (`TopK` with ties); the store ids that
broke ties before came from import order, so importing the same files newest first
changed the English offered. Here equal scores are ranked by

1. how often the pair occurred (its count over all imports),
2. the newest date it carries (TMX dates),
3. provenance from the same document series as the text being translated (the document's
   name with its digits removed: ``gwr-2020.zh-en.txt`` is of the series of
   ``gwr-2016.tmx``'s ``x-zhtm-doc`` ``gwr-2016.zh-en.txt``),
4. then the texts themselves, so that the order never depends on import order.

A *source* is one normalised Chinese text; its renderings are the distinct English the TM
holds for it, most used first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import PurePath

from ..text.normalize import normalize
from .scoring import Hit
from .store import Origin, StoredUnit

_EXTENSIONS = re.compile(r"(\.(tmx|txt|xml|gz|zh-en|en-zh|zh|en|utf8|docx?))+$", re.I)


@dataclass(frozen=True, slots=True)
class Rendering:
    """One English the TM holds for a source, with how often and how lately it occurred."""

    en: str
    count: int
    date: str | None = None


def series_of(name: str) -> str:
    """A document's series: its file name without folders, extensions and digits, letters
    only, lower case (``gwr-2017.zh-en.txt`` and ``GWR-2019.tmx`` -> ``gwr``)."""
    base = _EXTENSIONS.sub("", PurePath(name.replace("\\", "/")).name)
    return re.sub(r"[^a-z]+", "", base.lower())


def origin_series(origin: Origin) -> set[str]:
    """The series an origin belongs to: its file, and the document a zhtm TMX names."""
    out = {series_of(origin.source)}
    out.update(series_of(value) for key, value in origin.props if key == "x-zhtm-doc")
    out.discard("")
    return out


def unit_series(unit: StoredUnit) -> set[str]:
    return set().union(*(origin_series(o) for o in unit.origins)) if unit.origins else set()


def newest_first(date: str | None) -> tuple:
    return (0, tuple(-ord(c) for c in date)) if date else (1, ())


def unit_key(hit: Hit, unit: StoredUnit, series: str | None) -> tuple:
    """Sort key: best score, then most used, newest, same series, then the texts."""
    return (Fraction(hit.distance - hit.length, hit.length) if hit.length else Fraction(-1),
            -unit.count, newest_first(unit.date),
            0 if series and series in unit_series(unit) else 1,
            normalize(unit.zh), unit.zh, unit.en)


def rank_units(found: Iterable[tuple[Hit, StoredUnit]], series: str | None = None
               ) -> list[tuple[Hit, StoredUnit]]:
    return sorted(found, key=lambda pair: unit_key(pair[0], pair[1], series))


def renderings(units: Iterable[StoredUnit]) -> dict[str, tuple[Rendering, ...]]:
    """Normalised source -> its renderings (most used, then newest, then alphabetical)."""
    groups: dict[str, list[StoredUnit]] = {}
    for unit in units:
        groups.setdefault(normalize(unit.zh), []).append(unit)
    out: dict[str, tuple[Rendering, ...]] = {}
    for source, group in groups.items():
        merged: dict[str, list] = {}
        for unit in group:
            entry = merged.setdefault(unit.en, [0, None])
            entry[0] += unit.count
            if unit.date and (entry[1] is None or unit.date > entry[1]):
                entry[1] = unit.date
        out[source] = tuple(sorted((Rendering(en, c, d) for en, (c, d) in merged.items()),
                                   key=lambda r: (-r.count, newest_first(r.date), r.en)))
    return out


def best_origin(unit: StoredUnit, series: str | None = None) -> Origin | None:
    """The origin to cite for a unit: same series first, then the newest date, then the
    file name (later names first: years), then the line: never import order."""
    if not unit.origins:
        return None
    return min(unit.origins, key=lambda o: (
        0 if series and series in origin_series(o) else 1, newest_first(o.date),
        tuple(-ord(c) for c in PurePath(o.source).name), o.line or 0))


def prop(origin: Origin | None, name: str) -> str | None:
    if origin is None:
        return None
    return next((v for k, v in origin.props if k == name), None)


def provenance(origin: Origin | None) -> tuple[str, str, str, float | None]:
    """(document, bead type, location, alignment score) of an origin as a zhtm TMX records
    them; for TMX from other tools: the file's name, no bead, its line, no score."""
    if origin is None:
        return "", "", "", None
    doc = prop(origin, "x-zhtm-doc") or PurePath(origin.source).name
    bead = prop(origin, "x-zhtm-bead") or ""
    loc = prop(origin, "x-zhtm-loc") or (f"line {origin.line}" if origin.line else "")
    score = prop(origin, "x-zhtm-score")
    try:
        value = float(score) if score is not None else None
    except ValueError:
        value = None
    return doc, bead, loc, value


def distinct(units: Sequence[StoredUnit]) -> int:
    return len({normalize(u.zh) for u in units})
