"""DCAT-AP 3.0.1 catalogue of the knowledge graph (``GET /catalog``, ``pvkg export dcat``).

The catalogue (``<base_url>/catalog``) holds:

* ``<base_url>/catalog#knowledge-graph``: the whole current view as one ``dcat:Dataset``, with
  a SPARQL distribution (``dcat:accessService``) and one download distribution per RDF syntax
  (``<base_url>/store?default&format=<fmt>``, the Graph Store Protocol's default graph);
* one ``dcat:Dataset`` per institution portfolio (its stable IRI
  ``pvid:institution/<id>/portfolio``, the same IRI the CPSV-AP export uses), with the current
  version's date as ``dct:modified``, the first version's as ``dct:issued``, and one
  distribution per RDF syntax at
  ``<base_url>/portfolios/<id>?format=<fmt>``;
* ``<base_url>/catalog#sparql``: the ``dcat:DataService`` for ``<base_url>/sparql``
  (SPARQL 1.1 Protocol; the service description is served at the same URL).

``dcat:byteSize`` is the length of the bytes :func:`portfolio_bytes` / :func:`knowledge_graph_bytes`
produce: the HTTP routes must serve exactly those functions' output for the sizes to be true.
Licence and access rights are stated on the distributions and the service, not the datasets
(DCAT-AP puts legal information at the most concrete level). The publisher is the operating
institution (VARAM unless told otherwise) as a ``foaf:Agent`` with ``dct:type``
``…/publishertype/NationalAuthority`` and the identifiers the reference data holds.
The authority-table concepts used (``reference/eu-authority-tables.ttl``) are copied into the
catalogue, typed and in their schemes, so that it validates on its own against the DCAT-AP
3.0.1 shapes ``shapes.ttl`` + ``range.ttl`` + ``mdr-vocabularies.shape.ttl``.

Spec: DCAT-AP 3.0.1, https://semiceu.github.io/DCAT-AP/releases/3.0.1/

>>> from pvkg.settings import Settings
>>> from pvkg.store import LocalStore
>>> g = build_catalog(LocalStore(None), Settings(base_url="https://pvkg.example.lv"))
>>> (URIRef("https://pvkg.example.lv/catalog"), RDF.type, DCAT.Catalog) in g
True
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, RDF, SKOS, XSD
from rdflib.term import Node

from pvkg.cpsv_export import describe_resources, institution_graph
from pvkg.namespaces import (
    ADMS,
    DCATAP,
    INSTITUTION_KIND,
    PREFIXES,
    REGISTRY_GRAPH,
    ROV,
    concept,
    institution_iri,
)
from pvkg.settings import Settings
from pvkg.store import SelectResult, Store, rdf_format

AUTHORITY = "http://publications.europa.eu/resource/authority/"
IANA = "http://www.iana.org/assignments/media-types/"
NATIONAL_AUTHORITY = URIRef("http://purl.org/adms/publishertype/NationalAuthority")
DEFAULT_PUBLISHER = "viedas-administracijas-un-regionalas-attistibas-ministrija"  # VARAM
DEFAULT_LICENCE = URIRef(f"{AUTHORITY}licence/CC_BY_4_0")
PUBLIC = URIRef(f"{AUTHORITY}access-right/PUBLIC")
STABLE = URIRef(f"{AUTHORITY}planned-availability/STABLE")
GOVE = URIRef(f"{AUTHORITY}data-theme/GOVE")
DATA_THEME = URIRef(f"{AUTHORITY}data-theme")
IRREG = URIRef(f"{AUTHORITY}frequency/IRREG")
LAV = URIRef(f"{AUTHORITY}language/LAV")
ENG = URIRef(f"{AUTHORITY}language/ENG")
COUNTRY_LVA = URIRef(f"{AUTHORITY}country/LVA")
SPARQLQ = URIRef(f"{AUTHORITY}file-type/SPARQLQ")
SPARQL_PROTOCOL = URIRef("https://www.w3.org/TR/sparql11-protocol/")
CPSV_AP = URIRef("http://data.europa.eu/m8g/cpsvap/3.2.0")
KIND_MINISTRY = concept(INSTITUTION_KIND, "ministry")
KIND_STATE_AGENCY = concept(INSTITUTION_KIND, "state-agency")
DCAT_VERSION = URIRef("http://www.w3.org/ns/dcat#version")  # DCAT 3; not in rdflib's DCAT


@dataclass(frozen=True)
class DumpFormat:
    """One RDF syntax a distribution is offered in."""

    name: str  # pvkg format name (pvkg.store.rdf_format), also the ?format= value
    file_type: URIRef  # EU file-type authority table
    media_type: URIRef  # IANA
    label: str


def _fmt(name: str, file_type: str, media_type: str, label: str) -> DumpFormat:
    return DumpFormat(
        name, URIRef(f"{AUTHORITY}file-type/{file_type}"), URIRef(f"{IANA}{media_type}"), label
    )


DUMP_FORMATS: tuple[DumpFormat, ...] = (
    _fmt("turtle", "RDF_TURTLE", "text/turtle", "Turtle"),
    _fmt("jsonld", "JSON_LD", "application/ld+json", "JSON-LD"),
    _fmt("rdfxml", "RDF_XML", "application/rdf+xml", "RDF/XML"),
    _fmt("nt", "RDF_N_TRIPLES", "application/n-triples", "N-Triples"),
)

__all__ = [
    "DEFAULT_LICENCE",
    "DEFAULT_PUBLISHER",
    "DUMP_FORMATS",
    "build_catalog",
    "catalog_url",
    "knowledge_graph_bytes",
    "knowledge_graph_download_url",
    "portfolio_bytes",
    "portfolio_download_url",
    "sparql_url",
]

_PREFIX_TEXT = "".join(f"PREFIX {k}: <{v}>\n" for k, v in PREFIXES.items())


# -- URLs (relative to settings.base_url) ---------------------------------------------------------


def catalog_url(settings: Settings) -> str:
    """``<base_url>/catalog``: the catalogue document and the ``dcat:Catalog`` IRI."""
    return f"{settings.base_url.rstrip('/')}/catalog"


def sparql_url(settings: Settings) -> str:
    """``<base_url>/sparql``: endpoint URL and service description."""
    return f"{settings.base_url.rstrip('/')}/sparql"


def knowledge_graph_download_url(settings: Settings, fmt: str) -> str:
    """The current view (GSP default graph) in one syntax."""
    return f"{settings.base_url.rstrip('/')}/store?default&format={fmt}"


def portfolio_download_url(settings: Settings, institution_id: str, fmt: str) -> str:
    """An institution's current portfolio version in one syntax."""
    return f"{settings.base_url.rstrip('/')}/portfolios/{institution_id}?format={fmt}"


