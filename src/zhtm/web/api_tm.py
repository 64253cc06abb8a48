"""JSON API of the TM search and of the workbench itself: ``match`` and ``concord`` return
exactly what ``zhtm match --json`` and ``zhtm concord --json`` print (one shared shaping,
`zhtm.tm.results`); the session, the project's files and the store's figures."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request

from .. import __version__
from ..tm.matching import check_query
from ..tm.results import concordance_json, match_json
from .state import Workbench

router = APIRouter(prefix="/api", tags=["TM search and workbench"])


def _bench(request: Request) -> Workbench:
    return request.app.state.workbench


@router.get("/match", summary="The best earlier translations of a Chinese sentence "
            "(as `zhtm match --json`)")
def match(request: Request, q: str = Query(description="The Chinese sentence"),
          k: int = Query(5, ge=1, le=100, description="How many matches"),
          min: int = Query(70, ge=0, le=100, description="Lowest score, in percent"),
          termbase: str | None = Query(None, description="A glossary in the project whose terms "
                                       "found in the query are listed"),
          fragments: bool = Query(True, description="Match the query's clauses against the "
                                  "TM's clause units too"),
          fragment_min: int = Query(75, ge=1, le=100, description="Lowest score of a clause "
                                    "match among the fragments, in percent")) -> dict[str, Any]:
    bench = _bench(request)
    check_query(q)
    glossary = bench.project.input(termbase).path if termbase else None
    return match_json(bench.matcher(glossary).match(q, k, min, fragments=fragments,
                                                    fragment_min=fragment_min))


@router.get("/concord", summary="TUs whose Chinese (or English) contains a string "
            "(as `zhtm concord --json`)")
def concord(request: Request, q: str = Query(description="The text to find"),
            limit: int = Query(20, ge=1, le=1000, description="Most TUs listed"),
            en: bool = Query(False, description="Search the English side")) -> dict[str, Any]:
    total, units = _bench(request).matcher().concord(q, limit, english=en)
    return concordance_json(q, total, units)


@router.get("/session", summary="This server: version, project, store, the page token")
def session(request: Request) -> dict[str, Any]:
    bench = _bench(request)
    return {"version": __version__, "project": str(bench.project.root),
            "store": str(bench.settings.db), "token": bench.page_token,
            "token_header": "X-Zhtm-Token"}


@router.get("/files", summary="The project's TMX files, bilingual texts and glossaries")
def files(request: Request) -> list[dict[str, str]]:
    return [{"path": f.key, "kind": f.kind} for f in _bench(request).project.files()]


@router.get("/store", summary="The store's figures")
def store(request: Request) -> dict[str, Any]:
    stats = _bench(request).store().stats()
    return {"path": stats.path, "units": stats.units, "sources": stats.sources,
            "segments": stats.segments, "indexed": stats.indexed, "bytes": stats.bytes}
