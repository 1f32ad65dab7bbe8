"""SHACL validation: data + shapes + reference context -> :class:`Report`.

Two engines give the same results:

* ``"fast"`` (default) compiles the shapes to plain SPARQL SELECT queries and runs them on a
  pyoxigraph store (an in-memory :class:`pvkg.store.LocalStore` holding the data, or the store
  itself for :func:`validate_store`). It supports exactly the SHACL constructs our shapes and the
  CPSV-AP 3.2.0 shapes use (see ``shapes/policy-shapes.ttl``); any other construct is refused
  when the shapes are compiled, never silently skipped.
* ``"pyshacl"`` is the reference engine (pySHACL, SHACL-AF on for ``sh:SPARQLTarget``, no
  inference). Tests assert that both engines report the same results, path and value included.

Reference data a profile needs (the typings of concepts and institutions the data refers to,
the ``pv:`` class hierarchy) is added explicitly to a copy of the data; inference is never on.

Specs: SHACL https://www.w3.org/TR/shacl/ (§2.1 targets, §4 core components, §5 SPARQL-based
constraints), SHACL-AF https://www.w3.org/TR/shacl-af/#SPARQLTarget.

>>> from pvkg.settings import Settings
>>> from rdflib import Graph
>>> report = validate_graph(Graph(), settings=Settings())
>>> report.conforms, report.counts
(True, {'violation': 0, 'warning': 0, 'info': 0})
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, PROV, RDF, XSD
from rdflib.term import Node

from pvkg.errors import PvkgError
from pvkg.namespaces import ONTOLOGY_GRAPH, PV, REFERENCE_GRAPH, SH
from pvkg.reports.ntriples import ntriples
from pvkg.reports.sources import SourceResolver, source_subgraph
from pvkg.settings import Settings
from pvkg.store import LocalStore, SelectResult, Store, Triple
from pvkg.validation_context import (
    ReferenceIndex,
    gather_context,
    index_graph,
    index_store,
    mentioned_in,
)

if TYPE_CHECKING:  # the loaders package depends on pvkg, never the other way round
    from loaders import LoadedPortfolio  # type: ignore[import-not-found]

PROFILES = ("policy", "cpsv-ap", "all")
ENGINES = ("fast", "pyshacl")
SEVERITIES = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}
CPSV_AP_SHAPES = "external/cpsv-ap-SHACL.ttl"

__all__ = [
    "ENGINES",
    "PROFILES",
    "Report",
    "Result",
    "ShapesError",
    "load_shapes",
    "reference_context",
    "report_registry_triples",
    "store_reference",
    "validate_graph",
    "validate_portfolios",
    "validate_store",
]


class ShapesError(PvkgError):
    """A shapes file uses a construct the fast engine cannot compile, or does not parse."""

    code = "SHAPES"


# ------------------------------------------------------------------------------------------
# Results and reports
# ------------------------------------------------------------------------------------------


@dataclass
class Result:
    """One validation result, in the terms of the JSON report (INTERFACES.md §4)."""

    rule: str | None
    severity: str
    focus: str
    focus_id: str | None
    path: str | None
    value: str | None
    component: str
    shape: str
    message: dict[str, str]
    source: dict[str, Any] | None = None
    clause: str | None = field(default=None, compare=False)  # the policy source of the rule
    # the RDF terms, for the W3C report graph
    focus_node: Node | None = field(default=None, repr=False, compare=False)
    path_node: Node | None = field(default=None, repr=False, compare=False)
    value_node: Node | None = field(default=None, repr=False, compare=False)
    shape_node: Node | None = field(default=None, repr=False, compare=False)

    def key(self) -> tuple[str, str, str, str]:
        """What the two engines must agree on: (rule, focus, component, severity)."""
        return (self.rule or "", self.focus, self.component, self.severity)

    def to_json(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "severity": self.severity,
            "focus": self.focus,
            "focus_id": self.focus_id,
            "path": self.path,
            "value": self.value,
            "component": self.component,
            "shape": self.shape,
            "message": dict(self.message),
            "source": self.source,
        }


class Report:
    """The outcome of one validation run. Non-conformance is a result, not an exception.

    ``graph`` is the W3C ``sh:ValidationReport`` graph (SHACL §3.6), built on first use only;
    :meth:`ntriples` gives the same triples as text without building it (what a submission
    stores with the version).
    """

    def __init__(
        self,
        conforms: bool,
        profile: str,
        results: list[Result],
        graph: Graph | None = None,
        engine: str = "fast",
        generated: str | None = None,
        *,
        triples: Sequence[Triple] | None = None,
    ) -> None:
        self.conforms = conforms
        self.profile = profile
        self.results = results
        self.engine = engine
        self.generated = generated or _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        self._graph = graph
        self._triples = triples
        # what the loaders noticed while reading the files (reports.reading_notes): shown by
        # the HTML report; not part of the §4 JSON or the SHACL graph
        self.reading_notes: list[str] = []

    def __repr__(self) -> str:
        return (
            f"Report(conforms={self.conforms}, profile={self.profile!r}, "
            f"engine={self.engine!r}, counts={self.counts})"
        )

    @property
    def graph(self) -> Graph:
        """The W3C validation report graph."""
        if self._graph is None:
            graph = Graph()
            graph.bind("sh", SH)
            graph.bind("pv", PV)
            for triple in self._triples or ():
                graph.add(triple)
            self._graph = graph
        return self._graph

    def ntriples(self) -> str:
        """The report graph as N-Triples text."""
        return ntriples(self._triples if self._triples is not None else self.graph)

    @property
    def counts(self) -> dict[str, int]:
        counts = {"violation": 0, "warning": 0, "info": 0}
        for result in self.results:
            counts[result.severity.lower()] += 1
        return counts

    def to_json(self) -> dict[str, Any]:
        """The report object of INTERFACES.md §4, exactly."""
        return {
            "conforms": self.conforms,
            "profile": self.profile,
            "counts": self.counts,
            "results": [r.to_json() for r in self.results],
        }


# ------------------------------------------------------------------------------------------
# Shapes and reference context
# ------------------------------------------------------------------------------------------


def _shape_files(shapes_dir: Path, profile: str) -> list[Path]:
    if profile not in PROFILES:
        raise ValueError(f"unknown profile {profile!r}; expected one of {', '.join(PROFILES)}")
    policy = sorted(p for p in shapes_dir.glob("*.ttl") if "shapes" in p.name)
    external = [shapes_dir / CPSV_AP_SHAPES]
    return {"policy": policy, "cpsv-ap": external, "all": policy + external}[profile]


@lru_cache(maxsize=16)
def _load_shapes_cached(files: tuple[tuple[str, float], ...]) -> Graph:
    graph = Graph()
    for name, _mtime in files:
        try:
            graph.parse(name, format="turtle")
        except Exception as err:  # rdflib raises many types for bad Turtle
            raise ShapesError(f"{name}: cannot parse shapes: {err}") from None
    return graph


def load_shapes(settings: Settings, profile: str = "policy") -> Graph:
    """The shapes graph of a profile (cached until a file changes).

    Raises:
        ValueError: unknown profile.
        ShapesError: a shapes file is missing or does not parse.
    """
    files = _shape_files(Path(settings.shapes_dir), profile)
    missing = [str(f) for f in files if not f.is_file()]
    if missing:
        raise ShapesError(f"shapes file(s) missing: {', '.join(missing)}")
    return _load_shapes_cached(tuple((str(f), f.stat().st_mtime) for f in files))


@lru_cache(maxsize=4)
def _reference_cached(files: tuple[tuple[str, float], ...]) -> Graph:
    graph = Graph()
    for name, _mtime in files:
        graph.parse(name, format="turtle")
    return graph


def store_reference(store: Store) -> Graph:
    """Typings and the class hierarchy of the store's ontology and reference graphs.

    Includes institutions loaded with ``pvkg registry load``, which the shipped files lack.

    Raises:
        StoreError: the store cannot be queried.
    """
    graph = Graph()
    answer = store.query(
        f"""SELECT ?s ?p ?o WHERE {{
            VALUES ?g {{ <{ONTOLOGY_GRAPH}> <{REFERENCE_GRAPH}> }}
            VALUES ?p {{ rdf:type rdfs:subClassOf }}
            GRAPH ?g {{ ?s ?p ?o }}
        }}"""
    )
    assert isinstance(answer, SelectResult)
    for s, p, o in answer.rows:
        graph.add((s, p, o))  # type: ignore[arg-type]
    return graph


def _reference_files(settings: Settings) -> tuple[tuple[str, float], ...]:
    files: list[Path] = []
    for directory in (Path(settings.ontology_dir), Path(settings.reference_dir)):
        if directory.is_dir():
            files.extend(sorted(directory.glob("*.ttl")))
    return tuple((str(f), f.stat().st_mtime) for f in files)


def reference_context(settings: Settings) -> Graph:
    """The ontology and reference Turtle files as one graph (cached until a file changes)."""
    return _reference_cached(_reference_files(settings))


@lru_cache(maxsize=4)
def _reference_index_cached(files: tuple[tuple[str, float], ...]) -> ReferenceIndex:
    return index_graph(_reference_cached(files))


def _reference_index(settings: Settings) -> ReferenceIndex:
    """:func:`reference_context` indexed (cached like it)."""
    return _reference_index_cached(_reference_files(settings))


# ------------------------------------------------------------------------------------------
# Shape metadata
# ------------------------------------------------------------------------------------------

_COMPONENT_TEXT: dict[str, tuple[str, str]] = {
    "MinCountConstraintComponent": ("Trūkst obligātas vērtības", "A required value is missing"),
    "MaxCountConstraintComponent": ("Pārāk daudz vērtību", "Too many values"),
    "ClassConstraintComponent": (
        "Vērtība nav vajadzīgās klases",
        "The value is not of the required class",
    ),
    "DatatypeConstraintComponent": (
        "Vērtībai nepareizs datu tips",
        "The value has the wrong datatype",
    ),
    "InConstraintComponent": (
        "Vērtība nav atļauto vērtību sarakstā",
        "The value is not one of the allowed values",
    ),
    "HasValueConstraintComponent": ("Trūkst prasītās vērtības", "The required value is missing"),
    "QualifiedMinCountConstraintComponent": (
        "Trūkst atbilstošas vērtības",
        "No value of the required kind",
    ),
    "SPARQLConstraintComponent": ("Neatbilst noteikumam", "Breaks a rule"),
}


@dataclass(frozen=True)
class ShapeInfo:
    rule: str | None
    severity: str
    message: dict[str, str]
    clause: str | None


def _shape_info(shapes: Graph, shape: Node) -> ShapeInfo:
    rule = shapes.value(shape, PV.ruleCode)
    severity = SEVERITIES.get(shapes.value(shape, SH.severity), "Violation")  # type: ignore[arg-type]
    message: dict[str, str] = {}
    for msg in shapes.objects(shape, SH.message):
        if isinstance(msg, Literal) and msg.language in ("lv", "en"):
            message[msg.language] = str(msg)
    clause = shapes.value(shape, DCTERMS.source)
    return ShapeInfo(
        str(rule) if rule is not None else None,
        severity,
        message,
        None if clause is None else str(clause),
    )


def _default_message(component: str, path: str | None) -> dict[str, str]:
    local = component.rsplit("#", 1)[-1]
    lv, en = _COMPONENT_TEXT.get(local, ("Neatbilst formai", "Does not conform to the shape"))
    if path:
        name = path.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
        return {"lv": f"{lv}: {name}.", "en": f"{en}: {name}."}
    return {"lv": f"{lv}.", "en": f"{en}."}


def _path_text(shapes: Graph, path: Node | None) -> str | None:
    if path is None:
        return None
    if isinstance(path, URIRef):
        return str(path)
    inverse = shapes.value(path, SH.inversePath)
    if isinstance(inverse, URIRef):
        return f"^{inverse}"
    return None


# ------------------------------------------------------------------------------------------
# The fast engine: SHACL -> SPARQL
# ------------------------------------------------------------------------------------------


@dataclass
class _Check:
    """One compiled constraint: a query whose rows are (?this [, ?v]) offenders."""

    shape: Node
    component: URIRef
    query: str
    path: Node | None
    fixed_value: Node | None = None
    target_query: str | None = None  # for SPARQL constraints: restrict ?this to the targets
    datatype: URIRef | None = None  # for datatype: also check well-formedness in Python
    # a node shape's SPARQL constraint: a row without ?value reports the focus node as its
    # value (SHACL §5.3.2, a node shape's one value node is its focus node; as pySHACL does)
    value_is_focus: bool = False


def _term(node: Node) -> str:
    return node.n3()


def _sparql_path(shapes: Graph, path: Node) -> str:
    if isinstance(path, URIRef):
        return _term(path)
    inverse = shapes.value(path, SH.inversePath)
    if isinstance(inverse, URIRef):
        return f"^{_term(inverse)}"
    raise ShapesError(f"fast engine: unsupported property path {path!r}")


class _Compiler:
    """Turns the shapes graph into :class:`_Check` queries against one store."""

    def __init__(self, shapes: Graph, subclasses: dict[URIRef, set[URIRef]]) -> None:
        self.shapes = shapes
        self.subclasses = subclasses

    def classes(self, cls: URIRef) -> str:
        """A VALUES body with ``cls`` and every class below it (data + shapes hierarchy)."""
        return " ".join(_term(c) for c in sorted({cls} | self.subclasses.get(cls, set())))

    def target(self, shape: Node) -> str | None:
        s = self.shapes
        parts: list[str] = []
        for cls in s.objects(shape, SH.targetClass):
            parts.append(f"?this a ?_tc . VALUES ?_tc {{ {self.classes(cls)} }}")  # type: ignore[arg-type]
        for node in s.objects(shape, SH.targetNode):
            parts.append(f"VALUES ?this {{ {_term(node)} }}")
        for prop in s.objects(shape, SH.targetSubjectsOf):
            parts.append(f"?this {_term(prop)} ?_to .")
        for prop in s.objects(shape, SH.targetObjectsOf):
            parts.append(f"?_ts {_term(prop)} ?this .")
        for target in s.objects(shape, SH.target):
            select = s.value(target, SH.select)
            if select is None or s.value(target, SH.prefixes) is not None:
                raise ShapesError(f"fast engine: unsupported target on {shape}")
            parts.append(f"{{ {select} }}")
        if not parts:
            return None
        union = " UNION ".join(f"{{ {p} }}" for p in parts)
        return f"{{ SELECT DISTINCT ?this WHERE {{ {union} }} }}"

    def compile(self) -> list[_Check]:
        checks: list[_Check] = []
        s = self.shapes
        shapes = set(s.subjects(RDF.type, SH.NodeShape))
        shapes |= set(s.subjects(RDF.type, SH.PropertyShape))
        targets = (
            SH.targetClass,
            SH.targetNode,
            SH.targetSubjectsOf,
            SH.targetObjectsOf,
            SH.target,
        )
        for pred in targets:
            shapes |= set(s.subjects(pred, None))
        for shape in sorted(shapes, key=str):
            if s.value(shape, SH.deactivated) == Literal(True):
                continue
            target = self.target(shape)
            if target is None:
                continue
            if s.value(shape, SH.path) is not None:
                checks.extend(self.property_checks(shape, target))
                continue
            checks.extend(self.node_checks(shape, target))
            for prop in s.objects(shape, SH.property):
                if s.value(prop, SH.deactivated) != Literal(True):
                    checks.extend(self.property_checks(prop, target))
        return checks

    def node_checks(self, shape: Node, target: str) -> list[_Check]:
        s = self.shapes
        checks = []
        for cls in s.objects(shape, SH["class"]):
            q = (
                f"SELECT DISTINCT ?this WHERE {{ {target} FILTER NOT EXISTS "
                f"{{ ?this a ?_c . VALUES ?_c {{ {self.classes(cls)} }} }} }}"  # type: ignore[arg-type]
            )
            checks.append(_Check(shape, SH.ClassConstraintComponent, q, None))
        for sparql in s.objects(shape, SH.sparql):
            checks.append(self.sparql_check(shape, sparql, target, None))
        self._refuse(
            shape,
            {
                SH.datatype,
                SH.minCount,
                SH.maxCount,
                SH["in"],
                SH.hasValue,
                SH["or"],
                SH["and"],
                SH["not"],
                SH.xone,
                SH.node,
                SH.closed,
                SH.pattern,
                SH.nodeKind,
            },
        )
        return checks

    def _refuse(self, shape: Node, predicates: set[URIRef]) -> None:
        for pred in predicates:
            if pred == SH.closed and self.shapes.value(shape, SH.closed) != Literal(True):
                continue
            if (shape, pred, None) in self.shapes:
                raise ShapesError(f"fast engine: unsupported {pred} on shape {shape}")

    def property_checks(self, shape: Node, target: str) -> list[_Check]:
        s = self.shapes
        path_node = s.value(shape, SH.path)
        path = _sparql_path(s, path_node)
        checks: list[_Check] = []
        for n in s.objects(shape, SH.minCount):
            q = (
                f"SELECT ?this WHERE {{ {target} OPTIONAL {{ ?this {path} ?v }} }} "
                f"GROUP BY ?this HAVING (COUNT(DISTINCT ?v) < {int(n)})"
            )
            checks.append(_Check(shape, SH.MinCountConstraintComponent, q, path_node))
        for n in s.objects(shape, SH.maxCount):
            q = (
                f"SELECT ?this WHERE {{ {target} ?this {path} ?v }} "
                f"GROUP BY ?this HAVING (COUNT(DISTINCT ?v) > {int(n)})"
            )
            checks.append(_Check(shape, SH.MaxCountConstraintComponent, q, path_node))
        for lst in s.objects(shape, SH["in"]):
            allowed = self._in_filter(lst, "?v")
            q = (
                f"SELECT DISTINCT ?this ?v WHERE {{ {target} ?this {path} ?v "
                f"FILTER (!({allowed})) }}"
            )
            checks.append(_Check(shape, SH.InConstraintComponent, q, path_node))
        for cls in s.objects(shape, SH["class"]):
            q = (
                f"SELECT DISTINCT ?this ?v WHERE {{ {target} ?this {path} ?v FILTER NOT EXISTS "
                f"{{ ?v a ?_c . VALUES ?_c {{ {self.classes(cls)} }} }} }}"  # type: ignore[arg-type]
            )
            checks.append(_Check(shape, SH.ClassConstraintComponent, q, path_node))
        for value in s.objects(shape, SH.hasValue):
            q = (
                f"SELECT DISTINCT ?this WHERE {{ {target} FILTER NOT EXISTS "
                f"{{ ?this {path} {_term(value)} }} }}"
            )
            checks.append(_Check(shape, SH.HasValueConstraintComponent, q, path_node, value))
        for dt in s.objects(shape, SH.datatype):
            q = (
                f"SELECT DISTINCT ?this ?v WHERE {{ {target} ?this {path} ?v "
                f"FILTER (!isLiteral(?v) || DATATYPE(?v) != {_term(dt)}) }}"
            )
            checks.append(_Check(shape, SH.DatatypeConstraintComponent, q, path_node))
            if dt not in (XSD.string, RDF.langString):
                q2 = (
                    f"SELECT DISTINCT ?this ?v WHERE {{ {target} ?this {path} ?v "
                    f"FILTER (isLiteral(?v) && DATATYPE(?v) = {_term(dt)}) }}"
                )
                checks.append(
                    _Check(shape, SH.DatatypeConstraintComponent, q2, path_node, datatype=dt)  # type: ignore[arg-type]
                )
        for qshape in s.objects(shape, SH.qualifiedValueShape):
            checks.extend(self._qualified(shape, qshape, target, path, path_node))
        for sparql in s.objects(shape, SH.sparql):
            checks.append(self.sparql_check(shape, sparql, target, path))
        self._refuse(
            shape,
            {
                SH["or"],
                SH["and"],
                SH["not"],
                SH.xone,
                SH.node,
                SH.pattern,
                SH.nodeKind,
                SH.uniqueLang,
                SH.equals,
                SH.disjoint,
                SH.lessThan,
                SH.minInclusive,
                SH.maxInclusive,
                SH.minLength,
                SH.maxLength,
            },
        )
        return checks

    def _in_filter(self, lst: Node, var: str) -> str:
        items = list(Collection(self.shapes, lst))  # type: ignore[arg-type]
        return " || ".join(f"sameTerm({var}, {_term(i)})" for i in items) or "false"

    def _qualified(
        self, shape: Node, qshape: Node, target: str, path: str, path_node: Node
    ) -> list[_Check]:
        s = self.shapes
        lst = s.value(qshape, SH["in"])
        extra = {p for p in s.predicates(qshape, None) if p not in (SH["in"], RDF.type)}
        if lst is None or extra or s.value(shape, SH.qualifiedValueShapesDisjoint) == Literal(True):
            raise ShapesError(f"fast engine: only sh:in qualified value shapes ({shape})")
        cond = self._in_filter(lst, "?v")
        checks = []
        for n in s.objects(shape, SH.qualifiedMinCount):
            q = (
                f"SELECT ?this WHERE {{ {target} OPTIONAL {{ ?this {path} ?v FILTER ({cond}) }} }} "
                f"GROUP BY ?this HAVING (COUNT(DISTINCT ?v) < {int(n)})"
            )
            checks.append(_Check(shape, SH.QualifiedMinCountConstraintComponent, q, path_node))
        for n in s.objects(shape, SH.qualifiedMaxCount):
            q = (
                f"SELECT ?this WHERE {{ {target} ?this {path} ?v FILTER ({cond}) }} "
                f"GROUP BY ?this HAVING (COUNT(DISTINCT ?v) > {int(n)})"
            )
            checks.append(_Check(shape, SH.QualifiedMaxCountConstraintComponent, q, path_node))
        return checks

    def sparql_check(self, shape: Node, sparql: Node, target: str, path: str | None) -> _Check:
        s = self.shapes
        select = s.value(sparql, SH.select)
        if select is None or s.value(sparql, SH.prefixes) is not None:
            raise ShapesError(
                f"fast engine: SPARQL constraint of {shape} needs a prefix-free sh:select"
            )
        text = str(select).replace("$this", "?this")
        if path is not None:
            text = text.replace("$PATH", path)
        target_query = f"SELECT ?this WHERE {{ {target} }}"
        return _Check(
            shape,
            SH.SPARQLConstraintComponent,
            text,
            s.value(shape, SH.path),
            target_query=target_query,
            value_is_focus=path is None,
        )


def _subclasses(store: Store, shapes: Graph) -> dict[URIRef, set[URIRef]]:
    """Every class named by sh:targetClass / sh:class, with its subclasses in the data."""
    named = {o for o in shapes.objects(None, SH.targetClass)} | {
        o for o in shapes.objects(None, SH["class"])
    }
    answer = store.query("SELECT ?sub ?sup WHERE { ?sub rdfs:subClassOf ?sup }")
    assert isinstance(answer, SelectResult)
    parents: dict[Node, set[Node]] = {}
    for sub, sup in answer.rows:
        parents.setdefault(sup, set()).add(sub)  # type: ignore[arg-type]
    out: dict[URIRef, set[URIRef]] = {}
    for cls in named:
        seen: set[URIRef] = set()
        todo = [cls]
        while todo:
            for child in parents.get(todo.pop(), ()):
                if isinstance(child, URIRef) and child not in seen:
                    seen.add(child)
                    todo.append(child)
        out[cls] = seen  # type: ignore[index]
    return out


_Found = list[tuple[_Check, Node, Node | None]]
_Raw = list[tuple[Node, URIRef, Node, Node | None, Node | None]]


def _run_check(store: Store, check: _Check, timeout_s: float | None) -> _Found:
    answer = store.query(check.query, timeout_s=timeout_s)
    assert isinstance(answer, SelectResult)
    rows = answer.dicts()
    if check.target_query is not None:
        targets = store.query(check.target_query, timeout_s=timeout_s)
        assert isinstance(targets, SelectResult)
        allowed = set(targets.column("this"))
        rows = [r for r in rows if r.get("this") in allowed]
    found: _Found = []
    seen: set[tuple[Node, Node | None]] = set()
    for row in rows:
        this = row.get("this")
        if this is None:
            continue
        value = row.get("v", row.get("value"))
        if value is None and check.value_is_focus:
            value = this
        if check.datatype is not None and not (isinstance(value, Literal) and value.ill_typed):
            continue
        if check.component == SH.HasValueConstraintComponent:
            value = None
        if (this, value) in seen:
            continue
        seen.add((this, value))
        found.append((check, this, value))
    return found


@lru_cache(maxsize=8)
def _compiled(
    shapes: Graph, subclasses: tuple[tuple[URIRef, frozenset[URIRef]], ...]
) -> tuple[_Check, ...]:
    """The checks of a shapes graph for one class hierarchy (compiling costs more than running
    them on one submission; the shapes graph is cached and never modified)."""
    return tuple(_Compiler(shapes, dict(subclasses)).compile())


def _checks(store: Store, shapes: Graph) -> tuple[_Check, ...]:
    subclasses = _subclasses(store, shapes)
    key = tuple(sorted(((c, frozenset(s)) for c, s in subclasses.items()), key=lambda i: i[0]))
    return _compiled(shapes, key)


def _as_raw(found: _Found) -> _Raw:
    """The fast engine's findings in the form pyshacl's are read into (see ``_make_results``)."""
    return [(c.shape, c.component, this, value, c.path) for c, this, value in found]


def _run_fast(store: Store, shapes: Graph, timeout_s: float | None, workers: int = 2) -> _Found:
    """Run every compiled check; pyoxigraph releases the GIL, so checks run on ``workers``
    threads (ANCHORS.md: 4 heavy queries 1.70 s serial, 0.99 s on 2 threads). On a small store
    (one submission) the checks take a fraction of a millisecond each and threads only add
    overhead: use ``workers=1``."""
    checks = _checks(store, shapes)
    if workers <= 1:
        return [hit for check in checks for hit in _run_check(store, check, timeout_s)]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        parts = list(pool.map(lambda c: _run_check(store, c, timeout_s), checks))
    return [hit for part in parts for hit in part]


# ------------------------------------------------------------------------------------------
# The reference engine: pySHACL
# ------------------------------------------------------------------------------------------


def _run_pyshacl(data: Graph, shapes: Graph) -> _Raw:
    import pyshacl

    _conforms, report_graph, _text = pyshacl.validate(
        data,
        shacl_graph=shapes,
        inference="none",
        advanced=True,
        allow_infos=True,
        allow_warnings=True,
    )
    rows = []
    for res in report_graph.subjects(RDF.type, SH.ValidationResult):
        rows.append(
            (
                report_graph.value(res, SH.sourceShape),
                report_graph.value(res, SH.sourceConstraintComponent),
                report_graph.value(res, SH.focusNode),
                report_graph.value(res, SH.value),
                report_graph.value(res, SH.resultPath),
            )
        )
    return rows  # type: ignore[return-value]


# ------------------------------------------------------------------------------------------
# Building the report
# ------------------------------------------------------------------------------------------


def _identifiers(lookup: Any, nodes: Iterable[Node]) -> dict[Node, str]:
    """dct:identifier of the given nodes, from a Graph or a Store; of several, the first in
    code-point order, as the RDF loader names the service's IRI with it."""
    ids: dict[Node, str] = {}
    wanted = [n for n in set(nodes) if isinstance(n, URIRef)]
    if isinstance(lookup, Graph):
        for node in wanted:
            values = [str(v) for v in lookup.objects(node, DCTERMS.identifier)]
            if values:
                ids[node] = min(values)
        return ids
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        values = " ".join(n.n3() for n in chunk)
        answer = lookup.query(
            f"SELECT ?s (MIN(STR(?id)) AS ?i) WHERE {{ VALUES ?s {{ {values} }} "
            "?s dct:identifier ?id } GROUP BY ?s"
        )
        assert isinstance(answer, SelectResult)
        for s, i in answer.rows:
            if s is not None and i is not None:
                ids[s] = str(i)
    return ids


