"""Look inside SPARQL text before running it: query form, SERVICE and LOAD targets, USING clauses.

Used to negotiate the result media type before a query runs, to refuse federated queries and
``LOAD`` to hosts outside the allow-list (a server-side request forgery guard: pyoxigraph and
Oxigraph server both follow ``SERVICE <url>`` and ``LOAD <url>``), and to apply the protocol's
``using-graph-uri`` / ``using-named-graph-uri`` parameters.

The text is parsed with rdflib's SPARQL 1.1 grammar. When rdflib cannot parse a request that the
store might still accept (SPARQL 1.2 syntax, for example), a small lexer that skips strings, IRIs
and comments looks for the keywords instead, and anything it cannot vouch for is refused.

>>> inspect_query("SELECT * WHERE { SERVICE <http://x.example/sparql> { ?s ?p ?o } }").services
('http://x.example/sparql',)
>>> inspect_query("ASK {}").form
'ask'
"""

from __future__ import annotations

import collections
import re
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

import pyoxigraph as ox
from pyparsing import ParseException, ParseResults
from rdflib import URIRef, Variable
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue

from pvkg.errors import InputError, QuerySyntaxError
from pvkg.namespaces import PREFIXES

_PARSE_LOCK = threading.Lock()  # pyparsing's packrat cache is shared state
# rdflib's parser is slow on big texts (large INSERT DATA, VALUES blocks) and cannot be stopped;
# longer texts get the linear keyword scan only.
MAX_PARSED_CHARS = 100_000
# Recently inspected query texts (at most CACHE_ENTRIES x MAX_CACHED_CHARS characters kept).
CACHE_ENTRIES = 512
MAX_CACHED_CHARS = 20_000
_CACHE: collections.OrderedDict[str, QueryInfo] = collections.OrderedDict()
_CACHE_LOCK = threading.Lock()
_ESCAPE = re.compile(r"\\[uU]")  # codepoint escapes may spell a keyword: full parse
_FORM_WORDS = frozenset({"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"})

_FORMS = {
    "SelectQuery": "select",
    "AskQuery": "ask",
    "ConstructQuery": "construct",
    "DescribeQuery": "describe",
}

# A service or load target that is a variable (``SERVICE ?x``) or cannot be resolved.
UNRESOLVED = "?"


@dataclass(frozen=True)
class QueryInfo:
    """What a query is: its form and the endpoints its SERVICE clauses call."""

    form: str  # select | ask | construct | describe
    services: tuple[str, ...]


@dataclass(frozen=True)
class UpdateInfo:
    """What an update request touches outside the store, and whether it names its own dataset."""

    services: tuple[str, ...]
    loads: tuple[str, ...]
    has_dataset_clause: bool  # some operation has WITH or USING


def inspect_query(sparql: str) -> QueryInfo:
    """The form and the SERVICE endpoints of a query (remembered for recently seen texts).

    Raises:
        QuerySyntaxError: not a query (neither rdflib nor the keyword scan finds a form).
    """
    return quick_inspect_query(sparql) or _remember(sparql, _inspect_query(sparql))


def quick_inspect_query(sparql: str) -> QueryInfo | None:
    """:func:`inspect_query` when it needs no rdflib parse: a text seen recently, or one the
    keyword scan can vouch for (no ``SERVICE`` token at all, a form keyword, no ``\\u``
    escapes); None when only the full parser can tell. Fast enough for the event loop.

    Why: rdflib's parser takes about 3 ms for a one-line query, under a lock, while the query
    itself often takes well under one. Without a ``SERVICE`` token a query cannot call out,
    and its form is the first SELECT/ASK/CONSTRUCT/DESCRIBE keyword (the prologue holds
    PREFIX and BASE only); a malformed query is then refused by the store's own parser.

    >>> quick_inspect_query("PREFIX ask: <urn:x#> CONSTRUCT WHERE { ?s ask:p ?o }").form
    'construct'
    >>> quick_inspect_query("SELECT * { SERVICE <http://x/> { ?s ?p ?o } }") is None
    True
    """
    info = known_query(sparql)
    if info is not None:
        return info
    if len(sparql) > MAX_CACHED_CHARS or _ESCAPE.search(sparql):
        return None
    form = None
    for match in _TOKEN.finditer(sparql):  # (no Token objects: this runs per request)
        if match.lastgroup != "word":
            continue
        word = match.group().upper()
        if word == "SERVICE":
            return None
        if form is None and word in _FORM_WORDS:
            form = word.lower()
    if form is None:
        return None
    return _remember(sparql, QueryInfo(form, ()))


