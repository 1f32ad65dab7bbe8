"""Safe parameter binding for SPARQL: values go in as escaped RDF terms, never as raw text.

Used for curated-query parameters by every store, so that the local and the remote store bind
in the same way. The values become a ``VALUES`` block at the start of the outermost ``WHERE``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from pvkg.errors import ParameterError

_VARIABLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_BAD_IRI_CHARS = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)


def is_bindable_iri(text: str) -> bool:
    r"""Whether ``text`` can be bound as ``<text>``: no character that could end the IRI or
    break out of it (space, controls, ``<>"{}|^`\``).

    >>> is_bindable_iri("https://pvkg.lv/id/role/ROLE05"), is_bindable_iri("x> } #")
    (True, False)
    """
    return _BAD_IRI_CHARS.search(text) is None


def term_text(term: Node) -> str:
    """The term in SPARQL syntax, escaped; refuses IRIs that could break out of ``<…>``.

    >>> term_text(Literal('a"} ; DROP ALL #'))
    '"a\\\\"} ; DROP ALL #"'
    """
    if isinstance(term, URIRef):
        if not is_bindable_iri(str(term)):
            raise ParameterError(f"not a valid IRI: {str(term)!r}")
        return f"<{term}>"
    if isinstance(term, Literal):
        return term.n3()
    if isinstance(term, BNode):
        raise ParameterError("blank nodes cannot be query parameters")
    raise ParameterError(f"unsupported parameter value {term!r}")


def bind_values(sparql: str, bindings: Mapping[str, Node]) -> str:
    """Insert ``VALUES (?a ?b) { (… …) }`` right after the outermost ``WHERE {``.

    >>> bind_values("SELECT ?s WHERE { ?s ?p ?o }", {"o": Literal(1)})
    'SELECT ?s WHERE { VALUES (?o) { ("1"^^<http://www.w3.org/2001/XMLSchema#integer>) } ?s ?p ?o }'

    Raises:
        ParameterError: a variable name or value is not acceptable, or the query has no WHERE.
    """
    if not bindings:
        return sparql
    for name in bindings:
        if not _VARIABLE.match(name):
            raise ParameterError(f"not a valid SPARQL variable name: {name!r}")
    # Blank out comment lines (same length, so offsets still match the original text).
    body_lines = [
        " " * len(line) if line.lstrip().startswith("#") else line for line in sparql.split("\n")
    ]
    match = _WHERE.search("\n".join(body_lines))
    if match is None:
        raise ParameterError("a parameterised query needs an explicit WHERE { … } clause")
    names = " ".join(f"?{name}" for name in bindings)
    values = " ".join(term_text(term) for term in bindings.values())
    block = f" VALUES ({names}) {{ ({values}) }}"
    return sparql[: match.end()] + block + sparql[match.end() :]
