"""JSON-LD source lines point at the object that describes a node, not at a reference to it.

Audit 5, finding 3: ``{"@id": …}`` counted as a mere reference only when its ``}`` was on the
same line, so in pretty-printed JSON-LD (the official CPSV-AP example, rdflib's output) a node
got the line of a reference inside another node.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import Literal, URIRef

from loaders import read_portfolio, read_portfolio_file
from loaders.identity import service_iri
from loaders.rdf_portfolio import _json_first_lines
from pvkg.namespaces import PV, institution_iri
from pvkg.settings import Settings
from pvkg.validate_command import validate_files

DA = "digitala-agentura"
EXAMPLE = "http://example.com/"


def _line(loaded: object, node: URIRef) -> int | None:
    value = loaded.sources.value(node, PV.sourceLine)  # type: ignore[attr-defined]
    return int(value) if value is not None else None


def test_official_example_nodes_are_where_they_are_described(data_dir: Path) -> None:
    """The service refers to them at lines 30, 38 and 47, with ``}`` on the next line."""
    loaded = read_portfolio_file(data_dir / "cpsv_ap_example.jsonld")
    assert _line(loaded, institution_iri(loaded.institution_id)) == 51  # publicOrganisation1
    assert _line(loaded, URIRef(f"{EXAMPLE}requirement1")) == 76
    assert _line(loaded, URIRef(f"{EXAMPLE}channel1")) == 118
    assert _line(loaded, service_iri(loaded.institution_id, "Tax-on-web")) == 20


@pytest.mark.parametrize(
    ("name", "line"), [("status_literal_pretty.jsonld", 62), ("status_literal_compact.jsonld", 50)]
)
def test_service_line_with_references_pretty_or_compact(
    data_dir: Path, name: str, line: int
) -> None:
    """rdflib's JSON-LD of a portfolio (pretty), and the same with ``{"@id": "ex:s2"}`` on one
    line: DA-002 is described at ``line`` either way, not at its ``dct:hasPart`` reference."""
    loaded = read_portfolio_file(data_dir / name)
    assert _line(loaded, service_iri(DA, "DA-002")) == line


def test_c07_points_at_the_status_line(data_dir: Path, tmp_path: Path) -> None:
    """DA-002's ``adms:status "aktīvs"`` is no status of ours: C07, at that key's line (64; the
    service starts on line 62)."""
    name = "status_literal_pretty.jsonld"
    out = tmp_path / "report.json"
    settings = Settings().with_(store_path=tmp_path / "store")
    assert validate_files(settings, [data_dir / name], fmt="json", output=out) == 1
    results = json.loads(out.read_text(encoding="utf-8"))["results"]
    c07 = [(r["focus_id"], r["source"]) for r in results if r["rule"] == "C07"]
    assert c07 == [("DA-002", {"file": name, "line": 64})]


DOC = """{
  "@context": {
    "dct": "http://purl.org/dc/terms/", "cpsv": "http://purl.org/vocab/cpsv#",
    "cv": "http://data.europa.eu/m8g/", "skos": "http://www.w3.org/2004/02/skos/core#",
    "ex": "https://example.lv/",
    "authority": {"@id": "cv:hasCompetentAuthority", "@type": "@id"}
  },
  "@graph": [
    {"@type": "cpsv:PublicService", "@id": "ex:s1", "dct:identifier": "S-1",
     "dct:title": {"@value": "Pakalpojums", "@language": "lv"},
     "authority": "ex:org",
     "cv:hasChannel": {
       "@id": "ex:channel"
     }
    },
    {
      "skos:prefLabel": {"@value": "Iestāde", "@language": "lv"},
      "@id"
        :
        "ex:org"
    }
  ]
}"""


def test_id_anywhere_in_an_object_and_on_any_line() -> None:
    """``@id`` after other keys, or split over lines, still names the described node."""
    loaded = read_portfolio(DOC.encode(), "p.jsonld")
    inst = institution_iri(loaded.institution_id)
    assert _line(loaded, service_iri(loaded.institution_id, "S-1")) == 9
    assert _line(loaded, inst) == 20  # the line of its "@id" value
    assert loaded.graph.value(inst, URIRef("http://www.w3.org/2004/02/skos/core#prefLabel")) == (
        Literal("Iestāde", lang="lv")
    )


def test_references_count_only_for_nodes_nothing_describes() -> None:
    """``{"@id": …}`` alone gives a line only to a node described nowhere; the term
    definitions of an ``@context`` are not nodes."""
    lines = _json_first_lines(
        DOC, {"ex": "https://example.lv/", "cv": "http://data.europa.eu/m8g/"}
    )
    assert lines["https://example.lv/channel"] == 13
    assert lines["https://example.lv/org"] == 20
    assert "http://data.europa.eu/m8g/hasCompetentAuthority" not in lines
