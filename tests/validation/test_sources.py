"""``source`` of results: the cell of a workbook (with its sheet), the line of an RDF file, the
row of the institution's header for a missing portfolio manager (docs/MODEL.md §5)."""

from __future__ import annotations

import csv
from pathlib import Path

from openpyxl import Workbook

from pvkg.settings import Settings
from pvkg.validate_command import read_files
from pvkg.validation import Report, validate_portfolios

DATA = Path(__file__).parent / "data"


def _validate(paths: list[Path]) -> Report:
    loaded, errors = read_files(Settings(), paths)
    assert errors == []
    return validate_portfolios(loaded, settings=Settings())


def test_rdf_results_point_at_the_line_of_the_subject() -> None:
    report = _validate([DATA / "portfolio_cpsv.ttl"])
    got = {(r.rule, r.focus_id): r.source for r in report.results if r.severity == "Violation"}
    # ex:s2 (VK-2) has no manager and no service type; it is described from line 38
    assert got == {
        ("C02", "VK-2"): {"file": "portfolio_cpsv.ttl", "line": 38},
        ("C09", "VK-2"): {"file": "portfolio_cpsv.ttl", "line": 38},
    }


def test_workbook_results_name_the_sheet_row_and_column(tmp_path: Path) -> None:
    with (DATA / "portfolio_ok.csv").open(encoding="utf-8") as f:
        rows = list(csv.reader(f))
    header = rows[0]
    rows[3][header.index("service_manager")] = ""  # DA-003, spreadsheet row 4
    rows[5][header.index("priority")] = "steidzama"  # DA-005, row 6
    book = Workbook()
    sheet = book.active
    sheet.title = "Pakalpojumi"
    for row in rows:
        sheet.append(row)
    path = tmp_path / "portfelis.xlsx"
    book.save(path)
    report = _validate([path])
    got = {(r.rule, r.focus_id): r.source for r in report.results}
    cell = {"file": "portfelis.xlsx", "sheet": "Pakalpojumi"}
    assert got == {
        ("C02", "DA-003"): {**cell, "row": 4, "column": "M"},
        ("C08", "DA-005"): {**cell, "row": 6, "column": "K"},
    }


def test_missing_portfolio_manager_points_at_the_institution_row(tmp_path: Path) -> None:
    text = (DATA / "portfolio_ok.csv").read_text(encoding="utf-8")
    path = tmp_path / "nopm.csv"
    path.write_text(text.replace(",Pēteris Liepiņš,", ",,"), encoding="utf-8")
    report = _validate([path])
    [result] = report.results
    assert (result.rule, result.focus_id) == ("C12", "digitala-agentura")
    assert result.source == {"file": "nopm.csv", "sheet": None, "row": 2, "column": "B"}


def test_a_focus_no_row_or_line_describes_still_names_its_file() -> None:
    """A fact missing from a file, about a node no row or line describes (a portfolio pvkg made
    for a file without one): the file alone, so a reader of several files knows which to fix."""
    from rdflib import Graph, Literal, URIRef

    from pvkg.namespaces import PV
    from pvkg.reports.sources import SourceResolver

    portfolio = URIRef("https://pvkg.lv/id/institution/x/portfolio")
    column = URIRef("urn:spec")
    tabular, rdf = Graph(), Graph()
    tabular.add((portfolio, PV.sourceFile, Literal("x.csv")))
    tabular.add((portfolio, PV.columnOf, column))
    tabular.add((column, PV.property, PV.serviceManager))
    tabular.add((column, PV.column, Literal("M")))
    rdf.add((portfolio, PV.sourceFile, Literal("x.ttl")))
    assert SourceResolver(tabular).resolve(portfolio, None) == {
        "file": "x.csv",
        "sheet": None,
        "row": None,
        "column": None,
    }
    assert SourceResolver(rdf).resolve(portfolio, None) == {"file": "x.ttl", "line": None}
    assert SourceResolver(rdf).resolve(URIRef("urn:elsewhere"), None) is not None  # one file
    assert SourceResolver(Graph()).resolve(portfolio, None) is None


def test_results_about_a_portfolio_pvkg_made_name_the_file(tmp_path: Path) -> None:
    """An RDF file of services without a dataset or institution: the C12 results are about the
    portfolio pvkg made for it, which no line describes; they name the file (text: no ':None')."""
    from pvkg.reports import render

    path = tmp_path / "noinst.ttl"
    path.write_text(
        "@prefix cpsv: <http://purl.org/vocab/cpsv#> . @prefix dct: <http://purl.org/dc/terms/> .\n"
        '<urn:s1> a cpsv:PublicService ; dct:identifier "S-1" ; dct:title "P"@lv .\n',
        encoding="utf-8",
    )
    report = _validate([path])
    c12 = [r.source for r in report.results if r.rule == "C12"]
    assert c12 == [{"file": "noinst.ttl", "line": None}] * 2
    text = render(report, "text").decode("utf-8")
    assert "noinst.ttl: Violation C12" in text and ":None" not in text


def test_c14_points_at_the_cell_naming_the_ministry() -> None:
    """C14's path is inverse (services whose authority is the ministry): the fact is the ministry
    itself, so the source is the cell that names it, column included."""
    report = _validate(
        [Path(__file__).parents[1] / "loaders" / "data" / "ministry_with_services.csv"]
    )
    c14 = [r.source for r in report.results if r.rule == "C14"]
    assert c14 and all(s is not None and s["column"] == "A" and s["row"] for s in c14)
