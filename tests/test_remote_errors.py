"""The remote store's errors as the embedded store gives them (audit 5: F3, F4, F6, F7).

* F3: messages name the store URL without its user info; httpx still sends it to the server.
* F4: SPARQL syntax-error positions are those in the caller's text on both stores.
* F6: SPARQL Update's own failures (graph exists / missing) are ``UpdateFailed`` on both
  stores, and change nothing.
* F7: a URL that answers with web pages is a ``StoreBadAnswer`` naming the URL, not bad input.

The HTTP side of the same findings: ``tests/service/test_store_errors_api.py``.
"""

from __future__ import annotations

import base64
import os
import re
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from pvkg.errors import (
    InputError,
    QuerySyntaxError,
    QueryTimeout,
    StoreBadAnswer,
    StoreError,
    StoreUnavailable,
    UpdateFailed,
)
from pvkg.store import LocalStore, Store, redact_url
from pvkg.store._base import graph_state_error, lines_added
from pvkg.store._remote import RemoteStore
from tests.fake_servers import SECRET, free_port, silent_server, web_page_server, with_user
from tests.w3c.conftest import running_oxigraph

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real ``oxigraph serve`` (it ignores Basic auth, so a URL with user info works)."""
    with running_oxigraph(tmp_path_factory.mktemp("oxigraph-errors")) as url:
        yield url


@pytest.fixture(params=["embedded", pytest.param("remote", marks=pytest.mark.remote)])
def store(request: pytest.FixtureRequest) -> Iterator[Store]:
    """An empty store of each kind."""
    if request.param == "embedded":
        opened: Store = LocalStore(None)
    else:
        opened = RemoteStore(request.getfixturevalue("server"), timeout_s=10)
        opened.update("DROP ALL")
    yield opened
    opened.close()


@pytest.fixture
def silent() -> Iterator[str]:
    with silent_server() as url:
        yield url


@pytest.fixture
def web_page() -> Iterator[str]:
    with web_page_server() as url:
        yield url


def _pvkg(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PVKG_")}
    return subprocess.run(
        [sys.executable, "-m", "pvkg.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=timeout,
    )


# -- F3: no credentials in messages ---------------------------------------------------------


def test_redact_url_takes_out_user_info_only() -> None:
    assert redact_url("http://alice:pw@127.0.0.1:7878/query") == "http://127.0.0.1:7878/query"
    assert redact_url("https://token@h/ds/sparql") == "https://h/ds/sparql"
    assert redact_url("http://u:p@ss@h:1/") == "http://h:1/"  # up to the authority's last @
    assert redact_url("http://h/x?mail=a@b") == "http://h/x?mail=a@b"
    assert redact_url("/var/lib/pvkg-data") == "/var/lib/pvkg-data"
    message = "at http://a:b@h1/q and https://c:d@h2/u, twice"
    assert redact_url(message) == "at http://h1/q and https://h2/u, twice"


def test_a_down_server_is_named_without_the_password() -> None:
    store = RemoteStore(with_user(f"http://127.0.0.1:{free_port()}"), timeout_s=2)
    with pytest.raises(StoreUnavailable) as caught:
        store.count()
    assert SECRET not in str(caught.value) and "alice" not in str(caught.value)
    assert "http://127.0.0.1:" in caught.value.message
    assert SECRET not in store.location
    store.close()


def test_a_slow_server_is_named_without_the_password(silent: str) -> None:
    store = RemoteStore(with_user(silent), timeout_s=0.3)
    with pytest.raises(StoreUnavailable) as unavailable:
        store.update("CLEAR ALL")
    with pytest.raises(QueryTimeout) as timeout:
        store.query_serialized("ASK {}", "application/sparql-results+json", timeout_s=0.3)
    for caught in (unavailable, timeout):
        assert "did not answer" in caught.value.message
        assert SECRET not in caught.value.message and "alice" not in caught.value.message
    store.close()


class _Recording(httpx.HTTPTransport):
    """A real transport that notes the Authorization header of every request."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[str | None] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(request.headers.get("authorization"))
        return super().handle_request(request)


