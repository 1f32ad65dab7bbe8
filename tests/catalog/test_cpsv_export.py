"""CPSV-AP 3.2.0 export: 0 Violations with and without cpsv-ap.ttl mixed in; fills and links."""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, SKOS

from pvkg.cpsv_export import ATU_LVA, LANGUAGE_LAV, export_cpsv
from pvkg.namespaces import ADMS, CPSV, CV, ROV, institution_iri, portfolio_iri
from pvkg.store import Store
from tests.catalog.conftest import CPSV_AP_ONTOLOGY, cpsv_shapes, results_text, shacl

DA = institution_iri("digitala-agentura")
SERVICE = URIRef(f"{DA}/service/DA-001")
SERVICE_2 = URIRef(f"{DA}/service/DA-002")


@pytest.fixture
def cpsv(loaded_store: Store) -> Graph:
    return export_cpsv(loaded_store)


@pytest.mark.parametrize("with_ontology", [False, True], ids=["shapes", "shapes+cpsv-ap.ttl"])
def test_export_has_zero_violations(cpsv: Graph, with_ontology: bool) -> None:
    ont = CPSV_AP_ONTOLOGY if with_ontology else None
    violations, _, report = shacl(cpsv, [cpsv_shapes()], ont)
    assert violations == 0, results_text(report)


def test_validation_can_fail(cpsv: Graph) -> None:
    broken = Graph()
    for s, p, o in cpsv:
        if p == DCTERMS.description and s == SERVICE:
            continue
        broken.add((s, p, o))
    violations, _, _ = shacl(broken, [cpsv_shapes()])
    assert violations == 1


def test_descriptions_from_need_else_title(cpsv: Graph) -> None:
    assert (SERVICE, DCTERMS.description, Literal(
        "Vajadzība: Saņemt iestāžu paziņojumus elektroniski", lang="lv")) in cpsv  # fmt: skip
    title = next(cpsv.objects(SERVICE_2, DCTERMS.title))
    assert (SERVICE_2, DCTERMS.description, Literal(str(title), lang="lv")) in cpsv


def test_services_carry_language_spatial_status_and_type(cpsv: Graph) -> None:
    services = set(cpsv.subjects(RDF.type, CPSV.PublicService))
    assert services == {SERVICE, SERVICE_2}
    for service in services:
        assert (service, DCTERMS.language, LANGUAGE_LAV) in cpsv
        assert (service, DCTERMS.spatial, ATU_LVA) in cpsv
        status = next(cpsv.objects(service, ADMS.status))
        assert (status, RDF.type, SKOS.Concept) in cpsv
        assert any(True for _ in cpsv.objects(service, CV.isClassifiedBy))
        participation = next(cpsv.objects(service, CV.hasParticipation))
        assert (participation, RDF.type, CV.Participation) in cpsv
    assert (LANGUAGE_LAV, RDF.type, DCTERMS.LinguisticSystem) in cpsv
    assert (ATU_LVA, RDF.type, DCTERMS.Location) in cpsv


def test_portfolio_dataset(cpsv: Graph) -> None:
    portfolio = portfolio_iri("digitala-agentura")
    assert (portfolio, DCTERMS.publisher, DA) in cpsv
    assert {SERVICE, SERVICE_2} <= set(cpsv.objects(portfolio, DCTERMS.hasPart))
    assert any(True for _ in cpsv.objects(portfolio, DCTERMS.description))


def test_registry_identifiers_flow_into_the_export(cpsv: Graph) -> None:
    assert (DA, RDF.type, CV.PublicOrganisation) in cpsv
    assert (DA, OWL.sameAs, URIRef("http://www.wikidata.org/entity/Q4115189")) in cpsv
    registration = next(cpsv.objects(DA, ROV.registration))
    assert (DA, ADMS.identifier, registration) in cpsv
    assert (registration, RDF.type, ADMS.Identifier) in cpsv
    assert (registration, SKOS.notation, Literal("90000000000")) in cpsv
    assert (
        registration,
        ADMS.schemeAgency,
        Literal("Latvijas Republikas Uzņēmumu reģistrs"),
    ) in cpsv
    assert (DA, DCTERMS.identifier, Literal("digitala-agentura")) in cpsv


def test_no_identifiers_are_invented(memory_store: Store) -> None:
    assert len(export_cpsv(memory_store)) == 0


def test_round_trip_through_the_loader(loaded_store: Store) -> None:
    """``pvkg export cpsv`` output loads back (loaders.read_portfolio) with every stored fact."""
    from loaders import read_portfolio

    exported = export_cpsv(loaded_store, "digitala-agentura")
    data = exported.serialize(format="turtle").encode("utf-8")
    reread = read_portfolio(data, "digitala-agentura.ttl")
    assert reread.institution_id == "digitala-agentura"
    assert reread.service_count == 2
    stored = Graph()
    for triple in loaded_store.triples(f"{portfolio_iri('digitala-agentura')}/v/1"):
        stored.add(triple)
    missing = [t for t in stored if t not in reread.graph]
    assert not missing, missing
    invented = [t for t in reread.graph if t not in exported]
    assert not invented, invented


def test_round_trip_in_json_ld(loaded_store: Store) -> None:
    from loaders import read_portfolio

    exported = export_cpsv(loaded_store, "digitala-agentura")
    data = exported.serialize(format="json-ld").encode("utf-8")
    reread = read_portfolio(data, "digitala-agentura.jsonld")
    assert reread.service_count == 2
    titles = set(reread.graph.objects(SERVICE, DCTERMS.title))
    assert titles and all(t.language == "lv" for t in titles)  # type: ignore[attr-defined]
