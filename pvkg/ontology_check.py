"""``pvkg check``: is the ontology consistent, and does everything else use only declared terms?

Two checks, both returning problems instead of raising (a failed check is a result, like a SHACL
report):

1. **Reasoning.** ``ontology/*.ttl`` goes to HermiT through owlready2 (which cannot read
   Turtle, so rdflib writes N-Triples first). HermiT reports an inconsistent ontology or
   unsatisfiable classes. owlready2 is used nowhere else in pvkg.
2. **Terms.** Every IRI used in ``shapes/**/*.ttl`` (except the verbatim official files in
   ``shapes/external/``), in SPARQL embedded in shapes, in ``queries/*.rq`` and in the ontology
   itself that falls in the pvkg namespace or in a standard namespace we rely on must be
   declared: ``pv:`` terms in our ontology, ``pvid:`` IRIs as subjects of the ontology or the
   reference data, standard terms in their vocabulary (rdflib's term lists, or the pinned
   copies in ``ontology/imports/``).

>>> from pvkg.settings import Settings
>>> report = run_check(Settings(), reason=False)
>>> report.summary().splitlines()[1]
'HermiT: not run'
"""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache, partial
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import (
    DCAT,
    DCTERMS,
    FOAF,
    ORG,
    OWL,
    PROV,
    RDF,
    RDFS,
    SKOS,
    XSD,
    DefinedNamespace,
)
from rdflib.namespace import SH as SHACL

from pvkg.errors import OntologyError
from pvkg.namespaces import ADMS, CPSV, CV, ID, PREFIXES, PV, ROV, SH
from pvkg.settings import Settings

# The OWL 2 datatype map (https://www.w3.org/TR/owl2-syntax/#Datatype_Maps): HermiT refuses any
# other literal datatype (xsd:date, xsd:gYearMonth, …) on a data property.
_OWL2_DATATYPES = frozenset(
    [str(RDF.PlainLiteral), str(RDF.XMLLiteral), str(RDFS.Literal)]
    + [
        str(XSD[name])
        for name in [
            "decimal",
            "integer",
            "nonNegativeInteger",
            "nonPositiveInteger",
            "positiveInteger",
            "negativeInteger",
            "long",
            "int",
            "short",
            "byte",
            "unsignedLong",
            "unsignedInt",
            "unsignedShort",
            "unsignedByte",
            "double",
            "float",
            "string",
            "normalizedString",
            "token",
            "language",
            "Name",
            "NCName",
            "NMTOKEN",
            "boolean",
            "hexBinary",
            "base64Binary",
            "anyURI",
            "dateTime",
            "dateTimeStamp",
        ]
    ]
    + [str(OWL.real), str(OWL.rational)]
)

# ADMS has no machine-readable copy here: the terms of the W3C ADMS namespace document
# (https://www.w3.org/ns/adms, W3C Working Group Note 2013-08-01).
_ADMS_TERMS = frozenset(
    str(ADMS[name])
    for name in [
        "Asset",
        "AssetDistribution",
        "AssetRepository",
        "Identifier",
        "identifier",
        "includedAsset",
        "interoperabilityLevel",
        "last",
        "next",
        "prev",
        "representationTechnique",
        "sample",
        "schemeAgency",
        "status",
        "supportedSchema",
        "translation",
        "versionNotes",
    ]
)

_RDFLIB_VOCABS: tuple[type[DefinedNamespace], ...] = (
    DCAT,
    DCTERMS,
    FOAF,
    ORG,
    PROV,
    SKOS,
    RDF,
    RDFS,
    OWL,
    XSD,
    SHACL,
)

# Namespaces whose terms must be declared, keyed by the prefix used in messages.
_CHECKED: dict[str, str] = {
    "pv": str(PV),
    "pvid": str(ID),
    "cpsv": str(CPSV),
    "cv": str(CV),
    "org": str(ORG),
    "dcat": str(DCAT),
    "dct": str(DCTERMS),
    "foaf": str(FOAF),
    "prov": str(PROV),
    "skos": str(SKOS),
    "adms": str(ADMS),
    "rov": str(ROV),
    "sh": str(SH),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
}

_SPARQL_PREDICATES = (SH.select, SH.ask, SH.construct, SH.update)


