"""Curated-query parameters that name nothing, are repeated or malformed are refused with a
message naming the parameter (analyst audit 2, defects 2, 10 and 13).

A misspelt institution id or code used to give an empty answer, which for a compliance query
reads as "no problem found"; a repeated parameter let the last one win silently.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from pvkg.curated import QueryParameter, find_query, parse_query_file, run_curated
from pvkg.errors import InputError, ParameterError
from pvkg.query_command import parse_params
from pvkg.settings import Settings
from pvkg.store import Store


def _refused(store: Store, settings: Settings, name: str, **params: str) -> str:
    with pytest.raises(ParameterError) as caught:
        run_curated(store, find_query(settings.queries_dir, name), params)
    return caught.value.message


@pytest.mark.parametrize(
    ("name", "param", "typed", "suggested"),
    [
        ("services_without_manager", "institution", "finansu-ministrja", "finansu-ministrija"),
        ("services_without_manager", "institution", "FM", "finansu-ministrija"),  # notation
        ("tasks_of_role", "role", "ROLE5", "ROLE05"),
        ("roles_of_task", "task", "PU1.1", "PU1-1"),
    ],
)
def test_an_unknown_id_or_code_is_refused_with_close_matches(
    memory_store: Store, settings: Settings, name: str, param: str, typed: str, suggested: str
) -> None:
    message = _refused(memory_store, settings, name, **{param: typed})
    assert message.startswith(f"parameter {param}: no ")
    assert f"{typed!r} in the store" in message
    assert f"did you mean {suggested}" in message


def test_a_closed_scheme_lists_its_codes_when_nothing_is_close(
    memory_store: Store, settings: Settings
) -> None:
    message = _refused(memory_store, settings, "tasks_of_role", role="NOTHING-LIKE-IT")
    assert "known role codes: ROLE01, ROLE02" in message


@pytest.mark.parametrize("given", ["role05", " ROLE05 ", "Role05"])
def test_case_variants_of_known_codes_run_and_only_unknown_ones_are_refused(
    memory_store: Store, settings: Settings, given: str
) -> None:
    query = find_query(settings.queries_dir, "tasks_of_role")
    assert run_curated(memory_store, query, {"role": given}).rows
    no_data = find_query(settings.queries_dir, "services_without_manager")
    # a known institution without services is an empty answer, not an error
    assert run_curated(memory_store, no_data, {"institution": "Finansu-Ministrija"}).rows == []
    with pytest.raises(ParameterError):
        run_curated(memory_store, query, {"role": given.replace("5", "55")})


def test_a_repeated_parameter_is_refused() -> None:
    with pytest.raises(ParameterError, match=r"parameter min_services is given 2 times"):
        parse_params(["min_services=3", "min_services=1"])


@pytest.mark.parametrize(
    ("kind", "typed", "words"),
    [
        ("institution", 'X") } UNION { ?s ?p ?o } #', ["parameter p:", "'X\") } UNION"]),
        ("date", "12.01.2026", ["parameter p:", "'12.01.2026'", "YYYY-MM-DD"]),
        ("boolean", "maybe", ["parameter p:", "jā/nē"]),
        ("iri", 'http://x/"{', ["parameter p:", "not a valid IRI"]),
        ("concept:role", 'https://pvkg.lv/id/role/R"x', ["parameter p:", "not a valid IRI"]),
    ],
)
def test_messages_name_the_parameter_and_show_the_value_as_typed(
    kind: str, typed: str, words: list[str]
) -> None:
    with pytest.raises(ParameterError) as caught:
        QueryParameter("p", kind).to_term(typed)
    for word in words:
        assert word in caught.value.message, caught.value.message


@pytest.mark.parametrize(
    ("typed", "value"),
    [("1", True), ("0", False), ("jā", True), ("Nē", False), ("yes", True), ("NO", False)],
)
def test_booleans_in_every_usual_spelling(typed: str, value: bool) -> None:
    assert QueryParameter("p", "boolean").to_term(typed).toPython() is value


def test_no_query_may_declare_the_reserved_format_parameter(tmp_path: Path) -> None:
    path = tmp_path / "q.rq"
    path.write_text(
        "#+ summary: x\n#+ tags: [x]\n#+ params:\n#+   - name: format\nSELECT * WHERE {}\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError, match="reserved"):
        parse_query_file(path)


def test_the_command_line_refuses_unknown_and_repeated_values(tmp_path: Path) -> None:
    def pvkg(*params: str) -> subprocess.CompletedProcess[str]:
        args = [sys.executable, "-m", "pvkg.cli", "query", "roles_of_task", *params]
        env = {**os.environ, "PVKG_STORE": str(tmp_path / "store")}
        return subprocess.run(args, capture_output=True, text=True, env=env, timeout=120)

    unknown = pvkg("--param", "task=PU9-9")
    assert unknown.returncode == 2
    assert "parameter task: no task code 'PU9-9' in the store" in unknown.stderr
    repeated = pvkg("--param", "task=PU1-1", "--param", "task=PU1-2")
    assert repeated.returncode == 2 and "parameter task is given 2 times" in repeated.stderr
