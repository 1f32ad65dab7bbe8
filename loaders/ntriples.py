"""N-Triples text for the loaders: terms written straight from strings, no rdflib objects.

Building an rdflib Graph cost most of a load (IRI validation, the Memory store's ``add`` with
its events; bench/NOTES.md finding 3). The loaders write each triple as one N-Triples line
instead; the store parses that text natively, and :func:`parse_graph` turns it into an rdflib
Graph only for the callers that need one (pyshacl, exporters, tests).

>>> literal('Say "hi"\\n\\\\', lang="LV")
'"Say \\\\"hi\\\\"\\\\n\\\\\\\\"@lv'
>>> typed(7, "http://www.w3.org/2001/XMLSchema#integer")
'"7"^^<http://www.w3.org/2001/XMLSchema#integer>'
"""

from __future__ import annotations

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

# Backslash, quote, line breaks and every other control character are escaped, so a line of
# N-Triples is always one line and parses the same with every reader.
_ESCAPES = {ord("\\"): "\\\\", ord('"'): '\\"', ord("\n"): "\\n", ord("\r"): "\\r"}
_ESCAPES.update({c: f"\\u{c:04X}" for c in (*range(0x20), 0x7F) if c not in (ord("\n"), ord("\r"))})


def escape(text: str) -> str:
    """The body of an N-Triples string literal."""
    return text.translate(_ESCAPES)


def iri(text: str) -> str:
    """An IRI term (the text must already be a valid IRI: minted ones are percent-encoded)."""
    return f"<{text}>"


def literal(value: str, lang: str | None = None) -> str:
    """A plain literal, or a language-tagged one (tags are case-insensitive: written lower)."""
    body = value.translate(_ESCAPES)
    return f'"{body}"@{lang.lower()}' if lang else f'"{body}"'


def language(node: Node) -> str:
    """The primary language subtag of a literal, lower case ('' when untagged or no literal):
    BCP 47 tags are case-insensitive and a region does not change the language, so
    ``@lv``, ``@LV`` and ``@lv-LV`` are all Latvian.

    >>> [language(Literal("x", lang=t)) for t in ("lv-LV", "LV", "EN-gb")], language(Literal("x"))
    (['lv', 'lv', 'en'], '')
    """
    tag = node.language if isinstance(node, Literal) else None
    return tag.split("-", 1)[0].casefold() if tag else ""


def typed(value: object, datatype: str) -> str:
    """A literal with a datatype IRI."""
    return f'"{str(value).translate(_ESCAPES)}"^^<{datatype}>'


def bnode_label(label: str) -> str:
    """A blank-node label N-Triples accepts: characters other than ASCII letters and digits are
    spelled out (``-`` becomes ``_2d_``, ``_`` itself ``_5f_``), so two labels never become one.

    >>> bnode_label("a-b"), bnode_label("a_b")
    ('a_2d_b', 'a_5f_b')
    """
    return "".join(c if c.isascii() and c.isalnum() else f"_{ord(c):x}_" for c in label)


def term(node: Node, bnode_prefix: str = "x") -> str:
    """Any rdflib term as N-Triples (blank nodes keep their id behind ``bnode_prefix``)."""
    if isinstance(node, URIRef):
        return f"<{node}>"
    if isinstance(node, Literal):
        if node.language:
            return literal(str(node), node.language)
        if node.datatype is not None:
            return typed(str(node), str(node.datatype))
        return literal(str(node))
    if isinstance(node, BNode):
        return f"_:{bnode_prefix}{bnode_label(node)}"
    raise TypeError(f"not an RDF term: {node!r}")


def graph_to_nt(graph: Graph) -> str:
    """An rdflib Graph as N-Triples text, written with the same escaping as the loaders."""
    return "".join(f"{term(s)} {term(p)} {term(o)} .\n" for s, p, o in graph)


def parse_graph(text: str) -> Graph:
    """An rdflib Graph of N-Triples text."""
    graph = Graph()
    if text:
        graph.parse(data=text, format="nt")
    return graph
