"""CORS: ``Access-Control-Allow-Origin: *`` on the anonymous reads, never on writes, over real
HTTP against the app served as ``pvkg serve`` serves it (the lean ``GET /sparql`` in front);
preflights from a foreign origin; ``PVKG_CORS=off``; and a real cross-origin ``fetch`` in
headless Chromium (audit defect 6)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest

from pvkg.errors import InputError
from pvkg.serve_command import load_demo
from pvkg.settings import Settings
from pvkg.store import Store
from service.routes import sparql_fast
from tests.service.served import served_app
from tests.service.test_landing import Chromium, Page, needs_chromium

FOREIGN = "https://yasgui.triply.cc"
ACAO = "access-control-allow-origin"
INSTITUTION = "izdomata-kulturas-parvalde"
UPDATE = "INSERT DATA { <urn:cors> <urn:p> 1 }"


@pytest.fixture
def demo_store(service_settings: Settings, service_store: Store) -> Store:
    load_demo(service_store, service_settings)
    return service_store


@pytest.fixture
def http(
    service_settings: Settings, demo_store: Store, monkeypatch: pytest.MonkeyPatch
) -> Iterator[httpx.Client]:
    with (
        served_app(service_settings, demo_store) as base,
        httpx.Client(base_url=base, headers={"Origin": FOREIGN}, timeout=30) as client,
    ):
        yield client


def _lean_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Records each answer a lean GET /sparql computed itself: "outer" for the one in front of
    the app's middleware (``pvkg serve``), "inner" for the one inside it."""
    seen: list[str] = []
    real = sparql_fast.FastSparqlGet._base_iri

    def spy(self: sparql_fast.FastSparqlGet, scope: dict) -> str:
        seen.append("inner" if self._outermost is None else "outer")
        return real(self, scope)

    monkeypatch.setattr(sparql_fast.FastSparqlGet, "_base_iri", spy)
    return seen


READS: list[tuple[str, str, dict[str, object]]] = [
    ("GET", "/sparql", {"params": {"query": "ASK { ?s ?p ?o }"}}),  # the lean path
    ("GET", "/sparql", {"params": {"query": "SELECT * { ?s ?p }"}}),  # its 400 error
    ("GET", "/sparql", {"params": [("query", "ASK {}"), ("default-graph-uri", "urn:x")]}),
    ("HEAD", "/sparql", {"params": {"query": "ASK {}"}}),
    ("POST", "/sparql", {"data": {"query": "ASK {}"}}),
    (
        "POST",
        "/sparql",
        {"content": "ASK {}", "headers": {"Content-Type": "application/sparql-query"}},
    ),
    ("GET", "/queries", {}),
    ("GET", "/queries/services_without_manager", {"headers": {"Accept": "text/csv"}}),
    ("HEAD", "/queries/services_without_manager", {}),
    ("GET", "/queries/no_such_query", {}),
    ("GET", "/catalog", {}),
    ("GET", "/compliance", {"headers": {"Accept": "application/json"}}),
    ("HEAD", "/compliance", {}),
    ("GET", f"/portfolios/{INSTITUTION}", {"params": {"format": "turtle"}}),
    ("GET", f"/portfolios/{INSTITUTION}/versions", {}),
    ("GET", "/portfolios/nobody-here/versions", {}),
    ("GET", "/store", {"params": {"default": "", "format": "turtle"}}),
    ("HEAD", "/store", {"params": {"default": ""}}),
]


NT = {"Content-Type": "application/n-triples"}
TRIPLE = "<urn:a> <urn:b> <urn:c> ."
WRITES: list[tuple[str, str, dict[str, object], bool]] = [  # (..., with the admin token)
    ("POST", "/sparql/update", {"data": {"update": UPDATE}}, False),
    ("POST", "/sparql/update", {"data": {"update": UPDATE}}, True),
    ("PUT", "/store", {"params": {"graph": "urn:g"}, "content": TRIPLE, "headers": NT}, False),
    ("PUT", "/store", {"params": {"graph": "urn:g"}, "content": TRIPLE, "headers": NT}, True),
    ("POST", "/store", {"params": {"graph": "urn:g"}, "content": TRIPLE, "headers": NT}, False),
    ("DELETE", "/store", {"params": {"graph": "urn:g"}}, True),
    ("PUT", f"/portfolios/{INSTITUTION}", {"files": {"f": ("k.csv", b"x")}}, False),
    ("POST", "/validate", {"content": b"x", "headers": {"Content-Type": "text/csv"}}, False),
    ("DELETE", "/sparql", {}, False),
]


