"""SPARQL JSON results written term by term (pvkg/store/_results.py) are byte for byte what
``json.dumps`` of the results document gives, for every kind of term."""

from __future__ import annotations

import json
import random

import pyoxigraph as ox
import pytest

from pvkg.errors import PayloadTooLarge
from pvkg.store._results import _json, _json_term, json_row_count, serialize_solutions

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


# --- a whole answer in JSON is written by pyoxigraph, and its rows are counted in the text ---

ROWS_QUERY = "SELECT ?s ?o ?u WHERE { ?s <urn:p> ?o OPTIONAL { ?s <urn:none> ?u } } ORDER BY ?s ?o"
# the characters that could confuse the row count: JSON's structure, quotes, escapes
STRUCTURE = ["{", "}", "[", "]", ",", ":", '"', "\\", "{}", '},{"', '},{"x":{', "\n", "é", "\x01"]


def _random_store(seed: int, rows: int) -> ox.Store:
    """Literals built from JSON's own punctuation, in every kind of term."""
    rng = random.Random(seed)
    store = ox.Store()
    for i in range(rows):
        value = "".join(rng.choice([*STRUCTURE, "a", " "]) for _ in range(rng.randint(0, 6)))
        literal = [
            ox.Literal(value),
            ox.Literal(value, language="lv"),
            ox.Literal(value, datatype=ox.NamedNode("urn:datatype")),
            ox.Triple(ox.NamedNode("urn:t"), ox.NamedNode("urn:p"), ox.Literal(value)),
        ][i % 4]
        subject = ox.BlankNode(f"b{i}") if i % 5 == 0 else ox.NamedNode(f"urn:s{i}")
        store.add(ox.Quad(subject, ox.NamedNode("urn:p"), literal))
    return store


@pytest.mark.parametrize("seed", range(4))
def test_pyoxigraph_json_equals_the_python_writer_and_its_rows_are_counted(seed: int) -> None:
    store = _random_store(seed, 400)
    variables = ["s", "o", "u"]
    rows = [[sol[v] for v in variables] for sol in store.query(ROWS_QUERY)]
    native = serialize_solutions(variables, store.query(ROWS_QUERY), JSON, None)
    assert native == _json(variables, rows)  # the same bytes whichever path an answer takes
    assert json_row_count(native) == len(rows) == len(json.loads(native)["results"]["bindings"])


@pytest.mark.parametrize(
    "query",
    [
        "SELECT ?x WHERE { VALUES ?x { UNDEF UNDEF UNDEF } }",  # three empty rows
        "SELECT ?x ?y WHERE { VALUES (?x ?y) { (UNDEF UNDEF) ('{}' UNDEF) (UNDEF '},{\"') } }",
        "SELECT * WHERE { }",  # one row of no variables
        "SELECT ?x WHERE { FILTER (false) }",  # none
        "SELECT ?x WHERE { VALUES ?x { 'a},{\"' '},{\"b' '{}' } }",
        "SELECT ?x ?y WHERE { VALUES (?x ?y) { ('a},{' 'b') ('},{' '},{') } }",  # no "{}"
    ],
)
def test_json_rows_are_counted_with_empty_rows_and_lookalike_values(query: str) -> None:
    store = ox.Store()
    expected = sum(1 for _ in store.query(query))
    body = serialize_solutions(
        [v.value for v in store.query(query).variables], store.query(query), JSON, None
    )
    assert json_row_count(body) == expected == len(json.loads(body)["results"]["bindings"])


def test_the_row_cap_holds_on_pyoxigraph_json() -> None:
    store = _random_store(7, 60)
    variables = ["s", "o", "u"]
    body = serialize_solutions(variables, store.query(ROWS_QUERY), JSON, 60)  # exactly the cap
    assert len(json.loads(body)["results"]["bindings"]) == 60
    with pytest.raises(PayloadTooLarge, match="more than 59 rows"):
        serialize_solutions(variables, store.query(ROWS_QUERY), JSON, 59)


def test_pyoxigraph_is_stopped_once_an_answer_passes_the_byte_guard(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from pvkg.store import _results

    store = ox.Store()
    for i in range(3):
        store.add(ox.Quad(ox.NamedNode(f"urn:s{i}"), ox.NamedNode("urn:p"), ox.Literal("x" * 3000)))
    query = "SELECT ?o WHERE { ?s <urn:p> ?o }"
    # a small cap with long values is still a row cap: 3 rows of 3,000 characters pass a cap of 3
    body = serialize_solutions(["o"], store.query(query), JSON, 3)
    assert len(json.loads(body)["results"]["bindings"]) == 3
    monkeypatch.setattr(_results, "GUARD_FLOOR_BYTES", 4096)  # 9 KiB of text passes 8 KiB
    with pytest.raises(PayloadTooLarge, match="larger than 8 KiB"):
        serialize_solutions(["o"], store.query(query), JSON, 2)
