"""CPSV-AP 3.2.0 RDF portfolios (.ttl, .jsonld, .rdf, .nt) mapped onto the pvkg model.

A portfolio is a ``dcat:Dataset`` with ``dct:hasPart`` services (STANDARDS.md §2). Status, service
type and role concepts are recognised by our IRI, by ``skos:notation`` (the DOMAIN.md code) or by
their Latvian ``skos:prefLabel`` (roles: any of the ten, by English label too, see
:mod:`loaders.roles`); every role reference that is kept (``org:role``, ``cv:role``,
``dcat:hadRole`` …) becomes our role IRI, which the shapes match. Managers follow the ORG post
pattern: ``cv:hasParticipation`` (role ROLE05) → ``cv:hasParticipant`` post → its holder
(``org:heldBy``, or ``org:holds`` from the person), and ``prov:qualifiedAttribution`` (role
ROLE04) on the dataset. Services, the dataset and the institution get our IRIs; everything else
in the file is kept, with blank nodes skolemised.

A file with CPSV-AP services but no ``dcat:Dataset`` (such as the official CPSV-AP example) is
read as the portfolio of the services' competent authority, with a warning.
"""

from __future__ import annotations

import json
import re
import unicodedata
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urljoin

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.namespace import DCAT, DCTERMS, FOAF, ORG, PROV, RDF, SKOS
from rdflib.term import Node

from loaders.headers import TYPE_FIELDS
from loaders.identity import genid_iri, institution_slug, service_iri, unique_ids
from loaders.mapping import NO_INSTITUTION, PortfolioRecord, ServiceRecord, SourceCell
from loaders.normalise import normalise_priority, normalise_status
from loaders.ntriples import language
from loaders.roles import ROLE_PROPERTIES, role_table
from loaders.tabular import Resolver, canonical_name
from pvkg.errors import (
    Location,
    PayloadTooLarge,
    RowError,
    RowProblem,
    SourceSyntaxError,
    TooDeeplyNested,
)
from pvkg.namespaces import (
    ADMS,
    CPSV,
    CV,
    ID,
    PRIORITY,
    PV,
    ROLE,
    ROLE_PORTFOLIO_MANAGER,
    ROLE_SERVICE_MANAGER,
    SERVICE_TYPE,
    STATUS,
    concept,
    institution_iri,
    portfolio_iri,
)
from pvkg.nesting import check_nesting
from pvkg.settings import Settings

RDFLIB_FORMATS = {"turtle": "turtle", "nt": "nt", "jsonld": "json-ld", "rdfxml": "xml"}
RDF_LANGSTRING = URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#langString")

TYPE_LABELS = {
    "publisks pakalpojums": "ST-PUB",
    "publiskais pakalpojums": "ST-PUB",
    "individuāla labuma pakalpojums": "ST-PUB-IND",
    "vispārēja labuma pakalpojums": "ST-PUB-GEN",
    "starpiestāžu pakalpojums": "ST-IA",
    "individuālas lietošanas pakalpojums": "ST-IA-IND",
    "koplietošanas pakalpojums": "ST-IA-SHR",
    "publiskās pārvaldes pakalpojumi": "ST-ALL",
}
TYPE_CODES = {"ST-ALL", "ST-PUB", "ST-IA", *TYPE_FIELDS.values()}
SERVICE_MAPPED = {
    DCTERMS.identifier,
    PV.registerServiceId,
    DCTERMS.title,
    ADMS.status,
    PV.submittedStatus,
    PV.priority,
    PV.satisfiesNeed,
    PV.serviceManager,
}
DATASET_MAPPED = {RDF.type, DCTERMS.publisher, DCTERMS.hasPart}
INSTITUTION_MAPPED = {DCTERMS.identifier, PV.portfolioManager}
SCHEMA_NAMESPACES = ("https://schema.org/", "http://schema.org/")
_NAME_PROPERTIES = (FOAF.name, *(URIRef(f"{ns}name") for ns in SCHEMA_NAMESPACES))
_GIVEN_NAMES = (
    FOAF.givenName,
    *(URIRef(f"{ns}givenName") for ns in SCHEMA_NAMESPACES),
    FOAF.firstName,
)
_FAMILY_NAMES = (
    FOAF.familyName,
    *(URIRef(f"{ns}familyName") for ns in SCHEMA_NAMESPACES),
    FOAF.lastName,
    FOAF.surname,
)
OUR_TYPES = {
    "service": {PV.Service, CPSV.PublicService},
    "dataset": {PV.Portfolio, DCAT.Dataset},
}


# -- parsing ---------------------------------------------------------------------------------


CONTEXTS = Path(__file__).parent / "contexts"
SEMIC = "https://semiceu.github.io/uri.semic.eu-generated"
LOCAL_CONTEXTS = {
    f"{SEMIC}/CPSV-AP/releases/3.2.0/context/cpsv-ap.jsonld": "cpsv-ap-3.2.0.jsonld",
}


def _local_context(url: str, filename: str) -> object:
    local = LOCAL_CONTEXTS.get(url.strip())
    if local is None:
        raise SourceSyntaxError(
            f"remote JSON-LD @context {url!r} is not fetched; put the context in the file",
            location=Location(file=filename),
        )
    return json.loads((CONTEXTS / local).read_text(encoding="utf-8"))["@context"]


def _with_local_contexts(node: object, filename: str) -> object:
    """The JSON-LD document with every remote ``@context`` replaced by a local copy."""
    if isinstance(node, list):
        return [_with_local_contexts(item, filename) for item in node]
    if not isinstance(node, dict):
        return node
    result = {}
    for key, value in node.items():
        if key == "@context":
            items = value if isinstance(value, list) else [value]
            items = [_local_context(i, filename) if isinstance(i, str) else i for i in items]
            result[key] = items if isinstance(value, list) else items[0]
        else:
            result[key] = _with_local_contexts(value, filename)
    return result


def _jsonld(data: bytes, filename: str) -> bytes:
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as err:
        raise SourceSyntaxError(
            "JSON-LD must be UTF-8",
            location=Location(file=filename, line=data.count(b"\n", 0, err.start) + 1),
        ) from None
    except json.JSONDecodeError as err:
        raise SourceSyntaxError(
            f"jsonld syntax error: {err.msg}", location=Location(file=filename, line=err.lineno)
        ) from None
    # (no RecursionError here: _parse has refused JSON nested deeper than pvkg.nesting allows)
    return json.dumps(_with_local_contexts(doc, filename)).encode("utf-8")


def _base(filename: str) -> str:
    """A fixed base IRI for relative IRIs, so a file parses the same on every machine."""
    return f"https://pvkg.lv/id/upload/{quote(filename, safe='')}/"


