"""What a SPARQL text shows about its own mistakes, read from its tokens without parsing it.

Used by ``_syntax_messages.py`` once the store's parser has refused a text: which prefixes are
undeclared, where a triple pattern has a fourth term (a '.' missing) or lacks one, which
bracket, string or IRI is left open, which selected variables are neither grouped nor
aggregated. Nothing here runs on a query that parsed.

>>> [t.text for t in lex("?s ?p 1.5")]
['?s', '?p', '1.5']
>>> fourth, incomplete = statements(lex("ASK { ?s ?p ?o ?s ?p ?o }"))
>>> lex("ASK { ?s ?p ?o ?s ?p ?o }")[fourth[0]].start
15
"""

from __future__ import annotations

import re

from pvkg.namespaces import PREFIXES
from pvkg.store._inspect import Token, tokens


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


AGGREGATES = _words("COUNT SUM MIN MAX AVG SAMPLE GROUP_CONCAT")
# SPARQL 1.1 built-in calls (§17.4) plus the SPARQL 1.2 ones pyoxigraph knows.
FUNCTIONS = AGGREGATES | _words(
    """STR LANG LANGMATCHES DATATYPE BOUND IRI URI BNODE RAND ABS CEIL FLOOR ROUND CONCAT STRLEN
    UCASE LCASE ENCODE_FOR_URI CONTAINS STRSTARTS STRENDS STRBEFORE STRAFTER YEAR MONTH DAY
    HOURS MINUTES SECONDS TIMEZONE TZ NOW UUID STRUUID MD5 SHA1 SHA256 SHA384 SHA512 COALESCE IF
    STRLANG STRDT SAMETERM ISIRI ISURI ISBLANK ISLITERAL ISNUMERIC REGEX SUBSTR REPLACE EXISTS
    TRIPLE SUBJECT PREDICATE OBJECT ISTRIPLE LANGDIR HASLANG HASLANGDIR STRLANGDIR ADJUST"""
)
# Words that may stand outside strings and IRIs, other than function names.
KEYWORDS = _words(
    """BASE PREFIX SELECT CONSTRUCT DESCRIBE ASK DISTINCT REDUCED AS FROM NAMED WHERE GROUP BY
    HAVING ORDER ASC DESC LIMIT OFFSET VALUES UNDEF OPTIONAL GRAPH SERVICE SILENT BIND MINUS
    FILTER UNION NOT IN A TRUE FALSE LOAD CLEAR DROP CREATE ADD MOVE COPY TO INTO INSERT DELETE
    DATA WITH USING DEFAULT ALL SEPARATOR LATERAL"""
)
FORMS = ("SELECT", "CONSTRUCT", "DESCRIBE", "ASK")
UPDATE_WORDS = _words("INSERT DELETE LOAD CLEAR DROP CREATE ADD MOVE COPY WITH")
CLOSERS = {"(": ")", "{": "}", "[": "]"}
_CLAUSES = {"GROUP": 0, "HAVING": 1, "ORDER": 2, "LIMIT": 3, "OFFSET": 3}  # their order
_GROUP_WORDS = _words("OPTIONAL MINUS UNION LATERAL WHERE EXISTS NOT")


def lex(sparql: str) -> list[Token]:
    """The lexer's tokens (``_inspect.tokens``) with each number (``12``, ``1.5``) one token."""
    out: list[Token] = []
    for tok in tokens(sparql):
        prev = out[-1] if out else None
        digit = tok.kind == "other" and tok.text.isdigit()
        if digit and prev is not None and prev.kind == "number" and prev.end == tok.start:
            out[-1] = Token("number", prev.text + tok.text, prev.start, tok.end, prev.depth)
        elif digit and _decimal_point(out, tok):
            number = out[-2]
            out[-2:] = [
                Token("number", f"{number.text}.{tok.text}", number.start, tok.end, tok.depth)
            ]
        elif digit:
            out.append(Token("number", tok.text, tok.start, tok.end, tok.depth))
        else:
            out.append(tok)
    return out


