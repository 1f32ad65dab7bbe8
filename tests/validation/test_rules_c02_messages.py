"""C02 says which way a service breaks it: no service manager, or several (audit 9: both got
"must have exactly one", and the two-manager case looked like a missing one)."""

from __future__ import annotations

import pytest

from loaders import read_portfolio
from pvkg.settings import Settings
from pvkg.validation import validate_graph

CSV = (
    "institution,portfolio_manager,inst_service_id,service_name_lv,status,"
    "type_public_individual_benefit,service_manager\n"
    "Digitālā aģentūra,Pēteris Liepiņš,DA-001,Bez vadītāja,sniegšana,X,\n"
    "Digitālā aģentūra,Pēteris Liepiņš,DA-002,Divi vadītāji,sniegšana,X,Ilze Kalniņa; Jānis Ozols\n"
)


@pytest.mark.parametrize("engine", ["fast", "pyshacl"])
def test_no_manager_and_two_managers_have_their_own_messages(engine: str) -> None:
    graph = read_portfolio(CSV.encode("utf-8"), "da.csv").graph
    report = validate_graph(graph, profile="policy", settings=Settings(), engine=engine)
    messages = {
        r.focus.rsplit("/", 1)[-1]: r.message["en"] for r in report.results if r.rule == "C02"
    }
    assert messages == {
        "DA-001": "The service names no service manager; it must have exactly one (ROLE05).",
        "DA-002": "The service names several service managers; it must have exactly one (ROLE05).",
    }
