"""Write ``bench/RESULTS.md`` and ``bench/charts/*.png`` from ``bench/results/results.json``.

``python -m bench.report`` rewrites them without running anything.
"""

from __future__ import annotations

import json
import statistics
import sys
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
FIVE = [
    "services_without_manager",
    "institutions_without_portfolio_manager",
    "manager_load",
    "services_by_type",
    "ministries_with_services",
]
ANCHORS = {
    "pyshacl": {"1k": "25 s", "10k": "136 s", "50k": "> 600 s (killed)", "200k": "not run"},
    "sparql": {"1k": "0.10 s", "10k": "1.0 s", "50k": "5.2 s", "200k": "21.7 s"},
}


def _times(runs: list[dict]) -> list[float]:
    return [t for r in runs for t in (r.get("times") or [])]


def _fmt_s(value: float | None) -> str:
    if value is None:
        return "–"
    if value < 1:
        return f"{value * 1000:.0f} ms"
    return f"{value:.2f} s" if value < 100 else f"{value:.0f} s"


def _summary(runs: list[dict]) -> dict[str, Any]:
    times = _times(runs)
    capped = any(r.get("capped") for r in runs)
    oks = [r.get("ok") for r in runs if r.get("ok") is not None]
    return {
        "median": statistics.median(times) if times else None,
        "min": min(times) if times else None,
        "max": max(times) if times else None,
        "n": len(times),
        "capped": capped,
        "cap": runs[0].get("cap_s") if runs else None,
        "ok": all(oks) if oks else None,
        "rss": max((r.get("vmhwm_mib") or r.get("peak_rss_mib", 0) for r in runs), default=None),
        "cpu": statistics.median(cpus)
        if (cpus := [r["cpu"] for r in runs if "cpu" in r])
        else None,
        "tps": statistics.median([r["triples_per_s"] for r in runs if "triples_per_s" in r])
        if any("triples_per_s" in r for r in runs)
        else None,
        "detail": next((str(r.get("detail")) for r in runs if not r.get("ok")), ""),
    }


def _cell(s: dict[str, Any], tps: bool = False) -> str:
    if s["capped"] and s["median"] is None:
        return f"> {s['cap']:g} s (killed)"
    if s["median"] is None:
        return "failed" if s["ok"] is False else "–"
    text = f"{_fmt_s(s['median'])}"
    if s["n"] > 1:
        text += f" ({_fmt_s(s['min'])}–{_fmt_s(s['max'])})"
    if s["cpu"] is not None:
        text += f", CPU {_fmt_s(s['cpu'])}"
    if tps and s["tps"]:
        text += f", {s['tps'] / 1000:.0f}k triples/s"
    if s["rss"]:
        text += f", {s['rss']:.0f} MiB"
    if s["ok"] is False:
        text += " **WRONG**"
    return text


def _ok(value: bool | None) -> str:
    return {True: "met", False: "**not met**", None: "not measured"}[value]


def _query_p50(size: dict, engine: str) -> dict[str, float]:
    q = size.get("queries") or {}
    if engine in (q.get("http") or {}):
        return {
            n: statistics.median(v["times"]) for n, v in q["http"][engine].items() if v["times"]
        }
    runs = (q.get("embedded") or {}).get(engine) or []
    per: dict[str, list[float]] = {}
    for r in runs:
        for n, v in (r.get("queries") or {}).items():
            per.setdefault(n, []).extend(v["times"])
    return {n: statistics.median(t) for n, t in per.items() if t}


def _query_rows(size: dict, engine: str) -> dict[str, int | None]:
    q = size.get("queries") or {}
    if engine in (q.get("http") or {}):
        return {n: v.get("rows") for n, v in q["http"][engine].items()}
    runs = (q.get("embedded") or {}).get(engine) or []
    rows: dict[str, int | None] = {}
    for r in runs:
        for n, v in (r.get("queries") or {}).items():
            rows[n] = v.get("rows")
    return rows


