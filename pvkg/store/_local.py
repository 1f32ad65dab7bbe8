"""The embedded store: pyoxigraph on disk (or in memory for tests)."""

from __future__ import annotations

import asyncio
import functools
import inspect
import io
import itertools
import re
import threading
import time
import weakref
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import Graph
from rdflib.term import Node

from pvkg.errors import InputError, QuerySyntaxError, QueryTimeout, StoreError, StoreLocked
from pvkg.namespaces import PREFIXES
from pvkg.store._base import (
    QueryAnswer,
    SelectResult,
    SerializedAnswer,
    Store,
    graph_state_error,
    reading_rdf,
)
from pvkg.store._bindings import bind_values
from pvkg.store._cache import RESULT_CACHE_BYTES, ResultCache, cacheable
from pvkg.store._formats import rdf_format
from pvkg.store._lookup import is_lookup, run_lookup
from pvkg.store._results import serialize_boolean, serialize_solutions, serialize_triples
from pvkg.store._sandbox import CAN_FORK, ForkGuard, WorkerPool
from pvkg.store._terms import Triple, graph_node, to_quads, to_rdflib


def _open(path: Path | None) -> ox.Store:
    if path is None:
        return ox.Store()
    if path.exists() and not path.is_dir():
        raise InputError(f"{path} is a file, not a store directory; give --store a directory")
    try:
        path.mkdir(parents=True, exist_ok=True)
        return ox.Store(str(path))
    except OSError as err:
        text = str(err)
        if "lock" in text.lower():
            raise StoreLocked(
                f"store directory {path} is already open in another process; only one process "
                "may open an on-disk store: stop it, or, when it is a pvkg server, read the "
                "store through it with --store-url http://HOST:PORT/sparql (queries and exports; "
                "portfolios are submitted to it with PUT /portfolios/{institution})"
            ) from None
        raise StoreError(f"cannot open store directory {path}: {text}") from None


