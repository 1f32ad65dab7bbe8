"""Curated queries: ``queries/*.rq`` files with a grlc-style ``#+`` YAML header.

Header keys: ``summary`` (required), ``description``, ``tags`` (required), ``params`` (a list
of ``{name, type, default, description}``). Parameter types:

=====================  ==============================================================
``string``             a plain literal
``integer``/``decimal``/``boolean``/``date``   typed literals, checked
``iri``                an absolute IRI
``institution``        a pvkg institution id (``finansu-ministrija``) or its IRI
``concept:<scheme>``   a code of that scheme (``ROLE05``) or the concept IRI
=====================  ==============================================================

Values other than ``string`` are trimmed; institution ids and concept codes are matched
case-insensitively (``role05`` is ``ROLE05``, ``Finansu-Ministrija`` is ``finansu-ministrija``),
and must name something the store holds (``known_values.py``: a misspelt id would otherwise give
an empty answer that reads as "no problem found"). Booleans are ``true``/``false``, ``1``/``0``,
``jā``/``nē`` or ``yes``/``no``; dates are ``YYYY-MM-DD``. A parameter is given once (a repeated
one is refused, not "the last one wins"); ``format`` is reserved for the HTTP API's result format.

A parameter left out takes its default; without a default the variable stays unbound, which the
query treats as "no filter". Values are bound as RDF terms by the store (``VALUES``), never
pasted into the query text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml
from rdflib import Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from pvkg.errors import InputError, ParameterError, UnknownQuery
from pvkg.known_values import GivenValue, require_known
from pvkg.namespaces import ID, concept, institution_iri
from pvkg.store import SelectResult, Store, is_bindable_iri

_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9.\-]*")
_SIMPLE_TYPES = ("string", "integer", "decimal", "boolean", "date", "iri", "institution")
# The code schemes of ontology/ and reference/ whose codes are lower case (certainty/confirmed,
# institution-kind/ministry, score-dimension/needs); every other scheme's codes are upper case
# (ROLE05, PU2-1, ST-PUB-IND).
# tests/queries/test_rules_params.py checks this against the shipped files.
_LOWER_CASE_SCHEMES = frozenset({"certainty", "institution-kind", "score-dimension"})
_BOOLEANS = {
    **dict.fromkeys(("true", "1", "jā", "ja", "yes"), True),
    **dict.fromkeys(("false", "0", "nē", "ne", "no"), False),
}
# The HTTP API's result format (``GET /queries/NAME?format=csv``): no query may declare it.
FORMAT_PARAMETER = "format"


def single_values(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Parameter pairs as a dict, refusing a name given twice (``?n=3&n=1``) instead of letting
    the last one silently win.

    >>> single_values([("n", "3"), ("n", "1")])
    Traceback (most recent call last):
    pvkg.errors.ParameterError: parameter n is given 2 times ('3', '1'); give it once
    """
    values: dict[str, list[str]] = {}
    for name, value in pairs:
        values.setdefault(name, []).append(value)
    for name, given in values.items():
        if len(given) > 1:
            shown = ", ".join(repr(v) for v in given)
            raise ParameterError(
                f"parameter {name} is given {len(given)} times ({shown}); give it once"
            )
    return {name: given[0] for name, given in values.items()}


def canonical_code(scheme: str, code: str) -> str:
    """A code as its scheme spells it, whatever case a user typed it in.

    >>> canonical_code("role", " role05 "), canonical_code("certainty", "Confirmed")
    ('ROLE05', 'confirmed')
    """
    code = code.strip()
    return code.lower() if scheme in _LOWER_CASE_SCHEMES else code.upper()


