"""``GET /queries`` and ``GET /queries/{name}``: the curated queries of ``queries/``.

A query runs with its parameters from the URL (``?institution=varam``), safely bound as RDF
terms, through the same killable, size-capped path as ``/sparql``. Results are SPARQL JSON or
CSV by ``Accept``.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool

from pvkg.curated import find_query, list_queries
from pvkg.store._bindings import bind_values
from service.deps import SettingsDep, StoreDep
from service.media import SELECT_TYPES, negotiate

router = APIRouter(prefix="/queries", tags=["Curated queries"])

QUERY_RESULT_TYPES = (SELECT_TYPES[0], SELECT_TYPES[2])  # SPARQL JSON, CSV


@router.get("", summary="The curated queries and their parameters")
def queries(settings: SettingsDep) -> dict[str, object]:
    return {
        "queries": [
            {**q.describe(), "href": f"/queries/{q.name}"}
            for q in list_queries(settings.queries_dir)
        ]
    }


@router.get(
    "/{name}",
    summary="Run a curated query; parameters as URL parameters; JSON or CSV by Accept",
    response_class=Response,
)
async def run(name: str, request: Request, settings: SettingsDep, store: StoreDep) -> Response:
    media = negotiate(request.headers.get("accept"), QUERY_RESULT_TYPES)
    query = find_query(settings.queries_dir, name)
    params = dict(request.query_params)
    text = bind_values(query.sparql, query.bindings(params))
    answer = await run_in_threadpool(
        store.query_serialized,
        text,
        media,
        timeout_s=settings.query_timeout_s,
        max_rows=settings.max_result_rows,
    )
    return Response(answer.body, media_type=media)
