"""``pvkg load`` end to end through the CLI: summaries, validation graphs and exit codes."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from pvkg.cli import app
from pvkg.namespaces import PV, REGISTRY_GRAPH
from pvkg.portfolios import list_versions
from pvkg.store import LocalStore

pytest.importorskip("pvkg.validation")

VIOLATING = (
    "institution,portfolio_manager,inst_service_id,service_name_lv,status,"
    "type_public_individual_benefit,service_manager\n"
    "Digitālā aģentūra,Pēteris Liepiņš,DA-001,Viens,sniegsana,X,\n"
)


def run(store: Path, *paths: Path) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["load", "--store", str(store), *map(str, paths)])
    return result.exit_code, result.output


def versions(store_dir: Path, institution: str) -> list:
    store = LocalStore(store_dir)
    try:
        return list_versions(store, institution)
    finally:
        store.close()


def test_conforming_file_exits_0_and_reload_is_a_no_op(tmp_path: Path, data_dir: Path) -> None:
    store = tmp_path / "store"
    code, output = run(store, data_dir / "portfolio_ok.csv")
    assert code == 0, output
    assert "portfolio_ok.csv: stored as digitala-agentura v1 — 9 services, 4 people" in output
    code, output = run(store, data_dir / "portfolio_ok.csv")
    assert code == 0, output
    assert "unchanged" in output
    assert [v.number for v in versions(store, "digitala-agentura")] == [1]


def test_violations_exit_1_but_are_stored_with_their_report(tmp_path: Path) -> None:
    path = tmp_path / "DA.csv"
    path.write_text(VIOLATING, encoding="utf-8")
    store_dir = tmp_path / "store"
    code, output = run(store_dir, path)
    assert code == 1, output
    assert "DA.csv: stored as digitala-agentura v1" in output
    assert "0 violations" not in output
    store = LocalStore(store_dir)
    try:
        version = list_versions(store, "digitala-agentura")[0].iri
        assert store.count(f"{version}/validation") > 0
        runs = [s for s, p, o in store.triples(str(REGISTRY_GRAPH)) if p == PV.checked]
        assert runs, "a validation-run summary is registered with the version"
    finally:
        store.close()


def test_unreadable_file_exits_2_and_the_readable_ones_are_stored(
    tmp_path: Path, data_dir: Path
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"name;other\nx;y\n")
    code, output = run(tmp_path / "store", bad, data_dir / "portfolio_cpsv.ttl")
    assert code == 2, output
    assert "bad.csv: NOT stored: " in output and "bad.csv:1" in output
    assert [v.number for v in versions(tmp_path / "store", "valsts-kanceleja")] == [1]
    assert "Traceback" not in output


def test_the_summary_counts_the_reports_warnings_apart_from_reading_warnings(
    tmp_path: Path, data_dir: Path
) -> None:
    """The summary's warnings are the report's (what ``pvkg validate`` counts); the loader's
    notes on the file (here five about repeated columns) are counted on their own."""
    code, output = run(tmp_path / "store", data_dir / "repeated_columns.csv")
    assert code == 1, output
    assert "2 warnings, 2 violations, 5 reading warnings" in output
    code, output = run(tmp_path / "store", data_dir / "portfolio_ok.csv")
    assert "0 warnings, 0 violations" in output and "reading" not in output


def test_two_files_naming_no_institution_with_one_file_name_are_not_one_portfolio(
    tmp_path: Path,
) -> None:
    """Stored, b/portfolio.csv would silently replace a/portfolio.csv as the next version of the
    one portfolio named after the file (audit 7, F5); pvkg validate checks them apart."""
    for folder, service in (("a", "S-1"), ("b", "S-9")):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "portfolio.csv").write_text(
            f"inst_service_id,title\n{service},Pakalpojums {service}\n", encoding="utf-8"
        )
    first, second = tmp_path / "a" / "portfolio.csv", tmp_path / "b" / "portfolio.csv"
    store_dir = tmp_path / "store"
    code, output = run(store_dir, first, second, first)
    assert code == 2, output
    assert f"NOT stored: {second}: names no institution, and neither does {first}" in output
    assert [v.number for v in versions(store_dir, "portfolio")] == [1]
    assert "unchanged, already current: portfolio v1" in output  # the same file again is fine


def test_an_interrupted_load_says_what_was_and_may_not_be_stored(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ctrl-C ended `pvkg load` with exit 130 and no word, though a file may have been stored
    just before (audit 5, defect 3)."""
    from pvkg.load_command import FileOutcome, _said_when_interrupted

    files = [tmp_path / "a.csv", tmp_path / "b.csv", tmp_path / "c.csv"]
    with pytest.raises(KeyboardInterrupt), _said_when_interrupted(files, [FileOutcome(files[0])]):
        raise KeyboardInterrupt
    said = capsys.readouterr().err
    assert "interrupted: 1 of 3 file(s) handled" in said
    assert "not finished: b.csv, c.csv" in said
    assert "stored completely or not at all" in said
