"""CPSV-AP files written the way other catalogue systems write them (RDF loader audit).

Each test feeds the loader a small file with one habit of another system: region or upper-case
language tags, decomposed Unicode, codes as plain literals, people with given and family names
only, several identifiers, blank-node authorities, relative IRIs and JSON-LD keyword aliases.
"""

from __future__ import annotations

import unicodedata

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, SKOS

from loaders import read_portfolio
from loaders.identity import service_iri
from pvkg.errors import SourceSyntaxError
from pvkg.namespaces import ADMS, CV, PV, concept, institution_iri

VK = "valsts-kanceleja"
PREFIXES = """@prefix cpsv: <http://purl.org/vocab/cpsv#> .
@prefix cv: <http://data.europa.eu/m8g/> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix adms: <http://www.w3.org/ns/adms#> .
@prefix pv: <https://pvkg.lv/ontology#> .
@prefix schema: <https://schema.org/> .
@prefix ex: <https://example.lv/id/> .
"""


def _nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def _read(body: str, name: str = "p.ttl"):  # type: ignore[no-untyped-def]
    return read_portfolio((PREFIXES + body).encode(), name)


def _line(loaded, node: URIRef) -> int | None:  # type: ignore[no-untyped-def]
    value = loaded.sources.value(node, PV.sourceLine)
    return int(value) if value is not None else None


# -- 1. language tags ------------------------------------------------------------------------


@pytest.mark.parametrize("tag", ["lv-LV", "LV", "Lv"])
def test_region_and_case_variants_of_lv_name_the_institution(tag: str) -> None:
    """BCP 47 tags are case-insensitive and a region does not change the language: the
    Latvian name wins over the English one, whatever the tag's spelling."""
    loaded = _read(
        f"""ex:org a cv:PublicOrganisation ;
  skos:prefLabel "State Chancellery"@en-GB, "Valsts kanceleja"@{tag} .
ex:p a dcat:Dataset ; dct:publisher ex:org ; dct:hasPart ex:s1 .
ex:s1 a cpsv:PublicService ; dct:identifier "VK-1" ; dct:title "Konsultācijas"@{tag} .
"""
    )
    assert (loaded.institution_id, loaded.institution_name) == (VK, "Valsts kanceleja")


def test_en_gb_is_english_when_there_is_no_latvian_name() -> None:
    loaded = _read(
        """ex:org a cv:PublicOrganisation ;
  skos:prefLabel "Staatskanzlei"@de, "State Chancellery"@en-GB .
ex:p a dcat:Dataset ; dct:publisher ex:org ; dct:hasPart ex:s1 .
ex:s1 a cpsv:PublicService ; dct:identifier "VK-1" .
"""
    )
    assert loaded.institution_name == "State Chancellery"


def test_need_label_tagged_upper_case_lv_is_the_latvian_one() -> None:
    loaded = _read(
        """ex:org a cv:PublicOrganisation ; skos:prefLabel "Valsts kanceleja"@lv .
ex:p a dcat:Dataset ; dct:publisher ex:org ; dct:hasPart ex:s1 .
ex:need skos:prefLabel "Advice"@en, "Padoms"@LV .
ex:s1 a cpsv:PublicService ; dct:identifier "VK-1" ; pv:satisfiesNeed ex:need .
"""
    )
    g = loaded.graph
    need = g.value(service_iri(VK, "VK-1"), PV.satisfiesNeed)
    assert str(g.value(need, SKOS.prefLabel)) == "Padoms"


# -- 2. Unicode normal forms and case --------------------------------------------------------


