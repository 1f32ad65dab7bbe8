"""Store URLs: checked when given, and shown without the secrets they can carry.

Why: ``--store-url http://user:password@host`` is how pvkg reaches a server behind Basic auth
(httpx sends the user info as the Authorization header), some servers take a token in the query
string (``?access_token=…``), and messages naming that URL reach anonymous HTTP clients,
terminals and logs. A URL that is not an http(s) URL of a host is refused up front, with the
option's name, instead of failing later inside the HTTP client.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import SplitResult, urlsplit, urlunsplit

from pvkg.errors import InputError

# scheme "://", then the user info: everything up to the authority's last "@"
_USER_INFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/?#\s]*@")
# a query-string value whose name says it is a secret
_SECRET_PARAM = re.compile(
    r"(?i)([?&](?:access_?token|token|api_?key|key|password|passwd|pwd|secret|auth)=)[^&#\s]*"
)
_MASK = "***"


def redact_url(text: str) -> str:
    """``text`` with the user info and secret query values taken out of every URL in it.

    >>> redact_url("http://alice:S3cret@127.0.0.1:7878/query")
    'http://127.0.0.1:7878/query'
    >>> redact_url("cannot reach https://u:p@w@host/x and http://host/?mail=a@b")
    'cannot reach https://host/x and http://host/?mail=a@b'
    >>> redact_url("http://host/sparql?access_token=abc&x=1")
    'http://host/sparql?access_token=***&x=1'
    """
    return _SECRET_PARAM.sub(rf"\1{_MASK}", _USER_INFO.sub(r"\1", text))


def shown_url(url: str) -> str:
    """One URL as it may be shown: no user info (even one with spaces), secret values masked."""
    try:
        parts = urlsplit(url)
        host = parts.netloc.rpartition("@")[2]
    except ValueError:
        return redact_url(url)
    return redact_url(urlunsplit(parts._replace(netloc=host)))


@dataclass(frozen=True)
class Endpoints:
    """The three endpoint URLs of a SPARQL 1.1 Protocol + Graph Store Protocol server."""

    query: str
    update: str
    gsp: str


def endpoint_urls(url: str, option: str = "--store-url") -> Endpoints:
    """The query, update and GSP URLs below ``url`` (Oxigraph server's layout), query string kept.

    A URL ending in ``/query`` or ``/sparql`` is the query URL; the others are made from its
    parent. Raises :class:`InputError` naming ``option`` for anything but an http(s) URL of a host.

    >>> endpoint_urls("http://127.0.0.1:7878/ds/sparql?token=t").update
    'http://127.0.0.1:7878/ds/update?token=t'
    """
    parts = _checked(url, option)
    path = parts.path.rstrip("/")
    query_path = None
    for suffix in ("/query", "/sparql"):
        if path.endswith(suffix):
            query_path, path = path, path[: -len(suffix)]
            break

    def at(endpoint_path: str) -> str:
        return urlunsplit(parts._replace(path=endpoint_path, fragment=""))

    return Endpoints(
        query=at(query_path or f"{path}/query"),
        update=at(f"{path}/update"),
        gsp=at(f"{path}/store"),
    )


def _checked(url: str, option: str) -> SplitResult:
    """``url`` split, or an InputError saying what is wrong with it (the URL shown redacted)."""
    shown = shown_url(url.strip())
    expected = "expected the http:// or https:// URL of a SPARQL server, e.g. http://127.0.0.1:7878"
    try:
        parts = urlsplit(url.strip())
        port = parts.port  # ValueError for a port that is not a number in range
    except ValueError as err:
        raise InputError(f"{option} {shown}: not a valid URL ({err}); {expected}") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise InputError(f"{option} {shown}: {expected}")
    if not parts.hostname:
        raise InputError(f"{option} {shown}: no host name; {expected}")
    if port == 0:
        raise InputError(f"{option} {shown}: port 0; {expected}")
    if any(ch.isspace() for ch in parts.netloc.rpartition("@")[2]):
        raise InputError(f"{option} {shown}: a space in the host name; {expected}")
    return parts
