"""The fuzz job (issue 9 §1): the fuzz tests of ``tests/reliability`` at a larger scale.

    python -m scripts.reliability.fuzz                 # scale 20: about 17,000 generated inputs
    python -m scripts.reliability.fuzz --scale 5

Runs ``pytest -m fuzz tests/reliability`` with ``PVKG_FUZZ_SCALE`` set (every Hypothesis
``max_examples`` is multiplied by it), then prints how many inputs each family got (loader files,
API requests, reports) from the counts the tests write. Exit code: pytest's.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from scripts.reliability.common import ROOT


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=20, help="multiplier of max_examples")
    parser.add_argument("--json", type=Path, default=None, help="also write the counts here")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="pvkg-fuzz-") as tmp:
        counts_file = Path(tmp) / "counts.json"
        env = {
            **os.environ,
            "PVKG_FUZZ_SCALE": str(args.scale),
            "PVKG_FUZZ_COUNTS": str(counts_file),
        }
        started = time.monotonic()
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "pytest",
                "-m",
                "fuzz",
                "-q",
                "-p",
                "no:cacheprovider",
                "tests/reliability",
            ],
            cwd=ROOT,
            env=env,
            check=False,
        )
        counts = json.loads(counts_file.read_text()) if counts_file.exists() else {}
    summary = {
        "scale": args.scale,
        "inputs": counts,
        "total_loader_and_api": counts.get("loader", 0) + counts.get("api", 0),
        "total": sum(v for k, v in counts.items() if k in ("loader", "api", "report")),
        "seconds": round(time.monotonic() - started, 1),
        "pytest_exit": done.returncode,
    }
    text = json.dumps(summary, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text, encoding="utf-8")
    return done.returncode


if __name__ == "__main__":
    sys.exit(main())
