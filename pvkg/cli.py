"""The ``pvkg`` command line: thin commands that call library functions.

Exit codes (README): 0 ok / conforms, 1 does not conform (a Violation), 2 bad input (nothing
stored), 3 internal or store error.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, TypeVar

import typer

from pvkg import __version__
from pvkg.errors import InputError, PvkgError, StoreError
from pvkg.output import write_output
from pvkg.settings import Settings

EXIT_OK, EXIT_VIOLATION, EXIT_BAD_INPUT, EXIT_INTERNAL = 0, 1, 2, 3

app = typer.Typer(
    name="pvkg",
    help="Knowledge graph and compliance checks for Latvian public-service governance.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
export_app = typer.Typer(help="Export the graph: DCAT-AP catalogue, CPSV-AP services, full dump.")
app.add_typer(export_app, name="export")
survey_app = typer.Typer(help="The ministries' self-assessment survey on the plan (DOMAIN.md §17).")
app.add_typer(survey_app, name="survey")
registry_app = typer.Typer(
    help="The registry of institutions (reference data beyond the ministries)."
)
app.add_typer(registry_app, name="registry")

T = TypeVar("T")

StoreDirOption = Annotated[
    Path | None,
    typer.Option("--store", help="On-disk store directory (default: $PVKG_STORE or ./pvkg-data)."),
]
StoreUrlOption = Annotated[
    str | None,
    typer.Option(
        "--store-url", help="A SPARQL 1.1 Protocol + Graph Store Protocol server instead."
    ),
]


class Profile(StrEnum):
    policy = "policy"
    cpsv_ap = "cpsv-ap"
    all = "all"


class ReportFormat(StrEnum):
    text = "text"
    json = "json"
    turtle = "turtle"
    jsonld = "jsonld"
    csv = "csv"
    html = "html"


class TableFormat(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


class GraphFormat(StrEnum):
    turtle = "turtle"
    jsonld = "jsonld"
    rdfxml = "rdfxml"
    nt = "nt"
    nq = "nq"  # the triples in the default graph
    trig = "trig"


def _settings(store: Path | None = None, store_url: str | None = None) -> Settings:
    settings = Settings.from_env()
    if store is not None:
        settings = settings.with_(store_path=store, store_url=None)
    if store_url is not None:
        if not store_url.strip():  # `--store-url "$UNSET"`: never fall back to a store in cwd
            raise InputError("--store-url is empty; give a SPARQL server's URL, or leave it out")
        settings = settings.with_(store_url=store_url)
    return settings


def _store_missing(settings: Settings) -> bool:
    """Whether a reading command names an on-disk store that does not exist (warned on stderr).

    Such a command then answers from an empty store in memory instead of creating the folder: a
    mistyped ``--store`` would otherwise leave a new empty store behind and look like no results.
    """
    if settings.store_url or settings.store_path.exists():
        return False
    typer.echo(
        f"warning: there is no store at {settings.store_path}; answering from an empty store "
        "(load portfolios with pvkg load, or name another --store)",
        err=True,
    )
    return True


def _run(action: Callable[[], int]) -> None:
    """Run a command body and turn pvkg errors into a message and an exit code."""
    try:
        code = action()
    except InputError as err:
        typer.echo(f"error: {err}", err=True)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    except StoreError as err:
        typer.echo(f"store error: {err}", err=True)
        raise typer.Exit(EXIT_INTERNAL) from None
    except PvkgError as err:
        typer.echo(f"error: {err}", err=True)
        raise typer.Exit(EXIT_INTERNAL) from None
    raise typer.Exit(code)


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(f"pvkg {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version_callback, is_eager=True, help="Show version."),
    ] = False,
) -> None:
    """Knowledge graph and compliance checks for Latvian public-service governance."""


@app.command()
def check() -> None:
    """Check the ontology with HermiT (consistency, satisfiable classes) and that every term
    used in shapes/ and queries/ is declared."""

    def body() -> int:
        from pvkg.ontology_check import run_check

        report = run_check(_settings())
        typer.echo(report.summary())
        return EXIT_OK if report.ok else EXIT_VIOLATION

    _run(body)


@app.command()
def load(
    paths: Annotated[
        list[Path], typer.Argument(help="Portfolio files: .csv, .xlsx, .ttl, .jsonld, .rdf, .nt")
    ],
    store: StoreDirOption = None,
    store_url: StoreUrlOption = None,
    submitter: Annotated[
        str | None, typer.Option(help="Who submits (recorded in the provenance).")
    ] = None,
    encoding: Annotated[
        str | None, typer.Option(help="Force the text encoding of CSV files.")
    ] = None,
) -> None:
    """Validate, then store each file as its institution's new current portfolio version."""

    def body() -> int:
        from pvkg.load_command import load_files

        return load_files(
            _settings(store, store_url), paths, submitter=submitter, encoding=encoding
        )

    _run(body)


