"""Institution names in the store -> pvkg institution ids (for ``institution_resolver``)."""

from __future__ import annotations

from urllib.parse import unquote

from pvkg.namespaces import ID, slugify
from pvkg.store import SelectResult, Store

_QUERY = """
SELECT ?org ?label ?id ?pref WHERE {
  VALUES ?class { pv:Institution cv:PublicOrganisation }
  ?org a ?class .
  { ?org skos:prefLabel ?label } UNION { ?org skos:altLabel ?label }
  OPTIONAL { ?org dct:identifier ?id }
  OPTIONAL { ?org skos:prefLabel ?pref FILTER (lang(?pref) = "lv") }
}"""

_PREFIX = f"{ID}institution/"


class StoreResolver:
    """Latvian name -> institution id, plus the canonical Latvian name of a resolved id."""

    def __init__(self, index: dict[str, str], names: dict[str, str]) -> None:
        self._index = index
        self._names = names

    def __call__(self, name: str) -> str | None:
        """The id of the institution with this label; else of the one whose id is the name's
        slug (so "Viedas administrācijas …", a spelling variant, is still VARAM)."""
        found = self._index.get(name.strip().casefold())
        if found is not None:
            return found
        slug = slugify(name)
        return slug if slug in self._names or slug in self._index.values() else None

    def label(self, institution_id: str) -> str | None:
        """The institution's ``skos:prefLabel``@lv in the store (used instead of a variant)."""
        return self._names.get(institution_id)


def store_resolver(store: Store) -> StoreResolver:
    """A resolver over the institutions in the store's default graph.

    Raises:
        StoreError: the store cannot be queried.
    """
    result = store.query(_QUERY)
    assert isinstance(result, SelectResult)
    index: dict[str, str] = {}
    names: dict[str, str] = {}
    for org, label, ident, pref in result.rows:
        org_text = str(org)
        tail = org_text.removeprefix(_PREFIX)
        if org_text.startswith(_PREFIX) and "/" not in tail:
            inst_id = unquote(tail)
        elif ident is not None:
            inst_id = str(ident)
        else:
            continue
        index.setdefault(str(label).strip().casefold(), inst_id)
        if pref is not None:
            names.setdefault(inst_id, str(pref))
    return StoreResolver(index, names)
