"""``pvkg serve --demo`` as a real process: serves the demo, starts again on the same store."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

COUNT = "SELECT (COUNT(?s) AS ?n) WHERE { ?s a pv:Service }"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _serve_once(store: Path) -> tuple[int, int, str]:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PVKG_")}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "pvkg.cli",
            "serve",
            "--demo",
            "--store",
            str(store),
            "--port",
            str(port),
            "--admin-token",
            "t",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=env,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            assert process.poll() is None, process.stdout.read().decode()  # type: ignore[union-attr]
            try:
                if httpx.get(f"{url}/", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            raise AssertionError("pvkg serve did not answer within 90 s")
        answer = httpx.get(f"{url}/sparql", params={"query": COUNT}, timeout=10).json()
        services = int(answer["results"]["bindings"][0]["n"]["value"])
        versions = httpx.get(f"{url}/portfolios/izdomata-kulturas-parvalde/versions").json()
        docs = httpx.get(f"{url}/docs").status_code
    finally:
        process.send_signal(signal.SIGINT)
        output = process.communicate(timeout=30)[0].decode()
    assert docs == 200
    return services, len(versions["versions"]), output


def test_serve_demo_twice_on_one_store(tmp_path: Path) -> None:
    services, versions, output = _serve_once(tmp_path / "store")
    assert services == 15
    assert versions == 1
    assert "http://127.0.0.1:" in output
    again = _serve_once(tmp_path / "store")
    assert again[:2] == (15, 1)  # idempotent: the demo files were already current
    assert "already current" in again[2]
