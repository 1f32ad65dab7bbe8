"""Portfolio submission, history and stand-alone validation over HTTP."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from fastapi.testclient import TestClient

from pvkg.portfolios import list_versions
from pvkg.store import Store

DEMO = Path(__file__).resolve().parents[2] / "service" / "demo"
KULTURA = "izdomata-kulturas-parvalde"
AGENCY = "izdomata-digitalo-pakalpojumu-agentura"
CSV = {"Content-Type": "text/csv"}


def _csv(name: str) -> bytes:
    return (DEMO / f"{name}.csv").read_bytes()


def test_validate_reports_by_accept_and_stores_nothing(
    client: TestClient, service_store: Store
) -> None:
    before = service_store.count()
    report = client.post("/validate", content=_csv(AGENCY), headers=CSV)
    assert report.status_code == 200, report.text
    body = report.json()
    assert body["conforms"] is False
    assert {"C02", "C07"} <= {r["rule"] for r in body["results"]}
    as_csv = client.post("/validate", content=_csv(AGENCY), headers={**CSV, "Accept": "text/csv"})
    assert as_csv.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(as_csv.text)))
    assert len(rows) == len(body["results"])
    html = client.post("/validate", content=_csv(AGENCY), headers={**CSV, "Accept": "text/html"})
    assert html.headers["content-type"].startswith("text/html")
    assert "content-security-policy" in html.headers
    turtle = client.post(
        "/validate?filename=p.csv", content=_csv(AGENCY), headers={"Accept": "text/turtle"}
    )
    assert "ValidationReport" in turtle.text
    assert service_store.count() == before


def test_validate_multipart_upload(client: TestClient) -> None:
    response = client.post(
        "/validate", files={"file": (f"{KULTURA}.csv", _csv(KULTURA), "text/csv")}
    )
    assert response.status_code == 200, response.text
    assert response.json()["conforms"] is True


def test_validate_reads_every_portfolio_of_an_rdf_file_and_put_takes_one(
    client: TestClient, admin: dict[str, str]
) -> None:
    """A whole ``pvkg export cpsv`` (one dcat:Dataset per institution) validates as one set;
    a submission is one institution's portfolio, so it refuses such a file."""
    from loaders import read_portfolio

    both = read_portfolio(_csv(AGENCY), f"{AGENCY}.csv").graph
    both += read_portfolio(_csv(KULTURA), f"{KULTURA}.csv").graph
    data = both.serialize(format="turtle").encode()
    report = client.post("/validate?filename=visi.ttl", content=data)
    assert report.status_code == 200, report.text
    foci = {r["focus"].split("/")[5] for r in report.json()["results"]}
    assert AGENCY in foci  # the agency's violations, read from the second portfolio's file
    put = client.put(f"/portfolios/{AGENCY}?filename=visi.ttl", content=data, headers=admin)
    assert put.status_code == 400 and "2 portfolios" in put.json()["message"]


def test_unreadable_and_untyped_uploads(client: TestClient) -> None:
    untyped = client.post("/validate", content=b"whatever")
    assert untyped.status_code == 415
    broken = client.post("/validate?filename=x.ttl", content=b"<a> <b> .")
    assert broken.status_code == 400
    assert broken.json()["error"] == "SOURCE_SYNTAX"
    assert broken.json()["location"]["file"] == "x.ttl"


def test_submit_history_and_reads(
    client: TestClient, service_store: Store, admin: dict[str, str]
) -> None:
    first = client.put(f"/portfolios/{KULTURA}", content=_csv(KULTURA), headers={**CSV, **admin})
    assert first.status_code == 201, first.text
    assert first.headers["location"] == f"/portfolios/{KULTURA}/versions/1"
    assert first.json()["report"]["conforms"] is True
    same = client.put(f"/portfolios/{KULTURA}", content=_csv(KULTURA), headers={**CSV, **admin})
    assert same.status_code == 200
    changed = _csv(KULTURA).replace(b"Toms Akmens", b"Toms Akmentins", 1)
    second = client.put(
        f"/portfolios/{KULTURA}",
        content=changed,
        headers={"Content-Disposition": 'attachment; filename="portfelis.csv"', **admin},
    )
    assert second.status_code == 201, second.text
    versions = client.get(f"/portfolios/{KULTURA}/versions").json()["versions"]
    assert [(v["number"], v["current"]) for v in versions] == [(1, False), (2, True)]
    assert versions[1]["filename"] == "portfelis.csv"
    current = client.get(f"/portfolios/{KULTURA}", headers={"Accept": "application/n-triples"})
    assert current.status_code == 200
    assert current.headers["content-location"].endswith("/versions/2")
    assert "Akmentins" in current.text
    old = client.get(f"/portfolios/{KULTURA}/versions/1")
    assert old.headers["content-type"].startswith("text/turtle")
    assert "Akmentins" not in old.text
    assert client.get(f"/portfolios/{KULTURA}/versions/7").status_code == 404