@app.command()
def validate(
    paths: Annotated[
        list[Path] | None, typer.Argument(help="Portfolio files, validated together.")
    ] = None,
    profile: Annotated[Profile, typer.Option(help="Which rules to check.")] = Profile.policy,
    fmt: Annotated[
        ReportFormat, typer.Option("--format", help="Report format.")
    ] = ReportFormat.text,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Write the report here.")
    ] = None,
    encoding: Annotated[
        str | None, typer.Option(help="Force the text encoding of CSV files.")
    ] = None,
    all_stored: Annotated[
        bool,
        typer.Option(
            "--all-stored", help="Validate the store's whole current view (after shapes change)."
        ),
    ] = False,
    store: StoreDirOption = None,
    store_url: StoreUrlOption = None,
) -> None:
    """Validate portfolio files against the policy rules and/or CPSV-AP; stores nothing."""

    def body() -> int:
        from pvkg.validate_command import validate_files, validate_stored

        if all_stored:
            if paths:
                raise InputError("give either files or --all-stored, not both")
            settings = _settings(store, store_url)
            return validate_stored(
                settings,
                profile=profile.value,
                fmt=fmt.value,
                output=output,
                in_memory=_store_missing(settings),
            )
        if not paths:
            raise InputError("no files given (or use --all-stored)")
        return validate_files(
            _settings(),
            paths,
            profile=profile.value,
            fmt=fmt.value,
            output=output,
            encoding=encoding,
        )

    _run(body)


@app.command()
def query(
    name_or_file: Annotated[str, typer.Argument(help="A curated query name or a .rq file.")],
    param: Annotated[
        list[str] | None, typer.Option("--param", help="KEY=VALUE, repeatable.")
    ] = None,
    fmt: Annotated[
        TableFormat, typer.Option("--format", help="Output format.")
    ] = TableFormat.table,
    store: StoreDirOption = None,
    store_url: StoreUrlOption = None,
) -> None:
    """Run a curated query (queries/NAME.rq) or a SPARQL file against the store."""

    def body() -> int:
        from pvkg.query_command import run_query

        settings = _settings(store, store_url)
        return run_query(
            settings, name_or_file, param or [], fmt.value, in_memory=_store_missing(settings)
        )

    _run(body)


@app.command()
def serve(
    demo: Annotated[bool, typer.Option(help="Load the invented demo portfolios first.")] = False,
    store: StoreDirOption = None,
    store_url: StoreUrlOption = None,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.", min=1, max=65535)] = 8000,
    admin_token: Annotated[
        str | None, typer.Option(help="Admin bearer token (else $PVKG_ADMIN_TOKEN).")
    ] = None,
    access_log: Annotated[
        bool, typer.Option(help="Log one line per request (method, path, status; no query).")
    ] = False,
) -> None:
    """Serve the SPARQL endpoint, API, dashboard and catalogue over HTTP."""

    def body() -> int:
        from pvkg.serve_command import serve as run_server

        settings = _settings(store, store_url)
        if admin_token and admin_token.strip():
            settings = settings.with_(admin_token=admin_token.strip())
        return run_server(settings, demo=demo, host=host, port=port, access_log=access_log)

    _run(body)


