"""Readable SPARQL syntax errors: the parser's message turned into the mistake and its fix.

Why: pyoxigraph and Oxigraph server parse SPARQL with a PEG parser. Its message lists every
token it tried at the furthest position it reached: character-class dumps
(``['A' ..= 'Z' | …]``), checks such as "Prefix not found" buried among them, and keywords that
name neither the wrong word nor the fix ("expected OPTIONAL" for a missing ``.``). This module
finds the token the parser stumbled on and names the problem, with what the text shows
(``_sparql_shape.py``): an undefined prefix, a selected variable neither grouped nor aggregated,
an unknown function or keyword, a missing ``.`` between triple patterns, an incomplete triple
pattern, an unclosed bracket, string or IRI.

The parser's ``error at LINE:COLUMN`` stays at the front: :data:`pvkg.errors.SYNTAX_POSITION`
reads it for the JSON error's ``location`` and :func:`pvkg.store._base.lines_added` moves it.
The explanation repeats no position (a remote store's parser sees pvkg's PREFIX lines in front
of the caller's text); it quotes the text instead.

Import this module only on the error path: it loads rdflib's SPARQL grammar (``_inspect.py``).

>>> readable_syntax_error("ASK { FILTER(STRLENGTH(?x)) }", "error at 1:28: expected ENCODE_FOR_URI")
'error at 1:28: unknown function STRLENGTH (did you mean STRLEN?)'
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence

from pvkg.namespaces import PREFIXES
from pvkg.store import _sparql_shape as shape
from pvkg.store._inspect import Token

_POSITION = re.compile(r"\berror at (\d+):(\d+):\s*")
# Other parsers' positions (Jena/Fuseki behind --store-url: "at line 1, column 35")
_OTHER_POSITION = re.compile(
    r"\s*(?:\bat\s+)?\(?\bline:?\s*(\d+),\s*col(?:umn)?:?\s*(\d+)\)?", re.IGNORECASE
)
_EXPECTED = re.compile(r"\Aexpected (?:one of )?", re.IGNORECASE)
_CALLED = sorted(shape.FUNCTIONS | {"FILTER", "BIND", "HAVING"})  # words written before "("


def readable_syntax_error(sparql: str, raw: str, *, update: bool = False) -> str:
    """The parser's message ``raw`` about ``sparql`` (the text the parser saw), made readable.

    Args:
        sparql: the query or update text exactly as the parser was given it.
        raw: pyoxigraph's (or Oxigraph server's) message, ``error at L:C: expected …``.
        update: ``sparql`` was parsed as an update request, not as a query.

    Returns:
        ``error at L:C: <what is wrong>``; another parser's message (Fuseki's "at line 1,
        column 35") gets its position put in front, as ``error at L:C:``; a message without a
        position comes back with its character-class dumps cut.

    >>> readable_syntax_error("ASK { ?s ex:p ?o }", "error at 1:14: expected Prefix not found")[:49]
    "error at 1:14: undefined prefix 'ex:' in ex:p (de"
    """
    found = _POSITION.search(raw)
    if found is None:
        other = _OTHER_POSITION.search(raw)
        if other is None:
            return _clean(raw)
        rest = _clean(raw[: other.start()] + raw[other.end() :])  # (the position said once)
        return f"error at {other.group(1)}:{other.group(2)}: {rest}"
    items = _items(_EXPECTED.sub("", raw[found.end() :].strip()))
    error_at = _offset(sparql, int(found.group(1)), int(found.group(2)))
    return raw[: found.end()] + _explain(sparql, shape.lex(sparql), items, error_at, update)


def not_a_query_message(sparql: str) -> str:
    """The message for a text without SELECT, CONSTRUCT, DESCRIBE or ASK, positioned at its
    first word after the prologue (PREFIX and BASE lines), for the JSON error's ``location``.

    >>> not_a_query_message("PREFIX ex: <http://e/>\\nSELEC * WHERE { ?s ?p ?o }")[:40]
    'error at 2:1: not a query: expected SELE'
    """
    first = shape.after_prologue(shape.lex(sparql))
    expected = "expected SELECT, CONSTRUCT, DESCRIBE or ASK"
    if first is None:
        line, column = _line_column(sparql, len(sparql))
        return f"error at {line}:{column}: not a query: the text is empty; {expected}"
    line, column = _line_column(sparql, first.start)
    message = f"error at {line}:{column}: not a query: {expected}, found {first.text!r}"
    word = first.text.upper()
    if first.kind == "word" and word in shape.UPDATE_WORDS:
        return message + f" ({word} starts an update: send it to the update endpoint)"
    return message + _did_you_mean(first.text, shape.FORMS)


# -- the explanations, most specific first ---------------------------------------------------


def _explain(sparql: str, toks: list[Token], items: list[str], error_at: int, update: bool) -> str:
    semantic = [i for i in items if _is_semantic(i)]
    undefined = shape.undefined_prefixes(sparql, toks)
    if undefined and ("Prefix not found" in semantic or undefined[0].start < error_at):
        return _prefix_message(_nearest(undefined, error_at))
    if any("unbound" in s or "SELECT *" in s for s in semantic):
        return _grouping_message(toks)
    if semantic:
        return "; ".join(_semantic_message(toks, s) for s in semantic)
    habit = _habit_hint(sparql, toks, error_at)
    if habit:
        return habit
    culprit = _culprit(toks, items, error_at)
    hint = (
        _first_word_hint(toks, culprit, update)
        or _word_hint(toks, culprit)
        or _triple_hint(toks, culprit, error_at)
        or _unclosed_hint(sparql, toks)
        or _select_hint(sparql, toks)
    )
    if hint:
        return hint
    if shape.ungrouped(toks):
        return _grouping_message(toks)
    return _fallback(sparql, toks, items, culprit, error_at)


def _prefix_message(pname: Token) -> str:
    prefix = pname.text.split(":", 1)[0]
    predeclared = ", ".join(f"{p}:" for p in PREFIXES)
    return (
        f"undefined prefix '{prefix}:' in {_shown(pname.text)} (declare it with "
        f"PREFIX {prefix}: <…>; predeclared: {predeclared})"
    )


def _grouping_message(toks: list[Token]) -> str:
    problems = shape.ungrouped(toks)
    if problems == ["*"]:
        return (
            "SELECT * cannot be used with GROUP BY or an aggregate: list the grouped "
            "variables and the aggregates instead"
        )
    if problems:
        one = len(problems) == 1
        return (
            f"{', '.join(problems)} {'is' if one else 'are'} selected but neither grouped nor "
            f"aggregated: add {'it' if one else 'them'} to GROUP BY, or use an aggregate such "
            f"as SAMPLE({problems[0]})"
        )
    misplaced = shape.misplaced_aggregate(toks)
    if misplaced:
        return (
            f"{misplaced} is an aggregate: it may stand in SELECT, HAVING or ORDER BY, not in "
            "FILTER or BIND"
        )
    return (
        "a selected variable is neither grouped nor aggregated: with GROUP BY or an aggregate "
        "(COUNT, SUM, …) every selected variable must be in GROUP BY or inside an aggregate"
    )


def _semantic_message(toks: list[Token], message: str) -> str:
    """A check's own words, with the variable named where the text shows it."""
    if message.startswith("The SELECT overrides an existing variable"):
        for index, tok in enumerate(toks[:-1]):
            name = toks[index + 1].text
            if tok.text.upper() == "AS" and sum(1 for t in toks if t.text == name) > 1:
                return (
                    f"SELECT (… AS {name}) names a variable the query already binds: "
                    "choose another name"
                )
    return message


