"""What the shapes need besides the validated data, added to the temporary validation store.

Two kinds of context (see :func:`gather_context`):

* from a store's current view, for an incremental submission: what cross-portfolio rules need
  (C22: other institutions' services sharing a submitted unified-register id);
* from the reference data (ontology + reference graphs, or the shipped files): the ``rdf:type``
  of reference IRIs that pvkg data mentions, and the ``rdfs:subClassOf`` axioms of ``pv:``
  classes. Inference is never on; this is explicit background knowledge.

Reading the typings out of an on-disk store costs tens of milliseconds (every term is decoded),
so they are kept per store, keyed by a fingerprint that a one-millisecond query reads: the content
hashes bootstrap records for both graphs and the number of typing triples in each. (A hand-made
SPARQL update that swaps one typing for another in those graphs, keeping both hashes and counts,
is not seen until the process restarts; bootstrap and loads always change the fingerprint.)

Both engines get the context from here, so the fast engine and pySHACL see the same data.
"""

from __future__ import annotations

import itertools
import re
import threading
import weakref
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS
from rdflib.term import Node

from pvkg.namespaces import CV, GRAPH, ID, ONTOLOGY_GRAPH, PV, REFERENCE_GRAPH, REGISTRY_GRAPH
from pvkg.reports.ntriples import scan
from pvkg.store import SelectResult, Store, Triple

__all__ = ["ReferenceIndex", "gather_context", "index_graph", "index_store", "mentioned_in"]

_OURS = str(ID)  # subjects of loaded portfolios (pvkg data) live under this prefix
_OURS_TOKEN = f"<{_OURS}"
# a triple line with a subject under _OURS: (subject, IRI object or "")
_OURS_LINE = re.compile(
    rf"^[ \t]*({re.escape(_OURS_TOKEN)}[^>]*>)[ \t]+<[^>]*>[ \t]+(<[^>]*>)?", re.MULTILINE
)
_PV = str(PV)


@dataclass(frozen=True)
class ReferenceIndex:
    """The reference data a validation needs, indexed for lookups by IRI.

    ``typings``: each reference IRI (as a plain string) with its ``rdf:type`` classes;
    ``hierarchy``: the ``rdfs:subClassOf`` axioms whose subject is a ``pv:`` class.
    """

    typings: Mapping[str, tuple[Node, ...]]
    hierarchy: tuple[Triple, ...]

    @classmethod
    def of(cls, triples: Iterable[tuple[Node, Node, Node]]) -> ReferenceIndex:
        """Index ``rdf:type`` and ``rdfs:subClassOf`` triples (others are ignored)."""
        typings: dict[str, dict[Node, None]] = {}
        hierarchy: list[Triple] = []
        for s, p, o in triples:
            if not isinstance(s, URIRef):
                continue
            if p == RDF.type:
                typings.setdefault(str(s), {})[o] = None
            elif p == RDFS.subClassOf and str(s).startswith(_PV):
                hierarchy.append((s, RDFS.subClassOf, o))
        return cls({s: tuple(c) for s, c in typings.items()}, tuple(dict.fromkeys(hierarchy)))

    def context_for(self, mentioned: Iterable[str]) -> list[Triple]:
        """The typings of the ``mentioned`` IRIs, then the ``pv:`` hierarchy."""
        out: list[Triple] = []
        for iri in mentioned:
            classes = self.typings.get(iri)
            if classes:
                node = URIRef(iri)
                out.extend((node, RDF.type, cls) for cls in classes)
        out.extend(self.hierarchy)
        return out

    def mentioned_in_graph(self, data: Graph) -> set[str]:
        """The reference IRIs that pvkg data in the rdflib ``data`` mentions (what
        :func:`mentioned_in` finds in text), by index lookups per reference IRI: cheaper than
        reading a large graph through."""
        found = set()
        for iri in self.typings:
            node = URIRef(iri)
            as_subject = iri.startswith(_OURS) and next(data.triples((node, None, None)), None)
            if as_subject or any(str(s).startswith(_OURS) for s in data.subjects(None, node)):
                found.add(iri)
        return found


# -- reference indexes -------------------------------------------------------------------------

_STORE_INDEXES: weakref.WeakKeyDictionary[Store, tuple[tuple, ReferenceIndex]] = (
    weakref.WeakKeyDictionary()
)
_LOCK = threading.Lock()