def keywords(sparql: str) -> set[str]:
    """The words of a query outside comments, strings and IRIs, upper-cased (prefixed names
    stay whole: ``ex:now`` is not ``NOW``).

    >>> sorted(keywords("SELECT ?now { ?s <urn:now> 'now' ; ex:now ?o } # NOW()"))
    ['EX:NOW', 'SELECT']
    """
    return {m.group().upper() for m in _TOKEN.finditer(sparql) if m.lastgroup == "word"}


def _remember(sparql: str, info: QueryInfo) -> QueryInfo:
    if len(sparql) <= MAX_CACHED_CHARS:
        with _CACHE_LOCK:
            _CACHE[sparql] = info
            while len(_CACHE) > CACHE_ENTRIES:
                _CACHE.popitem(last=False)
    return info


def known_query(sparql: str) -> QueryInfo | None:
    """What :func:`inspect_query` found for this exact text recently, without parsing it.

    Why: rdflib's parser takes about 3 ms for a one-line query, under a lock; endpoints see the
    same texts again and again (dashboards, polling clients, the curated queries).
    """
    with _CACHE_LOCK:
        info = _CACHE.get(sparql)
        if info is not None:
            _CACHE.move_to_end(sparql)
        return info


def _inspect_query(sparql: str) -> QueryInfo:
    if len(sparql) > MAX_PARSED_CHARS:
        return _scan_query(sparql)
    try:
        with _PARSE_LOCK:
            parsed = parseQuery(sparql)
    except (ParseException, Exception):  # rdflib raises several kinds on odd input
        return _scan_query(sparql)
    prologue, query = parsed[0], parsed[1]
    prefixes = _prologue_prefixes(prologue)
    services = tuple(_service_targets(query, prefixes))
    return QueryInfo(_FORMS.get(query.name, "select"), services)


def inspect_update(sparql: str) -> UpdateInfo:
    """The SERVICE endpoints, LOAD sources and dataset clauses of an update request.

    Raises:
        QuerySyntaxError: never for text rdflib cannot parse; the keyword scan answers then.
    """
    if len(sparql) > MAX_PARSED_CHARS:
        return _scan_update(sparql)
    try:
        with _PARSE_LOCK:
            parsed = parseUpdate(sparql)
    except (ParseException, Exception):
        return _scan_update(sparql)
    services: list[str] = []
    loads: list[str] = []
    has_dataset = False
    prologues = parsed["prologue"] if "prologue" in parsed else []  # noqa: SIM401
    requests = parsed["request"] if "request" in parsed else []  # noqa: SIM401
    prefixes = dict(PREFIXES)
    for index, operation in enumerate(requests):
        if index < len(prologues):
            prefixes.update(_prologue_prefixes(prologues[index]))
        if not isinstance(operation, CompValue):
            continue
        if operation.name == "Load":
            loads.append(_resolve(_field(operation, "iri"), prefixes))
        if operation.name == "Modify" and (
            _field(operation, "withClause") is not None or _field(operation, "using")
        ):
            has_dataset = True
        services.extend(_service_targets(operation, prefixes))
    return UpdateInfo(tuple(services), tuple(loads), has_dataset)


def check_allowed(targets: Sequence[str], allowlist: Sequence[str], what: str) -> None:
    """Refuse any target not starting with an allow-listed URL prefix.

    Raises:
        InputError: a target is not allowed (the service maps this to 403 via its own subclass).
    """
    for target in targets:
        if target == UNRESOLVED or not any(url_allowed(target, a) for a in allowlist if a):
            shown = "a variable or unresolvable IRI" if target == UNRESOLVED else f"<{target}>"
            raise ExternalRequestRefused(
                f"{what} to {shown} is not allowed on this server"
                + (
                    f"; allowed: {', '.join(allowlist)}"
                    if allowlist
                    else "; no external endpoints are allowed (settings.service_allowlist is empty)"
                )
            )


