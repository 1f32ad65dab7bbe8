"""Queries that count validation results count only what is broken: Violations and Warnings.
A sh:Info result (C18, a review hint) breaks nothing (INTERFACES.md §4: infos do not fail a
portfolio), so it is not a "rule broken" and costs no score (audit Q1)."""

from __future__ import annotations

from pathlib import Path

import pytest

from loaders import read_portfolio_file
from pvkg.curated import find_query, run_curated
from pvkg.settings import Settings
from pvkg.store import SelectResult, Store
from pvkg.submission import submit_portfolio

# the portfolio manager also manages DA-003 (C18, Info); DA-004 has no manager (C02, Violation)
AUDIT = Path(__file__).parents[1] / "shapes" / "data" / "rules_audit"
FIXTURE = AUDIT / "da_info_and_violation.csv"


def run(store: Store, settings: Settings, name: str, **params: str) -> SelectResult:
    return run_curated(store, find_query(settings.queries_dir, name), params)


@pytest.fixture
def stored(memory_store: Store, settings: Settings) -> Store:
    loaded = read_portfolio_file(FIXTURE, settings=settings)
    report = submit_portfolio(memory_store, loaded, settings=settings).report
    assert {(r.rule, r.severity) for r in report.results} == {
        ("C02", "Violation"),
        ("C18", "Info"),
    }
    return memory_store


def test_rules_broken_leaves_out_infos(stored: Store, settings: Settings) -> None:
    (row,) = run(stored, settings, "compliance_by_institution").dicts()
    assert str(row["rules_broken"]) == "C02×1"


@pytest.mark.parametrize("name", ["violations_by_rule", "results_by_rule"])
def test_results_by_rule_count_violations_and_warnings(
    name: str, stored: Store, settings: Settings
) -> None:
    rows = run(stored, settings, name).dicts()
    assert [(str(r["rule_code"]), str(r["severity"])) for r in rows] == [("C02", "Violation")]


def test_fix_first_lists_only_broken_rules(stored: Store, settings: Settings) -> None:
    rows = run(stored, settings, "fix_first").dicts()
    assert [(str(r["rule_code"]), int(r["failing"])) for r in rows] == [("C02", 1)]
