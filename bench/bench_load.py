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
        store = LocalStore(Path(tmp) / "store")
        started = time.perf_counter()
        store_portfolio(store, loaded)
        store_s = time.perf_counter() - started
        store.close()
        print(
            f"{count:>6} services {suffix:5} {len(loaded.graph):>7} triples: "
            f"read {read_s:.2f} s, store {store_s:.2f} s, total {read_s + store_s:.2f} s"
        )


if __name__ == "__main__":
    for n in [int(a) for a in sys.argv[1:]] or [100, 1000, 5000]:
        for ext in (".csv", ".xlsx"):
            bench(n, ext)
