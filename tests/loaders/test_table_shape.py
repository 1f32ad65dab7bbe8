"""The shape of a tabular portfolio: header rows, the header block, rows that are not services,
numbering columns (audit 5: D1, D3, D4, D12).

The ``lo_*`` files were written by LibreOffice 7.4.7 (audit 5): the 9 services of
portfolio_example.csv in the template layout; each ``.csv`` is LibreOffice's own export of the
``.xlsx`` of the same name, where a merged cell keeps its text in its first cell only.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib.namespace import DCTERMS, RDF, RDFS

from loaders import read_portfolio, read_portfolio_file
from loaders.headers import is_numbering_header
from pvkg.errors import RowError
from pvkg.namespaces import ADMS, CPSV, PV
from pvkg.settings import Settings
from pvkg.validation import validate_portfolios

DA = "digitala-agentura"
HEADER = "inst_service_id;service_name_lv;type_public_general_benefit;status;service_manager\n"
ROW = "S-{0};Pakalpojums {0};X;sniegšana;Ilze Kalniņa\n"


def _values(loaded, prop) -> dict[str, set[str]]:
    """service id -> the values of ``prop`` on that service (IRIs by their last segment)."""
    found: dict[str, set[str]] = {}
    for svc in loaded.graph.subjects(RDF.type, CPSV.PublicService):
        ident = str(loaded.graph.value(svc, DCTERMS.identifier))
        found[ident] = {str(v).rsplit("/", 1)[-1] for v in loaded.graph.objects(svc, prop)}
    return found


def _csv(text: str):
    return read_portfolio(text.encode(), "a.csv")


def _warnings(loaded) -> list[str]:
    """The warnings, but the one about a file without an institution (most tables here)."""
    return [w for w in loaded.warnings if not w.startswith("the file names no institution")]


def _skipped(loaded) -> list[str]:
    return [w for w in loaded.warnings if "is not a service" in w]


# D1: the template's three-level header


@pytest.mark.parametrize("name", ["lo_template_vmerge.xlsx", "lo_template_vmerge.csv"])
def test_headers_in_the_top_row_merged_down_are_read(data_dir: Path, name: str) -> None:
    """Row 5 holds the group headers and Prioritāte, Statuss, Pakalpojuma vadītājs (merged down
    over rows 5-7); the service-id header is in row 6. They were dropped: 18 false C02/C07."""
    loaded = read_portfolio_file(data_dir / name)
    assert loaded.service_count == 9
    assert _values(loaded, PV.priority)["DA-001"] == {"PRIO-HIGH"}
    assert _values(loaded, ADMS.status)["DA-009"] == {"STATUS-RETIRED"}
    assert _values(loaded, PV.serviceManager)["DA-006"] == {"andris-berzins"}
    assert _values(loaded, RDFS.comment) == {f"DA-00{i}": set() for i in range(1, 10)}
    assert loaded.warnings == []
    report = validate_portfolios([loaded], settings=Settings())
    assert [(r.rule, r.focus_id) for r in report.results] == []


def test_a_result_about_a_top_row_column_names_its_cell(data_dir: Path) -> None:
    """The source of a result keeps the row and column the spreadsheet shows."""
    data = (data_dir / "lo_template_vmerge.csv").read_bytes().replace(b"likvid\xc4\x93ts", b"X")
    report = validate_portfolios([read_portfolio(data, "a.csv")], settings=Settings())
    c07 = [(r.source["row"], r.source["column"]) for r in report.results if r.rule == "C07"]
    assert c07 == [(16, "J")]


def test_values_under_no_header_are_named_in_a_warning() -> None:
    loaded = _csv(HEADER.replace("\n", ";;\n") + "S-1;A;X;sniegšana;Ilze;;pazudis\nS-2;B;X\n")
    assert _warnings(loaded) == [
        "column G has no column header but holds values in 1 service rows (first: row 2); "
        "they are not read"
    ]


def test_a_column_under_a_group_header_only_is_named() -> None:
    text = ";;Pakalpojuma veids\ninst_service_id;service_name_lv;\nS-1;A;X\n"
    loaded = _csv(text)
    assert any(
        w.startswith("column C has no column header (only the group header 'Pakalpojuma veids')")
        for w in loaded.warnings
    )


def test_a_header_block_row_right_above_the_header_stays_the_block() -> None:
    """An empty 'Pakalpojumu kopuma vadītājs' right above the header row is the block's label
    (C12 points at its value cell), not a header of column A."""
    text = "Iestāde;Iestāde A\nPakalpojumu kopuma vadītājs\n" + HEADER + ROW.format(1)
    loaded = _csv(text)
    assert loaded.institution_name == "Iestāde A"
    report = validate_portfolios([loaded], settings=Settings())
    c12 = [(r.source["row"], r.source["column"]) for r in report.results if r.rule == "C12"]
    assert c12 == [(2, "B")]


def test_a_group_row_apart_from_the_header_is_not_read_as_headers() -> None:
    """Only header rows directly above the id-header row belong to it."""
    text = ";;;;Statuss\n\n" + HEADER.replace("status;", "piezīmes;") + ROW.format(1)
    loaded = _csv(text)
    assert _values(loaded, ADMS.status) == {"S-1": set()}


# D3: both header-block fields on one row


@pytest.mark.parametrize("name", ["lo_block_one_row.xlsx", "lo_block_one_row.csv"])
def test_two_block_fields_on_one_row_are_both_read(data_dir: Path, name: str) -> None:
    """Row 1: ``Iestāde: | Digitālā aģentūra | | Pakalpojumu kopuma vadītājs: | Pēteris
    Liepiņš``; the manager was dropped and C12 raised."""
    loaded = read_portfolio_file(data_dir / name)
    assert loaded.institution_name == "Digitālā aģentūra"
    managers = set(loaded.graph.objects(None, PV.portfolioManager))
    assert [str(m).rsplit("/", 1)[-1] for m in managers] == ["peteris-liepins"]
    report = validate_portfolios([loaded], settings=Settings())
    assert [r.rule for r in report.results] == []


def test_a_block_label_without_a_value_before_the_next_label() -> None:
    """``Pakalpojumu kopuma vadītājs: | | Iestāde: | Iestāde A``: the next label is no value
    (it was read as the manager's name, and the institution was never read)."""
    loaded = _csv("Pakalpojumu kopuma vadītājs:;;Iestāde:;Iestāde A\n" + HEADER + ROW.format(1))
    assert loaded.institution_name == "Iestāde A"
    assert set(loaded.graph.objects(None, PV.portfolioManager)) == set()
    report = validate_portfolios([loaded], settings=Settings())
    c12 = [(r.source["row"], r.source["column"]) for r in report.results if r.rule == "C12"]
    assert c12 == [(1, "B")]


def test_label_and_value_in_one_cell_twice_on_a_row() -> None:
    loaded = _csv(
        "Iestāde: Iestāde A;Pakalpojumu kopuma vadītājs: Pēteris Liepiņš\n" + HEADER + ROW.format(1)
    )
    assert loaded.institution_name == "Iestāde A"
    assert len(set(loaded.graph.objects(None, PV.portfolioManager))) == 1


# D4: rows that are not services


@pytest.mark.parametrize("name", ["lo_notes_rows.xlsx", "lo_notes_rows.csv"])
def test_notes_under_the_table_are_not_services(data_dir: Path, name: str) -> None:
    """A blank row, then ``Piezīme: …`` merged across A16:K16 and ``Sagatavoja: …`` in A17."""
    loaded = read_portfolio_file(data_dir / name)
    assert loaded.service_count == 9
    assert [w.split(":")[0] for w in _skipped(loaded)] == ["row 16", "row 17"]
    report = validate_portfolios([loaded], settings=Settings())
    assert [r.rule for r in report.results] == []


def test_a_totals_row_is_not_a_service(data_dir: Path) -> None:
    """Row 15: ``Kopā: | | =COUNTA(…)``."""
    loaded = read_portfolio_file(data_dir / "lo_totals_row.xlsx")
    assert loaded.service_count == 9
    assert _skipped(loaded) == ["row 15: 'Kopā: | 9' is not a service (a totals row); skipped"]


def test_section_rows_are_not_services_and_rows_keep_their_numbers(data_dir: Path) -> None:
    """``1. Publiskie pakalpojumi`` (row 6) and ``2. Starpiestāžu pakalpojumi`` (row 12),
    merged across the table."""
    loaded = read_portfolio_file(data_dir / "lo_section_rows.xlsx")
    assert loaded.service_count == 9
    assert [w.split(":")[0] for w in _skipped(loaded)] == ["row 6", "row 12"]
    rows = {
        str(loaded.sources.value(s, PV.sourceRow)): str(loaded.graph.value(s, DCTERMS.identifier))
        for s in loaded.graph.subjects(RDF.type, CPSV.PublicService)
    }
    assert rows["13"] == "DA-006"


def test_a_footnote_in_another_column_does_not_refuse_the_file(data_dir: Path) -> None:
    """``* – pakalpojums tiek pārskatīts`` in C16, under a blank row: the file was refused."""
    loaded = read_portfolio_file(data_dir / "lo_footnote_other_column.xlsx")
    assert loaded.service_count == 9
    assert _skipped(loaded) == [
        "row 16: '* – pakalpojums tiek pārskatīts' is not a service (a note below the table); "
        "skipped"
    ]


def test_a_signature_block_below_the_table_is_notes() -> None:
    text = HEADER + ROW.format(1) + "\nSagatavoja:;P. Liepiņš\n;;;;tālr. 67000000\n"
    loaded = _csv(text)
    assert loaded.service_count == 1
    assert [w.split(":")[0] for w in _skipped(loaded)] == ["row 4", "row 5"]


def test_a_service_row_without_an_id_is_still_an_error() -> None:
    """In the table, or below a blank row when it holds a service's values (a status)."""
    text = HEADER + ROW.format(1) + ";Bez id;;;Ilze\n" + ROW.format(3) + "\n;Jauns;;plānošana\n"
    with pytest.raises(RowError) as info:
        _csv(text)
    assert [(p.location.row, p.location.column) for p in info.value.problems] == [
        (3, "A"),
        (6, "A"),
    ]


def test_a_row_with_only_an_identifier_is_a_service() -> None:
    loaded = _csv(HEADER + ROW.format(1) + "S-2\n")
    assert loaded.service_count == 2
    assert _skipped(loaded) == []


def test_rows_holding_only_their_number_are_blank() -> None:
    """A form's numbered empty rows (``Nr.`` 2…4 and nothing else) are not services."""
    text = "Nr.p.k.;" + HEADER + "1;" + ROW.format(1) + "2\n3;;\n4.\n"
    loaded = _csv(text)
    assert loaded.service_count == 1
    assert _warnings(loaded) == []


# D12: numbering columns


@pytest.mark.parametrize("header", ["Nr.p.k.", "Nr. p. k.", "Nr.p.k", "N.p.k.", "Nr.", "#", "NR"])
def test_a_numbering_column_is_ignored(header: str) -> None:
    loaded = _csv(f"{header};{HEADER}1;{ROW.format(1)}")
    assert _values(loaded, RDFS.comment) == {"S-1": set()}
    assert _warnings(loaded) == []


def test_the_libreoffice_numbering_column_is_ignored(data_dir: Path) -> None:
    """Column A ``Nr.p.k.`` (``=ROW()-6``) gave every service a comment ``Nr.p.k.: 1``."""
    loaded = read_portfolio_file(data_dir / "lo_numbering_npk.xlsx")
    assert loaded.service_count == 9
    assert set().union(*_values(loaded, RDFS.comment).values()) == set()
    assert loaded.warnings == []


def test_numbering_is_not_any_short_header() -> None:
    assert not any(is_numbering_header(t) for t in ["Nr. lēmums", "Npk kods", "ID"])