def _make_results(
    raw: Sequence[tuple[Node, URIRef, Node, Node | None, Node | None]],
    shapes: Graph,
    id_lookup: Any,
) -> list[Result]:
    ids = _identifiers(id_lookup, [r[2] for r in raw])
    infos: dict[Node, ShapeInfo] = {}
    results = []
    for shape, component, focus, value, path_node in raw:
        info = infos.get(shape) or infos.setdefault(shape, _shape_info(shapes, shape))
        if not isinstance(path_node, URIRef):  # none, or a path node of another graph
            path_node = shapes.value(shape, SH.path)
        path = _path_text(shapes, path_node)
        results.append(
            Result(
                rule=info.rule,
                severity=info.severity,
                focus=str(focus),
                focus_id=ids.get(focus),
                path=path,
                value=None if value is None else str(value),
                component=str(component),
                shape=str(shape),
                message=info.message or _default_message(str(component), path),
                clause=info.clause,
                focus_node=focus,
                path_node=path_node,
                value_node=value,
                shape_node=shape,
            )
        )
    results.sort(key=lambda r: (r.rule or "~", r.focus, r.path or "", r.value or "", r.component))
    return results


def _report_triples(results: Sequence[Result], shapes: Graph) -> list[Triple]:
    """The triples of the W3C ``sh:ValidationReport`` graph (SHACL §3.6) for the results."""
    triples: list[Triple] = []
    add = triples.append
    report = BNode()
    conforms = not any(r.severity == "Violation" for r in results)
    add((report, RDF.type, SH.ValidationReport))
    add((report, SH.conforms, Literal(conforms)))
    severity_iri = {v: k for k, v in SEVERITIES.items()}
    # rdflib makes a new term on every namespace attribute and literal: make each one once
    a, result_p, result_class = RDF.type, SH.result, SH.ValidationResult
    focus_p, severity_p, component_p = SH.focusNode, SH.resultSeverity, SH.sourceConstraintComponent
    shape_p, path_p, value_p, message_p = SH.sourceShape, SH.resultPath, SH.value, SH.resultMessage
    rule_p = PV.ruleCode
    terms: dict[tuple[str, str | None], Node] = {}

    def literal(text: str, lang: str | None = None) -> Node:
        term = terms.get((text, lang))
        if term is None:
            term = terms[(text, lang)] = Literal(text, lang=lang)
        return term

    components: dict[str, URIRef] = {}
    for r in results:
        node = BNode()
        add((report, result_p, node))
        add((node, a, result_class))
        add((node, focus_p, r.focus_node or URIRef(r.focus)))
        add((node, severity_p, severity_iri[r.severity]))
        component = components.get(r.component) or components.setdefault(
            r.component, URIRef(r.component)
        )
        add((node, component_p, component))
        if isinstance(r.shape_node, URIRef):
            add((node, shape_p, r.shape_node))
        else:
            add((node, shape_p, BNode()))
        if isinstance(r.path_node, URIRef):
            add((node, path_p, r.path_node))
        elif r.path_node is not None:
            inverse = shapes.value(r.path_node, SH.inversePath)
            if inverse is not None:
                path = BNode()
                add((node, path_p, path))
                add((path, SH.inversePath, inverse))
        if r.value_node is not None:
            add((node, value_p, r.value_node))
        for lang, text in r.message.items():
            add((node, message_p, literal(text, lang)))
        if r.rule:
            add((node, rule_p, literal(r.rule)))
    return triples


