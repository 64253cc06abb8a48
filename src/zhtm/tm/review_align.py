"""Alignment review: the beads of one aligned document, edited by reviewers, exported as TMX.

A document under review is its Chinese and English sentences (fixed) and beads over them:
half-open sentence ranges ``zh_start:zh_end`` and ``en_start:en_end`` that tile both
documents in order (a bead may be empty on one side: an unpaired sentence). Edits keep that
tiling: merging two neighbours, splitting one in two, moving one sentence across the boundary
between two neighbours. Each bead has a status (``pending``, ``confirmed``, ``rejected``: not a
translation) and an ``edited`` flag; a bead confirmed or edited by a person is *reviewed*.

Sources: a TMX (each TU a bead; its segments split back into sentences as `zhtm align` split
them; TUs that carried ``x-zhtm-reviewed`` come back reviewed) or a bilingual document aligned
on the spot (`Alignment`). Export gives the TUs in document order without the rejected beads,
``x-zhtm-reviewed`` on the reviewed ones.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any

from ..align.pipeline import Alignment, file_digest
from ..errors import ConflictError, InputError, UsageError
from ..formats.tmx import PROP_PREFIX, TmxHeader, TmxUnit, read_tmx, read_tmx_header
from ..records import Unit
from ..text.segment import split_en, split_zh
from .review import Change, Review, ReviewDoc, Row

TABLE = "review_beads"
STATUSES = ("pending", "confirmed", "rejected")
ORDERS = ("document", "weakest")
FILTERS = ("all", "pending", "reviewed", "rejected")
REVIEWED_PROP = "reviewed"  # written as x-zhtm-reviewed
_REVIEW_HEADER_PROP = PROP_PREFIX + "review"
_LOC = re.compile(r"\b(zh|en) line (\d+)")
_ORDER_SQL = {
    "document": "zh_start, en_start",
    "weakest": "coalesce(score, 2.0), zh_start, en_start",
}
_FILTER_SQL = {
    "all": "",
    "pending": " AND status='pending' AND edited=0",
    "reviewed": " AND status!='rejected' AND (status='confirmed' OR edited=1)",
    "rejected": " AND status='rejected'",
}


@dataclass(frozen=True, slots=True)
class BeadPage:
    total: int                      # beads matching the filter
    offset: int
    beads: tuple[dict[str, Any], ...]


@dataclass(frozen=True, slots=True)
class Export:
    units: tuple[Unit, ...]
    header: TmxHeader
    reviewed: int
    rejected: int


# --------------------------------------------------------------------------- opening

def _sentences_of(text: str, split) -> list[str]:
    return split(text) or ([text] if text else [])


def _lines_from_loc(loc: str) -> dict[str, int]:
    return {lang: int(num) for lang, num in _LOC.findall(loc or "")}


def open_tmx(review: Review, path: Path, key: str, sha256: str, *,
             first: int | None = None) -> ReviewDoc:
    """The review of a TMX (made on first use; the same file and content reopen it).

    With `first`, only the TUs that give the first `first` beads are read now: the review is
    usable at once (its first pages) and `load_rest` reads the rest later; a big TMX opens in
    the time of its first page. Without it, the whole file is read.
    """
    found = review.find_document("alignment", key, sha256)
    if found is not None:
        return found
    header = read_tmx_header(path)
    read = _TmxReading(0, 0)
    units = read_tmx(path)
    try:
        for tu in units:
            read.add(tu)
            if first is not None and len(read.beads) >= first:
                break
        else:
            read.complete = True
    finally:
        units.close()  # the file, when the rest is left for later
    if not read.beads and read.complete:
        raise InputError(path, "no translation unit with both Chinese and English to review")
    header_props = [[t, v] for t, v in header.props if t != _REVIEW_HEADER_PROP]
    info = {"source": "tmx", "header_props": header_props, "skipped_tus": read.skipped,
            "srclang": header.srclang or "zh-CN", "tus_read": read.tus,
            "complete": read.complete}
    return _create(review, key, sha256, path.name, info, read.zh, read.en, read.beads)


def is_complete(doc: ReviewDoc) -> bool:
    """False while a TMX opened with `first` has TUs not read yet."""
    return doc.info.get("complete", True)


def load_rest(review: Review, doc_id: int, path: Path, sha256: str) -> ReviewDoc:
    """Read the TUs of a review's TMX that `open_tmx(first=...)` left for later and append
    their beads (`read_rest` then `append_rest`, which is one write)."""
    rest = read_rest(review, doc_id, path, sha256)
    if rest is not None:
        append_rest(review, rest)
    return review.document(doc_id)


@dataclass(frozen=True, slots=True)
class Rest:
    """The beads of a TMX's TUs after the first `after` (read, not yet in the review)."""

    doc: int
    after: int
    reading: _TmxReading


