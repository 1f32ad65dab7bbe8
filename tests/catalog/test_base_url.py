"""The base URL of the catalogue's URLs (audit 1, defects 1, 4 and 8).

PVKG_BASE_URL is checked; without it the served catalogue and the service description use the
URL the client used; the knowledge graph keeps one identity whatever the base URL.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF
from typer.testing import CliRunner

from pvkg.catalog import KNOWLEDGE_GRAPH, build_catalog, public_base_url
from pvkg.cli import app
from pvkg.errors import InputError
from pvkg.settings import Settings
from pvkg.store import Store
from tests.catalog.conftest import http_client

SD = "http://www.w3.org/ns/sparql-service-description#"


@pytest.mark.parametrize(
    "value",
    ["pvkg.varam.gov.lv", "https://x.lv/sub path", "ftp://x.lv", "https://", "https://x.lv/a<b"],
)
def test_bad_base_url_is_refused(value: str) -> None:
    with pytest.raises(InputError, match="PVKG_BASE_URL"):
        Settings.from_env({"PVKG_BASE_URL": value})


def test_base_url_loses_its_trailing_slash_and_spaces() -> None:
    settings = Settings.from_env({"PVKG_BASE_URL": " https://pvkg.lv/x/ "})
    assert settings.base_url == "https://pvkg.lv/x"


def test_bad_base_url_exits_2_naming_the_variable(tmp_path: object) -> None:
    result = CliRunner().invoke(
        app, ["export", "dcat"], env={"PVKG_BASE_URL": "pvkg.varam.gov.lv", "PVKG_STORE": "x"}
    )
    assert result.exit_code == 2
    assert "PVKG_BASE_URL" in result.output


def _catalog(client: TestClient, **headers: str) -> Graph:
    response = client.get("/catalog", headers={"Accept": "text/turtle", **headers})
    assert response.status_code == 200, response.text
    return Graph().parse(data=response.text, format="turtle")


def test_served_catalogue_uses_the_url_the_client_used(client: TestClient) -> None:
    graph = _catalog(client, Host="pvkg.example.lv:8443")
    assert (URIRef("http://pvkg.example.lv:8443/catalog"), RDF.type, DCAT.Catalog) in graph
    urls = [str(o) for p in (DCAT.downloadURL, DCAT.endpointURL) for o in graph.objects(None, p)]
    assert urls and all(url.startswith("http://pvkg.example.lv:8443/") for url in urls)
    assert "127.0.0.1" not in " ".join(str(t) for triple in graph for t in triple)


def test_configured_base_url_wins(settings: Settings, loaded_store: Store) -> None:
    configured = settings.with_(base_url="https://pvkg.varam.gov.lv")
    with http_client(configured, loaded_store) as client:
        graph = _catalog(client, Host="other.example")
        description = client.get("/sparql", headers={"Accept": "text/turtle", "Host": "x.lv"})
    endpoint = next(graph.objects(None, DCAT.endpointURL))
    assert endpoint == URIRef("https://pvkg.varam.gov.lv/sparql")
    assert f"<{SD}endpoint> <https://pvkg.varam.gov.lv/sparql>" in _nt(description.text)


def test_a_request_url_that_cannot_start_an_iri_is_refused() -> None:
    """Starlette already drops most malformed Host headers; what gets through is checked."""
    assert public_base_url(Settings(), "http://x_y.lv:8000/") == "http://x_y.lv:8000"
    with pytest.raises(InputError, match="Host"):
        public_base_url(Settings(), 'http://evil"host/')
    assert public_base_url(Settings(base_url="https://a.lv"), 'http://evil"host/') == "https://a.lv"


def _nt(turtle: str) -> str:
    return Graph().parse(data=turtle, format="turtle").serialize(format="nt")


def test_service_description_endpoint_is_the_catalogue_endpoint(client: TestClient) -> None:
    graph = _catalog(client, Host="pvkg.example.lv")
    endpoint = next(graph.objects(None, DCAT.endpointURL))
    described = Graph().parse(
        data=client.get(
            "/sparql", headers={"Accept": "text/turtle", "Host": "pvkg.example.lv"}
        ).text,
        format="turtle",
    )
    assert set(described.objects(None, URIRef(f"{SD}endpoint"))) == {endpoint}
    # the admin token is set: updates exist, but on /sparql/update, not on this endpoint
    languages = set(described.objects(None, URIRef(f"{SD}supportedLanguage")))
    assert languages == {URIRef(f"{SD}SPARQL11Query")}


def test_knowledge_graph_identity_does_not_follow_the_base_url(
    loaded_store: Store, settings: Settings
) -> None:
    first = build_catalog(loaded_store, settings, base_url="http://127.0.0.1:8000")
    second = build_catalog(loaded_store, settings, base_url="https://pvkg.varam.gov.lv")
    for graph in (first, second):
        assert (KNOWLEDGE_GRAPH, RDF.type, DCAT.Dataset) in graph
        assert set(graph.objects(KNOWLEDGE_GRAPH, DCTERMS.identifier)) == {
            Literal(str(KNOWLEDGE_GRAPH))
        }
    ids = [set(g.objects(None, DCTERMS.identifier)) for g in (first, second)]
    assert ids[0] == ids[1]
    distributions = [set(g.subjects(RDF.type, DCAT.Distribution)) for g in (first, second)]
    assert distributions[0] == distributions[1]
