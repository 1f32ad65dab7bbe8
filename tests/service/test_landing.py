"""The landing page, its offline editor script, the OpenAPI docs and the HTML security headers."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from fastapi.testclient import TestClient


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def test_landing_page_has_an_offline_editor(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    parser = _Collect()
    parser.feed(response.text)
    tags = {tag for tag, _ in parser.tags}
    assert {"textarea", "button", "select"} <= tags
    scripts = [attrs.get("src") for tag, attrs in parser.tags if tag == "script"]
    assert scripts == ["/static/editor.js"]  # no CDN: works offline
    assert not re.search(r"https?://(?!www\.w3\.org)", " ".join(s or "" for s in scripts))
    links = {attrs.get("href") for tag, attrs in parser.tags if tag == "a"}
    assert {"/docs", "/sparql"} <= links
    assert "SELECT" in response.text


def test_security_headers_on_html(client: TestClient) -> None:
    headers = client.get("/").headers
    assert "default-src 'self'" in headers["content-security-policy"]
    assert headers["x-frame-options"] == "DENY"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "no-referrer"


def test_editor_script_posts_to_sparql(client: TestClient) -> None:
    response = client.get("/static/editor.js")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/javascript")
    assert 'fetch("/sparql"' in response.text


def test_examples_in_the_page_run(client: TestClient) -> None:
    script = client.get("/static/editor.js").text
    block = script.split("var EXAMPLES = {", 1)[1].split("};", 1)[0]
    examples = re.findall(r'^\s+\w+: "(.*)",?$', block, flags=re.MULTILINE)
    assert len(examples) >= 5
    for text in examples:
        query = text.encode().decode("unicode_escape")
        response = client.post(
            "/sparql", content=query, headers={"Content-Type": "application/sparql-query"}
        )
        assert response.status_code == 200, (query, response.text)


def test_openapi_docs(client: TestClient) -> None:
    assert client.get("/docs").status_code == 200
    paths = client.get("/openapi.json").json()["paths"]
    for path in ("/sparql", "/sparql/update", "/store", "/portfolios/{institution}", "/validate"):
        assert path in paths
