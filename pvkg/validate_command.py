"""``pvkg validate``: read portfolio files, validate them together as one data set, report.

Exit codes (INTERFACES.md §3): 0 no Violation (warnings allowed), 1 at least one Violation,
2 an input could not be read (then nothing else is done: no validation, no report).
Nothing is stored. Institution names are resolved against the shipped reference data (an
in-memory store), so that the on-disk store is never opened and may be in use by a server.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pvkg.errors import InputError, Location
from pvkg.output import write_output
from pvkg.reports import render
from pvkg.settings import Settings
from pvkg.validation import validate_portfolios, validate_store

EXIT_OK, EXIT_VIOLATION, EXIT_BAD_INPUT = 0, 1, 2


def read_files(
    settings: Settings, paths: Sequence[Path], *, encoding: str | None = None
) -> tuple[list[Any], list[InputError]]:
    """Read every file with the loaders; collect the unreadable ones instead of stopping.

    Returns:
        The loaded portfolios and the input errors (each names its file, row and column).
    """
    from loaders import institution_resolver, read_portfolios_file
    from pvkg.bootstrap import open_ready_store

    loaded: list[Any] = []
    errors: list[InputError] = []
    with open_ready_store(settings, in_memory=True) as reference:
        resolver = institution_resolver(reference)
        for path in paths:
            try:
                loaded += read_portfolios_file(  # an RDF file may hold several portfolios
                    Path(path),
                    encoding=encoding,
                    resolve_institution=resolver,
                    settings=settings,
                )
            except InputError as err:
                errors.append(err)
    errors += _institutions_given_twice(loaded)
    return loaded, errors


def _institutions_given_twice(loaded: Sequence[Any]) -> list[InputError]:
    """One error per institution whose portfolio comes in more than one file.

    Validated together, two portfolios of one institution would merge into one (a service
    with both files' managers and statuses: C02, C07 and C08 results found in neither file);
    an institution has one current portfolio, as `read_rdf_all` says of one file.
    """
    files: dict[str, list[str]] = {}
    for portfolio in loaded:
        files.setdefault(portfolio.institution_id, []).append(portfolio.filename)
    return [
        InputError(
            f"a second portfolio of {institution!r} (the first is in {names[0]}); "
            "one institution has one current portfolio, so validate its files one at a time",
            location=Location(file=names[1]),
        )
        for institution, names in files.items()
        if len(names) > 1
    ]


def validate_files(
    settings: Settings,
    paths: Sequence[Path],
    *,
    profile: str = "policy",
    fmt: str = "text",
    output: Path | None = None,
    encoding: str | None = None,
) -> int:
    """Validate portfolio files together and write the report; returns the exit code.

    Raises:
        ShapesError: the shapes cannot be read (our fault: exit 3 in the CLI).
    """
    loaded, errors = read_files(settings, paths, encoding=encoding)
    if errors:
        for err in errors:
            print(f"error: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    for portfolio in loaded:
        for warning in portfolio.warnings:
            print(f"{portfolio.filename}: warning: {warning}", file=sys.stderr)
    report = validate_portfolios(loaded, profile=profile, settings=settings)
    write_output(render(report, fmt), output)
    return EXIT_OK if report.conforms else EXIT_VIOLATION


def validate_stored(
    settings: Settings,
    *,
    profile: str = "policy",
    fmt: str = "text",
    output: Path | None = None,
    in_memory: bool = False,
) -> int:
    """Validate the store's whole current view (``pvkg validate --all-stored``; an empty store in
    memory when ``in_memory``).

    Returns:
        0 no Violation, 1 at least one.

    Raises:
        StoreError, StoreLocked: the store cannot be opened or queried.
    """
    from pvkg.bootstrap import open_ready_store

    with open_ready_store(settings, in_memory=in_memory) as store:
        report = validate_store(store, profile=profile, settings=settings)
    write_output(render(report, fmt), output)
    return EXIT_OK if report.conforms else EXIT_VIOLATION
