"""The fast path of a submission: N-Triples text straight into the validation store, the store's
reference typings kept between submissions, sources resolved from the lines they need, and the
report stored as N-Triples. Each must give what the slow, obvious way gives."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF

from loaders import LoadedPortfolio, read_portfolio, read_portfolio_file
from pvkg.namespaces import PV, REFERENCE_GRAPH, SH
from pvkg.reports.sources import SourceResolver
from pvkg.settings import Settings
from pvkg.store import LocalStore, Store
from pvkg.submission import submit_portfolio
from pvkg.validation import (
    Report,
    Result,
    reference_context,
    validate_graph,
    validate_portfolios,
)
from pvkg.validation_context import ReferenceIndex, gather_context, index_graph, mentioned_in
from tests.shapes.cases import Case, load_cases

DATA = Path(__file__).parent / "data"
OK = (DATA / "portfolio_ok.csv").read_text(encoding="utf-8")
CASES = load_cases()


def _keys(report: Report) -> list[tuple[str, str, str, str]]:
    """(rule, focus, component, severity); blank-node foci have no stable label."""
    keys = []
    for r in report.results:
        focus = "_:" if isinstance(r.focus_node, BNode) else r.focus
        keys.append((r.rule or "", focus, r.component, r.severity))
    return sorted(keys)


@pytest.mark.parametrize("profile", ["policy", "all"])
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_ntriples_path_agrees_with_pyshacl(case: Case, profile: str) -> None:
    """Every shape case, read the way a submission reads it (N-Triples text), gives the
    reference engine's results on the same data."""
    settings = Settings()
    data = case.graph()
    loaded = LoadedPortfolio("case", "Case", graph=data, filename="case.ttl")
    fast = validate_portfolios([loaded], profile=profile, settings=settings)
    reference = validate_graph(data, profile=profile, settings=settings, engine="pyshacl")
    assert _keys(fast) == _keys(reference)
    assert fast.conforms == reference.conforms


def _portfolios() -> list[LoadedPortfolio]:
    files = [read_portfolio_file(DATA / n) for n in ("portfolio_bad.csv", "portfolio_cpsv.ttl")]
    cases = [LoadedPortfolio("case", "Case", graph=c.graph()) for c in CASES]
    return files + cases


@pytest.mark.parametrize("loaded", _portfolios(), ids=repr)
def test_mentioned_iris_read_off_text_or_graph_are_what_the_store_finds(
    loaded: LoadedPortfolio,
) -> None:
    index = index_graph(reference_context(Settings()))
    contexts = []
    ways = (None, mentioned_in([loaded.graph_nt]), index.mentioned_in_graph(loaded.graph))
    for mentioned in ways:
        work = LocalStore(None)
        work.load_data(loaded.graph_nt.encode("utf-8"), "nt")
        contexts.append(set(gather_context(work, index, mentioned=mentioned)[1]))
        work.close()
    assert contexts[0] == contexts[1] == contexts[2]
    assert len(contexts[0]) > len(index.hierarchy) or "cpsv" in loaded.filename


@pytest.mark.parametrize("name", ["portfolio_bad.csv", "portfolio_cpsv.ttl", "portfolio_ok.csv"])
def test_sources_match_the_whole_source_map(name: str) -> None:
    """Where two columns map to one property (the four service-type columns), the whole map
    gives the last one: the lines-only resolution must give the same cell for every result."""
    loaded = read_portfolio_file(DATA / name)
    report = validate_portfolios([loaded], settings=Settings())
    whole = SourceResolver(loaded.sources)
    assert report.results or name == "portfolio_ok.csv"
    for result in report.results:
        assert result.source == whole.resolve(result.focus_node, result.path_node), result


def test_a_service_without_type_points_at_the_last_type_column() -> None:
    lines = OK.splitlines()
    cells = lines[1].split(",")
    cells[6:10] = ["", "", "", ""]  # no service type at all
    lines[1] = ",".join(cells)
    loaded = read_portfolio("\n".join(lines).encode("utf-8"), "da.csv")
    report = validate_portfolios([loaded], settings=Settings())
    (c09,) = [r for r in report.results if r.rule == "C09"]
    assert c09.source == {"file": "da.csv", "sheet": None, "row": 2, "column": "J"}


def test_two_portfolios_each_resolve_to_their_own_file() -> None:
    da = read_portfolio(OK.replace(",Ilze Kalniņa", ",", 1).encode("utf-8"), "da.csv")
    vid = OK.replace("Digitālā aģentūra", "Valsts ieņēmumu dienests").replace("DA-", "VID-")
    vid_loaded = read_portfolio(vid.replace(",Ilze Kalniņa", ",", 1).encode("utf-8"), "vid.csv")
    report = validate_portfolios([da, vid_loaded], settings=Settings())
    c02 = {r.focus_id: r.source for r in report.results if r.rule == "C02"}
    assert c02 == {
        "DA-001": {"file": "da.csv", "sheet": None, "row": 2, "column": "M"},
        "VID-001": {"file": "vid.csv", "sheet": None, "row": 2, "column": "M"},
    }


