"""The store-locked message and a 404 from a remote store point at the URL that works
(analyst audit 2, defect 8): ``--store-url http://HOST:PORT`` of a pvkg server reached
``/query``, which answered a bare 404."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from pvkg.errors import StoreError, StoreLocked
from pvkg.store import LocalStore
from pvkg.store._remote import RemoteStore


def test_the_lock_message_names_the_url_of_a_pvkg_server(tmp_path: Path) -> None:
    store = LocalStore(tmp_path / "s")
    try:
        with pytest.raises(StoreLocked) as caught:
            LocalStore(tmp_path / "s")
        assert "--store-url http://HOST:PORT/sparql" in caught.value.message
    finally:
        store.close()


def _pvkg_server(request: httpx.Request) -> httpx.Response:
    """A pvkg server's answer to anything but /sparql (its 404 is the JSON error)."""
    if request.url.path == "/sparql":
        return httpx.Response(200, json={"head": {}, "boolean": True})
    body = {"error": "NOT_FOUND", "message": "Not Found", "location": None}
    return httpx.Response(404, json=body)


def test_a_404_on_the_query_url_says_to_give_the_sparql_url() -> None:
    url = "http://alice:S3cret@127.0.0.1:8722"  # the hint names the URL without its secrets
    store = RemoteStore(url, transport=httpx.MockTransport(_pvkg_server))
    with pytest.raises(StoreError) as caught:
        store.query("ASK {}")
    message = caught.value.message
    assert "no SPARQL endpoint at http://127.0.0.1:8722/query" in message
    assert "for a pvkg server, give its /sparql URL" in message
    assert "--store-url http://HOST:PORT/sparql" in message
    assert "S3cret" not in message and "alice" not in message
    fixed = RemoteStore(f"{url}/sparql", transport=httpx.MockTransport(_pvkg_server))
    assert fixed.query("ASK {}") is True
