"""What an operator watches (audit 5, defect 5): ``GET /health`` for probes, store outages in
the server log, and access lines with a time and level but no query string."""

from __future__ import annotations

import logging

import pytest
from fastapi.testclient import TestClient

from pvkg.serve_command import log_config
from pvkg.settings import Settings
from pvkg.store._remote import RemoteStore
from service import create_app
from tests.fake_servers import free_port


def test_health_answers_200_from_a_working_store(client: TestClient) -> None:
    response = client.get("/health")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})
    assert response.headers["cache-control"] == "no-store"
    assert client.head("/health").status_code == 200


def test_health_and_the_log_tell_of_a_store_that_is_down(
    service_settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    store = RemoteStore(f"http://127.0.0.1:{free_port()}", timeout_s=2)
    try:
        with (
            TestClient(create_app(service_settings, store)) as client,
            caplog.at_level(logging.WARNING, logger="pvkg.service"),
        ):
            response = client.get("/health")
    finally:
        store.close()
    assert response.status_code == 503
    assert response.json()["error"] == "STORE_UNAVAILABLE"
    assert any("GET /health" in r.getMessage() for r in caplog.records)


def test_access_lines_have_a_time_and_no_query_string() -> None:
    config = log_config(access_log=True)
    access = config["formatters"]["access"]["fmt"]
    assert access.startswith("%(asctime)s %(levelname)s")
    record = logging.LogRecord(
        "uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d', None, None
    )
    record.args = ("127.0.0.1:5", "GET", "/sparql?query=ASK&access_token=zzz", "1.1", 200)
    config["filters"]["no_query"]["()"]().filter(record)
    assert record.args[2] == "/sparql"
    assert config["loggers"]["pvkg"]["handlers"] == ["default"]
    assert log_config(access_log=False)["loggers"]["uvicorn.access"]["level"] == "WARNING"
