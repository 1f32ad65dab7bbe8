"""Settings an operator gets slightly wrong (audit 5, defects 7-11): each is read the way it was
meant or refused with exit 2, never taken literally."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from pvkg.errors import InputError
from pvkg.settings import Settings
from pvkg.store import LocalStore


def test_an_empty_store_setting_is_the_default_not_the_working_folder() -> None:
    assert Settings.from_env({"PVKG_STORE": ""}).store_path == Settings().store_path
    assert Settings.from_env({"PVKG_STORE": "  "}).store_path == Settings().store_path


def test_the_admin_token_loses_a_secret_files_trailing_newline() -> None:
    assert Settings.from_env({"PVKG_ADMIN_TOKEN": "S3cr3tAdminXYZ\n"}).admin_token == (
        "S3cr3tAdminXYZ"
    )
    assert not Settings.from_env({"PVKG_ADMIN_TOKEN": " \n"}).admin_token  # not configured


@pytest.mark.parametrize("value", ["not a url", "ftp://x", "https://query.wikidata.org/sparql,x"])
def test_a_service_allowlist_entry_must_be_a_url(value: str) -> None:
    with pytest.raises(InputError, match="PVKG_SERVICE_ALLOWLIST"):
        Settings.from_env({"PVKG_SERVICE_ALLOWLIST": value})
    allowed = Settings.from_env({"PVKG_SERVICE_ALLOWLIST": "https://query.wikidata.org/sparql"})
    assert allowed.service_allowlist == ("https://query.wikidata.org/sparql",)


def test_a_store_path_that_is_a_file_is_named_as_such(tmp_path: Path) -> None:
    a_file = tmp_path / "afile"
    a_file.write_text("x", encoding="utf-8")
    with pytest.raises(InputError, match="is a file, not a store directory"):
        LocalStore(a_file)
    assert a_file.read_text(encoding="utf-8") == "x"


def test_a_port_out_of_range_is_refused(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PVKG_")}
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pvkg.cli",
            "serve",
            "--store",
            str(tmp_path / "s"),
            "--port",
            "99999",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert run.returncode == 2
    assert "--port" in run.stderr
