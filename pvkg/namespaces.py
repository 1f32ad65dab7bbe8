"""Every IRI pvkg mints or relies on, defined once.

The data model these IRIs form is described in ``docs/MODEL.md``; read it before adding terms.

* ``PV``: the pvkg ontology (classes and properties), ``https://pvkg.lv/ontology#``.
* ``ID``: instance data and concept schemes, ``https://pvkg.lv/id/``.
* ``GRAPH``: the store's fixed named graphs (ontology, reference data, registry).

>>> str(concept("role", "ROLE05"))
'https://pvkg.lv/id/role/ROLE05'
>>> str(institution_iri("digitala-agentura"))
'https://pvkg.lv/id/institution/digitala-agentura'
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

from rdflib import Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, ORG, OWL, PROV, RDF, RDFS, SKOS, XSD

PV = Namespace("https://pvkg.lv/ontology#")
ID = Namespace("https://pvkg.lv/id/")
GRAPH = Namespace("https://pvkg.lv/graph/")
SHAPES = Namespace("https://pvkg.lv/shapes#")

CPSV = Namespace("http://purl.org/vocab/cpsv#")
CV = Namespace("http://data.europa.eu/m8g/")
ADMS = Namespace("http://www.w3.org/ns/adms#")
ROV = Namespace("http://www.w3.org/ns/regorg#")
DCATAP = Namespace("http://data.europa.eu/r5r/")
LOCN = Namespace("http://www.w3.org/ns/locn#")
SH = Namespace("http://www.w3.org/ns/shacl#")
TIME = Namespace("http://www.w3.org/2006/time#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
EU_AUTHORITY = Namespace("http://publications.europa.eu/resource/authority/")

ONTOLOGY_GRAPH = GRAPH["ontology"]
REFERENCE_GRAPH = GRAPH["reference"]
REGISTRY_GRAPH = GRAPH["registry"]

PREFIXES: dict[str, str] = {
    "pv": str(PV),
    "pvid": str(ID),
    "cpsv": str(CPSV),
    "cv": str(CV),
    "adms": str(ADMS),
    "rov": str(ROV),
    "dcat": str(DCAT),
    "dcatap": str(DCATAP),
    "dct": str(DCTERMS),
    "foaf": str(FOAF),
    "org": str(ORG),
    "owl": str(OWL),
    "prov": str(PROV),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "skos": str(SKOS),
    "sh": str(SH),
    "time": str(TIME),
    "xsd": str(XSD),
}
# The same prefixes as a SPARQL prologue, for queries that declare what they use.
PREFIX_DECLARATIONS = "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in PREFIXES.items())

# Concept schemes: the ``scheme`` segment of ``https://pvkg.lv/id/<scheme>/<CODE>``.
ROLE = "role"
SERVICE_TYPE = "service-type"
STATUS = "status"
PRIORITY = "priority"
COMPLEXITY = "complexity"
INSTITUTION_KIND = "institution-kind"

ROLE_PORTFOLIO_MANAGER = "ROLE04"
ROLE_SERVICE_MANAGER = "ROLE05"
ROLE_RESOURCE_PORTFOLIO_MANAGER = "ROLE08"
ROLE_RESOURCE_MANAGER = "ROLE09"


def slugify(text: str) -> str:
    """An ASCII slug for IRIs: strip diacritics, lower case, non-alphanumeric runs to ``-``.

    Only for IRI segments; labels keep their Latvian spelling.

    >>> slugify("Digitālā aģentūra")
    'digitala-agentura'
    >>> slugify("Pēteris  Liepiņš")
    'peteris-liepins'
    """
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_text = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def _segment(value: str) -> str:
    """Percent-encode one IRI path segment, keeping readable characters readable."""
    return quote(value, safe="-._~")


def concept(scheme: str, code: str) -> URIRef:
    """The IRI of a coded concept, for example ``concept("status", "STATUS-PROVISION")``."""
    return ID[f"{scheme}/{_segment(code)}"]


def institution_iri(institution_id: str) -> URIRef:
    """The IRI of an institution from its pvkg identifier (a slug such as ``varam``)."""
    return ID[f"institution/{_segment(institution_id)}"]


def portfolio_iri(institution_id: str) -> URIRef:
    """The stable IRI of an institution's portfolio (a ``dcat:Dataset``), across versions."""
    return URIRef(f"{institution_iri(institution_id)}/portfolio")


def portfolio_version_iri(institution_id: str, number: int) -> URIRef:
    """The IRI of one stored portfolio version; it is also the named graph holding it."""
    return URIRef(f"{portfolio_iri(institution_id)}/v/{number}")


def source_map_graph(version: URIRef) -> URIRef:
    """The named graph holding the file/sheet/row/column map of one portfolio version."""
    return URIRef(f"{version}/source")


def scoped_iri(institution_id: str, kind: str, local_id: str) -> URIRef:
    """An IRI inside an institution, e.g. ``scoped_iri("da", "service", "DA-001")``."""
    return URIRef(f"{institution_iri(institution_id)}/{kind}/{_segment(local_id)}")
