"""Findings of the re-check of the analyst fixes (audit 3): a COUNT(*) is not SELECT *, an
IRI of another kind is no institution, and case does not hide a close institution id."""

from __future__ import annotations

import pytest

from pvkg.curated import list_queries, run_curated
from pvkg.errors import ParameterError, QuerySyntaxError
from pvkg.settings import Settings
from pvkg.store import LocalStore


def test_count_star_with_group_by_is_not_called_select_star() -> None:
    store = LocalStore(None)
    with pytest.raises(QuerySyntaxError) as err:
        store.query("SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o FILTER(?o = ) } GROUP BY ?p")
    assert "SELECT *" not in str(err.value)
    with pytest.raises(QuerySyntaxError, match=r"SELECT \*"):
        store.query("SELECT * WHERE { ?s ?p ?o } GROUP BY ?p")


def test_an_iri_of_another_kind_is_no_institution() -> None:
    store = LocalStore(None)
    store.update(
        "INSERT DATA { <https://pvkg.lv/id/role/ROLE05> a <urn:Role> . "
        "<https://pvkg.lv/id/institution/finansu-ministrija> a <urn:Institution> }"
    )
    query = {q.name: q for q in list_queries(Settings().queries_dir)}["services_without_manager"]
    with pytest.raises(ParameterError, match="institution"):
        run_curated(store, query, {"institution": "https://pvkg.lv/id/role/ROLE05"})
    with pytest.raises(ParameterError, match="did you mean finansu-ministrija"):
        run_curated(
            store, query, {"institution": "https://pvkg.lv/id/institution/FINANSU-MINISTRIJA"}
        )
    run_curated(store, query, {"institution": "finansu-ministrija"})  # known: no error
