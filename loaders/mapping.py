"""Portfolio records to triples: the one place that writes the data model of docs/MODEL.md §4-5.

The CSV, Excel and RDF readers all fill a :class:`PortfolioRecord`; :func:`build_graphs` turns
it into the portfolio graph (no blank nodes) and its source map (docs/MODEL.md §5), written
directly as N-Triples text: building rdflib Graphs here was most of a load's time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import quote

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, ORG, PROV, RDF, RDFS, SKOS, XSD
from rdflib.term import Node

from loaders.identity import person_slug, text_slug
from loaders.ntriples import iri as _n
from loaders.ntriples import language, literal, parse_graph, term
from pvkg.namespaces import (
    ADMS,
    CPSV,
    CV,
    EU_AUTHORITY,
    PV,
    ROLE,
    ROLE_PORTFOLIO_MANAGER,
    ROLE_SERVICE_MANAGER,
    concept,
    institution_iri,
    portfolio_iri,
)

LATVIA = EU_AUTHORITY["atu/LVA"]
ROLE_TITLES = {
    ROLE_PORTFOLIO_MANAGER: "Pakalpojumu kopuma vadītājs",
    ROLE_SERVICE_MANAGER: "Pakalpojuma vadītājs",
}

Triple = tuple[Node, Node, Node]


@dataclass
class ServiceRecord:
    """One service as read from a row (or an RDF resource), before it becomes triples."""

    service_id: str
    local_id: str = ""  # the IRI segment: the id, or ``<id>~<n>`` for repeats
    row: int | None = None
    line: int | None = None
    register_ids: list[str] = field(default_factory=list)
    titles: list[Literal] = field(default_factory=list)
    needs: list[str] = field(default_factory=list)
    types: list[URIRef] = field(default_factory=list)
    statuses: list[Node] = field(default_factory=list)
    priorities: list[Node] = field(default_factory=list)
    managers: list[str] = field(default_factory=list)
    comments: list[Literal] = field(default_factory=list)
    extra: list[tuple[URIRef, Node]] = field(default_factory=list)  # RDF input, kept as given


@dataclass
class SourceCell:
    """A fact that did not come from a service row: (subject, property, row, column)."""

    subject: URIRef
    prop: URIRef
    row: int | None
    column: str | None


@dataclass
class PortfolioRecord:
    """Everything a reader found in one file."""

    institution_id: str
    institution_name: str  # '' when the file names no institution (C12 reports it)
    filename: str
    name_language: str = "lv"
    managers: list[str] = field(default_factory=list)
    services: list[ServiceRecord] = field(default_factory=list)
    sheet: str | None = None
    columns: list[tuple[URIRef, str, str]] = field(default_factory=list)  # property, letter, header
    cells: list[SourceCell] = field(default_factory=list)
    lines: dict[URIRef, int] = field(default_factory=dict)  # RDF input: subject -> first line
    extra_triples: list[Triple] = field(default_factory=list)  # RDF input, kept as given
    portfolio_extra: list[tuple[URIRef, Node]] = field(default_factory=list)
    # RDF input whose file describes the portfolio (a dcat:Dataset): its description, or the
    # lack of one, is the file's; any other portfolio node is pvkg's and gets pvkg's description
    dataset_from_file: bool = False
    institution_extra: list[tuple[URIRef, Node]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


# How both readers' warning begins when a file names no institution (its id is then only the
# slug of the file name, which is no evidence of an institution; loaders.names_no_institution)
NO_INSTITUTION = "the file names no institution"


def _has_latvian_title(rec: PortfolioRecord) -> bool:
    """Whether the portfolio comes from a file's own dataset that has a Latvian ``dct:title``."""
    return rec.dataset_from_file and any(
        p == DCTERMS.title and language(o) == "lv" for p, o in rec.portfolio_extra
    )


def _portfolio_description(title: str) -> list[tuple[str, str]]:
    """The description of a portfolio node pvkg makes (a spreadsheet has no cell for one)."""
    return [
        (f"{title}: iestādes pakalpojumu portfelis, visu tās pakalpojumu saraksts.", "lv"),
        (f"{title}: the institution's service portfolio, the list of all its services.", "en"),
    ]


