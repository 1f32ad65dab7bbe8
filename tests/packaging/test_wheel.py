"""A built wheel carries ontology/, shapes/, queries/ and reference/ where installed code looks.

Builds the wheel offline (``pip wheel --no-deps --no-build-isolation``) from a copy of the
source tree, so the checkout gets no ``build/`` folder and parallel runs do not collide.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from pvkg.settings import DATA_DIRS, PROJECT_ROOT, data_root

pytestmark = pytest.mark.slow

SOURCES = ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "pvkg", "loaders", "service")
_JUNK = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", "build", "dist")


def _can_build_wheels() -> bool:
    """setuptools builds wheels itself from 70.1 on; before that it needs the wheel package."""
    find = importlib.util.find_spec
    return bool(find("wheel") or find("setuptools.command.bdist_wheel"))


def _data_files() -> set[str]:
    return {
        path.relative_to(PROJECT_ROOT).as_posix()
        for name in DATA_DIRS
        for path in (PROJECT_ROOT / name).rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not _can_build_wheels():
        pytest.skip("no bdist_wheel: install the test extra (it has 'wheel')")
    source = tmp_path_factory.mktemp("source")
    for name in (*SOURCES, *DATA_DIRS):
        origin = PROJECT_ROOT / name
        if origin.is_dir():
            shutil.copytree(origin, source / name, ignore=_JUNK)
        else:
            shutil.copy2(origin, source / name)
    out = tmp_path_factory.mktemp("dist")
    pip_wheel = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation"]
    done = subprocess.run(
        [*pip_wheel, "-q", "--wheel-dir", str(out), str(source)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    (built,) = out.glob("pvkg-*.whl")
    return built


def test_wheel_carries_every_data_file_under_pvkg_data(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    expected = {f"pvkg/_data/{rel}" for rel in _data_files()}
    assert expected, "the checkout has data files"
    assert sorted(expected - names) == []
    assert not any(n.split("/")[0] in DATA_DIRS for n in names), "no top-level data folders"


def test_installed_layout_is_found_by_the_locator(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site-packages"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    root = data_root(site / "pvkg")
    assert root == site / "pvkg" / "_data"
    for rel in _data_files():
        original = PROJECT_ROOT / rel
        assert (root / rel).read_bytes() == original.read_bytes(), rel
    assert (site / "service" / "demo").is_dir(), "pvkg serve --demo reads service/demo"