def query_engines(size: dict) -> list[str]:
    q = size.get("queries") or {}
    return list((q.get("embedded") or {}).keys()) + list((q.get("http") or {}).keys())


def query_checks(size: dict) -> dict[str, dict[str, bool]]:
    """Per query and engine: rows agree with the reference (raw pyoxigraph on disk) and with
    the generator's expected count where it implies one."""
    q = size.get("queries") or {}
    expected = q.get("expected") or {}
    engines = query_engines(size)
    reference = _query_rows(size, "pyoxigraph raw (disk)")
    texts = q.get("texts") or {}
    out: dict[str, dict[str, bool]] = {}
    for engine in engines:
        rows = _query_rows(size, engine)
        for name, ref in reference.items():
            if engine == "rdflib-endpoint" and "GRAPH " in texts.get(name, ""):
                continue  # it serves the default graph only: named-graph queries not comparable
            want = expected.get(name, ref)
            got = rows.get(name)
            if got is None:
                continue
            out.setdefault(name, {})[engine] = got == ref == want
    return out


def all_ok(results: dict, labels: list[str] | None = None) -> bool:
    for label, size in results.get("sizes", {}).items():
        if labels and label not in labels:
            continue
        for scenario in ("load", "validate"):
            for runs in (size.get(scenario) or {}).values():
                if any(r.get("ok") is False for r in runs):
                    return False
        if (size.get("submission") or {}).get("ok") is False:
            return False
        for per in query_checks(size).values():
            if not all(per.values()):
                return False
    return True


# ---------------------------------------------------------------------------------------------
# charts
# ---------------------------------------------------------------------------------------------


def _chart(
    path: Path,
    title: str,
    ylabel: str,
    series: dict[str, list[tuple[int, float]]],
    log: bool = True,
) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4.2))
    for name, points in series.items():
        points = sorted(p for p in points if p[1] is not None)
        if not points:
            continue
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        if name.startswith("anchor"):
            style = ":" if "SPARQL" in name else "--"
            ax.plot(xs, ys, linestyle=style, color="gray", marker="x", label=name)
        elif name.endswith("killed at cap"):
            ax.plot(xs, ys, linestyle="none", marker="^", markersize=10, label=name)
        else:
            ax.plot(xs, ys, marker="o", label=name)
    ax.set_xscale("log")
    if log:
        ax.set_yscale("log")
    ax.set_xlabel("services")
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=7)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)


