"""DCAT-AP 3.0.1 catalogue of the knowledge graph (``GET /catalog``, ``pvkg export dcat``).

The catalogue (``<base_url>/catalog``) holds:

* ``pvid:dataset/knowledge-graph``: the whole current view as one ``dcat:Dataset``, with a
  SPARQL distribution (``dcat:accessService``), one download distribution per RDF syntax
  (``<base_url>/store?default&format=<fmt>``, the Graph Store Protocol's default graph) and
  one per syntax of the CPSV-AP 3.2.0 export (``<base_url>/catalog/cpsv?format=<fmt>``, the
  only distributions that claim ``dct:conformsTo`` CPSV-AP: the raw graphs lack what CPSV-AP
  requires, such as every service's ``dct:description``);
* one ``dcat:Dataset`` per institution portfolio (its stable IRI
  ``pvid:institution/<id>/portfolio``, the same IRI the CPSV-AP export uses), with the current
  version's date as ``dct:modified``, the first version's as ``dct:issued``, and one
  distribution per RDF syntax at ``<base_url>/portfolios/<id>?format=<fmt>``;
* ``pvid:data-service/sparql``: the ``dcat:DataService`` for ``<base_url>/sparql`` (SPARQL 1.1
  Protocol; the service description is served at the same URL).

Datasets, distributions and the service have fixed ``https://pvkg.lv/id/…`` IRIs, so their
identity (``dct:identifier``, the harvesters' guid) does not change with the base URL; only the
catalogue's own IRI and the URLs do. A portfolio download's ``dcat:byteSize`` is the length
of the bytes :func:`portfolio_bytes` produces: the HTTP routes must serve exactly that output
for the sizes to be true. The whole-graph downloads state no size: the view changes with every
write, and counting its bytes means serialising it four times (about 35 s at 50,000 services).
Access rights are stated on the datasets and the service, the licence on the distributions and
the service (DCAT-AP 3.0.1: ``dct:accessRights`` is a Dataset and DataService property). The
contact point is a ``vcard:Organization`` (the configured e-mail and/or URL, else the service's
landing page).
The authority-table concepts used (``reference/eu-authority-tables.ttl``) are copied into the
catalogue, typed and in their schemes, so that it validates on its own against the DCAT-AP
3.0.1 shapes ``shapes.ttl`` + ``range.ttl`` + ``mdr-vocabularies.shape.ttl``.

Everything read from the store is in a :class:`CatalogCore` (:func:`read_core`, the costly part:
it serialises every new portfolio version once per format to count its bytes);
:func:`catalog_for_base` adds the URLs.

Spec: DCAT-AP 3.0.1, https://semiceu.github.io/DCAT-AP/releases/3.0.1/

>>> from pvkg.settings import Settings
>>> from pvkg.store import LocalStore
>>> g = build_catalog(LocalStore(None), Settings(base_url="https://pvkg.example.lv"))
>>> (URIRef("https://pvkg.example.lv/catalog"), RDF.type, DCAT.Catalog) in g
True
"""

from __future__ import annotations

import os
import threading
import weakref
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, SKOS, XSD
from rdflib.term import Node

from pvkg.catalog_agents import add_agents, add_code_lists, agent_name, check_publisher
from pvkg.cpsv_export import describe_resources, institution_graph
from pvkg.errors import InputError
from pvkg.namespaces import (
    DCATAP,
    ID,
    PREFIX_DECLARATIONS,
    PREFIXES,
    REGISTRY_GRAPH,
    VCARD,
    institution_iri,
)
from pvkg.settings import Settings, checked_base_url
from pvkg.store import SelectResult, Store, rdf_format

