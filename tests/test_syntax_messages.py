"""SPARQL syntax errors name the mistake (analyst audit 2, defect 1).

The queries are the audit's table (/tmp/audit2-analyst/REPORT.md §1) and a few more of the
mistakes analysts make; each must come back naming the problem, with the parser's line and
column kept for the JSON error's ``location`` and without pyoxigraph's character-class dumps.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from pvkg.errors import QuerySyntaxError
from pvkg.settings import Settings
from pvkg.store import LocalStore, Store
from pvkg.store._remote import RemoteStore
from pvkg.store._syntax_messages import readable_syntax_error
from service import create_app
from tests.w3c.conftest import running_oxigraph

# (query, words the message must hold): the audit's table first
MISTAKES = [
    ("SELECT * WHERE { ?s ex:foo ?o }", ["undefined prefix 'ex:'", "PREFIX ex: <", "pv:"]),
    (
        "SELECT * WHERE { ?s a pv:Service ?s dct:title ?t }",
        ["'.' may be missing before '?s dct:title'"],
    ),
    (
        "SELECT ?s (COUNT(?o) AS ?n) WHERE { ?s ?p ?o }",
        ["?s is selected but neither grouped nor aggregated", "GROUP BY"],
    ),
    (
        "SELECT ?x WHERE { ?x a pv:Service } GROUP BY ?y",
        ["?x is selected but neither grouped nor aggregated"],
    ),
    ('SELECT (STRLENGTH("a") AS ?n) WHERE { }', ["unknown function STRLENGTH", "STRLEN?"]),
    ("SELECT * WHERE { ?s a pv:Service } LIMT 10", ["unknown keyword LIMT", "LIMIT?"]),
    ("SELEC * WHERE { ?s ?p ?o }", ["SELEC", "SELECT"]),
    ("SELECT * WHERE { ?s ?p }", ["'?s ?p' has no object"]),
    ("SELECT * WHERE { ?s ?p ?o FITLER(?o) }", ["unknown function FITLER", "FILTER?"]),
    ("SELECT * WHERE { ?s ?p ?o . FILTER(?o > 1 }", ["'(' is never closed", "missing ')'"]),
    ("SELECT * WHERE { ?s ?p ?o } LIMIT ten", ["LIMIT needs a whole number", "'ten'"]),
    ("SELECT (COUNT(?s) ?n) WHERE { ?s ?p ?o }", ["(COUNT(?s) AS ?n)"]),
    ('SELECT * WHERE { ?s ?p "x"@lv ?s ?p ?o }', ["'.' may be missing before '?s ?p'"]),
    ("SELECT * WHERE { ?s ?p ?o } GROUP BY ?s", ["SELECT * cannot be used with GROUP BY"]),
    # habits from SQL and slips in PREFIX lines (session 8)
    ("SELECT COUNT(?s) AS ?n WHERE { ?s ?p ?o }", ["in parentheses", "(COUNT(?s) AS ?n)"]),
    ("SELECT DISTINCT COUNT(*) WHERE { ?s ?p ?o }", ["(COUNT(*) AS ?name)"]),
    ("SELECT ?s, ?p WHERE { ?s ?p ?o }", ["not commas", "SELECT ?s ?p"]),
    ("SELECT s WHERE { ?s ?p ?o }", ["'s' in SELECT is not a variable", "?s"]),
    ("SELECT ?s WHERE { ?s ?p ?o FILTER ?o > 3 . ?s ?q ?r }", ["FILTER (?o > 3)"]),
    ("PREFIX pv <https://pvkg.lv/ontology#>\nASK { ?s a pv:Service }", ["PREFIX pv: <https"]),
    ("PREFIX pv: https://pvkg.lv/ontology#\nASK { ?s a pv:Service }", ["angle brackets"]),
    # the re-check's (audit 6): hints that were wrong or suggested text that still fails
    ("SELECT ?s WHERE { ?s ?p ?o FILTER ?o IN (1, 2) }", ["FILTER (?o IN (1, 2))"]),
    ("SELECT ?s WHERE { ?s ?p ?o FILTER ?o = true }", ["FILTER (?o = true)"]),
    ("SELECT COUNT(?s) AS n WHERE { ?s ?p ?o }", ["(COUNT(?s) AS ?n)"]),
    ("PREFIX pv: 'https://x/'\nASK { }", ["PREFIX pv: <https://x/>"]),
    ("SELECT ?s, ?p FROM <urn:g> WHERE { ?s ?p ?o }", ["not commas", "SELECT ?s ?p"]),
]
_DUMP = ("..=", "\\u{", "[_]", "Prefix not found", "expected OPTIONAL", "ENCODE_FOR_URI")


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    store = LocalStore(None)
    with TestClient(create_app(settings.with_(query_timeout_s=5.0), store)) as test_client:
        yield test_client
    store.close()


@pytest.mark.parametrize(("query", "words"), MISTAKES)
@pytest.mark.parametrize("method", ["get", "post"])
def test_the_endpoint_names_the_mistake(
    client: TestClient, query: str, words: list[str], method: str
) -> None:
    if method == "get":
        response = client.get("/sparql", params={"query": query})
    else:
        response = client.post("/sparql", data={"query": query})
    body = response.json()
    assert (response.status_code, body["error"]) == (400, "QUERY_SYNTAX"), body
    for word in words:
        assert word in body["message"], body["message"]
    assert not any(noise in body["message"] for noise in _DUMP), body["message"]
    location = body["location"]
    assert location["row"] == 1 and location["column"] >= 1
    assert f"error at 1:{location['column']}:" in body["message"]


def test_a_text_that_is_no_query_gets_a_location(client: TestClient) -> None:
    """rdflib's "not a query (… (line:1, col:1))" came with "location": null."""
    query = "PREFIX ex: <http://example.org/>\nSELEC * WHERE { ?s ?p ?o }"
    body = client.get("/sparql", params={"query": query}).json()
    assert body["location"] == {"file": None, "row": 2, "column": 1}
    assert "not a query" in body["message"] and "did you mean SELECT?" in body["message"]
    assert "(at char" not in body["message"]


