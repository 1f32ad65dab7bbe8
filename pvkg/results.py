"""SELECT results as SPARQL 1.1 JSON, CSV and a plain-text table."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from pvkg.store import SelectResult

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def _json_term(term: Node) -> dict[str, str]:
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    assert isinstance(term, Literal)
    out = {"type": "literal", "value": str(term)}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype is not None and str(term.datatype) != XSD_STRING:
        out["datatype"] = str(term.datatype)
    return out


def to_sparql_json(result: SelectResult) -> dict[str, Any]:
    """The W3C SPARQL 1.1 Query Results JSON document."""
    bindings = [
        {var: _json_term(value) for var, value in row.items() if value is not None}
        for row in result.dicts()
    ]
    return {"head": {"vars": result.variables}, "results": {"bindings": bindings}}


def to_json_bytes(result: SelectResult) -> bytes:
    """SPARQL 1.1 JSON as UTF-8 bytes (Latvian letters kept, not escaped)."""
    return json.dumps(to_sparql_json(result), ensure_ascii=False, indent=1).encode("utf-8")


def to_csv(result: SelectResult) -> str:
    """The W3C SPARQL 1.1 CSV results format (plain values, CRLF line ends)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(result.variables)
    for row in result.rows:
        writer.writerow(["" if value is None else str(value) for value in row])
    return out.getvalue()


def to_table(result: SelectResult, *, max_width: int = 60) -> str:
    """A fixed-width text table for terminals; long values are cut with an ellipsis."""

    def show(value: Node | None) -> str:
        text = "" if value is None else str(value)
        return text if len(text) <= max_width else text[: max_width - 1] + "…"

    rows = [[show(v) for v in row] for row in result.rows]
    widths = [max([len(var), *(len(r[i]) for r in rows)]) for i, var in enumerate(result.variables)]
    line = "  ".join(var.ljust(w) for var, w in zip(result.variables, widths, strict=True))
    rule = "  ".join("-" * w for w in widths)
    body = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    footer = f"({len(rows)} row{'s' if len(rows) != 1 else ''})"
    return "\n".join([line, rule, *body, footer])
