"""The one place where pyoxigraph terms become rdflib terms and back."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

Triple = tuple[Node, Node, Node]


def to_rdflib(term: object) -> Node:
    """Convert a pyoxigraph term to the equivalent rdflib term."""
    if isinstance(term, ox.NamedNode):
        # what URIRef(value) builds, without its IRI check: the store holds IRIs only, and the
        # check was a fifth of turning a 6,000-row answer into rdflib terms
        return str.__new__(URIRef, term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype == XSD_STRING:
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(datatype))
    if isinstance(term, ox.DefaultGraph):
        raise TypeError("the default graph is not an RDF term")
    raise TypeError(f"unsupported pyoxigraph term {term!r}")


def to_oxigraph(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """Convert an rdflib term to the equivalent pyoxigraph term."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None and str(term.datatype) != XSD_STRING:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"unsupported rdflib term {term!r}")


def graph_node(graph: str | None) -> ox.NamedNode | ox.DefaultGraph:
    """A graph name for pyoxigraph; ``None`` means the default graph."""
    return ox.DefaultGraph() if graph is None else ox.NamedNode(graph)


def to_quads(triples: Iterable[Triple], graph: str | None) -> Iterator[ox.Quad]:
    """rdflib triples as pyoxigraph quads in ``graph``."""
    g = graph_node(graph)
    for s, p, o in triples:
        yield ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), g)  # type: ignore[arg-type]
