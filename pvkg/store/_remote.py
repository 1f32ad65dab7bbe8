"""A remote store: any SPARQL 1.1 Protocol + Graph Store Protocol server, over HTTP (httpx).

The three endpoint URLs default to Oxigraph server's layout below the base URL:
``<url>/query``, ``<url>/update`` and ``<url>/store``. For other servers give them explicitly,
for Apache Jena Fuseki for example ``RemoteStore("http://host:3030/ds", gsp_url=".../ds/data")``
(Fuseki's query and update URLs already match). A URL already ending in ``/query`` or
``/sparql`` is taken as the query URL and the others are derived from its parent.

Every write is one SPARQL Update request, which SPARQL 1.1 servers run atomically.
A server that is down, refuses the connection or does not answer in time raises
:class:`~pvkg.errors.StoreUnavailable` naming the URL; one that answers with something other
than SPARQL (a web page) raises :class:`~pvkg.errors.StoreBadAnswer`. Messages name URLs
without their user info (``http://user:password@host``, sent to the server as Basic auth).

>>> store = RemoteStore("http://127.0.0.1:7878")
>>> store.query_url, store.update_url, store.gsp_url
('http://127.0.0.1:7878/query', 'http://127.0.0.1:7878/update', 'http://127.0.0.1:7878/store')
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress

import httpx
import pyoxigraph as ox
from rdflib import Graph
from rdflib.term import Node

from pvkg.errors import (
    PayloadTooLarge,
    QuerySyntaxError,
    QueryTimeout,
    StoreBadAnswer,
    StoreError,
    StoreUnavailable,
    UnsupportedFormat,
    UpdateFailed,
)
from pvkg.namespaces import PREFIXES
from pvkg.store._base import (
    TOKEN_LIMIT_BYTES,
    QueryAnswer,
    SelectResult,
    SerializedAnswer,
    Store,
    graph_state_error,
    lines_added,
    reading_rdf,
)
from pvkg.store._bindings import bind_values
from pvkg.store._formats import RdfFormatInfo, rdf_format
from pvkg.store._results import result_format, too_large
from pvkg.store._terms import Triple, to_oxigraph, to_rdflib
from pvkg.store._urls import endpoint_urls, redact_url, shown_url

_PREFIX_BLOCK = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())
_JSON = "application/sparql-results+json"
_NT = "application/n-triples"


def _not_found_hint(url: str) -> str:
    """What to try when the query URL is not there.

    Why: ``--store-url http://host:8000`` given the address of a pvkg server (the advice of the
    "store is locked" message) reaches ``/query``, which a pvkg server does not have.
    """
    return (
        f" (no SPARQL endpoint at {shown_url(url.split('?')[0])}; for a pvkg server, give its "
        "/sparql URL, as in --store-url http://HOST:PORT/sparql; for an Oxigraph server, its "
        "base URL)"
    )


def _with_prefixes(sparql: str) -> str:
    """Declare pvkg's prefixes first (the embedded store has them as defaults); the text's own
    declarations come later and win. Send it inside ``lines_added(_PREFIX_LINES)``."""
    return _PREFIX_BLOCK + sparql


_PREFIX_LINES = _PREFIX_BLOCK.count("\n")


class RemoteStore(Store):
    """A store reached over the SPARQL 1.1 Protocol and Graph Store Protocol."""

    def __init__(
        self,
        url: str,
        timeout_s: float = 30.0,
        *,
        query_url: str | None = None,
        update_url: str | None = None,
        gsp_url: str | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        derived = endpoint_urls(url)
        self.location = shown_url(url)
        self.query_url = query_url or derived.query
        self.update_url = update_url or derived.update
        self.gsp_url = gsp_url or derived.gsp
        self.timeout_s = timeout_s
        self._client = httpx.Client(
            timeout=httpx.Timeout(timeout_s, connect=min(5.0, timeout_s)), transport=transport
        )

    # -- HTTP plumbing -------------------------------------------------------------------------

    def _send(
        self, method: str, url: str, *, timeout_s: float | None = None, **kwargs: object
    ) -> httpx.Response:
        timeout = self.timeout_s if timeout_s is None else timeout_s
        params = kwargs.pop("params", None)
        try:
            # httpx's ``params=`` replaces the URL's query string (a token some servers take there)
            target = httpx.URL(url).copy_merge_params(params) if params else url  # type: ignore[arg-type]
            return self._client.request(
                method, target, timeout=httpx.Timeout(timeout, connect=min(5.0, timeout)), **kwargs
            )  # type: ignore[arg-type]
        except httpx.TimeoutException:
            message = f"the SPARQL server at {shown_url(url)} did not answer within {timeout:g} s"
            if timeout_s is not None:
                raise QueryTimeout(message) from None
            raise StoreUnavailable(message) from None
        except (httpx.HTTPError, httpx.InvalidURL) as err:
            raise StoreUnavailable(
                f"cannot reach the SPARQL server at {shown_url(url)}: {type(err).__name__}: "
                f"{redact_url(str(err))}; is it running?"
            ) from None

    @staticmethod
    def _check(response: httpx.Response, what: str, sent: str | None = None) -> httpx.Response:
        """The response when it is a success; else the error it means.

        ``sent`` is the SPARQL text the server parsed: its syntax-error message is made
        readable against it (``_syntax_messages.py``).
        """
        if response.status_code < 400:
            return response
        text = redact_url(response.text.strip()[:2000])
        if response.status_code == 400:
            told = _json_error_message(response)
            if told is not None:  # a pvkg server: its message is already the readable one
                text = redact_url(told)
            elif sent is not None:
                from pvkg.store._syntax_messages import readable_syntax_error

                text = readable_syntax_error(sent, text, update=what == "update")
            raise QuerySyntaxError(f"{what} rejected by the SPARQL server: {text[:500]}")
        if response.status_code in (502, 503, 504):
            raise StoreUnavailable(
                f"{what}: the SPARQL server answered {response.status_code}: {text[:500]}"
            )
        status = response.status_code
        wrong_url = (status, what) == (404, "query")
        hint = _not_found_hint(str(response.request.url)) if wrong_url else ""
        raise StoreError(f"{what} failed: the SPARQL server answered {status}: {text[:500]}{hint}")

    @staticmethod
    def _dataset_params(
        default_graphs: Sequence[str | None] | None, named_graphs: Sequence[str] | None
    ) -> list[tuple[str, str]]:
        params = [("default-graph-uri", g) for g in default_graphs or [] if g is not None]
        params += [("named-graph-uri", g) for g in named_graphs or []]
        return params

    def _post_query(
        self,
        sparql: str,
        accept: str,
        params: list[tuple[str, str]],
        timeout_s: float | None,
    ) -> httpx.Response:
        with lines_added(_PREFIX_LINES):
            sent = _with_prefixes(sparql)
            response = self._send(
                "POST",
                self.query_url,
                timeout_s=timeout_s,
                params=params,
                content=sent.encode("utf-8"),
                headers={
                    "Content-Type": "application/sparql-query; charset=utf-8",
                    "Accept": accept,
                },
            )
            return self._check(response, "query", sent)

    # -- queries -------------------------------------------------------------------------------

    def query(
        self,
        sparql: str,
        *,
        default_graphs: Sequence[str | None] | None = None,
        named_graphs: Sequence[str] | None = None,
        bindings: Mapping[str, Node] | None = None,
        timeout_s: float | None = None,
    ) -> QueryAnswer:
        if bindings:
            sparql = bind_values(sparql, bindings)
        params = self._dataset_params(default_graphs, named_graphs)
        accept = f"{_JSON}, {_NT};q=0.9, text/turtle;q=0.8"
        response = self._post_query(sparql, accept, params, timeout_s)
        media = _media_type(response)
        if media in (_JSON, "application/json"):
            return _json_answer(response)
        info = _rdf_answer_format(response, media or _NT)
        graph = Graph()
        with _parsing(response, info.name):
            for t in ox.parse(response.content, format=info.oxigraph):
                graph.add((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)))
        return graph

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
        """Pass the query and the wanted media type through; check the row cap on the answer.

        The remote server keeps running a query after pvkg gives up on it: set its own timeout.
        """
        params = self._dataset_params(default_graphs, named_graphs)
        if base_iri:
            with lines_added(1):
                response = self._post_query(
                    f"BASE <{base_iri}>\n{sparql}", media_type, params, timeout_s
                )
        else:
            response = self._post_query(sparql, media_type, params, timeout_s)
        got = response.headers.get("content-type", media_type)
        kind = _count_and_kind(response, got, max_rows)
        return SerializedAnswer(response.content, got.split(";")[0].strip(), kind)

    def update(self, sparql: str) -> None:
        with lines_added(_PREFIX_LINES):
            sent = _with_prefixes(sparql)
            response = self._send(
                "POST",
                self.update_url,
                content=sent.encode("utf-8"),
                headers={"Content-Type": "application/sparql-update; charset=utf-8"},
            )
            if 400 <= response.status_code <= 500:
                # Oxigraph server answers SPARQL Update's own failures (CREATE of a graph that
                # exists, ...) with a 500: the client's error, unlike the 500s it does not name
                failed = graph_state_error(response.text)
                if failed is not None:
                    raise failed
            self._check(response, "update", sent)

    # -- graph operations ----------------------------------------------------------------------

    def replace_graph(self, graph: str | None, triples: Iterable[Triple]) -> None:
        self._insert(graph, _ntriples(triples), replace=True)

    def add_triples(self, graph: str | None, triples: Iterable[Triple]) -> None:
        self._insert(graph, _ntriples(triples), replace=False)

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
        with reading_rdf(data, info):
            parsed = list(ox.parse(data, format=info.oxigraph, lenient=checked))
        if not info.quads:
            lines = [f"{t.subject} {t.predicate} {t.object} ." for t in parsed]
            self._insert(graph, lines, replace)
            return
        body = []
        for quad in parsed:
            triple = f"{quad.subject} {quad.predicate} {quad.object} ."
            if isinstance(quad.graph_name, ox.DefaultGraph):
                body.append(triple)
            else:
                body.append(f"GRAPH {quad.graph_name} {{ {triple} }}")
        self.update("INSERT DATA {\n" + "\n".join(body) + "\n}")

    def _insert(self, graph: str | None, lines: list[str], replace: bool) -> None:
        # (not CLEAR SILENT GRAPH: on a graph that does not exist, Oxigraph server 0.5 writes
        # its "does not exist" note as the body of a 204, which breaks the next response on
        # the same connection)
        clear = (
            "CLEAR DEFAULT"
            if graph is None
            else f"DELETE WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
        )
        parts = [clear] if replace else []
        body = "\n".join(lines)
        if body:
            data = body if graph is None else f"GRAPH <{graph}> {{\n{body}\n}}"
            parts.append(f"INSERT DATA {{\n{data}\n}}")
        if parts:
            self.update(" ;\n".join(parts))

    def drop_graph(self, graph: str) -> None:
        self.update(f"DROP SILENT GRAPH <{graph}>")

    def graph_names(self) -> list[str]:
        result = self.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        assert isinstance(result, SelectResult)
        return sorted(str(g) for g in result.column("g") if g is not None)

    def has_graph(self, graph: str) -> bool:
        return bool(self.query(f"ASK {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"))

    def graph_exists(self, graph: str) -> bool:
        """``GRAPH <g> {}`` matches once when the graph exists, empty or not (not a HEAD on the
        graph store: Oxigraph server 0.5 sends a body with that 404, which breaks the next
        response on the same connection)."""
        return bool(self.query(f"ASK {{ GRAPH <{graph}> {{}} }}"))

    def create_graph(self, graph: str) -> None:
        # (CREATE SILENT of an existing graph has the same 204-with-a-body problem as above)
        if not self.graph_exists(graph):
            # (another writer may make it in between: then it exists, as wanted)
            with suppress(UpdateFailed):
                self.update(f"CREATE GRAPH <{graph}>")

    def _graph_triples(self, graph: str | None) -> list[ox.Triple]:
        """One graph read through the Graph Store Protocol (none when it does not exist)."""
        params = {"default": ""} if graph is None else {"graph": graph}
        response = self._send("GET", self.gsp_url, params=params, headers={"Accept": _NT})
        if response.status_code == 404:
            return []
        self._check(response, "graph read")
        info = _rdf_answer_format(response, _media_type(response) or _NT)
        with _parsing(response, info.name):
            return list(ox.parse(response.content, format=info.oxigraph))

    def triples(self, graph: str | None) -> Iterator[Triple]:
        for t in self._graph_triples(graph):
            yield to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)

    def count(self, graph: str | None = None) -> int:
        pattern = "?s ?p ?o" if graph is None else f"GRAPH <{graph}> {{ ?s ?p ?o }}"
        result = self.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ {pattern} }}")
        assert isinstance(result, SelectResult)
        return int(result.rows[0][0]) if result.rows else 0  # type: ignore[arg-type]

    def serialize_graph(self, graph: str | None, fmt: str) -> bytes:
        info = rdf_format(fmt)
        if info.quads:
            raise StoreError(f"{info.name} is a dataset syntax; use dump() for the whole store")
        parsed = self._graph_triples(graph)
        return ox.serialize(parsed, format=info.oxigraph, prefixes=PREFIXES) or b""

    def dump(self, fmt: str = "nq") -> bytes:
        info = rdf_format(fmt)
        if not info.quads:
            raise StoreError(f"{info.name} holds one graph only; a store dump needs nq or trig")
        response = self._post_query(
            "SELECT ?s ?p ?o ?g WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }",
            _JSON,
            [],
            None,
        )
        with _parsing(response, "a SPARQL JSON result"):
            parsed = ox.parse_query_results(response.content, format=ox.QueryResultsFormat.JSON)
            quads = [
                ox.Quad(s["s"], s["p"], s["o"], s["g"] if s["g"] is not None else ox.DefaultGraph())
                for s in parsed  # type: ignore[union-attr]
            ]
        return ox.serialize(quads, format=info.oxigraph) or b""

    def close(self) -> None:
        self._client.close()


def _ntriples(triples: Iterable[Triple]) -> list[str]:
    return [f"{to_oxigraph(s)} {to_oxigraph(p)} {to_oxigraph(o)} ." for s, p, o in triples]


def _media_type(response: httpx.Response) -> str:
    """The answer's media type, lower case, without parameters ("" when it names none)."""
    return response.headers.get("content-type", "").split(";")[0].strip().lower()


