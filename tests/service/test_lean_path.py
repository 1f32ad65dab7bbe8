"""The lean ``GET /sparql`` path answers exactly as the FastAPI route does, and the one-write
HTTP protocol of ``pvkg serve`` sends the same bytes as uvicorn's own."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from fastapi.testclient import TestClient

from pvkg.settings import Settings
from pvkg.store import LocalStore, Store
from service import create_app
from service.routes import sparql_fast
from tests.service.served import served_app

SPARQL_JSON = "application/sparql-results+json"
SELECT = "SELECT ?o WHERE { <urn:a> <urn:p> ?o }"


@pytest.fixture
def store() -> Iterator[Store]:
    store = LocalStore(None)
    store.load_data(b'<urn:a> <urn:p> "x" .\n<urn:a> <urn:p> "y" .', "nt")
    yield store
    store.close()


def _calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Records which path answered: 'lean' when the lean middleware ran the query."""
    seen: list[str] = []
    real = sparql_fast.FastSparqlGet._base_iri

    def spy(self: sparql_fast.FastSparqlGet, scope: dict) -> str:
        seen.append("lean")
        return real(self, scope)

    monkeypatch.setattr(sparql_fast.FastSparqlGet, "_base_iri", spy)
    return seen


def test_lean_answers_like_the_route(
    store: Store, service_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = _calls(monkeypatch)
    with TestClient(create_app(service_settings, store)) as client:
        for accept in (SPARQL_JSON, "text/csv", "application/sparql-results+xml"):
            lean = client.get("/sparql", params={"query": SELECT}, headers={"Accept": accept})
            # a second parameter sends the same query through the FastAPI route
            route = client.get(
                "/sparql",
                params=[("query", SELECT), ("default-graph-uri", "urn:x")],
                headers={"Accept": accept},
            )
            assert lean.status_code == 200, lean.text
            assert lean.headers["content-type"] == route.headers["content-type"]
            assert lean.headers["x-content-type-options"] == "nosniff"
            assert "x" in lean.text and "y" in lean.text
    assert seen == ["lean"] * 3


def test_lean_refuses_and_reports_errors_like_the_route(
    store: Store, service_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = _calls(monkeypatch)
    with TestClient(create_app(service_settings, store)) as client:
        service = client.get(
            "/sparql", params={"query": "SELECT * { SERVICE <http://evil.example/> { ?s ?p ?o } }"}
        )
        assert service.status_code == 403 and service.json()["error"]
        escaped = client.get("/sparql", params={"query": "\\u0053ELECT * { ?s ?p ?o }"})
        assert escaped.status_code in (200, 400)
        ask_n3 = client.get("/sparql", params={"query": "ASK {}"}, headers={"Accept": "text/n3"})
        assert ask_n3.status_code == 406
        broken = client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p }"})
        assert broken.status_code == 400
        assert broken.json()["error"] == "QUERY_SYNTAX"
    assert seen == ["lean"]  # only the malformed SELECT reached a worker through the lean path


def test_lean_path_sees_a_write_at_once(
    store: Store, service_settings: Settings, admin: dict[str, str]
) -> None:
    count = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <urn:g> { ?s ?p ?o } }"
    with TestClient(create_app(service_settings, store)) as client:
        for expected in range(1, 4):
            update = f"INSERT DATA {{ GRAPH <urn:g> {{ <urn:s{expected}> <urn:p> 1 }} }}"
            written = client.post("/sparql/update", data={"update": update}, headers=admin)
            assert written.status_code == 204, written.text
            answer = client.get("/sparql", params={"query": count}, headers={"Accept": SPARQL_JSON})
            assert answer.json()["results"]["bindings"][0]["n"]["value"] == str(expected)


def test_served_app_answers_small_big_kept_alive_and_errors(
    store: Store, service_settings: Settings
) -> None:
    big = 300_000  # over the protocol's direct-write size
    store.load_data(f'<urn:big> <urn:p> "{"z" * big}" .'.encode(), "nt")
    with (
        served_app(service_settings, store) as base,
        httpx.Client(base_url=base, timeout=20) as client,
    ):
        for _ in range(3):  # one connection, kept alive
            small = client.get("/sparql", params={"query": SELECT})
            assert small.status_code == 200
            assert small.headers["x-content-type-options"] == "nosniff"
            assert len(small.json()["results"]["bindings"]) == 2
        broken = client.get("/sparql", params={"query": "SELECT * { ?s ?p ?o ?x }"})
        assert broken.status_code == 400 and broken.json()["error"] == "QUERY_SYNTAX"
        assert broken.headers["x-content-type-options"] == "nosniff"
        large = client.get("/sparql", params={"query": "SELECT ?o { <urn:big> <urn:p> ?o }"})
        assert large.json()["results"]["bindings"][0]["o"]["value"] == "z" * big
        assert client.get("/nowhere").status_code == 404
