"""What the catalogue says (audit 1, defects 5, 6, 7 and 14)."""

from __future__ import annotations

import time

from fastapi.testclient import TestClient
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF

from loaders import read_portfolio
from pvkg.catalog import KNOWLEDGE_GRAPH, PUBLIC, SPARQL_SERVICE, build_catalog
from pvkg.catalog_agents import LOCAL_AUTHORITY, NATIONAL_AUTHORITY
from pvkg.institution_registry import load_registry
from pvkg.namespaces import institution_iri, portfolio_iri
from pvkg.portfolios import store_portfolio
from pvkg.settings import Settings
from pvkg.store import Store
from tests.catalog.conftest import ADMIN, DCAT_AP, results_text, shacl

VARAM = institution_iri("viedas-administracijas-un-regionalas-attistibas-ministrija")
TUKUMS = "tukuma-novada-pasvaldiba"
REGISTRY = (
    "name,name_en,kind\n"
    "Digitālā aģentūra,Digital Agency,state-agency\n"
    "Tukuma novada pašvaldība,,municipality\n"
).encode()
DCAT_SHAPES = [
    DCAT_AP / "shapes.ttl",
    DCAT_AP / "shapes_recommended.ttl",
    DCAT_AP / "range.ttl",
    DCAT_AP / "mdr-vocabularies.shape.ttl",
]


def test_access_rights_on_datasets_and_service_not_distributions(
    loaded_store: Store, catalog_settings: Settings
) -> None:
    graph = build_catalog(loaded_store, catalog_settings)
    datasets = set(graph.subjects(RDF.type, DCAT.Dataset))
    assert KNOWLEDGE_GRAPH in datasets and len(datasets) == 2
    for node in [*datasets, SPARQL_SERVICE]:
        assert (node, DCTERMS.accessRights, PUBLIC) in graph, node
    for dist in graph.subjects(RDF.type, DCAT.Distribution):
        assert not list(graph.objects(dist, DCTERMS.accessRights)), dist
        assert list(graph.objects(dist, DCTERMS.license)), dist


def _municipality_store(store: Store) -> None:
    load_registry(store, REGISTRY, "institutions.csv")
    loaded = read_portfolio(
        "inst_service_id,institution\nT-1,Tukuma novada pašvaldība\n".encode(), "t.csv"
    )
    store_portfolio(store, loaded, submitter="test")


def test_portfolio_datasets_are_bilingual_without_an_english_name(
    loaded_store: Store, catalog_settings: Settings
) -> None:
    _municipality_store(loaded_store)
    graph = build_catalog(loaded_store, catalog_settings)
    portfolio = portfolio_iri(TUKUMS)
    titles = {t.language: str(t) for t in graph.objects(portfolio, DCTERMS.title)}
    assert titles["en"] == "Service portfolio of Tukuma novada pašvaldība"
    assert titles["lv"]
    descriptions = {d.language: str(d) for d in graph.objects(portfolio, DCTERMS.description)}
    # the English description the store holds (the loader writes one) is used as it is
    stored = set(loaded_store.triples(None))
    assert (portfolio, DCTERMS.description, Literal(descriptions["en"], lang="en")) in stored
    assert descriptions["lv"]
    # with an English name (the registry's), that name is used
    da_titles = {
        t.language: str(t) for t in graph.objects(portfolio_iri("digitala-agentura"), DCTERMS.title)
    }
    assert da_titles["en"] == "Service portfolio of Digital Agency"


def test_publisher_types_and_english_names(loaded_store: Store, catalog_settings: Settings) -> None:
    _municipality_store(loaded_store)
    graph = build_catalog(loaded_store, catalog_settings)
    assert (institution_iri(TUKUMS), DCTERMS.type, LOCAL_AUTHORITY) in graph
    assert (institution_iri("digitala-agentura"), DCTERMS.type, NATIONAL_AUTHORITY) in graph
    assert (VARAM, DCTERMS.type, NATIONAL_AUTHORITY) in graph
    english = Literal("Ministry of Smart Administration and Regional Development", lang="en")
    assert (VARAM, FOAF.name, english) in graph
    assert (
        institution_iri("digitala-agentura"),
        FOAF.name,
        Literal("Digital Agency", lang="en"),
    ) in graph
    violations, _, report = shacl(graph, DCAT_SHAPES)
    assert violations == 0, results_text(report)


def _kg_dates(client: TestClient) -> tuple[object, object]:
    graph = Graph().parse(data=client.get("/catalog").text, format="turtle")
    modified = graph.value(KNOWLEDGE_GRAPH, DCTERMS.modified)
    issued = graph.value(KNOWLEDGE_GRAPH, DCTERMS.issued)
    assert isinstance(modified, Literal) and isinstance(issued, Literal)
    catalog = next(graph.subjects(RDF.type, DCAT.Catalog))
    assert graph.value(catalog, DCTERMS.modified) == modified
    return modified.toPython(), issued.toPython()


def test_knowledge_graph_modified_follows_every_write(client: TestClient) -> None:
    admin = {"Authorization": f"Bearer {ADMIN}"}
    modified, issued = _kg_dates(client)
    assert issued <= modified
    update = "INSERT DATA { <urn:x:a> <http://www.w3.org/2000/01/rdf-schema#label> 'probe' }"
    assert client.post("/sparql/update", data={"update": update}, headers=admin).status_code == 204
    after_update, issued_after = _kg_dates(client)
    assert after_update > modified and issued_after == issued
    put = client.put(
        "/store",
        params={"default": ""},
        content=client.get("/store", params={"default": "", "format": "nt"}).content
        + b'<urn:x:b> <http://www.w3.org/2000/01/rdf-schema#label> "gsp" .\n',
        headers={**admin, "Content-Type": "application/n-triples"},
    )
    assert put.status_code in (200, 204), put.text
    after_put, _ = _kg_dates(client)
    assert after_put > after_update


def test_portfolio_submission_moves_modified(client: TestClient, loaded_store: Store) -> None:
    modified, _ = _kg_dates(client)
    time.sleep(1.1)  # a version's prov:generatedAtTime has whole seconds
    _municipality_store(loaded_store)
    assert _kg_dates(client)[0] > modified
    assert URIRef(portfolio_iri(TUKUMS)) in set(
        Graph()
        .parse(data=client.get("/catalog").text, format="turtle")
        .subjects(RDF.type, DCAT.Dataset)
    )
