"""Writes need the right bearer token; refused writes change nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from pvkg.errors import InputError
from pvkg.portfolios import list_versions
from pvkg.settings import Settings
from pvkg.store import Store
from service import create_app
from service.auth import load_tokens

DEMO = Path(__file__).resolve().parents[2] / "service" / "demo"
KULTURA = "izdomata-kulturas-parvalde"
UPDATE = "INSERT DATA { GRAPH <urn:x> { <urn:a> <urn:b> <urn:c> } }"
TTL = b"<urn:a> <urn:b> <urn:c> ."


def _writes(client: TestClient, headers: dict[str, str]) -> list[int]:
    return [
        client.post(
            "/sparql/update",
            content=UPDATE,
            headers={"Content-Type": "application/sparql-update", **headers},
        ).status_code,
        client.post("/sparql/update", data={"update": UPDATE}, headers=headers).status_code,
        client.put(
            "/store?graph=urn:x", content=TTL, headers={"Content-Type": "text/turtle", **headers}
        ).status_code,
        client.post(
            "/store?graph=urn:x", content=TTL, headers={"Content-Type": "text/turtle", **headers}
        ).status_code,
        client.delete("/store?default", headers=headers).status_code,
    ]


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({}, 401),
        ({"Authorization": "Bearer wrong"}, 403),
        ({"Authorization": "Basic YWRtaW46YWRtaW4="}, 401),
        ({"Authorization": "Bearer kultura-token"}, 403),  # an institution token is not admin
    ],
)
def test_writes_refused(
    client: TestClient, service_store: Store, headers: dict[str, str], status: int
) -> None:
    before = service_store.count()
    assert _writes(client, headers) == [status] * 5
    assert not service_store.has_graph("urn:x")
    assert service_store.count() == before


def test_401_names_the_scheme(client: TestClient) -> None:
    response = client.post("/sparql/update", data={"update": UPDATE})
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert response.json()["error"] == "UNAUTHORIZED"


def test_writes_refused_without_configured_admin_token(service_store: Store) -> None:
    app = create_app(Settings(), service_store)
    with TestClient(app) as client:
        assert _writes(client, {"Authorization": "Bearer anything"}) == [403] * 5
        assert _writes(client, {}) == [403] * 5
    assert not service_store.has_graph("urn:x")


def test_institution_tokens_alone_do_not_enable_writes(
    service_settings: Settings, service_store: Store, institution_headers: dict
) -> None:
    """INTERFACES §6: "Without an admin token configured, writes are refused" (institution
    submissions included; they used to be accepted with a tokens file alone)."""
    app = create_app(service_settings.with_(admin_token=None), service_store)
    data = (DEMO / f"{KULTURA}.csv").read_bytes()
    with TestClient(app) as client:
        response = client.put(
            f"/portfolios/{KULTURA}",
            content=data,
            headers={"Content-Type": "text/csv", **institution_headers[KULTURA]},
        )
    assert response.status_code == 403, response.text
    assert "no admin token" in response.json()["message"]
    assert list_versions(service_store, KULTURA) == []


def test_admin_token_writes(client: TestClient, service_store: Store, admin: dict) -> None:
    assert _writes(client, admin) == [204, 204, 204, 204, 204]
    assert service_store.has_graph("urn:x")


@pytest.mark.parametrize(
    ("token", "status"),
    [(None, 401), ("wrong", 403), ("vide-token", 403), ("admin-secretX", 403)],
)
def test_portfolio_submission_refused(
    client: TestClient, service_store: Store, token: str | None, status: int
) -> None:
    headers = {"Content-Type": "text/csv"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = (DEMO / f"{KULTURA}.csv").read_bytes()
    response = client.put(f"/portfolios/{KULTURA}", content=data, headers=headers)
    assert response.status_code == status, response.text
    assert list_versions(service_store, KULTURA) == []


def test_institution_token_submits_its_own_portfolio(
    client: TestClient, service_store: Store, institution_headers: dict
) -> None:
    data = (DEMO / f"{KULTURA}.csv").read_bytes()
    response = client.put(
        f"/portfolios/{KULTURA}",
        content=data,
        headers={"Content-Type": "text/csv", **institution_headers[KULTURA]},
    )
    assert response.status_code == 201, response.text
    assert [v.number for v in list_versions(service_store, KULTURA)] == [1]


def test_tokens_file_json_and_toml(tmp_path: Path) -> None:
    digest = "a" * 64
    (tmp_path / "t.json").write_text(json.dumps({"varam": digest}), encoding="utf-8")
    (tmp_path / "t.toml").write_text(f'varam = "{digest.upper()}"\n', encoding="utf-8")
    assert load_tokens(tmp_path / "t.json") == {"varam": digest}
    assert load_tokens(tmp_path / "t.toml") == {"varam": digest}
    (tmp_path / "bad.toml").write_text('varam = "plaintext-token"\n', encoding="utf-8")
    with pytest.raises(InputError, match="sha256"):
        load_tokens(tmp_path / "bad.toml")
    with pytest.raises(InputError):
        load_tokens(tmp_path / "missing.toml")


AUDIT = """PREFIX prov: <http://www.w3.org/ns/prov#>
SELECT ?label ?who ?sha ?graph WHERE { GRAPH <https://pvkg.lv/graph/registry> {
  ?a a prov:Activity ; rdfs:label ?label ; prov:wasAssociatedWith ?who ; prov:endedAtTime ?when .
  OPTIONAL { ?a pv:sha256 ?sha }
  OPTIONAL { ?a prov:generated|prov:invalidated ?graph }
} } ORDER BY ?when"""


def test_writes_leave_audit_records(client: TestClient, admin: dict) -> None:
    import hashlib

    # an update ending in a comment and one ending in ';' both get their record appended
    for text in (UPDATE + " # done", UPDATE + " ;"):
        response = client.post(
            "/sparql/update",
            content=text,
            headers={"Content-Type": "application/sparql-update", **admin},
        )
        assert response.status_code == 204, response.text
    client.put("/store?graph=urn:x", content=TTL, headers={"Content-Type": "text/turtle", **admin})
    client.delete("/store?graph=urn:x", headers=admin)
    rows = client.get("/sparql", params={"query": AUDIT}).json()["results"]["bindings"]
    assert [r["label"]["value"] for r in rows] == [
        "SPARQL Update",
        "SPARQL Update",
        "Graph Store Protocol PUT",
        "Graph Store Protocol DELETE",
    ]
    assert {r["who"]["value"] for r in rows} == {"admin"}
    assert rows[0]["sha"]["value"] == hashlib.sha256((UPDATE + " # done").encode()).hexdigest()
    assert rows[3]["graph"]["value"] == "urn:x"


def test_refused_writes_leave_no_audit_record(client: TestClient) -> None:
    client.post("/sparql/update", data={"update": UPDATE}, headers={"Authorization": "Bearer x"})
    assert client.get("/sparql", params={"query": AUDIT}).json()["results"]["bindings"] == []
