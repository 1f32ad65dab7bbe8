"""Excel cells are read as the sheet shows them (audit 5: D2, D9, D10, D11).

The ``lo_*.xlsx`` files were written by LibreOffice 7.4.7 (audit 5, /tmp/audit5-excel): the
9 services of portfolio_example.csv in the template layout. ``lo_ids_format_00000.csv`` is
LibreOffice's own CSV export of ``lo_ids_format_00000.xlsx``; ``lo_varam_register_00101.csv`` is
another institution using register id ``00101``.
"""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path

import pytest
from openpyxl import Workbook
from rdflib import Literal
from rdflib.namespace import DCTERMS, RDF, RDFS

from loaders import read_portfolio_file
from loaders.identity import service_iri
from loaders.xlsx_cells import format_integer, show
from pvkg.errors import RowError
from pvkg.namespaces import CPSV, CV, PV
from pvkg.settings import Settings
from pvkg.validation import validate_portfolios

DA = "digitala-agentura"
HEADER = ["inst_service_id", "institution", "service_name_lv", "type_public_general_benefit"]


def _values(loaded, prop) -> dict[str, set[str]]:
    """service id -> the values of ``prop`` on that service."""
    found: dict[str, set[str]] = {}
    for svc in loaded.graph.subjects(RDF.type, CPSV.PublicService):
        ident = str(loaded.graph.value(svc, DCTERMS.identifier))
        for value in loaded.graph.objects(svc, prop):
            found.setdefault(ident, set()).add(str(value))
    return found


# D2: zero-padding number formats


@pytest.mark.parametrize(
    ("value", "number_format", "shown"),
    [
        (101, "00000", "00101"),
        (101.0, "00000", "00101"),
        (1, "000", "001"),
        (123456, "000", "123456"),
        (7, '"DA-"000', "DA-007"),
        (7, r"\L\V00000", "LV00007"),
        (7, "[$LV-426]00000", "LV00007"),
        (7, "[Red]000", "007"),
        (12345, '000"-"00', "123-45"),
        (-5, "000", "-005"),
        (-5, "000;(000)", "(005)"),
        (7, "000;-000;0;@", "007"),
        (1.6, "000", "002"),
    ],
)
def test_zero_padding_formats_show_their_zeros(value: float, number_format: str, shown: str):
    assert format_integer(value, number_format) == shown


@pytest.mark.parametrize(
    "number_format", ["General", "0", "#", "0.00", "#,##0", "0%", "@", "[>9]000"]
)
def test_other_number_formats_leave_the_number(number_format: str) -> None:
    assert format_integer(101, number_format) in (None, "101")
    assert show(101, number_format) in (101, "101")


def test_zero_padded_register_ids_match_the_csv_export(data_dir: Path) -> None:
    xlsx = read_portfolio_file(data_dir / "lo_ids_format_00000.xlsx")
    csv = read_portfolio_file(data_dir / "lo_ids_format_00000.csv")
    ids = _values(xlsx, PV.registerServiceId)
    assert ids["101"] == {"00101"}
    assert ids == _values(csv, PV.registerServiceId)


def test_zero_padded_service_ids_keep_their_zeros(data_dir: Path) -> None:
    loaded = read_portfolio_file(data_dir / "lo_ids_format_000.xlsx")
    assert sorted(_values(loaded, DCTERMS.identifier)) == [f"{i:03d}" for i in range(1, 10)]


def test_a_register_id_shared_with_another_institution_is_c22(data_dir: Path) -> None:
    xlsx = read_portfolio_file(data_dir / "lo_ids_format_00000.xlsx")
    varam = read_portfolio_file(data_dir / "lo_varam_register_00101.csv")
    report = validate_portfolios([xlsx, varam], settings=Settings())
    c22 = sorted((r.source["file"], r.source["row"]) for r in report.results if r.rule == "C22")
    assert c22 == [("lo_ids_format_00000.xlsx", 6), ("lo_varam_register_00101.csv", 6)]


# D9: formula error values


