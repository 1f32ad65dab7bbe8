"""Curated queries: headers, safe parameters, and exact answers on a small fixture graph."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import RDF, Graph, URIRef

from pvkg import view
from pvkg.curated import find_query, list_queries, run_curated
from pvkg.errors import ParameterError, UnknownQuery
from pvkg.namespaces import CPSV, CV, institution_iri
from pvkg.settings import Settings
from pvkg.store import SelectResult, Store

DATA = Path(__file__).parent / "data"
REQUIRED = {
    "services_without_manager",
    "institutions_without_portfolio_manager",
    "manager_load",
    "services_by_type",
    "compliance_by_institution",
    "tasks_of_role",
    "roles_of_task",
    "ministries_with_services",
    "survey_progress",
}
FM = institution_iri("finansu-ministrija")
PA = institution_iri("paraugu-agentura")


@pytest.fixture
def store(memory_store: Store) -> Iterator[Store]:
    """The memory store with the fixture portfolios published into the current view."""
    graph = Graph().parse(DATA / "portfolios.ttl")
    memory_store.replace_graph("urn:test:portfolios", graph)
    view.publish(memory_store, "urn:test:portfolios")
    yield memory_store


def run(store: Store, settings: Settings, name: str, **params: str) -> SelectResult:
    return run_curated(store, find_query(settings.queries_dir, name), params)


def values(result: SelectResult, *variables: str) -> list[tuple[str, ...]]:
    return [tuple(str(row[v]) for v in variables) for row in result.dicts()]


def test_every_query_has_a_header_and_runs(store: Store, settings: Settings) -> None:
    queries = list_queries(settings.queries_dir)
    assert queries, "queries/ is empty"
    for query in queries:
        assert query.summary and query.tags, query.name
        result = run_curated(store, query, {})
        assert isinstance(result, SelectResult)


def test_the_nine_required_queries_exist(settings: Settings) -> None:
    assert {q.name for q in list_queries(settings.queries_dir)} >= REQUIRED


def test_every_query_runs_on_an_empty_graph(memory_store: Store, settings: Settings) -> None:
    for query in list_queries(settings.queries_dir):
        if query.name in (
            "tasks_of_role",
            "roles_of_task",
            "survey_progress",
            "survey_published_figures",
            "survey_by_measure",
            "survey_freshness",
        ):
            continue  # the ontology's matrix, survey questions/figures and ministries are there
        assert run_curated(memory_store, query, {}).rows == [], query.name


def test_services_without_manager(store: Store, settings: Settings) -> None:
    result = run(store, settings, "services_without_manager")
    assert values(result, "service_id", "status") == [("FM-2", "sniegsana")]
    assert (
        run(store, settings, "services_without_manager", institution="paraugu-agentura").rows == []
    )
    fm = run(store, settings, "services_without_manager", institution="finansu-ministrija")
    assert values(fm, "service_id") == [("FM-2",)]


def test_institutions_without_portfolio_manager(store: Store, settings: Settings) -> None:
    result = run(store, settings, "institutions_without_portfolio_manager")
    assert values(result, "institution", "services") == [(str(PA), "3")]


def test_manager_load_counts_people_not_names(store: Store, settings: Settings) -> None:
    result = run(store, settings, "manager_load")
    assert values(result, "manager_name", "services") == [
        ("Jānis Ozols", "2"),
        ("Anna Bērza", "1"),
        ("Anna Bērza", "1"),
    ]
    busy = run(store, settings, "manager_load", min_services="2")
    assert values(busy, "manager_name") == [("Jānis Ozols",)]
    # an empty value is a value left out: the declared default (1), not an unbound variable
    assert values(run(store, settings, "manager_load", min_services=""), "services") == values(
        result, "services"
    )


def test_services_by_type_counts_two_marks_twice(store: Store, settings: Settings) -> None:
    counts = dict(values(run(store, settings, "services_by_type"), "code", "services"))
    assert counts == {"ST-IA-IND": "1", "ST-IA-SHR": "1", "ST-PUB-GEN": "1", "ST-PUB-IND": "3"}
    only_fm = dict(
        values(run(store, settings, "services_by_type", institution=str(FM)), "code", "services")
    )
    assert only_fm == {"ST-IA-SHR": "1", "ST-PUB-GEN": "1", "ST-PUB-IND": "1"}


def test_ministries_with_services(store: Store, settings: Settings) -> None:
    result = run(store, settings, "ministries_with_services")
    assert values(result, "ministry", "ministry_name", "services") == [
        (str(FM), "Finanšu ministrija", "2")
    ]


def test_duplicate_register_ids(store: Store, settings: Settings) -> None:
    result = run(store, settings, "duplicate_register_ids")
    assert values(result, "register_id", "service_id") == [("00042", "FM-2"), ("00042", "PA-3")]


def _matrix() -> list[dict[str, str]]:
    with (DATA / "task_roles.csv").open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


@pytest.mark.parametrize("role", ["ROLE01", "ROLE05", "ROLE07", "ROLE10"])
def test_tasks_of_role_matches_the_matrix(store: Store, settings: Settings, role: str) -> None:
    expected = sorted(
        (c["task_code"], c["responsibility"], c["certainty"], c["rule"])
        for c in _matrix()
        if c["role_code"] == role
    )
    result = run(store, settings, "tasks_of_role", role=role)
    got = sorted(values(result, "task_code", "responsibility", "certainty", "rule"))
    assert got == expected


@pytest.mark.parametrize("task", ["PU1-2", "PU2-9", "PU3-4"])
def test_roles_of_task_matches_the_matrix(store: Store, settings: Settings, task: str) -> None:
    expected = sorted(
        (c["role_code"], c["responsibility"], c["certainty"])
        for c in _matrix()
        if c["task_code"] == task
    )
    got = sorted(
        values(
            run(store, settings, "roles_of_task", task=task),
            "role_code",
            "responsibility",
            "certainty",
        )
    )
    assert got == expected


def test_injection_through_parameters_is_refused_or_inert(store: Store, settings: Settings) -> None:
    before = store.count(None)
    with pytest.raises(ParameterError):
        run(store, settings, "services_without_manager", institution="x> } ; DROP ALL ; #")
    with pytest.raises(ParameterError):
        run(store, settings, "tasks_of_role", role="ROLE05> } DROP ALL")
    with pytest.raises(ParameterError):
        run(store, settings, "manager_load", min_services="1) } DROP ALL #")
    with pytest.raises(ParameterError, match="no parameter"):
        run(store, settings, "manager_load", nonsense="1")
    assert store.count(None) == before


def test_unknown_query_lists_the_known_ones(settings: Settings) -> None:
    with pytest.raises(UnknownQuery, match="services_without_manager"):
        find_query(settings.queries_dir, "no_such_query")
    with pytest.raises(UnknownQuery):
        find_query(settings.queries_dir, "../pyproject")


def test_portfolio_versions_is_empty_without_versions(store: Store, settings: Settings) -> None:
    assert run(store, settings, "portfolio_versions").rows == []
    assert isinstance(URIRef(FM), URIRef)


def test_survey_published_figures_reproduce_the_survey(
    memory_store: Store, settings: Settings
) -> None:
    rows = run(memory_store, settings, "survey_published_figures").dicts()
    assert [str(r["question_code"]) for r in rows] == [f"SQ{i:02d}" for i in range(1, 19)]

    def total(column: str) -> int:
        return sum(int(r[column]) for r in rows if r[column] is not None)

    # DOMAIN.md §17: 85 jā / 72 daļēji / 41 nē overall, of which SQ08, SQ13 and SQ15 together
    # hold jā 8, daļēji 20, nē 5 and only SQ13 nē 1 and SQ15 nē 4 are legible.
    assert (total("yes"), total("partly"), total("no")) == (85 - 8, 72 - 20, 41)
    sq05 = next(r for r in rows if str(r["question_code"]) == "SQ05")
    assert (int(sq05["yes"]), int(sq05["partly"]), int(sq05["no"])) == (5, 1, 5)
    assert str(sq05["measure_code"]) == "P1.2"
    sq08 = next(r for r in rows if str(r["question_code"]) == "SQ08")
    assert sq08["yes"] is None and sq08["answered"] is None
    certainty = {str(r["question_code"]): str(r["certainty"]) for r in rows if r["certainty"]}
    assert (certainty["SQ01"], certainty["SQ03"], certainty["SQ13"]) == (
        "confirmed",
        "inferred",
        "uncertain",
    )


def test_services_by_status_filters_by_institution(store: Store, settings: Settings) -> None:
    everyone = dict(values(run(store, settings, "services_by_status"), "status", "services"))
    assert everyone == {
        "https://pvkg.lv/id/status/STATUS-PROVISION": "3",
        "https://pvkg.lv/id/status/STATUS-PLANNING": "1",
        "sniegsana": "1",
    }
    only_fm = run(store, settings, "services_by_status", institution="finansu-ministrija")
    assert dict(values(only_fm, "status", "services")) == {
        "https://pvkg.lv/id/status/STATUS-PROVISION": "1",
        "sniegsana": "1",
    }


def test_services_without_a_status_are_counted_in_a_row_of_their_own(
    store: Store, settings: Settings
) -> None:
    """Audit 9: the dashboard's status totals (this query) summed to one service fewer than the
    portfolio held when a service had no status."""
    extra = Graph()
    service = URIRef("https://pvkg.lv/id/institution/paraugu-agentura/service/PA-9")
    extra.add((service, RDF.type, CPSV.PublicService))
    extra.add((service, CV.hasCompetentAuthority, PA))
    store.replace_graph("urn:test:no-status", extra)
    view.publish(store, "urn:test:no-status")
    rows = run(store, settings, "services_by_status").dicts()
    unset = [r for r in rows if r["status"] is None]
    assert [(str(r["status_lv"]), str(r["status_en"]), str(r["services"])) for r in unset] == [
        ("bez statusa", "no status", "1")
    ]
    assert sum(int(str(r["services"])) for r in rows) == 6
    labelled = [r for r in rows if r["status"] is not None and r["status_lv"] is not None]
    assert {str(r["status_lv"]) for r in labelled} == {"sniegšana", "plānošana"}
    only_fm = run(store, settings, "services_by_status", institution="finansu-ministrija")
    assert all(r["status"] is not None for r in only_fm.dicts())