@export_app.command("dump")
def export_dump(
    fmt: Annotated[GraphFormat, typer.Option("--format", help="RDF syntax.")] = GraphFormat.nq,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Write here (default: stdout).")
    ] = None,
    store: StoreDirOption = None,
    store_url: StoreUrlOption = None,
) -> None:
    """Every graph of the store, as stored (nq/trig); the current view for triple syntaxes."""

    def body() -> int:
        from pvkg.bootstrap import open_ready_store

        settings = _settings(store, store_url)
        with open_ready_store(settings, in_memory=_store_missing(settings)) as opened:
            data = (
                opened.dump(fmt.value)
                if fmt.value in ("nq", "trig")
                else opened.serialize_graph(None, fmt.value)
            )
        write_output(data, output)
        return EXIT_OK

    _run(body)


@export_app.command("dcat")
def export_dcat(
    fmt: Annotated[GraphFormat, typer.Option("--format", help="RDF syntax.")] = GraphFormat.turtle,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Write here (default: stdout).")
    ] = None,
    store: StoreDirOption = None,
    store_url: StoreUrlOption = None,
) -> None:
    """The DCAT-AP 3 catalogue of the knowledge graph (what data.gov.lv harvests)."""

    def body() -> int:
        from pvkg.export_command import export_dcat as run_export

        settings = _settings(store, store_url)
        return run_export(settings, fmt.value, output, in_memory=_store_missing(settings))

    _run(body)


@export_app.command("cpsv")
def export_cpsv(
    fmt: Annotated[GraphFormat, typer.Option("--format", help="RDF syntax.")] = GraphFormat.turtle,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Write here (default: stdout).")
    ] = None,
    institution: Annotated[
        str | None,
        typer.Option(help="Only this institution (pvkg id); it loads back with pvkg load."),
    ] = None,
    store: StoreDirOption = None,
    store_url: StoreUrlOption = None,
) -> None:
    """Every current service as CPSV-AP 3.2.0, with its competent authority and manager."""

    def body() -> int:
        from pvkg.export_command import export_cpsv as run_export

        settings = _settings(store, store_url)
        return run_export(
            settings, fmt.value, output, institution, in_memory=_store_missing(settings)
        )

    _run(body)


@survey_app.command("load")
def survey_load(
    path: Annotated[Path, typer.Argument(help="CSV: ministry, question (SQ01–SQ18), answer, date")],
    store: StoreDirOption = None,
    store_url: StoreUrlOption = None,
) -> None:
    """Replace the loaded survey answers with this CSV (atomically); rule C16 checks them."""

    def body() -> int:
        from pvkg.bootstrap import open_ready_store
        from pvkg.survey import load_survey

        data = _read_input(path)
        with open_ready_store(_settings(store, store_url)) as opened:
            count = load_survey(opened, data, path.name)
        typer.echo(f"{path.name}: {count} survey rows loaded")
        return EXIT_OK

    _run(body)


@registry_app.command("load")
def registry_load(
    path: Annotated[
        Path,
        typer.Argument(
            help="CSV: name, kind, [name_en, parent, register_number, wikidata, abbreviation]"
        ),
    ],
    store: StoreDirOption = None,
    store_url: StoreUrlOption = None,
) -> None:
    """Replace the loaded registry of institutions with this CSV (atomically)."""

    def body() -> int:
        from pvkg.bootstrap import open_ready_store
        from pvkg.institution_registry import load_registry

        data = _read_input(path)
        with open_ready_store(_settings(store, store_url)) as opened:
            count = load_registry(opened, data, path.name)
        typer.echo(f"{path.name}: {count} institutions loaded")
        return EXIT_OK

    _run(body)


def _read_input(path: Path) -> bytes:
    """Read an input file, turning OS errors into an input error that names the file."""
    try:
        return path.read_bytes()
    except OSError as err:
        raise InputError(f"cannot read {path}: {err.strerror}") from None


def main() -> None:
    """Console entry point."""
    app()


if __name__ == "__main__":
    main()
