"""The app on a loopback port in a thread, as ``pvkg serve`` runs it (the lean ``GET /sparql``
in front of the whole app, httptools with one write per response): for tests that need real
HTTP (connections kept alive, large bodies, browsers, SPARQLWrapper)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn

from pvkg.settings import Settings
from pvkg.store import Store
from service import create_app
from service.http import CoalescingHttpToolsProtocol
from service.routes import sparql_fast
from tests.fake_servers import free_port


@contextmanager
def served_app(settings: Settings, store: Store) -> Iterator[str]:
    """The base URL (``http://127.0.0.1:PORT``) of the served app, stopped on exit."""
    app = create_app(settings, store)
    port = free_port()
    config = uvicorn.Config(
        sparql_fast.FastSparqlGet(app, outermost=app),
        host="127.0.0.1",
        port=port,
        log_level="warning",
        http=CoalescingHttpToolsProtocol,
        loop="asyncio",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 20
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.05)
        assert server.started, "the app did not start within 20 s"
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
