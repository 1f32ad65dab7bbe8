"""SPARQL 1.1 Protocol details beyond the W3C suite: negotiation, errors, safety limits."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import threading
import time
from pathlib import Path
from xml.etree import ElementTree

import pytest
from fastapi.testclient import TestClient

from pvkg.settings import Settings
from pvkg.store import LocalStore, Store
from service import create_app

SELECT = "SELECT ?s ?label WHERE { ?s skos:prefLabel ?label } ORDER BY ?s ?label LIMIT 3"
CONSTRUCT = "CONSTRUCT { ?s a ?c } WHERE { ?s a ?c } LIMIT 5"
SPARQL_JSON = "application/sparql-results+json"


def query(client: TestClient, text: str, accept: str | None = None, **params: str):
    headers = {"Accept": accept} if accept else {}
    return client.get("/sparql", params={"query": text, **params}, headers=headers)


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, SPARQL_JSON),
        ("application/json", "application/json"),
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv", "text/csv"),
        ("text/tab-separated-values", "text/tab-separated-values"),
        ("text/csv;q=0.4, application/sparql-results+xml;q=0.8", "application/sparql-results+xml"),
        ("text/html, application/xhtml+xml, */*;q=0.8", SPARQL_JSON),
        ("text/*;q=0.9, application/sparql-results+json;q=0.5", "text/csv"),
        ("text/tab-separated-values, text/csv", "text/tab-separated-values"),
    ],
)
def test_select_negotiation(client: TestClient, accept: str | None, expected: str) -> None:
    response = query(client, SELECT, accept)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].split(";")[0] == expected


def test_select_bodies_agree_across_formats(client: TestClient) -> None:
    as_json = query(client, SELECT, SPARQL_JSON).json()
    rows = [(b["s"]["value"], b["label"]["value"]) for b in as_json["results"]["bindings"]]
    assert len(rows) == 3
    as_csv = list(csv.reader(io.StringIO(query(client, SELECT, "text/csv").text)))
    assert as_csv[0] == ["s", "label"]
    assert [tuple(r) for r in as_csv[1:]] == rows
    tsv = query(client, SELECT, "text/tab-separated-values").text.splitlines()
    assert tsv[0] == "?s\t?label"
    assert tsv[1].startswith(f"<{rows[0][0]}>\t")
    xml = ElementTree.fromstring(query(client, SELECT, "application/sparql-results+xml").content)
    ns = "{http://www.w3.org/2005/sparql-results#}"
    assert len(xml.findall(f"{ns}results/{ns}result")) == 3


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, "text/turtle"),
        ("application/n-triples", "application/n-triples"),
        ("application/ld+json", "application/ld+json"),
        ("application/rdf+xml", "application/rdf+xml"),
        ("application/sparql-results+json;q=1, text/turtle;q=0.2", "text/turtle"),
    ],
)
def test_graph_negotiation(client: TestClient, accept: str | None, expected: str) -> None:
    response = query(client, CONSTRUCT, accept)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].split(";")[0] == expected
    assert response.content


def test_ask_in_turtle_is_not_acceptable(client: TestClient) -> None:
    response = query(client, "ASK {}", "text/turtle")
    assert response.status_code == 406
    assert response.json()["error"] == "NOT_ACCEPTABLE"


def test_post_form_and_direct(client: TestClient) -> None:
    form = client.post("/sparql", data={"query": "ASK {}"}, headers={"Accept": SPARQL_JSON})
    assert form.json() == {"head": {}, "boolean": True}
    direct = client.post(
        "/sparql", content="ASK { ?s ?p ?o }", headers={"Content-Type": "application/sparql-query"}
    )
    assert direct.json()["boolean"] is True


@pytest.mark.parametrize(
    ("method", "kwargs", "status", "code"),
    [
        ("get", {"params": [("query", "ASK {}"), ("query", "ASK {}")]}, 400, "BAD_INPUT"),
        ("get", {"params": {"query": "SELECT * WHERE {"}}, 400, "QUERY_SYNTAX"),
        ("get", {"params": {"query": "FOO BAR"}}, 400, "QUERY_SYNTAX"),
        ("post", {"data": {"nothing": "here"}}, 400, "BAD_INPUT"),
        (
            "post",
            {"content": "ASK {}", "headers": {"Content-Type": "text/plain"}},
            415,
            "UNSUPPORTED_FORMAT",
        ),
        ("post", {"content": "ASK {}"}, 415, "UNSUPPORTED_FORMAT"),
        (
            "post",
            {
                "content": "ASK {}".encode("utf-16"),
                "headers": {"Content-Type": "application/sparql-query; charset=UTF-16"},
            },
            415,
            "UNSUPPORTED_FORMAT",
        ),
        (
            "post",
            {"content": b"ASK {\xff}", "headers": {"Content-Type": "application/sparql-query"}},
            400,
            "BAD_INPUT",
        ),
        ("put", {"params": {"query": "ASK {}"}}, 405, "METHOD_NOT_ALLOWED"),
        ("get", {"params": {"update": "CLEAR ALL"}}, 405, "METHOD_NOT_ALLOWED"),
    ],
)
def test_malformed_requests(
    client: TestClient, method: str, kwargs: dict, status: int, code: str
) -> None:
    response = getattr(client, method)("/sparql", **kwargs)
    assert response.status_code == status, response.text
    body = response.json()
    assert body["error"] == code
    assert body["message"]
    assert "Traceback" not in response.text


def test_get_on_update_url_is_405(client: TestClient) -> None:
    response = client.get("/sparql/update", params={"update": "CLEAR ALL"})
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"


def test_service_description(client: TestClient) -> None:
    response = client.get("/sparql", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/turtle")
    assert "sparql-service-description#Service" in response.text
    assert "http://testserver/sparql" in response.text
    browser = client.get("/sparql", headers={"Accept": "text/html"}, follow_redirects=False)
    assert browser.status_code == 303


def test_prefixes_are_predeclared(client: TestClient) -> None:
    response = query(client, "ASK { ?s a owl:Class }", SPARQL_JSON)
    assert response.json()["boolean"] is True


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * WHERE { SERVICE <http://169.254.169.254/latest/> { ?s ?p ?o } }",
        "SELECT * { ?a ?b ?c OPTIONAL { SERVICE SILENT <http://evil.example/q> { ?s ?p ?o } } }",
        "PREFIX e: <http://evil.example/> SELECT * { { SELECT * { SERVICE e:q { ?s ?p ?o } } } }",
        "SELECT * WHERE { BIND(<http://x.example/> AS ?u) SERVICE ?u { ?s ?p ?o } }",
        "select * where { service <http://evil.example/q> { ?s ?p ?o } }",
        # SPARQL 1.2 syntax rdflib cannot parse: the keyword scan still finds the SERVICE
        "SELECT * WHERE { << ?a ?b ?c >> ?p ?o . SERVICE <http://evil.example/q> { ?s ?p ?o } }",
    ],
)
def test_service_outside_allowlist_refused(client: TestClient, text: str) -> None:
    response = query(client, text)
    assert response.status_code == 403, response.text
    assert response.json()["error"] == "EXTERNAL_REQUEST_REFUSED"


def test_service_word_in_string_is_not_a_service(client: TestClient) -> None:
    response = query(client, 'SELECT ?x WHERE { BIND("SERVICE <http://evil/>" AS ?x) }')
    assert response.status_code == 200


def test_load_and_service_in_update_refused(
    client: TestClient, service_store: Store, admin: dict[str, str]
) -> None:
    before = service_store.count()
    for text in (
        "LOAD <http://evil.example/data.ttl>",
        "LOAD SILENT <file:///etc/passwd> INTO GRAPH <urn:x>",
        "INSERT { ?s ?p ?o } WHERE { SERVICE <http://evil.example/q> { ?s ?p ?o } }",
    ):
        response = client.post(
            "/sparql/update",
            content=text,
            headers={"Content-Type": "application/sparql-update", **admin},
        )
        assert response.status_code == 403, (text, response.text)
    assert service_store.count() == before


def _slow_store(triples: int = 3000) -> LocalStore:
    store = LocalStore(None)
    data = "".join(f'<http://e/{i}> <http://e/p> "{i}" .\n' for i in range(triples))
    store.load_data(data.encode(), "nt")
    return store


SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?c ?q ?d . ?e ?f ?g }"  # 2.7e10 rows


def _children() -> set[int]:
    pids: set[int] = set()
    for task in Path("/proc/self/task").glob("*"):
        with contextlib.suppress(OSError):
            pids.update(int(p) for p in (task / "children").read_text().split())
    return pids


def _cpu_seconds() -> float:
    times = os.times()
    return times.children_user + times.children_system


def test_timeout_stops_a_slow_query_and_the_server_keeps_answering(
    service_settings: Settings,
) -> None:
    store = _slow_store()
    app = create_app(service_settings.with_(query_timeout_s=1.0), store)
    with TestClient(app) as client:
        children_before = _children()
        started = time.monotonic()
        response = query(client, SLOW)
        elapsed = time.monotonic() - started
        # the query process was killed and reaped: no child left burning CPU (workers of
        # stores from earlier tests may have been collected meanwhile)
        assert _children() <= children_before
        cpu = _cpu_seconds()
        time.sleep(0.5)
        assert _cpu_seconds() == cpu
        assert response.status_code == 503, response.text
        assert response.json()["error"] == "QUERY_TIMEOUT"
        assert elapsed < 3.0
        fast = query(client, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        assert fast.json()["results"]["bindings"][0]["n"]["value"] == "3000"


def test_slow_query_does_not_block_a_fast_one(service_settings: Settings) -> None:
    store = _slow_store()
    app = create_app(service_settings.with_(query_timeout_s=3.0), store)
    with TestClient(app) as client:
        slow_status: list[int] = []
        thread = threading.Thread(
            target=lambda: slow_status.append(query(client, SLOW).status_code)
        )
        thread.start()
        time.sleep(0.3)
        started = time.monotonic()
        fast = query(client, "ASK { <http://e/1> ?p ?o }")
        fast_elapsed = time.monotonic() - started
        thread.join(timeout=10)
        assert fast.json()["boolean"] is True
        assert fast_elapsed < 1.0
        assert slow_status == [503]


def test_result_size_cap(service_settings: Settings) -> None:
    app = create_app(service_settings.with_(max_result_rows=100), _slow_store(500))
    with TestClient(app) as client:
        response = query(client, "SELECT * WHERE { ?s ?p ?o }")
        assert response.status_code == 413
        assert "max_result_rows" in response.json()["message"]
        assert query(client, "SELECT * WHERE { ?s ?p ?o } LIMIT 100").status_code == 200
        assert query(client, "CONSTRUCT WHERE { ?s ?p ?o }").status_code == 413


def test_update_with_admin_token(
    client: TestClient, service_store: Store, admin: dict[str, str]
) -> None:
    response = client.post(
        "/sparql/update",
        data={"update": "INSERT DATA { GRAPH <urn:g> { <urn:a> <urn:b> 'c' } }"},
        headers=admin,
    )
    assert response.status_code == 204, response.text
    assert service_store.count("urn:g") == 1


def test_unexpected_errors_are_json_without_internals(service_settings: Settings) -> None:
    class Broken(LocalStore):
        def query_serialized(self, *args: object, **kwargs: object):  # type: ignore[override]
            raise RuntimeError("secret internal detail")

        async def query_serialized_async(self, *args: object, **kwargs: object):  # type: ignore[override]
            raise RuntimeError("secret internal detail")

    with TestClient(create_app(service_settings, Broken(None)), raise_server_exceptions=False) as c:
        response = query(c, "ASK {}")
    assert response.status_code == 500
    assert response.json()["error"] == "INTERNAL"
    assert "secret" not in response.text


def test_unknown_path_is_json_404(client: TestClient) -> None:
    response = client.get("/nowhere")
    assert response.status_code == 404
    assert json.loads(response.text)["error"] == "NOT_FOUND"


@pytest.mark.parametrize(
    ("target", "allowed"),
    [
        ("http://good.example/sparql", True),
        ("http://good.example", True),
        ("http://GOOD.example:80/x", True),
        ("http://good.example.evil.org/", False),
        ("http://good.examplex/", False),
        ("http://good.example@127.0.0.1/", False),
        ("http://user:pw@good.example/", False),
        ("https://good.example/", False),
        ("http://good.example:8080/", False),
        ("http://ok.example/data/x.ttl", True),
        ("http://ok.example/database", False),
        ("file:///etc/passwd", False),
    ],
)
def test_allowlist_matches_whole_hosts_and_path_segments(target: str, allowed: bool) -> None:
    from pvkg.store._inspect import ExternalRequestRefused, check_allowed

    allowlist = ("http://good.example", "http://ok.example/data")
    if allowed:
        check_allowed([target], allowlist, "SERVICE")
    else:
        with pytest.raises(ExternalRequestRefused):
            check_allowed([target], allowlist, "SERVICE")


@pytest.mark.parametrize("key", ["default-graph-uri", "named-graph-uri"])
def test_invalid_dataset_iris_are_400(client: TestClient, key: str) -> None:
    response = client.get("/sparql", params={"query": "ASK {}", key: "not an iri"})
    assert response.status_code == 400
    assert response.json()["error"] == "BAD_INPUT"


def test_invalid_using_iri_is_400(client: TestClient, admin: dict[str, str]) -> None:
    response = client.post(
        "/sparql/update",
        params={"using-graph-uri": "a b"},
        content="INSERT { <urn:a> <urn:b> ?o } WHERE { ?s ?p ?o }",
        headers={"Content-Type": "application/sparql-update", **admin},
    )
    assert response.status_code == 400