class LocalStore(Store):
    """A pyoxigraph store. ``path=None`` gives a temporary in-memory store.

    ``result_cache_bytes`` bounds the answers of :meth:`query_serialized` kept until the next
    write (``_cache.py``); 0 turns that off.

    >>> store = LocalStore(None)
    >>> store.load_data(b'<urn:a> <urn:p> "1" .', "nt", graph="urn:g")
    >>> store.count("urn:g")
    1
    """

    def __init__(self, path: Path | None, *, result_cache_bytes: int = RESULT_CACHE_BYTES) -> None:
        self.location = str(path) if path is not None else ":memory:"
        self._path = path
        self._store = _open(path)
        self._result_cache_bytes = result_cache_bytes
        self._reopen_needed = False  # a write failed on disk: see _reopen
        self._generation = 0  # writes so far (write_generation); one process owns the store
        self._generation_lock = threading.Lock()
        # Every call into pyoxigraph holds this shared, so that a query child is only forked
        # while no other thread is inside the store (see _sandbox.py).
        self._guard = ForkGuard()
        self._children = self._new_pool()

    def _new_pool(self) -> WorkerPool:
        pool = WorkerPool(
            self._guard,
            functools.partial(_run_job, self._store),
            watch=self._path,
            results=ResultCache(self._result_cache_bytes) if self._result_cache_bytes else None,
            probe=functools.partial(_probe, self._store),
        )
        weakref.finalize(self, pool.close)
        return pool

    def _reopen(self) -> None:
        """Open the on-disk store afresh before the next write after a failed one.

        Why: after an I/O error such as a full disk, RocksDB keeps its background error and
        refuses every later write until the database is opened again (reads go on). The old
        handle is released first (RocksDB allows one open per directory). When the new open
        fails (the disk is still full), the store is opened read-only so that reads go on, and
        the next write tries again.

        Raises:
            StoreError: not even a read-only open worked.
        """
        with self._guard.exclusive():
            if not self._reopen_needed or self._path is None:
                return
            self._children.close()  # drops the workers' and the probe's references
            self._store = None  # type: ignore[assignment]
            try:
                self._store = _open(self._path)
                self._reopen_needed = False
            except StoreError:
                try:
                    self._store = ox.Store.read_only(str(self._path))
                except OSError as err:
                    raise StoreError(f"cannot reopen the store: {err}") from None
            finally:
                if self._store is not None:
                    self._children = self._new_pool()

    # -- queries -----------------------------------------------------------------------------

    def query(
        self,
        sparql: str,
        *,
        default_graphs: Sequence[str | None] | None = None,
        named_graphs: Sequence[str] | None = None,
        bindings: Mapping[str, Node] | None = None,
        timeout_s: float | None = None,
    ) -> QueryAnswer:
        kwargs: dict[str, object] = {"prefixes": PREFIXES}
        if default_graphs is not None:
            kwargs["default_graph"] = [graph_node(g) for g in default_graphs]
        if named_graphs is not None:
            kwargs["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
        if bindings:
            sparql = bind_values(sparql, bindings)
        deadline = None if timeout_s is None else time.monotonic() + timeout_s
        try:
            answer = self._store.query(sparql, **kwargs)
            return _materialise(answer, deadline, timeout_s)
        except SyntaxError as err:
            raise _syntax_error(sparql, err) from None
        except OSError as err:
            raise StoreError(f"query failed: {err}") from None

    def query_serialized(
        self,
        sparql: str,
        media_type: str,
        *,
        default_graphs: Sequence[str | None] | None = None,
        named_graphs: Sequence[str] | None = None,
        base_iri: str | None = None,
        timeout_s: float | None = None,
        max_rows: int | None = None,
    ) -> SerializedAnswer:
        """Run a query in a killable worker process (see ``_sandbox.py``) and serialise it there.

        >>> store = LocalStore(None)
        >>> store.query_serialized("ASK {}", "application/sparql-results+json", timeout_s=5).body
        b'{"head": {}, "boolean": true}'
        """
        job = _job(sparql, media_type, default_graphs, named_graphs, base_iri, max_rows)
        found = self._lookup(job)
        if found is not None:
            return found
        cache = cacheable(sparql)
        if CAN_FORK and timeout_s is not None:
            return self._children.run(job, timeout_s, cache=cache)  # type: ignore[no-any-return]
        with self._guard.shared():
            return _run_job(self._store, job)

    async def query_serialized_async(
        self,
        sparql: str,
        media_type: str,
        *,
        default_graphs: Sequence[str | None] | None = None,
        named_graphs: Sequence[str] | None = None,
        base_iri: str | None = None,
        timeout_s: float | None = None,
        max_rows: int | None = None,
    ) -> SerializedAnswer:
        """:meth:`query_serialized` for the event loop: no thread waits while the worker runs,
        and cancelling it (the client went away) stops the query."""
        job = _job(sparql, media_type, default_graphs, named_graphs, base_iri, max_rows)
        # (a lookup runs on the event loop itself: a bounded index scan, shorter than a hop)
        found = self._lookup(job, wait=False)
        if found is not None:
            return found
        cache = cacheable(sparql)
        if CAN_FORK and timeout_s is not None:
            answer = await self._children.run_async(job, timeout_s, cache=cache)
            return answer  # type: ignore[no-any-return]
        return await asyncio.to_thread(self._run_job_shared, job)

    def _lookup(self, job: tuple, *, wait: bool = True) -> SerializedAnswer | None:
        """A one-pattern lookup answered here (``_lookup.py``), or None: use a worker. Its
        answer is kept like a worker's (it calls no function: same data, same answer).

        ``wait=False`` (on the event loop): when a fork is waiting for the store, do not wait
        behind it (it may wait for a long read in another thread); a worker answers instead.
        """
        sparql, default_graphs, named_graphs, base_iri, media_type, max_rows = job
        if default_graphs is not None or named_graphs is not None or not is_lookup(sparql):
            return None
        if (kept := self._children.cached(job)) is not None:
            return kept  # type: ignore[no-any-return]
        writes = self._children.writes  # read first: the answer is at least as new as its key
        with self._guard.shared(wait=wait) as entered:
            if not entered:
                return None
            found = run_lookup(self._store, sparql, media_type, base_iri, max_rows)
        if found is not None:
            self._children.remember(writes, job, found)
        return found

    def write_generation(self) -> int:
        """Every write through this object (failed ones too) adds one; a reopen keeps it."""
        return self._generation

    def _run_job_shared(self, job: tuple) -> SerializedAnswer:
        with self._guard.shared():
            return _run_job(self._store, job)

    def update(self, sparql: str) -> None:
        try:
            self._store.update(sparql, prefixes=PREFIXES)
        except SyntaxError as err:
            raise _syntax_error(sparql, err, update=True) from None
        except OSError as err:
            raise StoreError(f"update failed, nothing written: {err}") from None
        except RuntimeError as err:  # pyoxigraph's word for "graph exists / does not exist"
            failed = graph_state_error(str(err))
            if failed is None:
                raise
            raise failed from None

    # -- graph operations ----------------------------------------------------------------------

    def replace_graph(self, graph: str | None, triples: Iterable[Triple]) -> None:
        self._atomic_replace(graph, list(to_quads(triples, graph)))

    def add_triples(self, graph: str | None, triples: Iterable[Triple]) -> None:
        try:
            self._store.extend(to_quads(triples, graph))
        except OSError as err:
            raise StoreError(f"write failed, nothing written: {err}") from None

    def load_data(
        self,
        data: bytes,
        fmt: str,
        *,
        graph: str | None = None,
        replace: bool = False,
        checked: bool = False,
    ) -> None:
        info = rdf_format(fmt)
        if not replace:
            # pyoxigraph parses and writes in one transaction: twice as fast as building the
            # quads in Python first, and a syntax error part-way writes nothing.
            target = None if info.quads else graph_node(graph)
            try:
                with reading_rdf(data, info):
                    self._store.load(data, format=info.oxigraph, to_graph=target, lenient=checked)
            except OSError as err:
                raise StoreError(f"write failed, nothing written: {err}") from None
            return
        with reading_rdf(data, info):
            parsed = list(ox.parse(data, format=info.oxigraph, lenient=checked))
        if not info.quads:
            target = graph_node(graph)
            parsed = [ox.Quad(q.subject, q.predicate, q.object, target) for q in parsed]
        self._atomic_replace(graph, parsed)

    def _atomic_replace(self, graph: str | None, quads: list[ox.Quad]) -> None:
        """CLEAR then INSERT DATA in one update request: pyoxigraph runs it as one transaction."""
        text = io.StringIO()
        text.write("CLEAR SILENT DEFAULT" if graph is None else f"CLEAR SILENT GRAPH <{graph}>")
        text.write(" ;\nINSERT DATA {\n")
        _write_quads(text, quads)
        text.write("}")
        try:
            self._store.update(text.getvalue())
        except OSError as err:
            raise StoreError(f"write failed, nothing written: {err}") from None

    def drop_graph(self, graph: str) -> None:
        try:
            self._store.remove_graph(ox.NamedNode(graph))
        except OSError as err:
            raise StoreError(f"cannot drop graph {graph}: {err}") from None

    def graph_exists(self, graph: str) -> bool:
        return bool(self._store.contains_named_graph(ox.NamedNode(graph)))

    def create_graph(self, graph: str) -> None:
        try:
            self._store.add_graph(ox.NamedNode(graph))
        except OSError as err:
            raise StoreError(f"cannot create graph {graph}: {err}") from None

    def graph_names(self) -> list[str]:
        names = []
        for name in self._store.named_graphs():
            if isinstance(name, ox.NamedNode) and next(
                iter(self._store.quads_for_pattern(None, None, None, name)), None
            ):
                names.append(name.value)
        return sorted(names)

    def triples(self, graph: str | None) -> Iterator[Triple]:
        for quad in self._store.quads_for_pattern(None, None, None, graph_node(graph)):
            yield to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)

    def count(self, graph: str | None = None) -> int:
        return sum(1 for _ in self._store.quads_for_pattern(None, None, None, graph_node(graph)))

    def serialize_graph(self, graph: str | None, fmt: str) -> bytes:
        info = rdf_format(fmt)
        if info.quads:
            raise StoreError(f"{info.name} is a dataset syntax; use dump() for the whole store")
        return (
            self._store.dump(format=info.oxigraph, from_graph=graph_node(graph), prefixes=PREFIXES)
            or b""
        )

    def dump(self, fmt: str = "nq") -> bytes:
        info = rdf_format(fmt)
        if not info.quads:
            raise StoreError(f"{info.name} holds one graph only; a store dump needs nq or trig")
        return self._store.dump(format=info.oxigraph) or b""

    def close(self) -> None:
        """Flush and release the store; it is released even when the flush fails.

        Raises:
            StoreError: the final flush failed (for example a full disk).
        """
        store = self.__dict__.pop("_store", None)
        if store is None:
            return
        try:
            if self._path is not None:
                store.flush()
        except OSError as err:
            raise StoreError(f"could not flush the store to disk: {err}") from None
        finally:
            del store


