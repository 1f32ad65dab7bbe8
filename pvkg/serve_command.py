"""``pvkg serve``: open and prepare the store, optionally load the demo portfolios, run uvicorn.

The app is ``service.create_app(settings, store)``; OpenAPI docs are at ``/docs``.
"""

from __future__ import annotations

import copy
import ipaddress
import logging
import sys
from pathlib import Path
from typing import Any

import typer

from pvkg.bootstrap import open_ready_store
from pvkg.errors import InputError
from pvkg.settings import DATA_ROOT, PROJECT_ROOT, Settings
from pvkg.store import SelectResult, Store, shown_url

DEMO_DIR = PROJECT_ROOT / "service" / "demo"
DEMO_SURVEY = DATA_ROOT / "reference" / "demo" / "survey-2026-01-reconstructed.csv"


def demo_files(directory: Path = DEMO_DIR) -> list[Path]:
    """The invented demo portfolios, in a stable order."""
    return sorted(directory.glob("*.csv"))


DEMO_SUBMITTER = "pvkg serve --demo"


def load_demo(store: Store, settings: Settings, directory: Path = DEMO_DIR) -> list[str]:
    """Load the demo portfolios; files already current are left alone (idempotent).

    Returns:
        One summary line per file.

    Raises:
        InputError: the store holds portfolios the demo did not submit (nothing is loaded).
        StoreError: the store failed.
    """
    from loaders import institution_resolver
    from pvkg.load_command import load_file, summary

    _refuse_real_data(store, settings)
    lines = []
    for path in demo_files(directory):
        resolver = institution_resolver(store)
        outcome = load_file(store, path, settings, submitter=DEMO_SUBMITTER, resolver=resolver)
        lines.append(summary(outcome))
    lines.append(load_demo_survey(store))
    return lines


def _refuse_real_data(store: Store, settings: Settings) -> None:
    """Why: the demo makes its invented portfolios current and replaces the survey answers,
    and ``./pvkg-data`` is the default store of the demo and of production alike."""
    from pvkg.namespaces import PROV, PV, REGISTRY_GRAPH

    result = store.query(
        f"""SELECT (COUNT(?version) AS ?n) WHERE {{ GRAPH <{REGISTRY_GRAPH}> {{
              ?version a <{PV.PortfolioVersion}>
              FILTER NOT EXISTS {{ ?version <{PROV.wasAttributedTo}> "{DEMO_SUBMITTER}" }} }} }}"""
    )
    count = int(result.rows[0][0]) if isinstance(result, SelectResult) else 0
    found = f"{count} portfolio version(s) that the demo did not submit" if count else ""
    if not found and not _demo_survey_or_none(store):
        found = "survey answers that are not the demo's"
    if found:
        where = shown_url(settings.store_url) if settings.store_url else str(settings.store_path)
        raise InputError(
            f"--demo adds invented portfolios and replaces the survey answers, but the store "
            f"{where} holds {found}; nothing was loaded: give the demo a store of its own, for "
            "example pvkg serve --demo --store ./pvkg-demo"
        )


def _demo_survey_or_none(store: Store, path: Path = DEMO_SURVEY) -> bool:
    """Whether the store's survey answers are none, or exactly the demo's (a second start)."""
    from pvkg.institution_names import institution_names
    from pvkg.survey import SURVEY_ANSWERS_GRAPH, parse_survey, survey_triples

    stored = set(store.triples(str(SURVEY_ANSWERS_GRAPH)))
    if not stored:
        return True
    if not path.is_file():
        return False
    answers = parse_survey(path.read_bytes(), path.name, institutions=institution_names(store))
    return stored == set(survey_triples(answers))


def load_demo_survey(store: Store, path: Path = DEMO_SURVEY) -> str:
    """Load the reconstructed demo survey answers (replaces the survey-answers graph, so
    loading it again gives the same graph: idempotent). Returns a summary line.

    Raises:
        SourceSyntaxError, RowError: the demo file is unusable; the store is unchanged.
        StoreError: the store failed.
    """
    from pvkg.survey import load_survey

    if not path.is_file():
        return f"{path.name}: not found, no demo survey answers"
    count = load_survey(store, path.read_bytes(), path.name)
    return f"{path.name}: {count} survey row(s) loaded (RECONSTRUCTED demo answers)"