@dataclass
class BuiltPortfolio:
    """The portfolio graph and its source map as N-Triples text (one distinct triple a line)."""

    graph_nt: str
    sources_nt: str
    triple_count: int
    person_count: int

    @property
    def graph(self) -> Graph:
        """The portfolio graph parsed into rdflib (for tests and callers that need one)."""
        return parse_graph(self.graph_nt)

    @property
    def sources(self) -> Graph:
        """The source map parsed into rdflib."""
        return parse_graph(self.sources_nt)


# Terms the builder writes over and over, as N-Triples once.
_A = _n(RDF.type)
_FOAF_PERSON, _FOAF_AGENT, _FOAF_NAME = _n(FOAF.Person), _n(FOAF.Agent), _n(FOAF.name)
_ORG_POST, _ORG_ROLE, _ORG_POST_IN = _n(ORG.Post), _n(ORG.role), _n(ORG.postIn)
_ORG_HELD_BY, _ORG_HOLDS, _ORG_HAS_POST = _n(ORG.heldBy), _n(ORG.holds), _n(ORG.hasPost)
_DCT_ID, _DCT_TITLE, _DCT_DESCRIPTION = (
    _n(DCTERMS.identifier),
    _n(DCTERMS.title),
    _n(DCTERMS.description),
)
_DCT_PART_OF, _DCT_HAS_PART = _n(DCTERMS.isPartOf), _n(DCTERMS.hasPart)
_PV_SERVICE, _CPSV_SERVICE = _n(PV.Service), _n(CPSV.PublicService)
_PV_REGISTER_ID, _PV_PRIORITY = _n(PV.registerServiceId), _n(PV.priority)
_PV_NEED, _PV_SATISFIES = _n(PV.Need), _n(PV.satisfiesNeed)
_PV_SERVICE_MANAGER = _n(PV.serviceManager)
_CV_AUTHORITY, _CV_CLASSIFIED = _n(CV.hasCompetentAuthority), _n(CV.isClassifiedBy)
_CV_PARTICIPATION, _CV_HAS_PARTICIPATION = _n(CV.Participation), _n(CV.hasParticipation)
_CV_ROLE, _CV_PARTICIPANT = _n(CV.role), _n(CV.hasParticipant)
_ADMS_STATUS, _SKOS_PREF, _RDFS_COMMENT = _n(ADMS.status), _n(SKOS.prefLabel), _n(RDFS.comment)
_XSD_INTEGER = str(XSD.integer)
_ROLE_TERMS = {role: _n(concept(ROLE, role)) for role in ROLE_TITLES}
_ROLE_TITLE_TERMS = {role: literal(title, "lv") for role, title in ROLE_TITLES.items()}


def _segment(value: str) -> str:
    """One percent-encoded IRI path segment (as :func:`pvkg.namespaces.scoped_iri` writes it)."""
    return value if _PLAIN_SEGMENT.fullmatch(value) else quote(value, safe="-._~")


_PLAIN_SEGMENT = re.compile(r"[A-Za-z0-9._~-]*")