_FINGERPRINT = f"""SELECT ?h1 ?h2 ?a ?b ?c ?d WHERE {{
    {{ SELECT (COUNT(*) AS ?a) WHERE {{ GRAPH <{ONTOLOGY_GRAPH}> {{ ?s rdf:type ?o }} }} }}
    {{ SELECT (COUNT(*) AS ?b) WHERE {{ GRAPH <{ONTOLOGY_GRAPH}> {{ ?s rdfs:subClassOf ?o }} }} }}
    {{ SELECT (COUNT(*) AS ?c) WHERE {{ GRAPH <{REFERENCE_GRAPH}> {{ ?s rdf:type ?o }} }} }}
    {{ SELECT (COUNT(*) AS ?d) WHERE {{ GRAPH <{REFERENCE_GRAPH}> {{ ?s rdfs:subClassOf ?o }} }} }}
    OPTIONAL {{ GRAPH <{REGISTRY_GRAPH}> {{ <{ONTOLOGY_GRAPH}> pv:contentHash ?h1 }} }}
    OPTIONAL {{ GRAPH <{REGISTRY_GRAPH}> {{ <{REFERENCE_GRAPH}> pv:contentHash ?h2 }} }}
}}"""

# One constant graph and predicate per branch: pyoxigraph then reads one index range each
# (a VALUES over the graphs made it scan).
_TYPINGS = " UNION ".join(
    f"{{ GRAPH <{g}> {{ ?s {p} ?o }} BIND({p} AS ?p) }}"
    for g in (ONTOLOGY_GRAPH, REFERENCE_GRAPH)
    for p in ("rdf:type", "rdfs:subClassOf")
)


def index_graph(reference: Graph) -> ReferenceIndex:
    """The index of an rdflib reference graph (built anew each time: the graph may change)."""
    return ReferenceIndex.of(
        itertools.chain(
            reference.triples((None, RDF.type, None)),
            reference.triples((None, RDFS.subClassOf, None)),
        )
    )


def index_store(store: Store) -> ReferenceIndex:
    """The index of the store's ontology and reference graphs, re-read when they change.

    Raises:
        StoreError: the store cannot be queried.
    """
    answer = store.query(_FINGERPRINT)
    assert isinstance(answer, SelectResult)
    fingerprint = tuple(answer.rows)
    with _LOCK:
        cached = _STORE_INDEXES.get(store)
    if cached is not None and cached[0] == fingerprint:
        return cached[1]
    rows = store.query(f"SELECT ?s ?p ?o WHERE {{ {_TYPINGS} }}")
    assert isinstance(rows, SelectResult)
    index = ReferenceIndex.of(rows.rows)  # type: ignore[arg-type]
    with _LOCK:
        _STORE_INDEXES[store] = (fingerprint, index)
    return index


# -- gathering the context into the validation store ---------------------------------------------

_MENTIONED = f"""SELECT DISTINCT ?n WHERE {{
    {{ ?n ?p ?o FILTER (isIRI(?n) && STRSTARTS(STR(?n), "{_OURS}")) }}
    UNION {{ ?s ?p ?n FILTER (isIRI(?n) && STRSTARTS(STR(?s), "{_OURS}")) }}
}}"""

_SUBMITTED = f"""SELECT DISTINCT ?r ?i WHERE {{
    {{ ?s <{PV.registerServiceId}> ?r }}
    UNION {{ ?s <{CV.hasCompetentAuthority}> ?i }}
    UNION {{ ?s <{DCTERMS.publisher}> ?i }}
}}"""


def _incremental(work: Store, store: Store) -> list[Triple]:
    """From ``store``'s current view: what the cross-portfolio rules need, and nothing else.

    C22 needs other institutions' services that share a submitted unified-register id: their
    ``pv:registerServiceId`` and ``dct:identifier`` only (untyped, so no other rule sees them).
    The submitted institutions' own stored services are left out: the submission replaces them.
    """
    answer = work.query(_SUBMITTED)
    assert isinstance(answer, SelectResult)
    register_ids = {r for r, _i in answer.rows if r is not None}
    if not register_ids:
        return []
    institutions = {i for _r, i in answer.rows if isinstance(i, URIRef)}
    own = " ".join(i.n3() for i in institutions) or "<urn:pvkg:none>"
    ids = list(register_ids)
    extra: list[Triple] = []
    for start in range(0, len(ids), 500):
        values = " ".join(i.n3() for i in ids[start : start + 500])
        rows = store.query(
            f"""SELECT ?s ?r ?id WHERE {{
                VALUES ?r {{ {values} }}
                ?s <{PV.registerServiceId}> ?r .
                OPTIONAL {{ ?s dct:identifier ?id }}
                FILTER NOT EXISTS {{
                    ?s <{CV.hasCompetentAuthority}> ?inst . VALUES ?inst {{ {own} }}
                }}
            }}"""
        )
        assert isinstance(rows, SelectResult)
        for s, r, ident in rows.rows:
            extra.append((s, PV.registerServiceId, r))  # type: ignore[arg-type]
            if ident is not None:
                extra.append((s, DCTERMS.identifier, ident))  # type: ignore[arg-type]
    return extra


