"""``export_dcat`` / ``export_cpsv``: every format parses back to the same graph, tags kept."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import Graph, Literal
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS

from pvkg.bootstrap import prepare
from pvkg.catalog import build_catalog
from pvkg.cpsv_export import export_cpsv as build_cpsv
from pvkg.errors import UnsupportedFormat
from pvkg.export_command import export_cpsv, export_dcat
from pvkg.institution_registry import load_registry
from pvkg.portfolios import store_portfolio
from pvkg.settings import Settings
from pvkg.store import LocalStore
from tests.catalog.conftest import DATA, fixture_portfolio

RDFLIB = {"turtle": "turtle", "jsonld": "json-ld", "rdfxml": "xml", "nt": "nt"}


@pytest.fixture
def disk_settings(catalog_settings: Settings) -> Settings:
    store = LocalStore(catalog_settings.store_path)
    prepare(store, catalog_settings)
    load_registry(store, (DATA / "institutions.csv").read_bytes(), "institutions.csv")
    store_portfolio(store, fixture_portfolio())
    store.close()
    return catalog_settings


@pytest.mark.parametrize("fmt", list(RDFLIB))
def test_dcat_export_parses_back(disk_settings: Settings, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"catalog.{fmt}"
    assert export_dcat(disk_settings, fmt, out) == 0
    parsed = Graph().parse(out, format=RDFLIB[fmt])
    store = LocalStore(disk_settings.store_path)
    try:
        expected = build_catalog(store, disk_settings)
    finally:
        store.close()
    assert isomorphic(parsed, expected)


@pytest.mark.parametrize("fmt", list(RDFLIB))
def test_cpsv_export_parses_back(disk_settings: Settings, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"services.{fmt}"
    assert export_cpsv(disk_settings, fmt, out) == 0
    parsed = Graph().parse(out, format=RDFLIB[fmt])
    store = LocalStore(disk_settings.store_path)
    try:
        expected = build_cpsv(store)
    finally:
        store.close()
    assert isomorphic(parsed, expected)


def test_json_ld_keeps_language_tags(disk_settings: Settings, tmp_path: Path) -> None:
    out = tmp_path / "services.jsonld"
    export_cpsv(disk_settings, "jsonld", out)
    text = out.read_text(encoding="utf-8")
    assert '"@language": "lv"' in text
    json.loads(text)
    parsed = Graph().parse(data=text, format="json-ld")
    titles = list(parsed.objects(None, DCTERMS.title))
    assert titles and all(isinstance(t, Literal) and t.language for t in titles)


def test_unknown_format_is_refused(disk_settings: Settings, tmp_path: Path) -> None:
    with pytest.raises(UnsupportedFormat):
        export_dcat(disk_settings, "csv", tmp_path / "x")
