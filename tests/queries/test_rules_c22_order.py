"""C22 (a unified-register id used by two institutions) in the compliance view does not depend
on which institution was loaded first (INTERFACES.md §4: one result per service sharing the id).

Each version's report is stored when it is loaded; a submission that changes which register ids
are shared re-validates the other institutions concerned and replaces their stored reports
(pvkg/report_refresh.py), so the institution loaded first gets the C22 that the second one's
load reveals, and loses it when the second one drops the shared id (audit Q3). The whole
current view (``validate_store``, ``pvkg validate --all-stored``) sees both sides too."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from loaders import read_portfolio
from pvkg.bootstrap import prepare
from pvkg.curated import find_query, run_curated
from pvkg.settings import Settings
from pvkg.store import Store, open_store
from pvkg.submission import submit_portfolio
from pvkg.validation import validate_store
from tests.federation.conftest import oxigraph_server

OK = (Path(__file__).parents[1] / "validation" / "data" / "portfolio_ok.csv").read_text("utf-8")


def _vid_sharing_one_register_id() -> bytes:
    """VID's copy of the portfolio: only its first service keeps DA-001's register id 00101."""
    lines = OK.replace("Digitālā aģentūra", "Valsts ieņēmumu dienests").replace("DA-", "VID-")
    out = [
        line if i < 2 else line.replace(",00", ",99", 1) for i, line in enumerate(lines.split("\n"))
    ]
    return "\n".join(out).encode("utf-8")


@pytest.fixture(params=["embedded", pytest.param("remote", marks=pytest.mark.remote)])
def empty(
    request: pytest.FixtureRequest, memory_store: Store, settings: Settings
) -> Iterator[Store]:
    """A prepared store of each kind: in memory, and a real Oxigraph server."""
    if request.param == "embedded":
        yield memory_store
        return
    with oxigraph_server(Path(request.getfixturevalue("tmp_path"))) as server:
        remote = open_store(settings.with_(store_url=server.base))
        prepare(remote, settings)
        yield remote
        remote.close()


@pytest.fixture
def both(empty: Store, settings: Settings) -> Store:
    submit_portfolio(empty, read_portfolio(OK.encode("utf-8"), "da.csv"), settings=settings)
    vid = read_portfolio(_vid_sharing_one_register_id(), "vid.csv")
    submission = submit_portfolio(empty, vid, settings=settings)
    assert list(submission.refreshed) == ["digitala-agentura"]
    return empty


def _broken(store: Store, settings: Settings) -> dict[str, str | None]:
    rows = run_curated(store, find_query(settings.queries_dir, "compliance_by_institution"), {})
    return {
        str(r["institution"]).rsplit("/", 1)[-1]: None
        if r["rules_broken"] is None
        else str(r["rules_broken"])
        for r in rows.dicts()
    }


def test_the_whole_view_sees_both_sides(both: Store, settings: Settings) -> None:
    report = validate_store(both, settings=settings)
    assert sorted(r.focus_id for r in report.results if r.rule == "C22") == ["DA-001", "VID-001"]


def test_compliance_shows_c22_for_both_institutions(both: Store, settings: Settings) -> None:
    assert _broken(both, settings) == {
        "digitala-agentura": "C22×1",
        "valsts-ienemumu-dienests": "C22×1",
    }


def test_the_refreshed_report_keeps_its_sources(empty: Store, settings: Settings) -> None:
    submit_portfolio(empty, read_portfolio(OK.encode("utf-8"), "da.csv"), settings=settings)
    vid = read_portfolio(_vid_sharing_one_register_id(), "vid.csv")
    refreshed = submit_portfolio(empty, vid, settings=settings).refreshed["digitala-agentura"]
    (c22,) = [r for r in refreshed.results if r.rule == "C22"]
    assert c22.focus_id == "DA-001" and c22.severity == "Violation"
    assert c22.source is not None and c22.source["file"] == "da.csv" and c22.source["row"] == 2
    assert not refreshed.conforms


def test_dropping_the_shared_id_clears_the_other_sides_c22(both: Store, settings: Settings) -> None:
    fixed = _vid_sharing_one_register_id().replace(b",00101,", b",99101,")
    assert fixed != _vid_sharing_one_register_id()
    submit_portfolio(both, read_portfolio(fixed, "vid.csv"), settings=settings)
    assert _broken(both, settings) == {"digitala-agentura": None, "valsts-ienemumu-dienests": None}


def test_an_unchanged_resubmission_refreshes_nothing(both: Store, settings: Settings) -> None:
    again = submit_portfolio(
        both, read_portfolio(_vid_sharing_one_register_id(), "vid.csv"), settings=settings
    )
    assert not again.stored.created and again.refreshed == {}


def test_pvkg_load_refreshes_each_stale_report_once_at_the_end(
    tmp_path: Path, settings: Settings
) -> None:
    """`pvkg load DA VID` leaves DA's report stale after VID: it is refreshed once, after the
    last file. `pvkg load VID DA'` (VID unchanged, a new DA sharing the same id) re-validates
    nothing else: VID's stored C22 is still the one the view implies."""
    from typer.testing import CliRunner

    from pvkg.cli import app
    from pvkg.store import LocalStore

    da, vid = tmp_path / "da.csv", tmp_path / "vid.csv"
    da.write_text(OK, encoding="utf-8")
    vid.write_bytes(_vid_sharing_one_register_id())
    store_dir = tmp_path / "store"
    result = CliRunner().invoke(app, ["load", "--store", str(store_dir), str(da), str(vid)])
    assert result.exit_code == 1, result.output  # C22 is a Violation
    assert result.output.count("note: digitala-agentura's current version shares") == 1
    store = LocalStore(store_dir)
    try:
        assert _broken(store, settings) == {
            "digitala-agentura": "C22×1",
            "valsts-ienemumu-dienests": "C22×1",
        }
    finally:
        store.close()
    changed = tmp_path / "da2.csv"
    changed.write_text(OK.replace("aktivizēšana", "aktivizēšana (jauna)"), encoding="utf-8")
    assert changed.read_text(encoding="utf-8") != OK
    again = CliRunner().invoke(app, ["load", "--store", str(store_dir), str(vid), str(changed)])
    assert "stored as digitala-agentura v2" in again.output, again.output
    # DA's new version is validated with VID in the store; VID still shares the same id, so its
    # stored C22 is still right and it is not re-validated
    assert "note:" not in again.output, again.output
    store = LocalStore(store_dir)
    try:
        assert set(_broken(store, settings).values()) == {"C22×1"}
    finally:
        store.close()
