"""Fixtures for the ontology tests: the merged ontology graph and the domain CSV copies."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from rdflib import Graph

from pvkg.settings import Settings

DATA = Path(__file__).parent / "data"


def read_csv(name: str) -> list[dict[str, str]]:
    """Rows of one of the domain CSV copies in ``data/``."""
    with (DATA / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="session")
def ontology_dir() -> Path:
    """The shipped ontology folder."""
    return Settings().ontology_dir


@pytest.fixture(scope="session")
def ontology(ontology_dir: Path) -> Graph:
    """All top-level ontology files in one rdflib graph (what bootstrap loads into the store)."""
    graph = Graph()
    for path in sorted(ontology_dir.glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph
