"""``pvkg query`` writes values as stored, as the HTTP API does (analyst audit 2, defect 9 and
the CONSTRUCT prefixes of its Info list): rdflib's literal normalisation had turned
``2026-11-23T19:11:06Z`` into ``…+00:00``, ``"2026-01-12Z"^^xsd:date`` into ``2026-01-12``
and ``"1"^^xsd:double`` into ``1.0``, so a CSV taken with the command line and one taken over
HTTP did not diff or join."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from fastapi.testclient import TestClient

from pvkg.settings import Settings
from pvkg.store import LocalStore
from service import create_app

DATA = b"""
<urn:a> <urn:count> "1"^^<http://www.w3.org/2001/XMLSchema#double> .
<urn:a> <urn:at> "2026-11-23T19:11:06Z"^^<http://www.w3.org/2001/XMLSchema#dateTime> .
<urn:a> <urn:on> "2026-01-12Z"^^<http://www.w3.org/2001/XMLSchema#date> .
<urn:a> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://pvkg.lv/ontology#Service> .
"""
SELECT = "SELECT ?count ?at ?on WHERE { <urn:a> <urn:count> ?count ; <urn:at> ?at ; <urn:on> ?on }"


def _pvkg(store: Path, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "pvkg.cli", "query", *args],
        capture_output=True,
        env={**os.environ, "PVKG_STORE": str(store)},
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.decode("utf-8")  # (bytes: the CSV's CRLF line ends kept)


def test_the_command_line_writes_what_the_http_api_writes(tmp_path: Path) -> None:
    settings = Settings().with_(store_path=tmp_path / "store", query_timeout_s=10.0)
    store = LocalStore(settings.store_path)
    store.load_data(DATA, "nt")
    with TestClient(create_app(settings, store)) as client:
        http_csv = client.get("/sparql", params={"query": SELECT}, headers={"Accept": "text/csv"})
    store.close()
    query = tmp_path / "q.rq"
    query.write_text(SELECT, encoding="utf-8")

    cli_csv = _pvkg(settings.store_path, str(query), "--format", "csv")
    assert cli_csv == http_csv.text
    assert cli_csv.splitlines()[1] == "1,2026-11-23T19:11:06Z,2026-01-12Z"
    values = json.loads(_pvkg(settings.store_path, str(query), "--format", "json"))
    row = {k: v["value"] for k, v in values["results"]["bindings"][0].items()}
    assert row == {"count": "1", "at": "2026-11-23T19:11:06Z", "on": "2026-01-12Z"}
    table = _pvkg(settings.store_path, str(query))
    assert "2026-11-23T19:11:06Z" in table and "+00:00" not in table


def test_a_construct_is_written_with_pvkgs_prefixes(tmp_path: Path) -> None:
    store = LocalStore(tmp_path / "store")
    store.load_data(DATA, "nt")
    store.close()
    query = tmp_path / "c.rq"
    query.write_text("CONSTRUCT { ?s a ?t } WHERE { ?s a ?t }", encoding="utf-8")
    turtle = _pvkg(tmp_path / "store", str(query))
    assert "@prefix pv: <https://pvkg.lv/ontology#> ." in turtle
    assert "pv:Service" in turtle and "ns1:" not in turtle
    assert turtle.endswith("\n")
