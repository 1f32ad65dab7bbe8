"""Nobody in where they do not belong (issue 9 §4): tokens, CSRF, SSRF, injection, headers,
secrets in logs.

The allow-list tests never leave the machine: targets that would be followed are loopback
addresses of a listener started here, or are checked with the inspection function itself.
"""

from __future__ import annotations

import logging
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from pvkg.bootstrap import prepare
from pvkg.curated import find_query, run_curated
from pvkg.errors import InputError
from pvkg.portfolios import list_versions
from pvkg.store import LocalStore, Store
from pvkg.store._inspect import ExternalRequestRefused, check_allowed
from service import create_app
from tests.reliability.conftest import ADMIN, DEMO, TOKENS, bearer, reliability_settings

KULTURA, VIDE = "izdomata-kulturas-parvalde", "izdomata-vides-ministrija"
ALLOWED = "http://good.example"
UPDATE = "INSERT DATA { GRAPH <urn:evil> { <urn:a> <urn:b> <urn:c> } }"


@pytest.fixture
def sec(tmp_path: Path) -> Iterator[tuple[TestClient, Store]]:
    settings = reliability_settings(tmp_path, service_allowlist=(ALLOWED, "http://ok.example/"))
    store = LocalStore(None)
    prepare(store, settings)
    with TestClient(create_app(settings, store), raise_server_exceptions=False) as client:
        yield client, store
    store.close()


def _csv(name: str) -> bytes:
    return (DEMO / f"{name}.csv").read_bytes()


def _put(client: TestClient, inst: str, data: bytes, token: str):  # type: ignore[no-untyped-def]
    headers = {**bearer(token), "Content-Type": "text/csv"}
    return client.put(f"/portfolios/{inst}", content=data, headers=headers)


# -- tokens -------------------------------------------------------------------------------------


def test_institution_token_cannot_write_another_institution(
    sec: tuple[TestClient, Store],
) -> None:
    client, store = sec
    before = store.count()
    response = _put(client, VIDE, _csv(VIDE), TOKENS[KULTURA])
    assert response.status_code == 403 and response.json()["error"] == "FORBIDDEN"
    # its own URL with another institution's file: refused too, nothing stored
    response = _put(client, KULTURA, _csv(VIDE), TOKENS[KULTURA])
    assert response.status_code == 400, response.text
    assert VIDE in response.json()["message"]
    assert not list_versions(store, VIDE) and not list_versions(store, KULTURA)
    assert store.count() == before
    assert _put(client, KULTURA, _csv(KULTURA), TOKENS[KULTURA]).status_code == 201


@pytest.mark.parametrize("token", [TOKENS[KULTURA], TOKENS[VIDE]])
def test_institution_token_cannot_update_or_write_graphs(
    sec: tuple[TestClient, Store], token: str
) -> None:
    client, store = sec
    auth = bearer(token)
    answers = [
        client.post("/sparql/update", data={"update": UPDATE}, headers=auth),
        client.put(
            "/store?graph=urn:evil",
            content=b"<urn:a> <urn:b> <urn:c> .",
            headers={**auth, "Content-Type": "text/turtle"},
        ),
        client.post(
            "/store/x",
            content=b"<urn:a> <urn:b> <urn:c> .",
            headers={**auth, "Content-Type": "text/turtle"},
        ),
        client.delete("/store?graph=https://pvkg.lv/graph/registry", headers=auth),
    ]
    assert [a.status_code for a in answers] == [403] * 4
    assert not store.has_graph("urn:evil")


def test_token_prefix_case_and_hash_tricks_refused(sec: tuple[TestClient, Store]) -> None:
    client, store = sec
    own = TOKENS[KULTURA]
    hashed = __import__("hashlib").sha256(own.encode()).hexdigest()  # the file's value itself
    for token in (own[:-1], own.upper(), own + "x", hashed, ADMIN[:-1], ADMIN.upper()):
        assert _put(client, KULTURA, _csv(KULTURA), token).status_code == 403, token
    assert not list_versions(store, KULTURA)


# -- CSRF: no write through GET, no write without the Authorization header ----------------------


