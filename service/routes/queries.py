"""``GET /queries`` and ``GET /queries/{name}``: the curated queries of ``queries/``.

A query runs with its parameters from the URL (``?institution=varam``), safely bound as RDF
terms, through the same killable, size-capped path as ``/sparql``. Results are SPARQL JSON or
CSV by ``Accept``, or by ``?format=csv|json`` for tools that cannot set ``Accept`` (a browser
link, Excel "From Web", R's ``read.csv(url)``); ``format`` is therefore no query's parameter.
A parameter given twice, or an institution id or code the store does not hold, is a 400.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool

from pvkg.curated import FORMAT_PARAMETER, find_query, list_queries, single_values
from pvkg.store._bindings import bind_values
from service.deps import SettingsDep, StoreDep
from service.errors import NotAcceptable
from service.media import SELECT_TYPES, negotiate

router = APIRouter(prefix="/queries", tags=["Curated queries"])

QUERY_RESULT_TYPES = (SELECT_TYPES[0], SELECT_TYPES[2])  # SPARQL JSON, CSV
FORMATS = {"json": SELECT_TYPES[0][0], "csv": SELECT_TYPES[2][0]}  # ?format= names


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
    summary="Run a curated query; parameters as URL parameters; JSON or CSV by Accept or ?format=",
    response_class=Response,
)
async def run(name: str, request: Request, settings: SettingsDep, store: StoreDep) -> Response:
    params = single_values(request.query_params.multi_items())
    format_name = params.pop(FORMAT_PARAMETER, None)
    media = result_media(request.headers.get("accept"), format_name)
    query = find_query(settings.queries_dir, name)
    bindings = await run_in_threadpool(query.checked_bindings, store, params)
    answer = await run_in_threadpool(
        store.query_serialized,
        bind_values(query.sparql, bindings),
        media,
        timeout_s=settings.query_timeout_s,
        max_rows=settings.max_result_rows,
    )
    headers = {} if format_name else {"Vary": "Accept"}
    return Response(answer.body, media_type=media, headers=headers)


def result_media(accept: str | None, format_name: str | None) -> str:
    """The result media type: ``?format=`` (``csv``, ``json``) wins over ``Accept``.

    Raises:
        NotAcceptable: an unknown ``?format=`` value, or nothing acceptable (HTTP 406).
    """
    if format_name is None:
        return negotiate(accept, QUERY_RESULT_TYPES)
    media = FORMATS.get(format_name.strip().lower())
    if media is None:
        raise NotAcceptable(
            f"?format={format_name[:100]} is not a result format of curated queries; "
            f"use {' or '.join(FORMATS)}"
        )
    return media
