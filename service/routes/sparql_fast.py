"""The lean path of ``GET /sparql?query=...``: the endpoint's hot case without FastAPI's layers.

Why: a small SELECT costs the store well under a millisecond, so FastAPI's per-request work
(routing, dependency resolution, a thread-pool hop, ``url_for``) was most of its time. This
plain ASGI middleware answers only the common case: exactly one ``query`` parameter that needs
no rdflib parse (``quick_inspect_query``: no SERVICE keyword, or a text seen recently), the
answer awaited on the event loop (``query_serialized_async``). Everything else (the service
description, dataset parameters, SERVICE calls, unacceptable Accept headers, oversized query
strings) goes on to the documented FastAPI route. Errors of the query itself are written by the
same function as the app's exception handler writes them.
"""

from __future__ import annotations

import functools
import logging
from urllib.parse import parse_qsl, unquote

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pvkg.errors import PvkgError
from pvkg.nesting import check_nesting
from pvkg.store._inspect import QueryInfo, check_allowed, quick_inspect_query
from pvkg.store._lookup import is_lookup
from service.cors import ALLOW_ORIGIN
from service.errors import error_body, pvkg_error_response
from service.media import QUERY_FORM_TYPES, negotiate


def _headers(media: str, body: bytes) -> list[tuple[bytes, bytes]]:
    content_type = f"{media}; charset=utf-8" if media.startswith("text/") else media
    return [
        (b"content-length", str(len(body)).encode("latin-1")),
        (b"content-type", content_type.encode("latin-1")),
        (b"vary", b"Accept"),  # the answer was negotiated (RFC 9110 §12.5.5)
    ]


log = logging.getLogger("pvkg.service")
_LOOKUP_INFO = QueryInfo("select", ())


@functools.lru_cache(maxsize=256)
def _media(accept: str | None, form: str) -> str:
    return negotiate(accept, QUERY_FORM_TYPES[form])


class FastSparqlGet:
    """ASGI middleware answering the hot case of ``GET /sparql``; all else goes to ``app``.

    ``create_app`` installs it inside the app's middleware. ``pvkg serve`` also puts one in
    front of the whole app (``outermost=app``), which skips the app's middleware layers for the
    hot case; it then sends the security header and the CORS header of a read (``cors.py``,
    unless ``PVKG_CORS=off``) and writes unexpected errors itself.
    """

    def __init__(self, app: ASGIApp, *, outermost: Starlette | None = None) -> None:
        self.app = app
        self._outermost = outermost
        self._cors = outermost is not None and getattr(outermost.state, "cors", False)
        self._bases: dict[tuple[object, ...], str] = {}
        self._texts: dict[bytes, str] = {}  # recent query strings and their query text

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != "/sparql" or scope["method"] != "GET":
            await self.app(scope, receive, send)
            return
        if self._outermost is None:
            await self._answer(scope, receive, send)
            return
        scope = {**scope, "app": self._outermost}

        async def send_nosniff(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                if self._cors:  # (what the app's ReadOnlyCors adds when the app answers)
                    headers.setdefault(ALLOW_ORIGIN, "*")
            await send(message)

        try:
            await self._answer(scope, receive, send_nosniff)
        except Exception as err:  # what the app's ServerErrorMiddleware would answer
            log.error("GET /sparql: unexpected error", exc_info=err)
            body = error_body("INTERNAL", "internal server error; see the server log")
            await JSONResponse(body, 500)(scope, receive, send_nosniff)

    async def _answer(self, scope: Scope, receive: Receive, send: Send) -> None:
        settings, store = scope["app"].state.settings, scope["app"].state.store
        query = self._query_text(scope["query_string"], settings.max_upload_bytes)
        info = None
        if query is not None:
            # a one-pattern lookup is a SELECT without SERVICE by its grammar: no scan needed
            info = _LOOKUP_INFO if is_lookup(query) else quick_inspect_query(query)
        accept = None
        for key, value in scope["headers"]:
            if key == b"accept":
                accept = value.decode("latin-1")
                break
        try:
            if query is None or info is None:
                raise _Defer
            check_nesting(query, "sparql")  # (free for short texts)
            check_allowed(info.services, settings.service_allowlist, "SERVICE")
            media = _media(accept, info.form)
        except (_Defer, PvkgError):  # the FastAPI route answers (and writes the error)
            await self.app(scope, receive, send)
            return
        kwargs = {
            "base_iri": self._base_iri(scope),
            "timeout_s": settings.query_timeout_s,
            "max_rows": settings.max_result_rows,
        }
        try:
            run_async = getattr(store, "query_serialized_async", None)
            if run_async is not None:
                answer = await run_async(query, media, **kwargs)
            else:
                answer = await run_in_threadpool(store.query_serialized, query, media, **kwargs)
        except PvkgError as err:
            await pvkg_error_response(Request(scope), err)(scope, receive, send)
            return
        # what Response(answer.body, media_type=media) sends, without building the object
        headers = _headers(media, answer.body)
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": answer.body})

    def _query_text(self, raw: bytes, max_bytes: int) -> str | None:
        """The text of the only parameter, ``query``; None for anything else."""
        query = self._texts.get(raw)
        if query is None and len(raw) <= max_bytes:
            try:  # (escapes that are not UTF-8: the route answers 400)
                if raw.startswith(b"query=") and b"&" not in raw:  # what parse_qsl gives, sooner
                    query = unquote(raw[6:].decode("latin-1").replace("+", " "), errors="strict")
                else:
                    params = parse_qsl(
                        raw.decode("latin-1"), keep_blank_values=True, errors="strict"
                    )
                    if len(params) == 1 and params[0][0] == "query":
                        query = params[0][1]
            except UnicodeDecodeError:
                return None
            if query is not None and len(raw) <= 4096:
                if len(self._texts) >= 256:
                    self._texts.clear()
                self._texts[raw] = query
        return query

    def _base_iri(self, scope: Scope) -> str:
        """What ``request.url_for("sparql_query")`` gives, remembered per host."""
        key = (
            scope.get("scheme"),
            tuple(scope.get("server") or ()),
            scope.get("root_path"),
            next((v for k, v in scope["headers"] if k == b"host"), None),
        )
        base = self._bases.get(key)
        if base is None:
            base = str(Request(scope).url_for("sparql_query"))
            if len(self._bases) < 64:
                self._bases[key] = base
        return base


class _Defer(Exception):
    """Not the hot case: let the FastAPI route answer."""
