"""SIGKILL a portfolio load, or the server during an HTTP submission, at random moments; after
each kill the store must open with every institution's old or new version whole, never a mix,
and every submission answered 201 must be there (issue 9 §2).

    python -m scripts.reliability.kill_loop --rounds 50            # both modes, 50 kills each
    python -m scripts.reliability.kill_loop --mode http --rounds 5 --services 200

Bounded: at most ``--rounds`` kills per mode and ``--max-seconds`` in all. Loopback only.
Prints one line per round and a JSON summary on the last line; exit code 1 on any failure.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import httpx

from scripts.reliability.common import ROOT, check_store, portfolio_csv, sha256, start_server

INSTITUTION_NAME = "Sintētiskā iestāde"
INSTITUTION = "sintetiska-iestade"
TOKEN = "kill-loop-admin-token"


@dataclass
class Summary:
    mode: str
    rounds: int = 0
    kept_old: int = 0
    got_new: int = 0
    accepted_then_killed: int = 0
    failures: list[str] = field(default_factory=list)
    seconds: float = 0.0


def _adapt(duration: float, finished: bool) -> float:
    """Move the kill window so kills keep landing around the commit as the machine's speed
    changes: shorter after a run that finished before its kill, longer after one that did not."""
    return duration * (0.85 if finished else 1.08)


def _load_cmd(store: Path, path: Path) -> list[str]:
    return [sys.executable, "-m", "pvkg.cli", "load", str(path), "--store", str(store)]


def _verify(
    summary: Summary,
    store: Path,
    before: tuple[int, str | None] | None,
    new_sha: str,
    accepted: bool,
) -> str:
    try:
        state = check_store(store).get(INSTITUTION)
    except AssertionError as err:
        summary.failures.append(f"round {summary.rounds}: {err}")
        return f"FAIL {err}"
    if state is None:
        if before is not None or accepted:
            summary.failures.append(f"round {summary.rounds}: portfolio vanished")
            return "FAIL vanished"
        summary.kept_old += 1
        return "old (none yet)"
    number, sha = state
    if sha == new_sha and (before is None or number == before[0] + 1):
        summary.got_new += 1
        return f"new v{number}"
    if before is not None and (number, sha) == before and not accepted:
        summary.kept_old += 1
        return f"old v{number}"
    summary.failures.append(f"round {summary.rounds}: unexpected state {state}, before {before}")
    return f"FAIL state {state}"


def run_load_mode(
    work: Path, rounds: int, services: int, deadline: float, rng: random.Random
) -> Summary:
    summary = Summary("load")
    store = work / "store-load"
    started = time.monotonic()
    first = work / "first.csv"
    first.write_bytes(portfolio_csv(INSTITUTION_NAME, services, "L0"))
    t0 = time.monotonic()
    subprocess.run(_load_cmd(store, first), cwd=ROOT, capture_output=True, check=False)
    duration = time.monotonic() - t0
    print(f"load  calibration: an unkilled `pvkg load` took {duration:.1f} s", flush=True)
    before = check_store(store).get(INSTITUTION)
    for n in range(1, rounds + 1):
        if time.monotonic() > deadline:
            break
        path = work / f"load-{n}.csv"
        data = portfolio_csv(INSTITUTION_NAME, services, f"L{n}")
        path.write_bytes(data)
        child = subprocess.Popen(
            _load_cmd(store, path), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        time.sleep(rng.uniform(0.0, duration * 1.2))
        finished = child.poll() is not None
        duration = _adapt(duration, finished)
        child.kill()
        child.wait(timeout=30)
        summary.rounds = n
        accepted = finished and child.returncode in (0, 1)
        summary.accepted_then_killed += int(accepted)
        outcome = _verify(summary, store, before, sha256(data), accepted)
        print(f"load  round {n:3d}: {outcome}", flush=True)
        before = check_store(store).get(INSTITUTION)
    summary.seconds = round(time.monotonic() - started, 1)
    return summary


def run_http_mode(
    work: Path, rounds: int, services: int, deadline: float, rng: random.Random
) -> Summary:
    summary = Summary("http")
    store = work / "store-http"
    log = work / "server.log"
    env = {"PVKG_ADMIN_TOKEN": TOKEN}
    started = time.monotonic()
    headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "text/csv"}
    url_path = f"/portfolios/{INSTITUTION}"
    srv = start_server(store, log, env)
    t0 = time.monotonic()
    first = httpx.put(
        srv.url + url_path,
        content=portfolio_csv(INSTITUTION_NAME, services, "H0"),
        headers=headers,
        timeout=120,
    )
    duration = time.monotonic() - t0
    print(f"http  calibration: an unkilled PUT took {duration:.1f} s", flush=True)
    srv.stop()
    if first.status_code != 201:
        summary.failures.append(f"first submission answered {first.status_code}: {first.text}")
        return summary
    before = check_store(store).get(INSTITUTION)
    for n in range(1, rounds + 1):
        if time.monotonic() > deadline:
            break
        srv = start_server(store, log, env)
        data = portfolio_csv(INSTITUTION_NAME, services, f"H{n}")
        answer: list[int] = []

        def submit(body: bytes = data, url: str = srv.url, answer: list[int] = answer) -> None:
            try:
                answer.append(
                    httpx.put(
                        url + url_path, content=body, headers=headers, timeout=120
                    ).status_code
                )
            except httpx.HTTPError:
                answer.append(0)

        thread = threading.Thread(target=submit)
        thread.start()
        time.sleep(rng.uniform(0.0, duration * 1.2))
        duration = _adapt(duration, bool(answer))
        srv.kill()
        thread.join(timeout=30)
        summary.rounds = n
        accepted = bool(answer) and answer[0] == 201
        summary.accepted_then_killed += int(accepted)
        outcome = _verify(summary, store, before, sha256(data), accepted)
        print(f"http  round {n:3d}: answer {answer[0] if answer else '-'}: {outcome}", flush=True)
        before = check_store(store).get(INSTITUTION)
    summary.seconds = round(time.monotonic() - started, 1)
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mode", choices=["load", "http", "both"], default="both")
    parser.add_argument("--rounds", type=int, default=50, help="kills per mode (default 50)")
    parser.add_argument("--services", type=int, default=400, help="services per portfolio")
    parser.add_argument("--max-seconds", type=float, default=1200.0, help="time bound")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    deadline = time.monotonic() + args.max_seconds
    with tempfile.TemporaryDirectory(prefix="pvkg-kill-") as tmp:
        work = args.workdir or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        results = []
        if args.mode in ("load", "both"):
            results.append(run_load_mode(work, args.rounds, args.services, deadline, rng))
        if args.mode in ("http", "both"):
            results.append(run_http_mode(work, args.rounds, args.services, deadline, rng))
    print(json.dumps([asdict(r) for r in results]))
    return 1 if any(r.failures for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
