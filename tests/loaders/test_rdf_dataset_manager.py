"""A portfolio manager written on the dataset (``pv:portfolioManager``) is the institution's
portfolio manager, as one written on the institution is: curated queries and C01 see it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from rdflib.namespace import FOAF

from loaders import read_portfolio
from pvkg.namespaces import PV

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests/shapes/data/rules_audit/c12-labelled-publisher-dataset-manager.ttl"


def test_the_dataset_manager_is_the_institutions_manager() -> None:
    loaded = read_portfolio(FIXTURE.read_bytes(), FIXTURE.name)
    names = {
        str(row.name)
        for row in loaded.graph.query(
            "SELECT ?name { ?inst a pv:Institution ; pv:portfolioManager ?person ."
            " ?person foaf:name ?name }",
            initNs={"pv": PV, "foaf": FOAF},
        )
    }
    assert names == {"Anna Bērziņa"}


def test_a_dataset_manager_beside_another_on_the_institution_gives_c01(tmp_path: Path) -> None:
    text = FIXTURE.read_text(encoding="utf-8").replace(
        'skos:prefLabel "Valsts kanceleja"@lv .',
        'skos:prefLabel "Valsts kanceleja"@lv ; pv:portfolioManager [ foaf:name "Jānis Kalns" ] .',
    )
    path = tmp_path / "two-managers.ttl"
    path.write_text(text, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "pvkg.cli", "validate", str(path), "--format", "json"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    report = json.loads(done.stdout)
    rules = [r["rule"] for r in report["results"]]
    assert "C01" in rules, rules
    assert "C12" not in rules, rules
