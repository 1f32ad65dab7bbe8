"""Protocol details from the external audit: HEAD, contradictory or non-UTF-8 parameters,
empty graphs, ?format= errors and the position of SPARQL syntax errors."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from pvkg.serve_command import load_demo
from pvkg.settings import Settings
from pvkg.store import Store
from pvkg.store._remote import RemoteStore
from service import create_app
from tests.w3c.conftest import running_oxigraph

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
INSTITUTION = "izdomata-kulturas-parvalde"


@pytest.fixture
def demo_client(service_settings: Settings, service_store: Store) -> Iterator[TestClient]:
    load_demo(service_store, service_settings)
    with TestClient(create_app(service_settings, service_store)) as client:
        yield client


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/sparql?query=ASK%20%7B%7D",
        "/sparql?query=SELECT%20*%20%7B%20%3Fs%20%3Fp%20%3Fo%20%7D%20LIMIT%202",
        "/sparql",
        "/queries",
        "/queries/services_without_manager",
        "/compliance",
        "/catalog",
        "/catalog?format=nt",
        f"/portfolios/{INSTITUTION}",
        f"/portfolios/{INSTITUTION}?format=jsonld",
        f"/portfolios/{INSTITUTION}/versions",
        "/store?default&format=turtle",
        "/portfolios/nobody-here",
    ],
)
def test_head_answers_like_get_without_a_body(demo_client: TestClient, url: str) -> None:
    got = demo_client.get(url)
    head = demo_client.head(url)
    assert head.status_code == got.status_code
    assert head.content == b""
    for name in ("content-type", "content-length"):
        assert head.headers.get(name) == got.headers.get(name), name


def test_query_and_update_together_are_refused(client: TestClient, admin: dict) -> None:
    both = {"query": "ASK {}", "update": "INSERT DATA { <http://a> <http://b> <http://c> }"}
    response = client.post("/sparql", data=both)
    assert (response.status_code, response.json()["error"]) == (400, "BAD_INPUT")
    response = client.post("/sparql/update", data=both, headers=admin)
    assert (response.status_code, response.json()["error"]) == (400, "BAD_INPUT")
    ask = client.get("/sparql", params={"query": "ASK { <http://a> <http://b> <http://c> }"})
    assert ask.json()["boolean"] is False  # the update did not run


def test_percent_encoded_bytes_must_be_utf8(client: TestClient, admin: dict) -> None:
    bad = 'SELECT ?x {BIND("a%FFb" AS ?x)}'
    for response in (
        client.get(f"/sparql?query={bad}"),
        client.post("/sparql", content=f"query={bad}", headers=FORM),
        client.post("/sparql/update", content="update=CLEAR%FF%20ALL", headers={**admin, **FORM}),
    ):
        assert response.status_code == 400, response.text
        assert "not UTF-8" in response.json()["message"]
    good = client.get('/sparql?query=SELECT ?x {BIND("a%C4%81b" AS ?x)}')
    assert good.json()["results"]["bindings"][0]["x"]["value"] == "aāb"


def _empty_graph_round_trip(client: TestClient, admin: dict) -> None:
    graph = {"graph": "http://ex.org/e"}
    turtle = {**admin, "Content-Type": "text/turtle"}
    put = client.put("/store", params=graph, content=b"", headers=turtle)
    assert put.status_code == 201
    got = client.get("/store", params=graph, headers={"Accept": "application/n-triples"})
    assert (got.status_code, got.content) == (200, b"")
    assert got.headers["content-type"].startswith("application/n-triples")
    assert client.head("/store", params=graph).status_code == 200
    again = client.put("/store", params=graph, content=b"", headers=turtle)
    assert again.status_code == 204  # it exists now: replaced, not created
    assert client.delete("/store", params=graph, headers=admin).status_code == 204
    assert client.get("/store", params=graph).status_code == 404


def test_an_empty_put_graph_exists(client: TestClient, admin: dict) -> None:
    _empty_graph_round_trip(client, admin)


@pytest.mark.remote
def test_an_empty_put_graph_exists_on_a_remote_store(
    service_settings: Settings, admin: dict, tmp_path
) -> None:
    with running_oxigraph(tmp_path / "oxigraph") as url:
        store = RemoteStore(url, timeout_s=10)
        try:
            with TestClient(create_app(service_settings, store)) as client:
                _empty_graph_round_trip(client, admin)
        finally:
            store.close()


def test_unknown_format_parameter_is_406(demo_client: TestClient) -> None:
    for url in (f"/portfolios/{INSTITUTION}?format=bogus", "/catalog?format=bogus"):
        response = demo_client.get(url)
        assert response.status_code == 406
        assert response.json()["error"] == "NOT_ACCEPTABLE"


@pytest.mark.parametrize("how", ["get", "form", "update", "update-direct"])
def test_syntax_errors_carry_their_position(client: TestClient, admin: dict, how: str) -> None:
    text = "SELECT * WHERE {\n  ?s ?p ?o . FILTER(?o = ) }"
    if how == "get":
        response = client.get("/sparql", params={"query": text})
    elif how == "form":
        response = client.post("/sparql", data={"query": text})
    else:
        text = "INSERT DATA {\n  <http://a> <http://b> }"
        if how == "update":
            response = client.post("/sparql/update", data={"update": text}, headers=admin)
        else:
            headers = {**admin, "Content-Type": "application/sparql-update"}
            response = client.post("/sparql/update", content=text, headers=headers)
    body = response.json()
    assert (response.status_code, body["error"]) == (400, "QUERY_SYNTAX")
    location = body["location"]
    assert location["file"] is None and location["row"] == 2
    assert f"error at 2:{location['column']}" in body["message"]
