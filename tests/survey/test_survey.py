"""The survey loader (pvkg/survey.py), its demo data and the survey queries (issue 7, item 4)."""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal, URIRef

from pvkg.bootstrap import open_ready_store
from pvkg.curated import find_query, run_curated
from pvkg.errors import RowError, SourceSyntaxError
from pvkg.namespaces import PV, institution_iri
from pvkg.settings import DATA_ROOT, Settings
from pvkg.store import SelectResult, Store
from pvkg.survey import (
    LOADED_SURVEY,
    SURVEY_ANSWERS_GRAPH,
    load_survey,
    parse_survey,
    survey_triples,
)
from pvkg.validation import validate_graph

DEMO = DATA_ROOT / "reference" / "demo" / "survey-2026-01-reconstructed.csv"
GOOD = (
    "ministry,question,answer,date\n"
    "Finanšu ministrija,SQ01,JĀ,2025-12-10\n"
    "FM,sq2,daleji,2025-12-11\n"
    "veselibas-ministrija,SQ18,Nē,2026-01-05\n"
    "VM,SQ01,ne,2026-01-05\n"
    "Kultūras ministrija,,,2026-01-12\n"
)


def run(store: Store, settings: Settings, name: str, **params: str) -> list[dict]:
    result = run_curated(store, find_query(settings.queries_dir, name), params)
    assert isinstance(result, SelectResult)
    return result.dicts()


def answers_in_view(store: Store) -> int:
    result = store.query("SELECT (COUNT(*) AS ?n) WHERE { ?a a pv:SurveyAnswer }")
    assert isinstance(result, SelectResult)
    return int(result.rows[0][0])


# -- parsing ------------------------------------------------------------------------------------


def test_parse_good_file() -> None:
    rows = parse_survey(GOOD.encode(), "good.csv")
    assert [(r.ministry_id, r.question, r.answer) for r in rows] == [
        ("finansu-ministrija", "SQ01", "ANS-YES"),
        ("finansu-ministrija", "SQ02", "ANS-PARTLY"),
        ("veselibas-ministrija", "SQ18", "ANS-NO"),
        ("veselibas-ministrija", "SQ01", "ANS-NO"),
        ("kulturas-ministrija", None, None),
    ]
    assert rows[0].row == 2 and str(rows[2].answered_on) == "2026-01-05"


def test_semicolons_bom_and_comments() -> None:
    text = "# a comment\nministry;question;answer;date\nEM;SQ05;jā;2025-12-01\n"
    rows = parse_survey(b"\xef\xbb\xbf" + text.encode(), "excel.csv")
    assert [(r.row, r.ministry_id, r.question) for r in rows] == [
        (3, "ekonomikas-ministrija", "SQ05")
    ]


def test_unknown_answer_is_kept_verbatim() -> None:
    (row,) = parse_survey(
        "ministry,question,answer,date\nFM,SQ01,  drīzāk jā ,2025-12-01\n".encode(), "x.csv"
    )
    assert row.verbatim and row.answer == "drīzāk jā"
    assert row.answer_term() == Literal("drīzāk jā")


def test_every_bad_input_is_reported_with_row_and_column() -> None:
    text = (
        "date,ministry,question,answer\n"
        "2025-12-01,Nav tādas ministrijas,SQ01,jā\n"  # unknown ministry: column B
        "2025-12-01,FM,SQ19,jā\n"  # unknown question: column C
        "12.01.2026,FM,SQ02,jā\n"  # bad date: column A
        "2025-02-30,FM,SQ03,jā\n"  # impossible date: column A
        "2025-12-01,FM,SQ04,\n"  # empty answer: column D
        "2025-12-01,FM,,jā\n"  # answer without a question: column C
        "2025-12-01,FM,SQ05,jā\n"
        "2025-12-01,FM,SQ05,nē\n"  # duplicate: column C
    )
    with pytest.raises(RowError) as caught:
        parse_survey(text.encode(), "bad.csv")
    where = {(p.location.file, p.location.row, p.location.column) for p in caught.value.problems}
    assert where == {
        ("bad.csv", 2, "B"),
        ("bad.csv", 3, "C"),
        ("bad.csv", 4, "A"),
        ("bad.csv", 5, "A"),
        ("bad.csv", 6, "D"),
        ("bad.csv", 7, "C"),
        ("bad.csv", 9, "C"),
    }
    assert "bad.csv:2: column B: unknown ministry" in str(caught.value)


