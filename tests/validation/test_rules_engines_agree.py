"""Submitted files, read the way a submission reads them: both engines give the same report
(every JSON field a user sees, ``value`` included), on their own and against a store."""

from __future__ import annotations

from pathlib import Path

import pytest

from loaders import read_portfolio_file
from pvkg.settings import Settings
from pvkg.store import Store
from pvkg.validation import validate_portfolios

DATA = Path(__file__).parent / "data"
AUDIT = Path(__file__).parents[1] / "shapes" / "data" / "rules_audit"
FILES = [
    DATA / "portfolio_bad.csv",
    DATA / "portfolio_cpsv.ttl",
    DATA / "portfolio_tricky_ok.csv",
    *sorted(AUDIT.glob("*.ttl")),
]


@pytest.mark.parametrize("profile", ["policy", "all"])
@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_engines_give_the_same_json(path: Path, profile: str) -> None:
    loaded = read_portfolio_file(path)
    settings = Settings()
    fast = validate_portfolios([loaded], profile=profile, settings=settings)
    reference = validate_portfolios([loaded], profile=profile, settings=settings, engine="pyshacl")
    assert fast.to_json() == reference.to_json()


def test_engines_agree_against_a_store(memory_store: Store, settings: Settings) -> None:
    from pvkg.portfolios import store_portfolio

    store_portfolio(memory_store, read_portfolio_file(DATA / "portfolio_bad.csv"))
    loaded = read_portfolio_file(DATA / "portfolio_cpsv.ttl")
    fast = validate_portfolios([loaded], store=memory_store, settings=settings)
    reference = validate_portfolios(
        [loaded], store=memory_store, settings=settings, engine="pyshacl"
    )
    assert fast.to_json() == reference.to_json()
