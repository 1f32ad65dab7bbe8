"""Publisher, licence and contact point of the catalogue (audit 1, defect 3)."""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, SH

from pvkg.catalog import SPARQL_SERVICE, build_catalog, check_catalog_settings
from pvkg.errors import InputError
from pvkg.namespaces import VCARD, institution_iri
from pvkg.settings import Settings
from pvkg.store import Store
from tests.catalog.conftest import BASE_URL, DCAT_AP, shacl

DA = institution_iri("digitala-agentura")
CC_BY = "http://publications.europa.eu/resource/authority/licence/CC_BY_4_0"


def test_settings_read_the_catalogue_variables() -> None:
    settings = Settings.from_env(
        {
            "PVKG_CATALOG_PUBLISHER": "https://pvkg.lv/id/institution/digitala-agentura",
            "PVKG_CATALOG_LICENCE": CC_BY,
            "PVKG_CATALOG_CONTACT_EMAIL": "mailto:dati@example.lv",
            "PVKG_CATALOG_CONTACT_URL": "https://example.lv/kontakti",
        }
    )
    assert settings.catalog_publisher == "digitala-agentura"
    assert settings.catalog_licence == CC_BY
    assert settings.catalog_contact_email == "dati@example.lv"
    assert settings.catalog_contact_url == "https://example.lv/kontakti"


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("PVKG_CATALOG_PUBLISHER", "Digitālā aģentūra"),
        ("PVKG_CATALOG_LICENCE", "CC-BY"),
        ("PVKG_CATALOG_CONTACT_EMAIL", "dati at example.lv"),
        ("PVKG_CATALOG_CONTACT_URL", "example.lv/kontakti"),
    ],
)
def test_bad_catalogue_settings_are_refused(variable: str, value: str) -> None:
    with pytest.raises(InputError, match=variable):
        Settings.from_env({variable: value})


def _contact(graph: Graph) -> URIRef:
    contacts = set(graph.objects(None, DCAT.contactPoint))
    assert len(contacts) == 1
    contact = contacts.pop()
    assert isinstance(contact, URIRef)
    for node in [*graph.subjects(RDF.type, DCAT.Dataset), SPARQL_SERVICE]:
        assert (node, DCAT.contactPoint, contact) in graph, node
    assert (contact, RDF.type, VCARD.Organization) in graph
    assert any(True for _ in graph.objects(contact, VCARD.fn))
    return contact


def test_default_contact_is_the_landing_page(
    loaded_store: Store, catalog_settings: Settings
) -> None:
    graph = build_catalog(loaded_store, catalog_settings)
    contact = _contact(graph)
    assert set(graph.objects(contact, VCARD.hasURL)) == {URIRef(f"{BASE_URL}/")}
    assert not list(graph.objects(contact, VCARD.hasEmail))  # never invented


def test_configured_contact_publisher_and_licence(
    loaded_store: Store, catalog_settings: Settings
) -> None:
    settings = catalog_settings.with_(
        catalog_publisher="digitala-agentura",
        catalog_contact_email="dati@example.lv",
        catalog_contact_url="https://example.lv/kontakti",
    )
    check_catalog_settings(loaded_store, settings)
    graph = build_catalog(loaded_store, settings)
    contact = _contact(graph)
    assert set(graph.objects(contact, VCARD.hasEmail)) == {URIRef("mailto:dati@example.lv")}
    assert set(graph.objects(contact, VCARD.hasURL)) == {URIRef("https://example.lv/kontakti")}
    assert (contact, VCARD.fn, Literal("Digitālā aģentūra", lang="lv")) in graph
    assert (URIRef(f"{BASE_URL}/catalog"), DCTERMS.publisher, DA) in graph
    assert (SPARQL_SERVICE, DCTERMS.publisher, DA) in graph


def test_only_the_e_mail_when_only_it_is_configured(
    loaded_store: Store, catalog_settings: Settings
) -> None:
    graph = build_catalog(loaded_store, catalog_settings.with_(catalog_contact_email="a@b.lv"))
    contact = _contact(graph)
    assert not list(graph.objects(contact, VCARD.hasURL))


def test_unknown_publisher_and_licence_are_refused(
    loaded_store: Store, catalog_settings: Settings
) -> None:
    with pytest.raises(InputError, match="PVKG_CATALOG_PUBLISHER"):
        check_catalog_settings(loaded_store, catalog_settings.with_(catalog_publisher="nav"))
    with pytest.raises(InputError, match="PVKG_CATALOG_LICENCE"):
        check_catalog_settings(
            loaded_store, catalog_settings.with_(catalog_licence="https://example.org/l")
        )
    check_catalog_settings(loaded_store, catalog_settings.with_(catalog_licence=CC_BY))


def test_no_contact_point_warnings_remain(loaded_store: Store, catalog_settings: Settings) -> None:
    graph = build_catalog(loaded_store, catalog_settings)
    shapes = [
        DCAT_AP / name
        for name in (
            "shapes.ttl",
            "shapes_recommended.ttl",
            "range.ttl",
            "mdr-vocabularies.shape.ttl",
        )
    ]
    violations, _, report = shacl(graph, shapes)
    assert violations == 0
    paths = {report.value(r, SH.resultPath) for r in report.objects(None, SH.result)}
    assert DCAT.contactPoint not in paths
