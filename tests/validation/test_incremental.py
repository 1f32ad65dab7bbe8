"""Validation against a store: incremental on submission, whole view for ``--all-stored``,
and the validation-run summary stored with the version."""

from __future__ import annotations

from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.namespace import RDF

from loaders import read_portfolio
from pvkg.namespaces import PV
from pvkg.portfolios import store_portfolio
from pvkg.settings import Settings
from pvkg.store import SelectResult, Store
from pvkg.validation import report_registry_triples, validate_portfolios, validate_store

DATA = Path(__file__).parent / "data"
OK = (DATA / "portfolio_ok.csv").read_text(encoding="utf-8")


def _load(text: str, name: str) -> object:
    return read_portfolio(text.encode("utf-8"), name)


def test_submission_sees_other_institutions_register_ids(
    memory_store: Store, settings: Settings
) -> None:
    da = _load(OK, "da.csv")
    store_portfolio(memory_store, da)  # type: ignore[arg-type]
    vid = _load(OK.replace("Digitālā aģentūra", "Valsts ieņēmumu dienests"), "vid.csv")
    report = validate_portfolios([vid], store=memory_store, settings=settings)
    c22 = [r for r in report.results if r.rule == "C22"]
    # one result per submitted service whose unified-register id another institution uses;
    # the stored institution's services are context only (not typed, not reported)
    assert len(c22) == 9
    assert all("/valsts-ienemumu-dienests/" in r.focus for r in c22)
    assert {r.rule for r in report.results} == {"C22"}
    # only what C22 needs came from the store: no stored service is validated by other rules
    assert not any("/digitala-agentura/" in r.focus for r in report.results)


def test_resubmission_does_not_clash_with_its_own_stored_version(
    memory_store: Store, settings: Settings
) -> None:
    store_portfolio(memory_store, _load(OK, "da.csv"))  # type: ignore[arg-type]
    again = _load(OK.replace("Elektroniskās", "Jaunās"), "da.csv")
    report = validate_portfolios([again], store=memory_store, settings=settings)
    assert report.conforms and report.results == []


def test_whole_store_validation(memory_store: Store, settings: Settings) -> None:
    store_portfolio(memory_store, _load(OK, "da.csv"))  # type: ignore[arg-type]
    vid = OK.replace("Digitālā aģentūra", "Valsts ieņēmumu dienests")
    store_portfolio(memory_store, _load(vid, "vid.csv"))  # type: ignore[arg-type]
    report = validate_store(memory_store, settings=settings)
    c22 = [r for r in report.results if r.rule == "C22"]
    assert len(c22) == 18  # both sides of each of the 9 shared ids
    assert {r.focus_id for r in c22} == {f"DA-00{i}" for i in range(1, 10)}
    assert {r.rule for r in report.results if r.severity == "Violation"} == {"C22"}


def test_registry_triples_summarise_the_run(memory_store: Store, settings: Settings) -> None:
    loaded = _load(OK.replace(",Ilze Kalniņa", ","), "da.csv")
    report = validate_portfolios([loaded], store=memory_store, settings=settings)  # type: ignore[list-item]
    assert report.counts["violation"] >= 1
    summary = report_registry_triples(report)
    run = next(summary.subjects(RDF.type, PV.ValidationRun))
    assert summary.value(run, PV.checked) == URIRef("urn:pvkg:version")
    assert summary.value(run, PV.conforms) == Literal(False)
    assert summary.value(run, PV.violationCount) == Literal(report.counts["violation"])
    assert summary.value(run, PV.profile) == Literal("policy")
    version = store_portfolio(
        memory_store,
        loaded,  # type: ignore[arg-type]
        extra_graphs={"{version}/validation": report.graph},
        extra_registry=summary,
    )
    answer = memory_store.query(
        "SELECT ?n WHERE { ?run a pv:ValidationRun ; pv:checked ?v ; pv:violationCount ?n }",
        bindings={"v": URIRef(version.iri)},
    )
    assert isinstance(answer, SelectResult)
    assert [int(n) for n in answer.column("n")] == [report.counts["violation"]]  # type: ignore[arg-type]
    assert memory_store.count(f"{version.iri}/validation") > 0


def test_submission_uses_the_stores_reference_data(memory_store: Store, settings: Settings) -> None:
    """An institution known only from the store's reference graph (e.g. a registry load) as a
    ministry: C14 sees it when validating against the store, not without it."""
    from pvkg.namespaces import REFERENCE_GRAPH

    inst = URIRef("https://pvkg.lv/id/institution/digitala-agentura")
    memory_store.add_triples(str(REFERENCE_GRAPH), [(inst, RDF.type, PV.Ministry)])
    loaded = _load(OK, "da.csv")
    with_store = validate_portfolios([loaded], store=memory_store, settings=settings)  # type: ignore[list-item]
    without = validate_portfolios([loaded], settings=settings)  # type: ignore[list-item]
    assert [r.rule for r in with_store.results] == ["C14"]
    assert without.results == []


def test_submission_sees_the_kind_the_institution_registry_gives(
    memory_store: Store, settings: Settings
) -> None:
    """A registry load that makes an institution a ministry: C14 fires on its next submission
    (incremental) exactly as it does in the whole-view run, where the registry is published."""
    from pvkg.institution_registry import load_registry

    registry = "name,name_en,kind,parent,register_number,wikidata,abbreviation\n"
    registry += "Digitālā aģentūra,Digital Agency,ministry,,,,DA\n"
    load_registry(memory_store, registry.encode("utf-8"), "registry.csv")
    loaded = _load(OK, "da.csv")
    incremental = validate_portfolios([loaded], store=memory_store, settings=settings)  # type: ignore[list-item]
    assert [r.rule for r in incremental.results] == ["C14"]
    store_portfolio(memory_store, loaded)  # type: ignore[arg-type]
    whole = validate_store(memory_store, settings=settings)
    assert [r.rule for r in whole.results if "digitala-agentura" in r.focus] == ["C14"]
