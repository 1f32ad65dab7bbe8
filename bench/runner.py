"""Run one measured job in a child process: wall time, CPU time and peak RSS of that process.

The child's resource usage comes from ``os.wait4`` (its own ``ru_maxrss``, ``ru_utime`` and
``ru_stime``), so jobs never see each other's peaks. A job over its time cap is killed and
recorded as ``"> cap"`` (``capped: true``), as the anchors report pyshacl.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def run_job(name: str, args: dict[str, Any], cap_s: float = 1800.0) -> dict[str, Any]:
    """Run ``bench.jobs NAME`` with ``args``; never raises for the job's own failures."""
    with tempfile.TemporaryDirectory(prefix="pvkg-bench-") as tmp:
        out = Path(tmp) / "out.json"
        log = Path(tmp) / "log.txt"
        started = time.perf_counter()
        with log.open("wb") as err:
            proc = subprocess.Popen(
                [sys.executable, "-m", "bench.jobs", name, json.dumps(args), str(out)],
                cwd=ROOT,
                stdout=err,
                stderr=err,
                start_new_session=True,
            )
            deadline = started + cap_s
            status, usage, capped = 0, None, False
            while True:
                pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
                if pid:
                    break
                if time.perf_counter() > deadline:
                    capped = True
                    os.killpg(proc.pid, signal.SIGKILL)
                    _, status, usage = os.wait4(proc.pid, 0)
                    break
                time.sleep(0.05)
            proc.returncode = os.waitstatus_to_exitcode(status)
        elapsed = time.perf_counter() - started
        result: dict[str, Any] = {
            "job": name,
            "process_wall_s": elapsed,
            "process_cpu_s": usage.ru_utime + usage.ru_stime,
            "peak_rss_mib": usage.ru_maxrss / 1024,
            "capped": capped,
            "cap_s": cap_s,
        }
        if capped:
            result.update(ok=None, times=[], detail=f"> {cap_s:g} s (killed)")
            return result
        if proc.returncode != 0 or not out.is_file():
            tail = log.read_text(errors="replace")[-1500:]
            result.update(ok=False, times=[], detail=f"job failed (exit {proc.returncode}): {tail}")
            return result
        result.update(json.loads(out.read_text()))
        if result.get("vmhwm_mib"):
            # ru_maxrss of a forked-then-exec'd child can include its parent's pages
            result["ru_maxrss_mib"] = result["peak_rss_mib"]
            result["peak_rss_mib"] = result["vmhwm_mib"]
        return result