def test_no_write_via_get(sec: tuple[TestClient, Store]) -> None:
    client, store = sec
    before = store.count()
    auth = bearer(ADMIN)
    codes = [
        client.get("/sparql", params={"update": UPDATE}, headers=auth).status_code,
        client.get("/sparql/update", params={"update": UPDATE}, headers=auth).status_code,
        client.get("/sparql", params={"query": UPDATE}, headers=auth).status_code,
        client.get("/store", params={"graph": "urn:evil"}, headers=auth).status_code,
        client.head("/store", params={"graph": "urn:evil"}, headers=auth).status_code,
    ]
    assert all(400 <= c < 500 for c in codes), codes
    assert store.count() == before and not store.has_graph("urn:evil")


def test_cross_site_form_cannot_write(sec: tuple[TestClient, Store]) -> None:
    """A browser form (no Authorization header, cookies and Origin only) is refused."""
    client, store = sec
    headers = {"Origin": "http://evil.example", "Cookie": f"token={ADMIN}"}
    response = client.post("/sparql/update", data={"update": UPDATE}, headers=headers)
    assert response.status_code == 401
    response = client.put(
        f"/portfolios/{KULTURA}", files={"f": ("k.csv", _csv(KULTURA))}, headers=headers
    )
    assert response.status_code == 401
    assert not store.has_graph("urn:evil") and not list_versions(store, KULTURA)
    assert "access-control-allow-origin" not in response.headers


# -- SSRF: SERVICE / LOAD only to the allow-list ------------------------------------------------

REFUSED_EVERYWHERE = [
    "http://127.0.0.1/",
    "http://127.1/",
    "http://[::1]/",
    "http://localhost./",
    "http://0x7f000001/",
    "http://2130706433/",
    "http://169.254.169.254/latest/meta-data/",
    "http://10.0.0.1/",
    "http://192.168.1.1/",
    "file:///etc/passwd",
    "http://good.example.evil.org/",
    "http://good.example@127.0.0.1/",
    "http://good.example:80@127.0.0.1/",
    "http://user:pass@good.example.evil.org/",
    "HTTP://GOOD.EXAMPLE.evil.org/",
    "http://good.examplex/",
    "http://ok.example.evil.org/",
]


@pytest.mark.parametrize("target", REFUSED_EVERYWHERE)
def test_allowlist_refuses_tricky_spellings(target: str) -> None:
    with pytest.raises(ExternalRequestRefused):
        check_allowed([target], (ALLOWED, "http://ok.example/"), "SERVICE")


@pytest.mark.parametrize("target", REFUSED_EVERYWHERE)
def test_service_and_load_to_refused_targets_answer_403(
    sec: tuple[TestClient, Store], target: str
) -> None:
    client, _ = sec
    query = f"SELECT * WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}"
    response = client.post("/sparql", data={"query": query})
    assert response.status_code == 403, response.text
    assert response.json()["error"] == "EXTERNAL_REQUEST_REFUSED"
    response = client.post(
        "/sparql/update",
        data={"update": f"LOAD <{target}> INTO GRAPH <urn:x>"},
        headers=bearer(ADMIN),
    )
    assert response.status_code == 403, response.text


def test_userinfo_trick_reaches_no_loopback_listener(sec: tuple[TestClient, Store]) -> None:
    """``SERVICE <http://good.example@127.0.0.1:PORT/>`` must not connect to PORT."""
    client, _ = sec
    hits: list[int] = []
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(5)
    server.settimeout(0.2)
    port = server.getsockname()[1]
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            hits.append(1)
            conn.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        query = f"SELECT * WHERE {{ SERVICE <{ALLOWED}@127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}"
        response = client.post("/sparql", data={"query": query})
    finally:
        stop.set()
        thread.join(timeout=2)
        server.close()
    assert not hits, f"pvkg connected to the loopback listener (answer {response.status_code})"
    assert response.status_code == 403


# -- SPARQL injection through curated-query parameters -----------------------------------------

INJECTIONS = [
    ("tasks_of_role", "role", "ROLE05> } ; DROP ALL ; #"),
    (
        "tasks_of_role",
        "role",
        "https://pvkg.lv/id/role/ROLE05> } } INSERT DATA { <urn:a> <urn:b> <urn:c",
    ),
    ("services_without_manager", "institution", 'x" } UNION { ?s ?p ?o } #'),
    ("services_without_manager", "institution", "https://pvkg.lv/id/x> ?p ?o } #"),
    ("services_without_manager", "institution", "a\nb"),
]