@dataclass(frozen=True)
class QueryParameter:
    """One declared parameter of a curated query."""

    name: str
    type: str = "string"
    default: str | None = None
    description: str = ""

    @property
    def is_reference(self) -> bool:
        """Whether values name something the store must hold (an institution, a concept)."""
        return self.type == "institution" or self.type.startswith("concept:")

    def to_term(self, raw: str) -> Node:
        """Turn a user-given text into the RDF term the query expects.

        Raises:
            ParameterError: the text is not a value of the declared type; the message names
                the parameter and shows the value as typed.
        """
        kind = self.type
        if kind != "string":  # a code or number typed with a space around it is that value
            raw = raw.strip()
        if kind == "string":
            return Literal(raw)
        if kind in ("integer", "decimal", "boolean", "date"):
            return self._typed_literal(kind, raw)
        if kind == "iri":
            if not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:\S+$", raw):
                raise ParameterError(f"parameter {self.name}: {raw!r} is not an absolute IRI")
            return self._iri(raw)
        if kind == "institution":
            if raw.startswith(str(ID)):
                return self._iri(raw)
            if not re.match(r"^[a-z0-9][a-z0-9-]*$", raw.lower()):  # lower-case slugs
                raise ParameterError(
                    f"parameter {self.name}: {raw!r} is not an institution id such as "
                    "finansu-ministrija"
                )
            return institution_iri(raw.lower())
        scheme = kind.removeprefix("concept:")
        prefix = f"{ID}{scheme}/"
        if raw.startswith(prefix) and _CODE.fullmatch(raw[len(prefix) :]):
            return concept(scheme, canonical_code(scheme, raw[len(prefix) :]))
        if raw.startswith(str(ID)):
            return self._iri(raw)
        if not _CODE.fullmatch(raw):
            raise ParameterError(f"parameter {self.name}: {raw!r} is not a {scheme} code")
        return concept(scheme, canonical_code(scheme, raw))

    def _typed_literal(self, kind: str, raw: str) -> Literal:
        """An integer, decimal, boolean or date literal, or a message saying the expected form."""
        try:
            if kind == "integer":
                return Literal(int(raw), datatype=XSD.integer)
            if kind == "decimal":
                return Literal(Decimal(raw), datatype=XSD.decimal)
            if kind == "boolean":
                return Literal(_BOOLEANS[raw.lower()], datatype=XSD.boolean)
            return Literal(date.fromisoformat(raw), datatype=XSD.date)
        except (ValueError, InvalidOperation, KeyError):
            expected = {
                "integer": "a whole number such as 3",
                "decimal": "a number such as 2.5",
                "boolean": "true/false, 1/0, jā/nē or yes/no",
                "date": "a date as YYYY-MM-DD, such as 2026-01-12",
            }[kind]
            raise ParameterError(
                f"parameter {self.name}: {raw!r} is not a valid {kind}; expected {expected}"
            ) from None

    def _iri(self, raw: str) -> URIRef:
        if not is_bindable_iri(raw):  # (named here: the binding's own error names no parameter)
            raise ParameterError(f"parameter {self.name}: {raw!r} is not a valid IRI")
        return URIRef(raw)


@dataclass(frozen=True)
class CuratedQuery:
    """A parsed ``.rq`` file."""

    name: str
    path: Path
    summary: str
    description: str
    tags: tuple[str, ...]
    params: tuple[QueryParameter, ...]
    sparql: str = field(repr=False)

    def bindings(self, given: Mapping[str, str]) -> dict[str, Node]:
        """Typed bindings for the given parameters plus defaults (an empty value is a value
        left out: it takes the declared default, or means no filter).

        Raises:
            ParameterError: an unknown parameter or a value of the wrong type.
        """
        declared = {p.name: p for p in self.params}
        unknown = sorted(set(given) - set(declared))
        if unknown:
            known = ", ".join(declared) or "none"
            raise ParameterError(
                f"query {self.name} has no parameter {', '.join(unknown)}; parameters: {known}"
            )
        result: dict[str, Node] = {}
        for param in self.params:
            raw = given.get(param.name)
            if raw is None or not str(raw).strip():  # left out or empty (``?min_services=``)
                raw = param.default
            if raw is not None and raw != "":
                result[param.name] = param.to_term(str(raw))
        return result

    def checked_bindings(self, store: Store, given: Mapping[str, str]) -> dict[str, Node]:
        """:meth:`bindings`, with every institution id and concept code given checked against
        the store (one ASK; defaults are the query's own and not checked).

        Raises:
            ParameterError: as :meth:`bindings`, or a value naming nothing in the store.
        """
        result = self.bindings(given)
        references = [
            GivenValue(p.name, p.type, str(given[p.name]).strip(), URIRef(result[p.name]))
            for p in self.params
            if p.is_reference and str(given.get(p.name) or "").strip()
        ]
        require_known(store, references)
        return result

    def describe(self) -> dict[str, Any]:
        """The query's metadata as JSON-ready data (for ``GET /queries``)."""
        return {
            "name": self.name,
            "summary": self.summary,
            "description": self.description,
            "tags": list(self.tags),
            "params": [
                {"name": p.name, "type": p.type, "default": p.default, "description": p.description}
                for p in self.params
            ],
        }