def _decimal_point(out: list[Token], digit: Token) -> bool:
    """Whether the last two tokens are a number and a '.' right before ``digit``."""
    return (
        len(out) > 1
        and out[-1].text == "."
        and out[-2].kind == "number"
        and out[-2].end == out[-1].start == digit.start - 1
    )


def after_prologue(toks: list[Token]) -> Token | None:
    """The first token after PREFIX and BASE declarations, or None."""
    i = 0
    while i < len(toks):
        word = toks[i].text.upper() if toks[i].kind == "word" else ""
        if word == "BASE":
            i += 2
        elif word == "PREFIX" and i + 1 < len(toks) and toks[i + 1].text.endswith(":"):
            i += 3
        elif word == "PREFIX" and i + 1 < len(toks) and ":<" in toks[i + 1].text:
            i += 2  # "ex:<http://…>" is one token
        else:
            return toks[i]
    return None


def undefined_prefixes(sparql: str, toks: list[Token]) -> list[Token]:
    """Prefixed names whose prefix no PREFIX line declares and pvkg does not predeclare."""
    declared = {m.group(1) for m in re.finditer(r"(?i)\bPREFIX\s+([^\s:]*):", sparql)}
    declared |= set(PREFIXES)
    found = []
    for index, tok in enumerate(toks):
        if tok.kind != "word" or ":" not in tok.text:
            continue
        if (index > 0 and toks[index - 1].text.upper() == "PREFIX") or broken_iri(toks, index):
            continue
        prefix = tok.text.split(":", 1)[0]
        if prefix != "_" and prefix not in declared:
            found.append(tok)
    return found


def broken_iri(toks: list[Token], index: int) -> bool:
    """Whether the token at ``index`` is the inside of an IRI whose '>' is missing."""
    prev = toks[index - 1] if index else None
    tok = toks[index]
    return (
        prev is not None
        and prev.text == "<"
        and prev.end == tok.start
        and tok.kind == "word"
        and ":" in tok.text
    )


def unclosed_quote(toks: list[Token]) -> Token | None:
    """The quote of a string that is never closed (the lexer leaves it as a lone token)."""
    return next((t for t in toks if t.kind == "other" and t.text in "\"'"), None)


def is_bare_word(tok: Token, prev: Token | None) -> bool:
    """A word that is neither a prefixed name nor a language tag (``"x"@en``)."""
    if tok.kind != "word" or ":" in tok.text:
        return False
    return not (prev is not None and prev.text == "@" and prev.end == tok.start)


def unbalanced(toks: list[Token]) -> tuple[Token | None, Token | None]:
    """(the first bracket left open, the first bracket closing nothing)."""
    stack: list[Token] = []
    for tok in toks:
        if tok.kind != "other":
            continue
        if tok.text in CLOSERS:
            stack.append(tok)
        elif tok.text in CLOSERS.values():
            if stack and CLOSERS[stack[-1].text] != tok.text:
                return stack[-1], None
            if not stack:
                return None, tok
            stack.pop()
    return (stack[-1] if stack else None), None


def out_of_order(toks: list[Token], index: int) -> bool:
    """Whether the clause keyword at ``index`` follows one that must come after it."""
    tok = toks[index]
    rank = _CLAUSES.get(tok.text.upper())
    if rank is None:
        return False
    for before in reversed(toks[:index]):
        if before.depth < tok.depth or (before.text == "}" and before.depth == tok.depth):
            return False
        if before.depth == tok.depth and _CLAUSES.get(before.text.upper(), -1) > rank:
            return True
    return False


# -- triple patterns: where a '.' is missing, which pattern lacks a term -------------------


