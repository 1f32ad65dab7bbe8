"""``pvkg check``: HermiT on the shipped and on broken ontologies, and the declared-terms check."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pvkg.errors import OntologyError
from pvkg.ontology_check import CheckReport, run_check, sparql_iris
from pvkg.settings import Settings

HAS_JAVA = shutil.which("java") is not None
java = pytest.mark.skipif(not HAS_JAVA, reason="HermiT needs a Java runtime (`java` on PATH)")

PREFIXES = """@prefix pv: <https://pvkg.lv/ontology#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix cv: <http://data.europa.eu/m8g/> .
"""


def _copy_ontology(tmp_path: Path, *names: str) -> Path:
    """A private copy of the shipped ontology (all of it, or only ``names``) to break on purpose."""
    source = Settings().ontology_dir
    target = tmp_path / "ontology"
    if not names:
        shutil.copytree(source, target)
        return target
    target.mkdir()
    for name in names:
        shutil.copy(source / name, target / name)
    return target


def _isolated(tmp_path: Path, **changes: object) -> Settings:
    """Settings whose shapes and queries folders are empty unless a test fills them."""
    shapes = tmp_path / "shapes"
    queries = tmp_path / "queries"
    shapes.mkdir(exist_ok=True)
    queries.mkdir(exist_ok=True)
    return Settings().with_(shapes_dir=shapes, queries_dir=queries, **changes)


def _messages(report: CheckReport) -> str:
    return "\n".join(str(p) for p in report.problems)


# --- Reasoning ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def shipped_report() -> CheckReport:
    """HermiT on the shipped ontology, shapes and queries, run once for the module."""
    if not HAS_JAVA:
        pytest.skip("HermiT needs a Java runtime")
    return run_check(Settings())


@pytest.mark.java
@java
def test_shipped_ontology_is_consistent(shipped_report: CheckReport) -> None:
    assert shipped_report.reasoned
    assert shipped_report.consistent is True
    assert shipped_report.unsatisfiable == []
    assert shipped_report.ok, shipped_report.summary()
    assert shipped_report.summary().endswith("OK")


@pytest.mark.java
@java
def test_disjointness_contradiction_makes_a_class_unsatisfiable(tmp_path: Path) -> None:
    # The core classes and their disjointness axiom are enough; the concept files only slow it down.
    ontology = _copy_ontology(tmp_path, "pvkg-core.ttl", "external.ttl", "service-types.ttl")
    (ontology / "zz-broken.ttl").write_text(
        PREFIXES + "pv:ServiceInstitution a owl:Class ;\n"
        "    rdfs:subClassOf pv:Service, pv:Institution .\n",
        encoding="utf-8",
    )
    report = run_check(_isolated(tmp_path, ontology_dir=ontology))
    assert not report.ok
    assert report.unsatisfiable == ["https://pvkg.lv/ontology#ServiceInstitution"]
    assert "pv:ServiceInstitution is unsatisfiable" in report.summary()
    assert report.summary().endswith("NOT OK")


@pytest.mark.java
@java
def test_individual_in_disjoint_classes_makes_the_ontology_inconsistent(tmp_path: Path) -> None:
    ontology = tmp_path / "ontology"
    ontology.mkdir()
    (ontology / "small.ttl").write_text(
        PREFIXES + "pv:A a owl:Class ; owl:disjointWith pv:B .\npv:B a owl:Class .\n"
        "<https://pvkg.lv/id/x> a owl:NamedIndividual, pv:A, pv:B .\n",
        encoding="utf-8",
    )
    report = run_check(_isolated(tmp_path, ontology_dir=ontology))
    assert report.consistent is False
    assert not report.ok
    assert "inconsistent" in report.summary()


def test_missing_java_is_an_ontology_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("pvkg.ontology_check.shutil.which", lambda name: None)
    with pytest.raises(OntologyError, match="JRE"):
        run_check(Settings())


# --- Terms --------------------------------------------------------------------------------------


def test_shipped_shapes_and_queries_use_declared_terms() -> None:
    report = run_check(Settings(), reason=False)
    assert report.ok, report.summary()
    assert report.iris_checked > 100


def test_undeclared_pv_term_in_a_shapes_file_is_flagged(tmp_path: Path) -> None:
    settings = _isolated(tmp_path)
    (settings.shapes_dir / "extra-shapes.ttl").write_text(
        PREFIXES + "\n<https://pvkg.lv/shapes#X> a sh:NodeShape ;\n"
        "    sh:targetClass pv:Service ;\n"
        "    sh:property [ sh:path pv:noSuchTerm ; sh:minCount 1 ] .\n",
        encoding="utf-8",
    )
    report = run_check(settings, reason=False)
    assert not report.ok
    [problem] = report.problems
    assert "pv:noSuchTerm" in problem.message
    assert problem.file == settings.shapes_dir / "extra-shapes.ttl"
    assert problem.line == 9


def test_typo_in_a_standard_term_is_flagged(tmp_path: Path) -> None:
    settings = _isolated(tmp_path)
    (settings.shapes_dir / "typo.ttl").write_text(
        PREFIXES + "\n<https://pvkg.lv/shapes#T> a sh:NodeShape ;\n"
        "    sh:property [ sh:path cv:hasCompetentAuthorty ] .\n",
        encoding="utf-8",
    )
    report = run_check(settings, reason=False)
    assert [p.message for p in report.problems] == [
        "cv:hasCompetentAuthorty is not a term of the cv: vocabulary"
    ]


def test_external_shapes_are_not_checked(tmp_path: Path) -> None:
    settings = _isolated(tmp_path)
    external = settings.shapes_dir / "external"
    external.mkdir()
    (external / "official.ttl").write_text(
        PREFIXES + "<https://x.example/S> sh:path pv:noSuchTerm .\n", encoding="utf-8"
    )
    assert run_check(settings, reason=False).ok


def test_undeclared_term_in_sparql_inside_a_shape_is_flagged(tmp_path: Path) -> None:
    settings = _isolated(tmp_path)
    (settings.shapes_dir / "sparql-shapes.ttl").write_text(
        PREFIXES + '\n<https://pvkg.lv/shapes#Q> sh:select """SELECT $this WHERE {\n'
        '  $this pv:noSuchTerm ?x }""" .\n',
        encoding="utf-8",
    )
    report = run_check(settings, reason=False)
    assert "pv:noSuchTerm" in _messages(report)


