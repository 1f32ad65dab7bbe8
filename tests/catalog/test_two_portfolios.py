"""Two institutions (an agency with two versions, a ministry): both exports still validate."""

from __future__ import annotations

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, RDF

from pvkg.catalog import build_catalog
from pvkg.cpsv_export import export_cpsv
from pvkg.namespaces import CPSV, institution_iri, portfolio_iri
from pvkg.settings import Settings
from pvkg.store import Store
from tests.catalog.conftest import CPSV_AP_ONTOLOGY, DCAT_AP, cpsv_shapes, results_text, shacl

DCAT_SHAPES = [
    DCAT_AP / "shapes.ttl",
    DCAT_AP / "range.ttl",
    DCAT_AP / "mdr-vocabularies.shape.ttl",
]
NATIONAL = URIRef("http://purl.org/adms/publishertype/NationalAuthority")


def test_catalogue_with_two_portfolios(
    two_portfolio_store: Store, catalog_settings: Settings
) -> None:
    graph = build_catalog(two_portfolio_store, catalog_settings)
    violations, _, report = shacl(graph, DCAT_SHAPES)
    assert violations == 0, results_text(report)
    da = portfolio_iri("digitala-agentura")
    assert (da, URIRef("http://www.w3.org/ns/dcat#version"), Literal("2")) in graph
    issued = next(graph.objects(da, DCTERMS.issued)).toPython()
    modified = next(graph.objects(da, DCTERMS.modified)).toPython()
    assert issued <= modified
    fm = institution_iri("finansu-ministrija")
    assert (portfolio_iri("finansu-ministrija"), DCTERMS.publisher, fm) in graph
    assert (fm, DCTERMS.type, NATIONAL) in graph  # a ministry
    assert Literal(
        "Public-service portfolio of Ministry of Finance (current version 1).", lang="en"
    ) in set(graph.objects(portfolio_iri("finansu-ministrija"), DCTERMS.description))


def test_cpsv_export_with_two_portfolios(two_portfolio_store: Store) -> None:
    graph = export_cpsv(two_portfolio_store)
    for ont in (None, CPSV_AP_ONTOLOGY):
        violations, _, report = shacl(graph, [cpsv_shapes()], ont)
        assert violations == 0, results_text(report)
    services = set(graph.subjects(RDF.type, CPSV.PublicService))
    assert len(services) == 3
    fm_service = URIRef(f"{institution_iri('finansu-ministrija')}/service/FM-1")
    # its own description is kept, nothing is added
    assert set(graph.objects(fm_service, DCTERMS.description)) == {
        Literal("Konsultācija par nodokļu jautājumiem", lang="lv")
    }
    only_fm = export_cpsv(two_portfolio_store, "finansu-ministrija")
    assert set(only_fm.subjects(RDF.type, CPSV.PublicService)) == {fm_service}
