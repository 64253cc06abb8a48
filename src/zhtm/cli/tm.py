"""CLI commands over a TM store: ``import``, ``match``, ``concord``, ``pretranslate``.

Standalone click commands; `cli.main` registers them on the main group. Library errors become
one ``Error:`` line and exit 1; bad options exit 2.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path

import click

from .. import __version__
from ..tm.store import DB_ENV, DEFAULT_DB
from .common import friendly_errors, say

_DB_HELP = (f"The TM store (an SQLite file). Default: ${DB_ENV} if set, else ./{DEFAULT_DB}.")




def _db_option(func: Callable) -> Callable:
    return click.option("--db", type=click.Path(dir_okay=False, path_type=Path),
                        envvar=DB_ENV, default=DEFAULT_DB, show_envvar=True, help=_DB_HELP)(func)




def _open_matcher(db: Path, termbase: Path | None = None):
    from ..tm.matching import Matcher, read_termbase
    from ..tm.store import Store

    glossary = read_termbase(termbase) if termbase else ()
    store = Store.open(db)
    return Matcher(store, glossary)


# --- import -------------------------------------------------------------------------------

@click.command("import")
@click.argument("files", nargs=-1, required=True,
                type=click.Path(dir_okay=False, path_type=Path))
@_db_option
@click.option("-q", "--quiet", is_flag=True, help="No summary.")
@click.option("--no-clauses", is_flag=True,
              help="Do not cut the new units into clause units (no fragments for them).")
@friendly_errors
def import_cmd(files: tuple[Path, ...], db: Path, quiet: bool, no_clauses: bool) -> None:
    """Import TMX files into a TM store (created if missing).

    Reads TMX 1.1-1.4 from zhtm, OmegaT (project_save.tmx), Trados, memoQ...: `lang` or
    `xml:lang` in any variant (zh-CN, zh-Hans, ZH_tw...), several <tuv>s, inline tags
    (their codes are not text). Identical pairs are stored once (count and newest date
    kept), each occurrence remembers its file and line. All files are one transaction: a bad
    file imports nothing. A file imported before (same content) is skipped. Only one import
    at a time: a second one fails at once, readers are never blocked.

    Each unit is also cut into clauses (at ，；： outside quotes, brackets and numbers) and
    each clause's English is looked for in the unit's English; a clause whose English is
    not found with confidence is kept without (it still matches) and counted.

    \b
    Example:
      zhtm import tmx/*.tmx --db beijing.db
      zhtm import project_save.tmx          # into $ZHTM_DB or ./zhtm.db
    """
    from ..tm.store import Store

    from .tm_show import print_import

    warnings: list[object] = []
    with Store.open(db, create=True) as store:
        report = store.import_tmx(list(files), clauses=not no_clauses,
                                  on_warning=warnings.append)
    print_import(report, db, quiet, warnings)


# --- match --------------------------------------------------------------------------------

@click.command("match")
@click.argument("query", required=False)
@_db_option
@click.option("-k", "top_k", type=click.IntRange(1, 100), default=5, show_default=True,
              help="How many matches per query.")
@click.option("--min", "min_percent", type=click.IntRange(0, 100), default=70, show_default=True,
              help="Lowest score shown, in percent.")
@click.option("--termbase", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Glossary whose terms found in the query are listed: TBX (2008 or v3), or "
                   "OmegaT's TSV (zh<TAB>en<TAB>comment; .txt/.tab/.utf8/.tsv) or CSV.")
@click.option("--json", "as_json", is_flag=True, help="JSON lines: one object per query.")
@click.option("--fragment-min", type=click.IntRange(1, 100), default=75, show_default=True,
              help="Lowest score of a clause match shown among the fragments.")
@click.option("--fragments/--no-fragments", default=True, show_default=True,
              help="Match the query's clauses against the TM's clause units too.")
@friendly_errors
def match_cmd(query: str | None, db: Path, top_k: int, min_percent: int, termbase: Path | None,
              as_json: bool, fragment_min: int, fragments: bool) -> None:
    """Find the best earlier translations of a Chinese sentence.

    The score is OmegaT's per-character one: 1 - Levenshtein / longer length on normalised
    text (NFKC, lower case, spaces collapsed), rounded down. The k best at or above --min are
    exactly those a full scan would give. Without QUERY, reads one query per line on stdin.
    Every change is shown with both sides, [TM→query]: [新→重大] where the TM says 新 and
    the query 重大 (colours on a terminal); numbers that differ by value are flagged apart
    from the score. Equal scores are ranked by how often the pair occurred, then its date,
    never by import order; a source with several English shows them all with their counts.

    Then the fragments: each clause of the query with the TM's best clause matches (at or
    above --fragment-min), their English and the TU they come from, and the query's clauses
    assembled, each with its best English.

    \b
    Example:
      zhtm match "推动京津冀协同发展取得新进展。" --db beijing.db
      zhtm match --min 50 -k 3 --json < sentences.txt
    """
    from ..errors import InputError
    from ..tm.results import match_json
    from .tm_show import print_match

    if query is None:
        queries = [line.strip() for line in sys.stdin.read().splitlines() if line.strip()]
        if not queries:
            raise InputError("<stdin>", "no query (give one as an argument or one per line)")
    else:
        queries = [query]
    from ..tm.matching import check_query
    for q in queries:
        check_query(q)
    matcher = _open_matcher(db, termbase)
    color = sys.stdout.isatty()
    try:
        for q in queries:
            result = matcher.match(q, top_k, min_percent, fragments=fragments,
                                   fragment_min=fragment_min)
            if as_json:
                click.echo(json.dumps(match_json(result), ensure_ascii=False))
            else:
                print_match(result, color)
    finally:
        matcher.store.close()


# --- concord ------------------------------------------------------------------------------

@click.command("concord")
@click.argument("text")
@_db_option
@click.option("-n", "--limit", type=click.IntRange(1), default=20, show_default=True,
              help="Most TUs listed.")
@click.option("--en", "english", is_flag=True, help="Search the English side instead.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object.")
@friendly_errors
def concord_cmd(text: str, db: Path, limit: int, english: bool, as_json: bool) -> None:
    """List the TUs whose Chinese contains TEXT (normalised, so ，and , are the same).

    \b
    Example:
      zhtm concord 京津冀 --db beijing.db
      zhtm concord "Beijing-Tianjin-Hebei" --en
    """
    from ..tm.matching import origin_label

    matcher = _open_matcher(db)
    try:
        total, units = matcher.concord(text, limit, english=english)
    finally:
        matcher.store.close()
    if as_json:
        from ..tm.results import concordance_json

        click.echo(json.dumps(concordance_json(text, total, units), ensure_ascii=False))
        return
    color = sys.stdout.isatty()
    for u in units:
        shown = u.en if english else u.zh
        at = shown.find(text)
        if color and at >= 0:
            shown = (shown[:at] + click.style(text, fg="red", bold=True)
                     + shown[at + len(text):])
        origin = origin_label(u.origins[0]) if u.origins else ""
        click.echo(f"#{u.id}  {shown}")
        click.echo(f"      {u.zh if english else u.en}")
        click.echo(f"      from {origin}" + (f" ×{u.count}" if u.count > 1 else ""))
    say(f"{total} TU(s) contain {text!r}" + (f"; first {limit} shown" if total > limit else ""))


# --- pretranslate -------------------------------------------------------------------------

@click.command("pretranslate")
@click.argument("document", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="TMX to write (atomically), e.g. into an OmegaT project's tm/ folder.")
@_db_option
@click.option("--min", "min_percent", type=click.IntRange(50, 100), default=70, show_default=True,
              help="Lowest score written to the TMX (bands are counted from 50 %).")
@click.option("--json", "as_json", is_flag=True, help="Print the analysis as JSON.")
@click.option("--fragments", is_flag=True,
              help="Also write the clause units that serve segments below 75 % (their own "
                   "TUs, x-zhtm-unit=clause), which OmegaT offers as partial matches.")
@click.option("--fragment-min", type=click.IntRange(1, 100), default=75, show_default=True,
              help="Lowest score of a clause match counted and written.")
@friendly_errors
def pretranslate_cmd(document: Path, output: Path, db: Path, min_percent: int,
                     as_json: bool, fragments: bool, fragment_min: int) -> None:
    """Segment a new Chinese document as OmegaT does and write each segment's best match.

    DOCUMENT is plain text (a blank line separates paragraphs). The TMX holds the TM pairs
    that matched (their own source and English, with their own document, bead type and
    location), so OmegaT shows them with its own scores; 100 % ones are exact sources.
    Prints the analysis bands translators bill by, and how many characters of the segments
    below 75 % the TM's clause units cover (per band of the clause match).

    \b
    Example:
      zhtm pretranslate report-2025.txt -o project/tm/report-2025.tmx --db beijing.db
      zhtm pretranslate report-2025.txt -o project/tm/fragments.tmx --fragments
    """
    from ..tm.pretranslate import pretranslate
    from .tm_show import pretranslation_json, print_pretranslation

    matcher = _open_matcher(db)
    try:
        result = pretranslate(matcher, document, output, min_percent=min_percent,
                              fragment_min=fragment_min, fragments=fragments,
                              tool_version=__version__)
    finally:
        matcher.store.close()
    if as_json:
        click.echo(json.dumps(pretranslation_json(result, document, output), ensure_ascii=False))
        return
    print_pretranslation(result, output, min_percent)