AUTHORITY = "http://publications.europa.eu/resource/authority/"
IANA = "http://www.iana.org/assignments/media-types/"
DEFAULT_PUBLISHER = "viedas-administracijas-un-regionalas-attistibas-ministrija"  # VARAM
DEFAULT_LICENCE = URIRef(f"{AUTHORITY}licence/CC_BY_4_0")
# Where the URLs point when no base URL is known (``pvkg export dcat`` without PVKG_BASE_URL).
PLACEHOLDER_BASE_URL = "http://127.0.0.1:8000"
KNOWLEDGE_GRAPH = ID["dataset/knowledge-graph"]
SPARQL_SERVICE = ID["data-service/sparql"]
CONTACT_POINT = ID["contact-point/catalogue"]
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
DCAT_VERSION = URIRef("http://www.w3.org/ns/dcat#version")  # DCAT 3; not in rdflib's DCAT
# Downloads are serialised this many at a time to count their bytes (pyoxigraph frees the GIL).
SIZE_THREADS = max(1, min(4, os.cpu_count() or 1))


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
    "CPSV_AP",
    "DEFAULT_LICENCE",
    "DEFAULT_PUBLISHER",
    "DUMP_FORMATS",
    "KNOWLEDGE_GRAPH",
    "PLACEHOLDER_BASE_URL",
    "SPARQL_SERVICE",
    "CatalogCore",
    "build_catalog",
    "catalog_for_base",
    "catalog_url",
    "check_catalog_settings",
    "cpsv_download_url",
    "knowledge_graph_bytes",
    "knowledge_graph_download_url",
    "portfolio_bytes",
    "portfolio_download_url",
    "public_base_url",
    "read_core",
    "sparql_url",
]


# -- URLs (relative to the public base URL) -------------------------------------------------------


def public_base_url(settings: Settings, request_base_url: str | None = None) -> str:
    """The base of every URL: ``PVKG_BASE_URL`` when set, else the URL the client used.

    Args:
        settings: ``base_url`` (``PVKG_BASE_URL``) wins when set.
        request_base_url: the request's base URL (scheme, host and port as the server saw them,
            proxy headers included); None outside a request: the placeholder.

    Raises:
        InputError: the request's URL (its Host header) cannot start an IRI (HTTP 400).

    >>> public_base_url(Settings(), "http://pvkg.example.lv:8080/")
    'http://pvkg.example.lv:8080'
    """
    if settings.base_url:
        return settings.base_url
    if request_base_url is None:
        return PLACEHOLDER_BASE_URL
    try:
        return checked_base_url(request_base_url, "Host")
    except InputError as err:
        raise InputError(
            f"the request's URL cannot be used in the catalogue: {err.message}; "
            "send a valid Host header, or set PVKG_BASE_URL on the server"
        ) from None


def catalog_url(base_url: str) -> str:
    """``<base_url>/catalog``: the catalogue document and the ``dcat:Catalog`` IRI."""
    return f"{base_url.rstrip('/')}/catalog"


def sparql_url(base_url: str) -> str:
    """``<base_url>/sparql``: endpoint URL and service description."""
    return f"{base_url.rstrip('/')}/sparql"


def knowledge_graph_download_url(base_url: str, fmt: str) -> str:
    """The current view (GSP default graph) in one syntax."""
    return f"{base_url.rstrip('/')}{_kg_path(fmt)}"


def portfolio_download_url(base_url: str, institution_id: str, fmt: str) -> str:
    """An institution's current portfolio version in one syntax."""
    return f"{base_url.rstrip('/')}{_portfolio_path(institution_id, fmt)}"


def cpsv_download_url(base_url: str, fmt: str) -> str:
    """The CPSV-AP 3.2.0 export of the current view in one syntax (``GET /catalog/cpsv``)."""
    return f"{base_url.rstrip('/')}{_cpsv_path(fmt)}"


def _kg_path(fmt: str) -> str:
    return f"/store?default&format={fmt}"


def _portfolio_path(institution_id: str, fmt: str) -> str:
    return f"/portfolios/{institution_id}?format={fmt}"


