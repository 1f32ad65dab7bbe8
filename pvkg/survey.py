"""Load ministries' answers to the plan-progress survey (CSV) into their own published graph.

One row is one ministry's answer to one question (DOMAIN.md §17; issue 7, item 4):

============  ==================================================================================
column        meaning
============  ==================================================================================
``ministry``  Latvian name, abbreviation or pvkg id of an institution known to the store,
              matched as in every pvkg loader (:mod:`pvkg.institution_names`)
``question``  ``SQ01`` … ``SQ18`` (``SQ1`` and ``sq01`` are accepted)
``answer``    ``jā`` / ``daļēji`` / ``nē`` (case-insensitive; also ``ja``/``daleji``/``ne`` and
              ``ANS-YES``/``ANS-PARTLY``/``ANS-NO``). Any other text is kept VERBATIM as a literal,
              so that rule C16 (policy shapes) reports it instead of the loader guessing.
``date``      the date of the answer, ISO ``YYYY-MM-DD``
============  ==================================================================================

A row with ``question`` AND ``answer`` empty records that the ministry **filled in the
questionnaire on that date but has no counted answers** (the survey of 12.01.2026 had 12
questionnaires but 11 counted answers per question). It becomes a ``pv:SurveyResponse`` node
(``<survey>/<ministry-id>``) with ``pv:respondent`` and ``pv:answeredOn`` and no answers.
Lines whose first cell starts with ``#`` are comments. Row numbers in errors are file lines.

RDF per answer (ontology/survey-answers.ttl)::

    <survey>/<ministry-id>/<SQnn> a pv:SurveyAnswer ;
        pv:survey <survey> ; pv:respondent <institution> ;
        pv:surveyQuestion <https://pvkg.lv/id/survey-question/SQnn> ;
        pv:answer <https://pvkg.lv/id/survey-answer/ANS-…> | "verbatim" ;
        pv:answeredOn "YYYY-MM-DD"^^xsd:date .
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from loaders.encoding import decode_utf8
from pvkg import view
from pvkg.errors import Location, RowError, RowProblem, SourceSyntaxError, column_letter
from pvkg.institution_names import InstitutionNames, graph_institution_names, institution_names
from pvkg.namespaces import GRAPH, ID, PV, institution_iri
from pvkg.settings import Settings
from pvkg.store import Store, Triple

SURVEY_ANSWERS_GRAPH = GRAPH["survey-answers"]
LOADED_SURVEY = "https://pvkg.lv/id/survey/loaded"
QUESTION_SCHEME = "https://pvkg.lv/id/survey-question"
REQUIRED = ("ministry", "question", "answer", "date")
QUESTIONS = tuple(f"SQ{i:02d}" for i in range(1, 19))
ANSWERS: dict[str, str] = {
    "jā": "ANS-YES",
    "ja": "ANS-YES",
    "ans-yes": "ANS-YES",
    "daļēji": "ANS-PARTLY",
    "daleji": "ANS-PARTLY",
    "ans-partly": "ANS-PARTLY",
    "nē": "ANS-NO",
    "ne": "ANS-NO",
    "ans-no": "ANS-NO",
}
_QUESTION = re.compile(r"^SQ(\d{1,2})$", re.IGNORECASE)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class SurveyAnswer:
    """One checked row: a ministry's answer to a question (or a questionnaire with no answers).

    ``question`` and ``answer`` are both None for "filled in, not counted". ``answer`` is the
    scale code (``ANS-YES`` …) when recognised, else the verbatim text and ``verbatim`` is True.
    """

    row: int
    ministry_id: str
    question: str | None
    answer: str | None
    verbatim: bool
    answered_on: date

    def iri(self, survey_iri: str = LOADED_SURVEY) -> URIRef:
        """The answer node (or the response node, for a row without a question)."""
        base = f"{survey_iri}/{self.ministry_id}"
        return URIRef(f"{base}/{self.question}" if self.question else base)

    def answer_term(self) -> URIRef | Literal | None:
        if self.answer is None:
            return None
        if self.verbatim:
            return Literal(self.answer)
        return ID[f"survey-answer/{self.answer}"]


def reference_institution_names(settings: Settings | None = None) -> InstitutionNames:
    """The shipped ministries, resolved by the store's rule (when no store is at hand)."""
    from rdflib import Graph

    settings = settings or Settings()
    graph = Graph()
    for path in sorted(Path(settings.reference_dir).glob("*.ttl")):
        graph.parse(path)
    return graph_institution_names(graph)


