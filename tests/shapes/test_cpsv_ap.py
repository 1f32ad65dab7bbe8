"""The CPSV-AP 3.2.0 profile: the vendored shapes are verbatim, the official example gives
exactly the 6 class-constraint violations of STANDARDS.md §1.5."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from rdflib import Graph

from pvkg.settings import Settings
from pvkg.validation import validate_graph

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = Path(__file__).parent / "data" / "cpsv-ap-example-rdf_public_service.ttl"
CLASS = "http://www.w3.org/ns/shacl#ClassConstraintComponent"
EX = "http://example.com/"
EXPECTED = {
    (EX + "channel1", "http://purl.org/dc/terms/type"),
    (EX + "evidenceType1", "http://data.europa.eu/m8g/evidenceTypeClassification"),
    (EX + "publicOrganisation1", "http://purl.org/dc/terms/spatial"),
    (EX + "requirement1", "http://purl.org/dc/terms/type"),
    (EX + "openingHours1", "http://data.europa.eu/m8g/frequency"),
    (EX + "specialOpeningHours1", "http://data.europa.eu/m8g/frequency"),
}


def test_vendored_shapes_match_the_readme_hash() -> None:
    readme = (ROOT / "shapes" / "external" / "README.md").read_text(encoding="utf-8")
    row = next(line for line in readme.splitlines() if line.startswith("| `cpsv-ap-SHACL.ttl`"))
    recorded = re.findall(r"`([0-9a-f]{64})`", row)[0]
    actual = hashlib.sha256((ROOT / "shapes/external/cpsv-ap-SHACL.ttl").read_bytes()).hexdigest()
    assert actual == recorded
    assert actual.startswith("a314fa6bf8e1b613")  # shared/standards/cpsv-ap/README.md


@pytest.mark.parametrize("engine", ["fast", "pyshacl"])
def test_official_example_gives_the_six_class_violations(engine: str) -> None:
    data = Graph().parse(EXAMPLE, format="turtle")
    report = validate_graph(data, profile="cpsv-ap", settings=Settings(), engine=engine)
    assert not report.conforms
    assert report.counts == {"violation": 6, "warning": 0, "info": 0}
    assert {r.component for r in report.results} == {CLASS}
    assert {(r.focus, r.path) for r in report.results} == EXPECTED


def test_policy_profile_ignores_cpsv_ap_only_data() -> None:
    data = Graph().parse(EXAMPLE, format="turtle")
    report = validate_graph(data, profile="policy", settings=Settings())
    assert report.conforms and report.results == []
