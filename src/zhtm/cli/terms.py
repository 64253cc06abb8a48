"""`zhtm terms`: harvest the policy glossary, and `zhtm terms check` it against a TM.

`zhtm terms INPUT... -o OUT` is short for `zhtm terms extract INPUT... -o OUT`: the group
inserts `extract` when its first argument is not a subcommand. Register with
`main.add_command(terms)`.
"""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import InputError
from ..formats.provenance import check_new_output
from ..paths import check_inputs
from .common import db_option, friendly_errors, input_path, output_path, unchecked_path


class _DefaultToExtract(click.Group):
    """A group whose first argument, when not a subcommand name, belongs to `extract`."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ctx.help_option_names:
            args = ["extract", *args]
        return super().parse_args(ctx, args)


@click.group(cls=_DefaultToExtract, context_settings={"help_option_names": ["-h", "--help"]})
def terms() -> None:
    """Harvest policy terms with the translators' English, or check a TM against a glossary.

    \b
    Example:
      zhtm terms tmx/beijing-gwr-2024.zh-en.tmx -o termbase/beijing.tbx
      zhtm terms corpus/report.zh-en.txt --format tsv -o glossary/report.utf8
      zhtm terms check --termbase termbase/beijing.tbx tmx/beijing-gwr-2024.zh-en.tmx
    """


_FORMATS = ["tbx", "tbx3", "tsv", "csv"]


def _format_for(output: Path, fmt: str | None) -> str:
    if fmt:
        return fmt
    suffix = output.suffix.lower()
    return {".utf8": "tsv", ".tsv": "tsv", ".txt": "tsv", ".tab": "tsv", ".csv": "csv"}.get(suffix, "tbx")


@terms.command()
@click.argument("inputs", nargs=-1, required=True, type=input_path())
@click.option("-o", "--output", required=True, type=output_path(),
              help="Glossary to write (atomically; - for standard output, as TBX unless --format).")
@click.option("--format", "fmt", type=click.Choice(_FORMATS),
              help="tbx: TBX-Basic 2008 <martif> (OmegaT); tbx3: ISO 30042:2019; tsv: OmegaT "
                   "glossary (zh<TAB>en<TAB>comment, .utf8); csv. Default: from the output name "
                   "(.utf8/.tsv/.txt → tsv, .csv → csv, else tbx).")
@click.option("--keep", type=unchecked_path(),
              help="An earlier glossary whose manual edits (changed English, deleted or added "
                   "entries) are kept.")
@click.option("--limit", type=click.IntRange(1, 100000), default=200, show_default=True,
              help="Most entries to write.")
@click.option("--min-frequency", type=click.IntRange(1, 1000), default=2, show_default=True,
              help="Least occurrences of an unquoted candidate.")
@click.option("--notes", "notes_from", multiple=True, type=unchecked_path(),
              help="A bilingual document whose English-only notes define terms (for TMX input).")
@click.option("--layout", type=click.Choice(["interleaved", "two-files", "pre-split"]),
              help="Layout of a bilingual document (detected when omitted).")
@click.option("--encoding", help="Encoding of a bilingual document (detected when omitted).")
@click.option("--force", is_flag=True,
              help="Replace an existing output even if zhtm did not write it.")
@click.option("-q", "--quiet", is_flag=True, help="No summary.")
@friendly_errors
def extract(inputs: tuple[Path, ...], output: Path, fmt: str | None, keep: Path | None, limit: int,
            min_frequency: int, notes_from: tuple[Path, ...], layout: str | None,
            encoding: str | None, force: bool, quiet: bool) -> None:
    """Extract ranked glossary entries from TMX files or bilingual documents.

    INPUTS are TMX files and bilingual documents, each read on its own: a document in any
    layout `zhtm align` reads is sentence-aligned first and its notes give definitions; two
    files of one language each are a Chinese document and its English.

    \b
    Example:
      zhtm terms extract tmx/beijing-gwr-2024.zh-en.tmx -o termbase/beijing.tbx
      zhtm terms tmx/beijing-gwr-2024.zh-en.tmx --keep termbase/beijing.tbx -o termbase/beijing.tbx
    """
    from ..terms.extract import (
        TermOptions,
        extract_terms,
        load_units,
        merge_kept,
        read_kept,
        write_terms,
    )
    from ..terms.long_units import MAX_UNIT_CHARS, MAX_UNIT_WORDS, shorten
    from ..text.layouts import read_document

    fmt = _format_for(output, fmt)
    check_inputs([*inputs, *notes_from, *([keep] if keep else [])])
    # before any work: not an input, not --keep, not a file zhtm did not write
    check_new_output(output, inputs=[*inputs, *notes_from], keep=keep, force=force)
    kept = None
    if keep is not None:
        kept = read_kept(keep)  # read (and validated) before any work, and before writing
        if not kept[0] and not kept[1]:  # (a zhtm TBX whose entries were all deleted has ids)
            raise InputError(keep, "no glossary entries in it (expected the TBX, TSV or CSV "
                                   "glossary zhtm wrote, as edited)")
    units, notes = load_units(list(inputs), layout=layout, encoding=encoding)
    for doc in notes_from:
        notes.extend(line.text for line in read_document([doc]).notes)
    short = shorten(units)  # done here too, to say so; extract_terms finds nothing left
    if short.split and not quiet:
        left = (f"; {short.left_out} sentence pair(s) with no sentence end inside still too "
                "long, left out" if short.left_out else "")
        click.echo(f"Note: {short.split} unit(s) longer than {MAX_UNIT_CHARS} Chinese characters "
                   f"or {MAX_UNIT_WORDS} English words aligned into sentence pairs{left}",
                   err=True)
    if units and not short.units:  # named here: the library does not know the files
        raise InputError(", ".join(str(p) for p in inputs),
                         f"every translation unit is longer than {MAX_UNIT_CHARS} Chinese "
                         f"characters or {MAX_UNIT_WORDS} English words with no sentence end "
                         "to cut it at")
    units = short.units or units  # no units at all: extract_terms says so
    entries = extract_terms(units, notes=notes,
                            options=TermOptions(limit=limit, min_frequency=min_frequency))
    proposed: tuple[str, ...] = ()
    if kept is not None:
        entries = merge_kept(entries, kept[0], kept[1])
        proposed = kept[1]
    written = write_terms(entries, output, fmt=fmt, source=" ".join(p.name for p in inputs),
                          proposed=proposed)
    if not quiet:
        with_en = sum(1 for e in entries if e.en)
        defined = sum(1 for e in entries if e.definition)
        click.echo(f"{output}: {written} entries ({fmt}; {with_en} with English, "
                   f"{defined} with a definition) from {len(units)} units", err=True)


@terms.command()
@click.argument("inputs", nargs=-1, required=True, type=unchecked_path())
@click.option("--termbase", "-t", required=True, type=unchecked_path(),
              help="Glossary to check against (TBX 2008/v3, TSV or CSV).")
@click.option("--layout", type=click.Choice(["interleaved", "two-files", "pre-split"]),
              help="Layout of a bilingual document (detected when omitted).")
@click.option("--encoding", help="Encoding of a bilingual document (detected when omitted).")
@friendly_errors
def check(inputs: tuple[Path, ...], termbase: Path, layout: str | None, encoding: str | None) -> None:
    """List TUs where a glossary term is in the Chinese but none of its English is in the English.

    Prints one tab-separated line per finding: location, Chinese term, expected English
    (renderings joined by " | "), the English of the TU. Exit status 0 either way.

    \b
    Example:
      zhtm terms check --termbase termbase/beijing-gwr-2024.tbx tmx/beijing-gwr-2024.zh-en.tmx
    """
    from ..terms.check import check_terms
    from ..terms.extract import load_units, read_kept

    check_inputs([termbase, *inputs])
    entries, _ = read_kept(termbase)
    if not entries:
        raise InputError(termbase, "no glossary terms in it (expected TBX with Chinese terms, "
                         "or lines of zh<TAB>en)")
    units, _ = load_units(list(inputs), layout=layout, encoding=encoding)
    count = 0
    for issue in check_terms(entries, units):
        count += 1
        where = " ".join(x for x in (issue.unit.doc, issue.unit.location) if x) or f"TU {issue.index + 1}"
        click.echo("\t".join((where, issue.term.zh, " | ".join(issue.term.renderings),
                              " ".join(issue.unit.en.split()))))
    click.echo(f"{count} TU/term pair(s) without the glossary's English "
               f"({len(entries)} terms, {len(units)} units)", err=True)


_LOOKUP_LIMIT = 5


@terms.command()
@click.argument("queries", nargs=-1)
@click.option("--tm", "sources", multiple=True, type=unchecked_path(),
              help="A TMX file or bilingual document to look in (repeatable). Without it, the "
                   "TM store (--db) is searched.")
@db_option("The TM store searched when no --tm is given.")
@click.option("-n", "--limit", type=click.IntRange(1, 50), default=_LOOKUP_LIMIT, show_default=True,
              help="Most renderings per query.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per query (JSON lines).")
@friendly_errors
def lookup(queries: tuple[str, ...], sources: tuple[Path, ...], db: Path, limit: int,
           as_json: bool) -> None:
    """Show how the translators rendered Chinese strings: every English rendering found in
    the units that hold each one, best first, with its count and one context.

    QUERY is any Chinese string (a term the glossary missed, a slogan); with no QUERY, one
    query per line is read from standard input.

    \b
    Example:
      zhtm terms lookup 接诉即办 高标准农田 --tm tmx/beijing-gwr-2024.zh-en.tmx
      zhtm terms lookup --json 京津冀 --db zhtm.db
      cut -f1 missed.tsv | zhtm terms lookup --tm tmx/beijing-gwr-2024.zh-en.tmx
    """
    import json
    import sys

    from ..errors import UsageError
    from ..terms.lookup import lookup_terms

    wanted = [q.strip() for q in queries if q.strip()]
    if not queries:
        if sys.stdin is None or sys.stdin.isatty():
            raise UsageError("give one or more Chinese strings, or pipe them in, one per line")
        wanted = [line.strip() for line in sys.stdin if line.strip()]
    if not wanted:
        raise UsageError("no query: every string given is blank")
    from ..text.normalize import undecodable

    for query in wanted:
        if undecodable(query):
            raise InputError("<query>", f"not text: {undecodable(query)}")
    units_for = _lookup_source(sources, db)
    for query in wanted:
        (found,) = lookup_terms(units_for(query), [query], limit=limit)
        if as_json:
            click.echo(json.dumps({"zh": found.zh, "units": found.units, "renderings": [
                {"en": r.en, "count": r.count, "zh_context": r.zh_context,
                 "en_context": r.en_context, "where": r.where} for r in found.renderings]},
                ensure_ascii=False))
            continue
        click.echo(f"{found.zh}\t{found.units} TU(s)")
        if not found.renderings:
            click.echo("  (no English rendering found)")
        for r in found.renderings:
            click.echo(f"  {r.en}\t{r.count}\t{' '.join(r.en_context.split())}"
                       + (f"\t[{r.where}]" if r.where else ""))


# Most units of the store read for one lookup's context (the documents the found units came
# from); beyond that, only the units holding the query.
LOOKUP_CONTEXT = 50_000


def _lookup_source(sources: tuple[Path, ...], db: Path):
    """query -> units to look in: every unit of the given TMs/documents, or the store's units
    that hold the query (a store can be far too large to read whole)."""
    from ..records import Unit

    if sources:
        from ..terms.extract import load_units

        check_inputs(sources)
        units, _ = load_units(list(sources))
        return lambda query: units
    from ..tm.matching import Matcher, origin_label
    from ..tm.store import Store

    matcher = Matcher(Store.open(db, readonly=True))

    def units_for(query: str) -> list[Unit]:
        _, stored = matcher.concord(query, 10**9)
        holding = [Unit(zh=u.zh, en=u.en, doc=origin_label(u.origins[0]) if u.origins else "")
                   for u in stored]
        # the English is chosen against its documents, as with --tm (what else the documents
        # say tells a term's rendering from its neighbours'); all of them when not too large
        around = matcher.store.document_units([u.id for u in stored], LOOKUP_CONTEXT)
        if not around:
            return holding
        label = {u.id: h.doc for u, h in zip(stored, holding)}
        return [Unit(zh=zh, en=en, doc=label.get(uid, "")) for uid, zh, en in around]

    return units_for
