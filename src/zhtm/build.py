"""Jobs that turn input files into output files: `align` one document, `build` a corpus."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from . import __version__
from .align.aligner import AlignSettings
from .align.pipeline import Alignment, Progress, align_document, file_digest
from .errors import InputError, UsageError
from .formats.exports import write_links, write_pairs_tsv
from .formats.tmx import TmxHeader, write_tmx
from .paths import check_folder, check_inputs, check_output, output_folder, refuse_overwriting
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
    check_inputs(inputs)
    check_output(output, inputs=inputs)  # before any work: never the input, never a new folder
    try:
        document = read_document(list(inputs), layout, encoding)
    except LookupError as exc:  # an unknown --encoding name
        raise UsageError(str(exc)) from None
    alignment = align_document(document, settings, progress)
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


def check_build_store(db: Path) -> None:
    """Before any work: `db` is a zhtm store nobody is writing to, or can be created.

    A file that is not a zhtm store is refused untouched; a store another import is
    writing to fails at once with `StoreBusyError`."""
    from .tm.store import Store

    if not db.exists():
        check_output(db, option="--db")
        return
    with Store.open(db) as store:
        with store._write():  # the store's one lock, taken and given back
            pass


def build_store(tmx_paths: Sequence[Path], db: Path):
    """Bring the built TMX files into the store at `db` (created if missing), replacing the
    units an earlier build imported from the same files; units from any other source (the
    user's imports) are never touched. Returns a `tm.refresh.RefreshReport`."""
    from .tm.refresh import refresh_owned
    from .tm.store import Store

    with Store.open(db, create=True) as store:
        return refresh_owned(store, list(tmx_paths), owner="build")


@dataclass(frozen=True, slots=True)
class BuildStep:
    source: Path   # corpus/NAME.zh-en.txt
    tmx: Path
    tbx: Path
    glossary: Path


def plan_build(corpus: Path, tmx_dir: Path, termbase_dir: Path,
               db: Path | None = None) -> list[BuildStep]:
    """What `build_corpus` will write, checked before any work (nothing is created): the
    corpus is a folder of documents; no output and not the store is one of them (symbolic
    and hard links followed); the two output folders exist or can be made in an existing
    folder; every folder written to is writable."""
    check_folder(corpus)
    sources = sorted(corpus.glob("*.txt"))
    if not sources:
        raise InputError(corpus, "no .txt documents to build from")
    if db is not None:
        refuse_overwriting(db, inputs=sources, option="--db")
    for folder in (tmx_dir, termbase_dir):
        if not folder.exists():
            check_output(folder, inputs=sources, store=db, option=str(folder))
    steps = []
    for source in sources:
        name = source.stem.removesuffix(".zh-en")
        step = BuildStep(source, tmx_dir / f"{source.stem}.tmx", termbase_dir / f"{name}.tbx",
                         termbase_dir / f"{name}.utf8")
        for output in (step.tmx, step.tbx, step.glossary):
            if output.parent.exists():
                check_output(output, inputs=sources, store=db)
        steps.append(step)
    return steps


def build_corpus(corpus: Path, tmx_dir: Path, termbase_dir: Path,
                 db: Path | None = None, steps: Sequence[BuildStep] | None = None
                 ) -> Iterator[BuildReport]:
    """corpus/NAME.zh-en.txt (interleaved) → tmx_dir/NAME.zh-en.tmx, then its glossary
    termbase_dir/NAME.tbx (TBX-Basic 2008) and NAME.utf8 (OmegaT TSV); byte-reproducible.

    The termbase is harvested from the TMX just written; the document's English-only notes
    supply the definitions. `steps` is `plan_build`'s (made here when not given).
    """
    from .terms.extract import build_termbase

    if steps is None:
        steps = plan_build(corpus, tmx_dir, termbase_dir, db)
    output_folder(tmx_dir)
    output_folder(termbase_dir)
    for step in steps:
        report = align_to_file([step.source], step.tmx, layout="interleaved")
        entries = build_termbase([step.tmx], step.tbx, step.glossary, notes_from=[step.source])
        yield BuildReport(step.source, report, step.tbx, step.glossary, len(entries))
