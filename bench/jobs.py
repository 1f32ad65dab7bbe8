"""The measured jobs. Each runs in its own process so that its peak RSS and CPU time are its own:

``python -m bench.jobs NAME ARGS_JSON OUT_JSON``

A job writes ``{"times": [...seconds per repetition...], "cpu": s, "ok": bool, "detail": str,
...}`` to ``OUT_JSON``; the parent (``bench.runner``) adds the process's peak RSS and CPU from
``os.wait4``. Times cover the measured operation only (imports, data generation and store
set-up are outside the timer); ``setup_s`` says how long the set-up took.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.checks import compare_results, load_expected, report_pairs

JOBS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {}


def job(
    fn: Callable[[dict[str, Any]], dict[str, Any]],
) -> Callable[[dict[str, Any]], dict[str, Any]]:
    JOBS[fn.__name__] = fn
    return fn


def _cpu() -> float:
    """CPU seconds of this process and of its ended children (the read-ahead workers)."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def _timed(fn: Callable[[], Any]) -> tuple[float, float, Any]:
    c0, t0 = _cpu(), time.perf_counter()
    value = fn()
    return time.perf_counter() - t0, _cpu() - c0, value


def _settings():
    from pvkg.settings import Settings

    return Settings()


# ---------------------------------------------------------------------------------------------
# loading
# ---------------------------------------------------------------------------------------------


def _count_services(store) -> int:
    answer = store.query(
        "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a <https://pvkg.lv/ontology#Service> }"
    )
    return int(answer.rows[0][0])


@job
def load_pvkg(args: dict[str, Any]) -> dict[str, Any]:
    """pvkg loaders + store_portfolio, one version per institution file (CSV or XLSX), the files
    read ahead by worker processes while this one stores, as ``pvkg load`` reads them."""
    from pvkg.portfolios import store_portfolio
    from pvkg.read_ahead import read_files
    from pvkg.store import LocalStore

    data = Path(args["data"])
    files = sorted((data / args["fmt"]).glob(f"*.{args['fmt']}"))
    location = Path(args["store"]) if args.get("store") else None
    store = LocalStore(location)
    triples = 0

    def run() -> None:
        nonlocal triples
        for path, portfolios in read_files(files, _settings()):
            if isinstance(portfolios, Exception):
                raise RuntimeError(f"{path}: {portfolios}")
            for loaded in portfolios:
                triples += loaded.triple_count
                store_portfolio(store, loaded)

    wall, cpu, _ = _timed(run)
    services = _count_services(store)
    store.close()
    expected = load_expected(data)
    ok = services == expected["services"] and triples == expected["portfolio_triples"]
    return {
        "times": [wall],
        "cpu": cpu,
        "ok": ok,
        "detail": f"{services} services, {triples} portfolio triples, {len(files)} files",
        "triples": triples,
        "triples_per_s": triples / wall,
    }


@job
def load_cli(args: dict[str, Any]) -> dict[str, Any]:
    """``pvkg load`` of every institution's CSV into a fresh on-disk store: what a user runs
    (files read ahead in worker processes, each validated against the store, then stored)."""
    import contextlib
    import io
    import shutil
    import tempfile

    from pvkg.load_command import load_files
    from pvkg.store import LocalStore

    data = Path(args["data"])
    files = sorted((data / "csv").glob("*.csv"))
    tmp = Path(tempfile.mkdtemp(prefix="pvkg-bench-load-"))
    settings = _settings().with_(store_path=tmp / "store")
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            wall, cpu, code = _timed(lambda: load_files(settings, files, submitter="bench"))
        store = LocalStore(tmp / "store")
        services = _count_services(store)
        store.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    expected = load_expected(data)
    triples = expected["portfolio_triples"]
    return {
        "times": [wall],
        "cpu": cpu,
        "ok": services == expected["services"] and code in (0, 1),
        "detail": f"{services} services, exit code {code}, {len(files)} files",
        "triples": triples,
        "triples_per_s": triples / wall,
    }


