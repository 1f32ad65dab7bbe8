"""``python -m bench --sizes 1k,10k,50k``: every scenario, pvkg and the anchors, on the same data.

Scenarios (``--scenarios``, comma-separated; default all):

* ``load``: pvkg loaders + store (CSV, XLSX), pvkg ``store.load_data`` (Turtle) vs rdflib parse
  vs pyoxigraph ``bulk_load``; plus issue 4's single 1,000-service XLSX;
* ``validate``: pvkg fast engine (``validate_store``, ``validate_graph``) vs pyshacl (capped);
* ``queries``: the curated queries embedded (``run_curated``), raw pyoxigraph (disk, memory),
  and through HTTP: pvkg ``/queries/{name}`` and ``/sparql`` vs Oxigraph server vs
  rdflib-endpoint; small-SELECT throughput under ``wrk``; server RSS; ``/compliance``;
* ``submission``: validate + store one 100-service portfolio into the store holding N services.

Engines alternate within each scenario and every measured job runs in its own process
(``bench.runner``). Every answer is checked against the generator's expected results.
Results accumulate in ``bench/results/results.json``; ``bench/RESULTS.md`` and
``bench/charts/*.png`` are rewritten at the end (``python -m bench.report`` redoes only that).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

from bench import portfolio_gen
from bench.runner import ROOT, run_job

BENCH = ROOT / "bench"
RESULTS_JSON = BENCH / "results" / "results.json"
# what one scenario leaves in a size's results (kept when a later run skips that scenario)
SCENARIO_KEYS = ("load", "xlsx_1000", "validate", "pyshacl_skipped", "queries", "submission")
SCENARIOS = ("load", "validate", "queries", "submission")
SMALL_SELECT = (
    "SELECT ?name WHERE { <https://pvkg.lv/id/institution/finansu-ministrija> "
    "<http://www.w3.org/2004/02/skos/core#prefLabel> ?name }"
)
SMALL_JOIN = (
    'SELECT ?name WHERE { ?i <http://purl.org/dc/terms/identifier> "finansu-ministrija" ; '
    "<http://www.w3.org/2004/02/skos/core#prefLabel> ?name }"
)
JSON_RESULTS = "application/sparql-results+json"


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def label_size(label: str) -> int:
    return portfolio_gen.SIZES.get(label) or int(label)


def alternate(
    engines: list[tuple[str, str, dict]],
    repeats: int,
    caps: dict[str, float],
    skip: set[str] | None = None,
) -> dict[str, list[dict]]:
    """Run each engine's job ``repeats`` times, engines interleaved (A B C A B C …)."""
    runs: dict[str, list[dict]] = {name: [] for name, _, _ in engines}
    skip = skip or set()
    for round_ in range(repeats):
        for name, job, args in engines:
            if name in skip:
                continue
            if round_ > 0 and runs[name] and runs[name][-1].get("capped"):
                continue  # one capped run is enough
            log(f"  {name} (round {round_ + 1}/{repeats})")
            result = run_job(job, args, cap_s=caps.get(name, caps.get("default", 1800)))
            runs[name].append(result)
            t = result.get("times") or []
            log(
                f"    {t[0] if t else '-'!s:.8} s, "
                f"rss {result['peak_rss_mib']:.0f} MiB, ok={result.get('ok')}"
                + ("" if result.get("ok") else f" {str(result.get('detail'))[:300]}")
            )
    return runs


# ---------------------------------------------------------------------------------------------
# HTTP
# ---------------------------------------------------------------------------------------------


def _rows(response: httpx.Response) -> int:
    return len(response.json()["results"]["bindings"])


