"""Shared fixtures: settings pointing at a temporary store, and real pyoxigraph stores."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from pvkg.bootstrap import prepare
from pvkg.settings import Settings
from pvkg.store import LocalStore, Store


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Default settings with the on-disk store in a fresh temporary directory."""
    return Settings().with_(store_path=tmp_path / "store")


@pytest.fixture
def memory_store(settings: Settings) -> Iterator[Store]:
    """An in-memory store with the ontology and reference data loaded and published."""
    store = LocalStore(None)
    prepare(store, settings)
    yield store
    store.close()


@pytest.fixture
def disk_store(settings: Settings) -> Iterator[Store]:
    """An empty on-disk store in a temporary directory."""
    store = LocalStore(settings.store_path)
    yield store
    store.close()
