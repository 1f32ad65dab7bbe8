"""Versioned portfolio storage: atomic commit, view swap, idempotent re-load, history, diff."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS

from loaders import LoadedPortfolio, read_portfolio, read_portfolio_file
from loaders.identity import service_iri
from pvkg import view
from pvkg.bootstrap import remove_orphans
from pvkg.errors import StoreUnavailable
from pvkg.namespaces import ADMS, PV, REGISTRY_GRAPH, portfolio_iri, portfolio_version_iri
from pvkg.portfolios import (
    VERSION_PLACEHOLDER,
    current_version,
    diff_versions,
    list_versions,
    store_portfolio,
)
from pvkg.settings import Settings
from pvkg.store import LocalStore, SelectResult, Store

DATA = Path(__file__).parent / "loaders" / "data"
DA = "digitala-agentura"


def example() -> LoadedPortfolio:
    return read_portfolio_file(DATA / "portfolio_ok.csv")


def edited() -> LoadedPortfolio:
    """The example with DA-002 removed, DA-010 added and DA-003's status changed."""
    lines = (DATA / "portfolio_ok.csv").read_text(encoding="utf-8").splitlines()
    lines = [line for line in lines if ",DA-002," not in line]
    lines = [
        line.replace("vidēja,sniegšana,Jānis", "vidēja,likvidēšana,Jānis", 1)
        if ",DA-003," in line
        else line
        for line in lines
    ]
    new = "DA-010,00110,Jauns,Vajadzība,X,,,,zema,plānošana,Ilze Kalniņa"
    lines.append(f"Digitālā aģentūra,Pēteris Liepiņš,{new}")
    return read_portfolio(("\n".join(lines) + "\n").encode(), "portfolio_v2.csv")


def default_graph(store: Store) -> set:
    return set(store.triples(None))


def test_first_store_registers_publishes_and_keeps_sources(disk_store: Store) -> None:
    loaded = example()
    stored = store_portfolio(disk_store, loaded, submitter="analītiķe")
    assert (stored.number, stored.created) == (1, True)
    version = portfolio_version_iri(DA, 1)
    assert stored.iri == str(version)
    assert disk_store.count(str(version)) == len(loaded.graph)
    assert disk_store.count(f"{version}/source") == len(loaded.sources)
    view = default_graph(disk_store)
    assert set(loaded.graph) <= view
    registry = set(disk_store.triples(str(REGISTRY_GRAPH)))
    for triple in [
        (version, RDF.type, PV.PortfolioVersion),
        (version, PV.sha256, Literal(loaded.sha256)),
        (version, PV.sourceFileName, Literal("portfolio_ok.csv")),
        (version, PROV.wasAttributedTo, Literal("analītiķe")),
        (portfolio_iri(DA), PV.currentVersion, version),
    ]:
        assert triple in registry and triple in view
    assert not any(p == PROV.wasRevisionOf for _, p, _ in registry)
    assert any(p == PROV.generatedAtTime for s, p, _ in registry if s == version)


def test_same_file_again_creates_no_version(disk_store: Store) -> None:
    first = store_portfolio(disk_store, example())
    dump = disk_store.dump()
    again = store_portfolio(disk_store, example())
    assert (again.number, again.created, again.iri) == (1, False, first.iri)
    assert disk_store.dump() == dump


def test_new_version_swaps_the_view_and_keeps_history(disk_store: Store) -> None:
    store_portfolio(disk_store, example(), submitter="a")
    second = edited()
    stored = store_portfolio(disk_store, second, submitter="b")
    assert (stored.number, stored.created) == (2, True)
    v1, v2 = portfolio_version_iri(DA, 1), portfolio_version_iri(DA, 2)
    assert disk_store.count(str(v1)) > 0  # every earlier version is kept
    view = default_graph(disk_store)
    assert set(second.graph) <= view
    gone = service_iri(DA, "DA-002")
    assert not any(s == gone for s, _, _ in view)
    assert (
        service_iri(DA, "DA-003"),
        ADMS.status,
        URIRef("https://pvkg.lv/id/status/STATUS-PROVISION"),
    ) not in view
    assert (portfolio_iri(DA), PV.currentVersion, v1) not in view
    assert (portfolio_iri(DA), PV.currentVersion, v2) in view
    assert (v2, PROV.wasRevisionOf, v1) in set(disk_store.triples(str(REGISTRY_GRAPH)))
    versions = list_versions(disk_store, DA)
    assert [(v.number, v.current, v.submitter, v.filename) for v in versions] == [
        (1, False, "a", "portfolio_ok.csv"),
        (2, True, "b", "portfolio_v2.csv"),
    ]
    assert versions[1].service_count == 9 and versions[1].created is not None
    current = current_version(disk_store, DA)
    assert current is not None and current.number == 2
    assert current_version(disk_store, "nav-tadas") is None
    # re-submitting the first file makes a third version, equal in content to the first
    third = store_portfolio(disk_store, example())
    assert (third.number, third.created) == (3, True)
    assert set(example().graph) <= default_graph(disk_store)
    assert not any(s == service_iri(DA, "DA-010") for s, _, _ in default_graph(disk_store))


