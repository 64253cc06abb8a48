"""The HTML pages: server-rendered shells (Jinja2, autoescaped) whose own scripts fill them
through the JSON API. No data from the store or a file is put into a page's markup except
through autoescaping; the scripts write text with ``textContent`` only."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader

from .. import __version__
from .state import Workbench

HERE = Path(__file__).resolve().parent
templates = Jinja2Templates(env=Environment(loader=FileSystemLoader(HERE / "templates"),
                                            autoescape=True))
router = APIRouter(include_in_schema=False)


def _render(request: Request, name: str, **context: Any) -> HTMLResponse:
    bench: Workbench = request.app.state.workbench
    return templates.TemplateResponse(request, name, {
        "token": bench.page_token, "version": __version__, "page": name.removesuffix(".html"),
        **context})


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> HTMLResponse:
    bench: Workbench = request.app.state.workbench
    review = bench.review()
    return _render(request, "home.html", files=bench.project.files(),
                   project=str(bench.project.root), store=str(bench.settings.db),
                   alignments=review.documents("alignment"), glossaries=review.documents("glossary"))


@router.get("/align", response_class=HTMLResponse)
def align_by_path(request: Request, path: str = "") -> HTMLResponse:
    if not path:
        return RedirectResponse("/", status_code=303)
    return _render(request, "align.html", doc="", path=path)


@router.get("/align/{doc}", response_class=HTMLResponse)
def align_page(request: Request, doc: int) -> HTMLResponse:
    return _render(request, "align.html", doc=doc, path="")


@router.get("/glossary", response_class=HTMLResponse)
def glossary_by_path(request: Request, path: str = "") -> HTMLResponse:
    if not path:
        return RedirectResponse("/", status_code=303)
    return _render(request, "glossary.html", doc="", path=path)


@router.get("/glossary/{doc}", response_class=HTMLResponse)
def glossary_page(request: Request, doc: int) -> HTMLResponse:
    return _render(request, "glossary.html", doc=doc, path="")


@router.get("/search", response_class=HTMLResponse)
def search_page(request: Request) -> HTMLResponse:
    bench: Workbench = request.app.state.workbench
    glossaries = [f for f in bench.project.files() if f.kind == "glossary"]
    return _render(request, "search.html", glossaries=glossaries)


@router.get("/api", response_class=HTMLResponse)
def api_page(request: Request) -> HTMLResponse:
    spec = request.app.openapi()
    return _render(request, "api.html", spec=spec, endpoints=list(_endpoints(spec)))


def _endpoints(spec: dict[str, Any]):
    """(method, path, summary, parameters, body fields) for each operation of the spec."""
    schemas = spec.get("components", {}).get("schemas", {})
    for path, operations in spec.get("paths", {}).items():
        for method, op in operations.items():
            params = [{"name": p["name"], "in": p["in"], "required": p.get("required", False),
                       "type": _type(p.get("schema", {})), "description":
                       p.get("description") or p.get("schema", {}).get("description", "")}
                      for p in op.get("parameters", [])]
            body = []
            ref = (op.get("requestBody", {}).get("content", {}).get("application/json", {})
                   .get("schema", {}).get("$ref", ""))
            schema = schemas.get(ref.rsplit("/", 1)[-1], {}) if ref else {}
            for name, prop in schema.get("properties", {}).items():
                body.append({"name": name, "required": name in schema.get("required", []),
                             "type": _type(prop), "description": prop.get("description", "")})
            yield {"method": method.upper(), "path": path, "summary": op.get("summary", ""),
                   "tag": (op.get("tags") or [""])[0], "params": params, "body": body}


def _type(schema: dict[str, Any]) -> str:
    if "enum" in schema:
        return " | ".join(str(v) for v in schema["enum"])
    if "anyOf" in schema:
        return " | ".join(_type(s) for s in schema["anyOf"])
    if schema.get("type") == "array":
        return f"list of {_type(schema.get('items', {}))}"
    if schema.get("type") == "object" and "additionalProperties" in schema:
        return f"object of {_type(schema['additionalProperties'])}"
    return str(schema.get("type", "any"))
