"""``pvkg export cpsv`` of RDF portfolios: a filled-in description is in the language of the
text it is made from, and what the file gave (several identifiers) comes back out."""

from __future__ import annotations

from rdflib import Graph, Literal
from rdflib.namespace import DCTERMS

from loaders import read_portfolio
from loaders.identity import service_iri
from loaders.ntriples import language
from pvkg.cpsv_export import export_cpsv
from pvkg.portfolios import store_portfolio
from pvkg.store import LocalStore

VK = "valsts-kanceleja"
PORTFOLIO = """@prefix cpsv: <http://purl.org/vocab/cpsv#> .
@prefix cv: <http://data.europa.eu/m8g/> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix ex: <https://example.lv/id/> .

ex:org a cv:PublicOrganisation ; skos:prefLabel "Valsts kanceleja"@lv-LV .
ex:p a dcat:Dataset ; dct:title "Portfelis"@lv ; dct:publisher ex:org ;
  dct:hasPart ex:s1, ex:s2, ex:s3 .
ex:s1 a cpsv:PublicService ; dct:identifier "VK-1" ; dct:title "Only English"@en-GB .
ex:s2 a cpsv:PublicService ; dct:identifier "VK-2" ;
  dct:title "Konsultācijas"@LV, "Consultations"@en .
ex:s3 a cpsv:PublicService ; dct:identifier "VK-3", "VPR-77" ; dct:title "Atbalsts"@lv .
"""


def _export() -> Graph:
    store = LocalStore(None)
    store_portfolio(store, read_portfolio(PORTFOLIO.encode(), "p.ttl"))
    return export_cpsv(store)


def test_a_filled_description_keeps_the_language_of_its_title() -> None:
    cpsv = _export()
    only_english = set(cpsv.objects(service_iri(VK, "VK-1"), DCTERMS.description))
    assert only_english and all(language(d) == "en" for d in only_english)
    assert all(str(d) == "Only English" for d in only_english)
    both = set(cpsv.objects(service_iri(VK, "VK-2"), DCTERMS.description))
    assert {(str(d), language(d)) for d in both} == {("Konsultācijas", "lv")}


def test_the_portfolio_description_uses_a_latvian_name_tagged_lv_lv() -> None:
    cpsv = _export()
    portfolios = set(cpsv.subjects(DCTERMS.hasPart, service_iri(VK, "VK-1")))
    descriptions = {str(d) for p in portfolios for d in cpsv.objects(p, DCTERMS.description)}
    assert any("Valsts kanceleja" in d for d in descriptions)


def test_every_identifier_is_exported_and_loads_back() -> None:
    cpsv = _export()
    service = service_iri(VK, "VK-3")
    assert set(cpsv.objects(service, DCTERMS.identifier)) == {Literal("VK-3"), Literal("VPR-77")}
    again = read_portfolio(cpsv.serialize(format="turtle").encode(), "e.ttl")
    assert set(again.graph.objects(service, DCTERMS.identifier)) == {
        Literal("VK-3"),
        Literal("VPR-77"),
    }
