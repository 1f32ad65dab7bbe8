"""The store interface every part of pvkg uses (embedded pyoxigraph or a remote SPARQL server).

Graph names are plain IRI strings; ``None`` means the store's default graph. Terms going in and
out are rdflib terms, so callers never see the store's own types.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from rdflib import Graph
from rdflib.term import Node

from pvkg.store._terms import Triple


@dataclass(frozen=True)
class SelectResult:
    """The answer of a SELECT query: variable names and rows of rdflib terms (None = unbound)."""

    variables: list[str]
    rows: list[tuple[Node | None, ...]]

    def dicts(self) -> list[dict[str, Node | None]]:
        """Rows as ``{variable: term}`` dictionaries."""
        return [dict(zip(self.variables, row, strict=True)) for row in self.rows]

    def column(self, variable: str) -> list[Node | None]:
        """All values of one variable, in row order."""
        index = self.variables.index(variable)
        return [row[index] for row in self.rows]


QueryAnswer = SelectResult | bool | Graph


class Store(ABC):
    """A quad store reached through SPARQL 1.1 Query/Update and Graph Store operations.

    Every write method is atomic: it happens completely or not at all.
    """

    location: str

    @abstractmethod
    def query(
        self,
        sparql: str,
        *,
        default_graphs: Sequence[str | None] | None = None,
        named_graphs: Sequence[str] | None = None,
        bindings: Mapping[str, Node] | None = None,
        timeout_s: float | None = None,
    ) -> QueryAnswer:
        """Run a SPARQL query: SELECT gives a SelectResult, ASK a bool, CONSTRUCT a Graph.

        Args:
            sparql: the query text.
            default_graphs: graphs forming the default graph (None: the store's default graph).
            named_graphs: graphs visible to ``GRAPH`` (None: all).
            bindings: values for variables, substituted safely (never by string concatenation).
            timeout_s: give up after this many seconds.

        Raises:
            QuerySyntaxError: the query does not parse.
            QueryTimeout: the query ran longer than ``timeout_s``.
            StoreError: the store failed.
        """

    @abstractmethod
    def update(self, sparql: str) -> None:
        """Run a SPARQL 1.1 Update request atomically.

        Raises:
            QuerySyntaxError: the update does not parse.
            StoreError: the store failed; nothing was written.
        """

    @abstractmethod
    def replace_graph(self, graph: str | None, triples: Iterable[Triple]) -> None:
        """Make ``graph`` hold exactly ``triples`` in one atomic step."""

    @abstractmethod
    def add_triples(self, graph: str | None, triples: Iterable[Triple]) -> None:
        """Add ``triples`` to ``graph`` in one atomic step."""

    @abstractmethod
    def load_data(
        self, data: bytes, fmt: str, *, graph: str | None = None, replace: bool = False
    ) -> None:
        """Parse ``data`` (an RDF syntax name or media type) into ``graph``, atomically.

        Raises:
            SourceSyntaxError: the data does not parse; nothing was written.
        """

    @abstractmethod
    def drop_graph(self, graph: str) -> None:
        """Remove a named graph and its triples (a no-op when it does not exist)."""

    @abstractmethod
    def graph_names(self) -> list[str]:
        """The IRIs of all non-empty named graphs."""

    @abstractmethod
    def triples(self, graph: str | None) -> Iterator[Triple]:
        """The triples of one graph as rdflib terms."""

    @abstractmethod
    def count(self, graph: str | None = None) -> int:
        """The number of triples in one graph."""

    @abstractmethod
    def serialize_graph(self, graph: str | None, fmt: str) -> bytes:
        """One graph in an RDF syntax (name or media type)."""

    @abstractmethod
    def dump(self, fmt: str = "nq") -> bytes:
        """Every graph of the store, as stored, in a quad syntax (``nq`` or ``trig``)."""

    @abstractmethod
    def close(self) -> None:
        """Release the store (flushes and unlocks an on-disk store)."""

    def has_graph(self, graph: str) -> bool:
        """Whether the named graph exists and holds at least one triple."""
        return graph in self.graph_names()

    def to_rdflib(self, graphs: Iterable[str | None]) -> Graph:
        """The union of some graphs as one in-memory rdflib Graph (what pyshacl needs)."""
        result = Graph()
        for graph in graphs:
            for triple in self.triples(graph):
                result.add(triple)
        return result

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
