"""Every policy rule: the smallest portfolio breaking it, and tricky-but-valid ones.

The cases live in ``cases/<RULE>/`` (see ``cases.py`` for the patch format). Both engines must
find exactly the expected (rule, focus) pairs; the reference engine (pySHACL) and the fast
engine must agree on (rule, focus, component, severity) for every case and profile.
"""

from __future__ import annotations

import pytest

from pvkg.settings import Settings
from pvkg.validation import validate_graph
from tests.shapes.cases import Case, load_cases

CASES = load_cases()
RULES = (
    "C01",
    "C02",
    "C03",
    "C04",
    "C05",
    "C06",
    "C07",
    "C08",
    "C09",
    "C10",
    "C12",
    "C14",
    "C16",
    "C21",
    "C22",
)


@pytest.fixture(scope="module")
def settings() -> Settings:
    return Settings()


def test_every_rule_has_a_valid_and_an_invalid_case() -> None:
    for rule in RULES:
        kinds = {c.valid for c in CASES if c.path.parent.name == rule}
        assert kinds == {True, False}, f"{rule} lacks a valid or an invalid case"


def test_invalid_cases_state_what_they_expect() -> None:
    for case in CASES:
        if not case.valid:
            assert case.expected, f"{case.id}: an invalid case needs #expect lines"
            assert {rule for rule, _ in case.expected} == {case.path.parent.name}, case.id


@pytest.mark.parametrize("engine", ["fast", "pyshacl"])
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_case(case: Case, engine: str, settings: Settings) -> None:
    report = validate_graph(case.graph(), profile="policy", settings=settings, engine=engine)
    found = {(r.rule, r.focus) for r in report.results if r.severity != "Info"}
    assert found == set(case.expected)
    if case.valid:
        assert report.conforms
    has_violation = any(r.severity == "Violation" for r in report.results)
    assert report.conforms is not has_violation


# The two engines' agreement on every case: tests/shapes/test_rules_engines_agree.py.


def test_severities_follow_interfaces(settings: Settings) -> None:
    """INTERFACES.md §5: only C10 and C14 are warnings; C09 is a Violation."""
    from pvkg.namespaces import PV, SH
    from pvkg.validation import load_shapes

    shapes = load_shapes(settings, "policy")
    severities = {}
    for shape, code in shapes.subject_objects(PV.ruleCode):
        severities.setdefault(str(code), set()).add(shapes.value(shape, SH.severity))
    for rule in RULES:
        expected = SH.Warning if rule in ("C10", "C14") else SH.Violation
        assert severities[rule] == {expected}, rule


def test_every_shape_is_documented(settings: Settings) -> None:
    from rdflib.namespace import DCTERMS

    from pvkg.namespaces import PV, SH
    from pvkg.validation import load_shapes

    shapes = load_shapes(settings, "policy")
    for shape in set(shapes.subjects(PV.ruleCode, None)):
        langs = {m.language for m in shapes.objects(shape, SH.message)}
        assert {"lv", "en"} <= langs, shape
        assert shapes.value(shape, DCTERMS.source) is not None, shape
        assert shapes.value(shape, SH.name) == shapes.value(shape, PV.ruleCode), shape


def test_severities_match_the_ontology_rule_concepts(settings: Settings) -> None:
    """Each shape's pv:rule concept (ontology/rules.ttl) states the same severity."""
    from rdflib import Graph

    from pvkg.namespaces import PV, SH
    from pvkg.validation import load_shapes

    rules = Graph()
    for path in sorted(settings.ontology_dir.glob("*.ttl")):
        rules.parse(path, format="turtle")
    shapes = load_shapes(settings, "policy")
    checked = 0
    for shape, concept in shapes.subject_objects(PV.rule):
        stated = rules.value(concept, PV.severity)
        if stated is None:
            continue
        assert stated == shapes.value(shape, SH.severity), (shape, concept)
        checked += 1
    assert checked >= len(RULES)


def test_task_role_cells_never_raise_violations(settings: Settings) -> None:
    """DOMAIN.md §9/§19 C17: inferred task×role cells give at most Info."""
    from pvkg.namespaces import PV, SH
    from pvkg.validation import load_shapes

    shapes = load_shapes(settings, "all")
    text_of = {
        s: " ".join(str(o) for _, o in shapes.predicate_objects(s)) for s in set(shapes.subjects())
    }
    for shape in set(shapes.subjects(PV.ruleCode, None)):
        related = text_of[shape] + " ".join(text_of.get(o, "") for o in shapes.objects(shape, None))
        if "Responsibility" in related or str(PV.certainty) in related:
            assert shapes.value(shape, SH.severity) == SH.Info, shape


@pytest.mark.parametrize("engine", ["fast", "pyshacl"])
def test_c12_reports_both_missing_parts_at_once(engine: str, settings: Settings) -> None:
    """A file naming neither institution nor manager gets both C12 results in one run, not the
    second only after the first is fixed."""
    by_name = {c.path.stem: c for c in CASES if c.path.parent.name == "C12"}

    def c12(stem: str) -> list[str]:
        report = validate_graph(by_name[stem].graph(), settings=settings, engine=engine)
        return sorted(r.message["en"] for r in report.results if r.rule == "C12")

    assert c12("invalid-no-institution-no-manager") == [
        "The portfolio does not name a service portfolio manager (ROLE04).",
        "The portfolio does not name its institution.",
    ]
    assert c12("invalid-no-institution") == ["The portfolio does not name its institution."]
