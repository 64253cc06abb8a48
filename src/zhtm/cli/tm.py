"""CLI commands over a TM store: ``import``, ``match``, ``concord``, ``pretranslate``.

Standalone click commands; `cli.main` registers them on the main group. Library errors become
one ``Error:`` line and exit 1; bad options exit 2.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from .. import __version__
from .common import (Progress, db_option, friendly_errors, input_path, output_path, say,
                     unchecked_path, use_color)

_db_option = db_option()


def _open_matcher(db: Path, termbase: Path | None = None):
    """Lookups only: the store is opened read-only (a TM on a read-only share works)."""
    from ..tm.matching import Matcher, read_termbase
    from ..tm.store import Store

    glossary = read_termbase(termbase) if termbase else ()
    store = Store.open(db, readonly=True)
    try:
        return Matcher(store, glossary)
    except BaseException:
        store.close()
        raise


# --- import -------------------------------------------------------------------------------

@click.command("import")
@click.argument("files", nargs=-1, required=True, type=unchecked_path())
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
    from ..paths import check_inputs, refuse_overwriting
    from ..tm.new_store import import_into
    from .tm_show import print_import

    check_inputs(files)
    refuse_overwriting(db, inputs=files, option="--db")
    warnings: list[object] = []
    progress = Progress("importing", quiet)
    try:
        report = import_into(db, lambda store: store.import_tmx(
            list(files), clauses=not no_clauses, on_warning=warnings.append, progress=progress))
    finally:
        progress.close()
    print_import(report, db, quiet, warnings)


# --- match --------------------------------------------------------------------------------

@click.command("match")
@click.argument("query", required=False)
@_db_option
@click.option("-k", "top_k", type=click.IntRange(1, 100), default=5, show_default=True,
              help="How many matches per query.")
@click.option("--min", "min_percent", type=click.IntRange(0, 100), default=70, show_default=True,
              help="Lowest score shown, in percent.")
@click.option("--termbase", type=unchecked_path(),
              help="Glossary whose terms found in the query are listed: TBX (2008 or v3), or "
                   "OmegaT's TSV (zh<TAB>en<TAB>comment; .txt/.tab/.utf8/.tsv) or CSV.")
@click.option("--json", "as_json", is_flag=True, help="JSON lines: one object per query.")
@click.option("--fragment-min", type=click.IntRange(1, 100), default=75, show_default=True,
              help="Lowest score of a clause match shown among the fragments.")
@click.option("--fragments/--no-fragments", default=True, show_default=True,
              help="Match the query's clauses against the TM's clause units too.")
@click.pass_context
@friendly_errors
def match_cmd(ctx: click.Context, query: str | None, db: Path, top_k: int, min_percent: int,
              termbase: Path | None, as_json: bool, fragment_min: int, fragments: bool) -> None:
    """Find the best earlier translations of a Chinese sentence.

    The score is OmegaT's per-character one: 1 - Levenshtein / longer length on normalised
    text (NFKC, lower case, spaces collapsed), rounded down. The k best at or above --min are
    exactly those a full scan would give. Without QUERY, reads one query per line on stdin
    and writes one record per line (a blank line gets one without matches, a line that
    cannot be looked up an error record with its line number; exit status 1 if any could
    not).
    Every change is shown with both sides, [TM→query]: [新→重大] where the TM says 新 and
    the query 重大 (colours on a terminal unless NO_COLOR is set); numbers that differ by
    value are flagged apart from the score. Equal scores are ranked by how often the pair
    occurred, then its date, never by import order; a source with several English shows
    them all with their counts.

    Then the fragments: each clause of the query with the TM's best clause matches (at or
    above --fragment-min), their English and the TU they come from, and the query's clauses
    assembled, each with its best English.

    \b
    Example:
      zhtm match "推动京津冀协同发展取得新进展。" --db beijing.db
      zhtm match --min 50 -k 3 --json < sentences.txt
    """
    from ..errors import InputError
    from ..tm.matching import MatchResult, check_query

    if query is not None:
        check_query(query)  # a bad query fails before the index is loaded
    matcher = _open_matcher(db, termbase)
    color = use_color()
    try:
        def lookup(text: str):
            return matcher.match(text, top_k, min_percent, fragments=fragments,
                                 fragment_min=fragment_min)

        if query is not None:
            _print_result(lookup(query), as_json, color)
            return
        failed = lines = 0
        for lines, text in enumerate(_stdin_lines(), 1):
            try:
                if isinstance(text, InputError):
                    raise text
                # a blank line has nothing to look up: an empty record keeps lines paired
                result = lookup(text) if text.strip() else MatchResult(text, ())
            except InputError as exc:
                failed += 1
                _print_failure(lines, text if isinstance(text, str) else "", exc.message,
                               as_json)
                continue
            _print_result(result, as_json, color, line=lines)
    finally:
        matcher.store.close()
    if lines == 0:
        raise InputError("<stdin>", "no query (give one as an argument or one per line)")
    if failed:
        say(f"Error: <stdin>: {failed} of {lines} line(s) could not be looked up")
        ctx.exit(1)


def _stdin_lines():
    """Each line of stdin (UTF-8, BOM and CR dropped, ends trimmed), or an InputError for a
    line that is not UTF-8: read as it comes, so a long batch answers as it goes."""
    from ..errors import InputError

    stream = sys.stdin.buffer if hasattr(sys.stdin, "buffer") else sys.stdin
    for number, raw in enumerate(stream, 1):
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogateescape")
        if number == 1:
            raw = raw.removeprefix(b"\xef\xbb\xbf")
        try:
            yield raw.decode("utf-8").strip()
        except UnicodeDecodeError as exc:
            yield InputError("<stdin>", f"not valid UTF-8 (byte 0x{raw[exc.start]:02x})",
                             line=number)


def _print_result(result, as_json: bool, color: bool, line: int | None = None) -> None:
    if as_json:
        from ..tm.results import match_json

        record = match_json(result)
        if line is not None:
            record = {"line": line, **record}
        click.echo(json.dumps(record, ensure_ascii=False))
    else:
        from .tm_show import print_match

        print_match(result, color)


def _print_failure(line: int, query: str, message: str, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps({"line": line, "query": query, "error": message},
                              ensure_ascii=False))
    else:
        click.echo(f"» {query}")
        click.echo(f"  error (line {line}): {message}")


# --- concord ------------------------------------------------------------------------------

@click.command("concord")
@click.argument("text")
@_db_option
@click.option("-n", "--limit", type=click.IntRange(1), default=20, show_default=True,
              help="Most TUs listed.")
@click.option("--en", "english", is_flag=True, help="Search the English side instead.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object (whole segments).")
@click.option("--full", is_flag=True, help="Print whole segments, not a window around the hit.")
@friendly_errors
def concord_cmd(text: str, db: Path, limit: int, english: bool, as_json: bool,
                full: bool) -> None:
    """List the TUs whose Chinese contains TEXT (normalised, so ，and , are the same).

    Each hit is shown in a window of its segment (about 40 characters either side), the
    translation up to 120 characters; --full prints both whole.

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
    color = use_color()
    for u in units:
        searched, other = (u.en, u.zh) if english else (u.zh, u.en)
        before, hit, after = hit_window(searched, text, None if full else CONCORD_WINDOW)
        if color:
            hit = click.style(hit, fg="red", bold=True)
        if not full and len(other) > CONCORD_OTHER:
            other = other[:CONCORD_OTHER - 1] + "…"
        origin = origin_label(u.origins[0]) if u.origins else ""
        click.echo(f"#{u.id}  {before}{hit}{after}")
        click.echo(f"      {other}")
        click.echo(f"      from {origin}" + (f" ×{u.count}" if u.count > 1 else ""))
    say(f"{total} TU(s) contain {text!r}" + (f"; first {limit} shown" if total > limit else ""))


