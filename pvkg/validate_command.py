"""``pvkg validate``: read portfolio files, validate them together as one data set, report.

Exit codes (INTERFACES.md §3): 0 no Violation (warnings allowed), 1 at least one Violation,
2 an input could not be read (then nothing else is done: no validation, no report).
Nothing is stored. Institution names are resolved against the shipped reference data (an
in-memory store), so that the on-disk store is never opened and may be in use by a server.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from loaders import names_no_institution, with_institution_id
from pvkg.errors import InputError, Location
from pvkg.output import write_output
from pvkg.reports import reading_notes, render
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

    read: list[tuple[Any, Path]] = []
    errors: list[InputError] = []
    with open_ready_store(settings, in_memory=True) as reference:
        resolver = institution_resolver(reference)
        for path in paths:
            try:
                found = read_portfolios_file(  # an RDF file may hold several portfolios
                    Path(path),
                    encoding=encoding,
                    resolve_institution=resolver,
                    settings=settings,
                )
            except InputError as err:
                errors.append(err)
            else:
                read += [(portfolio, Path(path)) for portfolio in found]
    loaded = _unnamed_kept_apart(read)
    errors += _institutions_given_twice(loaded)
    return loaded, errors


def _unnamed_kept_apart(read: Sequence[tuple[Any, Path]]) -> list[Any]:
    """The portfolios, each file that names no institution under an id of its own.

    Such a file's id is the slug of its file name, which is no evidence of an institution:
    ``a/portfolio.csv`` and ``b/portfolio.csv`` (or a file naming an institution whose slug is
    ``portfolio``) are not one institution's two portfolios. The later one is validated under
    ``<id>-2`` (``-3``…), with a warning. The same file given twice is still one institution.
    """
    taken = {p.institution_id for p, _ in read if not names_no_institution(p)}
    owners: dict[str, tuple[Path, Path]] = {}  # id -> the unnamed file with it (resolved, given)
    kept: list[Any] = []
    for portfolio, path in read:
        here = path.resolve()
        old = portfolio.institution_id
        owner = owners.get(old, (here, path))
        if names_no_institution(portfolio) and (old in taken or owner[0] != here):
            new = _free_id(old, taken | owners.keys())
            other = f"as {owner[1]} does" if old in owners else f"and {old!r} is another's"
            portfolio = with_institution_id(portfolio, new)
            portfolio.warnings.append(
                f"{path} names no institution, {other}: validated apart, as the institution {new!r}"
            )
        if names_no_institution(portfolio):
            owners.setdefault(portfolio.institution_id, (here, path))
        kept.append(portfolio)
    return kept


def _free_id(institution_id: str, taken: Iterable[str]) -> str:
    used = set(taken)
    number = 2
    while f"{institution_id}-{number}" in used:
        number += 1
    return f"{institution_id}-{number}"


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
    report.reading_notes = reading_notes(loaded)
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
