"""Faults (issue 9 §2): SIGKILL during HTTP submissions, a full disk, a read-only store
directory, a server restart on the same store, a remote store that is down or silent.

Full disk and read-only use a small tmpfs mounted here (needs root; skipped otherwise): a filler
file takes the free space, ``mount -o remount,ro`` makes it read-only.
"""

from __future__ import annotations

import contextlib
import gc
import json
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from pvkg.bootstrap import prepare
from pvkg.errors import StoreError
from pvkg.store import LocalStore
from pvkg.store._remote import RemoteStore
from scripts.reliability import kill_loop
from scripts.reliability.common import check_store, portfolio_csv, start_server
from service import create_app
from tests.reliability.conftest import ADMIN, DEMO, ROOT, bearer, free_port, reliability_settings

KULTURA = "izdomata-kulturas-parvalde"


def _pvkg(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pvkg.cli", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


@contextlib.contextmanager
def _mounted(mount: Path) -> Iterator[Path]:
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", str(mount)], capture_output=True
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Path]:
    with _mounted(tmp_path / "mnt") as mount:
        yield mount


def _fill(mount: Path, leave_kib: int) -> Path:
    stat = __import__("os").statvfs(mount)
    free_kib = stat.f_bavail * stat.f_frsize // 1024
    filler = mount / "filler"
    with filler.open("wb") as out:
        out.write(b"\0" * max(0, (free_kib - leave_kib)) * 1024)
    return filler


@pytest.fixture(scope="module")
def full_disk_load(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, int, bool]:
    """Load v1, fill the disk, load a big v2: (stderr, exit code, whether v1 stayed current)."""
    tmp_path = tmp_path_factory.mktemp("full")
    with _mounted(tmp_path / "mnt") as tmpfs:
        store = tmpfs / "store"
        first = _pvkg("load", str(DEMO / f"{KULTURA}.csv"), "--store", str(store))
        assert first.returncode == 0, first.stderr
        before = check_store(store)[KULTURA]
        big = tmp_path / "big.csv"
        big.write_bytes(portfolio_csv("Izdomātā Kultūras pārvalde", 1200, "BIG"))
        filler = _fill(tmpfs, 600)
        loaded = _pvkg("load", str(big), "--store", str(store))
        filler.unlink()
        assert "No space left on device" in loaded.stderr, loaded.stderr
        return loaded.stderr, loaded.returncode, check_store(store)[KULTURA] == before


def test_full_disk_during_a_load_keeps_the_old_version(full_disk_load: tuple) -> None:
    _, code, kept = full_disk_load
    assert code != 0
    assert kept


def test_full_disk_during_a_load_is_exit_3_without_traceback(full_disk_load: tuple) -> None:
    stderr, code, _ = full_disk_load
    assert code == 3, stderr[-500:]
    assert "Traceback" not in stderr


