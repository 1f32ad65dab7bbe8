"""The store: persistence, atomic writes, the lock, and safe parameter binding."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef

from pvkg import view
from pvkg.errors import ParameterError, QuerySyntaxError, SourceSyntaxError, StoreError, StoreLocked
from pvkg.store import LocalStore, SelectResult, Store, Triple

G = "urn:test:g"
P = URIRef("urn:test:p")


def triples(n: int, start: int = 0) -> list[Triple]:
    return [(URIRef(f"urn:test:s{i}"), P, Literal(i)) for i in range(start, start + n)]


def snapshot(store: Store) -> bytes:
    """Every quad of the store, sorted, for before/after comparisons."""
    return b"\n".join(sorted(store.dump("nq").splitlines()))


def test_data_survives_reopening(tmp_path: Path) -> None:
    store = LocalStore(tmp_path / "s")
    store.replace_graph(G, triples(5))
    store.close()
    reopened = LocalStore(tmp_path / "s")
    assert reopened.count(G) == 5
    assert reopened.graph_names() == [G]
    reopened.close()


def test_replace_graph_replaces_exactly(disk_store: Store) -> None:
    disk_store.replace_graph(G, triples(5))
    disk_store.replace_graph(G, triples(2, start=10))
    assert {int(o) for _, _, o in disk_store.triples(G)} == {10, 11}


def test_failure_in_the_middle_of_a_write_changes_nothing(disk_store: Store) -> None:
    disk_store.replace_graph(G, triples(3))
    before = snapshot(disk_store)

    def failing() -> Iterator[Triple]:
        yield from triples(100, start=50)
        raise RuntimeError("disk pulled out halfway")

    with pytest.raises(RuntimeError):
        disk_store.replace_graph(G, failing())
    with pytest.raises(RuntimeError):
        disk_store.add_triples(G, failing())
    assert snapshot(disk_store) == before


def test_update_failing_at_its_last_operation_is_rolled_back(disk_store: Store) -> None:
    disk_store.replace_graph(G, triples(1))
    before = snapshot(disk_store)
    # The first two operations succeed; LOAD then fails (port 9 is refused before any network
    # traffic), and the whole request must be undone.
    with pytest.raises(StoreError):
        disk_store.update(
            f"DELETE DATA {{ GRAPH <{G}> {{ <urn:test:s0> <{P}> 0 }} }} ; "
            f'INSERT DATA {{ GRAPH <{G}> {{ <urn:test:x> <{P}> "new" }} }} ; '
            f"LOAD <http://127.0.0.1:9/unreachable> INTO GRAPH <{G}>"
        )
    assert snapshot(disk_store) == before


def test_syntax_error_in_data_stores_nothing_and_names_the_line(disk_store: Store) -> None:
    disk_store.replace_graph(G, triples(2))
    before = snapshot(disk_store)
    bad = b"<urn:a> <urn:p> <urn:b> .\n<urn:a> <urn:p> oops .\n"
    with pytest.raises(SourceSyntaxError, match="line 2"):
        disk_store.load_data(bad, "turtle", graph=G, replace=True)
    assert snapshot(disk_store) == before


def test_checked_text_skips_only_the_term_checks(disk_store: Store) -> None:
    """``checked=True`` (pvkg's own minted text) skips IRI checks; unchecked text keeps them, and
    a real syntax error is refused either way with nothing written."""
    before = snapshot(disk_store)
    odd_iri = b"<urn:a> <urn:p> <http://exa mple.org/> .\n"
    with pytest.raises(SourceSyntaxError):
        disk_store.load_data(odd_iri, "nt", graph=G)
    with pytest.raises(SourceSyntaxError, match="line 2"):
        disk_store.load_data(b"<urn:a> <urn:p> <urn:b> .\n<urn:a> oops .\n", "nt", checked=True)
    assert snapshot(disk_store) == before
    good = '<urn:a> <urn:p> "Ā\\"b"@lv .\n<urn:a> <urn:q> <urn:b> .\n'.encode()
    disk_store.load_data(good, "nt", graph=G, checked=True)
    assert set(disk_store.triples(G)) == {
        (URIRef("urn:a"), URIRef("urn:p"), Literal('Ā"b', lang="lv")),
        (URIRef("urn:a"), URIRef("urn:q"), URIRef("urn:b")),
    }


def test_second_process_gets_a_clear_lock_error(tmp_path: Path) -> None:
    store = LocalStore(tmp_path / "s")
    try:
        code = (
            "import sys\n"
            "from pathlib import Path\n"
            "from pvkg.errors import StoreLocked\n"
            "from pvkg.store import LocalStore\n"
            "try:\n"
            f"    LocalStore(Path({str(tmp_path / 's')!r}))\n"
            "except StoreLocked as err:\n"
            "    print(err); sys.exit(7)\n"
        )
        proc = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
        )
        assert proc.returncode == 7, proc.stderr
        assert "already open in another process" in proc.stdout
    finally:
        store.close()


def test_lock_error_class_in_process(tmp_path: Path) -> None:
    store = LocalStore(tmp_path / "s")
    try:
        with pytest.raises(StoreLocked):
            LocalStore(tmp_path / "s")
    finally:
        store.close()


def test_query_forms_and_errors(memory_store: Store) -> None:
    memory_store.replace_graph(G, triples(3))
    select = memory_store.query(f"SELECT ?o WHERE {{ GRAPH <{G}> {{ ?s <{P}> ?o }} }} ORDER BY ?o")
    assert isinstance(select, SelectResult)
    assert [int(o) for o in select.column("o")] == [0, 1, 2]
    assert memory_store.query(f"ASK {{ GRAPH <{G}> {{ ?s <{P}> 2 }} }}") is True
    built = memory_store.query(
        f"CONSTRUCT {{ ?s <{P}> ?o }} WHERE {{ GRAPH <{G}> {{ ?s ?p ?o }} }}"
    )
    assert isinstance(built, Graph) and len(built) == 3
    with pytest.raises(QuerySyntaxError):
        memory_store.query("SELECT WHERE {")


def test_bindings_are_values_not_code(memory_store: Store) -> None:
    memory_store.replace_graph(G, [(URIRef("urn:test:a"), P, Literal("x"))])
    query = f"SELECT ?s WHERE {{ GRAPH <{G}> {{ ?s <{P}> ?o }} }}"
    hit = memory_store.query(query, bindings={"o": Literal("x")})
    assert isinstance(hit, SelectResult) and len(hit.rows) == 1
    attack = memory_store.query(query, bindings={"o": Literal('x" } } ; DROP ALL ; #')})
    assert isinstance(attack, SelectResult) and attack.rows == []
    assert memory_store.count(G) == 1
    with pytest.raises(ParameterError):
        memory_store.query(query, bindings={"o": URIRef("urn:x> } DROP ALL #")})
    with pytest.raises(ParameterError):
        memory_store.query(query, bindings={"o; DROP": Literal("x")})


def test_view_keeps_triples_shared_with_other_published_graphs(memory_store: Store) -> None:
    shared = (URIRef("urn:test:shared"), P, Literal("s"))
    memory_store.replace_graph("urn:test:a1", [shared, *triples(1)])
    memory_store.replace_graph("urn:test:b", [shared, *triples(1, start=5)])
    view.publish(memory_store, "urn:test:a1")
    view.publish(memory_store, "urn:test:b")
    memory_store.replace_graph("urn:test:a2", triples(1, start=9))
    view.publish(memory_store, "urn:test:a2", replacing="urn:test:a1")
    default = set(memory_store.triples(None))
    assert shared in default  # still held by graph b
    assert (URIRef("urn:test:s0"), P, Literal(0)) not in default  # only in the replaced a1
    assert (URIRef("urn:test:s9"), P, Literal(9)) in default
    published = view.published_graphs(memory_store)
    assert "urn:test:a2" in published and "urn:test:a1" not in published


def test_bindings_land_in_the_where_clause_after_comment_headers(memory_store: Store) -> None:
    memory_store.replace_graph(G, triples(3))
    query = (
        "#+ summary: a header line that is long enough to shift offsets\n"
        "#+ tags: [x]\n"
        f"PREFIX ex: <urn:test:>\nSELECT ?s WHERE {{ GRAPH <{G}> {{ ?s ex:p ?o }} }}"
    )
    result = memory_store.query(query, bindings={"o": Literal(1)})
    assert isinstance(result, SelectResult)
    assert result.column("s") == [URIRef("urn:test:s1")]


def test_store_terms_become_the_same_rdflib_terms() -> None:
    """pyoxigraph terms convert to rdflib terms equal to the ones rdflib builds itself (IRIs are
    built without rdflib's IRI check, which only logs), and an unbound value stays None."""
    import pyoxigraph as ox

    from pvkg.store._terms import to_rdflib

    iri = to_rdflib(ox.NamedNode("https://pvkg.lv/id/x?ā=1#f"))
    assert type(iri) is URIRef and iri == URIRef("https://pvkg.lv/id/x?ā=1#f")
    assert hash(iri) == hash(URIRef("https://pvkg.lv/id/x?ā=1#f")) and iri.n3() == URIRef(iri).n3()
    store = LocalStore(None)
    store.add_triples(G, [(URIRef("urn:a"), P, Literal("x", lang="lv"))])
    rows = store.query(f"SELECT ?s ?none ?o {{ GRAPH <{G}> {{ ?s ?p ?o }} }}").rows
    assert rows == [(URIRef("urn:a"), None, Literal("x", lang="lv"))]
    store.close()
