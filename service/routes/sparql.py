"""SPARQL 1.1 Protocol: queries on ``GET/POST /sparql``, updates on ``POST /sparql/update``.

https://www.w3.org/TR/sparql11-protocol/ — query via GET (§2.1.1), URL-encoded POST (§2.1.2)
and direct POST (§2.1.3); update via URL-encoded POST (§2.2.1) and direct POST (§2.2.2), never
GET. ``GET /sparql`` without a query answers the service description
(https://www.w3.org/TR/sparql11-service-description/).

Queries never run on the event loop: they go to a killable worker process
(``pvkg/store/_sandbox.py``; one-pattern lookups excepted, ``pvkg/store/_lookup.py``) and are
awaited from a thread. The hot case, ``GET /sparql?query=...``, is answered by the lean path in
``sparql_fast.py`` before these handlers; they remain the documented route and handle the rest.
"""

from __future__ import annotations

from urllib.parse import parse_qs

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse
from starlette.concurrency import run_in_threadpool

from pvkg.catalog import forget_version_sizes, public_base_url
from pvkg.errors import InputError, PayloadTooLarge, UnsupportedFormat
from pvkg.nesting import check_nesting
from pvkg.store._inspect import check_allowed, inspect_query, inspect_update, is_absolute_iri
from service.audit import with_update_record
from service.auth import require_admin
from service.browser import prefers_html
from service.deps import SettingsDep, StoreDep
from service.errors import MethodNotAllowed
from service.media import QUERY_FORM_TYPES, graph_media, named_media, negotiate
from service.sd import service_description
from service.uploads import read_body

router = APIRouter(tags=["SPARQL"])

FORM = "application/x-www-form-urlencoded"


def _single(values: list[str], name: str) -> str | None:
    if len(values) > 1:
        raise InputError(f"exactly one '{name}' parameter is allowed, got {len(values)}")
    return values[0] if values else None


def _decode(body: bytes, content_type: str) -> str:
    charset = ""
    for param in content_type.split(";")[1:]:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip('"').lower()
    # (older VBA/.NET clients label ASCII forms ISO-8859-1: ASCII reads the same in both)
    if charset and charset not in ("utf-8", "utf8") and not body.isascii():
        raise UnsupportedFormat(
            f"only UTF-8 request bodies are accepted, got charset={charset} with bytes "
            "outside ASCII"
        )
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as err:
        raise InputError(f"the request body is not valid UTF-8 (byte {err.start})") from None


def _parse_params(text: str, where: str) -> dict[str, list[str]]:
    """URL-encoded parameters; percent-escapes must spell UTF-8 (no silent U+FFFD).

    Raises:
        InputError: an escape sequence that is not UTF-8.
    """
    try:
        return parse_qs(text, keep_blank_values=True, errors="strict")
    except UnicodeDecodeError as err:
        raise InputError(
            f"{where} has percent-encoded bytes that are not UTF-8 ({err.reason}); "
            "encode the text as UTF-8 before percent-encoding it"
        ) from None


async def _read_request(
    request: Request, operation: str, direct_type: str, max_bytes: int
) -> tuple[str | None, dict[str, list[str]]]:
    """The operation text and all protocol parameters (URL and form body merged).

    Raises:
        UnsupportedFormat: a POST body that is neither a form nor ``direct_type`` (HTTP 415).
        InputError: the body is not UTF-8, or parameters are repeated or contradictory.
    """
    params = _parse_params(request.scope["query_string"].decode("latin-1"), "the URL")
    if request.method == "GET":
        if len(request.url.query) > max_bytes:
            raise PayloadTooLarge(f"the query string is over {max_bytes} bytes; POST the query")
        return _single(params.get(operation, []), operation), params
    content_type = request.headers.get("content-type", "")
    media = content_type.split(";")[0].strip().lower()
    body = await read_body(request, max_bytes)
    if operation == "query" and not body and not media and operation in params:
        # a POST with the operation in the URL and nothing in the body (R's httr::POST(url,
        # query = list(query = q))): read it as the URL says, as a GET would be
        return _single(params[operation], operation), params
    if media == FORM:
        for key, values in _parse_params(_decode(body, content_type), "the form body").items():
            params.setdefault(key, []).extend(values)
        return _single(params.get(operation, []), operation), params
    if media == direct_type:
        if operation in params:
            raise InputError(f"a direct POST carries the {operation} in the body, not the URL")
        return _decode(body, content_type), params
    shown = f"Content-Type {media!r}" if media else "no Content-Type"
    raise UnsupportedFormat(f"{shown}: POST the {operation} as {FORM} or {direct_type}")


def _endpoint(request: Request, name: str) -> str:
    return str(request.url_for(name))


