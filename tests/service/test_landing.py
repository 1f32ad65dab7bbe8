"""The landing page: vendored YASGUI on ``/sparql``, the curated queries as examples, the plain
editor as the fallback, the static files' headers, and the page in a real (headless) Chromium.

The browser tests drive Debian's ``chromium`` over the DevTools protocol on a pipe
(``--remote-debugging-pipe``), so they need no websocket library and no browser driver. Set
``PVKG_SCREENSHOTS=<folder>`` to keep the screenshots they take.
"""

from __future__ import annotations

import base64
import contextlib
import fnmatch
import gzip
import hashlib
import json
import os
import re
import shutil
import socket
import subprocess
import threading
import time
import tomllib
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi.testclient import TestClient
from starlette.types import ASGIApp, Receive, Scope, Send

from loaders import read_portfolio_file
from pvkg.settings import PROJECT_ROOT, Settings
from pvkg.store import Store
from pvkg.submission import submit_portfolio
from service import create_app
from tests.chromium import CHROMIUM, HEADLESS_FLAGS, png_size_and_colours

STATIC = PROJECT_ROOT / "service" / "static"
VENDOR = STATIC / "vendor" / "yasgui"
QUERIES = sorted(p.stem for p in (PROJECT_ROOT / "queries").glob("*.rq"))
DATA = PROJECT_ROOT / "tests" / "queries" / "data"
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="Debian chromium is not installed (.ci/run installs it)"
)


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.data: dict[str, str] = {}
        self._open: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._open = dict(attrs).get("id")

    def handle_data(self, data: str) -> None:
        if self._open:
            self.data[self._open] = self.data.get(self._open, "") + data


def _page(client: TestClient) -> _Collect:
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    parser = _Collect()
    parser.feed(response.text)
    return parser


# --- the page as HTML ------------------------------------------------------------------------


def test_landing_page_loads_yasgui_and_the_plain_editor_from_this_server(
    client: TestClient,
) -> None:
    page = _page(client)
    tags = {tag for tag, _ in page.tags}
    assert {"textarea", "button", "select"} <= tags  # the plain editor, kept as the fallback
    scripts = [attrs.get("src") for tag, attrs in page.tags if tag == "script" and "src" in attrs]
    assert [re.sub(r"\?v=[0-9a-f]{16}$", "", s or "") for s in scripts] == [
        "/static/vendor/yasgui/yasgui.min.js",
        "/static/editor.js",
        "/static/landing.js",
    ]
    styles = [a.get("href") for t, a in page.tags if t == "link" and a.get("rel") == "stylesheet"]
    assert [re.sub(r"\?v=\w+$", "", s or "") for s in styles] == [
        "/static/vendor/yasgui/yasgui.min.css"
    ]
    urls = [a.get("src") or a.get("href") or "" for _, a in page.tags]
    assert not [u for u in urls if re.match(r"(https?:)?//", u)], "no CDN: works offline"
    links = {attrs.get("href") for tag, attrs in page.tags if tag == "a"}
    assert {"/compliance", "/catalog", "/docs", "/sparql?format=turtle", "/queries"} <= links
    assert "{{" not in client.get("/").text  # every placeholder filled


def test_curated_queries_are_in_the_page_and_run(client: TestClient) -> None:
    examples = json.loads(_page(client).data["curated-queries"])
    assert [e["name"] for e in examples] == QUERIES
    for example in examples:
        assert example["summary"] and "SELECT" in example["sparql"].upper()
        response = client.post(
            "/sparql",
            content=example["sparql"],
            headers={"Content-Type": "application/sparql-query"},
        )
        assert response.status_code == 200, (example["name"], response.text)


def test_a_query_text_cannot_end_the_json_block(
    service_settings: Settings, service_store: Store, tmp_path: Path
) -> None:
    queries = tmp_path / "queries"
    queries.mkdir()
    (queries / "hostile.rq").write_text(
        '#+ summary: "</script><script>alert(1)</script> & <!--"\n#+ tags: [x]\n'
        'SELECT * WHERE { ?s ?p "</script>" }\n',
        encoding="utf-8",
    )
    app = create_app(service_settings.with_(queries_dir=queries), service_store)
    with TestClient(app) as client:
        text = client.get("/").text
        block = text.split('<script type="application/json" id="curated-queries">', 1)[1]
        block = block.split("</script>", 1)[0]
        assert "<" not in block and "&" not in block
        (example,) = json.loads(block)
        assert example["summary"] == "</script><script>alert(1)</script> & <!--"
        assert '"</script>"' in example["sparql"]


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
    assert not [p for p in paths if p.startswith("/static")]