# RDF/XML nested deeper than this is refused before rdflib reads it: its parser's time grows
# with the cube of the depth (0.2 s at 200 nested parseType="Resource" elements, 1.6 s at 400,
# minutes at 5,000), and a portfolio is a few levels deep. Other syntaxes: pvkg.nesting's limit.
MAX_XML_DEPTH = 100


def _check_nesting(data: bytes, filename: str, fmt: str) -> None:
    """Refuse a file nested too deeply to be a portfolio, before a parser recurses into it.

    Raises:
        TooDeeplyNested: naming the file.
    """
    limit = MAX_XML_DEPTH if fmt == "rdfxml" else None
    try:
        check_nesting(data, fmt, limit=limit, where="the file")
    except TooDeeplyNested as err:
        err.location = Location(file=filename)
        raise


def _parse(data: bytes, filename: str, fmt: str) -> Graph:
    graph = Graph()
    _check_nesting(data, filename, fmt)
    if fmt == "jsonld":
        data = _jsonld(data, filename)
    try:
        graph.parse(data=data, format=RDFLIB_FORMATS[fmt], publicID=_base(filename))
    except Exception as err:  # rdflib's parsers raise many types; all mean "bad syntax"
        line = _error_line(err, data, fmt)
        message = getattr(err, "_why", None) or getattr(err, "msg", None) or str(err)
        raise SourceSyntaxError(
            f"{fmt} syntax error: {message}", location=Location(file=filename, line=line)
        ) from None
    return graph


def _error_line(err: Exception, data: bytes, fmt: str) -> int | None:
    text, offset = getattr(err, "_str", None), getattr(err, "_i", None)
    if isinstance(text, bytes | str) and isinstance(offset, int):
        # the Turtle parser's own ``lines`` count runs ahead after blank lines (line 7 of 4);
        # ``_i`` counts characters of the text it keeps as UTF-8 bytes: count in characters
        if isinstance(text, bytes):
            text = text.decode("utf-8", errors="replace")
        return text.count("\n", 0, offset) + 1
    if isinstance(getattr(err, "lines", None), int):
        return int(err.lines) + 1  # type: ignore[attr-defined]
    if isinstance(getattr(err, "lineno", None), int):
        return int(err.lineno)  # type: ignore[attr-defined]
    if hasattr(err, "getLineNumber"):
        return int(err.getLineNumber())  # type: ignore[attr-defined]
    if fmt == "nt":
        for number, line in enumerate(data.splitlines(), start=1):
            try:
                Graph().parse(data=line, format="nt")
            except Exception:
                return number
    return None


# -- where subjects are described ------------------------------------------------------------

# a prefixed name, escapes (``pvid:institution\/x``, as rdflib writes them) and %XX included;
# it does not end in ``.`` (that ends the statement)
_PN_CHAR = r"(?:[\w:-]|%[0-9A-Fa-f]{2}|\\[_~.!$&'()*+,;=/?#@%-])"
_PNAME = rf"(?:[^\W\d_][\w.-]*)?:(?:{_PN_CHAR}(?:(?:{_PN_CHAR}|\.)*{_PN_CHAR})?)?"
_TURTLE_TOKEN = re.compile(rf'<([^<>"{{}}|^`\\\s]*)>|({_PNAME})|("|\'|#)')
# JSON's strings and punctuation, and line breaks (which may not occur inside a string)
_JSON_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[{}\[\],]|\r\n|\r|\n')
# a string between double or single quotes, or the text of an XML element
_QUOTED = re.compile(r'"([^"\\]*(?:\\.[^"\\]*)*)"|\'([^\'\\]*(?:\\.[^\'\\]*)*)\'|>([^<>]+)<')
_XML_ID = re.compile(r'rdf:(?:about|resource)\s*=\s*"([^"]+)"')


_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
_TURTLE_BASE = re.compile(r"(?:@base|base)\s*<([^<>]*)>", re.IGNORECASE)
# @prefix / @base, or SPARQL-style PREFIX / BASE (any case), but not a subject ``base:x``
_TURTLE_DIRECTIVE = re.compile(r"@?(?:prefix|base)(?=[\s<])", re.IGNORECASE)


def _resolve(iri: str, base: str) -> str:
    """A relative IRI (``<s1>``, ``"id": "s1"``) resolved as the parser did; others as given."""
    if _SCHEME.match(iri) or iri.startswith("_:"):
        return iri
    return urljoin(base, iri)


def _first_lines(
    text: str, fmt: str, graph: Graph, base: str = "", facts: _FactLines | None = None
) -> dict[str, int]:
    """``term text -> first line`` where it starts a statement (NT exact, others best effort).

    ``base``: the IRI relative IRIs resolve against when the file sets none (:func:`_base`).
    ``facts``: filled, in the same pass, with what :meth:`_FactLines.of` needs.
    """
    found: dict[str, int] = {}
    prefixes = {p: str(ns) for p, ns in graph.namespace_manager.namespaces()}
    if facts is not None:
        facts.prefixes, facts.base = prefixes, base
    if fmt == "jsonld":
        id_keys, json_base, context_prefixes = _json_context(text, base)
        if facts is not None:
            facts.prefixes = {**prefixes, **context_prefixes}
        return _json_first_lines(
            text,
            {**prefixes, **context_prefixes},
            id_keys=id_keys,
            base=json_base,
            keys=None if facts is None else facts.json_keys,
        )
    if fmt == "rdfxml":
        references: dict[str, int] = {}
        for number, line in enumerate(text.splitlines(), start=1):
            for match in _XML_ID.finditer(line):
                term = _resolve(_expand(match.group(1), prefixes), base)
                # rdf:resource="x" only refers to a node described elsewhere
                if "rdf:resource" in match.group(0):
                    references.setdefault(term, number)
                else:
                    found.setdefault(term, number)
        return {**references, **found}
    statement_start = True
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if _TURTLE_DIRECTIVE.match(stripped):
            if directive := _TURTLE_BASE.match(stripped):
                base = _resolve(directive.group(1), base)
            elif directive := _TURTLE_PREFIX.match(stripped):
                prefixes[directive.group(1)] = _resolve(directive.group(2), base)
            statement_start = True
            continue
        match = _TURTLE_TOKEN.match(stripped)
        term = None
        if statement_start and match and match.group(1) is not None:
            term = _resolve(match.group(1), base)
        elif statement_start and match and match.group(2):
            term = _pname(match.group(2), prefixes)
        if term is not None:
            found.setdefault(term, number)
            if facts is not None:
                facts.starts.setdefault(term, []).append(number)
        statement_start = fmt == "nt" or _ends_statement(stripped)
    return found


