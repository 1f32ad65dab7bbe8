"""Where pvkg finds its data folders: the source checkout first, else the wheel's copy."""

from __future__ import annotations

from pathlib import Path

import pytest

from pvkg.errors import InputError
from pvkg.settings import DATA_DIRS, DATA_ROOT, PROJECT_ROOT, Settings, data_root


def _package(root: Path, *, checkout: tuple[str, ...], installed: bool) -> Path:
    """A fake ``pvkg`` package dir with some data folders beside it and maybe ``_data``."""
    package = root / "pvkg"
    package.mkdir(parents=True)
    for name in checkout:
        (root / name).mkdir()
    if installed:
        for name in DATA_DIRS:
            (package / "_data" / name).mkdir(parents=True)
    return package


def test_checkout_is_preferred_over_the_installed_copy(tmp_path: Path) -> None:
    package = _package(tmp_path, checkout=DATA_DIRS, installed=True)
    assert data_root(package) == tmp_path


@pytest.mark.parametrize("absent", DATA_DIRS)
def test_incomplete_checkout_falls_back_to_the_installed_copy(tmp_path: Path, absent: str) -> None:
    present = tuple(name for name in DATA_DIRS if name != absent)
    package = _package(tmp_path, checkout=present, installed=True)
    assert data_root(package) == package / "_data"


def test_site_packages_without_folders_uses_the_installed_copy(tmp_path: Path) -> None:
    package = _package(tmp_path, checkout=(), installed=True)
    assert data_root(package) == package / "_data"


def test_this_checkout_reads_its_own_folders() -> None:
    assert (PROJECT_ROOT / "pyproject.toml").is_file(), "tests run from a source checkout"
    assert DATA_ROOT == PROJECT_ROOT
    settings = Settings()
    dirs = [settings.ontology_dir, settings.shapes_dir, settings.queries_dir]
    assert [*dirs, settings.reference_dir] == [PROJECT_ROOT / name for name in DATA_DIRS]


def test_environment_still_overrides_the_located_folders(tmp_path: Path) -> None:
    (tmp_path / "policy-shapes.ttl").write_text("", encoding="utf-8")
    settings = Settings.from_env({"PVKG_SHAPES_DIR": str(tmp_path)})
    assert settings.shapes_dir == tmp_path
    assert settings.ontology_dir == DATA_ROOT / "ontology"


@pytest.mark.parametrize(
    "variable", ["PVKG_ONTOLOGY_DIR", "PVKG_SHAPES_DIR", "PVKG_QUERIES_DIR", "PVKG_REFERENCE_DIR"]
)
def test_a_data_folder_setting_that_holds_no_data_is_refused(tmp_path: Path, variable: str) -> None:
    """A mistyped shapes folder meant no rules at all: every portfolio "conformed" and was
    stored so; a mistyped ontology folder emptied the store's ontology graph (audit 5, defect 1)."""
    for value in (str(tmp_path / "missing"), str(tmp_path), ""):
        with pytest.raises(InputError, match=f"setting {variable}"):
            Settings.from_env({variable: value})


def test_a_wrong_shapes_folder_stops_validate_with_exit_2(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    demo = PROJECT_ROOT / "service" / "demo" / "izdomata-digitalo-pakalpojumu-agentura.csv"
    env = {**os.environ, "PVKG_SHAPES_DIR": str(tmp_path)}
    run = subprocess.run(
        [sys.executable, "-m", "pvkg.cli", "validate", str(demo)],
        env=env,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 2, run.stdout
    assert "PVKG_SHAPES_DIR" in run.stderr
    assert "conforms" not in run.stdout