def http_queries(
    servers: dict[str, Any], texts: dict[str, str], names_route: bool, repeats: int, cap_s: float
) -> dict[str, dict]:
    """Per query and endpoint: times and row counts, endpoints interleaved per repetition."""
    clients = {name: httpx.Client(timeout=cap_s) for name in servers}
    endpoints: list[tuple[str, str]] = []
    if names_route:
        endpoints.append(("pvkg /queries", "pvkg"))
    endpoints += [("pvkg /sparql", "pvkg"), ("oxigraph server", "oxigraph")]
    if "rdflib-endpoint" in servers:
        endpoints.append(("rdflib-endpoint", "rdflib-endpoint"))
    out: dict[str, dict] = {e: {} for e, _ in endpoints}
    dead: set[str] = set()
    for name, text in texts.items():
        for r in range(repeats):
            order = endpoints if r % 2 == 0 else endpoints[::-1]
            for endpoint, server_name in order:
                server = servers[server_name]
                slot = out[endpoint].setdefault(name, {"times": [], "rows": None, "error": None})
                if server_name in dead or slot.get("capped"):
                    continue
                if server_name == "rdflib-endpoint" and (
                    len(slot["times"]) >= 3 or any(t > 10 for t in slot["times"])
                ):
                    continue  # slow anchor: fewer samples
                if endpoint == "pvkg /queries":
                    url = f"{server.base}/queries/{name}"
                else:  # a different text each time: no cache anywhere can answer it
                    varied = text + f"\n# repetition {r}"
                    url = f"{server.query_url}?query={quote(varied)}"
                t0 = time.perf_counter()
                try:
                    response = clients[server_name].get(url, headers={"Accept": JSON_RESULTS})
                    elapsed = time.perf_counter() - t0
                    if response.status_code != 200:
                        slot["error"] = f"HTTP {response.status_code}: {response.text[:200]}"
                        continue
                    slot["rows"] = _rows(response)
                    slot["times"].append(elapsed)
                except httpx.TimeoutException:
                    slot["capped"] = True
                    slot["error"] = f"> {cap_s:g} s"
                    if server_name == "rdflib-endpoint":
                        dead.add(server_name)  # its event loop is blocked by the query
                except (httpx.HTTPError, ValueError, KeyError) as err:
                    slot["error"] = f"{type(err).__name__}: {err}"
    for client in clients.values():
        client.close()
    return out


# Every request ends the query with a different comment (`# <thread>x<n>`): the same work for
# the engine, but an answer cache keyed on the query text cannot serve it.
DISTINCT_LUA = """
local threads = 0
function setup(thread) thread:set("tid", threads); threads = threads + 1 end
function init(args) n = 0 end
function request()
  n = n + 1
  return wrk.format("GET", wrk.path .. "%20%23%20" .. tid .. "x" .. n)
end
"""


def wrk(url: str, seconds: int, connections: int, distinct: bool = False) -> dict[str, Any]:
    """Requests per second of a GET under wrk (loopback); non-2xx answers counted.

    ``distinct``: every request's query text differs (a comment), so no answer cache helps.
    """
    cmd = [
        "wrk",
        "-t2",
        f"-c{connections}",
        f"-d{seconds}s",
        "--latency",
        "-H",
        f"Accept: {JSON_RESULTS}",
        url,
    ]
    script = None
    if distinct:
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
            f.write(DISTINCT_LUA)
        script = f.name
        cmd[1:1] = ["-s", script]
    try:
        text = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 60).stdout
    finally:
        if script:
            os.unlink(script)
    rps, errors, p50 = 0.0, 0, None
    for line in text.splitlines():
        parts = line.split()
        if line.startswith("Requests/sec:"):
            rps = float(parts[1])
        elif "Non-2xx or 3xx responses" in line:
            errors = int(parts[-1])
        elif line.strip().startswith("50%") and len(parts) >= 2:
            p50 = parts[1]
        elif line.strip().startswith("Socket errors"):
            errors += sum(int(p.rstrip(",")) for p in parts if p.rstrip(",").isdigit())
    return {"rps": rps, "errors": errors, "latency_p50": p50, "raw": text[-600:]}


