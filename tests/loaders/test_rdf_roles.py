"""Roles in CPSV-AP files named by notation or label become our role concepts (INTERFACES §2).

Audit 5, finding 2: a post whose ``org:role`` was a foreign concept with ``skos:notation
"ROLE01"`` (or the Latvian label of ROLE02) was copied verbatim, so C05/C06, which match
``<https://pvkg.lv/id/role/ROLE0n>``, never ran.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, FOAF, ORG, PROV, SKOS

from loaders import read_portfolio, read_portfolio_file
from loaders.identity import service_iri
from loaders.roles import role_table
from pvkg.errors import OntologyError
from pvkg.namespaces import CV, PV, concept
from pvkg.settings import Settings
from pvkg.validate_command import validate_files

EX = "https://example.lv/id/"
DA = "digitala-agentura"


def _role_names() -> list[tuple[str, str, str]]:
    """(code, Latvian label, English label) of the ten roles, as the ontology writes them."""
    graph = Graph().parse(Settings().ontology_dir / "roles.ttl", format="turtle")
    rows = []
    for node, code in graph.subject_objects(SKOS.notation):
        labels = {label.language: str(label) for label in graph.objects(node, SKOS.prefLabel)}
        rows.append((str(code), labels["lv"], labels["en"]))
    return sorted(rows)


ROLES = _role_names()

PORTFOLIO = """
@prefix cpsv: <http://purl.org/vocab/cpsv#> . @prefix cv: <http://data.europa.eu/m8g/> .
@prefix dct: <http://purl.org/dc/terms/> . @prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix org: <http://www.w3.org/ns/org#> . @prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix prov: <http://www.w3.org/ns/prov#> . @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix ex: <https://example.lv/id/> .
ex:org a cv:PublicOrganisation ; skos:prefLabel "Digitālā aģentūra"@lv .
ex:p a dcat:Dataset ; dct:publisher ex:org ; dct:hasPart ex:s1 ;
  prov:qualifiedAttribution ex:attr .
ex:attr a prov:Attribution ; prov:agent ex:post ; dcat:hadRole ex:role .
ex:s1 a cpsv:PublicService ; dct:identifier "DA-1" ; dct:title "Pakalpojums"@lv ;
  cv:hasCompetentAuthority ex:org ; cv:hasParticipation ex:part .
ex:part a cv:Participation ; cv:role ex:role ; cv:hasParticipant ex:post .
ex:post a org:Post ; org:postIn ex:org ; org:role ex:role ; org:heldBy ex:anna .
ex:anna a foaf:Person ; foaf:name "Anna Bērziņa" .
ex:membership a org:Membership ; org:member ex:anna ; org:organization ex:org ;
  prov:hadRole ex:role .
ex:role a skos:Concept, org:Role ; {naming} .
"""


def _portfolio(naming: str) -> Graph:
    data = PORTFOLIO.replace("{naming}", naming).encode()
    return read_portfolio(data, "roles.ttl").graph


def test_the_ontology_names_ten_roles_in_latvian_and_english() -> None:
    assert [code for code, _, _ in ROLES] == [f"ROLE{n:02}" for n in range(1, 11)]
    table = role_table(Settings().ontology_dir)
    assert table.codes == {code for code, _, _ in ROLES}


@pytest.mark.parametrize(("code", "lv", "en"), ROLES)
@pytest.mark.parametrize("how", ["notation", "lv", "en"])
def test_a_foreign_role_concept_becomes_ours(code: str, lv: str, en: str, how: str) -> None:
    """Every role reference the loader keeps points at our concept; the foreign concept's own
    triples stay as context."""
    naming = {
        "notation": f'skos:notation "{code}"',
        "lv": f'skos:prefLabel "{lv}"@lv',
        "en": f'skos:prefLabel "{en.upper()}"@en',  # labels match whatever their case
    }[how]
    g = _portfolio(naming)
    ours, foreign = concept("role", code), URIRef(f"{EX}role")
    role_props = (ORG.role, CV.role, DCAT.hadRole, PROV.hadRole)
    assert not any((None, p, foreign) in g for p in role_props)
    assert (None, ORG.role, ours) in g  # a post: the one C05 and C06 look for
    if code != "ROLE05":  # ROLE05 participations become pv:serviceManager
        assert (None, CV.role, ours) in g
    if code != "ROLE04":  # ROLE04 attributions become pv:portfolioManager
        assert (None, DCAT.hadRole, ours) in g
    assert (None, PROV.hadRole, ours) in g  # the membership
    assert (foreign, None, None) in g


def test_service_and_portfolio_managers_by_english_label() -> None:
    data = (
        PORTFOLIO.replace("dcat:hadRole ex:role", "dcat:hadRole ex:pm")
        .replace("{naming}", 'skos:prefLabel "Service owner"@en')
        .replace(
            "ex:attr a",
            'ex:pm skos:prefLabel "Institution service portfolio owner"@en .\nex:attr a',
        )
    )
    g = read_portfolio(data.encode(), "roles.ttl").graph
    manager = g.value(service_iri(DA, "DA-1"), PV.serviceManager)
    assert g.value(manager, FOAF.name) == Literal("Anna Bērziņa")
    assert (None, PV.portfolioManager, manager) in g


@pytest.mark.parametrize(
    "naming",
    [
        'skos:notation "ROLE11"',
        'skos:notation "role01"',  # a notation is a code: exact
        'skos:prefLabel "Valsts vadošā iestāde"@lv',
    ],
)
def test_a_role_that_is_not_ours_is_kept_as_it_is(naming: str) -> None:
    g = _portfolio(naming)
    foreign = URIRef(f"{EX}role")
    assert (None, ORG.role, foreign) in g
    assert not any(str(o).startswith("https://pvkg.lv/id/role/") for o in g.objects())


def test_our_role_iris_are_kept() -> None:
    data = PORTFOLIO.replace("ex:role", "<https://pvkg.lv/id/role/ROLE01>").replace(
        "<https://pvkg.lv/id/role/ROLE01> a skos:Concept, org:Role ; {naming} .", ""
    )
    g = read_portfolio(data.encode(), "roles.ttl").graph
    assert (None, ORG.role, concept("role", "ROLE01")) in g


def test_the_role_table_needs_the_ontology(tmp_path: Path) -> None:
    with pytest.raises(OntologyError, match=r"roles\.ttl"):
        role_table(tmp_path)


def test_loaded_post_holds_our_role(data_dir: Path) -> None:
    g = read_portfolio_file(data_dir / "role_state_lead_by_notation.ttl").graph
    assert (URIRef(f"{EX}post-lead"), ORG.role, concept("role", "ROLE01")) in g
    assert g.value(URIRef(f"{EX}state-lead"), SKOS.notation) == Literal("ROLE01")


@pytest.mark.parametrize(
    ("name", "rule"),
    [("role_state_lead_by_notation.ttl", "C05"), ("role_sector_lead_by_label.ttl", "C06")],
)
def test_lead_roles_by_notation_or_label_are_validated(
    data_dir: Path, tmp_path: Path, name: str, rule: str
) -> None:
    """The post (line 71) of Digitālā aģentūra holds the state lead role (VARAM only, C05) or
    the sector lead role (a ministry, C06)."""
    out = tmp_path / "report.json"
    settings = Settings().with_(store_path=tmp_path / "store")
    assert validate_files(settings, [data_dir / name], fmt="json", output=out) == 1
    results = json.loads(out.read_text(encoding="utf-8"))["results"]
    assert [(r["rule"], r["source"]) for r in results] == [(rule, {"file": name, "line": 71})]