def read_rest(review: Review, doc_id: int, path: Path, sha256: str) -> Rest | None:
    """The TUs not read yet (None when the review is complete); no write."""
    doc = review.document(doc_id, "alignment")
    if is_complete(doc):
        return None
    if file_digest([path]) != sha256:
        raise InputError(path, "changed since this review began: its TUs after the first "
                         f"{doc.info['tus_read']} cannot be read; open the file again to "
                         "review the new content")
    read = _TmxReading(doc.info["zh_sentences"], doc.info["en_sentences"])
    for tu in islice(read_tmx(path), doc.info["tus_read"], None):
        read.add(tu)
    return Rest(doc_id, doc.info["tus_read"], read)


def append_rest(review: Review, rest: Rest) -> bool:
    """Append what `read_rest` read, in one write; the beads already there and their edits
    are not touched. False when another reviewer completed the review meanwhile."""
    read = rest.reading
    with review.writing():
        now = review.document(rest.doc, "alignment")
        if is_complete(now) or now.info["tus_read"] != rest.after:
            return False
        _insert_rows(review, rest.doc, read.zh, read.en, read.beads,
                     zh_from=read.zh_from, en_from=read.en_from)
        info = {**now.info, "tus_read": rest.after + read.tus, "complete": True,
                "skipped_tus": now.info["skipped_tus"] + read.skipped,
                "zh_sentences": read.zh_from + len(read.zh),
                "en_sentences": read.en_from + len(read.en)}
        review.conn.execute("UPDATE review_docs SET info=? WHERE id=?",
                            (json.dumps(info, ensure_ascii=False), rest.doc))
        review._bump(rest.doc)
    return True


class _TmxReading:
    """Beads and sentences of TMX TUs, numbered from the sentences already in the review."""

    def __init__(self, zh_from: int, en_from: int) -> None:
        self.zh_from, self.en_from = zh_from, en_from
        self.zh: list[tuple[str, int | None]] = []
        self.en: list[tuple[str, int | None]] = []
        self.beads: list[Row] = []
        self.tus = self.skipped = 0
        self.complete = False

    def add(self, tu: TmxUnit) -> None:
        self.tus += 1
        unit = tu.to_unit()
        if unit is None or not unit.zh or not unit.en:
            self.skipped += 1
            return
        lines = _lines_from_loc(unit.location)
        if tu.prop(PROP_PREFIX + "bead") == "1-1":  # zhtm says: one sentence a side
            zh, en = [unit.zh], [unit.en]
        else:
            zh = _sentences_of(unit.zh, split_zh)
            en = _sentences_of(unit.en, split_en)
        raw_score = tu.prop(PROP_PREFIX + "score")
        try:
            score = float(raw_score) if raw_score is not None else None
        except ValueError:
            score = None
        reviewed = dict(unit.props).get(REVIEWED_PROP, "")
        props = [[t, v] for t, v in unit.props if t != REVIEWED_PROP]
        zh_at, en_at = self.zh_from + len(self.zh), self.en_from + len(self.en)
        self.beads.append({
            "zh_start": zh_at, "zh_end": zh_at + len(zh),
            "en_start": en_at, "en_end": en_at + len(en),
            "score": score, "status": "confirmed" if reviewed == "confirmed" else "pending",
            "edited": int(reviewed == "edited"),
            "origin": json.dumps({"doc": unit.doc, "loc": unit.location, "bead": unit.bead,
                                  "props": props, "tuid": tu.tuid}, ensure_ascii=False)})
        self.zh.extend((s, lines.get("zh")) for s in zh)
        self.en.extend((s, lines.get("en")) for s in en)


