"""Helpers shared by the reliability scripts: synthetic portfolios, a pvkg server process on a
free loopback port, and the store consistency check ("old or new version, never a mix")."""

from __future__ import annotations

import csv
import hashlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
from rdflib import Literal
from rdflib.namespace import RDF

ROOT = Path(__file__).resolve().parents[2]
HEADER = [
    "institution",
    "portfolio_manager",
    "inst_service_id",
    "register_service_id",
    "service_name_lv",
    "need_lv",
    "type_public_individual_benefit",
    "priority",
    "status",
    "service_manager",
]


def portfolio_csv(institution: str, services: int, prefix: str) -> bytes:
    """A synthetic portfolio: ``services`` rows for ``institution`` (a Latvian name)."""
    out = []
    for i in range(1, services + 1):
        out.append(
            [
                institution,
                "Inese Lapa",
                f"{prefix}-{i:05d}",
                f"{abs(hash(prefix)) % 900 + 100}{i:05d}",
                f"Pakalpojums {prefix} {i}",
                f"Vajadzība {i % 17}",
                "X",
                "augsta",
                "sniegšana",
                f"Vadītājs {i % 7}",
            ]
        )
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(out)
    return buffer.getvalue().encode("utf-8")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    """A ``pvkg serve`` process on a loopback port."""

    process: subprocess.Popen[bytes]
    url: str
    log: Path

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()


def start_server(
    store: Path, log: Path, env: dict[str, str], *, timeout_s: float = 60.0, extra: tuple = ()
) -> Server:
    """Start ``pvkg serve --store STORE`` on a free loopback port and wait until it answers.

    Raises:
        RuntimeError: the server exited or did not answer within ``timeout_s``.
    """
    port = free_port()
    full_env = {**os.environ, **env}
    handle = log.open("ab")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "pvkg.cli",
            "serve",
            "--store",
            str(store),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            *extra,
        ],
        cwd=ROOT,
        env=full_env,
        stdout=handle,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"pvkg serve exited with {process.returncode}; see {log}")
        try:
            if httpx.get(f"{url}/sparql", params={"query": "ASK {}"}, timeout=2).status_code == 200:
                return Server(process, url, log)
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    Server(process, url, log).kill()
    raise RuntimeError(f"pvkg serve did not answer within {timeout_s} s; see {log}")


@contextmanager
def server(store: Path, log: Path, env: dict[str, str]) -> Iterator[Server]:
    srv = start_server(store, log, env)
    try:
        yield srv
    finally:
        srv.stop()


def check_store(store_dir: Path) -> dict[str, tuple[int, str | None]]:
    """Open the on-disk store and check every institution's current version is whole.

    Returns:
        ``{institution id: (current version number, its sha256)}``.

    Raises:
        AssertionError: a mix of versions, an incomplete version, a dangling pointer, a gap in
            version numbers, or an unregistered version graph left after cleanup.
    """
    from pvkg.bootstrap import remove_orphans
    from pvkg.namespaces import PV, REGISTRY_GRAPH
    from pvkg.portfolios import list_versions
    from pvkg.store import LocalStore

    store = LocalStore(store_dir)
    try:
        remove_orphans(store)
        registry = set(store.triples(str(REGISTRY_GRAPH)))
        view = set(store.triples(None))
        pointers = {(s, o) for s, p, o in registry if p == PV.currentVersion}
        assert pointers == {(s, o) for s, p, o in view if p == PV.currentVersion}, "view pointer"
        portfolios = [s for s, _ in pointers]
        assert len(portfolios) == len(set(portfolios)), "two current versions of one portfolio"
        seen: dict[str, tuple[int, str | None]] = {}
        view_services = {s for s, p, o in view if p == RDF.type and o == PV.Service}
        registered: set[str] = set()
        for portfolio, version in pointers:
            inst = str(portfolio).rsplit("/institution/", 1)[1].split("/", 1)[0]
            versions = list_versions(store, inst)
            registered |= {v.iri for v in versions}
            numbers = [v.number for v in versions]
            assert numbers == list(range(1, len(numbers) + 1)), f"{inst}: gap {numbers}"
            current = [v for v in versions if v.current]
            assert len(current) == 1 and current[0].iri == str(version), f"{inst}: pointer"
            count = next(o for s, p, o in registry if s == version and p == PV.tripleCount)
            triples = set(store.triples(str(version)))
            assert Literal(len(triples)) == count, f"{inst}: version graph incomplete"
            assert triples <= view, f"{inst}: version not fully published"
            mine = {s for s, p, o in triples if p == RDF.type and o == PV.Service}
            prefix = str(portfolio).removesuffix("/portfolio") + "/service/"
            in_view = {s for s in view_services if str(s).startswith(prefix)}
            assert in_view == mine, f"{inst}: view mixes versions"
            seen[inst] = (current[0].number, current[0].sha256)
        for name in store.graph_names():
            if "/portfolio/v/" in name:
                base = name.removesuffix("/source").removesuffix("/validation")
                assert base in registered, f"orphan graph left: {name}"
        return seen
    finally:
        store.close()
