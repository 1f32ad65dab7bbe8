"""CPSV-AP RDF portfolios: mapping onto our model, round trips, source lines, bad input."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF

from loaders import read_portfolio, read_portfolio_file
from loaders.identity import service_iri
from pvkg.errors import RowError, SourceSyntaxError
from pvkg.namespaces import ADMS, CV, PV, concept, institution_iri, portfolio_iri
from tests.loaders.conftest import assert_isomorphic

VK = "valsts-kanceleja"


def test_cpsv_ap_portfolio_maps_concepts_and_managers(data_dir: Path) -> None:
    loaded = read_portfolio_file(data_dir / "portfolio_cpsv.ttl")
    assert (loaded.institution_id, loaded.institution_name) == (VK, "Valsts kanceleja")
    assert (loaded.fmt, loaded.service_count, loaded.person_count) == ("turtle", 2, 2)
    g = loaded.graph
    s1, s2 = service_iri(VK, "VK-1"), service_iri(VK, "VK-2")
    assert set(g.objects(s1, CV.isClassifiedBy)) == {
        concept("service-type", "ST-PUB-IND"),
        concept("service-type", "ST-IA-SHR"),
    }
    assert g.value(s1, ADMS.status) == concept("status", "STATUS-PROVISION")  # by Latvian label
    assert g.value(s2, ADMS.status) == concept("status", "STATUS-DEVELOPMENT")  # inflected literal
    manager = g.value(s1, PV.serviceManager)
    assert g.value(manager, FOAF.name) == Literal("Jānis Ozols")
    inst = institution_iri(VK)
    assert g.value(g.value(inst, PV.portfolioManager), FOAF.name) == Literal("Anna Bērziņa")
    assert g.value(portfolio_iri(VK), DCTERMS.publisher) == inst
    assert g.value(s1, DCTERMS.description) == Literal("Konsultācijas iedzīvotājiem", lang="lv")
    originals = {URIRef("https://example.lv/id/s1"), URIRef("https://example.lv/id/s2")}
    assert not any(t in originals for triple in g for t in triple)
    assert not any(isinstance(t, BNode) for triple in g for t in triple)
    lines = loaded.sources
    assert lines.value(s1, PV.sourceLine) == Literal(26)
    assert lines.value(s2, PV.sourceLine) == Literal(38)
    assert lines.value(inst, PV.sourceLine) == Literal(17)


HOLDS = """
@prefix cpsv: <http://purl.org/vocab/cpsv#> . @prefix cv: <http://data.europa.eu/m8g/> .
@prefix dct: <http://purl.org/dc/terms/> . @prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix org: <http://www.w3.org/ns/org#> . @prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix prov: <http://www.w3.org/ns/prov#> . @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix ex: <https://example.lv/id/> .
ex:sm a org:Role, skos:Concept ; skos:notation "ROLE05" .
ex:pm a org:Role, skos:Concept ; skos:notation "ROLE04" .
ex:org a cv:PublicOrganisation ; skos:prefLabel "Valsts kanceleja"@lv ; dct:identifier "VK" .
ex:post-pm a org:Post ; org:postIn ex:org ; org:role ex:pm .
ex:post-sm a org:Post, foaf:Agent ; org:postIn ex:org ; org:role ex:sm .
ex:anna a foaf:Person ; foaf:name "Anna Bērziņa" ; org:holds ex:post-pm .
ex:janis a foaf:Person ; foaf:name "Jānis Ozols" ; org:holds ex:post-sm .
ex:p a dcat:Dataset ; dct:publisher ex:org ; dct:hasPart ex:s1 ;
  prov:qualifiedAttribution [ a prov:Attribution ; prov:agent ex:post-pm ; dcat:hadRole ex:pm ] .
ex:s1 a cpsv:PublicService ; dct:identifier "VK-1" ; cv:hasCompetentAuthority ex:org ;
  cv:hasParticipation [ a cv:Participation ; cv:role ex:sm ; cv:hasParticipant ex:post-sm ] .