def open_alignment(review: Review, alignment: Alignment, key: str, sha256: str,
                   header_props: Sequence[tuple[str, str]]) -> ReviewDoc:
    """The review of a document aligned on the spot (`header_props` as `zhtm align` writes)."""
    found = review.find_document("alignment", key, sha256)
    if found is not None:
        return found
    origin = json.dumps({"doc": alignment.document.name, "loc": "", "bead": "", "props": []})
    beads: list[Row] = []
    zh_at = en_at = 0  # where an empty side sits: after the sentences of the beads before
    for b in alignment.beads:
        zh_start = b.zh[0] if b.zh else zh_at
        en_start = b.en[0] if b.en else en_at
        zh_at, en_at = zh_start + len(b.zh), en_start + len(b.en)
        beads.append({"zh_start": zh_start, "zh_end": zh_at, "en_start": en_start,
                      "en_end": en_at, "score": b.score, "status": "pending", "edited": 0,
                      "origin": origin})
    info = {"source": "document", "header_props": [list(p) for p in header_props],
            "layout": alignment.document.layout, "unpaired_lines": len(alignment.document.unpaired)}
    return _create(review, key, sha256, alignment.document.name, info,
                   [(s.text, s.line) for s in alignment.zh], [(s.text, s.line) for s in alignment.en],
                   beads)


def _create(review: Review, key: str, sha256: str, name: str, info: dict[str, Any],
            zh: Sequence[tuple[str, int | None]], en: Sequence[tuple[str, int | None]],
            beads: Sequence[Row]) -> ReviewDoc:
    with review.writing():
        found = review.find_document("alignment", key, sha256)  # another reviewer was quicker
        if found is not None:
            return found
        info = {**info, "zh_sentences": len(zh), "en_sentences": len(en)}
        doc = review._new_document("alignment", key, sha256, name, info)
        _insert_rows(review, doc, zh, en, beads)
    return review.document(doc)


def _insert_rows(review: Review, doc: int, zh: Sequence[tuple[str, int | None]],
                 en: Sequence[tuple[str, int | None]], beads: Sequence[Row], *,
                 zh_from: int = 0, en_from: int = 0) -> None:
    """Inside `writing`: sentences (numbered from `zh_from`/`en_from`) and beads."""
    conn = review.conn
    for lang, sentences, at in (("zh", zh, zh_from), ("en", en, en_from)):
        conn.executemany("INSERT INTO review_sentences(doc, lang, idx, text, line) "
                         "VALUES (?,?,?,?,?)",
                         ((doc, lang, at + i, text, line) for i, (text, line) in enumerate(sentences)))
    conn.executemany(
        "INSERT INTO review_beads(doc, zh_start, zh_end, en_start, en_end, score, status, "
        "edited, rev, origin) VALUES (?,?,?,?,?,?,?,?,0,?)",
        ((doc, b["zh_start"], b["zh_end"], b["en_start"], b["en_end"], b["score"],
          b["status"], b["edited"], b["origin"]) for b in beads))


# --------------------------------------------------------------------------- reading

def _sentences(review: Review, doc: int, lang: str, start: int, end: int) -> list[str]:
    if end <= start:
        return []
    return [r[0] for r in review.conn.execute(
        "SELECT text FROM review_sentences WHERE doc=? AND lang=? AND idx>=? AND idx<? ORDER BY idx",
        (doc, lang, start, end))]


def _lines(review: Review, doc: int, row: Row) -> tuple[int | None, int | None]:
    out = []
    for lang in ("zh", "en"):
        start, end = row[f"{lang}_start"], row[f"{lang}_end"]
        hit = review.conn.execute("SELECT line FROM review_sentences WHERE doc=? AND lang=? AND "
                                  "idx=?", (doc, lang, start)).fetchone() if end > start else None
        out.append(hit[0] if hit else None)
    return out[0], out[1]