def _cpsv_path(fmt: str) -> str:
    return f"/catalog/cpsv?format={fmt}"


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


# A stored version graph does not change (a new submission is a new version; pvkg itself never
# rewrites one), so its sizes are kept per store by (version IRI, format) for the life of the
# process: after the first catalogue only new versions are serialised (the 1,000 versions of a
# 50k-service store take about half a minute). An admin may still write into one (Graph Store
# Protocol, SPARQL Update): those routes call forget_version_sizes.
_VERSION_SIZES: weakref.WeakKeyDictionary[Store, dict[tuple[str, str], int]] = (
    weakref.WeakKeyDictionary()
)
_VERSION_SIZES_LOCK = threading.Lock()


def forget_version_sizes(store: Store, graph: str | None = None) -> None:
    """Drop the kept sizes of version ``graph`` (of every version when None: an update may
    have written anywhere) after an admin's write."""
    with _VERSION_SIZES_LOCK:
        kept = _VERSION_SIZES.get(store)
        if kept is None:
            return
        if graph is None:
            kept.clear()
        else:
            for job in [job for job in kept if job[0] == graph]:
                del kept[job]


def _sizes(store: Store, versions: Iterable[str]) -> dict[tuple[str, str], int]:
    """The byte size of each version graph in each dump format, a few serialised at a time."""
    jobs = [(version, fmt.name) for version in versions for fmt in DUMP_FORMATS]
    with _VERSION_SIZES_LOCK:
        kept = _VERSION_SIZES.setdefault(store, {})
        known = {job: kept[job] for job in jobs if job in kept}
    missing = [job for job in jobs if job not in known]

    def size(job: tuple[str, str]) -> int:
        return len(store.serialize_graph(job[0], job[1]))

    with ThreadPoolExecutor(SIZE_THREADS, thread_name_prefix="pvkg-catalog") as pool:
        found = dict(zip(missing, pool.map(size, missing), strict=True))
    with _VERSION_SIZES_LOCK:
        kept.update(found)
    return {**known, **found}


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
    result = store.query(PREFIX_DECLARATIONS + sparql)
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


def _registry_times(store: Store) -> tuple[Literal | None, Literal | None]:
    """(first, last) time any write pvkg makes recorded in the registry graph.

    Every write that changes the current view records its time there (docs/MODEL.md §6): a
    portfolio version's ``prov:generatedAtTime``, the ``prov:endedAtTime`` of validation runs
    and re-checks, of the audit record of every SPARQL Update and Graph Store write, and of
    reference-data pulls.
    """
    rows = _select(
        store,
        f"""SELECT (MIN(?t) AS ?first) (MAX(?t) AS ?last) WHERE {{
              GRAPH <{REGISTRY_GRAPH}> {{
                ?x ?p ?t VALUES ?p {{ prov:generatedAtTime prov:endedAtTime }}
              }} }}""",
    ).rows
    first, last = rows[0] if rows else (None, None)
    return (
        first if isinstance(first, Literal) else None,
        last if isinstance(last, Literal) else None,
    )


def _label(graph: Graph, node: Node, lang: str) -> str | None:
    for prop in (SKOS.prefLabel, DCTERMS.title, FOAF.name):
        for value in graph.objects(node, prop):
            if isinstance(value, Literal) and value.language == lang:
                return str(value)
    return None


# -- the store-derived part -----------------------------------------------------------------------


@dataclass(frozen=True)
class CatalogCore:
    """What the catalogue says that does not depend on the base URL, read from the store.

    ``links`` are the (subject, property, path) triples whose object is ``<base_url><path>``.
    """

    graph: Graph
    links: tuple[tuple[URIRef, URIRef, str], ...]
    datasets: tuple[URIRef, ...]
    publisher: URIRef
    licence: URIRef
    issued: Literal | None
    modified: Literal | None


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
    "kg_dump": ("Zināšanu grafs (pašreizējais skats)", "Knowledge graph (current view)"),
    "cpsv_dump": (
        "Publisko pakalpojumu apraksti (CPSV-AP 3.2.0)",
        "Public service descriptions (CPSV-AP 3.2.0)",
    ),
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


