"""Cross-portfolio results true on both sides: when a submission changes which unified-register
ids are shared (C22), the other institutions concerned get their current version re-validated
and its stored report replaced.

Why: a version's report is stored when the version is loaded. Without this, the institution
loaded first never showed the C22 that a later institution's load revealed, and kept a C22 after
the other institution had dropped the shared id: the compliance view depended on load order.
:func:`current_report` runs the same re-validation for a reader (``GET
/portfolios/{institution}/report``) without storing it.
"""

from __future__ import annotations

from rdflib import URIRef
from rdflib.namespace import SH

from loaders import LoadedPortfolio
from loaders import ntriples as nt
from pvkg.namespaces import CV, PV, REGISTRY_GRAPH, institution_iri, source_map_graph
from pvkg.portfolios import current_version
from pvkg.settings import Settings
from pvkg.store import SelectResult, Store
from pvkg.validation import Report, report_registry_triples, validate_portfolios

_REG = f"<{REGISTRY_GRAPH}>"


def register_ids(store: Store, institution_id: str) -> set[str]:
    """The unified-register ids of the institution's services in the current view."""
    answer = store.query(
        f"SELECT DISTINCT ?r {{ ?s <{CV.hasCompetentAuthority}> "
        f"<{institution_iri(institution_id)}> ; <{PV.registerServiceId}> ?r }}"
    )
    assert isinstance(answer, SelectResult)
    return {str(r) for (r,) in answer.rows if r is not None}


def sharing_institutions(store: Store, ids: set[str], institution_id: str) -> list[str]:
    """The other institutions whose current services carry any of ``ids``, by id."""
    if not ids:
        return []
    own = institution_iri(institution_id)
    prefix = str(institution_iri(""))
    found: set[str] = set()
    ordered = sorted(ids)
    for start in range(0, len(ordered), 500):
        values = " ".join(nt.literal(i) for i in ordered[start : start + 500])
        answer = store.query(
            f"SELECT DISTINCT ?inst {{ VALUES ?r {{ {values} }} "
            f"?s <{PV.registerServiceId}> ?r ; <{CV.hasCompetentAuthority}> ?inst "
            f"FILTER (?inst != <{own}>) }}"
        )
        assert isinstance(answer, SelectResult)
        found |= {
            str(i)[len(prefix) :]
            for (i,) in answer.rows
            if isinstance(i, URIRef) and str(i).startswith(prefix)
        }
    return sorted(found)


def refresh_reports(
    store: Store, institution_ids: list[str], *, settings: Settings
) -> dict[str, Report]:
    """Re-validate each institution's current version against the store and replace its
    stored report and run summary, one update each; returns the new reports by institution.

    Raises:
        StoreError: the store failed (a report not yet replaced keeps its old content).
    """
    refreshed: dict[str, Report] = {}
    for inst_id in institution_ids:
        version = current_version(store, inst_id)
        if version is None or _c22_as_stored(store, version.iri):
            continue
        loaded = stored_portfolio(store, inst_id, version.iri, version.filename or "")
        report = validate_portfolios([loaded], profile="policy", store=store, settings=settings)
        store.update(_replace_report(URIRef(version.iri), report))
        refreshed[inst_id] = report
    return refreshed


def current_report(store: Store, institution_id: str, *, settings: Settings) -> Report | None:
    """The institution's current version validated now against the store (what its stored
    report says, brought up to date); None when it has no stored portfolio. Stores nothing.

    Raises:
        StoreError: the store cannot be read.
    """
    version = current_version(store, institution_id)
    if version is None:
        return None
    loaded = stored_portfolio(store, institution_id, version.iri, version.filename or "")
    return validate_portfolios([loaded], profile="policy", store=store, settings=settings)


def _c22_as_stored(store: Store, version: str) -> bool:
    """Whether the version's stored report already has exactly the C22 results (service,
    register id) that the current view implies: then re-validating would change nothing."""
    implied = store.query(
        f"""SELECT DISTINCT ?s ?r {{
            GRAPH <{version}> {{ ?s a <{PV.Service}> ; <{PV.registerServiceId}> ?r }}
            ?other <{PV.registerServiceId}> ?r .
            FILTER (?other != ?s)
        }}"""
    )
    stored = store.query(
        f"""SELECT DISTINCT ?s ?r {{ GRAPH <{version}/validation> {{
            ?result <{PV.ruleCode}> "C22" ; <{SH.focusNode}> ?s ; <{SH.value}> ?r }} }}"""
    )
    assert isinstance(implied, SelectResult) and isinstance(stored, SelectResult)
    return set(implied.rows) == set(stored.rows)


def stored_portfolio(store: Store, inst_id: str, version: str, filename: str) -> LoadedPortfolio:
    """A stored version as the loaders would have given it (graph, source map, file name)."""
    graph_nt = store.serialize_graph(version, "nt").decode("utf-8")
    sources_nt = store.serialize_graph(str(source_map_graph(URIRef(version))), "nt")
    return LoadedPortfolio(
        inst_id,
        "",
        filename=filename,
        graph_nt=graph_nt,
        sources_nt=sources_nt.decode("utf-8"),
    )


def _replace_report(version: URIRef, report: Report) -> str:
    """One SPARQL Update: the version's report graph and its run summary (registry and default
    graph, as :func:`pvkg.portfolios.commit_update` writes them) replaced."""
    run = f"<{version}/validation-run>"
    summary = nt.graph_to_nt(report_registry_triples(report, version_placeholder=version))
    return (
        f"DROP SILENT GRAPH <{version}/validation> ;\n"
        f"INSERT DATA {{ GRAPH <{version}/validation> {{\n{report.ntriples()}\n}} }} ;\n"
        f"DELETE WHERE {{ GRAPH {_REG} {{ {run} ?p ?o }} }} ;\n"
        f"DELETE WHERE {{ {run} ?p ?o }} ;\n"
        f"INSERT DATA {{ GRAPH {_REG} {{\n{summary}}} }} ;\n"
        f"INSERT DATA {{\n{summary}}}"
    )