def _pname(token: str, prefixes: dict[str, str]) -> str:
    """A Turtle prefixed name as its IRI: ``\\`` escapes undone, the prefix expanded."""
    return _expand(_PN_ESCAPE.sub(r"\1", token), prefixes)


# one Turtle token of a statement: long and short strings, IRIs, comments, punctuation,
# language tags, prefixed names, other words (numbers, ``a``, ``true``, ``_:b``), the final ``.``
_LONG_STRINGS = r'"""(?:[^"\\]|\\.|"(?!""))*"""' + r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
_SHORT_STRINGS = r'"(?:[^"\\\n\r]|\\.)*"' + r"|'(?:[^'\\\n\r]|\\.)*'"
_TURTLE_SCAN = re.compile(
    rf"{_LONG_STRINGS}|{_SHORT_STRINGS}"
    r'|<[^<>"{}|^`\\\s]*>|\#[^\n\r]*|[\[\]();,]|@[A-Za-z][A-Za-z0-9-]*|\^\^'
    rf"|(?P<pname>{_PNAME})"
    r'|[^\s\[\]();,"\'<#.]+(?:\.[^\s\[\]();,"\'<#.]+)*|\.'
)
_PN_ESCAPE = re.compile(r"\\(.)")
_TURTLE_PREFIX = re.compile(r"@?prefix\s+([\w.-]*):\s*<([^<>]*)>", re.IGNORECASE)
# the line breaks of str.splitlines, which numbers the lines everywhere here
_LINE_BREAK = re.compile("\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")


@dataclass
class _FactLines:
    """Where each predicate of a subject is first given: the line of the fact, not only of the
    subject. Turtle and N-Triples: every statement the subject starts (``starts``) is scanned
    once, on demand, from its first token to its final ``.``, predicates taken at its own level
    (not inside ``[ … ]`` or ``( … )``); JSON-LD: the line of each key in the objects that
    describe the node (``json_keys``, filled by :func:`_json_first_lines`); RDF/XML: none (the
    subject's line stands for all its facts)."""

    text: str
    fmt: str
    prefixes: dict[str, str] = field(default_factory=dict)
    base: str = ""
    starts: dict[str, list[int]] = field(default_factory=dict)
    json_keys: dict[str, dict[str, int]] = field(default_factory=dict)
    _offsets: list[int] | None = None

    def of(self, subject: str) -> dict[URIRef, int]:
        """``predicate -> first line`` of the facts about ``subject`` (an IRI's text)."""
        if self.fmt == "jsonld":
            found: dict[URIRef, int] = {}
            for key, line in self.json_keys.get(subject, {}).items():
                iri = _json_key_iri(key, self.prefixes)
                if iri is not None and line < found.get(iri, line + 1):
                    found[iri] = line
            return found
        found = {}
        for line in self.starts.get(subject, ()):
            for prop, where in self._statement(line):
                found.setdefault(prop, where)
        return found

    def _statement(self, line: int) -> Iterable[tuple[URIRef, int]]:
        """The predicates of the statement that starts on ``line``, each with its line."""
        if self._offsets is None:
            self._offsets = [0, *(m.end() for m in _LINE_BREAK.finditer(self.text))]
        offsets = self._offsets
        depth, expect, position = 0, "subject", offsets[line - 1]
        for match in _TURTLE_SCAN.finditer(self.text, position):
            token = match.group()
            if token[0] == "#" or token[0] == "@" or token == "^^":
                continue
            if token in ("[", "("):
                depth += 1
                expect = "more" if depth == 1 else expect
            elif token in ("]", ")"):
                depth -= 1
            elif depth > 0:
                continue
            elif token == ".":
                return
            elif token == ";":
                expect = "predicate"
            elif token == ",":
                expect = "object"
            elif expect == "predicate":
                if token == "a":
                    prop = str(RDF.type)
                elif token[0] == "<":
                    prop = _resolve(token[1:-1], self.base)
                elif match.group("pname"):
                    prop = _pname(token, self.prefixes)
                else:
                    return  # not Turtle we understand: stop rather than guess
                yield URIRef(prop), bisect_right(offsets, match.start())
                expect = "object"
            else:
                expect = "predicate" if expect == "subject" else "more"


def _json_key_iri(key: str, terms: dict[str, str]) -> URIRef | None:
    """The property a JSON-LD key stands for: ``@type``, a context term, a compact or full
    IRI; None for other keywords and unknown terms."""
    if key == "@type":
        return RDF.type
    if key.startswith("@"):
        return None
    target = terms.get(key, key)
    iri = _expand(target, terms)
    return URIRef(iri) if ":" in iri else None


@dataclass
class _JsonFrame:
    """An object or array being scanned; for an object, its ``@id`` and its other keys."""

    is_object: bool
    in_context: bool  # inside an @context: term definitions, not nodes
    node_id: str | None = None
    line: int = 0
    keys: int = 0  # keys other than @id and @context
    expects_key: bool = True
    last_key: str = ""
    key_lines: list[tuple[str, int]] = field(default_factory=list)  # those keys and their lines


def _json_context(text: str, base: str) -> tuple[frozenset[str], str, dict[str, str]]:
    """What the file's ``@context`` objects say about node ids: the keys that stand for
    ``@id`` (JSON-LD 1.1 aliases such as ``"id": "@id"``), the ``@base`` relative ids resolve
    against (else ``base``), and the prefixes they define. Scopes are merged: best effort."""
    aliases, prefixes = {"@id"}, {}
    try:
        doc = json.loads(text.lstrip("\ufeff"))
    except ValueError:  # the parser read it; this is only for lines
        return frozenset(aliases), base, prefixes
    stack = [doc]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
            continue
        if not isinstance(node, dict):
            continue
        contexts = node.get("@context")
        for context in contexts if isinstance(contexts, list) else [contexts]:
            if not isinstance(context, dict):
                continue
            for key, value in context.items():
                target = value.get("@id") if isinstance(value, dict) else value
                if key == "@base" and isinstance(value, str):
                    base = _resolve(value, base)
                elif target == "@id":
                    aliases.add(key)
                elif isinstance(target, str) and not key.startswith("@"):
                    prefixes[key] = target
        stack.extend(v for k, v in node.items() if k != "@context")
    return frozenset(aliases), base, prefixes


