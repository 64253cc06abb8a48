"""JSON API of the glossary review: open a glossary, filter and sort its entries, accept,
reject, edit, merge, undo, save a TBX that ``zhtm terms --keep`` honours."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from ..align.pipeline import file_digest
from ..tm import review_terms as terms_api
from ..tm.review import Change, Review
from .state import Workbench
from .paging import LIMIT, OFFSET

router = APIRouter(prefix="/api/glossary", tags=["glossary review"])
ClientId = Field("", max_length=64, description="A random id per browser: undo undoes this "
                 "client's own last change")


class OpenRequest(BaseModel):
    path: str = Field(description="A TBX (2008 or v3), OmegaT TSV (.utf8/.tsv) or CSV glossary, "
                      "relative to the project folder")


class StatusRequest(BaseModel):
    rev: int
    status: Literal["pending", "accepted", "rejected"]
    client: str = ClientId


class EditRequest(BaseModel):
    rev: int
    en: str | None = Field(None, max_length=500, description="The preferred English")
    variants: list[str] | None = Field(None, description="Other renderings (admitted terms)")
    definition: str | None = Field(None, max_length=500)
    note: str | None = Field(None, max_length=500)
    client: str = ClientId


class MergeRequest(BaseModel):
    rev: int
    others: dict[int, int] = Field(description="Entries merged into this one: id -> revision")
    client: str = ClientId


class UndoRequest(BaseModel):
    client: str = ClientId


class SaveRequest(BaseModel):
    path: str | None = Field(None, description="TBX to write, relative to the project folder "
                             "(default: NAME.reviewed.tbx beside the source)")


def _bench(request: Request) -> Workbench:
    return request.app.state.workbench


def _doc_json(review: Review, doc_id: int) -> dict[str, Any]:
    doc = review.document(doc_id, "glossary")
    return {"id": doc.id, "name": doc.name, "path": doc.path, "seq": doc.seq,
            "created": doc.created, "summary": terms_api.summary(review, doc_id)}


def _change_json(review: Review, doc: int, change: Change) -> dict[str, Any]:
    return {"seq": change.seq, "action": change.action,
            "changed": [terms_api.entry_json(row) for row in change.changed],
            "removed": list(change.removed), "summary": terms_api.summary(review, doc)}


@router.get("", summary="Glossary reviews in the store")
def list_reviews(request: Request) -> list[dict[str, Any]]:
    review = _bench(request).review()
    return [_doc_json(review, d.id) for d in review.documents("glossary")]


@router.post("/open", summary="Start (or reopen) the review of a glossary file")
def open_review(body: OpenRequest, request: Request) -> dict[str, Any]:
    bench = _bench(request)
    source = bench.project.input(body.path)
    sha = file_digest([source.path])
    existing = bench.review().find_document("glossary", source.key, sha)
    if existing is None:
        with bench.writing() as review:
            existing = terms_api.open_glossary(review, source.path, source.key, sha)
    return _doc_json(bench.review(), existing.id)


@router.get("/{doc:int}", summary="One glossary review: entry counts by status")
def get_review(doc: int, request: Request) -> dict[str, Any]:
    return _doc_json(_bench(request).review(), doc)


@router.get("/{doc:int}/entries", summary="A page of entries, filtered and sorted")
def get_entries(request: Request, doc: int, q: str = "",
                status: Literal["all", "pending", "accepted", "rejected"] = "all",
                sort: Literal["rank", "frequency", "zh", "en", "status"] = "rank",
                offset: int = OFFSET, limit: int = LIMIT) -> dict[str, Any]:
    review = _bench(request).review()
    page = terms_api.entries(review, doc, query=q, status=status, sort=sort, offset=offset,
                             limit=limit)
    return {"total": page.total, "offset": page.offset, "seq": review.document(doc).seq,
            "entries": list(page.entries)}


@router.post("/{doc:int}/entries/{entry:int}/status", summary="Accept, reject or reopen an entry")
def set_status(doc: int, entry: int, body: StatusRequest, request: Request) -> dict[str, Any]:
    with _bench(request).writing() as review:
        change = terms_api.set_status(review, doc, body.client, entry, body.rev, body.status)
        return _change_json(review, doc, change)


@router.post("/{doc:int}/entries/{entry:int}/edit",
             summary="Edit the English, variants, definition or note (accepts the entry)")
def edit(doc: int, entry: int, body: EditRequest, request: Request) -> dict[str, Any]:
    changes = {k: v for k, v in body.model_dump().items()
               if k in terms_api.EDITABLE and v is not None}
    with _bench(request).writing() as review:
        change = terms_api.edit(review, doc, body.client, entry, body.rev, changes)
        return _change_json(review, doc, change)


@router.post("/{doc:int}/entries/{entry:int}/merge", summary="Merge other entries into this one")
def merge(doc: int, entry: int, body: MergeRequest, request: Request) -> dict[str, Any]:
    with _bench(request).writing() as review:
        change = terms_api.merge(review, doc, body.client, entry, body.rev, body.others)
        return _change_json(review, doc, change)


@router.post("/{doc:int}/undo", summary="Undo this client's last change")
def undo(doc: int, body: UndoRequest, request: Request) -> dict[str, Any]:
    with _bench(request).writing() as review:
        change = terms_api.undo(review, doc, body.client)
        return _change_json(review, doc, change)


@router.post("/{doc:int}/save", summary="Write the reviewed glossary as TBX (for zhtm terms --keep)")
def save(doc: int, body: SaveRequest, request: Request) -> dict[str, Any]:
    from .exports import save_glossary

    return save_glossary(_bench(request), doc, body.path)
