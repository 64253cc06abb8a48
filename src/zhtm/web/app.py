"""The workbench application: FastAPI (for the OpenAPI description of the JSON API) on
Starlette, Jinja2 pages, static JS/CSS from this package, wrapped in `security.Guard`.

``create_app(settings)`` for tests and embedding; ``create_app()`` reads the environment
(`ServeSettings.from_environment`), which is how ``zhtm serve`` runs it through uvicorn.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from fastapi.staticfiles import StaticFiles

from .. import __version__
from ..errors import ConflictError, InputError, StoreBusyError, UsageError, ZhtmError
from . import api_align, api_glossary, api_tm, pages
from .files import PathRefused
from .security import Guard
from .settings import ServeSettings
from .state import Workbench

HERE = Path(__file__).resolve().parent
API_DESCRIPTION = """The JSON API of the zhtm workbench; the pages use nothing else.

Reads are GET. Changes are POST with a JSON body and the header `X-Zhtm-Token` (the page
token from `GET /api/session`, or the access token when the server has one). A change names
the revision (`rev`) of every bead or entry it touches; if one changed meanwhile the change
is refused with 409 and nothing is changed. Every error is `{"error": "one line"}`: 400 (bad
request), 401 (no token), 403 (a file outside the project), 404, 405, 409 (conflict), 422 (a
parameter out of range or of the wrong kind, e.g. `offset=-5`), 500, 503 (store busy).
"""

_STATUS = [(ConflictError, 409), (StoreBusyError, 503), (PathRefused, 403), (UsageError, 400)]


def _status_of(exc: ZhtmError) -> int:
    for kind, status in _STATUS:
        if isinstance(exc, kind):
            return status
    if isinstance(exc, InputError) and exc.message.startswith("no "):
        return 404
    return 400


async def _zhtm_error(request: Request, exc: Exception) -> JSONResponse:
    status = _status_of(exc) if isinstance(exc, ZhtmError) else 500
    return JSONResponse({"error": _one_line(str(exc))}, status_code=status)


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


async def _invalid_request(request: Request, exc: Exception) -> JSONResponse:
    """FastAPI's 422 `{"detail": [...]}` as one line, like every other error."""
    problems = []
    for err in exc.errors() if isinstance(exc, RequestValidationError) else []:
        loc = list(err.get("loc", ()))
        if loc and loc[0] in ("query", "path", "body", "header"):
            kind, loc = loc[0], loc[1:]
            if err.get("type") == "json_invalid" or not loc:
                loc = [f"request {kind}"]
        loc = [str(x) for x in loc]
        got = err.get("input")
        value = f" (got {got!r})" if isinstance(got, (str, int, float)) else ""
        problems.append(f"{'.'.join(loc) or 'request'}: {err.get('msg', 'invalid')}{value}")
    message = "; ".join(problems[:3]) or "invalid request"
    return JSONResponse({"error": _one_line(message)}, status_code=422)


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    status = getattr(exc, "status_code", 500)
    detail = getattr(exc, "detail", None) or "error"
    return JSONResponse({"error": _one_line(detail)}, status_code=status,
                        headers=getattr(exc, "headers", None))


async def _too_large(request: Request, exc: Exception) -> JSONResponse:
    """An id or revision beyond SQLite's 64-bit integers (/api/align/99999999999999999999)."""
    return JSONResponse({"error": "a number in the request is too large"}, status_code=422)


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    return JSONResponse({"error": f"internal error ({type(exc).__name__}); see the server's "
                                  "log"}, status_code=500)


def create_app(settings: ServeSettings | None = None) -> Guard:
    """The ASGI application (the FastAPI app is its ``.app``)."""
    settings = (settings or ServeSettings.from_environment()).check()
    bench = Workbench(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        bench.close()

    app = FastAPI(title="zhtm workbench", version=__version__, description=API_DESCRIPTION,
                  docs_url=None, redoc_url=None, lifespan=lifespan)  # no CDN-hosted doc pages
    app.state.workbench = bench
    app.add_exception_handler(ZhtmError, _zhtm_error)
    app.add_exception_handler(RequestValidationError, _invalid_request)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(OverflowError, _too_large)
    app.add_exception_handler(Exception, _unexpected)
    app.include_router(api_tm.router)
    app.include_router(api_align.router)
    app.include_router(api_glossary.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    return Guard(app, access_token=settings.token, page_token=bench.page_token)
