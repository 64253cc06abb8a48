"""The JSON form of lookup results, shared by ``zhtm match --json`` / ``zhtm concord --json``
and the workbench's API (``/api/match``, ``/api/concord``), so both give exactly the same."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .matching import MatchResult
from .store import StoredUnit


def match_json(result: MatchResult) -> dict[str, Any]:
    """One query's matches: score, diff against the query, English, origins, counts, terms."""
    return {
        "query": result.query,
        "matches": [{
            "id": m.unit.id, "score": m.percent, "similarity": round(m.hit.similarity, 6),
            "distance": m.hit.distance, "zh": m.unit.zh, "en": m.unit.en,
            "count": m.unit.count, "date": m.unit.date,
            "origins": [{"file": o.source, "line": o.line, "tuid": o.tuid} for o in m.unit.origins],
            "diff": [{"kind": s.kind, "text": s.text} for s in m.diff],
            "penalties": ({"numbers_only_in_query": list(m.penalty.only_in_query),
                           "numbers_only_in_match": list(m.penalty.only_in_match)}
                          if m.penalty else {}),
        } for m in result.matches],
        "terms": [{"zh": t.zh, "en": list(t.en)} for t in result.terms],
    }


def concordance_json(text: str, total: int, units: Sequence[StoredUnit]) -> dict[str, Any]:
    """The TUs containing `text` (the first of `total`), with counts and origins."""
    return {"text": text, "total": total, "units": [
        {"id": u.id, "zh": u.zh, "en": u.en, "count": u.count,
         "origins": [{"file": o.source, "line": o.line} for o in u.origins]} for u in units]}