def _cors_headers(response: httpx.Response) -> list[str]:
    return [h for h in response.headers if h.startswith("access-control-")]


def test_reads_allow_every_origin_without_credentials_and_writes_get_nothing(
    http: httpx.Client, admin: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    lean = _lean_calls(monkeypatch)
    for method, path, kwargs in READS:
        response = http.request(method, path, **kwargs)  # type: ignore[arg-type]
        assert response.status_code < 500, (method, path, response.text)
        assert response.headers.get_list(ACAO) == ["*"], (method, path, response.status_code)
        assert _cors_headers(response) == [ACAO], (method, path)  # no Allow-Credentials
    # the hot GETs (the ASK and the malformed SELECT) bypassed the app's middleware; HEAD is
    # turned into a GET inside it
    assert lean == ["outer", "outer", "inner"]

    statuses = []
    for method, path, kwargs, with_token in WRITES:
        headers = {**kwargs.get("headers", {}), **(admin if with_token else {})}  # type: ignore[dict-item]
        options = {k: v for k, v in kwargs.items() if k != "headers"}
        response = http.request(method, path, headers=headers, **options)  # type: ignore[arg-type]
        statuses.append(response.status_code)
        assert _cors_headers(response) == [], (method, path, response.status_code)
    assert 204 in statuses and 201 in statuses, "accepted writes were among them"


def _preflight(
    http: httpx.Client, path: str, method: str, headers: str = "content-type"
) -> httpx.Response:
    return http.options(
        path,
        headers={
            "Access-Control-Request-Method": method,
            "Access-Control-Request-Headers": headers,
        },
    )


READ_PREFLIGHTS = [  # (path, method, the methods approved)
    ("/sparql", "POST", "GET, HEAD, POST"),
    ("/sparql", "GET", "GET, HEAD, POST"),
    ("/queries/services_without_manager", "GET", "GET, HEAD"),
    ("/catalog", "GET", "GET, HEAD"),
    ("/compliance", "GET", "GET, HEAD"),
    (f"/portfolios/{INSTITUTION}", "GET", "GET, HEAD"),
    ("/store", "GET", "GET, HEAD"),
    ("/store", "HEAD", "GET, HEAD"),
]
WRITE_PREFLIGHTS = [
    ("/store", "PUT"),
    ("/store", "DELETE"),
    ("/store", "POST"),
    ("/store/some/graph", "PUT"),
    ("/sparql/update", "POST"),
    (f"/portfolios/{INSTITUTION}", "PUT"),
    ("/validate", "POST"),
    ("/sparql", "DELETE"),
    ("/queries", "POST"),
]


def test_preflights_are_approved_for_reads_only(http: httpx.Client) -> None:
    for path, method, allowed in READ_PREFLIGHTS:
        response = _preflight(http, path, method)
        assert response.status_code == 204 and response.content == b"", (path, method)
        assert response.headers[ACAO] == "*"
        assert response.headers["access-control-allow-methods"] == allowed
        assert response.headers["access-control-allow-headers"] == "Accept, Content-Type"
        assert int(response.headers["access-control-max-age"]) > 0
        assert "access-control-allow-credentials" not in response.headers
    for path, method in WRITE_PREFLIGHTS:
        response = _preflight(http, path, method, "authorization, content-type")
        assert response.status_code >= 400, (path, method)
        assert _cors_headers(response) == [], (path, method)
    # a read asking to send a token: the browser finds Authorization not allowed and refuses
    response = _preflight(http, "/sparql", "POST", "authorization")
    assert "authorization" not in response.headers["access-control-allow-headers"].lower()


def test_pvkg_cors_off_sends_no_cors_header(
    service_settings: Settings, demo_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    lean = _lean_calls(monkeypatch)
    for setting, expected in (("on", ["*"]), ("off", [])):
        settings = service_settings.with_(cors=Settings.from_env({"PVKG_CORS": setting}).cors)
        with (
            served_app(settings, demo_store) as base,
            httpx.Client(base_url=base, headers={"Origin": FOREIGN}, timeout=30) as client,
        ):
            for method, path, kwargs in READS:
                response = client.request(method, path, **kwargs)  # type: ignore[arg-type]
                assert response.headers.get_list(ACAO) == expected, (setting, method, path)
            approved = _preflight(client, "/sparql", "POST").status_code
            assert approved == (204 if expected else 405), setting
    assert lean == ["outer", "outer", "inner"] * 2


@pytest.mark.parametrize("value", ["maybe", "", "*"])
def test_a_bad_cors_setting_fails_fast(value: str) -> None:
    with pytest.raises(InputError, match="PVKG_CORS"):
        Settings.from_env({"PVKG_CORS": value})


def test_cors_is_on_by_default_and_switches_off() -> None:
    assert Settings().cors is True and Settings.from_env({}).cors is True
    assert Settings.from_env({"PVKG_CORS": "OFF"}).cors is False


# --- a real browser on another origin ---------------------------------------------------------

FETCH = """fetch({url!r}, {init}).then(
  async r => ({{ok: r.ok, status: r.status, body: await r.text()}}),
  e => ({{error: String(e)}}))"""


@needs_chromium
def test_a_page_of_another_origin_reads_but_cannot_write(
    service_settings: Settings,
    demo_store: Store,
    browser: Chromium,
    admin: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with served_app(service_settings, demo_store) as base:
        # the same server under another name is another origin: localhost vs 127.0.0.1
        foreign = base.replace("127.0.0.1", "localhost")
        page = Page(browser, f"{foreign}/queries")  # a JSON document: no CSP of its own
        fetch: Callable[[str, str], dict] = lambda url, init: page.eval(  # noqa: E731
            FETCH.format(url=url, init=init)
        )
        direct = fetch(
            f"{base}/sparql",
            '{method: "POST", headers: {"Content-Type": "application/sparql-query", '
            '"Accept": "text/csv"}, body: "SELECT (COUNT(*) AS ?n) { ?s a pv:Service }"}',
        )
        assert direct.get("ok"), direct  # needed a preflight: sparql-query is not a form type
        assert direct["body"].splitlines()[0] == "n"
        lean = fetch(f"{base}/sparql?query=ASK%20%7B%7D", "{}")
        assert lean.get("ok") and '"boolean":true' in lean["body"].replace(" ", ""), lean
        curated = fetch(f"{base}/queries/services_without_manager", "{}")
        assert curated.get("ok"), curated

        token = admin["Authorization"]
        update = fetch(
            f"{base}/sparql/update",
            f'{{method: "POST", headers: {{"Authorization": {token!r}, '
            f'"Content-Type": "application/sparql-update"}}, body: {UPDATE!r}}}',
        )
        assert "error" in update, update  # the preflight was refused: nothing was sent
        put = fetch(
            f"{base}/store?graph=urn:cors",
            f'{{method: "PUT", headers: {{"Authorization": {token!r}, '
            '"Content-Type": "text/turtle"}, body: "<urn:a> <urn:b> <urn:c> ."}',
        )
        assert "error" in put, put
        form = fetch(  # a simple request needs no preflight: sent, but unreadable and refused
            f"{base}/sparql/update",
            f'{{method: "POST", body: new URLSearchParams({{update: {UPDATE!r}}})}}',
        )
        assert "error" in form, form
    assert not demo_store.has_graph("urn:cors")
    assert not demo_store.query("ASK { <urn:cors> ?p ?o }")