def charts(results: dict, out: Path) -> list[tuple[str, str]]:
    sizes = results.get("sizes", {})
    made: list[tuple[str, str]] = []

    def per_engine(scenario: str, key: str) -> dict[str, list[tuple[int, float]]]:
        series: dict[str, list[tuple[int, float]]] = {}
        for size in sizes.values():
            for engine, runs in (size.get(scenario) or {}).items():
                s = _summary(runs)
                if s[key] is not None:
                    series.setdefault(engine, []).append((size["services"], s[key]))
                elif key == "median" and s["capped"]:
                    series.setdefault(f"{engine}: killed at cap", []).append(
                        (size["services"], s["cap"])
                    )
        if scenario == "validate" and key == "median":
            n = {"1k": 1_000, "10k": 10_000, "50k": 50_000, "200k": 200_000}
            series["anchor: pyshacl (ANCHORS.md)"] = [(1_000, 25.0), (10_000, 136.0)]
            series["anchor: 33 SPARQL queries on pyoxigraph (ANCHORS.md)"] = [
                (n[k], float(v.split()[0])) for k, v in ANCHORS["sparql"].items()
            ]
        return series

    for scenario, title in (("load", "Loading"), ("validate", "Whole-graph validation")):
        if any(scenario in s for s in sizes.values()):
            _chart(
                out / f"{scenario}_time.png",
                f"{title}: time (median)",
                "seconds",
                per_engine(scenario, "median"),
            )
            _chart(
                out / f"{scenario}_rss.png",
                f"{title}: peak RSS of the job process",
                "MiB",
                per_engine(scenario, "rss"),
            )
            made += [
                (f"{title}: time", f"charts/{scenario}_time.png"),
                (f"{title}: memory", f"charts/{scenario}_rss.png"),
            ]
    sub = {"submission p50": [], "read+validate p50": [], "store p50": []}
    sub_rss = {"submission job peak RSS": []}
    for size in sizes.values():
        s = size.get("submission")
        if s and s.get("times"):
            n = size["services"]
            sub["submission p50"].append((n, statistics.median(s["times"])))
            sub["read+validate p50"].append((n, s.get("read_validate_p50")))
            sub["store p50"].append((n, s.get("store_p50")))
            sub_rss["submission job peak RSS"].append((n, s.get("vmhwm_mib") or s["peak_rss_mib"]))
    if sub["submission p50"]:
        _chart(
            out / "submission_time.png",
            "One 100-service submission into N services",
            "seconds",
            sub,
        )
        _chart(
            out / "submission_rss.png",
            "Submission: peak RSS (store of N + submissions)",
            "MiB",
            sub_rss,
        )
        made += [
            ("Submission: time", "charts/submission_time.png"),
            ("Submission: memory", "charts/submission_rss.png"),
        ]
    q_series: dict[str, list[tuple[int, float]]] = {}
    rss_series: dict[str, list[tuple[int, float]]] = {}
    tp_series: dict[str, list[tuple[int, float]]] = {}
    for size in sizes.values():
        n = size["services"]
        for engine in query_engines(size):
            p50 = _query_p50(size, engine)
            if p50:
                q_series.setdefault(engine, []).append((n, statistics.median(p50.values())))
        q = size.get("queries") or {}
        for name, m in (q.get("rss_after_load") or q.get("rss_after_queries") or {}).items():
            rss_series.setdefault(f"{name} server peak RSS", []).append((n, m["peak_rss_mib"]))
        for name, rounds in (q.get("throughput") or {}).items():
            tp_series.setdefault(name, []).append((n, statistics.median(r["rps"] for r in rounds)))
    if q_series:
        _chart(
            out / "queries_time.png",
            "Curated queries: median of the per-query p50",
            "seconds",
            q_series,
        )
        made.append(("Curated queries: time", "charts/queries_time.png"))
    if rss_series:
        _chart(out / "server_rss.png", "Servers: peak RSS while serving", "MiB", rss_series)
        made.append(("Servers: memory", "charts/server_rss.png"))
    if tp_series:
        _chart(
            out / "throughput.png",
            "Small SELECT throughput (wrk, loopback)",
            "requests/s",
            tp_series,
        )
        made.append(("Throughput", "charts/throughput.png"))
    return made


# ---------------------------------------------------------------------------------------------
# RESULTS.md
# ---------------------------------------------------------------------------------------------