def test_decomposed_and_case_variant_labels_and_notations_match_our_concepts() -> None:
    body = f"""ex:org a cv:PublicOrganisation ; skos:prefLabel "{_nfd("Valsts kanceleja")}"@lv .
ex:p a dcat:Dataset ; dct:publisher ex:org ; dct:hasPart ex:s1, ex:s2 .
ex:dev a skos:Concept ; skos:prefLabel "{_nfd("izstrāde")}"@lv .
ex:ind a skos:Concept ; skos:notation "st-pub-ind" .
ex:gen a skos:Concept ; skos:prefLabel "{_nfd("VISPĀRĒJA labuma pakalpojums")}"@lv .
ex:sm a skos:Concept ; skos:notation "ROLE05" .
ex:s1 a cpsv:PublicService ; dct:identifier "VK-1" ;
  dct:title "{_nfd("Konsultācijas")}"@lv ;
  adms:status ex:dev ; cv:isClassifiedBy ex:ind, ex:gen ;
  cv:hasParticipation [ cv:role ex:sm ; cv:hasParticipant [ foaf:name "{_nfd("Jānis Ozols")}" ] ] .
ex:s2 a cpsv:PublicService ; dct:identifier "VK-2" ; adms:status "{_nfd("Izstrādē")}" .
"""
    loaded = _read(body)
    g, s1 = loaded.graph, service_iri(VK, "VK-1")
    assert g.value(s1, ADMS.status) == concept("status", "STATUS-DEVELOPMENT")
    assert set(g.objects(s1, CV.isClassifiedBy)) == {
        concept("service-type", "ST-PUB-IND"),
        concept("service-type", "ST-PUB-GEN"),
    }
    assert g.value(s1, DCTERMS.title) == Literal("Konsultācijas", lang="lv")  # stored as NFC
    assert g.value(g.value(s1, PV.serviceManager), FOAF.name) == Literal("Jānis Ozols")
    assert g.value(service_iri(VK, "VK-2"), ADMS.status) == concept("status", "STATUS-DEVELOPMENT")
    assert all(
        unicodedata.is_normalized("NFC", str(o)) for o in g.objects() if isinstance(o, Literal)
    )


# -- 3. service types as literals ------------------------------------------------------------


def test_service_type_as_a_literal_code_or_label_is_our_concept() -> None:
    loaded = _read(
        """ex:org a cv:PublicOrganisation ; skos:prefLabel "Valsts kanceleja"@lv .
ex:p a dcat:Dataset ; dct:publisher ex:org ; dct:hasPart ex:s1, ex:s2, ex:s3 .
ex:s1 a cpsv:PublicService ; dct:identifier "VK-1" ; cv:isClassifiedBy "ST-PUB-IND" .
ex:s2 a cpsv:PublicService ; dct:identifier "VK-2" ;
  cv:isClassifiedBy "koplietošanas pakalpojums"@lv .
ex:s3 a cpsv:PublicService ; dct:identifier "VK-3" ; cv:isClassifiedBy "ST-UNKNOWN" .
"""
    )
    g = loaded.graph
    types = {n: set(g.objects(service_iri(VK, n), CV.isClassifiedBy)) for n in ("VK-1", "VK-2")}
    assert types["VK-1"] == {concept("service-type", "ST-PUB-IND")}
    assert types["VK-2"] == {concept("service-type", "ST-IA-SHR")}
    # an unknown code stays as given, for C09 to report
    assert set(g.objects(service_iri(VK, "VK-3"), CV.isClassifiedBy)) == {Literal("ST-UNKNOWN")}


# -- 4. given and family names ---------------------------------------------------------------


@pytest.mark.parametrize("ns", ["foaf", "schema"])
def test_manager_with_given_and_family_name_only(ns: str) -> None:
    loaded = _read(
        f"""ex:org a cv:PublicOrganisation ; skos:prefLabel "Valsts kanceleja"@lv .
ex:sm a skos:Concept ; skos:notation "ROLE05" .
ex:pm a skos:Concept ; skos:notation "ROLE04" .
ex:p a dcat:Dataset ; dct:publisher ex:org ; dct:hasPart ex:s1 ;
  prov:qualifiedAttribution [ prov:agent ex:post-pm ; dcat:hadRole ex:pm ] .
ex:post-pm a org:Post ; dct:title "Pakalpojumu kopuma vadītājs"@lv ;
  org:heldBy [ a foaf:Person ; {ns}:givenName "Anna" ; {ns}:familyName "Bērziņa" ] .
ex:s1 a cpsv:PublicService ; dct:identifier "VK-1" ;
  cv:hasParticipation [ cv:role ex:sm ; cv:hasParticipant ex:post-sm ] .
ex:post-sm a org:Post ; dct:title "Pakalpojuma vadītājs"@lv ; org:heldBy ex:janis .
ex:janis a foaf:Person ; {ns}:givenName "Jānis" ; {ns}:familyName "Ozols" .
"""
    )
    g = loaded.graph
    manager = g.value(service_iri(VK, "VK-1"), PV.serviceManager)
    assert g.value(manager, FOAF.name) == Literal("Jānis Ozols")
    portfolio_manager = g.value(institution_iri(VK), PV.portfolioManager)
    assert g.value(portfolio_manager, FOAF.name) == Literal("Anna Bērziņa")


