"""RDF serialisation formats as plain data: names, media types, file extensions."""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from pvkg.errors import UnsupportedFormat


@dataclass(frozen=True)
class RdfFormatInfo:
    """One RDF syntax pvkg reads or writes."""

    name: str
    media_type: str
    extensions: tuple[str, ...]
    oxigraph: ox.RdfFormat
    rdflib: str
    quads: bool = False


RDF_FORMATS: tuple[RdfFormatInfo, ...] = (
    RdfFormatInfo("turtle", "text/turtle", (".ttl",), ox.RdfFormat.TURTLE, "turtle"),
    RdfFormatInfo("nt", "application/n-triples", (".nt",), ox.RdfFormat.N_TRIPLES, "nt"),
    RdfFormatInfo(
        "rdfxml", "application/rdf+xml", (".rdf", ".owl", ".xml"), ox.RdfFormat.RDF_XML, "xml"
    ),
    RdfFormatInfo("jsonld", "application/ld+json", (".jsonld",), ox.RdfFormat.JSON_LD, "json-ld"),
    RdfFormatInfo(
        "nq", "application/n-quads", (".nq",), ox.RdfFormat.N_QUADS, "nquads", quads=True
    ),
    RdfFormatInfo("trig", "application/trig", (".trig",), ox.RdfFormat.TRIG, "trig", quads=True),
)

_BY_NAME = {f.name: f for f in RDF_FORMATS}
_BY_NAME.update({"ttl": _BY_NAME["turtle"], "n-triples": _BY_NAME["nt"], "xml": _BY_NAME["rdfxml"]})
_BY_MEDIA = {f.media_type: f for f in RDF_FORMATS}
_BY_MEDIA.update(
    {
        "application/x-turtle": _BY_NAME["turtle"],
        "text/plain": _BY_NAME["nt"],
        "application/json": _BY_NAME["jsonld"],
        "application/xml": _BY_NAME["rdfxml"],
        "text/xml": _BY_NAME["rdfxml"],
        "text/n-quads": _BY_NAME["nq"],
    }
)


def rdf_format(name_or_media_type: str) -> RdfFormatInfo:
    """Look up a format by short name (``turtle``) or media type (``text/turtle``).

    Raises:
        UnsupportedFormat: the name or media type is not an RDF syntax pvkg knows.
    """
    key = name_or_media_type.split(";")[0].strip().lower()
    found = _BY_NAME.get(key) or _BY_MEDIA.get(key)
    if found is None:
        known = ", ".join(f.name for f in RDF_FORMATS)
        raise UnsupportedFormat(
            f"unknown RDF format {name_or_media_type!r}; expected one of {known}"
        )
    return found


def rdf_format_for_path(path: str) -> RdfFormatInfo | None:
    """The RDF format a file name's extension says, or None when it is not an RDF file."""
    lower = path.lower()
    for info in RDF_FORMATS:
        if lower.endswith(info.extensions):
            return info
    return None
