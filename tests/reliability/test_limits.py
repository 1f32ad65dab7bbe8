"""Every configured limit gives a clear 4xx (or 503 for time) naming the limit (issue 9 §1).

Limits: request body size, rows per portfolio, cell length, query length, result size, query
time. Each refusal is the JSON error of INTERFACES.md §6 and stores nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from pvkg.bootstrap import prepare
from pvkg.portfolios import list_versions
from pvkg.store import LocalStore, Store
from service import create_app
from tests.reliability.conftest import ADMIN, bearer, reliability_settings

# A refused answer must not leave pyoxigraph objects for another thread to drop (pyo3 reports
# that as an "unsendable" RuntimeError nobody sees): fail on it.
pytestmark = pytest.mark.filterwarnings("error::pytest.PytestUnraisableExceptionWarning")

INST = "iestade-a"
HEAD = "institution,inst_service_id,service_name_lv\n"
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?c ?q ?d . ?e ?f ?g }"


@pytest.fixture(scope="module")
def limited(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, Store]]:
    settings = reliability_settings(
        Path(tmp_path_factory.mktemp("limits")),
        max_upload_bytes=2000,
        max_rows=3,
        max_cell_chars=50,
        max_result_rows=10,
        query_timeout_s=1.0,
    )
    store = LocalStore(None)
    prepare(store, settings)
    with TestClient(create_app(settings, store), raise_server_exceptions=False) as client:
        yield client, store
    store.close()


def _error(response, status: int, *words: str) -> dict:  # type: ignore[no-untyped-def]
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error", "message", "location"}
    for word in words:
        assert word in body["message"], body
    return body


def _put(client: TestClient, data: bytes):  # type: ignore[no-untyped-def]
    headers = {**bearer(ADMIN), "Content-Type": "text/csv"}
    return client.put(f"/portfolios/{INST}", content=data, headers=headers)


def test_body_size(limited: tuple[TestClient, Store]) -> None:
    client, store = limited
    big = b"x" * 3000
    _error(_put(client, big), 413, "2000")
    _error(client.post("/validate", content=big, headers={"Content-Type": "text/csv"}), 413)
    sparql = {"Content-Type": "application/sparql-query"}
    _error(client.post("/sparql", content=big, headers=sparql), 413, "2000")
    gsp = {**bearer(ADMIN), "Content-Type": "text/turtle"}
    _error(client.put("/store?graph=urn:big", content=big, headers=gsp), 413, "2000")
    assert not store.has_graph("urn:big") and not list_versions(store, INST)


def test_row_count(limited: tuple[TestClient, Store]) -> None:
    client, store = limited
    rows = HEAD + "".join(f"Iestade A,S-{i},Nosaukums\n" for i in range(5))
    body = _error(_put(client, rows.encode()), 413, "PVKG_MAX_ROWS")
    assert body["location"]["file"] and body["location"]["row"] == 5
    assert not list_versions(store, INST)


def test_cell_length(limited: tuple[TestClient, Store]) -> None:
    client, store = limited
    body = _error(_put(client, (HEAD + "Iestade A,S-1," + "y" * 80 + "\n").encode()), 413)
    assert "PVKG_MAX_CELL_CHARS" in body["message"]
    assert body["location"]["row"] == 2 and body["location"]["column"] == "C"
    assert not list_versions(store, INST)


def test_query_length_in_a_post(limited: tuple[TestClient, Store]) -> None:
    client, _ = limited
    text = "SELECT * WHERE { ?s ?p ?o } LIMIT 1 #" + "x" * 3000
    _error(client.post("/sparql", data={"query": text}), 413)


def test_query_length_in_a_get(limited: tuple[TestClient, Store]) -> None:
    client, _ = limited
    text = "ASK { ?s ?p ?o } #" + "x" * 3000
    _error(client.get("/sparql", params={"query": text}), 413)


def test_result_size(limited: tuple[TestClient, Store]) -> None:
    client, _ = limited
    _error(client.post("/sparql", data={"query": "SELECT * { ?s ?p ?o }"}), 413, "max_result_rows")
    ok = client.post("/sparql", data={"query": "SELECT * { ?s ?p ?o } LIMIT 10"})
    assert ok.status_code == 200


def test_query_time(limited: tuple[TestClient, Store]) -> None:
    client, _ = limited
    body = _error(client.post("/sparql", data={"query": SLOW}), 503, "time limit")
    assert body["error"] == "QUERY_TIMEOUT"


def test_query_time_has_retry_after(limited: tuple[TestClient, Store]) -> None:
    client, _ = limited
    response = client.post("/sparql", data={"query": SLOW})
    assert response.status_code == 503 and response.headers.get("retry-after", "").isdigit()
