"""The command line as a user runs it: a real process, a real on-disk store."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

DATA = Path(__file__).parent / "registry" / "data"
ROOT = Path(__file__).parent.parent


def pvkg(
    *args: str, store: Path, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PVKG_STORE": str(store), **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "pvkg.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=120,
    )


def test_every_command_has_help(tmp_path: Path) -> None:
    for command in (
        [],
        ["load"],
        ["validate"],
        ["query"],
        ["serve"],
        ["export", "dump"],
        ["check"],
        ["registry", "load"],
    ):
        proc = pvkg(*command, "--help", store=tmp_path / "s", cwd=tmp_path)
        assert proc.returncode == 0, (command, proc.stderr)
        assert "Usage" in proc.stdout


def test_registry_load_then_dump(tmp_path: Path) -> None:
    store = tmp_path / "s"
    proc = pvkg("registry", "load", str(DATA / "institutions_ok.csv"), store=store, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "3 institutions loaded" in proc.stdout
    dump = pvkg("export", "dump", "--format", "nq", store=store, cwd=tmp_path)
    assert dump.returncode == 0, dump.stderr
    assert "Valsts ieņēmumu dienests" in dump.stdout
    assert "https://pvkg.lv/graph/institutions" in dump.stdout


def test_bad_input_exits_2_with_location_and_no_traceback(tmp_path: Path) -> None:
    proc = pvkg(
        "registry", "load", str(DATA / "institutions_bad.csv"), store=tmp_path / "s", cwd=tmp_path
    )
    assert proc.returncode == 2
    assert "institutions_bad.csv:4: column B" in proc.stderr
    assert "Traceback" not in proc.stderr
    missing = pvkg(
        "registry", "load", str(tmp_path / "nope.csv"), store=tmp_path / "s", cwd=tmp_path
    )
    assert missing.returncode == 2 and "nope.csv" in missing.stderr


def test_store_locked_exits_3_with_message(tmp_path: Path) -> None:
    from pvkg.store import LocalStore

    store_dir = tmp_path / "s"
    holder = LocalStore(store_dir)
    try:
        proc = pvkg("export", "dump", store=store_dir, cwd=tmp_path)
    finally:
        holder.close()
    assert proc.returncode == 3
    assert "already open in another process" in proc.stderr


def test_load_then_export_cpsv_and_dcat(tmp_path: Path) -> None:
    store = tmp_path / "s"
    example = Path(__file__).parent / "queries" / "data" / "da_two_violations.csv"
    loaded = pvkg("load", str(example), store=store, cwd=tmp_path)
    assert loaded.returncode == 1, loaded.stderr  # stored, with Violations
    assert "stored as digitala-agentura v1" in loaded.stdout
    cpsv = pvkg("export", "cpsv", "--institution", "digitala-agentura", store=store, cwd=tmp_path)
    assert cpsv.returncode == 0, cpsv.stderr
    assert "cpsv:PublicService" in cpsv.stdout and "DA-009" in cpsv.stdout
    dcat = pvkg("export", "dcat", "--format", "nt", store=store, cwd=tmp_path)
    assert dcat.returncode == 0, dcat.stderr
    assert "<http://www.w3.org/ns/dcat#Catalog>" in dcat.stdout
    bad = pvkg("export", "dcat", "--format", "csv", store=store, cwd=tmp_path)
    assert bad.returncode == 2


def test_dcat_and_cpsv_exports_in_quad_syntaxes_hold_the_same_triples(tmp_path: Path) -> None:
    from rdflib import Dataset, Graph
    from rdflib.compare import isomorphic

    store = tmp_path / "s"
    example = Path(__file__).parent / "queries" / "data" / "da_two_violations.csv"
    assert pvkg("load", str(example), store=store, cwd=tmp_path).returncode == 1
    for kind in ("dcat", "cpsv"):
        turtle = pvkg("export", kind, "--format", "nt", store=store, cwd=tmp_path)
        expected = Graph().parse(data=turtle.stdout, format="nt")
        assert len(expected) > 20
        for fmt, syntax in (("nq", "nquads"), ("trig", "trig")):
            out = tmp_path / f"{kind}.{fmt}"
            proc = pvkg("export", kind, "--format", fmt, "-o", str(out), store=store, cwd=tmp_path)
            assert proc.returncode == 0, proc.stderr
            dataset = Dataset().parse(out, format=syntax)
            assert isomorphic(dataset.default_context, expected), (kind, fmt)


def test_a_whole_cpsv_export_loads_back_unchanged(tmp_path: Path) -> None:
    """INTERFACES §2: ``pvkg export cpsv`` output must load back unchanged, also when it holds
    every institution's portfolio (one ``dcat:Dataset`` each)."""
    from rdflib import Graph
    from rdflib.compare import isomorphic

    loaders_data = Path(__file__).parent / "loaders" / "data"
    first, second = tmp_path / "first", tmp_path / "second"
    files = (loaders_data / "portfolio_ok.csv", loaders_data / "portfolio_cpsv.ttl")
    assert pvkg("load", *map(str, files), store=first, cwd=tmp_path).returncode in (0, 1)
    exported = tmp_path / "all.ttl"
    assert pvkg("export", "cpsv", "-o", str(exported), store=first, cwd=tmp_path).returncode == 0
    loaded = pvkg("load", str(exported), store=second, cwd=tmp_path)
    assert loaded.returncode in (0, 1), loaded.stderr
    assert "all.ttl: stored as digitala-agentura v1" in loaded.stdout
    assert "all.ttl: stored as valsts-kanceleja v1" in loaded.stdout
    again = tmp_path / "again.ttl"
    assert pvkg("export", "cpsv", "-o", str(again), store=second, cwd=tmp_path).returncode == 0
    assert isomorphic(Graph().parse(exported), Graph().parse(again))
    reloaded = pvkg("load", str(exported), store=second, cwd=tmp_path)
    assert reloaded.stdout.count("unchanged, already current") == 2
    checked = pvkg("validate", str(exported), "--format", "json", store=first, cwd=tmp_path)
    assert checked.returncode == 1, checked.stderr  # read (not exit 2), with VK's violations
    institutions = {r["focus"].split("/")[5] for r in json.loads(checked.stdout)["results"]}
    assert institutions == {"valsts-kanceleja"}  # portfolio_ok.csv conforms


