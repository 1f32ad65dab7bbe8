"""A cell holding only a dash ("-", "–", "—", …) is an empty cell, in every field and format.

The template writes a blank cell as "–" (portfolio_template.md §3); read as a value it became
an invented person "x", a register id shared by every such service (C22), a priority C08
refused, and a need that hid C10 (audit 5, finding 1).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Literal
from rdflib.namespace import DCTERMS, FOAF, RDF, RDFS

from loaders import read_portfolio, read_portfolio_file
from loaders.identity import service_iri
from loaders.normalise import is_blank, is_type_mark, split_multi
from pvkg.errors import RowError
from pvkg.namespaces import ADMS, PV, institution_iri
from pvkg.settings import Settings
from pvkg.validate_command import read_files
from pvkg.validation import validate_portfolios

DA = "digitala-agentura"
DASHES = ["-", "–", "—", "‐", "‑", "−", " – ", "\u00a0—\u00a0"]
HEADERS = [
    "Iestādes pakalpojuma identifikators",
    "Vienotā reģistra pakalpojuma identifikators",
    "Vajadzība, ko pakalpojums apmierina",
    "Individuāla labuma pakalpojums",
    "Prioritāte",
    "Statuss",
    "Pakalpojuma vadītājs",
]


def _rules(paths: list[Path]) -> set[tuple[str | None, str | None, str]]:
    """(rule, focus id, component) of every result of validating the files together."""
    loaded, errors = read_files(Settings(), paths)
    assert errors == []
    report = validate_portfolios(loaded, settings=Settings())
    return {(r.rule, r.focus_id, r.component.rsplit("#", 1)[-1]) for r in report.results}


@pytest.mark.parametrize("dash", DASHES)
def test_a_dash_is_blank_alone_and_as_part_of_a_cell(dash: str) -> None:
    assert is_blank(dash)
    assert split_multi(f"Ilze Kalniņa;{dash}\n{dash}") == ["Ilze Kalniņa"]
    assert is_type_mark(dash) is False


def test_text_with_a_dash_in_it_is_not_blank() -> None:
    assert not any(is_blank(v) for v in ["DA-001", "-1", "0", "x", "Anna Bērziņa-Ozola"])


def test_dash_cells_give_no_fact_in_any_field(data_dir: Path) -> None:
    loaded = read_portfolio_file(data_dir / "dash_every_field.csv")
    # only the extra column's: no "other institutions" for a dash, no "type mark not understood"
    assert [w.split(" ", 2)[:2] for w in loaded.warnings] == [["column", "N"]]
    g = loaded.graph
    for service_id in ("DA-002", "DA-003"):
        svc = service_iri(DA, service_id)
        for prop in (
            PV.registerServiceId,
            DCTERMS.title,
            PV.satisfiesNeed,
            PV.priority,
            ADMS.status,
            RDFS.comment,
        ):
            assert g.value(svc, prop) is None, (service_id, prop)
    managers = set(g.objects(service_iri(DA, "DA-002"), PV.serviceManager))
    assert managers == set(g.objects(service_iri(DA, "DA-001"), PV.serviceManager))
    assert g.value(service_iri(DA, "DA-003"), PV.serviceManager) is None
    people = {str(n) for p in g.subjects(RDF.type, FOAF.Person) for n in g.objects(p, FOAF.name)}
    assert people == {"Pēteris Liepiņš", "Ilze Kalniņa"}
    assert len(set(g.objects(institution_iri(DA), PV.portfolioManager))) == 1


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        # no manager anywhere (C02, C12), and a dash need is no need (C10); no person "x" (C18)
        (
            "dash_managers.csv",
            {
                ("C02", "DA-001", "MinCountConstraintComponent"),
                ("C02", "DA-002", "MinCountConstraintComponent"),
                ("C10", "DA-002", "MinCountConstraintComponent"),
                ("C12", DA, "MinCountConstraintComponent"),
            },
        ),
        ("dash_register_ids.csv", set()),  # two "–" register ids are no shared id (C22)
        # retired services without priority, as in the template; the dash managers are none (C02)
        (
            "dash_priorities.csv",
            {
                ("C02", "DA-005", "MinCountConstraintComponent"),
                ("C02", "DA-006", "MinCountConstraintComponent"),
            },
        ),
    ],
)
def test_dash_placeholders_are_validated_as_empty_cells(
    data_dir: Path, name: str, expected: set
) -> None:
    assert _rules([data_dir / name]) == expected


def test_dash_placeholders_in_a_workbook_and_its_header_block(make_xlsx) -> None:
    path = make_xlsx(
        [
            ["Iestāde", "Digitālā aģentūra"],
            ["Pakalpojumu kopuma vadītājs", "-"],
            [],
            HEADERS,
            ["DA-001", "-", "–", "X", "-", "plānošana", "—"],
            ["DA-002", "–", " - ", "X", "–", "plānošana", "Ilze Kalniņa\n–"],
        ]
    )
    assert _rules([path]) == {
        ("C02", "DA-001", "MinCountConstraintComponent"),
        ("C10", "DA-001", "MinCountConstraintComponent"),
        ("C10", "DA-002", "MinCountConstraintComponent"),
        ("C12", DA, "MinCountConstraintComponent"),
    }


def test_a_dash_in_a_one_cell_header_block_is_no_manager() -> None:
    data = "Iestāde: VARAM\nPakalpojumu kopuma vadītājs: –\ninst_service_id\nV-1\n".encode()
    loaded = read_portfolio(data, "v.csv")
    assert loaded.institution_name == "VARAM"
    assert loaded.graph.value(institution_iri("varam"), PV.portfolioManager) is None


def test_a_dash_service_id_is_an_empty_id() -> None:
    data = "inst_service_id,service_name_lv\n–,A\nS-2,B\n - ,C\n".encode()
    with pytest.raises(RowError) as info:
        read_portfolio(data, "a.csv")
    assert [(p.location.row, p.location.column) for p in info.value.problems] == [
        (2, "A"),
        (4, "A"),
    ]
    assert all("is empty" in p.message for p in info.value.problems)


def test_a_dash_title_leaves_the_service_untitled() -> None:
    loaded = read_portfolio("inst_service_id,service_name_lv\nS-1,—\n".encode(), "a.csv")
    assert loaded.graph.value(service_iri("a", "S-1"), DCTERMS.title) is None
    assert Literal("—", lang="lv") not in set(loaded.graph.objects())