def test_diff_lists_added_removed_and_changed_services(disk_store: Store) -> None:
    store_portfolio(disk_store, example())
    store_portfolio(disk_store, edited())
    diff = diff_versions(disk_store, DA, 1, 2)
    assert diff.added == ["DA-010"]
    assert diff.removed == ["DA-002"]
    assert diff.changed_ids == ["DA-003"]
    assert diff.changed[0].properties == [str(ADMS.status)]
    assert diff_versions(disk_store, DA, 1, 1).changed == []
    with pytest.raises(KeyError):
        diff_versions(disk_store, DA, 1, 7)


def test_extra_graphs_and_registry_use_the_version_placeholder(disk_store: Store) -> None:
    report = Graph()
    report.add((URIRef("urn:x:report"), RDFS.label, Literal("ok")))
    extra = Graph()
    run = URIRef(f"{VERSION_PLACEHOLDER}/validation-run")
    extra.add((run, PV.checked, VERSION_PLACEHOLDER))
    stored = store_portfolio(
        disk_store, example(), extra_graphs={"{version}/validation": report}, extra_registry=extra
    )
    version = URIRef(stored.iri)
    assert disk_store.count(f"{version}/validation") == 1
    expected = (URIRef(f"{version}/validation-run"), PV.checked, version)
    assert expected in set(disk_store.triples(str(REGISTRY_GRAPH)))
    assert expected in default_graph(disk_store)
    assert remove_orphans(disk_store) == []


def test_an_unregistered_version_graph_is_an_orphan(disk_store: Store) -> None:
    store_portfolio(disk_store, example())
    orphan = portfolio_version_iri(DA, 2)
    disk_store.add_triples(str(orphan), list(edited().graph)[:5])
    disk_store.add_triples(f"{orphan}/source", list(edited().sources)[:5])
    assert sorted(remove_orphans(disk_store)) == [str(orphan), f"{orphan}/source"]
    assert store_portfolio(disk_store, edited()).number == 2


def test_two_institutions_do_not_disturb_each_other(disk_store: Store) -> None:
    store_portfolio(disk_store, example())
    other = read_portfolio_file(DATA / "portfolio_cpsv.ttl")
    store_portfolio(disk_store, other)
    store_portfolio(disk_store, edited())
    view = default_graph(disk_store)
    assert set(other.graph) <= view
    assert [v.number for v in list_versions(disk_store, other.institution_id)] == [1]


def test_parallel_writers_get_distinct_versions(memory_store: Store) -> None:
    from concurrent.futures import ThreadPoolExecutor

    base = example()
    copies = []
    for i in range(4):
        copy = read_portfolio_file(DATA / "portfolio_ok.csv")
        copy.sha256 = f"{base.sha256}-{i}"
        copies.append(copy)
    with ThreadPoolExecutor(4) as pool:
        numbers = sorted(
            v.number for v in pool.map(lambda c: store_portfolio(memory_store, c), copies)
        )
    assert numbers == [1, 2, 3, 4]
    assert [v.current for v in list_versions(memory_store, DA)].count(True) == 1


def test_version_graph_returns_a_stored_version(disk_store: Store) -> None:
    from pvkg.portfolios import version_graph

    loaded = example()
    store_portfolio(disk_store, loaded)
    assert set(version_graph(disk_store, DA, 1)) == set(loaded.graph)
    assert len(version_graph(disk_store, DA, 9)) == 0


