"""The only way into the graph: an embedded pyoxigraph store or a remote SPARQL server.

Nothing outside this package imports pyoxigraph or SPARQLWrapper.

>>> from pvkg.settings import Settings
>>> store = open_store(Settings(), in_memory=True)
>>> store.location
':memory:'
"""

from __future__ import annotations

from pvkg.settings import Settings
from pvkg.store._base import QueryAnswer, SelectResult, SerializedAnswer, Store
from pvkg.store._bindings import bind_values, is_bindable_iri
from pvkg.store._formats import RDF_FORMATS, RdfFormatInfo, rdf_format, rdf_format_for_path
from pvkg.store._local import LocalStore
from pvkg.store._terms import Triple
from pvkg.store._urls import redact_url, shown_url

__all__ = [
    "RDF_FORMATS",
    "LocalStore",
    "QueryAnswer",
    "RdfFormatInfo",
    "SelectResult",
    "SerializedAnswer",
    "Store",
    "Triple",
    "bind_values",
    "is_bindable_iri",
    "open_store",
    "rdf_format",
    "rdf_format_for_path",
    "redact_url",
    "shown_url",
]


def open_store(settings: Settings, *, in_memory: bool = False) -> Store:
    """Open the store the settings name: remote when ``store_url`` is set, else on disk.

    Raises:
        StoreLocked: another process has the on-disk store open.
        StoreError: the store cannot be opened.
    """
    cache = settings.query_cache_mib * 1024**2
    if in_memory:
        return LocalStore(None, result_cache_bytes=cache)
    if settings.store_url:
        from pvkg.store._remote import RemoteStore

        return RemoteStore(settings.store_url, timeout_s=settings.query_timeout_s)
    return LocalStore(settings.store_path, result_cache_bytes=cache)
