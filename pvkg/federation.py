"""Federation: pull reference data from remote SPARQL endpoints, and gate ``SERVICE`` / ``LOAD``.

* :func:`pull_reference` runs a ``CONSTRUCT`` on a remote SPARQL 1.1 endpoint and stores the
  answer as one named graph, atomically: written to the graph's staging graph first, then swapped
  in and published (:func:`pvkg.view.commit_staged`) in the same update that records its
  provenance (PROV-O) in the registry graph and the default graph:

  .. code-block:: turtle

      <g> a prov:Entity ; prov:wasDerivedFrom <endpoint> ; prov:generatedAtTime "…"^^xsd:dateTime ;
          prov:wasGeneratedBy <g#pull> ; pv:tripleCount 42 .
      <g#pull> a prov:Activity ; prov:used <endpoint>, <g#query> ; prov:endedAtTime "…" .
      <g#query> a prov:Entity ; prov:value "CONSTRUCT …" .

  A failed request or an unparsable answer leaves the store unchanged.
* :func:`check_federated_query` refuses a query or update whose ``SERVICE`` (or ``LOAD``) target
  is not in ``settings.service_allowlist``: both pyoxigraph and Oxigraph server follow such IRIs
  themselves, so an open endpoint would make requests on behalf of anyone. The targets come from
  the same parse-tree inspection the HTTP layer uses (:mod:`pvkg.store._inspect`); a variable or
  relative target cannot be vouched for and is refused. An allow-list entry matches a target
  exactly or as a prefix ending at a URL boundary (``/``, ``?``, ``#``), so an entry
  ``http://a.example`` does not admit ``http://a.example.evil.org/``.

Spec: SPARQL 1.1 Federated Query, https://www.w3.org/TR/sparql11-federated-query/ ; SPARQL 1.1
Protocol §2.1 (query operation), https://www.w3.org/TR/sparql11-protocol/#query-operation

>>> check_federated_query("SELECT * WHERE { ?s ?p ?o }", ())
>>> check_federated_query("SELECT * WHERE { SERVICE <http://a.example/sparql> { ?s ?p ?o } }",
...                       ["http://a.example/sparql"])
"""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence
from datetime import UTC, datetime

from rdflib import Literal
from rdflib.namespace import PROV, RDF, XSD

from pvkg import view
from pvkg.errors import Forbidden, QuerySyntaxError, StoreUnavailable
from pvkg.namespaces import PV, REGISTRY_GRAPH
from pvkg.store import Store, rdf_format
from pvkg.store._inspect import UNRESOLVED, inspect_query, inspect_update

__all__ = ["check_federated_query", "external_targets", "pull_reference"]

_ACCEPT = "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.5"


# -- SERVICE / LOAD gate ----------------------------------------------------------------------


def external_targets(sparql: str) -> list[tuple[str, str]]:
    """``(keyword, IRI)`` of every ``SERVICE`` and ``LOAD`` in a query or update request.

    Uses the parse-tree inspection the HTTP layer uses (``pvkg.store._inspect``: rdflib's SPARQL
    1.1 grammar, with a string- and comment-aware keyword scan when rdflib cannot parse the
    text). ``SERVICE`` targets come from reading the text as a query, or as an update when it is
    not a query; ``LOAD`` targets always from reading it as an update. An unresolvable target
    (a variable, a relative IRI, an unknown prefix) is reported as ``"?"``.

    >>> external_targets("PREFIX e: <http://e.example/> SELECT * { SERVICE e:q { ?s ?p ?o } }")
    [('SERVICE', 'http://e.example/q')]
    >>> external_targets("LOAD <http://x.example/data.ttl>")
    [('LOAD', 'http://x.example/data.ttl')]
    """
    update = inspect_update(sparql)
    try:
        services = inspect_query(sparql).services
    except QuerySyntaxError:  # not a query: an update request
        services = update.services
    targets = [("SERVICE", t) for t in services]
    targets += [("LOAD", t) for t in update.loads]  # LOAD exists only in updates
    return targets


def _allowed(target: str, allowlist: Sequence[str]) -> bool:
    """Exact match, or below an allow-listed URL at a path boundary (not a longer host name)."""
    if target == UNRESOLVED:
        return False
    for entry in allowlist:
        if not entry:
            continue
        if target == entry:
            return True
        if target.startswith(entry) and (entry.endswith("/") or target[len(entry)] in "/?#"):
            return True
    return False


def check_federated_query(sparql: str, allowlist: Sequence[str]) -> None:
    """Refuse ``SERVICE`` / ``LOAD`` targets outside ``allowlist`` (``settings.service_allowlist``).

    Text that is not SPARQL at all is left to the store to report; only what the inspection
    finds is judged.

    Raises:
        Forbidden: a target is not allowed; the message names it (HTTP 403).
    """
    for keyword, target in external_targets(sparql):
        if _allowed(target, allowlist):
            continue
        shown = "a variable or relative IRI" if target == UNRESOLVED else f"<{target}>"
        allowed = (
            f"allowed: {', '.join(allowlist)}"
            if allowlist
            else "no external endpoint is allowed (PVKG_SERVICE_ALLOWLIST is empty)"
        )
        raise Forbidden(f"{keyword} {shown} is not allowed on this server; {allowed}")


# -- pulling reference data -------------------------------------------------------------------