def test_undeclared_pv_term_in_a_query_file_is_flagged(tmp_path: Path) -> None:
    settings = _isolated(tmp_path)
    (settings.queries_dir / "bad.rq").write_text(
        "#+ summary: uses the default pv: prefix without declaring it\n"
        "#+ tags: [test]\n"
        "SELECT ?s WHERE {\n"
        "  ?s a pv:Service ;\n"
        "     pv:noSuchTerm ?x .   # pv:alsoNotATerm, but only in a comment\n"
        '  FILTER(?x != "pv:notATermEither")\n'
        "}\n",
        encoding="utf-8",
    )
    report = run_check(settings, reason=False)
    [problem] = report.problems
    assert problem.message.startswith("pv:noSuchTerm ")
    assert problem.file == settings.queries_dir / "bad.rq"
    assert problem.line == 5


def test_query_with_unknown_prefix_is_flagged(tmp_path: Path) -> None:
    settings = _isolated(tmp_path)
    (settings.queries_dir / "prefix.rq").write_text(
        "SELECT * WHERE { ?s nope:thing ?o }\n", encoding="utf-8"
    )
    assert "prefix nope: is not declared" in _messages(run_check(settings, reason=False))


def test_unknown_pvid_concept_is_flagged(tmp_path: Path) -> None:
    settings = _isolated(tmp_path)
    (settings.queries_dir / "status.rq").write_text(
        "SELECT ?s WHERE { ?s <http://www.w3.org/ns/adms#status> "
        "<https://pvkg.lv/id/status/STATUS-NOPE> , pvid:status\\/STATUS-PROVISION }\n",
        encoding="utf-8",
    )
    problems = run_check(settings, reason=False).problems
    assert [p.message for p in problems] == [
        "pvid:status/STATUS-NOPE is not described in the ontology or the reference data"
    ]


