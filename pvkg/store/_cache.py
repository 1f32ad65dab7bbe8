"""Serialised query answers remembered per store generation (see ``_sandbox.py``).

Why: the endpoint's clients repeat queries (the dashboard's curated queries, polling clients,
the same analyst query from several people) while the store changes a few times a day. An
answer is kept under the generation of the worker that computed it, and every write starts a
new generation, so a read after a write never sees an answer from before it. Queries whose
answer may differ between two runs on the same data (``NOW()``, ``RAND()``, ``UUID()``,
``STRUUID()``, ``BNODE()``, ``SERVICE``) are never kept; a match inside a string or IRI only
means the query is not cached.
"""

from __future__ import annotations

import collections
import re
import threading
from collections.abc import Hashable

RESULT_CACHE_BYTES = 64 * 1024**2  # at most this many answer bytes are kept per store
MAX_ENTRY_BYTES = 4 * 1024**2  # bigger answers are not kept
MAX_ENTRIES = 4096  # and at most this many answers (each also holds its query text)

_VOLATILE_WORDS = frozenset({"NOW", "RAND", "UUID", "STRUUID", "BNODE", "SERVICE"})
# Function calls, and the SERVICE keyword (not ?service, pv:service or an IRI's /service/).
_VOLATILE = re.compile(
    r"\b(?:now|rand|uuid|struuid|bnode)\s*\(|(?<![\w?$:/#.\-])service\b", re.IGNORECASE
)


def cacheable(sparql: str) -> bool:
    """Whether two runs of ``sparql`` on the same data give the same answer (conservatively).

    A quick text search first; when it finds a suspect word, the query's own keywords decide
    (words in comments, strings and IRIs do not count: the curated queries' comments talk
    about services).

    >>> cacheable("SELECT ?s WHERE { ?s ?p ?o }"), cacheable("SELECT (NOW() AS ?t) {}")
    (True, False)
    >>> cacheable("SELECT ?s WHERE { ?s <urn:service> 'service' }")
    True
    """
    if _VOLATILE.search(sparql) is None:
        return True
    from pvkg.store._inspect import keywords

    return not keywords(sparql) & _VOLATILE_WORDS


class ResultCache:
    """A byte-bounded LRU map from (generation, job) to an answer with a ``body`` of bytes."""

    def __init__(self, max_bytes: int = RESULT_CACHE_BYTES) -> None:
        self._max_bytes = max_bytes
        self._entries: collections.OrderedDict[Hashable, object] = collections.OrderedDict()
        self._sizes: dict[Hashable, int] = {}
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> object | None:
        with self._lock:
            answer = self._entries.get(key)
            if answer is not None:
                self._entries.move_to_end(key)
            return answer

    def put(self, key: Hashable, answer: object, size: int) -> None:
        if size > min(MAX_ENTRY_BYTES, self._max_bytes):
            return
        with self._lock:
            if key in self._entries:
                return
            self._entries[key] = answer
            self._sizes[key] = size
            self._bytes += size
            while self._bytes > self._max_bytes or len(self._entries) > MAX_ENTRIES:
                old, _ = self._entries.popitem(last=False)
                self._bytes -= self._sizes.pop(old)

    def clear(self) -> None:
        """Forget every answer (after a write none of them can be hit again)."""
        with self._lock:
            self._entries.clear()
            self._sizes.clear()
            self._bytes = 0

    def __len__(self) -> int:
        return len(self._entries)