# --- the static files ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "media"),
    [
        ("vendor/yasgui/yasgui.min.js", "text/javascript"),
        ("vendor/yasgui/yasgui.min.css", "text/css"),
        ("vendor/yasgui/LICENSE", "text/plain"),
        ("landing.js", "text/javascript"),
    ],
)
def test_static_files_media_type_gzip_and_caching(
    client: TestClient, name: str, media: str
) -> None:
    raw = (STATIC / name).read_bytes()
    plain = client.get(f"/static/{name}", headers={"Accept-Encoding": "identity"})
    assert plain.status_code == 200 and plain.content == raw
    assert plain.headers["content-type"].split(";")[0] == media
    assert "content-encoding" not in plain.headers
    assert plain.headers["cache-control"] == "public, max-age=300"  # unversioned URL
    assert plain.headers["x-content-type-options"] == "nosniff"

    versioned = next(u for u in re.findall(r'"(/static/[^"]+)"', client.get("/").text) if name in u)
    zipped = client.get(versioned, headers={"Accept-Encoding": "gzip, br"})
    assert zipped.headers["content-encoding"] == "gzip" and zipped.content == raw
    assert zipped.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert zipped.headers["vary"] == "Accept-Encoding"
    assert int(zipped.headers["content-length"]) == len(gzip.compress(raw, 9, mtime=0))
    again = client.get(versioned, headers={"If-None-Match": zipped.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    refused = client.get(f"/static/{name}", headers={"Accept-Encoding": "gzip;q=0"})
    assert "content-encoding" not in refused.headers


def test_the_bundle_is_served_compressed_to_a_quarter(client: TestClient) -> None:
    url = next(u for u in re.findall(r'"(/static/[^"]+)"', client.get("/").text) if "min.js" in u)
    with client.stream("GET", url, headers={"Accept-Encoding": "gzip"}) as response:
        wire = b"".join(response.iter_raw())
    assert len(wire) < (VENDOR / "yasgui.min.js").stat().st_size / 3


@pytest.mark.parametrize(
    "path",
    [
        "/static/index.html",
        "/static/../routes/landing.py",
        "/static/vendor/yasgui/README.md",
        "/static/vendor/yasgui/yasgui.min.js.map",
        "/static/nothing.js",
    ],
)
def test_other_static_paths_are_not_found(client: TestClient, path: str) -> None:
    assert client.get(path).status_code == 404


def test_vendored_files_are_the_published_ones_named_in_the_readme() -> None:
    readme = (VENDOR / "README.md").read_text(encoding="utf-8")
    assert "@zazuko/yasgui" in readme and "MIT" in readme
    sums = dict(
        (name, digest) for digest, name in re.findall(r"^([0-9a-f]{64})  (\S+)$", readme, re.M)
    )
    assert set(sums) == {"yasgui.min.js", "yasgui.min.css"}
    for name, digest in sums.items():
        assert hashlib.sha256((VENDOR / name).read_bytes()).hexdigest() == digest, name
    assert "MIT License" in (VENDOR / "LICENSE").read_text(encoding="utf-8")
    assert "codemirror" in (VENDOR / "THIRD-PARTY-LICENSES.txt").read_text(encoding="utf-8")


def test_package_data_ships_every_static_file() -> None:
    config = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    globs = config["tool"]["setuptools"]["package-data"]["service"]
    files = [p.relative_to(STATIC.parent).as_posix() for p in STATIC.rglob("*") if p.is_file()]
    assert any(f.startswith("static/vendor/yasgui/") for f in files)

    def shipped(file: str) -> bool:  # setuptools globs: "*" stays inside one folder
        folder, _, name = file.rpartition("/")
        return any(
            folder == glob.rpartition("/")[0] and fnmatch.fnmatch(name, glob.rpartition("/")[2])
            for glob in globs
        )

    missing = [f for f in files if not shipped(f)]
    assert missing == []


# --- headless Chromium -----------------------------------------------------------------------


class Chromium:
    """Headless Chromium spoken to over the DevTools protocol on a pipe (fds 3 and 4)."""

    def __init__(self, profile: Path) -> None:
        to_chrome_r, to_chrome_w = os.pipe()
        from_chrome_r, from_chrome_w = os.pipe()
        self.log = profile.with_suffix(".log")
        with self.log.open("wb") as log:
            self.proc = subprocess.Popen(
                [
                    "bash",
                    "-c",
                    f'exec "$0" "$@" 3<&{to_chrome_r} 4>&{from_chrome_w}',
                    CHROMIUM or "chromium",
                    *HEADLESS_FLAGS,
                    "--remote-debugging-pipe",
                    "--disable-extensions",
                    f"--user-data-dir={profile}",
                    "about:blank",
                ],
                pass_fds=(to_chrome_r, from_chrome_w),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
            )
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self._write = to_chrome_w
        self._read_fd = from_chrome_r
        self._next_id = 0
        self._replies: dict[int, dict[str, Any]] = {}
        self.events: list[dict[str, Any]] = []
        self._cond = threading.Condition()
        self._closed = False
        threading.Thread(target=self._reader, daemon=True).start()

    def _reader(self) -> None:
        buffer = b""
        while chunk := os.read(self._read_fd, 1 << 16):
            buffer += chunk
            *messages, buffer = buffer.split(b"\0")
            with self._cond:
                for raw in messages:
                    message = json.loads(raw)
                    if "id" in message:
                        self._replies[message["id"]] = message
                    else:
                        self.events.append(message)
                self._cond.notify_all()
        with self._cond:
            self._closed = True
            self._cond.notify_all()

    def send(
        self, method: str, params: dict[str, Any] | None = None, session: str | None = None
    ) -> dict[str, Any]:
        with self._cond:
            self._next_id += 1
            ident = self._next_id
        message: dict[str, Any] = {"id": ident, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._write, json.dumps(message).encode() + b"\0")
        with self._cond:
            done = self._cond.wait_for(lambda: ident in self._replies or self._closed, 60)
            reply = self._replies.pop(ident, None)
        assert done and reply is not None, f"{method}: no answer; {self.log.read_text()[-2000:]}"
        assert "error" not in reply, (method, reply["error"])
        return reply["result"]  # type: ignore[no-any-return]

    def wait_event(self, method: str, session: str, timeout: float = 30) -> dict[str, Any]:
        def found() -> dict[str, Any] | None:
            return next(
                (e for e in self.events if e["method"] == method and e.get("sessionId") == session),
                None,
            )

        with self._cond:
            assert self._cond.wait_for(lambda: found() is not None, timeout), method
            return found()  # type: ignore[return-value]

    def close(self) -> None:
        with contextlib.suppress(AssertionError):
            self.send("Browser.close")
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
        os.close(self._write)


class Page:
    """One tab: navigation, script evaluation, and what its console and network reported."""

    def __init__(self, browser: Chromium, url: str) -> None:
        self.browser = browser
        target = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = browser.send("Target.attachToTarget", {"targetId": target, "flatten": True})[
            "sessionId"
        ]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.send(f"{domain}.enable")
        self.send(
            "Emulation.setDeviceMetricsOverride",
            {"width": 1280, "height": 1000, "deviceScaleFactor": 1, "mobile": False},
        )
        self.send("Page.navigate", {"url": url})
        browser.wait_event("Page.loadEventFired", self.session)

    def send(self, method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        return self.browser.send(method, params, self.session)

    def _events(self, method: str) -> list[dict[str, Any]]:
        with self.browser._cond:
            return [
                e["params"]
                for e in self.browser.events
                if e["method"] == method and e.get("sessionId") == self.session
            ]

    def eval(self, expression: str) -> Any:
        result = self.send(
            "Runtime.evaluate",
            {"expression": expression, "returnByValue": True, "awaitPromise": True},
        )
        assert "exceptionDetails" not in result, result["exceptionDetails"]
        return result["result"].get("value")

    def wait_for(self, expression: str, timeout: float = 30) -> Any:
        deadline = time.monotonic() + timeout
        while True:
            value = self.eval(expression)
            if value:
                return value
            assert time.monotonic() < deadline, f"timed out waiting for {expression}"
            time.sleep(0.1)

    def errors(self) -> list[str]:
        """Uncaught exceptions, console.error calls and the browser's own error log (failed
        loads, Content-Security-Policy refusals)."""
        found = [
            e["exceptionDetails"].get("exception", {}).get("description")
            or e["exceptionDetails"]["text"]
            for e in self._events("Runtime.exceptionThrown")
        ]
        found += [
            " ".join(str(a.get("value", a.get("description", ""))) for a in e["args"])
            for e in self._events("Runtime.consoleAPICalled")
            if e["type"] in ("error", "assert")
        ]
        found += [
            f"{e['entry']['text']} {e['entry'].get('url', '')}"
            for e in self._events("Log.entryAdded")
            if e["entry"]["level"] == "error"
        ]
        return found

    def requests(self) -> list[tuple[str, str]]:
        return [
            (e["request"]["method"], e["request"]["url"])
            for e in self._events("Network.requestWillBeSent")
        ]

    def screenshot(self, path: Path) -> bytes:
        size = self.send("Page.getLayoutMetrics")["cssContentSize"]
        clip = {"x": 0, "y": 0, "width": 1280, "height": min(size["height"], 4000), "scale": 1}
        shot = self.send(
            "Page.captureScreenshot", {"format": "png", "clip": clip, "captureBeyondViewport": True}
        )
        png = base64.b64decode(shot["data"])
        path.write_bytes(png)
        keep = os.environ.get("PVKG_SCREENSHOTS")
        if keep:
            Path(keep).mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, Path(keep) / path.name)
        return png


class _BlockVendor:
    """The app, but the vendored YASGUI bundle answers 404 (it "failed to load")."""

    path = "/static/vendor/yasgui/"
    status, body = 404, b""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith(self.path):
            headers = [(b"content-type", b"text/javascript")]
            await send({"type": "http.response.start", "status": self.status, "headers": headers})
            await send({"type": "http.response.body", "body": self.body})
            return
        await self.app(scope, receive, send)


class _BrokenBundle(_BlockVendor):
    """The app, but the bundle loads and its YASGUI throws when it starts (the CSS is kept)."""

    path = "/static/vendor/yasgui/yasgui.min.js"
    status = 200
    body = (
        b"window.Yasgui = function () { throw new Error('broken'); };"
        b" Yasgui.Yasqe = {defaults: {}};"
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def serve(
    service_settings: Settings, service_store: Store
) -> Iterator[Callable[[Callable[[ASGIApp], ASGIApp]], str]]:
    """Starts the real app, with one portfolio loaded, on a loopback port in a thread."""
    loaded = read_portfolio_file(DATA / "da_two_violations.csv", settings=service_settings)
    submit_portfolio(service_store, loaded, settings=service_settings)
    servers: list[tuple[uvicorn.Server, threading.Thread]] = []

    def start(wrap: Callable[[ASGIApp], ASGIApp] = lambda app: app) -> str:
        port = _free_port()
        app = wrap(create_app(service_settings, service_store))
        server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
        )
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        servers.append((server, thread))
        deadline = time.monotonic() + 20
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.05)
        assert server.started
        return f"http://127.0.0.1:{port}"

    yield start
    for server, thread in servers:
        server.should_exit = True
        thread.join(timeout=10)


VISIBLE = """(() => {{
  const el = document.querySelector({selector!r});
  if (!el) return false;
  const box = el.getBoundingClientRect();
  return box.width > {w} && box.height > {h} && getComputedStyle(el).visibility !== "hidden";
}})()"""
TABLE_ROWS = """Array.from(document.querySelectorAll({selector!r})).map(
  tr => Array.from(tr.cells).map(td => td.textContent.trim()))"""


def _choose_example(page: Page, name: str) -> None:
    page.eval(
        f"""(() => {{ const s = document.getElementById("examples");
        s.value = {f"curated:{name}"!r}; s.dispatchEvent(new Event("change")); }})()"""
    )


@needs_chromium
def test_yasgui_runs_a_curated_example_offline_without_console_errors(
    serve: Callable[..., str], browser: Chromium, tmp_path: Path
) -> None:
    origin = serve()
    page = Page(browser, f"{origin}/")
    assert page.wait_for("document.documentElement.dataset.editor") == "yasgui"
    assert page.eval(VISIBLE.format(selector="#yasgui .yasqe .CodeMirror", w=600, h=150))
    assert page.eval(VISIBLE.format(selector="#yasgui .yasgui .tabsList", w=100, h=10))
    assert not page.eval(VISIBLE.format(selector="#query", w=0, h=0)), "plain editor hidden"
    # the predeclared prefixes the default query uses are declared for YASQE: no error mark
    assert page.eval("pvkgYasgui.getTab().getQuery()").startswith("PREFIX pv: <")
    assert page.eval("document.querySelectorAll('#yasgui .parseErrorIcon').length") == 0
    endpoint = page.eval("pvkgYasgui.getTab().getEndpoint()")
    assert endpoint == f"{origin}/sparql"
    curated = page.eval(
        "Array.from(document.querySelectorAll('#examples option')).map(o => o.value)"
    )
    assert [v for v in curated if v.startswith("curated:")] == [f"curated:{q}" for q in QUERIES]

    _choose_example(page, "services_by_status")
    assert "adms:status" in page.eval("pvkgYasgui.getTab().getQuery()")
    assert page.eval("pvkgYasgui.getTab().getName()") == "services_by_status"
    page.eval("document.querySelector('#yasgui .yasqe_queryButton').click()")
    page.wait_for("document.querySelectorAll('#yasgui .yasr table tbody tr').length > 0")
    rows = page.eval(TABLE_ROWS.format(selector="#yasgui .yasr table tbody tr"))
    headers = page.eval(
        "Array.from(document.querySelectorAll('#yasgui .yasr table thead th'))"
        ".map(th => th.textContent.trim())"
    )
    assert {"status", "status_lv", "services"} <= set(headers), headers
    text = json.dumps(rows, ensure_ascii=False)
    assert "gatavs" in text and "sniegšana" in text, text  # the loaded portfolio's statuses
    assert "pvid:status/STATUS-PROVISION" in text, text  # IRIs shortened by the prefixes

    png = page.screenshot(tmp_path / "landing-yasgui.png")
    width, height, colours = png_size_and_colours(png)
    assert width == 1280 and height >= 900 and colours > 20

    assert page.errors() == []
    requests = page.requests()
    assert ("POST", f"{origin}/sparql") in requests
    outside = [url for _, url in requests if not url.startswith((origin + "/", "data:", "blob:"))]
    assert outside == [], "the page must work without internet access"


@needs_chromium
@pytest.mark.parametrize("failure", [_BlockVendor, _BrokenBundle], ids=["missing", "broken"])
def test_plain_editor_runs_queries_when_yasgui_does_not_load(
    serve: Callable[..., str], browser: Chromium, tmp_path: Path, failure: type[_BlockVendor]
) -> None:
    origin = serve(failure)
    page = Page(browser, f"{origin}/")
    assert page.wait_for("document.documentElement.dataset.editor") == "plain"
    assert page.eval(VISIBLE.format(selector="#query", w=600, h=150))
    assert not page.eval(VISIBLE.format(selector="#yasgui", w=0, h=0))
    assert "YASGUI" in page.eval("document.getElementById('editor-note').textContent")

    _choose_example(page, "services_by_status")
    assert "adms:status" in page.eval("document.getElementById('query').value")
    page.eval("document.getElementById('run').click()")
    page.wait_for("document.querySelectorAll('#results table tr').length > 1")
    text = json.dumps(
        page.eval(TABLE_ROWS.format(selector="#results table tr")), ensure_ascii=False
    )
    assert "gatavs" in text, text

    png = page.screenshot(tmp_path / f"landing-plain-{failure.__name__.strip('_')}.png")
    assert png_size_and_colours(png)[2] > 20
    assert page.eval("document.querySelectorAll('#yasgui *').length") == 0  # nothing half-built
    # the only errors are the blocked files themselves: no script error follows from them
    unexpected = [e for e in page.errors() if "404" not in e or "/static/vendor/yasgui/" not in e]
    assert unexpected == []
    assert len(page.errors()) == (2 if failure is _BlockVendor else 0)  # the JS and the CSS
