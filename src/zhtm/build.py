"""Jobs that turn input files into output files: `align` one document, `build` a corpus."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from . import __version__
from .align.aligner import AlignSettings
from .align.pipeline import Alignment, Progress, align_document, file_digest
from .errors import UsageError
from .formats.exports import write_links, write_pairs_tsv
from .formats.tmx import TmxHeader, write_tmx
from .text.layouts import read_document


@dataclass(frozen=True, slots=True)
class AlignReport:
    output: Path
    alignment: Alignment
    written: int
    what: str  # "TUs", "pairs", "beads"
    below_min: int


def settings_for(max_zh: int | None = None, max_en: int | None = None) -> AlignSettings:
    settings = AlignSettings()
    if max_zh is not None:
        settings = replace(settings, max_zh=max_zh)
    if max_en is not None:
        settings = replace(settings, max_en=max_en)
    return settings


def tmx_header(alignment: Alignment, inputs: Sequence[Path], min_score: float,
               created: str | None) -> TmxHeader:
    """Header props say how the TM was built (tool, aligner settings, input digest)."""
    props = (
        ("x-zhtm-source", " ".join(p.name for p in inputs)),
        ("x-zhtm-source-sha256", file_digest(inputs)),
        ("x-zhtm-layout", alignment.document.layout),
        ("x-zhtm-aligner", alignment.settings.describe()),
        ("x-zhtm-min-score", f"{min_score:.2f}"),
    )
    return TmxHeader(tool_version=__version__, created=created, props=props)


def align_to_file(inputs: Sequence[Path], output: Path, *, fmt: str = "tmx",
                  layout: str | None = None, encoding: str | None = None,
                  settings: AlignSettings = AlignSettings(), min_score: float = 0.0,
                  created: str | None = None, progress: Progress | None = None) -> AlignReport:
    try:
        document = read_document(list(inputs), layout, encoding)
    except LookupError as exc:  # an unknown --encoding name
        raise UsageError(str(exc)) from None
    alignment = align_document(document, settings, progress)
    output.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "links":
        written = write_links(alignment.beads, output)
        return AlignReport(output, alignment, written, "beads", 0)
    units = alignment.units(min_score)
    below = sum(1 for b in alignment.beads if b.zh and b.en and b.score < min_score)
    if fmt == "tsv":
        written = write_pairs_tsv(units, output)
        return AlignReport(output, alignment, written, "pairs", below)
    written = write_tmx(units, output, header=tmx_header(alignment, inputs, min_score, created))
    return AlignReport(output, alignment, written, "TUs", below)


@dataclass(frozen=True, slots=True)
class BuildReport:
    source: Path
    align: AlignReport
    tbx: Path
    glossary: Path
    terms: int


def build_store(tmx_paths: Sequence[Path], db: Path):
    """A fresh TM store of the built TMX files; `db` is replaced only once it is complete."""
    from .tm.store import Store

    tmp = db.with_name(f".{db.name}.building")
    for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
        leftover.unlink(missing_ok=True)
    with Store.open(tmp, create=True) as store:
        report = store.import_tmx(list(tmx_paths))
    # A stale WAL beside the old store would be replayed into the new one: drop it first.
    for stale in (Path(f"{db}-wal"), Path(f"{db}-shm")):
        stale.unlink(missing_ok=True)
    os.replace(tmp, db)
    return report


def build_corpus(corpus: Path, tmx_dir: Path, termbase_dir: Path) -> Iterator[BuildReport]:
    """corpus/NAME.zh-en.txt (interleaved) → tmx_dir/NAME.zh-en.tmx, then its glossary
    termbase_dir/NAME.tbx (TBX-Basic 2008) and NAME.utf8 (OmegaT TSV); byte-reproducible.

    The termbase is harvested from the TMX just written; the document's English-only notes
    supply the definitions.
    """
    from .terms.extract import build_termbase

    sources = sorted(corpus.glob("*.txt"))
    if not sources:
        raise UsageError(f"{corpus}: no .txt documents to build from")
    for source in sources:
        tmx = tmx_dir / f"{source.stem}.tmx"
        report = align_to_file([source], tmx, layout="interleaved")
        name = source.stem.removesuffix(".zh-en")
        tbx, glossary = termbase_dir / f"{name}.tbx", termbase_dir / f"{name}.utf8"
        termbase_dir.mkdir(parents=True, exist_ok=True)
        entries = build_termbase([tmx], tbx, glossary, notes_from=[source])
        yield BuildReport(source, report, tbx, glossary, len(entries))