CONCORD_WINDOW = 40   # characters shown either side of a concordance hit
CONCORD_OTHER = 120   # characters of the translation shown


def hit_window(text: str, needle: str, width: int | None) -> tuple[str, str, str]:
    """(before, hit, after) of the first place `needle` occurs in `text` after normalisation,
    in `text`'s own characters; with a `width`, at most that many either side, cut with "…".
    """
    from ..text.normalize import normalize, normalize_with_map

    norm, origin = normalize_with_map(text)
    target = normalize(needle)
    at = norm.find(target) if target else -1
    start = end = 0
    if at >= 0 and origin and len(origin) == len(norm):
        start = origin[at]
        end = origin[at + len(target)] if at + len(target) < len(origin) else len(text)
        if target not in normalize(text[start:end]):  # a composed sequence moved things
            start = end = 0
    if end <= start:  # not located: show the beginning
        return (text if width is None or len(text) <= 2 * width
                else text[:2 * width] + "…"), "", ""
    before, hit, after = text[:start], text[start:end], text[end:]
    if width is not None:
        if len(before) > width:
            before = "…" + before[-width:]
        if len(after) > width:
            after = after[:width] + "…"
    return before, hit, after


# --- pretranslate -------------------------------------------------------------------------

def _check_document(document: Path) -> None:
    """An empty document is refused (as align refuses one). A bilingual file given as the
    new document: its English lines would be counted as segments without a match in the
    bands translators bill by; say so (not refused: a Chinese document may hold English)."""
    from ..errors import InputError
    from ..text.files import read_lines
    from ..text.layouts import line_language

    langs = [line_language(line) for line in read_lines(document) if line.strip()]
    if not langs:
        raise InputError(document, "the file is empty (no text lines)")
    english = langs.count("en")
    if english >= len(langs) / 5:
        say(f"Warning: {document}: {english} of {len(langs)} text lines are English (a "
            "bilingual document?); each counts as a segment without a match")


