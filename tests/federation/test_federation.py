"""Pull reference data from a (local) remote endpoint; SERVICE/LOAD allow-list."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import PROV, SKOS

from pvkg.errors import Forbidden, QuerySyntaxError, StoreUnavailable
from pvkg.federation import check_federated_query, external_targets, pull_reference
from pvkg.namespaces import REGISTRY_GRAPH
from pvkg.settings import Settings
from pvkg.store import SelectResult, Store, open_store
from pvkg.view import published_graphs
from tests.federation.conftest import RemoteEndpoint, oxigraph_server

GRAPH = "https://pvkg.lv/graph/reference/remote-places"
CONSTRUCT = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
CONSTRUCT { ?c a skos:Concept ; skos:prefLabel ?l ; skos:notation ?n }
WHERE { ?c a skos:Concept ; skos:prefLabel ?l ; skos:notation ?n }"""
RIGA = URIRef("http://remote.example/id/place/riga")


def test_pull_stores_publishes_and_records_provenance(
    memory_store: Store, remote: RemoteEndpoint
) -> None:
    count = pull_reference(memory_store, remote.query_url, CONSTRUCT, GRAPH)
    assert count == 7  # Riga: type, notation, 2 labels; Cēsis: type, notation, 1 label
    assert memory_store.count(GRAPH) == count
    assert GRAPH in published_graphs(memory_store)
    view = memory_store.to_rdflib([None])
    assert (RIGA, SKOS.prefLabel, Literal("Rīga", lang="lv")) in view
    registry = memory_store.to_rdflib([str(REGISTRY_GRAPH)])
    g = URIRef(GRAPH)
    assert (g, PROV.wasDerivedFrom, URIRef(remote.query_url)) in registry
    assert len(list(registry.objects(g, PROV.generatedAtTime))) == 1
    query_entity = URIRef(f"{GRAPH}#query")
    assert (query_entity, PROV.value, Literal(CONSTRUCT)) in registry
    assert (g, PROV.wasDerivedFrom, URIRef(remote.query_url)) in view  # published provenance


def test_second_pull_replaces_graph_and_provenance(
    memory_store: Store, remote: RemoteEndpoint
) -> None:
    pull_reference(memory_store, remote.query_url, CONSTRUCT, GRAPH)
    only_riga = CONSTRUCT.replace("WHERE {", "WHERE { FILTER (?n = 'RIX')")
    count = pull_reference(memory_store, remote.query_url, only_riga, GRAPH)
    assert count == memory_store.count(GRAPH) == 4
    view = memory_store.to_rdflib([None])
    assert not any(
        True for _ in view.triples((URIRef("http://remote.example/id/place/cesis"), None, None))
    )
    registry = memory_store.to_rdflib([str(REGISTRY_GRAPH)])
    assert len(list(registry.objects(URIRef(GRAPH), PROV.generatedAtTime))) == 1
    assert len(list(registry.objects(URIRef(f"{GRAPH}#query"), PROV.value))) == 1


def test_failed_pull_changes_nothing(memory_store: Store, remote: RemoteEndpoint) -> None:
    pull_reference(memory_store, remote.query_url, CONSTRUCT, GRAPH)
    before = memory_store.count(GRAPH)
    with pytest.raises(StoreUnavailable):
        pull_reference(memory_store, f"{remote.base}/no-such-endpoint", CONSTRUCT, GRAPH)
    with pytest.raises(QuerySyntaxError):
        pull_reference(memory_store, remote.query_url, "SELECT * WHERE { ?s ?p ?o }", GRAPH)
    assert memory_store.count(GRAPH) == before


def test_pull_respects_the_allowlist(memory_store: Store, remote: RemoteEndpoint) -> None:
    with pytest.raises(Forbidden):
        pull_reference(
            memory_store, remote.query_url, CONSTRUCT, GRAPH, allowlist=["http://other.example/"]
        )
    assert (
        pull_reference(
            memory_store, remote.query_url, CONSTRUCT, GRAPH, allowlist=[remote.query_url]
        )
        == 7
    )


