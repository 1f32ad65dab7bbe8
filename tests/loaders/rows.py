"""What the row tests look at in a loaded spreadsheet: its services in row order, and the rows
it skipped as not being services."""

from __future__ import annotations

from rdflib.namespace import DCTERMS, RDF

from loaders import LoadedPortfolio
from pvkg.namespaces import CPSV, PV


def service_ids(loaded: LoadedPortfolio) -> list[str]:
    """The services' identifiers, in the order of their rows."""
    found = []
    for svc in loaded.graph.subjects(RDF.type, CPSV.PublicService):
        row = int(loaded.sources.value(svc, PV.sourceRow))  # type: ignore[arg-type]
        found.append((row, str(loaded.graph.value(svc, DCTERMS.identifier))))
    return [ident for _, ident in sorted(found)]


def skipped_rows(loaded: LoadedPortfolio) -> list[str]:
    """The loader's warnings about rows it did not read as services."""
    return [w for w in loaded.warnings if "is not a service" in w]
