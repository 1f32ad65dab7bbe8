"""A real store with the reference data, a registry with identifiers, and one fixture portfolio.

The register number ``90000000000`` and Wikidata item ``Q4115189`` (the Wikidata sandbox) in
``data/institutions.csv`` are placeholders for the tests, not the Digital Agency's identifiers.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pyshacl import validate
from rdflib import Graph
from rdflib.namespace import DCTERMS, SH

from loaders import LoadedPortfolio
from pvkg.bootstrap import prepare
from pvkg.institution_registry import load_registry
from pvkg.portfolios import store_portfolio
from pvkg.settings import Settings
from pvkg.store import LocalStore, Store

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).resolve().parents[2]
DCAT_AP = ROOT / "shapes" / "external" / "dcat-ap"
CPSV_AP_SHAPES = ROOT / "shapes" / "external" / "cpsv-ap-SHACL.ttl"
CPSV_AP_ONTOLOGY = ROOT / "ontology" / "imports" / "cpsv-ap.ttl"
BASE_URL = "https://pvkg.example.lv"


def fixture_portfolio(
    filename: str = "portfolio_da.ttl",
    institution_id: str = "digitala-agentura",
    name: str = "Digitālā aģentūra",
) -> LoadedPortfolio:
    data = (DATA / filename).read_bytes()
    graph = Graph().parse(data=data, format="turtle")
    return LoadedPortfolio(
        institution_id=institution_id,
        institution_name=name,
        graph=graph,
        sources=Graph(),
        filename=filename,
        sha256=hashlib.sha256(data).hexdigest(),
        fmt="turtle",
        service_count=len(set(graph.subjects(DCTERMS.identifier, None))),
    )


def ministry_portfolio() -> LoadedPortfolio:
    return fixture_portfolio("portfolio_fm.ttl", "finansu-ministrija", "Finanšu ministrija")


@pytest.fixture
def catalog_settings(settings: Settings) -> Settings:
    return settings.with_(base_url=BASE_URL)


@pytest.fixture
def loaded_store(catalog_settings: Settings) -> Iterator[Store]:
    """Reference data + a registry with a register number and a Wikidata link + one portfolio."""
    store = LocalStore(None)
    prepare(store, catalog_settings)
    load_registry(store, (DATA / "institutions.csv").read_bytes(), "institutions.csv")
    store_portfolio(store, fixture_portfolio(), submitter="test")
    yield store
    store.close()


@pytest.fixture
def two_portfolio_store(loaded_store: Store) -> Store:
    """``loaded_store`` plus a ministry's portfolio, and a second version of the agency's."""
    store_portfolio(loaded_store, ministry_portfolio(), submitter="test")
    second = fixture_portfolio()
    second.sha256 = "0" * 64  # a resubmission: same content, new version 2
    store_portfolio(loaded_store, second, submitter="test")
    return loaded_store


def shacl(data: Graph, shapes: list[Path], ont: Path | None = None) -> tuple[int, int, Graph]:
    """pyshacl (no inference): (violations, warnings, report graph)."""
    shapes_graph = Graph()
    for path in shapes:
        shapes_graph.parse(path, format="turtle")
    ont_graph = Graph().parse(ont, format="turtle") if ont else None
    _, report, _ = validate(
        data, shacl_graph=shapes_graph, ont_graph=ont_graph, inference="none", advanced=True
    )
    assert isinstance(report, Graph)
    top = set(report.objects(None, SH.result))  # nested sh:detail results are not counted
    violations = sum(1 for r in top if (r, SH.resultSeverity, SH.Violation) in report)
    warnings = sum(1 for r in top if (r, SH.resultSeverity, SH.Warning) in report)
    return violations, warnings, report


def results_text(report: Graph) -> str:
    rows = report.query(
        """PREFIX sh: <http://www.w3.org/ns/shacl#>
        SELECT ?sev ?focus ?path ?value ?msg WHERE {
          ?rep sh:result ?r . ?r sh:resultSeverity ?sev ; sh:focusNode ?focus .
        OPTIONAL { ?r sh:resultPath ?path } OPTIONAL { ?r sh:value ?value }
        OPTIONAL { ?r sh:resultMessage ?msg } }"""
    )
    return "\n".join(" | ".join(str(x) for x in row) for row in rows)


def cpsv_shapes() -> Path:
    """The vendored CPSV-AP 3.2.0 shapes (shapes/external, a verbatim copy)."""
    return CPSV_AP_SHAPES


ADMIN = "catalog-admin"


def http_client(settings: Settings, store: Store) -> TestClient:
    """A TestClient on the app (``with`` it); the settings decide the base URL."""
    from service import create_app

    return TestClient(create_app(settings.with_(admin_token=ADMIN), store))


@pytest.fixture
def client(settings: Settings, loaded_store: Store) -> Iterator[TestClient]:
    """The app over ``loaded_store`` with no PVKG_BASE_URL (URLs follow the request)."""
    with http_client(settings, loaded_store) as test_client:
        yield test_client
