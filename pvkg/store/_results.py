"""SPARQL result serialisation straight from pyoxigraph terms, with a row cap.

SELECT and ASK results are written here (JSON, XML, CSV, TSV per the W3C result-format specs),
except a whole SELECT answer in JSON: pyoxigraph's own writer gives the same bytes as
:func:`_json` about twenty times faster (manager_load's 6,052 rows at 50k services: 4 ms against
86 ms), and its rows are counted in the written text afterwards, since pyoxigraph cannot stop
after N rows. Its XML (``'`` as ``&apos;``), TSV (short forms of typed literals) and CSV (IRIs
with a comma left unquoted) differ from the writers here, so those stay in Python: an answer's
bytes do not depend on which path it took. Graph results use pyoxigraph's serialisers.

* JSON: https://www.w3.org/TR/sparql11-results-json/
* XML: https://www.w3.org/TR/rdf-sparql-XMLres/
* CSV/TSV: https://www.w3.org/TR/sparql11-results-csv-tsv/
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from json.encoder import encode_basestring as _quote  # json.dumps' own escaping
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from pvkg.errors import PayloadTooLarge, UnsupportedFormat
from pvkg.store._formats import rdf_format

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


@dataclass(frozen=True)
class ResultFormat:
    """A SPARQL results syntax: its name and canonical media type."""

    name: str
    media_type: str


RESULT_FORMATS: tuple[ResultFormat, ...] = (
    ResultFormat("json", "application/sparql-results+json"),
    ResultFormat("xml", "application/sparql-results+xml"),
    ResultFormat("csv", "text/csv"),
    ResultFormat("tsv", "text/tab-separated-values"),
)
_RESULT_BY_MEDIA = {f.media_type: f for f in RESULT_FORMATS}
_RESULT_BY_MEDIA.update(
    {
        "application/json": _RESULT_BY_MEDIA["application/sparql-results+json"],
        "application/xml": _RESULT_BY_MEDIA["application/sparql-results+xml"],
        "text/xml": _RESULT_BY_MEDIA["application/sparql-results+xml"],
    }
)


def result_format(media_type: str) -> ResultFormat:
    """The results syntax for a media type.

    Raises:
        UnsupportedFormat: not a SPARQL results media type.
    """
    key = media_type.split(";")[0].strip().lower()
    found = _RESULT_BY_MEDIA.get(key)
    if found is None:
        raise UnsupportedFormat(f"not a SPARQL results media type: {media_type!r}")
    return found


def too_large(max_rows: int) -> PayloadTooLarge:
    """The error for a result over the cap."""
    return PayloadTooLarge(
        f"the result has more than {max_rows} rows (max_result_rows); "
        "add a LIMIT or narrow the query"
    )


def serialize_boolean(value: bool, media_type: str) -> bytes:
    """An ASK answer in JSON, XML, CSV or TSV.

    The CSV/TSV spec defines no boolean result: it is written as Oxigraph server (and
    pyoxigraph's ``QueryBoolean.serialize``) writes it, the bare word, so that the embedded
    store and a ``--store-url`` Oxigraph answer alike.

    >>> serialize_boolean(False, "text/csv")
    b'false'
    """
    fmt = result_format(media_type)
    word = "true" if value else "false"
    if fmt.name == "json":
        return json.dumps({"head": {}, "boolean": value}).encode()
    if fmt.name == "xml":
        return (
            '<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
            f"<head/><boolean>{word}</boolean></sparql>"
        ).encode()
    return word.encode()


def serialize_triples(triples: Iterable[ox.Triple], media_type: str, max_rows: int | None) -> bytes:
    """A CONSTRUCT/DESCRIBE answer in an RDF syntax, refusing more than ``max_rows`` triples."""
    info = rdf_format(media_type)
    if info.quads:
        raise UnsupportedFormat(f"a graph result cannot be written as {info.name}")
    collected = []
    for triple in triples:
        collected.append(triple)
        if max_rows is not None and len(collected) > max_rows:
            raise too_large(max_rows)
    from pvkg.namespaces import PREFIXES

    prefixes = PREFIXES if info.name in ("turtle",) else None
    return ox.serialize(collected, format=info.oxigraph, prefixes=prefixes) or b""


def serialize_solutions(
    variables: Sequence[str],
    solutions: Iterable[ox.QuerySolution],
    media_type: str,
    max_rows: int | None,
) -> bytes:
    """SELECT solutions in JSON, XML, CSV or TSV, refusing more than ``max_rows`` rows."""
    fmt = result_format(media_type)
    if fmt.name == "json" and isinstance(solutions, ox.QuerySolutions):
        return _native_json(solutions, max_rows)
    rows: list[list[object]] = []
    for solution in solutions:
        rows.append([solution[v] for v in variables])
        if max_rows is not None and len(rows) > max_rows:
            # (pyoxigraph answers may only be dropped on their own thread: the traceback would
            # carry this frame, and them, to the thread that handles the error)
            del rows, solution, solutions
            raise too_large(max_rows)
    writer = {"json": _json, "xml": _xml, "csv": _csv, "tsv": _tsv}[fmt.name]
    return writer(list(variables), rows)


ROW_BYTES_GUARD = 4096
GUARD_FLOOR_BYTES = 256 * 1024**2
"""With a row cap, pyoxigraph's writer is stopped once the answer passes ``max_rows`` times
:data:`ROW_BYTES_GUARD` bytes, and at least :data:`GUARD_FLOOR_BYTES` (rows are counted only
when it is done): the worker's memory stays bounded, and a small cap with long values is still
a row cap."""


class _Oversize(Exception):
    """Raised inside pyoxigraph's writer to stop it."""


class _BoundedBody:
    """The file pyoxigraph writes an answer into, refusing more than ``limit`` bytes."""

    def __init__(self, limit: int | None) -> None:
        self.parts: list[bytes] = []
        self.size = 0
        self.limit = limit

    def write(self, data: bytes) -> int:
        self.size += len(data)
        if self.limit is not None and self.size > self.limit:
            raise _Oversize
        self.parts.append(data)
        return len(data)

    def flush(self) -> None:
        """Nothing is buffered here."""


def _native_json(solutions: ox.QuerySolutions, max_rows: int | None) -> bytes:
    """A whole SELECT answer in JSON by pyoxigraph's writer, refusing more than ``max_rows``
    rows, or more bytes than the guard allows (:data:`GUARD_FLOOR_BYTES`)."""
    limit = None if max_rows is None else max(GUARD_FLOOR_BYTES, max_rows * ROW_BYTES_GUARD)
    body = _BoundedBody(limit)
    oversize = False
    try:
        solutions.serialize(body, ox.QueryResultsFormat.JSON)
    except _Oversize:
        oversize = True
    # pyoxigraph answers may only be dropped on the thread that made them; an exception's
    # traceback would carry this frame (and the answer) to the thread that handles it
    del solutions
    if oversize:
        size = limit or 0
        shown = f"{size / 1024**2:.0f} MiB" if size >= 1024**2 else f"{size / 1024:.0f} KiB"
        raise PayloadTooLarge(f"the result is larger than {shown}; add a LIMIT or narrow the query")
    text = b"".join(body.parts)
    if max_rows is not None and json_row_count(text) > max_rows:
        raise too_large(max_rows)
    return text


# A row after the first: ``},{"`` then a variable's first character. In compact JSON a string
# holds no unescaped ``"``, so inside a string this can only be its last three characters, and a
# string is followed by one of ``,}]:``, never by a variable name. Elsewhere ``{`` follows ``:``.
_NEXT_ROW = re.compile(rb'\},\{"[^,}\]:]')
_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"')


def json_row_count(body: bytes) -> int:
    """The number of rows of a compact SPARQL JSON SELECT answer (as pyoxigraph writes it).

    >>> json_row_count(b'{"head":{"vars":["x"]},"results":{"bindings":[]}}')
    0
    >>> json_row_count(b'{"head":{"vars":["x"]},"results":{"bindings":[{},{}]}}')
    2
    >>> row = b'{"x":{"type":"literal","value":"},{\\\\"y\\\\":{}"}}'
    >>> head = b'{"head":{"vars":["x"]},"results":{"bindings":['
    >>> json_row_count(head + row + b"," + row + b"]}}")
    2
    """
    if b'"bindings":[]' in body:
        return 0
    if b"{}" not in body:  # no empty row, and no string that looks like one
        return 1 + len(_NEXT_ROW.findall(body))
    # Rare (an empty row, or a value with "{}" in it): drop the strings, then every "},{" left
    # separates two rows (terms and their parts are separated by "},:" once keys are gone).
    return 1 + _JSON_STRING.sub(b"", body).count(b"},{")


def _json_term(term: object) -> dict[str, object]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out: dict[str, object] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    if isinstance(term, ox.Triple):
        return {
            "type": "triple",
            "value": {
                "subject": _json_term(term.subject),
                "predicate": _json_term(term.predicate),
                "object": _json_term(term.object),
            },
        }
    return {"type": "literal", "value": str(term)}


def _json_term_text(term: object) -> str:
    """``_json_term`` written as compact JSON text, without building the dictionary."""
    if isinstance(term, ox.NamedNode):
        return '{"type":"uri","value":' + _quote(term.value) + "}"
    if isinstance(term, ox.Literal):
        value = '{"type":"literal","value":' + _quote(term.value)
        if term.language:
            return value + ',"xml:lang":' + _quote(term.language) + "}"
        if term.datatype.value != XSD_STRING:
            return value + ',"datatype":' + _quote(term.datatype.value) + "}"
        return value + "}"
    return json.dumps(_json_term(term), ensure_ascii=False, separators=(",", ":"))


def _json(variables: list[str], rows: list[list[object]]) -> bytes:
    """The same bytes as ``json.dumps`` of the results document (compact, UTF-8), written
    term by term with each distinct term encoded once: answers repeat terms (an institution on
    each of its rows), and this was 2-3.5x faster on 3,000-9,000-row curated answers."""
    keys = [_quote(v) + ":" for v in variables]
    encoded: dict[object, str] = {}
    parts = []
    for row in rows:
        items = []
        for key, term in zip(keys, row, strict=True):
            if term is None:
                continue
            text = encoded.get(term)
            if text is None:
                text = encoded[term] = _json_term_text(term)
            items.append(key + text)
        parts.append("{" + ",".join(items) + "}")
    head = "[" + ",".join(_quote(v) for v in variables) + "]"
    body = '{"head":{"vars":' + head + '},"results":{"bindings":[' + ",".join(parts) + "]}}"
    return body.encode("utf-8")


def _xml_term(term: object) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
        if term.datatype.value != XSD_STRING:
            return (
                f"<literal datatype={quoteattr(term.datatype.value)}>{escape(term.value)}</literal>"
            )
        return f"<literal>{escape(term.value)}</literal>"
    return f"<literal>{escape(str(term))}</literal>"


def _xml(variables: list[str], rows: list[list[object]]) -> bytes:
    out = io.StringIO()
    out.write('<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">')
    out.write("<head>")
    for v in variables:
        out.write(f"<variable name={quoteattr(v)}/>")
    out.write("</head><results>")
    for row in rows:
        out.write("<result>")
        for v, t in zip(variables, row, strict=True):
            if t is not None:
                out.write(f"<binding name={quoteattr(v)}>{_xml_term(t)}</binding>")
        out.write("</result>")
    out.write("</results></sparql>")
    return out.getvalue().encode("utf-8")


def _csv_value(term: object) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode | ox.Literal):
        text = term.value
    elif isinstance(term, ox.BlankNode):
        text = f"_:{term.value}"
    else:
        text = str(term)
    if any(c in text for c in ',"\r\n'):
        text = '"' + text.replace('"', '""') + '"'
    return text


def _csv(variables: list[str], rows: list[list[object]]) -> bytes:
    lines = [",".join(variables)]
    lines.extend(",".join(_csv_value(t) for t in row) for row in rows)
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def _tsv(variables: list[str], rows: list[list[object]]) -> bytes:
    lines = ["\t".join(f"?{v}" for v in variables)]
    lines.extend("\t".join("" if t is None else str(t) for t in row) for row in rows)
    return ("\n".join(lines) + "\n").encode("utf-8")
