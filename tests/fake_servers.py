"""Servers that are not SPARQL servers, for ``--store-url`` failure tests: one that never
answers, one that answers every request with a web page."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

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


class _WebPage(BaseHTTPRequestHandler):
    """Answers every request 200 with an HTML page, as a web site or a proxy's login page."""

    def _page(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        body = b"<!doctype html><html><body>Please log in</body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _page

    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def web_page_server() -> Iterator[str]:
    """The base URL of a plain web server (200 text/html to everything)."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _WebPage)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
