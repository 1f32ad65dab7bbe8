"""N-Triples text (https://www.w3.org/TR/n-triples/) written and scanned without rdflib.

The store parses N-Triples natively, so a report stored with its version goes in as text; this
avoids building an rdflib Graph that nothing reads (``Graph.serialize`` would need one). The
loaders hand portfolios over as N-Triples; :func:`scan` reads the subject, predicate and the
start of the object of each line, which is all a validation needs to pick a few lines out (a
subject and a predicate never contain white space, so each is one token).

>>> from rdflib import BNode, Literal, URIRef
>>> print(ntriples([(URIRef("urn:a"), URIRef("urn:p"), Literal('say "hi"\\n', lang="lv"))]), end="")
<urn:a> <urn:p> "say \\"hi\\"\\n"@lv .
>>> ntriples([(BNode("b1"), URIRef("urn:p"), Literal(3))])
'_:b1 <urn:p> "3"^^<http://www.w3.org/2001/XMLSchema#integer> .\\n'
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from loaders.ntriples import bnode_label, escape

__all__ = ["iri_token", "ntriples", "scan", "term"]

_XSD_STRING = str(XSD.string)
_UCHAR = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def term(node: Node) -> str:
    """One rdflib term in N-Triples syntax.

    Raises:
        TypeError: not an IRI, blank node or literal.
    """
    if isinstance(node, URIRef):
        return f"<{node}>"
    if isinstance(node, Literal):
        body = escape(str(node))  # the loaders' escaping: one triple is always one line
        if node.language:
            return f'"{body}"@{node.language}'
        if node.datatype is not None and str(node.datatype) != _XSD_STRING:
            return f'"{body}"^^<{node.datatype}>'
        return f'"{body}"'
    if isinstance(node, BNode):
        return f"_:{bnode_label(node)}"
    raise TypeError(f"not an RDF term: {node!r}")


def ntriples(triples: Iterable[tuple[Node, Node, Node]]) -> str:
    """The triples as N-Triples text, one line each (duplicates are kept; a store drops them)."""
    return "".join(f"{term(s)} {term(p)} {term(o)} .\n" for s, p, o in triples)


def iri_token(token: str) -> str:
    """A term token with its ``\\u`` / ``\\U`` escapes (allowed in IRIs) decoded.

    >>> iri_token("<urn:\\\\u0100>")
    '<urn:Ā>'
    """
    if "\\" not in token:
        return token
    return _UCHAR.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), token)


def scan(text: str) -> Iterator[tuple[str, str, str, str]]:
    """(subject, predicate, first token of the object, line) of each triple line, in order.

    Terms are as written (``<iri>``, ``_:label``; a literal's token is only its start), with
    escapes decoded; blank and comment lines are skipped.

    >>> next(scan('<urn:s> <urn:p> "a b"@lv .'))
    ('<urn:s>', '<urn:p>', '"a', '<urn:s> <urn:p> "a b"@lv .')
    """
    for line in text.splitlines():
        parts = line.split(None, 2)
        if len(parts) < 3 or parts[0].startswith("#"):
            continue
        obj = parts[2].split(None, 1)[0]
        yield iri_token(parts[0]), iri_token(parts[1]), iri_token(obj), line