def _finish(results: list[Result], shapes: Graph, profile: str, engine: str) -> Report:
    conforms = not any(r.severity == "Violation" for r in results)
    return Report(
        conforms, profile, results, engine=engine, triples=_report_triples(results, shapes)
    )


# ------------------------------------------------------------------------------------------
# Public API
# ------------------------------------------------------------------------------------------


_PARALLEL_FROM = 20_000  # triples; below, the checks run faster one after the other


def _engine_shapes(engine: str, settings: Settings, profile: str) -> Graph:
    """The profile's shapes, once ``engine`` is known to be one of :data:`ENGINES`."""
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}; expected one of {', '.join(ENGINES)}")
    return load_shapes(settings, profile)


def _workers(triples: int) -> int:
    return 1 if triples < _PARALLEL_FROM else 2


def validate_graph(
    data: Graph,
    *,
    profile: str = "policy",
    sources: Graph | None = None,
    settings: Settings,
    engine: str = "fast",
    reference: Graph | None = None,
) -> Report:
    """Validate one data set (an rdflib Graph, MODEL.md §4) against a profile's shapes.

    Args:
        data: the portfolio graph(s); not modified.
        profile: ``policy``, ``cpsv-ap`` or ``all``.
        sources: the source map (MODEL.md §5) to point results at file cells; optional.
        settings: where the shapes, ontology and reference files are.
        engine: ``fast`` (SPARQL on pyoxigraph) or ``pyshacl`` (the reference engine).
        reference: ontology + reference data to take typings from (default: the shipped
            ``ontology/`` and ``reference/`` files; see :func:`store_reference`).

    Returns:
        The report; ``conforms`` is False iff some result is a Violation.

    Raises:
        ValueError: unknown profile or engine.
        ShapesError: the shapes cannot be read or compiled.
    """
    shapes = _engine_shapes(engine, settings, profile)
    index = index_graph(reference) if reference is not None else _reference_index(settings)
    work = LocalStore(None)
    try:
        work.add_triples(None, data)
        _extra, context = gather_context(work, index, mentioned=index.mentioned_in_graph(data))
        if engine == "fast":
            found = _run_fast(work, shapes, None, _workers(len(data)))
    finally:
        work.close()
    if engine == "pyshacl":
        merged = Graph()
        for graph in (data, context):
            for triple in graph:
                merged.add(triple)
        raw = _run_pyshacl(merged, shapes)
    else:
        raw = _as_raw(found)
    results = _make_results(raw, shapes, data)
    if sources is not None:
        _attach_sources(results, SourceResolver(sources))
    return _finish(results, shapes, profile, engine)