@job
def load_pvkg_turtle(args: dict[str, Any]) -> dict[str, Any]:
    """pvkg's store API: LocalStore.load_data of the Turtle (its bulk path)."""
    from pvkg.store import LocalStore

    data = Path(args["data"])
    store = LocalStore(None)
    body = (data / "portfolios.ttl").read_bytes()
    wall, cpu, _ = _timed(lambda: store.load_data(body, "turtle"))
    n = store.count(None)
    expected = load_expected(data)["portfolio_triples"]
    return {
        "times": [wall],
        "cpu": cpu,
        "ok": n == expected,
        "detail": f"{n} triples (expected {expected})",
        "triples_per_s": n / wall,
    }


@job
def load_rdflib(args: dict[str, Any]) -> dict[str, Any]:
    from rdflib import Graph

    data = Path(args["data"])
    graph = Graph()
    wall, cpu, _ = _timed(lambda: graph.parse(data / "portfolios.ttl", format="turtle"))
    expected = load_expected(data)["portfolio_triples"]
    return {
        "times": [wall],
        "cpu": cpu,
        "ok": len(graph) == expected,
        "detail": f"{len(graph)} triples",
        "triples_per_s": len(graph) / wall,
    }


@job
def load_pyoxigraph(args: dict[str, Any]) -> dict[str, Any]:
    import pyoxigraph as ox

    data = Path(args["data"])
    store = ox.Store(args["store"]) if args.get("store") else ox.Store()
    wall, cpu, _ = _timed(
        lambda: store.bulk_load(path=str(data / "portfolios.ttl"), format=ox.RdfFormat.TURTLE)
    )
    expected = load_expected(data)["portfolio_triples"]
    return {
        "times": [wall],
        "cpu": cpu,
        "ok": len(store) == expected,
        "detail": f"{len(store)} triples",
        "triples_per_s": len(store) / wall,
    }


@job
def xlsx_1000(args: dict[str, Any]) -> dict[str, Any]:
    """Issue 4: one 1,000-service XLSX read and stored (a new version each repetition)."""
    from loaders import read_portfolio_file
    from pvkg.portfolios import store_portfolio
    from pvkg.store import LocalStore

    path = Path(args["data"]) / "single_1000.xlsx"
    store = LocalStore(Path(args["store"]) if args.get("store") else None)
    times, cpu, counts = [], 0.0, []
    for i in range(int(args.get("repeats", 5))):

        def run(i: int = i) -> int:
            loaded = read_portfolio_file(path)
            loaded.sha256 += f"-{i}"
            store_portfolio(store, loaded)
            return loaded.service_count

        wall, c, n = _timed(run)
        times.append(wall)
        cpu += c
        counts.append(n)
    store.close()
    return {
        "times": times,
        "cpu": cpu,
        "ok": all(n == 1000 for n in counts),
        "detail": f"services per read: {sorted(set(counts))}",
    }


# ---------------------------------------------------------------------------------------------
# whole-graph validation
# ---------------------------------------------------------------------------------------------


def _ready_memory_store(data: Path):
    """An in-memory store prepared as ``pvkg serve`` prepares one (ontology, reference) with the
    portfolios in the current view (the default graph)."""
    from pvkg.bootstrap import prepare
    from pvkg.store import LocalStore

    store = LocalStore(None)
    prepare(store, _settings())
    store.load_data((data / "portfolios.nt").read_bytes(), "nt")
    return store


@job
def validate_fast_store(args: dict[str, Any]) -> dict[str, Any]:
    """pvkg.validation.validate_store: the fast engine on the store's current view."""
    from pvkg.validation import validate_store

    data = Path(args["data"])
    t0 = time.perf_counter()
    store = _ready_memory_store(data)
    setup = time.perf_counter() - t0
    wall, cpu, report = _timed(lambda: validate_store(store, settings=_settings()))
    ok, detail = compare_results(report_pairs(report), load_expected(data)["results"])
    return {
        "times": [wall],
        "cpu": cpu,
        "ok": ok,
        "detail": detail or f"{report.counts}",
        "setup_s": setup,
    }


