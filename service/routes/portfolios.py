"""Portfolio submission and history.

* ``PUT /portfolios/{institution}``: validate a portfolio file, then store it atomically as the
  institution's new current version (earlier versions are kept). That institution's token or
  the admin token. Answers 201 with the version and the §4 report (200 when the same file was
  already current: nothing new is stored).
* ``GET /portfolios/{institution}``: the current version's graph (RDF by Accept or ``?format=``);
  a browser (HTML preferred to every RDF type) is sent to the report page instead.
* ``GET /portfolios/{institution}/report``: the current version's §4 report, re-validated
  against the store now (JSON, HTML, CSV, Turtle, JSON-LD or text by Accept or ``?format=``).
* ``GET /portfolios/{institution}/versions``: every version (JSON).
* ``GET /portfolios/{institution}/versions/{v}``: one version's graph.
"""

from __future__ import annotations

import json
import re

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse
from starlette.concurrency import run_in_threadpool

from loaders import (
    institution_resolver,
    names_no_institution,
    read_portfolio,
    with_institution_id,
)
from pvkg import reports
from pvkg.errors import InputError
from pvkg.namespaces import portfolio_version_iri
from pvkg.portfolios import VersionInfo, current_version, list_versions
from pvkg.report_refresh import current_report
from pvkg.store import rdf_format
from pvkg.submission import submit_portfolio
from service.auth import require_institution
from service.browser import prefers_html
from service.deps import SettingsDep, StoreDep
from service.errors import NotAcceptable, NotFound
from service.media import REPORT_TYPES, graph_media, negotiate
from service.routes.validate import REPORT_FORMAT
from service.uploads import read_upload

router = APIRouter(prefix="/portfolios", tags=["Portfolios"])

_INSTITUTION = re.compile(r"^[a-z0-9][a-z0-9-]{0,127}$")


def _check_id(institution: str) -> None:
    if not _INSTITUTION.match(institution):
        raise InputError(
            f"not a pvkg institution id: {institution!r} (lower-case letters, digits and '-')"
        )


def _version_json(version: VersionInfo, institution: str) -> dict[str, object]:
    return {
        "number": version.number,
        "iri": version.iri,
        "current": version.current,
        "created": version.created.isoformat() if version.created else None,
        "filename": version.filename,
        "format": version.fmt,
        "sha256": version.sha256,
        "submitter": version.submitter,
        "service_count": version.service_count,
        "href": f"/portfolios/{institution}/versions/{version.number}",
    }


@router.put(
    "/{institution}",
    summary="Submit a portfolio: validate, then store it as the new current version",
    responses={201: {"description": "stored"}, 200: {"description": "already current"}},
)
async def submit(
    institution: str, request: Request, settings: SettingsDep, store: StoreDep
) -> Response:
    _check_id(institution)
    submitter = require_institution(request, settings, request.app.state.tokens, institution)
    data, filename = await read_upload(request, settings, institution)

    def work() -> tuple[int, dict[str, object]]:
        loaded = read_portfolio(
            data, filename, resolve_institution=institution_resolver(store), settings=settings
        )
        if names_no_institution(loaded) and loaded.institution_id != institution:
            # the URL names the institution the file does not: store it there, C12 reports it
            loaded = with_institution_id(loaded, institution)
            loaded.warnings.append(f"stored as the portfolio of {institution!r}, as the URL says")
        if loaded.institution_id != institution:
            raise InputError(
                f"{filename} is the portfolio of {loaded.institution_name!r} "
                f"({loaded.institution_id}), not of {institution!r}; nothing stored"
            )
        submission = submit_portfolio(store, loaded, settings=settings, submitter=submitter)
        stored, report = submission.stored, submission.report
        body = {
            "institution": institution,
            "version": stored.number,
            "iri": stored.iri,
            "created": stored.created,
            "href": f"/portfolios/{institution}/versions/{stored.number}",
            "report": json.loads(reports.render(report, "json")),
            # what reading the file noticed (the command line prints these on stderr)
            "warnings": reports.reading_notes([loaded]),
        }
        return (201 if stored.created else 200), body

    status, body = await run_in_threadpool(work)
    headers = {"Location": str(body["href"])} if status == 201 else None
    return Response(
        json.dumps(body, ensure_ascii=False),
        status,
        media_type="application/json",
        headers=headers,
    )


def _graph_response(request: Request, store: StoreDep, graph: str, href: str) -> Response:
    media = graph_media(request.headers.get("accept"), request.query_params.get("format"))
    if not store.has_graph(graph):
        raise NotFound(f"no portfolio version {href}")
    body = store.serialize_graph(graph, rdf_format(media).name)
    headers = {"Content-Location": href}
    if "format" not in request.query_params:
        headers["Vary"] = "Accept"  # (RDF by Accept; a browser is sent to the report)
    return Response(body, media_type=media, headers=headers)


@router.get(
    "/{institution}", summary="The current portfolio (RDF by Accept)", response_class=Response
)
def current(institution: str, request: Request, store: StoreDep) -> Response:
    _check_id(institution)
    if "format" not in request.query_params and prefers_html(request.headers.get("accept")):
        # a person following a link (the dashboard's) wants to read, not an RDF/XML download
        return RedirectResponse(
            f"/portfolios/{institution}/report", status_code=303, headers={"Vary": "Accept"}
        )
    version = current_version(store, institution)
    if version is None:
        raise NotFound(f"institution {institution!r} has no stored portfolio")
    href = f"/portfolios/{institution}/versions/{version.number}"
    return _graph_response(request, store, version.iri, href)


@router.get("/{institution}/versions", summary="Every stored version of a portfolio")
def versions(institution: str, store: StoreDep) -> dict[str, object]:
    _check_id(institution)
    found = list_versions(store, institution)
    if not found:
        raise NotFound(f"institution {institution!r} has no stored portfolio")
    return {
        "institution": institution,
        "versions": [_version_json(v, institution) for v in found],
    }


@router.get(
    "/{institution}/versions/{number}",
    summary="One stored version of a portfolio (RDF by Accept)",
    response_class=Response,
)
def version(institution: str, number: int, request: Request, store: StoreDep) -> Response:
    _check_id(institution)
    if number < 1:
        raise NotFound(f"no version {number}")
    iri = str(portfolio_version_iri(institution, number))
    return _graph_response(request, store, iri, f"/portfolios/{institution}/versions/{number}")


# ?format= names (those of ``pvkg validate --format``) and their media types
REPORT_FORMATS = {name: media for media, name in REPORT_FORMAT.items()}


@router.get(
    "/{institution}/report",
    summary="The current portfolio's validation report, re-checked against the store now",
    response_class=Response,
    responses={200: {"description": "The §4 report (JSON by default; HTML, CSV, RDF by Accept)"}},
)
async def report(
    institution: str, request: Request, settings: SettingsDep, store: StoreDep
) -> Response:
    _check_id(institution)
    wanted = request.query_params.get("format")
    if wanted is None:
        media = negotiate(request.headers.get("accept"), REPORT_TYPES)
    elif wanted in REPORT_FORMATS:
        media = REPORT_FORMATS[wanted]
    else:
        raise NotAcceptable(
            f"?format={wanted[:100]} is not a report format; use {', '.join(REPORT_FORMATS)}"
        )
    found = await run_in_threadpool(current_report, store, institution, settings=settings)
    if found is None:
        raise NotFound(f"institution {institution!r} has no stored portfolio")
    fmt = REPORT_FORMAT[media]
    body = await run_in_threadpool(reports.render, found, fmt)
    return Response(body, media_type=reports.MEDIA_TYPES[fmt], headers={"Vary": "Accept"})