def _attach_sources(results: list[Result], resolver: SourceResolver) -> None:
    for result in results:
        result.source = resolver.resolve(result.focus_node, result.path_node)


def validate_portfolios(
    portfolios: Sequence[LoadedPortfolio],
    *,
    profile: str = "policy",
    store: Store | None = None,
    settings: Settings,
    engine: str = "fast",
) -> Report:
    """Validate loaded portfolios together as one data set (cross-portfolio C22 included).

    With a ``store``, the validation is incremental: the submitted portfolios plus only what
    cross-portfolio rules need from the store's current view (see
    :func:`pvkg.validation_context.gather_context`), with the typings of the store's own
    ontology and reference graphs. The fast engine reads the portfolios' N-Triples text
    straight into its temporary store and never builds their rdflib Graphs.

    Raises:
        ValueError: unknown profile or engine.
        ShapesError: the shapes cannot be read or compiled.
        StoreError: the store cannot be queried.
    """
    shapes = _engine_shapes(engine, settings, profile)
    index = index_store(store) if store is not None else _reference_index(settings)
    work = LocalStore(None)
    try:
        for portfolio in portfolios:  # one load each: blank node labels are per document
            if portfolio.graph_nt_bytes:
                work.load_data(portfolio.graph_nt_bytes, "nt")
        texts = [p.graph_nt for p in portfolios]
        extra, context = gather_context(work, index, store, mentioned=mentioned_in(texts))
        if engine == "pyshacl":
            merged = Graph()
            for portfolio in portfolios:
                merged += portfolio.graph
            for triple in (*extra, *context):
                merged.add(triple)
            raw = _run_pyshacl(merged, shapes)
            results = _make_results(raw, shapes, merged)
        else:
            triples = sum(p.triple_count for p in portfolios)
            found = _run_fast(work, shapes, None, _workers(triples))
            raw = _as_raw(found)
            results = _make_results(raw, shapes, work)
    finally:
        work.close()
    if results:
        foci = [r.focus_node for r in results if r.focus_node is not None]
        texts = [p.sources_nt for p in portfolios if p.sources_nt]
        _attach_sources(results, SourceResolver(source_subgraph(texts, foci)))
    return _finish(results, shapes, profile, engine)


