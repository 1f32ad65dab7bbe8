"""``--profile cpsv-ap`` judges what the file says about its portfolio, not what pvkg adds.

A spreadsheet has no cell for a portfolio description, and a CPSV-AP file without a
``dcat:Dataset`` has no portfolio at all: the portfolio node pvkg makes for them carries pvkg's
own description, so it raises no result the institution cannot fix. A file's own dataset keeps
its own description, or the lack of one; a dataset without ``dct:publisher`` is warned about,
since the stored portfolio gets its institution from the services.
"""

from __future__ import annotations

from pathlib import Path

from pvkg.settings import Settings
from pvkg.validate_command import read_files
from pvkg.validation import Report, validate_portfolios

DATA = Path(__file__).parent / "data"
EXAMPLE = Path(__file__).parents[1] / "shapes" / "data" / "cpsv-ap-example-rdf_public_service.ttl"
DATASET = """@prefix cpsv: <http://purl.org/vocab/cpsv#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix cv: <http://data.europa.eu/m8g/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
<urn:portfolio> a dcat:Dataset ; dct:title "Portfelis"@lv ; dct:hasPart <urn:s1> .
<urn:s1> a cpsv:PublicService ; dct:identifier "S-1" ; dct:title "P"@lv ;
    dct:description "D"@lv ; cv:hasCompetentAuthority <urn:org> .
<urn:org> a cv:PublicOrganisation ; skos:prefLabel "Iestāde X"@lv .
"""


def _cpsv(paths: list[Path]) -> Report:
    loaded, errors = read_files(Settings(), paths)
    assert errors == []
    return validate_portfolios(loaded, profile="cpsv-ap", settings=Settings())


def _portfolio_results(report: Report) -> list[str]:
    return [str(r.path) for r in report.results if r.focus.endswith("/portfolio")]


def test_a_spreadsheet_portfolio_raises_no_result_on_the_portfolio() -> None:
    report = _cpsv([DATA / "portfolio_ok.csv"])
    assert _portfolio_results(report) == []


def test_the_official_example_gives_exactly_its_six_results() -> None:
    report = _cpsv([EXAMPLE])
    assert len(report.results) == 6
    assert _portfolio_results(report) == []


def test_a_files_own_dataset_without_description_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "dataset.ttl"
    path.write_text(DATASET, encoding="utf-8")
    loaded, errors = read_files(Settings(), [path])
    assert errors == []
    assert any("no dct:publisher" in w for w in loaded[0].warnings)
    report = validate_portfolios(loaded, profile="cpsv-ap", settings=Settings())
    assert _portfolio_results(report) == ["http://purl.org/dc/terms/description"]