@pytest.mark.parametrize(("name", "param", "value"), INJECTIONS)
def test_injection_through_curated_parameters_refused(
    sec: tuple[TestClient, Store], name: str, param: str, value: str
) -> None:
    client, store = sec
    before = store.count()
    query = find_query(Path(__file__).resolve().parents[2] / "queries", name)
    with pytest.raises(InputError):
        run_curated(store, query, {param: value})
    if "/queries/{name}" in client.app.openapi()["paths"]:  # type: ignore[attr-defined]
        response = client.get(f"/queries/{name}", params={param: value})
        assert response.status_code == 400, response.text
    assert store.count() == before


def test_unknown_curated_parameter_refused(sec: tuple[TestClient, Store]) -> None:
    _, store = sec
    query = find_query(Path(__file__).resolve().parents[2] / "queries", "tasks_of_role")
    with pytest.raises(InputError):
        run_curated(store, query, {"role } DROP ALL #": "ROLE05"})


# -- security headers on HTML pages -----------------------------------------------------------

HTML_HEADERS = ("x-content-type-options", "x-frame-options", "content-security-policy")


def test_security_headers_on_html_pages(sec: tuple[TestClient, Store]) -> None:
    client, _ = sec
    pages = [client.get("/", headers={"Accept": "text/html"})]
    pages.append(
        client.post(
            "/validate",
            content=_csv(KULTURA),
            headers={"Content-Type": "text/csv", "Accept": "text/html"},
        )
    )
    paths = client.app.openapi()["paths"]  # type: ignore[attr-defined]
    if "/compliance" in paths:
        pages.append(client.get("/compliance", headers={"Accept": "text/html"}))
    pages.append(client.get("/docs"))
    for page in pages:
        assert page.status_code == 200, page.url
        assert page.headers["content-type"].startswith("text/html")
        for header in HTML_HEADERS:
            assert header in page.headers, (page.url, header)
        assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert client.get("/sparql?query=ASK{}").headers["x-content-type-options"] == "nosniff"


# -- secrets never logged ----------------------------------------------------------------------


def test_tokens_never_logged(
    sec: tuple[TestClient, Store], caplog: pytest.LogCaptureFixture
) -> None:
    client, _ = sec
    caplog.set_level(logging.DEBUG)
    secrets = [ADMIN, *TOKENS.values(), "wrong-token-5e1f"]
    for token in secrets:
        auth = bearer(token)
        client.post("/sparql/update", data={"update": UPDATE}, headers=auth)
        client.post("/sparql/update", data={"update": "LOAD <http://x/>"}, headers=auth)
        client.put(
            "/store?graph=urn:z",
            content=b"broken <",
            headers={**auth, "Content-Type": "text/turtle"},
        )
        _put(client, KULTURA, b"PK\x03\x04 broken", token)
        _put(client, VIDE, _csv(VIDE), token)
    text = caplog.text + "".join(str(r.__dict__) for r in caplog.records)
    for token in secrets:
        assert token not in text


# -- dependencies -----------------------------------------------------------------------------


@pytest.mark.skipif(
    __import__("os").environ.get("PVKG_AUDIT_DEPS") != "1",
    reason="needs the network (STYLE.md: no test needs it): set PVKG_AUDIT_DEPS=1, or run "
    "python -m scripts.reliability.audit_deps",
)
def test_no_known_vulnerabilities_in_constraints() -> None:
    from scripts.reliability.audit_deps import audit

    status, details = audit(timeout_s=120)
    if status == "skipped":
        pytest.skip(details["reason"])
    assert status == "clean", details


def test_constraints_pin_every_runtime_dependency() -> None:
    root = Path(__file__).resolve().parents[2]
    pinned = {
        line.split("==")[0].lower().replace("_", "-")
        for line in (root / "constraints.txt").read_text(encoding="utf-8").splitlines()
        if "==" in line and not line.startswith("#")
    }
    for name in (
        "pyoxigraph",
        "rdflib",
        "pyshacl",
        "fastapi",
        "uvicorn",
        "httpx",
        "openpyxl",
        "hypothesis",
        "pytest",
        "oxigraph",
    ):
        assert name in pinned, name
