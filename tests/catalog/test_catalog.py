"""DCAT-AP 3.0.1 catalogue: 0 Violations (shapes.ttl + range.ttl + mdr-vocabularies.shape.ttl)."""

from __future__ import annotations

import hashlib
import re

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, RDF, SKOS

from pvkg.catalog import (
    DUMP_FORMATS,
    KNOWLEDGE_GRAPH,
    SPARQL_SERVICE,
    build_catalog,
    portfolio_bytes,
)
from pvkg.namespaces import ADMS, ROV, institution_iri, portfolio_iri
from pvkg.settings import Settings
from pvkg.store import Store
from tests.catalog.conftest import BASE_URL, DCAT_AP, results_text, shacl

DCAT_SHAPES = [
    DCAT_AP / "shapes.ttl",
    DCAT_AP / "range.ttl",
    DCAT_AP / "mdr-vocabularies.shape.ttl",
]
VARAM = institution_iri("viedas-administracijas-un-regionalas-attistibas-ministrija")
DA = institution_iri("digitala-agentura")


@pytest.mark.parametrize(
    "name", ["shapes.ttl", "shapes_recommended.ttl", "range.ttl", "mdr-vocabularies.shape.ttl"]
)
def test_vendored_dcat_ap_shapes_are_verbatim(name: str) -> None:
    readme = (DCAT_AP / "README.md").read_text(encoding="utf-8")
    row = next(line for line in readme.splitlines() if line.startswith(f"| `{name}`"))
    recorded = re.findall(r"`([0-9a-f]{16})…`", row)[0]
    assert hashlib.sha256((DCAT_AP / name).read_bytes()).hexdigest().startswith(recorded)


@pytest.fixture
def catalog(loaded_store: Store, catalog_settings: Settings) -> Graph:
    return build_catalog(loaded_store, catalog_settings)


def test_catalogue_has_zero_violations(catalog: Graph) -> None:
    violations, warnings, report = shacl(catalog, DCAT_SHAPES)
    assert violations == 0, results_text(report)
    with_recommended = [*DCAT_SHAPES, DCAT_AP / "shapes_recommended.ttl"]
    violations_all, warnings_all, report_all = shacl(catalog, with_recommended)
    assert violations_all == 0, results_text(report_all)
    print(
        f"DCAT-AP 3.0.1: 0 violations; warnings {warnings} (mandatory+range+mdr), "
        f"{warnings_all} with shapes_recommended.ttl"
    )
    print(results_text(report_all))


def test_validation_can_fail_without_the_authority_tables(catalog: Graph) -> None:
    stripped = Graph()
    for s, p, o in catalog:
        if p == SKOS.inScheme:
            continue
        stripped.add((s, p, o))
    violations, _, _ = shacl(stripped, DCAT_SHAPES)
    assert violations > 0


def test_catalogue_structure(catalog: Graph) -> None:
    cat = URIRef(f"{BASE_URL}/catalog")
    assert (cat, RDF.type, DCAT.Catalog) in catalog
    assert (cat, DCTERMS.publisher, VARAM) in catalog
    assert (
        VARAM,
        DCTERMS.type,
        URIRef("http://purl.org/adms/publishertype/NationalAuthority"),
    ) in catalog
    assert any(True for _ in catalog.objects(VARAM, FOAF.name))
    service = SPARQL_SERVICE
    assert (service, DCAT.endpointURL, URIRef(f"{BASE_URL}/sparql")) in catalog
    assert (service, DCAT.endpointDescription, URIRef(f"{BASE_URL}/sparql")) in catalog
    assert (
        service,
        DCTERMS.conformsTo,
        URIRef("https://www.w3.org/TR/sparql11-protocol/"),
    ) in catalog
    kg = KNOWLEDGE_GRAPH
    assert (service, DCAT.servesDataset, kg) in catalog
    assert (cat, DCAT.dataset, portfolio_iri("digitala-agentura")) in catalog
    for dataset in catalog.subjects(RDF.type, DCAT.Dataset):
        assert not any(True for _ in catalog.objects(dataset, DCTERMS.license))