def parse_query_file(path: Path) -> CuratedQuery:
    """Read one ``.rq`` file and its ``#+`` header.

    Raises:
        InputError: the header is missing required keys or is not valid YAML.
    """
    text = path.read_text(encoding="utf-8")
    header_lines = [
        line[2:].removeprefix(" ") for line in text.splitlines() if line.startswith("#+")
    ]
    try:
        header = yaml.safe_load("\n".join(header_lines)) or {}
    except yaml.YAMLError as err:
        raise InputError(f"{path}: the #+ header is not valid YAML: {err}") from None
    if not isinstance(header, dict) or "summary" not in header or "tags" not in header:
        raise InputError(f"{path}: the #+ header needs at least 'summary' and 'tags'")
    params = []
    for item in header.get("params") or []:
        if str(item.get("name")) == FORMAT_PARAMETER:
            raise InputError(f"{path}: parameter name {FORMAT_PARAMETER!r} is reserved (?format=)")
        kind = str(item.get("type", "string"))
        if kind not in _SIMPLE_TYPES and not kind.startswith("concept:"):
            raise InputError(f"{path}: parameter {item.get('name')!r} has unknown type {kind!r}")
        default = item.get("default")
        params.append(
            QueryParameter(
                name=str(item["name"]),
                type=kind,
                default=None if default is None else str(default),
                description=str(item.get("description", "")),
            )
        )
    return CuratedQuery(
        name=path.stem,
        path=path,
        summary=str(header["summary"]),
        description=str(header.get("description", "")).strip(),
        tags=tuple(str(t) for t in header.get("tags") or ()),
        params=tuple(params),
        sparql=text,
    )


def list_queries(queries_dir: Path) -> list[CuratedQuery]:
    """Every curated query, sorted by name."""
    return [parse_query_file(p) for p in sorted(queries_dir.glob("*.rq"))]


def find_query(queries_dir: Path, name: str) -> CuratedQuery:
    """The curated query called ``name``.

    Raises:
        UnknownQuery: there is no such query (the message lists the known ones).
    """
    if _NAME.match(name):
        path = queries_dir / f"{name}.rq"
        if path.is_file():
            return parse_query_file(path)
    known = ", ".join(q.name for q in list_queries(queries_dir))
    raise UnknownQuery(f"no curated query named {name!r}; known queries: {known}")


def run_curated(
    store: Store, query: CuratedQuery, params: Mapping[str, str], *, timeout_s: float | None = None
) -> SelectResult:
    """Run a curated SELECT query with typed, safely bound parameters.

    Raises:
        ParameterError: bad parameters, or an institution id or code the store does not hold.
        InputError: the query is not a SELECT query.
    """
    bindings = query.checked_bindings(store, params)
    answer = store.query(query.sparql, bindings=bindings, timeout_s=timeout_s)
    if not isinstance(answer, SelectResult):
        raise InputError(f"curated query {query.name} must be a SELECT query")
    return answer