def kind_of(row: Row) -> str:
    return f"{row['zh_end'] - row['zh_start']}-{row['en_end'] - row['en_start']}"


def is_reviewed(row: Row) -> bool:
    return row["status"] == "confirmed" or (row["status"] != "rejected" and bool(row["edited"]))


def bead_json(review: Review, doc: int, row: Row, position: int) -> dict[str, Any]:
    """A bead as the API gives it: texts, type, confidence, status, revision."""
    origin = json.loads(row["origin"])
    zh_line, en_line = _lines(review, doc, row)
    return {
        "id": row["id"], "rev": row["rev"], "position": position,
        "zh": _sentences(review, doc, "zh", row["zh_start"], row["zh_end"]),
        "en": _sentences(review, doc, "en", row["en_start"], row["en_end"]),
        "zh_range": [row["zh_start"], row["zh_end"]], "en_range": [row["en_start"], row["en_end"]],
        "kind": kind_of(row), "score": row["score"], "status": row["status"],
        "edited": bool(row["edited"]), "reviewed": is_reviewed(row),
        "location": _location(zh_line, en_line) or origin.get("loc", ""),
    }


def _location(zh_line: int | None, en_line: int | None) -> str:
    parts = [f"{lang} line {n}" for lang, n in (("zh", zh_line), ("en", en_line)) if n]
    return ", ".join(parts)


def _check(order: str, status: str) -> None:
    if order not in ORDERS:
        raise UsageError(f"order must be one of {', '.join(ORDERS)}, not {order!r}")
    if status not in FILTERS:
        raise UsageError(f"filter must be one of {', '.join(FILTERS)}, not {status!r}")


def _all_rows(review: Review, doc: int, where: str = "", order: str = "document") -> Iterator[Row]:
    cols = ("id", "doc", "zh_start", "zh_end", "en_start", "en_end", "score", "status",
            "edited", "rev", "origin")
    for r in review.conn.execute(f"SELECT {', '.join(cols)} FROM {TABLE} WHERE doc=?{where} "
                                 f"ORDER BY {_ORDER_SQL[order]}", (doc,)):
        yield dict(zip(cols, r))


def position_of(review: Review, doc: int, row: Row) -> int:
    """The bead's index in document order."""
    return review.conn.execute(
        f"SELECT count(*) FROM {TABLE} WHERE doc=? AND (zh_start, en_start) < (?, ?)",
        (doc, row["zh_start"], row["en_start"])).fetchone()[0]


def beads(review: Review, doc: int, *, order: str = "document", status: str = "all",
          offset: int = 0, limit: int = 200) -> BeadPage:
    """One page of beads in document order or weakest first, optionally only some statuses."""
    _check(order, status)
    review.document(doc, "alignment")
    where = _FILTER_SQL[status]
    total = review.conn.execute(f"SELECT count(*) FROM {TABLE} WHERE doc=?{where}",
                                (doc,)).fetchone()[0]
    cols = ("id", "doc", "zh_start", "zh_end", "en_start", "en_end", "score", "status",
            "edited", "rev", "origin")
    # Each bead's position in document order, counted once for the page (not per bead).
    rows = [(dict(zip(cols, r)), r[-1]) for r in review.conn.execute(
        f"SELECT * FROM (SELECT {', '.join(cols)}, row_number() OVER (ORDER BY zh_start, "
        f"en_start) - 1 FROM {TABLE} WHERE doc=?) WHERE 1{where} ORDER BY {_ORDER_SQL[order]} "
        "LIMIT ? OFFSET ?", (doc, max(0, limit), max(0, offset)))]
    return BeadPage(total, offset, tuple(bead_json(review, doc, row, position)
                                         for row, position in rows))


def locate(review: Review, doc: int, bead_id: int, *, order: str = "document",
           status: str = "all") -> int | None:
    """Index of a bead in the given order and filter (None when the filter hides it)."""
    _check(order, status)
    row = review.rows(TABLE, doc, [bead_id]).get(bead_id)
    if row is None:
        raise InputError(None, f"no bead #{bead_id} in alignment #{doc}")
    for i, other in enumerate(_all_rows(review, doc, _FILTER_SQL[status], order)):
        if other["id"] == bead_id:
            return i
    return None