# -- the bytes behind the download URLs ---------------------------------------------------------


def knowledge_graph_bytes(store: Store, fmt: str) -> bytes:
    """The current view (the default graph) serialised as the download distributions offer it.

    Raises:
        UnsupportedFormat: ``fmt`` is not an RDF syntax pvkg writes.
        StoreError: the store cannot be read.
    """
    return store.serialize_graph(None, rdf_format(fmt).name)


def portfolio_bytes(store: Store, version_iri: str, fmt: str) -> bytes:
    """One stored portfolio version graph serialised as its distributions offer it.

    Raises:
        UnsupportedFormat: ``fmt`` is not an RDF syntax pvkg writes.
        StoreError: the store cannot be read.
    """
    return store.serialize_graph(version_iri, rdf_format(fmt).name)


# -- reading the registry -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Portfolio:
    iri: URIRef
    version: URIRef
    institution: URIRef
    institution_id: str
    number: int
    modified: Literal | None
    issued: Literal | None


def _select(store: Store, sparql: str) -> SelectResult:
    result = store.query(_PREFIX_TEXT + sparql)
    assert isinstance(result, SelectResult)
    return result


def _portfolios(store: Store) -> list[_Portfolio]:
    rows = _select(
        store,
        f"""SELECT ?p ?v ?inst ?n ?t (MIN(?t0) AS ?first) WHERE {{
              GRAPH <{REGISTRY_GRAPH}> {{
                ?p pv:currentVersion ?v . ?v pv:institution ?inst ; pv:versionNumber ?n .
                OPTIONAL {{ ?v prov:generatedAtTime ?t }}
                OPTIONAL {{ ?v0 pv:versionOf ?p ; prov:generatedAtTime ?t0 }}
              }}
            }} GROUP BY ?p ?v ?inst ?n ?t ORDER BY ?p""",
    ).rows
    found = []
    for p, v, inst, n, t, first in rows:
        found.append(
            _Portfolio(
                iri=URIRef(str(p)),
                version=URIRef(str(v)),
                institution=URIRef(str(inst)),
                institution_id=str(inst).rsplit("/institution/", 1)[-1],
                number=int(n),  # type: ignore[arg-type]
                modified=t if isinstance(t, Literal) else None,
                issued=first if isinstance(first, Literal) else None,
            )
        )
    return found


