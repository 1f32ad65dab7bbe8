"""``pvkg.nesting``: deeply nested text is refused before a recursive parser can overflow."""

from __future__ import annotations

import subprocess
import sys

import pytest

from pvkg.errors import InputError, TooDeeplyNested
from pvkg.nesting import DATA_LIMIT, SPARQL_LIMIT, check_nesting, nesting_depth


def deep_update(depth: int) -> str:
    return "DELETE { ?s ?p ?o } WHERE " + "{" * depth + " ?s ?p ?o " + "}" * depth


def deep_jsonld(depth: int) -> bytes:
    return b'{"@id":"http://a",' + b'"http://p":{' * depth + b'"@value":"x"' + b"}" * depth + b"}"


DEEP = [
    ("sparql", deep_update(3000)),
    ("sparql", "SELECT * { ?s <http://p> " + "(" * 400 + "1" + ")" * 400 + " }"),
    ("sparql", "ASK { FILTER(" + "!" * 10_000 + "true) }"),
    ("jsonld", deep_jsonld(20_000)),
    ("jsonld", b'{"@id":"http://a","http://p":' + b'{"@list":[' * 300 + b"1" + b"]}" * 300 + b"}"),
    ("nt", "<http://a> <http://p> " + "<<( <http://a> <http://p> " * 300 + "1" + " )>>" * 300),
    ("turtle", "<http://a> <http://p> " + "[ <http://p> " * 300 + "1" + " ]" * 300 + " ."),
    ("trig", "<http://g> { <http://a> <http://p> " + "(" * 300 + ")" * 300 + " }"),
    (
        "rdfxml",
        b"<rdf:RDF xmlns:rdf='r'>" + b"<e:p xmlns:e='e'>" * 300 + b"</e:p>" * 300 + b"</rdf:RDF>",
    ),
]


@pytest.mark.parametrize(
    ("syntax", "text"), DEEP, ids=[f"{s}-{i}" for i, (s, _) in enumerate(DEEP)]
)
def test_deep_text_is_refused(syntax: str, text: str | bytes) -> None:
    with pytest.raises(TooDeeplyNested) as caught:
        check_nesting(text, syntax, where="the body")
    assert isinstance(caught.value, InputError)
    assert caught.value.code == "TOO_DEEP"
    assert caught.value.message.startswith("the body is nested more than")


def test_brackets_in_strings_iris_and_comments_do_not_count() -> None:
    noise = "(" * 500 + "[" * 500 + "{" * 500
    sparql = (
        f"INSERT DATA {{ <http://x/{'(' * 300}> <http://p> '{noise}' , \"{noise}\" , "
        f"'''{noise}\n''' , \"\"\"{noise}\"\"\" }} # {noise}\n"
    )
    assert nesting_depth(sparql, "sparql", limit=SPARQL_LIMIT) == 1
    turtle = sparql.replace("INSERT DATA", "").replace("}", "")
    assert nesting_depth(turtle.replace("{", ""), "turtle", limit=DATA_LIMIT) == 0
    assert nesting_depth(f'{{"a": "{noise}", "b\\"{noise}": [1]}}', "jsonld", limit=10) == 2


def test_wide_but_shallow_text_passes() -> None:
    data = "".join(f"<http://s/{i}> <http://p> [ <http://q> ( 1 2 ) ] .\n" for i in range(5000))
    check_nesting(data.encode(), "turtle")
    union = "SELECT * { " + "{ ?s ?p ?o } UNION " * 500 + "{ ?s ?p ?o } }"
    check_nesting(union, "sparql")
    check_nesting(b"[" + b'{"@id":"http://a","http://p":{"@value":"x"}},' * 5000 + b"{}]", "jsonld")
    check_nesting("x" * 10_000, "unknown-syntax")  # nothing to check


def test_a_less_than_that_looks_like_an_iri_does_not_hide_nesting() -> None:
    # ``?x<x:a#>`` may be ``?x < x:a`` and a comment: the parser then sees ``x:a((…`` calls
    line = "((?x<x:a#>)))\n"
    assert nesting_depth("ASK { FILTER(" + line * 200 + "1) }", "sparql", limit=0) > 200
    # ``<'a>b'``: an IRI, or ``<`` and a string ending after the ``>``
    hidden = "ASK { FILTER(?x<'a>b' && " + "(" * 200 + "1" + ")" * 200 + " = '') }"
    assert nesting_depth(hidden, "sparql", limit=0) > 200
    less_than = "ASK { FILTER(1<" + "(" * 200 + "1" + ")" * 200 + ">0) }"
    assert nesting_depth(less_than, "sparql", limit=0) > 200
    # real IRIs with '#' keep the count exact
    text = "SELECT * { " + "?s <urn:x#p> ?o . { ?s <urn:y#q> ?o }\n" * 300 + "}"
    assert nesting_depth(text, "sparql", limit=0) == 2


def test_the_limits_are_far_below_the_crash_depth() -> None:
    """pyoxigraph parses the deepest accepted text in a thread with the default stack."""
    program = (
        "import threading, pyoxigraph as ox\n"
        "def run():\n"
        f"    ox.Store().update({deep_update(SPARQL_LIMIT)!r})\n"
        f"    list(ox.parse({deep_jsonld(DATA_LIMIT - 1)!r}, format=ox.RdfFormat.JSON_LD))\n"
        "    print('ok')\n"
        "t = threading.Thread(target=run); t.start(); t.join()\n"
    )
    check_nesting(deep_update(SPARQL_LIMIT), "sparql")
    check_nesting(deep_jsonld(DATA_LIMIT - 1), "jsonld")
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, timeout=60)
    assert done.returncode == 0 and done.stdout.strip() == b"ok", done.stderr[-500:]
