"""Portfolio versions in the store: atomic storage, version history and diffs (docs/MODEL.md §6).

A new version is stored in two steps. (1) The version graph ``<v>``, its source map
``<v>/source`` and any extra graphs (``<v>/validation``) are written; nobody sees them yet, and a
crash here leaves orphans that :func:`pvkg.bootstrap.remove_orphans` drops when an embedded store
is next opened (a shared remote store keeps them: they may be another writer's, mid-commit).
(2) One SPARQL Update adds the registry entry (to the registry graph and the default graph),
moves ``pv:currentVersion`` and swaps the current view (:func:`pvkg.view.swap_update`, which
touches only the triples the two versions do not share). Either
all of (2) happens or none of it, so readers see the old version or the new one, never a mix.

>>> from loaders import read_portfolio
>>> from pvkg.store import LocalStore
>>> store = LocalStore(None)
>>> loaded = read_portfolio("inst_service_id,institution\\nA-1,Iestāde A\\n".encode(), "a.csv")
>>> store_portfolio(store, loaded).number, store_portfolio(store, loaded).created
(1, False)
>>> [(v.number, v.current, v.filename) for v in list_versions(store, "iestade-a")]
[(1, True, 'a.csv')]
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING
from urllib.parse import unquote

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, XSD
from rdflib.term import Node

from loaders import ntriples as nt
from pvkg import view
from pvkg.errors import StoreError, StoreUnavailable
from pvkg.namespaces import (
    PV,
    REGISTRY_GRAPH,
    institution_iri,
    portfolio_iri,
    portfolio_version_iri,
    source_map_graph,
)
from pvkg.store import SelectResult, Store

if TYPE_CHECKING:
    from loaders import LoadedPortfolio

VERSION_PLACEHOLDER = URIRef("urn:pvkg:version")
GraphContent = Graph | str | bytes  # an rdflib Graph or N-Triples text (str or UTF-8)
# One writer at a time in this process (the HTTP server's threads): version numbers stay unique.
_WRITE_LOCK = threading.Lock()
_REG = f"<{REGISTRY_GRAPH}>"
_PREFIXES = f"""PREFIX pv: <{PV}>
PREFIX prov: <{PROV}>
PREFIX rdf: <{RDF}>
"""


@dataclass(frozen=True)
class StoredVersion:
    """What :func:`store_portfolio` did: ``created`` is False when the file was already current."""

    institution_id: str
    number: int
    iri: str
    created: bool


@dataclass(frozen=True)
class VersionInfo:
    """One registered portfolio version."""

    number: int
    iri: str
    created: datetime | None
    filename: str | None
    sha256: str | None
    submitter: str | None
    current: bool
    service_count: int | None
    fmt: str | None = None


@dataclass
class ServiceChange:
    """A service present in both versions whose triples differ."""

    service_id: str
    properties: list[str]  # predicate IRIs whose values differ


@dataclass
class VersionDiff:
    """Services added, removed and changed from version ``a`` to version ``b``."""

    institution_id: str
    a: int
    b: int
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[ServiceChange] = field(default_factory=list)

    @property
    def changed_ids(self) -> list[str]:
        return [c.service_id for c in self.changed]


def _select(store: Store, sparql: str) -> SelectResult:
    result = store.query(_PREFIXES + sparql)
    assert isinstance(result, SelectResult)
    return result


def _current_and_last(
    store: Store, portfolio: URIRef
) -> tuple[tuple[URIRef, str | None] | None, int]:
    """The current version (with its file's sha256) and the highest version number, in one
    query: a bulk load asks this once per file."""
    rows = _select(
        store,
        f"""SELECT ?v ?sha ?max WHERE {{
            {{ SELECT (MAX(?n) AS ?max) WHERE {{ GRAPH {_REG} {{
                ?any pv:versionOf <{portfolio}> ; pv:versionNumber ?n }} }} }}
            OPTIONAL {{ GRAPH {_REG} {{
                <{portfolio}> pv:currentVersion ?v . OPTIONAL {{ ?v pv:sha256 ?sha }} }} }}
        }}""",
    ).rows
    version, sha, last = rows[0] if rows else (None, None, None)
    current = None if version is None else (URIRef(str(version)), None if sha is None else str(sha))
    return current, 0 if last is None else int(last)


def _number_of(iri: str) -> int:
    return int(iri.rsplit("/v/", 1)[1])


def _registry_lines(
    loaded: LoadedPortfolio,
    version: URIRef,
    number: int,
    old: URIRef | None,
    submitter: str | None,
    extra_registry: Graph | None,
) -> str:
    """The version's registry entry as N-Triples lines (written straight, no rdflib terms)."""
    inst_id = loaded.institution_id
    now = datetime.now(UTC).replace(microsecond=0).isoformat()
    v = nt.iri(version)
    lines = [
        (_A, nt.iri(PV.PortfolioVersion)),
        (_A, nt.iri(PROV.Entity)),
        (nt.iri(PV.versionOf), nt.iri(portfolio_iri(inst_id))),
        (nt.iri(PV.institution), nt.iri(institution_iri(inst_id))),
        (nt.iri(PV.versionNumber), nt.typed(number, _INTEGER)),
        (nt.iri(PROV.generatedAtTime), nt.typed(now, _DATETIME)),
        (nt.iri(PV.sourceFileName), nt.literal(loaded.filename)),
        (nt.iri(PV.sha256), nt.literal(loaded.sha256)),
        (nt.iri(PV.sourceFormat), nt.literal(loaded.fmt)),
        (nt.iri(PV.serviceCount), nt.typed(loaded.service_count, _INTEGER)),
        (nt.iri(PV.tripleCount), nt.typed(loaded.triple_count, _INTEGER)),
    ]
    if submitter:
        lines.append((nt.iri(PROV.wasAttributedTo), nt.literal(submitter)))
    if old is not None:
        lines.append((nt.iri(PROV.wasRevisionOf), nt.iri(old)))
    out = [f"{v} {p} {o} .\n" for p, o in lines]
    for s, p, o in extra_registry or ():
        out.append(
            f"{nt.term(_placed(s, version))} {nt.term(p)} {nt.term(_placed(o, version))} .\n"
        )
    return "".join(out)


_A = nt.iri(RDF.type)
_INTEGER, _DATETIME = str(XSD.integer), str(XSD.dateTime)


def _placed(term: Node, version: URIRef) -> Node:
    """``urn:pvkg:version`` (or ``urn:pvkg:version/…``, ``#…``) with the real version IRI."""
    if not isinstance(term, URIRef):
        return term
    text, placeholder = str(term), str(VERSION_PLACEHOLDER)
    rest = text.removeprefix(placeholder)
    if text.startswith(placeholder) and (not rest or rest[0] in "/#"):
        return URIRef(f"{version}{rest}")
    return term


def commit_update(portfolio: URIRef, version: URIRef, old: URIRef | None, registry: str) -> str:
    """The one SPARQL Update that makes ``version`` current (step 2 of the protocol);
    ``registry`` is the version's registry entry as N-Triples lines."""
    current = f"<{portfolio}> <{PV.currentVersion}>"
    parts = []
    if old is not None:
        parts.append(
            f"DELETE DATA {{ GRAPH {_REG} {{ {current} <{old}> }} }} ;\n"
            f"DELETE DATA {{ {current} <{old}> }}"
        )
    parts.append(
        f"INSERT DATA {{ GRAPH {_REG} {{\n{registry}{current} <{version}> .\n}} }} ;\n"
        f"INSERT DATA {{\n{registry}{current} <{version}> .\n}}"
    )
    return view.swap_update(str(version), None if old is None else str(old), " ;\n".join(parts))


def store_portfolio(
    store: Store,
    loaded: LoadedPortfolio,
    *,
    submitter: str | None = None,
    extra_graphs: Mapping[str, GraphContent] | None = None,
    extra_registry: Graph | None = None,
) -> StoredVersion:
    """Store a loaded portfolio as its institution's new current version, atomically.

    Args:
        store: the store.
        loaded: the portfolio read by :func:`loaders.read_portfolio`.
        submitter: who submitted it (``prov:wasAttributedTo``).
        extra_graphs: more graphs written with the version, by name; ``{version}`` in a name is
            replaced by the version IRI (``{"{version}/validation": report}``); each an rdflib Graph
            or N-Triples text. Use only the ``/source`` and ``/validation`` suffixes: other names
            are not cleaned up after a crash.
        extra_registry: triples added to the registry (and the default graph) in the commit;
            ``URIRef("urn:pvkg:version")`` stands for the new version's IRI.

    Returns:
        The version; ``created`` is False (and nothing is written) when the file's sha256 equals
        the current version's.

    Raises:
        StoreError: the store failed; the previous version stays current.
        StoreUnavailable: the store did not answer the commit and does not show it applied; the
            new version's graphs are kept (it may still become current: a remote server can
            apply a request whose answer was lost).
    """
    with _WRITE_LOCK:
        return _store_locked(store, loaded, submitter, extra_graphs, extra_registry)


def _store_locked(
    store: Store,
    loaded: LoadedPortfolio,
    submitter: str | None,
    extra_graphs: Mapping[str, GraphContent] | None,
    extra_registry: Graph | None,
) -> StoredVersion:
    inst_id = loaded.institution_id
    portfolio = portfolio_iri(inst_id)
    current, last = _current_and_last(store, portfolio)
    if current is not None and current[1] == loaded.sha256:
        return StoredVersion(inst_id, _number_of(str(current[0])), str(current[0]), False)
    old = current[0] if current else None
    number = last + 1
    version = portfolio_version_iri(inst_id, number)
    own: dict[str, GraphContent] = {
        str(version): loaded.graph_nt_bytes,
        str(source_map_graph(version)): loaded.sources_nt_bytes,
    }
    graphs = dict(own)
    for name, graph in (extra_graphs or {}).items():
        graphs[name.replace("{version}", str(version))] = graph
    try:
        for name, content in graphs.items():  # step 1: invisible until registered
            # the loader's own text may skip the store's IRI checks; extra graphs never do
            _write_graph(store, name, content, checked=loaded.checked_text and name in own)
        registry = _registry_lines(loaded, version, number, old, submitter, extra_registry)
    except StoreError:
        _drop_quietly(store, graphs)  # an embedded store would also drop them at its next open
        raise
    try:
        store.update(commit_update(portfolio, version, old, registry))  # step 2: one transaction
    except StoreUnavailable as err:
        # No answer (a remote server timed out or the connection broke): the commit may have
        # been applied, or may still be. Dropping the graphs now could leave a registered
        # version without its graph, so they stay (unregistered: not in the view; an embedded
        # store drops them at its next open, a shared remote store keeps them).
        if _is_current(store, portfolio, version):
            return StoredVersion(inst_id, number, str(version), True)
        raise type(err)(
            f"{err}; the store did not confirm version {number} of {inst_id}: its graphs are "
            "kept, and it becomes current only if the commit went through after all (list the "
            "institution's versions before submitting again)"
        ) from None
    except StoreError:
        _drop_quietly(store, graphs)  # the store answered: the update failed and changed nothing
        raise
    return StoredVersion(inst_id, number, str(version), True)


def _is_current(store: Store, portfolio: URIRef, version: URIRef) -> bool:
    """Whether the registry names ``version`` current (False when the store cannot say)."""
    try:
        current, _ = _current_and_last(store, portfolio)
    except StoreError:
        return False
    return current is not None and current[0] == version


def _write_graph(store: Store, name: str, content: GraphContent, *, checked: bool = False) -> None:
    """Make the (unregistered) graph ``name`` hold ``content``: N-Triples text goes to the store's
    own parser in one transaction, much faster than converting rdflib terms one by one.
    ``checked``: the text's IRIs and language tags were minted by pvkg (no re-validation)."""
    store.drop_graph(name)  # an orphan of a crashed attempt may hold the name
    if isinstance(content, str | bytes):
        if content:
            data = content.encode("utf-8") if isinstance(content, str) else content
            store.load_data(data, "nt", graph=name, checked=checked)
    else:
        store.add_triples(name, content)


def _drop_quietly(store: Store, graphs: Iterable[str]) -> None:
    for name in graphs:
        with contextlib.suppress(StoreError):
            store.drop_graph(name)


def list_versions(store: Store, institution_id: str) -> list[VersionInfo]:
    """Every registered version of an institution's portfolio, oldest first.

    Raises:
        StoreError: the store cannot be queried.
    """
    portfolio = portfolio_iri(institution_id)
    result = _select(
        store,
        f"""SELECT ?v ?n ?t ?file ?sha ?who ?count ?fmt ?cur WHERE {{ GRAPH {_REG} {{
            ?v pv:versionOf <{portfolio}> ; pv:versionNumber ?n .
            OPTIONAL {{ ?v prov:generatedAtTime ?t }}
            OPTIONAL {{ ?v pv:sourceFileName ?file }}
            OPTIONAL {{ ?v pv:sha256 ?sha }}
            OPTIONAL {{ ?v prov:wasAttributedTo ?who }}
            OPTIONAL {{ ?v pv:serviceCount ?count }}
            OPTIONAL {{ ?v pv:sourceFormat ?fmt }}
            BIND (EXISTS {{ <{portfolio}> pv:currentVersion ?v }} AS ?cur)
        }} }} ORDER BY ?n""",
    )
    versions = []
    for v, n, t, file, sha, who, count, fmt, cur in result.rows:
        created = t.toPython() if isinstance(t, Literal) else None
        versions.append(
            VersionInfo(
                number=int(n),  # type: ignore[arg-type]
                iri=str(v),
                created=created if isinstance(created, datetime) else None,
                filename=None if file is None else str(file),
                sha256=None if sha is None else str(sha),
                submitter=None if who is None else str(who),
                current=bool(cur is not None and cur.toPython()),  # type: ignore[union-attr]
                service_count=None if count is None else int(count),  # type: ignore[arg-type]
                fmt=None if fmt is None else str(fmt),
            )
        )
    return versions


def current_version(store: Store, institution_id: str) -> VersionInfo | None:
    """The institution's current version, or None when it has none."""
    return next((v for v in list_versions(store, institution_id) if v.current), None)


def version_graph(store: Store, institution_id: str, number: int) -> Graph:
    """The triples of one stored version (empty when it does not exist).

    Raises:
        StoreError: the store cannot be read.
    """
    graph = Graph()
    for triple in store.triples(str(portfolio_version_iri(institution_id, number))):
        graph.add(triple)
    return graph


def _services(store: Store, version: str) -> dict[str, dict[Node, set[Node]]]:
    graph = Graph()
    for triple in store.triples(version):
        graph.add(triple)
    marker = "/service/"
    services: dict[str, dict[Node, set[Node]]] = {}
    for service in graph.subjects(RDF.type, PV.Service):
        key = unquote(str(service).rsplit(marker, 1)[-1])
        props: dict[Node, set[Node]] = {}
        for _, p, o in graph.triples((service, None, None)):
            props.setdefault(p, set()).add(o)
        services[key] = props
    return services


def diff_versions(store: Store, institution_id: str, a: int, b: int) -> VersionDiff:
    """Which services were added, removed or changed from version ``a`` to version ``b``.

    Services are matched by their identifier (``<id>~<n>`` for repeated ids); a change lists
    the properties whose values differ.

    Raises:
        KeyError: one of the versions is not registered.
    """
    known = {v.number: v.iri for v in list_versions(store, institution_id)}
    for number in (a, b):
        if number not in known:
            raise KeyError(f"{institution_id} has no portfolio version {number}")
    old, new = _services(store, known[a]), _services(store, known[b])
    diff = VersionDiff(institution_id, a, b)
    diff.added = sorted(set(new) - set(old))
    diff.removed = sorted(set(old) - set(new))
    for key in sorted(set(old) & set(new)):
        props = {
            str(p)
            for p in set(old[key]) | set(new[key])
            if old[key].get(p, set()) != new[key].get(p, set())
        }
        if props:
            diff.changed.append(ServiceChange(key, sorted(props)))
    return diff
