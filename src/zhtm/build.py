"""Jobs that turn input files into output files: `align` one document, `build` a corpus."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from . import __version__
from .align.aligner import AlignSettings
from .align.pipeline import Alignment, Progress, align_document, file_digest
from .errors import InputError, UsageError, ZhtmError
from .formats.exports import write_links, write_pairs_tsv
from .formats.provenance import check_new_output
from .formats.tmx import TmxHeader, write_tmx
from .paths import check_folder, check_inputs, check_output, output_folder, refuse_overwriting
from .records import Unit
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
                  created: str | None = None, progress: Progress | None = None,
                  force: bool = False) -> AlignReport:
    check_inputs(inputs)
    # before any work: never an input, never a new folder, never a file zhtm did not write
    check_new_output(output, inputs=inputs, force=force)
    alignment = align_inputs(inputs, layout, encoding, settings, progress)
    return write_alignment(alignment, inputs, output, fmt=fmt, min_score=min_score,
                           created=created)


def align_inputs(inputs: Sequence[Path], layout: str | None, encoding: str | None,
                 settings: AlignSettings, progress: Progress | None = None) -> Alignment:
    """Read one document in its layout and align it."""
    try:
        document = read_document(list(inputs), layout, encoding)
    except LookupError as exc:  # an unknown --encoding name
        raise UsageError(str(exc)) from None
    return align_document(document, settings, progress)


def write_alignment(alignment: Alignment, inputs: Sequence[Path], output: Path, *,
                    fmt: str = "tmx", min_score: float = 0.0,
                    created: str | None = None) -> AlignReport:
    """Write an alignment as TMX, TSV pairs or links (atomically)."""
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
    from .tm.new_store import import_into
    from .tm.refresh import refresh_owned

    # a new store appears only once the import into it succeeded (never an empty one)
    return import_into(db, lambda store: refresh_owned(store, list(tmx_paths), owner="build"))


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
                check_new_output(output, inputs=sources, store=db, option="build", force=None)
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


# --------------------------------------------------------------------------- batch alignment


@dataclass(frozen=True, slots=True)
class BatchItem:
    """One document of a batch: an interleaved file, or a Chinese file and its English."""

    inputs: tuple[Path, ...]
    name: str  # output file stem

    def label(self) -> str:
        return " + ".join(str(p) for p in self.inputs)


def batch_items(inputs: Sequence[Path], pairs: Path | None = None) -> list[BatchItem]:
    """The documents a batch names: each file is an interleaved document, each folder gives
    its ``*.txt`` files (sorted), and each line of the ``pairs`` list is ``ZH<TAB>EN`` (a
    two-file document) or one path (interleaved); relative paths there are relative to the
    list, blank lines and ``#`` comments are skipped."""
    items: list[BatchItem] = []
    for path in inputs:
        if path.is_dir():
            check_folder(path)
            found = sorted(p for p in path.glob("*.txt") if p.is_file())
            if not found:
                raise InputError(path, "is a folder, not a file, and holds no .txt documents "
                                       "to align")
            items.extend(BatchItem((p,), p.stem) for p in found)
        else:
            items.append(BatchItem((path,), path.stem))
    if pairs is not None:
        items.extend(_read_pairs(pairs))
    if not items:
        raise UsageError("no documents to align")
    seen: dict[str, BatchItem] = {}
    for item in items:
        if item.name in seen:
            raise UsageError(f"two documents would write the same output '{item.name}': "
                             f"{seen[item.name].label()} and {item.label()}")
        seen[item.name] = item
    return items