def _validate_graph(args: dict[str, Any], engine: str) -> dict[str, Any]:
    from rdflib import Graph

    from pvkg.validation import validate_graph

    data = Path(args["data"])
    t0 = time.perf_counter()
    graph = Graph()
    graph.parse(data / "portfolios.nt", format="nt")
    setup = time.perf_counter() - t0
    wall, cpu, report = _timed(lambda: validate_graph(graph, settings=_settings(), engine=engine))
    ok, detail = compare_results(report_pairs(report), load_expected(data)["results"])
    return {
        "times": [wall],
        "cpu": cpu,
        "ok": ok,
        "detail": detail or f"{report.counts}",
        "setup_s": setup,
    }


@job
def validate_fast_graph(args: dict[str, Any]) -> dict[str, Any]:
    """pvkg.validation.validate_graph(engine="fast") on an rdflib Graph (what pyshacl gets)."""
    return _validate_graph(args, "fast")


@job
def validate_pyshacl(args: dict[str, Any]) -> dict[str, Any]:
    """pvkg.validation.validate_graph(engine="pyshacl"): pySHACL, the same shapes and context."""
    return _validate_graph(args, "pyshacl")


# ---------------------------------------------------------------------------------------------
# one submission into a large store
# ---------------------------------------------------------------------------------------------


def fill_store(store, data: Path) -> None:
    """Every institution's CSV read and stored as its current version (the real path)."""
    from loaders import institution_resolver, read_portfolio_file
    from pvkg.portfolios import store_portfolio

    resolve = institution_resolver(store)  # as `pvkg load`: known names get their canonical label
    for path in sorted((data / "csv").glob("*.csv")):
        store_portfolio(
            store, read_portfolio_file(path, resolve_institution=resolve), submitter="bench"
        )


@job
def submission(args: dict[str, Any]) -> dict[str, Any]:
    """Read + validate (incremental, against the store) + store a 100-service portfolio into a
    store already holding N services; repeated (each repetition is a new version)."""
    from loaders import read_portfolio_file
    from pvkg.bootstrap import prepare
    from pvkg.portfolios import store_portfolio
    from pvkg.store import LocalStore
    from pvkg.validation import report_registry_triples, validate_portfolios

    data = Path(args["data"])
    settings = _settings()
    t0 = time.perf_counter()
    store = LocalStore(Path(args["store"]) if args.get("store") else None)
    prepare(store, settings)
    if not args.get("filled"):
        fill_store(store, data)
    setup = time.perf_counter() - t0
    expected = load_expected(data)["submission"]["results"]
    times, validate_t, store_t, cpu, problems = [], [], [], 0.0, []
    path = data / "submission.csv"
    for i in range(int(args.get("repeats", 15))):
        c0, t_start = time.process_time(), time.perf_counter()
        loaded = read_portfolio_file(path)
        loaded.sha256 += f"-{i}-{time.time_ns()}"
        report = validate_portfolios([loaded], store=store, settings=settings)
        t_mid = time.perf_counter()
        store_portfolio(
            store,
            loaded,
            submitter="bench",
            extra_graphs={"{version}/validation": report.ntriples()},  # as submit_portfolio
            extra_registry=report_registry_triples(report),
        )
        t_end = time.perf_counter()
        cpu += time.process_time() - c0
        times.append(t_end - t_start)
        validate_t.append(t_mid - t_start)
        store_t.append(t_end - t_mid)
        ok, detail = compare_results(report_pairs(report), expected)
        if not ok:
            problems.append(detail)
    services = _count_services(store)
    store.close()
    return {
        "times": times,
        "cpu": cpu,
        "ok": not problems,
        "detail": problems[0] if problems else f"{services} services in the store after",
        "setup_s": setup,
        "read_validate_p50": statistics.median(validate_t),
        "store_p50": statistics.median(store_t),
    }


# ---------------------------------------------------------------------------------------------
# curated queries, embedded
# ---------------------------------------------------------------------------------------------


def curated_texts() -> dict[str, str]:
    """Every curated query with its default parameters bound: the same text for every engine."""
    from pvkg.curated import list_queries
    from pvkg.store._bindings import bind_values

    texts = {}
    for query in list_queries(_settings().queries_dir):
        bindings = query.bindings({})
        texts[query.name] = bind_values(query.sparql, bindings) if bindings else query.sparql
    return texts