class _Builder:
    """Collects the core graph and its links while :func:`read_core` reads the store."""

    def __init__(self, publisher: URIRef, licence: URIRef) -> None:
        self.graph = Graph()
        for prefix, namespace in PREFIXES.items():
            self.graph.bind(prefix, namespace)
        self.graph.bind("vcard", str(VCARD))
        self.links: list[tuple[URIRef, URIRef, str]] = []
        self.publisher = publisher
        self.licence = licence

    def add(self, s: Node, p: Node, o: Node) -> None:
        self.graph.add((s, p, o))

    def dataset(self, dataset: URIRef, publisher: URIRef) -> None:
        """The facts every dataset of the catalogue shares."""
        self.add(dataset, RDF.type, DCAT.Dataset)
        self.add(dataset, DCTERMS.identifier, Literal(str(dataset)))
        self.add(dataset, DCTERMS.publisher, publisher)
        self.add(dataset, DCAT.theme, GOVE)
        self.add(dataset, DCTERMS.spatial, COUNTRY_LVA)
        self.add(dataset, DCTERMS.language, LAV)
        self.add(dataset, DCTERMS.accrualPeriodicity, IRREG)
        self.add(dataset, DCTERMS.accessRights, PUBLIC)
        self.add(dataset, DCAT.contactPoint, CONTACT_POINT)

    def distribution(
        self, dist: URIRef, path: str, fmt: DumpFormat, size: int | None, what: tuple[str, str]
    ) -> None:
        """A download distribution of ``<base_url><path>`` (licence here, access rights on
        the dataset, as DCAT-AP 3.0.1 has them)."""
        what_lv, what_en = what
        self.add(dist, RDF.type, DCAT.Distribution)
        self.add(dist, DCTERMS.title, Literal(f"{what_lv} ({fmt.label})", lang="lv"))
        self.add(dist, DCTERMS.title, Literal(f"{what_en} ({fmt.label})", lang="en"))
        self.add(dist, DCTERMS.description, Literal(f"{what_lv}, {fmt.label} formātā", lang="lv"))
        self.add(dist, DCTERMS.description, Literal(f"{what_en} as {fmt.label}", lang="en"))
        self.links.append((dist, DCAT.accessURL, path))
        self.links.append((dist, DCAT.downloadURL, path))
        self.add(dist, DCAT.mediaType, fmt.media_type)
        self.add(dist, DCTERMS.format, fmt.file_type)
        if size is not None:
            self.add(dist, DCAT.byteSize, Literal(size, datatype=XSD.nonNegativeInteger))
        self.add(dist, DCTERMS.license, self.licence)
        self.add(dist, DCATAP.availability, STABLE)


