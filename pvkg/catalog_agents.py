"""Publishers and code lists of the DCAT-AP catalogue (:mod:`pvkg.catalog`).

A publisher is a ``foaf:Agent`` with its name in Latvian and, where pvkg holds one, English, the
identifiers and links pvkg holds (never invented) and an ADMS publisher type: ministries and
state agencies are ``NationalAuthority``, municipalities ``LocalAuthority`` (both from the
institution's ``pv:Ministry`` / ``pv:Municipality`` type or ``org:classification``, which the
reference data and the institution registry give; an institution they do not classify gets
no type). The code-list concepts the catalogue uses are copied from the reference data so that
it validates on its own.
"""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, RDF, SKOS
from rdflib.term import Node

from pvkg.cpsv_export import describe_resources
from pvkg.errors import InputError
from pvkg.namespaces import (
    ADMS,
    DCATAP,
    INSTITUTION_KIND,
    PREFIX_DECLARATIONS,
    ROV,
    concept,
)
from pvkg.store import SelectResult, Store

PUBLISHER_TYPES = URIRef("http://purl.org/adms/publishertype/1.0")
NATIONAL_AUTHORITY = URIRef("http://purl.org/adms/publishertype/NationalAuthority")
LOCAL_AUTHORITY = URIRef("http://purl.org/adms/publishertype/LocalAuthority")
# Labels of the ADMS publisher types pvkg uses, for a reference data set that lacks one
# (http://purl.org/adms/publishertype/1.0; the concepts are not versioned).
_PUBLISHER_TYPE_LABELS = {
    NATIONAL_AUTHORITY: "National authority",
    LOCAL_AUTHORITY: "Local Authority",
}
DATA_THEME = URIRef("http://publications.europa.eu/resource/authority/data-theme")
_KIND_TYPE = {
    "ministry": NATIONAL_AUTHORITY,
    "state-agency": NATIONAL_AUTHORITY,
    "municipality": LOCAL_AUTHORITY,
}

__all__ = [
    "LOCAL_AUTHORITY",
    "NATIONAL_AUTHORITY",
    "add_agents",
    "add_code_lists",
    "agent_name",
    "check_publisher",
    "publisher_types",
]


def agent_name(facts: Graph, iri: Node, lang: str) -> str | None:
    """The institution's name in ``lang`` (``foaf:name``, else ``skos:prefLabel``), or None."""
    for prop in (FOAF.name, SKOS.prefLabel):
        for value in facts.objects(iri, prop):
            if isinstance(value, Literal) and value.language == lang:
                return str(value)
    return None


def publisher_types(store: Store, institutions: Iterable[URIRef]) -> dict[URIRef, URIRef]:
    """The ADMS publisher type of each institution the reference data or registry classifies.

    Raises:
        StoreError: the store cannot be queried.
    """
    values = " ".join(sorted({f"<{i}>" for i in institutions}))
    if not values:
        return {}
    kinds = " ".join(f'(<{concept(INSTITUTION_KIND, k)}> "{k}")' for k in _KIND_TYPE)
    result = store.query(
        PREFIX_DECLARATIONS
        + f"""SELECT ?i ?kind WHERE {{
          VALUES ?i {{ {values} }}
          {{ ?i a pv:Ministry BIND("ministry" AS ?kind) }}
          UNION {{ ?i a pv:Municipality BIND("municipality" AS ?kind) }}
          UNION {{ VALUES (?c ?kind) {{ {kinds} }} ?i org:classification ?c }}
        }}"""
    )
    assert isinstance(result, SelectResult)
    found: dict[URIRef, URIRef] = {}
    for institution, kind in result.rows:
        kind_type = _KIND_TYPE[str(kind)]
        if found.get(URIRef(str(institution))) != NATIONAL_AUTHORITY:  # a ministry wins
            found[URIRef(str(institution))] = kind_type
    return found


