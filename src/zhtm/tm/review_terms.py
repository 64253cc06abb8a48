"""Glossary review: a terminologist accepts, rejects, edits and merges the entries of a
glossary; saving writes a TBX that ``zhtm terms --keep`` honours.

What ``--keep`` does with the saved file (see `terms.extract.merge_kept`): an entry in it
keeps its English, variants, definition and note on a re-run; an id zhtm proposed that is not
in it stays deleted. So the saved TBX holds every entry not rejected (edited ones as edited,
merged ones as one entry carrying the others' English as variants), and its header lists as
proposed every id the reviewed glossary had: a rejected or merged-away entry stays gone.
Whether an entry was accepted is review state, kept in the store with the other rows.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ..errors import InputError, UsageError
from ..records import TermEntry
from .review import Change, Review, ReviewDoc, Row

TABLE = "review_terms"
STATUSES = ("pending", "accepted", "rejected")
SORTS = {"rank": "pos", "frequency": "frequency DESC, pos", "zh": "zh, pos", "en": "en, pos",
         "status": "status, pos"}
EDITABLE = ("en", "variants", "definition", "note")
_REST = ("zh_context", "en_context", "doc", "location", "definition", "note")


@dataclass(frozen=True, slots=True)
class EntryPage:
    total: int
    offset: int
    entries: tuple[dict[str, Any], ...]


def _read_entries(path: Path) -> tuple[list[TermEntry], tuple[str, ...]]:
    from ..formats.glossary_tsv import read_glossary
    from ..formats.tbx import read_tbx, read_tbx_header

    if path.suffix.lower() in (".tbx", ".xml"):
        return list(read_tbx(path)), read_tbx_header(path).proposed
    return list(read_glossary(path, strict=True)), ()


def open_glossary(review: Review, path: Path, key: str, sha256: str) -> ReviewDoc:
    """The review of a glossary file (TBX 2008/v3, OmegaT TSV or CSV); made on first use."""
    found = review.find_document("glossary", key, sha256)
    if found is not None:
        return found
    entries, proposed = _read_entries(path)
    if not entries:
        raise InputError(path, "no glossary entry with a Chinese term to review")
    with review.writing():
        found = review.find_document("glossary", key, sha256)
        if found is not None:
            return found
        ids = [e.id for e in entries if e.id]
        info = {"proposed": list(dict.fromkeys([*proposed, *ids])), "entries": len(entries)}
        doc = review._new_document("glossary", key, sha256, path.name, info)
        review.conn.executemany(
            f"INSERT INTO {TABLE}(doc, pos, zh, en, variants, frequency, entry, status, edited, rev)"
            " VALUES (?,?,?,?,?,?,?,'pending',0,0)",
            ((doc, pos, e.zh, e.en, json.dumps(list(e.variants), ensure_ascii=False), e.frequency,
              json.dumps({"id": e.id, **{k: getattr(e, k) for k in _REST}}, ensure_ascii=False))
             for pos, e in enumerate(entries)))
    return review.document(doc)


# --------------------------------------------------------------------------- reading

def entry_json(row: Row) -> dict[str, Any]:
    rest = json.loads(row["entry"])
    return {"id": row["id"], "rev": row["rev"], "rank": row["pos"] + 1, "term_id": rest.get("id", ""),
            "zh": row["zh"], "en": row["en"], "variants": json.loads(row["variants"]),
            "frequency": row["frequency"], "status": row["status"], "edited": bool(row["edited"]),
            **{k: rest.get(k, "") for k in _REST}}


def to_entry(row: Row) -> TermEntry:
    rest = json.loads(row["entry"])
    return TermEntry(id=rest.get("id", ""), zh=row["zh"], en=row["en"],
                     variants=tuple(json.loads(row["variants"])), frequency=row["frequency"],
                     **{k: rest.get(k, "") for k in _REST})


def _from_entry(row: Row, entry: TermEntry) -> Row:
    rest = json.loads(row["entry"])
    rest.update({k: getattr(entry, k) for k in _REST})
    return {**row, "zh": entry.zh, "en": entry.en,
            "variants": json.dumps(list(entry.variants), ensure_ascii=False),
            "frequency": entry.frequency, "entry": json.dumps(rest, ensure_ascii=False)}


_COLS = ("id", "doc", "pos", "zh", "en", "variants", "frequency", "entry", "status", "edited", "rev")


def entries(review: Review, doc: int, *, query: str = "", status: str = "all", sort: str = "rank",
            offset: int = 0, limit: int = 200) -> EntryPage:
    """One page of entries: `query` is found in the Chinese, the English or a variant."""
    review.document(doc, "glossary")
    if sort not in SORTS:
        raise UsageError(f"sort must be one of {', '.join(SORTS)}, not {sort!r}")
    if status not in ("all", *STATUSES):
        raise UsageError(f"status must be all or one of {', '.join(STATUSES)}, not {status!r}")
    where, args = " WHERE doc=?", [doc]
    if status != "all":
        where += " AND status=?"
        args.append(status)
    if query.strip():
        where += " AND (instr(lower(zh), ?) OR instr(lower(en), ?) OR instr(lower(variants), ?))"
        needle = query.strip().lower()
        args += [needle, needle, json.dumps(needle, ensure_ascii=False)[1:-1]]
    total = review.conn.execute(f"SELECT count(*) FROM {TABLE}{where}", args).fetchone()[0]
    rows = review.conn.execute(f"SELECT {', '.join(_COLS)} FROM {TABLE}{where} ORDER BY "
                               f"{SORTS[sort]} LIMIT ? OFFSET ?", [*args, max(0, limit), max(0, offset)])
    return EntryPage(total, offset, tuple(entry_json(dict(zip(_COLS, r))) for r in rows))


def summary(review: Review, doc: int) -> dict[str, int]:
    counts = {"entries": 0, **{s: 0 for s in STATUSES}, "edited": 0}
    for status, edited in review.conn.execute(f"SELECT status, edited FROM {TABLE} WHERE doc=?",
                                              (doc,)):
        counts["entries"] += 1
        counts[status] += 1
        counts["edited"] += edited
    return counts


# --------------------------------------------------------------------------- edits

def set_status(review: Review, doc: int, client: str, entry: int, rev: int, status: str) -> Change:
    if status not in STATUSES:
        raise UsageError(f"status must be one of {', '.join(STATUSES)}, not {status!r}")
    with review.writing():
        row = review.check_revs(TABLE, doc, {entry: rev}, "entry")[entry]
        action = {"accepted": "accept", "rejected": "reject", "pending": "reopen"}[status]
        return review.apply(TABLE, doc, client, action, [row], [{**row, "status": status}])


def _clean(text: str, what: str) -> str:
    text = " ".join(str(text).split())
    if len(text) > 500:
        raise UsageError(f"{what} is longer than 500 characters")
    return text


def edit(review: Review, doc: int, client: str, entry: int, rev: int,
         changes: dict[str, Any]) -> Change:
    """Change the English, variants, definition or note of an entry (which accepts it)."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise UsageError(f"cannot edit {', '.join(sorted(unknown))} (only {', '.join(EDITABLE)})")
    with review.writing():
        row = review.check_revs(TABLE, doc, {entry: rev}, "entry")[entry]
        current = to_entry(row)
        fields: dict[str, Any] = {}
        for name, value in changes.items():
            if name == "variants":
                values = value if isinstance(value, (list, tuple)) else str(value).split("|")
                fields[name] = tuple(dict.fromkeys(v for v in (_clean(x, "a variant")
                                                               for x in values) if v))
            else:
                fields[name] = _clean(value, name)
        updated = replace(current, **fields)
        if updated.en:
            updated = replace(updated, variants=tuple(v for v in updated.variants if v != updated.en))
        after = {**_from_entry(row, updated), "status": "accepted", "edited": 1}
        return review.apply(TABLE, doc, client, "edit", [row], [after])


