"""``pvkg query``: run a curated query by name, or a SPARQL file, and print the rows."""

from __future__ import annotations

import contextlib
import json
import os
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import typer

from pvkg.bootstrap import open_ready_store
from pvkg.curated import CuratedQuery, find_query, parse_query_file, single_values
from pvkg.errors import InputError, ParameterError, QuerySyntaxError
from pvkg.results import to_csv, to_json_bytes, to_table
from pvkg.settings import Settings
from pvkg.store import SelectResult


def parse_params(pairs: list[str]) -> dict[str, str]:
    """``["a=1", "b=x=y"]`` → ``{"a": "1", "b": "x=y"}``.

    Raises:
        ParameterError: an item without ``=``, or a name given twice.
    """
    split = []
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise ParameterError(f"--param {pair!r}: expected KEY=VALUE")
        split.append((key.strip(), value))
    return single_values(split)


def resolve_query(settings: Settings, name_or_file: str) -> CuratedQuery:
    """A curated query by name, or any ``.rq`` file (its ``#+`` header is optional)."""
    path = Path(name_or_file)
    if name_or_file.endswith(".rq") or path.is_file():
        if not path.is_file():
            raise InputError(f"{name_or_file}: no such query file")
        if any(line.startswith("#+") for line in path.read_text(encoding="utf-8").splitlines()):
            return parse_query_file(path)
        return CuratedQuery(path.stem, path, "", "", (), (), path.read_text(encoding="utf-8"))
    return find_query(settings.queries_dir, name_or_file)


def run_query(
    settings: Settings, name_or_file: str, pairs: list[str], fmt: str, *, in_memory: bool = False
) -> int:
    """Run the query against the configured store (an empty one in memory when ``in_memory``)
    and print it: SELECT rows as table, CSV or JSON; an ASK answer as ``true``/``false`` (JSON:
    the SPARQL results form); a CONSTRUCT/DESCRIBE graph as Turtle (table), N-Triples (csv) or
    JSON-LD (json).

    Raises:
        QuerySyntaxError: naming the query (file or curated name) and the parser's message.
        ParameterError: bad ``--param`` values, or an institution id or code the store lacks.
    """
    query = resolve_query(settings, name_or_file)
    params = parse_params(pairs)
    query.bindings(params)  # bad values are refused before the store is opened
    timeout_s = settings.query_timeout_s
    with open_ready_store(settings, in_memory=in_memory) as store:
        bindings = query.checked_bindings(store, params)
        try:
            with _process_deadline(timeout_s, name_or_file):
                answer = store.query(query.sparql, bindings=bindings, timeout_s=timeout_s)
        except QuerySyntaxError as err:
            raise QuerySyntaxError(f"{name_or_file}: {err.message}") from None
    if isinstance(answer, SelectResult):
        _print_rows(answer, fmt)
    elif isinstance(answer, bool):
        text = "true" if answer else "false"
        if fmt == "json":
            text = json.dumps({"head": {}, "boolean": answer})
        typer.echo(text)
    else:
        syntax = {"json": "json-ld", "csv": "nt"}.get(fmt, "turtle")
        data = answer.serialize(format=syntax)
        sys.stdout.write(data if isinstance(data, str) else data.decode("utf-8"))
    sys.stdout.flush()
    return 0


EXIT_TIMEOUT = 3  # as any other pvkg error the CLI reports (pvkg/cli.py)
_GRACE_S = 1.0  # the store's own time limit (a remote server's, a row-by-row check) speaks first


@contextlib.contextmanager
def _process_deadline(timeout_s: float | None, name: str) -> Iterator[None]:
    """End this process when the query outlives ``timeout_s``.

    pyoxigraph cannot cancel a query, and an aggregate does all its work in one call that no
    row-by-row deadline check interrupts (pvkg/store/_sandbox.py); it releases the GIL meanwhile,
    so a timer thread still runs. The command only reads, so ending the process loses nothing:
    the same limit ``pvkg serve`` enforces by killing its query worker.
    """
    if not timeout_s:
        yield
        return

    def expire() -> None:
        sys.stderr.write(
            f"error: {name}: the query did not finish within its {timeout_s:g} s time limit "
            "(PVKG_QUERY_TIMEOUT)\n"
        )
        sys.stderr.flush()
        os._exit(EXIT_TIMEOUT)

    timer = threading.Timer(timeout_s + _GRACE_S, expire)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()


def _print_rows(result: SelectResult, fmt: str) -> None:
    if fmt == "json":
        sys.stdout.buffer.write(to_json_bytes(result) + b"\n")
    elif fmt == "csv":
        sys.stdout.write(to_csv(result))
    else:
        typer.echo(to_table(result))
