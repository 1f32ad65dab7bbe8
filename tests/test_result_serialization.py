"""SPARQL JSON results written term by term (pvkg/store/_results.py) are byte for byte what
``json.dumps`` of the results document gives, for every kind of term."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest

from pvkg.store._results import _json, _json_term, serialize_solutions

JSON = "application/sparql-results+json"
TRICKY = [
    ox.NamedNode("https://pvkg.lv/id/institution/finansu-ministrija"),
    ox.NamedNode("urn:x:%22quoted%22"),
    ox.BlankNode("b0"),
    ox.Literal("plain"),
    ox.Literal('quote " backslash \\ slash / tab \t newline \n cr \r'),
    ox.Literal("control \x01\x1f del \x7f"),
    ox.Literal("Viedās administrācijas ministrija ✓ 𝄞", language="lv"),
    ox.Literal("Ministry", language="en-GB"),
    ox.Literal("42", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")),
    ox.Literal("2026-11-23", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#date")),
    ox.Literal("", language="lv"),
    ox.Triple(ox.NamedNode("urn:s"), ox.NamedNode("urn:p"), ox.Literal("o")),
]


def _reference(variables: list[str], rows: list[list[object]]) -> bytes:
    bindings = [
        {v: _json_term(t) for v, t in zip(variables, row, strict=True) if t is not None}
        for row in rows
    ]
    doc = {"head": {"vars": variables}, "results": {"bindings": bindings}}
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


@pytest.mark.parametrize("variables", [["a", "b"], ["ünï", "x_1"]])
def test_json_results_equal_json_dumps(variables: list[str]) -> None:
    rows: list[list[object]] = []
    for i, term in enumerate(TRICKY):
        # every term more than once (each distinct term is encoded once) and unbound cells
        rows += [[term, TRICKY[-1 - i]], [term, None], [None, term]]
    body = _json(variables, rows)
    assert body == _reference(variables, rows)
    assert len(json.loads(body)["results"]["bindings"]) == len(rows)
    assert _json(variables, []) == _reference(variables, [])


def test_a_real_answer_equals_json_dumps() -> None:
    store = ox.Store()
    for i, term in enumerate(t for t in TRICKY if isinstance(t, ox.Literal)):
        store.add(ox.Quad(ox.NamedNode(f"urn:s{i % 3}"), ox.NamedNode("urn:p"), term))
    query = "SELECT ?s ?o WHERE { ?s <urn:p> ?o } ORDER BY ?s ?o"
    rows = [[sol["s"], sol["o"]] for sol in store.query(query)]
    body = serialize_solutions(["s", "o"], store.query(query), JSON, None)
    assert body == _reference(["s", "o"], rows)
