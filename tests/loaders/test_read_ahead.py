"""Reading ahead in worker processes gives what reading in order gives, errors included."""

from __future__ import annotations

import os
from pathlib import Path

from typer.testing import CliRunner

from loaders.institutions import StoreResolver
from pvkg.cli import app
from pvkg.errors import InputError, RowError
from pvkg.portfolios import list_versions
from pvkg.read_ahead import MIN_FILES, read_files, worker_count
from pvkg.settings import Settings
from pvkg.store import LocalStore


def portfolio_files(folder: Path, count: int) -> list[Path]:
    paths = []
    for index in range(count):
        path = folder / f"iestade{index}.csv"
        path.write_text(
            "institution,inst_service_id,service_name_lv\n"
            f"Iestāde {index},I{index}-1,Pakalpojums {index}\n",
            encoding="utf-8",
        )
        paths.append(path)
    return paths


def test_workers_give_the_files_in_order_with_their_errors(tmp_path: Path) -> None:
    paths = portfolio_files(tmp_path, 6)
    bad = tmp_path / "bad.csv"
    bad.write_text("name;other\nx;y\n", encoding="utf-8")
    paths.insert(3, bad)
    resolver = StoreResolver({"iestāde 1": "pirma"}, {"pirma": "Pirmā iestāde"})
    settings = Settings()
    serial = list(read_files(paths, settings, resolver=resolver, workers=0))
    parallel = list(read_files(paths, settings, resolver=resolver, workers=2))
    assert [p for p, _ in parallel] == paths
    for (_, one), (_, other) in zip(serial, parallel, strict=True):
        if isinstance(one, InputError):
            assert isinstance(other, RowError) and str(other) == str(one)
            assert other.problems[0].location.file == "bad.csv"
        else:
            assert not isinstance(other, InputError) and not isinstance(one, InputError)
            assert [(o.institution_id, o.graph_nt) for o in other] == [
                (o.institution_id, o.graph_nt) for o in one
            ]
    first = parallel[1][1]
    assert not isinstance(first, InputError)
    assert first[0].institution_id == "pirma"  # the resolver went to the workers


def test_few_files_are_read_in_this_process() -> None:
    assert worker_count(MIN_FILES - 1) == 0
    cores = len(os.sched_getaffinity(0))
    assert worker_count(1000) == (min(cores - 1, 4) if cores >= 2 else 0)  # one core for storing


def test_a_long_run_keeps_order_past_the_read_ahead_window(tmp_path: Path, monkeypatch) -> None:
    """More files than the window holds, by count and by bytes: every file once, in order."""
    import time

    import pvkg.read_ahead as read_ahead

    monkeypatch.setattr(read_ahead, "AHEAD_PER_WORKER", 3)
    monkeypatch.setattr(read_ahead, "AHEAD_BYTES", 200)  # about two files
    read_here = read_ahead._read_here
    here: list[Path] = []

    def slow_read_here(path: Path, *args: object) -> object:
        here.append(path)
        time.sleep(0.05)  # 200 files: up to 10 s for the worker to start and take over
        return read_here(path, *args)

    monkeypatch.setattr(read_ahead, "_read_here", slow_read_here)
    paths = portfolio_files(tmp_path, 200)
    got = list(read_files(paths, Settings(), workers=1))
    assert [p for p, _ in got] == paths
    assert [one.institution_id for _, (one,) in got] == [f"iestade-{i}" for i in range(200)]
    assert here == paths[: len(here)]  # this process read the first files, while the worker started
    assert 0 < len(here) < len(paths)  # ... and the worker read the rest


def test_load_of_many_files_stores_the_readable_ones(tmp_path: Path) -> None:
    paths = portfolio_files(tmp_path, MIN_FILES + 1)
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"name;other\nx;y\n")
    store_dir = tmp_path / "store"
    args = ["load", "--store", str(store_dir), *map(str, paths[:4]), str(bad)]
    result = CliRunner().invoke(app, [*args, *map(str, paths[4:])])
    assert result.exit_code == 2, result.output
    assert "bad.csv: NOT stored: " in result.output and "bad.csv:1" in result.output
    lines = [line for line in result.output.splitlines() if ": stored as " in line]
    assert [line.split(":")[0] for line in lines] == [p.name for p in paths]
    store = LocalStore(store_dir)
    try:
        assert all(len(list_versions(store, f"iestade-{i}")) == 1 for i in range(len(paths)))
    finally:
        store.close()


def test_workers_that_cannot_start_leave_the_reading_to_this_process(tmp_path: Path) -> None:
    import subprocess
    import sys

    paths = portfolio_files(tmp_path, 3)
    script = (
        "from pathlib import Path\n"
        "from pvkg.read_ahead import read_files\n"
        "from pvkg.settings import Settings\n"
        f"paths = [Path(p) for p in {[str(p) for p in paths]!r}]\n"
        "out = list(read_files(paths, Settings(), workers=2))\n"
        "print([p.name for p, _ in out], [type(x[0]).__name__ for _, x in out])\n"
    )
    # From stdin, spawned workers cannot import the main module: the pool breaks at once.
    done = subprocess.run(
        [sys.executable, "-"], input=script, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    names = [p.name for p in paths]
    assert done.stdout.strip() == f"{names} {['LoadedPortfolio'] * 3}"


def test_only_a_probe_that_answered_starts_the_workers() -> None:
    """A worker whose start failed (its probe raised) never takes files: this process reads."""
    from concurrent.futures import Future

    from pvkg.read_ahead import _answered

    pending, failed, answered = Future(), Future(), Future()
    failed.set_exception(ImportError("loaders"))
    answered.set_result(True)
    assert [_answered(f) for f in (pending, failed, answered)] == [False, False, True]
