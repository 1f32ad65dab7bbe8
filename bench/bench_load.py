"""Time reading and storing synthetic portfolios: ``python bench/bench_load.py [1000 ...]``."""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from generate import write

from loaders import read_portfolio_file
from pvkg.portfolios import store_portfolio
from pvkg.store import LocalStore


def bench(count: int, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = write(Path(tmp) / f"portfolio_{count}{suffix}", count)
        started = time.perf_counter()
        loaded = read_portfolio_file(path)
        read_s = time.perf_counter() - started
        timings = []
        for location in (None, Path(tmp) / "store"):
            store = LocalStore(location)
            started = time.perf_counter()
            store_portfolio(store, loaded)
            loaded.sha256 += "-2"  # a second version: the view swap has something to unpublish
            store_portfolio(store, loaded)
            timings.append((time.perf_counter() - started) / 2)
            store.close()
        memory_s, disk_s = timings
        print(
            f"{count:>6} services {suffix:5} {loaded.triple_count:>7} triples: "
            f"read {read_s:.2f} s, "
            f"store {memory_s:.2f} s in memory / {disk_s:.2f} s on disk (per version)"
        )


if __name__ == "__main__":
    bench(10, ".xlsx")  # warm up: imports and first-use costs are not what we measure
    for n in [int(a) for a in sys.argv[1:]] or [100, 1000, 5000]:
        for ext in (".csv", ".xlsx"):
            bench(n, ext)