class _WithoutQueryString(logging.Filter):
    """Access lines show the path only: a query string holds whole SPARQL texts, and may hold
    an access token."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) == 5 and isinstance(args[2], str):
            record.args = (*args[:2], args[2].split("?", 1)[0], *args[3:])
        return True


def log_config(*, access_log: bool) -> dict[str, Any]:
    """uvicorn's logging set-up with a time and level on every line, pvkg's own loggers
    (``pvkg.service``: errors, store outages) on stderr, and access lines without query
    strings."""
    import uvicorn.config

    config: dict[str, Any] = copy.deepcopy(uvicorn.config.LOGGING_CONFIG)
    stamp = "%(asctime)s %(levelname)s"
    config["formatters"]["default"] = {"format": f"{stamp} %(name)s: %(message)s"}
    config["formatters"]["access"] = {
        "()": "uvicorn.logging.AccessFormatter",
        "fmt": f'{stamp} %(client_addr)s "%(request_line)s" %(status_code)s',
        "use_colors": False,
    }
    config["filters"] = {"no_query": {"()": _WithoutQueryString}}
    config["handlers"]["access"]["filters"] = ["no_query"]
    config["loggers"]["pvkg"] = {"handlers": ["default"], "level": "INFO", "propagate": False}
    if not access_log:
        config["loggers"]["uvicorn.access"]["level"] = "WARNING"
    return config


def serve(settings: Settings, *, demo: bool, host: str, port: int, access_log: bool = False) -> int:
    """Serve until interrupted; returns the exit code.

    Raises:
        StoreError: the store cannot be opened or prepared.
        InputError: a setting (tokens file, catalogue publisher or licence) is unusable.
    """
    import uvicorn

    from pvkg.catalog import check_catalog_settings
    from service import create_app
    from service.routes.sparql_fast import FastSparqlGet

    base_url = f"http://{_url_host(host)}:{port}"
    with open_ready_store(settings) as store:
        if demo:
            for line in load_demo(store, settings):
                typer.echo(f"demo: {line}", err=True)
        check_catalog_settings(store, settings)
        app = create_app(settings, store)
        where = (
            shown_url(settings.store_url)
            if settings.store_url
            else str(Path(settings.store_path).resolve())
        )
        typer.echo(
            f"pvkg serving {where} at {base_url}/  (SPARQL: {base_url}/sparql, API docs: "
            f"{base_url}/docs)",
            err=True,
        )
        if not settings.base_url and not _is_loopback(host):
            typer.echo(
                "note: PVKG_BASE_URL is not set: the catalogue (/catalog) and the SPARQL service "
                "description give the URL each client used (its Host header; X-Forwarded-Proto "
                "from a trusted proxy). Set PVKG_BASE_URL to the public URL, for example "
                "PVKG_BASE_URL=https://pvkg.varam.gov.lv, before harvesters read /catalog",
                err=True,
            )
        if not settings.admin_token:
            typer.echo(
                "note: no admin token configured: every write (updates, graph writes, portfolio "
                "submissions) is refused",
                err=True,
            )
        sys.stdout.flush()
        # the lean GET /sparql also in front of the app's middleware (see sparql_fast.py)
        served = FastSparqlGet(app, outermost=app)
        uvicorn.run(
            served,
            host=host,
            port=port,
            log_level="info",
            log_config=log_config(access_log=access_log),
            access_log=access_log,
            **_http_protocol(),
        )
    return 0


def _http_protocol() -> dict[str, object]:
    """httptools with one write per response when installed, else uvicorn's own choice."""
    try:
        from service.http import CoalescingHttpToolsProtocol
    except ImportError:  # httptools missing: uvicorn falls back to h11
        return {}
    return {"http": CoalescingHttpToolsProtocol}


def _url_host(host: str) -> str:
    if host in ("0.0.0.0", ""):
        return "127.0.0.1"
    return f"[{host}]" if ":" in host else host


def _is_loopback(host: str) -> bool:
    """Whether only this machine can reach ``host`` (then the request's URL is the right one)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
