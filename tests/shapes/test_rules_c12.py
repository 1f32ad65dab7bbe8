"""C12 (INTERFACES.md §5): "a portfolio names its institution and at least one portfolio
manager". A manager the file names with ``pv:portfolioManager`` on its dataset is a named
manager, whether or not the publisher carries a name (audit R7)."""

from __future__ import annotations

from pathlib import Path

import pytest

from loaders import read_portfolio_file
from pvkg.settings import Settings
from pvkg.validation import validate_portfolios

AUDIT = Path(__file__).parent / "data" / "rules_audit"
SHAPES = "https://pvkg.lv/shapes#"


def _c12(name: str, engine: str) -> set[tuple[str, str]]:
    """(shape local name, focus kind) of every C12 result of the fixture."""
    loaded = read_portfolio_file(AUDIT / name)
    report = validate_portfolios([loaded], settings=Settings(), engine=engine)
    found = set()
    for r in report.results:
        if r.rule == "C12":
            kind = "portfolio" if r.focus.endswith("/portfolio") else "institution"
            found.add((r.shape.removeprefix(SHAPES), kind))
    return found


@pytest.mark.parametrize("engine", ["fast", "pyshacl"])
def test_unlabelled_publisher_with_a_dataset_manager_lacks_only_the_institution(
    engine: str,
) -> None:
    assert _c12("c12-unlabelled-publisher-dataset-manager.ttl", engine) == {
        ("C12-PortfolioInstitution", "portfolio")
    }


@pytest.mark.parametrize("engine", ["fast", "pyshacl"])
def test_labelled_publisher_with_a_dataset_manager_has_no_c12(engine: str) -> None:
    assert _c12("c12-labelled-publisher-dataset-manager.ttl", engine) == set()


@pytest.mark.parametrize("engine", ["fast", "pyshacl"])
def test_no_manager_anywhere_is_still_reported(engine: str) -> None:
    assert _c12("c12-unlabelled-publisher-no-manager.ttl", engine) == {
        ("C12-PortfolioInstitution", "portfolio"),
        ("C12-PortfolioManagerWithoutInstitution", "portfolio"),
    }
