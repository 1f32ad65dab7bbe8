"""Code parameters of curated queries are matched case-insensitively and trimmed (audit Q2):
``role05``, `` ROLE05 `` and ``ROLE05`` are one role; `` digitala-agentura `` one institution."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from pvkg.curated import QueryParameter, find_query, run_curated
from pvkg.namespaces import ID, concept, institution_iri
from pvkg.settings import Settings
from pvkg.store import Store


def _rows(store: Store, settings: Settings, name: str, **params: str) -> list[tuple]:
    answer = run_curated(store, find_query(settings.queries_dir, name), params)
    return sorted(tuple(str(v) for v in row) for row in answer.rows)


@pytest.mark.parametrize("given", ["role05", " ROLE05 ", "Role05\t"])
def test_role_codes_ignore_case_and_spaces(
    given: str, memory_store: Store, settings: Settings
) -> None:
    expected = _rows(memory_store, settings, "tasks_of_role", role="ROLE05")
    assert expected  # the ontology's task x role matrix has ROLE05's tasks
    assert _rows(memory_store, settings, "tasks_of_role", role=given) == expected


@pytest.mark.parametrize("given", ["pu2-1", " PU2-1 ", "pU2-1"])
def test_task_codes_ignore_case_and_spaces(
    given: str, memory_store: Store, settings: Settings
) -> None:
    expected = _rows(memory_store, settings, "roles_of_task", task="PU2-1")
    assert expected
    assert _rows(memory_store, settings, "roles_of_task", task=given) == expected


def test_a_concept_iri_with_a_lower_case_code_is_the_concept() -> None:
    param = QueryParameter("role", "concept:role")
    assert param.to_term(f"{ID}role/role05") == concept("role", "ROLE05")


@pytest.mark.parametrize("given", [" digitala-agentura ", "Digitala-Agentura"])
def test_institution_ids_ignore_case_and_spaces(given: str) -> None:
    param = QueryParameter("institution", "institution")
    assert param.to_term(given) == institution_iri("digitala-agentura")


@pytest.mark.parametrize(("kind", "given"), [("integer", " 3 "), ("boolean", " TRUE ")])
def test_typed_values_are_trimmed(kind: str, given: str) -> None:
    assert QueryParameter("x", kind).to_term(given).toPython() in (3, True)


def _codes_by_scheme(settings: Settings) -> dict[str, set[str]]:
    graph = Graph()
    for directory in (Path(settings.ontology_dir), Path(settings.reference_dir)):
        for path in sorted(directory.glob("*.ttl")):
            graph.parse(path, format="turtle")
    pattern = re.compile(rf"^{re.escape(str(ID))}([a-z-]+)/([^/]+)$")
    codes: dict[str, set[str]] = {}
    for node in set(graph.subjects()) | set(graph.objects()):
        m = pattern.match(str(node)) if isinstance(node, URIRef) else None
        if m and m.group(1) != "institution":
            codes.setdefault(m.group(1), set()).add(m.group(2))
    return codes


def test_every_shipped_code_is_found_whatever_its_case(settings: Settings) -> None:
    """The rule that makes a code case-insensitive must give back every code of every scheme."""
    for scheme, codes in _codes_by_scheme(settings).items():
        param = QueryParameter("code", f"concept:{scheme}")
        for code in codes:
            for given in (code.lower(), code.upper(), f" {code} "):
                assert param.to_term(given) == concept(scheme, code), (scheme, given)
