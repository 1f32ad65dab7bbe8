"""Smoke test of the benchmark harness at 200 services (the real runs are by hand).

Runs ``python -m bench`` once on a tiny portfolio set with the cheap anchors (rdflib, pyoxigraph,
pyshacl at 200 services; Oxigraph server and rdflib-endpoint when installed) and checks that the
RESULTS table is written and that every engine's answers were checked against the expected
violations. Must stay well under 60 s.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_generator_expected_results_are_exact() -> None:
    """The generator's expected violations are what it injected: ~2 % per rule, pairs for
    C21/C22, institution rules at least once."""
    from bench.portfolio_gen import build

    insts, expected = build(1000)
    counts = expected["counts"]
    assert sum(len(i.rows) for i in insts) == 1000
    assert len(insts) == 20
    for rule in ("C07", "C08", "C09", "C10"):
        assert counts[rule] == 20, rule  # 1 in 50 services
    assert counts["C02"] == 40  # 20 without a manager, 20 with two
    assert counts["C21"] % 2 == 0 and counts["C21"] > 0
    assert counts["C22"] % 2 == 0 and counts["C22"] > 0
    assert counts["C01"] >= 1 and counts["C12"] >= 1 and counts["C14"] >= 1
    sizes = sorted(len(i.rows) for i in insts)
    assert sizes[-1] > 5 * sizes[0]  # skewed institution sizes


def test_checks_flag_a_wrong_answer() -> None:
    from bench.checks import compare_results

    expected = {"C02": ["urn:a", "urn:b"]}
    assert compare_results([("C02", "urn:a"), ("C02", "urn:b")], expected) == (True, "")
    ok, detail = compare_results([("C02", "urn:a")], expected)
    assert not ok and "C02: 1 found / 2 expected" in detail
    ok, _ = compare_results([("C02", "urn:a"), ("C02", "urn:b"), ("C07", "urn:c")], expected)
    assert not ok


def test_harness_runs_at_200_services(tmp_path: Path) -> None:
    scenarios = "load,validate,submission"
    if shutil.which("oxigraph"):
        scenarios += ",queries"
    cmd = [
        sys.executable, "-m", "bench", "--sizes", "200", "--scenarios", scenarios,
        "--repeats", "1", "--query-repeats", "1", "--http-repeats", "1",
        "--throughput-seconds", "1", "--throughput-rounds", "0", "--connections", "2",
        "--submission-repeats", "2", "--embedded-rounds", "1", "--xlsx-repeats", "0",
        "--rdflib-endpoint-max", "200", "--pyshacl-cap", "30", "--cap", "50",
        "--data-dir", str(tmp_path / "data"), "--results", str(tmp_path / "results.json"),
        "--report", str(tmp_path / "RESULTS.md"), "--charts", str(tmp_path / "charts"),
    ]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=110)
    assert done.returncode == 0, done.stderr[-3000:]
    report = (tmp_path / "RESULTS.md").read_text(encoding="utf-8")
    assert "## Targets of the other issues" in report
    assert "| pvkg fast (validate_store) |" in report
    assert "| pyshacl (validate_graph engine=pyshacl) |" in report
    assert "**WRONG** |" not in report and "**no**" not in report
    results = json.loads((tmp_path / "results.json").read_text())
    size = results["sizes"]["200"]
    # every engine's answer was checked against the expected violations, and was right
    for scenario in ("load", "validate"):
        for engine, runs in size[scenario].items():
            assert runs and all(r["ok"] is True for r in runs), (engine, runs)
    assert size["submission"]["ok"] is True
    assert len(size["submission"]["times"]) == 2
    assert (tmp_path / "charts" / "validate_time.png").is_file()
    if "queries" in scenarios:
        from bench.report import query_checks

        checks = query_checks(size)
        assert checks and all(all(v.values()) for v in checks.values()), checks