def _not_sparql(response: httpx.Response, detail: str = "") -> StoreBadAnswer:
    """The error for an answer that is not what a SPARQL server sends (a web page, a login page
    of a proxy): the store URL is wrong, not the caller's request."""
    url = redact_url(str(response.request.url.copy_with(query=None)))
    media = _media_type(response) or "no Content-Type"
    return StoreBadAnswer(
        f"the server at {url} answered {response.status_code} with {media}, which is not a "
        f"SPARQL result{detail}: is the store URL that of a SPARQL 1.1 Protocol server?"
    )


@contextmanager
def _parsing(response: httpx.Response, what: str) -> Iterator[None]:
    """Parse an answer inside this: a body that does not parse is the server's fault."""
    try:
        yield
    except (SyntaxError, ValueError) as err:
        raise _not_sparql(response, redact_url(f" (not readable as {what}: {err})")) from None
    except MemoryError:  # (pyoxigraph's 16 MiB token buffer: one term in the answer is larger)
        raise StoreError(
            f"the store's answer ({what}) holds an RDF term over {TOKEN_LIMIT_BYTES:,} bytes, "
            "more than pvkg's parser reads in one term"
        ) from None


def _rdf_answer_format(response: httpx.Response, media: str) -> RdfFormatInfo:
    """The RDF syntax of a graph answer; any other media type means no SPARQL server spoke."""
    try:
        return rdf_format(media)
    except UnsupportedFormat:
        raise _not_sparql(response) from None


