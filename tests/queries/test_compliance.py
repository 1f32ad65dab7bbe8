"""compliance_by_institution and portfolio_versions on portfolios stored as `pvkg load` does."""

from __future__ import annotations

from pathlib import Path

from loaders import read_portfolio_file
from pvkg.curated import find_query, run_curated
from pvkg.namespaces import institution_iri
from pvkg.portfolios import store_portfolio
from pvkg.settings import Settings
from pvkg.store import SelectResult, Store
from pvkg.validation import report_registry_triples, validate_portfolios

DATA = Path(__file__).parent / "data"
DA = institution_iri("digitala-agentura")


def load(store: Store, settings: Settings, path: Path) -> None:
    loaded = read_portfolio_file(path, settings=settings)
    report = validate_portfolios([loaded], profile="policy", store=store, settings=settings)
    store_portfolio(
        store,
        loaded,
        submitter="test",
        extra_graphs={"{version}/validation": report.graph},
        extra_registry=report_registry_triples(report),
    )


def run(store: Store, settings: Settings, name: str, **params: str) -> SelectResult:
    return run_curated(store, find_query(settings.queries_dir, name), params)


def test_compliance_shows_the_current_version_and_rules(
    memory_store: Store, settings: Settings
) -> None:
    load(memory_store, settings, DATA / "da_two_violations.csv")
    rows = run(memory_store, settings, "compliance_by_institution").dicts()
    assert len(rows) == 1
    row = rows[0]
    assert row["institution"] == DA
    assert int(row["version_number"]) == 1 and int(row["services"]) == 9
    assert int(row["violations"]) == 2 and str(row["conforms"]) == "false"
    assert str(row["rules_broken"]) == "C02×1, C07×1"

    # A fixed portfolio becomes version 2, and only the current version counts.
    fixed = settings.store_path.parent / "da_fixed.csv"
    text = (DATA / "da_two_violations.csv").read_text(encoding="utf-8")
    fixed.write_text(text.replace(",gatavs,", ",izstrāde,"), encoding="utf-8")
    load(memory_store, settings, fixed)
    rows = run(memory_store, settings, "compliance_by_institution").dicts()
    assert [int(r["version_number"]) for r in rows] == [2]
    assert int(rows[0]["violations"]) == 1  # DA-003 still has no manager
    assert str(rows[0]["rules_broken"]) == "C02×1"

    versions = run(memory_store, settings, "portfolio_versions", institution="digitala-agentura")
    assert [(int(r["number"]), str(r["current"])) for r in versions.dicts()] == [
        (2, "true"),
        (1, "false"),
    ]
