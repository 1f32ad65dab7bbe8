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
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from pvkg.bootstrap import open_ready_store
from pvkg.curated import CuratedQuery, find_query, parse_query_file, single_values
from pvkg.errors import InputError, ParameterError, QuerySyntaxError
from pvkg.results import to_csv, to_json_bytes, to_table
from pvkg.settings import Settings
from pvkg.store import SelectResult, Store, bind_values
from pvkg.store._inspect import inspect_query

_RESULTS_JSON = "application/sparql-results+json"
# CONSTRUCT/DESCRIBE output per --format, written by the store as /sparql writes it
_GRAPH_SYNTAX = {
    "table": "text/turtle",
    "csv": "application/n-triples",
    "json": "application/ld+json",
}


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
    the SPARQL results form); a CONSTRUCT/DESCRIBE graph as Turtle (table, with pvkg's prefixes),
    N-Triples (csv) or JSON-LD (json). Values are written as stored (``…Z``, ``"01"``), as the
    HTTP API writes them, not as rdflib would normalise them.

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
                answer = _answer(store, bind_values(query.sparql, bindings), fmt, timeout_s)
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
        sys.stdout.buffer.write(answer if answer.endswith(b"\n") else answer + b"\n")
    sys.stdout.flush()
    return 0


def _answer(store: Store, sparql: str, fmt: str, timeout_s: float) -> SelectResult | bool | bytes:
    """Rows with each value as stored, an ASK answer, or a graph already written in its syntax.

    Why not ``store.query`` for rows and graphs: it gives rdflib terms, and rdflib rewrites a
    literal's lexical form from its value (``2026-11-23T19:11:06Z`` became ``…+00:00``,
    ``"01"^^xsd:integer`` ``1``), so the command line and ``GET /queries`` disagreed. The store
    writes rows and graphs as ``/sparql`` does; this process's deadline still applies.
    """
    form = inspect_query(sparql).form
    if form == "ask":
        return store.query(sparql, timeout_s=timeout_s) is True
    if form in ("construct", "describe"):
        return store.query_serialized(sparql, _GRAPH_SYNTAX.get(fmt, "text/turtle")).body
    return _stored_rows(store.query_serialized(sparql, _RESULTS_JSON).body)


def _stored_rows(body: bytes) -> SelectResult:
    """SPARQL JSON results as rdflib terms that keep each literal's lexical form."""
    parsed = json.loads(body)
    variables = list(parsed["head"]["vars"])
    rows = [
        tuple(_term(binding[v]) if v in binding else None for v in variables)
        for binding in parsed["results"]["bindings"]
    ]
    return SelectResult(variables, rows)


def _term(value: dict[str, str]) -> Node:
    if value["type"] == "uri":
        return URIRef(value["value"])
    if value["type"] == "bnode":
        return BNode(value["value"])
    if "xml:lang" in value:
        return Literal(value["value"], lang=value["xml:lang"])
    datatype = value.get("datatype")
    return Literal(value["value"], datatype=URIRef(datatype) if datatype else None, normalize=False)


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
