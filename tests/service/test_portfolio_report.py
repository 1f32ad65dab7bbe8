"""``GET /portfolios/{institution}/report``: the current version's report for the people who
fix it, and browsers following a portfolio link get that page instead of an RDF/XML download."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from fastapi.testclient import TestClient

DEMO = Path(__file__).resolve().parents[2] / "service" / "demo"
AGENCY = "izdomata-digitalo-pakalpojumu-agentura"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def _submit(client: TestClient, admin: dict[str, str]) -> dict:
    put = client.put(
        f"/portfolios/{AGENCY}?filename={AGENCY}.csv",
        content=(DEMO / f"{AGENCY}.csv").read_bytes(),
        headers={**admin, "Content-Type": "text/csv"},
    )
    assert put.status_code in (200, 201), put.text
    return put.json()["report"]


def _keys(results: list[dict]) -> set[tuple]:
    return {(r["rule"], r["focus"], r["severity"], r["value"]) for r in results}


def test_report_is_the_submissions_report_in_every_format(
    client: TestClient, admin: dict[str, str]
) -> None:
    submitted = _submit(client, admin)
    answer = client.get(f"/portfolios/{AGENCY}/report")
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/json"
    assert answer.headers["vary"] == "Accept"
    body = answer.json()
    assert body["conforms"] is False
    assert _keys(body["results"]) == _keys(submitted["results"])
    # the source cells survive the round trip through the store
    cells = {(r["rule"], (r["source"] or {}).get("row")) for r in body["results"]}
    assert cells == {(r["rule"], (r["source"] or {}).get("row")) for r in submitted["results"]}
    assert all(
        (r["source"] or {}).get("file", f"{AGENCY}.csv") == f"{AGENCY}.csv" for r in body["results"]
    )

    html = client.get(f"/portfolios/{AGENCY}/report", headers={"Accept": "text/html"})
    assert html.headers["content-type"].startswith("text/html")
    assert "Pārbaudes ziņojums" in html.text and "Validation report" in html.text
    as_csv = client.get(f"/portfolios/{AGENCY}/report?format=csv")
    assert as_csv.headers["content-type"].startswith("text/csv")
    assert len(list(csv.DictReader(io.StringIO(as_csv.text)))) == len(body["results"])
    turtle = client.get(f"/portfolios/{AGENCY}/report", headers={"Accept": "text/turtle"})
    assert "ValidationReport" in turtle.text


def test_report_errors(client: TestClient, admin: dict[str, str]) -> None:
    assert client.get("/portfolios/nav-tadas/report").status_code == 404
    assert client.get("/portfolios/Not%20an%20id/report").status_code == 400
    _submit(client, admin)
    bad = client.get(f"/portfolios/{AGENCY}/report?format=xlsx")
    assert bad.status_code == 406 and "json" in bad.json()["message"]


def test_a_browser_is_sent_to_the_report_and_rdf_clients_are_not(
    client: TestClient, admin: dict[str, str]
) -> None:
    _submit(client, admin)
    browser = client.get(
        f"/portfolios/{AGENCY}", headers={"Accept": BROWSER}, follow_redirects=False
    )
    assert browser.status_code == 303
    assert browser.headers["vary"] == "Accept"
    assert browser.headers["location"] == f"/portfolios/{AGENCY}/report"
    followed = client.get(f"/portfolios/{AGENCY}", headers={"Accept": BROWSER})
    assert followed.headers["content-type"].startswith("text/html")
    for accept in ("text/turtle", "application/rdf+xml", "*/*", "application/ld+json"):
        rdf = client.get(
            f"/portfolios/{AGENCY}", headers={"Accept": accept}, follow_redirects=False
        )
        assert rdf.status_code == 200, accept
        assert rdf.headers["vary"] == "Accept"
    explicit = client.get(
        f"/portfolios/{AGENCY}?format=turtle", headers={"Accept": BROWSER}, follow_redirects=False
    )
    assert explicit.status_code == 200 and explicit.headers["content-type"].startswith(
        "text/turtle"
    )