def read_core(
    store: Store,
    settings: Settings,
    *,
    publisher_id: str | None = None,
    licence: str | None = None,
) -> CatalogCore:
    """Read everything the catalogue says from the store (the costly part of building it).

    Raises:
        StoreError: the store cannot be read.
    """
    publisher = institution_iri(publisher_id or settings.catalog_publisher or DEFAULT_PUBLISHER)
    build = _Builder(publisher, URIRef(licence or settings.catalog_licence or DEFAULT_LICENCE))
    portfolios = _portfolios(store)
    names = institution_graph(store, [publisher, *(p.institution for p in portfolios)])
    add_agents(build.graph, store, names, [publisher, *(p.institution for p in portfolios)])
    _contact_point(build, settings, names)
    sizes = _sizes(store, [str(p.version) for p in portfolios])
    _knowledge_graph(build)
    stored = describe_resources(
        store, [p.iri for p in portfolios], (DCTERMS.title, DCTERMS.description)
    )
    for portfolio in portfolios:
        _portfolio_dataset(build, portfolio, names, stored, sizes)
        build.add(KNOWLEDGE_GRAPH, DCTERMS.hasPart, portfolio.iri)
    _sparql_service(build)
    issued, modified = _registry_times(store)
    for prop, when in ((DCTERMS.issued, issued), (DCTERMS.modified, modified)):
        if when is not None:
            build.add(KNOWLEDGE_GRAPH, prop, when)
    # standards and the authority-table concepts used, so the catalogue validates on its own
    build.add(SPARQL_PROTOCOL, RDF.type, DCTERMS.Standard)
    build.add(SPARQL_PROTOCOL, DCTERMS.title, Literal("SPARQL 1.1 Protocol", lang="en"))
    build.add(CPSV_AP, RDF.type, DCTERMS.Standard)
    build.add(CPSV_AP, DCTERMS.title, Literal("CPSV-AP 3.2.0", lang="en"))
    add_code_lists(build.graph, store)
    return CatalogCore(
        graph=build.graph,
        links=tuple(build.links),
        datasets=(KNOWLEDGE_GRAPH, *(p.iri for p in portfolios)),
        publisher=publisher,
        licence=build.licence,
        issued=issued,
        modified=modified,
    )


def _contact_point(build: _Builder, settings: Settings, names: Graph) -> None:
    """The operator as a vCard organisation: the configured e-mail and/or URL, else the
    service's own landing page (an address is never invented)."""
    contact = CONTACT_POINT
    build.add(contact, RDF.type, VCARD.Organization)
    build.add(contact, RDF.type, VCARD.Kind)  # DCAT-AP's range (no inference in validators)
    for lang in ("lv", "en"):
        name = agent_name(names, build.publisher, lang)
        if name:
            build.add(contact, VCARD.fn, Literal(name, lang=lang))
    if not any(True for _ in build.graph.objects(contact, VCARD.fn)):
        build.add(contact, VCARD.fn, Literal(str(build.publisher).rsplit("/", 1)[-1]))
    if settings.catalog_contact_email:
        build.add(contact, VCARD.hasEmail, URIRef(f"mailto:{settings.catalog_contact_email}"))
    if settings.catalog_contact_url:
        build.add(contact, VCARD.hasURL, URIRef(settings.catalog_contact_url))
    elif not settings.catalog_contact_email:
        build.links.append((contact, VCARD.hasURL, "/"))


def _knowledge_graph(build: _Builder) -> None:
    kg = KNOWLEDGE_GRAPH
    build.dataset(kg, build.publisher)
    _texts(build.graph, kg, DCTERMS.title, "kg_title")
    _texts(build.graph, kg, DCTERMS.description, "kg_description")
    _texts(build.graph, kg, DCAT.keyword, "kg_keyword")
    _texts(build.graph, kg, DCAT.keyword, "portfolio_keyword")
    build.add(kg, DCTERMS.language, ENG)
    sparql_dist = URIRef(f"{kg}/distribution/sparql")
    build.add(kg, DCAT.distribution, sparql_dist)
    build.add(sparql_dist, RDF.type, DCAT.Distribution)
    _texts(build.graph, sparql_dist, DCTERMS.title, "sparql_dist_title")
    _texts(build.graph, sparql_dist, DCTERMS.description, "sparql_dist_description")
    build.links.append((sparql_dist, DCAT.accessURL, "/sparql"))
    build.add(sparql_dist, DCAT.accessService, SPARQL_SERVICE)
    build.add(sparql_dist, DCTERMS.format, SPARQLQ)
    build.add(sparql_dist, DCTERMS.license, build.licence)
    build.add(sparql_dist, DCATAP.availability, STABLE)
    for fmt in DUMP_FORMATS:
        dist = URIRef(f"{kg}/distribution/{fmt.name}")
        build.add(kg, DCAT.distribution, dist)
        build.distribution(dist, _kg_path(fmt.name), fmt, None, _TEXTS["kg_dump"])
    for fmt in DUMP_FORMATS:
        # No byte size: it would mean building the whole export in four syntaxes on every
        # change (seconds per thousand services); GET /catalog/cpsv builds it when asked.
        dist = URIRef(f"{kg}/distribution/cpsv-{fmt.name}")
        build.add(kg, DCAT.distribution, dist)
        build.distribution(dist, _cpsv_path(fmt.name), fmt, None, _TEXTS["cpsv_dump"])
        build.add(dist, DCTERMS.conformsTo, CPSV_AP)


