"""Telling a person's browser from a program by its ``Accept`` header."""

from __future__ import annotations

from service.media import parse_accept


def prefers_html(accept: str | None) -> bool:
    """Whether ``text/html`` is asked for at least as strongly as any other concrete type.

    Browsers send ``text/html,…,application/xml;q=0.9,*/*;q=0.8``; RDF and SPARQL clients name
    their own types and no HTML, and ``*/*`` alone (curl) is not a browser.

    >>> prefers_html("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
    True
    >>> prefers_html("text/turtle, text/html;q=0.5"), prefers_html("*/*"), prefers_html(None)
    (False, False, False)
    """
    ranges = parse_accept(accept)
    html = max((r.q for r in ranges if (r.type, r.subtype) == ("text", "html")), default=0.0)
    others = (r.q for r in ranges if r.type != "*" and (r.type, r.subtype) != ("text", "html"))
    return html > 0 and html >= max(others, default=0.0)