def _url_parts(url: str) -> tuple[str, str, int | None, str] | None:
    """(scheme, host, port, path) of an http(s) URL without user info, or None."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        return None
    default = 443 if parts.scheme.lower() == "https" else 80
    return parts.scheme.lower(), parts.hostname.lower(), port or default, parts.path or "/"


def url_allowed(target: str, entry: str) -> bool:
    """Whether ``target`` is the allow-listed URL ``entry`` or below it.

    Scheme, host and port must be equal (no longer host names, no ``user@host`` tricks: any
    user info is refused); the path must equal the entry's or continue it at a ``/``.

    >>> url_allowed("http://good.example/sparql", "http://good.example")
    True
    >>> url_allowed("http://good.example.evil.org/", "http://good.example")
    False
    >>> url_allowed("http://good.example@127.0.0.1/", "http://good.example")
    False
    """
    got, allowed = _url_parts(target), _url_parts(entry)
    if got is None or allowed is None or got[:3] != allowed[:3]:
        return False
    base = allowed[3]
    return got[3] == base or got[3].startswith(base if base.endswith("/") else base + "/")


_ABSOLUTE_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\x00-\x20<>\"{}|^`\\]*$")


def is_absolute_iri(text: str) -> bool:
    """Whether ``text`` is an absolute IRI a store will accept (scheme, no forbidden characters).

    The store's own IRI parser has the last word: a character outside the IRI grammar (such as
    U+FFFD, which a request path with a non-UTF-8 escape decodes to) made a later store call
    fail with a 500 instead of this 400.

    >>> is_absolute_iri("http://example.org/g"), is_absolute_iri("a b"), is_absolute_iri("rel")
    (True, False, False)
    >>> is_absolute_iri("http://example.org/\ufffd")
    False
    """
    if not _ABSOLUTE_IRI.match(text) or re.search(r"%(?![0-9A-Fa-f]{2})", text):
        return False
    try:
        ox.NamedNode(text)
    except ValueError:
        return False
    return True


class ExternalRequestRefused(InputError):
    """A SERVICE or LOAD to an endpoint outside ``service_allowlist``."""

    code = "EXTERNAL_REQUEST_REFUSED"


# -- rdflib parse tree walking ----------------------------------------------------------------


def _prologue_prefixes(prologue: object) -> dict[str, str]:
    prefixes = dict(PREFIXES)
    for decl in _walk(prologue):
        if isinstance(decl, CompValue) and decl.name == "PrefixDecl":
            prefixes[str(_field(decl, "prefix") or "")] = str(decl["iri"])
    return prefixes


def _resolve(term: object, prefixes: dict[str, str]) -> str:
    if isinstance(term, URIRef):
        text = str(term)
        return text if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", text) else UNRESOLVED
    if isinstance(term, CompValue) and term.name == "pname":
        prefix = str(_field(term, "prefix") or "")
        if prefix in prefixes:
            return prefixes[prefix] + str(_field(term, "localname") or "")
    if isinstance(term, Variable):
        return UNRESOLVED
    return UNRESOLVED


def _service_targets(node: object, prefixes: dict[str, str]) -> Iterator[str]:
    for item in _walk(node):
        if isinstance(item, CompValue) and item.name == "ServiceGraphPattern":
            yield _resolve(_field(item, "term"), prefixes)


def _field(node: CompValue, key: str) -> object:
    """A field of a parse-tree node, or None (``CompValue.get`` answers the key for a miss)."""
    return node[key] if key in node else None  # noqa: SIM401


def _walk(node: object, depth: int = 0) -> Iterator[object]:
    if depth > 200:
        return
    yield node
    if isinstance(node, CompValue):
        for value in node.values():
            yield from _walk(value, depth + 1)
    elif isinstance(node, ParseResults | list | tuple):
        for value in node:
            yield from _walk(value, depth + 1)


# -- keyword scan fallback --------------------------------------------------------------------

_TOKEN = re.compile(
    r"(?P<ws>\s+)|(?P<comment>#[^\n]*)"
    r"|(?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^\"\\]|\\.|\"(?!\"\"))*\"\"\""
    r"|'(?:[^'\\\n]|\\.)*'|\"(?:[^\"\\\n]|\\.)*\")"
    r'|(?P<iri><[^<>"{}|^`\\\x00-\x20]*>)'
    r"|(?P<var>[?$][A-Za-z0-9_\u00C0-\uFFFF]+)"
    r"|(?P<word>[A-Za-z_][A-Za-z0-9_\-.]*(?::[^\s{}();,]*)?|:[^\s{}();,]*)"
    r"|(?P<other>.)",
    re.DOTALL,
)


@dataclass(frozen=True)
class Token:
    """One lexical token of SPARQL text; ``kind`` is a group name of ``_TOKEN``."""

    kind: str
    text: str
    start: int
    end: int
    depth: int  # brace depth before the token


def tokens(sparql: str) -> list[Token]:
    """Significant tokens (no whitespace, no comments) with their brace depth."""
    out: list[Token] = []
    depth = 0
    for match in _TOKEN.finditer(sparql):
        kind = match.lastgroup or "other"
        if kind in ("ws", "comment"):
            continue
        text = match.group()
        if text == "}":
            depth = max(0, depth - 1)
        out.append(Token(kind, text, match.start(), match.end(), depth))
        if text == "{":
            depth += 1
    return out


def _next_target(toks: list[Token], index: int) -> str:
    for tok in toks[index + 1 : index + 3]:
        if tok.kind == "word" and tok.text.upper() == "SILENT":
            continue
        if tok.kind == "iri":
            return tok.text[1:-1] or UNRESOLVED
        return UNRESOLVED
    return UNRESOLVED


def _scan_query(sparql: str) -> QueryInfo:
    toks = tokens(sparql)
    form = None
    services = []
    for i, tok in enumerate(toks):
        word = tok.text.upper() if tok.kind == "word" else ""
        if form is None and word in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"):
            form = word.lower()
        if word == "SERVICE":
            services.append(_next_target(toks, i))
    if form is None:
        # rdflib's own words ("Expected {SelectQuery | …}, found 'SELEC' (at char 0)") give no
        # line and column the JSON error's location can read: say it with the position.
        from pvkg.store._syntax_messages import not_a_query_message

        raise QuerySyntaxError(f"SPARQL syntax {not_a_query_message(sparql)}")
    return QueryInfo(form, tuple(services))


def _scan_update(sparql: str) -> UpdateInfo:
    toks = tokens(sparql)
    services, loads = [], []
    has_dataset = False
    for i, tok in enumerate(toks):
        word = tok.text.upper() if tok.kind == "word" else ""
        if word == "SERVICE":
            services.append(_next_target(toks, i))
        elif word == "LOAD":
            loads.append(_next_target(toks, i))
        elif word in ("WITH", "USING") and tok.depth == 0:
            has_dataset = True
    return UpdateInfo(tuple(services), tuple(loads), has_dataset)


def add_using_clauses(
    sparql: str, using_graphs: Sequence[str], using_named_graphs: Sequence[str]
) -> str:
    """Insert ``USING <g>`` / ``USING NAMED <g>`` before the WHERE of every DELETE/INSERT operation.

    This is how the protocol's ``using-graph-uri`` and ``using-named-graph-uri`` parameters act
    (SPARQL 1.1 Protocol §2.2.3) on a store whose API has no such parameters.

    >>> add_using_clauses("INSERT { <a> <b> ?o } WHERE { ?s ?p ?o }", ["http://g"], [])
    'INSERT { <a> <b> ?o } USING <http://g> WHERE { ?s ?p ?o }'
    """
    if not using_graphs and not using_named_graphs:
        return sparql
    for iri in [*using_graphs, *using_named_graphs]:
        if re.search(r'[\x00-\x20<>"{}|^`\\]', iri):
            raise QuerySyntaxError(f"not a valid graph IRI: {iri!r}")
    clause = " ".join(
        [f"USING <{g}>" for g in using_graphs] + [f"USING NAMED <{g}>" for g in using_named_graphs]
    )
    toks = tokens(sparql)
    cuts = []
    for i, tok in enumerate(toks):
        is_where = tok.depth == 0 and tok.kind == "word" and tok.text.upper() == "WHERE"
        if is_where and i > 0 and toks[i - 1].text == "}":
            cuts.append(tok.start)
    for pos in reversed(cuts):
        sparql = sparql[:pos] + clause + " " + sparql[pos:]
    return sparql
