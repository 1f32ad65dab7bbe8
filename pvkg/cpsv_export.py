"""CPSV-AP 3.2.0 export of the current view: every current service, its authority and portfolio.

What ``pvkg export cpsv`` writes (docs/MODEL.md §4 is the input, STANDARDS.md §1-§2 the target):

* the **current version graph of every portfolio** (from the registry's ``pv:currentVersion``),
  unchanged, so that a CPSV-AP reader gets back exactly the facts that were loaded (our ``pv:``
  properties such as ``pv:priority`` stay: CPSV-AP shapes are open);
* the **competent authorities** as ``cv:PublicOrganisation`` from the reference data and
  registries: ``skos:prefLabel``, ``dct:title``, ``foaf:name``, ``dct:identifier``, ``dct:spatial``
  (ATU), and the identifiers pvkg holds (never invented): ``rov:registration`` /
  ``adms:identifier`` with ``adms:Identifier``, ``skos:notation`` and ``adms:schemeAgency``
  (the CPOV pattern), ``owl:sameAs`` Wikidata links;
* what CPSV-AP needs that a loaded portfolio does not carry:

  - ``dct:description`` of a service: the input's own description when there is one, else
    ``"Vajadzība: <need>"``\\@lv built from the Latvian label(s) of the need(s) it satisfies
    (``pv:satisfiesNeed``), else its Latvian title(s), else its title(s) in their own language
    (docs/MODEL.md §4: the loader never invents one, the export fills it; text is never put
    under a language it is not in);
  - ``dct:language`` ``…/language/LAV`` and ``dct:spatial`` ``…/atu/LVA`` on every service;
  - ``dct:description``\\@lv of a portfolio without one: ``"<institution> publisko pakalpojumu
    portfelis"``;
  - the typings and labels of every concept the export refers to (statuses, service types,
    roles, authority-table IRIs), so the CPSV-AP shapes' ``sh:class`` checks see them;
* a status that is not a concept (a value kept as submitted, which rule C07 reports) under
  ``pv:submittedStatus`` instead of ``adms:status``, whose CPSV-AP range is ``skos:Concept``: the
  export keeps the information and conforms; the stored data is not changed.

>>> from pvkg.store import LocalStore
>>> len(export_cpsv(LocalStore(None)))
0
"""

from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, ORG, OWL, RDF, SKOS
from rdflib.term import Node

from loaders.ntriples import language
from pvkg.namespaces import (
    ADMS,
    CV,
    PREFIX_DECLARATIONS,
    PREFIXES,
    PV,
    REGISTRY_GRAPH,
    ROV,
    portfolio_iri,
)
from pvkg.store import LocalStore, SelectResult, Store

AUTHORITY = "http://publications.europa.eu/resource/authority/"
LANGUAGE_LAV = URIRef(f"{AUTHORITY}language/LAV")
ATU_LVA = URIRef(f"{AUTHORITY}atu/LVA")
SUBMITTED_STATUS = PV["submittedStatus"]
READ_THREADS = 2  # versions read from the store at once
READ_AHEAD = 32  # versions read before they are copied into the export

_INSTITUTION_PROPERTIES = (
    RDF.type,
    DCTERMS.identifier,
    DCTERMS.title,
    DCTERMS.spatial,
    SKOS.prefLabel,
    SKOS.altLabel,
    SKOS.notation,
    FOAF.name,
    FOAF.homepage,
    ORG.classification,
    ORG.subOrganizationOf,
    OWL.sameAs,
    SKOS.exactMatch,
    ROV.registration,
    ADMS.identifier,
)
_CONCEPT_PROPERTIES = (
    RDF.type,
    SKOS.prefLabel,
    SKOS.notation,
    SKOS.inScheme,
    SKOS.broader,
    DCTERMS.title,
)

__all__ = [
    "ATU_LVA",
    "LANGUAGE_LAV",
    "current_versions",
    "describe_resources",
    "export_cpsv",
    "export_cpsv_store",
    "institution_graph",
    "scratch_graph",
]