def test_swapping_versions_gives_the_view_a_rebuild_gives(disk_store: Store) -> None:
    from pvkg import view

    first = example()
    store_portfolio(disk_store, first)
    # Another published graph holds two triples that leave with DA-002: they must stay.
    da2 = service_iri(DA, "DA-002")
    gone = [
        (da2, DCTERMS.identifier, Literal("DA-002")),
        (da2, DCTERMS.isPartOf, portfolio_iri(DA)),
    ]
    assert set(gone) <= set(first.graph)
    shared = Graph()
    for triple in gone:
        shared.add(triple)
    disk_store.add_triples("urn:test:shared", shared)
    view.publish(disk_store, "urn:test:shared")
    store_portfolio(disk_store, edited())
    swapped = default_graph(disk_store)
    view.rebuild(disk_store)  # the published graphs only: this bare store does not publish
    rebuilt = default_graph(disk_store)  # the registry, whose entries the commit adds itself
    registry = set(disk_store.triples(str(REGISTRY_GRAPH)))
    assert rebuilt <= swapped
    assert swapped - rebuilt <= registry
    assert set(gone) <= swapped
    assert (service_iri(DA, "DA-002"), RDF.type, PV.Service) not in swapped
    assert set(edited().graph) <= swapped


def test_the_swap_deletes_only_what_the_new_version_lacks() -> None:
    from pvkg import view

    text = view.swap_update("urn:new", "urn:old")
    assert "MINUS { GRAPH <urn:new> { ?s ?p ?o } }" in text
    assert view.swap_update("urn:new", None).count("INSERT") == 2
    assert "DELETE" in view.swap_update(None, "urn:old")


def test_start_up_restores_reference_data_an_admin_deleted_from_the_view(
    disk_store: Store, settings: Settings
) -> None:
    """``DELETE /store?default`` (or ``CLEAR DEFAULT``) empties the view; the next start
    (``prepare``) copies the ontology and reference graphs back into it."""
    from pvkg.bootstrap import prepare
    from pvkg.namespaces import ONTOLOGY_GRAPH

    prepare(disk_store, settings)
    ask = "ASK { <https://pvkg.lv/ontology#Service> ?p ?o }"
    assert disk_store.query(ask) is True
    disk_store.update("CLEAR DEFAULT")
    assert disk_store.query(ask) is False
    prepare(disk_store, settings)
    assert disk_store.query(ask) is True
    view_count = disk_store.query(
        f"SELECT (COUNT(*) AS ?n) {{ GRAPH <{ONTOLOGY_GRAPH}> {{ ?s ?p ?o }} ?s ?p ?o }}"
    )
    assert isinstance(view_count, SelectResult)
    assert int(view_count.rows[0][0]) == disk_store.count(str(ONTOLOGY_GRAPH))
    assert not view.restore(disk_store, str(ONTOLOGY_GRAPH))  # nothing missing: nothing done


class _LostAnswerStore(LocalStore):
    """A store whose commit answer is lost, as when a remote server is slow: the commit is
    applied (``applied``) or not, and then the client sees no answer."""

    def __init__(self, location: Path, *, applied: bool) -> None:
        super().__init__(location)
        self.applied = applied

    def update(self, sparql: str) -> None:
        if "currentVersion" in sparql and "INSERT DATA" in sparql:
            if self.applied:
                super().update(sparql)
            raise StoreUnavailable("the SPARQL server did not answer within 3 s")
        super().update(sparql)


def test_a_commit_whose_answer_is_lost_but_applied_is_a_stored_version(
    settings: Settings,
) -> None:
    """Dropping the graphs of a commit the server did apply left a registered version without
    its graph (GET /portfolios 404, stale triples in the view after the next version)."""
    store = _LostAnswerStore(settings.store_path, applied=True)
    try:
        stored = store_portfolio(store, example())
        assert stored.created and stored.number == 1
        assert store.count(stored.iri) == example().triple_count
        assert remove_orphans(store) == []
    finally:
        store.close()


def test_a_commit_whose_answer_is_lost_and_not_applied_keeps_its_graphs(
    settings: Settings,
) -> None:
    store = _LostAnswerStore(settings.store_path, applied=False)
    try:
        with pytest.raises(StoreUnavailable, match="did not confirm version 1"):
            store_portfolio(store, example())
        version = str(portfolio_version_iri(DA, 1))
        assert store.count(version) == example().triple_count  # kept: it might still commit
        assert list_versions(store, DA) == []
        assert sorted(remove_orphans(store)) == [version, f"{version}/source"]
    finally:
        store.close()