def _json_first_lines(
    text: str,
    prefixes: dict[str, str],
    *,
    id_keys: frozenset[str] = frozenset({"@id"}),
    base: str = "",
    keys: dict[str, dict[str, int]] | None = None,
) -> dict[str, int]:
    """``term -> line`` of the ``@id`` (or an alias in ``id_keys``) of the first object that
    describes it; relative ids resolve against ``base``. ``keys``, when given, gets
    ``term -> {key -> first line}`` of the keys of the objects that describe it.

    An object with ``@id`` and at least one other key describes a node; ``{"@id": "x"}`` alone
    only refers to one described elsewhere, and gives its line only when nothing describes it.
    Where the braces and keys sit (one line or several) does not matter.
    """
    described: dict[str, int] = {}
    referred: dict[str, int] = {}
    stack: list[_JsonFrame] = []
    line = 1
    for match in _JSON_TOKEN.finditer(text):
        token = match.group()
        top = stack[-1] if stack else None
        if token in ("\r\n", "\r", "\n"):
            line += 1
        elif token in ("{", "["):
            in_context = top is not None and (top.in_context or top.last_key == "@context")
            stack.append(_JsonFrame(is_object=token == "{", in_context=in_context))
        elif token in ("}", "]"):
            frame = stack.pop() if stack else None
            if frame and frame.node_id is not None and not frame.in_context:
                where = described if frame.keys else referred
                term = _expand(frame.node_id, prefixes)
                term = _resolve(term, base) if base else term
                where[term] = min(where.get(term, frame.line), frame.line)
                if keys is not None and frame.key_lines:
                    known = keys.setdefault(term, {})
                    for key, key_line in frame.key_lines:
                        known[key] = min(known.get(key, key_line), key_line)
        elif top is None or not top.is_object:
            continue
        elif token == ",":
            top.expects_key = True
        elif top.expects_key:
            key = json.loads(token)
            top.expects_key, top.last_key = False, key
            if key not in id_keys and key != "@context":
                top.keys += 1
                if keys is not None and not top.in_context:
                    top.key_lines.append((key, line))
        elif top.last_key in id_keys and not top.in_context:
            top.node_id, top.line = json.loads(token), line
    return {**referred, **described}


def _ends_statement(line: str) -> bool:
    code = line.split(" #", 1)[0].rstrip()
    return code.endswith(".")


def _expand(term: str, prefixes: dict[str, str]) -> str:
    if ":" in term and not term.startswith(("http:", "https:", "urn:", "_:")):
        prefix, local = term.split(":", 1)
        if prefix in prefixes:
            return prefixes[prefix] + local
    return term


def _literal_line(text: str, literal: Literal, after: int | None) -> int | None:
    needle = json.dumps(str(literal), ensure_ascii=False)
    lines = text.splitlines()
    for number in range((after or 1), len(lines) + 1):
        if needle in lines[number - 1] or str(literal) in lines[number - 1]:
            return number
    return after


# -- the mapping -----------------------------------------------------------------------------


