"""Plain-text outputs of the align job: TSV pairs and MAC-Dev style links."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ..atomic import atomic_output
from ..records import Bead, Unit
from .links import format_links

TSV_HEADER = "zh\ten\tscore\tbead\tlocation\n"


def _tsv_field(text: str) -> str:
    # Tabs and newlines would break the columns; they carry no meaning inside a segment.
    return " ".join(text.replace("\t", " ").split())


def write_pairs_tsv(units: Iterable[Unit], dest: str | Path) -> int:
    count = 0
    with atomic_output(dest) as out:
        out.write(TSV_HEADER)
        for unit in units:
            out.write("\t".join((_tsv_field(unit.zh), _tsv_field(unit.en), "" if unit.score is None else f"{unit.score:.3f}",
                                 unit.bead, unit.location)) + "\n")
            count += 1
    return count


def write_links(beads: Iterable[Bead], dest: str | Path) -> int:
    beads = list(beads)
    with atomic_output(dest) as out:
        out.write(format_links(beads))
    return len(beads)
