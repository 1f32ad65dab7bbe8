"""``pvkg load``: read, validate and store portfolio files, one atomic version each.

Exit codes (INTERFACES.md §3): 0 every file stored and no Violation; 1 every file stored, some
Violation; 2 at least one file could not be read (that file is not stored, the others are).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from loaders import names_no_institution
from pvkg.bootstrap import open_ready_store
from pvkg.errors import InputError, Location
from pvkg.portfolios import StoredVersion
from pvkg.read_ahead import read_files
from pvkg.report_refresh import refresh_reports
from pvkg.settings import Settings
from pvkg.store import Store
from pvkg.submission import submit_portfolio

if TYPE_CHECKING:
    from loaders import LoadedPortfolio
    from pvkg.validation import Report

EXIT_OK, EXIT_VIOLATION, EXIT_BAD_INPUT = 0, 1, 2


@dataclass
class FileOutcome:
    """What happened to one file."""

    path: Path
    stored: StoredVersion | None = None
    error: InputError | None = None
    violations: int = 0
    warnings: int = 0  # the report's (as pvkg validate counts them)
    reading_warnings: int = 0  # the loader's notes about the file (printed above the summary)
    services: int = 0
    people: int = 0
    # other institutions whose stored report this file's C22 results make stale (not refreshed)
    affected: tuple[str, ...] = ()


@contextmanager
def _progress(paths: Sequence[Path]) -> Iterator[Any]:
    if len(paths) > 1 and sys.stderr.isatty():
        with typer.progressbar(paths, label="Loading", file=sys.stderr) as bar:
            yield bar
    else:
        yield paths


def load_file(
    store: Store,
    path: Path,
    settings: Settings,
    *,
    submitter: str | None = None,
    encoding: str | None = None,
    resolver: Any = None,
) -> FileOutcome:
    """Read, validate and store one file; an unreadable file is reported, not raised.

    Raises:
        StoreError: the store failed (the previous version stays current).
    """
    from loaders import read_portfolio_file

    try:
        loaded = read_portfolio_file(
            path, encoding=encoding, resolve_institution=resolver, settings=settings
        )
    except InputError as err:
        return FileOutcome(path, error=err)
    return submit_file(store, path, loaded, settings, submitter=submitter)


def submit_file(
    store: Store,
    path: Path,
    loaded: LoadedPortfolio,
    settings: Settings,
    *,
    submitter: str | None = None,
    refresh: bool = True,
) -> FileOutcome:
    """Validate and store one file already read; ``refresh``: as :func:`submit_portfolio`.

    Raises:
        StoreError: the store failed (the previous version stays current).
    """
    outcome = FileOutcome(path)
    submission = submit_portfolio(
        store, loaded, settings=settings, submitter=submitter, refresh=refresh
    )
    outcome.affected = () if refresh else submission.affected
    outcome.stored = submission.stored
    outcome.violations = int(submission.report.counts.get("violation", 0))
    outcome.warnings = int(submission.report.counts.get("warning", 0))
    outcome.reading_warnings = len(loaded.warnings)
    for warning in loaded.warnings:
        typer.echo(f"{path.name}: warning: {warning}", err=True)
    for other, report in submission.refreshed.items():
        _note_refreshed(path.name, other, report)
    outcome.services, outcome.people = loaded.service_count, loaded.person_count
    return outcome


def summary(outcome: FileOutcome) -> str:
    """The one-line result of a file, e.g. ``DA.csv: stored as digitala-agentura v3 — …``."""
    name = outcome.path.name
    if outcome.error is not None:
        return f"{name}: NOT stored: {outcome.error}"
    stored = outcome.stored
    assert stored is not None
    verb = "stored as" if stored.created else "unchanged, already current:"
    reading = f", {outcome.reading_warnings} reading warnings" if outcome.reading_warnings else ""
    return (
        f"{name}: {verb} {stored.institution_id} v{stored.number} — {outcome.services} services, "
        f"{outcome.people} people, {outcome.warnings} warnings, {outcome.violations} violations"
        f"{reading}"
    )


def load_files(
    settings: Settings,
    paths: Sequence[Path],
    *,
    submitter: str | None = None,
    encoding: str | None = None,
) -> int:
    """Load portfolio files into the store, each as its institution's new current version.

    Returns:
        The exit code: 0 all stored and conforming, 1 all stored with Violations, 2 a file
        could not be read.

    Raises:
        StoreError: the store failed.
    """
    from loaders import institution_resolver

    outcomes: list[FileOutcome] = []
    files = [Path(p) for p in paths]
    unnamed: dict[str, Path] = {}  # institution id taken from a file name -> that file
    stale: dict[str, str] = {}  # institution whose stored report is stale -> the file that did it
    with open_ready_store(settings) as store:
        resolver = institution_resolver(store)
        # Worker processes read the next files while this one validates and stores.
        reading = read_files(files, settings, encoding=encoding, resolver=resolver)
        with (
            _said_when_interrupted(files, outcomes),
            closing(reading) as read,
            _progress(files) as items,
        ):
            for _, (path, portfolios) in zip(items, read, strict=True):
                if isinstance(portfolios, InputError):
                    done = [FileOutcome(path, error=portfolios)]
                else:  # each portfolio of the file stored on its own, atomically
                    done = [
                        FileOutcome(path, error=clash)
                        if (clash := _unnamed_clash(unnamed, path, loaded))
                        else submit_file(
                            store, path, loaded, settings, submitter=submitter, refresh=False
                        )
                        for loaded in portfolios
                    ]
                for outcome in done:
                    outcomes.append(outcome)
                    typer.echo(summary(outcome), err=outcome.error is not None)
                    _track_stale(stale, outcome)
        # once per institution, after every file: a report a later file made stale
        for other, report in refresh_reports(store, list(stale), settings=settings).items():
            _note_refreshed(stale[other], other, report)
    if any(o.error is not None for o in outcomes):
        return EXIT_BAD_INPUT
    if any(o.violations for o in outcomes):
        return EXIT_VIOLATION
    return EXIT_OK


@contextmanager
def _said_when_interrupted(files: list[Path], outcomes: list[FileOutcome]) -> Iterator[None]:
    """On Ctrl-C, say which files were stored and which may not be (each file is stored
    atomically: completely, or not at all), then let the interrupt end the command."""
    try:
        yield
    except KeyboardInterrupt:
        done = {o.path for o in outcomes}
        left = [f.name for f in files if f not in done]
        typer.echo(
            f"interrupted: {len(done)} of {len(files)} file(s) handled (listed above); "
            f"not finished: {', '.join(left[:5])}{' …' if len(left) > 5 else ''}: each file is "
            "stored completely or not at all, and the first of them may have been stored just "
            "before the interrupt: `pvkg query portfolio_versions` shows the current versions",
            err=True,
        )
        raise


def _unnamed_clash(
    unnamed: dict[str, Path], path: Path, loaded: LoadedPortfolio
) -> InputError | None:
    """Refuse a file naming no institution whose file-name id another such file of this load
    took: stored, it would silently replace that file's portfolio as its next version
    (``pvkg validate`` checks them apart as ``<id>-2``)."""
    if not names_no_institution(loaded):
        return None
    first = unnamed.setdefault(loaded.institution_id, path)
    if first.resolve() == path.resolve():
        return None
    return InputError(
        f"names no institution, and neither does {first}: stored, both would be the portfolio "
        f"of {loaded.institution_id!r}, this one replacing the other; name the institution in "
        "each file (an 'Iestāde' header row or an 'institution' column), or load this file in "
        "a run of its own if it is that portfolio's next version",
        location=Location(file=str(path)),
    )


def _track_stale(stale: dict[str, str], outcome: FileOutcome) -> None:
    """Note whose stored reports ``outcome`` made stale; its own report is fresh now."""
    if outcome.stored is None or not outcome.stored.created:
        return
    stale.pop(outcome.stored.institution_id, None)
    for other in outcome.affected:
        stale.setdefault(other, outcome.path.name)


def _note_refreshed(file_name: str, other: str, report: Report) -> None:
    typer.echo(
        f"{file_name}: note: {other}'s current version shares unified-register ids with this "
        f"file or did before it (C22): its stored report was re-checked, "
        f"{int(report.counts.get('violation', 0))} violations",
        err=True,
    )