class _Reader:
    def __init__(
        self,
        graph: Graph,
        text: str,
        filename: str,
        fmt: str,
        ontology_dir: Path,
        lines: tuple[dict[str, int], _FactLines] | None = None,
    ) -> None:
        self.g = graph
        self.text = text
        self.filename = filename
        self.ontology_dir = ontology_dir
        if lines is None:
            self.facts = _FactLines(text, fmt)
            self.lines = _first_lines(text, fmt, graph, _base(filename), self.facts)
        else:
            self.lines, self.facts = lines
        self.problems: list[RowProblem] = []
        self.warnings: list[str] = []
        self.consumed: set[Node] = set()  # nodes whose triples are regenerated, not copied
        self._quoted: dict[str, set[int]] | None = None

    def line(self, node: Node) -> int | None:
        """Where ``node`` is described: the line of its IRI, else (a blank node, or an IRI the
        scanners did not find) the one line that holds its ``dct:identifier``."""
        if isinstance(node, Literal):
            return None
        if isinstance(node, URIRef) and (found := self.lines.get(str(node))) is not None:
            return found
        for identifier in sorted(str(o) for o in self.g.objects(node, DCTERMS.identifier)):
            numbers = self.quoted_lines().get(identifier, set())
            if len(numbers) == 1:
                return next(iter(numbers))
        return None

    def fact_lines(self, node: Node) -> dict[URIRef, int]:
        """``predicate -> line`` where each fact about ``node`` is first given (named nodes)."""
        return self.facts.of(str(node)) if isinstance(node, URIRef) else {}

    def quoted_lines(self) -> dict[str, set[int]]:
        """``string -> lines`` of every quoted string (and XML text) in the file, read once."""
        if self._quoted is None:
            self._quoted = {}
            for number, row in enumerate(self.text.splitlines(), start=1):
                for match in _QUOTED.finditer(row):
                    value = next(g for g in match.groups() if g is not None)
                    self._quoted.setdefault(value, set()).add(number)
        return self._quoted

    def problem(self, node: Node | None, message: str, line: int | None = None) -> None:
        line = line if line is not None else (self.line(node) if node is not None else None)
        self.problems.append(RowProblem(Location(file=self.filename, line=line), message))

    def label_texts(self, node: Node) -> list[str]:
        """The notations and labels that may name a concept; a literal names itself (a code
        or label written in place of a concept, as ``cv:isClassifiedBy "ST-PUB-IND"``)."""
        if isinstance(node, Literal):
            return [str(node)]
        texts = [str(o) for o in self.g.objects(node, SKOS.notation)]
        for prop in (SKOS.prefLabel, SKOS.altLabel, DCTERMS.title, FOAF.name):
            texts += [str(o) for o in self.g.objects(node, prop)]
        return texts

    def coded(
        self,
        node: Node,
        scheme: str,
        codes: Iterable[str],
        labels: dict[str, str],
        *,
        exact_codes: bool = False,
    ) -> str | None:
        """The code of ours ``node`` names: by our IRI, or by a notation or label compared
        case-insensitively, as CSV cells are (the graph's literals are NFC already).
        ``exact_codes``: a notation must match the code's case (roles, tests/loaders/
        test_rdf_roles.py)."""
        prefix = f"{ID}{scheme}/"
        if isinstance(node, URIRef) and str(node).startswith(prefix):
            code = str(node)[len(prefix) :]
            return code if code in codes else None
        folded = {code if exact_codes else code.casefold(): code for code in codes}
        for text in self.label_texts(node):
            key = text.strip().casefold()
            code = text.strip() if exact_codes else key
            if code in folded:
                return folded[code]
            if key in labels:
                return labels[key]
        return None

    def role(self, node: Node) -> str | None:
        """The code of the role of ours ``node`` names: by IRI, notation or label (lv, en)."""
        table = role_table(self.ontology_dir)
        return self.coded(node, ROLE, table.codes, table.labels, exact_codes=True)

    def role_term(self, prop: Node, value: Node) -> Node:
        """``value`` as our role concept when ``prop`` names a role and ``value`` is one of
        ours, so the shapes, which match our IRIs (C05, C06), see it; else ``value``."""
        if prop not in ROLE_PROPERTIES or isinstance(value, Literal):
            return value
        code = self.role(value)
        return concept(ROLE, code) if code else value

    def lifecycle(self, node: Node, scheme: str, normalise) -> Node:  # type: ignore[no-untyped-def]
        if isinstance(node, Literal):
            return normalise(str(node))
        prefix = f"{ID}{scheme}/"
        if str(node).startswith(prefix):
            return node
        for text in self.label_texts(node):
            mapped = normalise(text)
            if isinstance(mapped, URIRef):
                return mapped
        return node

    def person_name(self, agent: Node) -> str | None:
        """The name behind an agent: a post's holder (``org:heldBy``, or a person who
        ``org:holds`` it as in STANDARDS.md §2 step 3), or the agent's own name; a post's
        title only when no person is named."""
        self.consumed.add(agent)
        holders = [*self.g.objects(agent, ORG.heldBy), *self.g.subjects(ORG.holds, agent)]
        for person in holders:
            if name := self.own_name(person):
                self.consumed.add(person)
                return name
        if name := self.own_name(agent):
            return name
        for prop in (SKOS.prefLabel, DCTERMS.title):
            for label in self.g.objects(agent, prop):
                return str(label)
        return None

    def own_name(self, person: Node) -> str | None:
        """A person's name: ``foaf:name`` / ``schema:name``, else given name + family name
        (FOAF or schema.org), as systems that split names write them."""
        for prop in _NAME_PROPERTIES:
            for name in self.g.objects(person, prop):
                return str(name).strip()
        parts = [self.first(person, props) for props in (_GIVEN_NAMES, _FAMILY_NAMES)]
        return " ".join(p for p in parts if p) or None

    def first(self, node: Node, props: tuple[URIRef, ...]) -> str:
        """The first (in sort order, so stable) value of the first property that has one."""
        for prop in props:
            values = sorted(str(o).strip() for o in self.g.objects(node, prop))
            if values:
                return values[0]
        return ""

    def find_portfolio(self) -> tuple[Node | None, list[Node]]:
        datasets = _datasets(self.g)
        if len(datasets) > 1:
            names = ", ".join(sorted(str(d) for d in datasets))
            raise SourceSyntaxError(
                f"the file holds {len(datasets)} portfolios ({names}); one file is one "
                "institution's portfolio",
                location=Location(file=self.filename),
            )
        if datasets:
            dataset = next(iter(datasets))
            return dataset, self.sort(_parts(self.g, dataset))
        services = set(self.g.subjects(RDF.type, CPSV.PublicService)) | set(
            self.g.subjects(RDF.type, PV.Service)
        )
        if not services:
            raise SourceSyntaxError(
                "not a portfolio: no dcat:Dataset with dct:hasPart services and no "
                "cpsv:PublicService (expected CPSV-AP 3.2.0, STANDARDS.md §2)",
                location=Location(file=self.filename),
            )
        self.warnings.append(
            f"no dcat:Dataset portfolio in the file; its {len(services)} cpsv:PublicService "
            "resource(s) are read as the portfolio of their competent authority"
        )
        return None, self.sort(services)

    def sort(self, nodes: Iterable[Node]) -> list[Node]:
        return sorted(nodes, key=lambda n: (self.line(n) or 10**9, str(n)))

    def find_institution(self, dataset: Node | None, services: list[Node]) -> Node | None:
        if dataset is not None:
            for publisher in self.g.objects(dataset, DCTERMS.publisher):
                return publisher
        counts = Counter(o for s in services for o in self.g.objects(s, CV.hasCompetentAuthority))
        found = counts.most_common(1)[0][0] if counts else None
        if dataset is not None and found is not None:
            # CPSV-AP wants dct:publisher on the dataset; the stored portfolio gets one, so the
            # cpsv-ap profile cannot see that the file lacked it: say so here
            self.warnings.append(
                f"the portfolio {dataset} has no dct:publisher (CPSV-AP requires exactly one); "
                f"its institution is taken from the services' cv:hasCompetentAuthority {found}"
            )
        return found

    def institution_name(self, node: Node | None) -> tuple[str, str]:
        """The institution's name and its language tag as given: Latvian first (``@lv``,
        ``@LV``, ``@lv-LV``…), then English, then any."""
        if node is None:
            return "", ""
        for lang in ("lv", "en", None):
            for prop in (SKOS.prefLabel, DCTERMS.title, FOAF.name):
                for value in sorted(self.g.objects(node, prop), key=str):
                    if isinstance(value, Literal) and (lang is None or language(value) == lang):
                        return str(value), value.language or ""
        return "", ""


def _institution_id(reader: _Reader, node: Node | None, name: str, resolve: Resolver | None) -> str:
    prefix = f"{ID}institution/"
    if (
        isinstance(node, URIRef)
        and str(node).startswith(prefix)
        and "/" not in str(node)[len(prefix) :]
    ):
        return str(node)[len(prefix) :]
    if name and resolve is not None and (found := resolve(name)):
        return found
    if name:
        return institution_slug(name) or "institution"
    inst_id = institution_slug(reader.filename.rsplit(".", 1)[0]) or "institution"
    reader.warnings.append(
        f"{NO_INSTITUTION} (no dct:publisher or cv:hasCompetentAuthority with a "
        f"label); stored under the id {inst_id!r} taken from the file name"
    )
    return inst_id


