"""SPARQL 1.1 Graph Store HTTP Protocol on ``/store`` (https://www.w3.org/TR/sparql11-http-rdf-update/).

* Indirect identification: ``/store?graph=<iri>`` or ``/store?default``.
* Direct identification: ``/store/<path>`` names the graph whose IRI is that request URL.
* ``GET``/``HEAD`` read (anyone); ``PUT``/``POST``/``DELETE`` write (admin token).
* ``PUT`` answers 201 when it created the graph, 204 when it replaced one; ``POST`` to a graph
  merges (201 when new, 204 otherwise); ``POST /store`` with neither parameter creates a new
  graph and answers 201 with its IRI in ``Location``. ``multipart/form-data`` POSTs load every
  part, all or none, each part's blank nodes its own. Missing graphs give 404, unknown media
  types 415.
* ``GET /store`` with neither parameter answers the whole dataset (N-Quads or TriG).
* ``?format=turtle|nt|jsonld|rdfxml`` overrides ``Accept`` on reads (the catalogue's download
  URLs use it).
"""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool

from pvkg.catalog import forget_version_sizes
from pvkg.errors import InputError, UnsupportedFormat
from pvkg.nesting import check_nesting, check_rdfxml_expansion
from pvkg.settings import Settings
from pvkg.store import Store, rdf_format, rdf_format_for_path
from pvkg.store._inspect import is_absolute_iri
from service.audit import record_graph_write
from service.auth import require_admin
from service.deps import SettingsDep, StoreDep
from service.errors import NotFound
from service.media import DATASET_TYPES, GRAPH_INPUT_TYPES, graph_media, negotiate
from service.uploads import multipart_parts, read_body

router = APIRouter(tags=["Graph Store Protocol"])

Target = tuple[bool, str | None]  # (whole dataset?, graph IRI or None for the default graph)


def _target(request: Request, path: str | None) -> Target:
    params = request.query_params
    if path:
        if "graph" in params or "default" in params:
            raise InputError("a directly identified graph takes no ?graph= or ?default")
        iri = str(request.url).split("?", 1)[0]
        if not is_absolute_iri(iri):
            raise InputError(f"the request URL is not a valid graph IRI: {iri!r}")
        return False, iri
    graphs = params.getlist("graph")
    if "default" in params and graphs:
        raise InputError("give either ?graph=<iri> or ?default, not both")
    if len(graphs) > 1:
        raise InputError("exactly one ?graph= parameter is allowed")
    if "default" in params:
        return False, None
    if not graphs:
        return True, None
    if not is_absolute_iri(graphs[0]):
        raise InputError(f"?graph= must be an absolute IRI, got {graphs[0]!r}")
    return False, graphs[0]


def _exists(store: Store, graph: str | None) -> bool:
    """Whether the target exists; an empty named graph does (a PUT of no triples made it)."""
    return graph is None or store.graph_exists(graph)


def _input_format(content_type: str, filename: str | None = None) -> str:
    media = content_type.split(";")[0].strip().lower()
    if media in GRAPH_INPUT_TYPES:
        return rdf_format(media).name
    if media in ("", "application/octet-stream") and filename:
        info = rdf_format_for_path(filename)
        if info is not None and not info.quads:
            return info.name
    shown = media or "none"
    raise UnsupportedFormat(
        f"cannot read a graph from Content-Type {shown}; "
        "send text/turtle, application/n-triples, application/rdf+xml or application/ld+json"
    )


def _read(request: Request, path: str | None, settings: Settings, store: Store) -> Response:
    whole, graph = _target(request, path)
    accept = request.headers.get("accept")
    if whole:
        media = negotiate(accept, DATASET_TYPES)
        body = store.dump(rdf_format(media).name)
    else:
        media = graph_media(accept, request.query_params.get("format"))
        if not _exists(store, graph):
            raise NotFound(f"no graph <{graph}> in the store")
        body = store.serialize_graph(graph, rdf_format(media).name)
    if request.method == "HEAD":
        return Response(
            status_code=200, media_type=media, headers={"Content-Length": str(len(body))}
        )
    return Response(body, media_type=media)


async def _body(request: Request, settings: Settings) -> bytes:
    return await read_body(request, settings.max_upload_bytes)


def _parts(content_type: str, body: bytes) -> list[tuple[bytes, str]]:
    """The (data, format) of each part of a multipart/form-data body."""
    parts = []
    for part in multipart_parts(content_type, body):
        data = part.get_payload(decode=True) or b""
        parts.append((data, _input_format(part.get_content_type(), part.get_filename())))
    if not parts:
        raise InputError("the multipart/form-data body has no parts")
    return parts