def _sparql_service(build: _Builder) -> None:
    service = SPARQL_SERVICE
    build.add(service, RDF.type, DCAT.DataService)
    _texts(build.graph, service, DCTERMS.title, "service_title")
    _texts(build.graph, service, DCTERMS.description, "service_description")
    build.links.append((service, DCAT.endpointURL, "/sparql"))
    build.links.append((service, DCAT.endpointDescription, "/sparql"))
    build.add(service, DCTERMS.conformsTo, SPARQL_PROTOCOL)
    build.add(service, DCAT.servesDataset, KNOWLEDGE_GRAPH)
    build.add(service, DCTERMS.publisher, build.publisher)
    build.add(service, DCAT.theme, GOVE)
    build.add(service, DCAT.keyword, Literal("SPARQL", lang="en"))
    build.add(service, DCTERMS.license, build.licence)
    build.add(service, DCTERMS.accessRights, PUBLIC)
    build.add(service, DCAT.contactPoint, CONTACT_POINT)


def _stored_text(stored: Graph, iri: URIRef, prop: URIRef, lang: str) -> list[Literal]:
    return sorted(
        (v for v in stored.objects(iri, prop) if isinstance(v, Literal) and v.language == lang),
        key=str,
    )


def _portfolio_dataset(
    build: _Builder,
    portfolio: _Portfolio,
    names: Graph,
    stored: Graph,
    sizes: dict[tuple[str, str], int],
) -> None:
    """A portfolio in Latvian and English: the stored title and description in each language
    where the store has one, else a text made from the institution's name (its English name,
    else its Latvian one)."""
    iri = portfolio.iri
    build.dataset(iri, portfolio.institution)
    name_lv = _label(names, portfolio.institution, "lv") or portfolio.institution_id
    name_en = _label(names, portfolio.institution, "en") or name_lv
    number = portfolio.number
    made = {
        (DCTERMS.title, "lv"): f"{name_lv} – pakalpojumu portfelis",
        (DCTERMS.title, "en"): f"Service portfolio of {name_en}",
        (DCTERMS.description, "lv"): (
            f"{name_lv} publisko pakalpojumu portfelis (pašreizējā versija {number})."
        ),
        (DCTERMS.description, "en"): (
            f"Public-service portfolio of {name_en} (current version {number})."
        ),
    }
    for (prop, lang), text in made.items():
        for value in _stored_text(stored, iri, prop, lang) or [Literal(text, lang=lang)]:
            build.add(iri, prop, value)
    _texts(build.graph, iri, DCAT.keyword, "portfolio_keyword")
    build.add(iri, DCAT_VERSION, Literal(str(number)))
    if portfolio.modified is not None:
        build.add(iri, DCTERMS.modified, portfolio.modified)
    if portfolio.issued is not None:
        build.add(iri, DCTERMS.issued, portfolio.issued)
    what = (f"{name_lv}: pakalpojumu portfelis", f"{name_en}: service portfolio")
    for fmt in DUMP_FORMATS:
        dist = URIRef(f"{iri}/distribution/{fmt.name}")
        build.add(iri, DCAT.distribution, dist)
        path = _portfolio_path(portfolio.institution_id, fmt.name)
        build.distribution(dist, path, fmt, sizes[(str(portfolio.version), fmt.name)], what)


