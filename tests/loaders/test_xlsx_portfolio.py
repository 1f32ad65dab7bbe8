"""Excel portfolios: the template's header block and two-level headers, bad workbooks."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from rdflib import Literal

from loaders import read_portfolio, read_portfolio_file
from loaders.identity import service_iri
from pvkg.errors import RowError, SourceSyntaxError
from pvkg.namespaces import PV, portfolio_iri
from tests.loaders.conftest import assert_isomorphic

GROUPS = ["Pakalpojuma apraksts", None, None, None, "Pakalpojuma veids"]
TYPES = [None, None, None, None, "Publiskais pakalpojums", None, "Starpiestāžu pakalpojums"]
HEADERS = [
    "Iestādes pakalpojuma identifikators",
    "Vienotā reģistra pakalpojuma identifikators",
    "Pakalpojuma nosaukums",
    "Vajadzība, ko pakalpojums apmierina",
    "Individuāla labuma pakalpojums",
    "Vispārēja labuma pakalpojums",
    "Individuālas lietošanas pakalpojums",
    "Koplietošanas pakalpojums",
    "Prioritāte",
    "Statuss",
    "Pakalpojuma vadītājs",
]


def template_rows(data_dir: Path) -> list[list[object]]:
    """portfolio_ok.csv laid out as the template slide: header block, group headers, table."""
    with (data_dir / "portfolio_ok.csv").open(encoding="utf-8") as f:
        records = list(csv.reader(f))[1:]
    rows: list[list[object]] = [
        ["Iestāde", "Digitālā aģentūra"],
        ["Pakalpojumu kopuma vadītājs", "Pēteris Liepiņš"],
        [],
        GROUPS,
        TYPES,
        HEADERS,
    ]
    rows += [r[2:] for r in records]
    return rows


def test_template_layout_gives_the_same_facts_as_the_csv(data_dir: Path, make_xlsx) -> None:
    path = make_xlsx(template_rows(data_dir))
    loaded = read_portfolio_file(path)
    assert loaded.fmt == "xlsx"
    assert loaded.warnings == []
    assert_isomorphic(loaded.graph, read_portfolio_file(data_dir / "portfolio_ok.csv").graph)
    src = loaded.sources
    assert src.value(portfolio_iri("digitala-agentura"), PV.sourceSheet) == Literal("Pakalpojumi")
    assert src.value(service_iri("digitala-agentura", "DA-001"), PV.sourceRow) == Literal(7)
    cells = [
        (src.value(c, PV.property), src.value(c, PV.row), src.value(c, PV.column))
        for c in src.objects(None, PV.sourceCell)
    ]
    assert (PV.portfolioManager, Literal(2), Literal("B")) in cells


def test_english_columns_and_numbers_in_cells(make_xlsx) -> None:
    path = make_xlsx(
        [
            [
                "institution",
                "inst_service_id",
                "register_service_id",
                "type_public_general_benefit",
            ],
            ["VARAM", "V-1", 101, 1],
        ]
    )
    loaded = read_portfolio_file(path)
    svc = service_iri("varam", "V-1")
    assert loaded.graph.value(svc, PV.registerServiceId) == Literal("101")
    assert loaded.service_count == 1


def test_count_row_under_the_headers_is_skipped(make_xlsx) -> None:
    path = make_xlsx(
        [
            ["Iestāde", "A"],
            ["Iestādes pakalpojuma identifikators", "Koplietošanas pakalpojums", "Statuss"],
            [2, 1, 2],
            ["A-1", "X", "sniegšana"],
            ["A-2", None, "plānošana"],
        ]
    )
    loaded = read_portfolio_file(path)
    assert loaded.service_count == 2
    assert any("count" in w for w in loaded.warnings)


def test_the_first_sheet_with_a_table_is_read(make_xlsx) -> None:
    path = make_xlsx(
        {"Titullapa": [["Pakalpojumu portfelis 2026"]], "Saraksts": [["inst_service_id"], ["S-1"]]}
    )
    loaded = read_portfolio_file(path)
    assert loaded.service_count == 1
    assert (None, PV.sourceSheet, Literal("Saraksts")) in loaded.sources


def test_missing_id_column_names_file_and_row(make_xlsx) -> None:
    path = make_xlsx([["Iestāde", "A"], ["Pakalpojuma nosaukums", "Statuss"], ["X", "sniegšana"]])
    with pytest.raises(RowError) as info:
        read_portfolio_file(path)
    assert info.value.location.file == "portfelis.xlsx"
    assert info.value.location.row == 2  # the row that looks like the header (audit 4, defect 6)
    assert "no service-id column: row 2 looks like the header" in str(info.value)
    assert "'Pakalpojuma nosaukums', 'Statuss'" in str(info.value)


def test_not_a_workbook() -> None:
    with pytest.raises(SourceSyntaxError) as info:
        read_portfolio(b"inst_service_id\nS-1\n", "portfelis.xlsx")
    assert info.value.location.file == "portfelis.xlsx"
    assert "not an .xlsx workbook" in str(info.value)


def test_encrypted_workbook(data_dir: Path) -> None:
    with pytest.raises(SourceSyntaxError) as info:
        read_portfolio_file(data_dir / "encrypted.xlsx")
    assert "password-protected" in str(info.value)
    assert str(info.value).startswith("encrypted.xlsx")


def test_empty_id_cells_are_listed_together(make_xlsx) -> None:
    path = make_xlsx(
        [["inst_service_id", "service_name_lv"], [None, "A"], ["S-2", "B"], [None, "C"]]
    )
    with pytest.raises(RowError) as info:
        read_portfolio_file(path)
    rows = [(p.location.sheet, p.location.row, p.location.column) for p in info.value.problems]
    assert rows == [("Pakalpojumi", 2, "A"), ("Pakalpojumi", 4, "A")]