def _targets(results: dict) -> list[str]:
    sizes = results.get("sizes", {})
    big = "50k" if "50k" in sizes else (list(sizes)[-1] if sizes else None)
    s50 = sizes.get(big, {}) if big else {}
    lines = [
        f"| issue | target | measured (at {big}) | status |",
        "|---|---|---|---|",
    ]
    # issue 4
    x = next((s["xlsx_1000"] for s in sizes.values() if s.get("xlsx_1000")), None)
    if x and x.get("times"):
        p50 = statistics.median(x["times"])
        lines.append(
            f"| 4 | one 1,000-service XLSX parsed + stored ≤ 1 s | p50 {_fmt_s(p50)} "
            f"({_fmt_s(min(x['times']))}–{_fmt_s(max(x['times']))}) | {_ok(p50 <= 1 and x['ok'])} |"
        )
    load = (s50.get("load") or {}).get("pvkg loaders+store (CSV)")
    if load:
        s = _summary(load)
        turtle = _summary((s50.get("load") or {}).get("pvkg store.load_data (Turtle)", []))
        tps = s["tps"] or 0
        cli = _summary(
            (s50.get("load") or {}).get("pvkg load (CLI: validate + store, on disk)", [])
        )
        cli_text = (
            f"; `pvkg load` with validation, on disk {(cli['tps'] or 0) / 1000:.0f}k triples/s"
        )
        lines.append(
            f"| 4 | bulk load of 50k services ≥ 150k triples/s end to end | loaders+store "
            f"{tps / 1000:.0f}k triples/s{cli_text if cli['tps'] else ''}; store.load_data of "
            f"the Turtle {(turtle['tps'] or 0) / 1000:.0f}k triples/s | "
            f"{_ok(tps >= 150_000 and s['ok'])} |"
        )
    val = s50.get("validate") or {}
    if val.get("pvkg fast (validate_store)"):
        s = _summary(val["pvkg fast (validate_store)"])
        ps = val.get("pyshacl (validate_graph engine=pyshacl)")
        ps_text = _cell(_summary(ps)) if ps else s50.get("pyshacl_skipped", "not run")
        lines.append(
            f"| 5 | whole-graph policy validation of 50k ≤ 8 s | {_cell(s)}; pyshacl here: "
            f"{ps_text}; anchors: pyshacl > 600 s, plain SPARQL on pyoxigraph 5.2 s | "
            f"{_ok(s['median'] is not None and s['median'] <= 8 and s['ok'])} |"
        )
    sub = s50.get("submission")
    if sub and sub.get("times"):
        p50 = statistics.median(sub["times"])
        lines.append(
            f"| 5 | submission (validate + store 100 services into 50k) p50 ≤ 300 ms | p50 "
            f"{_fmt_s(p50)} ({_fmt_s(min(sub['times']))}–{_fmt_s(max(sub['times']))}; "
            f"read+validate {_fmt_s(sub.get('read_validate_p50'))}, store "
            f"{_fmt_s(sub.get('store_p50'))}) | {_ok(p50 <= 0.3 and sub['ok'])} |"
        )
    q = s50.get("queries") or {}
    if q.get("http"):
        raw = _query_p50(s50, "pyoxigraph raw (disk)")
        raw_mem = _query_p50(s50, "pyoxigraph raw (memory)")
        for endpoint in ("pvkg /queries", "pvkg /sparql"):
            http = _query_p50(s50, endpoint)
            if not http:
                continue
            ratios = [http[n] / raw[n] for n in FIVE if n in http and n in raw and raw[n] > 0]
            ratios_mem = [http[n] / raw_mem[n] for n in FIVE if n in http and n in raw_mem]
            if ratios:
                lines.append(
                    f"| 6 | five analyst queries through HTTP ≤ 1.2× raw pyoxigraph | "
                    f"{endpoint}: {min(ratios):.2f}×–{max(ratios):.2f}× raw on disk "
                    f"({min(ratios_mem):.2f}×–{max(ratios_mem):.2f}× raw in memory) | "
                    f"{_ok(max(ratios) <= 1.2)} |"
                )
        tp = q.get("throughput") or {}
        # Judged on distinct query texts (no answer cache can help) when measured; the same
        # text repeated is shown too.
        for suffix, what in (
            (" (distinct texts)", "one-pattern lookup, every request a different query text"),
            ("", "one-pattern lookup, one query text"),
            (" join (distinct texts)", "two-pattern join, every request a different text"),
        ):
            mine, theirs = tp.get(f"pvkg{suffix}"), tp.get(f"oxigraph{suffix}")
            if not (mine and theirs):
                continue
            a = statistics.median(r["rps"] for r in mine)
            b = statistics.median(r["rps"] for r in theirs)
            lines.append(
                f"| 6 | small-SELECT throughput ≥ 50 % of Oxigraph server ({what}) | "
                f"pvkg {a:.0f} req/s, Oxigraph {b:.0f} req/s: {100 * a / b:.1f} % | "
                f"{_ok(a >= 0.5 * b)} |"
            )
        rss = (q.get("rss_after_load") or {}).get("pvkg")
        if rss:
            total = rss["peak_rss_mib"]
            lines.append(
                f"| 6 | RSS serving 50k services ≤ 1 GiB | pvkg server peak {total:.0f} MiB "
                f"(now {rss['rss_mib']:.0f} MiB + {rss['children_rss_mib']:.0f} MiB in query "
                f"children) | {_ok(total <= 1024)} |"
            )
        emb = _query_p50(s50, "pvkg embedded (run_curated, disk)")
        if emb:
            worst = max(emb, key=emb.get)
            over = sorted(n for n, t in emb.items() if t > 0.2)
            lines.append(
                f"| 7 | every curated query p50 ≤ 200 ms at 50k (embedded) | slowest "
                f"{worst} {_fmt_s(emb[worst])}; over 200 ms: {', '.join(over) or 'none'} | "
                f"{_ok(not over)} |"
            )
        comp = q.get("compliance") or {}
        if comp.get("built"):
            p50 = statistics.median(comp["times"])
            lines.append(
                f"| 7 | /compliance dashboard for 1,000 institutions ≤ 1 s | p50 {_fmt_s(p50)} "
                f"(HTTP {comp['status']}) | {_ok(p50 <= 1 and comp['status'] == 200)} |"
            )
        else:
            lines.append(
                "| 7 | /compliance dashboard ≤ 1 s | no `/compliance` route | not built yet |"
            )
    return lines