@dataclass(frozen=True)
class Problem:
    """One thing wrong, with where it was found when that is known."""

    message: str
    file: Path | None = None
    line: int | None = None

    def __str__(self) -> str:
        if self.file is None:
            return self.message
        where = f"{self.file}:{self.line}" if self.line else str(self.file)
        return f"{where}: {self.message}"


@dataclass
class CheckReport:
    """What ``pvkg check`` found; ``ok`` is false when there is any problem."""

    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    ontology_files: int = 0
    ontology_triples: int = 0
    reasoned: bool = False
    consistent: bool | None = None
    unsatisfiable: list[str] = field(default_factory=list)
    files_checked: int = 0
    iris_checked: int = 0

    @property
    def ok(self) -> bool:
        """True when the ontology is consistent and every checked term is declared."""
        return not self.problems

    def summary(self) -> str:
        """A readable report: what was checked, then every problem, then OK / NOT OK."""
        lines = [
            f"ontology: {self.ontology_files} file(s), {self.ontology_triples} triples",
        ]
        if self.reasoned:
            state = "consistent" if self.consistent else "INCONSISTENT"
            if self.consistent is None:
                state = "not decided (reasoner error)"
            lines.append(f"HermiT: {state}, {len(self.unsatisfiable)} unsatisfiable class(es)")
        else:
            lines.append("HermiT: not run")
        lines.append(
            f"terms: {self.iris_checked} distinct IRI(s) checked in {self.files_checked} file(s)"
        )
        lines.extend(f"note: {note}" for note in self.notes)
        if self.problems:
            lines.append(f"{len(self.problems)} problem(s):")
            lines.extend(f"  {problem}" for problem in self.problems)
            lines.append("NOT OK")
        else:
            lines.append("OK")
        return "\n".join(lines)


def run_check(settings: Settings, *, reason: bool = True) -> CheckReport:
    """Check the ontology with HermiT and the terms used by shapes, queries and the ontology.

    Args:
        settings: where the ontology, shapes, queries and reference data are.
        reason: run HermiT (needs Java); ``False`` runs only the term check.

    Returns:
        The report; ``report.ok`` is false when anything is wrong. Nothing is raised for a
        failed check.

    Raises:
        OntologyError: ``reason`` is true and no Java runtime is installed.
    """
    report = CheckReport()
    if reason:
        _require_java()
    files = sorted(settings.ontology_dir.glob("*.ttl")) if settings.ontology_dir.is_dir() else []
    parsed = _parse_files(files, report)
    ontology = Graph()
    for graph in parsed.values():
        ontology += graph
    report.ontology_files = len(files)
    report.ontology_triples = len(ontology)
    if not files:
        report.problems.append(Problem(f"no ontology files (*.ttl) in {settings.ontology_dir}"))
    if reason and files:
        _reason(ontology, report)
    _check_terms(settings, ontology, parsed, report)
    return report


# ---------------------------------------------------------------------------------------------
# Reasoning
# ---------------------------------------------------------------------------------------------


def _require_java() -> None:
    """Fail early with an instruction, rather than with a Java stack trace from owlready2."""
    if shutil.which("java") is None:
        raise OntologyError(
            "the HermiT reasoner needs a Java runtime, but `java` is not on PATH; install a JRE "
            "(for example `apt-get install default-jre-headless`) and run `pvkg check` again"
        )


def _parse_files(files: Iterable[Path], report: CheckReport) -> dict[Path, Graph]:
    """Parse each Turtle file; a file that does not parse becomes a problem and is left out."""
    graphs: dict[Path, Graph] = {}
    for path in files:
        try:
            graphs[path] = Graph().parse(path, format="turtle")
        except Exception as err:  # rdflib raises many types for bad syntax
            report.problems.append(Problem(f"does not parse as Turtle: {err}", file=path))
    return graphs


