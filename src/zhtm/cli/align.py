"""`zhtm align`: a bilingual document → sentence pairs (TMX, TSV or links), with a summary."""

from __future__ import annotations

from pathlib import Path

import click

from .common import Progress, friendly_errors, input_path, output_path, say, unchecked_path


@click.command()
@click.argument("inputs", nargs=-1, type=input_path())
@click.option("-o", "--output", required=True, type=output_path(),
              help="Output file (written atomically; - for standard output); in a batch, the folder for one output per "
                   "document, or with --combined the one output file.")
@click.option("--format", "fmt", type=click.Choice(["tmx", "tsv", "links"]), default="tmx",
              show_default=True, help="tmx: TMX 1.4b; tsv: zh/en pairs; links: [zh ids]:[en ids] per bead.")
@click.option("--layout", type=click.Choice(["interleaved", "two-files", "pre-split"]),
              help="Input layout (detected when omitted).")
@click.option("--encoding", help="Input encoding, e.g. utf-8, gb18030, utf-16 (detected when omitted).")
@click.option("--min-score", type=click.FloatRange(0, 1), default=0.0, show_default=True,
              help="Keep beads with a lower confidence out of the TMX/TSV.")
@click.option("--max-zh", type=click.IntRange(1, 12), help="Most Chinese sentences in one bead.")
@click.option("--max-en", type=click.IntRange(1, 12), help="Most English sentences in one bead.")
@click.option("--date", "created", help="Creation date for the TMX header (YYYYMMDDThhmmssZ); "
              "omitted by default so reruns are byte-identical.")
@click.option("--batch", is_flag=True,
              help="Each input is its own document (interleaved), also when there are two.")
@click.option("--pairs", type=unchecked_path(),
              help="A list of documents, one per line: ZH<TAB>EN, or one interleaved file.")