class _Builder:
    """Writes the triples of docs/MODEL.md §4 as N-Triples lines (terms are strings)."""

    def __init__(self, record: PortfolioRecord) -> None:
        self.rec = record
        self.inst_id = record.institution_id
        self.inst_text = str(institution_iri(self.inst_id))
        self.inst = f"<{self.inst_text}>"
        self.portfolio_text = str(portfolio_iri(self.inst_id))
        self.portfolio = f"<{self.portfolio_text}>"
        self.lines: list[str] = []
        self.persons: dict[str, str] = {}
        self.posts: set[str] = set()
        self.terms: dict[Node, str] = {}  # rdflib terms of the record, written once each

    def add(self, s: str, p: str, o: str) -> None:
        self.lines.append(f"{s} {p} {o} .\n")

    def term(self, node: Node) -> str:
        found = self.terms.get(node)
        if found is None:
            found = self.terms[node] = term(node)
        return found

    def person(self, name: str) -> str:
        slug = person_slug(name)
        iri = self.persons.get(slug)
        if iri is None:
            iri = f"<{self.inst_text}/person/{_segment(slug)}>"
            self.persons[slug] = iri
            self.add(iri, _A, _FOAF_PERSON)
            self.add(iri, _FOAF_NAME, literal(name))
        return iri

    def post(self, role: str, name: str) -> str:
        slug = person_slug(name)
        iri = f"<{self.inst_text}/post/{_segment(role)}/{slug}>"
        if iri in self.posts:
            return iri
        self.posts.add(iri)
        person = self.person(name)
        add = self.add
        add(iri, _A, _ORG_POST)
        add(iri, _A, _FOAF_AGENT)
        add(iri, _ORG_ROLE, _ROLE_TERMS[role])
        add(iri, _ORG_POST_IN, self.inst)
        add(iri, _ORG_HELD_BY, person)
        add(iri, _DCT_ID, literal(f"{role}/{slug}"))
        add(iri, _DCT_TITLE, _ROLE_TITLE_TERMS[role])
        add(iri, _FOAF_NAME, literal(name))
        add(person, _ORG_HOLDS, iri)
        if self.rec.institution_name:
            add(self.inst, _ORG_HAS_POST, iri)
        return iri

    def institution(self) -> None:
        rec, inst, add, term = self.rec, self.inst, self.add, self.term
        named = bool(rec.institution_name)
        if named:
            name = literal(rec.institution_name, rec.name_language or None)
            for cls in (PV.Institution, CV.PublicOrganisation, ORG.FormalOrganization, FOAF.Agent):
                add(inst, _A, _n(cls))
            add(inst, _DCT_ID, literal(self.inst_id))
            for prop in (SKOS.prefLabel, DCTERMS.title, FOAF.name):
                add(inst, _n(prop), name)
            add(inst, _n(DCTERMS.spatial), _n(LATVIA))
            for p, o in rec.institution_extra:
                add(inst, term(p), term(o))
        title = rec.institution_name or self.inst_id
        portfolio = self.portfolio
        add(portfolio, _A, _n(PV.Portfolio))
        add(portfolio, _A, _n(DCAT.Dataset))
        if not _has_latvian_title(rec):  # a file's own dataset keeps its own Latvian titles
            add(portfolio, _DCT_TITLE, literal(f"{title} – pakalpojumu portfelis", "lv"))
        if not rec.dataset_from_file:  # CPSV-AP wants a description of every dcat:Dataset
            for text, lang in _portfolio_description(title):
                add(portfolio, _DCT_DESCRIPTION, literal(text, lang))
        if named:
            add(portfolio, _n(DCTERMS.publisher), inst)
        for p, o in rec.portfolio_extra:
            add(portfolio, term(p), term(o))
        role = ROLE_PORTFOLIO_MANAGER
        for name in rec.managers:
            post = self.post(role, name)
            if named:
                add(inst, _n(PV.portfolioManager), self.person(name))
            attribution = f"<{self.portfolio_text}/attribution/{role}/{person_slug(name)}>"
            add(portfolio, _n(PROV.qualifiedAttribution), attribution)
            add(attribution, _A, _n(PROV.Attribution))
            add(attribution, _n(PROV.agent), post)
            add(attribution, _n(DCAT.hadRole), _ROLE_TERMS[role])

    def service(self, svc: ServiceRecord) -> str:
        add, term = self.add, self.term
        local = svc.local_id or svc.service_id
        iri_text = f"{self.inst_text}/service/{_segment(local)}"
        iri = f"<{iri_text}>"
        add(iri, _A, _PV_SERVICE)
        add(iri, _A, _CPSV_SERVICE)
        add(iri, _DCT_ID, literal(svc.service_id))
        for reg in svc.register_ids:
            add(iri, _PV_REGISTER_ID, literal(reg))
        for title in svc.titles:
            add(iri, _DCT_TITLE, term(title))
        if self.rec.institution_name:
            add(iri, _CV_AUTHORITY, self.inst)
        add(iri, _DCT_PART_OF, self.portfolio)
        add(self.portfolio, _DCT_HAS_PART, iri)
        for type_iri in svc.types:
            add(iri, _CV_CLASSIFIED, term(type_iri))
        for status in svc.statuses:
            add(iri, _ADMS_STATUS, term(status))
        for priority in svc.priorities:
            add(iri, _PV_PRIORITY, term(priority))
        for need in svc.needs:
            need_node = f"<{self.inst_text}/need/{_segment(text_slug(need))}>"
            add(iri, _PV_SATISFIES, need_node)
            add(need_node, _A, _PV_NEED)
            add(need_node, _SKOS_PREF, literal(need, "lv"))
        role = ROLE_SERVICE_MANAGER
        for name in svc.managers:
            post = self.post(role, name)
            add(iri, _PV_SERVICE_MANAGER, self.person(name))
            slug = person_slug(name)
            part = f"<{iri_text}/participation/{role}/{slug}>"
            add(iri, _CV_HAS_PARTICIPATION, part)
            add(part, _A, _CV_PARTICIPATION)
            add(part, _DCT_ID, literal(f"{local}/{role}/{slug}"))
            add(part, _DCT_DESCRIPTION, _ROLE_TITLE_TERMS[role])
            add(part, _CV_ROLE, _ROLE_TERMS[role])
            add(part, _CV_PARTICIPANT, post)
        for comment in svc.comments:
            add(iri, _RDFS_COMMENT, term(comment))
        for p, o in svc.extra:
            add(iri, term(p), term(o))
        return iri