def merge(review: Review, doc: int, client: str, into: int, into_rev: int,
          others: dict[int, int]) -> Change:
    """Merge entries into one: the others' English become variants of `into` (its English
    first), their frequencies are added, and they disappear. The result is accepted."""
    if not others or into in others:
        raise UsageError("merge needs an entry to keep and at least one other entry")
    with review.writing():
        rows = review.check_revs(TABLE, doc, {into: into_rev, **others}, "entry")
        keep = to_entry(rows[into])
        gone = [to_entry(rows[i]) for i in others]
        english = [*keep.renderings, *(e for g in gone for e in g.renderings)]
        english = list(dict.fromkeys(e for e in english if e))
        en = keep.en or (english[0] if english else "")
        merged = replace(keep, en=en, variants=tuple(e for e in english if e != en),
                         frequency=keep.frequency + sum(g.frequency for g in gone),
                         definition=keep.definition or next((g.definition for g in gone
                                                             if g.definition), ""))
        after = {**_from_entry(rows[into], merged), "status": "accepted", "edited": 1}
        return review.apply(TABLE, doc, client, "merge", [rows[into], *(rows[i] for i in others)],
                            [after])


def undo(review: Review, doc: int, client: str) -> Change:
    review.document(doc, "glossary")
    return review.undo(doc, client, "entry")


# --------------------------------------------------------------------------- saving

def saved_entries(review: Review, doc: int) -> tuple[list[TermEntry], tuple[str, ...]]:
    """The entries to save (rank order, rejected left out) and the ids to list as proposed."""
    info = review.document(doc, "glossary").info
    rows = review.conn.execute(f"SELECT {', '.join(_COLS)} FROM {TABLE} WHERE doc=? AND "
                               "status!='rejected' ORDER BY pos", (doc,))
    kept = [to_entry(dict(zip(_COLS, r))) for r in rows]
    return kept, tuple(info.get("proposed", ()))


def save(review: Review, doc: int, dest: str | Path) -> int:
    """Write the reviewed glossary as TBX-Basic 2008 (atomically); returns the entries written."""
    from ..terms.extract import write_terms

    kept, proposed = saved_entries(review, doc)
    if not kept:
        raise UsageError("every entry is rejected: a TBX needs at least one entry; nothing written")
    name = review.document(doc, "glossary").name
    return write_terms(kept, dest, fmt="tbx", source=f"{name}, reviewed", proposed=proposed)
