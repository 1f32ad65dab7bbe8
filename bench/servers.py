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
        """Resident memory of the server process (and its children), now and at its peak.

        Read from /proc (the harness runs on Linux) so that the harness needs no psutil, which
        the test extra does not install.
        """
        pid = self.proc.pid
        children = sum(_status_kib(child, "VmRSS:") for child in _descendants(pid))
        return {
            "rss_mib": _status_kib(pid, "VmRSS:") / 1024,
            "peak_rss_mib": _status_kib(pid, "VmHWM:") / 1024,
            "children_rss_mib": children / 1024,
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


def _status_kib(pid: int, field_name: str) -> int:
    """One ``kB`` field of /proc/PID/status (0 when the process or the field is gone)."""
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return 0
    for line in lines:
        if line.startswith(field_name):
            return int(line.split()[1])
    return 0


def _descendants(pid: int) -> list[int]:
    """Every process below ``pid``, from /proc/PID/task/*/children."""
    found: list[int] = []
    pending = [pid]
    while pending:
        parent = pending.pop()
        for task in Path(f"/proc/{parent}/task").glob("*/children"):
            try:
                kids = [int(k) for k in task.read_text().split()]
            except OSError:
                continue
            found.extend(kids)
            pending.extend(kids)
    return found