def _label(graph: Graph, node: Node, lang: str) -> str | None:
    for prop in (SKOS.prefLabel, DCTERMS.title, FOAF.name):
        for value in graph.objects(node, prop):
            if isinstance(value, Literal) and value.language == lang:
                return str(value)
    return None


# -- building the catalogue -----------------------------------------------------------------------


def _agent(graph: Graph, store: Store, iri: URIRef, *, national: bool) -> None:
    """A publisher: foaf:name plus the identifiers and links pvkg holds (never invented)."""
    facts = institution_graph(store, [iri])
    graph.add((iri, RDF.type, FOAF.Agent))
    names = [n for n in facts.objects(iri, FOAF.name) if isinstance(n, Literal)]
    if not names:
        names = [n for n in facts.objects(iri, SKOS.prefLabel) if isinstance(n, Literal)]
    for name in names or [Literal(str(iri).rsplit("/", 1)[-1])]:
        graph.add((iri, FOAF.name, name))
    if national:
        graph.add((iri, DCTERMS.type, NATIONAL_AUTHORITY))
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


def _is_national(store: Store, iri: URIRef) -> bool:
    """Ministries and state agencies are national authorities (ADMS publisher type)."""
    answer = store.query(
        _PREFIX_TEXT
        + f"""ASK {{ {{ <{iri}> a pv:Ministry }} UNION
                 {{ <{iri}> org:classification ?kind
                    VALUES ?kind {{ <{KIND_MINISTRY}> <{KIND_STATE_AGENCY}> }} }} }}"""
    )
    return bool(answer)


def _distribution(
    graph: Graph,
    iri: URIRef,
    url: str,
    fmt: DumpFormat,
    size: int,
    licence: URIRef,
    what_lv: str,
    what_en: str,
) -> None:
    graph.add((iri, RDF.type, DCAT.Distribution))
    graph.add((iri, DCTERMS.title, Literal(f"{what_lv} ({fmt.label})", lang="lv")))
    graph.add((iri, DCTERMS.title, Literal(f"{what_en} ({fmt.label})", lang="en")))
    graph.add((iri, DCTERMS.description, Literal(f"{what_lv}, {fmt.label} formātā", lang="lv")))
    graph.add((iri, DCTERMS.description, Literal(f"{what_en} as {fmt.label}", lang="en")))
    graph.add((iri, DCAT.accessURL, URIRef(url)))
    graph.add((iri, DCAT.downloadURL, URIRef(url)))
    graph.add((iri, DCAT.mediaType, fmt.media_type))
    graph.add((iri, DCTERMS.format, fmt.file_type))
    graph.add((iri, DCAT.byteSize, Literal(size, datatype=XSD.nonNegativeInteger)))
    graph.add((iri, DCTERMS.license, licence))
    graph.add((iri, DCTERMS.accessRights, PUBLIC))
    graph.add((iri, DCATAP.availability, STABLE))


def _common_dataset_facts(graph: Graph, dataset: URIRef, publisher: URIRef) -> None:
    graph.add((dataset, RDF.type, DCAT.Dataset))
    graph.add((dataset, DCTERMS.publisher, publisher))
    graph.add((dataset, DCAT.theme, GOVE))
    graph.add((dataset, DCTERMS.spatial, COUNTRY_LVA))
    graph.add((dataset, DCTERMS.language, LAV))
    graph.add((dataset, DCTERMS.accrualPeriodicity, IRREG))
    graph.add((dataset, DCTERMS.conformsTo, CPSV_AP))


