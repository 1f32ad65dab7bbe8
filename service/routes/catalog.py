"""``GET /catalog``: the DCAT-AP 3 catalogue (``pvkg.catalog``); ``GET /catalog/cpsv``: the
CPSV-AP 3.2.0 export it offers as a distribution.

Both are kept until the store changes (``pvkg.catalog_cache``). The URLs in the catalogue start
with ``PVKG_BASE_URL`` when it is set, else with the URL the client used (scheme, host and port
as the server saw them; uvicorn applies ``X-Forwarded-Proto`` from trusted proxies). A browser
(``text/html`` preferred over every RDF type it names) gets a small HTML page; every RDF
``Accept`` gets RDF as before and ``*/*`` Turtle. The answers carry ``Vary: Accept``.
"""

from __future__ import annotations

import threading

from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool

from pvkg.catalog import public_base_url
from pvkg.catalog_cache import HTML, CatalogCache
from pvkg.store import rdf_format
from service.deps import SettingsDep, StoreDep
from service.media import GRAPH_TYPES, graph_media, parse_accept

router = APIRouter(tags=["Catalogue"])

_CACHE_LOCK = threading.Lock()
_HTML_TYPES = {("text", "html"), ("application", "xhtml+xml")}
_RDF_TYPES = {tuple(name.split("/")) for offer in GRAPH_TYPES for name in (offer[0], *offer[1])}


def _cache(request: Request, settings: SettingsDep, store: StoreDep) -> CatalogCache:
    """The app's catalogue cache, made on first use."""
    with _CACHE_LOCK:
        cache = getattr(request.app.state, "catalog_cache", None)
        if cache is None:
            cache = CatalogCache(store, settings)
            request.app.state.catalog_cache = cache
        return cache


def _wants_html(accept: str | None, format_name: str | None) -> bool:
    """``?format=html``, or ``text/html`` ranked above every RDF type the client names (a
    browser); a wildcard never counts, so ``*/*`` stays Turtle."""
    if format_name:
        return format_name.lower() == "html"
    ranges = parse_accept(accept)
    html = max((r.q for r in ranges if (r.type, r.subtype) in _HTML_TYPES), default=0.0)
    rdf = max((r.q for r in ranges if (r.type, r.subtype) in _RDF_TYPES), default=0.0)
    return html > 0 and html > rdf


def _negotiated(body: bytes, media: str, request: Request) -> Response:
    headers = {} if request.query_params.get("format") else {"Vary": "Accept"}
    return Response(body, media_type=media, headers=headers)


@router.get(
    "/catalog",
    summary="DCAT-AP 3 catalogue: the knowledge graph, its distributions, the SPARQL service",
    response_class=Response,
)
async def catalog(request: Request, settings: SettingsDep, store: StoreDep) -> Response:
    accept, format_name = request.headers.get("accept"), request.query_params.get("format")
    base = public_base_url(settings, str(request.base_url))
    cache = _cache(request, settings, store)
    if _wants_html(accept, format_name):
        body = await run_in_threadpool(cache.document, base, HTML)
        return _negotiated(body, "text/html; charset=utf-8", request)
    media = graph_media(accept, format_name)
    body = await run_in_threadpool(cache.document, base, rdf_format(media).media_type)
    return _negotiated(body, media, request)


@router.get(
    "/catalog/cpsv",
    summary="CPSV-AP 3.2.0 export of the current view (?format=turtle|jsonld|rdfxml|nt)",
    response_class=Response,
)
async def catalog_cpsv(request: Request, settings: SettingsDep, store: StoreDep) -> Response:
    media = graph_media(request.headers.get("accept"), request.query_params.get("format"))
    cache = _cache(request, settings, store)
    body = await run_in_threadpool(cache.cpsv, media)
    return _negotiated(body, media, request)
