"""Exact answers for the cases the faster query plans (queries/*.rq) must still get right.

The plans count from predicate scans joined by hash, test strings once per distinct concept,
find report graphs through the registry's ``pv:report`` and join labels after counting; each
case below is one where such a rewrite could silently change the rows.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Graph

from loaders import read_portfolio_file
from pvkg import view
from pvkg.namespaces import institution_iri
from pvkg.settings import Settings
from pvkg.store import SelectResult, Store
from pvkg.submission import submit_portfolio
from tests.queries.test_curated import run

DATA = Path(__file__).parent / "data"
FM = institution_iri("finansu-ministrija")
PA = institution_iri("paraugu-agentura")
XA = institution_iri("x-agentura")

# A third institution: a service classified by a concept that is not a service type, an id
# shared by three services, a service that is not typed cpsv:PublicService, and a concept with
# no labels used as a status.
EDGE = """
@prefix pv: <https://pvkg.lv/ontology#> .
@prefix cpsv: <http://purl.org/vocab/cpsv#> .
@prefix cv: <http://data.europa.eu/m8g/> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix adms: <http://www.w3.org/ns/adms#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix x: <https://pvkg.lv/id/institution/x-agentura/> .

<https://pvkg.lv/id/institution/x-agentura> skos:prefLabel "X aģentūra"@lv .
x:service\\/X-1 a cpsv:PublicService ; dct:identifier "X-1" ;
    cv:hasCompetentAuthority <https://pvkg.lv/id/institution/x-agentura> ;
    cv:isClassifiedBy <https://pvkg.lv/id/service-type/ST-PUB-IND>, <http://example.org/theme/T1> ;
    adms:status <http://example.org/status/unlabelled> ; pv:registerServiceId "00777" .
x:service\\/X-2 a cpsv:PublicService ; dct:identifier "X-2" ;
    cv:hasCompetentAuthority <https://pvkg.lv/id/institution/x-agentura> ;
    cv:isClassifiedBy <http://example.org/theme/T1>, <https://pvkg.lv/id/service-type/ST-PUB> ;
    pv:registerServiceId "00777" .
x:thing\\/X-3 dct:identifier "X-3" ;
    cv:hasCompetentAuthority <https://pvkg.lv/id/institution/x-agentura> ;
    pv:registerServiceId "00777" .
"""


@pytest.fixture
def store(memory_store: Store) -> Iterator[Store]:
    """The curated-query fixture portfolios plus the edge cases, published into the view."""
    graph = Graph().parse(DATA / "portfolios.ttl")
    graph.parse(data=EDGE, format="turtle")
    memory_store.replace_graph("urn:test:portfolios", graph)
    view.publish(memory_store, "urn:test:portfolios")
    yield memory_store


def values(result: SelectResult, *variables: str) -> list[tuple[str, ...]]:
    return [
        tuple("" if row[v] is None else str(row[v]) for v in variables) for row in result.dicts()
    ]


def test_portfolio_overview_counts_types_and_statuses_with_labels(
    store: Store, settings: Settings
) -> None:
    rows = values(run(store, settings, "portfolio_overview"), "institution", "dimension", "code")
    counts = {
        (r[0], r[1], r[2]): int(r2["services"])
        for r, r2 in zip(rows, run(store, settings, "portfolio_overview").dicts(), strict=True)
    }
    assert counts == {
        (str(FM), "status", "STATUS-PROVISION"): 1,
        (str(FM), "status", "sniegsana"): 1,
        (str(FM), "type", "ST-IA-SHR"): 1,
        (str(FM), "type", "ST-PUB-GEN"): 1,
        (str(FM), "type", "ST-PUB-IND"): 1,
        (str(PA), "status", "STATUS-PLANNING"): 1,
        (str(PA), "status", "STATUS-PROVISION"): 2,
        (str(PA), "type", "ST-IA-IND"): 1,
        (str(PA), "type", "ST-PUB-IND"): 2,
        (str(XA), "status", "unlabelled"): 1,
        (str(XA), "type", "ST-PUB-IND"): 1,  # the theme T1 is not a service type
    }
    assert rows == sorted(rows), "ordered by institution, dimension, code"
    labelled = {
        str(r["code"]): (r["label_lv"], r["label_en"])
        for r in run(store, settings, "portfolio_overview", institution="x-agentura").dicts()
    }
    assert set(labelled) == {"unlabelled", "ST-PUB-IND"}
    assert labelled["unlabelled"] == (None, None)
    assert all(labelled["ST-PUB-IND"])


def test_services_by_type_ignores_concepts_that_are_not_service_types(
    store: Store, settings: Settings
) -> None:
    only_x = run(store, settings, "services_by_type", institution="x-agentura")
    assert values(only_x, "code", "services") == [("ST-PUB-IND", "1")]


def test_an_id_shared_by_three_lists_each_service_once(store: Store, settings: Settings) -> None:
    rows = values(run(store, settings, "duplicate_register_ids"), "register_id", "service_id")
    assert rows == [
        ("00042", "FM-2"),
        ("00042", "PA-3"),
        *[("00777", sid) for sid in ("X-1", "X-2", "X-3")],
    ]


def test_only_public_services_count_for_managers(store: Store, settings: Settings) -> None:
    missing = values(
        run(store, settings, "services_without_manager", institution="x-agentura"), "service_id"
    )
    assert missing == [("X-1",), ("X-2",)]  # X-3 is not typed cpsv:PublicService
    without = values(run(store, settings, "institutions_without_portfolio_manager"), "services")
    assert sorted(without) == [("2",), ("3",)]  # x-agentura 2 services, paraugu-agentura 3


def test_violations_by_rule_reads_only_the_current_report(
    memory_store: Store, settings: Settings
) -> None:
    def load(path: Path) -> None:
        submit_portfolio(
            memory_store, read_portfolio_file(path, settings=settings), settings=settings
        )

    load(DATA / "da_two_violations.csv")
    rows = run(memory_store, settings, "violations_by_rule").dicts()
    assert [(str(r["rule_code"]), str(r["severity"]), int(r["results"])) for r in rows] == [
        ("C02", "Violation", 1),
        ("C07", "Violation", 1),
    ]
    assert all(r["rule_lv"] and r["rule_en"] for r in rows)

    fixed = settings.store_path.parent / "da_fixed.csv"
    text = (DATA / "da_two_violations.csv").read_text(encoding="utf-8")
    fixed.write_text(text.replace(",gatavs,", ",izstrāde,"), encoding="utf-8")
    load(fixed)
    current = run(memory_store, settings, "violations_by_rule", institution="digitala-agentura")
    assert values(current, "rule_code", "severity", "results") == [("C02", "Violation", "1")]
    # another institution (in the registry, no portfolio here): nothing
    other = run(memory_store, settings, "violations_by_rule", institution="finansu-ministrija")
    assert other.rows == []


def test_results_by_rule_sums_violations_by_rule(memory_store: Store, settings: Settings) -> None:
    loaded = read_portfolio_file(DATA / "da_two_violations.csv", settings=settings)
    submit_portfolio(memory_store, loaded, settings=settings)
    totals = run(memory_store, settings, "results_by_rule").dicts()
    assert [
        (str(r["rule_code"]), str(r["severity"]), int(r["results"]), int(r["institutions"]))
        for r in totals
    ] == [("C02", "Violation", 1, 1), ("C07", "Violation", 1, 1)]
    assert all(r["rule_lv"] and r["rule_en"] for r in totals)
    other = run(memory_store, settings, "results_by_rule", institution="finansu-ministrija")
    assert other.rows == []
