"""A service with two dct:identifier values is named in the report by the identifier its IRI
uses (audit 7, F7: the IRI took one, the report's focus_id another, in graph order)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS

from pvkg.store import LocalStore
from pvkg.validation import _identifiers

ROOT = Path(__file__).resolve().parents[2]

TURTLE = """\
@prefix cpsv: <http://purl.org/vocab/cpsv#> .
@prefix cv: <http://data.europa.eu/m8g/> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix ex: <https://example.lv/id/> .

ex:org a cv:PublicOrganisation ; skos:prefLabel "Valsts kanceleja"@lv .
ex:portfolio a dcat:Dataset ; dct:title "Portfelis"@lv ; dct:publisher ex:org ;
  dct:hasPart ex:s1 .
ex:s1 a cpsv:PublicService ; dct:identifier "VK-1", "00201" ; dct:title "Konsultācijas"@lv ;
  cv:hasCompetentAuthority ex:org .
"""


def test_the_report_names_the_service_by_the_identifier_in_its_iri(tmp_path: Path) -> None:
    path = tmp_path / "two-ids.ttl"
    path.write_text(TURTLE, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "pvkg.cli", "validate", str(path), "--format", "json"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    results = json.loads(done.stdout)["results"]
    about_service = [r for r in results if "/service/" in r["focus"]]
    assert about_service, results
    for result in about_service:
        assert result["focus"].endswith(f"/service/{result['focus_id']}"), result


def test_graph_and_store_lookups_pick_the_same_identifier() -> None:
    service = URIRef("https://pvkg.lv/id/institution/x/service/00201")
    graph = Graph()
    for value in ("VK-1", "00201", "Ā-9"):
        graph.add((service, DCTERMS.identifier, Literal(value)))
    store = LocalStore(None)
    store.load_data(graph.serialize(format="nt").encode(), "nt", graph=None)
    try:
        assert _identifiers(graph, [service]) == {service: "00201"}
        assert _identifiers(store, [service]) == {service: "00201"}
    finally:
        store.close()
