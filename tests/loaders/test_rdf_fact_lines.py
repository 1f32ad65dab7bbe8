"""RDF results point at the line of the offending fact, not only at its subject's line.

Audit 9, F3: a service described from line 45 with ``adms:status "apturēts"`` on line 49 was
reported at line 45. F4: in Turtle that pvkg itself serves (prefixed names with ``\\/``
escapes) two services with one ``dct:identifier`` got ``line: null`` (C21).
"""

from __future__ import annotations

import json
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from loaders import read_portfolio
from pvkg.bootstrap import prepare
from pvkg.namespaces import ADMS, PV
from pvkg.portfolios import current_version, store_portfolio
from pvkg.reports.sources import SourceResolver
from pvkg.settings import Settings
from pvkg.store import LocalStore
from pvkg.validate_command import validate_files

TTL_PREFIXES = """\
@prefix dct: <http://purl.org/dc/terms/> .
@prefix cpsv: <http://purl.org/vocab/cpsv#> .
@prefix cv: <http://data.europa.eu/m8g/> .
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix adms: <http://www.w3.org/ns/adms#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix pv: <https://pvkg.lv/ontology#> .
@prefix ex: <https://fm.example.lv/id/> .
"""

# line numbers below count from the first line of TTL_PREFIXES (8 lines)
TURTLE = (
    TTL_PREFIXES
    + """\
ex:fm a cv:PublicOrganisation ; dct:identifier "fm" ;
  skos:prefLabel "Finanšu ministrija"@lv .
ex:p a dcat:Dataset ; dct:publisher ex:fm ; dct:hasPart ex:S-1 , ex:S-2 .
# S-1 (line 13): a nested node's dct:identifier and a string reading adms:status come first
ex:S-1 a cpsv:PublicService ;
  cv:hasParticipation [ a cv:Participation ; dct:identifier "part" ] ;
  dct:description \"\"\"Apraksts, kurā ir teksts
adms:status "nē" ; un vēl\"\"\"@lv ;
  dct:identifier "S-1" ; dct:title "Pirmais"@lv ;
  adms:status "apturēts" ;
  pv:serviceManager [ skos:prefLabel "Anna Bērziņa" ] .
ex:S-2 a cpsv:PublicService ;
  dct:identifier "S-2" ;
  dct:title "Otrais"@lv .
"""
)


def _validate(tmp_path: Path, name: str, data: str | bytes) -> list[tuple[str, str, object]]:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    out = tmp_path / "report.json"
    settings = Settings().with_(store_path=tmp_path / "store")
    validate_files(settings, [path], fmt="json", output=out)
    results = json.loads(out.read_text(encoding="utf-8"))["results"]
    return [(r["rule"], r["focus_id"], r["source"]["line"]) for r in results]


def test_turtle_status_points_at_its_line(tmp_path: Path) -> None:
    """C07 at the ``adms:status`` line (18), not the service's (13); the nested node and the
    long string before it do not count. S-2 lacks a status: its own line (20)."""
    results = _validate(tmp_path, "fm.ttl", TURTLE)
    assert ("C07", "S-1", 18) in results
    assert ("C07", "S-2", 20) in results


def test_turtle_lines_of_each_fact_in_the_source_map() -> None:
    loaded = read_portfolio(TURTLE.encode("utf-8"), "fm.ttl")
    resolver = SourceResolver(loaded.sources)
    service = next(
        s for s in loaded.graph.subjects(RDF.type, PV.Service) if str(s).endswith("/S-1")
    )
    assert resolver.resolve(service, ADMS.status) == {"file": "fm.ttl", "line": 18}
    identifier = URIRef("http://purl.org/dc/terms/identifier")
    assert resolver.resolve(service, identifier) == {"file": "fm.ttl", "line": 17}
    # a fact the service lacks: the service's line
    assert resolver.resolve(service, PV.priority) == {"file": "fm.ttl", "line": 13}


def test_ntriples_lines_are_exact(tmp_path: Path) -> None:
    graph = Graph().parse(data=TURTLE, format="turtle")
    lines = sorted(graph.serialize(format="nt").strip().splitlines())
    text = "\n".join(lines) + "\n"
    status = next(n for n, line in enumerate(lines, 1) if "apturēts" in line)
    assert ("C07", "S-1", status) in _validate(tmp_path, "fm.nt", text)


def test_jsonld_points_at_the_key(tmp_path: Path) -> None:
    doc = """{
  "@context": {"dct": "http://purl.org/dc/terms/", "cpsv": "http://purl.org/vocab/cpsv#",
    "cv": "http://data.europa.eu/m8g/", "adms": "http://www.w3.org/ns/adms#",
    "dcat": "http://www.w3.org/ns/dcat#", "skos": "http://www.w3.org/2004/02/skos/core#",
    "status": {"@id": "adms:status"}},
  "@graph": [
    {"@id": "https://x.lv/fm", "@type": "cv:PublicOrganisation", "dct:identifier": "fm",
     "skos:prefLabel": {"@value": "Finanšu ministrija", "@language": "lv"}},
    {"@id": "https://x.lv/S-1",
     "@type": "cpsv:PublicService",
     "dct:identifier": "S-1",
     "dct:title": {"@value": "Pirmais", "@language": "lv"},
     "cv:hasCompetentAuthority": {"@id": "https://x.lv/fm"},
     "status": "apturēts"
    }
  ]
}
"""
    assert ("C07", "S-1", 14) in _validate(tmp_path, "fm.jsonld", doc)


VIDE_CSV = (
    "Iestāde;Pakalpojumu kopuma vadītājs;Iestādes pakalpojuma identifikators;"
    "Pakalpojuma nosaukums;Statuss;Pakalpojuma vadītājs\n"
    "Izdomātā vides aģentūra;Māris Liepa;IVA-001;Atļauja;sniegšana;Laura Eglīte\n"
    "Izdomātā vides aģentūra;Māris Liepa;IVA-002;Ūdens dati;sniegšana;Laura Eglīte\n"
    "Izdomātā vides aģentūra;Māris Liepa;IVA-002;Gaisa dati;sniegšana;Laura Eglīte\n"
)


def test_c21_on_turtle_pvkg_serves_has_both_lines(tmp_path: Path) -> None:
    """pvkg's own Turtle writes ``pvid:institution\\/…\\/service\\/IVA-002\\~2``: both C21
    results carry the line of their ``dct:identifier "IVA-002"``."""
    settings = Settings().with_(store_path=tmp_path / "store")
    store = LocalStore(None)
    try:
        prepare(store, settings)
        store_portfolio(store, read_portfolio(VIDE_CSV.encode("utf-8"), "v.csv"))
        version = current_version(store, "izdomata-vides-agentura")
        assert version is not None
        # the body of GET /portfolios/<inst> (Accept: text/turtle)
        served = store.serialize_graph(version.iri, "turtle").decode("utf-8")
    finally:
        store.close()
    assert "\\/service\\/IVA-002\\~2" in served  # the escaped form this is about
    lines = served.splitlines()
    expected = sorted(n for n, line in enumerate(lines, 1) if '"IVA-002"' in line)
    assert len(expected) == 2
    found = sorted(line for rule, _, line in _validate(tmp_path, "v.ttl", served) if rule == "C21")
    assert found == expected