# -- 5. several identifiers ------------------------------------------------------------------


def test_every_identifier_of_a_service_is_kept() -> None:
    loaded = _read(
        """ex:org a cv:PublicOrganisation ; skos:prefLabel "Valsts kanceleja"@lv .
ex:p a dcat:Dataset ; dct:publisher ex:org ; dct:hasPart ex:s1 .
ex:s1 a cpsv:PublicService ; dct:identifier "VK-1", "VPR-77" .
"""
    )
    ids = {
        str(o)
        for s in loaded.graph.subjects(DCTERMS.isPartOf, None)
        for o in loaded.graph.objects(s, DCTERMS.identifier)
    }
    assert ids == {"VK-1", "VPR-77"}
    assert loaded.service_count == 1


# -- 8. syntax errors in long literals -------------------------------------------------------


def test_syntax_error_inside_a_long_literal_names_its_real_line() -> None:
    lines = ['<https://example.lv/id/s1> dct:description """' + "ā" * 200]
    lines += ["ēēēēēēēēēēēēēēēēēēēēēēēēēēēē šķ" * 4 for _ in range(10)]
    lines += ['beigas \\q """@lv .']
    text = "@prefix dct: <http://purl.org/dc/terms/> .\n" + "\n".join(lines) + "\n"
    with pytest.raises(SourceSyntaxError) as caught:
        read_portfolio(text.encode(), "long.ttl")
    assert caught.value.location is not None
    assert (caught.value.location.file, caught.value.location.line) == ("long.ttl", 13)


# -- 9. source lines -------------------------------------------------------------------------

RELATIVE = """@base <https://example.lv/id/> .
@prefix cpsv: <http://purl.org/vocab/cpsv#> .
@prefix cv: <http://data.europa.eu/m8g/> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .

<org> a cv:PublicOrganisation ; skos:prefLabel "Valsts kanceleja"@lv .
<p> a dcat:Dataset ; dct:publisher <org> ;
  dct:hasPart <s1>, [ a cpsv:PublicService ; dct:identifier "VK-3" ] .

<s1> a cpsv:PublicService ;
  dct:identifier "VK-1" .

[] a cpsv:PublicService ;
  dct:identifier "VK-2" ; dct:isPartOf <p> .
"""


def test_lines_of_relative_iris_and_blank_node_services() -> None:
    loaded = read_portfolio(RELATIVE.encode(), "rel.ttl")
    assert _line(loaded, service_iri(VK, "VK-1")) == 12
    assert _line(loaded, service_iri(VK, "VK-2")) == 16
    assert _line(loaded, service_iri(VK, "VK-3")) == 10
    assert _line(loaded, institution_iri(VK)) == 8


def test_lines_of_relative_iris_without_a_base() -> None:
    """A relative IRI resolves against the file itself."""
    text = RELATIVE.replace("@base <https://example.lv/id/> .", "# no base")
    loaded = read_portfolio(text.encode(), "rel.ttl")
    assert _line(loaded, service_iri(VK, "VK-1")) == 12
    assert _line(loaded, institution_iri(VK)) == 8


JSONLD_ALIAS = """{
  "@context": {
    "@version": 1.1, "@base": "https://example.lv/id/",
    "id": "@id", "type": "@type",
    "dct": "http://purl.org/dc/terms/", "cpsv": "http://purl.org/vocab/cpsv#",
    "cv": "http://data.europa.eu/m8g/", "dcat": "http://www.w3.org/ns/dcat#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "hasPart": {"@id": "dct:hasPart", "@type": "@id"},
    "publisher": {"@id": "dct:publisher", "@type": "@id"}
  },
  "@graph": [
    {"id": "p", "type": "dcat:Dataset", "publisher": "org", "hasPart": ["s1", "s2"]},
    {"id": "org", "type": "cv:PublicOrganisation",
     "skos:prefLabel": {"@value": "Valsts kanceleja", "@language": "lv"}},
    {"type": "cpsv:PublicService",
     "id": "s1",
     "dct:identifier": "VK-1"},
    {"@id": "s2", "@type": "cpsv:PublicService", "dct:identifier": "VK-2"},
    {"@type": "cpsv:PublicService", "dct:identifier": "VK-3",
     "dct:isPartOf": {"id": "p"}}
  ]
}
"""


