"""Reliability tests (issue 9): fuzzing, faults, load, security and audit trail.

Scale: ``PVKG_FUZZ_SCALE`` multiplies every Hypothesis example count (1 in the normal run;
``python -m scripts.reliability.fuzz`` raises it). Every generated input is counted in
:data:`COUNTS`; with ``PVKG_FUZZ_COUNTS=<file>`` the counts are written there as JSON at the end
of the session, which is how the fuzz job reports its figure.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from pvkg.bootstrap import prepare
from pvkg.settings import Settings
from pvkg.store import LocalStore, Store
from service import create_app

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "service" / "demo"
SCALE = max(1, int(os.environ.get("PVKG_FUZZ_SCALE", "1")))
COUNTS: Counter[str] = Counter()

ADMIN = "reliability-admin-secret-7f3a"
TOKENS = {
    "izdomata-kulturas-parvalde": "kultura-secret-token-91b2",
    "izdomata-vides-ministrija": "vide-secret-token-c4d8",
}


def examples(base: int) -> int:
    """Hypothesis ``max_examples`` for this run: ``base`` times ``PVKG_FUZZ_SCALE``."""
    return base * SCALE


def count(kind: str) -> None:
    """Count one generated input of ``kind`` (``loader``, ``api``, ``report``)."""
    COUNTS[kind] += 1


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def write_tokens(path: Path) -> Path:
    """A TOML tokens file with the SHA-256 of each institution token of :data:`TOKENS`."""
    path.write_text(
        "".join(
            f'{inst} = "{hashlib.sha256(tok.encode()).hexdigest()}"\n'
            for inst, tok in TOKENS.items()
        ),
        encoding="utf-8",
    )
    return path


def reliability_settings(tmp: Path, **changes: object) -> Settings:
    """Settings with the admin token, institution tokens and short limits for tests."""
    base = Settings().with_(
        store_path=tmp / "store",
        admin_token=ADMIN,
        tokens_file=write_tokens(tmp / "tokens.toml"),
        query_timeout_s=5.0,
        max_result_rows=1000,
    )
    return base.with_(**changes) if changes else base


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "fuzz: Hypothesis fuzzing (scaled by PVKG_FUZZ_SCALE)")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    target = os.environ.get("PVKG_FUZZ_COUNTS")
    if target:
        # with --import-mode=importlib pytest's copy of this conftest is not the module the tests
        # import as tests.reliability.conftest: merge both counters
        import importlib

        shared = importlib.import_module("tests.reliability.conftest").COUNTS
        merged = Counter(COUNTS) + (Counter(shared) if shared is not COUNTS else Counter())
        Path(target).write_text(json.dumps(dict(merged), indent=2), encoding="utf-8")


@pytest.fixture(scope="module")
def rel_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return reliability_settings(tmp_path_factory.mktemp("rel"))


@pytest.fixture(scope="module")
def rel_store(rel_settings: Settings) -> Iterator[Store]:
    store = LocalStore(None)
    prepare(store, rel_settings)
    yield store
    store.close()


@pytest.fixture(scope="module")
def rel_client(rel_settings: Settings, rel_store: Store) -> Iterator[TestClient]:
    app = create_app(rel_settings, rel_store)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


def fuzz_settings(base: int) -> object:
    """Hypothesis settings for a fuzz test: ``examples(base)`` inputs, no deadline."""
    from hypothesis import HealthCheck, settings

    return settings(
        max_examples=examples(base),
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
