"""Nesting-depth checks for untrusted SPARQL and RDF text, run before a parser sees it.

Why: pyoxigraph's SPARQL and JSON-LD parsers (and its N-Triples/Turtle parsers for RDF 1.2
triple terms ``<<( … )>>``) recurse once per nesting level on the calling thread's native
stack. Measured on pyoxigraph 0.5.13 in a thread with the default 8 MiB stack, the process dies
(SIGSEGV, no Python exception) at about 360 nested collections ``( ( … ) )`` in a SPARQL triple
pattern, 920 nested ``[ … ]``, 2,200 nested ``{ … }`` groups, 4,600 nested parentheses in an
expression, 9,300 ``!`` in a row, 3,200 nested JSON-LD objects and 18,000 nested triple terms.
Nested collections also cost time that grows with the cube of the depth (200 levels: 16 s).

The checks are lexical and deliberately pessimistic: brackets inside string literals, IRIs and
comments are skipped, and where the lexing is ambiguous (a SPARQL ``<`` that may be an IRI or a
less-than) every reading is followed and the deepest counts. Texts with fewer opening brackets
than the limit cannot be too deep and are not scanned at all (a typical query costs two
``str.count`` calls).
"""

from __future__ import annotations

import array
import itertools
import operator
import re
from xml.parsers import expat

from pvkg.errors import PayloadTooLarge, SourceSyntaxError, TooDeeplyNested

# Far deeper than any real query or data file, far below the crash depths above.
SPARQL_LIMIT = 128
DATA_LIMIT = 256

_SYNTAX = {
    "sparql": "sparql",
    "sparql-query": "sparql",
    "sparql-update": "sparql",
    "json": "json",
    "jsonld": "json",
    "json-ld": "json",
    "xml": "xml",
    "rdfxml": "xml",
    "turtle": "turtle",
    "ttl": "turtle",
    "trig": "turtle",
    "n3": "turtle",
    "nt": "turtle",
    "n-triples": "turtle",
    "nq": "turtle",
    "n-quads": "turtle",
}
_OPENERS = {"sparql": b"{([!", "json": b"{[", "xml": b"<", "turtle": b"{(["}

_IRI_CHARS = r"[^<>\"{}|^`\\\x00-\x20]"
_IRI = f"<{_IRI_CHARS}*>"
_STRINGS = (  # unrolled loops: one character class per run, not an alternation per character
    r"'''[^'\\]*+(?:(?:\\.|'(?!''))[^'\\]*+)*+'''"
    r'|"""[^"\\]*+(?:(?:\\.|"(?!""))[^"\\]*+)*+"""'
    r"|'[^'\\\n\r]*+(?:\\.[^'\\\n\r]*+)*+'"
    r'|"[^"\\\n\r]*+(?:\\.[^"\\\n\r]*+)*+"'
)
# What the fast paths drop before counting: strings, IRIs, comments, escaped characters.
_SKIP = re.compile(f"{_STRINGS}|{_IRI}|#[^\\n]*|\\\\.", re.DOTALL)
_JSON_STRING = re.compile(r'"[^"\\]*+(?:\\.[^"\\]*+)*+"', re.DOTALL)
_JSON_ESCAPE = re.compile(rb"\\.", re.DOTALL)
_NOT_BRACKET_BYTES = bytes(b for b in range(256) if b not in b"{}()[]")
_NOT_JSON_SYNTAX = bytes(b for b in range(256) if b not in b'{}[]"')
_BRACKET_STEP = bytes.maketrans(b"{([})]", b"\x01\x01\x01\xff\xff\xff")  # +1, -1 as int8
_BANG_RUN = re.compile(r"!(?:\s*!)*")
_DELTA = {"{": 1, "(": 1, "[": 1, "}": -1, ")": -1, "]": -1}
# A SPARQL ``<…>`` that might be a less-than instead, with something inside that would then
# count: not ``scheme://…`` (``http:`` then ``//`` is no expression), holding a bracket, quote,
# ``#`` or ``!``.
_AMBIGUOUS_IRI = re.compile(
    f"<(?![A-Za-z][A-Za-z0-9+.-]*://){_IRI_CHARS}*[()\\[\\]'#!]{_IRI_CHARS}*>"
)


