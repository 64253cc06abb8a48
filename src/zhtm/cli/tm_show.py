"""How TM results look on a terminal: matches with both sides of each change, renderings,
fragments and the assembled view; the import summary; the pretranslation analysis.

Without colour (a pipe, a file) every change is written ``[TM→query]``: ``[新→重大]`` where
the TM says 新 and the query 重大, ``[的→]`` TM text the query lacks, ``[→重大]`` query text
the TM lacks. On a terminal the TM's side is red and the query's green.
"""

from __future__ import annotations

import click

from ..tm.diff import EQUAL


def styled_diff(spans, color: bool) -> str:
    out = []
    for span in spans:
        if span.kind == EQUAL:
            out.append(span.tm)
        elif color:
            tm = click.style(span.tm, fg="red", bold=True, strikethrough=True) if span.tm else ""
            query = click.style(span.query, fg="green", bold=True) if span.query else ""
            out.append(f"{tm}{click.style('→', fg='yellow')}{query}")
        else:
            out.append(f"[{span.tm}→{span.query}]")
    return "".join(out)


def _renderings(renderings, shown_en: str) -> str:
    if len(renderings) < 2:
        return ""
    parts = [f"{r.en} ×{r.count}" for r in renderings]
    return f"{len(renderings)} renderings: " + " · ".join(parts)


def print_match(result, color: bool) -> None:
    from ..tm.matching import origin_label

    click.echo(f"» {result.query}")
    if not result.matches:
        click.echo("  no match")
    shown_sources: set[str] = set()
    for m in result.matches:
        source_key = "".join(s.tm for s in m.diff)
        again = source_key in shown_sources
        shown_sources.add(source_key)
        click.echo(f"  {m.percent:3d}%  {styled_diff(m.diff, color)}")
        click.echo(f"        {m.unit.en}")
        origins = ", ".join(origin_label(o) for o in m.unit.origins[:3])
        if len(m.unit.origins) > 3:
            origins += f" (+{len(m.unit.origins) - 3})"
        extra = f" ×{m.unit.count}" if m.unit.count > 1 else ""
        date = f", {m.unit.date}" if m.unit.date else ""
        click.echo(f"        from {origins}{extra}{date}  [#{m.unit.id}]")
        forms = _renderings(m.renderings, m.unit.en)
        if forms and not again:
            click.echo(f"        {forms}")
        if m.penalty:
            click.echo("        " + (click.style("! ", fg="yellow") if color else "! ")
                       + m.penalty.describe())
    print_fragments(result.fragments, color)
    if result.terms:
        click.echo("  terms: " + "; ".join(f"{t.zh} = {' / '.join(t.en) or '?'}"
                                           for t in result.terms))


def print_fragments(fragments, color: bool) -> None:
    """Each query clause with its clause matches, then the assembled English."""
    from ..tm.fragments import assembled
    from ..tm.matching import origin_label

    if not fragments or not any(f.matches for f in fragments):
        return
    click.echo("  fragments:")
    for number, f in enumerate(fragments, 1):
        click.echo(f"   {number:2d} {f.clause.text}")
        if not f.matches:
            click.echo("        —")
        for m in f.matches:
            click.echo(f"      {m.percent:3d}%  {styled_diff(m.diff, color)}")
            if m.en:
                click.echo(f"            = {m.en}" + (f"   ×{m.clause.count}"
                                                      if m.clause.count > 1 else ""))
            else:
                click.echo("            = (English not found in:)")
            if m.parent is not None:
                origin = origin_label(m.parent.origins[0]) if m.parent.origins else ""
                if not m.en:
                    click.echo(f"              {m.parent.en}")
                click.echo(f"            in {origin}  [#{m.parent.id}]")
            forms = _renderings(m.renderings, m.en)
            if forms:
                click.echo(f"            {forms}")
            if m.penalty:
                click.echo("            " + (click.style("! ", fg="yellow") if color else "! ")
                           + m.penalty.describe())
    click.echo("  assembled:")
    for clause, best in assembled(fragments):
        en = best.en if best and best.en else "—"
        score = f"{best.percent:3d}%" if best else "    "
        click.echo(f"      {score}  {clause.text}  →  {en}")


def print_import(report, db, quiet: bool, warnings) -> None:
    from .common import say

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
    c = report.clause_stats
    if c.units:
        say(f"clauses: {c.occurrences} in {c.units} units, {c.occurrences - c.without_english} "
            f"with their English, {c.without_english} without ({c.new_clauses} new clause units)"
            + (f"; the English finder failed on {c.failures} unit(s) (a bug: please report)"
               if c.failures else ""))
    say(f"{db}: {report.units} units, {report.clauses} clause units, index in "
        f"{report.segments} segment(s) (CPU: units {report.unit_seconds:.2f} s, clauses "
        f"{report.clause_seconds:.2f} s, indexing {report.index_seconds:.2f} s)")


def print_pretranslation(result, output, min_percent: int) -> None:
    from .common import say

    total_segments = sum(b.segments for b in result.bands) or 1
    total_chars = sum(b.characters for b in result.bands) or 1
    click.echo(f"{'band':<10}{'segments':>10}{'chars':>10}{'% chars':>9}")
    for b in result.bands:
        click.echo(f"{b.label:<10}{b.segments:>10}{b.characters:>10}"
                   f"{100 * b.characters / total_chars:>8.1f}%")
    click.echo(f"{'total':<10}{total_segments:>10}{total_chars:>10}")
    if result.low_characters:
        low = result.low_characters
        click.echo(f"\nfragments in the segments below 75 % ({low} chars):")
        click.echo(f"{'band':<10}{'clauses':>10}{'chars':>10}{'% chars':>9}")
        covered = 0
        for c in result.coverage:
            covered += c.characters
            click.echo(f"{c.label:<10}{c.clauses:>10}{c.characters:>10}"
                       f"{100 * c.characters / low:>8.1f}%")
        click.echo(f"{'covered':<10}{'':>10}{covered:>10}{100 * covered / low:>8.1f}%")
    say(f"{output}: {result.written} TUs written (matches >= {min_percent}%"
        + (f", {result.written_clauses} clause units" if result.written_clauses else "") + ")")


def pretranslation_json(result, document, output) -> dict:
    return {"document": str(document), "output": str(output), "written": result.written,
            "written_clauses": result.written_clauses,
            "bands": [{"band": b.label, "segments": b.segments, "characters": b.characters}
                      for b in result.bands],
            "low_characters": result.low_characters,
            "fragments": [{"band": c.label, "clauses": c.clauses, "characters": c.characters}
                          for c in result.coverage]}