def _write_quads(out: io.StringIO, quads: Iterable[ox.Quad]) -> None:
    for quad in quads:
        if isinstance(quad.graph_name, ox.DefaultGraph):
            out.write(f"{quad.subject} {quad.predicate} {quad.object} .\n")
        else:
            out.write(
                f"GRAPH {quad.graph_name} {{ {quad.subject} {quad.predicate} {quad.object} }}\n"
            )


def _materialise(answer: object, deadline: float | None, timeout_s: float | None) -> QueryAnswer:
    """Pull a lazy pyoxigraph answer into plain rdflib terms, checking the deadline per row."""

    def check() -> None:
        if deadline is not None and time.monotonic() > deadline:
            raise QueryTimeout(f"query exceeded its {timeout_s:g} s time limit")

    # Answers repeat terms (an institution on each of its services' rows): each distinct term is
    # converted once; building rdflib terms was about a third of a 9,000-row curated query.
    converted: dict[object, Node] = {}

    def term(value: object) -> Node:
        node = converted.get(value)
        if node is None:
            node = converted[value] = to_rdflib(value)
        return node

    if isinstance(answer, ox.QueryBoolean):
        return bool(answer)
    if isinstance(answer, ox.QuerySolutions):
        variables = [v.value for v in answer.variables]
        rows = []
        for solution in answer:  # a solution iterates its values in the order of the variables
            check()
            rows.append(tuple(None if value is None else term(value) for value in solution))
        return SelectResult(variables, rows)
    graph = Graph()
    for triple in answer:  # QueryTriples
        check()
        graph.add((term(triple.subject), term(triple.predicate), term(triple.object)))
    return graph