def statements(toks: list[Token]) -> tuple[list[int], list[tuple[int, int, int]]]:
    """Indexes of tokens starting a fourth term in one triple pattern (a '.' missing before
    them), and the (start, end, terms) of patterns ended with only one or two terms."""
    fourth: list[int] = []
    incomplete: list[tuple[int, int, int]] = []
    count, start, i = 0, 0, 0
    after_semicolon = False  # "?s ?p ?o ; ." is complete
    while i < len(toks):
        tok = toks[i]
        text, word = tok.text, tok.text.upper() if tok.kind == "word" else ""
        if tok.depth == 0 and text not in ("{", "}"):
            count, i = 0, i + 1
        elif text in (".", "}", ";", ","):
            trailing = after_semicolon and count == 1 and text in (".", "}")
            if 0 < count < 3 and not trailing:
                incomplete.append((start, i, count))
            count = {";": 1, ",": 2}.get(text, 0) if count else 0
            after_semicolon, i = text == ";", i + 1
        elif text == "{" or word in _GROUP_WORDS:
            count, i = 0, i + 1
        elif word in ("FILTER", "BIND"):
            count, i = 0, skip_call(toks, i + 1)
        elif word == "VALUES":
            count, i = 0, _skip_block(toks, i + 1)
        elif _is_term(tok):
            if count == 3:
                fourth.append(i)
                count = 0
            if count == 0:
                start = i
            count, after_semicolon, i = count + 1, False, _skip_term(toks, i)
        elif word:
            count, i = 0, _skip_to_brace(toks, i + 1)
        else:
            i += 1
    return fourth, incomplete


def _is_term(tok: Token) -> bool:
    if tok.kind in ("var", "iri", "string", "number"):
        return True
    if tok.kind == "word":
        return ":" in tok.text or tok.text.upper() in ("A", "TRUE", "FALSE")
    return tok.text in ("(", "[")


def _skip_term(toks: list[Token], i: int) -> int:
    """The index after the term starting at ``i`` (a literal's tag or datatype, a bracket)."""
    tok = toks[i]
    if tok.text in ("(", "["):
        return skip_balanced(toks, i)
    if tok.kind == "string" and i + 2 < len(toks):
        nxt = toks[i + 1]
        if nxt.text == "@" and nxt.start == tok.end:
            return i + 3
        if nxt.text == "^" and toks[i + 2].text == "^":
            return i + 4
    return i + 1


def skip_balanced(toks: list[Token], i: int) -> int:
    """The index after the bracket opened at ``i`` closes (or the end)."""
    opener, depth = toks[i].text, 0
    for j in range(i, len(toks)):
        if toks[j].text == opener:
            depth += 1
        elif toks[j].text == CLOSERS[opener]:
            depth -= 1
            if depth == 0:
                return j + 1
    return len(toks)


def skip_call(toks: list[Token], i: int) -> int:
    """After FILTER/BIND: past its parenthesised expression (stop at a '{' of EXISTS)."""
    for j in range(i, len(toks)):
        if toks[j].text == "(":
            return skip_balanced(toks, j)
        if toks[j].text in ("{", "}"):
            return j
    return len(toks)


def _skip_block(toks: list[Token], i: int) -> int:
    """After VALUES: past its data block."""
    for j in range(i, len(toks)):
        if toks[j].text == "{":
            return skip_balanced(toks, j)
    return len(toks)


def _skip_to_brace(toks: list[Token], i: int) -> int:
    for j in range(i, len(toks)):
        if toks[j].text in ("{", "}"):
            return j
    return len(toks)


# -- SELECT, GROUP BY, BIND ------------------------------------------------------------------


def ungrouped(toks: list[Token]) -> list[str]:
    """Selected variables of some SELECT with GROUP BY or an aggregate that are neither grouped
    nor inside an aggregate; ``["*"]`` for ``SELECT *`` with GROUP BY."""
    for index, tok in enumerate(toks):
        if tok.kind != "word" or tok.text.upper() != "SELECT":
            continue
        projection, body_end = projection_of(toks, index)
        grouped, has_group_by = _group_by(toks, body_end, tok.depth)
        aggregated = any(t.kind == "word" and t.text.upper() in AGGREGATES for t in projection)
        if not (has_group_by or aggregated):
            continue
        # ``SELECT *`` (after DISTINCT/REDUCED), not the ``*`` of ``COUNT(*)``
        words = [t for t in projection if t.text.upper() not in ("DISTINCT", "REDUCED")]
        if words and words[0].text == "*" and has_group_by:
            return ["*"]
        missing = [v for v in _plain_variables(projection) if v not in grouped]
        if missing:
            return missing
    return []


