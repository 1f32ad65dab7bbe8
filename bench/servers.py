"""Loopback servers for the HTTP scenarios: ``pvkg serve``, Oxigraph server, rdflib-endpoint.

Every server is a child process bound to 127.0.0.1 on a free port, started in its own process
group and killed (by its process id) when the scenario ends.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from bench.runner import ROOT


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    name: str
    proc: subprocess.Popen
    base: str
    query_url: str  # the SPARQL query endpoint
    started_s: float = 0.0
    log: Path | None = None
    extra: dict = field(default_factory=dict)

    def rss_mib(self) -> dict[str, float]:
        """Resident memory of the server process (and its children), now and at its peak."""
        import psutil

        proc = psutil.Process(self.proc.pid)
        rss = proc.memory_info().rss
        children = sum(c.memory_info().rss for c in proc.children(recursive=True))
        peak = 0
        status = Path(f"/proc/{self.proc.pid}/status")
        if status.is_file():
            for line in status.read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak = int(line.split()[1]) * 1024
        return {
            "rss_mib": rss / 2**20,
            "peak_rss_mib": peak / 2**20,
            "children_rss_mib": children / 2**20,
        }

    def stop(self) -> None:
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(timeout=10)
            except (subprocess.TimeoutExpired, ProcessLookupError):
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)


def _start(
    name: str,
    cmd: list[str],
    base: str,
    query_url: str,
    probe: str,
    log: Path,
    timeout_s: float = 600.0,
    env: dict | None = None,
) -> Server:
    started = time.perf_counter()
    out = log.open("wb")
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=out, start_new_session=True, env=env)
    server = Server(name, proc, base, query_url, log=log)
    deadline = started + timeout_s
    while time.perf_counter() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{name} exited: {log.read_text(errors='replace')[-800:]}")
        try:
            if httpx.get(probe, timeout=5).status_code == 200:
                server.started_s = time.perf_counter() - started
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    server.stop()
    raise RuntimeError(f"{name} did not answer within {timeout_s:g} s")


def start_pvkg(store_dir: Path, log: Path, cache_mib: int | None = 0) -> Server:
    """``pvkg serve`` on ``store_dir``; ``cache_mib`` sizes its answer cache (0: off, so that a
    repeated query is measured, not a dictionary read; None: pvkg's default)."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    exe = shutil.which("pvkg")
    cmd = [exe] if exe else [sys.executable, "-c", "from pvkg.cli import main; main()"]
    cmd += ["serve", "--store", str(store_dir), "--host", "127.0.0.1", "--port", str(port)]
    env = dict(os.environ)
    env.pop("PVKG_STORE_URL", None)
    env.pop("PVKG_QUERY_CACHE_MB", None)
    if cache_mib is not None:
        env["PVKG_QUERY_CACHE_MB"] = str(cache_mib)
    return _start(
        "pvkg", cmd, base, f"{base}/sparql", f"{base}/sparql?query=ASK%7B%7D", log, env=env
    )


def start_oxigraph(store_dir: Path, dump: Path, log: Path) -> Server:
    if not (store_dir / "CURRENT").exists():
        subprocess.run(
            ["oxigraph", "load", "--location", str(store_dir), "--file", str(dump)],
            check=True,
            capture_output=True,
        )
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    cmd = ["oxigraph", "serve", "--location", str(store_dir), "--bind", f"127.0.0.1:{port}"]
    return _start("oxigraph", cmd, base, f"{base}/query", f"{base}/query?query=ASK%7B%7D", log)


def start_rdflib_endpoint(view: Path, log: Path) -> Server:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    exe = shutil.which("rdflib-endpoint")
    if not exe:
        raise RuntimeError(
            "rdflib-endpoint is not installed (pip install -r bench/requirements.txt)"
        )
    cmd = [exe, "serve", str(view), "--host", "127.0.0.1", "--port", str(port)]
    return _start(
        "rdflib-endpoint", cmd, base, f"{base}/", f"{base}/?query=ASK%7B%7D", log, timeout_s=900
    )
