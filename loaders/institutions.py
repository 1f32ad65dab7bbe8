"""Institution names in the store -> pvkg institution ids (for :func:`institution_resolver`)."""

from __future__ import annotations

from urllib.parse import unquote

from pvkg.namespaces import ID
from pvkg.store import SelectResult, Store

_QUERY = """
SELECT ?org ?label ?id WHERE {
  VALUES ?class { pv:Institution cv:PublicOrganisation }
  ?org a ?class .
  { ?org skos:prefLabel ?label } UNION { ?org skos:altLabel ?label }
  OPTIONAL { ?org dct:identifier ?id }
}"""

_PREFIX = f"{ID}institution/"


def label_index(store: Store) -> dict[str, str]:
    """``casefolded label -> institution id`` for every institution in the default graph."""
    result = store.query(_QUERY)
    assert isinstance(result, SelectResult)
    index: dict[str, str] = {}
    for org, label, ident in result.rows:
        org_text = str(org)
        tail = org_text.removeprefix(_PREFIX)
        if org_text.startswith(_PREFIX) and "/" not in tail:
            inst_id = unquote(tail)
        elif ident is not None:
            inst_id = str(ident)
        else:
            continue
        index.setdefault(str(label).strip().casefold(), inst_id)
    return index