def misplaced_aggregate(toks: list[Token]) -> str | None:
    """An aggregate called inside a FILTER or BIND."""
    for index, tok in enumerate(toks):
        if tok.kind == "word" and tok.text.upper() in ("FILTER", "BIND"):
            for inner in toks[index + 1 : skip_call(toks, index + 1)]:
                if inner.kind == "word" and inner.text.upper() in AGGREGATES:
                    return inner.text.upper()
    return None


def bind_reuse(toks: list[Token]) -> str | None:
    """``?s ?p ?o BIND(1 AS ?o)``: the variable a BIND assigns that its group binds before it."""
    for index, tok in enumerate(toks):
        if tok.kind != "word" or tok.text.upper() != "BIND":
            continue
        end = skip_call(toks, index + 1)
        named = [
            toks[j + 1].text[1:]
            for j in range(index, end - 1)
            if toks[j].text.upper() == "AS" and toks[j + 1].kind == "var"
        ]
        for before in reversed(toks[:index]):
            if before.text == "{" and before.depth < tok.depth:
                break
            if named and before.kind == "var" and before.text[1:] == named[0]:
                return "?" + named[0]
    return None


def unnamed_expression(toks: list[Token]) -> tuple[list[Token], str] | None:
    """``SELECT (COUNT(?s) ?n)``: the expression without AS and the name it seems to want."""
    for index, tok in enumerate(toks):
        if tok.kind != "word" or tok.text.upper() != "SELECT":
            continue
        projection, _ = projection_of(toks, index)
        parens, has_as, start = 0, False, 0
        for position, item in enumerate(projection):
            if item.text == "(":
                parens += 1
                if parens == 1:
                    has_as, start = False, position
            elif item.text == ")":
                parens -= 1
                if parens == 0 and not has_as:
                    inner = projection[start + 1 : position]
                    if inner and inner[-1].kind == "var":
                        return inner[:-1], inner[-1].text
                    return inner, "?name"
            elif parens == 1 and item.text.upper() == "AS":
                has_as = True
    return None


def projection_of(toks: list[Token], select: int) -> tuple[list[Token], int]:
    """The SELECT clause's tokens (up to WHERE, FROM or the group: what follows FROM is a
    dataset, or in SQL a table), and the index just after its WHERE group."""
    depth = toks[select].depth
    i = select + 1
    while i < len(toks) and not (toks[i].text == "{" and toks[i].depth == depth):
        i += 1
    clause_end = next(
        (j for j in range(select + 1, i) if toks[j].text.upper() in ("WHERE", "FROM")), i
    )
    return toks[select + 1 : clause_end], skip_balanced(toks, i) if i < len(toks) else i


def _group_by(toks: list[Token], start: int, depth: int) -> tuple[set[str], bool]:
    """The variables after a GROUP BY that follows a WHERE group, and whether there is one."""
    words = [t.text.upper() for t in toks[start : start + 2]]
    if words != ["GROUP", "BY"]:
        return set(), False
    grouped = set()
    for tok in toks[start + 2 :]:
        if tok.depth < depth or tok.text == "}" or tok.text.upper() in _CLAUSES:
            break
        if tok.kind == "var":
            grouped.add("?" + tok.text[1:])
    return grouped, True


def _plain_variables(projection: list[Token]) -> list[str]:
    """Variables selected as themselves (outside any ``( … AS ?v )``)."""
    names, parens = [], 0
    for tok in projection:
        if tok.text == "(":
            parens += 1
        elif tok.text == ")":
            parens -= 1
        elif tok.kind == "var" and parens == 0:
            names.append("?" + tok.text[1:])
    return names


