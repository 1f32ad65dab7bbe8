"""``pvkg validate`` end to end on CSV files: exit codes 0/1/2 and sources pointing at cells."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pvkg.settings import Settings
from pvkg.validate_command import validate_files

DATA = Path(__file__).parent / "data"


def run(paths: list[Path], tmp_path: Path, fmt: str = "json", **kw: str) -> tuple[int, Path]:
    out = tmp_path / f"report.{fmt}"
    code = validate_files(
        Settings().with_(store_path=tmp_path / "store"),
        paths,
        profile=kw.get("profile", "policy"),
        fmt=fmt,
        output=out,
        encoding=None,
    )
    return code, out


def test_conforming_file_exits_0(tmp_path: Path) -> None:
    code, out = run([DATA / "portfolio_ok.csv"], tmp_path)
    assert code == 0
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["conforms"] is True and report["counts"]["violation"] == 0


def test_violations_exit_1_and_point_at_cells(tmp_path: Path) -> None:
    """portfolio_bad.csv: DA-003 has no manager (line 4), DA-004 status 'sniegsana' (line 5),
    line 6 repeats the id DA-001 of line 2."""
    code, out = run([DATA / "portfolio_bad.csv"], tmp_path)
    assert code == 1
    report = json.loads(out.read_text(encoding="utf-8"))
    got = {(r["rule"], r["focus_id"], r["value"]): r["source"] for r in report["results"]}
    src = {"file": "portfolio_bad.csv", "sheet": None}
    assert got[("C02", "DA-003", None)] == {**src, "row": 4, "column": "M"}
    assert got[("C07", "DA-004", "sniegsana")] == {**src, "row": 5, "column": "L"}
    c21 = sorted(r["source"]["row"] for r in report["results"] if r["rule"] == "C21")
    assert c21 == [2, 6]
    assert {r["rule"] for r in report["results"]} == {"C02", "C07", "C21"}


def test_files_are_one_data_set(tmp_path: Path) -> None:
    """The same unified-register ids in two institutions' files: C22 across files."""
    other = tmp_path / "other.csv"
    text = (DATA / "portfolio_ok.csv").read_text(encoding="utf-8")
    other.write_text(
        text.replace("Digitālā aģentūra", "Valsts ieņēmumu dienests"), encoding="utf-8"
    )
    code, out = run([DATA / "portfolio_ok.csv", other], tmp_path)
    assert code == 1
    report = json.loads(out.read_text(encoding="utf-8"))
    rules = {r["rule"] for r in report["results"] if r["severity"] == "Violation"}
    assert rules == {"C22"}
    files = {r["source"]["file"] for r in report["results"] if r["rule"] == "C22"}
    assert files == {"portfolio_ok.csv", "other.csv"}


def test_two_files_of_one_institution_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Merged, an edited copy and its original would make one service with two managers and two
    statuses: C02 and C07 found in neither file. Refused (exit 2), as one RDF file holding two
    portfolios of one institution is."""
    edited = tmp_path / "edited.csv"
    text = (DATA / "portfolio_ok.csv").read_text(encoding="utf-8")
    edited.write_text(text.replace("Ilze Kalniņa", "Pēteris Kalniņš"), encoding="utf-8")
    assert text != edited.read_text(encoding="utf-8")
    code, out = run([DATA / "portfolio_ok.csv", edited], tmp_path)
    assert code == 2
    assert not out.exists()
    err = capsys.readouterr().err
    assert "edited.csv" in err and "portfolio_ok.csv" in err and "digitala-agentura" in err
    assert run([edited], tmp_path)[0] == 0  # each alone is fine


def test_unreadable_file_exits_2_and_does_nothing_else(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = run([DATA / "portfolio_ok.csv", DATA / "not_a_portfolio.csv"], tmp_path)
    assert code == 2
    assert not out.exists()
    assert "not_a_portfolio.csv:1" in capsys.readouterr().err


@pytest.mark.parametrize("fmt", ["text", "turtle", "jsonld", "csv", "html"])
def test_every_format(tmp_path: Path, fmt: str) -> None:
    code, out = run([DATA / "portfolio_bad.csv"], tmp_path, fmt=fmt)
    assert code == 1 and out.stat().st_size > 0


def test_tricky_but_valid_file_exits_0(tmp_path: Path) -> None:
    """Lower-case and ✓ type marks, two marks on one row, 'izstrādē' (inflected), 'Sniegšana'
    and 'AUGSTA' (case), one person managing several services: all valid."""
    code, out = run([DATA / "portfolio_tricky_ok.csv"], tmp_path)
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["results"] == [] and code == 0


def test_ministry_typing_comes_from_reference_data(tmp_path: Path) -> None:
    """C14: the file only names 'Aizsardzības ministrija'; that it is a ministry is reference
    data (reference/ministries.ttl), added to the validation context, not inferred."""
    path = tmp_path / "am.csv"
    text = (DATA / "portfolio_ok.csv").read_text(encoding="utf-8")
    path.write_text(text.replace("Digitālā aģentūra", "Aizsardzības ministrija"), encoding="utf-8")
    code, out = run([path], tmp_path)
    report = json.loads(out.read_text(encoding="utf-8"))
    assert code == 0
    assert [(r["rule"], r["severity"], r["focus_id"]) for r in report["results"]] == [
        ("C14", "Warning", "aizsardzibas-ministrija")
    ]