def _reasonable_graph(ontology: Graph, report: CheckReport) -> Graph:
    """Drop data-property literals HermiT cannot read (datatypes outside the OWL 2 map)."""
    annotation = set(ontology.subjects(RDF.type, OWL.AnnotationProperty))
    kept = Graph()
    dropped = 0
    for s, p, o in ontology:
        if (
            isinstance(o, Literal)
            and o.datatype is not None
            and str(o.datatype) not in _OWL2_DATATYPES
            and p not in annotation
        ):
            dropped += 1
            continue
        kept.add((s, p, o))
    if dropped:
        report.notes.append(
            f"{dropped} literal(s) with a datatype outside the OWL 2 datatype map were left out of "
            "reasoning (declare such properties owl:AnnotationProperty)"
        )
    return kept


def _reason(ontology: Graph, report: CheckReport) -> None:
    """Run HermiT on the ontology in a private owlready2 world and record what it says."""
    import owlready2

    graph = _reasonable_graph(ontology, report)
    report.reasoned = True
    with tempfile.TemporaryDirectory(prefix="pvkg-check-") as tmp:
        path = Path(tmp) / "ontology.nt"
        graph.serialize(path, format="nt", encoding="utf-8")
        world = owlready2.World()
        try:
            onto = world.get_ontology(path.as_uri()).load()
            with onto:
                owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
            unsatisfiable = sorted(
                str(cls.iri)
                for cls in world.inconsistent_classes()
                if getattr(cls, "iri", None) and str(cls.iri) != str(OWL.Nothing)
            )
        except owlready2.OwlReadyInconsistentOntologyError:
            report.consistent = False
            report.problems.append(
                Problem(
                    "HermiT: the ontology is inconsistent (it has no model); look for an "
                    "individual in two disjoint classes, or a hasValue against a disjointness"
                )
            )
            return
        except owlready2.OwlReadyJavaError as err:
            report.problems.append(Problem(f"HermiT failed: {_first_lines(str(err))}"))
            return
        finally:
            world.close()
    report.consistent = True
    report.unsatisfiable = unsatisfiable
    for iri in unsatisfiable:
        report.problems.append(
            Problem(f"HermiT: class {_short(iri)} is unsatisfiable (it can have no members)")
        )


def _first_lines(text: str, count: int = 4) -> str:
    return " | ".join(line.strip() for line in text.strip().splitlines()[:count])


# ---------------------------------------------------------------------------------------------
# Term check
# ---------------------------------------------------------------------------------------------


def _short(iri: str) -> str:
    """``pv:Service`` rather than the full IRI, when a known prefix fits."""
    for prefix, namespace in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace) :]}"
    return f"<{iri}>"


@dataclass(frozen=True)
class _Vocabulary:
    """Which IRIs count as declared: ours, reference subjects, and each standard's term list."""

    pvkg_terms: frozenset[str]
    id_subjects: frozenset[str]
    standard_terms: frozenset[str]

    def undeclared_reason(self, iri: str) -> str | None:
        """Why ``iri`` is not declared; None when it is, or is outside the checked namespaces."""
        if iri.startswith(str(PV)):
            if iri in self.pvkg_terms:
                return None
            return "is not declared in the pvkg ontology (ontology/*.ttl)"
        if iri.startswith(str(ID)):
            if iri in self.id_subjects or iri.rstrip("/") == str(ID).rstrip("/"):
                return None
            return "is not described in the ontology or the reference data"
        for prefix, namespace in _CHECKED.items():
            if prefix in ("pv", "pvid") or not iri.startswith(namespace):
                continue
            if iri in self.standard_terms or iri == namespace:
                return None
            return f"is not a term of the {prefix}: vocabulary"
        return None


@lru_cache(maxsize=1)
def _rdflib_terms() -> frozenset[str]:
    """The term lists rdflib ships for the W3C vocabularies, plus ADMS."""
    terms: set[str] = set(_ADMS_TERMS)
    for vocab in _RDFLIB_VOCABS:
        namespace = str(vocab._NS)
        terms.update(namespace + name for name in vocab.__annotations__)
        terms.update(namespace + name for name in getattr(vocab, "_extras", []))
    return frozenset(terms)


@lru_cache(maxsize=16)
def _declared_in(path: str, mtime_ns: int, size: int) -> frozenset[str]:
    """Typed subjects of one pinned vocabulary file (cached while the file is unchanged)."""
    graph = Graph().parse(path, format="turtle")
    return frozenset(str(s) for s in graph.subjects(RDF.type, None) if isinstance(s, URIRef))