def test_file_of_another_institution_is_not_stored(
    client: TestClient, service_store: Store, institution_headers: dict
) -> None:
    response = client.put(
        f"/portfolios/{KULTURA}",
        content=_csv("izdomata-vides-ministrija"),
        headers={**CSV, **institution_headers[KULTURA]},
    )
    assert response.status_code == 400
    assert list_versions(service_store, KULTURA) == []
    assert list_versions(service_store, "izdomata-vides-ministrija") == []


def test_unknown_and_malformed_institutions(client: TestClient) -> None:
    assert client.get("/portfolios/nobody").status_code == 404
    assert client.get("/portfolios/nobody/versions").status_code == 404
    assert client.get("/portfolios/Bad%20Id").status_code == 400


def test_a_file_naming_no_institution_is_stored_under_the_urls_institution(
    client: TestClient, service_store: Store, institution_headers: dict
) -> None:
    """INTERFACES §2: a readable file that breaks rules is stored and reported; the URL names
    the institution the file does not (audit 9: it was refused as "the portfolio of ''")."""
    rows = list(csv.reader(io.StringIO(_csv(KULTURA).decode("utf-8"))))
    dropped = {rows[0].index("institution"), rows[0].index("portfolio_manager")}
    out = io.StringIO()
    csv.writer(out).writerows([[c for i, c in enumerate(r) if i not in dropped] for r in rows])
    response = client.put(
        f"/portfolios/{KULTURA}?filename=bez-iestades.csv",
        content=out.getvalue().encode("utf-8"),
        headers={**CSV, **institution_headers[KULTURA]},
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["institution"] == KULTURA
    assert {r["rule"] for r in body["report"]["results"]} >= {"C12"}
    assert all(f"/institution/{KULTURA}" in r["focus"] for r in body["report"]["results"])
    assert [v.number for v in list_versions(service_store, KULTURA)] == [1]
    assert list_versions(service_store, "bez-iestades") == []


def test_a_multipart_body_with_two_files_is_refused(
    client: TestClient, service_store: Store, admin: dict
) -> None:
    """Audit 9: the second file was ignored without a word, by /validate and by PUT."""
    files = {
        "a": (f"{KULTURA}.csv", _csv(KULTURA), "text/csv"),
        "b": ("vide.csv", _csv("izdomata-vides-ministrija"), "text/csv"),
    }
    for response in (
        client.post("/validate", files=files),
        client.put(f"/portfolios/{KULTURA}", files=files, headers=admin),
    ):
        assert response.status_code == 400, response.text
        assert "2 files" in response.json()["message"]
    assert list_versions(service_store, KULTURA) == []


def _with_own_column(name: str) -> bytes:
    """The demo file with an institution's own column (kept as a comment, with a warning)."""
    lines = _csv(name).decode().splitlines()
    lines = [lines[0] + ",Piezīmes"] + [line + ",iekšēji" for line in lines[1:]]
    return ("\n".join(lines) + "\n").encode()


def test_reading_warnings_reach_http_submitters(client: TestClient, admin: dict[str, str]) -> None:
    """The command line prints what reading noticed on stderr; over HTTP it is in the PUT
    answer and in the HTML report (audit 4, defect 1); the §4 JSON keeps its fields."""
    data = _with_own_column(KULTURA)
    put = client.put(f"/portfolios/{KULTURA}", content=data, headers={**CSV, **admin})
    assert put.status_code == 201, put.text
    warnings = put.json()["warnings"]
    assert any("'Piezīmes'" in w and "not a template column" in w for w in warnings), warnings
    html = client.post("/validate", content=data, headers={**CSV, "Accept": "text/html"})
    assert "Noticed while reading the file" in html.text
    assert "not a template column" in html.text
    as_json = client.post("/validate", content=data, headers=CSV).json()
    assert set(as_json) == {"conforms", "profile", "counts", "results"}
    plain = client.post("/validate", content=_csv(KULTURA), headers={**CSV, "Accept": "text/html"})
    assert "Noticed while reading" not in plain.text
