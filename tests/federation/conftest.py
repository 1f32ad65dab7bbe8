"""A local Oxigraph server (subprocess on a free loopback port) playing a remote catalogue."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

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


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_ready(base: str, process: subprocess.Popen[bytes], timeout_s: float = 20.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("oxigraph server exited early")
        try:
            with urllib.request.urlopen(f"{base}/query?query=ASK%7B%7D", timeout=1):
                return
        except (urllib.error.URLError, OSError):
            time.sleep(0.1)
    raise RuntimeError("oxigraph server did not start")


@contextmanager
def oxigraph_server(directory: Path, data: str | None = None) -> Iterator[RemoteEndpoint]:
    """Run ``oxigraph serve`` on a free 127.0.0.1 port in ``directory``; stop it afterwards."""
    binary = shutil.which("oxigraph")
    if binary is None:
        pytest.skip("the oxigraph server binary (PyPI package 'oxigraph') is not installed")
    log = directory / "server.log"
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    with log.open("wb") as log_file:
        process = subprocess.Popen(
            [binary, "serve", "--location", str(directory / "db"), "--bind", f"127.0.0.1:{port}"],
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_ready(base, process)
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
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def remote(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RemoteEndpoint]:
    """The remote catalogue: a server holding :data:`REMOTE_DATA`."""
    with oxigraph_server(tmp_path_factory.mktemp("remote-oxigraph"), REMOTE_DATA) as endpoint:
        yield endpoint