def test_missing_column() -> None:
    with pytest.raises(RowError, match='missing column "date"') as caught:
        parse_survey(b"ministry,question,answer\nFM,SQ01,ja\n", "short.csv")
    assert caught.value.problems[0].location.row == 1


def test_not_utf8() -> None:
    with pytest.raises(SourceSyntaxError, match="not valid UTF-8") as caught:
        parse_survey(
            "ministry,question,answer,date\nFM,SQ01,jā,2025-12-01\n".encode("cp1257"), "x.csv"
        )
    assert caught.value.location is not None and caught.value.location.line == 2


def test_empty_file() -> None:
    with pytest.raises(SourceSyntaxError, match="empty file"):
        parse_survey(b"# only a comment\n", "empty.csv")


# -- loading ------------------------------------------------------------------------------------


def test_load_publishes_the_answers(memory_store: Store) -> None:
    assert load_survey(memory_store, GOOD.encode(), "good.csv") == 5
    assert answers_in_view(memory_store) == 4
    node = URIRef(f"{LOADED_SURVEY}/finansu-ministrija/SQ01")
    result = memory_store.query(
        f"SELECT ?p ?o WHERE {{ GRAPH <{SURVEY_ANSWERS_GRAPH}> {{ <{node}> ?p ?o }} }}"
    )
    assert isinstance(result, SelectResult)
    facts = {(str(p), str(o)) for p, o in result.rows}
    assert (str(PV["respondent"]), str(institution_iri("finansu-ministrija"))) in facts
    assert (str(PV["answer"]), "https://pvkg.lv/id/survey-answer/ANS-YES") in facts
    assert (str(PV["answeredOn"]), "2025-12-10") in facts
    assert (str(PV["surveyQuestion"]), "https://pvkg.lv/id/survey-question/SQ01") in facts


def test_reload_replaces_and_a_bad_file_changes_nothing(memory_store: Store) -> None:
    load_survey(memory_store, GOOD.encode(), "good.csv")
    load_survey(
        memory_store, "ministry,question,answer,date\nFM,SQ01,jā,2025-12-01\n".encode(), "one.csv"
    )
    assert answers_in_view(memory_store) == 1
    before = memory_store.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
    with pytest.raises(RowError):
        load_survey(
            memory_store, b"ministry,question,answer,date\nXX,SQ01,ja,2025-12-01\n", "bad.csv"
        )
    after = memory_store.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert isinstance(before, SelectResult) and isinstance(after, SelectResult)
    assert before.rows == after.rows
    assert answers_in_view(memory_store) == 1


def test_institutions_in_the_store_resolve(memory_store: Store) -> None:
    memory_store.update(
        """INSERT DATA { <https://pvkg.lv/id/institution/paraugu-agentura> a pv:Institution ;
             dct:identifier "paraugu-agentura" ; skos:prefLabel "Paraugu aģentūra"@lv }"""
    )
    text = "ministry,question,answer,date\nParaugu aģentūra,SQ01,jā,2025-12-01\n"
    assert load_survey(memory_store, text.encode(), "a.csv") == 1


def test_load_survey_into_the_on_disk_store(settings: Settings) -> None:
    with open_ready_store(settings) as store:
        assert load_survey(store, GOOD.encode("utf-8"), "survey.csv") == 5
    with open_ready_store(settings) as store:
        assert store.has_graph("https://pvkg.lv/graph/survey-answers")


# -- rule C16 -----------------------------------------------------------------------------------


def test_c16_fires_on_a_bad_answer(settings: Settings) -> None:
    text = "ministry,question,answer,date\nFM,SQ01,jā,2025-12-01\nFM,SQ02,varbūt,2025-12-01\n"
    data = Graph()
    for triple in survey_triples(parse_survey(text.encode(), "c16.csv")):
        data.add(triple)
    report = validate_graph(data, profile="policy", settings=settings)
    c16 = [r for r in report.results if r.rule == "C16"]
    assert [(r.focus, r.value) for r in c16] == [
        (f"{LOADED_SURVEY}/finansu-ministrija/SQ02", "varbūt")
    ]
    assert not report.conforms


