"""Run one read-only job on the embedded store in a forked child process that can be killed.

Why: pyoxigraph cannot cancel a query. It releases the GIL and never checks for signals, and an
aggregate over a cross join does all its work inside one ``next()`` call, so polling a deadline
between rows does not stop it. Measured on this machine: ``SELECT (COUNT(*) AS ?c)`` over a
three-way cross join of 3,000 triples ran on after a 1 s ``SIGALRM`` until killed.

How: ``os.fork()`` gives the child a copy-on-write snapshot of the store (in memory or the open
RocksDB handles); the child runs the query, writes its serialised answer to a pipe and exits
with ``os._exit``. The parent reads the pipe until the deadline, then sends ``SIGKILL``. The
child also gets an address-space limit, so one query cannot exhaust the server's memory.
Measured cost of the fork: 7-11 ms with 300k triples, 26-29 ms with 1M triples in memory.

Forking a threaded process is only safe when no other thread is inside the store at that
moment (a lock held by a thread that does not exist in the child would never be released).
:class:`ForkGuard` is a reader/writer lock: every store call in the parent holds it shared,
the fork holds it exclusively for the few milliseconds of the ``fork()`` system call. A
deadlocked child (possible only through RocksDB's own background threads) is killed at the
deadline like a slow query.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import resource
import select
import signal
import threading
import time
from collections.abc import Callable, Iterator
from typing import TypeVar

from pvkg.errors import (
    PayloadTooLarge,
    PvkgError,
    QuerySyntaxError,
    QueryTimeout,
    StoreError,
    UnsupportedFormat,
)

T = TypeVar("T")

CAN_FORK = hasattr(os, "fork")
CHILD_MEMORY_BYTES = 2 * 1024**3  # address space a query child may add to the parent's
MAX_CHILDREN = max(2, os.cpu_count() or 2)

_ERRORS: dict[str, type[PvkgError]] = {
    cls.__name__: cls
    for cls in (QuerySyntaxError, PayloadTooLarge, UnsupportedFormat, QueryTimeout, StoreError)
}
_children = threading.BoundedSemaphore(MAX_CHILDREN)


class ForkGuard:
    """Shared for store calls, exclusive for ``fork()``; a waiting fork blocks new readers."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._readers = 0
        self._forking = 0
        self._local = threading.local()

    @contextlib.contextmanager
    def shared(self) -> Iterator[None]:
        depth = getattr(self._local, "depth", 0)
        if depth:  # re-entrant within one thread
            self._local.depth = depth + 1
            try:
                yield
            finally:
                self._local.depth -= 1
            return
        with self._cond:
            while self._forking:
                self._cond.wait()
            self._readers += 1
        self._local.depth = 1
        try:
            yield
        finally:
            self._local.depth = 0
            with self._cond:
                self._readers -= 1
                if self._readers == 0:
                    self._cond.notify_all()

    @contextlib.contextmanager
    def exclusive(self) -> Iterator[None]:
        with self._cond:
            self._forking += 1
            try:
                while self._readers:
                    self._cond.wait()
                yield
            finally:
                self._forking -= 1
                self._cond.notify_all()


def run_in_child(job: Callable[[], T], timeout_s: float, guard: ForkGuard) -> T:
    """Run ``job`` in a forked child; return its (picklable) result or re-raise its pvkg error.

    Raises:
        QueryTimeout: the child did not finish within ``timeout_s`` (it has been killed).
        PayloadTooLarge: the child ran out of its memory allowance.
        StoreError: the child failed in an unexpected way.
    """
    deadline = time.monotonic() + timeout_s
    if not _children.acquire(timeout=timeout_s):
        raise QueryTimeout(f"server busy: no query slot free within {timeout_s:g} s")
    try:
        return _fork_and_wait(job, deadline, timeout_s, guard)
    finally:
        _children.release()


def _fork_and_wait(job: Callable[[], T], deadline: float, timeout_s: float, guard: ForkGuard) -> T:
    read_fd, write_fd = os.pipe()
    with guard.exclusive():
        pid = os.fork()
    if pid == 0:  # child: never returns
        os.close(read_fd)
        _child(job, write_fd)
    os.close(write_fd)
    chunks: list[bytes] = []
    killed = False
    try:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                os.kill(pid, signal.SIGKILL)
                killed = True
                break
            ready, _, _ = select.select([read_fd], [], [], min(remaining, 1.0))
            if ready:
                chunk = os.read(read_fd, 1 << 20)
                if not chunk:
                    break
                chunks.append(chunk)
    finally:
        os.close(read_fd)
        _, status = os.waitpid(pid, 0)
    if killed:
        raise QueryTimeout(f"query exceeded its {timeout_s:g} s time limit and was stopped")
    if not chunks:
        if os.WIFSIGNALED(status):
            raise PayloadTooLarge(
                "the query was stopped by the server (signal "
                f"{os.WTERMSIG(status)}): it probably needed more memory than allowed"
            )
        raise StoreError("the query process ended without an answer")
    outcome, payload = pickle.loads(b"".join(chunks))
    if outcome == "ok":
        return payload  # type: ignore[no-any-return]
    name, message = payload
    raise _ERRORS.get(name, StoreError)(message)


def _child(job: Callable[[], object], write_fd: int) -> None:
    code = 0
    try:
        with contextlib.suppress(ValueError, OSError):
            _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
            limit = _current_vsize() + CHILD_MEMORY_BYTES
            if hard == resource.RLIM_INFINITY or limit < hard:
                resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
        try:
            message: tuple[str, object] = ("ok", job())
        except PvkgError as err:
            message = ("error", (type(err).__name__, err.message))
        except MemoryError:
            message = ("error", ("PayloadTooLarge", "the query needed more memory than allowed"))
        except Exception as err:
            message = ("error", ("StoreError", f"query failed: {type(err).__name__}: {err}"))
        data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
        view = memoryview(data)
        while view:
            written = os.write(write_fd, view)
            view = view[written:]
    except BaseException:
        code = 1
    finally:
        os._exit(code)


def _current_vsize() -> int:
    try:
        with open("/proc/self/statm", encoding="utf-8") as f:
            return int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return 0
