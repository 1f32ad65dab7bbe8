"""Known vulnerabilities in the installed dependencies, with pip-audit (issue 9 §4).

    python -m scripts.reliability.audit_deps            # audits constraints.txt
    python -m scripts.reliability.audit_deps --env      # audits the running environment

Offline-tolerant: when pip-audit is not installed or its advisory database (PyPI / OSV) cannot be
reached, it says so and exits 0 with ``skipped``; exit 1 only for a found vulnerability.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys

from scripts.reliability.common import ROOT

SKIPPED, CLEAN, VULNERABLE = 0, 0, 1
_OFFLINE = ("connection", "resolve", "timed out", "network", "max retries", "temporary failure")


def audit(use_env: bool = False, timeout_s: float = 300.0) -> tuple[str, dict]:
    """Run pip-audit; returns (``skipped`` | ``clean`` | ``vulnerable``, details)."""
    if shutil.which("pip-audit") is None:
        return "skipped", {
            "reason": "pip-audit is not installed (scripts/reliability/requirements.txt)"
        }
    cmd = ["pip-audit", "--format", "json", "--progress-spinner", "off"]
    if not use_env:
        cmd += ["--requirement", str(ROOT / "constraints.txt"), "--no-deps", "--disable-pip"]
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout_s, cwd=ROOT)
    except subprocess.TimeoutExpired:
        return "skipped", {"reason": f"pip-audit did not finish within {timeout_s:g} s"}
    try:
        report = json.loads(done.stdout)
    except json.JSONDecodeError:
        text = (done.stderr or done.stdout).strip()
        if any(word in text.lower() for word in _OFFLINE):
            return "skipped", {"reason": "advisory database unreachable: " + text[-300:]}
        return "skipped", {"reason": f"pip-audit failed (exit {done.returncode}): {text[-300:]}"}
    deps = report.get("dependencies", report if isinstance(report, list) else [])
    found = [
        {
            "name": d["name"],
            "version": d.get("version"),
            "ids": [v["id"] for v in d["vulns"]],
            "fix": sorted({f for v in d["vulns"] for f in v.get("fix_versions", [])}),
        }
        for d in deps
        if d.get("vulns")
    ]
    details = {"audited": len(deps), "vulnerable": found}
    return ("vulnerable" if found else "clean"), details


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--env", action="store_true", help="audit the environment instead")
    args = parser.parse_args(argv)
    status, details = audit(use_env=args.env)
    print(json.dumps({"status": status, **details}, indent=2))
    return VULNERABLE if status == "vulnerable" else CLEAN


if __name__ == "__main__":
    sys.exit(main())