# `pvkg registry load` writes institutions (with their kind: ministry, agency, ...) here; it is
# published into the view, so whole-graph validation sees these typings and a submission must too.
_INSTITUTIONS_GRAPH = GRAPH["institutions"]


def _registry_typings(store: Store, mentioned: set[str]) -> list[Triple]:
    """The ``rdf:type`` the institution registry gives the mentioned institutions.

    Looked up per submission (a few IRIs, about a millisecond) rather than cached: a registry
    reload may change an institution's kind without changing any count a fingerprint could see.
    """
    prefix = f"{ID}institution/"
    iris = sorted(m for m in mentioned if m.startswith(prefix) and "/" not in m[len(prefix) :])
    out: list[Triple] = []
    for start in range(0, len(iris), 500):
        values = " ".join(f"<{iri}>" for iri in iris[start : start + 500])
        rows = store.query(
            f"SELECT ?s ?o WHERE {{ VALUES ?s {{ {values} }} "
            f"GRAPH <{_INSTITUTIONS_GRAPH}> {{ ?s rdf:type ?o }} }}"
        )
        assert isinstance(rows, SelectResult)
        out.extend((s, RDF.type, o) for s, o in rows.rows)  # type: ignore[misc]
    return out


def mentioned_in(texts: Iterable[str]) -> set[str]:
    """The IRIs that pvkg data in N-Triples ``texts`` mentions (see :func:`gather_context`):
    subjects under ``https://pvkg.lv/id/`` and the IRI objects of such subjects.

    What ``_MENTIONED`` asks the store, read off the text (a third of the time): one regular
    expression over the text, or, where ``\\u`` escapes may hide an IRI's characters (or lines
    end in a lone CR), a scan that decodes every term. Either way the terms of a line must be
    separated by white space, as the loaders (and every common writer) write them.

    >>> text = "<https://pvkg.lv/id/a> <urn:p> <urn:b> .\\n<urn:c> <urn:p> <urn:d> ."
    >>> sorted(mentioned_in([text]))
    ['https://pvkg.lv/id/a', 'urn:b']
    """
    tokens: set[str] = set()
    for text in texts:
        # (one-character tests first: they are a memchr, "\\u" a slower substring search)
        if "\r" in text or ("\\" in text and ("\\u" in text or "\\U" in text)):
            for s, _p, o, _line in scan(text):
                if s.startswith(_OURS_TOKEN):
                    tokens.add(s)
                    if o.startswith("<"):
                        tokens.add(o)
            continue
        pairs = _OURS_LINE.findall(text)
        tokens.update({s for s, _o in pairs}, {o for _s, o in pairs})
    tokens.discard("")  # the object of a line whose object is not an IRI
    return {t[1:-1] for t in tokens}


def gather_context(
    work: Store,
    reference: ReferenceIndex,
    store: Store | None = None,
    *,
    mentioned: set[str] | None = None,
) -> tuple[list[Triple], list[Triple]]:
    """Add to ``work`` (a store holding the validated data in its default graph) the context.

    First, with a ``store``, the incremental context from its current view; then the typings of
    the reference IRIs that pvkg data (subjects under ``https://pvkg.lv/id/``, i.e. loaded
    portfolios, and that incremental context) mentions as subject or object, and the ``pv:``
    hierarchy; with a ``store``, also the kinds its institution registry gives the mentioned
    institutions (so C14 sees a registry-loaded ministry, as the whole-view run does).
    Foreign data (for example the official CPSV-AP example) is validated as the SEMIC
    validator would: without background knowledge, so it gives exactly the 6 violations of
    STANDARDS.md §1.5.

    Args:
        work: holds the validated data.
        reference: the reference data.
        store: the store to validate incrementally against.
        mentioned: the IRIs the data mentions, when they were found without the store
            (:func:`mentioned_in` on its text, :meth:`ReferenceIndex.mentioned_in_graph` on its
            graph); else ``work`` is asked.

    Returns:
        (the incremental triples, the reference triples), as added to ``work``.

    Raises:
        StoreError: a store cannot be queried.
    """
    extra = _incremental(work, store) if store is not None else []
    if extra:
        work.add_triples(None, extra)
    if mentioned is None:
        answer = work.query(_MENTIONED)
        assert isinstance(answer, SelectResult)
        mentioned = {str(row[0]) for row in answer.rows if row[0] is not None}
    else:  # the incremental context is pvkg data too
        mentioned = mentioned | {str(s) for s, _p, _o in extra if str(s).startswith(_OURS)}
    context = reference.context_for(mentioned)
    if store is not None:
        known = set(context)
        context += [t for t in _registry_typings(store, mentioned) if t not in known]
    if context:
        work.add_triples(None, context)
    return extra, context