def test_jsonld_lines_with_an_id_alias_a_base_and_blank_nodes() -> None:
    loaded = read_portfolio(JSONLD_ALIAS.encode(), "alias.jsonld")
    assert loaded.institution_id == VK
    assert _line(loaded, institution_iri(VK)) == 13
    assert _line(loaded, service_iri(VK, "VK-1")) == 16
    assert _line(loaded, service_iri(VK, "VK-2")) == 18
    assert _line(loaded, service_iri(VK, "VK-3")) == 19


# -- 10. one authority described twice -------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ('skos:prefLabel "Valsts kanceleja"@lv', 'skos:prefLabel "Valsts kanceleja"@lv'),
        ('skos:prefLabel "Valsts kanceleja"@lv ; dct:identifier "VK"', 'dct:identifier "VK"'),
    ],
)
def test_blank_node_authorities_that_are_one_institution_are_merged(
    first: str, second: str
) -> None:
    loaded = _read(
        f"""ex:p a dcat:Dataset ; dct:hasPart ex:s1, ex:s2 .
ex:s1 a cpsv:PublicService ; dct:identifier "VK-1" ;
  cv:hasCompetentAuthority [ a cv:PublicOrganisation ; {first} ] .
ex:s2 a cpsv:PublicService ; dct:identifier "VK-2" ;
  cv:hasCompetentAuthority [ a cv:PublicOrganisation ; {second} ] .
"""
    )
    g = loaded.graph
    authorities = {
        o
        for s in g.subjects(DCTERMS.isPartOf, None)
        for o in g.objects(s, CV.hasCompetentAuthority)
    }
    assert authorities == {institution_iri(VK)}
    assert set(g.subjects(None, CV.PublicOrganisation)) <= {institution_iri(VK)}


def test_blank_node_authorities_with_other_names_stay_apart() -> None:
    loaded = _read(
        """ex:p a dcat:Dataset ; dct:hasPart ex:s1, ex:s2 .
ex:s1 a cpsv:PublicService ; dct:identifier "VK-1" ;
  cv:hasCompetentAuthority [ a cv:PublicOrganisation ; skos:prefLabel "Valsts kanceleja"@lv ] .
ex:s2 a cpsv:PublicService ; dct:identifier "VK-2" ;
  cv:hasCompetentAuthority [ a cv:PublicOrganisation ; skos:prefLabel "Cita iestāde"@lv ] .
"""
    )
    g = loaded.graph
    authorities = {
        o
        for s in g.subjects(DCTERMS.isPartOf, None)
        for o in g.objects(s, CV.hasCompetentAuthority)
    }
    assert len(authorities) == 2


def test_a_blank_node_authority_named_like_the_publisher_is_the_publisher() -> None:
    loaded = _read(
        """ex:org a cv:PublicOrganisation ; skos:prefLabel "Valsts kanceleja"@lv-LV .
ex:p a dcat:Dataset ; dct:publisher ex:org ; dct:hasPart ex:s1 .
ex:s1 a cpsv:PublicService ; dct:identifier "VK-1" ;
  cv:hasCompetentAuthority [ skos:prefLabel "Valsts kanceleja"@lv ; foaf:homepage ex:home ] .
"""
    )
    g, inst = loaded.graph, institution_iri(VK)
    assert set(g.objects(service_iri(VK, "VK-1"), CV.hasCompetentAuthority)) == {inst}
    assert (inst, FOAF.homepage, URIRef("https://example.lv/id/home")) in g  # nothing lost


def test_a_prefix_named_base_is_no_base_directive() -> None:
    text = RELATIVE.replace("@base <https://example.lv/id/> .", "# no base").replace(
        "@prefix skos:", "@prefix base: <https://example.lv/id/> .\n@prefix skos:"
    )
    text = text.replace("<s1>", "base:s1")
    loaded = read_portfolio(text.encode(), "rel.ttl")
    assert _line(loaded, service_iri(VK, "VK-1")) == 13
