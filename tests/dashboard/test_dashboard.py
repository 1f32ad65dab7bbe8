"""The compliance dashboard: data from the curated queries, escaped HTML, and a real browser."""

from __future__ import annotations

import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn

from loaders import read_portfolio_file
from pvkg.dashboard import (
    compliance_data,
    compliance_json,
    dashboard_html,
    render_html,
    survey_panel_html,
)
from pvkg.settings import Settings
from pvkg.store import Store
from pvkg.submission import submit_portfolio
from service.app import create_app
from tests.chromium import CHROMIUM, HEADLESS_FLAGS, png_size_and_colours

DATA = Path(__file__).parent.parent / "queries" / "data"


def load(store: Store, settings: Settings, path: Path) -> None:
    submit_portfolio(store, read_portfolio_file(path, settings=settings), settings=settings)


@pytest.fixture
def two_institutions(memory_store: Store, settings: Settings, tmp_path: Path) -> Store:
    """Digitālā aģentūra with 2 Violations, and a hostile-named agency with 1 of 2 managers."""
    load(memory_store, settings, DATA / "da_two_violations.csv")
    hostile = tmp_path / "hostile.csv"
    hostile.write_text(
        "institution,portfolio_manager,inst_service_id,service_name_lv,need_lv,"
        "type_public_individual_benefit,status,service_manager\n"
        '"<script>alert(1)</script> aģentūra",Ieva,H-1,Pirmais,Vajadzība,X,sniegšana,Ieva\n'
        '"<script>alert(1)</script> aģentūra",Ieva,H-2,Otrais,Vajadzība,X,sniegšana,\n',
        encoding="utf-8",
    )
    load(memory_store, settings, hostile)
    return memory_store


def test_rows_come_worst_first_with_scores_rules_and_fixes(
    two_institutions: Store, settings: Settings
) -> None:
    rows = compliance_data(two_institutions, settings)
    assert [r.institution_id for r in rows] == [
        "script-alert-1-script-agentura",
        "digitala-agentura",
    ]
    hostile, da = rows
    assert hostile.score == round(100 - 25 * 1 / 2, 1) and da.score == round(100 - 40 / 9, 1)
    assert {(i["rule"], i["severity"], i["results"]) for i in da.by_rule} == {
        ("C02", "Violation", 1),
        ("C07", "Violation", 1),
    }
    assert [f["rule"] for f in da.fix_first] == ["C02", "C07"]
    assert da.by_status["gatavs"] == 1 and da.by_type["ST-PUB-IND"] == 5
    data = compliance_json(rows)
    assert data["institutions"][1]["trend"] == [(1, da.score)]


def test_html_escapes_names_and_shows_both_languages(
    two_institutions: Store, settings: Settings
) -> None:
    page = render_html(compliance_data(two_institutions, settings))
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; aģentūra" in page
    assert "Ko labot vispirms" in page and "What to fix first" in page
    assert page.count("<svg") >= 3


def test_the_page_from_totals_equals_the_page_from_every_detail(
    two_institutions: Store, settings: Settings
) -> None:
    full = render_html(
        compliance_data(two_institutions, settings),
        panels=survey_panel_html(two_institutions, settings),
    )
    page = dashboard_html(two_institutions, settings)
    assert page == full
    assert "C02 (Violation)" in page and "C07 (Violation)" in page


def test_given_totals_replace_the_rows_sums(two_institutions: Store, settings: Settings) -> None:
    rows = compliance_data(two_institutions, settings)
    page = render_html(rows, rule_totals={"C99 (Info)": 7}, status_totals={"izdomāts": 3})
    assert "C99 (Info)" in page and "izdomāts" in page
    assert "C02 (Violation)" not in page


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def served(two_institutions: Store, settings: Settings) -> Iterator[str]:
    """The real app on a loopback port, in a thread; stops by itself at the end of the test."""
    port = _free_port()
    config = uvicorn.Config(
        create_app(settings, two_institutions), host="127.0.0.1", port=port, log_level="warning"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


def test_compliance_route_negotiates_html_and_json(served: str) -> None:
    page = httpx.get(f"{served}/compliance", timeout=30)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "Content-Security-Policy" in page.headers
    data = httpx.get(f"{served}/compliance", headers={"Accept": "application/json"}, timeout=30)
    assert [i["institution_id"] for i in data.json()["institutions"]][-1] == "digitala-agentura"


@pytest.mark.skipif(
    CHROMIUM is None, reason="Debian chromium is not installed (.ci/run installs it)"
)
def test_dashboard_renders_in_headless_chromium(served: str, tmp_path: Path) -> None:
    shot = tmp_path / "dashboard.png"
    common = [
        CHROMIUM or "chromium",
        *HEADLESS_FLAGS,
        f"--user-data-dir={tmp_path / 'profile'}",
        "--window-size=1280,1000",
        "--enable-logging=stderr",
        "--v=0",
    ]
    dom = subprocess.run(
        [*common, "--dump-dom", f"{served}/compliance"], capture_output=True, text=True, timeout=90
    )
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert dom.stdout.count("<svg") >= 3 and "Digitālā aģentūra" in dom.stdout
    assert "SQ01" in dom.stdout  # the survey panel (questions listed even before answers load)
    assert "CONSOLE" not in dom.stderr and "Uncaught" not in dom.stderr
    snap = subprocess.run(
        [*common, f"--screenshot={shot}", f"{served}/compliance"],
        capture_output=True,
        text=True,
        timeout=90,
    )
    assert snap.returncode == 0 and shot.is_file(), snap.stderr[-2000:]
    width, height, colours = png_size_and_colours(shot.read_bytes())
    assert (width, height) == (1280, 1000)
    assert colours > 20  # text, bars and the score badges, not a blank page
