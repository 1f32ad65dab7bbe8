"""Institution ids of CSV / Excel portfolios whose institution is named in another script (N3)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from loaders import read_portfolio, read_portfolio_file
from pvkg.namespaces import institution_iri

HEADER = "institution,inst_service_id,service_name_lv,type_public_general_benefit,status"
ROW = "S-1,A,X,sniegšana\n"


def _institution(name: str, filename: str = "a.csv") -> str:
    text = f"{HEADER}\n{name},{ROW}"
    return read_portfolio(text.encode(), filename).institution_id


def test_institutions_named_in_other_scripts_get_their_own_ids() -> None:
    names = [
        "Министерство здравоохранения",
        "Министерство финансов",
        "Υπουργείο Υγείας",
        "Υπουργείο Οικονομικών",
    ]
    ids = [_institution(name) for name in names]
    assert len(set(ids)) == len(ids)
    assert all(ident and ident != "institution" for ident in ids)


def test_such_an_id_is_stable_and_ignores_case_and_spacing() -> None:
    first = _institution("Министерство здравоохранения", "a.csv")
    assert _institution("министерство  ЗДРАВООХРАНЕНИЯ", "b.csv") == first
    assert str(institution_iri(first)).endswith(first)
    assert first.startswith("ministerstvo-zdravoohranenija-")


@pytest.mark.parametrize(
    ("name", "ident"),
    [
        ("Digitālā aģentūra", "digitala-agentura"),
        ("Izdomātā Kultūras pārvalde", "izdomata-kulturas-parvalde"),
        ("Rīgas valstspilsētas pašvaldība", "rigas-valstspilsetas-pasvaldiba"),
        ("SIA „Ķekavas ūdens”", "sia-kekavas-udens"),
        # compatibility letters decompose to capitals (audit 7, F6: these got a hash)
        ("Rīgas Skola №1", "rigas-skola-no1"),
        ("Ⅱ ģimnāzija", "ii-gimnazija"),
    ],
)
def test_latvian_names_keep_their_ids(name: str, ident: str) -> None:
    assert _institution(name) == ident


def test_the_same_in_a_workbook(make_xlsx: Callable[..., Path]) -> None:
    rows = [["Iestāde", "Министерство здравоохранения"], [], ["inst_service_id"], ["S-1"]]
    loaded = read_portfolio_file(make_xlsx(rows))
    assert loaded.institution_id == _institution("Министерство здравоохранения")
    assert loaded.institution_id != "institution"
