"""``pvkg export dcat`` and ``pvkg export cpsv``: serialise the catalogue or the services.

Both open the configured store (embedded or ``--store-url``), build the graph, serialise it and
write it to ``output`` (or stdout): the catalogue with rdflib; the services export, which at
50,000 services holds 1.2 million triples, with pyoxigraph from its scratch store in Turtle,
N-Triples and RDF/XML (rdflib took minutes), with rdflib in the other syntaxes. JSON-LD is
compacted with pvkg's prefixes as the context and keeps every language tag as ``{"@value": …,
"@language": "lv"}`` (a plain JSON string would lose it: STANDARDS.md §1.5).

>>> from rdflib import Graph, Literal, URIRef
>>> g = Graph()
>>> _ = g.add((URIRef("urn:s"), URIRef("http://purl.org/dc/terms/title"), Literal("x", lang="lv")))
>>> b'"@language": "lv"' in serialise(g, "jsonld")
True
"""

from __future__ import annotations

from pathlib import Path

import typer
from rdflib import Dataset, Graph

from pvkg.bootstrap import open_ready_store
from pvkg.catalog import PLACEHOLDER_BASE_URL, build_catalog, check_catalog_settings
from pvkg.cpsv_export import export_cpsv_store, scratch_graph
from pvkg.errors import UnsupportedFormat
from pvkg.namespaces import PREFIXES
from pvkg.output import write_output
from pvkg.settings import Settings
from pvkg.store import LocalStore

EXPORT_FORMATS: dict[str, str] = {
    "turtle": "turtle",
    "jsonld": "json-ld",
    "rdfxml": "pretty-xml",
    "nt": "nt",
    "nq": "nquads",
    "trig": "trig",
}
# The quad syntaxes hold the exported triples in the default graph (no graph name).
_QUAD_FORMATS = {"nq", "trig"}
MEDIA_TYPES: dict[str, str] = {
    "turtle": "text/turtle",
    "jsonld": "application/ld+json",
    "rdfxml": "application/rdf+xml",
    "nt": "application/n-triples",
    "nq": "application/n-quads",
    "trig": "application/trig",
}

__all__ = ["EXPORT_FORMATS", "MEDIA_TYPES", "export_cpsv", "export_dcat", "serialise"]


def serialise(graph: Graph, fmt: str) -> bytes:
    """``graph`` in one of :data:`EXPORT_FORMATS` (UTF-8 bytes).

    Raises:
        UnsupportedFormat: ``fmt`` is not turtle, jsonld, rdfxml, nt, nq or trig.
    """
    name = fmt.lower()
    if name not in EXPORT_FORMATS:
        raise UnsupportedFormat(
            f"unknown export format {fmt!r}; expected one of {', '.join(EXPORT_FORMATS)}"
        )
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=False)
    if name == "jsonld":
        used = {p: ns for p, ns in graph.namespace_manager.namespaces() if p}
        data = graph.serialize(format="json-ld", context=used, auto_compact=True, indent=2)
    elif name in _QUAD_FORMATS:
        dataset = Dataset()
        for prefix, namespace in graph.namespace_manager.namespaces():
            dataset.bind(prefix, namespace, override=False)
        dataset.default_context += graph
        data = dataset.serialize(format=EXPORT_FORMATS[name])
    else:
        data = graph.serialize(format=EXPORT_FORMATS[name])
    return data.encode("utf-8") if isinstance(data, str) else data


def export_dcat(
    settings: Settings, fmt: str, output: Path | None, *, in_memory: bool = False
) -> int:
    """Write the DCAT-AP 3.0.1 catalogue (:func:`pvkg.catalog.build_catalog`); returns 0.

    URLs in it start with ``settings.base_url`` (``PVKG_BASE_URL``); without it they are
    placeholders (:data:`pvkg.catalog.PLACEHOLDER_BASE_URL`) and a warning says so on stderr.

    Raises:
        UnsupportedFormat: unknown ``fmt``.
        InputError: the catalogue publisher or licence setting names nothing the store knows.
        StoreError: the store cannot be read.
        OutputError: ``output`` cannot be written.
    """
    serialise(Graph(), fmt)  # fail on a bad format before opening the store
    if not settings.base_url:
        typer.echo(
            f"warning: PVKG_BASE_URL is not set: the catalogue's URLs are placeholders "
            f"({PLACEHOLDER_BASE_URL}/…) that no harvester can reach; set it to the public URL "
            "of pvkg serve, for example: PVKG_BASE_URL=https://pvkg.varam.gov.lv pvkg export dcat",
            err=True,
        )
    with open_ready_store(settings, in_memory=in_memory) as store:
        check_catalog_settings(store, settings)
        graph = build_catalog(store, settings)
    write_output(serialise(graph, fmt), output)
    return 0


def export_cpsv(
    settings: Settings,
    fmt: str,
    output: Path | None,
    institution_id: str | None = None,
    *,
    in_memory: bool = False,
) -> int:
    """Write the CPSV-AP 3.2.0 export (:func:`pvkg.cpsv_export.export_cpsv`); returns 0.

    Args:
        settings: which store to read.
        fmt: turtle, jsonld, rdfxml, nt, nq or trig.
        output: file to write; None writes to stdout.
        institution_id: only this institution's portfolio (one file ``pvkg load`` reads back).

    Raises:
        UnsupportedFormat: unknown ``fmt``.
        StoreError: the store cannot be read.
        OutputError: ``output`` cannot be written.
    """
    serialise(Graph(), fmt)
    with open_ready_store(settings, in_memory=in_memory) as store:
        scratch = export_cpsv_store(store, institution_id)
    try:
        data = _serialise_scratch(scratch, fmt)
    finally:
        scratch.close()
    write_output(data, output)
    return 0


_OXIGRAPH_SYNTAXES = {"turtle", "nt", "rdfxml"}  # (JSON-LD: rdflib's compacted context)


def _serialise_scratch(scratch: LocalStore, fmt: str) -> bytes:
    """The scratch store's default graph in ``fmt``, as :func:`serialise` would write it."""
    name = fmt.lower()
    if name in _OXIGRAPH_SYNTAXES:
        return scratch.serialize_graph(None, name)
    return serialise(scratch_graph(scratch), name)