_TEXTS: dict[str, tuple[str, str]] = {
    "catalog_title": (
        "Publisko pakalpojumu pārvaldības katalogs",
        "Public service governance catalogue",
    ),
    "catalog_description": (
        "Latvijas iestāžu publisko pakalpojumu portfeļu, pakalpojumu veidu, lomu un "
        "uzdevumu zināšanu grafa katalogs.",
        "Catalogue of the knowledge graph of Latvian institutions' public-service "
        "portfolios, service types, roles and tasks.",
    ),
    "kg_title": (
        "Publisko pakalpojumu pārvaldības zināšanu grafs",
        "Public service governance knowledge graph",
    ),
    "kg_description": (
        "Iestāžu publisko pakalpojumu portfeļi (pašreizējās versijas), pakalpojumu veidi, "
        "pārvaldības lomas un uzdevumi, aprakstīti ar CPSV-AP, CPOV un W3C ORG.",
        "Institutions' public-service portfolios (current versions), service types, "
        "governance roles and tasks, described with CPSV-AP, CPOV and W3C ORG.",
    ),
    "kg_keyword": ("publiskie pakalpojumi", "public services"),
    "portfolio_keyword": ("pakalpojumu portfelis", "service portfolio"),
    "sparql_dist_title": ("SPARQL galapunkts", "SPARQL endpoint"),
    "sparql_dist_description": (
        "Vaicājiet zināšanu grafu ar SPARQL 1.1",
        "Query the knowledge graph with SPARQL 1.1",
    ),
    "service_title": (
        "Publisko pakalpojumu pārvaldības SPARQL galapunkts",
        "Public service governance SPARQL endpoint",
    ),
    "service_description": (
        "SPARQL 1.1 protokola galapunkts zināšanu grafa pašreizējam skatam",
        "SPARQL 1.1 Protocol endpoint over the current view of the knowledge graph",
    ),
}


def _texts(graph: Graph, node: URIRef, prop: URIRef, key: str) -> None:
    """Add the Latvian and English text ``key`` of :data:`_TEXTS`."""
    lv, en = _TEXTS[key]
    graph.add((node, prop, Literal(lv, lang="lv")))
    graph.add((node, prop, Literal(en, lang="en")))


def build_catalog(
    store: Store,
    settings: Settings,
    *,
    publisher_id: str | None = None,
    licence: str | None = None,
) -> Graph:
    """The DCAT-AP 3.0.1 catalogue of the knowledge graph, its portfolios and SPARQL service.

    Args:
        store: a prepared store (reference data loaded, see :func:`pvkg.bootstrap.prepare`).
        settings: ``base_url`` is the public base of every URL in the catalogue.
        publisher_id: pvkg id of the operating institution (default: VARAM, or the
            ``catalog_publisher`` setting when the Settings object has one).
        licence: IRI of the licence of the data (default: EU licence table ``CC_BY_4_0``, or the
            ``catalog_licence`` setting when present); it must be described in the reference
            data (typed ``dct:LicenseDocument``, in the licence scheme) to validate.

    Raises:
        StoreError: the store cannot be read.
    """
    publisher_id = publisher_id or getattr(settings, "catalog_publisher", None) or DEFAULT_PUBLISHER
    licence_iri = URIRef(licence or getattr(settings, "catalog_licence", None) or DEFAULT_LICENCE)
    catalog = URIRef(catalog_url(settings))
    kg = URIRef(f"{catalog}#knowledge-graph")
    service = URIRef(f"{catalog}#sparql")
    publisher = institution_iri(publisher_id)

    graph = Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    _agent(graph, store, publisher, national=True)
    portfolios = _portfolios(store)
    modified = [p.modified for p in portfolios if p.modified is not None]
    issued = [p.issued for p in portfolios if p.issued is not None]

    _catalog_node(graph, settings, catalog, publisher, licence_iri)
    graph.add((catalog, DCAT.dataset, kg))
    graph.add((catalog, DCAT.service, service))
    if issued:
        graph.add((catalog, DCTERMS.issued, min(issued, key=_when)))
    if modified:
        graph.add((catalog, DCTERMS.modified, max(modified, key=_when)))
        graph.add((kg, DCTERMS.modified, max(modified, key=_when)))

    _knowledge_graph(graph, store, settings, kg, service, publisher, licence_iri)
    names = institution_graph(store, [p.institution for p in portfolios])
    for portfolio in portfolios:
        _portfolio_dataset(graph, store, settings, portfolio, names, licence_iri)
        graph.add((catalog, DCAT.dataset, portfolio.iri))
        graph.add((kg, DCTERMS.hasPart, portfolio.iri))
    _sparql_service(graph, settings, service, kg, publisher, licence_iri)

    # standards and the authority-table concepts used, so the catalogue validates on its own
    graph.add((SPARQL_PROTOCOL, RDF.type, DCTERMS.Standard))
    graph.add((SPARQL_PROTOCOL, DCTERMS.title, Literal("SPARQL 1.1 Protocol", lang="en")))
    graph.add((CPSV_AP, RDF.type, DCTERMS.Standard))
    graph.add((CPSV_AP, DCTERMS.title, Literal("CPSV-AP 3.2.0", lang="en")))
    _add_code_lists(graph, store)
    return graph


