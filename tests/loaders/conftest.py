"""Fixtures for the loader tests: the data folder, golden files and Excel workbooks built here."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from openpyxl import Workbook
from rdflib import Graph
from rdflib.compare import graph_diff, isomorphic

from pvkg.namespaces import PREFIXES

DATA = Path(__file__).parent / "data"
# Set PVKG_UPDATE_GOLDEN=1 to rewrite the expected .ttl files; review the diff before committing.
UPDATE_GOLDEN = os.environ.get("PVKG_UPDATE_GOLDEN") == "1"


@pytest.fixture
def data_dir() -> Path:
    return DATA


def assert_isomorphic(actual: Graph, expected: Graph) -> None:
    """Graph equality with a readable difference when it fails."""
    if isomorphic(actual, expected):
        return
    _, only_actual, only_expected = graph_diff(actual, expected)
    extra = "\n".join(sorted(f"+ {t}" for t in only_actual)[:20])
    missing = "\n".join(sorted(f"- {t}" for t in only_expected)[:20])
    pytest.fail(f"graphs differ:\n{extra}\n{missing}")


@pytest.fixture
def golden() -> Callable[[Graph, str], None]:
    """Compare a graph with ``data/<name>`` as RDF (isomorphism), or rewrite it when asked."""

    def check(graph: Graph, name: str) -> None:
        path = DATA / name
        if UPDATE_GOLDEN or not path.exists():
            out = Graph()
            for prefix, ns in PREFIXES.items():
                out.bind(prefix, ns)
            out += graph
            out.serialize(path, format="turtle")
            if not UPDATE_GOLDEN:
                pytest.fail(f"{name} did not exist; written now, review it and run again")
        expected = Graph().parse(path, format="turtle")
        assert_isomorphic(graph, expected)

    return check


XlsxRows = Sequence[Sequence[object]]


@pytest.fixture
def make_xlsx(tmp_path: Path) -> Callable[..., Path]:
    """Write rows into a real .xlsx file (one sheet, or several as ``{title: rows}``)."""

    def make(rows: XlsxRows | dict[str, XlsxRows], name: str = "portfelis.xlsx") -> Path:
        book = Workbook()
        sheets = rows if isinstance(rows, dict) else {"Pakalpojumi": rows}
        first = True
        for title, sheet_rows in sheets.items():
            sheet = book.active if first else book.create_sheet()
            first = False
            sheet.title = title
            for row in sheet_rows:
                sheet.append(list(row))
        path = tmp_path / name
        book.save(path)
        return path

    return make
