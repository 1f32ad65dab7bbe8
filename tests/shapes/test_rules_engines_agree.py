"""The two engines (fast and pyshacl, the reference) agree on every shape case and on every
field a user sees of a result: rule, focus, component, severity, and also ``path`` and ``value``
(INTERFACES.md §4); for a SPARQL-based constraint of a node shape SHACL §5.3.2 gives the
``?value`` binding, else the focus node, as ``sh:value``.
"""

from __future__ import annotations

import pytest
from rdflib import BNode

from pvkg.settings import Settings
from pvkg.validation import Report, validate_graph
from tests.shapes.cases import Case, load_cases

CASES = load_cases()

Row = tuple[str, str, str | None, str | None, str, str]


def _rows(report: Report) -> list[Row]:
    """(rule, focus, path, value, severity, component); blank nodes have no stable label."""
    rows = []
    for r in report.results:
        focus = "_:" if isinstance(r.focus_node, BNode) else r.focus
        value = "_:" if isinstance(r.value_node, BNode) else r.value
        rows.append((r.rule or "", focus, r.path, value, r.severity, r.component))
    return sorted(rows, key=repr)


@pytest.fixture(scope="module")
def settings() -> Settings:
    return Settings()


@pytest.mark.parametrize("profile", ["policy", "all"])
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_engines_agree_on_path_and_value(case: Case, profile: str, settings: Settings) -> None:
    data = case.graph()
    fast = validate_graph(data, profile=profile, settings=settings, engine="fast")
    reference = validate_graph(data, profile=profile, settings=settings, engine="pyshacl")
    assert _rows(fast) == _rows(reference)
