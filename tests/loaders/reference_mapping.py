"""The rdflib-based portfolio builder that loaders.mapping replaced (commit c6bf1fd), kept
verbatim as the reference the N-Triples writer must agree with (test_ntriples.py)."""

from __future__ import annotations

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, ORG, PROV, RDF, RDFS, SKOS, XSD
from rdflib.term import Node

from loaders.identity import (
    attribution_iri,
    need_iri,
    participation_iri,
    person_iri,
    person_slug,
    post_iri,
    service_iri,
)
from loaders.mapping import LATVIA, ROLE_TITLES, PortfolioRecord, ServiceRecord
from pvkg.namespaces import (
    ADMS,
    CPSV,
    CV,
    PV,
    ROLE,
    ROLE_PORTFOLIO_MANAGER,
    ROLE_SERVICE_MANAGER,
    concept,
    institution_iri,
    portfolio_iri,
)

Triple = tuple[Node, Node, Node]


class _Builder:
    def __init__(self, record: PortfolioRecord) -> None:
        self.rec = record
        self.inst_id = record.institution_id
        self.inst = institution_iri(self.inst_id)
        self.portfolio = portfolio_iri(self.inst_id)
        self.triples: list[Triple] = []
        self.persons: dict[str, URIRef] = {}
        self.posts: set[URIRef] = set()

    def add(self, s: Node, p: Node, o: Node) -> None:
        self.triples.append((s, p, o))

    def person(self, name: str) -> URIRef:
        slug = person_slug(name)
        iri = self.persons.get(slug)
        if iri is None:
            iri = person_iri(self.inst_id, name)
            self.persons[slug] = iri
            self.add(iri, RDF.type, FOAF.Person)
            self.add(iri, FOAF.name, Literal(name))
        return iri

    def post(self, role: str, name: str) -> URIRef:
        iri = post_iri(self.inst_id, role, name)
        if iri in self.posts:
            return iri
        self.posts.add(iri)
        person = self.person(name)
        add = self.add
        add(iri, RDF.type, ORG.Post)
        add(iri, RDF.type, FOAF.Agent)
        add(iri, ORG.role, concept(ROLE, role))
        add(iri, ORG.postIn, self.inst)
        add(iri, ORG.heldBy, person)
        add(iri, DCTERMS.identifier, Literal(f"{role}/{person_slug(name)}"))
        add(iri, DCTERMS.title, Literal(ROLE_TITLES[role], lang="lv"))
        add(iri, FOAF.name, Literal(name))
        add(person, ORG.holds, iri)
        if self.rec.institution_name:
            add(self.inst, ORG.hasPost, iri)
        return iri

    def institution(self) -> None:
        rec, inst, add = self.rec, self.inst, self.add
        named = bool(rec.institution_name)
        if named:
            name = Literal(rec.institution_name, lang=rec.name_language or None)
            for cls in (PV.Institution, CV.PublicOrganisation, ORG.FormalOrganization, FOAF.Agent):
                add(inst, RDF.type, cls)
            add(inst, DCTERMS.identifier, Literal(self.inst_id))
            for prop in (SKOS.prefLabel, DCTERMS.title, FOAF.name):
                add(inst, prop, name)
            add(inst, DCTERMS.spatial, LATVIA)
            for p, o in rec.institution_extra:
                add(inst, p, o)
        title = rec.institution_name or self.inst_id
        portfolio = self.portfolio
        add(portfolio, RDF.type, PV.Portfolio)
        add(portfolio, RDF.type, DCAT.Dataset)
        own_lv_title = rec.dataset_from_file and any(
            p == DCTERMS.title and isinstance(o, Literal) and (o.language or "").lower()[:2] == "lv"
            for p, o in rec.portfolio_extra
        )
        if not own_lv_title:  # a file's dataset keeps its own Latvian title
            add(portfolio, DCTERMS.title, Literal(f"{title} – pakalpojumu portfelis", lang="lv"))
        if not rec.dataset_from_file:
            lv = "iestādes pakalpojumu portfelis, visu tās pakalpojumu saraksts"
            en = "the institution's service portfolio, the list of all its services"
            add(portfolio, DCTERMS.description, Literal(f"{title}: {lv}.", lang="lv"))
            add(portfolio, DCTERMS.description, Literal(f"{title}: {en}.", lang="en"))
        if named:
            add(portfolio, DCTERMS.publisher, inst)
        for p, o in rec.portfolio_extra:
            add(portfolio, p, o)
        for name in rec.managers:
            post = self.post(ROLE_PORTFOLIO_MANAGER, name)
            if named:
                add(inst, PV.portfolioManager, self.person(name))
            attribution = attribution_iri(self.inst_id, ROLE_PORTFOLIO_MANAGER, name)
            add(portfolio, PROV.qualifiedAttribution, attribution)
            add(attribution, RDF.type, PROV.Attribution)
            add(attribution, PROV.agent, post)
            add(attribution, DCAT.hadRole, concept(ROLE, ROLE_PORTFOLIO_MANAGER))

    def service(self, svc: ServiceRecord) -> URIRef:
        add = self.add
        iri = service_iri(self.inst_id, svc.local_id or svc.service_id)
        add(iri, RDF.type, PV.Service)
        add(iri, RDF.type, CPSV.PublicService)
        add(iri, DCTERMS.identifier, Literal(svc.service_id))
        for reg in svc.register_ids:
            add(iri, PV.registerServiceId, Literal(reg))
        for title in svc.titles:
            add(iri, DCTERMS.title, title)
        if self.rec.institution_name:
            add(iri, CV.hasCompetentAuthority, self.inst)
        add(iri, DCTERMS.isPartOf, self.portfolio)
        add(self.portfolio, DCTERMS.hasPart, iri)
        for type_iri in svc.types:
            add(iri, CV.isClassifiedBy, type_iri)
        for status in svc.statuses:
            add(iri, ADMS.status, status)
        for priority in svc.priorities:
            add(iri, PV.priority, priority)
        for need in svc.needs:
            need_node = need_iri(self.inst_id, need)
            add(iri, PV.satisfiesNeed, need_node)
            add(need_node, RDF.type, PV.Need)
            add(need_node, SKOS.prefLabel, Literal(need, lang="lv"))
        for name in svc.managers:
            post = self.post(ROLE_SERVICE_MANAGER, name)
            add(iri, PV.serviceManager, self.person(name))
            part = participation_iri(iri, ROLE_SERVICE_MANAGER, name)
            add(iri, CV.hasParticipation, part)
            add(part, RDF.type, CV.Participation)
            ident = f"{svc.local_id or svc.service_id}/{ROLE_SERVICE_MANAGER}/{person_slug(name)}"
            add(part, DCTERMS.identifier, Literal(ident))
            add(part, DCTERMS.description, Literal(ROLE_TITLES[ROLE_SERVICE_MANAGER], lang="lv"))
            add(part, CV.role, concept(ROLE, ROLE_SERVICE_MANAGER))
            add(part, CV.hasParticipant, post)
        for comment in svc.comments:
            add(iri, RDFS.comment, comment)
        for p, o in svc.extra:
            add(iri, p, o)
        return iri


