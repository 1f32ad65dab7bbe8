"""Audit records for writes that are not portfolio submissions (issue 9 §5).

Every accepted SPARQL Update and Graph Store write adds a ``prov:Activity`` to the registry
graph (bookkeeping: not in the default graph), saying who (the token's identity), when, and what
(the SHA-256 of the update text; the graph written or deleted). Portfolio versions
carry their own provenance (``pvkg.portfolios``).

For SPARQL Update the record is appended to the request itself, so that the update and its
record are one transaction; for Graph Store writes it is written right after the write.
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, datetime

from pvkg.namespaces import ID, PV, REGISTRY_GRAPH
from pvkg.store import Store
from pvkg.store._inspect import tokens

PROV = "http://www.w3.org/ns/prov#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"


def _literal(text: str) -> str:
    escaped = (
        text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    )
    return f'"{escaped}"'


def _activity(who: str, label: str, facts: list[str]) -> str:
    activity = f"<{ID}activity/{uuid.uuid4()}>"
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    lines = [
        f"{activity} a <{PROV}Activity> ;",
        f"  <{RDFS}label> {_literal(label)} ;",
        f"  <{PROV}wasAssociatedWith> {_literal(who)} ;",
        f'  <{PROV}endedAtTime> "{now}"^^<{XSD}dateTime>',
    ]
    lines.extend(f"  ; {fact}" for fact in facts)
    return f"INSERT DATA {{ GRAPH <{REGISTRY_GRAPH}> {{\n" + "\n".join(lines) + " .\n} }"


def with_update_record(update: str, who: str) -> str:
    """The update text followed by the INSERT DATA of its own audit record (one request)."""
    data = update.encode("utf-8")
    record = _activity(
        who,
        "SPARQL Update",
        [f"<{PV}sha256> {_literal(hashlib.sha256(data).hexdigest())}"],
    )
    significant = tokens(update)
    separator = "\n" if significant and significant[-1].text == ";" else "\n;\n"
    if not significant:
        return record
    return f"{update}{separator}{record}"


def record_graph_write(store: Store, who: str, method: str, graph: str | None) -> None:
    """Record a Graph Store write (after it succeeded).

    Raises:
        StoreError: the record could not be written.
    """
    target = f"<{graph}>" if graph else f"<{PV}defaultGraph>"
    relation = "invalidated" if method == "DELETE" else "generated"
    store.update(_activity(who, f"Graph Store Protocol {method}", [f"<{PROV}{relation}> {target}"]))
