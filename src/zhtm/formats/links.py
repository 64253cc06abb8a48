"""Alignment links in the MAC / Bertalign text format (gold files, `--format links`).

One bead per line, ``[zh ids]:[en ids]`` with zero-based ids, e.g. ``[8,9]:[8]`` or ``[5]:[]``
for a null bead. Lines starting with ``#`` are comments (a gold file says how it was made).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from ..errors import InputError
from ..records import Bead

_LINE = re.compile(r"^\s*\[\s*([0-9,\s]*)\]\s*:\s*\[\s*([0-9,\s]*)\]\s*$")


def _ids(field: str) -> tuple[int, ...]:
    parts = [p.strip() for p in field.split(",")]
    if parts == [""]:
        return ()
    if any(not p.isdigit() for p in parts):
        raise ValueError(field)
    return tuple(int(p) for p in parts)


def parse_links(text: str, path: str | Path | None = None) -> list[Bead]:
    """Parse the link format; blank lines and ``#`` comments are skipped. Raises ``InputError``
    naming the line."""
    beads: list[Bead] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        m = _LINE.match(line)
        try:
            if m is None:
                raise ValueError(line)
            zh, en = _ids(m.group(1)), _ids(m.group(2))
        except ValueError:
            raise InputError(path, f"not an alignment link (expected e.g. [8,9]:[8]): {line.strip()!r}",
                             line=number) from None
        if not zh and not en:
            raise InputError(path, "link with both sides empty", line=number)
        beads.append(Bead(zh, en))
    return beads


def format_links(beads: Iterable[Bead]) -> str:
    """One bead per line, ids comma-separated without spaces, trailing newline."""
    lines = [f"[{','.join(map(str, b.zh))}]:[{','.join(map(str, b.en))}]" for b in beads]
    return "".join(line + "\n" for line in lines)