def python_load(url: str, seconds: int, connections: int, distinct: bool = False) -> dict[str, Any]:
    """A bounded asyncio/httpx load client, when wrk is not installed."""
    import asyncio

    async def main() -> dict[str, Any]:
        done, errors = 0, 0
        deadline = time.perf_counter() + seconds
        async with httpx.AsyncClient(timeout=30) as client:

            async def worker() -> None:
                nonlocal done, errors
                while time.perf_counter() < deadline and done < 1_000_000:
                    target = f"{url}%20%23%20{done}" if distinct else url
                    r = await client.get(target, headers={"Accept": JSON_RESULTS})
                    done += 1
                    errors += r.status_code != 200

            start = time.perf_counter()
            await asyncio.gather(*(worker() for _ in range(connections)))
            return {
                "rps": done / (time.perf_counter() - start),
                "errors": errors,
                "latency_p50": None,
                "raw": "python asyncio client",
            }

    return asyncio.run(main())


def scenario_queries(
    label: str, data: Path, work: Path, args: argparse.Namespace, expected: dict
) -> dict[str, Any]:
    from bench.jobs import curated_texts
    from bench.servers import start_oxigraph, start_pvkg, start_rdflib_endpoint

    out: dict[str, Any] = {}
    store_dir, dump, view = work / "pvkg-store", work / "dump.nq", work / "view.nt"
    if not (store_dir.exists() and dump.is_file()):
        shutil.rmtree(store_dir, ignore_errors=True)
        # the Oxigraph server's store is loaded from the dump: a new dump needs a new one (a kept
        # one answered from the old data and made its answers disagree)
        shutil.rmtree(work / "oxigraph-store", ignore_errors=True)
        log("  building the on-disk pvkg store (read + validate + store every portfolio)")
        out["build_store"] = run_job(
            "build_store",
            {"data": str(data), "store": str(store_dir), "dump": str(dump), "view": str(view)},
        )
        log(f"    {out['build_store']['times']} s, ok={out['build_store'].get('ok')}")
    texts = curated_texts()
    engines = [
        (
            "pvkg embedded (run_curated, disk)",
            "queries_embedded",
            {"store": str(store_dir), "repeats": args.query_repeats},
        ),
        (
            "pyoxigraph raw (disk)",
            "queries_pyoxigraph",
            {"store": str(store_dir), "repeats": args.query_repeats},
        ),
        (
            "pyoxigraph raw (memory)",
            "queries_pyoxigraph",
            {"memory": True, "dump": str(dump), "repeats": args.query_repeats},
        ),
    ]
    out["embedded"] = alternate(engines, args.embedded_rounds, {"default": 1800})
    servers: dict[str, Any] = {}
    try:
        log("  starting servers")
        servers["pvkg"] = start_pvkg(store_dir, work / "pvkg-serve.log")
        servers["oxigraph"] = start_oxigraph(work / "oxigraph-store", dump, work / "oxigraph.log")
        if label_size(label) <= label_size(args.rdflib_endpoint_max):
            try:
                servers["rdflib-endpoint"] = start_rdflib_endpoint(view, work / "rdflib.log")
            except RuntimeError as err:
                out["rdflib_endpoint_error"] = str(err)
        out["server_start_s"] = {n: s.started_s for n, s in servers.items()}
        log(f"    started: {out['server_start_s']}")
        out["rss_idle"] = {n: s.rss_mib() for n, s in servers.items()}
        names_route = httpx.get(f"{servers['pvkg'].base}/queries", timeout=30).status_code == 200
        out["queries_route"] = names_route
        log("  curated queries over HTTP")
        out["http"] = http_queries(servers, texts, names_route, args.http_repeats, args.http_cap)
        out["rss_after_queries"] = {n: s.rss_mib() for n, s in servers.items()}
        # small-SELECT throughput, pvkg and Oxigraph alternating
        log("  small-SELECT throughput")
        load = wrk if shutil.which("wrk") else python_load
        out["load_generator"] = "wrk" if shutil.which("wrk") else "python asyncio/httpx"
        # (key suffix, query, also with one repeated text?): the one-pattern lookup, and a
        # two-pattern join that cannot be answered by a single index lookup
        kinds = [("", SMALL_SELECT, True), (" join", SMALL_JOIN, False)]
        check = {}
        for suffix, text, _ in kinds:
            rows = {}
            for name in ("pvkg", "oxigraph"):
                r = httpx.get(
                    f"{servers[name].query_url}?query={quote(text)}",
                    headers={"Accept": JSON_RESULTS},
                    timeout=30,
                )
                rows[name] = _rows(r) if r.status_code == 200 else -1
            check[f"rows{suffix}"] = rows
            check[f"agree{suffix}"] = rows["pvkg"] == rows["oxigraph"] > 0
        out["throughput_check"] = check
        tp: dict[str, list] = {}
        for _ in range(args.throughput_rounds):
            for suffix, text, repeated in kinds:
                for distinct in (False, True) if repeated else (True,):
                    for name in ("pvkg", "oxigraph"):
                        url = f"{servers[name].query_url}?query={quote(text)}"
                        key = f"{name}{suffix}" + (" (distinct texts)" if distinct else "")
                        r = load(url, args.throughput_seconds, args.connections, distinct)
                        tp.setdefault(key, []).append(r)
                        log(f"    {key}: {r['rps']:.0f} req/s, errors {r['errors']}")
        out["throughput"] = {k: v for k, v in tp.items() if v}
        out["rss_after_load"] = {n: s.rss_mib() for n, s in servers.items()}
        # issue 7's dashboard
        r = httpx.get(
            f"{servers['pvkg'].base}/compliance", headers={"Accept": "text/html"}, timeout=60
        )
        if r.status_code == 404:
            out["compliance"] = {"built": False}
        else:
            times = []
            for _ in range(5):
                t0 = time.perf_counter()
                r = httpx.get(
                    f"{servers['pvkg'].base}/compliance",
                    headers={"Accept": "text/html"},
                    timeout=60,
                )
                times.append(time.perf_counter() - t0)
            out["compliance"] = {
                "built": True,
                "status": r.status_code,
                "times": times,
                "bytes": len(r.content),
            }
    finally:
        for server in servers.values():
            server.stop()
    out["texts"] = {n: t[:4000] for n, t in texts.items()}
    out["expected"] = expected_query_rows(expected)
    return out


