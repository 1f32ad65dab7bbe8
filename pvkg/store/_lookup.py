"""One-pattern lookups answered in the server process, without a query worker.

Why: a query worker costs two process switches per query, which on a busy two-core machine is
most of a small query's time. A SELECT of exactly one triple pattern (``SELECT ?name WHERE {
<x> skos:prefLabel ?name }``, written with full IRIs) cannot run away: pyoxigraph streams its
solutions straight from one index scan, each ``next()`` is one index step, and at most
:data:`MAX_ROWS` rows are read here. A lookup with more rows, or anything the strict pattern
below does not match, goes to a worker as before, so the rule that every query can be killed
holds for every query that could take long.
"""

from __future__ import annotations

import itertools
import re

import pyoxigraph as ox

from pvkg.store._base import SerializedAnswer
from pvkg.store._results import serialize_solutions, too_large

MAX_ROWS = 256  # more rows than this: the lookup goes to a worker

_IRI = r"<[^<>\"{}|^`\\\x00-\x20]*>"
_VAR = r"[?$][A-Za-z_][A-Za-z0-9_]*"
_LITERAL = r"\"(?:[^\"\\\n\r]|\\.)*\"(?:@[A-Za-z]+(?:-[A-Za-z0-9]+)*|\^\^" + _IRI + ")?"
_TERM = f"(?:{_IRI}|{_VAR}|{_LITERAL})"
_LOOKUP = re.compile(
    r"\s*SELECT\s+(?:\*|(?:" + _VAR + r"\s*)+)\s*(?:WHERE\s*)?"
    r"\{\s*(?P<pattern>" + f"{_TERM}\\s+(?:{_IRI}|{_VAR}|a)\\s+{_TERM}" + r")\s*\.?\s*\}"
    r"\s*(?:LIMIT\s+\d+\s*)?(?:#[^\n]*\s*)?",
    re.IGNORECASE,
)


def is_lookup(sparql: str) -> bool:
    """Whether ``sparql`` is a one-pattern SELECT this module may answer in-process.

    >>> is_lookup("SELECT ?n WHERE { <urn:x> <urn:p> ?n } # note")
    True
    >>> is_lookup("SELECT ?n WHERE { ?a ?b ?c . ?c ?d ?n }")
    False
    >>> is_lookup("SELECT * { ?s a ?o } ORDER BY ?o")
    False

    Not DISTINCT, and no variable twice in the pattern (``?x ?p ?x``): either can make one
    ``next()`` skip over any number of index entries, so it would not be bounded by the rows read.

    >>> is_lookup("SELECT DISTINCT ?p WHERE { ?s ?p ?o }"), is_lookup("SELECT ?x { ?x ?p ?x }")
    (False, False)
    """
    if len(sparql) > 4000 or (match := _LOOKUP.fullmatch(sparql)) is None:
        return False
    pattern = match.group("pattern")
    names = [v[1:] for v in re.findall(_VAR, pattern)]
    # a variable's name inside a literal or IRI is harmless here: it only makes us refuse more
    return len(names) == len(set(names))


def run_lookup(
    store: ox.Store, sparql: str, media_type: str, base_iri: str | None, max_rows: int | None
) -> SerializedAnswer | None:
    """The answer, or None when the lookup must go to a worker (too many rows, or pyoxigraph
    refuses it: the worker then reports the error as for any query).

    Raises:
        PayloadTooLarge: more than ``max_rows`` rows (when that is under :data:`MAX_ROWS`).
    """
    try:
        answer = store.query(sparql, base_iri=base_iri) if base_iri else store.query(sparql)
        if not isinstance(answer, ox.QuerySolutions):
            return None
        variables = [v.value for v in answer.variables]
        rows = list(itertools.islice(answer, MAX_ROWS + 1))
    except (SyntaxError, OSError, ValueError):
        return None
    if max_rows is not None and len(rows) > max_rows:
        # pyoxigraph answers may only be dropped on the thread that made them; the exception's
        # traceback would carry this frame (and them) to the thread that handles it
        del rows, answer
        raise too_large(max_rows)
    if len(rows) > MAX_ROWS:
        return None
    body = serialize_solutions(variables, rows, media_type, max_rows)
    return SerializedAnswer(body, media_type, "select")
