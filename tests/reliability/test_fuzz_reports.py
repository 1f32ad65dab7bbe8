"""Fuzzed validation reports: every format renders any Result, HTML stays escaped (issue 9 §1)."""

from __future__ import annotations

import csv
import html
import io
import json
import re
from dataclasses import replace

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, SH

from pvkg.reports import FORMATS, render
from pvkg.validation import Report, Result
from tests.reliability.conftest import count, fuzz_settings

pytestmark = pytest.mark.fuzz

HOSTILE = st.sampled_from(
    [
        "<script>alert(1)</script>",
        '"><img src=x onerror=alert(1)>',
        "</td></tr></table><h1>x</h1>",
        "&lt;already escaped&gt;",
        "javascript:alert(1)",
        '=HYPERLINK("http://evil")',
        'a,b\n"c"',
        "\x00\x1f\u2028\u2029",
        "Pakalpojuma vadītājs nav norādīts",
        "𝕏🙂",
        "",
    ]
)
TEXT = st.one_of(HOSTILE, st.text(max_size=60))
MAYBE = st.one_of(st.none(), TEXT)
SEVERITY = st.sampled_from(["Violation", "Warning", "Info"])


@st.composite
def results(draw: st.DrawFn) -> Result:
    source = draw(
        st.one_of(
            st.none(),
            st.fixed_dictionaries(
                {"file": TEXT, "row": st.integers(1, 10**6), "column": MAYBE, "sheet": MAYBE}
            ),
            st.fixed_dictionaries({"file": TEXT, "line": st.integers(1, 10**6)}),
        )
    )
    return Result(
        rule=draw(st.one_of(st.none(), st.sampled_from(["C01", "C02", "C22"]), TEXT)),
        severity=draw(SEVERITY),
        focus=draw(TEXT),
        focus_id=draw(MAYBE),
        path=draw(MAYBE),
        value=draw(MAYBE),
        component=draw(TEXT),
        shape=draw(TEXT),
        message={"lv": draw(TEXT), "en": draw(TEXT)},
        source=source,
        clause=draw(MAYBE),
    )


def _graph(messages: list[str]) -> Graph:
    graph = Graph()
    report = BNode()
    graph.add((report, RDF.type, SH.ValidationReport))
    graph.add((report, SH.conforms, Literal(False)))
    for i, text in enumerate(messages):
        node = URIRef(f"urn:result:{i}")
        graph.add((report, SH.result, node))
        graph.add((node, SH.resultMessage, Literal(text.replace("\x00", ""), lang="en")))
    return graph


def _tags(text: str) -> list[str]:
    """The HTML tags of a page (crudely: everything starting with '<' followed by a letter)."""
    return re.findall(r"<\s*(/?[A-Za-z][A-Za-z0-9]*)", text)


EMPTY_PAGE_TAGS = _tags(render(Report(True, "policy", [], Graph()), "html").decode())


def _skeleton(report: Report) -> str:
    """The same page with every user string neutral: what the template itself writes."""
    neutral = [
        replace(
            r,
            rule=r.rule and "R",
            focus="f",
            focus_id=r.focus_id and "i",
            path=r.path and "p",
            value=r.value and "v",
            component="c",
            shape="s",
            message={"lv": "m", "en": "m"},
            source=r.source
            and {k: (v if isinstance(v, int) else "x") for k, v in r.source.items()},
            clause=r.clause and "k",
        )
        for r in report.results
    ]
    return render(Report(report.conforms, "policy", neutral, Graph()), "html").decode("utf-8")


TEMPLATE_TEXT = Result(  # a message that is also a piece of the page's own markup
    None,
    "Violation",
    "<script>alert(1)</script>",
    None,
    None,
    None,
    "c",
    "s",
    {"lv": "<script>alert(1)</script>", "en": "</body></"},
)


@fuzz_settings(150)
@given(st.lists(results(), max_size=6), st.booleans(), st.lists(TEXT, max_size=3))
@example([TEMPLATE_TEXT], False, [])
def test_every_format_renders_and_html_stays_escaped(
    items: list[Result], conforms: bool, messages: list[str]
) -> None:
    count("report")
    report = Report(conforms, "policy", items, _graph(messages))
    out = {fmt: render(report, fmt) for fmt in FORMATS}
    for body in out.values():
        assert isinstance(body, bytes)
    data = json.loads(out["json"])
    assert [r["message"] for r in data["results"]] == [r.message for r in items]
    rows = list(csv.reader(io.StringIO(out["csv"].decode("utf-8"), newline="")))
    assert len(rows) == 1 + len(items)
    page = out["html"].decode("utf-8")
    skeleton = _skeleton(report)
    for r in items:  # every user-controlled string appears only escaped
        for text in (r.message["lv"], r.message["en"], r.focus, r.value or ""):
            if len(text) > 8 and re.search(r"<[A-Za-z/!]", text):
                # raw only where the template itself writes the same characters ("</body></")
                assert page.count(text) <= skeleton.count(text), text
            assert html.escape(text) in page or not text
    # the page has exactly the structure of the template: no tag came from the data
    tags = [t for t in _tags(page) if t.lower() not in ("br", "small", "span", "/span", "/small")]
    template = {t.lower() for t in EMPTY_PAGE_TAGS} | {"h2", "/h2", "tr", "/tr", "td", "/td"}
    template |= {"th", "/th", "table", "/table"}
    assert {t.lower() for t in tags} <= template, tags
    parsed = Graph().parse(data=out["turtle"].decode(), format="turtle")
    assert isomorphic(parsed, report.graph)
    assert len(Graph().parse(data=out["jsonld"].decode(), format="json-ld")) == len(report.graph)


def test_csv_report_keeps_a_carriage_return_inside_its_field() -> None:
    result = Result(
        "C02",
        "Violation",
        "urn:s",
        "S-1",
        None,
        "line one\rline two",
        "c",
        "s",
        {"lv": "a", "en": "b"},
    )
    body = render(Report(False, "policy", [result], Graph()), "csv").decode()
    rows = list(csv.reader(io.StringIO(body, newline="")))
    assert len(rows) == 2 and rows[1][5] == "line one\rline two"
