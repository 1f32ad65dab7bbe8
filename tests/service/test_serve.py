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


def _demo_refused(store_dir: Path) -> subprocess.CompletedProcess[str]:
    """``pvkg serve --demo`` on ``store_dir``, which must refuse it (exit 2) before serving."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PVKG_")}
    run = subprocess.run(
        [sys.executable, "-m", "pvkg.cli", "serve", "--demo", "--store", str(store_dir)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert run.returncode == 2, run.stderr
    return run


def test_demo_refuses_a_store_with_real_portfolios(tmp_path: Path) -> None:
    """The demo makes its invented portfolios current and replaces the survey answers, and
    ./pvkg-data is the default store of both (audit 5, defect 2)."""
    from pvkg.load_command import load_files
    from pvkg.portfolios import list_versions
    from pvkg.serve_command import DEMO_DIR
    from pvkg.settings import Settings
    from pvkg.store import LocalStore

    store_dir = tmp_path / "store"
    settings = Settings(store_path=store_dir)
    real = tmp_path / "izdomata-kulturas-parvalde.csv"
    real.write_bytes((DEMO_DIR / real.name).read_bytes().replace(b"IKP-001", b"IKP-101"))
    assert load_files(settings, [real], submitter="portfeļa vadītāja") in (0, 1)
    run = _demo_refused(store_dir)
    assert "--demo adds invented portfolios" in run.stderr
    assert "pvkg serve --demo --store ./pvkg-demo" in run.stderr
    store = LocalStore(store_dir)
    try:
        assert [v.number for v in list_versions(store, "izdomata-kulturas-parvalde")] == [1]
    finally:
        store.close()


def test_demo_refuses_a_store_with_real_survey_answers(tmp_path: Path) -> None:
    """Survey answers of its own and no portfolio: the demo would replace them (re-check)."""
    from pvkg.bootstrap import open_ready_store
    from pvkg.serve_command import DEMO_SURVEY
    from pvkg.settings import Settings
    from pvkg.store import LocalStore
    from pvkg.survey import SURVEY_ANSWERS_GRAPH, load_survey

    store_dir = tmp_path / "store"
    lines = DEMO_SURVEY.read_bytes().splitlines(keepends=True)
    with open_ready_store(Settings(store_path=store_dir)) as store:
        load_survey(store, b"".join(lines[:3]), "aptauja.csv")  # two real answers
        before = store.count(str(SURVEY_ANSWERS_GRAPH))
    run = _demo_refused(store_dir)
    assert "survey answers that are not the demo's" in run.stderr
    store = LocalStore(store_dir)
    try:
        assert store.count(str(SURVEY_ANSWERS_GRAPH)) == before > 0
    finally:
        store.close()
