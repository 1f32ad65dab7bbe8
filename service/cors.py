"""CORS for the anonymous reads, never for the writes (docs/RELIABILITY.md §4).

Why: analysts query pvkg from pages served elsewhere (the public YASGUI, Observable and
JupyterLite notebooks). A browser lets such a page read an answer only when it carries
``Access-Control-Allow-Origin``. The reads of INTERFACES.md §6 are anonymous, so they get ``*``
(never with ``Access-Control-Allow-Credentials``: the browser then sends no cookies or HTTP
authentication, and answers to a credentialed request stay unreadable). The writes get no CORS
header at all and their preflight is not approved; they stay guarded by the bearer token, which
a foreign page does not have.

``PVKG_CORS=off`` (``Settings.cors``) turns the headers off (default ``on``).
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

ALLOW_ORIGIN = "access-control-allow-origin"
ALLOWED_HEADERS = "Accept, Content-Type"
MAX_AGE = "86400"  # (browsers cap it: Chromium at 2 hours, Firefox at 24)

_QUERY = frozenset({"GET", "HEAD", "POST"})
_READ = frozenset({"GET", "HEAD"})
_NONE: frozenset[str] = frozenset()
# (/sparql/update is not among them; PUT /portfolios/... and the /store writes are left out by
# their method)
_READ_PATHS = frozenset({"/queries", "/catalog", "/compliance", "/store"})
_READ_PREFIXES = ("/queries/", "/catalog/", "/portfolios/", "/store/")


def read_methods(path: str) -> frozenset[str]:
    """The methods a page of any origin may use on ``path``: none for writes and other paths.

    >>> sorted(read_methods("/sparql")), sorted(read_methods("/store/x")), read_methods("/validate")
    (['GET', 'HEAD', 'POST'], ['GET', 'HEAD'], frozenset())
    """
    if path == "/sparql":
        return _QUERY
    if path in _READ_PATHS or path.startswith(_READ_PREFIXES):
        return _READ
    return _NONE


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key == name:
            return value.decode("latin-1")
    return None


class ReadOnlyCors:
    """Adds ``Access-Control-Allow-Origin: *`` to the answers of read routes (any status, so a
    page can read the JSON error too) and answers their preflight ``OPTIONS`` with 204.

    Everything else passes through untouched: a preflight for a write, or for a method the path
    does not read with, reaches the app, which answers 405 without any CORS header.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        methods = read_methods(scope["path"])
        method = scope["method"]
        if method == "OPTIONS" and methods:
            wanted = _header(scope, b"access-control-request-method")
            if wanted in methods and _header(scope, b"origin") is not None:
                headers = _preflight(methods)
                await send({"type": "http.response.start", "status": 204, "headers": headers})
                await send({"type": "http.response.body", "body": b""})
                return
        if method not in methods:
            await self.app(scope, receive, send)
            return

        async def send_with_origin(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message).setdefault(ALLOW_ORIGIN, "*")
            await send(message)

        await self.app(scope, receive, send_with_origin)


def _preflight(methods: frozenset[str]) -> list[tuple[bytes, bytes]]:
    allowed = ", ".join(m for m in ("GET", "HEAD", "POST") if m in methods)
    return [
        (ALLOW_ORIGIN.encode(), b"*"),
        (b"access-control-allow-methods", allowed.encode()),
        (b"access-control-allow-headers", ALLOWED_HEADERS.encode()),
        (b"access-control-max-age", MAX_AGE.encode()),
    ]