def _probe(store: ox.Store) -> None:
    """A read that takes RocksDB's locks (a query worker's first act, see ``_sandbox.py``)."""
    next(iter(store.quads_for_pattern(None, None, None, None)), None)


def _job(
    sparql: str,
    media_type: str,
    default_graphs: Sequence[str | None] | None,
    named_graphs: Sequence[str] | None,
    base_iri: str | None,
    max_rows: int | None,
) -> tuple:
    """What a worker needs to run one ``query_serialized`` call (plain, picklable, hashable)."""
    return (
        sparql,
        None if default_graphs is None else tuple(default_graphs),
        None if named_graphs is None else tuple(named_graphs),
        base_iri,
        media_type,
        max_rows,
    )


_IRI = re.compile(r"<[^<>\"{}|^`\\\x00-\x20]*>")


def _may_use_prefixes(sparql: str) -> bool:
    """False when the text has no colon outside IRIs, so it has no prefixed name and pvkg's
    default prefixes need not be handed to pyoxigraph (about 40 µs of a 100 µs query).

    >>> _may_use_prefixes("SELECT ?n { <urn:x> <http://e/p> ?n }")
    False
    >>> _may_use_prefixes("ASK { ?s a pv:Service }")
    True
    """
    return ":" in _IRI.sub("", sparql)


