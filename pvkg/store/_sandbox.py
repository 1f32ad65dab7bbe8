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
from dataclasses import dataclass
from typing import Any, TypeVar

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
# Parent-side pipe ends of live query children. A newly forked child closes them all, so that no
# child keeps a sibling's pipe open (that would hide the sibling's end of file).
_PIPE_FDS: set[int] = set()
_PIPE_LOCK = threading.Lock()
_HEADER = 8  # every message on a pipe is an 8-byte big-endian length and then the bytes


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


@dataclass
class _Child:
    pid: int
    job_fd: int  # the parent writes the pickled job here, then closes it
    result_fd: int  # the child writes its pickled outcome here
    generation: int


class ChildPool:
    """Forks query children, keeping one forked in advance ("warm") while the store is unchanged.

    A child waits for its job on a pipe, so it can be forked before the query arrives. Any write
    to the store calls :meth:`invalidate`, which kills warm children: their snapshot is stale.
    ``handler(job)`` runs in the child, on the snapshot taken at fork time.

    Warm children are **off** (``warm=0``): measured with 300k triples in memory, a small query
    took p50 12-13 ms forked on demand but 24-27 ms with one warm child, because while a child
    shares the parent's pages every page the server writes is copied (copy-on-write faults in
    the parent). Most of a query child's cost is the fork and the first touches of memory; the
    child's exit (page-table teardown) is reaped in the background.
    """

    def __init__(self, guard: ForkGuard, handler: Callable[[Any], object], warm: int = 0) -> None:
        self._guard = guard
        self._handler = handler
        self._warm = warm
        self._lock = threading.Lock()
        self._idle: list[_Child] = []
        self._generation = 0
        self._refilling = False
        self._closed = False

    def invalidate(self) -> None:
        """The store changed: discard the warm children."""
        with self._lock:
            self._generation += 1
            stale, self._idle = self._idle, []
        for child in stale:
            _discard(child)

    def close(self) -> None:
        """Discard warm children and drop the handler (it holds the store, and so its lock)."""
        with self._lock:
            self._closed = True
            self._handler = _closed_handler
        self.invalidate()

    def run(self, job: object, timeout_s: float) -> Any:
        """Run ``job`` in a child; return its result or re-raise its pvkg error.

        Raises:
            QueryTimeout: the child did not finish within ``timeout_s`` (it has been killed).
            PayloadTooLarge: the child ran out of its memory allowance.
            StoreError: the child failed in an unexpected way.
        """
        deadline = time.monotonic() + timeout_s
        if not _children.acquire(timeout=timeout_s):
            raise QueryTimeout(f"server busy: no query slot free within {timeout_s:g} s")
        try:
            child = self._take() or self._fork(self._generation)
            self._refill_later()
            return _send_and_wait(child, job, deadline, timeout_s)
        finally:
            _children.release()

    def _take(self) -> _Child | None:
        with self._lock:
            while self._idle:
                child = self._idle.pop()
                if child.generation == self._generation:
                    return child
                _discard(child)
        return None

    def _fork(self, generation: int) -> _Child:
        parent = os.getpid()
        with self._guard.exclusive(), _PIPE_LOCK:
            job_read, job_write = os.pipe()
            result_read, result_write = os.pipe()
            inherited = _PIPE_FDS | {job_write, result_read}
            pid = os.fork()
            if pid == 0:  # child: never returns
                for fd in inherited:
                    with contextlib.suppress(OSError):
                        os.close(fd)
                _child(self._handler, job_read, result_write, parent)
            _PIPE_FDS.update((job_write, result_read))
            os.close(job_read)
            os.close(result_write)
        return _Child(pid, job_write, result_read, generation)

    def _refill_later(self) -> None:
        with self._lock:
            if self._closed or self._refilling or len(self._idle) >= self._warm:
                return
            self._refilling = True
        threading.Thread(target=self._refill, name="pvkg-warm-child", daemon=True).start()

    def _refill(self) -> None:
        try:
            generation = self._generation
            child = self._fork(generation)
            with self._lock:
                keep = not self._closed and generation == self._generation
                if keep:
                    self._idle.append(child)
            if not keep:
                _discard(child)
        except OSError:
            pass  # fork failed (resources); the next query forks on demand
        finally:
            with self._lock:
                self._refilling = False