def check_nesting(
    data: bytes | str, syntax: str, *, limit: int | None = None, where: str = "the request"
) -> None:
    """Refuse text nested deeper than ``limit`` (by default 128 for SPARQL, 256 for data).

    ``syntax`` is ``sparql`` or an RDF format name (``turtle``, ``trig``, ``n3``, ``nt``,
    ``nq``, ``jsonld``, ``rdfxml``); ``where`` names the text in the message.

    >>> check_nesting("SELECT * { ?s ?p ?o }", "sparql")
    >>> check_nesting("ASK " + "{" * 200 + "}" * 200, "sparql", where="the query")
    Traceback (most recent call last):
    pvkg.errors.TooDeeplyNested: the query is nested more than 128 levels deep ...

    Raises:
        TooDeeplyNested: the text is nested deeper than ``limit`` (HTTP 400).
    """
    kind = _SYNTAX.get(syntax.lower())
    if kind is None:
        return
    if limit is None:
        limit = SPARQL_LIMIT if kind == "sparql" else DATA_LIMIT
    depth = nesting_depth(data, kind, limit=limit)
    if depth > limit:
        raise TooDeeplyNested(
            f"{where} is nested more than {limit} levels deep (brackets, groups or elements "
            "inside one another); pvkg refuses such text before parsing it"
        )


def nesting_depth(data: bytes | str, syntax: str, *, limit: int) -> int:
    """The text's nesting depth, or an upper bound of it (the check's measure; RDF/XML stops
    counting at ``limit + 1``)."""
    kind = _SYNTAX.get(syntax.lower(), syntax)
    if len(data) <= limit:
        return 0
    raw = data if isinstance(data, bytes) else data.encode("utf-8", "surrogatepass")
    if sum(raw.count(c) for c in _OPENERS[kind]) <= limit:
        return 0
    if kind == "xml":
        return _xml_depth(raw, limit)
    if kind == "json":
        return _bracket_depth(_json_outside_strings(raw))
    text = raw.decode("latin-1")  # (one character per byte: only ASCII characters count)
    if kind == "turtle":
        return _bracket_depth(_SKIP.sub("", text).encode("latin-1"))
    if _AMBIGUOUS_IRI.search(text) is None:
        code = _SKIP.sub("", text)
        return _bracket_depth(code.encode("latin-1")) + _longest_bang_run(code)
    return _sparql_depth_ambiguous(text)


def _json_outside_strings(raw: bytes) -> bytes:
    """The brackets of JSON text outside its strings: escapes dropped, every other character
    but brackets and quotes dropped, then every other piece between quotes kept.

    Why: each step is one C call; a regex substitution would cost a match per string.
    """
    if b"\\" in raw:
        raw = _JSON_ESCAPE.sub(b"", raw)
    return b"".join(raw.translate(None, _NOT_JSON_SYNTAX).split(b'"')[::2])


def _bracket_depth(code: bytes) -> int:
    """The deepest bracket nesting of text whose strings and comments are removed.

    Why C-level iterators: a Python loop per bracket cost 30 ms on a 1 MB JSON-LD body.
    """
    steps = array.array("b", code.translate(_BRACKET_STEP, _NOT_BRACKET_BYTES))
    levels = list(itertools.accumulate(steps, initial=0))
    if min(levels) >= 0:
        return max(levels)
    # an unmatched closer: the depth cannot go below 0 (subtract the running minimum)
    lows = itertools.accumulate(levels, min)
    return max(map(operator.sub, levels, lows))


def _longest_bang_run(code: str) -> int:
    """The most ``!`` in a row: each is a level of the SPARQL parser (``!!!!true``)."""
    if "!" not in code:
        return 0
    return max(m.group().count("!") for m in _BANG_RUN.finditer(code))


class _Deep(Exception):
    """Raised inside expat's callbacks to stop at the first element over the limit."""


def _xml_depth(data: bytes, limit: int) -> int:
    """The element depth, counted by expat (C, no recursion, no entity fetching); the count up
    to the first XML error when the document is malformed (the real parser stops there too)."""
    if data.count(b"<") <= limit:
        return 0
    parser = expat.ParserCreate()
    depth = peak = 0

    def start(name: str, attrs: object) -> None:
        nonlocal depth, peak
        depth += 1
        if depth > peak:
            peak = depth
            if peak > limit:
                raise _Deep

    def end(name: str) -> None:
        nonlocal depth
        depth -= 1

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    try:
        parser.Parse(data, True)
    except _Deep:
        return limit + 1
    except expat.ExpatError:
        pass
    return peak


# -- RDF/XML entity expansion and term size ------------------------------------------------------
# Why: pyoxigraph's RDF/XML parser expands internal entities without any bound ("billion
# laughs": a 533-byte file gave a 100,000,000-character literal) and, unlike its other parsers,
# has no 16 MiB limit on one term. expat (C, no entity fetching, its own amplification guard)
# reads such documents first and measures what the entities expand to.

