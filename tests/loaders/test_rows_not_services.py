"""Which rows of a CSV or Excel portfolio are services (audit of the row-skipping heuristics:
R2, R3, R4, N1, and the dash / zero checks)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from loaders import read_portfolio, read_portfolio_file
from pvkg.errors import RowError
from tests.loaders.rows import service_ids, skipped_rows

HEADER = (
    "inst_service_id;service_name_lv;type_public_general_benefit;status;priority;service_manager"
)
ROW = "S-{0};Pakalpojums {0};X;sniegšana;augsta;Ilze Kalniņa"


def _lines(*rows: str) -> str:
    return "\n".join((HEADER, *rows)) + "\n"


def _csv(text: str):
    return read_portfolio(text.encode(), "a.csv")


def _xlsx(make_xlsx: Callable[..., Path], text: str):
    rows = [line.split(";") for line in text.splitlines()]
    return read_portfolio_file(make_xlsx([[c or None for c in row] for row in rows]))


@pytest.fixture(params=["csv", "xlsx"])
def read(request: pytest.FixtureRequest, make_xlsx: Callable[..., Path]):
    """Read the same table as CSV text or as a real workbook."""
    if request.param == "csv":
        return _csv
    return lambda text: _xlsx(make_xlsx, text)


# R2: a service row after a blank row, with a spaced id and only a title


def test_a_row_with_an_id_and_a_title_below_a_blank_row_is_a_service(read) -> None:
    loaded = read(_lines(ROW.format(1), "", "PK 12;Jauns pakalpojums"))
    assert service_ids(loaded) == ["S-1", "PK 12"]
    assert skipped_rows(loaded) == []


def test_notes_below_the_table_are_still_notes(read) -> None:
    """Markers (``*``, ``Piezīme``, ``Note``, ``Avots``, a ``Label:``) in the id column with text
    in the title column are notes; so is a single text cell."""
    notes = [
        "* pārskatāms;saraksts tiks papildināts",
        "Piezīme;apstiprināts 12.03.2025.",
        "Piezīmes - skatīt pielikumu;1. pielikums",
        "Note;draft",
        "Avots;VARAM",
        "Sagatavoja:;P. Liepiņš",
        "Saraksts apstiprināts ar rīkojumu Nr. 1-2/15",
    ]
    loaded = read(_lines(ROW.format(1), "", *notes))
    assert service_ids(loaded) == ["S-1"]
    assert [w.split(":")[0] for w in skipped_rows(loaded)] == [f"row {n}" for n in range(4, 11)]


# R3: an id cell holding only a dash


@pytest.mark.parametrize("dash", ["–", "-", "—"])
def test_a_dash_id_is_refused_saying_it_is_a_dash(read, dash: str) -> None:
    with pytest.raises(RowError) as info:
        read(_lines(ROW.format(1), f"{dash};Pakalpojums 2;X;sniegšana;augsta;Ilze Kalniņa"))
    [problem] = info.value.problems
    assert (problem.location.row, problem.location.column) == (3, "A")
    assert problem.location.file in ("a.csv", "portfelis.xlsx")
    assert f"only a dash ({dash!r})" in problem.message


def test_an_empty_id_keeps_its_message() -> None:
    with pytest.raises(RowError) as info:
        _csv(_lines(ROW.format(1), ";Pakalpojums 2;X;sniegšana;augsta;Ilze Kalniņa"))
    assert "dash" not in info.value.problems[0].message


def test_a_row_of_dashes_is_blank(read) -> None:
    loaded = read(_lines(ROW.format(1), "–;—;-;–;–;–", ROW.format(3)))
    assert service_ids(loaded) == ["S-1", "S-3"]
    assert skipped_rows(loaded) == []


# R4: totals rows by their shape, not by the label alone


@pytest.mark.parametrize("ident", ["Total", "Kopā 3", "Kopā", "Pavisam"])
def test_a_full_service_row_with_a_totals_like_id_is_a_service(read, ident: str) -> None:
    loaded = read(_lines(ROW.format(1), f"{ident};Pakalpojums 2;X;sniegšana;augsta;Ilze Kalniņa"))
    assert service_ids(loaded) == ["S-1", ident]
    assert skipped_rows(loaded) == []


@pytest.mark.parametrize(
    "row", ["Kopā:;2;2;2;;2", "Total;2", "Kopā: 2", "Pavisam kopā;;1;1,5;;", "Kopā:;;2"]
)
def test_a_totals_row_of_numbers_is_skipped(read, row: str) -> None:
    loaded = read(_lines(ROW.format(1), ROW.format(2), row))
    assert service_ids(loaded) == ["S-1", "S-2"]
    assert [w.split(":")[0] for w in skipped_rows(loaded)] == ["row 4"]
    assert "a totals row" in skipped_rows(loaded)[0]


# N1: numbered section titles


def test_numbered_section_titles_are_skipped(read) -> None:
    loaded = read(
        _lines(
            "1;Sociālie pakalpojumi",
            "1.1;A;X;sniegšana;augsta;Ilze",
            "1.2;B;X;sniegšana;augsta;Ilze",
            "2.;Izglītība",
            "2.1;C;X;sniegšana;;Ilze",
            "I;Citi",
            "I.1;D;X;sniegšana;;Ilze",
            "A.;Vēl",
            "A.1;E;X;sniegšana;;Ilze",
        )
    )
    assert service_ids(loaded) == ["1.1", "1.2", "2.1", "I.1", "A.1"]
    skipped = skipped_rows(loaded)
    assert [w.split(":")[0] for w in skipped] == ["row 2", "row 5", "row 7", "row 9"]
    assert all("section title" in w for w in skipped)


@pytest.mark.parametrize(
    "section",
    ["1;Sociālie;X", "1;Sociālie;;sniegšana", "1;Sociālie;;;zema", "1;Sociālie;;;;Ilze"],
)
def test_a_numbered_row_with_a_service_value_is_a_service(read, section: str) -> None:
    loaded = read(_lines(section, "1.1;A;X;sniegšana;augsta;Ilze"))
    assert service_ids(loaded) == ["1", "1.1"]


def test_a_numbered_title_row_not_followed_by_its_sub_rows_is_a_service(read) -> None:
    """``1`` then ``2``: not a prefix, so ``1`` is a service (C09/C07 report what it lacks)."""
    loaded = read(_lines("1;Sociālie pakalpojumi", "2;A;X;sniegšana;augsta;Ilze", "10.1;B"))
    assert service_ids(loaded) == ["1", "2", "10.1"]


# also checked: ids 0 and 00, warnings that name the row


def test_ids_zero_are_services(read) -> None:
    loaded = read(_lines("0;A;X;sniegšana;augsta;Ilze", "00;B;X;sniegšana;augsta;Ilze"))
    assert service_ids(loaded) == ["0", "00"]
