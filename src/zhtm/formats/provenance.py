"""Whether an existing file was written by zhtm, so that outputs replace only files zhtm made.

A user's file at an output path (notes, another tool's TMX, a gold alignment) must survive a
mistyped `-o`. Each format zhtm writes carries a mark that says so, and the file is sniffed by
its content, not its name (a TMX may be called anything):
- TMX: `creationtool="zhtm"` in the header (an OmegaT-saved copy says OmegaT: it holds edits);
- TBX: the title zhtm writes ("zhtm ...") or the list of ids zhtm proposed;
- OmegaT TSV/CSV glossary: the `# zhtm glossary` comment line OmegaT skips;
- TSV pairs: zhtm's column header line.
Links files (`[0]:[0]`, the MAC-Dev/Vecalign format) carry no mark, and a gold alignment looks
the same, so an existing one is replaced only with `--force`. An empty file holds nothing.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import UsageError, ZhtmError
from ..paths import check_output
from .exports import TSV_HEADER
from .glossary_tsv import CSV_HEADER, HEADER as GLOSSARY_HEADER

_TEXT_MARKS = (GLOSSARY_HEADER, CSV_HEADER, TSV_HEADER.rstrip("\n"))


def _first_line(path: Path) -> str:
    with open(path, "rb") as fh:
        head = fh.read(4096)
    return head.decode("utf-8", "replace").removeprefix("\ufeff").split("\n", 1)[0].rstrip("\r")


def _xml_by_zhtm(path: Path) -> bool:
    from .tbx import read_tbx_header
    from .tmx import read_tmx_header

    try:
        return read_tmx_header(path).creationtool == "zhtm"
    except ZhtmError:
        pass
    try:
        header = read_tbx_header(path)
    except ZhtmError:
        return False
    return bool(header.proposed) or header.title.startswith("zhtm")


def written_by_zhtm(path: str | Path) -> bool:
    """True when `path` is an empty file or carries the mark of a format zhtm writes."""
    path = Path(path)
    try:
        if path.stat().st_size == 0:
            return True
        first = _first_line(path)
    except OSError:
        return False
    if first in _TEXT_MARKS:
        return True
    return first.lstrip().startswith("<") and _xml_by_zhtm(path)


def check_new_output(output: str | Path, *, inputs=(), store=None, keep=None,
                     option: str = "-o", force: bool | None = False) -> Path:
    """`paths.check_output`, and refuse (exit 2) an existing file zhtm did not write, unless
    `force` (None: the command has no --force). Call it before any work, for every output."""
    output = check_output(output, inputs=inputs, store=store, keep=keep, option=option)
    if not force and output.is_file() and not written_by_zhtm(output):
        way = "choose another name, or pass --force" if force is not None else "move it away"
        raise UsageError(f"{option} {output}: the file exists and was not written by zhtm; "
                         f"refusing to replace it ({way})")
    return output
