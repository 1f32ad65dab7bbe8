"""Make a store ready: ontology and reference graphs loaded and published, orphans removed.

Runs whenever a command or the server opens the store. Cheap when nothing changed: the
content hash of the shipped Turtle files is compared with the one recorded in the registry.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from rdflib import Literal, URIRef

from pvkg import view
from pvkg.errors import SourceSyntaxError, StoreError
from pvkg.namespaces import ONTOLOGY_GRAPH, PV, REFERENCE_GRAPH, REGISTRY_GRAPH
from pvkg.settings import Settings
from pvkg.store import LocalStore, SelectResult, Store, open_store

_HASH = PV["contentHash"]


def turtle_files(directory: Path) -> list[Path]:
    """The Turtle files of a directory (not its subdirectories), in a stable order."""
    return sorted(directory.glob("*.ttl")) if directory.is_dir() else []


def _digest(files: list[Path]) -> str:
    h = hashlib.sha256()
    for path in files:
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def _recorded_hash(store: Store, graph: URIRef) -> str | None:
    result = store.query(
        f"SELECT ?h WHERE {{ GRAPH <{REGISTRY_GRAPH}> {{ <{graph}> <{_HASH}> ?h }} }}"
    )
    assert isinstance(result, SelectResult)
    return str(result.rows[0][0]) if result.rows else None


def load_graph_files(store: Store, graph: URIRef, files: list[Path]) -> bool:
    """(Re)load ``files`` into ``graph`` and publish it, unless the recorded hash matches.

    Returns:
        True when the graph was (re)loaded.

    Raises:
        SourceSyntaxError: one of the files does not parse (names the file and line).
    """
    digest = _digest(files)
    old_hash = _recorded_hash(store, graph)
    if old_hash == digest and store.has_graph(str(graph)):
        view.restore(store, str(graph))
        return False
    staging = view.staging_graph(str(graph))
    store.drop_graph(staging)
    for path in files:
        try:
            store.load_data(path.read_bytes(), "turtle", graph=staging)
        except SourceSyntaxError as err:
            store.drop_graph(staging)
            raise SourceSyntaxError(f"{path}: {err.message}") from None
    delete_hash = (
        f'DELETE DATA {{ GRAPH <{REGISTRY_GRAPH}> {{ <{graph}> <{_HASH}> "{old_hash}" }} }} ;\n'
        if old_hash
        else ""
    )
    extra = (
        f"{delete_hash}"
        f"INSERT DATA {{ GRAPH <{REGISTRY_GRAPH}> "
        f"{{ <{graph}> <{_HASH}> {Literal(digest).n3()} }} }}"
    )
    view.commit_staged(store, str(graph), extra=extra)
    return True


def remove_orphans(store: Store) -> list[str]:
    """Drop portfolio version graphs that no registry entry names (a crash before commit)."""
    result = store.query(
        f"SELECT ?v WHERE {{ GRAPH <{REGISTRY_GRAPH}> {{ ?v a <{PV['PortfolioVersion']}> }} }}"
    )
    assert isinstance(result, SelectResult)
    registered = {str(v) for v in result.column("v")}
    orphans = []
    for name in store.graph_names():
        if "/portfolio/v/" not in name:
            continue
        version = name.removesuffix("/source").removesuffix("/validation")
        if version not in registered:
            store.drop_graph(name)
            orphans.append(name)
    return orphans


def prepare(store: Store, settings: Settings) -> None:
    """Load/refresh the ontology and reference graphs and clean up after crashes."""
    load_graph_files(store, ONTOLOGY_GRAPH, turtle_files(settings.ontology_dir))
    load_graph_files(store, REFERENCE_GRAPH, turtle_files(settings.reference_dir))
    if isinstance(store, LocalStore):
        # One process owns an embedded store, so an unregistered version graph is a crash's
        # leftover. A remote store is shared: the graph may be another writer's version still
        # being committed, or one whose commit answer was lost; dropping it would leave a
        # registered version without its graph. Remote orphans stay (they are not in the view).
        remove_orphans(store)


@contextmanager
def open_ready_store(settings: Settings, *, in_memory: bool = False) -> Iterator[Store]:
    """Open the configured store, prepare it, and close it afterwards."""
    store = open_store(settings, in_memory=in_memory)
    try:
        prepare(store, settings)
        yield store
    except BaseException:
        with contextlib.suppress(StoreError):  # the first error is the one to report
            store.close()
        raise
    store.close()