def test_an_update_names_the_mistake() -> None:
    store = LocalStore(None)
    try:
        with pytest.raises(QuerySyntaxError) as caught:
            store.update("INSERT DATA { <urn:a> <urn:p> ex:o }")
        assert "undefined prefix 'ex:'" in caught.value.message
        with pytest.raises(QuerySyntaxError) as caught:
            store.update("SELECT * WHERE { ?s ?p ?o }")
        assert "starts a query, not an update" in caught.value.message
        assert caught.value.position is not None
    finally:
        store.close()


def test_the_command_line_names_the_mistake(tmp_path: Path) -> None:
    broken = tmp_path / "bad.rq"
    broken.write_text("SELECT * WHERE {\n  ?s a pv:Service\n  ?s dct:title ?t }\n", "utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "pvkg.cli", "query", str(broken), "--store", str(tmp_path / "s")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert f"{broken}: SPARQL syntax error at 3:" in done.stderr
    assert "'.' may be missing before '?s dct:title'" in done.stderr, done.stderr


@pytest.mark.remote
def test_a_remote_stores_message_is_made_readable_in_the_callers_text(tmp_path: Path) -> None:
    """Oxigraph server answers with the same parser text; pvkg's PREFIX lines stay hidden."""
    with running_oxigraph(tmp_path) as url:
        remote: Store = RemoteStore(url, timeout_s=10)
        with pytest.raises(QuerySyntaxError) as caught:
            remote.query("SELECT * WHERE {\n  ?s ex:foo ?o }")
        assert "error at 2:" in caught.value.message
        assert "undefined prefix 'ex:'" in caught.value.message
        with pytest.raises(QuerySyntaxError) as caught:
            remote.query("SELECT * WHERE { ?s a pv:Service ?s dct:title ?t }")
        assert "'.' may be missing before '?s dct:title'" in caught.value.message
        remote.close()


@pytest.mark.parametrize(
    ("query", "raw", "expected"),
    [
        # positions as pyoxigraph 0.5 gives them: keywords are tried by reading their length
        (
            "SELECT * WHERE { ?s ?p ?o OPTINAL { ?s ?p ?o } }",
            "error at 1:35: expected OPTIONAL",
            "error at 1:35: unknown keyword OPTINAL (did you mean OPTIONAL?)",
        ),
        (
            "SELECT * WHERE { ?s ?p ?o } LIMIT 10 OFFSET",
            "error at 1:44: expected one of VALUES, ['0'..='9']",
            "error at 1:44: the query ends too early after 'OFFSET'; expected a number",
        ),
        (
            "SELECT ?n WHERE { ?s ?p ?o } ORDER BY ?n GROUP BY ?n",
            "error at 1:53: expected one of ENCODE_FOR_URI, LANGMATCHES, [_]",
            "error at 1:53: GROUP is out of place",
        ),
        (
            "SELECT * WHERE { VALUES ?x { 1 2 3 4 } ?s ?p ?x ?y }",
            "error at 1:53: expected one of BIND, [_]",
            "error at 1:53: a '.' may be missing before '?y'",
        ),
        (
            "SELECT * WHERE { ?s ?p ?o BIND(1 AS ?o) }",
            "error at 1:42: expected [_]",
            "error at 1:42: BIND (… AS ?o) assigns ?o",
        ),
        ("ASK {}", "a message without a position", "a message without a position"),
    ],
)
def test_readable_messages(query: str, raw: str, expected: str) -> None:
    assert readable_syntax_error(query, raw).startswith(expected)


def test_a_message_without_a_position_loses_its_character_classes() -> None:
    raw = "expected one of Prefix not found, ['A' ..= 'Z' | 'a' ..= 'z'], ['.']"
    assert readable_syntax_error("ASK {}", raw) == "expected one of Prefix not found, ['.']"


def _fuseki(request: httpx.Request) -> httpx.Response:
    """A Jena Fuseki's 400: its position in the text it parsed (pvkg's PREFIX lines first)."""
    line = request.content.decode("utf-8").count("\n") + 1  # the caller's (last) line
    text = f'Parse error: Encountered " <VAR1> "?o "" at line {line}, column 26.'
    return httpx.Response(400, text=text)


def test_another_servers_position_reaches_the_location_in_the_callers_text(
    settings: Settings,
) -> None:
    store = RemoteStore("http://fuseki.invalid/ds", transport=httpx.MockTransport(_fuseki))
    with TestClient(create_app(settings.with_(query_timeout_s=5.0), store)) as client:
        body = client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o ?o }"}).json()
    assert body["error"] == "QUERY_SYNTAX"
    assert body["location"] == {"file": None, "row": 1, "column": 26}
    assert "error at 1:26: Parse error: Encountered" in body["message"]


def test_the_json_error_reads_other_parsers_positions_too() -> None:
    """A syntax error that reaches the error table without ``error at L:C`` (rdflib's
    "(line:3, col:7)") still gets its ``location``."""
    from service.errors import _parser_position

    error = QuerySyntaxError("SPARQL syntax error: not a query (found 'X' (line:3, col:7))")
    assert _parser_position(error) == {"file": None, "row": 3, "column": 7}
