"""Boolean type cells as a CSV export writes them: TRUE / PATIESS is a mark, FALSE / APLAMS none.

The XLSX reader already reads boolean cells so (tests/loaders/test_xlsx_cells.py); the CSV
export of the same sheet holds the words, and gave "type mark 'TRUE' is not understood" and a
false C09.
"""

from __future__ import annotations

import pytest
from rdflib import URIRef

from loaders import read_portfolio
from loaders.normalise import is_type_mark

HEADER = (
    "institution,portfolio_manager,inst_service_id,register_service_id,service_name_lv,need_lv,"
    "type_public_individual_benefit,type_public_general_benefit,"
    "type_interagency_individual_use,type_interagency_shared_use,priority,status,service_manager"
)


@pytest.mark.parametrize(("word", "mark"), [("TRUE", True), ("Patiess", True), ("FALSE", False)])
def test_boolean_words_are_marks(word: str, mark: bool) -> None:
    assert is_type_mark(word) is mark
    assert is_type_mark("APLAMS") is False


def test_a_csv_export_of_boolean_type_cells_reads_the_marks() -> None:
    row = (
        "Digitālā aģentūra,Pēteris Liepiņš,DA-1,00101,A,N,"
        "TRUE,FALSE,FALSE,PATIESS,augsta,sniegšana,Ilze"
    )
    loaded = read_portfolio(f"{HEADER}\n{row}\n".encode(), "bool.csv")
    assert loaded.warnings == []
    classified = URIRef("http://data.europa.eu/m8g/isClassifiedBy")
    types = sorted(str(t).rsplit("/", 1)[-1] for t in loaded.graph.objects(None, classified))
    assert types == ["ST-IA-SHR", "ST-PUB-IND"]


def test_zero_padded_one_and_zero_are_a_mark_and_none() -> None:
    """A type column formatted 000 shows 1 as 001 (the xlsx reader reads cells as shown)."""
    assert is_type_mark("001") is True and is_type_mark("00") is False
    assert is_type_mark("002") is None