def reference_graphs(record: PortfolioRecord) -> tuple[Graph, Graph]:
    """The graph and source map as the rdflib-based builder made them."""
    builder = _Builder(record)
    builder.institution()
    sources: list[Triple] = []
    portfolio = builder.portfolio
    sources.append((portfolio, PV.sourceFile, Literal(record.filename)))
    if record.sheet:
        sources.append((portfolio, PV.sourceSheet, Literal(record.sheet)))
    for prop, letter, header in record.columns:
        node = BNode()
        sources += [
            (portfolio, PV.columnOf, node),
            (node, PV.property, prop),
            (node, PV.column, Literal(letter)),
            (node, PV.header, Literal(header)),
        ]
    for svc in record.services:
        iri = builder.service(svc)
        if svc.row is not None:
            sources.append((iri, PV.sourceRow, Literal(svc.row, datatype=XSD.integer)))
        if svc.line is not None:
            sources.append((iri, PV.sourceLine, Literal(svc.line, datatype=XSD.integer)))
    for cell in record.cells:
        node = BNode()
        sources += [(cell.subject, PV.sourceCell, node), (node, PV.property, cell.prop)]
        if cell.row is not None:
            sources.append((node, PV.row, Literal(cell.row, datatype=XSD.integer)))
        if cell.column:
            sources.append((node, PV.column, Literal(cell.column)))
    for subject, line in record.lines.items():
        sources.append((subject, PV.sourceLine, Literal(line, datatype=XSD.integer)))
    builder.triples.extend(record.extra_triples)
    graph = Graph()
    graph.addN((s, p, o, graph) for s, p, o in builder.triples)
    source_graph = Graph()
    source_graph.addN((s, p, o, source_graph) for s, p, o in sources)
    return graph, source_graph
