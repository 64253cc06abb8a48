"""OmegaT's plain glossaries: `zh<TAB>en<TAB>comment` (.utf8/.txt/.tab) and quoted CSV.

One row per Chinese term × English rendering, preferred English first, admitted variants on
the following rows (OmegaT shows every row). The comment column carries the frequency, the
definition when the corpus gives one, and marks variants. Lines starting with `#` are
comments (OmegaT skips them, and so does the reader).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..atomic import atomic_output
from ..errors import InputError
from ..records import TermEntry, term_id
from ..text.files import has_han, read_text

VARIANT = "admitted variant"
HEADER = "# zhtm glossary: Chinese term, English term, comment"
# The CSV's mark: a `#` line without commas, one cell that OmegaT and the reader skip.
CSV_HEADER = "# zhtm glossary (CSV): Chinese term; English term; comment"


def _field(text: str) -> str:
    """Tabs and line breaks would break a row; they carry no meaning in a term or a comment."""
    return " ".join(text.replace("\t", " ").split())


def _comment(entry: TermEntry, preferred: bool) -> str:
    if not preferred:
        return VARIANT
    parts = []
    if entry.frequency:
        parts.append(f"frequency: {entry.frequency}")
    if entry.definition:
        parts.append(f"definition: {entry.definition}")
    return "; ".join(_field(p) for p in parts)


def _rows(entry: TermEntry) -> Iterator[tuple[str, str, str]]:
    renderings = entry.renderings or ("",)
    for i, english in enumerate(renderings):
        preferred = i == 0 and (bool(entry.en) or not entry.variants)
        yield _field(entry.zh), _field(english), _comment(entry, preferred)


def write_glossary(entries: Iterable[TermEntry], dest: str | Path, *, fmt: str = "tsv") -> int:
    """Write a TSV (`fmt="tsv"`) or CSV (`fmt="csv"`) glossary; returns the number of entries."""
    count = 0
    with atomic_output(dest) as out:
        writer = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL) if fmt == "csv" else None
        out.write((HEADER if writer is None else CSV_HEADER) + "\n")
        for entry in entries:
            count += 1
            for row in _rows(entry):
                if writer is not None:
                    writer.writerow(row)
                else:
                    out.write("\t".join(row if row[2] else row[:2]) + "\n")
    return count


def _parse_comment(comment: str) -> tuple[int, str]:
    frequency, definition = 0, ""
    rest = comment
    if m := re.match(r"^frequency:\s*(\d+)(?:;\s*|$)", rest):
        frequency = int(m.group(1))
        rest = rest[m.end():]
    if rest.startswith("definition:"):
        definition = rest[len("definition:"):].strip()
    return frequency, definition


_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f]")


def _numbered_rows(path: Path, text: str, fmt: str) -> list[tuple[int, list[str]]]:
    if fmt != "csv":
        return [(n, line.split("\t")) for n, line in enumerate(text.splitlines(), 1)]
    reader = csv.reader(io.StringIO(text, newline=""))
    rows = []
    try:
        for row in reader:
            rows.append((reader.line_num, row))
    except csv.Error as exc:
        raise InputError(path, f"malformed CSV: {exc}", line=reader.line_num) from None
    return rows


def _check_row(path: Path, line: int, row: list[str], fmt: str, ours: bool) -> None:
    """A row of a glossary zhtm can honour: Chinese term, English, optional comment. A term
    without Chinese characters holds a digit (23·7, 5G), or comes from a file zhtm wrote."""
    if any(_CONTROL.search(cell) for cell in row):
        raise InputError(path, "binary data (control characters), not a glossary", line=line)
    if len(row) > 3 or len(row) < 2:
        sep = "," if fmt == "csv" else "<TAB>"
        raise InputError(path, f"{len(row)} column(s), not a glossary row (expected "
                               f"Chinese{sep}English{sep}comment)", line=line)
    if not has_han(row[0]) and not ours and not any(ch.isdigit() for ch in row[0]):
        raise InputError(path, f"the first column holds no Chinese ({row[0].strip()[:40]!r}), "
                               "not a glossary row (expected Chinese, English, comment)", line=line)


def read_glossary(src: str | Path, *, fmt: str | None = None,
                  strict: bool = False) -> Iterator[TermEntry]:
    """Read a TSV or CSV glossary back into entries (rows of one Chinese term are merged).

    `fmt` is "tsv" or "csv"; by default `.csv` files are CSV and anything else is TSV.
    `strict` (a glossary whose edits are to be kept): every row that is not blank or a `#`
    comment must be Chinese, English and an optional comment, else InputError naming the line.
    """
    path = Path(src)
    fmt = fmt or ("csv" if path.suffix.lower() == ".csv" else "tsv")
    text, _ = read_text(path)
    rows = _numbered_rows(path, text, fmt)
    ours = text.lstrip("\ufeff").startswith((HEADER, CSV_HEADER))
    order: list[str] = []
    merged: dict[str, dict] = {}
    for line, row in rows:
        if strict and row and any(cell.strip() for cell in row) and not row[0].lstrip().startswith("#"):
            _check_row(path, line, row, fmt, ours)
        if not row or row[0].lstrip().startswith("#") or len(row) < 2:
            continue
        zh, en = row[0].strip(), row[1].strip()
        comment = row[2].strip() if len(row) > 2 else ""
        if not zh:
            continue
        if zh not in merged:
            order.append(zh)
            merged[zh] = {"en": "", "variants": [], "frequency": 0, "definition": ""}
        item = merged[zh]
        if comment == VARIANT or (item["en"] and en):
            if en and en != item["en"] and en not in item["variants"]:
                item["variants"].append(en)
            continue
        item["en"] = en
        item["frequency"], item["definition"] = _parse_comment(comment)
    for zh in order:
        item = merged[zh]
        yield TermEntry(id=term_id(zh), zh=zh, en=item["en"], variants=tuple(item["variants"]),
                        frequency=item["frequency"], definition=item["definition"])