def _distinct(lines: list[str]) -> list[str]:
    """Each triple once, in first-seen order (a Graph is a set: a need shared by two services is
    one ``pv:Need``)."""
    return list(dict.fromkeys(lines))


def build_graphs(record: PortfolioRecord) -> BuiltPortfolio:
    """The portfolio graph and its source map for one record, as N-Triples text.

    >>> rec = PortfolioRecord("da", "Digitālā aģentūra", "da.csv", managers=["Pēteris Liepiņš"],
    ...                       services=[ServiceRecord("DA-001", managers=["Ilze Kalniņa"])])
    >>> built = build_graphs(rec)
    >>> built.person_count, built.triple_count > 20, len(built.graph) == built.triple_count
    (2, True, True)
    """
    builder = _Builder(record)
    builder.institution()
    sources: list[str] = []
    portfolio = builder.portfolio
    source_line = sources.append
    source_line(f"{portfolio} {_n(PV.sourceFile)} {literal(record.filename)} .\n")
    if record.sheet:
        source_line(f"{portfolio} {_n(PV.sourceSheet)} {literal(record.sheet)} .\n")
    blank = 0
    column_of, prop_p, column_p = _n(PV.columnOf), _n(PV.property), _n(PV.column)
    for prop, letter, header in record.columns:
        blank += 1
        node = f"_:b{blank}"
        source_line(f"{portfolio} {column_of} {node} .\n")
        source_line(f"{node} {prop_p} {builder.term(prop)} .\n")
        source_line(f"{node} {column_p} {literal(letter)} .\n")
        source_line(f"{node} {_n(PV.header)} {literal(header)} .\n")
    row_p, line_p = _n(PV.sourceRow), _n(PV.sourceLine)
    for svc in record.services:
        iri = builder.service(svc)
        if svc.row is not None:
            source_line(f'{iri} {row_p} "{svc.row}"^^<{_XSD_INTEGER}> .\n')
        if svc.line is not None:
            source_line(f'{iri} {line_p} "{svc.line}"^^<{_XSD_INTEGER}> .\n')
    cell_p, cell_row_p = _n(PV.sourceCell), _n(PV.row)
    for cell in record.cells:
        blank += 1
        node = f"_:b{blank}"
        source_line(f"{builder.term(cell.subject)} {cell_p} {node} .\n")
        source_line(f"{node} {prop_p} {builder.term(cell.prop)} .\n")
        if cell.row is not None:
            source_line(f'{node} {cell_row_p} "{cell.row}"^^<{_XSD_INTEGER}> .\n')
        if cell.column:
            source_line(f"{node} {column_p} {literal(cell.column)} .\n")
    for subject, line in record.lines.items():
        source_line(f'{builder.term(subject)} {line_p} "{line}"^^<{_XSD_INTEGER}> .\n')
    term = builder.term
    for s, p, o in record.extra_triples:
        builder.add(term(s), term(p), term(o))
    lines = _distinct(builder.lines)
    return BuiltPortfolio(
        "".join(lines), "".join(_distinct(sources)), len(lines), len(builder.persons)
    )
