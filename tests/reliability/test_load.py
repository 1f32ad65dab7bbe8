"""The fast version of ``python -m scripts.reliability.load`` (issue 9 §3): 100 concurrent
readers for ~20 s against a ``pvkg serve`` process while two institutions submit portfolios."""

from __future__ import annotations

from pathlib import Path

import pytest

from scripts.reliability import load


@pytest.mark.slow
def test_100_readers_while_submitting(tmp_path: Path) -> None:
    figures = load.run(readers=100, seconds=12.0, max_requests=10_000, work=tmp_path)
    print(figures)
    assert figures.read_errors == 0, figures.errors
    assert figures.write_errors == 0, figures.errors
    assert figures.lost_submissions == 0, figures.errors
    assert figures.writes_accepted >= 2
    assert figures.reads >= 100
    assert "admin-token" not in (tmp_path / "server.log").read_text(errors="replace")