@click.option("--combined", is_flag=True, help="Batch: write all documents into the one file -o.")
@click.option("-j", "--jobs", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Batch: documents aligned at once (worker processes).")
@click.option("--force", is_flag=True,
              help="Replace an existing output even if zhtm did not write it.")
@click.option("-q", "--quiet", is_flag=True, help="No summary, no progress bar.")
@friendly_errors
def align(inputs: tuple[Path, ...], output: Path, fmt: str, layout: str | None, encoding: str | None,
          min_score: float, max_zh: int | None, max_en: int | None, created: str | None,
          batch: bool, pairs: Path | None, combined: bool, jobs: int, force: bool,
          quiet: bool) -> None:
    """Align a bilingual document, or a batch of them, into sentence pairs.

    INPUT is one interleaved file (a Chinese line, then its English), or a Chinese file and
    its English translation (one paragraph per line, or one sentence per line). A folder
    (its .txt files), more than two files, --pairs or --batch make a batch: every document is
    aligned (a bad one is reported and the others go on; exit 1 if any failed), with a
    summary of the weak beads of each.

    \b
    Example:
      zhtm align corpus/beijing-gwr-2024.zh-en.txt -o beijing.tmx
      zhtm align zh.txt en.txt --layout pre-split --format links -o out.align
      zhtm align reports/ -o tmx/ --jobs 2
      zhtm align a.txt b.txt c.txt --combined -o all.tmx
      zhtm align --pairs list.tsv -o tmx/
    """
    from ..build import align_to_file, settings_for

    settings = settings_for(max_zh, max_en)
    if batch or pairs is not None or len(inputs) > 2 or (len(inputs) == 1 and inputs[0].is_dir()):
        _align_batch(inputs, pairs, output, combined, jobs, fmt, layout, encoding, settings,
                     min_score, created, quiet, force)
        return
    if not inputs:
        raise click.UsageError("give a document to align (or --pairs LIST)")
    if combined or jobs > 1:
        raise click.UsageError("--combined and --jobs are for batches (folders, several "
                               "documents, --pairs or --batch)")
    progress = Progress("aligning", quiet)
    try:
        report = align_to_file(list(inputs), output, fmt=fmt, layout=layout, encoding=encoding,
                               settings=settings, min_score=min_score, created=created,
                               progress=progress, force=force)
    finally:
        progress.close()
    print_warnings(report)  # even with --quiet: the input was changed
    if not quiet:
        print_align_summary(report)


def _align_batch(inputs, pairs, output, combined, jobs, fmt, layout, encoding, settings,
                 min_score, created, quiet, force) -> None:
    from ..build import BatchJob, align_batch, batch_items

    items = batch_items(list(inputs), pairs)
    if not combined and output.exists() and not output.is_dir():
        raise click.UsageError(f"{output}: a batch writes one file per document into a folder "
                               "(or use --combined for one file)")
    job = BatchJob(None if combined else output, fmt, layout, encoding, settings, min_score,
                   created)
    progress = Progress("aligning documents", quiet, min_total=2)
    try:
        outcomes = align_batch(items, job, combined=output if combined else None, jobs=jobs,
                               progress=progress, force=force)
    finally:
        progress.close()
    failed = [o for o in outcomes if o.error is not None]
    for outcome in outcomes:
        for warning in outcome.warnings:
            say(f"Warning: {warning}")
        if outcome.error is None and not quiet:
            where = outcome.output if outcome.output is not None else outcome.item.label()
            places = _places(outcome.weak)
            say(f"{where}: {outcome.written} {outcome.what}, {outcome.beads} beads, "
                f"{len(outcome.weak)} to review" + (": " + "; ".join(places[:5]) +
                                                    ("; ..." if len(places) > 5 else "")
                                                    if places else ""))
    good = len(outcomes) - len(failed)
    if combined and good and not quiet:
        say(f"{output}: {sum(o.written for o in outcomes if o.error is None)} "
            f"{'pairs' if fmt == 'tsv' else 'TUs'} from {good} document(s)")
    for outcome in failed:
        say(f"Error: {outcome.error}")
    if failed:
        say(f"{len(failed)} of {len(outcomes)} document(s) failed; the others were written")
        raise click.exceptions.Exit(1)


def _places(weak: tuple[str, ...]) -> list[str]:
    """Each location once, in order, with its number of weak beads when more than one (the
    beads inside one paragraph pair share its location)."""
    counts: dict[str, int] = {}
    for where in weak:
        counts[where] = counts.get(where, 0) + 1
    return [where if n == 1 else f"{where} ({n} beads)" for where, n in counts.items()]


def print_warnings(report) -> None:
    for warning in report.alignment.document.warnings:
        say(f"Warning: {warning}")


def print_align_summary(report) -> None:
    from ..align.pipeline import REVIEW_BELOW

    alignment = report.alignment
    say(f"{report.output}: {report.written} {report.what} written "
         f"({len(alignment.zh)} Chinese, {len(alignment.en)} English sentences)")
    kinds = alignment.bead_types()
    say("bead types: " + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items(), key=_kind_order)))
    if report.below_min:
        say(f"kept out by --min-score: {report.below_min} bead(s)")
    for line, lang in alignment.document.unpaired:
        say(f"unpaired {lang} line {line.number}: {_clip(line.text)}")
    if alignment.document.notes:
        notes = alignment.document.notes
        say(f"English-only notes (not aligned): lines {notes[0].number}-{notes[-1].number} "
             f"({len(notes)} notes)")
    review = alignment.to_review()
    if review:
        say(f"to review ({len(review)} bead(s) with confidence < {REVIEW_BELOW:.2f}):")
        for bead in review[:50]:
            zh, en = alignment.text_of(bead)
            say(f"  {bead.score:.2f} {bead.kind:>4}  {alignment.location(bead)}: "
                 f"{_clip(zh, 24)} | {_clip(en, 40)}")
        if len(review) > 50:
            say(f"  ... and {len(review) - 50} more")


def _kind_order(item: tuple[str, int]) -> tuple[int, int]:
    zh, en = item[0].split("-")
    return int(zh), int(en)


def _clip(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