def _close(fd: int) -> None:
    with _PIPE_LOCK:
        _PIPE_FDS.discard(fd)
        with contextlib.suppress(OSError):
            os.close(fd)


def _write_message(fd: int, data: bytes) -> None:
    view = memoryview(len(data).to_bytes(_HEADER, "big") + data)
    while view:
        view = view[os.write(fd, view) :]


def _closed_handler(job: object) -> object:
    raise StoreError("the store is closed")


def _discard(child: _Child) -> None:
    for fd in (child.job_fd, child.result_fd):
        _close(fd)
    with contextlib.suppress(OSError):
        os.kill(child.pid, signal.SIGKILL)
    with contextlib.suppress(ChildProcessError):
        os.waitpid(child.pid, 0)


def _send_and_wait(child: _Child, job: object, deadline: float, timeout_s: float) -> Any:
    try:
        _write_message(child.job_fd, pickle.dumps(job, protocol=pickle.HIGHEST_PROTOCOL))
    except OSError:
        pass  # the child died; reported below
    finally:
        _close(child.job_fd)
    read_fd, pid = child.result_fd, child.pid
    received = bytearray()
    expected: int | None = None
    killed = False
    status = 0
    reaped = False
    try:
        while expected is None or len(received) < _HEADER + expected:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                os.kill(pid, signal.SIGKILL)
                killed = True
                break
            ready, _, _ = select.select([read_fd], [], [], min(remaining, 0.2))
            if ready:
                chunk = os.read(read_fd, 1 << 20)
                if not chunk:
                    break
                received += chunk
                if expected is None and len(received) >= _HEADER:
                    expected = int.from_bytes(received[:_HEADER], "big")
            else:
                done, status = os.waitpid(pid, os.WNOHANG)
                if done:
                    reaped = True
                    break
    finally:
        _close(read_fd)
        complete = expected is not None and len(received) >= _HEADER + expected
        if reaped:
            pass
        elif complete and not killed:
            # The answer is in; tearing down a big child's memory takes milliseconds: reap it
            # in the background instead of making the client wait.
            threading.Thread(target=_reap, args=(pid,), daemon=True).start()
        else:
            _, status = os.waitpid(pid, 0)
    if killed:
        raise QueryTimeout(f"query exceeded its {timeout_s:g} s time limit and was stopped")
    if expected is None or len(received) < _HEADER + expected:
        if os.WIFSIGNALED(status):
            raise PayloadTooLarge(
                "the query was stopped by the server (signal "
                f"{os.WTERMSIG(status)}): it probably needed more memory than allowed"
            )
        raise StoreError("the query process ended without an answer")
    outcome, payload = pickle.loads(bytes(received[_HEADER:]))
    if outcome == "ok":
        return payload
    name, message = payload
    raise _ERRORS.get(name, StoreError)(message)


def _reap(pid: int) -> None:
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, 0)


def _read_message(fd: int, parent: int) -> bytes | None:
    """One length-prefixed message, or None at end of file or when the parent process is gone."""
    data = bytearray()
    size: int | None = None
    while size is None or len(data) < _HEADER + size:
        ready, _, _ = select.select([fd], [], [], 1.0)
        if not ready:
            if os.getppid() != parent:
                return None
            continue
        chunk = os.read(fd, 1 << 16)
        if not chunk:
            return None
        data += chunk
        if size is None and len(data) >= _HEADER:
            size = int.from_bytes(data[:_HEADER], "big")
    return bytes(data[_HEADER:])


def _child(handler: Callable[[Any], object], job_fd: int, write_fd: int, parent: int) -> None:
    code = 0
    try:
        with contextlib.suppress(ValueError, OSError):
            _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
            limit = _current_vsize() + CHILD_MEMORY_BYTES
            if hard == resource.RLIM_INFINITY or limit < hard:
                resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
        received = _read_message(job_fd, parent)
        if received is None:  # discarded before it got a job
            return
        try:
            message: tuple[str, object] = ("ok", handler(pickle.loads(received)))
        except PvkgError as err:
            message = ("error", (type(err).__name__, err.message))
        except MemoryError:
            message = ("error", ("PayloadTooLarge", "the query needed more memory than allowed"))
        except Exception as err:
            message = ("error", ("StoreError", f"query failed: {type(err).__name__}: {err}"))
        _write_message(write_fd, pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL))
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