def _scenario_table(results: dict, scenario: str, tps: bool = False) -> list[str]:
    sizes = results.get("sizes", {})
    labels = [lbl for lbl, s in sizes.items() if s.get(scenario)]
    if not labels:
        return []
    engines: list[str] = []
    for lbl in labels:
        for e in sizes[lbl][scenario]:
            if e not in engines:
                engines.append(e)
    lines = ["| engine | " + " | ".join(labels) + " |", "|---|" + "---|" * len(labels)]
    for e in engines:
        cells = []
        for lbl in labels:
            runs = sizes[lbl][scenario].get(e)
            if runs:
                cells.append(_cell(_summary(runs), tps))
            elif scenario == "validate" and "pyshacl" in e:
                cells.append(sizes[lbl].get("pyshacl_skipped", "–"))
            else:
                cells.append("–")
        lines.append(f"| {e} | " + " | ".join(cells) + " |")
    # ratios to the first pvkg engine, same run
    base = engines[0]
    lines.append("")
    lines.append(f"Ratios (median / median of *{base}*, same run):")
    lines.append("")
    lines.append("| engine | " + " | ".join(labels) + " |")
    lines.append("|---|" + "---|" * len(labels))
    for e in engines[1:]:
        cells = []
        for lbl in labels:
            a = _summary(sizes[lbl][scenario].get(base, []))["median"]
            runs = sizes[lbl][scenario].get(e)
            b = _summary(runs)["median"] if runs else None
            cells.append(f"{b / a:.2f}×" if a and b else "–")
        lines.append(f"| {e} | " + " | ".join(cells) + " |")
    return lines


