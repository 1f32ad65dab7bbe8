"""Curated queries and the DCAT-AP catalogue over HTTP, on the invented demo portfolios."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from pvkg.catalog import knowledge_graph_bytes, portfolio_bytes
from pvkg.portfolios import current_version
from pvkg.serve_command import load_demo
from pvkg.settings import Settings
from pvkg.store import Store
from service import create_app


@pytest.fixture
def demo_client(service_settings: Settings, service_store: Store) -> Iterator[TestClient]:
    load_demo(service_store, service_settings)
    with TestClient(create_app(service_settings, service_store)) as client:
        yield client


def test_query_list(demo_client: TestClient) -> None:
    listed = demo_client.get("/queries").json()["queries"]
    names = {q["name"] for q in listed}
    assert {"services_without_manager", "manager_load", "services_by_type"} <= names
    assert all(q["href"] == f"/queries/{q['name']}" for q in listed)


def test_services_without_manager_finds_the_invented_one(demo_client: TestClient) -> None:
    response = demo_client.get("/queries/services_without_manager", headers={"Accept": "text/csv"})
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [r["service_id"] for r in rows] == ["IDPA-004"]
    as_json = demo_client.get("/queries/services_without_manager").json()
    assert len(as_json["results"]["bindings"]) == 1


def test_query_errors(demo_client: TestClient) -> None:
    assert demo_client.get("/queries/nope").json()["error"] == "UNKNOWN_QUERY"
    bad = demo_client.get("/queries/services_by_type", params={"bogus": "1"})
    assert (bad.status_code, bad.json()["error"]) == (400, "BAD_PARAMETER")
    xml = demo_client.get("/queries/services_by_type", headers={"Accept": "application/xml"})
    assert xml.status_code == 406


def test_catalog_and_download_urls_serve_the_counted_bytes(
    demo_client: TestClient, service_store: Store
) -> None:
    catalog = demo_client.get("/catalog")
    assert catalog.status_code == 200
    assert "http://www.w3.org/ns/dcat#Catalog" in catalog.text or "dcat:Catalog" in catalog.text
    assert demo_client.get("/catalog?format=jsonld").headers["content-type"] == (
        "application/ld+json"
    )
    for fmt in ("turtle", "nt", "jsonld", "rdfxml"):
        whole = demo_client.get(f"/store?default&format={fmt}")
        assert whole.content == knowledge_graph_bytes(service_store, fmt)
        version = current_version(service_store, "izdomata-kulturas-parvalde")
        assert version is not None
        one = demo_client.get(f"/portfolios/izdomata-kulturas-parvalde?format={fmt}")
        assert one.content == portfolio_bytes(service_store, version.iri, fmt)
    refused = demo_client.get("/store?default&format=pdf")  # the answer's format: 406, not 415
    assert refused.status_code == 406 and refused.json()["error"] == "NOT_ACCEPTABLE"
    bogus = demo_client.get("/portfolios/izdomata-kulturas-parvalde?format=bogus")
    assert bogus.status_code == 406 and bogus.json()["error"] == "NOT_ACCEPTABLE"


def test_compliance_dashboard_and_json(demo_client: TestClient) -> None:
    page = demo_client.get("/compliance")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "content-security-policy" in page.headers
    assert "<svg" in page.text and "<script" not in page.text
    assert "Izdomātā Zemgales novada pašvaldība" in page.text
    data = demo_client.get("/compliance", headers={"Accept": "application/json"}).json()
    by_id = {r["institution_id"]: r for r in data["institutions"]}
    assert by_id["izdomata-kulturas-parvalde"]["conforms"] is True
    assert by_id["izdomata-digitalo-pakalpojumu-agentura"]["violations"] >= 2
    assert by_id["izdomata-zemgales-novada-pasvaldiba"]["conforms"] is False