# One literal or IRI in RDF/XML: at most this many UTF-8 bytes, so that even with every
# character escaped (``\n``, ``\"``) it stays under the 16 MiB token limit of pyoxigraph's other
# parsers (which read it back from a remote store).
XML_TERM_LIMIT = 8_000_000
# What entities may add: the text (character data and attribute values) of a document may be at
# most this many times its size, plus XML_EXPANSION_SLACK bytes. Without entities it is never
# larger than the document; namespace entities in an OWL file stay far below this.
XML_EXPANSION_FACTOR = 4
XML_EXPANSION_SLACK = 1024 * 1024
# A markup declaration (``<!DOCTYPE``, ``<!ENTITY``), not a comment or a CDATA section.
_XML_DECLARATION = re.compile(rb"<!(?!--|\[CDATA\[)")


class _Refused(Exception):
    """Raised inside expat's callbacks to stop at the first text over a limit."""

    def __init__(self, error: Exception) -> None:
        super().__init__(str(error))
        self.error = error


def check_rdfxml_expansion(data: bytes, *, where: str = "the request body") -> None:
    """Refuse RDF/XML whose entities expand too far, or that holds a term over
    :data:`XML_TERM_LIMIT` bytes, before pyoxigraph parses it.

    A document with no ``<!DOCTYPE`` (no entity declarations) and no more bytes than the term
    limit can do neither and is not read at all. A document with a DOCTYPE must be well-formed
    XML to expat (the RDF/XML parser might read on past an error where expat stops).

    >>> check_rdfxml_expansion(b'<!DOCTYPE r [<!ENTITY a "xxxxxxxxxx">'
    ...     b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><r>&b;</r>')
    >>> laughs = b'<!DOCTYPE r [<!ENTITY a0 "xxxxxxxxxx">' + b"".join(
    ...     b'<!ENTITY a%d "%s">' % (i, b"&a%d;" % (i - 1) * 10) for i in range(1, 7)
    ... ) + b"]><r>&a6;</r>"
    >>> check_rdfxml_expansion(laughs)
    Traceback (most recent call last):
    pvkg.errors.SourceSyntaxError: the request body: RDF/XML entities expand ...

    Raises:
        SourceSyntaxError: entities expand the text past the limit, or a document with a
            DOCTYPE is not well-formed XML (HTTP 400).
        PayloadTooLarge: one text or attribute value is over :data:`XML_TERM_LIMIT` bytes
            (HTTP 413).
    """
    declared = _XML_DECLARATION.search(data) is not None
    if not declared and len(data) <= XML_TERM_LIMIT:
        return
    budget = XML_EXPANSION_FACTOR * len(data) + XML_EXPANSION_SLACK
    total = run = 0

    def grow(size: int) -> None:
        nonlocal total
        total += size
        if total > budget:
            raise _Refused(
                SourceSyntaxError(
                    f"{where}: RDF/XML entities expand the document's text past "
                    f"{budget:,} bytes ({XML_EXPANSION_FACTOR} times its size plus "
                    f"{XML_EXPANSION_SLACK:,}); pvkg refuses such entity expansion"
                )
            )

    def too_large() -> _Refused:
        return _Refused(
            PayloadTooLarge(
                f"{where}: an RDF/XML text or attribute value is over {XML_TERM_LIMIT:,} "
                "bytes, the most pvkg stores in one RDF term (literal or IRI)"
            )
        )

    def start(name: str, attrs: dict[str, str]) -> None:
        nonlocal run
        run = 0
        for value in attrs.values():
            size = len(value.encode("utf-8", "surrogatepass"))
            grow(size)
            if size > XML_TERM_LIMIT:
                raise too_large()

    def end(name: str) -> None:
        nonlocal run
        run = 0

    def text(chunk: str) -> None:
        nonlocal run
        size = len(chunk.encode("utf-8", "surrogatepass"))
        grow(size)
        run += size
        if run > XML_TERM_LIMIT:
            raise too_large()

    parser = expat.ParserCreate()
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    try:
        parser.Parse(data, True)
    except _Refused as refused:
        raise refused.error from None
    except expat.ExpatError as err:
        if declared:  # (without a DOCTYPE nothing expands: the RDF/XML parser reports errors)
            raise SourceSyntaxError(
                f"{where}: RDF/XML syntax error: line {err.lineno}: "
                f"{expat.errors.messages[err.code]}"
            ) from None


