"""Who may talk to the workbench, and what the browser may do with its pages.

A plain ASGI middleware around the whole application (pages, API, static files):

* **Access token** (``--token`` / ``$ZHTM_TOKEN``): when set, every request must carry it, in
  the ``X-Zhtm-Token`` header, ``Authorization: Bearer``, or the ``zhtm_token`` cookie (set,
  HttpOnly and SameSite=Strict, when a page is opened with ``?token=``, which is then
  stripped by a redirect); anything else gets 401. Without a token the server only answers
  loopback clients that name a loopback host (a page elsewhere that rebinds its DNS name to
  127.0.0.1 gets 403).
* **Writes** are POSTs with a JSON body and an ``X-Zhtm-Token`` header holding either the
  access token or the per-run page token the pages carry in a ``<meta>`` tag. A page on
  another site can neither read that token nor send a custom header without a CORS
  preflight, which is never granted (no CORS headers at all); an ``Origin`` that is not
  this server is refused as well. Other methods get 405.
* **Headers** on every response: a Content-Security-Policy that allows scripts, styles and
  requests from this origin only (no inline script, no eval), no framing, no sniffing, no
  referrer (a URL may carry the token).
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Awaitable, Callable, MutableMapping
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qsl, urlencode

from ..hosts import is_loopback

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]

TOKEN_HEADER = "x-zhtm-token"
COOKIE = "zhtm_token"
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; "
       "frame-ancestors 'none'")
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
]
_SAFE_METHODS = {"GET", "HEAD"}


def _same(a: str | None, b: str | None) -> bool:
    return bool(a) and bool(b) and hmac.compare_digest(a.encode(), b.encode())


class Guard:
    """The ASGI middleware. `page_token` is the per-run token written into every page."""

    def __init__(self, app: Callable, *, access_token: str | None, page_token: str) -> None:
        self.app = app
        self.access_token = access_token
        self.page_token = page_token

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        method = scope["method"]
        query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))

        refusal = self._refusal(scope, headers, method, query)
        if refusal is not None:
            status, message = refusal
            await _plain(send, status, message, api=scope["path"].startswith("/api"))
            return
        if self.access_token and method == "GET" and "token" in query and \
                not scope["path"].startswith("/api"):
            await self._set_cookie_and_redirect(scope, send, query)
            return

        async def send_with_headers(message: MutableMapping[str, Any]) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *SECURITY_HEADERS]
                if scope["path"].startswith("/api"):
                    message["headers"].append((b"cache-control", b"no-store"))
            await send(message)

        await self.app(scope, receive, send_with_headers)

    def _refusal(self, scope: Scope, headers: dict[str, str], method: str,
                 query: dict[str, str]) -> tuple[int, str] | None:
        if self.access_token:
            offered = [headers.get(TOKEN_HEADER), _bearer(headers.get("authorization")),
                       _cookie(headers.get("cookie")), query.get("token")]
            if not any(_same(t, self.access_token) for t in offered):
                return 401, ("this workbench needs its access token: open the URL `zhtm serve` "
                             "printed, or send it in the X-Zhtm-Token header")
        else:
            client = (scope.get("client") or ("", 0))[0]
            host = _hostname(headers.get("host", ""))
            if client and not is_loopback(client):
                return 401, "this workbench answers this machine only (start it with --token)"
            if not is_loopback(host):
                return 403, f"unexpected Host {host!r}: this workbench answers localhost only"
        if method in _SAFE_METHODS:
            return None
        if method != "POST":
            return 405, f"{method} is not allowed (reads are GET, changes are POST)"
        token = headers.get(TOKEN_HEADER)
        if not (_same(token, self.page_token) or _same(token, self.access_token)):
            return 403, "a change needs the X-Zhtm-Token header (reload the page)"
        origin = headers.get("origin")
        if origin and origin.split("://", 1)[-1] != headers.get("host", ""):
            return 403, f"requests from {origin} are refused"
        if not headers.get("content-type", "").startswith("application/json"):
            return 415, "changes are sent as application/json"
        return None

    async def _set_cookie_and_redirect(self, scope: Scope, send: Send,
                                       query: dict[str, str]) -> None:
        rest = urlencode({k: v for k, v in query.items() if k != "token"})
        location = scope["path"] + (f"?{rest}" if rest else "")
        cookie = f"{COOKIE}={self.access_token}; HttpOnly; SameSite=Strict; Path=/"
        await send({"type": "http.response.start", "status": 303,
                    "headers": [(b"location", location.encode("latin-1")),
                                (b"set-cookie", cookie.encode("latin-1")), *SECURITY_HEADERS]})
        await send({"type": "http.response.body", "body": b""})


def _hostname(host: str) -> str:
    """The host name of a Host header, without the port (``[::1]:8750`` gives ``[::1]``)."""
    if host.startswith("["):
        return host.split("]", 1)[0] + "]"
    return host.rsplit(":", 1)[0]


def _bearer(value: str | None) -> str | None:
    if value and value.lower().startswith("bearer "):
        return value[7:].strip()
    return None


def _cookie(value: str | None) -> str | None:
    if not value:
        return None
    jar = SimpleCookie()
    try:
        jar.load(value)
    except Exception:  # noqa: BLE001 - a malformed cookie header is no token
        return None
    return jar[COOKIE].value if COOKIE in jar else None


async def _plain(send: Send, status: int, message: str, *, api: bool) -> None:
    if api:
        body = json.dumps({"error": message}).encode()
        kind = b"application/json"
    else:
        body = f"{status}: {message}\n".encode()
        kind = b"text/plain; charset=utf-8"
    extra = [(b"www-authenticate", b'Bearer realm="zhtm"')] if status == 401 else []
    if status == 405:  # a 405 names what is allowed (RFC 9110); here, any path's methods at most
        extra = [(b"allow", b"GET, HEAD, POST")]
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", kind), (b"content-length", str(len(body)).encode()),
                            *extra, *SECURITY_HEADERS]})
    await send({"type": "http.response.body", "body": body})