def projection_mistake(toks: list[Token]) -> tuple[str, list[Token], int] | None:
    """A SELECT clause written the SQL way: ``("comma", [the clause's tokens], end)``, ``("call",
    [the call's tokens, then AS and its name if given], end)`` for a function or aggregate
    without the parentheses around ``(… AS ?name)``, or ``("word", [the word], end)`` for a
    variable without its '?'; ``end`` is the offset where the clause ends.

    >>> kind, found, _ = projection_mistake(lex("SELECT COUNT(?s) AS ?n WHERE { ?s ?p ?o }"))
    >>> kind, " ".join(t.text for t in found)
    ('call', 'COUNT ( ?s ) AS ?n')
    >>> [projection_mistake(lex(q))[0] for q in ("SELECT ?s, ?p { ?s ?p ?o }", "SELECT s {}")]
    ['comma', 'word']
    >>> projection_mistake(lex("SELECT DISTINCT ?s (COUNT(*) AS ?n) { ?s ?p ?o }")) is None
    True
    """
    for index, tok in enumerate(toks):
        if tok.kind != "word" or tok.text.upper() != "SELECT":
            continue
        projection, _ = projection_of(toks, index)
        end = next((t.start for t in toks[index:] if t.text == "{"), toks[-1].end)
        parens = 0
        for position, item in enumerate(projection):
            if item.text == "(":
                parens += 1
            elif item.text == ")":
                parens -= 1
            elif parens == 0 and item.text == ",":
                return "comma", projection, end
            elif parens == 0 and item.kind == "word" and ":" not in item.text:
                word = item.text.upper()
                following = projection[position + 1 : position + 2]
                if word in FUNCTIONS and following and following[0].text == "(":
                    close = skip_balanced(projection, position + 1)
                    named = projection[close : close + 2]
                    if len(named) == 2 and named[0].text.upper() == "AS":
                        close += 2
                    return "call", projection[position:close], end
                if word not in ("DISTINCT", "REDUCED", "AS") and word not in KEYWORDS:
                    return "word", [item], end
    return None


# keywords that stand inside an expression ("?o IN (…)", "?o = true", "?s a")
_IN_EXPRESSIONS = _words("IN NOT TRUE FALSE A")


def filter_without_parentheses(toks: list[Token]) -> tuple[Token, list[Token]] | None:
    """``FILTER ?o > 3``: the FILTER and its condition's tokens (to the end of the group, a '.'
    or the next keyword), when the condition is neither in parentheses nor a function call.

    >>> found = filter_without_parentheses(lex("ASK { ?s ?p ?o FILTER ?o > 3 }"))
    >>> [t.text for t in found[1]]
    ['?o', '>', '3']
    >>> filter_without_parentheses(lex("ASK { ?o ?p ?o FILTER regex(?o, 'a') FILTER EXISTS {} }"))
    """
    for index, tok in enumerate(toks[:-1]):
        if tok.kind != "word" or tok.text.upper() != "FILTER":
            continue
        first, after = toks[index + 1], toks[index + 2 : index + 3]
        called = bool(after) and after[0].text == "("
        if first.text == "(" or (
            first.kind == "word" and first.text.upper() in FUNCTIONS | {"NOT"}
        ):
            continue
        if called and (first.kind == "iri" or (first.kind == "word" and ":" in first.text)):
            continue  # a function by IRI or prefixed name
        condition = []
        for item in toks[index + 1 :]:
            stops = item.text in ("{", "}", ".") or (
                item.kind == "word" and item.text.upper() in KEYWORDS - _IN_EXPRESSIONS
            )
            if stops and item.depth <= tok.depth:
                break
            condition.append(item)
        return tok, condition
    return None


def prefix_mistake(toks: list[Token]) -> tuple[str, Token, Token] | None:
    """``PREFIX pv <…>`` (``("colon", name, iri)``) or ``PREFIX pv: https://…`` (``("brackets",
    name, what follows)``): a prefix declaration whose name lacks its ':' or whose IRI its
    angle brackets.

    >>> kind, name, iri = prefix_mistake(lex("PREFIX pv <urn:x#> ASK {}"))
    >>> kind, name.text, iri.text
    ('colon', 'pv', '<urn:x#>')
    >>> prefix_mistake(lex("PREFIX pv: https://x/ ASK {}"))[0]
    'brackets'
    """
    for index, tok in enumerate(toks[:-2]):
        if tok.kind != "word" or tok.text.upper() != "PREFIX":
            continue
        name, value = toks[index + 1], toks[index + 2]
        if name.kind == "word" and not name.text.endswith(":") and value.kind == "iri":
            return "colon", name, value
        if name.text.endswith(":") and value.kind != "iri" and value.text != "<":
            return "brackets", name, value
    return None