def expected_query_rows(expected: dict) -> dict[str, int]:
    """Row counts the generator's choices imply for some curated queries."""
    return {
        "services_without_manager": expected["services_without_manager"],
        "institutions_without_portfolio_manager": expected[
            "institutions_without_portfolio_manager"
        ],
        "ministries_with_services": expected["ministries_with_services"],
        "duplicate_register_ids": expected["counts"].get("C22", 0),
        "compliance_by_institution": expected["institutions"],
    }


# ---------------------------------------------------------------------------------------------
# the run
# ---------------------------------------------------------------------------------------------


def run_size(label: str, args: argparse.Namespace, previous: dict) -> dict[str, Any]:
    n = label_size(label)
    log(f"== {label}: generating data (cached in bench/data/{label})")
    data = portfolio_gen.generate(label, args.data_dir / label)
    expected = json.loads((data / "expected.json").read_text())
    work = data / "work"
    if args.fresh:
        shutil.rmtree(work, ignore_errors=True)
    work.mkdir(exist_ok=True)
    result: dict[str, Any] = {
        "services": n,
        "institutions": expected["institutions"],
        "triples": expected["portfolio_triples"],
        "expected_counts": expected["counts"],
    }
    repeats = args.repeats if n <= 10_000 else max(1, args.repeats - 1)
    d = str(data)
    if "load" in args.scenarios:
        log(f"== {label}: load")
        engines = [
            ("pvkg loaders+store (CSV)", "load_pvkg", {"data": d, "fmt": "csv"}),
            ("pvkg loaders+store (XLSX)", "load_pvkg", {"data": d, "fmt": "xlsx"}),
            ("pvkg load (CLI: validate + store, on disk)", "load_cli", {"data": d}),
            ("pvkg store.load_data (Turtle)", "load_pvkg_turtle", {"data": d}),
            ("rdflib parse (Turtle)", "load_rdflib", {"data": d}),
            ("pyoxigraph bulk_load (Turtle)", "load_pyoxigraph", {"data": d}),
        ]
        result["load"] = alternate(engines, repeats, {"default": args.cap})
    # one file, measured once per invocation (at the first size); scenario "xlsx" runs it alone
    wanted = "load" in args.scenarios or "xlsx" in args.scenarios
    if wanted and args.xlsx_repeats and not previous.get("xlsx_1000_done"):
        result["xlsx_1000"] = run_job("xlsx_1000", {"data": d, "repeats": args.xlsx_repeats})
        previous["xlsx_1000_done"] = True
    if "validate" in args.scenarios:
        log(f"== {label}: whole-graph validation")
        engines = [
            ("pvkg fast (validate_store)", "validate_fast_store", {"data": d}),
            ("pvkg fast (validate_graph)", "validate_fast_graph", {"data": d}),
            ("pyshacl (validate_graph engine=pyshacl)", "validate_pyshacl", {"data": d}),
        ]
        skip = set()
        prev = previous.get("pyshacl")
        if prev and prev["capped"]:
            skip.add(engines[2][0])
            projected = (
                f"> {args.pyshacl_cap:g} s at {prev['n']} services"
                if prev["capped"]
                else f"{prev['time'] * n / prev['n']:.0f} s projected linearly from "
                f"{prev['time']:.0f} s at {prev['n']} services"
            )
            result["pyshacl_skipped"] = f"not run: {projected} (cap {args.pyshacl_cap:g} s)"
        runs = alternate(
            engines, repeats, {"default": args.cap, engines[2][0]: args.pyshacl_cap}, skip
        )
        if skip:
            runs.pop(engines[2][0], None)
        result["validate"] = runs
        ps = runs.get(engines[2][0])
        if ps:
            capped = any(r.get("capped") for r in ps)
            times = [t for r in ps for t in r.get("times", [])]
            previous["pyshacl"] = {
                "n": n,
                "capped": capped,
                "time": statistics.median(times) if times else 0,
            }
    if "queries" in args.scenarios:
        log(f"== {label}: curated queries, HTTP, throughput")
        result["queries"] = scenario_queries(label, data, work, args, expected)
    if "submission" in args.scenarios:
        log(f"== {label}: one submission into the store of {n} services")
        store_dir = work / "pvkg-store"
        filled = store_dir.exists()
        result["submission"] = run_job(
            "submission",
            {
                "data": d,
                "store": str(store_dir if filled else work / "submission-store"),
                "filled": filled,
                "repeats": args.submission_repeats,
            },
        )
        s = result["submission"]
        log(
            f"    p50 {statistics.median(s['times']) if s.get('times') else s.get('detail')}, "
            f"ok={s.get('ok')}"
        )
        # the submissions changed the store: the next query run rebuilds it
        shutil.rmtree(store_dir, ignore_errors=True)
        (work / "dump.nq").unlink(missing_ok=True)
    return result


