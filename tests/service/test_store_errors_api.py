"""Store errors over HTTP, the same on the embedded store and a remote one (audit 5: F3, F4,
F6, F7): no credentials in bodies, syntax-error locations in the client's text, 400
``UPDATE_FAILED`` for SPARQL Update's own failures, 502 ``STORE_BAD_ANSWER`` for a store URL
that is not a SPARQL server."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from fastapi.testclient import TestClient

from pvkg.settings import Settings
from pvkg.store import LocalStore, Store
from pvkg.store._remote import RemoteStore
from service import create_app
from tests.fake_servers import SECRET, free_port, silent_server, web_page_server, with_user
from tests.w3c.conftest import running_oxigraph


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with running_oxigraph(tmp_path_factory.mktemp("oxigraph-api-errors")) as url:
        yield url


@pytest.fixture(params=["embedded", pytest.param("remote", marks=pytest.mark.remote)])
def any_client(request: pytest.FixtureRequest, service_settings: Settings) -> Iterator[TestClient]:
    """A client of the app on an empty store of each kind."""
    if request.param == "embedded":
        store: Store = LocalStore(None)
    else:
        store = RemoteStore(request.getfixturevalue("oxigraph"), timeout_s=10)
        store.update("DROP ALL")
    try:
        with TestClient(create_app(service_settings, store)) as client:
            yield client
    finally:
        store.close()


@contextmanager
def _client_on(url: str, settings: Settings, timeout_s: float = 5) -> Iterator[TestClient]:
    """A client of the app on a RemoteStore at ``url``."""
    store = RemoteStore(url, timeout_s=timeout_s)
    try:
        with TestClient(create_app(settings, store)) as client:
            yield client
    finally:
        store.close()


# -- F3 -------------------------------------------------------------------------------------


def test_a_down_store_is_named_to_anonymous_clients_without_the_password(
    service_settings: Settings,
) -> None:
    url = with_user(f"http://127.0.0.1:{free_port()}")
    with _client_on(url, service_settings) as client:
        for path in ("/sparql?query=ASK%20%7B%7D", "/catalog", "/compliance"):
            response = client.get(path, headers={"Accept": "application/json"})
            assert response.status_code == 503, (path, response.text)
            assert response.json()["error"] == "STORE_UNAVAILABLE"
            assert "http://127.0.0.1:" in response.text
            assert SECRET not in response.text and "alice" not in response.text


def test_a_slow_store_is_named_to_anonymous_clients_without_the_password(
    service_settings: Settings,
) -> None:
    settings = service_settings.with_(query_timeout_s=0.3)
    with silent_server() as url, _client_on(with_user(url), settings, timeout_s=0.3) as client:
        response = client.get("/sparql", params={"query": "ASK {}"})
    assert (response.status_code, response.json()["error"]) == (503, "QUERY_TIMEOUT")
    assert SECRET not in response.text and "alice" not in response.text


# -- F4 -------------------------------------------------------------------------------------


@pytest.mark.parametrize("how", ["query", "update"])
def test_syntax_error_locations_are_in_the_clients_text(
    any_client: TestClient, admin: dict, how: str
) -> None:
    if how == "query":
        response = any_client.get("/sparql", params={"query": "SELECT ?x WHERE { ?x ?y }"})
        expected = {"file": None, "row": 1, "column": 26}
    else:
        text = "INSERT DATA {\n <http://e/s> <http://e/p> }"
        response = any_client.post("/sparql/update", data={"update": text}, headers=admin)
        expected = {"file": None, "row": 2, "column": 28}
    body = response.json()
    assert (response.status_code, body["error"]) == (400, "QUERY_SYNTAX")
    assert {k: body["location"][k] for k in expected} == expected
    assert f"error at {expected['row']}:{expected['column']}:" in body["message"]


# -- F6 -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "update",
    [
        "CREATE GRAPH <http://example.org/made>",
        "DROP GRAPH <http://example.org/none>",
        "CLEAR GRAPH <http://example.org/none>",
        "MOVE <http://example.org/none> TO <http://example.org/x>",
    ],
)
def test_update_failures_are_400_update_failed(
    any_client: TestClient, admin: dict, update: str, caplog: pytest.LogCaptureFixture
) -> None:
    made = any_client.post(
        "/sparql/update", data={"update": "CREATE GRAPH <http://example.org/made>"}, headers=admin
    )
    assert made.status_code == 204
    records = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    before = any_client.get("/sparql", params={"query": records}).json()
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        response = any_client.post("/sparql/update", data={"update": update}, headers=admin)
    body = response.json()
    assert (response.status_code, body["error"]) == (400, "UPDATE_FAILED"), body
    assert "the update changed nothing: the graph <http://example.org/" in body["message"]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]  # not our fault
    # atomic: not even the request's own audit record was written
    assert any_client.get("/sparql", params={"query": records}).json() == before


# -- F7 -------------------------------------------------------------------------------------


def test_a_store_url_that_is_no_sparql_server_is_502(service_settings: Settings) -> None:
    with web_page_server() as web_page, _client_on(with_user(web_page), service_settings) as client:
        for path in ("/sparql?query=ASK%20%7B%7D", "/catalog"):
            response = client.get(path)
            body = response.json()
            assert (response.status_code, body["error"]) == (502, "STORE_BAD_ANSWER"), path
            assert f"{web_page}/query" in body["message"]
            assert "not a SPARQL result" in body["message"]
            assert SECRET not in response.text and "alice" not in response.text