def _service_query(url: str) -> str:
    return f"""PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?label WHERE {{ SERVICE <{url}> {{ <{RIGA}> skos:prefLabel ?label }} }} ORDER BY ?label"""


def test_allowed_service_runs_through_the_embedded_store(
    memory_store: Store, remote: RemoteEndpoint
) -> None:
    sparql = _service_query(remote.query_url)
    check_federated_query(sparql, [remote.query_url])
    assert not any(True for _ in memory_store.to_rdflib([None]).triples((RIGA, None, None)))
    result = memory_store.query(sparql)
    assert isinstance(result, SelectResult)
    # only the remote server holds these labels: the request really reached it
    assert {str(v) for v in result.column("label")} == {"Riga", "Rīga"}


def test_service_outside_the_allowlist_is_refused(remote: RemoteEndpoint) -> None:
    sparql = _service_query(remote.query_url)
    with pytest.raises(Forbidden) as err:
        check_federated_query(sparql, ["http://data.example.lv/sparql"])
    assert remote.query_url in str(err.value)
    with pytest.raises(Forbidden):
        check_federated_query(sparql, [])


@pytest.mark.parametrize(
    "sparql",
    [
        "SELECT * WHERE { SERVICE ?endpoint { ?s ?p ?o } }",
        "PREFIX e: <http://evil.example/> SELECT * WHERE { SERVICE e:sparql { ?s ?p ?o } }",
        "SELECT * { { SELECT * { SERVICE SILENT <http://evil.example/q> { ?s ?p ?o } } } }",
        "LOAD <http://evil.example/data.ttl>",
        "INSERT { ?s ?p ?o } WHERE { SERVICE <http://evil.example/q> { ?s ?p ?o } }",
        "ASK { FILTER EXISTS { SERVICE <http://evil.example/q> { ?s ?p ?o } } }",
    ],
)
def test_hidden_or_indirect_targets_are_refused(sparql: str) -> None:
    with pytest.raises(Forbidden):
        check_federated_query(sparql, ["http://good.example/sparql"])


def test_allowlist_matches_at_url_boundaries() -> None:
    allow = ["http://good.example/sparql"]
    check_federated_query("SELECT * { SERVICE <http://good.example/sparql> { ?s ?p ?o } }", allow)
    with pytest.raises(Forbidden):
        check_federated_query(
            "SELECT * { SERVICE <http://good.example/sparql.evil.example/> { ?s ?p ?o } }", allow
        )


def test_keywords_in_strings_and_comments_are_not_targets() -> None:
    sparql = 'SELECT * WHERE { ?s ?p "SERVICE <http://evil.example/>" } # SERVICE <http://x/>'
    assert external_targets(sparql) == []
    check_federated_query(sparql, [])


def test_unparsable_text_with_a_service_keyword_is_still_judged() -> None:
    broken = "SELECT * WHERE { SERVICE <http://evil.example/q> { ?s ?p ?o "
    with pytest.raises(Forbidden):
        check_federated_query(broken, ["http://good.example/sparql"])


def test_a_bare_origin_entry_does_not_admit_other_hosts() -> None:
    with pytest.raises(Forbidden):
        check_federated_query(
            "SELECT * { SERVICE <http://good.example.evil.org/q> { ?s ?p ?o } }",
            ["http://good.example"],
        )
    check_federated_query(
        "SELECT * { SERVICE <http://good.example/q> { ?s ?p ?o } }", ["http://good.example"]
    )


def test_pull_into_a_remote_store(remote: RemoteEndpoint, tmp_path: Path) -> None:
    """The same pull works when pvkg's own store is a SPARQL server (``--store-url``)."""
    with oxigraph_server(tmp_path) as own:
        store = open_store(Settings(store_url=own.base))
        try:
            count = pull_reference(store, remote.query_url, CONSTRUCT, GRAPH)
            assert count == store.count(GRAPH) == 7
            assert GRAPH in published_graphs(store)
            registry = store.to_rdflib([str(REGISTRY_GRAPH)])
            assert (URIRef(GRAPH), PROV.wasDerivedFrom, URIRef(remote.query_url)) in registry
        finally:
            store.close()
