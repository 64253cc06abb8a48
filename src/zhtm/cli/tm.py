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
@friendly_errors
def import_cmd(files: tuple[Path, ...], db: Path, quiet: bool) -> None:
    """Import TMX files into a TM store (created if missing).

    Reads TMX 1.1-1.4 from zhtm, OmegaT (project_save.tmx), Trados, memoQ...: `lang` or
    `xml:lang` in any variant (zh-CN, zh-Hans, ZH_tw...), several <tuv>s, inline tags
    (their codes are not text). Identical pairs are stored once (count and newest date
    kept), each occurrence remembers its file and line. All files are one transaction: a bad
    file imports nothing. A file imported before (same content) is skipped. Only one import
    at a time: a second one fails at once, readers are never blocked.

    \b
    Example:
      zhtm import tmx/*.tmx --db beijing.db
      zhtm import project_save.tmx          # into $ZHTM_DB or ./zhtm.db
    """
    from ..tm.store import Store

    warnings: list[object] = []
    with Store.open(db, create=True) as store:
        report = store.import_tmx(list(files), on_warning=warnings.append)
    if quiet:
        return
    for item in report.files:
        if item.already_imported:
            say(f"{item.path}: already imported, skipped")
            continue
        say(f"{item.path}: {item.tus} TUs, {item.pairs} pairs, {item.new_units} new"
             + (f", {item.skipped} TUs without zh and en skipped" if item.skipped else ""))
    for warning in warnings[:20]:
        say(f"warning: {getattr(warning, 'path', '')}:{getattr(warning, 'line', '')}: "
             f"{getattr(warning, 'message', warning)}")
    if len(warnings) > 20:
        say(f"warning: ... and {len(warnings) - 20} more")
    say(f"{db}: {report.units} units, index in {report.segments} segment(s) "
         f"(indexing took {report.index_seconds:.2f} s)")


# --- match --------------------------------------------------------------------------------

def _styled(span, color: bool) -> str:
    if span.kind == "equal":
        return span.text
    if span.kind == "changed":
        return click.style(span.text, fg="red", bold=True) if color else f"[{span.text}]"
    return click.style("‸", fg="yellow", bold=True) if color else f"{{-{span.text}}}"


def print_match(result, color: bool) -> None:
    from ..tm.matching import origin_label

    click.echo(f"» {result.query}")
    if not result.matches:
        click.echo("  no match")
    for m in result.matches:
        source = "".join(_styled(s, color) for s in m.diff)
        click.echo(f"  {m.percent:3d}%  {source}")
        click.echo(f"        {m.unit.en}")
        origins = ", ".join(origin_label(o) for o in m.unit.origins[:3])
        if len(m.unit.origins) > 3:
            origins += f" (+{len(m.unit.origins) - 3})"
        extra = f" ×{m.unit.count}" if m.unit.count > 1 else ""
        date = f", {m.unit.date}" if m.unit.date else ""
        click.echo(f"        from {origins}{extra}{date}  [#{m.unit.id}]")
        if m.penalty:
            click.echo("        " + (click.style("! ", fg="yellow") if color else "! ")
                       + m.penalty.describe())
    if result.terms:
        click.echo("  terms: " + "; ".join(f"{t.zh} = {' / '.join(t.en) or '?'}"
                                           for t in result.terms))


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
@friendly_errors
def match_cmd(query: str | None, db: Path, top_k: int, min_percent: int, termbase: Path | None,
              as_json: bool) -> None:
    """Find the best earlier translations of a Chinese sentence.

    The score is OmegaT's per-character one: 1 - Levenshtein / longer length on normalised
    text (NFKC, lower case, spaces collapsed), rounded down. The k best at or above --min are
    exactly those a full scan would give. Without QUERY, reads one query per line on stdin.
    TM text that differs from the query is shown [in brackets] ({-text} = query text the TM
    lacks; colours on a terminal); numbers that differ by value are flagged apart from the score.

    \b
    Example:
      zhtm match "推动京津冀协同发展取得新进展。" --db beijing.db
      zhtm match --min 50 -k 3 --json < sentences.txt
    """
    from ..errors import InputError
    from ..tm.results import match_json

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
            result = matcher.match(q, top_k, min_percent)
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
@friendly_errors
def pretranslate_cmd(document: Path, output: Path, db: Path, min_percent: int,
                     as_json: bool) -> None:
    """Segment a new Chinese document as OmegaT does and write each segment's best match.

    DOCUMENT is plain text (a blank line separates paragraphs). The TMX holds the TM pairs
    that matched (their own source and English), so OmegaT shows them with its own scores;
    100 % ones are exact sources. Prints the analysis bands translators bill by.

    \b
    Example:
      zhtm pretranslate report-2025.txt -o project/tm/report-2025.tmx --db beijing.db
    """
    from ..tm.matching import pretranslate

    matcher = _open_matcher(db)
    try:
        result = pretranslate(matcher, document, output, min_percent=min_percent,
                              tool_version=__version__)
    finally:
        matcher.store.close()
    total_segments = sum(b.segments for b in result.bands) or 1
    total_chars = sum(b.characters for b in result.bands) or 1
    if as_json:
        click.echo(json.dumps({"document": str(document), "output": str(output),
                               "written": result.written,
                               "bands": [{"band": b.label, "segments": b.segments,
                                          "characters": b.characters} for b in result.bands]},
                              ensure_ascii=False))
        return
    click.echo(f"{'band':<10}{'segments':>10}{'chars':>10}{'% chars':>9}")
    for b in result.bands:
        click.echo(f"{b.label:<10}{b.segments:>10}{b.characters:>10}"
                   f"{100 * b.characters / total_chars:>8.1f}%")
    click.echo(f"{'total':<10}{total_segments:>10}{total_chars:>10}")
    say(f"{output}: {result.written} TUs written (matches >= {min_percent}%)")