def _norm(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip().lower()


def parse_survey(
    data: bytes,
    filename: str,
    *,
    institutions: Callable[[str], str | None] | None = None,
) -> list[SurveyAnswer]:
    """Read and check a survey CSV; every problem is reported at once.

    Args:
        data: the file's bytes (UTF-8, optionally with a BOM; ``,`` ``;`` or tab separated).
        filename: for error locations.
        institutions: institution name -> pvkg id or None (as
            :func:`pvkg.institution_names.institution_names` of a store); default: the shipped
            reference ministries.

    Raises:
        SourceSyntaxError: not UTF-8 text, or no header row.
        RowError: missing columns or bad values, each with file, row and column letter.
    """
    text = decode_utf8(data, filename)
    resolve = institutions if institutions is not None else reference_institution_names()
    first = next(
        (ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")), ""
    )
    try:
        dialect = csv.Sniffer().sniff(first, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    records = [
        (number, record)
        for number, record in enumerate(csv.reader(io.StringIO(text), dialect), start=1)
        if any(cell.strip() for cell in record) and not record[0].lstrip().startswith("#")
    ]
    if not records:
        raise SourceSyntaxError(
            "empty file: no header row", location=Location(file=filename, row=1)
        )
    header_row, header_record = records[0]
    header = [h.strip().lower() for h in header_record]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise RowError(
            [
                RowProblem(
                    Location(file=filename, row=header_row),
                    f'missing column "{c}"; expected {", ".join(REQUIRED)}',
                )
                for c in missing
            ]
        )
    col = {name: header.index(name) for name in REQUIRED}
    answers: list[SurveyAnswer] = []
    problems: list[RowProblem] = []
    seen: dict[tuple[str, str | None], int] = {}
    for number, record in records[1:]:

        def cell(name: str, record: list[str] = record) -> str:
            index = col[name]
            return record[index].strip() if index < len(record) else ""

        def problem(name: str, message: str, number: int = number) -> None:
            problems.append(
                RowProblem(
                    Location(file=filename, row=number, column=column_letter(col[name])),
                    message,
                )
            )

        ok = True
        ministry = cell("ministry")
        ministry_id = resolve(ministry) if ministry else None
        if not ministry:
            problem("ministry", 'empty "ministry"')
            ok = False
        elif ministry_id is None:
            problem(
                "ministry",
                f"unknown ministry {ministry!r}; expected a Latvian name, abbreviation or "
                "pvkg id of an institution in the store",
            )
            ok = False
        raw_question, raw_answer = cell("question"), cell("answer")
        question: str | None = None
        if raw_question:
            match = _QUESTION.match(raw_question)
            code = f"SQ{int(match.group(1)):02d}" if match else None
            if code not in QUESTIONS:
                problem("question", f"unknown question {raw_question!r}; expected SQ01 … SQ18")
                ok = False
            question = code
        elif raw_answer:
            problem("question", 'empty "question" for an answer; expected SQ01 … SQ18')
            ok = False
        answer: str | None = None
        verbatim = False
        if raw_answer:
            answer = ANSWERS.get(_norm(raw_answer))
            if answer is None:
                answer, verbatim = raw_answer, True  # kept as is: rule C16 reports it
        elif raw_question:
            problem("answer", 'empty "answer"; expected jā, daļēji or nē')
            ok = False
        raw_date = cell("date")
        answered_on: date | None = None
        try:
            if _DATE.match(raw_date):
                answered_on = date.fromisoformat(raw_date)
        except ValueError:
            answered_on = None
        if answered_on is None:
            problem("date", f"bad date {raw_date!r}; expected an ISO date YYYY-MM-DD")
            ok = False
        if not ok or ministry_id is None or answered_on is None:
            continue
        key = (ministry_id, question)
        if key in seen:
            what = f"question {question}" if question else "the questionnaire"
            problem(
                "question" if question else "ministry",
                f"{ministry_id} already answered {what} in row {seen[key]}",
            )
            continue
        seen[key] = number
        answers.append(SurveyAnswer(number, ministry_id, question, answer, verbatim, answered_on))
    if problems:
        raise RowError(problems)
    return answers


def survey_triples(
    answers: Iterable[SurveyAnswer], survey_iri: str = LOADED_SURVEY
) -> Iterable[Triple]:
    """The RDF of checked survey rows (see the module docstring)."""
    survey = URIRef(survey_iri)
    yield survey, RDF.type, PV["Survey"]
    yield survey, RDFS.label, Literal("Ielādētās ministriju aptaujas atbildes", lang="lv")
    yield survey, RDFS.label, Literal("Loaded ministry survey answers", lang="en")
    for item in answers:
        node = item.iri(survey_iri)
        yield node, RDF.type, PV["SurveyAnswer" if item.question else "SurveyResponse"]
        yield node, PV["survey"], survey
        yield node, PV["respondent"], institution_iri(item.ministry_id)
        yield node, PV["answeredOn"], Literal(item.answered_on.isoformat(), datatype=XSD.date)
        if item.question:
            yield node, PV["surveyQuestion"], URIRef(f"{QUESTION_SCHEME}/{item.question}")
        term = item.answer_term()
        if term is not None:
            yield node, PV["answer"], term


def load_survey(
    store: Store, data: bytes, filename: str, *, survey_iri: str = LOADED_SURVEY
) -> int:
    """Replace the survey-answers graph with a survey CSV, atomically; returns the row count.

    Raises:
        SourceSyntaxError, RowError: the file is unusable; the store is unchanged.
    """
    answers = parse_survey(data, filename, institutions=institution_names(store))
    store.replace_graph(
        view.staging_graph(str(SURVEY_ANSWERS_GRAPH)), survey_triples(answers, survey_iri)
    )
    view.commit_staged(store, str(SURVEY_ANSWERS_GRAPH))
    return len(answers)