def _catalog_node(
    graph: Graph, settings: Settings, catalog: URIRef, publisher: URIRef, licence: URIRef
) -> None:
    homepage = URIRef(f"{settings.base_url.rstrip('/')}/")
    graph.add((catalog, RDF.type, DCAT.Catalog))
    _texts(graph, catalog, DCTERMS.title, "catalog_title")
    _texts(graph, catalog, DCTERMS.description, "catalog_description")
    graph.add((catalog, DCTERMS.publisher, publisher))
    graph.add((catalog, DCTERMS.language, LAV))
    graph.add((catalog, DCTERMS.language, ENG))
    graph.add((catalog, DCTERMS.spatial, COUNTRY_LVA))
    graph.add((catalog, DCTERMS.license, licence))
    graph.add((catalog, DCAT.themeTaxonomy, DATA_THEME))
    graph.add((catalog, FOAF.homepage, homepage))
    graph.add((homepage, RDF.type, FOAF.Document))


def _knowledge_graph(
    graph: Graph,
    store: Store,
    settings: Settings,
    kg: URIRef,
    service: URIRef,
    publisher: URIRef,
    licence: URIRef,
) -> None:
    _common_dataset_facts(graph, kg, publisher)
    graph.add((kg, DCTERMS.identifier, Literal(str(kg))))
    _texts(graph, kg, DCTERMS.title, "kg_title")
    _texts(graph, kg, DCTERMS.description, "kg_description")
    _texts(graph, kg, DCAT.keyword, "kg_keyword")
    _texts(graph, kg, DCAT.keyword, "portfolio_keyword")
    graph.add((kg, DCTERMS.language, ENG))
    sparql_dist = URIRef(f"{kg}-sparql")
    graph.add((kg, DCAT.distribution, sparql_dist))
    graph.add((sparql_dist, RDF.type, DCAT.Distribution))
    _texts(graph, sparql_dist, DCTERMS.title, "sparql_dist_title")
    _texts(graph, sparql_dist, DCTERMS.description, "sparql_dist_description")
    graph.add((sparql_dist, DCAT.accessURL, URIRef(sparql_url(settings))))
    graph.add((sparql_dist, DCAT.accessService, service))
    graph.add((sparql_dist, DCTERMS.format, SPARQLQ))
    graph.add((sparql_dist, DCTERMS.license, licence))
    graph.add((sparql_dist, DCTERMS.accessRights, PUBLIC))
    graph.add((sparql_dist, DCATAP.availability, STABLE))
    for fmt in DUMP_FORMATS:
        dist = URIRef(f"{kg}-{fmt.name}")
        graph.add((kg, DCAT.distribution, dist))
        url = knowledge_graph_download_url(settings, fmt.name)
        size = len(knowledge_graph_bytes(store, fmt.name))
        what = ("Zināšanu grafs (pašreizējais skats)", "Knowledge graph (current view)")
        _distribution(graph, dist, url, fmt, size, licence, *what)


