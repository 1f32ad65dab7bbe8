"""Catalogue documents kept until the store changes (``GET /catalog``, ``GET /catalog/cpsv``).

Why: building the catalogue reads every portfolio's facts and counts the bytes of each new
version's downloads (about 3 s at 50,000 services once the versions' sizes are known, 45 s the
first time), and the CPSV-AP export is built from the whole current view. Harvesters send HEAD
and GET, often.

An embedded store counts the writes made through it (``Store.write_generation``; one process
owns it), so what is kept stays valid until the next write, whatever its kind. A remote store
has other writers that pvkg cannot see: what is kept there is rebuilt after
:data:`REMOTE_TTL_S` seconds at most. Rendered documents are kept per (base URL, kind), at most
:data:`MAX_DOCUMENTS` of them, so odd Host headers cannot fill the memory.
"""

from __future__ import annotations

import collections
import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

from rdflib import Graph

from pvkg.catalog import CatalogCore, catalog_for_base, read_core
from pvkg.cpsv_export import export_cpsv_store
from pvkg.settings import Settings
from pvkg.store import LocalStore, Store, rdf_format

REMOTE_TTL_S = 30.0  # a remote store's catalogue is at most this old
MAX_DOCUMENTS = 16  # rendered (base URL, kind) documents kept per store state
HTML = "text/html"

T = TypeVar("T")

__all__ = ["HTML", "MAX_DOCUMENTS", "REMOTE_TTL_S", "CatalogCache", "Kept"]


class Kept(Generic[T]):
    """One value derived from the store, rebuilt when the store has changed since.

    Concurrent callers of a stale value wait for one rebuild instead of each building it.
    """

    def __init__(
        self,
        store: Store,
        build: Callable[[], T],
        *,
        ttl_s: float = REMOTE_TTL_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._store = store
        self._build = build
        self._ttl_s = ttl_s
        self._clock = clock
        self._lock = threading.Lock()
        self._value: T | None = None
        self._stamp: tuple[str, float] | None = None

    def _current_stamp(self) -> tuple[str, float] | None:
        """The store state a value built now belongs to; None: build anew."""
        generation = self._store.write_generation()
        if generation is not None:
            return ("writes", float(generation))
        if self._stamp is not None and self._clock() - self._stamp[1] < self._ttl_s:
            return self._stamp
        return None

    def get(self) -> tuple[T, tuple[str, float]]:
        """The value and the store state it belongs to (a key for what is derived from it).

        Raises:
            whatever ``build`` raises (nothing is kept then).
        """
        with self._lock:
            stamp = self._current_stamp()
            if stamp is not None and stamp == self._stamp and self._value is not None:
                return self._value, stamp
            if stamp is None:  # a remote store: the value belongs to the time it was built
                stamp = ("time", self._clock())
            value = self._build()  # the stamp was read first: the value is at least as new
            self._value, self._stamp = value, stamp
        return value, stamp


class CatalogCache:
    """The catalogue of one store, rendered per base URL and kind (a media type or HTML)."""

    def __init__(
        self,
        store: Store,
        settings: Settings,
        *,
        ttl_s: float = REMOTE_TTL_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._core: Kept[CatalogCore] = Kept(
            store, lambda: read_core(store, settings), ttl_s=ttl_s, clock=clock
        )
        self._cpsv: Kept[LocalStore] = Kept(
            store, lambda: export_cpsv_store(store), ttl_s=ttl_s, clock=clock
        )
        self._documents: collections.OrderedDict[tuple[object, ...], bytes] = (
            collections.OrderedDict()
        )
        self._lock = threading.Lock()

    def document(self, base_url: str, kind: str) -> bytes:
        """The catalogue with URLs under ``base_url``, as ``kind`` (an RDF media type or
        :data:`HTML`).

        Raises:
            UnsupportedFormat: ``kind`` is neither.
            StoreError: the store cannot be read.
        """
        core, stamp = self._core.get()
        key = (stamp, base_url, kind)
        with self._lock:
            kept = self._documents.get(key)
            if kept is not None:
                self._documents.move_to_end(key)
                return kept
        body = render(catalog_for_base(core, base_url), base_url, kind)
        with self._lock:
            self._documents[key] = body
            while len(self._documents) > MAX_DOCUMENTS:
                self._documents.popitem(last=False)
        return body

    def cpsv(self, fmt: str) -> bytes:
        """The CPSV-AP 3.2.0 export of the current view in one RDF syntax.

        Raises:
            UnsupportedFormat: ``fmt`` is not a graph syntax pvkg writes.
            StoreError: the store cannot be read.
        """
        scratch, _ = self._cpsv.get()
        return scratch.serialize_graph(None, rdf_format(fmt).name)


def render(graph: Graph, base_url: str, kind: str) -> bytes:
    """The catalogue graph as an RDF media type, or as the HTML page for browsers.

    Raises:
        UnsupportedFormat: ``kind`` is neither.
    """
    if kind == HTML:
        from pvkg.catalog_page import catalog_html

        return catalog_html(graph, base_url).encode("utf-8")
    return graph.serialize(format=rdf_format(kind).rdflib, encoding="utf-8")
