"""Section titles, totals and footers written in other columns than the id column (audit 7,
F1-F4): a section number in the ``Nr.p.k.`` column, a title or ``Kopā`` in the name column,
``label | value`` footer rows without a colon."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from loaders import read_portfolio, read_portfolio_file
from tests.loaders.rows import service_ids, skipped_rows

DATA = Path(__file__).parent / "data" / "rows"
NUMBERED = "Nr.p.k.;inst_service_id;register_service_id;service_name_lv;type_public_general_benefit"
PLAIN = (
    "inst_service_id;register_service_id;service_name_lv;type_public_general_benefit;"
    "type_public_individual_benefit;status;priority;service_manager"
)
ROW = "S-{0};;Pakalpojums {0};X;;sniegšana;augsta;Ilze Kalniņa"


@pytest.fixture(params=["csv", "xlsx"])
def read(request: pytest.FixtureRequest, make_xlsx: Callable[..., Path]):
    """Read the same table (header, then rows; ``;``-separated) as CSV or as a workbook."""

    def csv(*lines: str):
        return read_portfolio(("\n".join(lines) + "\n").encode(), "a.csv")

    def xlsx(*lines: str):
        rows = [[c or None for c in line.split(";")] for line in lines]
        return read_portfolio_file(make_xlsx(rows))

    return csv if request.param == "csv" else xlsx


# F1: the section number in Nr.p.k., the section title in the id column


def test_a_numbered_section_title_in_the_id_column_is_skipped(read) -> None:
    loaded = read(
        NUMBERED,
        "1.;Nodokļu pakalpojumi",
        "1.1.;VID-001;;Deklarācijas;X",
        "1.2.;VID-002;;Izziņa;X",
        "2.;Muitas pakalpojumi",
        "2.1.;VID-003;;Muita;X",
    )
    assert service_ids(loaded) == ["VID-001", "VID-002", "VID-003"]
    skipped = skipped_rows(loaded)
    assert [w.split(":")[0] for w in skipped] == ["row 2", "row 5"]
    assert "'1. | Nodokļu pakalpojumi'" in skipped[0] and "section title" in skipped[0]


def test_a_roman_section_number_over_plain_row_numbers_is_skipped(read) -> None:
    loaded = read(
        NUMBERED,
        "I;Sociālie pakalpojumi",
        "1.;A-1;;Pensija;X",
        "II;Starpiestāžu pakalpojumi",
        "2.;A-2;;Datu izsniegšana;X",
    )
    assert service_ids(loaded) == ["A-1", "A-2"]
    assert [w.split(":")[0] for w in skipped_rows(loaded)] == ["row 2", "row 4"]


def test_the_template_file_with_numbered_sections_gives_its_three_services() -> None:
    loaded = read_portfolio_file(DATA / "numbered_sections_win1257.csv")
    assert service_ids(loaded) == ["VID-001", "VID-002", "VID-003"]
    assert any("Nodokļu pakalpojumi" in w and "section title" in w for w in loaded.warnings)


@pytest.mark.parametrize(
    "row",
    [
        "3.;A-3",  # a one-word id: a service (C02/C09 report what it lacks)
        "3.;A-3;;Jauns",  # an id and a title, not followed by 3.1
        "3.;Jauns pakalpojums;;;X",  # a type mark
    ],
)
def test_a_numbered_row_that_may_be_a_service_stays_one(read, row: str) -> None:
    loaded = read(NUMBERED, "1.;A-1;;Viens;X", row, "4.;A-4;;Četri;X")
    assert len(service_ids(loaded)) == 3
    assert skipped_rows(loaded) == []


def test_an_id_and_a_title_numbered_over_sub_rows_is_a_section(read) -> None:
    loaded = read(NUMBERED, "1.;NOD;;Nodokļi", "1.1.;A-1;;Viens;X", "1.2.;A-2;;Divi;X")
    assert service_ids(loaded) == ["A-1", "A-2"]
    assert [w.split(":")[0] for w in skipped_rows(loaded)] == ["row 2"]


# F2: the section title in the name column, the id empty


@pytest.mark.parametrize("number", ["1.", "I", "A."])
def test_a_section_title_in_the_name_column_is_skipped(read, number: str) -> None:
    loaded = read(NUMBERED, f"{number};;;Sociālie pakalpojumi", "1.1.;A-1;;Viens;X")
    assert service_ids(loaded) == ["A-1"]
    skipped = skipped_rows(loaded)
    assert len(skipped) == 1 and skipped[0].startswith("row 2:")
    assert "Sociālie pakalpojumi" in skipped[0]


def test_a_title_without_id_and_without_section_number_is_still_refused(read) -> None:
    from pvkg.errors import RowError

    with pytest.raises(RowError, match="service identifier"):
        read(NUMBERED, "1.;A-1;;Viens;X", ";;;Bez identifikatora")


# F3: a totals row labelled in the name column


@pytest.mark.parametrize("label", ["Kopā", "Kopā:", "KOPĀ: 2", "Pavisam kopā"])
def test_a_totals_row_labelled_in_the_name_column_is_skipped(read, label: str) -> None:
    loaded = read(PLAIN, ROW.format(1), ROW.format(2), f";;{label};2;0")
    assert service_ids(loaded) == ["S-1", "S-2"]
    skipped = skipped_rows(loaded)
    assert len(skipped) == 1 and "a totals row" in skipped[0] and skipped[0].startswith("row 4:")


def test_a_service_titled_kopa_with_an_id_is_a_service(read) -> None:
    loaded = read(PLAIN, ROW.format(1), "S-2;;Kopā;2;0")
    assert service_ids(loaded) == ["S-1", "S-2"]


# F4: footer label | value rows without a colon below the table's blank row


def test_footer_labels_with_values_below_a_blank_row_are_notes(read) -> None:
    loaded = read(
        PLAIN, ROW.format(1), ROW.format(2), "", "Sagatavoja;Anna Bērziņa", "Tālrunis;67012345"
    )
    assert service_ids(loaded) == ["S-1", "S-2"]
    skipped = skipped_rows(loaded)
    assert [w.split(":")[0] for w in skipped] == ["row 5", "row 6"]
    assert all("a note below the table" in w for w in skipped)


def test_footer_words_with_their_value_in_the_title_column_are_notes(read) -> None:
    """The form's footer written without colons, its value under the service name (audit 7, F4:
    t6_footer_nocolon): each row has an id-column text and a title, yet is no service."""
    loaded = read(
        PLAIN,
        ROW.format(1),
        ROW.format(2),
        "",
        "Sagatavoja;;Anna Bērziņa",
        "Datums;;15.01.2026.",
        "Saskaņots;;ar VARAM",
    )
    assert service_ids(loaded) == ["S-1", "S-2"]
    assert len(skipped_rows(loaded)) == 3


@pytest.mark.parametrize(
    "row",
    [
        "S-3;;Jauns pakalpojums",  # id and title
        "S-3;00303;;X",  # id, register id and a type mark
        "S-3;00303;;;;sniegšana",  # a known status
        "S-3",  # a lone identifier
    ],
)
def test_a_service_below_a_blank_row_stays_a_service(read, row: str) -> None:
    loaded = read(PLAIN, ROW.format(1), "", row)
    assert service_ids(loaded) == ["S-1", "S-3"]