def path(review: Review, doc: int) -> dict[str, Any]:
    """The alignment path for the picture: per bead ``[id, zh_start, zh_end, en_start,
    en_end, score, status]`` in document order, and the sentence counts."""
    info = review.document(doc, "alignment").info
    beads_out = [[r["id"], r["zh_start"], r["zh_end"], r["en_start"], r["en_end"], r["score"],
                  "rejected" if r["status"] == "rejected" else
                  ("reviewed" if is_reviewed(r) else "pending")]
                 for r in _all_rows(review, doc)]
    return {"zh_sentences": info["zh_sentences"], "en_sentences": info["en_sentences"],
            "beads": beads_out}


def summary(review: Review, doc: int) -> dict[str, int]:
    counts = {"beads": 0, "pending": 0, "confirmed": 0, "edited": 0, "rejected": 0, "weak": 0,
              "tus": 0}
    for status, edited, score, zs, ze, es, ee in review.conn.execute(
            f"SELECT status, edited, score, zh_start, zh_end, en_start, en_end FROM {TABLE} "
            "WHERE doc=?", (doc,)):
        counts["beads"] += 1
        if status == "rejected":
            counts["rejected"] += 1
        elif status == "confirmed":
            counts["confirmed"] += 1
        elif edited:
            counts["edited"] += 1
        else:
            counts["pending"] += 1
        if score is not None and score < 0.5:
            counts["weak"] += 1
        if status != "rejected" and ze > zs and ee > es:
            counts["tus"] += 1
    return counts


# --------------------------------------------------------------------------- edits

def _edited(row: Row, **changes: Any) -> Row:
    """An edit makes a person's bead: reviewed (edited), no longer confirmed or rejected."""
    return {**row, **changes, "edited": 1, "status": "pending"}


def _empty(row: Row) -> bool:
    return row["zh_end"] <= row["zh_start"] and row["en_end"] <= row["en_start"]


def _follows(upper: Row, lower: Row) -> bool:
    return lower["zh_start"] == upper["zh_end"] and lower["en_start"] == upper["en_end"]


def set_status(review: Review, doc: int, client: str, bead: int, rev: int, status: str) -> Change:
    """Confirm a bead, mark it as not a translation (``rejected``), or back to ``pending``."""
    if status not in STATUSES:
        raise UsageError(f"status must be one of {', '.join(STATUSES)}, not {status!r}")
    with review.writing():
        row = review.check_revs(TABLE, doc, {bead: rev}, "bead")[bead]
        action = {"confirmed": "confirm", "rejected": "reject", "pending": "reopen"}[status]
        return review.apply(TABLE, doc, client, action, [row], [{**row, "status": status}])


def merge(review: Review, doc: int, client: str, bead: int, rev: int, other: int,
          other_rev: int) -> Change:
    """Merge two neighbouring beads into one (the earlier one's id survives)."""
    if bead == other:
        raise UsageError("a bead cannot be merged with itself")
    with review.writing():
        rows = review.check_revs(TABLE, doc, {bead: rev, other: other_rev}, "bead")
        a, b = rows[bead], rows[other]
        if _follows(b, a):
            a, b = b, a
        if not _follows(a, b):
            raise UsageError(f"beads #{bead} and #{other} are not neighbours")
        score = min((s for s in (a["score"], b["score"]) if s is not None), default=None)
        merged = _edited(a, zh_end=b["zh_end"], en_end=b["en_end"], score=score)
        return review.apply(TABLE, doc, client, "merge", [a, b], [merged])


