"""Curated-query descriptions say what their rows are (analyst audit 2, defects 7 and 15)."""

from __future__ import annotations

from pvkg.curated import find_query
from pvkg.settings import Settings


def test_the_no_portfolio_manager_query_does_not_claim_all_of_c01(settings: Settings) -> None:
    """On the demo, Zemgale names two portfolio managers: a C01 violation this query does not
    list (it lists institutions with none), which the dashboard and violations_by_rule show."""
    query = find_query(settings.queries_dir, "institutions_without_portfolio_manager")
    assert "(rule C01)" not in query.summary
    for where in ("two or more", "violations_by_rule", "compliance_by_institution"):
        assert where in query.description, where


def test_fix_first_says_points_are_rounded_per_row(settings: Settings) -> None:
    description = find_query(settings.queries_dir, "fix_first").description
    assert "rounded to one decimal in each row" in description
    assert "governance_score" in description