def test_a_query_file_may_ask_or_construct(tmp_path: Path) -> None:
    store = tmp_path / "s"
    example = Path(__file__).parent / "queries" / "data" / "da_two_violations.csv"
    assert pvkg("load", str(example), store=store, cwd=tmp_path).returncode == 1
    ask = tmp_path / "ask.rq"
    ask.write_text("ASK { ?s a <http://purl.org/vocab/cpsv#PublicService> }", encoding="utf-8")
    assert pvkg("query", str(ask), store=store, cwd=tmp_path).stdout.strip() == "true"
    answer = pvkg("query", str(ask), "--format", "json", store=store, cwd=tmp_path)
    assert json.loads(answer.stdout) == {"head": {}, "boolean": True}
    construct = tmp_path / "c.rq"
    construct.write_text(
        "CONSTRUCT { ?s <urn:id> ?id } WHERE { ?s <http://purl.org/dc/terms/identifier> ?id . "
        '?s a <http://purl.org/vocab/cpsv#PublicService> FILTER (?id = "DA-009") }',
        encoding="utf-8",
    )
    lines = pvkg("query", str(construct), "--format", "csv", store=store, cwd=tmp_path).stdout
    assert lines.strip().endswith('<urn:id> "DA-009" .'), lines
    broken = tmp_path / "broken.rq"
    broken.write_text("SELECT ?x WHERE { ?x", encoding="utf-8")
    failed = pvkg("query", str(broken), store=store, cwd=tmp_path)
    assert failed.returncode == 2 and f"{broken}: SPARQL syntax error" in failed.stderr