def _check_nesting(parts: list[tuple[bytes, str]]) -> None:
    """Refuse every part before loading any: a parser's stack overflow would end the server,
    and RDF/XML entities may expand a small part into gigabytes (the store checks that too,
    as it parses; here the message names the part)."""
    for index, (data, fmt) in enumerate(parts):
        where = "the request body" if len(parts) == 1 else f"part {index + 1} of the body"
        check_nesting(data, fmt, where=where)
        if rdf_format(fmt).name == "rdfxml":
            check_rdfxml_expansion(data, where=where)


@router.get(
    "/store",
    name="graph_store",
    operation_id="graph_store_get",
    summary="Read a graph (?graph=<iri> or ?default), or the whole dataset",
    response_class=Response,
)
@router.head(
    "/store",
    operation_id="graph_store_head",
    summary="Headers of a graph read (404 when the graph does not exist)",
    response_class=Response,
)
def gsp_read(request: Request, settings: SettingsDep, store: StoreDep) -> Response:
    return _read(request, None, settings, store)


@router.get(
    "/store/{path:path}",
    operation_id="graph_store_direct_get",
    summary="Read a directly identified graph",
    response_class=Response,
)
@router.head(
    "/store/{path:path}",
    operation_id="graph_store_direct_head",
    summary="Headers of a directly identified graph",
    response_class=Response,
)
def gsp_read_direct(
    path: str, request: Request, settings: SettingsDep, store: StoreDep
) -> Response:
    return _read(request, path, settings, store)


async def _write(request: Request, path: str | None, settings: Settings, store: Store) -> Response:
    require_admin(request, settings)
    whole, graph = _target(request, path)
    method = request.method
    if method == "DELETE":
        if whole:
            raise InputError("DELETE needs ?graph=<iri> or ?default")
        if not await run_in_threadpool(_exists, store, graph):
            raise NotFound(f"no graph <{graph}> in the store")
        if graph is None:
            await run_in_threadpool(store.update, "CLEAR DEFAULT")
        else:
            await run_in_threadpool(store.drop_graph, graph)
            forget_version_sizes(store, graph)
        await run_in_threadpool(record_graph_write, store, "admin", method, graph)
        return Response(status_code=204)
    content_type = request.headers.get("content-type", "")
    body = await _body(request, settings)
    created_new = False
    if whole:
        if method == "PUT":
            raise InputError("PUT needs ?graph=<iri> or ?default")
        graph = str(request.url_for("graph_store")) + f"/graphs/{uuid.uuid4()}"
        created_new = True
    if content_type.split(";")[0].strip().lower() == "multipart/form-data" and method == "POST":
        parts = _parts(content_type, body)
    else:
        parts = [(body, _input_format(content_type))]
    await run_in_threadpool(_check_nesting, parts)
    existed = await run_in_threadpool(_exists, store, graph) if not created_new else False
    # every part or none (each part's blank nodes its own)
    await run_in_threadpool(store.load_documents, parts, graph=graph, replace=method == "PUT")
    if graph is not None:  # a body without triples still makes the graph (then GET gives 200)
        await run_in_threadpool(store.create_graph, graph)
    if graph is not None:
        forget_version_sizes(store, graph)
    await run_in_threadpool(record_graph_write, store, "admin", method, graph)
    if created_new:
        return Response(status_code=201, headers={"Location": str(graph)})
    return Response(status_code=204 if existed else 201)


@router.put(
    "/store",
    operation_id="graph_store_put",
    summary="Replace a graph (201 created, 204 replaced); admin token",
    response_class=Response,
)
@router.post(
    "/store",
    operation_id="graph_store_post",
    summary="Merge into a graph, or create a new graph without ?graph; admin token",
    response_class=Response,
)
@router.delete(
    "/store",
    operation_id="graph_store_delete",
    summary="Delete a graph (404 when missing); admin token",
    response_class=Response,
)
async def gsp_write(request: Request, settings: SettingsDep, store: StoreDep) -> Response:
    return await _write(request, None, settings, store)


@router.put(
    "/store/{path:path}",
    operation_id="graph_store_direct_put",
    summary="Replace a directly identified graph; admin token",
    response_class=Response,
)
@router.post(
    "/store/{path:path}",
    operation_id="graph_store_direct_post",
    summary="Merge into a directly identified graph; admin token",
    response_class=Response,
)
@router.delete(
    "/store/{path:path}",
    operation_id="graph_store_direct_delete",
    summary="Delete a directly identified graph; admin token",
    response_class=Response,
)
async def gsp_write_direct(
    path: str, request: Request, settings: SettingsDep, store: StoreDep
) -> Response:
    return await _write(request, path, settings, store)
