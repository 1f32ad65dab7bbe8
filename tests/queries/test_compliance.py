"""compliance_by_institution and portfolio_versions on portfolios stored as `pvkg load` does."""

from __future__ import annotations

from pathlib import Path

from loaders import read_portfolio_file
from pvkg.curated import find_query, run_curated
from pvkg.namespaces import institution_iri
from pvkg.settings import Settings
from pvkg.store import SelectResult, Store
from pvkg.submission import submit_portfolio

DATA = Path(__file__).parent / "data"
DA = institution_iri("digitala-agentura")


def load(store: Store, settings: Settings, path: Path) -> None:
    submit_portfolio(store, read_portfolio_file(path, settings=settings), settings=settings)


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


def test_governance_score_is_the_documented_computation(
    memory_store: Store, settings: Settings
) -> None:
    load(memory_store, settings, DATA / "da_two_violations.csv")
    # 9 services; C02 fails for 1 (weight 25), C07 for 1 (weight 15); everything else passes.
    expected = round(100 - 25 * 1 / 9 - 15 * 1 / 9, 1)
    rows = run(memory_store, settings, "governance_score").dicts()
    assert [(float(r["score"]), str(r["band"])) for r in rows] == [
        (expected, "teicami / excellent")
    ]

    first = run(memory_store, settings, "fix_first").dicts()
    assert [(str(r["rule_code"]), int(r["failing"]), float(r["points_lost"])) for r in first] == [
        ("C02", 1, round(25 / 9, 1)),
        ("C07", 1, round(15 / 9, 1)),
    ]

    fixed = settings.store_path.parent / "da_fixed.csv"
    text = (DATA / "da_two_violations.csv").read_text(encoding="utf-8")
    fixed.write_text(text.replace(",gatavs,", ",izstrāde,"), encoding="utf-8")
    load(memory_store, settings, fixed)
    history = run(memory_store, settings, "governance_score", current_only="false").dicts()
    assert [(int(r["version_number"]), str(r["current"])) for r in history] == [
        (1, "false"),
        (2, "true"),
    ]
    assert float(history[1]["score"]) == round(100 - 25 / 9, 1) > float(history[0]["score"])