def _select(store: Store, sparql: str) -> SelectResult:
    result = store.query(PREFIX_DECLARATIONS + sparql)
    assert isinstance(result, SelectResult)
    return result


def _values(iris: Iterable[Node]) -> str:
    return " ".join(f"<{iri}>" for iri in sorted({str(i) for i in iris if isinstance(i, URIRef)}))


def current_versions(store: Store) -> list[tuple[URIRef, URIRef]]:
    """(portfolio IRI, current version IRI) of every institution, from the registry graph.

    Raises:
        StoreError: the store cannot be queried.
    """
    rows = _select(
        store,
        f"""SELECT ?p ?v WHERE {{ GRAPH <{REGISTRY_GRAPH}> {{ ?p pv:currentVersion ?v }} }}
            ORDER BY ?p""",
    ).rows
    return [(URIRef(str(p)), URIRef(str(v))) for p, v in rows]


def describe_resources(
    store: Store, iris: Iterable[Node], properties: Iterable[URIRef] | None = None
) -> Graph:
    """The current view's triples about some IRIs (optionally only some properties).

    Raises:
        StoreError: the store cannot be queried.
    """
    values = _values(iris)
    graph = Graph()
    if not values:
        return graph
    props = list(properties) if properties is not None else None
    # A FILTER, not a second VALUES block: with ``VALUES ?p`` pyoxigraph scans every triple of
    # those predicates and joins them with the subjects (5.4 s for 1,000 institutions at 50,000
    # services, against 0.05 s with the subjects looked up first and then filtered).
    filter_text = (
        f"FILTER (?p IN ({', '.join(f'<{p}>' for p in props)}))" if props is not None else ""
    )
    answer = store.query(
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ VALUES ?s {{ {values} }} ?s ?p ?o {filter_text} }}"
    )
    assert isinstance(answer, Graph)
    return answer


def institution_graph(store: Store, institutions: Iterable[Node]) -> Graph:
    """Institutions as CPOV public organisations, with the identifiers and links pvkg holds.

    ``rov:registration`` is a sub-property of ``adms:identifier``; both are written so that
    readers that only know CPOV's ``adms:identifier`` find the Register of Enterprises number.

    Raises:
        StoreError: the store cannot be queried.
    """
    graph = describe_resources(store, institutions, _INSTITUTION_PROPERTIES)
    for institution in {s for s in graph.subjects() if isinstance(s, URIRef)}:
        graph.add((institution, RDF.type, CV.PublicOrganisation))
        graph.add((institution, RDF.type, FOAF.Agent))
        for registration in list(graph.objects(institution, ROV.registration)):
            graph.add((institution, ADMS.identifier, registration))
    identifiers = set(graph.objects(None, ADMS.identifier))
    graph += describe_resources(store, identifiers)
    return graph


def _need_labels(needs: list[tuple[Node, list[Literal]]]) -> list[str]:
    """The Latvian label of each need (its first, in label order), or the need itself when it
    is a literal."""
    labels = []
    for need, need_labels in needs:
        label = next((str(lbl) for lbl in sorted(need_labels) if language(lbl) == "lv"), None)
        if label is None and isinstance(need, Literal):
            label = str(need)
        if label:
            labels.append(label)
    return sorted(labels)


def _filled_descriptions(
    needs: list[tuple[Node, list[Literal]]], titles: Iterable[Node]
) -> list[Literal]:
    """A description for a service that has none, from what is stored, in its own language:
    the Latvian labels of its needs, else its Latvian titles, else its other titles."""
    labels = _need_labels(needs)
    if labels:
        return [Literal("Vajadzība: " + "; ".join(labels), lang="lv")]
    ordered = sorted(
        (t for t in titles if isinstance(t, Literal) and str(t)),
        key=lambda t: (t.language or "", str(t)),
    )
    latvian = [t for t in ordered if language(t) == "lv"]
    first: dict[str | None, Literal] = {}  # one description a language
    for title in latvian or ordered:
        first.setdefault(title.language, Literal(str(title), lang=title.language))
    return list(first.values())