def test_c16_is_quiet_on_the_demo_set(settings: Settings) -> None:
    data = Graph()
    for triple in survey_triples(parse_survey(DEMO.read_bytes(), DEMO.name)):
        data.add(triple)
    report = validate_graph(data, profile="policy", settings=settings)
    assert [r for r in report.results if r.rule == "C16"] == []


# -- the demo data set and the queries ----------------------------------------------------------


@pytest.fixture
def demo_store(memory_store: Store) -> Store:
    assert load_survey(memory_store, DEMO.read_bytes(), DEMO.name) == 199
    return memory_store


def test_demo_reproduces_the_published_figures(demo_store: Store, settings: Settings) -> None:
    rows = run(demo_store, settings, "survey_progress")
    assert [str(r["question_code"]) for r in rows] == [f"SQ{i:02d}" for i in range(1, 19)]
    assert all(int(r["answered"]) == 11 for r in rows)
    totals = tuple(sum(int(r[c]) for r in rows) for c in ("yes", "partly", "no"))
    assert totals == (85, 72, 41)
    loaded = {str(r["question_code"]): r for r in rows}
    published = run(demo_store, settings, "survey_published_figures")
    compared = 0
    for figure in published:
        if str(figure["certainty"]) not in ("confirmed", "inferred"):
            continue
        mine = loaded[str(figure["question_code"])]
        for column in ("yes", "partly", "no", "answered", "measure_code"):
            assert str(mine[column]) == str(figure[column]), (figure["question_code"], column)
        compared += 1
    assert compared == 15  # all but the illegible SQ08, SQ13, SQ15
    sq08 = loaded["SQ08"]  # the reconstruction of the illegible questions
    assert (int(sq08["yes"]), int(sq08["partly"]), int(sq08["no"])) == (4, 7, 0)
    sq05 = loaded["SQ05"]
    assert (str(sq05["yes_share"]), str(sq05["partly_share"]), str(sq05["no_share"])) == (
        "45.5",
        "9.1",
        "45.5",
    )


def test_progress_without_answers_and_for_another_survey(
    memory_store: Store, settings: Settings
) -> None:
    rows = run(memory_store, settings, "survey_progress")
    assert len(rows) == 18 and all(int(r["answered"]) == 0 for r in rows)
    assert all(r["yes_share"] is None for r in rows)
    load_survey(memory_store, GOOD.encode(), "good.csv", survey_iri="https://pvkg.lv/id/survey/x")
    other = run(memory_store, settings, "survey_progress", survey="https://pvkg.lv/id/survey/x")
    assert sum(int(r["answered"]) for r in other) == 4
    assert sum(int(r["answered"]) for r in run(memory_store, settings, "survey_progress")) == 0


def test_survey_by_measure_sums(demo_store: Store, settings: Settings) -> None:
    rows = run(demo_store, settings, "survey_by_measure")
    codes = [str(r["measure_code"]) for r in rows]
    assert codes == ["P1.1", "P1.2", "P1.3", "P2.2", "P2.3", "P2.4", "P5.1", "P5.2", "P5.3"]
    assert sum(int(r["questions"]) for r in rows) == 18
    assert tuple(sum(int(r[c]) for r in rows) for c in ("yes", "partly", "no", "answered")) == (
        85,
        72,
        41,
        198,
    )
    p12 = next(r for r in rows if str(r["measure_code"]) == "P1.2")  # SQ02–SQ05
    assert (int(p12["yes"]), int(p12["partly"]), int(p12["no"])) == (27, 11, 6)
    assert int(p12["answered"]) == 44 and str(p12["yes_share"]) == "61.4"


