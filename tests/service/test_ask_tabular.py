"""ASK in CSV and TSV (audit defect 12): answered as Oxigraph server answers it, the bare
``true``/``false``, instead of 406, on every way of asking (the lean GET, the FastAPI route,
form and direct POST, SPARQLWrapper), on the embedded store and in front of a real
``oxigraph serve``; JSON and XML stay as they were."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from fastapi.testclient import TestClient
from SPARQLWrapper import CSV, JSON, POST, TSV, SPARQLWrapper

from pvkg.settings import Settings
from pvkg.store import LocalStore, Store
from pvkg.store._remote import RemoteStore
from service import create_app
from tests.service.served import served_app
from tests.w3c.conftest import running_oxigraph

TABULAR = ("text/csv", "text/tab-separated-values")
TRUE, FALSE = "ASK {}", "ASK { FILTER(false) }"  # (whatever the dataset)


@pytest.fixture
def store() -> Iterator[Store]:
    store = LocalStore(None)
    store.load_data(b"<urn:a> <urn:p> <urn:b> .", "nt")
    yield store
    store.close()


def _ways(client: TestClient | httpx.Client, query: str, accept: str) -> list[httpx.Response]:
    """The same ASK by lean GET, by the route (a second parameter), by form and direct POST."""
    headers = {"Accept": accept}
    return [
        client.get("/sparql", params={"query": query}, headers=headers),
        client.get(
            "/sparql", params=[("query", query), ("named-graph-uri", "urn:x")], headers=headers
        ),
        client.post("/sparql", data={"query": query}, headers=headers),
        client.post(
            "/sparql",
            content=query,
            headers={**headers, "Content-Type": "application/sparql-query"},
        ),
    ]


XML_FALSE = (
    b'<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
    b"<head/><boolean>false</boolean></sparql>"
)


def test_ask_in_csv_and_tsv_and_json_and_xml_as_before(
    service_settings: Settings, store: Store
) -> None:
    with TestClient(create_app(service_settings, store)) as client:
        for accept in TABULAR:
            for query, word in ((TRUE, b"true"), (FALSE, b"false")):
                for response in _ways(client, query, accept):
                    assert response.status_code == 200, response.text
                    assert response.headers["content-type"] == f"{accept}; charset=utf-8"
                    assert response.content == word
        for response in _ways(client, FALSE, "application/sparql-results+json"):
            assert response.content == b'{"head": {}, "boolean": false}'
        for response in _ways(client, FALSE, "application/sparql-results+xml"):
            assert response.content == XML_FALSE
        for response in _ways(client, FALSE, "text/turtle"):
            assert response.status_code == 406  # still nothing else


def test_sparqlwrapper_asks_in_csv_and_tsv(service_settings: Settings, store: Store) -> None:
    with served_app(service_settings, store) as base:
        for method in ("GET", POST):
            for fmt in (CSV, TSV):
                wrapper = SPARQLWrapper(f"{base}/sparql")
                wrapper.setMethod(method)
                wrapper.setReturnFormat(fmt)
                wrapper.setQuery(TRUE)
                assert wrapper.query().convert() == b"true"
            wrapper.setReturnFormat(JSON)
            assert wrapper.query().convert() == {"head": {}, "boolean": True}


@pytest.mark.remote
def test_pvkg_answers_as_oxigraph_server_does(service_settings: Settings, tmp_path) -> None:
    """Byte for byte like ``oxigraph serve``, on the embedded store and on a RemoteStore in front
    of that server (which passes the wanted type through)."""
    with running_oxigraph(tmp_path / "oxigraph") as url:
        remote = RemoteStore(url, timeout_s=10)
        local = LocalStore(None)
        try:
            with (
                TestClient(create_app(service_settings, local)) as embedded,
                TestClient(create_app(service_settings, remote)) as fronted,
            ):
                for query in (TRUE, FALSE):
                    for accept in TABULAR:
                        oxigraph = httpx.get(
                            f"{url}/query", params={"query": query}, headers={"Accept": accept}
                        )
                        assert oxigraph.status_code == 200
                        for client in (embedded, fronted):
                            for response in _ways(client, query, accept):
                                assert response.status_code == 200, response.text
                                assert response.content == oxigraph.content
                                assert (
                                    response.headers["content-type"]
                                    == (oxigraph.headers["content-type"])
                                )
        finally:
            remote.close()
            local.close()
