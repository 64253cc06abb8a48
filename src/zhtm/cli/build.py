"""`zhtm build`: the main job, the bundled corpus → tmx/, termbase/ and the TM store."""

from __future__ import annotations

from pathlib import Path

import click

from .align import print_align_summary, print_warnings
from .common import db_option, friendly_errors, say, unchecked_path, use_color

DEMO_LOOKUP = "二是深入落实首都城市战略定位，京津冀协同发展持续走深走实。"


@click.command()
@click.argument("corpus", default="corpus", type=unchecked_path())
@click.option("--tmx-dir", default="tmx", show_default=True, type=unchecked_path(),
              help="Folder for the aligned TMX files, one per document (made if missing).")
@click.option("--termbase-dir", default="termbase", show_default=True, type=unchecked_path(),
              help="Folder for the glossaries, NAME.tbx and NAME.utf8 per document (made if "
                   "missing).")
@db_option("The TM store the TMX files go into; units from other sources in it are kept.")
@click.option("--lookup", default=DEMO_LOOKUP, show_default=True,
              help="A Chinese sentence to look up in the new store ('' for none).")
@click.option("-q", "--quiet", is_flag=True, help="No summary, no lookup.")
@friendly_errors
def build(corpus: Path, tmx_dir: Path, termbase_dir: Path, db: Path, lookup: str, quiet: bool) -> None:
    """Build the project's assets from a folder of interleaved bilingual documents.

    Each corpus/NAME.zh-en.txt gives tmx/NAME.zh-en.tmx, termbase/NAME.tbx and the OmegaT
    glossary termbase/NAME.utf8; then the TMX files go into the TM store (--db) and a sample
    sentence is looked up. In the store, build replaces only the units it imported from
    these TMX files before: what you imported yourself stays. A --db file that is not a zhtm
    store is refused untouched. Rebuilding regenerates the termbase; to keep manual edits,
    use `zhtm terms ... --keep EDITED.tbx`.

    \b
    Example:
      zhtm build corpus
      zhtm match --db zhtm.db "推进京津冀协同发展。"
    """
    from ..build import build_corpus, build_store, check_build_store, plan_build

    steps = plan_build(corpus, tmx_dir, termbase_dir, db)  # before any work: nothing
    check_build_store(db)  # overwritten, a file that is not a store or a busy one refused
    reports = []
    for report in build_corpus(corpus, tmx_dir, termbase_dir, db, steps):
        reports.append(report)
        print_warnings(report.align)
        if not quiet:
            print_align_summary(report.align)
            say(f"{report.tbx}, {report.glossary}: {report.terms} terms")
            say()
    refreshed = build_store([r.align.output for r in reports], db)
    if quiet:
        return
    total = refreshed.imported.units
    others = total - refreshed.owned_units
    say(f"{db}: {refreshed.owned_units} units from {len(reports)} TMX file(s)"
        + (f", {others} units from other sources kept" if others else ""))
    if lookup:
        from ..tm.matching import Matcher, read_termbase
        from ..tm.store import Store
        from .tm_show import print_match

        glossary = [term for r in reports for term in read_termbase(r.tbx)]
        with Store.open(db, readonly=True) as store:
            result = Matcher(store, glossary).match(lookup, k=3, min_percent=70)
        say(f"lookup: zhtm match --db {db} --termbase {reports[0].tbx} \"{lookup}\"")
        print_match(result, color=use_color())