def machine() -> dict[str, Any]:
    import importlib.metadata as md

    cpu = "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem = 0
    meminfo = Path("/proc/meminfo")
    if meminfo.is_file():
        mem = int(meminfo.read_text().split()[1]) * 1024
    versions = {}
    for package in (
        "pvkg",
        "pyoxigraph",
        "rdflib",
        "pyshacl",
        "fastapi",
        "uvicorn",
        "httpx",
        "openpyxl",
        "rdflib-endpoint",
        "matplotlib",
    ):
        try:
            versions[package] = md.version(package)
        except md.PackageNotFoundError:
            versions[package] = "not installed"
    for tool in ("oxigraph", "wrk"):
        try:
            text = subprocess.run([tool, "--version"], capture_output=True, text=True, timeout=10)
            versions[tool] = (text.stdout or text.stderr).strip().splitlines()[0]
        except (OSError, IndexError, subprocess.TimeoutExpired):
            versions[tool] = "not installed"
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    import os

    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "ram_gib": round(mem / 2**30, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "versions": versions,
        "commit": commit,
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    p.add_argument("--sizes", default="1k,10k,50k", help="comma-separated: 1k,10k,50k,200k")
    p.add_argument("--scenarios", default=",".join(SCENARIOS))
    p.add_argument("--repeats", type=int, default=3, help="runs per engine (one fewer > 10k)")
    p.add_argument("--cap", type=float, default=1800, help="seconds before a job is killed")
    p.add_argument("--pyshacl-cap", type=float, default=300)
    p.add_argument("--query-repeats", type=int, default=3)
    p.add_argument("--http-repeats", type=int, default=5)
    p.add_argument("--http-cap", type=float, default=60)
    p.add_argument(
        "--rdflib-endpoint-max",
        default="10k",
        help="largest size served by rdflib-endpoint (its queries block its loop)",
    )
    p.add_argument("--throughput-seconds", type=int, default=10)
    p.add_argument("--throughput-rounds", type=int, default=2)
    p.add_argument("--connections", type=int, default=8)
    p.add_argument("--submission-repeats", type=int, default=15)
    p.add_argument("--embedded-rounds", type=int, default=2, help="jobs per embedded engine")
    p.add_argument("--xlsx-repeats", type=int, default=5, help="issue 4's 1,000-service XLSX")
    p.add_argument("--data-dir", type=Path, default=portfolio_gen.DATA_DIR)
    p.add_argument("--fresh", action="store_true", help="rebuild the stores of bench/data")
    p.add_argument("--results", type=Path, default=RESULTS_JSON)
    p.add_argument("--report", type=Path, default=BENCH / "RESULTS.md")
    p.add_argument("--charts", type=Path, default=BENCH / "charts")
    args = p.parse_args(argv)
    args.scenarios = [s for s in args.scenarios.split(",") if s]
    args.sizes = [s for s in args.sizes.split(",") if s]
    return args


def main(argv: list[str] | None = None) -> int:
    from bench import report

    args = parse_args(argv)
    results: dict[str, Any] = {}
    if args.results.is_file():
        results = json.loads(args.results.read_text())
    results.setdefault("sizes", {})
    results["machine"] = machine()
    results["settings"] = {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()}
    previous: dict[str, Any] = {}
    for done in results["sizes"].values():  # earlier runs of smaller sizes count too
        ps = (done.get("validate") or {}).get("pyshacl (validate_graph engine=pyshacl)") or []
        if any(r.get("capped") for r in ps) and done["services"] < min(
            label_size(lbl) for lbl in args.sizes
        ):
            previous["pyshacl"] = {"n": done["services"], "capped": True, "time": 0}
    for label in args.sizes:
        started = time.perf_counter()
        fresh = run_size(label, args, previous)
        if fresh.get("xlsx_1000"):  # one file, measured once: the newest measurement counts
            for other in results["sizes"].values():
                other.pop("xlsx_1000", None)
        # scenarios not run this time keep their earlier results (each says when it ran)
        before = results["sizes"].get(label, {})
        kept = {k: v for k, v in before.items() if k in SCENARIO_KEYS}
        when = f"{results['machine']['date']}, pvkg commit {results['machine']['commit']}"
        fresh_at = {k: when for k in fresh if k in SCENARIO_KEYS}
        earlier = {k: before.get("run_at", "an earlier run") for k in kept}
        measured = {**earlier, **before.get("measured_at", {}), **fresh_at}
        results["sizes"][label] = {**kept, **fresh, "measured_at": measured}
        results["sizes"][label]["run_s"] = time.perf_counter() - started
        results["sizes"][label]["run_at"] = f"{results['machine']['date']}, pvkg commit " + str(
            results["machine"]["commit"]
        )
        args.results.parent.mkdir(parents=True, exist_ok=True)
        args.results.write_text(json.dumps(results, ensure_ascii=False, indent=1))
        report.write(results, args.report, args.charts)
        log(f"== {label} done in {time.perf_counter() - started:.0f} s; wrote {args.report}")
    ok = report.all_ok(results, args.sizes)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
