"""Check an engine's answer against the generator's expected results (``expected.json``).

A fast wrong answer is a failure: every scenario records ``ok`` and, when not ok, what differed.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

CHECKED_SEVERITIES = ("Violation", "Warning")  # Infos are review hints, not compared


def load_expected(data_dir: Path) -> dict:
    return json.loads((data_dir / "expected.json").read_text(encoding="utf-8"))


def compare_results(
    found: Iterable[tuple[str, str]], expected: dict[str, list[str]]
) -> tuple[bool, str]:
    """``found``: (rule, focus IRI) pairs of Violations and Warnings. Exact set equality per rule.

    Returns (ok, a short description of the difference).
    """
    got: dict[str, set[str]] = {}
    for rule, focus in found:
        got.setdefault(rule or "?", set()).add(focus)
    want = {rule: set(foci) for rule, foci in expected.items()}
    problems = []
    for rule in sorted(set(got) | set(want)):
        g, w = got.get(rule, set()), want.get(rule, set())
        if g != w:
            missing, extra = sorted(w - g), sorted(g - w)
            problems.append(
                f"{rule}: {len(g)} found / {len(w)} expected"
                + (f", missing e.g. {missing[0]}" if missing else "")
                + (f", unexpected e.g. {extra[0]}" if extra else "")
            )
    return not problems, "; ".join(problems)


def report_pairs(report) -> list[tuple[str, str]]:
    """(rule, focus) of a pvkg Report's Violations and Warnings."""
    return [(r.rule or "?", r.focus) for r in report.results if r.severity in CHECKED_SEVERITIES]
