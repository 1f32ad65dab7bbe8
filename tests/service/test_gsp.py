"""Graph Store Protocol details beyond the W3C suite."""

from __future__ import annotations

from fastapi.testclient import TestClient

from pvkg.store import Store

TTL = {"Content-Type": "text/turtle"}


def test_put_creates_then_replaces(client: TestClient, service_store: Store, admin: dict) -> None:
    url = "/store?graph=http://example.org/g"
    first = client.put(url, content=b"<urn:a> <urn:b> 1 .", headers={**TTL, **admin})
    assert first.status_code == 201
    again = client.put(url, content=b"<urn:a> <urn:b> 2 .", headers={**TTL, **admin})
    assert again.status_code == 204
    assert service_store.count("http://example.org/g") == 1
    got = client.get(url, headers={"Accept": "application/n-triples"})
    assert got.headers["content-type"] == "application/n-triples"
    assert '"2"' in got.text


def test_head_has_content_type_and_no_body(client: TestClient, admin: dict) -> None:
    client.put("/store?graph=urn:g", content=b"<urn:a> <urn:b> 1 .", headers={**TTL, **admin})
    response = client.head("/store?graph=urn:g", headers={"Accept": "application/ld+json"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/ld+json"
    assert response.content == b""
    assert client.head("/store?graph=urn:missing").status_code == 404


def test_missing_graph_404_json(client: TestClient, admin: dict) -> None:
    for response in (
        client.get("/store?graph=urn:missing"),
        client.delete("/store?graph=urn:missing", headers=admin),
    ):
        assert response.status_code == 404
        assert response.json()["error"] == "NOT_FOUND"


def test_unknown_media_type_415(client: TestClient, service_store: Store, admin: dict) -> None:
    for content_type in ("application/pdf", "application/n-quads", ""):
        response = client.put(
            "/store?graph=urn:g", content=b"x", headers={"Content-Type": content_type, **admin}
        )
        assert response.status_code == 415, content_type
    assert not service_store.has_graph("urn:g")


def test_syntax_error_400_and_nothing_written(
    client: TestClient, service_store: Store, admin: dict
) -> None:
    response = client.put(
        "/store?graph=urn:g", content=b"<urn:a> <urn:b> .", headers={**TTL, **admin}
    )
    assert response.status_code == 400
    assert response.json()["error"] == "SOURCE_SYNTAX"
    assert not service_store.has_graph("urn:g")


def test_bad_graph_parameters(client: TestClient) -> None:
    assert client.get("/store?graph=urn:a&default").status_code == 400
    assert client.get("/store?graph=relative/iri").status_code == 400
    assert client.get("/store?graph=urn:a&graph=urn:b").status_code == 400


def test_post_without_graph_creates_one(client: TestClient, admin: dict) -> None:
    response = client.post("/store", content=b"<urn:a> <urn:b> 1 .", headers={**TTL, **admin})
    assert response.status_code == 201
    location = response.headers["location"]
    assert client.get("/store", params={"graph": location}).status_code == 200


def test_multipart_post_merges_every_part(
    client: TestClient, service_store: Store, admin: dict
) -> None:
    files = [
        ("a", ("a.ttl", b"<urn:s> <urn:p> 1 .", "text/turtle")),
        ("b", ("b.nt", b'<urn:s> <urn:p> "2" .', "application/n-triples")),
    ]
    response = client.post("/store?graph=urn:multi", files=files, headers=admin)
    assert response.status_code == 201, response.text
    assert service_store.count("urn:multi") == 2


def test_whole_dataset_dump(client: TestClient) -> None:
    response = client.get("/store", headers={"Accept": "application/n-quads"})
    assert response.status_code == 200
    assert "https://pvkg.lv/graph/ontology" in response.text


def test_oversized_bodies_are_refused(service_settings, service_store: Store, admin: dict) -> None:
    from service import create_app

    app = create_app(service_settings.with_(max_upload_bytes=100), service_store)
    with TestClient(app) as small:
        big = b"<urn:a> <urn:b> <urn:c> .\n" * 10
        put = small.put("/store?graph=urn:big", content=big, headers={**TTL, **admin})
        assert put.status_code == 413
        query = small.post(
            "/sparql",
            content="ASK {}" + " " * 200,
            headers={"Content-Type": "application/sparql-query"},
        )
        assert query.status_code == 413
        upload = small.post("/validate?filename=p.csv", content=b"x" * 200)
        assert upload.status_code == 413
    assert not service_store.has_graph("urn:big")