def _run_job(store: ox.Store, job: tuple) -> SerializedAnswer:
    """Run one ``query_serialized`` job (in a query child, or in-process without fork)."""
    sparql, default_graphs, named_graphs, base_iri, media_type, max_rows = job
    kwargs: dict[str, object] = {"prefixes": PREFIXES} if _may_use_prefixes(sparql) else {}
    try:
        if default_graphs is not None:
            kwargs["default_graph"] = [graph_node(g) for g in default_graphs]
        if named_graphs is not None:
            kwargs["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
    except ValueError as err:
        raise QuerySyntaxError(f"invalid graph IRI in the dataset: {err}") from None
    if base_iri:
        kwargs["base_iri"] = base_iri
    return _run_serialized(store, sparql, kwargs, media_type, max_rows)


def _run_serialized(
    store: ox.Store,
    sparql: str,
    kwargs: dict[str, object],
    media_type: str,
    max_rows: int | None,
) -> SerializedAnswer:
    try:
        answer = store.query(sparql, **kwargs)  # type: ignore[arg-type]
        if isinstance(answer, ox.QueryBoolean):
            return SerializedAnswer(serialize_boolean(bool(answer), media_type), media_type, "ask")
        if isinstance(answer, ox.QuerySolutions):
            variables = [v.value for v in answer.variables]
            body = serialize_solutions(variables, answer, media_type, max_rows)
            return SerializedAnswer(body, media_type, "select")
        body = serialize_triples(answer, media_type, max_rows)
        return SerializedAnswer(body, media_type, "graph")
    except SyntaxError as err:
        raise _syntax_error(sparql, err) from None
    except OSError as err:
        raise StoreError(f"query failed: {err}") from None


def _syntax_error(sparql: str, err: SyntaxError, *, update: bool = False) -> QuerySyntaxError:
    """pyoxigraph's parser message made readable (``_syntax_messages.py``, imported here: it
    loads rdflib's SPARQL grammar, which only a refused text needs)."""
    from pvkg.store._syntax_messages import readable_syntax_error

    what = "SPARQL update syntax" if update else "SPARQL syntax"  # "… error at L:C: …"
    return QuerySyntaxError(f"{what} {readable_syntax_error(sparql, str(err), update=update)}")


def _guarded(method: Callable[..., Any]) -> Callable[..., Any]:
    """Hold the store's fork guard (shared) while ``method`` is inside pyoxigraph."""
    if inspect.isgeneratorfunction(method):

        @functools.wraps(method)
        def generator(self: LocalStore, *args: Any, **kwargs: Any) -> Iterator[Any]:
            source = method(self, *args, **kwargs)
            while True:
                with self._guard.shared():
                    batch = list(itertools.islice(source, 512))
                if not batch:
                    return
                yield from batch

        return generator

    writes = method.__name__ in _WRITES

    @functools.wraps(method)
    def call(self: LocalStore, *args: Any, **kwargs: Any) -> Any:
        if method.__name__ == "close":
            self._children.close()
        if writes and self._reopen_needed:
            self._reopen()
            if self._reopen_needed:  # still failing: opened read-only for the reads
                raise StoreError(
                    "the store could not be reopened for writing after a disk error (is the "
                    "disk still full?); nothing written, reads go on"
                )
        try:
            with self._guard.shared():
                return method(self, *args, **kwargs)
        except StoreError as err:
            if writes and self._path is not None and _IO_FAILURE.search(err.message):
                self._reopen_needed = True
            raise
        finally:
            if writes:  # a kept query worker holds a snapshot from before the write
                with self._generation_lock:
                    self._generation += 1
                self._children.invalidate()

    return call


_WRITES = frozenset(
    {"update", "replace_graph", "add_triples", "load_data", "drop_graph", "create_graph"}
)
# RocksDB's words for a failed disk write (its error state then outlives the cause: _reopen)
_IO_FAILURE = re.compile(r"No space left|IO error|Input/output error", re.IGNORECASE)


for _name in (
    "query",
    "update",
    "replace_graph",
    "add_triples",
    "load_data",
    "drop_graph",
    "graph_exists",
    "create_graph",
    "graph_names",
    "triples",
    "count",
    "serialize_graph",
    "dump",
    "close",
):
    setattr(LocalStore, _name, _guarded(getattr(LocalStore, _name)))
