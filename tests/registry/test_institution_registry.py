"""The shipped ministries and the institution registry loader."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import URIRef

from pvkg.errors import RowError, SourceSyntaxError
from pvkg.institution_registry import INSTITUTIONS_GRAPH, load_registry, parse_registry
from pvkg.namespaces import institution_iri
from pvkg.store import SelectResult, Store

DATA = Path(__file__).parent / "data"
VARAM = institution_iri("viedas-administracijas-un-regionalas-attistibas-ministrija")


def select(store: Store, query: str) -> SelectResult:
    result = store.query(query)
    assert isinstance(result, SelectResult)
    return result


def test_reference_data_has_exactly_14_ministries_with_varam(memory_store: Store) -> None:
    ministries = select(
        memory_store,
        "SELECT DISTINCT ?m WHERE { ?m a pv:Ministry ; skos:prefLabel ?lv, ?en "
        'FILTER(lang(?lv) = "lv" && lang(?en) = "en") }',
    )
    assert len(ministries.rows) == 14
    assert URIRef(VARAM) in ministries.column("m")


def test_varam_is_known_by_abbreviation_and_former_name(memory_store: Store) -> None:
    labels = select(memory_store, f"SELECT ?l WHERE {{ <{VARAM}> skos:altLabel ?l }}").column("l")
    assert {str(label) for label in labels} >= {
        "VARAM",
        "Vides aizsardzības un reģionālās attīstības ministrija",
    }


def test_no_invented_identifiers_in_shipped_reference_data(memory_store: Store) -> None:
    assert not select(
        memory_store,
        "SELECT ?i WHERE { { ?i rov:registration ?r } UNION { ?i owl:sameAs ?w } }",
    ).rows


def test_registry_loads_institutions_with_parents_and_identifiers(memory_store: Store) -> None:
    count = load_registry(memory_store, (DATA / "institutions_ok.csv").read_bytes(), "i.csv")
    assert count == 3
    vid = institution_iri("valsts-ienemumu-dienests")
    parent = select(memory_store, f"SELECT ?p WHERE {{ <{vid}> org:subOrganizationOf ?p }}")
    assert parent.column("p") == [institution_iri("finansu-ministrija")]
    agency = institution_iri("izmeginajuma-agentura")
    ids = select(
        memory_store,
        f"SELECT ?n ?w ?p WHERE {{ <{agency}> rov:registration/skos:notation ?n ; "
        f"owl:sameAs ?w ; org:subOrganizationOf ?p }}",
    )
    assert [str(v) for v in ids.rows[0]] == [
        "90000000001",
        "http://www.wikidata.org/entity/Q1",
        str(VARAM),
    ]
    municipality = institution_iri("rigas-valstspilsetas-pasvaldiba")
    assert memory_store.query(f"ASK {{ <{municipality}> a pv:Municipality }}") is True


def test_reloading_the_registry_replaces_it(memory_store: Store) -> None:
    load_registry(memory_store, (DATA / "institutions_ok.csv").read_bytes(), "i.csv")
    load_registry(memory_store, b"name,kind\nViena iestade,other\n", "j.csv")
    names = select(
        memory_store, f"SELECT ?n WHERE {{ GRAPH <{INSTITUTIONS_GRAPH}> {{ ?i foaf:name ?n }} }}"
    ).column("n")
    assert [str(n) for n in names] == ["Viena iestade"]
    gone = institution_iri("valsts-ienemumu-dienests")
    assert memory_store.query(f"ASK {{ <{gone}> ?p ?o }}") is False


def test_bad_registry_reports_every_cell_and_changes_nothing(memory_store: Store) -> None:
    before = sorted(memory_store.dump("nq").splitlines())
    with pytest.raises(RowError) as caught:
        load_registry(memory_store, (DATA / "institutions_bad.csv").read_bytes(), "bad.csv")
    where = {(p.location.row, p.location.column) for p in caught.value.problems}
    assert where == {(3, "A"), (4, "B"), (4, "C"), (4, "D")}
    assert "bad.csv:4: column B" in str(caught.value)
    assert sorted(memory_store.dump("nq").splitlines()) == before


def test_registry_needs_name_and_kind_columns() -> None:
    with pytest.raises(RowError, match='missing column "kind"'):
        parse_registry(b"name\nX\n", "x.csv")
    with pytest.raises(SourceSyntaxError, match=r"x\.csv"):
        parse_registry(b"\xff\xfe\x00garbage", "x.csv")


def test_institutions_named_in_another_script_get_distinct_ids(memory_store: Store) -> None:
    """Cyrillic names lose every letter in a plain slug: they got the id '' (audit 6, N3)."""
    data = (
        "name,kind,parent\n"
        "Министерство здравоохранения,ministry,\n"
        "Министерство культуры,ministry,\n"
        "Агентство,state-agency,Министерство культуры\n"
    ).encode()
    rows = parse_registry(data, "cyrillic.csv")
    ids = [row.institution_id for row in rows]
    assert all(ids) and len(set(ids)) == 3, ids
    load_registry(memory_store, data, "cyrillic.csv")
    parent = select(
        memory_store,
        "SELECT ?parent { ?agency org:subOrganizationOf ?parent ; foaf:name 'Агентство'@lv }",
    )
    assert parent.column("parent") == [URIRef(institution_iri(ids[1]))]