@pytest.fixture(scope="module")
def full_disk_http(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """Submit v1, fill the disk, submit a big v2, free the space, submit again and update:
    the answers, the versions seen after the failure, and the store's state afterwards."""
    tmp_path = tmp_path_factory.mktemp("full-http")
    out: dict[str, object] = {}
    with _mounted(tmp_path / "mnt") as tmpfs:
        settings = reliability_settings(tmp_path, store_path=tmpfs / "store")
        store = LocalStore(tmpfs / "store")
        prepare(store, settings)
        app = create_app(settings, store)
        headers = {**bearer(ADMIN), "Content-Type": "text/csv"}
        url = f"/portfolios/{KULTURA}"
        try:
            with TestClient(app, raise_server_exceptions=False) as client:
                csv_v1 = (DEMO / f"{KULTURA}.csv").read_bytes()
                assert client.put(url, content=csv_v1, headers=headers).status_code == 201
                filler = _fill(tmpfs, 600)
                big = portfolio_csv("Izdomātā Kultūras pārvalde", 1200, "BIG")
                out["full"] = client.put(url, content=big, headers=headers)
                out["versions"] = client.get(f"{url}/versions").json()["versions"]
                out["read"] = client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"})
                filler.unlink()
                small = portfolio_csv("Izdomātā Kultūras pārvalde", 20, "AFTER")
                out["after"] = client.put(url, content=small, headers=headers)
        finally:
            with contextlib.suppress(StoreError):  # a full disk may fail the final flush
                store.close()
            app.state.store = None
            del app, store
            gc.collect()
        out["store_path"] = str(tmpfs)
        out["state"] = check_store(tmpfs / "store")[KULTURA]
    return out


def test_full_disk_during_an_http_submission_is_a_json_error(full_disk_http: dict) -> None:
    response = full_disk_http["full"]
    assert response.status_code in (500, 503, 507), response.text
    assert response.json()["error"] and "Traceback" not in response.text
    assert [v["number"] for v in full_disk_http["versions"] if v["current"]] == [1]
    assert full_disk_http["read"].status_code == 200  # reads go on
    assert full_disk_http["state"][0] in (1, 2)  # whole: old, or the small one after freeing


def test_writes_resume_once_disk_space_is_freed(full_disk_http: dict) -> None:
    """RocksDB keeps a disk error until reopened: the store reopens itself before the next
    write (pvkg/store/_local.py, LocalStore._reopen)."""
    response = full_disk_http["after"]
    assert response.status_code == 201, response.text


def test_store_errors_do_not_reveal_server_paths(full_disk_http: dict) -> None:
    response = full_disk_http["full"]
    assert str(full_disk_http["store_path"]) not in response.text
    assert ".log" not in response.json()["message"]


def test_read_only_store_directory_is_a_clear_error(tmpfs: Path) -> None:
    store = tmpfs / "store"
    assert _pvkg("load", str(DEMO / f"{KULTURA}.csv"), "--store", str(store)).returncode == 0
    before = check_store(store)
    subprocess.run(["mount", "-o", "remount,ro", str(tmpfs)], check=True)
    try:
        loaded = _pvkg("load", str(DEMO / "izdomata-vides-ministrija.csv"), "--store", str(store))
        assert loaded.returncode == 3, loaded.stderr
        assert "Read-only file system" in loaded.stderr and "Traceback" not in loaded.stderr
    finally:
        subprocess.run(["mount", "-o", "remount,rw", str(tmpfs)], check=True)
    assert check_store(store) == before


@pytest.mark.slow
def test_sigkill_during_http_submissions(tmp_path: Path) -> None:
    """The fast version of ``python -m scripts.reliability.kill_loop --mode http``."""
    code = kill_loop.main(
        [
            "--mode",
            "http",
            "--rounds",
            "2",
            "--services",
            "150",
            "--max-seconds",
            "60",
            "--workdir",
            str(tmp_path),
        ]
    )
    assert code == 0


def _answers(url: str) -> dict[str, object]:
    """Every curated query's bindings (sorted) and every demo institution's versions."""
    out: dict[str, object] = {}
    for path in sorted((ROOT / "queries").glob("*.rq")):
        response = httpx.post(
            f"{url}/sparql",
            data={"query": path.read_text(encoding="utf-8")},
            headers={"Accept": "application/sparql-results+json"},
            timeout=60,
        )
        assert response.status_code == 200, (path.name, response.text)
        rows = response.json()["results"]["bindings"]
        out[path.name] = sorted(json.dumps(r, sort_keys=True) for r in rows)
    for csv_path in sorted(DEMO.glob("*.csv")):
        inst = csv_path.stem
        out[inst] = httpx.get(f"{url}/portfolios/{inst}/versions", timeout=30).json()
    return out


@pytest.mark.slow
def test_server_restart_on_the_same_store_serves_the_same_answers(tmp_path: Path) -> None:
    store, log = tmp_path / "store", tmp_path / "server.log"
    env = {"PVKG_ADMIN_TOKEN": ADMIN}
    srv = start_server(store, log, env)
    try:
        for csv_path in sorted(DEMO.glob("*.csv")):
            response = httpx.put(
                f"{srv.url}/portfolios/{csv_path.stem}",
                content=csv_path.read_bytes(),
                headers={**bearer(ADMIN), "Content-Type": "text/csv"},
                timeout=60,
            )
            assert response.status_code == 201, response.text
        before = _answers(srv.url)
    finally:
        srv.kill()  # SIGKILL: no clean shutdown
    srv = start_server(store, log, env)
    try:
        after = _answers(srv.url)
    finally:
        srv.stop()
    assert after == before
    assert ADMIN not in log.read_text(encoding="utf-8", errors="replace")


def _app_on(remote: RemoteStore, tmp_path: Path) -> TestClient:
    settings = reliability_settings(tmp_path, query_timeout_s=1.0)
    return TestClient(create_app(settings, remote), raise_server_exceptions=False)


def test_remote_store_down_is_a_quick_503(tmp_path: Path) -> None:
    remote = RemoteStore(f"http://127.0.0.1:{free_port()}", timeout_s=1.0)
    with _app_on(remote, tmp_path) as client:
        started = time.monotonic()
        response = client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"})
        assert time.monotonic() - started < 5
        versions = client.get(f"/portfolios/{KULTURA}/versions")
    assert response.status_code == 503, response.text
    assert response.json()["error"] == "STORE_UNAVAILABLE"
    assert versions.status_code == 503, versions.text


class _Silent:
    """A loopback listener that accepts connections and never answers."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(50)
        self.port = self.sock.getsockname()[1]
        self.conns: list[socket.socket] = []
        self.stop = threading.Event()
        self.sock.settimeout(0.2)
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.stop.is_set():
            try:
                self.conns.append(self.sock.accept()[0])
            except OSError:
                continue

    def close(self) -> None:
        self.stop.set()
        self.thread.join(timeout=2)
        for conn in self.conns:
            conn.close()
        self.sock.close()


def test_remote_store_silent_is_a_quick_503_or_504(tmp_path: Path) -> None:
    silent = _Silent()
    try:
        remote = RemoteStore(f"http://127.0.0.1:{silent.port}", timeout_s=1.0)
        with _app_on(remote, tmp_path) as client:
            started = time.monotonic()
            response = client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"})
            elapsed = time.monotonic() - started
            versions = client.get(f"/portfolios/{KULTURA}/versions")
    finally:
        silent.close()
    assert elapsed < 5, elapsed
    assert response.status_code in (503, 504), response.text
    assert response.json()["error"] in ("QUERY_TIMEOUT", "STORE_UNAVAILABLE")
    assert versions.status_code in (503, 504), versions.text


def test_remote_store_down_sends_retry_after(tmp_path: Path) -> None:
    remote = RemoteStore(f"http://127.0.0.1:{free_port()}", timeout_s=1.0)
    with _app_on(remote, tmp_path) as client:
        response = client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"})
    assert response.status_code == 503 and "retry-after" in response.headers
