"""Media types as data: what each kind of answer can be written as, and Accept negotiation.

Each table lists (canonical media type, aliases) in the server's order of preference; the first
entry is the default when the client sends no Accept header.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from service.errors import NotAcceptable

Offer = tuple[str, tuple[str, ...]]

SELECT_TYPES: tuple[Offer, ...] = (
    ("application/sparql-results+json", ("application/json",)),
    ("application/sparql-results+xml", ("application/xml", "text/xml")),
    ("text/csv", ()),
    ("text/tab-separated-values", ()),
)
# The CSV/TSV results spec defines no boolean; an ASK in CSV or TSV is answered as Oxigraph
# server answers it (the bare ``true``/``false``), so the two store modes agree (Fuseki writes
# an ``_askResult`` column instead). SPARQLWrapper and spreadsheets ask for CSV on any query.
ASK_TYPES: tuple[Offer, ...] = SELECT_TYPES
GRAPH_TYPES: tuple[Offer, ...] = (
    ("text/turtle", ("application/x-turtle",)),
    ("application/n-triples", ("text/plain",)),
    ("application/ld+json", ("application/json",)),
    ("application/rdf+xml", ("application/xml", "text/xml")),
)
DATASET_TYPES: tuple[Offer, ...] = (
    ("application/n-quads", ("text/x-nquads",)),
    ("application/trig", ()),
)
# Graph Store Protocol bodies we read (one graph).
GRAPH_INPUT_TYPES: frozenset[str] = frozenset(
    {
        "text/turtle",
        "application/x-turtle",
        "application/n-triples",
        "text/plain",
        "application/rdf+xml",
        "application/xml",
        "application/ld+json",
    }
)
# Validation reports (INTERFACES.md §4): JSON first.
REPORT_TYPES: tuple[Offer, ...] = (
    ("application/json", ()),
    ("text/html", ()),
    ("text/csv", ()),
    ("text/turtle", ()),
    ("application/ld+json", ()),
    ("text/plain", ()),
)
QUERY_FORM_TYPES: dict[str, tuple[Offer, ...]] = {
    "select": SELECT_TYPES,
    "ask": ASK_TYPES,
    "construct": GRAPH_TYPES,
    "describe": GRAPH_TYPES,
}


@dataclass(frozen=True)
class _Range:
    type: str
    subtype: str
    q: float
    order: int


def parse_accept(header: str | None) -> list[_Range]:
    """The media ranges of an Accept header with their q-values (malformed parts skipped).

    >>> [(r.type, r.subtype, r.q) for r in parse_accept("text/csv;q=0.5, */*;q=0.1")]
    [('text', 'csv', 0.5), ('*', '*', 0.1)]
    """
    ranges = []
    for order, part in enumerate((header or "").split(",")):
        pieces = [p.strip() for p in part.split(";")]
        if "/" not in pieces[0]:
            continue
        mtype, _, subtype = pieces[0].lower().partition("/")
        q = 1.0
        for param in pieces[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(value)))
                except ValueError:
                    q = 0.0
        ranges.append(_Range(mtype.strip(), subtype.strip(), q, order))
    return ranges


def _match(ranges: list[_Range], media: str) -> tuple[float, int, int]:
    """(q, specificity, -order) of the most specific range matching ``media``."""
    mtype, _, subtype = media.partition("/")
    best = (-1.0, -1, 0)
    for r in ranges:
        if r.type == mtype and r.subtype == subtype:
            spec = 2
        elif r.type == mtype and r.subtype == "*":
            spec = 1
        elif r.type == "*" and r.subtype == "*":
            spec = 0
        else:
            continue
        if spec > best[1]:
            best = (r.q, spec, -r.order)
    return best


def negotiate(accept: str | None, offers: Sequence[Offer]) -> str:
    """The media type to answer with: the best q-value wins; ties go to the client's order, then
    ours. An alias the client named exactly (``application/json``) is answered as such.

    >>> negotiate("text/csv;q=0.9, application/sparql-results+xml", SELECT_TYPES)
    'application/sparql-results+xml'
    >>> negotiate(None, GRAPH_TYPES)
    'text/turtle'

    Raises:
        NotAcceptable: nothing on offer is acceptable.
    """
    ranges = parse_accept(accept)
    if not ranges:
        return offers[0][0]
    best: tuple[tuple[float, int, int, bool, int], str] | None = None
    for rank, (canonical, aliases) in enumerate(offers):
        for name in (canonical, *aliases):
            q, spec, neg_order = _match(ranges, name)
            if q <= 0:
                continue
            answer = name if spec > 0 else canonical
            key = (q, neg_order if spec > 0 else -10_000, spec, name == canonical, -rank)
            if best is None or key > best[0]:
                best = (key, answer)
    if best is None:
        wanted = ", ".join(o[0] for o in offers)
        raise NotAcceptable(f"cannot answer in any type of Accept: {accept}; available: {wanted}")
    return best[1]


def graph_media(accept: str | None, format_name: str | None) -> str:
    """The RDF media type for a graph answer: ``?format=`` (a pvkg format name such as
    ``turtle``, ``nt``, ``jsonld``, ``rdfxml``) wins over ``Accept``.

    Raises:
        NotAcceptable: an unknown ``?format=`` value, or nothing acceptable (HTTP 406: it names
            the answer's format, not the request body's).
    """
    if format_name:
        from pvkg.errors import UnsupportedFormat
        from pvkg.store import rdf_format

        try:
            info = rdf_format(format_name)
        except UnsupportedFormat:
            raise NotAcceptable(
                f"?format={format_name[:100]} is not a graph format pvkg writes; "
                "use turtle, nt, jsonld or rdfxml"
            ) from None
        if info.quads:
            raise NotAcceptable(f"?format={format_name} is a dataset syntax; a graph is asked")
        return info.media_type
    return negotiate(accept, GRAPH_TYPES)


# ``?format=`` / ``?output=`` names for query results, as Fuseki and Virtuoso take them, for
# tools that cannot set Accept (R's SPARQL package, read.csv of a URL, a spreadsheet's "from
# web"): per query form, short name -> media type.
_RESULT_NAMES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
_GRAPH_NAMES = {
    "turtle": "text/turtle",
    "ttl": "text/turtle",
    "n3": "text/turtle",  # (Turtle is N3)
    "nt": "application/n-triples",
    "ntriples": "application/n-triples",
    "n-triples": "application/n-triples",
    "jsonld": "application/ld+json",
    "json-ld": "application/ld+json",
    "json": "application/ld+json",
    "rdfxml": "application/rdf+xml",
    "rdf": "application/rdf+xml",
    "xml": "application/rdf+xml",
}


def named_media(form: str, name: str) -> str | None:
    """The media type a ``?format=`` value names for an answer of query form ``form`` (a short
    name such as ``csv`` or ``turtle``, or one of the form's media types); None when it names
    nothing this form is written as: the answer is then negotiated by ``Accept`` as without it
    (SPARQLWrapper sends ``format=n3`` or ``format=xml`` whatever the query form).

    >>> named_media("select", "CSV"), named_media("construct", "text/turtle")
    ('text/csv', 'text/turtle')
    >>> named_media("select", "turtle") is None
    True

    A media type's parameters are dropped (``format=text/csv; charset=utf-8``: answers are
    always UTF-8).

    >>> named_media("select", "text/csv; charset=utf-8")
    'text/csv'
    """
    offers = QUERY_FORM_TYPES[form]
    names = _GRAPH_NAMES if offers is GRAPH_TYPES else _RESULT_NAMES
    wanted = name.split(";", 1)[0].strip().lower()
    if wanted in names:
        return names[wanted]
    for canonical, aliases in offers:
        if wanted == canonical or wanted in aliases:
            return wanted
    return None