def _service(
    reader: _Reader, node: Node, inst: Node | None, dataset: Node | None
) -> ServiceRecord | None:
    g = reader.g
    ids = sorted(str(o) for o in g.objects(node, DCTERMS.identifier))
    line = reader.line(node)
    if not ids:
        reader.problem(node, f"service {node} has no dct:identifier; every service needs one")
        return None
    svc = ServiceRecord(ids[0], line=line)
    if len(ids) > 1:
        # every identifier is kept (C21, C22 and the export see them all); the first names
        # the service's IRI
        svc.extra += [(DCTERMS.identifier, Literal(i)) for i in dict.fromkeys(ids) if i != ids[0]]
        reader.warnings.append(
            f"service {node} has {len(ids)} dct:identifier values ({', '.join(ids)}); all are "
            f"kept, its IRI uses {ids[0]!r} (CPSV-AP allows one)"
        )
    svc.register_ids = sorted(str(o) for o in g.objects(node, PV.registerServiceId))
    for title in sorted(g.objects(node, DCTERMS.title), key=str):
        if not isinstance(title, Literal) or not title.language:
            where = _literal_line(reader.text, title, line) if isinstance(title, Literal) else line
            reader.problem(
                node,
                f"dct:title {str(title)!r} of service {ids[0]!r} has no language tag; CPSV-AP "
                'names are language-tagged strings, for example "…"@lv',
                line=where,
            )
            continue
        svc.titles.append(title)
    # (pvkg export cpsv writes a status that is no concept as pv:submittedStatus, since
    # CPSV-AP's adms:status takes concepts only: read back, it is the status as submitted)
    for status in (*g.objects(node, ADMS.status), *g.objects(node, PV.submittedStatus)):
        svc.statuses.append(reader.lifecycle(status, STATUS, normalise_status))
    for priority in g.objects(node, PV.priority):
        svc.priorities.append(reader.lifecycle(priority, PRIORITY, normalise_priority))
    for need in g.objects(node, PV.satisfiesNeed):
        if isinstance(need, Literal):
            svc.needs.append(str(need))
            continue
        labels = sorted(
            g.objects(need, SKOS.prefLabel), key=lambda x: (language(x) != "lv", str(x))
        )
        if labels:
            reader.consumed.add(need)
            svc.needs.append(str(labels[0]))
        else:
            svc.extra.append((PV.satisfiesNeed, need))
    for person in g.objects(node, PV.serviceManager):
        if name := reader.person_name(person):
            svc.managers.append(name)
    for part in g.objects(node, CV.hasParticipation):
        roles = [reader.role(r) for r in g.objects(part, CV.role)]
        if ROLE_SERVICE_MANAGER not in roles:
            svc.extra.append((CV.hasParticipation, part))
            continue
        reader.consumed.add(part)
        for agent in g.objects(part, CV.hasParticipant):
            if name := reader.person_name(agent):
                svc.managers.append(name)
    svc.managers = list(dict.fromkeys(svc.managers))
    for type_node in g.objects(node, CV.isClassifiedBy):
        code = reader.coded(type_node, SERVICE_TYPE, TYPE_CODES, TYPE_LABELS)
        svc.types.append(concept(SERVICE_TYPE, code) if code else type_node)  # type: ignore[arg-type]
    for p, o in g.predicate_objects(node):
        if p in SERVICE_MAPPED or p in (CV.isClassifiedBy, CV.hasParticipation):
            continue
        if p == RDF.type and o in OUR_TYPES["service"]:
            continue
        if (p == CV.hasCompetentAuthority and o == inst) or (
            p == DCTERMS.isPartOf and o == dataset
        ):
            continue
        svc.extra.append((p, o))  # type: ignore[arg-type]
    return svc


_BAD_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\]')


def _check_iris(graph: Graph, text: str, filename: str) -> None:
    """Refuse IRIs that RDF forbids (control characters, spaces, ``<>"{}|^`\\``).

    rdflib's parsers let escaped ones through (``<\\ttp://x>``); every later step would choke.

    Raises:
        SourceSyntaxError: naming the IRI and, where it can be found, its line.
    """
    for triple in graph:
        for term in triple:
            if isinstance(term, URIRef) and _BAD_IRI.search(str(term)):
                tail = str(term)[-12:]
                line = next(
                    (n for n, row in enumerate(text.splitlines(), 1) if tail and tail in row), None
                )
                raise SourceSyntaxError(
                    f"invalid IRI {str(term)!r}: IRIs may not contain spaces, control characters "
                    'or any of <>"{}|^`\\',
                    location=Location(file=filename, line=line),
                )


def _datasets(graph: Graph) -> set[Node]:
    """The portfolios (``dcat:Dataset`` or ``pv:Portfolio`` with parts) a graph describes."""
    datasets = {
        s
        for cls in (DCAT.Dataset, PV.Portfolio)
        for s in graph.subjects(RDF.type, cls)
        if (s, DCTERMS.hasPart, None) in graph
    }
    datasets |= {
        o for o in graph.objects(None, DCTERMS.isPartOf) if (o, RDF.type, DCAT.Dataset) in graph
    }
    return datasets


def _parts(graph: Graph, dataset: Node) -> set[Node]:
    """A portfolio's services: its ``dct:hasPart`` and what says it ``dct:isPartOf`` it."""
    return set(graph.objects(dataset, DCTERMS.hasPart)) | set(
        graph.subjects(DCTERMS.isPartOf, dataset)
    )


# Links that attach a node to the portfolio from the other side: a person who holds a post, a
# membership naming the person or organisation, a post in the institution.
_INVERSE_LINKS = frozenset({ORG.holds, ORG.member, ORG.organization, ORG.postIn})


def _portfolio_part(graph: Graph, dataset: Node, datasets: set[Node]) -> Graph:
    """The part of a multi-portfolio file that describes one portfolio.

    Everything reachable from the dataset and its services, plus nodes attached by
    :data:`_INVERSE_LINKS`. The other portfolios, their services and their institutions are
    not followed: a link to them is kept, their description is theirs.
    """
    foreign: set[Node] = set()
    for other in datasets - {dataset}:
        foreign |= {other, *_parts(graph, other), *graph.objects(other, DCTERMS.publisher)}
    reached = {dataset, *_parts(graph, dataset)}
    foreign -= reached
    foreign -= set(graph.objects(dataset, DCTERMS.publisher))
    part = Graph()
    for prefix, namespace in graph.namespace_manager.namespaces():
        part.bind(prefix, namespace, override=False)
    queue = list(reached)
    while queue:
        node = queue.pop()
        for p, o in graph.predicate_objects(node):
            part.add((node, p, o))
            if not isinstance(o, Literal) and o not in reached and o not in foreign:
                reached.add(o)
                queue.append(o)
        for s, p in graph.subject_predicates(node):
            if p in _INVERSE_LINKS and s not in reached and s not in foreign:
                reached.add(s)
                queue.append(s)
    return part


def read_rdf(
    data: bytes,
    filename: str,
    fmt: str,
    *,
    settings: Settings,
    resolve_institution: Resolver | None = None,
) -> PortfolioRecord:
    """Read a CPSV-AP portfolio file that holds one portfolio.

    Raises:
        SourceSyntaxError: the file does not parse (file and line), or holds no portfolio, or
            several (:func:`read_rdf_all` reads those).
        RowError: services without an identifier or with untagged titles (file and line each).
    """
    text, graph = _read_graph(data, filename, fmt, settings)
    reader = _Reader(graph, text, filename, fmt, settings.ontology_dir)
    return _record(reader, settings, resolve_institution)


