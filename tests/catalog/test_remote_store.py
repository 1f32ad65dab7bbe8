"""``--store-url``: the exports read a remote SPARQL server (Oxigraph server) the same way."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib.compare import isomorphic

from pvkg.bootstrap import prepare
from pvkg.catalog import build_catalog
from pvkg.cpsv_export import export_cpsv
from pvkg.institution_registry import load_registry
from pvkg.portfolios import store_portfolio
from pvkg.settings import Settings
from pvkg.store import Store, open_store
from tests.catalog.conftest import (
    DATA,
    DCAT_AP,
    cpsv_shapes,
    fixture_portfolio,
    results_text,
    shacl,
)
from tests.federation.conftest import oxigraph_server

DCAT_SHAPES = [
    DCAT_AP / "shapes.ttl",
    DCAT_AP / "range.ttl",
    DCAT_AP / "mdr-vocabularies.shape.ttl",
]


@pytest.fixture
def remote_store(tmp_path: Path, catalog_settings: Settings) -> Iterator[Store]:
    with oxigraph_server(tmp_path) as server:
        settings = catalog_settings.with_(store_url=server.base)
        store = open_store(settings)
        prepare(store, settings)
        load_registry(store, (DATA / "institutions.csv").read_bytes(), "institutions.csv")
        store_portfolio(store, fixture_portfolio(), submitter="test")
        yield store
        store.close()


def test_exports_from_a_remote_store_match_the_embedded_ones(
    remote_store: Store, loaded_store: Store, catalog_settings: Settings
) -> None:
    remote_cpsv = export_cpsv(remote_store)
    assert isomorphic(remote_cpsv, export_cpsv(loaded_store))
    violations, _, report = shacl(remote_cpsv, [cpsv_shapes()])
    assert violations == 0, results_text(report)
    remote_catalog = build_catalog(remote_store, catalog_settings)
    violations, _, report = shacl(remote_catalog, DCAT_SHAPES)
    assert violations == 0, results_text(report)