def _json_answer(response: httpx.Response) -> SelectResult | bool:
    """A SPARQL JSON answer (SELECT or ASK) as rdflib terms."""
    with _parsing(response, "a SPARQL JSON result"):
        parsed = ox.parse_query_results(response.content, format=ox.QueryResultsFormat.JSON)
        if isinstance(parsed, ox.QueryBoolean):
            return bool(parsed)
        variables = [v.value for v in parsed.variables]
        rows = [tuple(None if s[v] is None else to_rdflib(s[v]) for v in variables) for s in parsed]
    return SelectResult(variables, rows)


def _count_and_kind(response: httpx.Response, content_type: str, max_rows: int | None) -> str:
    """``select``, ``ask`` or ``graph`` for a remote answer; enforce the row cap by parsing it.

    Raises:
        StoreBadAnswer: the answer is neither SPARQL results nor RDF (the URL is no SPARQL
            server's), or does not parse as what it says it is.
    """
    body = response.content
    media = content_type.split(";")[0].strip().lower()
    try:
        fmt = result_format(media)
    except UnsupportedFormat:
        fmt = None
    if fmt is None:
        info = _rdf_answer_format(response, media)
        if max_rows is not None:
            with _parsing(response, info.name):
                n = sum(1 for _ in ox.parse(body, format=info.oxigraph))
            if n > max_rows:
                raise too_large(max_rows)
        return "graph"
    if fmt.name == "csv":
        rows = sum(1 for _ in csv.reader(io.StringIO(body.decode("utf-8", "replace")))) - 1
        if max_rows is not None and rows > max_rows:
            raise too_large(max_rows)
        return "select"
    with _parsing(response, f"SPARQL {fmt.name.upper()} results"):
        parsed = ox.parse_query_results(
            body,
            format={
                "json": ox.QueryResultsFormat.JSON,
                "xml": ox.QueryResultsFormat.XML,
                "tsv": ox.QueryResultsFormat.TSV,
            }[fmt.name],
        )
        if isinstance(parsed, ox.QueryBoolean):
            return "ask"
        if max_rows is not None:
            for n, _ in enumerate(parsed, start=1):
                if n > max_rows:
                    raise PayloadTooLarge(too_large(max_rows).message)
    return "select"


def _json_error_message(response: httpx.Response) -> str | None:
    """The ``message`` of a JSON error body (``{"error": …, "message": …}``, as pvkg's own
    server writes it), else None."""
    if "json" not in response.headers.get("content-type", ""):
        return None
    try:
        body = response.json()
    except ValueError:
        return None
    if isinstance(body, dict) and isinstance(body.get("message"), str) and "error" in body:
        return body["message"]
    return None
