"""Servers that are not SPARQL servers, for ``--store-url`` failure tests: one that never
answers, one that answers every request with a web page."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager

SECRET = "S3cretPw"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def with_user(url: str) -> str:
    """``url`` with ``alice:SECRET@`` as its user info (how a store behind Basic auth is named)."""
    return url.replace("http://", f"http://alice:{SECRET}@", 1)


@contextmanager
def silent_server() -> Iterator[str]:
    """The base URL of a server that accepts connections and never answers."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        sock.close()
