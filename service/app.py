"""The FastAPI application factory: ``create_app(settings, store)``; no module-level app."""

from __future__ import annotations

import logging

from fastapi import FastAPI
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pvkg import __version__
from pvkg.settings import Settings
from pvkg.store import Store
from service import cors, errors
from service.auth import load_tokens
from service.routes import docs, health, landing, sparql, sparql_fast
from service.routes import store as graph_store

log = logging.getLogger("pvkg.service")

# Sent with every HTML page; the landing page and its script come from this server only.
HTML_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
        "form-action 'self'"
    ),
}


def create_app(settings: Settings, store: Store) -> FastAPI:
    """Build the app around an opened (and prepared) store.

    Raises:
        InputError: the tokens file is unreadable or malformed.
    """
    app = FastAPI(
        title="pvkg",
        version=__version__,
        summary="Knowledge graph and compliance service for Latvian public-service governance",
        description=(
            "SPARQL 1.1 Protocol on `/sparql`, updates on `/sparql/update`, Graph Store "
            "Protocol on `/store`. Writes need `Authorization: Bearer <token>`."
        ),
        docs_url=None,  # (routes/docs.py: Swagger UI from this server, not from a CDN)
        redoc_url=None,  # (ReDoc would come from a CDN; /docs is the one linked)
    )
    app.state.settings = settings
    app.state.store = store
    app.state.tokens = load_tokens(settings.tokens_file)
    app.state.cors = settings.cors
    errors.register(app)
    app.include_router(landing.router)
    app.include_router(health.router)
    app.include_router(docs.router)
    app.include_router(sparql.router)
    app.include_router(graph_store.router)
    _include_optional(app)

    app.add_middleware(sparql_fast.FastSparqlGet)
    app.add_middleware(HeadAsGet)  # outside the lean path, so that HEAD /sparql takes it too
    if app.state.cors:  # outside HeadAsGet, so that it sees HEAD as HEAD
        app.add_middleware(cors.ReadOnlyCors)
    app.add_middleware(SecurityHeaders)  # added last: the outermost, so it sees every answer
    return app


class SecurityHeaders:
    """Adds ``nosniff`` to every response and the HTML headers to HTML pages (a page's own
    ``Content-Security-Policy`` wins: ``/docs`` allows its inline script by hash).

    A plain ASGI middleware: ``@app.middleware("http")`` runs each request through extra tasks
    and streams, which cost more than a small SPARQL query.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                if headers.get("content-type", "").startswith("text/html"):
                    for key, value in HTML_HEADERS.items():
                        headers.setdefault(key, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)


class HeadAsGet:
    """Answers ``HEAD`` as the same ``GET`` without its body (RFC 9110 §9.3.2): same status and
    headers, ``Content-Length`` included.

    Why: FastAPI routes declared with ``@router.get`` answer ``HEAD`` with 405. ``/store`` has
    its own HEAD routes (they skip serialising the graph body) and keeps them.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] != "HEAD"
            or scope["path"] == "/store"
            or scope["path"].startswith("/store/")
        ):
            await self.app(scope, receive, send)
            return

        async def send_head(message: Message) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return  # (the last body message ends the response)
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, send_head)


def _include_optional(app: FastAPI) -> None:
    """Routers built on other pvkg modules (portfolios, validation, curated queries, catalogue)."""
    try:
        from service.routes import catalog, compliance, portfolios, queries, validate
    except ImportError as err:  # pragma: no cover - only on a partial checkout
        log.warning("portfolio and validation routes disabled: %s", err)
        return
    app.include_router(validate.router)
    app.include_router(portfolios.router)
    app.include_router(queries.router)
    app.include_router(catalog.router)
    app.include_router(compliance.router)