def test_an_output_that_cannot_be_written_is_a_clear_error(tmp_path: Path) -> None:
    example = Path(__file__).parent / "queries" / "data" / "da_two_violations.csv"
    nowhere = tmp_path / "no-such-folder" / "report.json"
    for args in (
        ("validate", str(example), "--format", "json", "-o", str(nowhere)),
        ("export", "dump", "-o", str(nowhere)),
    ):
        proc = pvkg(*args, store=tmp_path / "s", cwd=tmp_path)
        assert proc.returncode == 2, (args, proc.stderr)
        assert f"cannot write {nowhere}" in proc.stderr
        assert "Traceback" not in proc.stderr


def test_reading_a_store_that_does_not_exist_warns_and_creates_nothing(tmp_path: Path) -> None:
    missing = tmp_path / "typo"
    for args in (
        ("query", "services_by_type", "--format", "csv"),
        ("export", "cpsv"),
        ("validate", "--all-stored"),
    ):
        proc = pvkg(*args, store=missing, cwd=tmp_path)
        assert proc.returncode == 0, (args, proc.stderr)
        assert f"there is no store at {missing}" in proc.stderr
    assert not missing.exists()
    assert pvkg("query", "services_by_type", "--format", "csv", store=missing, cwd=tmp_path).stdout
    registry = str(DATA / "institutions_ok.csv")
    created = pvkg("registry", "load", registry, store=missing, cwd=tmp_path)
    assert created.returncode == 0 and missing.is_dir()  # writing commands create the store
    quiet = pvkg("query", "services_by_type", store=missing, cwd=tmp_path)
    assert quiet.returncode == 0 and "no store" not in quiet.stderr


def test_validate_all_stored_sees_what_was_loaded(tmp_path: Path) -> None:
    store = tmp_path / "s"
    example = Path(__file__).parent / "queries" / "data" / "da_two_violations.csv"
    assert pvkg("load", str(example), store=store, cwd=tmp_path).returncode == 1
    proc = pvkg("validate", "--all-stored", "--format", "json", store=store, cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    report = json.loads(proc.stdout)
    assert sorted(r["rule"] for r in report["results"]) == ["C02", "C07"]
    both = pvkg("validate", str(example), "--all-stored", store=store, cwd=tmp_path)
    assert both.returncode == 2 and "not both" in both.stderr


def test_survey_load_reports_rows_and_bad_cells(tmp_path: Path) -> None:
    store = tmp_path / "s"
    demo = ROOT / "reference" / "demo" / "survey-2026-01-reconstructed.csv"
    proc = pvkg("survey", "load", str(demo), store=store, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "199 survey rows loaded" in proc.stdout
    bad = tmp_path / "bad.csv"
    bad.write_text("ministry,question,answer,date\nFM,SQ99,jā,2026-01-05\n", encoding="utf-8")
    proc = pvkg("survey", "load", str(bad), store=store, cwd=tmp_path)
    assert proc.returncode == 2 and "bad.csv:2: column B" in proc.stderr


def test_query_time_limit_stops_an_aggregate_on_the_embedded_store(tmp_path: Path) -> None:
    """An aggregate does all its work in one pyoxigraph call that no row-by-row check stops; the
    CLI still ends at PVKG_QUERY_TIMEOUT (it ran on for minutes before)."""
    heavy = tmp_path / "heavy.rq"
    heavy.write_text(
        "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }", encoding="utf-8"
    )
    started = time.monotonic()
    proc = pvkg(
        "query", str(heavy), store=tmp_path / "s", cwd=tmp_path, env={"PVKG_QUERY_TIMEOUT": "1"}
    )
    took = time.monotonic() - started
    assert proc.returncode == 3, proc.stderr
    assert "heavy.rq" in proc.stderr and "1 s time limit" in proc.stderr
    assert took < 30, took  # start-up plus 1 s and the grace, not the query's minutes
