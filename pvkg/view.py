"""The current view: the store's default graph as the union of every *published* graph.

Analysts query the default graph and expect "what is true now": the ontology, the reference
data, the registry and each institution's **current** portfolio version, but not superseded
versions. Querying a list of graphs makes every triple lookup visit each graph (1,000
institutions = 1,000 lookups), so instead the default graph holds a materialised copy of the
published graphs, maintained in the same atomic update that changes what is published.
Which graphs are published is recorded in the registry graph (``<g> pv:inView true``).

Every function here builds one SPARQL Update request, so it works the same on the embedded
store and on a remote SPARQL 1.1 server, and the whole change is one transaction.
"""

from __future__ import annotations

import datetime as _dt

from pvkg.namespaces import PROV, PV, REGISTRY_GRAPH, XSD
from pvkg.store import SelectResult, Store

_IN_VIEW = f"<{PV['inView']}>"
_REGISTRY = f"<{REGISTRY_GRAPH}>"


def _held_elsewhere(graph: str) -> str:
    """The filter keeping a triple ``?s ?p ?o`` of ``graph`` that another published graph holds.

    The registry test sits in an inner ``FILTER EXISTS`` so that the graphs holding the triple are
    found first (one index lookup) and only those are checked; joining with every published graph
    instead was 39× slower with 400 institutions (bench/NOTES.md, finding 1).
    """
    return f"""FILTER NOT EXISTS {{
    GRAPH ?other {{ ?s ?p ?o }}
    FILTER (?other != <{graph}>)
    FILTER EXISTS {{ GRAPH {_REGISTRY} {{ ?other {_IN_VIEW} true }} }}
  }}"""


def unpublish_update(graph: str) -> str:
    """Update text removing ``graph`` from the view, keeping triples other published graphs hold."""
    return f"""
DELETE {{ ?s ?p ?o }} WHERE {{
  GRAPH <{graph}> {{ ?s ?p ?o }}
  {_held_elsewhere(graph)}
}} ;
DELETE DATA {{ GRAPH {_REGISTRY} {{ <{graph}> {_IN_VIEW} true }} }}"""


def publish_update(graph: str) -> str:
    """Update text copying ``graph`` into the view and marking it published."""
    return f"""
INSERT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }} ;
INSERT DATA {{ GRAPH {_REGISTRY} {{ <{graph}> {_IN_VIEW} true }} }}"""


def replace_update(new: str, old: str) -> str:
    """Update text putting ``new`` in the view in place of ``old``, touching only what differs.

    A new portfolio version mostly repeats the one it replaces, so only triples of ``old`` that
    ``new`` lacks may leave the view (when no other published graph holds them: the costly test,
    now run on those few triples only), and only triples of ``new`` the view lacks are written.
    The result equals unpublishing ``old`` and then publishing ``new``. The difference is a
    sub-select: written as a plain FILTER, pyoxigraph ran the costly test on every triple first
    (0.4 s instead of 5 ms for a 3,009-triple version in the 50k store).
    """
    return f"""
DELETE {{ ?s ?p ?o }} WHERE {{
  {{ SELECT ?s ?p ?o WHERE {{
    GRAPH <{old}> {{ ?s ?p ?o }} MINUS {{ GRAPH <{new}> {{ ?s ?p ?o }} }}
  }} }}
  {_held_elsewhere(old)}
}} ;
DELETE DATA {{ GRAPH {_REGISTRY} {{ <{old}> {_IN_VIEW} true }} }} ;
INSERT {{ ?s ?p ?o }} WHERE {{ GRAPH <{new}> {{ ?s ?p ?o }} FILTER NOT EXISTS {{ ?s ?p ?o }} }} ;
INSERT DATA {{ GRAPH {_REGISTRY} {{ <{new}> {_IN_VIEW} true }} }}"""


def swap_update(new: str | None, old: str | None, extra: str = "") -> str:
    """One update request: unpublish ``old``, publish ``new``, then run ``extra`` (if any)."""
    parts = []
    if old is not None and new is not None and old != new:
        parts.append(replace_update(new, old))
    else:
        if old is not None and old != new:
            parts.append(unpublish_update(old))
        if new is not None:
            parts.append(publish_update(new))
    if extra.strip():
        parts.append(extra)
    return " ;\n".join(parts)


def publish(store: Store, graph: str, *, replacing: str | None = None, extra: str = "") -> None:
    """Atomically put ``graph`` into the view (taking ``replacing`` out) and run ``extra``.

    Raises:
        StoreError: the update failed; the view and registry are unchanged.
    """
    store.update(swap_update(graph, replacing, extra))


def restore(store: Store, graph: str) -> bool:
    """Copy back into the view the triples of published ``graph`` that it lacks.

    The default graph is open to admin writes (SPARQL Update, Graph Store ``?default``): after
    ``DELETE /store?default`` the ontology and reference data were gone from the view for good.
    Start-up calls this for them (one ASK when nothing is missing).

    Returns:
        True when triples were copied back.
    """
    missing = store.query(
        f"""ASK {{
  GRAPH {_REGISTRY} {{ <{graph}> {_IN_VIEW} true }}
  GRAPH <{graph}> {{ ?s ?p ?o }}
  FILTER NOT EXISTS {{ ?s ?p ?o }}
}}"""
    )
    if missing is not True:
        return False
    store.update(publish_update(graph))  # (its registry mark is already there: no change)
    return True


def unpublish(store: Store, graph: str, *, extra: str = "") -> None:
    """Atomically take ``graph`` out of the view."""
    store.update(swap_update(None, graph, extra))


def staging_graph(graph: str) -> str:
    """Where new content for ``graph`` is written before :func:`commit_staged` swaps it in."""
    return f"{graph}/staging"


def commit_staged(store: Store, graph: str, *, extra: str = "") -> None:
    """Atomically replace published ``graph`` with its staging graph and run ``extra``.

    The staging graph is invisible (not published, not registered); if the process dies before
    this call, the old content stays in place and the staging graph is simply rewritten next time.
    """
    staging = staging_graph(graph)
    now = _dt.datetime.now(_dt.UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")
    stamp = f"<{graph}> <{PROV.generatedAtTime}>"
    parts = [
        unpublish_update(graph),
        f"MOVE SILENT GRAPH <{staging}> TO <{graph}>",
        publish_update(graph),
        # when the view changed, for the catalogue's dct:modified (docs/MODEL.md §6)
        f"DELETE WHERE {{ GRAPH {_REGISTRY} {{ {stamp} ?t }} }}",
        f'INSERT DATA {{ GRAPH {_REGISTRY} {{ {stamp} "{now}"^^<{XSD.dateTime}> }} }}',
    ]
    if extra.strip():
        parts.append(extra)
    store.update(" ;\n".join(parts))


def published_graphs(store: Store) -> list[str]:
    """The graphs currently mirrored into the default graph."""
    result = store.query(
        f"SELECT ?g WHERE {{ GRAPH {_REGISTRY} {{ ?g {_IN_VIEW} true }} }} ORDER BY ?g"
    )
    assert isinstance(result, SelectResult)
    return [str(g) for g in result.column("g")]


def rebuild(store: Store) -> None:
    """Recompute the default graph from the published graphs (after manual edits)."""
    graphs = published_graphs(store)
    inserts = " ;\n".join(
        f"INSERT {{ ?s ?p ?o }} WHERE {{ GRAPH <{g}> {{ ?s ?p ?o }} }}" for g in graphs
    )
    store.update("CLEAR SILENT DEFAULT" + (" ;\n" + inserts if inserts else ""))