def test_survey_freshness(demo_store: Store, settings: Settings) -> None:
    rows = run(demo_store, settings, "survey_freshness")
    assert len(rows) == 14
    dated = [r for r in rows if r["last_answer"] is not None]
    undated = [r for r in rows if r["last_answer"] is None]
    assert len(dated) == 12 and len(undated) == 2
    assert {str(r["ministry_id"]) for r in undated} == {
        "arlietu-ministrija",
        "zemkopibas-ministrija",
    }
    assert all(r["days_since"] is None for r in undated)
    days = {str(r["ministry_id"]): int(r["days_since"]) for r in dated}
    assert days["viedas-administracijas-un-regionalas-attistibas-ministrija"] == 40
    assert days["kulturas-ministrija"] == 0
    answers = {str(r["ministry_id"]): int(r["answers"]) for r in rows}
    assert answers["kulturas-ministrija"] == 0 and sum(answers.values()) == 198
    assert max(str(r["last_answer"]) for r in dated) <= "2026-01-12"
    assert min(str(r["last_answer"]) for r in dated) >= "2025-12-01"
    later = run(demo_store, settings, "survey_freshness", today="2026-02-01")
    assert {
        str(r["ministry_id"]): int(r["days_since"]) for r in later if r["days_since"] is not None
    }["kulturas-ministrija"] == 20


# -- dashboard panel and the --demo loader ------------------------------------------------------


def test_survey_panel_html(demo_store: Store, settings: Settings) -> None:
    from pvkg.dashboard import survey_panel_html

    page = survey_panel_html(demo_store, settings)
    assert page.startswith('<section class="survey-panel">') and page.count("<svg") == 1
    assert "SQ18" in page and "daļēji / partly" in page
    assert "Ārlietu ministrija" in page and "2025-12-03" in page
    assert page.count("<tr>") == 1 + 18 + 1 + 14


def test_survey_panel_escapes_and_copes_with_no_answers(
    memory_store: Store, settings: Settings
) -> None:
    from pvkg.dashboard import survey_panel_html

    memory_store.update(
        """INSERT DATA { <https://pvkg.lv/id/institution/x> a pv:Ministry, pv:Institution ;
             dct:identifier "x" ; skos:prefLabel "<b>X</b>"@lv }"""
    )
    page = survey_panel_html(memory_store, settings)
    assert "nav atbilžu / no answers" in page
    assert "<b>X</b>" not in page and "&lt;b&gt;X&lt;/b&gt;" in page


def test_demo_survey_load_is_idempotent(memory_store: Store) -> None:
    from pvkg.serve_command import load_demo_survey

    assert "199 survey row(s)" in load_demo_survey(memory_store)
    load_demo_survey(memory_store)
    assert answers_in_view(memory_store) == 198


def test_c16_fires_on_a_loaded_bad_answer_in_the_store(
    memory_store: Store, settings: Settings
) -> None:
    from pvkg.validation import validate_store

    load_survey(
        memory_store, "ministry,question,answer,date\nFM,SQ01,varbūt,2025-12-01\n".encode(), "x.csv"
    )
    report = validate_store(memory_store, settings=settings)
    assert [(r.rule, r.focus, r.value) for r in report.results if r.rule == "C16"] == [
        ("C16", f"{LOADED_SURVEY}/finansu-ministrija/SQ01", "varbūt")
    ]


def test_answers_of_an_institution_that_is_not_a_ministry_are_not_counted(
    memory_store: Store, settings: Settings
) -> None:
    """The survey is of ministries (DOMAIN.md §17): an agency's answer, which the loader keeps,
    must not move the per-question or per-measure figures (survey_freshness already kept to
    ministries, so the panel and the freshness table disagreed)."""
    memory_store.update(
        """INSERT DATA { <https://pvkg.lv/id/institution/paraugu-agentura> a pv:Institution ;
             dct:identifier "paraugu-agentura" ; skos:prefLabel "Paraugu aģentūra"@lv }"""
    )
    load_survey(memory_store, GOOD.encode(), "good.csv")
    before = run(memory_store, settings, "survey_progress")
    by_measure = run(memory_store, settings, "survey_by_measure")
    agency = "ministry,question,answer,date\nParaugu aģentūra,SQ01,jā,2025-12-01\n"
    load_survey(memory_store, (GOOD + agency.split("\n", 1)[1]).encode(), "good.csv")
    kept = memory_store.query(
        "ASK { ?a pv:respondent <https://pvkg.lv/id/institution/paraugu-agentura> }"
    )
    assert kept is True  # stored, only not counted
    assert run(memory_store, settings, "survey_progress") == before
    assert run(memory_store, settings, "survey_by_measure") == by_measure