def split(review: Review, doc: int, client: str, bead: int, rev: int, zh_at: int,
          en_at: int) -> Change:
    """Split a bead after its first `zh_at` Chinese and `en_at` English sentences."""
    with review.writing():
        row = review.check_revs(TABLE, doc, {bead: rev}, "bead")[bead]
        nz, ne = row["zh_end"] - row["zh_start"], row["en_end"] - row["en_start"]
        if not (0 <= zh_at <= nz and 0 <= en_at <= ne):
            raise UsageError(f"split point {zh_at}/{en_at} is outside bead #{bead} "
                             f"({nz} Chinese, {ne} English sentences)")
        if (zh_at, en_at) in ((0, 0), (nz, ne)):
            raise UsageError("a split must leave sentences on both sides")
        first = _edited(row, zh_end=row["zh_start"] + zh_at, en_end=row["en_start"] + en_at)
        second = _edited({**row, "id": None}, zh_start=first["zh_end"], en_start=first["en_end"])
        return review.apply(TABLE, doc, client, "split", [row], [first, second])


def move(review: Review, doc: int, client: str, upper: int, upper_rev: int, lower: int,
         lower_rev: int, lang: str, direction: str) -> Change:
    """Move one sentence across the boundary between two neighbouring beads.

    `direction` ``down``: the upper bead gives its last `lang` sentence to the lower one;
    ``up``: the lower bead gives its first `lang` sentence to the upper one. A bead left
    with no sentence at all disappears.
    """
    if lang not in ("zh", "en") or direction not in ("up", "down"):
        raise UsageError("lang must be zh or en, direction up or down")
    with review.writing():
        rows = review.check_revs(TABLE, doc, {upper: upper_rev, lower: lower_rev}, "bead")
        a, b = rows[upper], rows[lower]
        if not _follows(a, b):
            raise UsageError(f"bead #{lower} does not follow bead #{upper}")
        start, end = f"{lang}_start", f"{lang}_end"
        step = -1 if direction == "down" else 1
        giver = a if direction == "down" else b
        if giver[end] <= giver[start]:
            side = "Chinese" if lang == "zh" else "English"
            raise UsageError(f"bead #{giver['id']} has no {side} sentence to move")
        new_a = _edited(a, **{end: a[end] + step})
        new_b = _edited(b, **{start: b[start] + step})
        after = [r for r in (new_a, new_b) if not _empty(r)]
        return review.apply(TABLE, doc, client, "move", [a, b], after)


def undo(review: Review, doc: int, client: str) -> Change:
    review.document(doc, "alignment")
    return review.undo(doc, client, "bead")


# --------------------------------------------------------------------------- export

def export(review: Review, doc: int, tool_version: str) -> Export:
    """The reviewed TUs in document order (rejected and one-sided beads left out) and a
    header that says how many were reviewed."""
    info = review.document(doc, "alignment")
    if not is_complete(info):
        raise ConflictError(f"{info.name}: only its first {info.info['tus_read']} TUs are read "
                            "so far; read the rest (load_rest) before exporting")
    units: list[Unit] = []
    reviewed = rejected = 0
    for row in _all_rows(review, doc):
        if row["status"] == "rejected":
            rejected += 1
            continue
        zh = "".join(_sentences(review, doc, "zh", row["zh_start"], row["zh_end"]))
        en = " ".join(_sentences(review, doc, "en", row["en_start"], row["en_end"]))
        if not zh or not en:
            continue
        origin = json.loads(row["origin"])
        props = tuple((t, v) for t, v in origin.get("props", []))
        if is_reviewed(row):
            reviewed += 1
            props += ((REVIEWED_PROP, "confirmed" if row["status"] == "confirmed" else "edited"),)
        zh_line, en_line = _lines(review, doc, row)
        units.append(Unit(zh=zh, en=en, score=1.0 if row["score"] is None else row["score"],
                          bead=kind_of(row), doc=origin.get("doc") or info.name,
                          location=_location(zh_line, en_line) or origin.get("loc", ""),
                          props=props))
    props = tuple((t, v) for t, v in info.info.get("header_props", []))
    props += ((_REVIEW_HEADER_PROP, f"{reviewed} of {len(units)} TUs reviewed"),)
    header = TmxHeader(tool_version=tool_version, props=props,
                       srclang=info.info.get("srclang") or "zh-CN")
    return Export(tuple(units), header, reviewed, rejected)
