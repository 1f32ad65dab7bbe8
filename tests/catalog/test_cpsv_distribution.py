"""Only the CPSV-AP export claims CPSV-AP (audit 1, defects 2 and 10).

The raw graphs behind the dataset downloads lack what CPSV-AP requires (a service's
``dct:description``), so no dataset claims it; the export is offered as a distribution of the
knowledge graph at ``GET /catalog/cpsv`` and conforms, even with a status kept as submitted.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF

from pvkg.catalog import CPSV_AP, KNOWLEDGE_GRAPH, build_catalog
from pvkg.cpsv_export import SUBMITTED_STATUS, export_cpsv
from pvkg.namespaces import ADMS, institution_iri, portfolio_iri
from pvkg.portfolios import store_portfolio
from pvkg.settings import Settings
from pvkg.store import Store
from tests.catalog.conftest import cpsv_shapes, fixture_portfolio, results_text, shacl

SERVICE = URIRef(f"{institution_iri('digitala-agentura')}/service/DA-001")


def test_no_dataset_claims_cpsv_ap_only_the_export_distributions_do(
    loaded_store: Store, catalog_settings: Settings
) -> None:
    graph = build_catalog(loaded_store, catalog_settings)
    claiming = set(graph.subjects(DCTERMS.conformsTo, CPSV_AP))
    assert claiming == {
        d for d in graph.objects(KNOWLEDGE_GRAPH, DCAT.distribution) if "/cpsv-" in str(d)
    }
    assert len(claiming) == 4
    assert all((d, RDF.type, DCAT.Distribution) in graph for d in claiming)
    for dist in claiming:
        url = str(graph.value(dist, DCAT.downloadURL))
        assert url.startswith("https://pvkg.example.lv/catalog/cpsv?format=")
    portfolio_dists = set(graph.objects(portfolio_iri("digitala-agentura"), DCAT.distribution))
    assert portfolio_dists and not portfolio_dists & claiming


@pytest.mark.parametrize(
    ("fmt", "media", "syntax"),
    [
        ("turtle", "text/turtle", "turtle"),
        ("jsonld", "application/ld+json", "json-ld"),
        ("rdfxml", "application/rdf+xml", "xml"),
        ("nt", "application/n-triples", "nt"),
    ],
)
def test_cpsv_route_serves_the_export(
    client: TestClient, loaded_store: Store, fmt: str, media: str, syntax: str
) -> None:
    response = client.get("/catalog/cpsv", params={"format": fmt})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media
    assert int(response.headers["content-length"]) == len(response.content)
    head = client.head("/catalog/cpsv", params={"format": fmt})
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-length"] == response.headers["content-length"]
    served = Graph().parse(data=response.content, format=syntax)
    assert served.isomorphic(export_cpsv(loaded_store))


def test_cpsv_route_negotiates_and_refuses_dataset_syntaxes(client: TestClient) -> None:
    answer = client.get("/catalog/cpsv", headers={"Accept": "application/n-triples"})
    assert answer.headers["content-type"] == "application/n-triples"
    assert answer.headers["vary"] == "Accept"
    assert client.get("/catalog/cpsv", params={"format": "nq"}).status_code == 406


def test_catalogue_cpsv_urls_are_served(client: TestClient) -> None:
    catalog = Graph().parse(data=client.get("/catalog").text, format="turtle")
    dists = [d for d in catalog.objects(KNOWLEDGE_GRAPH, DCAT.distribution) if "cpsv" in str(d)]
    assert len(dists) == 4
    for dist in dists:
        url = str(catalog.value(dist, DCAT.downloadURL)).removeprefix("http://testserver")
        answer = client.get(url)
        assert answer.status_code == 200
        media = str(catalog.value(dist, DCAT.mediaType)).rsplit("media-types/", 1)[1]
        assert answer.headers["content-type"].split(";")[0] == media


def test_a_status_kept_as_submitted_does_not_break_the_export(loaded_store: Store) -> None:
    """C07 keeps an unknown status as a literal; the export moves it under pv:submittedStatus."""
    loaded = fixture_portfolio()
    status = ADMS.status
    for old in list(loaded.graph.objects(SERVICE, status)):
        loaded.graph.remove((SERVICE, status, old))
    loaded.graph.add((SERVICE, status, Literal("sniegsana")))
    loaded.sha256 = "1" * 64
    version = store_portfolio(loaded_store, loaded, submitter="test")
    exported = export_cpsv(loaded_store)
    violations, _, report = shacl(exported, [cpsv_shapes()])
    assert violations == 0, results_text(report)
    assert (SERVICE, SUBMITTED_STATUS, Literal("sniegsana")) in exported
    assert not list(exported.objects(SERVICE, status))
    stored = set(loaded_store.triples(str(version.iri)))
    assert (SERVICE, status, Literal("sniegsana")) in stored  # the stored data is as submitted


def test_a_submitted_status_survives_export_and_reload(loaded_store: Store) -> None:
    """The export's pv:submittedStatus is read back as the service's status, so re-loading an
    export reports the same C07 as the original portfolio instead of losing the status."""
    from loaders import read_portfolios
    from pvkg.settings import Settings
    from pvkg.validation import validate_portfolios

    loaded = fixture_portfolio()
    for old in list(loaded.graph.objects(SERVICE, ADMS.status)):
        loaded.graph.remove((SERVICE, ADMS.status, old))
    loaded.graph.add((SERVICE, ADMS.status, Literal("sniegsana")))
    loaded.sha256 = "2" * 64
    store_portfolio(loaded_store, loaded, submitter="test")
    text = export_cpsv(loaded_store).serialize(format="turtle").encode()
    again = read_portfolios(text, "export.ttl")
    statuses = {
        str(o)
        for p in again
        for s, o in p.graph.subject_objects(ADMS.status)
        if str(s).endswith(str(SERVICE).rsplit("/", 1)[1])
    }
    assert statuses == {"sniegsana"}
    report = validate_portfolios(again, settings=Settings())
    assert any(r.rule == "C07" and r.value == "sniegsana" for r in report.results)
