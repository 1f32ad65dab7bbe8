"""``pvkg validate`` of several files that name no institution (N7): the file name is only a
fallback identity, so two different files are not one institution's two portfolios."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pvkg.settings import Settings
from pvkg.validate_command import validate_files

HEADER = "inst_service_id;register_service_id;service_name_lv;type_public_general_benefit;status"


def _write(path: Path, *rows: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join((HEADER, *rows)) + "\n", encoding="utf-8")
    return path


def _run(tmp_path: Path, paths: list[Path]) -> tuple[int, dict]:
    out = tmp_path / "report.json"
    code = validate_files(
        Settings().with_(store_path=tmp_path / "store"), paths, fmt="json", output=out
    )
    report = json.loads(out.read_text(encoding="utf-8")) if out.exists() else {}
    return code, report


def test_two_unnamed_files_of_one_name_are_two_institutions(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Same file name, same service id S-1, different services: not refused, not merged."""
    a = _write(tmp_path / "a" / "portfolio.csv", "S-1;00101;Pirmais;X;sniegšana")
    b = _write(tmp_path / "b" / "portfolio.csv", "S-1;00202;Otrais;X;plānošana")
    code, report = _run(tmp_path, [a, b])
    assert code == 1  # C12 and C02 for each file, nothing unreadable
    results = report["results"]
    rules = {r["rule"] for r in results}
    assert "C07" not in rules and "C21" not in rules  # one service each: no merged S-1
    services = {r["focus"] for r in results if r["focus_id"] == "S-1"}
    assert len(services) == 2
    c12 = {r["focus"] for r in results if r["rule"] == "C12"}
    assert len(c12) == 2
    assert "validated apart" in capsys.readouterr().err


def test_an_unnamed_file_is_not_the_institution_its_name_slugs_to(tmp_path: Path) -> None:
    named = tmp_path / "x" / "named.csv"
    named.parent.mkdir()
    named.write_text(f"institution;{HEADER}\nPortfolio;S-1;00101;A;X;sniegšana\n", "utf-8")
    unnamed = _write(tmp_path / "portfolio.csv", "S-1;00202;B;X;sniegšana")
    code, report = _run(tmp_path, [unnamed, named])
    assert code == 1
    assert "C07" not in {r["rule"] for r in report["results"]}


def test_one_unnamed_file_given_twice_is_still_refused(tmp_path: Path) -> None:
    a = _write(tmp_path / "a" / "portfolio.csv", "S-1;00101;Pirmais;X;sniegšana")
    code, report = _run(tmp_path, [a, a])
    assert code == 2 and report == {}


def test_two_files_naming_one_institution_are_still_refused(tmp_path: Path) -> None:
    rows = ("Digitālā aģentūra;S-1;00101;A;X;sniegšana",)
    for name in ("a", "b"):
        path = tmp_path / name / "portfolio.csv"
        path.parent.mkdir()
        path.write_text(f"institution;{HEADER}\n" + "\n".join(rows) + "\n", "utf-8")
    code, _ = _run(tmp_path, [tmp_path / "a" / "portfolio.csv", tmp_path / "b" / "portfolio.csv"])
    assert code == 2


def test_a_skipped_row_is_named_with_its_file_and_row(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path / "da.csv", "S-1;00101;A;X;sniegšana", "Kopā:;;1;1")
    _run(tmp_path, [path])
    err = capsys.readouterr().err.splitlines()
    assert "da.csv: warning: row 3: 'Kopā: | 1 | 1' is not a service (a totals row); skipped" in err
