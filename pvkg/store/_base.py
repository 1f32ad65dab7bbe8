"""The store interface every part of pvkg uses (embedded pyoxigraph or a remote SPARQL server).

Graph names are plain IRI strings; ``None`` means the store's default graph. Terms going in and
out are rdflib terms, so callers never see the store's own types.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from rdflib import Graph
from rdflib.term import Node

from pvkg.errors import (
    SYNTAX_POSITION,
    PayloadTooLarge,
    QuerySyntaxError,
    SourceSyntaxError,
    UpdateFailed,
)
from pvkg.nesting import check_rdfxml_expansion
from pvkg.store._formats import RdfFormatInfo
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


@contextmanager
def lines_added(count: int) -> Iterator[None]:
    """Report SPARQL syntax-error positions in the caller's text when ``count`` lines (BASE,
    PREFIX declarations) were put in front of it before parsing.

    Why one place: the embedded and the remote store add different lines, and must still name
    the same line and column for the same text. Nested uses add up.

    >>> with lines_added(2):
    ...     raise QuerySyntaxError("SPARQL syntax error: error at 3:7: expected ...")
    Traceback (most recent call last):
    pvkg.errors.QuerySyntaxError: SPARQL syntax error: error at 1:7: expected ...
    """
    try:
        yield
    except QuerySyntaxError as err:
        found = SYNTAX_POSITION.search(err.message)
        if found is None or int(found.group(1)) <= count:  # not in the caller's text
            raise
        line = int(found.group(1)) - count
        start, end = found.span(1)
        message = err.message[:start] + str(line) + err.message[end:]
        raise QuerySyntaxError(message, location=err.location) from None


# SPARQL 1.1 Update §3.2: CREATE of an existing graph, DROP/CLEAR/MOVE/COPY/ADD of a missing
# one, fail without SILENT. Oxigraph's words, from pyoxigraph and from Oxigraph server alike.
_GRAPH_STATE = re.compile(r"\AThe graph (<[^<>\s]*>) (already exists|does not exist)\Z")
_GRAPH_STATE_HINT = {
    "already exists": "CREATE SILENT GRAPH leaves an existing graph alone",
    "does not exist": "add SILENT (as in DROP SILENT GRAPH) to skip a missing graph",
}


def graph_state_error(text: str) -> UpdateFailed | None:
    """The client's error in a store's "the graph <g> already exists / does not exist" text,
    or None when the text says something else (then it is the store's fault).

    >>> graph_state_error("The graph <http://e/g> already exists").message[:58]
    'the update changed nothing: the graph <http://e/g> already'
    >>> graph_state_error("IO error: no space left") is None
    True
    """
    found = _GRAPH_STATE.match(text.strip())
    if found is None:
        return None
    graph, state = found.groups()
    return UpdateFailed(
        f"the update changed nothing: the graph {graph} {state}; {_GRAPH_STATE_HINT[state]}"
    )


@dataclass(frozen=True)
class SerializedAnswer:
    """A query answer already written in a media type (what the SPARQL endpoint sends).

    ``kind`` is ``select``, ``ask`` or ``graph`` (CONSTRUCT and DESCRIBE).
    """

    body: bytes
    media_type: str
    kind: str


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
            UpdateFailed: the update must fail by SPARQL 1.1 Update (CREATE of a graph that
                exists, DROP/CLEAR/MOVE of one that does not); nothing was written.
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
        self,
        data: bytes,
        fmt: str,
        *,
        graph: str | None = None,
        replace: bool = False,
        checked: bool = False,
    ) -> None:
        """Parse ``data`` (an RDF syntax name or media type) into ``graph``, atomically.

        ``checked=True`` says the caller wrote the text from terms it had already checked (pvkg's
        own minted IRIs and fixed language tags): the parser then skips re-validating every IRI
        and language tag, which is half of its time on a portfolio (bench/NOTES.md, finding 17).
        Never pass it for text that came from outside.

        Raises:
            SourceSyntaxError: the data does not parse; nothing was written.
        """

    def load_documents(
        self, documents: Sequence[tuple[bytes, str]], *, graph: str | None, replace: bool = False
    ) -> None:
        """Parse several RDF documents (data, format) into one ``graph`` in one atomic step: a
        document that does not parse writes none of them. Each document's blank nodes stay its
        own (a Graph Store multipart POST: every part is a document of its own).

        Raises:
            SourceSyntaxError: a document does not parse (named by its number); nothing written.
            PayloadTooLarge: a term over the parser's limit; nothing written.
        """
        if len(documents) == 1:
            data, fmt = documents[0]
            self.load_data(data, fmt, graph=graph, replace=replace)
            return
        import pyoxigraph as ox

        from pvkg.store._formats import rdf_format

        lines: list[str] = []
        for number, (data, fmt) in enumerate(documents, start=1):
            info = rdf_format(fmt)
            try:
                with reading_rdf(data, info):
                    for quad in ox.parse(data, format=info.oxigraph):
                        terms = (quad.subject, quad.predicate, quad.object)
                        lines.append(" ".join(_own_term(t, number) for t in terms) + " .\n")
            except (SourceSyntaxError, PayloadTooLarge) as err:
                raise type(err)(f"part {number} of {len(documents)}: {err.message}") from None
        self.load_data("".join(lines).encode("utf-8"), "nt", graph=graph, replace=replace)

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
        """Run a query and return its answer written in ``media_type`` (for the HTTP endpoint).

        Args:
            sparql: the query text.
            media_type: a SPARQL results type (SELECT, ASK) or an RDF syntax (CONSTRUCT, DESCRIBE).
            default_graphs: graphs forming the default graph (None: the store's default graph).
            named_graphs: graphs visible to ``GRAPH`` (None: all).
            base_iri: the base IRI for relative IRIs in the query.
            timeout_s: stop the query after this many seconds (the embedded store kills it).
            max_rows: refuse answers with more rows (or triples) than this.

        Raises:
            QuerySyntaxError: the query does not parse.
            UnsupportedFormat: the media type does not fit the query form.
            PayloadTooLarge: more than ``max_rows`` rows.
            QueryTimeout: the query ran longer than ``timeout_s``.
            StoreError: the store failed.
        """
        raise NotImplementedError(f"{type(self).__name__} cannot serialise answers")

    def update_request(
        self,
        sparql: str,
        *,
        using_graphs: Sequence[str] = (),
        using_named_graphs: Sequence[str] = (),
        base_iri: str | None = None,
    ) -> None:
        """Run an update as the SPARQL 1.1 Protocol does: ``using-graph-uri`` and
        ``using-named-graph-uri`` become USING clauses, ``base_iri`` the base of relative IRIs.

        Raises:
            QuerySyntaxError: the update does not parse, or names its own dataset (WITH/USING)
                while protocol parameters name one too.
            UpdateFailed: the update must fail by SPARQL 1.1 Update; nothing was written.
            StoreError: the store failed; nothing was written.
        """
        from pvkg.store._inspect import add_using_clauses, inspect_update

        if (using_graphs or using_named_graphs) and inspect_update(sparql).has_dataset_clause:
            raise QuerySyntaxError(
                "the update has a WITH or USING clause and the request also gives "
                "using-graph-uri/using-named-graph-uri; use one or the other"
            )
        text = add_using_clauses(sparql, using_graphs, using_named_graphs)
        if not base_iri:
            self.update(text)
            return
        with lines_added(1):
            self.update(f"BASE <{base_iri}>\n{text}")

    def write_generation(self) -> int | None:
        """A number that changes whenever this object writes to the store, or None when it
        cannot know of every write (a remote store has other writers).

        Why: derived documents (the DCAT-AP catalogue) are kept while this number stays the
        same; None means keep them a short while at most.
        """
        return None

    def has_graph(self, graph: str) -> bool:
        """Whether the named graph exists and holds at least one triple (one lookup, not a
        listing of every graph: the store is opened often and holds a graph per version)."""
        return self.query(f"ASK {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}") is True

    def graph_exists(self, graph: str) -> bool:
        """Whether the named graph exists, even empty (the Graph Store Protocol's view: a graph
        PUT with no triples exists afterwards). Stores that cannot tell: :meth:`has_graph`."""
        return self.has_graph(graph)

    def create_graph(self, graph: str) -> None:
        """Make the named graph exist, empty if new (``CREATE SILENT GRAPH``)."""
        self.update(f"CREATE SILENT GRAPH <{graph}>")

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


# pyoxigraph's parsers (but RDF/XML's) hold one token (a literal, an IRI) in a buffer of at most
# this many bytes and raise MemoryError past it.
TOKEN_LIMIT_BYTES = 16 * 1024 * 1024


@contextmanager
def reading_rdf(data: bytes, info: RdfFormatInfo) -> Iterator[None]:
    """Check RDF input before pyoxigraph parses it inside this, and map its parse failures.

    RDF/XML: entity expansion and term size are checked first (``pvkg.nesting``); pyoxigraph's
    RDF/XML parser bounds neither.

    Raises:
        SourceSyntaxError: the data does not parse, or its RDF/XML entities expand too far.
        PayloadTooLarge: one term is over the parser's token limit (HTTP 413).
    """
    if info.name == "rdfxml":
        check_rdfxml_expansion(data)
    try:
        yield
    except SyntaxError as err:
        raise SourceSyntaxError(f"{info.name} syntax error: {err}") from None
    except MemoryError:  # (pyoxigraph's token buffer is full; nothing was written)
        raise PayloadTooLarge(
            f"the {info.name} data holds an RDF term (a literal or IRI) over "
            f"{TOKEN_LIMIT_BYTES:,} bytes (16 MiB), the most pvkg's parser reads in one term; "
            "nothing was stored"
        ) from None


def _own_term(term: object, document: int) -> str:
    """A parsed term as N-Triples, a blank node relabelled as its document's own."""
    text = str(term)
    return f"_:d{document}_{text[2:]}" if text.startswith("_:") else text