def test_formula_errors_are_empty_cells_with_a_warning(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = "Pakalpojumi"
    sheet.append(["inst_service_id", "institution", "service_name_lv", "need_lv"])
    sheet.append(["S-1", "Iestāde A", "#VALUE!", "#DIV/0!"])  # openpyxl writes these as errors
    sheet.append(["S-2", "Iestāde A", "Nosaukums", "#N/A"])
    sheet["D3"].data_type = "s"  # typed text that looks like an error stays text
    path = tmp_path / "errors.xlsx"
    book.save(path)
    loaded = read_portfolio_file(path)
    assert _values(loaded, DCTERMS.title) == {"S-2": {"Nosaukums"}}
    assert "S-1" not in _values(loaded, PV.satisfiesNeed)
    assert [w for w in loaded.warnings if "formula error" in w] == [
        "sheet 'Pakalpojumi', row 2, column C: the formula error #VALUE! is not a value; "
        "read as an empty cell",
        "sheet 'Pakalpojumi', row 2, column D: the formula error #DIV/0! is not a value; "
        "read as an empty cell",
    ]


def test_an_error_in_the_id_column_is_a_row_without_an_id(data_dir: Path) -> None:
    """Two failed lookups gave two services '#N/A' (and a C21); they are rows without an id,
    and the message says what the cell shows."""
    with pytest.raises(RowError) as info:
        read_portfolio_file(data_dir / "lo_formula_errors_in_ids.xlsx")
    problems = info.value.problems
    assert [(p.location.sheet, p.location.row, p.location.column) for p in problems] == [
        ("Pakalpojumi", 13, "A"),
        ("Pakalpojumi", 14, "A"),
    ]
    assert all("formula error #N/A" in p.message for p in problems)


# D10: TRUE / FALSE cells


def test_true_is_a_type_mark_and_false_none(data_dir: Path) -> None:
    loaded = read_portfolio_file(data_dir / "lo_bool_marks.xlsx")
    assert not [w for w in loaded.warnings if "type mark" in w]
    types = {
        k: {t.rsplit("/", 1)[-1] for t in v} for k, v in _values(loaded, CV.isClassifiedBy).items()
    }
    assert types["DA-001"] == {"ST-PUB-IND", "ST-IA-SHR"}  # TRUE, FALSE, FALSE, TRUE
    assert types["DA-003"] == {"ST-PUB-GEN"}
    assert types["DA-006"] == {"ST-IA-IND"}  # the rows with 1 / 0 still read as before


def test_booleans_elsewhere_read_as_the_sheet_shows_them(make_xlsx) -> None:
    path = make_xlsx([[*HEADER, "Aktīvs"], ["S-1", "Iestāde A", "Nosaukums", True, False]])
    loaded = read_portfolio_file(path)
    svc = service_iri("iestade-a", "S-1")
    assert loaded.graph.value(svc, RDFS.comment) == Literal("Aktīvs: FALSE")
    assert loaded.graph.value(svc, CV.isClassifiedBy) is not None


# D11: dates


def test_date_cells_are_iso_dates(data_dir: Path) -> None:
    loaded = read_portfolio_file(data_dir / "lo_dates.xlsx")
    comments = _values(loaded, RDFS.comment)["DA-001"]
    assert "Pēdējās izmaiņas: 2025-01-15" in comments


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (datetime(2025, 1, 15), "2025-01-15"),
        (datetime(2025, 1, 15, 10, 30), "2025-01-15T10:30"),
        (datetime(2025, 1, 15, 10, 30, 15, 500), "2025-01-15T10:30:15"),
        (date(2025, 1, 15), "2025-01-15"),
        (time(10, 30), "10:30"),
    ],
)
def test_dates_and_times_show_as_iso(value: object, shown: str) -> None:
    assert show(value, "dd.mm.yyyy") == shown


def test_a_date_with_a_time_of_day_keeps_it(make_xlsx) -> None:
    path = make_xlsx(
        [[*HEADER, "Mainīts"], ["S-1", "Iestāde A", "N", "X", datetime(2025, 1, 15, 10, 30)]]
    )
    loaded = read_portfolio_file(path)
    svc = service_iri("iestade-a", "S-1")
    assert loaded.graph.value(svc, RDFS.comment) == Literal("Mainīts: 2025-01-15T10:30")