@pytest.mark.remote
def test_the_credentials_still_reach_the_server(server: str) -> None:
    transport = _Recording()
    store = RemoteStore(with_user(server), timeout_s=10, transport=transport)
    store.update("INSERT DATA { GRAPH <urn:g> { <urn:a> <urn:p> 1 } }")
    assert store.count("urn:g") == 1
    assert list(store.triples("urn:g"))
    store.drop_graph("urn:g")
    store.close()
    basic = "Basic " + base64.b64encode(f"alice:{SECRET}".encode()).decode()
    assert transport.seen and set(transport.seen) == {basic}


def test_cli_store_errors_name_the_url_without_the_password() -> None:
    url = with_user(f"http://127.0.0.1:{free_port()}")
    proc = _pvkg("query", "services_by_type", "--store-url", url)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 3, output
    assert "store error" in output and "http://127.0.0.1:" in output
    assert SECRET not in output and "alice" not in output


@pytest.mark.remote
@pytest.mark.slow
def test_the_serve_banner_names_the_url_without_the_password(server: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PVKG_")}
    command = [sys.executable, "-m", "pvkg.cli", "serve", "--store-url", with_user(server)]
    process = subprocess.Popen(
        [*command, "--port", str(free_port())],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT,
    )
    lines: list[str] = []
    try:
        deadline = time.monotonic() + 90
        assert process.stderr is not None
        while time.monotonic() < deadline:
            line = process.stderr.readline()
            if not line:
                break
            lines.append(line)
            if line.startswith("pvkg serving"):
                break
    finally:
        process.terminate()
        process.wait(timeout=20)
    banner = [line for line in lines if line.startswith("pvkg serving")]
    assert banner, "".join(lines)
    assert banner[0].startswith(f"pvkg serving {server} at "), banner[0]
    assert SECRET not in "".join(lines)


# -- F4: syntax-error positions in the caller's text ----------------------------------------

_POSITION = re.compile(r"error at (\d+):(\d+)")
_BASE = "http://127.0.0.1:8000/sparql"

SYNTAX_ERRORS: dict[str, Callable[[Store], object]] = {
    "query": lambda s: s.query("SELECT ?x WHERE {\n  ?x a foo:Bar }"),
    "query, one line": lambda s: s.query("SELECT ?x WHERE { ?x ?y }"),
    "query with a base": lambda s: s.query_serialized(
        "SELECT ?x WHERE {\n  ?x ?y }", "application/sparql-results+json", base_iri=_BASE
    ),
    "update": lambda s: s.update("INSERT DATA {\n <http://e/s> <http://e/p> }"),
    "update with a base": lambda s: s.update_request(
        "INSERT DATA {\n <http://e/s> <http://e/p> }", base_iri=_BASE
    ),
}


def _position(store: Store, call: Callable[[Store], object]) -> tuple[int, int]:
    with pytest.raises(QuerySyntaxError) as caught:
        call(store)
    found = _POSITION.search(caught.value.message)
    assert found is not None, caught.value.message
    return int(found.group(1)), int(found.group(2))


@pytest.mark.parametrize("name", list(SYNTAX_ERRORS))
def test_syntax_errors_give_the_position_in_the_callers_text(store: Store, name: str) -> None:
    call = SYNTAX_ERRORS[name]
    embedded = LocalStore(None)
    try:
        expected = _position(embedded, call)
    finally:
        embedded.close()
    assert expected[0] == (1 if "one line" in name else 2)
    assert _position(store, call) == expected


def test_lines_added_moves_only_positions_in_the_callers_text() -> None:
    with pytest.raises(QuerySyntaxError, match="error at 1:4:"), lines_added(1), lines_added(19):
        raise QuerySyntaxError("SPARQL syntax error: error at 21:4: expected ...")
    # a position in the added lines is not the caller's: left as the parser gave it
    with pytest.raises(QuerySyntaxError, match="error at 1:9:"), lines_added(1):
        raise QuerySyntaxError("SPARQL syntax error: error at 1:9: bad base IRI")


# -- F6: SPARQL Update's own failures -------------------------------------------------------

SETUP = "CREATE GRAPH <http://e/g> ; INSERT DATA { GRAPH <http://e/g> { <urn:a> <urn:p> 1 } }"
FAILING_UPDATES = {
    "CREATE GRAPH <http://e/g>": "already exists",
    "DROP GRAPH <http://e/none>": "does not exist",
    "CLEAR GRAPH <http://e/none>": "does not exist",
    "MOVE <http://e/none> TO <http://e/x>": "does not exist",
    # atomic: the INSERT before the failing operation is not applied either
    "INSERT DATA { <http://e/a> <http://e/p> 1 } ; CREATE GRAPH <http://e/g>": "already exists",
}


@pytest.mark.parametrize("update", list(FAILING_UPDATES))
def test_update_failures_are_the_callers_and_change_nothing(store: Store, update: str) -> None:
    store.update(
        "CREATE GRAPH <http://e/g> ; INSERT DATA { GRAPH <http://e/g> { <urn:a> <urn:p> 1 } }"
    )
    before = store.dump("nq")
    with pytest.raises(UpdateFailed, match=FAILING_UPDATES[update]) as caught:
        store.update(update)
    assert isinstance(caught.value, InputError) and caught.value.code == "UPDATE_FAILED"
    assert "the update changed nothing" in caught.value.message
    assert store.dump("nq") == before


def test_only_graph_state_messages_are_the_callers() -> None:
    assert graph_state_error("The graph <urn:g> does not exist") is not None
    for text in (
        "IO error: No space left on device",
        "The graph <urn:g> does not exist; and then the disk failed",
        "The port 1 is not allowed for HTTP(S) because it is dedicated to an other use",
    ):
        assert graph_state_error(text) is None


@pytest.mark.remote
def test_other_server_failures_of_an_update_stay_store_errors(server: str) -> None:
    store = RemoteStore(server, timeout_s=10)
    with pytest.raises(StoreError) as caught:  # Oxigraph server answers 500 with its reason
        store.update("LOAD <http://127.0.0.1:1/x>")
    assert not isinstance(caught.value, InputError)
    store.close()


@pytest.mark.remote
def test_create_graph_of_an_existing_graph_is_quiet(server: str) -> None:
    store = RemoteStore(server, timeout_s=10)
    store.update("DROP ALL ; CREATE GRAPH <urn:made>")
    store.create_graph("urn:made")
    assert store.graph_exists("urn:made")
    store.close()


# -- F7: a URL that is not a SPARQL server -------------------------------------------------

NOT_SPARQL: dict[str, Callable[[RemoteStore], object]] = {
    "select": lambda s: s.query("SELECT * WHERE { ?s ?p ?o }"),
    "construct": lambda s: s.query("CONSTRUCT WHERE { ?s ?p ?o }"),
    "serialized select": lambda s: s.query_serialized(
        "SELECT * WHERE { ?s ?p ?o }", "application/sparql-results+json", max_rows=10
    ),
    "serialized construct": lambda s: s.query_serialized(
        "CONSTRUCT WHERE { ?s ?p ?o }", "text/turtle"
    ),
    "graph read": lambda s: list(s.triples("urn:g")),
    "dump": lambda s: s.dump("nq"),
}


@pytest.mark.parametrize("name", list(NOT_SPARQL))
def test_a_web_page_is_a_bad_store_answer(web_page: str, name: str) -> None:
    store = RemoteStore(with_user(web_page), timeout_s=5)
    with pytest.raises(StoreBadAnswer) as caught:
        NOT_SPARQL[name](store)
    store.close()
    message = caught.value.message
    assert f"the server at {web_page}/" in message and "text/html" in message
    assert "not a SPARQL result" in message
    assert SECRET not in message and "alice" not in message


def test_cli_against_a_web_page_is_a_store_error(web_page: str) -> None:
    proc = _pvkg("query", "services_by_type", "--store-url", web_page)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 3, output
    assert output.startswith("store error:") and f"{web_page}/query" in output
    assert "not a SPARQL result" in output and "unknown RDF format" not in output
