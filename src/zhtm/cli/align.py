"""`zhtm align`: a bilingual document → sentence pairs (TMX, TSV or links), with a summary."""

from __future__ import annotations

from pathlib import Path

import click

from .common import Progress, friendly_errors, say, unchecked_path


@click.command()
@click.argument("inputs", nargs=-1, required=True, type=unchecked_path())
@click.option("-o", "--output", required=True, type=unchecked_path(),
              help="Output file (written atomically).")
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
@click.option("-q", "--quiet", is_flag=True, help="No summary, no progress bar.")
@friendly_errors
def align(inputs: tuple[Path, ...], output: Path, fmt: str, layout: str | None, encoding: str | None,
          min_score: float, max_zh: int | None, max_en: int | None, created: str | None,
          quiet: bool) -> None:
    """Align a bilingual document into sentence pairs.

    INPUT is one interleaved file (a Chinese line, then its English), or a Chinese file and
    its English translation (one paragraph per line, or one sentence per line).

    \b
    Example:
      zhtm align corpus/beijing-gwr-2024.zh-en.txt -o beijing.tmx
      zhtm align zh.txt en.txt --layout pre-split --format links -o out.align
    """
    from ..build import align_to_file, settings_for

    if len(inputs) > 2:
        raise click.UsageError("give one interleaved file, or a Chinese file and its English file")
    settings = settings_for(max_zh, max_en)
    progress = Progress("aligning", quiet)
    try:
        report = align_to_file(list(inputs), output, fmt=fmt, layout=layout, encoding=encoding,
                               settings=settings, min_score=min_score, created=created,
                               progress=progress)
    finally:
        progress.close()
    print_warnings(report)  # even with --quiet: the input was changed
    if not quiet:
        print_align_summary(report)


def print_warnings(report) -> None:
    for warning in report.alignment.document.warnings:
        say(f"Warning: {warning}")


def print_align_summary(report) -> None:
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
        say(f"to review ({len(review)} bead(s) with confidence < 0.50):")
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