def _read_pairs(path: Path) -> list[BatchItem]:
    from .text.files import read_lines

    items = []
    for number, line in enumerate(read_lines(path), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        fields = [f.strip() for f in line.split("\t")]
        if len(fields) > 2 or not all(fields):
            raise InputError(path, "expected a file, or a Chinese file and its English file "
                                   "separated by a tab", line=number)
        files = tuple(p if p.is_absolute() else path.parent / p for p in map(Path, fields))
        items.append(BatchItem(files, files[0].stem))
    return items


@dataclass(frozen=True, slots=True)
class BatchOutcome:
    """What became of one document: its output and summary, or the error that stopped it."""

    item: BatchItem
    error: str | None = None
    output: Path | None = None
    written: int = 0
    what: str = ""
    beads: int = 0
    kinds: tuple[tuple[str, int], ...] = ()
    weak: tuple[str, ...] = ()       # where the beads to review are ("zh line 3, en line 4")
    warnings: tuple[str, ...] = ()
    units: tuple[Unit, ...] = ()     # kept only for a combined TMX
    layout: str = ""


@dataclass(frozen=True, slots=True)
class BatchJob:
    """Everything a worker needs besides the document."""

    out_dir: Path | None            # one output per document there; None: combined output
    fmt: str = "tmx"
    layout: str | None = None
    encoding: str | None = None
    settings: AlignSettings = AlignSettings()
    min_score: float = 0.0
    created: str | None = None


def align_batch(items: Sequence[BatchItem], job: BatchJob, *, combined: Path | None = None,
                jobs: int = 1, progress: Progress | None = None,
                force: bool = False) -> list[BatchOutcome]:
    """Align every document, ``jobs`` at a time (worker processes, each loading CC-CEDICT
    once); one output per document in ``job.out_dir``, or one combined TMX/TSV at
    ``combined`` written after all documents (in the order given). A document that fails is
    reported in its outcome and the others go on; no output is ever half-written."""
    if (combined is None) == (job.out_dir is None):
        raise UsageError("give either an output folder or one combined output file")
    if combined is not None and job.fmt == "links":
        raise UsageError("links cannot be combined (sentence ids are per document): "
                         "write one file per document")
    _check_batch_outputs(items, job, combined, force)
    outcomes: list[BatchOutcome | None] = [None] * len(items)
    done = 0
    if jobs <= 1 or len(items) == 1:
        for k, item in enumerate(items):
            outcomes[k] = _align_item(item, job, combined is not None)
            done += 1
            if progress is not None:
                progress(done, len(items))
    else:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor, as_completed

        context = multiprocessing.get_context("spawn")  # no inherited locks or threads
        with ProcessPoolExecutor(max_workers=jobs, mp_context=context,
                                 initializer=_worker_start) as pool:
            with _workers_ignore_ctrl_c():  # the workers are started by the first submits
                futures = {pool.submit(_align_item, item, job, combined is not None): k
                           for k, item in enumerate(items)}
            try:
                for future in as_completed(futures):
                    outcomes[futures[future]] = future.result()
                    done += 1
                    if progress is not None:
                        progress(done, len(items))
            except KeyboardInterrupt:
                # Documents not begun are dropped; those being aligned finish (atomically).
                pool.shutdown(wait=True, cancel_futures=True)
                raise
    result = [o for o in outcomes if o is not None]
    if combined is not None:
        _write_combined(result, combined, job)
    return result


@contextmanager
def _workers_ignore_ctrl_c() -> Iterator[None]:
    """Processes started inside inherit SIGINT ignored (kept across exec, and Python then
    installs no handler): Ctrl-C reaches the whole process group, and workers interrupted
    while starting or waiting printed tracebacks. The parent alone stops the batch."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _worker_start() -> None:
    """Each worker reads CC-CEDICT once, before its first document."""
    from .align.lexicon import load_cedict

    load_cedict()


def _align_item(item: BatchItem, job: BatchJob, keep_units: bool) -> BatchOutcome:
    try:
        check_inputs(item.inputs)
        alignment = align_inputs(item.inputs, job.layout, job.encoding, job.settings)
        weak = tuple(alignment.location(b) for b in alignment.to_review())
        common = dict(beads=len(alignment.beads), weak=weak, layout=alignment.document.layout,
                      kinds=tuple(sorted(alignment.bead_types().items())),
                      warnings=alignment.document.warnings)
        if keep_units:
            units = tuple(alignment.units(job.min_score))
            return BatchOutcome(item, written=len(units), what="TUs", units=units, **common)
        output = job.out_dir / f"{item.name}{_EXTENSIONS[job.fmt]}"
        report = write_alignment(alignment, item.inputs, output, fmt=job.fmt,
                                 min_score=job.min_score, created=job.created)
        return BatchOutcome(item, output=output, written=report.written, what=report.what,
                            **common)
    except (ZhtmError, OSError, UnicodeError) as exc:
        return BatchOutcome(item, error=str(exc))


_EXTENSIONS = {"tmx": ".tmx", "tsv": ".tsv", "links": ".align"}


def _check_batch_outputs(items: Sequence[BatchItem], job: BatchJob,
                         combined: Path | None, force: bool) -> None:
    """Before any work: no output is any document's input or a file zhtm did not write; the
    combined file's folder, or the output folder's parent, exists (the output folder itself
    is made, as build's tmx/ is)."""
    inputs = [p for item in items for p in item.inputs]
    if combined is not None:
        check_new_output(combined, inputs=inputs, force=force)
        return
    for item in items:
        output = job.out_dir / f"{item.name}{_EXTENSIONS[job.fmt]}"
        refuse_overwriting(output, inputs=inputs)
        if job.out_dir.is_dir():
            check_new_output(output, inputs=inputs, force=force)
    output_folder(job.out_dir)


def _write_combined(outcomes: Sequence[BatchOutcome], dest: Path, job: BatchJob) -> None:
    good = [o for o in outcomes if o.error is None]
    if not good:
        return  # nothing aligned: no output at all
    units = [u for o in good for u in o.units]
    if job.fmt == "tsv":
        write_pairs_tsv(units, dest)
        return
    inputs = [p for o in good for p in o.item.inputs]
    layouts = sorted({o.layout for o in good})
    props = (
        ("x-zhtm-source", " ".join(p.name for p in inputs)),
        ("x-zhtm-source-sha256", file_digest(inputs)),
        ("x-zhtm-layout", " ".join(layouts)),
        ("x-zhtm-aligner", job.settings.describe()),
        ("x-zhtm-min-score", f"{job.min_score:.2f}"),
    )
    write_tmx(units, dest, header=TmxHeader(tool_version=__version__, created=job.created,
                                            props=props))
