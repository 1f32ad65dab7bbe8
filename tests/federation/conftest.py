"""A local Oxigraph server (subprocess on a free loopback port) playing a remote catalogue."""

from __future__ import annotations

import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.w3c.conftest import running_oxigraph

REMOTE_DATA = """\
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dct: <http://purl.org/dc/terms/> .
<http://remote.example/id/place/riga> a skos:Concept ;
    skos:prefLabel "Rīga"@lv, "Riga"@en ; skos:notation "RIX" .
<http://remote.example/id/place/cesis> a skos:Concept ;
    skos:prefLabel "Cēsis"@lv ; skos:notation "CES" .
<http://remote.example/id/other> dct:title "not a concept"@en .
"""


@dataclass(frozen=True)
class RemoteEndpoint:
    """The running server: its base URL and its SPARQL query endpoint."""

    base: str
    query_url: str


@contextmanager
def oxigraph_server(directory: Path, data: str | None = None) -> Iterator[RemoteEndpoint]:
    """Run ``oxigraph serve`` on a free 127.0.0.1 port in ``directory``, holding ``data``
    (Turtle) in its default graph; stop it afterwards."""
    with running_oxigraph(directory / "db") as base:
        if data is not None:
            request = urllib.request.Request(
                f"{base}/store?default",
                data=data.encode("utf-8"),
                headers={"Content-Type": "text/turtle"},
                method="POST",
            )
            with urllib.request.urlopen(request, timeout=10) as response:
                assert response.status in (200, 201, 204)
        yield RemoteEndpoint(base, f"{base}/query")


@pytest.fixture(scope="module")
def remote(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RemoteEndpoint]:
    """The remote catalogue: a server holding :data:`REMOTE_DATA`."""
    with oxigraph_server(tmp_path_factory.mktemp("remote-oxigraph"), REMOTE_DATA) as endpoint:
        yield endpoint