def _habit_hint(sparql: str, toks: list[Token], error_at: int) -> str | None:
    """Habits from SQL (commas between selected columns, ``COUNT(x) AS n`` without
    parentheses, names without '?', ``WHERE a > 3``) and slips in PREFIX lines, when the parser
    stopped at or after them."""
    prefix = shape.prefix_mistake(toks)
    if prefix is not None and prefix[1].start <= error_at:
        kind, name, value = prefix
        if kind == "colon":
            return (
                f"PREFIX {name.text} needs a ':' after its name: PREFIX {name.text}: {value.text}"
            )
        return (
            f"the IRI of PREFIX {name.text} goes in angle brackets: "
            f"PREFIX {name.text} <{_shown(value.text.strip(chr(34) + chr(39)))}>"
        )
    projection = shape.projection_mistake(toks)
    if projection is not None and projection[1][0].start <= error_at <= projection[2]:
        kind, found, _ = projection
        if kind == "comma":
            clause = sparql[found[0].start : found[-1].end]
            spaced = re.sub(r"\s*,\s*", " ", clause)
            return f"SELECT lists its variables with spaces, not commas: SELECT {spaced}"
        if kind == "call":
            named = len(found) > 2 and found[-2].text.upper() == "AS"
            call = sparql[found[0].start : found[-3 if named else -1].end]
            name = found[-1].text if named else "?name"
            name = name if name.startswith(("?", "$")) else f"?{name}"
            return (
                "an expression in SELECT goes in parentheses, with AS and a variable: "
                f"({call} AS {name})"
            )
        word = found[0].text
        return f"{word!r} in SELECT is not a variable: a variable starts with '?', as in ?{word}"
    condition = shape.filter_without_parentheses(toks)
    if condition is not None and condition[0].start < error_at and condition[1]:
        text = sparql[condition[1][0].start : condition[1][-1].end]
        return f"FILTER needs its condition in parentheses: FILTER ({_shown(text)})"
    return None


