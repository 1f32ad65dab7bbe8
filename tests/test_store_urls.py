"""Store URLs (audit 6, N5): refused up front when they are not http(s) URLs of a host, endpoint
URLs keep a query string, and messages never show a password (even one with a space) or a
token given in the query string."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from pvkg.errors import InputError, StoreUnavailable
from pvkg.store import redact_url, shown_url
from pvkg.store._remote import RemoteStore
from pvkg.store._urls import endpoint_urls
from tests.fake_servers import free_port

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    "url",
    ["http://[::1", "http://host:notaport/q", "http://host:99999/", "ftp://host/sparql",
     "localhost:7878", "http:///query", "file:///var/lib/store"],
)  # fmt: skip
def test_a_url_that_is_not_an_http_server_is_refused_naming_the_option(url: str) -> None:
    with pytest.raises(InputError) as caught:
        RemoteStore(url)
    assert caught.value.message.startswith("--store-url ")
    assert "http://" in caught.value.message


def test_cli_gives_exit_2_and_no_traceback_for_a_malformed_url() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "pvkg.cli", "query", "services_by_type", "--store-url", "http://[::1"],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr and "--store-url" in proc.stderr


def test_endpoints_keep_the_query_string_after_the_path() -> None:
    plain = endpoint_urls("http://h:7878/")
    assert (plain.query, plain.update, plain.gsp) == (
        "http://h:7878/query", "http://h:7878/update", "http://h:7878/store",
    )  # fmt: skip
    tokened = endpoint_urls("https://h/ds/sparql?access_token=t1#x")
    assert (tokened.query, tokened.update, tokened.gsp) == (
        "https://h/ds/sparql?access_token=t1",
        "https://h/ds/update?access_token=t1",
        "https://h/ds/store?access_token=t1",
    )


def test_shown_urls_hide_passwords_with_spaces_and_query_tokens() -> None:
    assert shown_url("http://user:pa ss@127.0.0.1:9/q") == "http://127.0.0.1:9/q"
    assert shown_url("http://h/q?token=abc&x=1") == "http://h/q?token=***&x=1"
    assert redact_url("at http://h/q?api_key=k9 now") == "at http://h/q?api_key=*** now"
    assert redact_url("http://h/x?keyword=a") == "http://h/x?keyword=a"


@pytest.mark.parametrize(
    "url", ["http://user:pa ss@127.0.0.1:{port}/q", "http://127.0.0.1:{port}/q?token=s3cr3t-tok"]
)
def test_a_down_server_is_named_without_its_secrets(url: str) -> None:
    store = RemoteStore(url.format(port=free_port()), timeout_s=2)
    with pytest.raises(StoreUnavailable) as caught:
        store.count()
    for secret in ("pa ss", "s3cr3t-tok", "user"):
        assert secret not in caught.value.message and secret not in store.location
    assert "http://127.0.0.1:" in caught.value.message
    store.close()


def test_the_token_in_the_query_string_still_reaches_the_server() -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(200, json={"head": {}, "boolean": True})

    store = RemoteStore("http://h/ds?token=t1", transport=httpx.MockTransport(handler))
    store.query("ASK {}")
    store.close()
    assert seen and seen[0].startswith("http://h/ds/query?token=t1")


def test_an_empty_store_url_is_refused_not_taken_as_the_local_store(tmp_path: Path) -> None:
    """`--store-url "$UNSET"` used to query (or create) a store in the working folder."""
    proc = subprocess.run(
        [sys.executable, "-m", "pvkg.cli", "load", "--store-url", "", str(ROOT / "README.md")],
        cwd=tmp_path, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert proc.returncode == 2, proc.stderr
    assert "--store-url is empty" in proc.stderr
    assert list(tmp_path.iterdir()) == []
