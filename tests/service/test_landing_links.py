"""The landing page's links do what they say (audit defect 5): "default graph (Turtle)" gives
Turtle to a browser, and ``/docs`` is Swagger UI from this server's own copy, so it renders
with no network, under a Content-Security-Policy that names no other origin."""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from pvkg.settings import PROJECT_ROOT
from tests.service.test_landing import Chromium, Page, needs_chromium, serve  # noqa: F401

STATIC = PROJECT_ROOT / "service" / "static"
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: dict[str, str] = {}  # link text -> href
        self.urls: list[str] = []  # every href and src
        self._href: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self.urls += [v for k, v in attrs if k in ("href", "src") and v]
        if tag == "a":
            self._href = found.get("href")

    def handle_data(self, data: str) -> None:
        if self._href is not None and data.strip():
            self.hrefs.setdefault(data.strip(), self._href)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a":
            self._href = None


def _links(html: str) -> _Links:
    parser = _Links()
    parser.feed(html)
    return parser


def test_default_graph_link_gives_turtle_to_a_browser(client: TestClient) -> None:
    href = _links(client.get("/").text).hrefs["Noklusētais grafs"]
    response = client.get(href, headers={"Accept": BROWSER_ACCEPT})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == "text/turtle"
    triples = list(ox.parse(response.content, format=ox.RdfFormat.TURTLE))
    everything = client.get("/store", params={"default": ""}, headers={"Accept": "text/plain"})
    assert len(triples) == len(everything.text.strip().splitlines()) > 0


def _inline_hashes(html: bytes) -> set[str]:
    return {
        "'sha256-" + base64.b64encode(hashlib.sha256(script).digest()).decode() + "'"
        for script in re.findall(rb"<script>(.*?)</script>", html, re.S)
    }


@pytest.mark.parametrize("path", ["/docs", "/docs/oauth2-redirect"])
def test_docs_pages_come_from_this_server_only(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    policy = response.headers["content-security-policy"]
    assert "http" not in policy and "jsdelivr" not in policy and "unsafe-eval" not in policy
    script_src = next(p for p in policy.split(";") if p.strip().startswith("script-src"))
    assert "'unsafe-inline'" not in script_src
    hashes = _inline_hashes(response.content)
    assert hashes and all(h in script_src for h in hashes)  # exactly its own inline scripts
    assert "frame-ancestors 'none'" in policy
    assert response.headers["x-frame-options"] == "DENY"
    outside = [u for u in _links(response.text).urls if re.match(r"(https?:)?//", u)]
    assert outside == []


def test_docs_loads_the_vendored_swagger_ui(client: TestClient) -> None:
    urls = _links(client.get("/docs").text).urls
    for name, media in (
        ("swagger-ui-bundle.js", "text/javascript"),
        ("swagger-ui.css", "text/css"),
    ):
        url = next(u for u in urls if u.startswith(f"/static/{name}?v="))
        asset = client.get(url, headers={"Accept-Encoding": "identity"})
        assert asset.status_code == 200 and asset.content == (STATIC / name).read_bytes()
        assert asset.headers["content-type"].split(";")[0] == media
        assert asset.headers["cache-control"] == "public, max-age=31536000, immutable"
    licence = client.get("/static/swagger-ui-LICENSE.txt")
    assert licence.status_code == 200 and "Apache License" in licence.text
    assert client.get("/redoc").status_code == 404  # it would load ReDoc from a CDN


def test_vendored_swagger_ui_is_the_published_one_named_in_the_readme() -> None:
    readme = (STATIC / "swagger-ui.README.md").read_text(encoding="utf-8")
    assert "swagger-ui-dist" in readme and "Apache-2.0" in readme
    sums = dict(
        (name, digest) for digest, name in re.findall(r"^([0-9a-f]{64})  (\S+)$", readme, re.M)
    )
    assert set(sums) == {"swagger-ui-bundle.js", "swagger-ui.css"}
    for name, digest in sums.items():
        assert hashlib.sha256((STATIC / name).read_bytes()).hexdigest() == digest, name
    licence = (STATIC / "swagger-ui-LICENSE.txt").read_text(encoding="utf-8")
    assert "Apache License" in licence and "SmartBear" in licence  # LICENSE and NOTICE
    assert "MIT" in licence  # the bundled libraries' notices
    assert not list(STATIC.glob("*.map")), "source maps are not shipped"


@needs_chromium
def test_docs_renders_every_operation_offline(
    serve: Callable[..., str],  # noqa: F811
    browser: Chromium,
    client: TestClient,
    tmp_path: Path,
) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    operations = sum(1 for item in paths.values() for m in item if m != "parameters")
    origin = serve()
    page = Page(browser, f"{origin}/docs")
    page.wait_for(f"document.querySelectorAll('#swagger-ui .opblock').length >= {operations}")
    assert page.eval("document.querySelector('#swagger-ui .title').textContent").startswith("pvkg")
    assert "/sparql/update" in page.eval("document.getElementById('swagger-ui').innerText")
    page.screenshot(tmp_path / "docs.png")
    assert page.errors() == []  # no failed load, no Content-Security-Policy refusal
    outside = [u for _, u in page.requests() if not u.startswith((origin + "/", "data:", "blob:"))]
    assert outside == [], "the page must work without internet access"