def _first_word_hint(toks: list[Token], culprit: int | None, update: bool) -> str | None:
    """A request of the other kind (a query sent as an update, or the other way round), or a
    query that does not start with its form."""
    first = shape.after_prologue(toks)
    if culprit is None or first is not toks[culprit] or first.kind != "word":
        return None
    word = first.text.upper()
    if update and word in shape.FORMS:
        return f"{word} starts a query, not an update: send it to the query endpoint"
    if not update and word in shape.UPDATE_WORDS:
        return f"{word} starts an update, not a query: send it to the update endpoint"
    if not update and word in shape.KEYWORDS and word not in shape.FORMS:
        return f"a query starts with SELECT, CONSTRUCT, DESCRIBE or ASK; found {word}"
    return None


def _word_hint(toks: list[Token], culprit: int | None) -> str | None:
    """What is wrong with the word the parser stumbled on, when the word says it."""
    if culprit is None:
        return None
    tok = toks[culprit]
    nxt = toks[culprit + 1] if culprit + 1 < len(toks) else None
    prev = toks[culprit - 1] if culprit > 0 else None
    word = tok.text.upper()
    if prev is not None and prev.text.upper() in ("LIMIT", "OFFSET"):
        return f"{prev.text.upper()} needs a whole number (0 or more), found {tok.text!r}"
    if word == "PREFIX" and (nxt is None or not nxt.text.endswith(":")):
        return "PREFIX needs a name ending in ':' before the IRI, as in PREFIX ex: <http://…/>"
    known = word in shape.KEYWORDS or word in shape.FUNCTIONS
    if shape.is_bare_word(tok, prev) and not known:
        if nxt is not None and nxt.text == "(":
            return f"unknown function {tok.text}" + _did_you_mean(tok.text, _CALLED)
        return f"unknown keyword {tok.text}" + _did_you_mean(tok.text, sorted(shape.KEYWORDS))
    if shape.out_of_order(toks, culprit):
        return (
            f"{word} is out of place: after the WHERE group the clauses come in the order "
            "GROUP BY, HAVING, ORDER BY, LIMIT, OFFSET"
        )
    return None


def _triple_hint(toks: list[Token], culprit: int | None, error_at: int) -> str | None:
    """A missing '.' between triple patterns, or a triple pattern with a term missing, before
    the place the parser stopped."""
    fourth, incomplete = shape.statements(toks)
    limit = error_at if culprit is None else max(error_at, toks[culprit].start)
    for index in fourth:
        if toks[index].start <= limit:
            return (
                f"a '.' may be missing before {_context(toks, index)}: triple patterns are "
                "separated by '.'"
            )
    for start, end, count in incomplete:
        if toks[end].start <= limit:
            terms = " ".join(_shown(t.text) for t in toks[start:end])
            missing = "object" if count == 2 else "predicate and object"
            return (
                f"the triple pattern '{terms}' has no {missing}: a triple pattern is subject, "
                "predicate and object"
            )
    return None


def _unclosed_hint(sparql: str, toks: list[Token]) -> str | None:
    """A string or an IRI whose closing quote or '>' is missing."""
    quote = shape.unclosed_quote(toks)
    if quote is not None:
        after = sparql[quote.end : quote.end + 20].split("\n")[0]
        return f"a string is never closed: {quote.text}{after}… has no closing {quote.text}"
    for index in range(1, len(toks)):
        if shape.broken_iri(toks, index):
            return f"an IRI is never closed: <{toks[index].text} has no closing >"
    return None


def _select_hint(sparql: str, toks: list[Token]) -> str | None:
    """An expression in SELECT without AS, or a BIND to a variable already bound."""
    unnamed = shape.unnamed_expression(toks)
    if unnamed is not None:
        body, name = unnamed
        shown = sparql[body[0].start : body[-1].end] if body else "…"
        return f"an expression in SELECT needs AS before its name: ({shown} AS {name})"
    reused = shape.bind_reuse(toks)
    if reused is not None:
        return (
            f"BIND (… AS {reused}) assigns {reused}, which is already bound before the BIND in "
            "its group: choose another name"
        )
    return None


