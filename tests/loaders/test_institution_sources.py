"""``source`` of institution-level results in tabular files (INTERFACES.md §4: the cell the
offending fact came from, or where the missing value belongs).

The loader records these cells in the source map (docs/MODEL.md §5); the report's resolver
reads them (audit 5, finding 7).
"""

from __future__ import annotations

from pathlib import Path

from rdflib import Literal
from rdflib.namespace import DCTERMS, SKOS

from loaders import read_portfolio_file
from pvkg.namespaces import PV, institution_iri
from pvkg.settings import Settings
from pvkg.validate_command import read_files
from pvkg.validation import Result, validate_portfolios

DA = "digitala-agentura"
TABLE = [
    ["Iestādes pakalpojuma identifikators", "Pakalpojuma nosaukums", "Pakalpojuma vadītājs"],
    ["DA-001", "Konta aktivizēšana", "Ilze Kalniņa"],
]


def _results(path: Path) -> list[Result]:
    loaded, errors = read_files(Settings(), [path])
    assert errors == []
    return validate_portfolios(loaded, settings=Settings()).results


def _only(results: list[Result], rule: str, path: str | None = None) -> Result:
    [found] = [r for r in results if r.rule == rule and (path is None or r.path == path)]
    return found


def test_c01_points_at_the_first_name_of_another_person(data_dir: Path) -> None:
    # row 2 Pēteris Liepiņš, row 3 the same name in lower case, row 4 Anna Bērziņa
    result = _only(_results(data_dir / "portfolio_managers_conflict.csv"), "C01")
    assert result.source == {
        "file": "portfolio_managers_conflict.csv",
        "sheet": None,
        "row": 4,
        "column": "B",
    }


def test_c12_points_at_the_empty_manager_cell_of_the_header_block(make_xlsx) -> None:
    for manager in (None, "–"):
        path = make_xlsx(
            [["Iestāde", "Digitālā aģentūra"], ["Pakalpojumu kopuma vadītājs", manager], *TABLE]
        )
        result = _only(_results(path), "C12")
        assert result.focus_id == DA
        assert result.source == {
            "file": "portfelis.xlsx",
            "sheet": "Pakalpojumi",
            "row": 2,
            "column": "B",
        }


def test_c12_without_institution_points_at_the_empty_institution_cell(
    data_dir: Path, make_xlsx
) -> None:
    publisher = str(DCTERMS.publisher)  # the other C12 (no manager) is about the whole portfolio
    result = _only(_results(data_dir / "no_institution_no_manager.csv"), "C12", publisher)
    assert result.source == {
        "file": "no_institution_no_manager.csv",
        "sheet": None,
        "row": 2,
        "column": "A",
    }
    path = make_xlsx([["Iestāde", "—"], ["Pakalpojumu kopuma vadītājs", "Pēteris Liepiņš"], *TABLE])
    result = _only(_results(path), "C12", publisher)
    assert result.source == {
        "file": "portfelis.xlsx",
        "sheet": "Pakalpojumi",
        "row": 1,
        "column": "B",
    }


def test_the_institution_name_cell_is_in_the_source_map(data_dir: Path, make_xlsx) -> None:
    """What a C14 result (a ministry with services) is about: the cell naming the institution,
    in the column or in the header block."""
    csv_file = read_portfolio_file(data_dir / "ministry_with_services.csv")
    block = read_portfolio_file(make_xlsx([["Iestāde", None, "Finanšu ministrija"], *TABLE]))
    for loaded, cell in ((csv_file, (2, "A")), (block, (1, "C"))):
        src = loaded.sources
        named = [
            (int(src.value(c, PV.row)), str(src.value(c, PV.column)))
            for c in src.objects(institution_iri(loaded.institution_id), PV.sourceCell)
            if src.value(c, PV.property) == SKOS.prefLabel
        ]
        assert named == [cell]
        assert loaded.graph.value(
            institution_iri(loaded.institution_id), SKOS.prefLabel
        ) == Literal("Finanšu ministrija", lang="lv")
