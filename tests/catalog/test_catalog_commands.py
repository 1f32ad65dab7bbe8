"""``pvkg serve`` and ``pvkg export dcat`` say when the catalogue's URLs cannot be trusted."""

from __future__ import annotations

from pathlib import Path

import pytest
import uvicorn
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT

from pvkg.errors import InputError
from pvkg.export_command import export_dcat
from pvkg.serve_command import serve
from pvkg.settings import Settings


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """uvicorn.run replaced by a recorder: ``serve`` returns at once, the app is kept."""
    apps: list[object] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **_: apps.append(app))
    return apps


def test_serve_notes_a_public_bind_without_base_url(
    served: list[object], settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    cases = [
        ("0.0.0.0", None, True),
        ("::", None, True),
        ("127.0.0.1", None, False),
        ("0.0.0.0", "https://pvkg.lv", False),
    ]
    for host, base_url, noted in cases:
        assert serve(settings.with_(base_url=base_url), demo=False, host=host, port=8765) == 0
        err = capsys.readouterr().err
        assert ("PVKG_BASE_URL is not set" in err) is noted, (host, base_url)
    assert len(served) == len(cases)  # the server was started each time


def test_serve_refuses_an_unknown_publisher(served: list[object], settings: Settings) -> None:
    with pytest.raises(InputError, match="PVKG_CATALOG_PUBLISHER"):
        serve(settings.with_(catalog_publisher="nav-tadas"), demo=False, host="::1", port=1)
    assert not served


def test_export_warns_that_urls_are_placeholders(
    settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "catalog.ttl"
    assert export_dcat(settings, "turtle", out, in_memory=True) == 0
    err = capsys.readouterr().err
    assert "placeholders" in err and "PVKG_BASE_URL=https://" in err
    export_dcat(settings.with_(base_url="https://pvkg.lv"), "turtle", out, in_memory=True)
    assert "PVKG_BASE_URL" not in capsys.readouterr().err
    graph = Graph().parse(out, format="turtle")
    assert (URIRef("https://pvkg.lv/catalog"), None, DCAT.Catalog) in graph


def test_export_refuses_a_licence_the_reference_data_lacks(
    settings: Settings, tmp_path: Path
) -> None:
    odd = settings.with_(base_url="https://pvkg.lv", catalog_licence="https://example.org/l")
    with pytest.raises(InputError, match="PVKG_CATALOG_LICENCE"):
        export_dcat(odd, "turtle", tmp_path / "c.ttl", in_memory=True)
    assert not (tmp_path / "c.ttl").exists()
