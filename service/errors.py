"""The one table mapping exceptions to HTTP statuses, and the handlers that apply it.

Every error body is ``{"error": CODE, "message": ..., "location": {...} | null}``; clients never
see a stack trace. Our own faults (5xx) are logged with their traceback.
"""

from __future__ import annotations

import logging
import re

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from pvkg.errors import (
    Forbidden,
    InputError,
    PayloadTooLarge,
    PvkgError,
    QuerySyntaxError,
    QueryTimeout,
    StoreBadAnswer,
    StoreError,
    StoreLocked,
    StoreUnavailable,
    UnknownQuery,
    UnsupportedFormat,
)
from pvkg.store._inspect import ExternalRequestRefused

log = logging.getLogger("pvkg.service")


class Unauthorized(Forbidden):
    """A write without a bearer token (HTTP 401)."""

    code = "UNAUTHORIZED"


class NotAcceptable(UnsupportedFormat):
    """No media type we can produce matches the request's Accept header (HTTP 406)."""

    code = "NOT_ACCEPTABLE"


class NotFound(PvkgError):
    """A graph, portfolio or version that does not exist (HTTP 404)."""

    code = "NOT_FOUND"


class MethodNotAllowed(InputError):
    """A method the resource does not support, such as GET on the update endpoint (HTTP 405)."""

    code = "METHOD_NOT_ALLOWED"


# Methods a route may serve, in the order ``Allow`` lists them (HEAD: wherever GET is).
_METHODS = ("GET", "POST", "PUT", "DELETE", "PATCH")


def allowed_methods(request: Request) -> str:
    """The ``Allow`` header of a 405 (RFC 9110 §15.5.6): every method some route serves on the
    request's path, ``HEAD`` wherever ``GET`` is (``HeadAsGet`` answers it).

    Why: Starlette's own 405 names only the methods of the first route matching the path. Each
    method is tried against the routes' public ``matches``, which also sees into included
    routers.
    """
    served = [
        method
        for method in _METHODS
        if any(
            route.matches({**request.scope, "method": method})[0] == Match.FULL
            for route in request.app.router.routes
        )
    ]
    if "GET" in served:
        served.insert(1, "HEAD")
    return ", ".join(served)


# Most specific first is not needed: the lookup walks each exception's MRO.
STATUS: dict[type[BaseException], int] = {
    ExternalRequestRefused: 403,
    NotAcceptable: 406,
    UnsupportedFormat: 415,
    PayloadTooLarge: 413,
    UnknownQuery: 404,
    MethodNotAllowed: 405,
    InputError: 400,
    Unauthorized: 401,
    Forbidden: 403,
    NotFound: 404,
    QueryTimeout: 503,
    StoreUnavailable: 503,
    StoreLocked: 503,
    StoreBadAnswer: 502,
    StoreError: 500,
    PvkgError: 500,
}

RETRY_AFTER_S = "5"  # seconds, sent with every 503 (timeout, store down or locked)

_HTTP_CODES = {
    400: "BAD_REQUEST",
    401: "UNAUTHORIZED",
    403: "FORBIDDEN",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    406: "NOT_ACCEPTABLE",
    413: "TOO_LARGE",
    415: "UNSUPPORTED_FORMAT",
}


def status_of(exc: BaseException) -> int:
    """The HTTP status for an exception, by the first class of its MRO found in ``STATUS``."""
    for cls in type(exc).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 500


def error_body(code: str, message: str, location: dict[str, object] | None = None) -> dict:
    """The JSON error object of INTERFACES.md §6."""
    return {"error": code, "message": message, "location": location}


def pvkg_error_response(request: Request, exc: Exception) -> JSONResponse:
    """The response for a pvkg error (also used by the lean ``/sparql`` path)."""
    assert isinstance(exc, PvkgError)
    status = status_of(exc)
    message = exc.message
    if status >= 500 and not isinstance(exc, QueryTimeout | StoreUnavailable | StoreBadAnswer):
        # Our fault: the detail (paths, store internals) goes to the log, not to the client.
        log.error("%s %s: %s", request.method, request.url.path, exc, exc_info=exc)
        message = "internal store error; the request changed nothing; details are in the server log"
    elif isinstance(exc, StoreBadAnswer | StoreUnavailable):
        # a wrong store URL or an outage: the operator must see it in the log too
        log.warning("%s %s: %s", request.method, request.url.path, exc.message)
    location = exc.location.as_dict() if exc.location else _parser_position(exc)
    headers: dict[str, str] | None = None
    if status == 401:
        headers = {"WWW-Authenticate": 'Bearer realm="pvkg"'}
    elif status in (503, 504):
        headers = {"Retry-After": RETRY_AFTER_S}
    elif isinstance(exc, MethodNotAllowed):
        headers = {"Allow": allowed_methods(request)}
    return JSONResponse(error_body(exc.code, message, location), status, headers=headers)


# Other parsers' ways of giving a position: rdflib/pyparsing "(line:1, col:5)", Jena/Fuseki
# behind --store-url "at line 1, column 35".
_OTHER_POSITION = re.compile(r"\bline:?\s*(\d+),\s*col(?:umn)?:?\s*(\d+)", re.IGNORECASE)


def _parser_position(exc: PvkgError) -> dict[str, object] | None:
    """The ``location`` of a SPARQL syntax error whose message gives the parser's position:
    pvkg's and Oxigraph's ``error at L:C``, else another parser's line and column."""
    if not isinstance(exc, QuerySyntaxError):
        return None
    position = exc.position
    if position is None:
        found = _OTHER_POSITION.search(exc.message)
        if found is None:
            return None
        position = (int(found.group(1)), int(found.group(2)))
    return {"file": None, "row": position[0], "column": position[1]}


def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = _HTTP_CODES.get(exc.status_code, f"HTTP_{exc.status_code}")
    headers = getattr(exc, "headers", None)
    message = str(exc.detail)
    if exc.status_code == 405:
        allow = allowed_methods(request)
        headers = {**(headers or {}), "Allow": allow}
        message = f"{request.method} is not supported on {request.url.path}; use {allow}"
    return JSONResponse(error_body(code, message), exc.status_code, headers=headers)


def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    problems = "; ".join(
        f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg')}" for e in exc.errors()
    )
    return JSONResponse(error_body("BAD_REQUEST", problems or "invalid request"), 400)


def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.error("%s %s: unexpected error", request.method, request.url.path, exc_info=exc)
    return JSONResponse(error_body("INTERNAL", "internal server error; see the server log"), 500)


def register(app: FastAPI) -> None:
    """Install the handlers on an app (called by ``create_app``)."""
    app.add_exception_handler(PvkgError, pvkg_error_response)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(Exception, _unexpected)
