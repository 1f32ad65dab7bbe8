"""Audit trail (issue 9 §5): every accepted submission and every update records who, when and
what in the graph, where analysts can query it.

What exists: each portfolio version carries ``prov:wasAttributedTo`` (``admin`` or
``institution:<id>``), ``prov:generatedAtTime``, ``pv:sha256``, ``pv:sourceFileName`` and
``prov:wasRevisionOf``, in the registry graph and the default graph. SPARQL updates and Graph
Store writes record a ``prov:Activity`` (who, when, the update's hash or the graph written).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from pvkg.bootstrap import prepare
from pvkg.namespaces import REGISTRY_GRAPH
from pvkg.store import LocalStore, Store
from service import create_app
from tests.reliability.conftest import ADMIN, DEMO, TOKENS, bearer, reliability_settings

KULTURA = "izdomata-kulturas-parvalde"
AUDIT = """PREFIX pv: <https://pvkg.lv/ontology#>
PREFIX prov: <http://www.w3.org/ns/prov#>
SELECT ?n ?who ?when ?sha ?file ?prev WHERE {
  ?v a pv:PortfolioVersion ; pv:institution <https://pvkg.lv/id/institution/%s> ;
     pv:versionNumber ?n ; prov:wasAttributedTo ?who ; prov:generatedAtTime ?when ;
     pv:sha256 ?sha ; pv:sourceFileName ?file .
  OPTIONAL { ?v prov:wasRevisionOf ?prev }
} ORDER BY ?n"""


@pytest.fixture
def audited(tmp_path: Path) -> Iterator[tuple[TestClient, Store]]:
    settings = reliability_settings(tmp_path)
    store = LocalStore(None)
    prepare(store, settings)
    with TestClient(create_app(settings, store), raise_server_exceptions=False) as client:
        yield client, store
    store.close()


def _rows(client: TestClient, query: str) -> list[dict[str, str]]:
    response = client.post(
        "/sparql", data={"query": query}, headers={"Accept": "application/sparql-results+json"}
    )
    assert response.status_code == 200, response.text
    return [{k: v["value"] for k, v in b.items()} for b in response.json()["results"]["bindings"]]


def test_every_accepted_submission_records_who_when_what(
    audited: tuple[TestClient, Store],
) -> None:
    client, _ = audited
    v1 = (DEMO / f"{KULTURA}.csv").read_bytes()
    v2 = v1.replace(b"Toms Akmens", b"Anna Liepa")
    started = datetime.now(UTC) - timedelta(seconds=2)
    for body, token in ((v1, TOKENS[KULTURA]), (v2, ADMIN)):
        response = client.put(
            f"/portfolios/{KULTURA}?filename=kultura.csv",
            content=body,
            headers={**bearer(token), "Content-Type": "text/csv"},
        )
        assert response.status_code == 201, response.text
    rows = _rows(client, AUDIT % KULTURA)  # analysts see it in the default graph
    assert [r["n"] for r in rows] == ["1", "2"]
    assert [r["who"] for r in rows] == [f"institution:{KULTURA}", "admin"]
    assert [r["sha"] for r in rows] == [hashlib.sha256(b).hexdigest() for b in (v1, v2)]
    assert all(r["file"] == "kultura.csv" for r in rows)
    assert "prev" not in rows[0] and rows[1]["prev"].endswith("/portfolio/v/1")
    for r in rows:
        when = datetime.fromisoformat(r["when"].replace("Z", "+00:00"))
        assert started <= when <= datetime.now(UTC) + timedelta(seconds=2)
    versions = client.get(f"/portfolios/{KULTURA}/versions").json()["versions"]
    assert [v["submitter"] for v in versions] == [f"institution:{KULTURA}", "admin"]


def test_a_refused_submission_records_nothing(audited: tuple[TestClient, Store]) -> None:
    client, store = audited
    before = store.count(str(REGISTRY_GRAPH))
    response = client.put(
        f"/portfolios/{KULTURA}",
        content=b"PK\x03\x04",
        headers={**bearer("wrong"), "Content-Type": "text/csv"},
    )
    assert response.status_code == 403
    assert store.count(str(REGISTRY_GRAPH)) == before


ACTIVITIES = """PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX pv: <https://pvkg.lv/ontology#>
SELECT ?a ?who ?when ?sha ?generated WHERE { GRAPH <https://pvkg.lv/graph/registry> {
  ?a a prov:Activity ; prov:wasAssociatedWith ?who ; prov:endedAtTime ?when .
  OPTIONAL { ?a pv:sha256 ?sha } OPTIONAL { ?a prov:generated ?generated }
} }"""


def _activities(client: TestClient) -> list[dict[str, str]]:
    """The write activities, as an analyst sees them over /sparql (in the registry graph only,
    unlike portfolio versions, which are in the default graph too)."""
    return _rows(client, ACTIVITIES)


def _recent(row: dict[str, str]) -> bool:
    when = datetime.fromisoformat(row["when"].replace("Z", "+00:00"))
    return abs((datetime.now(UTC) - when).total_seconds()) < 60


def test_sparql_update_records_who_when_what(audited: tuple[TestClient, Store]) -> None:
    """Regression (found missing by issue 9, recorded since 6cc4317)."""
    client, _ = audited
    update = "INSERT DATA { GRAPH <urn:audit> { <urn:a> <urn:b> <urn:c> } }"
    assert not _activities(client)
    refused = client.post("/sparql/update", data={"update": update}, headers=bearer("wrong"))
    assert refused.status_code == 403 and not _activities(client)
    response = client.post("/sparql/update", data={"update": update}, headers=bearer(ADMIN))
    assert response.status_code == 204
    (row,) = _activities(client)
    assert row["who"] == "admin" and _recent(row)
    assert re.fullmatch(r"[0-9a-f]{64}", row.get("sha", "")), row


def test_graph_store_write_records_who_when_what(audited: tuple[TestClient, Store]) -> None:
    """Regression (found missing by issue 9, recorded since 6cc4317)."""
    client, _ = audited
    response = client.put(
        "/store?graph=urn:audit",
        content=b"<urn:a> <urn:b> <urn:c> .",
        headers={**bearer(ADMIN), "Content-Type": "text/turtle"},
    )
    assert response.status_code == 201
    (row,) = _activities(client)
    assert row["who"] == "admin" and _recent(row) and row.get("generated") == "urn:audit"
