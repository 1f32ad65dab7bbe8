"""An Oxigraph server subprocess on a free loopback port, for the remote-store runs."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_oxigraph(directory: Path) -> tuple[subprocess.Popen[bytes], str]:
    """Start ``oxigraph serve`` and wait (at most 20 s) until it answers."""
    binary = shutil.which("oxigraph")
    if binary is None:
        pytest.skip("the oxigraph server binary (PyPI package 'oxigraph') is not installed")
    port = _free_port()
    process = subprocess.Popen(
        [binary, "serve", "--location", str(directory), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("the oxigraph server exited at start")
        try:
            httpx.get(f"{url}/query", params={"query": "ASK {}"}, timeout=1)
            return process, url
        except httpx.HTTPError:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError("the oxigraph server did not start within 20 s")


@contextmanager
def running_oxigraph(directory: Path) -> Iterator[str]:
    """The base URL of an Oxigraph server started on ``directory``, stopped on leaving."""
    process, url = start_oxigraph(directory)
    try:
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def oxigraph_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The base URL of a throwaway Oxigraph server (``/query``, ``/update``, ``/store``)."""
    with running_oxigraph(tmp_path_factory.mktemp("oxigraph-w3c")) as url:
        yield url