def read_rdf_all(
    data: bytes,
    filename: str,
    fmt: str,
    *,
    settings: Settings,
    resolve_institution: Resolver | None = None,
) -> list[PortfolioRecord]:
    """Read a CPSV-AP file that may hold several portfolios (``pvkg export cpsv`` of a whole
    store): one record per ``dcat:Dataset``, each read from its own part of the file.

    Raises:
        SourceSyntaxError: as :func:`read_rdf`; also two portfolios of one institution.
        RowError: as :func:`read_rdf`, for any of the portfolios.
    """
    text, graph = _read_graph(data, filename, fmt, settings)
    datasets = _datasets(graph)
    if len(datasets) <= 1:
        reader = _Reader(graph, text, filename, fmt, settings.ontology_dir)
        return [_record(reader, settings, resolve_institution)]
    facts = _FactLines(text, fmt)
    lines = (_first_lines(text, fmt, graph, _base(filename), facts), facts)  # once for the file
    parts = [_portfolio_part(graph, d, datasets) for d in sorted(datasets, key=str)]
    # What no portfolio reaches (a concept scheme, a code list) is context of the whole file:
    # every portfolio keeps it, so that the file loads back with nothing lost.
    reached = {s for part in parts for s in part.subjects()}
    shared = [t for t in graph if t[0] not in reached]
    for part in parts:
        for triple in shared:
            part.add(triple)
    records = [
        _record(
            _Reader(part, text, filename, fmt, settings.ontology_dir, lines),
            settings,
            resolve_institution,
        )
        for part in parts
    ]
    seen: dict[str, int] = Counter(r.institution_id for r in records)  # type: ignore[assignment]
    if twice := sorted(i for i, n in seen.items() if n > 1):
        raise SourceSyntaxError(
            f"the file holds more than one portfolio of {', '.join(twice)}; one institution "
            "has one current portfolio",
            location=Location(file=filename),
        )
    return records


def _read_graph(data: bytes, filename: str, fmt: str, settings: Settings) -> tuple[str, Graph]:
    """The file's text and its checked graph, blank nodes made canonical (stable names)."""
    # NFC, as CSV cells are: decomposed labels match our concepts, and stored text is one form
    # (line numbers stay: no line break composes with anything)
    text = unicodedata.normalize("NFC", data.decode("utf-8", errors="replace"))
    graph = _parse(data, filename, fmt)
    _check_iris(graph, text, filename)
    _nfc_literals(graph)
    _merge_authorities(graph)
    _check_literals(graph, text, filename, settings)
    if any(isinstance(t, BNode) for triple in graph for t in triple):
        canonical = Graph()
        for triple in to_canonical_graph(graph):
            canonical.add(triple)
        for prefix, ns in graph.namespace_manager.namespaces():
            canonical.bind(prefix, ns, override=False)
        graph = canonical
    return text, graph


def _nfc_literals(graph: Graph) -> None:
    """Every literal of ``graph`` in Unicode NFC (language tag and datatype kept)."""
    decomposed = [
        (s, p, o)
        for s, p, o in graph
        if isinstance(o, Literal) and not unicodedata.is_normalized("NFC", str(o))
    ]
    for s, p, o in decomposed:
        graph.remove((s, p, o))
        text = unicodedata.normalize("NFC", str(o))
        graph.add((s, p, Literal(text, lang=o.language, datatype=o.datatype)))  # type: ignore[attr-defined]


@dataclass
class _Authority:
    """Organisations found to be one: the first member represents the others."""

    members: list[Node]
    ids: set[str]
    names: set[str]

    def same(self, ids: set[str], names: set[str]) -> bool:
        """One authority: a shared identifier, or an exact Latvian name and no identifiers
        that tell them apart."""
        if ids and self.ids and not ids & self.ids:
            return False
        return bool(ids & self.ids or names & self.names)


def _authority_keys(graph: Graph, node: Node) -> tuple[set[str], set[str]]:
    """A node's identifiers and exact Latvian names (``skos:prefLabel``, ``dct:title``,
    ``foaf:name``)."""
    ids = {str(o).strip() for o in graph.objects(node, DCTERMS.identifier)} - {""}
    names = {
        str(o).strip()
        for prop in (SKOS.prefLabel, DCTERMS.title, FOAF.name)
        for o in graph.objects(node, prop)
        if language(o) == "lv"
    } - {""}
    return ids, names


def _merge_authorities(graph: Graph) -> None:
    """Blank nodes that describe the same organisation (a services' competent authority, the
    publisher) as another node of the file become that node, so one authority is one
    institution. Named (IRI) organisations are never merged with each other."""
    candidates = {
        *graph.objects(None, CV.hasCompetentAuthority),
        *graph.objects(None, DCTERMS.publisher),
        *graph.subjects(RDF.type, CV.PublicOrganisation),
    }
    groups: list[_Authority] = []
    for node in sorted(candidates, key=lambda n: (isinstance(n, BNode), str(n))):
        if isinstance(node, Literal):
            continue
        ids, names = _authority_keys(graph, node)
        group = next((g for g in groups if g.same(ids, names)), None)
        if group is None or not isinstance(node, BNode):
            groups.append(_Authority([node], ids, names))
            continue
        group.members.append(node)
        group.ids |= ids
        group.names |= names
    for group in groups:
        first, *others = group.members
        for other in others:
            _replace_node(graph, other, first)


def _replace_node(graph: Graph, old: Node, new: Node) -> None:
    for p, o in list(graph.predicate_objects(old)):
        graph.remove((old, p, o))
        graph.add((new, p, o))
    for s, p in list(graph.subject_predicates(old)):
        graph.remove((s, p, old))
        graph.add((s, p, new))


def _record(
    reader: _Reader, settings: Settings, resolve_institution: Resolver | None
) -> PortfolioRecord:
    """The portfolio record of the one portfolio ``reader``'s graph describes."""
    filename, graph = reader.filename, reader.g
    dataset, service_nodes = reader.find_portfolio()
    if len(service_nodes) > settings.max_rows:
        raise PayloadTooLarge(
            f"{len(service_nodes)} services; at most {settings.max_rows} are allowed "
            "(PVKG_MAX_ROWS)",
            location=Location(file=filename),
        )
    inst = reader.find_institution(dataset, service_nodes)
    name, language = reader.institution_name(inst)
    inst_id = _institution_id(reader, inst, name, resolve_institution)
    if (canonical := canonical_name(resolve_institution, inst_id, name)) != name:
        name, language = canonical, "lv"
    record = PortfolioRecord(
        institution_id=inst_id, institution_name=name, filename=filename, name_language=language
    )
    services: list[tuple[Node, ServiceRecord]] = []
    for node in service_nodes:
        svc = _service(reader, node, inst, dataset)
        if svc is not None:
            services.append((node, svc))
    if reader.problems:
        raise RowError(reader.problems)
    for (_, svc), local in zip(
        services, unique_ids([s.service_id for _, s in services]), strict=True
    ):
        svc.local_id = local
    rename: dict[Node, URIRef] = {
        node: service_iri(inst_id, svc.local_id) for node, svc in services
    }
    if dataset is not None:
        rename[dataset] = portfolio_iri(inst_id)
        record.dataset_from_file = True
        record.portfolio_extra = _dataset_extra(reader, dataset)
        record.managers = _portfolio_managers(reader, dataset)
    if inst is not None and name:
        rename[inst] = institution_iri(inst_id)
        record.institution_extra = [
            (p, o)
            for p, o in graph.predicate_objects(inst)
            if p not in INSTITUTION_MAPPED  # type: ignore[misc]
        ]
        for person in graph.objects(inst, PV.portfolioManager):
            if manager := reader.person_name(person):
                record.managers = list(dict.fromkeys([*record.managers, manager]))
    consumed = set(rename) | reader.consumed
    record.services = [svc for _, svc in services]
    _finish(record, reader, rename, consumed, inst_id)
    record.cells.extend(_fact_cells(reader, rename, services, dataset, inst, record.managers))
    return record


