"""The zhtm command line: a thin layer that parses options, calls the library, prints.

Only the cli package imports click. Library errors become one `Error:` line and exit 1;
usage errors exit 2.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .. import __version__
from .common import friendly_errors, say


class _Progress:
    """Turns the library's progress callback into a click progress bar on a terminal."""

    def __init__(self, label: str, quiet: bool) -> None:
        self.label = label
        self.enabled = not quiet and sys.stderr.isatty()
        self.bar = None
        self.done = 0

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled or total < 50:
            return
        if self.bar is None:
            self.bar = click.progressbar(length=total, label=self.label, file=sys.stderr)
            self.bar.__enter__()
        self.bar.update(done - self.done)
        self.done = done

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)




class _LazyGroup(click.Group):
    """Commands of other modules are imported when used, so `zhtm align` does not pay for
    the TM store's and the term extractor's imports."""

    LAZY = {"terms": "terms:terms", "import": "tm:import_cmd", "match": "tm:match_cmd",
            "concord": "tm:concord_cmd", "pretranslate": "tm:pretranslate_cmd"}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *self.LAZY])

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in self.LAZY:
            import importlib

            module, attr = self.LAZY[name].split(":")
            return getattr(importlib.import_module(f"{__package__}.{module}"), attr)
        return super().get_command(ctx, name)


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="zhtm")
def main() -> None:
    """zhtm: Chinese→English translation memories and terminology.

    \b
    Example:
      zhtm build corpus          # align the bundled report into tmx/ and termbase/
      zhtm align report.txt -o report.tmx
    """


@main.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
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
    progress = _Progress("aligning", quiet)
    try:
        report = align_to_file(list(inputs), output, fmt=fmt, layout=layout, encoding=encoding,
                               settings=settings, min_score=min_score, created=created,
                               progress=progress)
    finally:
        progress.close()
    _print_warnings(report)  # even with --quiet: the input was changed
    if not quiet:
        _print_align_summary(report)


def _print_warnings(report) -> None:
    for warning in report.alignment.document.warnings:
        say(f"Warning: {warning}")


def _print_align_summary(report) -> None:
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


DEMO_LOOKUP = "二是深入落实首都城市战略定位，京津冀协同发展持续走深走实。"


@main.command()
@click.argument("corpus", default="corpus", type=click.Path(file_okay=False, path_type=Path))
@click.option("--tmx-dir", default="tmx", show_default=True, type=click.Path(file_okay=False, path_type=Path))
@click.option("--termbase-dir", default="termbase", show_default=True,
              type=click.Path(file_okay=False, path_type=Path))
@click.option("--db", default="zhtm.db", show_default=True, type=click.Path(dir_okay=False, path_type=Path),
              help="TM store rebuilt from the TMX files.")
@click.option("--lookup", default=DEMO_LOOKUP, show_default=True,
              help="A Chinese sentence to look up in the new store ('' for none).")
@click.option("-q", "--quiet", is_flag=True, help="No summary, no lookup.")
@friendly_errors
def build(corpus: Path, tmx_dir: Path, termbase_dir: Path, db: Path, lookup: str, quiet: bool) -> None:
    """Build the project's assets from a folder of interleaved bilingual documents.

    Each corpus/NAME.zh-en.txt gives tmx/NAME.zh-en.tmx, termbase/NAME.tbx and the OmegaT
    glossary termbase/NAME.utf8; then all TMX files go into a fresh TM store (--db) and a
    sample sentence is looked up. Rebuilding regenerates the termbase; to keep manual edits,
    use `zhtm terms ... --keep EDITED.tbx`.

    \b
    Example:
      zhtm build corpus
      zhtm match --db zhtm.db "推进京津冀协同发展。"
    """
    from ..build import build_corpus, build_store

    reports = []
    for report in build_corpus(corpus, tmx_dir, termbase_dir):
        reports.append(report)
        _print_warnings(report.align)
        if not quiet:
            _print_align_summary(report.align)
            say(f"{report.tbx}, {report.glossary}: {report.terms} terms")
            say()
    imported = build_store([r.align.output for r in reports], db)
    if quiet:
        return
    say(f"{db}: {imported.units} units from {len(reports)} TMX file(s)")
    if lookup:
        from .tm import print_match
        from ..tm.matching import Matcher, read_termbase
        from ..tm.store import Store

        glossary = [term for r in reports for term in read_termbase(r.tbx)]
        with Store.open(db) as store:
            result = Matcher(store, glossary).match(lookup, k=3, min_percent=70)
        say(f"lookup: zhtm match --db {db} --termbase {reports[0].tbx} \"{lookup}\"")
        print_match(result, color=sys.stdout.isatty())


if __name__ == "__main__":  # pragma: no cover
    main()
