"""One rule resolves institution names for portfolios, the registry and survey answers.

A spelling variant of a known institution ("Viedas …" with a short *a* for VARAM, whose label
is "Viedās …") used to resolve when loading a portfolio but not in a survey file.
"""

from __future__ import annotations

import unicodedata

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS

from loaders import institution_resolver, read_portfolio
from pvkg.errors import RowError
from pvkg.institution_names import graph_institution_names, institution_names
from pvkg.institution_registry import load_registry
from pvkg.namespaces import PV, institution_iri
from pvkg.settings import Settings
from pvkg.store import SelectResult, Store
from pvkg.survey import load_survey, parse_survey, reference_institution_names

VARAM_ID = "viedas-administracijas-un-regionalas-attistibas-ministrija"
LABEL = "Viedās administrācijas un reģionālās attīstības ministrija"
VARIANTS = [
    pytest.param("Viedas administrācijas un reģionālās attīstības ministrija", id="short-a"),
    pytest.param(LABEL.upper(), id="upper-case"),
    pytest.param(unicodedata.normalize("NFD", LABEL), id="decomposed"),
    pytest.param(" varam ", id="abbreviation"),
    pytest.param("Vides aizsardzības un reģionālās attīstības ministrija", id="former-name"),
    pytest.param(VARAM_ID, id="id"),
]


def _csv_cell(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def portfolio_institution(store: Store, settings: Settings, name: str) -> str:
    data = (
        "institution,portfolio_manager,inst_service_id,service_name_lv,need_lv,"
        "type_public_individual_benefit,status,service_manager\n"
        f"{_csv_cell(name)},Anna,V-1,Pirmais,Vajadzība,X,sniegšana,Anna\n"
    ).encode()
    resolve = institution_resolver(store)
    loaded = read_portfolio(data, "p.csv", resolve_institution=resolve, settings=settings)
    return loaded.institution_id


def registry_parent(store: Store, name: str) -> str:
    load_registry(store, f"name,kind,parent\nJauna iestāde,other,{_csv_cell(name)}\n".encode(), "r")
    result = store.query(
        f"SELECT ?p WHERE {{ <{institution_iri('jauna-iestade')}> org:subOrganizationOf ?p }}"
    )
    assert isinstance(result, SelectResult)
    (parent,) = result.column("p")
    return str(parent).rsplit("/", 1)[-1]


def survey_respondent(store: Store, name: str) -> str:
    load_survey(
        store,
        f"ministry,question,answer,date\n{_csv_cell(name)},SQ01,jā,2026-01-12\n".encode(),
        "s.csv",
    )
    result = store.query("SELECT ?r WHERE { ?a a pv:SurveyAnswer ; pv:respondent ?r }")
    assert isinstance(result, SelectResult)
    (respondent,) = result.column("r")
    return str(respondent).rsplit("/", 1)[-1]


@pytest.mark.parametrize("name", VARIANTS)
def test_every_loader_resolves_the_variant_to_the_same_id(
    memory_store: Store, settings: Settings, name: str
) -> None:
    found = {
        "portfolio": portfolio_institution(memory_store, settings, name),
        "registry": registry_parent(memory_store, name),
        "survey": survey_respondent(memory_store, name),
        "survey without a store": parse_survey(
            f"ministry,question,answer,date\n{_csv_cell(name)},SQ01,jā,2026-01-12\n".encode(),
            "s.csv",
        )[0].ministry_id,
    }
    assert found == dict.fromkeys(found, VARAM_ID)


def test_an_unknown_name_keeps_each_loaders_answer(memory_store: Store, settings: Settings) -> None:
    name = "Izdomāta iestāde"
    assert institution_resolver(memory_store)(name) is None
    assert portfolio_institution(memory_store, settings, name) == "izdomata-iestade"
    assert registry_parent(memory_store, name) == "izdomata-iestade"  # as named, not checked
    with pytest.raises(RowError) as caught:
        survey_respondent(memory_store, name)
    assert "unknown ministry 'Izdomāta iestāde'; expected a Latvian name" in str(caught.value)


def test_registry_institutions_resolve_in_a_later_survey(memory_store: Store) -> None:
    load_registry(memory_store, b"name,kind,abbreviation\nValsts iestade,other,VI\n", "r.csv")
    for name in ("Valsts iestāde", "vi", "VALSTS IESTADE"):
        assert survey_respondent(memory_store, name) == "valsts-iestade"


def test_store_and_reference_files_give_the_same_resolver(memory_store: Store) -> None:
    from_store, from_files = institution_names(memory_store), reference_institution_names()
    for name in ["Finanšu ministrija", "FM", "finansu-ministrija", "Finansu  ministrija"]:
        assert from_store(name) == from_files(name) == "finansu-ministrija"
    assert from_store.label(VARAM_ID) == from_files.label(VARAM_ID) == LABEL


def _two_institutions(first_pref: bool) -> Graph:
    graph = Graph()
    a, b = URIRef(institution_iri("a")), URIRef(institution_iri("b"))
    pref, alt = (a, b) if first_pref else (b, a)
    for node in (a, b):
        graph.add((node, RDF.type, PV["Institution"]))
    graph.add((pref, SKOS.prefLabel, Literal("Kopīgs nosaukums", lang="lv")))
    graph.add((alt, SKOS.altLabel, Literal("kopīgs nosaukums", lang="lv")))
    graph.add((alt, DCTERMS.identifier, Literal(str(alt).rsplit("/", 1)[-1])))
    return graph


@pytest.mark.parametrize("first_pref", [True, False])
def test_a_label_wins_over_another_institutions_abbreviation(first_pref: bool) -> None:
    resolve = graph_institution_names(_two_institutions(first_pref))
    assert resolve("KOPĪGS NOSAUKUMS") == ("a" if first_pref else "b")


def test_a_files_own_names_come_first() -> None:
    resolve = graph_institution_names(_two_institutions(True)).with_names(
        [("Kopīgs nosaukums", "c")]
    )
    assert resolve("kopīgs nosaukums") == "c"
    assert resolve("C") == "c"  # its id is known now: the slug rule finds it
