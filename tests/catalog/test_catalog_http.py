"""``GET /catalog`` over HTTP: browsers, Vary, and the catalogue kept until the store changes
(audit 1, defects 9, 12 and 13)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT

import pvkg.catalog_cache as catalog_cache
from pvkg.catalog import KNOWLEDGE_GRAPH
from pvkg.catalog_cache import Kept
from pvkg.store import LocalStore, Store
from tests.catalog.conftest import ADMIN

FIREFOX = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
CHROME = (
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,"
    "image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7"
)


@pytest.mark.parametrize("accept", [FIREFOX, CHROME, "text/html"])
def test_browsers_get_a_page(client: TestClient, accept: str) -> None:
    response = client.get("/catalog", headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.headers["vary"] == "Accept"
    assert "Content-Security-Policy" in response.headers
    page = response.text
    assert "<script" not in page
    assert 'href="http://testserver/store?default&amp;format=turtle"' in page
    assert 'href="http://testserver/portfolios/digitala-agentura?format=nt"' in page
    assert 'href="http://testserver/catalog/cpsv?format=jsonld"' in page
    assert 'href="http://testserver/catalog?format=turtle"' in page


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, "text/turtle"),
        ("*/*", "text/turtle"),
        ("text/*", "text/turtle"),
        ("application/xml", "application/xml"),
        ("text/html;q=0.5, application/rdf+xml", "application/rdf+xml"),
        ("text/html, application/ld+json", "application/ld+json"),
        ("application/n-triples", "application/n-triples"),
    ],
)
def test_rdf_clients_keep_their_answer(
    client: TestClient, accept: str | None, expected: str
) -> None:
    headers = {"Accept": accept} if accept else {}
    response = client.get("/catalog", headers=headers)
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == expected
    assert response.headers["vary"] == "Accept"


def test_service_description_varies_with_accept(client: TestClient) -> None:
    for accept in ("text/turtle", "text/html"):
        response = client.get("/sparql", headers={"Accept": accept}, follow_redirects=False)
        assert response.headers["vary"] == "Accept"


def _sizes(client: TestClient) -> dict[URIRef, int]:
    """The stated size of every distribution that states one."""
    graph = Graph().parse(data=client.get("/catalog").content, format="turtle")
    return {
        dist: int(size)  # type: ignore[call-overload]
        for dist, size in graph.subject_objects(DCAT.byteSize)
    }


def _served_size(client: TestClient, dist: URIRef) -> int:
    graph = Graph().parse(data=client.get("/catalog").content, format="turtle")
    url = str(graph.value(dist, DCAT.downloadURL))
    return len(client.get(url.removeprefix("http://testserver")).content)


def test_catalogue_is_built_once_until_the_store_changes(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []
    real = catalog_cache.read_core
    monkeypatch.setattr(
        catalog_cache, "read_core", lambda *a, **k: calls.append(1) or real(*a, **k)
    )
    first = _sizes(client)
    assert first  # the portfolio downloads state their sizes
    assert client.head("/catalog").status_code == 200
    client.get("/catalog", headers={"Accept": "application/ld+json"})
    client.get("/catalog", headers={"Accept": FIREFOX})
    assert len(calls) == 1
    update = "INSERT DATA { <urn:x:a> <http://www.w3.org/2000/01/rdf-schema#label> 'probe' }"
    answer = client.post(
        "/sparql/update", data={"update": update}, headers={"Authorization": f"Bearer {ADMIN}"}
    )
    assert answer.status_code == 204
    after = _sizes(client)
    assert len(calls) == 2
    assert after == first  # the versions did not change, so neither did their sizes
    for dist, size in after.items():
        assert _served_size(client, dist) == size, dist


@pytest.mark.parametrize("how", ["graph store", "update"])
def test_an_admin_write_into_a_version_graph_restates_its_sizes(
    client: TestClient, how: str
) -> None:
    """Version sizes are kept for the life of the process: an admin's write into a version
    graph must drop them, or the catalogue goes on stating the old sizes."""
    first = _sizes(client)
    registry = "SELECT ?v WHERE { GRAPH <https://pvkg.lv/graph/registry> { ?p "
    registry += "<https://pvkg.lv/ontology#currentVersion> ?v } } ORDER BY ?v LIMIT 1"
    answer = client.get("/sparql", params={"query": registry}, headers={"Accept": "text/csv"})
    version = answer.text.splitlines()[1]
    admin = {"Authorization": f"Bearer {ADMIN}"}
    triple = '<urn:x:service> <http://www.w3.org/2000/01/rdf-schema#comment> "added by hand"'
    if how == "graph store":
        written = client.post(
            "/store",
            params={"graph": version},
            content=f"{triple} .".encode(),
            headers={**admin, "Content-Type": "application/n-triples"},
        )
    else:
        update = f"INSERT DATA {{ GRAPH <{version}> {{ {triple} }} }}"
        written = client.post("/sparql/update", data={"update": update}, headers=admin)
    assert written.status_code == 204, written.text
    after = _sizes(client)
    assert after != first
    for dist, size in after.items():
        assert _served_size(client, dist) == size, dist


def test_whole_graph_downloads_state_no_size(client: TestClient) -> None:
    """The view changes with every write and costs seconds to serialise at 50k services."""
    graph = Graph().parse(data=client.get("/catalog").content, format="turtle")
    dumps = [
        d
        for d in graph.objects(KNOWLEDGE_GRAPH, DCAT.distribution)
        if "/store?" in str(graph.value(d, DCAT.downloadURL))
    ]
    assert len(dumps) == 4
    assert all(graph.value(d, DCAT.byteSize) is None for d in dumps)


def test_version_sizes_are_serialised_once_per_store(
    loaded_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pvkg import catalog
    from pvkg.settings import Settings

    settings = Settings(base_url="https://pvkg.example.lv")
    first = catalog.build_catalog(loaded_store, settings)
    served: list[str | None] = []
    real = type(loaded_store).serialize_graph
    monkeypatch.setattr(
        type(loaded_store),
        "serialize_graph",
        lambda self, graph, fmt: served.append(graph) or real(self, graph, fmt),
    )
    second = catalog.build_catalog(loaded_store, settings)
    assert served == []
    assert set(first.subject_objects(DCAT.byteSize)) == set(second.subject_objects(DCAT.byteSize))


def test_write_generation_counts_writes_not_reads() -> None:
    store = LocalStore(None)
    start = store.write_generation()
    store.query("ASK { ?s ?p ?o }")
    store.serialize_graph(None, "nt")
    assert store.write_generation() == start
    store.load_data(b"<urn:a> <urn:b> <urn:c> .", "nt", graph="urn:g")
    store.update("INSERT DATA { <urn:a> <urn:b> <urn:d> }")
    store.drop_graph("urn:g")
    assert store.write_generation() == start + 3
    store.close()


class _Remote(LocalStore):
    """A store that, like a remote one, cannot know of every write."""

    def write_generation(self) -> None:  # type: ignore[override]
        return None


def test_a_remote_store_keeps_values_a_short_while() -> None:
    now = [100.0]
    builds: list[int] = []
    store: Store = _Remote(None)
    kept: Kept[int] = Kept(
        store, lambda: builds.append(1) or len(builds), ttl_s=30, clock=lambda: now[0]
    )
    assert kept.get()[0] == 1
    now[0] += 29
    assert kept.get()[0] == 1
    now[0] += 2
    assert kept.get()[0] == 2
    store.close()
