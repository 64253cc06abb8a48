"""JSON API of the alignment review: open a TMX or a bilingual document, page through its
beads, edit them, undo, export the reviewed TMX (which also updates the store)."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from .. import __version__
from ..align.pipeline import file_digest
from ..tm import review_align as beads_api
from ..tm.review import Change, Review
from .state import Workbench
from .paging import LIMIT, OFFSET

router = APIRouter(prefix="/api/align", tags=["alignment review"])
ClientId = Field("", max_length=64, description="A random id per browser: undo undoes this "
                 "client's own last change")


class OpenRequest(BaseModel):
    path: str = Field(description="A TMX, or a bilingual text aligned on the spot (any layout "
                      "`zhtm align` reads from one file), relative to the project folder")
    en_path: str | None = Field(None, description="The English file, for a Chinese document and "
                                "its translation in two files")
    first: int | None = Field(None, ge=1, le=1000, description="A TMX: read only the TUs of "
                              "the first `first` beads now (the review is usable at once); "
                              "`POST /api/align/{doc}/load` reads the rest. Default: all")


class StatusRequest(BaseModel):
    rev: int = Field(description="The bead's revision as the client last saw it")
    status: Literal["pending", "confirmed", "rejected"] = Field(
        description="confirmed, rejected (not a translation), or pending again")
    client: str = ClientId


class MergeRequest(BaseModel):
    rev: int
    other: int = Field(description="The neighbouring bead to merge with (before or after)")
    other_rev: int
    client: str = ClientId


class SplitRequest(BaseModel):
    rev: int
    zh_at: int = Field(ge=0, description="Chinese sentences that stay in the first part")
    en_at: int = Field(ge=0, description="English sentences that stay in the first part")
    client: str = ClientId


class MoveRequest(BaseModel):
    rev: int
    lower: int = Field(description="The bead right after this one")
    lower_rev: int
    lang: Literal["zh", "en"]
    direction: Literal["up", "down"] = Field(
        description="down: this bead's last sentence goes to the lower bead; up: the lower "
                    "bead's first sentence comes into this one")
    client: str = ClientId


class UndoRequest(BaseModel):
    client: str = ClientId


class ExportRequest(BaseModel):
    path: str | None = Field(None, description="Where to write, relative to the project folder "
                             "(default: NAME.reviewed.tmx beside the source)")
    update_store: bool = Field(True, description="Also replace the document's units in the "
                               "store by the reviewed ones")


def _bench(request: Request) -> Workbench:
    return request.app.state.workbench


def _doc_json(review: Review, doc_id: int) -> dict[str, Any]:
    doc = review.document(doc_id, "alignment")
    return {"id": doc.id, "name": doc.name, "path": doc.path, "seq": doc.seq,
            "created": doc.created, "source": doc.info.get("source"),
            "zh_sentences": doc.info.get("zh_sentences"), "en_sentences": doc.info.get("en_sentences"),
            "complete": beads_api.is_complete(doc),
            "summary": beads_api.summary(review, doc_id)}


def _change_json(review: Review, doc: int, change: Change) -> dict[str, Any]:
    changed = [beads_api.bead_json(review, doc, row, beads_api.position_of(review, doc, row))
               for row in change.changed]
    return {"seq": change.seq, "action": change.action, "changed": changed,
            "removed": list(change.removed), "summary": beads_api.summary(review, doc)}


@router.get("", summary="Alignment reviews in the store")
def list_reviews(request: Request) -> list[dict[str, Any]]:
    review = _bench(request).review()
    return [_doc_json(review, d.id) for d in review.documents("alignment")]


@router.post("/open", summary="Start (or reopen) the review of a TMX or a bilingual document")
def open_review(body: OpenRequest, request: Request) -> dict[str, Any]:
    bench = _bench(request)
    source = bench.project.input(body.path)
    if source.kind == "tmx" and body.en_path is None:
        sha = file_digest([source.path])
        existing = bench.review().find_document("alignment", source.key, sha)
        if existing is None:
            with bench.writing() as review:
                existing = beads_api.open_tmx(review, source.path, source.key, sha,
                                              first=body.first)
        if body.first is None:
            bench.read_rest(existing.id)
        return _doc_json(bench.review(), existing.id)
    from ..build import tmx_header
    from ..text.layouts import read_document

    files = [source] + ([bench.project.input(body.en_path)] if body.en_path else [])
    paths = [f.path for f in files]
    key = " + ".join(f.key for f in files)
    sha = file_digest(paths)
    existing = bench.review().find_document("alignment", key, sha)
    if existing is None:
        from ..align.pipeline import align_document

        alignment = align_document(read_document(paths))
        props = tmx_header(alignment, paths, 0.0, None).props
        with bench.writing() as review:
            existing = beads_api.open_alignment(review, alignment, key, sha, props)
    return _doc_json(bench.review(), existing.id)


@router.post("/{doc:int}/load", summary="Read the rest of a TMX opened with `first` (nothing to do "
             "when the review is complete)")
def load(doc: int, body: UndoRequest, request: Request) -> dict[str, Any]:
    bench = _bench(request)
    bench.read_rest(doc)
    return _doc_json(bench.review(), doc)


@router.get("/{doc:int}", summary="One review: sentence counts, bead counts by status")
def get_review(doc: int, request: Request) -> dict[str, Any]:
    return _doc_json(_bench(request).review(), doc)


@router.get("/{doc:int}/beads", summary="A page of beads, in document order or weakest first")
def get_beads(request: Request, doc: int, order: Literal["document", "weakest"] = "document",
              status: Literal["all", "pending", "reviewed", "rejected"] = "all",
              offset: int = OFFSET, limit: int = LIMIT) -> dict[str, Any]:
    review = _bench(request).review()
    page = beads_api.beads(review, doc, order=order, status=status, offset=offset,
                           limit=limit)
    return {"total": page.total, "offset": page.offset, "seq": review.document(doc).seq,
            "beads": list(page.beads)}


@router.get("/{doc:int}/locate/{bead:int}", summary="Where a bead is in an order (for jumping to it)")
def locate_bead(request: Request, doc: int, bead: int,
                order: Literal["document", "weakest"] = "document",
                status: Literal["all", "pending", "reviewed", "rejected"] = "all") -> dict[str, Any]:
    index = beads_api.locate(_bench(request).review(), doc, bead, order=order, status=status)
    return {"bead": bead, "index": index}


@router.get("/{doc:int}/path", summary="The alignment path: every bead's sentence ranges and score")
def get_path(doc: int, request: Request) -> dict[str, Any]:
    review = _bench(request).review()
    return {"seq": review.document(doc).seq, **beads_api.path(review, doc)}


@router.post("/{doc:int}/beads/{bead:int}/status", summary="Confirm, reject (not a translation) or reopen")
def set_status(doc: int, bead: int, body: StatusRequest, request: Request) -> dict[str, Any]:
    with _bench(request).writing() as review:
        change = beads_api.set_status(review, doc, body.client, bead, body.rev, body.status)
        return _change_json(review, doc, change)


@router.post("/{doc:int}/beads/{bead:int}/merge", summary="Merge with the previous or next bead")
def merge(doc: int, bead: int, body: MergeRequest, request: Request) -> dict[str, Any]:
    with _bench(request).writing() as review:
        change = beads_api.merge(review, doc, body.client, bead, body.rev, body.other,
                                 body.other_rev)
        return _change_json(review, doc, change)


@router.post("/{doc:int}/beads/{bead:int}/split", summary="Split a bead in two")
def split(doc: int, bead: int, body: SplitRequest, request: Request) -> dict[str, Any]:
    with _bench(request).writing() as review:
        change = beads_api.split(review, doc, body.client, bead, body.rev, body.zh_at, body.en_at)
        return _change_json(review, doc, change)


@router.post("/{doc:int}/beads/{bead:int}/move",
             summary="Move one sentence across the boundary with the next bead")
def move(doc: int, bead: int, body: MoveRequest, request: Request) -> dict[str, Any]:
    with _bench(request).writing() as review:
        change = beads_api.move(review, doc, body.client, bead, body.rev, body.lower,
                                body.lower_rev, body.lang, body.direction)
        return _change_json(review, doc, change)


@router.post("/{doc:int}/undo", summary="Undo this client's last change")
def undo(doc: int, body: UndoRequest, request: Request) -> dict[str, Any]:
    with _bench(request).writing() as review:
        change = beads_api.undo(review, doc, body.client)
        return _change_json(review, doc, change)


@router.post("/{doc:int}/export", summary="Write the reviewed TMX and update the store")
def export(doc: int, body: ExportRequest, request: Request) -> dict[str, Any]:
    from .exports import export_alignment

    return export_alignment(_bench(request), doc, body.path, update_store=body.update_store,
                            tool_version=__version__)
