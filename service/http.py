"""uvicorn's httptools protocol, with each response's head and body sent in one write.

Why: an ASGI app sends a response as two messages (head, then body) and uvicorn writes each to
the socket at once: two ``send()`` system calls and two TCP segments, so the client wakes up
twice. For a small SPARQL answer those writes were most of the server's time (py-spy, 50k
store, ``wrk -c8``). Here writes made in one turn of the event loop are joined and sent at the
end of that turn: same bytes, same order, one system call.
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

BIG_WRITE = 256 * 1024


class CoalescingTransport:
    """Wraps a transport: ``write`` collects, the loop's next turn sends it all at once."""

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self._transport = transport
        self._loop = loop
        self._pending: list[bytes] = []

    def write(self, data: bytes | bytearray | memoryview) -> None:
        if len(data) >= BIG_WRITE:  # a big body: no gain in waiting, and no copy
            self.flush()
            self._transport.write(data)
            return
        if not self._pending:
            self._loop.call_soon(self.flush)
        self._pending.append(bytes(data))

    def writelines(self, lines: list[bytes]) -> None:
        for data in lines:
            self.write(data)

    def flush(self) -> None:
        if not self._pending:
            return
        data = b"".join(self._pending)
        self._pending.clear()
        if not self._transport.is_closing():
            self._transport.write(data)

    def close(self) -> None:
        self.flush()
        self._transport.close()

    def write_eof(self) -> None:
        self.flush()
        self._transport.write_eof()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


class CoalescingHttpToolsProtocol(HttpToolsProtocol):
    """``uvicorn.run(..., http=CoalescingHttpToolsProtocol)``."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        # (uvloop's transports are not asyncio.Transport subclasses: no isinstance check)
        super().connection_made(CoalescingTransport(transport, self.loop))  # type: ignore[arg-type]