def validate_store(store: Store, *, profile: str = "policy", settings: Settings) -> Report:
    """Validate the store's whole current view (the default graph) with the fast engine.

    The queries run in the store itself (embedded or remote); nothing is copied out. Results
    carry no ``source`` (stored versions keep their own source maps).

    Raises:
        ShapesError: the shapes cannot be read or compiled.
        StoreError, QueryTimeout: the store failed.
    """
    shapes = load_shapes(settings, profile)
    found = _run_fast(store, shapes, None)
    raw = _as_raw(found)
    results = _make_results(raw, shapes, store)
    return _finish(results, shapes, profile, "fast")


VERSION_PLACEHOLDER = URIRef("urn:pvkg:version")


def report_registry_triples(
    report: Report, version_placeholder: URIRef = VERSION_PLACEHOLDER
) -> Graph:
    """A ``pv:ValidationRun`` summary of a report, to store in the registry with the version.

    The loader replaces ``version_placeholder`` with the version IRI it stores.

    >>> from rdflib import Graph
    >>> r = Report(True, "policy", [], Graph())
    >>> g = report_registry_triples(r)
    >>> (None, PV.checked, URIRef("urn:pvkg:version")) in g
    True
    """
    graph = Graph()
    run = URIRef(f"{version_placeholder}/validation-run")
    counts = report.counts
    graph.add((run, RDF.type, PV.ValidationRun))
    graph.add((run, RDF.type, PROV.Activity))
    graph.add((run, PV.checked, version_placeholder))
    graph.add((run, PROV.used, version_placeholder))
    graph.add((run, PV.profile, Literal(report.profile)))
    graph.add((run, PV.engine, Literal(report.engine)))
    graph.add((run, PV.conforms, Literal(report.conforms)))
    graph.add((run, PV.violationCount, Literal(counts["violation"])))
    graph.add((run, PV.warningCount, Literal(counts["warning"])))
    graph.add((run, PV.infoCount, Literal(counts["info"])))
    graph.add((run, PROV.endedAtTime, Literal(report.generated, datatype=XSD.dateTime)))
    graph.add((run, PV.report, URIRef(f"{version_placeholder}/validation")))
    return graph