@router.get(
    "/sparql",
    name="sparql_query",
    operation_id="sparql_query_get",
    summary="SPARQL 1.1 query via GET; the service description without a query",
    response_class=Response,
)
@router.post(
    "/sparql",
    name="sparql_query_post",
    operation_id="sparql_query_post",
    summary="SPARQL 1.1 query via URL-encoded or direct POST",
    response_class=Response,
)
async def sparql_query(request: Request, settings: SettingsDep, store: StoreDep) -> Response:
    query, params = await _read_request(
        request, "query", "application/sparql-query", settings.max_upload_bytes
    )
    if query is not None and "update" in params:
        raise InputError("a request carries a query or an update, not both")
    if query is None:
        if "update" in params:
            raise MethodNotAllowed("updates are POSTed to /sparql/update")
        if request.method == "POST":
            raise InputError("no 'query' parameter in the request")
        return _description(request, settings)
    for key in ("default-graph-uri", "named-graph-uri"):
        for iri in params.get(key, []):
            if not is_absolute_iri(iri):
                raise InputError(f"{key} must be an absolute IRI, got {iri[:200]!r}")
    check_nesting(query, "sparql", where="the query")
    info = await run_in_threadpool(inspect_query, query)
    check_allowed(info.services, settings.service_allowlist, "SERVICE")
    named = _named_media(params, info.form)
    media = named or negotiate(request.headers.get("accept"), QUERY_FORM_TYPES[info.form])
    has_dataset = "default-graph-uri" in params or "named-graph-uri" in params
    answer = await run_in_threadpool(
        store.query_serialized,
        query,
        media,
        default_graphs=params.get("default-graph-uri", []) if has_dataset else None,
        named_graphs=params.get("named-graph-uri", []) if has_dataset else None,
        base_iri=_endpoint(request, "sparql_query"),
        timeout_s=settings.query_timeout_s,
        max_rows=settings.max_result_rows,
    )
    headers = None if named else {"Vary": "Accept"}
    return Response(answer.body, media_type=media, headers=headers)


def _named_media(params: dict[str, list[str]], form: str) -> str | None:
    """The answer's media type as ``format=`` / ``output=`` (Fuseki's and Virtuoso's names)
    name it; they win over Accept. None when they are absent or name nothing this query form is
    written as (SPARQLWrapper sends both, spelt differently: ``format=tsv`` and
    ``output=text/tab-separated-values``, and ``format=n3`` whatever the form).

    Raises:
        InputError: they name two different formats.
    """
    names = [v for v in params.get("format", []) + params.get("output", []) if v.strip()]
    found = {media for v in names if (media := named_media(form, v)) is not None}
    if len(found) > 1:
        raise InputError(f"format and output name different formats: {', '.join(names)}")
    return next(iter(found), None)


def _description(request: Request, settings: SettingsDep) -> Response:
    """The service description (browsers go to the landing page); its endpoint URL is the
    catalogue's ``dcat:endpointURL`` (same base URL: ``pvkg.catalog.public_base_url``)."""
    vary = {"Vary": "Accept"}
    named = request.query_params.get("format") or request.query_params.get("output")
    if not named and prefers_html(request.headers.get("accept")):
        return RedirectResponse("/", status_code=303, headers=vary)
    media = graph_media(request.headers.get("accept"), named)
    base = public_base_url(settings, str(request.base_url))
    return Response(service_description(base, media, settings), media_type=media, headers=vary)


@router.post(
    "/sparql/update",
    name="sparql_update",
    status_code=204,
    summary="SPARQL 1.1 Update (form POST or direct POST); admin token",
    response_class=Response,
)
async def sparql_update(request: Request, settings: SettingsDep, store: StoreDep) -> Response:
    require_admin(request, settings)
    update, params = await _read_request(
        request, "update", "application/sparql-update", settings.max_upload_bytes
    )
    if update is None:
        raise InputError("no 'update' parameter in the request")
    if "query" in params:
        raise InputError("a request carries a query or an update, not both")
    # (updates run in this process: a parser's stack overflow would end the server)
    await run_in_threadpool(check_nesting, update, "sparql", where="the update")
    for key in ("using-graph-uri", "using-named-graph-uri"):
        for iri in params.get(key, []):
            if not is_absolute_iri(iri):
                raise InputError(f"{key} must be an absolute IRI, got {iri[:200]!r}")
    info = await run_in_threadpool(inspect_update, update)
    check_allowed(info.loads, settings.service_allowlist, "LOAD")
    check_allowed(info.services, settings.service_allowlist, "SERVICE")
    await run_in_threadpool(
        store.update_request,
        with_update_record(update, "admin"),
        using_graphs=params.get("using-graph-uri", []),
        using_named_graphs=params.get("using-named-graph-uri", []),
        base_iri=_endpoint(request, "sparql_query"),
    )
    forget_version_sizes(store)  # (it may have written into a portfolio version)
    return Response(status_code=204)
