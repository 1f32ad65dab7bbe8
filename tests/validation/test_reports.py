"""Report formats: JSON exactly as INTERFACES.md §4, the W3C report graph, CSV and HTML."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF

from pvkg.namespaces import ADMS, SH
from pvkg.reports import CSV_COLUMNS, FORMATS, render
from pvkg.settings import Settings
from pvkg.validation import Report, validate_graph

HERE = Path(__file__).parent
BASE = HERE.parent / "shapes" / "base.ttl"
SERVICE = URIRef("https://pvkg.lv/id/institution/digitala-agentura/service/DA-001")
NASTY = '<script>alert("x")</script> & co'


@pytest.fixture(scope="module")
def report() -> Report:
    """The base portfolio with a nasty status literal (C07), no manager (C02), no need (C10)."""
    data = Graph().parse(BASE, format="turtle")
    data.remove((SERVICE, ADMS.status, None))
    data.add((SERVICE, ADMS.status, Literal(NASTY)))
    data.remove((SERVICE, URIRef("https://pvkg.lv/ontology#serviceManager"), None))
    data.remove((SERVICE, URIRef("https://pvkg.lv/ontology#satisfiesNeed"), None))
    return validate_graph(data, settings=Settings())


def test_report_content(report: Report) -> None:
    assert not report.conforms
    assert report.counts == {"violation": 2, "warning": 1, "info": 0}
    assert {(r.rule, r.severity) for r in report.results} == {
        ("C02", "Violation"),
        ("C07", "Violation"),
        ("C10", "Warning"),
    }
    c07 = next(r for r in report.results if r.rule == "C07")
    assert c07.value == NASTY and c07.focus_id == "DA-001"
    assert c07.path == str(ADMS.status)
    assert c07.component == str(SH.InConstraintComponent)
    assert c07.shape == "https://pvkg.lv/shapes#C07-Status"


def test_json_follows_interfaces(report: Report) -> None:
    data = json.loads(render(report, "json"))
    assert list(data) == ["conforms", "profile", "counts", "results"]
    assert data["conforms"] is False and data["profile"] == "policy"
    assert data["counts"] == {"violation": 2, "warning": 1, "info": 0}
    for result in data["results"]:
        assert list(result) == [
            "rule",
            "severity",
            "focus",
            "focus_id",
            "path",
            "value",
            "component",
            "shape",
            "message",
            "source",
        ]
        assert set(result["message"]) == {"lv", "en"}
    try:
        import jsonschema
    except ImportError:  # structural asserts above are the fallback
        return
    schema = json.loads((HERE / "report.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(data, schema)


def test_warnings_do_not_fail() -> None:
    data = Graph().parse(BASE, format="turtle")
    data.remove((SERVICE, URIRef("https://pvkg.lv/ontology#satisfiesNeed"), None))
    report = validate_graph(data, settings=Settings())
    assert report.conforms and report.counts["warning"] == 1
    assert json.loads(render(report, "json"))["conforms"] is True


@pytest.mark.parametrize("fmt", ["turtle", "jsonld"])
def test_report_graph_is_a_shacl_validation_report(report: Report, fmt: str) -> None:
    graph = Graph().parse(data=render(report, fmt), format="json-ld" if fmt == "jsonld" else fmt)
    reports = list(graph.subjects(RDF.type, SH.ValidationReport))
    assert len(reports) == 1
    assert graph.value(reports[0], SH.conforms) == Literal(False)
    results = list(graph.objects(reports[0], SH.result))
    assert len(results) == 3
    for res in results:
        assert (res, RDF.type, SH.ValidationResult) in graph
        assert graph.value(res, SH.focusNode) == SERVICE
        assert graph.value(res, SH.resultSeverity) in (SH.Violation, SH.Warning)
        assert graph.value(res, SH.sourceConstraintComponent) is not None
        assert graph.value(res, SH.sourceShape) is not None
        assert {m.language for m in graph.objects(res, SH.resultMessage)} == {"lv", "en"}


def test_csv_one_row_per_result(report: Report) -> None:
    rows = list(csv.DictReader(io.StringIO(render(report, "csv").decode("utf-8"))))
    assert len(rows) == len(report.results)
    assert tuple(rows[0]) == CSV_COLUMNS
    assert {row["rule"] for row in rows} == {"C02", "C07", "C10"}
    assert next(r for r in rows if r["rule"] == "C07")["value"] == NASTY


def test_html_is_bilingual_and_escaped(report: Report) -> None:
    page = render(report, "html").decode("utf-8")
    assert "<script>" not in page
    assert "&lt;script&gt;" in page
    for result in report.results:
        assert result.message["lv"] in page and result.message["en"] in page
        assert result.rule in page
        assert result.clause is not None and result.clause.split(";")[0] in page
    assert page.index(report.results[0].message["lv"]) < page.index(report.results[0].message["en"])


def test_text_names_rule_and_focus(report: Report) -> None:
    text = render(report, "text").decode("utf-8")
    assert "C02" in text and "DA-001" in text and "does not conform" in text


def test_every_format_renders(report: Report) -> None:
    for fmt in FORMATS:
        assert render(report, fmt)


def test_unknown_format_is_refused(report: Report) -> None:
    from pvkg.errors import UnsupportedFormat

    with pytest.raises(UnsupportedFormat):
        render(report, "xml")


def test_csv_keeps_a_carriage_return_inside_its_field() -> None:
    """Regression (tests/reliability/test_fuzz_reports.py): a lone CR from an Excel cell must not
    split the row; the CSV is written with RFC 4180 CRLF line ends so csv quotes the field."""
    from pvkg.validation import Result

    result = Result(
        "C07", "Violation", "urn:s", "S-1", None, "a\rb", "c", "s", {"lv": "x", "en": "y"}
    )
    body = render(Report(False, "policy", [result], Graph()), "csv").decode("utf-8")
    rows = list(csv.reader(io.StringIO(body, newline="")))
    assert len(rows) == 2 and rows[1][CSV_COLUMNS.index("value")] == "a\rb"


def test_html_names_cpsv_ap_results_readably(tmp_path: Path) -> None:
    """Audit 9: CPSV-AP results showed "MinCountConstraintComponent" over a content hash (the
    fragment the CPSV-AP shapes file gives its property shapes)."""
    out = tmp_path / "r.html"
    portfolio = Path(__file__).parent / "data" / "portfolio_ok.csv"
    subprocess.run(
        [sys.executable, "-m", "pvkg.cli", "validate", str(portfolio), "--profile", "cpsv-ap",
         "--format", "html", "-o", str(out)],
        check=False, capture_output=True, timeout=120,
    )  # fmt: skip
    page = out.read_text(encoding="utf-8")
    assert "<td>MinCount<br><small>PublicServiceShape</small>" in page
    assert "ConstraintComponent<br>" not in page
    assert not re.search(r"<small>[0-9a-f]{32,}</small>", page)