def _check_construct(sparql: str) -> None:
    if inspect_query(sparql).form not in ("construct", "describe"):
        raise QuerySyntaxError("a reference pull needs a CONSTRUCT (or DESCRIBE) query")


def _fetch(endpoint_url: str, sparql: str, timeout_s: float) -> tuple[bytes, str]:
    """POST the query (SPARQL 1.1 Protocol, form-encoded); returns (body, media type)."""
    body = urllib.parse.urlencode({"query": sparql}).encode("utf-8")
    request = urllib.request.Request(
        endpoint_url,
        data=body,
        headers={"Accept": _ACCEPT, "Content-Type": "application/x-www-form-urlencoded"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as response:
            media = response.headers.get_content_type() or "application/n-triples"
            return response.read(), media
    except urllib.error.HTTPError as err:
        detail = err.read()[:300].decode("utf-8", "replace").strip()
        raise StoreUnavailable(f"{endpoint_url}: HTTP {err.code} {detail}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as err:
        raise StoreUnavailable(f"{endpoint_url}: {getattr(err, 'reason', err)}") from None


def _provenance_update(graph_iri: str, endpoint_url: str, sparql: str, count: int) -> str:
    g, pull, query = f"<{graph_iri}>", f"<{graph_iri}#pull>", f"<{graph_iri}#query>"
    now = Literal(datetime.now(UTC).replace(microsecond=0).isoformat(), datatype=XSD.dateTime)
    triples = "\n".join(
        [
            f"{g} <{RDF.type}> <{PROV.Entity}> .",
            f"{g} <{PROV.wasDerivedFrom}> <{endpoint_url}> .",
            f"{g} <{PROV.generatedAtTime}> {now.n3()} .",
            f"{g} <{PROV.wasGeneratedBy}> {pull} .",
            f"{g} <{PV.tripleCount}> {Literal(count).n3()} .",
            f"{pull} <{RDF.type}> <{PROV.Activity}> .",
            f"{pull} <{PROV.used}> <{endpoint_url}> .",
            f"{pull} <{PROV.used}> {query} .",
            f"{pull} <{PROV.endedAtTime}> {now.n3()} .",
            f"{query} <{RDF.type}> <{PROV.Entity}> .",
            f"{query} <{PROV.value}> {Literal(sparql).n3()} .",
        ]
    )
    props = ", ".join(
        f"<{p}>"
        for p in (PROV.wasDerivedFrom, PROV.generatedAtTime, PROV.wasGeneratedBy, PV.tripleCount)
    )
    old = f"FILTER (?s IN ({pull}, {query}) || (?s = {g} && ?p IN ({props})))"
    registry = f"GRAPH <{REGISTRY_GRAPH}> {{ ?s ?p ?o }}"
    parts = [
        f"DELETE {{ {registry} }} WHERE {{ {registry} {old} }}",
        f"DELETE {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o {old} }}",
    ]
    parts.append(f"INSERT DATA {{ GRAPH <{REGISTRY_GRAPH}> {{\n{triples}\n}} }}")
    parts.append(f"INSERT DATA {{\n{triples}\n}}")
    return " ;\n".join(parts)


def pull_reference(
    store: Store,
    endpoint_url: str,
    construct_query: str,
    graph_iri: str,
    *,
    timeout_s: float = 60.0,
    allowlist: Sequence[str] | None = None,
) -> int:
    """Replace ``graph_iri`` with a remote CONSTRUCT's answer, publish it, record provenance.

    Args:
        store: the store (embedded or remote).
        endpoint_url: the remote SPARQL 1.1 Protocol query endpoint.
        construct_query: a CONSTRUCT (or DESCRIBE) query, sent as is.
        graph_iri: the named graph to (re)fill, e.g. ``https://pvkg.lv/graph/reference/wikidata``.
        timeout_s: give up on the remote endpoint after this many seconds.
        allowlist: when given, ``endpoint_url`` must be on it (``settings.service_allowlist``).

    Returns:
        The number of triples now in ``graph_iri``.

    Raises:
        Forbidden: ``endpoint_url`` is not on the allow-list.
        QuerySyntaxError: the query does not parse or is not a CONSTRUCT/DESCRIBE.
        StoreUnavailable: the endpoint cannot be reached or answered with an error.
        SourceSyntaxError: the answer is not parsable RDF; nothing was changed.
        StoreError: the store failed; nothing was changed.
    """
    if allowlist is not None and not _allowed(endpoint_url, allowlist):
        raise Forbidden(f"endpoint <{endpoint_url}> is not in the service allow-list")
    _check_construct(construct_query)
    data, media = _fetch(endpoint_url, construct_query, timeout_s)
    staging = view.staging_graph(graph_iri)
    fmt = rdf_format(media).name if media in _KNOWN_MEDIA else "nt"
    try:
        store.load_data(data, fmt, graph=staging, replace=True)
    except Exception:
        store.drop_graph(staging)
        raise
    count = store.count(staging)
    view.commit_staged(
        store,
        graph_iri,
        extra=_provenance_update(graph_iri, endpoint_url, construct_query, count),
    )
    return count


_KNOWN_MEDIA = {
    "application/n-triples",
    "text/plain",
    "text/turtle",
    "application/x-turtle",
    "application/rdf+xml",
    "application/ld+json",
}
