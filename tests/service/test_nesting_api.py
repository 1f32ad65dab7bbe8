"""Deeply nested requests are refused with 400 TOO_DEEP before a parser sees them.

Without the check, pyoxigraph's recursive parsers overflow the native stack and the whole
server process dies (SIGSEGV): these tests would take pytest down with it.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

DEEP_UPDATE = "DELETE { ?s ?p ?o } WHERE " + "{" * 3000 + " ?s ?p ?o " + "}" * 3000
DEEP_QUERY = "SELECT * WHERE " + "{" * 3000 + " ?s ?p ?o " + "}" * 3000
DEEP_JSONLD = (
    b'{"@id":"http://a",' + b'"http://p":{' * 20_000 + b'"@value":"x"' + b"}" * 20_000 + b"}"
)
DEEP_NT = (
    "<http://a> <http://p> "
    + "<<( <http://a> <http://p> " * 20_000
    + "1"
    + " )>>" * 20_000
    + " .\n"
).encode()
GRAPH = {"graph": "http://ex.org/deep"}


def assert_too_deep(response, where: str) -> None:
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["error"] == "TOO_DEEP"
    assert body["message"].startswith(f"{where} is nested more than")


def assert_alive(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": "ASK {}"})
    assert response.status_code == 200 and response.json()["boolean"] is True


def test_deep_update_is_refused_form_and_direct(client: TestClient, admin: dict) -> None:
    form = client.post("/sparql/update", data={"update": DEEP_UPDATE}, headers=admin)
    assert_too_deep(form, "the update")
    direct = {**admin, "Content-Type": "application/sparql-update"}
    assert_too_deep(
        client.post("/sparql/update", content=DEEP_UPDATE, headers=direct), "the update"
    )
    assert_alive(client)


@pytest.mark.parametrize("method", ["get", "post"])
def test_deep_query_is_refused(client: TestClient, method: str) -> None:
    if method == "get":
        response = client.get("/sparql", params={"query": DEEP_QUERY})
    else:
        response = client.post("/sparql", data={"query": DEEP_QUERY})
    assert_too_deep(response, "the query")
    assert_alive(client)


@pytest.mark.parametrize(
    ("body", "media"),
    [
        (DEEP_JSONLD, "application/ld+json"),
        (DEEP_NT, "application/n-triples"),
        (b"<http://a> <http://p> " + b"(" * 5000 + b")" * 5000 + b" .", "text/turtle"),
        (
            b"<r xmlns='http://www.w3.org/1999/02/22-rdf-syntax-ns#'>" + b"<a>" * 5000,
            "application/rdf+xml",
        ),
    ],
    ids=["jsonld", "ntriples", "turtle", "rdfxml"],
)
@pytest.mark.parametrize("method", ["put", "post"])
def test_deep_graph_store_body_is_refused(
    client: TestClient, admin: dict, body: bytes, media: str, method: str
) -> None:
    headers = {**admin, "Content-Type": media}
    response = client.request(method.upper(), "/store", params=GRAPH, content=body, headers=headers)
    assert_too_deep(response, "the request body")
    assert client.get("/store", params=GRAPH).status_code == 404  # nothing written
    assert_alive(client)


def test_deep_multipart_part_is_refused_and_nothing_is_loaded(
    client: TestClient, admin: dict
) -> None:
    files = [
        ("a", ("a.ttl", b"<http://a> <http://p> 1 .", "text/turtle")),
        ("b", ("b.jsonld", DEEP_JSONLD, "application/ld+json")),
    ]
    response = client.post("/store", params=GRAPH, files=files, headers=admin)
    assert_too_deep(response, "part 2 of the body")
    assert client.get("/store", params=GRAPH).status_code == 404
    assert_alive(client)
