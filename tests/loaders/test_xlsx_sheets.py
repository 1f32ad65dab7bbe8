"""Which sheet of a workbook is the portfolio, and merged data cells (audit 5: D5, D6, D7).

The ``lo_*.xlsx`` files were written by LibreOffice 7.4.7 (audit 5); see test_xlsx_cells.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook
from rdflib import Literal
from rdflib.namespace import DCTERMS, RDF

from loaders import read_portfolio_file
from pvkg.namespaces import ADMS, CPSV, CV, PV
from pvkg.settings import Settings
from pvkg.validation import validate_portfolios

TABLE = [
    ["Iestāde", "Iestāde A"],
    [],
    ["inst_service_id", "service_name_lv", "type_public_general_benefit", "status"],
    ["S-1", "Pirmais", "X", "sniegšana"],
]
NARROW = [["Iestāde", "Iestāde A"], ["inst_service_id", "service_name_lv"], ["N-1", "Vecais"]]


def _book(
    tmp_path: Path,
    sheets: dict[str, Sequence[Sequence[object]]],
    *,
    active: int = 0,
    hidden: Sequence[str] = (),
    merged: Sequence[str] = (),
) -> Path:
    """A workbook of ``{title: rows}``; ``merged`` ranges are on the first sheet."""
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(list(row))
        if title in hidden:
            sheet.sheet_state = "hidden"
    for ref in merged:
        book.worksheets[0].merge_cells(ref)
    book.active = active
    path = tmp_path / "portfelis.xlsx"
    book.save(path)
    return path


def _services(loaded, prop=DCTERMS.title) -> dict[str, set[str]]:
    """service id -> the values of ``prop`` on that service."""
    found: dict[str, set[str]] = {}
    for svc in loaded.graph.subjects(RDF.type, CPSV.PublicService):
        ident = str(loaded.graph.value(svc, DCTERMS.identifier))
        found[ident] = {str(v).rsplit("/", 1)[-1] for v in loaded.graph.objects(svc, prop)}
    return found


def _sheet(loaded) -> Literal | None:
    return next(loaded.sources.objects(None, PV.sourceSheet), None)


# D7: merged data cells


def test_a_merged_manager_and_status_hold_for_every_row(data_dir: Path) -> None:
    """'Jānis Ozols' is merged over K8:K10 and 'sniegšana' over J6:J9; the template's header
    block and title are merged cells too."""
    loaded = read_portfolio_file(data_dir / "lo_merged_data_cells.xlsx")
    managers = _services(loaded, PV.serviceManager)
    assert {k: managers[k] for k in ("DA-003", "DA-004", "DA-005")} == {
        k: {"janis-ozols"} for k in ("DA-003", "DA-004", "DA-005")
    }
    statuses = _services(loaded, ADMS.status)
    assert all(statuses[f"DA-00{i}"] == {"STATUS-PROVISION"} for i in range(1, 5))
    assert loaded.institution_name == "Digitālā aģentūra"
    report = validate_portfolios([loaded], settings=Settings())
    assert [(r.rule, r.focus_id) for r in report.results] == []


def test_a_horizontal_merge_marks_every_column_it_covers(tmp_path: Path) -> None:
    rows = [
        ["Iestāde", "Iestāde A"],
        ["inst_service_id", "type_public_general_benefit", "type_public_individual_benefit"],
        ["S-1", "X", None],
    ]
    loaded = read_portfolio_file(_book(tmp_path, {"Pakalpojumi": rows}, merged=["B3:C3"]))
    assert _services(loaded, CV.isClassifiedBy)["S-1"] == {"ST-PUB-GEN", "ST-PUB-IND"}


def test_a_band_merged_across_the_id_column_stays_one_cell(tmp_path: Path) -> None:
    """A section title merged across the table is not a value of every field: it stays one
    cell, so the row is a section title (skipped, D4), not a service named after itself."""
    rows = [*TABLE[:3], ["1. Publiskie pakalpojumi"], TABLE[3]]
    loaded = read_portfolio_file(_book(tmp_path, {"Pakalpojumi": rows}, merged=["A4:D4"]))
    assert _services(loaded) == {"S-1": {"Pirmais"}}
    assert any(w.startswith("row 4: '1. Publiskie pakalpojumi' is not") for w in loaded.warnings)


# D6: hidden sheets, several tables


def test_a_hidden_old_sheet_is_not_read(data_dir: Path) -> None:
    loaded = read_portfolio_file(data_dir / "lo_hidden_old_sheet.xlsx")
    assert loaded.service_count == 9
    assert _sheet(loaded) == Literal("Pakalpojumi 2025")
    assert [w for w in loaded.warnings if "sheet" in w] == [
        "sheet 'Pakalpojumi 2025' is read; other sheets with a portfolio table are not: "
        "'Pakalpojumi 2024' (hidden); one file is one institution's portfolio"
    ]


def test_of_two_equal_tables_the_active_sheet_is_read_and_the_other_named(
    data_dir: Path,
) -> None:
    """LibreOffice saved the 2024 tab as the active one."""
    loaded = read_portfolio_file(data_dir / "lo_two_year_sheets.xlsx")
    assert _sheet(loaded) == Literal("Pakalpojumi 2024")
    assert loaded.service_count == 3
    assert any("'Pakalpojumi 2025' (not the active sheet)" in w for w in loaded.warnings)


def test_the_active_sheet_wins_over_an_earlier_equal_one(tmp_path: Path) -> None:
    path = _book(tmp_path, {"2024": TABLE, "2025": TABLE}, active=1)
    loaded = read_portfolio_file(path)
    assert _sheet(loaded) == Literal("2025")
    assert any("'2024' (not the active sheet)" in w for w in loaded.warnings)


def test_without_the_active_sheet_among_them_the_first_table_is_read(tmp_path: Path) -> None:
    path = _book(tmp_path, {"Titullapa": [["Portfelis"]], "A": TABLE, "B": TABLE}, active=0)
    loaded = read_portfolio_file(path)
    assert _sheet(loaded) == Literal("A")
    assert any("'B' (an earlier sheet is read)" in w for w in loaded.warnings)


def test_a_hidden_table_is_read_when_no_visible_sheet_has_one(tmp_path: Path) -> None:
    path = _book(tmp_path, {"Titullapa": [["Portfelis"]], "Dati": TABLE}, hidden=["Dati"])
    loaded = read_portfolio_file(path)
    assert _sheet(loaded) == Literal("Dati")
    assert any("'Dati' is hidden" in w for w in loaded.warnings)


# D5: a cover sheet listing the column names


def test_a_cover_listing_the_column_names_is_not_the_portfolio(data_dir: Path) -> None:
    loaded = read_portfolio_file(data_dir / "lo_cover_lists_columns.xlsx")
    assert _sheet(loaded) == Literal("Pakalpojumi")
    assert loaded.service_count == 9
    assert not [w for w in loaded.warnings if "Instrukcija" in w]


def test_the_header_row_naming_most_template_columns_wins(tmp_path: Path) -> None:
    loaded = read_portfolio_file(_book(tmp_path, {"Vecais": NARROW, "Jaunais": TABLE}))
    assert _sheet(loaded) == Literal("Jaunais")
    assert any(
        "'Vecais' (its header row names fewer template columns)" in w for w in loaded.warnings
    )


EXAMPLE = [
    ["Kā aizpildīt: katrs pakalpojums savā rindā, piemēram:"],
    ["Iestāde", "Piemēra iestāde"],
    ["inst_service_id", "service_name_lv", "type_public_general_benefit", "status"],
    ["P-1", "Piemēra pakalpojums", "X", "sniegšana"],
    [],
    ["Aizpildiet lapu 'Pakalpojumi'."],
]


def test_an_instructions_sheets_example_is_not_the_portfolio(tmp_path: Path) -> None:
    """The instructions sheet is first and active and shows a one-row example table; the data
    sheet has the portfolio (audit 4, defect 3: the example was stored as an institution)."""
    data = [*TABLE, ["S-2", "Otrais", "X", "sniegšana"]]
    loaded = read_portfolio_file(_book(tmp_path, {"Instrukcija": EXAMPLE, "Pakalpojumi": data}))
    assert loaded.institution_name == "Iestāde A"
    assert set(_services(loaded)) == {"S-1", "S-2"}
    assert any("'Instrukcija' (one service row: an example)" in w for w in loaded.warnings)


def test_a_one_row_portfolio_is_still_read_when_it_is_the_only_table(tmp_path: Path) -> None:
    loaded = read_portfolio_file(_book(tmp_path, {"Pakalpojumi": TABLE}))
    assert set(_services(loaded)) == {"S-1"}
