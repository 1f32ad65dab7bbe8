"""Issue 4 regression (found by the benchmark, bench/NOTES.md finding 7): a spelling variant of a
known institution's name ("Viedas" for "Viedās") gave the reference institution a second Latvian
name, and curated queries listed it twice."""

from __future__ import annotations

from loaders import institution_resolver, read_portfolio
from pvkg.namespaces import institution_iri
from pvkg.portfolios import store_portfolio
from pvkg.settings import Settings
from pvkg.store import SelectResult, Store

VARAM_ID = "viedas-administracijas-un-regionalas-attistibas-ministrija"
CSV = (
    "institution,portfolio_manager,inst_service_id,service_name_lv,need_lv,"
    "type_public_individual_benefit,status,service_manager\n"
    "Viedas administrācijas un reģionālās attīstības ministrija,Anna,V-1,Pirmais,Vajadzība,X,"
    "sniegšana,Anna\n"
).encode()


def test_spelling_variant_resolves_to_the_reference_institution(
    memory_store: Store, settings: Settings
) -> None:
    loaded = read_portfolio(
        CSV, "varam.csv", resolve_institution=institution_resolver(memory_store), settings=settings
    )
    assert loaded.institution_id == VARAM_ID
    store_portfolio(memory_store, loaded)
    names = memory_store.query(
        f"SELECT ?n WHERE {{ <{institution_iri(VARAM_ID)}> skos:prefLabel ?n "
        'FILTER (lang(?n) = "lv") }'
    )
    assert isinstance(names, SelectResult)
    assert [str(n) for n in names.column("n")] == [
        "Viedās administrācijas un reģionālās attīstības ministrija"
    ]


def test_unknown_names_still_get_their_own_slug(memory_store: Store) -> None:
    resolve = institution_resolver(memory_store)
    assert resolve("Izdomāta iestāde") is None
    assert resolve("VARAM") == VARAM_ID
