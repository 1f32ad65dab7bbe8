"""Load on loopback: ≥ 100 concurrent readers run the curated queries while institutions submit
portfolios with their own tokens; afterwards every accepted version must be there (issue 9 §3).

    python -m scripts.reliability.load --readers 100 --seconds 180
    python -m scripts.reliability.load --readers 100 --seconds 20 --json out.json

Readers use ``GET /queries/{name}`` when the server has that route, else ``POST /sparql`` with the
text of ``queries/*.rq``. Bounded: ``--seconds`` and ``--max-requests`` per reader.
Prints a JSON summary (throughput, p50/p99 latency, errors, lost submissions); exit code 1 when
any request failed or any accepted submission is missing.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import httpx

from scripts.reliability.common import ROOT, portfolio_csv, sha256, start_server

ADMIN = "load-admin-token"
WRITERS = {
    "izdomata-kulturas-parvalde": ("Izdomātā Kultūras pārvalde", "load-kultura-token"),
    "izdomata-vides-ministrija": ("Izdomātā Vides ministrija", "load-vide-token"),
}


@dataclass
class Figures:
    readers: int
    seconds: float = 0.0
    reads: int = 0
    read_errors: int = 0
    reads_per_s: float = 0.0
    p50_ms: float = 0.0
    p99_ms: float = 0.0
    max_ms: float = 0.0
    writes_accepted: int = 0
    write_errors: int = 0
    write_p50_ms: float = 0.0
    lost_submissions: int = 0
    route: str = ""
    errors: list[str] = field(default_factory=list)


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _requests(url: str) -> tuple[str, list[tuple[str, dict]]]:
    """The read requests to cycle through, and which route they use."""
    paths = httpx.get(f"{url}/openapi.json", timeout=30).json()["paths"]
    names = sorted(p.stem for p in (ROOT / "queries").glob("*.rq"))
    if "/queries/{name}" in paths:
        return "GET /queries/{name}", [("GET", {"url": f"{url}/queries/{n}"}) for n in names]
    out = []
    for name in names:
        text = (ROOT / "queries" / f"{name}.rq").read_text(encoding="utf-8")
        out.append(("POST", {"url": f"{url}/sparql", "data": {"query": text}}))
    return "POST /sparql (queries/*.rq)", out


def run(readers: int, seconds: float, max_requests: int, work: Path) -> Figures:
    figures = Figures(readers)
    tokens = work / "tokens.toml"
    tokens.write_text(
        "".join(
            f'{inst} = "{hashlib.sha256(tok.encode()).hexdigest()}"\n'
            for inst, (_, tok) in WRITERS.items()
        ),
        encoding="utf-8",
    )
    env = {"PVKG_ADMIN_TOKEN": ADMIN, "PVKG_TOKENS_FILE": str(tokens)}
    srv = start_server(work / "store", work / "server.log", env)
    lock = threading.Lock()
    latencies: list[float] = []
    write_latencies: list[float] = []
    accepted: list[tuple[str, int, str]] = []
    try:
        for csv_path in sorted((ROOT / "service" / "demo").glob("*.csv")):
            httpx.put(
                f"{srv.url}/portfolios/{csv_path.stem}",
                content=csv_path.read_bytes(),
                headers={"Authorization": f"Bearer {ADMIN}", "Content-Type": "text/csv"},
                timeout=120,
            )
        figures.route, plan = _requests(srv.url)
        start = time.monotonic()
        deadline = start + seconds
        barrier = threading.Barrier(readers + len(WRITERS))

        def reader(index: int) -> None:
            with httpx.Client(timeout=120, headers={"Accept": "application/json"}) as client:
                barrier.wait()
                for n in range(max_requests):
                    if time.monotonic() > deadline:
                        return
                    method, kwargs = plan[(index + n) % len(plan)]
                    t0 = time.monotonic()
                    try:
                        response = client.request(method, **kwargs)
                        ok = response.status_code == 200
                        problem = f"{response.status_code} {response.text[:200]}"
                    except httpx.HTTPError as err:
                        ok, problem = False, f"{type(err).__name__}: {err}"
                    elapsed = time.monotonic() - t0
                    with lock:
                        figures.reads += 1
                        latencies.append(elapsed)
                        if not ok:
                            figures.read_errors += 1
                            figures.errors.append(f"read {kwargs['url']}: {problem}")

        def writer(inst: str, name: str, token: str) -> None:
            headers = {"Authorization": f"Bearer {token}", "Content-Type": "text/csv"}
            with httpx.Client(timeout=120, headers=headers) as client:
                barrier.wait()
                n = 0
                while time.monotonic() < deadline and n < max_requests:
                    n += 1
                    data = portfolio_csv(name, 20 + n % 30, f"W{n}")
                    t0 = time.monotonic()
                    try:
                        response = client.put(f"{srv.url}/portfolios/{inst}", content=data)
                    except httpx.HTTPError as err:
                        with lock:
                            figures.write_errors += 1
                            figures.errors.append(f"write {inst}: {type(err).__name__}: {err}")
                        continue
                    with lock:
                        write_latencies.append(time.monotonic() - t0)
                        if response.status_code == 201:
                            accepted.append((inst, response.json()["version"], sha256(data)))
                        else:
                            figures.write_errors += 1
                            figures.errors.append(
                                f"write {inst}: {response.status_code} {response.text[:200]}"
                            )

        threads = [threading.Thread(target=reader, args=(i,)) for i in range(readers)]
        threads += [
            threading.Thread(target=writer, args=(inst, name, tok))
            for inst, (name, tok) in WRITERS.items()
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=seconds + 300)
        figures.seconds = round(time.monotonic() - start, 1)
        for inst in WRITERS:
            versions = httpx.get(f"{srv.url}/portfolios/{inst}/versions", timeout=60).json()
            stored = {(v["number"], v["sha256"]) for v in versions["versions"]}
            for a_inst, number, digest in accepted:
                if a_inst == inst and (number, digest) not in stored:
                    figures.lost_submissions += 1
                    figures.errors.append(f"lost: {inst} v{number}")
    finally:
        srv.stop()
    figures.writes_accepted = len(accepted)
    figures.reads_per_s = round(figures.reads / max(figures.seconds, 0.001), 1)
    figures.p50_ms = round(statistics.median(latencies) * 1000, 1) if latencies else 0.0
    figures.p99_ms = round(_percentile(latencies, 0.99) * 1000, 1)
    figures.max_ms = round(max(latencies, default=0.0) * 1000, 1)
    figures.write_p50_ms = (
        round(statistics.median(write_latencies) * 1000, 1) if write_latencies else 0.0
    )
    figures.errors = figures.errors[:20]
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--readers", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=180.0)
    parser.add_argument("--max-requests", type=int, default=100_000, help="per thread")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="pvkg-load-") as tmp:
        figures = run(args.readers, args.seconds, args.max_requests, Path(tmp))
    text = json.dumps(asdict(figures), indent=2, ensure_ascii=False)
    print(text)
    if args.json:
        args.json.write_text(text, encoding="utf-8")
    failed = figures.read_errors or figures.write_errors or figures.lost_submissions
    return 1 if failed or not figures.writes_accepted else 0


if __name__ == "__main__":
    sys.exit(main())