def _standard_terms(ontology_dir: Path, report: CheckReport) -> frozenset[str]:
    """The terms of the standard vocabularies: rdflib's lists plus the pinned copies in imports/."""
    terms = set(_rdflib_terms())
    imports = ontology_dir / "imports"
    for path in sorted(imports.glob("*.ttl")) if imports.is_dir() else []:
        stat = path.stat()
        try:
            terms.update(_declared_in(str(path), stat.st_mtime_ns, stat.st_size))
        except Exception as err:  # rdflib raises many types for bad syntax
            report.problems.append(Problem(f"does not parse as Turtle: {err}", file=path))
    return frozenset(terms)


def _vocabulary(settings: Settings, ontology: Graph, report: CheckReport) -> _Vocabulary:
    pvkg_terms = frozenset(
        str(s) for s in ontology.subjects(RDF.type, None) if str(s).startswith(str(PV))
    )
    subjects = {str(s) for s in ontology.subjects() if isinstance(s, URIRef)}
    reference = settings.reference_dir
    for path in sorted(reference.glob("*.ttl")) if reference.is_dir() else []:
        try:
            subjects.update(str(s) for s in Graph().parse(path).subjects() if isinstance(s, URIRef))
        except Exception:  # reference data that does not parse is bootstrap's to report
            continue
    return _Vocabulary(
        pvkg_terms=pvkg_terms,
        id_subjects=frozenset(s for s in subjects if s.startswith(str(ID))),
        standard_terms=_standard_terms(settings.ontology_dir, report),
    )


def _check_terms(
    settings: Settings, ontology: Graph, parsed: dict[Path, Graph], report: CheckReport
) -> None:
    """Flag every checked-namespace IRI used by shapes, queries or the ontology but not declared."""
    vocabulary = _vocabulary(settings, ontology, report)
    checked: set[str] = set()
    reported: set[tuple[Path, str]] = set()
    for path, iri, locate in _used_iris(settings, parsed, report):
        checked.add(iri)
        reason = vocabulary.undeclared_reason(iri)
        if reason is None or (path, iri) in reported:
            continue
        reported.add((path, iri))
        report.problems.append(Problem(f"{_short(iri)} {reason}", file=path, line=locate()))
    report.iris_checked = len(checked)


_Use = tuple[Path, str, Callable[[], int | None]]


def _used_iris(
    settings: Settings, parsed: dict[Path, Graph], report: CheckReport
) -> Iterator[_Use]:
    """Every (file, IRI, how to find its line) used in the ontology, the shapes and the queries.

    Lines are looked up only for problems: scanning the text for every IRI is the slow part.
    """
    shapes = settings.shapes_dir
    shape_files = (
        sorted(
            path
            for path in shapes.rglob("*.ttl")
            if "external" not in path.relative_to(shapes).parts[:-1]
        )
        if shapes.is_dir()
        else []
    )
    query_files = sorted(settings.queries_dir.glob("*.rq")) if settings.queries_dir.is_dir() else []
    report.files_checked = len(parsed) + len(shape_files) + len(query_files)
    for path, graph in parsed.items():
        yield from _turtle_iris(path, graph)
    for path in shape_files:
        try:
            graph = Graph().parse(path, format="turtle")
        except Exception as err:  # rdflib raises many types for bad syntax
            report.problems.append(Problem(f"does not parse as Turtle: {err}", file=path))
            continue
        yield from _turtle_iris(path, graph, report)
    for path in query_files:
        text = path.read_text(encoding="utf-8")
        for iri, offset in sparql_iris(text, report=report, path=path):
            yield path, iri, partial(_line_at, text, offset)


