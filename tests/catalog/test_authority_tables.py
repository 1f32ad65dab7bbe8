"""The shipped EU authority-table concepts are well-formed and in their schemes; refresh tool."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS

from pvkg.authority_tables import AUTHORITY, TABLE_CLASSES, main, refresh
from pvkg.errors import InputError
from tests.catalog.conftest import DATA, ROOT

SHIPPED = ROOT / "reference" / "eu-authority-tables.ttl"
CONCEPT_IRI = re.compile(
    r"^http://publications\.europa\.eu/resource/authority/([a-z-]+)/([A-Z0-9_]+)$"
)
SAMPLE = DATA / "language-skos-sample.rdf"


@pytest.fixture(scope="module")
def shipped() -> Graph:
    return Graph().parse(SHIPPED, format="turtle")


def test_every_authority_concept_is_well_formed_and_in_its_scheme(shipped: Graph) -> None:
    concepts = [
        s for s in set(shipped.subjects()) if str(s).startswith(AUTHORITY) and str(s).count("/") > 5
    ]
    assert len(concepts) >= 15
    for concept in concepts:
        match = CONCEPT_IRI.match(str(concept))
        assert match, concept
        table, code = match.groups()
        scheme = URIRef(AUTHORITY + table)
        assert list(shipped.objects(concept, SKOS.inScheme)) == [scheme], concept
        assert (concept, RDF.type, SKOS.Concept) in shipped
        assert (concept, SKOS.notation, Literal(code)) in shipped
        assert any(True for _ in shipped.objects(concept, SKOS.prefLabel)), concept
        for cls in TABLE_CLASSES.get(table, ()):
            assert (concept, RDF.type, cls) in shipped, (concept, cls)
        assert (scheme, RDF.type, SKOS.ConceptScheme) in shipped
        assert any(True for _ in shipped.objects(scheme, DCTERMS.title)), scheme


def test_labels_are_language_tagged(shipped: Graph) -> None:
    for label in shipped.objects(None, SKOS.prefLabel):
        assert isinstance(label, Literal) and label.language in ("lv", "en")


def test_media_types_are_iana_iris(shipped: Graph) -> None:
    media = list(shipped.subjects(RDF.type, DCTERMS.MediaType))
    assert media
    for iri in media:
        assert str(iri).startswith("http://www.iana.org/assignments/media-types/")


def test_refresh_extracts_only_the_codes_and_languages(tmp_path: Path) -> None:
    output = tmp_path / "tables.ttl"
    shutil.copy(SHIPPED, output)
    assert refresh(SAMPLE, ["LAV", "ENG"], output=output) == 2
    text = output.read_text(encoding="utf-8")
    assert text.startswith("# Reference data")  # the header comment is kept
    graph = Graph().parse(output, format="turtle")
    lav = URIRef(AUTHORITY + "language/LAV")
    assert set(graph.objects(lav, SKOS.prefLabel)) == {
        Literal("Latvian", lang="en"),
        Literal("latviešu valoda", lang="lv"),
    }
    assert (lav, RDF.type, DCTERMS.LinguisticSystem) in graph
    assert (lav, SKOS.notation, Literal("LAV")) in graph
    assert (URIRef(AUTHORITY + "language/LIT"), None, None) not in graph
    assert (URIRef(AUTHORITY + "data-theme/GOVE"), RDF.type, SKOS.Concept) in graph  # kept


def test_refresh_refuses_missing_codes_and_changes_nothing(tmp_path: Path) -> None:
    output = tmp_path / "tables.ttl"
    shutil.copy(SHIPPED, output)
    before = output.read_bytes()
    with pytest.raises(InputError, match="XYZ"):
        refresh(SAMPLE, ["LAV", "XYZ"], output=output)
    assert output.read_bytes() == before
    assert main(["refresh", str(SAMPLE), "--codes", "XYZ", "--output", str(output)]) == 2


def test_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    output = tmp_path / "new.ttl"
    assert main(["refresh", str(SAMPLE), "--codes", "LAV", "--output", str(output)]) == 0
    assert "1 concept" in capsys.readouterr().out
    graph = Graph().parse(output, format="turtle")
    assert (URIRef(AUTHORITY + "language"), DCTERMS.title, Literal("Languages", lang="en")) in graph