@click.command("pretranslate")
@click.argument("document", type=input_path())
@click.option("-o", "--output", required=True, type=output_path(),
              help="TMX to write (atomically; - for standard output), e.g. into an OmegaT project's tm/ folder.")
@_db_option
@click.option("--min", "min_percent", type=click.IntRange(50, 100), default=70, show_default=True,
              help="Lowest score written to the TMX (bands are counted from 50 %).")
@click.option("--json", "as_json", is_flag=True, help="Print the analysis as JSON.")
@click.option("--fragments", is_flag=True,
              help="Also write the clause units that serve segments below 75 % (their own "
                   "TUs, x-zhtm-unit=clause), which OmegaT offers as partial matches.")
@click.option("--fragment-min", type=click.IntRange(1, 100), default=75, show_default=True,
              help="Lowest score of a clause match counted and written.")
@click.option("--force", is_flag=True,
              help="Replace an existing output even if zhtm did not write it.")
@friendly_errors
def pretranslate_cmd(document: Path, output: Path, db: Path, min_percent: int,
                     as_json: bool, fragments: bool, fragment_min: int, force: bool) -> None:
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
    from ..formats.provenance import check_new_output
    from ..paths import check_input
    from ..tm.pretranslate import pretranslate
    from .tm_show import pretranslation_json, print_pretranslation

    check_input(document)
    check_new_output(output, inputs=[document], store=db, force=force)  # before the index loads
    _check_document(document)
    matcher = _open_matcher(db)
    progress = Progress("pretranslating", as_json)
    try:
        result = pretranslate(matcher, document, output, min_percent=min_percent,
                              fragment_min=fragment_min, fragments=fragments,
                              tool_version=__version__, progress=progress)
    finally:
        progress.close()
        matcher.store.close()
    if as_json:
        click.echo(json.dumps(pretranslation_json(result, document, output), ensure_ascii=False))
        return
    print_pretranslation(result, output, min_percent)