"""


def test_people_who_hold_a_post_are_its_managers() -> None:
    """STANDARDS.md §2 step 3 links people to posts with ``org:holds`` (the inverse of
    ``org:heldBy``); the posts themselves carry no name."""
    loaded = read_portfolio(HOLDS.encode(), "holds.ttl")
    g = loaded.graph
    manager = g.value(service_iri(VK, "VK-1"), PV.serviceManager)
    assert g.value(manager, FOAF.name) == Literal("Jānis Ozols")
    assert g.value(g.value(institution_iri(VK), PV.portfolioManager), FOAF.name) == Literal(
        "Anna Bērziņa"
    )


def test_the_same_rdf_file_twice_gives_isomorphic_graphs(data_dir: Path) -> None:
    one = read_portfolio_file(data_dir / "portfolio_cpsv.ttl")
    two = read_portfolio_file(data_dir / "portfolio_cpsv.ttl")
    assert_isomorphic(one.graph, two.graph)
    assert set(one.graph) == set(two.graph)  # skolem IRIs are stable, not just isomorphic


@pytest.mark.parametrize(
    ("fmt", "ext"), [("turtle", "ttl"), ("nt", "nt"), ("json-ld", "jsonld"), ("xml", "rdf")]
)
def test_round_trip_csv_to_rdf_and_back(data_dir: Path, fmt: str, ext: str) -> None:
    from_csv = read_portfolio_file(data_dir / "portfolio_ok.csv")
    data = from_csv.graph.serialize(format=fmt).encode("utf-8")
    again = read_portfolio(data, f"portfelis.{ext}")
    assert again.warnings == []
    assert (again.service_count, again.person_count) == (9, 4)
    assert_isomorphic(again.graph, from_csv.graph)


def test_n_triples_lines_are_exact(data_dir: Path) -> None:
    from_csv = read_portfolio_file(data_dir / "portfolio_ok.csv")
    text = from_csv.graph.serialize(format="nt")
    again = read_portfolio(text.encode(), "p.nt")
    service = service_iri("digitala-agentura", "DA-005")
    expected = next(
        n for n, line in enumerate(text.splitlines(), 1) if line.startswith(f"<{service}> ")
    )
    assert again.sources.value(service, PV.sourceLine) == Literal(expected)


def test_official_cpsv_ap_example_loads_as_its_authoritys_portfolio(data_dir: Path) -> None:
    loaded = read_portfolio_file(data_dir / "cpsv_ap_example.ttl")
    assert loaded.service_count == 1
    assert loaded.institution_name == "Federal Public Service FINANCE"
    assert any("no dcat:Dataset" in w for w in loaded.warnings)
    service = service_iri(loaded.institution_id, "Tax-on-web")
    assert loaded.graph.value(service, CV.hasChannel) == URIRef("http://example.com/channel1")
    assert loaded.graph.value(service, CV.hasCompetentAuthority) == institution_iri(
        loaded.institution_id
    )


def test_plain_string_title_is_rejected_with_its_line(data_dir: Path) -> None:
    with pytest.raises(RowError) as info:
        read_portfolio_file(data_dir / "portfolio_plain_title.nt")
    problem = info.value.problems[0]
    assert (problem.location.file, problem.location.line) == ("portfolio_plain_title.nt", 4)
    assert "language tag" in problem.message


def test_json_ld_name_without_language_is_rejected() -> None:
    doc = b"""{
  "@context": {"dct": "http://purl.org/dc/terms/", "cpsv": "http://purl.org/vocab/cpsv#"},
  "@id": "https://example.lv/s1", "@type": "cpsv:PublicService",
  "dct:identifier": "S-1",
  "dct:title": {"@value": "Bez valodas",
                "@type": "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"}
}"""
    with pytest.raises(RowError) as info:
        read_portfolio(doc, "p.jsonld")
    assert info.value.problems[0].location.line == 5


@pytest.mark.parametrize(
    ("name", "line"), [("portfolio_syntax_error.ttl", 4), ("portfolio_syntax_error.nt", 2)]
)
def test_syntax_errors_name_file_and_line(data_dir: Path, name: str, line: int) -> None:
    with pytest.raises(SourceSyntaxError) as info:
        read_portfolio_file(data_dir / name)
    assert (info.value.location.file, info.value.location.line) == (name, line)
    assert str(info.value).startswith(f"{name}:{line}")


def test_rdf_without_services_is_not_a_portfolio() -> None:
    data = b'<https://example.lv/x> <http://purl.org/dc/terms/title> "x"@lv .\n'
    with pytest.raises(SourceSyntaxError, match="not a portfolio"):
        read_portfolio(data, "x.nt")


def test_rdf_limits_on_services_and_literals(data_dir: Path) -> None:
    from pvkg.errors import PayloadTooLarge
    from pvkg.settings import Settings

    with pytest.raises(PayloadTooLarge) as info:
        read_portfolio_file(data_dir / "portfolio_cpsv.ttl", settings=Settings().with_(max_rows=1))
    assert info.value.location.file == "portfolio_cpsv.ttl"
    with pytest.raises(PayloadTooLarge) as info:
        read_portfolio_file(
            data_dir / "portfolio_cpsv.ttl", settings=Settings().with_(max_cell_chars=20)
        )
    assert info.value.location.line == 13  # "Pakalpojumu kopuma vadītājs"@lv, the first


def test_cpsv_export_loads_back_unchanged(memory_store, data_dir: Path) -> None:
    export = pytest.importorskip("pvkg.cpsv_export")
    from loaders import institution_resolver
    from pvkg.portfolios import store_portfolio

    resolve = institution_resolver(memory_store)
    original = read_portfolio_file(data_dir / "portfolio_ok.csv", resolve_institution=resolve)
    store_portfolio(memory_store, original)
    first = export.export_cpsv(memory_store, original.institution_id)
    again = read_portfolio(
        first.serialize(format="turtle").encode(), "export.ttl", resolve_institution=resolve
    )
    assert again.warnings == []
    assert (again.institution_id, again.service_count) == (original.institution_id, 9)
    assert set(original.graph) <= set(again.graph)  # every loaded fact comes back
    assert not any(str(s).startswith("https://pvkg.lv/id/status/") for s, _, _ in again.graph)
    store_portfolio(memory_store, again)
    assert_isomorphic(export.export_cpsv(memory_store, original.institution_id), first)


def test_official_example_in_json_ld_uses_the_local_context(data_dir: Path) -> None:
    from_json = read_portfolio_file(data_dir / "cpsv_ap_example.jsonld")
    from_turtle = read_portfolio_file(data_dir / "cpsv_ap_example.ttl")
    assert_isomorphic(from_json.graph, from_turtle.graph)


def test_unknown_remote_json_ld_context_is_not_fetched() -> None:
    doc = b'{"@context": "https://example.org/context.jsonld", "@id": "urn:a"}'
    with pytest.raises(SourceSyntaxError, match="not fetched"):
        read_portfolio(doc, "p.jsonld")


def test_json_ld_lines_point_at_descriptions_not_references(data_dir: Path) -> None:
    from_csv = read_portfolio_file(data_dir / "portfolio_ok.csv")
    text = from_csv.graph.serialize(format="json-ld")
    again = read_portfolio(text.encode(), "p.jsonld")
    service = service_iri("digitala-agentura", "DA-004")
    line = int(again.sources.value(service, PV.sourceLine))
    described = text.splitlines()[line - 1 : line + 3]
    assert any("@type" in row or "dcterms" in row or "http" in row for row in described)
    assert not text.splitlines()[line - 1].rstrip().rstrip(",").endswith("}")


def test_rdf_services_without_identifier_are_listed_and_duplicates_numbered() -> None:
    head = (
        "@prefix dct: <http://purl.org/dc/terms/> . @prefix cpsv: <http://purl.org/vocab/cpsv#> .\n"
        "@prefix dcat: <http://www.w3.org/ns/dcat#> .\n"
        "<urn:p> a dcat:Dataset ; dct:hasPart <urn:a>, <urn:b>, <urn:c> .\n"
    )
    missing = head + '<urn:a> dct:identifier "S" .\n<urn:b> dct:title "B"@lv .\n'
    missing += "<urn:c> a cpsv:PublicService .\n"
    with pytest.raises(RowError) as info:
        read_portfolio(missing.encode(), "p.ttl")
    assert [p.location.line for p in info.value.problems] == [5, 6]
    dupes = head + '<urn:a> dct:identifier "S" .\n<urn:b> dct:identifier "S" .\n'
    dupes += '<urn:c> dct:identifier "T" .\n'
    loaded = read_portfolio(dupes.encode(), "p.ttl")
    inst = loaded.institution_id
    ids = {str(loaded.graph.value(service_iri(inst, i), DCTERMS.identifier)) for i in ("S", "S~2")}
    assert ids == {"S"}


def test_a_file_of_several_portfolios_gives_each_as_read_alone(data_dir: Path) -> None:
    """``pvkg export cpsv`` of a whole store: one ``dcat:Dataset`` per institution. Each
    portfolio read from the file holds the same portfolio read from a file of its own; what no
    portfolio reaches (here a scheme and the concepts the CPSV-AP file described) stays with
    each, and nothing of one institution's model leaks into the other's."""
    from rdflib import Graph

    from loaders import read_portfolios

    alone = [
        read_portfolio_file(data_dir / "portfolio_ok.csv"),
        read_portfolio_file(data_dir / "portfolio_cpsv.ttl"),
    ]
    both = Graph()
    for one in alone:
        both += one.graph
    shared = (URIRef("urn:scheme"), DCTERMS.title, Literal("Kopīgs", lang="lv"))
    both.add(shared)
    read = read_portfolios(both.serialize(format="turtle").encode(), "visi.ttl")
    assert [r.institution_id for r in read] == ["digitala-agentura", VK]
    for got, expected in zip(read, alone, strict=True):
        assert got.service_count == expected.service_count
        assert set(expected.graph) <= set(got.graph)
        extra = set(got.graph) - set(expected.graph)
        assert shared in extra
        assert not any(str(s).startswith("https://pvkg.lv/id/") for s, _, _ in extra), extra
    assert read[0].sha256 != read[1].sha256  # each digests its own triples


def test_two_portfolios_of_one_institution_in_a_file_are_refused(data_dir: Path) -> None:
    from rdflib import Graph

    from loaders import read_portfolios

    one = read_portfolio_file(data_dir / "portfolio_ok.csv").graph
    other = Graph()
    first = portfolio_iri("digitala-agentura")
    for s, p, o in one:
        if first in (s, o):
            other.add(
                (
                    URIRef("urn:another") if s == first else s,
                    p,
                    URIRef("urn:another") if o == first else o,
                )
            )
    both = one + other
    with pytest.raises(SourceSyntaxError, match="more than one portfolio of digitala-agentura"):
        read_portfolios(both.serialize(format="turtle").encode(), "dup.ttl")