def test_changes_to_the_stores_reference_data_are_seen(
    memory_store: Store, settings: Settings
) -> None:
    """The store's typings are kept between submissions, but not past a change."""
    loaded = read_portfolio(OK.encode("utf-8"), "da.csv")
    assert validate_portfolios([loaded], store=memory_store, settings=settings).results == []
    inst = URIRef("https://pvkg.lv/id/institution/digitala-agentura")
    memory_store.add_triples(str(REFERENCE_GRAPH), [(inst, RDF.type, PV.Ministry)])
    report = validate_portfolios([loaded], store=memory_store, settings=settings)
    assert [r.rule for r in report.results] == ["C14"]
    memory_store.update(
        f"DELETE DATA {{ GRAPH <{REFERENCE_GRAPH}> {{ <{inst}> a <{PV.Ministry}> }} }}"
    )
    assert validate_portfolios([loaded], store=memory_store, settings=settings).results == []


def test_report_ntriples_is_the_report_graph() -> None:
    """Every kind of term a report holds, escapes included, survives the text form."""
    data = load_cases()[0].graph()
    report = validate_graph(data, profile="all", settings=Settings())
    parsed = Graph().parse(data=report.ntriples(), format="nt")
    assert len(parsed) == len(report.graph) > 2
    assert isomorphic(parsed, report.graph)
    odd = Literal('say "hi"\n\\ back\tslash', lang="lv")
    result = Result(
        rule="C07",
        severity="Violation",
        focus="urn:x",
        focus_id=None,
        path=None,
        value=str(odd),
        component=str(SH.InConstraintComponent),
        shape="urn:shape",
        message={"lv": odd, "en": "ok"},
        focus_node=URIRef("urn:x"),
        value_node=odd,
    )
    triples = [(BNode(), SH.result, BNode()), (URIRef("urn:x"), SH.value, odd)]
    graph = Graph()
    for triple in triples:
        graph.add(triple)
    built = Report(False, "policy", [result], triples=triples)
    assert isomorphic(Graph().parse(data=built.ntriples(), format="nt"), built.graph)
    assert isomorphic(built.graph, graph)
    given = Report(False, "policy", [result], graph)  # built from a graph: the same text
    assert isomorphic(Graph().parse(data=given.ntriples(), format="nt"), graph)


def test_submission_stores_the_report_graph(memory_store: Store, settings: Settings) -> None:
    loaded = read_portfolio(OK.replace(",Ilze Kalniņa", ",", 1).encode("utf-8"), "da.csv")
    submission = submit_portfolio(memory_store, loaded, settings=settings)
    assert submission.report.counts["violation"] == 1
    stored = memory_store.to_rdflib([f"{submission.stored.iri}/validation"])
    assert isomorphic(stored, submission.report.graph)


def test_incremental_engines_agree(memory_store: Store, settings: Settings) -> None:
    """Against a store, pySHACL gets the same data and context as the fast engine."""
    from pvkg.portfolios import store_portfolio

    store_portfolio(memory_store, read_portfolio(OK.encode("utf-8"), "da.csv"))
    vid = OK.replace("Digitālā aģentūra", "Valsts ieņēmumu dienests").replace(
        ",Ilze Kalniņa", ",", 1
    )
    loaded = read_portfolio(vid.encode("utf-8"), "vid.csv")
    fast = validate_portfolios([loaded], store=memory_store, settings=settings)
    reference = validate_portfolios(
        [loaded], store=memory_store, settings=settings, engine="pyshacl"
    )
    assert {r.rule for r in fast.results} == {"C02", "C22"}
    assert _keys(fast) == _keys(reference)
    assert [r.to_json() for r in fast.results] == [r.to_json() for r in reference.results]


@pytest.mark.parametrize("eol", ["\n", "\r\n", "\r"])
@pytest.mark.parametrize("escape", ["", "\\u00C4"])
def test_mentioned_iris_survive_escapes_and_line_ends(eol: str, escape: str) -> None:
    ours = "https://pvkg.lv/id/"
    lines = [
        f"<{ours}inst/a> <urn:p> <{ours}x{escape}> .",
        f'<{ours}inst/a> <urn:q> "two\\nlines {escape} \\" <{ours}not-an-object>" .',
        f"  <{ours}b>\t<urn:p>\t<urn:c> .",
        "_:b <urn:p> <urn:d> .",
        f"<urn:e> <urn:p> <{ours}f> .",
        f"# <{ours}g> <urn:p> <urn:h> .",
    ]
    text = eol.join(lines) + eol
    iris = ["inst/a", "x" + ("Ä" if escape else ""), "not-an-object", "b", "f", "g"]
    typed = [URIRef(ours + i) for i in iris] + [URIRef(f"urn:{c}") for c in "cdeh"]
    index = ReferenceIndex.of((iri, RDF.type, PV.Thing) for iri in typed)
    contexts = []
    for mentioned in (None, mentioned_in([text])):
        work = LocalStore(None)
        work.load_data(text.encode("utf-8"), "nt")
        contexts.append({s for s, _p, _o in gather_context(work, index, mentioned=mentioned)[1]})
        work.close()
    assert contexts[0] == contexts[1]
    assert contexts[0] == {URIRef(ours + i) for i in iris[:2]} | {
        URIRef(ours + "b"),
        URIRef("urn:c"),
    }