def test_portfolio_dataset_dates_and_distributions(catalog: Graph, loaded_store: Store) -> None:
    portfolio = portfolio_iri("digitala-agentura")
    modified = next(catalog.objects(portfolio, DCTERMS.modified))
    assert isinstance(modified, Literal) and str(modified.datatype).endswith("dateTime")
    dists = list(catalog.objects(portfolio, DCAT.distribution))
    assert all(str(d).startswith(f"{portfolio}/distribution/") for d in dists)
    assert len(dists) == len(DUMP_FORMATS)
    version = f"{portfolio}/v/1"
    for dist in dists:
        url = str(next(catalog.objects(dist, DCAT.downloadURL)))
        assert url.startswith(f"{BASE_URL}/portfolios/digitala-agentura?format=")
        fmt = url.rsplit("=", 1)[1]
        size = int(next(catalog.objects(dist, DCAT.byteSize)))
        assert size == len(portfolio_bytes(loaded_store, version, fmt)) > 0
        media = str(next(catalog.objects(dist, DCAT.mediaType)))
        assert media.startswith("http://www.iana.org/assignments/media-types/")


def test_knowledge_graph_downloads_state_no_byte_size(catalog: Graph) -> None:
    for fmt in DUMP_FORMATS:
        dist = URIRef(f"{KNOWLEDGE_GRAPH}/distribution/{fmt.name}")
        assert (dist, RDF.type, DCAT.Distribution) in catalog
        assert next(catalog.objects(dist, DCAT.byteSize), None) is None


def test_registry_identifiers_flow_into_the_catalogue(catalog: Graph) -> None:
    assert (DA, OWL.sameAs, URIRef("http://www.wikidata.org/entity/Q4115189")) in catalog
    registration = next(catalog.objects(DA, ROV.registration))
    assert (DA, ADMS.identifier, registration) in catalog
    assert (registration, SKOS.notation, Literal("90000000000")) in catalog
    assert any(True for _ in catalog.objects(registration, ADMS.schemeAgency))
    assert (
        DA,
        DCTERMS.type,
        URIRef("http://purl.org/adms/publishertype/NationalAuthority"),
    ) in catalog


def test_publisher_can_be_chosen(loaded_store: Store, catalog_settings: Settings) -> None:
    graph = build_catalog(loaded_store, catalog_settings, publisher_id="digitala-agentura")
    assert (URIRef(f"{BASE_URL}/catalog"), DCTERMS.publisher, DA) in graph


def test_empty_store_catalogue_still_validates(
    memory_store: Store, catalog_settings: Settings
) -> None:
    graph = build_catalog(memory_store, catalog_settings)
    violations, _, report = shacl(graph, DCAT_SHAPES)
    assert violations == 0, results_text(report)


def test_a_survey_load_moves_the_knowledge_graphs_modified(loaded_store: Store) -> None:
    """Every graph published into the view records when (view.commit_staged), so the
    catalogue's dct:modified moves for survey, registry and reference loads too (audit 1, 7)."""
    from pvkg.catalog import _registry_times
    from pvkg.namespaces import REGISTRY_GRAPH
    from pvkg.survey import SURVEY_ANSWERS_GRAPH, load_survey

    survey = "ministry,question,answer,date\nFinanšu ministrija,SQ01,JĀ,2025-12-10\n"
    load_survey(loaded_store, survey.encode(), "survey.csv")
    stamps = [
        o
        for s, p, o in loaded_store.triples(str(REGISTRY_GRAPH))
        if str(s) == str(SURVEY_ANSWERS_GRAPH) and str(p).endswith("#generatedAtTime")
    ]
    assert len(stamps) == 1
    _, last = _registry_times(loaded_store)
    assert last is not None and last.toPython() >= stamps[0].toPython()
    load_survey(loaded_store, survey.encode(), "survey.csv")  # one stamp per graph, replaced
    assert (
        sum(
            1
            for s, p, _ in loaded_store.triples(str(REGISTRY_GRAPH))
            if str(s) == str(SURVEY_ANSWERS_GRAPH) and str(p).endswith("#generatedAtTime")
        )
        == 1
    )