def _line_at(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _turtle_iris(path: Path, graph: Graph, report: CheckReport | None = None) -> Iterator[_Use]:
    """IRIs of a Turtle file, plus those inside SPARQL constraints (sh:select …) it holds."""
    text = path.read_text(encoding="utf-8")
    prefixes = {prefix: str(ns) for prefix, ns in graph.namespaces()}
    iris: set[str] = set()
    for triple in graph:
        iris.update(str(term) for term in triple if isinstance(term, URIRef))
    for iri in sorted(iris):
        yield path, iri, partial(_line_of, text, iri, prefixes)
    for predicate in _SPARQL_PREDICATES:
        for query in graph.objects(None, predicate):
            for iri, _ in sparql_iris(str(query), prefixes=prefixes, report=report, path=path):
                yield path, iri, partial(_line_of, text, iri, prefixes)


def _line_of(text: str, iri: str, prefixes: dict[str, str]) -> int | None:
    """The first line of ``text`` that mentions ``iri`` in full or as a prefixed name."""
    needles = [f"<{iri}>"]
    for prefix, namespace in prefixes.items():
        if namespace and iri.startswith(namespace) and len(iri) > len(namespace):
            local = iri[len(namespace) :]
            needles.append(f"{prefix}:{local}")
            needles.append(f"{prefix}:{local.replace('/', chr(92) + '/')}")
    lines = text.splitlines()
    for needle in needles:
        pattern = re.compile(re.escape(needle) + r"(?![\w\-])")
        for number, line in enumerate(lines, start=1):
            if not line.lstrip().startswith("#") and pattern.search(line):
                return number
    return None


# SPARQL lexing, just enough to find IRIs: strings, IRIs and comments are blanked out (keeping
# offsets) before prefixed names are matched, so `#` inside an IRI or a string is not a comment.
_STRING = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
    r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\''
)
_IRIREF = re.compile(r"<([^<>\"{}|^`\\\s]*)>")
_COMMENT = re.compile(r"#[^\n]*")
_PREFIX_DECL = re.compile(r"(?i)\bPREFIX\s+([A-Za-z][\w.\-]*)?:\s*<([^>]*)>")
_BASE_DECL = re.compile(r"(?i)\bBASE\s*<[^>]*>")
_PNAME = re.compile(
    r"(?<![\w?$:.\-])([A-Za-z][\w.\-]*)?:((?:[\w\-:]|%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
    r"|\.(?=[\w\-:%\\]))*)"
)


def _blank(text: str, pattern: re.Pattern[str]) -> str:
    return pattern.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)


def sparql_iris(
    query: str,
    *,
    prefixes: dict[str, str] | None = None,
    report: CheckReport | None = None,
    path: Path | None = None,
) -> list[tuple[str, int]]:
    """The absolute IRIs a SPARQL text uses, with the offset of each use.

    Prefixed names are expanded with the query's own ``PREFIX`` declarations, then ``prefixes``,
    then pvkg's default prefixes (``pvkg.namespaces.PREFIXES``), which curated queries may rely on.

    Args:
        query: the SPARQL query or update text.
        prefixes: extra prefixes (for example those of the shapes file a query is embedded in).
        report: where an unknown prefix is recorded as a problem (ignored when None).
        path: the file the text comes from, for the problem's location.

    Returns:
        ``(iri, offset)`` pairs in the order they occur.

    >>> sparql_iris("SELECT ?s { ?s a pv:Service }")
    [('https://pvkg.lv/ontology#Service', 17)]
    """
    known = {**PREFIXES, **(prefixes or {})}
    found: list[tuple[str, int]] = []
    no_strings = _blank(query, _STRING)
    # A comment may hold "<" or a quote, so comments go before IRIs are read; "#" inside an IRI
    # is protected by blanking IRIs first on a scratch copy.
    scratch = _blank(no_strings, _IRIREF)
    comments = [m.span() for m in _COMMENT.finditer(scratch)]
    text = list(no_strings)
    for start, end in comments:
        text[start:end] = " " * (end - start)
    code = "".join(text)
    for match in _PREFIX_DECL.finditer(code):
        known[match.group(1) or ""] = match.group(2)
    code = _blank(_blank(code, _PREFIX_DECL), _BASE_DECL)
    for match in _IRIREF.finditer(code):
        found.append((match.group(1), match.start()))
    code = _blank(code, _IRIREF)
    for match in _PNAME.finditer(code):
        prefix, local = match.group(1) or "", match.group(2)
        if prefix not in known:
            if report is not None:
                line = query.count("\n", 0, match.start()) + 1
                report.problems.append(
                    Problem(f"prefix {prefix}: is not declared", file=path, line=line)
                )
            continue
        found.append((known[prefix] + re.sub(r"\\(.)", r"\1", local), match.start()))
    found.sort(key=lambda pair: pair[1])
    return found
