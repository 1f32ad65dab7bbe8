"""``GET /catalog``: the DCAT-AP 3 catalogue of the knowledge graph (``pvkg.catalog``)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool

from pvkg.catalog import build_catalog
from pvkg.store import rdf_format
from service.deps import SettingsDep, StoreDep
from service.media import graph_media

router = APIRouter(tags=["Catalogue"])


@router.get(
    "/catalog",
    summary="DCAT-AP 3 catalogue: the knowledge graph, its distributions, the SPARQL service",
    response_class=Response,
)
async def catalog(request: Request, settings: SettingsDep, store: StoreDep) -> Response:
    media = graph_media(request.headers.get("accept"), request.query_params.get("format"))
    graph = await run_in_threadpool(build_catalog, store, settings)
    body = graph.serialize(format=rdf_format(media).rdflib, encoding="utf-8")
    return Response(body, media_type=media)
