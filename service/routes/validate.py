"""``POST /validate``: validate a portfolio file and return the report by Accept; stores nothing."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool

from loaders import institution_resolver, read_portfolios
from pvkg import reports
from pvkg.validation import validate_portfolios
from service.deps import SettingsDep, StoreDep
from service.media import REPORT_TYPES, negotiate
from service.uploads import read_upload

router = APIRouter(tags=["Portfolios"])

Profile = Literal["policy", "cpsv-ap", "all"]


@router.post(
    "/validate",
    summary="Validate a portfolio file (CSV, XLSX, Turtle, JSON-LD, RDF/XML, N-Triples)",
    response_class=Response,
    responses={200: {"description": "The validation report (JSON by default; see Accept)"}},
)
async def validate(
    request: Request, settings: SettingsDep, store: StoreDep, profile: Profile = "policy"
) -> Response:
    media = negotiate(request.headers.get("accept"), REPORT_TYPES)
    data, filename = await read_upload(request, settings, "portfolio")

    def work() -> bytes:
        # an RDF file of several portfolios (a whole pvkg export cpsv) is validated as one set
        loaded = read_portfolios(
            data, filename, resolve_institution=institution_resolver(store), settings=settings
        )
        report = validate_portfolios(loaded, profile=profile, store=store, settings=settings)
        report.reading_notes = reports.reading_notes(loaded)
        return reports.render(report, REPORT_FORMAT[media])

    body = await run_in_threadpool(work)
    return Response(body, media_type=media)


REPORT_FORMAT = {
    "application/json": "json",
    "text/html": "html",
    "text/csv": "csv",
    "text/turtle": "turtle",
    "application/ld+json": "jsonld",
    "text/plain": "text",
}