def _fact_cells(
    reader: _Reader,
    rename: dict[Node, URIRef],
    services: list[tuple[Node, ServiceRecord]],
    dataset: Node | None,
    inst: Node | None,
    managers: list[str],
) -> list[SourceCell]:
    """The line of each fact of the services, the dataset and the institution, as
    ``pv:sourceCell [ pv:property P ; pv:row LINE ]`` (an RDF file's row is its line; no
    column), where it is not the subject's own line (``pv:sourceLine`` says that already).
    A property pvkg stores under another name points at the file's: a service's
    ``pv:serviceManager`` at its ``cv:hasParticipation``, the institution's
    ``pv:portfolioManager`` at the dataset's ``prov:qualifiedAttribution``."""
    found: list[tuple[Node, dict[URIRef, int]]] = []
    for node, svc in services:
        lines = reader.fact_lines(node)
        if svc.managers and PV.serviceManager not in lines and CV.hasParticipation in lines:
            lines[PV.serviceManager] = lines[CV.hasParticipation]
        found.append((node, lines))
    dataset_lines = reader.fact_lines(dataset) if dataset is not None else {}
    if dataset is not None and dataset in rename:
        found.append((dataset, dataset_lines))
    if inst is not None and inst in rename:
        lines = reader.fact_lines(inst)
        for prop in (DCTERMS.title, FOAF.name):  # the name the report points at (C14)
            if SKOS.prefLabel not in lines and prop in lines:
                lines[SKOS.prefLabel] = lines[prop]
        for prop in (PROV.qualifiedAttribution, PV.portfolioManager):
            if managers and PV.portfolioManager not in lines and prop in dataset_lines:
                lines[PV.portfolioManager] = dataset_lines[prop]
        found.append((inst, lines))
    cells = []
    for node, lines in found:
        own = reader.line(node)
        subject = rename[node]
        cells += [SourceCell(subject, p, n, None) for p, n in lines.items() if n != own]
    return cells


def _check_literals(graph: Graph, text: str, filename: str, settings: Settings) -> None:
    too_long = {
        o for _, _, o in graph if isinstance(o, Literal) and len(o) > settings.max_cell_chars
    }
    if not too_long:
        return
    found = sorted((_literal_line(text, o, 1) or 0, str(o)) for o in too_long)
    line, value = found[0]
    raise PayloadTooLarge(
        f"a literal of {len(value)} characters; at most {settings.max_cell_chars} are "
        "allowed (PVKG_MAX_CELL_CHARS)",
        location=Location(file=filename, line=line or None),
    )


def _dataset_extra(reader: _Reader, dataset: Node) -> list[tuple[URIRef, Node]]:
    extra = []
    for p, o in reader.g.predicate_objects(dataset):
        if p in DATASET_MAPPED or (p == PROV.qualifiedAttribution and o in reader.consumed):
            continue
        if p == PV.portfolioManager and reader.person_name(o):
            continue  # read as the institution's manager (_portfolio_managers)
        extra.append((p, o))
    return extra  # type: ignore[return-value]


def _portfolio_managers(reader: _Reader, dataset: Node) -> list[str]:
    names = []
    for attribution in list(reader.g.objects(dataset, PROV.qualifiedAttribution)):
        roles = [reader.role(r) for r in reader.g.objects(attribution, DCAT.hadRole)]
        if ROLE_PORTFOLIO_MANAGER not in roles:
            continue
        reader.consumed.add(attribution)
        for agent in reader.g.objects(attribution, PROV.agent):
            if name := reader.person_name(agent):
                names.append(name)
    # pvkg's own shortcut written on the dataset instead of on its institution
    for person in reader.g.objects(dataset, PV.portfolioManager):
        if name := reader.person_name(person):
            names.append(name)
    return list(dict.fromkeys(names))


def _is_our_concept(node: Node) -> bool:
    """Our coded concepts (``pvid:status/…``): the reference data describes them, not a file."""
    text = str(node)
    return (
        isinstance(node, URIRef)
        and text.startswith(str(ID))
        and not text.startswith(f"{ID}institution/")
    )


def _finish(
    record: PortfolioRecord,
    reader: _Reader,
    rename: dict[Node, URIRef],
    consumed: set[Node],
    inst_id: str,
) -> None:
    def term(node: Node) -> Node:
        if node in rename:
            return rename[node]
        if isinstance(node, BNode):
            return genid_iri(inst_id, str(node))
        return node

    def value(p: Node, o: Node) -> Node:
        """The object as stored: a role of ours as our concept IRI, the rest as :func:`term`.
        Only the reference is rewritten; a foreign role concept's own triples stay as context."""
        return term(reader.role_term(p, o))

    for svc in record.services:
        svc.extra = [(p, value(p, o)) for p, o in svc.extra]  # type: ignore[misc]
        svc.types = [term(t) for t in svc.types]  # type: ignore[misc]
    record.portfolio_extra = [
        (p, value(p, o))
        for p, o in record.portfolio_extra
        if p != PROV.qualifiedAttribution or o not in consumed
    ]  # type: ignore[misc]
    record.institution_extra = [
        (p, value(p, o))
        for p, o in record.institution_extra
        if not (p == ORG.hasPost and o in consumed)
    ]  # type: ignore[misc]
    for s, p, o in reader.g:
        if s in consumed or _is_our_concept(s):
            continue
        record.extra_triples.append((term(s), p, value(p, o)))
    for node, line in ((n, reader.line(n)) for n in set(reader.g.subjects())):
        if line is not None and not (node in consumed and node not in rename):
            record.lines[term(node)] = line  # type: ignore[index]
    record.warnings.extend(reader.warnings)