def _fill_services(scratch: LocalStore) -> None:
    """Descriptions for the services without one; language and spatial coverage for all."""
    lacking = "?service a cpsv:PublicService FILTER NOT EXISTS { ?service dct:description ?any }"
    needs: dict[Node, dict[Node, list[Literal]]] = {}
    for service, need, label in _select(
        scratch,
        f"""SELECT ?service ?need ?label WHERE {{
              {lacking} ?service pv:satisfiesNeed ?need
              OPTIONAL {{ ?need skos:prefLabel ?label }} }}""",
    ).rows:
        assert service is not None and need is not None
        found = needs.setdefault(service, {}).setdefault(need, [])
        if isinstance(label, Literal):
            found.append(label)
    titles: dict[Node, list[Node]] = {}
    for service, title in _select(
        scratch, f"SELECT ?service ?title WHERE {{ {lacking} ?service dct:title ?title }}"
    ).rows:
        assert service is not None and title is not None
        titles.setdefault(service, []).append(title)
    filled = Graph()
    for service in needs.keys() | titles.keys():
        for description in _filled_descriptions(
            list(needs.get(service, {}).items()), titles.get(service, ())
        ):
            filled.add((service, DCTERMS.description, description))
    scratch.add_triples(None, filled)
    scratch.update(
        PREFIX_DECLARATIONS
        + f"""INSERT {{ ?service dct:language <{LANGUAGE_LAV}> ; dct:spatial <{ATU_LVA}> }}
              WHERE {{ ?service a cpsv:PublicService }}"""
    )


def _fill_portfolios(scratch: LocalStore) -> None:
    """A Latvian description for each portfolio without one, from its publisher's name."""
    publishers: dict[Node, dict[Node, list[Literal]]] = {}
    for portfolio, publisher, label in _select(
        scratch,
        """SELECT DISTINCT ?portfolio ?publisher ?label WHERE {
             ?portfolio dct:hasPart ?part FILTER NOT EXISTS { ?portfolio dct:description ?any }
             OPTIONAL { ?portfolio dct:publisher ?publisher
                        OPTIONAL { ?publisher skos:prefLabel ?label } } }""",
    ).rows:
        assert portfolio is not None
        labels = publishers.setdefault(portfolio, {})
        if publisher is not None:
            labels.setdefault(publisher, []).extend([label] if isinstance(label, Literal) else [])
    filled = Graph()
    for portfolio, labels in publishers.items():
        first = min(labels, key=str, default=None)  # (a portfolio has one publisher)
        names = sorted(n for n in labels.get(first, []) if language(n) == "lv") if first else []
        text = (
            f"{names[0]} publisko pakalpojumu portfelis"
            if names
            else "Publisko pakalpojumu portfelis"
        )
        filled.add((portfolio, DCTERMS.description, Literal(text, lang="lv")))
    scratch.add_triples(None, filled)


_CONCEPT_POINTERS = (
    ADMS.status,
    CV.isClassifiedBy,
    CV.role,
    ORG.role,
    ORG.classification,
    DCTERMS.language,
    DCTERMS.spatial,
    PV.priority,
    URIRef("http://www.w3.org/ns/dcat#hadRole"),
)


def _concepts(store: Store, scratch: LocalStore) -> Graph:
    """Typings and labels of the concepts and code-list IRIs the export points at."""
    objects = _select(
        scratch,
        f"""SELECT DISTINCT ?o WHERE {{
              VALUES ?p {{ {_values(_CONCEPT_POINTERS)} }} ?s ?p ?o FILTER isIRI(?o) }}""",
    ).column("o")
    concepts = describe_resources(store, [o for o in objects if o is not None], _CONCEPT_PROPERTIES)
    schemes = set(concepts.objects(None, SKOS.inScheme))
    concepts += describe_resources(store, schemes, (RDF.type, DCTERMS.title, SKOS.prefLabel))
    return concepts