# -- the catalogue for one base URL ---------------------------------------------------------------


def catalog_for_base(core: CatalogCore, base_url: str) -> Graph:
    """The catalogue with every URL starting at ``base_url`` (cheap: no store access)."""
    base = base_url.rstrip("/")
    graph = Graph()
    for prefix, namespace in core.graph.namespaces():
        graph.bind(prefix, namespace)
    graph += core.graph
    for subject, prop, path in core.links:
        graph.add((subject, prop, URIRef(f"{base}{path}")))
    catalog = URIRef(catalog_url(base))
    homepage = URIRef(f"{base}/")
    graph.add((catalog, RDF.type, DCAT.Catalog))
    _texts(graph, catalog, DCTERMS.title, "catalog_title")
    _texts(graph, catalog, DCTERMS.description, "catalog_description")
    graph.add((catalog, DCTERMS.publisher, core.publisher))
    graph.add((catalog, DCTERMS.language, LAV))
    graph.add((catalog, DCTERMS.language, ENG))
    graph.add((catalog, DCTERMS.spatial, COUNTRY_LVA))
    graph.add((catalog, DCTERMS.license, core.licence))
    graph.add((catalog, DCAT.themeTaxonomy, DATA_THEME))
    graph.add((catalog, FOAF.homepage, homepage))
    graph.add((homepage, RDF.type, FOAF.Document))
    if core.issued is not None:
        graph.add((catalog, DCTERMS.issued, core.issued))
    if core.modified is not None:
        graph.add((catalog, DCTERMS.modified, core.modified))
    for dataset in core.datasets:
        graph.add((catalog, DCAT.dataset, dataset))
    graph.add((catalog, DCAT.service, SPARQL_SERVICE))
    return graph


def build_catalog(
    store: Store,
    settings: Settings,
    *,
    base_url: str | None = None,
    publisher_id: str | None = None,
    licence: str | None = None,
) -> Graph:
    """The DCAT-AP 3.0.1 catalogue of the knowledge graph, its portfolios and SPARQL service.

    Args:
        store: a prepared store (reference data loaded, see :func:`pvkg.bootstrap.prepare`).
        settings: the catalogue settings (publisher, licence, contact, ``base_url``).
        base_url: the public base of every URL (default: ``settings.base_url``, else
            :data:`PLACEHOLDER_BASE_URL`).
        publisher_id: pvkg id of the operating institution (default: the
            ``catalog_publisher`` setting, else VARAM).
        licence: IRI of the licence of the data (default: the ``catalog_licence`` setting,
            else the EU licence table's ``CC_BY_4_0``); it must be described in the reference
            data (typed ``dct:LicenseDocument``, in the licence scheme) to validate.

    Raises:
        StoreError: the store cannot be read.
    """
    core = read_core(store, settings, publisher_id=publisher_id, licence=licence)
    return catalog_for_base(core, base_url or public_base_url(settings))


def check_catalog_settings(store: Store, settings: Settings) -> None:
    """Refuse a publisher or licence the catalogue could not describe (before serving).

    Raises:
        InputError: ``PVKG_CATALOG_PUBLISHER`` names no institution the store knows, or
            ``PVKG_CATALOG_LICENCE`` is not a licence of the reference data.
        StoreError: the store cannot be read.
    """
    if settings.catalog_publisher:
        check_publisher(store, institution_iri(settings.catalog_publisher))
    if settings.catalog_licence:
        known = store.query(f"ASK {{ <{settings.catalog_licence}> a <{DCTERMS.LicenseDocument}> }}")
        if known is not True:
            raise InputError(
                f"setting PVKG_CATALOG_LICENCE: <{settings.catalog_licence}> is not a licence "
                "of the reference data; add it to reference/eu-authority-tables.ttl with "
                "python -m pvkg.authority_tables refresh (see docs/PUBLISHING.md)"
            )
