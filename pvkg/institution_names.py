"""Institution names -> pvkg institution ids: one matching rule for every file that names one.

Portfolios (``loaders.institution_resolver``), the institution registry (``pvkg registry load``,
for parents) and survey answers (``pvkg survey load``) all name institutions in Latvian, so
they all resolve a name the same way; the first rule that matches wins:

1. a ``skos:prefLabel`` (any language) of a ``pv:Institution`` or ``cv:PublicOrganisation``,
2. a ``skos:altLabel`` (abbreviations such as ``VARAM``, former names),
3. a ``dct:identifier`` (the pvkg id itself),

each compared after Unicode NFC, trimming and case folding; then

4. the name's slug (:func:`loaders.identity.institution_slug`), when that is a known
   institution id, so a spelling variant such as "Viedas administrācijas …" (short *a*) is
   still VARAM, whose label is "Viedās …".

The id of a match is the last segment of its ``pvid:institution/<id>`` IRI, else its
``dct:identifier`` (DOMAIN.md ids are the ASCII slugs of the Latvian names, docs/MODEL.md §3).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import unquote

from rdflib import Graph

from loaders.identity import institution_slug
from pvkg.namespaces import ID, PREFIXES
from pvkg.store import SelectResult, Store

__all__ = ["QUERY", "InstitutionNames", "graph_institution_names", "institution_names", "norm"]

_PREFIXES = "".join(f"PREFIX {p}: <{PREFIXES[p]}>\n" for p in ("pv", "cv", "skos", "dct"))
QUERY = (
    _PREFIXES
    + """SELECT DISTINCT ?org ?label ?rank ?id ?pref WHERE {
  VALUES ?class { pv:Institution cv:PublicOrganisation }
  ?org a ?class .
  { ?org skos:prefLabel ?label BIND (0 AS ?rank) }
  UNION { ?org skos:altLabel ?label BIND (1 AS ?rank) }
  UNION { ?org dct:identifier ?label BIND (2 AS ?rank) }
  OPTIONAL { ?org dct:identifier ?id }
  OPTIONAL { ?org skos:prefLabel ?pref FILTER (lang(?pref) = "lv") }
}"""
)
_INSTITUTION = f"{ID}institution/"


def norm(name: str) -> str:
    """The form names are compared in: NFC, trimmed, case-folded.

    >>> norm("  VIEDĀS administrācijas ") == norm("viedās administrācijas")
    True
    """
    return unicodedata.normalize("NFC", name).strip().casefold()


class InstitutionNames:
    """Name -> institution id by the module's rule, plus the canonical Latvian name of an id.

    Args:
        index: compared names (see :func:`norm`) -> institution id, in priority order.
        names: institution id -> its ``skos:prefLabel``@lv.

    >>> names = InstitutionNames({"finanšu ministrija": "finansu-ministrija"}, {})
    >>> names("FINANŠU MINISTRIJA "), names("Finansu ministrija"), names("Nav")
    ('finansu-ministrija', 'finansu-ministrija', None)
    """

    def __init__(self, index: dict[str, str], names: dict[str, str]) -> None:
        self._index: dict[str, str] = {}
        for key, inst_id in index.items():
            self._index.setdefault(norm(key), inst_id)  # the first of equal keys wins
        self._names = dict(names)
        self._ids = frozenset(self._index.values()) | frozenset(self._names)

    def __call__(self, name: str) -> str | None:
        """The id of the institution with this label, abbreviation or id; else of the one whose
        id is the name's slug; else None."""
        found = self._index.get(norm(name))
        if found is not None:
            return found
        slug = institution_slug(name)
        return slug if slug in self._ids else None

    def label(self, institution_id: str) -> str | None:
        """The institution's ``skos:prefLabel``@lv (loaders use it instead of a variant)."""
        return self._names.get(institution_id)

    def with_names(self, entries: Iterable[tuple[str, str]]) -> InstitutionNames:
        """A copy where ``(name, id)`` entries come first (a file's own institutions)."""
        index: dict[str, str] = {}
        for name, inst_id in entries:
            index.setdefault(norm(name), inst_id)
        for key, inst_id in self._index.items():
            index.setdefault(key, inst_id)
        return InstitutionNames(index, self._names)


def _from_rows(rows: Iterable[Sequence[Any]]) -> InstitutionNames:
    """Build from :data:`QUERY` rows, whichever engine answered it (rules 1-3 in order; among
    institutions sharing a name, the first IRI in code point order, so the answer is stable)."""
    index: dict[str, str] = {}
    names: dict[str, str] = {}
    ordered = sorted(rows, key=lambda r: (int(r[2]), str(r[0]), str(r[1])))
    for org, label, _rank, ident, pref in ordered:
        org_text = str(org)
        tail = org_text.removeprefix(_INSTITUTION)
        if org_text.startswith(_INSTITUTION) and "/" not in tail:
            inst_id = unquote(tail)
        elif ident is not None:
            inst_id = str(ident)
        else:
            continue
        index.setdefault(norm(str(label)), inst_id)
        if pref is not None:
            names.setdefault(inst_id, str(pref))
    return InstitutionNames(index, names)


def institution_names(store: Store) -> InstitutionNames:
    """The institutions in the store's default graph (the published view).

    Raises:
        StoreError: the store cannot be queried.
    """
    result = store.query(QUERY)
    assert isinstance(result, SelectResult)
    return _from_rows(result.rows)


def graph_institution_names(graph: Graph) -> InstitutionNames:
    """The institutions in an rdflib ``Graph`` (reference files, when no store is at hand)."""
    return _from_rows(tuple(row) for row in graph.query(QUERY))
