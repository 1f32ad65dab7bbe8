"""The ontology holds every coded item of the domain digest, labelled, and the task × role matrix.

Expected codes come from the domain CSV copies in ``data/`` where a CSV exists, otherwise from the
code lists of DOMAIN.md written out below (the spec, not the ontology's own output).
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS, XSD

from pvkg.namespaces import CV, ID, ORG, PV, concept
from tests.ontology.conftest import read_csv

ONTOLOGY_DIR = Path(__file__).resolve().parents[2] / "ontology"
TTL_FILES = sorted(ONTOLOGY_DIR.glob("*.ttl"))

# Code lists of DOMAIN.md (§3, §5, §6, §10–§14, §17, §19) and INTERFACES.md §5.
EXPECTED: dict[str, list[str]] = {
    "service-type": [
        "ST-ALL",
        "ST-PUB",
        "ST-PUB-IND",
        "ST-PUB-GEN",
        "ST-IA",
        "ST-IA-IND",
        "ST-IA-SHR",
    ],
    "status": [
        "STATUS-PLANNING",
        "STATUS-DEVELOPMENT",
        "STATUS-IMPLEMENTATION",
        "STATUS-PROVISION",
        "STATUS-RETIRING",
        "STATUS-RETIRED",
    ],
    "priority": ["PRIO-HIGH", "PRIO-MEDIUM", "PRIO-LOW"],
    "complexity": ["SC-SIMPLE", "SC-COMPLEX", "SC-SMART"],
    "scale": [
        "SCALE-STATE",
        "SCALE-SECTOR",
        "SCALE-MUNICIPALITY",
        "SCALE-INSTITUTION",
        "SCALE-SERVICE",
        "SCALE-RESOURCE",
    ],
    "level": ["LEVEL-POLICY", "LEVEL-CORE", "LEVEL-PROVISION"],
    "institution-group": [f"IG{i}" for i in range(1, 7)],
    "exclusion": [f"EX{i}" for i in range(1, 5)],
    "institution-kind": ["ministry", "municipality", "state-agency", "other"],
    "system-component": [f"SYS{i}" for i in range(1, 5)],
    "principle": [f"PR{i}" for i in range(1, 8)],
    "condition": [f"N{i}" for i in range(1, 11)] + ["N1-4", "N7-1"],
    "capability": [f"S{i}" for i in range(1, 10)]
    + ["S1-2", "S1-5", "S2-1", "S2-2", "S2-4", "S3-2"],
    "resource-type": ["R1", "R2", "R3"],
    "dimension": ["DIM-EFFECT-ST", "DIM-EFFECT-LT", "DIM-EFFIC-ST", "DIM-EFFIC-LT"],
    "optimisation-rule": [f"OPT-{i}" for i in range(1, 10)],
    "action-direction": [f"RV{i}" for i in range(1, 8)],
    "measure": [
        "P1.1",
        "P1.2",
        "P1.3",
        "P2.1",
        "P2.2",
        "P2.3",
        "P2.4",
        "P3.1",
        "P3.2",
        "P4.1",
        "P4.2",
        "P4.3",
        "P4.4",
        "P4.5",
        "P4.6",
        "P5.1",
        "P5.2",
        "P5.3",
        "P6.1",
        "P6.2",
        "P6.3",
        "P6.4",
        "P7.1",
        "P7.2",
    ],
    "survey-question": [f"SQ{i:02d}" for i in range(1, 19)],
    "survey-answer": ["ANS-YES", "ANS-PARTLY", "ANS-NO"],
    "rule": [f"C{i:02d}" for i in range(1, 23)],
    "document": [
        "DOC-PVPP2027",
        "DOC-POLICY",
        "DOC-WORKPLAN",
        "DOC-PVPP2020",
        "DOC-PVPP2031",
        "DOC-POLICY-V2",
    ],
    "goal": ["GOAL-PVPP", "GOAL-GOV"],
    "result": ["RES-1", "RES-2"],
    "certainty": ["confirmed", "inferred", "uncertain"],
    "responsibility-kind": ["A", "L"],
    "role": [row["role_code"] for row in read_csv("roles.csv")],
    "task": [row["code"] for row in read_csv("tasks.csv")],
    "task-group": sorted({row["group"] for row in read_csv("tasks.csv")}),
}

# Every property docs/MODEL.md and the roles data use.
MODEL_PROPERTIES = [
    "serviceManager",
    "portfolioManager",
    "satisfiesNeed",
    "priority",
    "registerServiceId",
    "sourceRow",
    "sourceCell",
    "sourceLine",
    "sourceFile",
    "sourceSheet",
    "columnOf",
    "property",
    "row",
    "column",
    "header",
    "versionOf",
    "versionNumber",
    "currentVersion",
    "institution",
    "sha256",
    "sourceFileName",
    "sourceFormat",
    "serviceCount",
    "tripleCount",
    "inView",
    "contentHash",
    "task",
    "role",
    "responsibilityKind",
    "certainty",
    "placementRule",
    "scale",
    "level",
    "holderKind",
    "cardinality",
]
MODEL_CLASSES = [
    "Service",
    "Institution",
    "Ministry",
    "Municipality",
    "Portfolio",
    "PortfolioVersion",
    "Need",
    "LifeSituation",
    "Resource",
    "GovernanceTask",
    "Responsibility",
]


def _labels(graph: Graph, subject: URIRef, predicate: URIRef) -> dict[str, list[str]]:
    by_lang: dict[str, list[str]] = {}
    for value in graph.objects(subject, predicate):
        if isinstance(value, Literal) and value.language:
            by_lang.setdefault(value.language, []).append(str(value))
    return by_lang


@pytest.mark.parametrize("path", TTL_FILES, ids=lambda p: p.name)
def test_file_parses_with_rdflib_and_pyoxigraph(path: Path) -> None:
    graph = Graph().parse(path, format="turtle")
    quads = list(pyoxigraph.parse(path=str(path), format=pyoxigraph.RdfFormat.TURTLE))
    assert len(graph) > 0
    assert len(quads) == len(graph)


def test_expected_ontology_files_exist() -> None:
    names = {p.name for p in TTL_FILES}
    for name in [
        "pvkg-core.ttl",
        "service-types.ttl",
        "statuses.ttl",
        "roles.ttl",
        "tasks.ttl",
        "scales-levels.ttl",
        "institutions.ttl",
        "system.ttl",
        "plan.ttl",
        "survey.ttl",
        "rules.ttl",
    ]:
        assert name in names


@pytest.mark.parametrize(
    ("scheme", "code"), [(s, c) for s, codes in EXPECTED.items() for c in codes]
)
def test_coded_concept_is_complete(ontology: Graph, scheme: str, code: str) -> None:
    iri = concept(scheme, code)
    assert (iri, RDF.type, SKOS.Concept) in ontology, f"{iri} missing"
    assert list(ontology.objects(iri, SKOS.notation)) == [Literal(code)]
    assert (iri, SKOS.inScheme, ID[scheme]) in ontology
    assert (ID[scheme], RDF.type, SKOS.ConceptScheme) in ontology
    labels = _labels(ontology, iri, SKOS.prefLabel)
    assert len(labels.get("lv", [])) == 1, f"{code}: one @lv prefLabel"
    assert len(labels.get("en", [])) == 1, f"{code}: one @en prefLabel"


def test_every_pvid_concept_follows_the_iri_pattern(ontology: Graph) -> None:
    for iri in set(ontology.subjects(RDF.type, SKOS.Concept)):
        if not str(iri).startswith(str(ID)):
            continue
        schemes = list(ontology.objects(iri, SKOS.inScheme))
        notations = list(ontology.objects(iri, SKOS.notation))
        assert len(schemes) == 1 and len(notations) == 1, iri
        assert iri == concept(str(schemes[0])[len(str(ID)) :], str(notations[0]))
        labels = _labels(ontology, iri, SKOS.prefLabel)
        assert {"lv", "en"} <= labels.keys(), iri


def test_every_class_and_property_has_labels_and_a_definition(ontology: Graph) -> None:
    kinds = [OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty]
    terms = {s for kind in kinds for s in ontology.subjects(RDF.type, kind)}
    ours = sorted(t for t in terms if str(t).startswith(str(PV)))
    assert len(ours) > 50
    for term in ours:
        labels = _labels(ontology, term, RDFS.label)
        assert {"lv", "en"} <= labels.keys(), f"{term}: rdfs:label lv and en"
        described = set(ontology.objects(term, RDFS.comment)) | set(
            ontology.objects(term, SKOS.definition)
        )
        assert described, f"{term}: rdfs:comment or skos:definition"


@pytest.mark.parametrize("name", MODEL_PROPERTIES)
def test_model_property_is_declared(ontology: Graph, name: str) -> None:
    kinds = {OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty}
    assert kinds & set(ontology.objects(PV[name], RDF.type)), f"pv:{name} not declared"


@pytest.mark.parametrize("name", MODEL_CLASSES)
def test_model_class_is_declared(ontology: Graph, name: str) -> None:
    assert (PV[name], RDF.type, OWL.Class) in ontology


def test_class_alignment_with_standards(ontology: Graph) -> None:
    cpsv_service = URIRef("http://purl.org/vocab/cpsv#PublicService")
    assert (PV.Service, RDFS.subClassOf, cpsv_service) in ontology
    assert (PV.Institution, RDFS.subClassOf, CV.PublicOrganisation) in ontology
    assert (PV.Institution, RDFS.subClassOf, ORG.FormalOrganization) in ontology
    assert (PV.Portfolio, RDFS.subClassOf, URIRef("http://www.w3.org/ns/dcat#Dataset")) in ontology
    assert (PV.PortfolioVersion, RDFS.subClassOf, URIRef("http://www.w3.org/ns/prov#Entity")) in (
        ontology
    )
    assert (PV.Ministry, RDFS.subClassOf, PV.Institution) in ontology
    assert (PV.Municipality, RDFS.subClassOf, PV.Institution) in ontology


def test_roles_match_roles_csv(ontology: Graph) -> None:
    for row in read_csv("roles.csv"):
        iri = concept("role", row["role_code"])
        assert (iri, RDF.type, ORG.Role) in ontology
        labels = _labels(ontology, iri, SKOS.prefLabel)
        assert labels == {"lv": [row["name_lv"]], "en": [row["name_en"]]}
        assert set(ontology.objects(iri, PV.scale)) == {
            concept("scale", s) for s in row["scale"].split("|")
        }
        assert set(ontology.objects(iri, PV.level)) == {
            concept("level", s.strip()) for s in row["level"].split("|")
        }
        posts = _labels(ontology, iri, PV.postTitle)
        assert posts == {"lv": [row["post_lv"]], "en": [row["post_en"]]}
        assert list(ontology.objects(iri, PV.cardinalityRule)) == [
            Literal(row["cardinality_rule"], lang="en")
        ]


def test_exactly_one_holder_roles_say_so(ontology: Graph) -> None:
    # DOMAIN.md §7: exactly 1 per institution with services / per service / per institution with
    # resources / per resource.
    expected = {"ROLE04": "SCALE-INSTITUTION", "ROLE05": "SCALE-SERVICE"}
    expected |= {"ROLE08": "SCALE-INSTITUTION", "ROLE09": "SCALE-RESOURCE"}
    for role, scope in expected.items():
        iri = concept("role", role)
        assert list(ontology.objects(iri, PV.cardinality)) == [Literal("1")]
        assert list(ontology.objects(iri, PV.cardinalityScope)) == [concept("scale", scope)]


def test_tasks_match_tasks_csv(ontology: Graph) -> None:
    rows = read_csv("tasks.csv")
    assert len(rows) == 32
    for row in rows:
        iri = concept("task", row["code"])
        assert (iri, RDF.type, PV.GovernanceTask) in ontology
        assert _labels(ontology, iri, SKOS.prefLabel) == {
            "lv": [row["name_lv"]],
            "en": [row["name_en"]],
        }
        assert (iri, SKOS.broader, concept("task-group", row["group"])) in ontology


def test_responsibility_matrix_matches_task_roles_csv(ontology: Graph) -> None:
    rows = read_csv("task_roles.csv")
    expected = {
        (
            ID[f"responsibility/{r['task_code']}/{r['role_code']}"],
            concept("task", r["task_code"]),
            concept("role", r["role_code"]),
            concept("responsibility-kind", r["responsibility"]),
            concept("certainty", r["certainty"]),
            r["rule"],
        )
        for r in rows
    }
    found = set()
    for cell in ontology.subjects(RDF.type, PV.Responsibility):
        values = [
            list(ontology.objects(cell, p))
            for p in (PV.task, PV.role, PV.responsibilityKind, PV.certainty, PV.placementRule)
        ]
        assert all(len(v) == 1 for v in values), f"{cell}: one value per property"
        task, role, kind, certainty, rule = (v[0] for v in values)
        found.add((cell, task, role, kind, certainty, str(rule)))
    assert len(rows) == 174
    assert found == expected


def test_service_type_tree_and_owl_classes(ontology: Graph) -> None:
    tree = {
        "ST-PUB": "ST-ALL",
        "ST-IA": "ST-ALL",
        "ST-PUB-IND": "ST-PUB",
        "ST-PUB-GEN": "ST-PUB",
        "ST-IA-IND": "ST-IA",
        "ST-IA-SHR": "ST-IA",
    }
    for child, parent in tree.items():
        assert list(ontology.objects(concept("service-type", child), SKOS.broader)) == [
            concept("service-type", parent)
        ]
    # Each leaf type has an OWL class defined by cv:isClassifiedBy hasValue <leaf>.
    leaves = set()
    for restriction in ontology.subjects(OWL.onProperty, CV.isClassifiedBy):
        leaves.update(ontology.objects(restriction, OWL.hasValue))
    assert {concept("service-type", c) for c in tree if c.count("-") == 2} <= leaves


def test_conditions_are_an_open_scheme_with_groups(ontology: Graph) -> None:
    assert (concept("condition", "N1-4"), SKOS.broader, concept("condition", "N1")) in ontology
    assert (concept("condition", "N7-1"), SKOS.broader, concept("condition", "N7")) in ontology
    assert (concept("capability", "S2-4"), SKOS.broader, concept("capability", "S2")) in ontology


def test_measures_belong_to_their_action_direction(ontology: Graph) -> None:
    for code in EXPECTED["measure"]:
        rv = "RV" + code[1]
        assert (concept("measure", code), SKOS.broader, concept("action-direction", rv)) in ontology


def test_deadlines_are_dates_with_certainty(ontology: Graph) -> None:
    # DOMAIN.md §13: RV1 deadline 30.09.2024 (confirmed); P1.3 ≤ 30.09.2024 (inferred).
    rv1 = concept("action-direction", "RV1")
    assert list(ontology.objects(rv1, PV.endDate)) == [Literal("2024-09-30", datatype=XSD.date)]
    assert list(ontology.objects(rv1, PV.endDateCertainty)) == [concept("certainty", "confirmed")]
    p13 = concept("measure", "P1.3")
    assert list(ontology.objects(p13, PV.endDateCertainty)) == [concept("certainty", "inferred")]
    # Month-only periods get no invented day.
    assert list(ontology.objects(concept("measure", "P1.1"), PV.startDate)) == []


def test_survey_questions_point_at_their_measure(ontology: Graph) -> None:
    # DOMAIN.md §17: stage label per question.
    expected = {"SQ01": "P1.1", "SQ05": "P1.2", "SQ07": "P1.3", "SQ09": "P2.2", "SQ13": "P2.3"}
    expected |= {"SQ15": "P2.4", "SQ16": "P5.1", "SQ17": "P5.2", "SQ18": "P5.3"}
    for question, measure in expected.items():
        assert list(ontology.objects(concept("survey-question", question), PV.measure)) == [
            concept("measure", measure)
        ]


def test_rule_severities_follow_interfaces(ontology: Graph) -> None:
    sh = "http://www.w3.org/ns/shacl#"
    expected = {"C01": "Violation", "C09": "Violation", "C10": "Warning", "C14": "Warning"}
    for code, severity in expected.items():
        assert list(ontology.objects(concept("rule", code), PV.severity)) == [URIRef(sh + severity)]
    assert list(ontology.objects(concept("rule", "C17"), PV.severity)) == []


def _tallies(ontology: Graph) -> dict[tuple[str, str], int]:
    survey = ID["survey/2026-01"]
    found: dict[tuple[str, str], int] = {}
    for tally in ontology.subjects(PV.survey, survey):
        if (tally, RDF.type, PV.AnswerTally) not in ontology:
            continue
        question = ontology.value(tally, PV.surveyQuestion)
        answer = ontology.value(tally, PV.answer)
        count = ontology.value(tally, PV["count"])
        assert ontology.value(tally, PV.certainty) is not None
        key = (
            str(ontology.value(question, SKOS.notation)),
            str(ontology.value(answer, SKOS.notation)),
        )
        assert key not in found
        found[key] = int(count)
    return found


def test_survey_tallies_add_up_to_the_headline_totals(ontology: Graph) -> None:
    # DOMAIN.md §17: 198 answers = jā 85, daļēji 72, nē 41; the not fully legible questions SQ08,
    # SQ13 and SQ15 together hold nē 5, daļēji 20, jā 8.
    tallies = _tallies(ontology)
    partial = {"SQ08", "SQ13", "SQ15"}
    complete = [q for q in EXPECTED["survey-question"] if q not in partial]
    totals = {"ANS-NO": 41 - 5, "ANS-PARTLY": 72 - 20, "ANS-YES": 85 - 8}
    for answer, total in totals.items():
        assert sum(tallies[(q, answer)] for q in complete) == total
    for question in complete:
        assert sum(tallies[(question, a)] for a in totals) == 11
    assert not any(q == "SQ08" for q, _ in tallies)


def test_survey_headline_figures(ontology: Graph) -> None:
    figure = ID["survey/2026-01/figure/ministries-total"]
    assert ontology.value(figure, PV["count"]) == Literal(14)
    assert ontology.value(ID["survey/2026-01"], PV.surveyDate) == Literal(
        "2026-01-12", datatype=XSD.date
    )
