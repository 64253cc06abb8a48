"""Writing what was reviewed: the reviewed TMX (and the store updated from it), the reviewed
glossary as TBX. Every output goes through `Project.output` (under the project folder, never
over an input or a file zhtm did not write) and is written atomically."""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import Any

from ..formats.tmx import write_tmx
from ..tm import review_align, review_terms
from .state import Workbench


def _default_output(bench: Workbench, key: str, suffix: str) -> str:
    """NAME.reviewed.SUFFIX beside the source (in the project folder for a named file)."""
    source = bench.project.input(key.split(" + ")[0])
    stem = source.path.name.rsplit(".", 1)[0]
    if stem.endswith(".reviewed"):
        stem = stem[: -len(".reviewed")]
    name = f"{stem}.reviewed{suffix}"
    if source.path.is_relative_to(bench.project.root):
        return (PurePosixPath(source.key).parent / name).as_posix()
    return name


def _sources(bench: Workbench, key: str) -> list[Path]:
    return [bench.project.input(k).path for k in key.split(" + ")]


def export_alignment(bench: Workbench, doc: int, target: str | None, *, update_store: bool,
                     tool_version: str) -> dict[str, Any]:
    """Write the reviewed TMX; with `update_store`, the store's units from the source (and
    from earlier exports of this review) are replaced by the reviewed ones."""
    review = bench.review()
    info = review.document(doc, "alignment")
    key = target or _default_output(bench, info.path, ".tmx")
    dest = bench.project.output(key, ".tmx", not_=_sources(bench, info.path))
    out: dict[str, Any] = {"path": bench.project.key_of(dest)}
    bench.read_rest(doc)  # a TMX opened with its first page only
    with bench.writing() as review:
        exported = review_align.export(review, doc, tool_version)
        written = write_tmx(exported.units, dest, header=exported.header)
        out.update({"written": written, "reviewed": exported.reviewed,
                    "rejected": exported.rejected})
        if update_store:
            store = review.store
            old = store.sources_matching(sha256=[info.sha256], paths=[str(dest)])
            before = store.stats().units
            report = store.import_tmx([dest], replacing=old)
            out["store"] = {"replaced_sources": len(old), "removed_units": report.removed_units,
                            "new_units": report.units - before + report.removed_units,
                            "units": report.units}
    return out


def save_glossary(bench: Workbench, doc: int, target: str | None) -> dict[str, Any]:
    review = bench.review()
    info = review.document(doc, "glossary")
    key = target or _default_output(bench, info.path, ".tbx")
    dest = bench.project.output(key, ".tbx", not_=_sources(bench, info.path))
    with bench.writing() as review:
        written = review_terms.save(review, doc, dest)
    return {"path": bench.project.key_of(dest), "written": written,
            "summary": review_terms.summary(bench.review(), doc)}
