"""The JSON form of lookup results, shared by ``zhtm match --json`` / ``zhtm concord --json``
and the workbench's API (``/api/match``, ``/api/concord``), so both give exactly the same."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..text.normalize import NumberPenalty
from .diff import Span
from .fragments import FragmentMatch, assembled
from .matching import MatchResult
from .ranking import Rendering, provenance
from .store import Origin, StoredUnit


def match_json(result: MatchResult) -> dict[str, Any]:
    """One query's lookup as JSON (what ``zhtm match --json`` prints per query)::

        {"query": str,
         "matches": [                       # sentence matches, best first
           {"kind": "sentence", "id": int, "score": int (percent), "similarity": float,
            "distance": int, "zh": str, "en": str, "count": int, "date": str | null,
            "origins": [ORIGIN], "diff": [DIFF], "renderings": [RENDERING],
            "penalties": PENALTIES}],
         "fragments": [                     # one per clause of the query, in order
           {"clause": str, "start": int, "end": int,      # characters of the query
            "matches": [                    # best first
              {"kind": "clause", "id": int, "score": int, "similarity": float,
               "distance": int, "zh": str, "en": str ("" = no English found for it),
               "confidence": float, "count": int, "diff": [DIFF],
               "renderings": [RENDERING], "penalties": PENALTIES,
               "parent": {"id": int, "zh": str, "en": str, "count": int,
                          "date": str | null, "spans": [[start, end], ...],  # in parent en
                          "origins": [ORIGIN]} | null}]}],
         "assembled": [                     # the query's clauses, each with its best English
           {"clause": str, "en": str | null, "score": int | null, "id": int | null}],
         "terms": [{"zh": str, "en": [str]}]}

    ORIGIN = {"file", "line", "tuid", "doc", "bead", "loc"} (the last three as a zhtm TMX
    records them, else the file's name, "" and "line N"); DIFF = {"kind": "equal" |
    "replace" | "delete" | "insert", "tm": the TM's text, "query": the query's text,
    "text": the TM's text (as before)}: ``replace`` is ``[tm→query]``, ``delete`` TM text
    the query lacks, ``insert`` query text the TM lacks; RENDERING = {"en", "count",
    "date"}: every English the TM holds for that source, most used first; PENALTIES =
    {"numbers_only_in_query": [...], "numbers_only_in_match": [...]} where numbers differ
    by value between the query (or its clause) and the match, else {}.
    """
    return {
        "query": result.query,
        "matches": [{
            "kind": "sentence", "id": m.unit.id, "score": m.percent,
            "similarity": round(m.hit.similarity, 6), "distance": m.hit.distance,
            "zh": m.unit.zh, "en": m.unit.en, "count": m.unit.count, "date": m.unit.date,
            "origins": [origin_json(o) for o in m.unit.origins],
            "diff": diff_json(m.diff), "renderings": renderings_json(m.renderings),
            "penalties": penalties_json(m.penalty),
        } for m in result.matches],
        "fragments": [{
            "clause": f.clause.text, "start": f.clause.start, "end": f.clause.end,
            "matches": [fragment_json(m) for m in f.matches],
        } for f in result.fragments],
        "assembled": [{"clause": clause.text, "en": best.en if best and best.en else None,
                       "score": best.percent if best else None,
                       "id": best.clause.id if best else None}
                      for clause, best in assembled(result.fragments)],
        "terms": [{"zh": t.zh, "en": list(t.en)} for t in result.terms],
    }


def origin_json(origin: Origin) -> dict[str, Any]:
    doc, bead, loc, _ = provenance(origin)
    return {"file": origin.source, "line": origin.line, "tuid": origin.tuid, "doc": doc,
            "bead": bead, "loc": loc}


def diff_json(spans: Sequence[Span]) -> list[dict[str, str]]:
    return [{"kind": s.kind, "tm": s.tm, "query": s.query, "text": s.tm} for s in spans]


def penalties_json(penalty: NumberPenalty) -> dict[str, list[str]]:
    return ({"numbers_only_in_query": list(penalty.only_in_query),
             "numbers_only_in_match": list(penalty.only_in_match)} if penalty else {})


def renderings_json(renderings: Sequence[Rendering]) -> list[dict[str, Any]]:
    return [{"en": r.en, "count": r.count, "date": r.date} for r in renderings]


def fragment_json(m: FragmentMatch) -> dict[str, Any]:
    parent = None
    if m.parent is not None:
        parent = {"id": m.parent.id, "zh": m.parent.zh, "en": m.parent.en,
                  "count": m.parent.count, "date": m.parent.date,
                  "spans": [list(s) for s in (m.place.spans if m.place else ())],
                  "origins": [origin_json(o) for o in m.parent.origins]}
    return {"kind": "clause", "id": m.clause.id, "score": m.percent,
            "similarity": round(m.hit.similarity, 6), "distance": m.hit.distance,
            "zh": m.clause.zh, "en": m.clause.en, "confidence": m.clause.confidence,
            "count": m.clause.count, "diff": diff_json(m.diff),
            "renderings": renderings_json(m.renderings), "penalties": penalties_json(m.penalty),
            "parent": parent}


def concordance_json(text: str, total: int, units: Sequence[StoredUnit]) -> dict[str, Any]:
    """The TUs containing `text` (the first of `total`), with counts and origins."""
    return {"text": text, "total": total, "units": [
        {"id": u.id, "zh": u.zh, "en": u.en, "count": u.count,
         "origins": [{"file": o.source, "line": o.line} for o in u.origins]} for u in units]}
