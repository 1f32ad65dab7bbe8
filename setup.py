"""Build hook: a wheel carries the top-level data folders as ``pvkg/_data/<folder>``.

``ontology/``, ``shapes/``, ``queries/`` and ``reference/`` stay at the top of the source tree
(the project layout is part of the spec), outside every Python package, so setuptools would
leave them out of a wheel. This copies them into the built package instead; an installed pvkg
finds them there (``pvkg.settings.data_root``), a source checkout reads them in place. All other
configuration is in pyproject.toml; MANIFEST.in puts the folders into the sdist.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

# the same names as pvkg.settings.DATA_DIRS (not imported: the build must not need pvkg's deps)
DATA_DIRS = ("ontology", "shapes", "queries", "reference")
TARGET = ("pvkg", "_data")
_SKIP = shutil.ignore_patterns("__pycache__", "*.pyc", ".*")


class BuildPyWithData(build_py):
    """``build_py`` that also copies the data folders into ``pvkg/_data`` of the build."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads the checkout's own folders
        here = Path(__file__).resolve().parent
        for name in DATA_DIRS:
            target = Path(self.build_lib, *TARGET, name)
            shutil.rmtree(target, ignore_errors=True)  # no file left over from an earlier build
            shutil.copytree(here / name, target, ignore=_SKIP, dirs_exist_ok=True)


setup(cmdclass={"build_py": BuildPyWithData})