def export_cpsv(store: Store, institution_id: str | None = None) -> Graph:
    """The current view as CPSV-AP 3.2.0: services, authorities, managers and portfolios.

    Args:
        store: the store (reference data loaded).
        institution_id: export only this institution's current portfolio. A file with one
            portfolio is what ``loaders.read_portfolio`` (and ``pvkg load``) read back; the
            whole export holds every institution's portfolio.

    Validates against ``shapes/external/cpsv-ap-SHACL.ttl`` (with or without ``cpsv-ap.ttl``
    mixed in) when the loaded portfolios are complete; facts the policy shapes would report
    are exported, never dropped (a status that is not a concept under ``pv:submittedStatus``).

    Raises:
        StoreError: the store cannot be read.
    """
    scratch = export_cpsv_store(store, institution_id)
    try:
        return scratch_graph(scratch)
    finally:
        scratch.close()


def scratch_graph(scratch: LocalStore) -> Graph:
    """The export in a scratch store (:func:`export_cpsv_store`) as an rdflib Graph, with
    pvkg's prefixes bound."""
    graph = Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    for triple in scratch.triples(None):
        graph.add(triple)
    return graph


def export_cpsv_store(store: Store, institution_id: str | None = None) -> LocalStore:
    """The export (:func:`export_cpsv`) built in a scratch in-memory store.

    Why: the current version graphs go from store to store as N-Triples and the additions are
    SPARQL updates or small graphs, so no rdflib term is made for the bulk of the export (at
    50,000 services building it through an rdflib Graph took 73 s); the scratch store also
    writes any RDF syntax in a fraction of rdflib's time, so ``GET /catalog/cpsv`` keeps it and
    serialises on request.

    Raises:
        StoreError: the store cannot be read.
    """
    scratch = LocalStore(None, result_cache_bytes=0)
    versions = [
        str(version)
        for portfolio, version in current_versions(store)
        if institution_id is None or portfolio == portfolio_iri(institution_id)
    ]
    # Reading a version out of an on-disk store is the slow part (about 8 ms for 1,200 triples)
    # and pyoxigraph releases the GIL for it: two threads read, a few versions ahead.
    with ThreadPoolExecutor(READ_THREADS, thread_name_prefix="pvkg-cpsv") as pool:
        for start in range(0, len(versions), READ_AHEAD):
            chunk = versions[start : start + READ_AHEAD]
            for data in pool.map(lambda v: store.serialize_graph(v, "nt"), chunk):
                if data:
                    scratch.load_data(data, "nt")
    institutions = _select(
        scratch,
        """SELECT DISTINCT ?institution WHERE {
             { ?s cv:hasCompetentAuthority ?institution } UNION { ?s dct:publisher ?institution }
           }""",
    ).column("institution")
    scratch.add_triples(None, institution_graph(store, [i for i in institutions if i is not None]))
    scratch.update(
        PREFIX_DECLARATIONS
        + f"""INSERT {{ ?institution dct:spatial <{ATU_LVA}> }} WHERE {{
                {{ ?s cv:hasCompetentAuthority ?institution }}
                UNION {{ ?s dct:publisher ?institution }}
                FILTER NOT EXISTS {{ ?institution dct:spatial ?any }} }}"""
    )
    _fill_services(scratch)
    _fill_portfolios(scratch)
    scratch.add_triples(None, _concepts(store, scratch))
    # a status that is no concept (C07 keeps it as submitted) goes under pv:submittedStatus:
    # CPSV-AP's adms:status takes a skos:Concept only
    scratch.update(
        PREFIX_DECLARATIONS
        + f"""DELETE {{ ?service adms:status ?status }}
              INSERT {{ ?service <{SUBMITTED_STATUS}> ?status }}
              WHERE {{ ?service adms:status ?status
                       FILTER NOT EXISTS {{ ?status a skos:Concept }} }}"""
    )
    return scratch