def _query_tables(results: dict) -> list[str]:
    lines: list[str] = []
    for label, size in results.get("sizes", {}).items():
        if not (size.get("queries") or {}).get("embedded"):
            continue
        engines = query_engines(size)
        p50s = {e: _query_p50(size, e) for e in engines}
        rows = {e: _query_rows(size, e) for e in engines}
        checks = query_checks(size)
        names = sorted(p50s.get("pyoxigraph raw (disk)") or next(iter(p50s.values()), {}))
        lines += [f"#### {label} ({size['services']} services)", ""]
        short = [
            e.replace("pyoxigraph raw", "raw ox").replace("(run_curated, disk)", "")
            for e in engines
        ]
        lines.append("| query (rows) | " + " | ".join(short) + " | answers agree |")
        lines.append("|---|" + "---|" * (len(engines) + 1))
        http = (size.get("queries") or {}).get("http") or {}
        for name in names:
            cells = []
            for e in engines:
                t = p50s[e].get(name)
                err = (http.get(e) or {}).get(name, {}).get("error")
                cells.append(_fmt_s(t) if t is not None else (err or "–")[:40])
            agree = checks.get(name, {})
            bad = [e for e, ok in agree.items() if not ok]
            verdict = "yes" if agree and not bad else ("**no**: " + ", ".join(bad) if bad else "–")
            if "rdflib-endpoint" in engines and "rdflib-endpoint" not in agree:
                verdict += " (rdflib-endpoint: n/a, no named graphs)"
            ref = rows.get("pyoxigraph raw (disk)", {}).get(name)
            lines.append(f"| {name} ({ref}) | " + " | ".join(cells) + f" | {verdict} |")
        lines.append("")
        q = size["queries"]
        if q.get("throughput"):
            parts = []
            for name, rounds in q["throughput"].items():
                rps = [r["rps"] for r in rounds]
                errs = sum(r["errors"] for r in rounds)
                parts.append(
                    f"{name} {statistics.median(rps):.0f} req/s ({min(rps):.0f}–{max(rps):.0f}, "
                    f"{errs} errors)"
                )
            lines.append(
                f"Small SELECT throughput ({q.get('load_generator')}, "
                f"{results['settings'].get('connections')} connections, "
                f"{results['settings'].get('throughput_seconds')} s × "
                f"{results['settings'].get('throughput_rounds')} rounds, alternating): "
                + "; ".join(parts)
                + "."
            )
            lines.append("")
        if q.get("rss_after_load"):
            parts = [
                f"{n}: peak {m['peak_rss_mib']:.0f} MiB (children {m['children_rss_mib']:.0f} MiB)"
                for n, m in q["rss_after_load"].items()
            ]
            lines.append("Server memory after queries and load: " + "; ".join(parts) + ".")
            lines.append("")
        if q.get("server_start_s"):
            lines.append(
                "Server start (until the first answer): "
                + ", ".join(f"{n} {_fmt_s(t)}" for n, t in q["server_start_s"].items())
                + "."
            )
            lines.append("")
        if q.get("build_store"):
            b = q["build_store"]
            lines.append(
                f"Store set-up, the real way (read + incremental validate + store of every "
                f"portfolio, on disk): {_fmt_s((b.get('times') or [None])[0])}, "
                f"{(b.get('triples_per_s') or 0) / 1000:.1f}k triples/s, peak "
                f"{b.get('vmhwm_mib') or b['peak_rss_mib']:.0f} MiB, ok={b.get('ok')}."
            )
            lines.append("")
    return lines


def _measured_at(results: dict[str, Any]) -> list[str]:
    """When each size's scenarios ran, where runs of different scenarios were combined."""
    lines = []
    for label, size in results.get("sizes", {}).items():
        when = size.get("measured_at") or {}
        if len(set(when.values())) > 1:
            parts = "; ".join(f"{k}: {v}" for k, v in sorted(when.items()))
            lines.append(f"* {label} combines runs: {parts}")
    return lines