def _fallback(
    sparql: str, toks: list[Token], items: list[str], culprit: int | None, error_at: int
) -> str:
    """No specific explanation: the bracket left open, the end of the text or the unexpected
    token, and what the parser expected there (character classes cut)."""
    parts = []
    unclosed, extra = shape.unbalanced(toks)
    wants_more = any(i[0] in '["' and i != "[_]" for i in items)
    at: int | None = None
    if unclosed is not None:
        parts.append(
            f"a '{unclosed.text}' is never closed (missing '{shape.CLOSERS[unclosed.text]}')"
        )
    elif error_at >= len(sparql.rstrip()) and (wants_more or culprit is None) and extra is None:
        last = f" after {_shown(toks[-1].text)!r}" if toks else ""
        parts.append(f"the query ends too early{last}")
        at = error_at
    elif culprit is not None:
        parts.append(f"unexpected {_shown(toks[culprit].text)!r}")
        at = toks[culprit].start
    expected = _readable_items(items, error_at, at)
    if expected:
        parts.append(f"expected {expected}")
    if extra is not None and unclosed is None:
        parts.append(f"'{extra.text}' closes nothing")
    return "; ".join(parts) or "the query does not parse here"


# -- reading the parser's message ------------------------------------------------------------


def _items(expected: str) -> list[str]:
    """The alternatives of ``expected one of A, B, [...]``, char classes and quotes kept whole."""
    items: list[str] = []
    i, n = 0, len(expected)
    while i < n:
        if expected.startswith(", ", i):
            i += 2
            continue
        start = i
        if expected[i] in '["':
            close, quoted = ("]" if expected[i] == "[" else '"'), False
            i += 1
            while i < n and not (expected[i] == close and not quoted):
                if expected[i] == "\\":
                    i += 1
                elif close == "]" and expected[i] == "'":
                    quoted = not quoted
                i += 1
            i += 1
        else:
            end = expected.find(", ", i)
            i = n if end < 0 else end
        items.append(expected[start:i].strip())
    return [item for item in items if item]


def _is_semantic(item: str) -> bool:
    """A check's own words ("Prefix not found"), not a token the parser tried."""
    return " " in item and item[0] not in '["<'


def _is_keyword_item(item: str) -> bool:
    return not _is_semantic(item) and item[0] not in '["<'


def _culprit(toks: list[Token], items: Sequence[str], error_at: int) -> int | None:
    """The index of the token the parser stumbled on, or None.

    Why not the token at the reported position: the parser tries a keyword by reading as many
    characters as the keyword has, so "expected OPTIONAL" at column 42 means it tried OPTIONAL
    at column 34. The last token starting where some alternative was tried is the one.
    """
    starts = set()
    for item in items:
        if _is_keyword_item(item):
            starts.add(error_at - len(item))
        elif item[0] in '["':
            starts.add(error_at)
    best = None
    for index, tok in enumerate(toks):
        if tok.start in starts and (best is None or tok.start > toks[best].start):
            best = index
    return best


def _readable_items(items: Sequence[str], error_at: int, at: int | None) -> str:
    """The alternatives an analyst can read, tried where ``at`` is (all when None): keywords,
    punctuation, "a number"; no character classes."""
    shown = []
    for item in items:
        tried_at = error_at - len(item) if _is_keyword_item(item) else error_at
        if at is not None and tried_at != at:
            continue
        if item.startswith('"'):
            shown.append(f"'{item[1:-1]}'")
        elif item.replace(" ", "") in ("['0'..='9']", "['0'..'9']"):
            shown.append("a number")
        elif _is_keyword_item(item):
            shown.append(item)
    if not shown:
        return ""
    if 2 * sum(s.upper() in shape.FUNCTIONS for s in shown) >= len(shown) > 1:
        return "an expression (a variable, a value or a function call)"
    return shown[0] if len(shown) == 1 else "one of " + ", ".join(shown)


def _clean(raw: str) -> str:
    """A message without a position: the character-class dumps cut out."""
    text = re.sub(r",?\s*\[[^\[\]]*\.\.=?[^\[\]]*\]", "", raw)
    return re.sub(r"\s+", " ", text).strip()


# -- positions and quoting -------------------------------------------------------------------


def _offset(text: str, line: int, column: int) -> int:
    """The 0-based character offset of a 1-based line and column."""
    start = 0
    for _ in range(line - 1):
        newline = text.find("\n", start)
        if newline < 0:
            return len(text)
        start = newline + 1
    return min(start + column - 1, len(text))


def _line_column(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _nearest(pnames: list[Token], error_at: int) -> Token:
    """The prefixed name the parser stopped on: the last one starting before the position."""
    before = [t for t in pnames if t.start < error_at]
    return before[-1] if before else pnames[0]


def _context(toks: list[Token], index: int) -> str:
    """The token and the one after it, as the analyst finds them in the text."""
    shown = [_shown(t.text) for t in toks[index : index + 2] if t.text not in "{}.;,"]
    return "'" + " ".join(shown) + "'"


def _shown(text: str) -> str:
    return text.rstrip(".") if ":" in text else text


def _did_you_mean(word: str, choices: Sequence[str]) -> str:
    close = difflib.get_close_matches(word.upper(), [c.upper() for c in choices], n=1, cutoff=0.6)
    return f" (did you mean {close[0]}?)" if close else ""
