"""Service fixtures: a prepared in-memory store, settings with tokens, and a TestClient."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from pvkg.bootstrap import prepare
from pvkg.settings import Settings
from pvkg.store import LocalStore, Store
from service import create_app

ADMIN = "admin-secret"
INSTITUTION_TOKENS = {
    "izdomata-kulturas-parvalde": "kultura-token",
    "izdomata-vides-ministrija": "vide-token",
}
DEMO = Path(__file__).resolve().parents[2] / "service" / "demo"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def admin() -> dict[str, str]:
    """Headers carrying the admin token."""
    return bearer(ADMIN)


@pytest.fixture
def institution_headers() -> dict[str, dict[str, str]]:
    """Headers carrying each institution's own token, by institution id."""
    return {inst: bearer(token) for inst, token in INSTITUTION_TOKENS.items()}


@pytest.fixture
def service_settings(tmp_path: Path) -> Settings:
    tokens = tmp_path / "tokens.toml"
    tokens.write_text(
        "".join(
            f'{inst} = "{hashlib.sha256(tok.encode()).hexdigest()}"\n'
            for inst, tok in INSTITUTION_TOKENS.items()
        ),
        encoding="utf-8",
    )
    return Settings().with_(
        store_path=tmp_path / "store",
        admin_token=ADMIN,
        tokens_file=tokens,
        query_timeout_s=5.0,
        max_result_rows=1000,
    )


@pytest.fixture
def service_store(service_settings: Settings) -> Iterator[Store]:
    store = LocalStore(None)
    prepare(store, service_settings)
    yield store
    store.close()


@pytest.fixture
def client(service_settings: Settings, service_store: Store) -> Iterator[TestClient]:
    with TestClient(create_app(service_settings, service_store)) as test_client:
        yield test_client


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[object]:
    """A headless Chromium (``test_landing.Chromium``) with its own profile; tests that use it
    are marked ``needs_chromium``."""
    from tests.service.test_landing import Chromium

    chromium = Chromium(tmp_path / "profile")
    yield chromium
    chromium.close()
