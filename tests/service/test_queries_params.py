"""``GET /queries/NAME`` over HTTP: unknown ids and codes, repeated parameters and
``?format=`` (analyst audit 2, defects 2, 4 and 10), on the invented demo portfolios."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from pvkg.bootstrap import prepare
from pvkg.serve_command import load_demo
from pvkg.settings import Settings
from pvkg.store import LocalStore, Store
from service import create_app

JSON = "application/sparql-results+json"


@pytest.fixture(scope="module")
def demo_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    settings = Settings().with_(
        store_path=tmp_path_factory.mktemp("demo") / "store", query_timeout_s=10.0
    )
    store: Store = LocalStore(None)
    prepare(store, settings)
    load_demo(store, settings)
    with TestClient(create_app(settings, store)) as client:
        yield client
    store.close()


@pytest.mark.parametrize(
    ("url", "named", "suggested"),
    [
        (
            "/queries/services_without_manager?institution=izdomata-vides-ministrja",
            "institution: no institution 'izdomata-vides-ministrja'",
            "izdomata-vides-ministrija",
        ),
        ("/queries/tasks_of_role?role=ROLE5", "role: no role code 'ROLE5'", "ROLE05"),
        ("/queries/roles_of_task?task=PU1.1", "task: no task code 'PU1.1'", "PU1-1"),
    ],
)
def test_an_unknown_id_or_code_is_a_400_not_an_empty_answer(
    demo_client: TestClient, url: str, named: str, suggested: str
) -> None:
    response = demo_client.get(url, headers={"Accept": "text/csv"})
    body = response.json()
    assert (response.status_code, body["error"]) == (400, "BAD_PARAMETER"), body
    assert body["message"].startswith(f"parameter {named} in the store"), body["message"]
    assert suggested in body["message"]


def test_a_known_id_in_another_case_still_answers(demo_client: TestClient) -> None:
    url = "/queries/services_without_manager?institution=Izdomata-Digitalo-Pakalpojumu-Agentura"
    response = demo_client.get(url, headers={"Accept": "text/csv"})
    assert response.status_code == 200
    assert [r["service_id"] for r in csv.DictReader(io.StringIO(response.text))] == ["IDPA-004"]
    assert demo_client.get("/queries/tasks_of_role?role=rOLE05&role=").status_code == 400


def test_a_repeated_parameter_is_refused(demo_client: TestClient) -> None:
    response = demo_client.get("/queries/manager_load?min_services=3&min_services=1")
    body = response.json()
    assert (response.status_code, body["error"]) == (400, "BAD_PARAMETER")
    assert "parameter min_services is given 2 times ('3', '1')" in body["message"]


@pytest.mark.parametrize(("name", "media"), [("csv", "text/csv"), ("json", JSON)])
def test_format_picks_the_result_format_over_accept(
    demo_client: TestClient, name: str, media: str
) -> None:
    other = "text/csv" if name == "json" else JSON
    url = f"/queries/services_by_type?format={name}"
    response = demo_client.get(url, headers={"Accept": other})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(media)
    assert "accept" not in response.headers.get("vary", "").lower()
    plain = demo_client.get("/queries/services_by_type", headers={"Accept": other})
    assert "accept" in plain.headers["vary"].lower()
    assert plain.headers["content-type"].startswith(other)


def test_an_unknown_format_is_406_and_format_is_no_query_parameter(
    demo_client: TestClient,
) -> None:
    response = demo_client.get("/queries/services_by_type?format=xml")
    assert (response.status_code, response.json()["error"]) == (406, "NOT_ACCEPTABLE")
    assert "use json or csv" in response.json()["message"]
    for query in demo_client.get("/queries").json()["queries"]:
        assert "format" not in {p["name"] for p in query["params"]}, query["name"]
