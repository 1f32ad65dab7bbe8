"""Institution ids and concept codes given to a curated query must be ones the store holds.

Why: a misspelt id (``nav-tadas``) or code (``PU1.1``) is a well-formed IRI that matches
nothing, so the query answered an empty table: for a compliance query that reads as "no
problem found". One ASK through the store interface (an index lookup per value) tells; only
when it fails are the known ids read, to suggest the close ones.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass

from rdflib import Literal, URIRef

from pvkg.errors import ParameterError
from pvkg.namespaces import ID
from pvkg.store import SelectResult, Store

MAX_LISTED = 30  # a scheme with at most this many codes is listed when nothing is close


@dataclass(frozen=True)
class GivenValue:
    """One reference a user gave: which parameter, of which kind, as typed, as an IRI."""

    parameter: str
    kind: str  # "institution" or "concept:<scheme>"
    typed: str
    term: URIRef


def require_known(store: Store, given: Sequence[GivenValue]) -> None:
    """Refuse values naming nothing in the store (the default graph: what queries see).

    Raises:
        ParameterError: naming the parameter and the value as typed, with close matches.

    >>> from pvkg.store import LocalStore
    >>> store = LocalStore(None)
    >>> store.update('INSERT DATA { <https://pvkg.lv/id/role/ROLE05> a <urn:Role> }')
    >>> role = URIRef("https://pvkg.lv/id/role/ROLE5")
    >>> try:
    ...     require_known(store, [GivenValue("role", "concept:role", "rol5", role)])
    ... except ParameterError as err:
    ...     print(err)
    parameter role: no role code 'rol5' in the store; did you mean ROLE05?
    """
    for value in given:  # (an IRI of another kind, e.g. a role given as the institution)
        if not _in_scheme(value):
            raise ParameterError(_unknown(store, value))
    if not given or store.query(_ask(given)) is True:
        return
    for value in given:
        if store.query(_ask([value])) is not True:
            raise ParameterError(_unknown(store, value))


def _in_scheme(value: GivenValue) -> bool:
    """Whether the IRI is one segment under its kind's namespace (``…/id/institution/<id>``)."""
    scheme = value.kind.removeprefix("concept:")
    local = str(value.term).removeprefix(f"{ID}{scheme}/")
    return local != str(value.term) and bool(local) and "/" not in local


def _ask(given: Sequence[GivenValue]) -> str:
    """ASK whether every value is the subject or the object of some triple."""
    groups = [
        f"{{ {{ <{v.term}> ?p{i} ?o{i} }} UNION {{ ?s{i} ?q{i} <{v.term}> }} }}"
        for i, v in enumerate(given)
    ]
    return "ASK { " + " ".join(groups) + " }"


def _unknown(store: Store, value: GivenValue) -> str:
    scheme = value.kind.removeprefix("concept:")
    what = "institution" if value.kind == "institution" else f"{scheme} code"
    message = f"parameter {value.parameter}: no {what} {value.typed!r} in the store"
    known = _known_codes(store, f"{ID}{scheme}/")
    wanted = str(value.term).rsplit("/", 1)[-1]
    close = [k for k, names in known.items() if wanted.lower() in names]  # an abbreviation
    lowered = {k.lower(): k for k in known}
    matches = difflib.get_close_matches(wanted.lower(), sorted(lowered), n=3, cutoff=0.6)
    close += [lowered[m] for m in matches]
    if close:
        return message + f"; did you mean {', '.join(dict.fromkeys(close))}?"
    if 0 < len(known) <= MAX_LISTED:
        return message + f"; known {what}s: {', '.join(sorted(known))}"
    if value.kind == "institution":
        return message + (
            "; the ids are listed by SELECT ?id WHERE { ?i a pv:Institution ; dct:identifier ?id }"
        )
    return message


def _known_codes(store: Store, prefix: str) -> dict[str, set[str]]:
    """The codes of typed resources whose IRI is ``prefix`` + one segment, each with its
    notations and alternative labels lower-cased (``FM`` for finansu-ministrija)."""
    answer = store.query(
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
        "SELECT DISTINCT ?x ?name WHERE { ?x a ?type "
        f"FILTER (STRSTARTS(STR(?x), {Literal(prefix).n3()})) "
        "OPTIONAL { ?x skos:notation|skos:altLabel ?name } }"
    )
    codes: dict[str, set[str]] = {}
    if not isinstance(answer, SelectResult):
        return codes
    for iri, name in answer.rows:
        code = str(iri)[len(prefix) :]
        if code and "/" not in code:
            codes.setdefault(code, set())
            if name is not None:
                codes[code].add(str(name).lower())
    return codes