# -- SPARQL with ambiguous ``<`` ---------------------------------------------------------------
# Lexer modes; each reading of the text is in one of them, and per mode only the deepest
# reading (its bracket depth, and its depth in parentheses) is kept: every step is monotone in
# both, so that bounds every reading.
_CODE, _COMMENT, _S1, _S2, _L1, _L2 = range(6)
_OPEN_STRING = {"'": _S1, '"': _S2, "'''": _L1, '"""': _L2}
_CLOSE_STRING = {_S1: "'", _S2: '"', _L1: "'''", _L2: '"""'}
_TOKEN = re.compile(r"'''|\"\"\"|['\"#\n{}()\[\]]|\\.|!(?:\s*!)*|" + _IRI)
_INNER_TOKEN = re.compile(r"'''|['#()\[\]]|!+")
# After these (or at the start) a ``<`` cannot be a less-than: no operand before it.
_NO_OPERAND_BEFORE = frozenset("(,=!<&|+-*/;.{}[^")

State = tuple[int, int]  # (bracket depth, parenthesis depth)


def _sparql_depth_ambiguous(text: str) -> int:
    """The depth over every reading of each ambiguous ``<…>``: an IRI, or (inside parentheses,
    after an operand: where SPARQL allows a less-than) ``<`` followed by the tokens inside."""
    states: dict[int, State] = {_CODE: (0, 0)}
    peak = 0
    for match in _TOKEN.finditer(text):
        token = match.group()
        if token[0] == "<":
            states, top = _span(states, token, _after_operand(text, match.start()))
        else:
            states, top = _step_all(states, (token,))
        peak = max(peak, top)
        if not states:  # every reading is a syntax error here: the parser stops
            break
    return peak


def _after_operand(text: str, index: int) -> bool:
    index -= 1
    while index >= 0 and text[index] in " \t\r\n":
        index -= 1
    return index >= 0 and text[index] not in _NO_OPERAND_BEFORE


def _span(states: dict[int, State], span: str, after_operand: bool) -> tuple[dict[int, State], int]:
    """An IRI-shaped span: an IRI in code, characters inside a string or comment, and, when it
    may be a less-than, also ``<`` followed by the tokens inside it."""
    inner = [m.group() for m in _INNER_TOKEN.finditer(span, 1, len(span) - 1)]
    others = {mode: state for mode, state in states.items() if mode != _CODE}
    result, peak = _step_all(others, inner)
    if _CODE in states:
        code = states[_CODE]
        if after_operand and code[1] > 0 and _AMBIGUOUS_IRI.fullmatch(span):
            as_tokens, top = _step_all({_CODE: code}, inner)
            peak = max(peak, top)
            _merge(result, as_tokens)
        _merge(result, {_CODE: code})
    return result, peak


def _step_all(
    states: dict[int, State], tokens: tuple[str, ...] | list[str]
) -> tuple[dict[int, State], int]:
    peak = max((depth for depth, _ in states.values()), default=0)
    for token in tokens:
        nxt: dict[int, State] = {}
        for mode, state in states.items():
            moved = _step(mode, state, token)
            if moved is not None:
                new_mode, new_state, top = moved
                peak = max(peak, top)
                _merge(nxt, {new_mode: new_state})
        states = nxt
    return states, peak


def _merge(into: dict[int, State], other: dict[int, State]) -> None:
    for mode, (depth, parens) in other.items():
        old = into.get(mode)
        into[mode] = (depth, parens) if old is None else (max(old[0], depth), max(old[1], parens))


def _step(mode: int, state: State, token: str) -> tuple[int, State, int] | None:
    """(mode, state, deepest point) after one token, or None: this reading is a syntax error."""
    depth, parens = state
    if mode == _CODE:
        if token in _OPEN_STRING:
            return _OPEN_STRING[token], state, depth
        if token == "#":
            return _COMMENT, state, depth
        delta = _DELTA.get(token, 0)
        if delta > 0:
            return _CODE, (depth + 1, parens + (token == "(")), depth + 1
        if delta < 0:
            return _CODE, (max(0, depth - 1), max(0, parens - (token == ")"))), depth
        if token[0] == "!":
            return _CODE, state, depth + token.count("!")
        return _CODE, state, depth
    if mode == _COMMENT:
        if "\n" not in token:
            return _COMMENT, state, depth
        after = token.rsplit("\n", 1)[1]  # a run of ``!`` may go on past the comment's end
        return _CODE, state, depth + after.count("!")
    if token == _CLOSE_STRING[mode] or (mode == _S1 and token == "'''"):
        return _CODE, state, depth  # ('''' in a '…' string: its end, then an empty string)
    if mode == _S2 and token == '"""':
        return _CODE, state, depth
    if token == "\n" and mode in (_S1, _S2):
        return None
    return mode, state, depth