def add_agents(graph: Graph, store: Store, facts: Graph, institutions: Iterable[URIRef]) -> None:
    """Describe each institution as a publisher (``facts``: :func:`institution_graph`'s).

    Raises:
        StoreError: the store cannot be queried.
    """
    unique = list(dict.fromkeys(institutions))
    types = publisher_types(store, unique)
    for iri in unique:
        _agent(graph, facts, iri, types.get(iri))


def _agent(graph: Graph, facts: Graph, iri: URIRef, kind: URIRef | None) -> None:
    """A publisher: foaf:name (also in English where pvkg holds an English label), its type,
    and the identifiers and links pvkg holds (never invented)."""
    graph.add((iri, RDF.type, FOAF.Agent))
    names = [n for n in facts.objects(iri, FOAF.name) if isinstance(n, Literal)]
    if not names:
        names = [n for n in facts.objects(iri, SKOS.prefLabel) if isinstance(n, Literal)]
    english = agent_name(facts, iri, "en")
    if english and not any(n.language == "en" for n in names):
        names.append(Literal(english, lang="en"))
    for name in names or [Literal(str(iri).rsplit("/", 1)[-1])]:
        graph.add((iri, FOAF.name, name))
    if kind is not None:
        graph.add((iri, DCTERMS.type, kind))
    for prop in (SKOS.prefLabel, DCTERMS.identifier, OWL.sameAs):
        for value in facts.objects(iri, prop):
            graph.add((iri, prop, value))
    for identifier in facts.objects(iri, ROV.registration):
        graph.add((iri, ROV.registration, identifier))
        graph.add((iri, ADMS.identifier, identifier))
        for p, o in facts.predicate_objects(identifier):
            if p == SKOS.notation and any(True for _ in graph.objects(identifier, SKOS.notation)):
                continue  # DCAT-AP: at most one notation per identifier
            graph.add((identifier, p, o))


def check_publisher(store: Store, iri: URIRef) -> None:
    """Refuse a configured publisher the store has no name for (DCAT-AP needs ``foaf:name``).

    Raises:
        InputError: no ``foaf:name`` or ``skos:prefLabel`` of ``iri`` in the current view.
        StoreError: the store cannot be queried.
    """
    named = store.query(
        f"ASK {{ <{iri}> ?p ?name VALUES ?p {{ <{FOAF.name}> <{SKOS.prefLabel}> }} }}"
    )
    if named is not True:
        raise InputError(
            f"setting PVKG_CATALOG_PUBLISHER: no institution <{iri}> in the reference data or "
            "the institution registry; give a known institution id (pvkg registry load adds one)"
        )


def add_code_lists(graph: Graph, store: Store) -> None:
    """Copy the descriptions of the code-list IRIs the catalogue uses from the reference data.

    Raises:
        StoreError: the store cannot be queried.
    """
    used: set[Node] = set()
    for prop in (
        DCTERMS.language,
        DCTERMS.spatial,
        DCTERMS.license,
        DCTERMS.accessRights,
        DCTERMS.format,
        DCTERMS.type,
        DCTERMS.accrualPeriodicity,
        DCAT.theme,
        DCAT.mediaType,
        DCATAP.availability,
    ):
        used.update(o for o in graph.objects(None, prop) if isinstance(o, URIRef))
    concepts = describe_resources(
        store, used, (RDF.type, SKOS.prefLabel, SKOS.notation, SKOS.inScheme)
    )
    graph += concepts
    for kind, label in _PUBLISHER_TYPE_LABELS.items():
        if kind in used and (kind, SKOS.inScheme, PUBLISHER_TYPES) not in graph:
            graph.add((kind, RDF.type, SKOS.Concept))
            graph.add((kind, SKOS.inScheme, PUBLISHER_TYPES))
            graph.add((kind, SKOS.prefLabel, Literal(label, lang="en")))
    schemes = set(graph.objects(None, SKOS.inScheme)) | {DATA_THEME}
    graph += describe_resources(store, schemes, (RDF.type, DCTERMS.title))
    if (PUBLISHER_TYPES, RDF.type, SKOS.ConceptScheme) not in graph and PUBLISHER_TYPES in schemes:
        graph.add((PUBLISHER_TYPES, RDF.type, SKOS.ConceptScheme))