def test_ontology_file_that_does_not_parse_is_a_problem(tmp_path: Path) -> None:
    ontology = _copy_ontology(tmp_path)
    (ontology / "broken.ttl").write_text("pv:X a .\n", encoding="utf-8")
    report = run_check(_isolated(tmp_path, ontology_dir=ontology), reason=False)
    assert not report.ok
    assert any(p.file == ontology / "broken.ttl" for p in report.problems)


def test_sparql_iris_ignores_strings_comments_and_prefix_declarations() -> None:
    query = (
        'PREFIX ex: <http://example.org/ns#>  # a comment with <http://not/an/iri> and "\n'
        'SELECT * { ?s ex:p <http://example.org/a#b> ; ex:q "ex:notAnIri # nor a comment" }'
    )
    assert [iri for iri, _ in sparql_iris(query)] == [
        "http://example.org/ns#p",
        "http://example.org/a#b",
        "http://example.org/ns#q",
    ]


CLASSIFY = """@prefix cv: <http://data.europa.eu/m8g/> .
@prefix org: <http://www.w3.org/ns/org#> .
<https://pvkg.lv/id/probe> a owl:NamedIndividual, {types} ;
    {facts} .
"""


@pytest.mark.java
@java
@pytest.mark.parametrize(
    ("types", "facts", "consistent"),
    [
        # Classified ST-PUB-IND, so HermiT must see an individual-benefit (and public) service.
        (
            "pv:Service, [ owl:complementOf pv:PublicRecipientService ]",
            "cv:isClassifiedBy <https://pvkg.lv/id/service-type/ST-PUB-IND>",
            False,
        ),
        # The control: the same service without the contradiction is fine.
        (
            "pv:Service, pv:SharedUseService",
            "cv:isClassifiedBy <https://pvkg.lv/id/service-type/ST-PUB-IND>",
            True,
        ),
        # org:classification ministry makes an institution a pv:Ministry (disjoint: municipality).
        (
            "pv:Institution, pv:Municipality",
            "org:classification <https://pvkg.lv/id/institution-kind/ministry>",
            False,
        ),
    ],
    ids=["service-type", "two-type-marks", "institution-kind"],
)
def test_reasoner_classifies_by_concept(
    tmp_path: Path, types: str, facts: str, consistent: bool
) -> None:
    ontology = _copy_ontology(tmp_path, "pvkg-core.ttl", "external.ttl", "service-types.ttl")
    probe = PREFIXES + CLASSIFY.format(types=types, facts=facts)
    (ontology / "zz-probe.ttl").write_text(probe, encoding="utf-8")
    report = run_check(_isolated(tmp_path, ontology_dir=ontology))
    assert report.consistent is consistent, report.summary()


@pytest.mark.java
@java
def test_dates_on_data_properties_are_left_out_of_reasoning_with_a_note(tmp_path: Path) -> None:
    ontology = tmp_path / "ontology"
    ontology.mkdir()
    (ontology / "dates.ttl").write_text(
        PREFIXES + "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        "pv:due a owl:DatatypeProperty .\n"
        '<https://pvkg.lv/id/x> a owl:NamedIndividual ; pv:due "2024-09-30"^^xsd:date .\n',
        encoding="utf-8",
    )
    report = run_check(_isolated(tmp_path, ontology_dir=ontology))
    assert report.consistent is True
    assert "1 literal(s) with a datatype outside the OWL 2 datatype map" in report.summary()