def write(results: dict, report: Path, chart_dir: Path, notes: Path | None = None) -> None:
    made = charts(results, chart_dir)
    m = results.get("machine", {})
    v = m.get("versions", {})
    lines = [
        "# pvkg benchmark results",
        "",
        "Written by `python -m bench` (see [README.md](README.md)); do not edit by hand — "
        "findings and notes live in [NOTES.md](NOTES.md) and are copied below.",
        "",
        f"* Date: {m.get('date')}; pvkg commit {m.get('commit')}",
        f"* Machine: {m.get('nproc')} cores ({m.get('cpu')}), {m.get('ram_gib')} GiB RAM, "
        f"{m.get('platform')}; shared with other engineers' test runs, so times are noisy",
        f"* Python {m.get('python')}; "
        + ", ".join(f"{k} {' '.join(str(val).split()[:2])}" for k, val in v.items()),
        f"* Command: `python -m bench --sizes {','.join(results.get('sizes', {}))}`"
        f" (repeats {results.get('settings', {}).get('repeats')}, one fewer above 10k; "
        f"pyshacl cap {results.get('settings', {}).get('pyshacl_cap')} s)",
        *_measured_at(results),
        "* Cells: median wall time (min–max over repeats), median CPU time of the measured "
        "operation, peak RSS of the job's own process "
        "(VmHWM). **WRONG** marks an answer that differs from the generator's expected "
        "results (a fast wrong answer is a failure).",
        "",
        "## Targets of the other issues",
        "",
        *_targets(results),
        "",
        "## Loading",
        "",
        "pvkg reads each institution's file with its loaders and stores it as a version "
        "(`store_portfolio`, in memory); the anchors parse one Turtle file of the same triples.",
        "",
        *_scenario_table(results, "load", tps=True),
        "",
        "## Whole-graph validation",
        "",
        "Same shapes (`shapes/policy-shapes*.ttl`), same reference context; every engine's "
        "results compared with the injected violations (rule, focus node).",
        "",
        *_scenario_table(results, "validate"),
        "",
        "Anchors (ANCHORS.md, same machine type): pyshacl 25 s / 136 s / > 600 s at "
        "1k / 10k / 50k; the checks as 33 plain SPARQL queries on pyoxigraph 0.10 s / 1.0 s / "
        "5.2 s / 21.7 s at 1k / 10k / 50k / 200k.",
        "",
        "## One submission into a large store",
        "",
        "Read + incremental validation against the store + atomic store (with the report graph "
        "and registry entry) of a 100-service portfolio, into the on-disk store holding N "
        "services; each repetition is a new version.",
        "",
        "| services in store | p50 | min–max | read+validate p50 | store p50 | peak RSS | "
        "results right |",
        "|---|---|---|---|---|---|---|",
    ]
    for label, size in results.get("sizes", {}).items():
        s = size.get("submission")
        if s and s.get("times"):
            t = s["times"]
            lines.append(
                f"| {label} | {_fmt_s(statistics.median(t))} | {_fmt_s(min(t))}–{_fmt_s(max(t))} "
                f"| {_fmt_s(s.get('read_validate_p50'))} | {_fmt_s(s.get('store_p50'))} | "
                f"{s.get('vmhwm_mib') or s['peak_rss_mib']:.0f} MiB | {s.get('ok')} |"
            )
        elif s:
            lines.append(f"| {label} | failed: {str(s.get('detail'))[:200]} | | | | | False |")
    lines += [
        "",
        "## Curated queries (p50 per query) and HTTP",
        "",
        "Same query text everywhere (curated queries with their default parameters bound). "
        "`pvkg /sparql` and `pvkg /queries` run in `pvkg serve` on the on-disk store; the "
        "Oxigraph server holds the same quads (`oxigraph load` of pvkg's dump); rdflib-endpoint "
        "serves the default graph (only up to "
        f"{results.get('settings', {}).get('rdflib_endpoint_max')}). Answers agree = same row "
        "count as raw pyoxigraph and as the generator's expected count where one is implied. "
        "`pvkg serve` runs with its answer cache off (`PVKG_QUERY_CACHE_MB=0`) and each HTTP "
        "`/sparql` repetition ends in a different comment, so every request is computed.",
        "",
        *_query_tables(results),
    ]
    if made:
        lines += ["## Charts", ""]
        lines += [f"* [{title}]({path})" for title, path in made]
        lines.append("")
    notes = notes or (BENCH / "NOTES.md")
    if notes.is_file():
        lines += ["## Findings and notes", "", notes.read_text(encoding="utf-8").strip(), ""]
    report.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> int:
    path = BENCH / "results" / "results.json"
    results = json.loads(path.read_text())
    write(results, BENCH / "RESULTS.md", BENCH / "charts")
    return 0


if __name__ == "__main__":
    sys.exit(main())
