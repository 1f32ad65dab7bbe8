"""A load killed with SIGKILL at a random moment leaves the previous version intact and current.

Each round starts a child process that stores a large portfolio into an on-disk store and kills
it after a random delay. On reopening, the current version is complete (old or new, never a mix),
the view holds exactly its services, and orphaned graphs are removed.
"""

from __future__ import annotations

import importlib.util
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from rdflib import Literal
from rdflib.namespace import RDF

from loaders import read_portfolio_file
from pvkg.bootstrap import remove_orphans
from pvkg.namespaces import PV, REGISTRY_GRAPH, portfolio_iri
from pvkg.portfolios import current_version, list_versions, store_portfolio
from pvkg.store import LocalStore

ROOT = Path(__file__).resolve().parents[2]
CHILD = """
import sys
from pathlib import Path
from loaders import read_portfolio_file
from pvkg.portfolios import store_portfolio
from pvkg.store import LocalStore
loaded = read_portfolio_file(Path(sys.argv[2]))
store = LocalStore(Path(sys.argv[1]))
print("ready", flush=True)
store_portfolio(store, loaded)
store.close()
print("done", flush=True)
"""
SERVICES = 600
ROUNDS = 4
INSTITUTION = "sintetiska-iestade"


def _generator():
    spec = importlib.util.spec_from_file_location("generate", ROOT / "bench" / "generate.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def _check_consistent(store: LocalStore) -> int:
    remove_orphans(store)
    current = current_version(store, INSTITUTION)
    assert current is not None
    registry = set(store.triples(str(REGISTRY_GRAPH)))
    view = set(store.triples(None))
    pointer = [t for t in registry if t[1] == PV.currentVersion]
    assert len(pointer) == 1 and str(pointer[0][2]) == current.iri
    assert [t for t in view if t[1] == PV.currentVersion] == pointer
    count = next(o for s, p, o in registry if str(s) == current.iri and p == PV.tripleCount)
    version_triples = set(store.triples(current.iri))
    assert Literal(len(version_triples)) == count  # the version graph is complete
    assert version_triples <= view  # and fully published
    services_in_view = {s for s, p, o in view if p == RDF.type and o == PV.Service}
    services_in_version = {s for s, p, o in version_triples if p == RDF.type and o == PV.Service}
    assert services_in_view == services_in_version  # never a mix of two versions
    numbers = [v.number for v in list_versions(store, INSTITUTION)]
    assert numbers == list(range(1, len(numbers) + 1))
    for name in store.graph_names():
        if "/portfolio/v/" in name:
            assert name.removesuffix("/source").rsplit("/v/", 1)[1].isdigit()
            assert name.removesuffix("/source") in {
                v.iri for v in list_versions(store, INSTITUTION)
            }
    return current.number


@pytest.mark.slow
def test_sigkill_during_load_never_leaves_a_mix(tmp_path: Path) -> None:
    generate = _generator()
    store_dir = tmp_path / "store"
    first = generate.write(tmp_path / "v0.csv", 50, prefix="V0")
    store = LocalStore(store_dir)
    store_portfolio(store, read_portfolio_file(first))
    assert portfolio_iri(INSTITUTION) is not None
    store.close()
    rng = random.Random()
    outcomes = []
    started = time.monotonic()
    for round_ in range(1, ROUNDS + 1):
        path = generate.write(tmp_path / f"v{round_}.csv", SERVICES, prefix=f"R{round_}")
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD, str(store_dir), str(path)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0.0, 2.2))
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
        store = LocalStore(store_dir)
        try:
            outcomes.append(_check_consistent(store))
        finally:
            store.close()
    assert time.monotonic() - started < 40
    print("current version after each kill:", outcomes)
    assert outcomes[0] >= 1