def _sparql_service(
    graph: Graph,
    settings: Settings,
    service: URIRef,
    kg: URIRef,
    publisher: URIRef,
    licence: URIRef,
) -> None:
    sparql = URIRef(sparql_url(settings))
    graph.add((service, RDF.type, DCAT.DataService))
    _texts(graph, service, DCTERMS.title, "service_title")
    _texts(graph, service, DCTERMS.description, "service_description")
    graph.add((service, DCAT.endpointURL, sparql))
    graph.add((service, DCAT.endpointDescription, sparql))
    graph.add((service, DCTERMS.conformsTo, SPARQL_PROTOCOL))
    graph.add((service, DCAT.servesDataset, kg))
    graph.add((service, DCTERMS.publisher, publisher))
    graph.add((service, DCAT.theme, GOVE))
    graph.add((service, DCAT.keyword, Literal("SPARQL", lang="en")))
    graph.add((service, DCTERMS.license, licence))
    graph.add((service, DCTERMS.accessRights, PUBLIC))


def _when(value: Literal) -> str:
    python = value.toPython()
    return python.isoformat() if isinstance(python, datetime) else str(value)


def _portfolio_dataset(
    graph: Graph,
    store: Store,
    settings: Settings,
    portfolio: _Portfolio,
    names: Graph,
    licence: URIRef,
) -> None:
    iri = portfolio.iri
    inst = portfolio.institution
    if not any(True for _ in graph.objects(inst, FOAF.name)):
        _agent(graph, store, inst, national=_is_national(store, inst))
    _common_dataset_facts(graph, iri, inst)
    name_lv = _label(names, inst, "lv") or portfolio.institution_id
    name_en = _label(names, inst, "en")
    titles = [t for t in store_titles(store, iri) if isinstance(t, Literal)]
    for title in titles or [Literal(f"{name_lv} – pakalpojumu portfelis", lang="lv")]:
        graph.add((iri, DCTERMS.title, title))
    number = portfolio.number
    text_lv = f"{name_lv} publisko pakalpojumu portfelis (pašreizējā versija {number})."
    graph.add((iri, DCTERMS.description, Literal(text_lv, lang="lv")))
    if name_en:
        text_en = f"Public-service portfolio of {name_en} (current version {number})."
        graph.add((iri, DCTERMS.description, Literal(text_en, lang="en")))
    graph.add((iri, DCTERMS.identifier, Literal(str(iri))))
    _texts(graph, iri, DCAT.keyword, "portfolio_keyword")
    graph.add((iri, DCAT_VERSION, Literal(str(portfolio.number))))
    if portfolio.modified is not None:
        graph.add((iri, DCTERMS.modified, portfolio.modified))
    if portfolio.issued is not None:
        graph.add((iri, DCTERMS.issued, portfolio.issued))
    for fmt in DUMP_FORMATS:
        dist = URIRef(f"{catalog_url(settings)}#portfolio-{portfolio.institution_id}-{fmt.name}")
        graph.add((iri, DCAT.distribution, dist))
        url = portfolio_download_url(settings, portfolio.institution_id, fmt.name)
        size = len(portfolio_bytes(store, str(portfolio.version), fmt.name))
        _distribution(
            graph,
            dist,
            url,
            fmt,
            size,
            licence,
            f"{name_lv}: pakalpojumu portfelis",
            f"{name_en or name_lv}: service portfolio",
        )


def store_titles(store: Store, iri: URIRef) -> list[Node]:
    """The ``dct:title`` values of a resource in the current view."""
    return list(describe_resources(store, [iri], [DCTERMS.title]).objects(iri, DCTERMS.title))


def _add_code_lists(graph: Graph, store: Store) -> None:
    """Copy the descriptions of the code-list IRIs the catalogue uses from the reference data."""
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
    schemes = set(concepts.objects(None, SKOS.inScheme)) | {DATA_THEME}
    graph += describe_resources(store, schemes, (RDF.type, DCTERMS.title))