@job
def build_store(args: dict[str, Any]) -> dict[str, Any]:
    """Set-up for the query scenarios: an on-disk pvkg store filled the real way (each portfolio
    read, validated against the store and stored with its report), and its N-Quads dump."""
    from loaders import institution_resolver, read_portfolio_file
    from pvkg.bootstrap import prepare
    from pvkg.portfolios import store_portfolio
    from pvkg.store import LocalStore
    from pvkg.validation import report_registry_triples, validate_portfolios

    data = Path(args["data"])
    settings = _settings()
    store = LocalStore(Path(args["store"]))
    prepare(store, settings)

    def run() -> int:
        n = 0
        resolve = institution_resolver(store)  # as `pvkg load`
        for path in sorted((data / "csv").glob("*.csv")):
            loaded = read_portfolio_file(path, resolve_institution=resolve)
            report = validate_portfolios([loaded], store=store, settings=settings)
            store_portfolio(
                store,
                loaded,
                submitter="bench",
                extra_graphs={"{version}/validation": report.ntriples()},  # as submit_portfolio
                extra_registry=report_registry_triples(report),
            )
            n += loaded.triple_count
        return n

    wall, cpu, triples = _timed(run)
    Path(args["dump"]).write_bytes(store.dump("nq"))
    Path(args["view"]).write_bytes(store.serialize_graph(None, "nt"))
    services = _count_services(store)
    store.close()
    expected = load_expected(data)
    return {
        "times": [wall],
        "cpu": cpu,
        "ok": services == expected["services"],
        "detail": f"{services} services; read+validate+store of every file",
        "triples_per_s": triples / wall,
    }


def _query_rounds(run: Callable[[str], int], texts: dict[str, str], repeats: int) -> dict:
    per: dict[str, list[float]] = {name: [] for name in texts}
    rows: dict[str, int] = {}
    run(texts[next(iter(texts))])  # warm up
    for _ in range(repeats):
        for name, text in texts.items():
            t0 = time.perf_counter()
            rows[name] = run(text)
            per[name].append(time.perf_counter() - t0)
    return {"queries": {n: {"times": t, "rows": rows[n]} for n, t in per.items()}}


@job
def queries_embedded(args: dict[str, Any]) -> dict[str, Any]:
    """pvkg.curated.run_curated on the embedded store (on disk, as ``pvkg serve`` opens it)."""
    from pvkg.curated import list_queries, run_curated
    from pvkg.store import LocalStore

    store = LocalStore(Path(args["store"]))
    queries = {q.name: q for q in list_queries(_settings().queries_dir)}
    c0 = time.process_time()
    out = _query_rounds(
        lambda name: len(run_curated(store, queries[name], {}).rows),
        {n: n for n in queries},
        int(args.get("repeats", 5)),
    )
    store.close()
    out.update(times=[], cpu=time.process_time() - c0, ok=True, detail="")
    return out


@job
def queries_pyoxigraph(args: dict[str, Any]) -> dict[str, Any]:
    """Raw pyoxigraph: Store.query on the same data (on disk, or in memory from the dump)."""
    import pyoxigraph as ox

    if args.get("memory"):
        store = ox.Store()
        store.bulk_load(path=args["dump"], format=ox.RdfFormat.N_QUADS)
    else:
        store = ox.Store(args["store"])
    c0 = time.process_time()
    out = _query_rounds(
        lambda text: sum(1 for _ in store.query(text)), curated_texts(), int(args.get("repeats", 5))
    )
    out.update(times=[], cpu=time.process_time() - c0, ok=True, detail="")
    return out


def _vmhwm_mib() -> float | None:
    """This process's peak RSS (VmHWM): unlike ``ru_maxrss`` it restarts at ``exec``, so it
    does not include the memory of the parent the job was forked from."""
    status = Path("/proc/self/status")
    if not status.is_file():
        return None
    for line in status.read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return None


def main() -> int:
    name, raw_args, out = sys.argv[1], sys.argv[2], sys.argv[3]
    result = JOBS[name](json.loads(raw_args))
    result["vmhwm_mib"] = _vmhwm_mib()
    Path(out).write_text(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
