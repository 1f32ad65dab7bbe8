"""Run read-only jobs on the embedded store in forked worker processes that can be killed.

Why: pyoxigraph cannot cancel a query. It releases the GIL and never checks for signals, and an
aggregate over a cross join does all its work inside one ``next()`` call, so polling a deadline
between rows does not stop it. Measured on this machine: ``SELECT (COUNT(*) AS ?c)`` over a
three-way cross join of 3,000 triples ran on after a 1 s ``SIGALRM`` until killed.

How: ``os.fork()`` gives a worker a copy-on-write snapshot of the store (in memory or the open
RocksDB handles). A worker answers many jobs, one at a time, over a pair of pipes, and is killed
(``SIGKILL``) when a job passes its deadline. Each worker also gets an address-space limit, so
one query cannot exhaust the server's memory. Forking per query (7-29 ms, plus the pickling)
capped the endpoint at about 50 small queries per second; a kept worker answers one in well
under a millisecond.

Snapshots: a worker serves only the store *generation* it was forked in. Every write bumps the
generation (:meth:`WorkerPool.invalidate`), so a read after a write is answered by a worker
forked after it (read-your-writes); an on-disk store's generation also includes the modification
time of its directory, which changes whenever RocksDB creates or deletes a file (flush,
compaction), so no kept worker goes on reading a table file that compaction has deleted.
Workers of an old generation finish the job they have and exit.

Forking a threaded process is only safe when no other thread is inside the store at that
moment (a lock held by a thread that does not exist in the child would never be released).
:class:`ForkGuard` is a reader/writer lock: every store call in the parent holds it shared,
the fork holds it exclusively for the few milliseconds of the ``fork()`` system call. A
deadlocked worker (possible only through RocksDB's own background threads) is killed at the
deadline like a slow query.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import os
import pickle
import resource
import select
import signal
import threading
import time
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pvkg.errors import (
    PayloadTooLarge,
    PvkgError,
    QuerySyntaxError,
    QueryTimeout,
    StoreError,
    UnsupportedFormat,
)
from pvkg.store._cache import ResultCache
from pvkg.store._slots import Slots

CAN_FORK = hasattr(os, "fork")
CHILD_MEMORY_BYTES = 2 * 1024**3  # address space a worker may add to the parent's
MAX_CHILDREN = max(2, os.cpu_count() or 2)  # workers busy at once (all pools)
IDLE_S = 300.0  # a worker idle this long is retired (its snapshot's pages stay shared till then)
RETIRE_AFTER_S = 1.0  # a worker whose job ran this long is retired: its heap may have grown
# A new worker first runs the pool's probe (a small read) and reports ready. fork() copies
# locks as they are: one held by a RocksDB background thread (flush, compaction) at that moment
# stays held in the worker forever (py-spy: stuck in rocksdb::port::Mutex::Lock). Such a worker
# is killed after READY_S and another forked, instead of failing a query at its deadline.
READY_S = 2.0
FORK_TRIES = 5
ASYNC_JOB_BYTES = 60_000  # bigger jobs are written from a thread (a pipe holds 64 KiB)

_ERRORS: dict[str, type[PvkgError]] = {
    cls.__name__: cls
    for cls in (QuerySyntaxError, PayloadTooLarge, UnsupportedFormat, QueryTimeout, StoreError)
}
_slots = Slots(MAX_CHILDREN)
# Parent-side pipe ends of live workers. A newly forked worker closes them all, so that no
# worker keeps a sibling's pipe open (that would hide the sibling's end of file).
_PIPE_FDS: set[int] = set()
_PIPE_LOCK = threading.Lock()
_OUT_OF_MEMORY = "the query needed more memory than allowed"
_HEADER = 8  # every message on a pipe is an 8-byte big-endian length and then the bytes


class ForkGuard:
    """Shared for store calls, exclusive for ``fork()``; a waiting fork blocks new readers."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._readers = 0
        self._forking = 0
        self._local = threading.local()

    @contextlib.contextmanager
    def shared(self, *, wait: bool = True) -> Iterator[bool]:
        """Hold the guard shared; yields True. With ``wait=False``, yields False at once
        (holding nothing) when a fork is waiting or running."""
        depth = getattr(self._local, "depth", 0)
        if depth:  # re-entrant within one thread
            self._local.depth = depth + 1
            try:
                yield True
            finally:
                self._local.depth -= 1
            return
        with self._cond:
            if self._forking and not wait:
                entered = False
            else:
                while self._forking:
                    self._cond.wait()
                self._readers += 1
                entered = True
        if not entered:
            yield False
            return
        self._local.depth = 1
        try:
            yield True
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


def _no_probe() -> None:
    return None


@dataclass(eq=False)
class _Worker:
    pid: int
    job_fd: int  # the parent writes length-prefixed pickled jobs here
    result_fd: int  # the worker writes its length-prefixed pickled outcomes here
    generation: tuple[int, int]
    used: float = field(default_factory=time.monotonic)
    reaped: bool = False
    closed: bool = False  # the parent's pipe ends


class _Expired(Exception):
    """The job's deadline passed before its answer was complete."""


class _Ended(Exception):
    """The worker's pipe closed before a complete answer: it died."""


class WorkerPool:
    """Keeps forked workers of the current store generation and gives each job to one of them.

    ``handler(job)`` runs in a worker, on the snapshot taken when that worker was forked. At
    most :data:`MAX_CHILDREN` jobs run at once (over every pool of the process); an idle worker
    waits for its next job on a pipe. Any write to the store calls :meth:`invalidate`.
    """

    def __init__(
        self,
        guard: ForkGuard,
        handler: Callable[[Any], object],
        *,
        watch: Path | None = None,
        results: ResultCache | None = None,
        probe: Callable[[], object] = _no_probe,
    ) -> None:
        self._guard = guard
        self._probe = probe  # run first in a new worker: a read that takes the store's locks
        self._results = results  # answers by (generation, job), see _cache.py
        self._handler = handler
        self._watch = watch  # an on-disk store's directory (see the module docstring)
        self._lock = threading.Lock()
        self._idle: list[_Worker] = []
        self._writes = 0
        self._closed = False
        self._owner = os.getpid()  # a worker inheriting this pool must never kill its siblings

    def generation(self) -> tuple[int, int]:
        """(writes so far, directory modification time): a worker serves only its own."""
        mtime = 0
        if self._watch is not None:
            with contextlib.suppress(OSError):
                mtime = os.stat(self._watch).st_mtime_ns
        return self._writes, mtime

    def invalidate(self) -> None:
        """The store changed: discard the idle workers; busy ones exit after their job."""
        if os.getpid() != self._owner:
            return
        with self._lock:
            self._writes += 1
            stale, self._idle = self._idle, []
        if self._results is not None:
            self._results.clear()
        for worker in stale:
            _retire(worker)

    def close(self) -> None:
        """Discard the workers and drop the handler (it holds the store, and so its lock)."""
        if os.getpid() != self._owner:
            return
        with self._lock:
            self._closed = True
            self._handler = _closed_handler
            self._probe = _no_probe
        self.invalidate()

    def run(self, job: Hashable, timeout_s: float, *, cache: bool = False) -> Any:
        """Run ``job`` in a worker; return its result or re-raise its pvkg error. With
        ``cache``, an answer to the same job in the current generation is reused.

        Raises:
            QueryTimeout: no answer within ``timeout_s`` (the worker has been killed), or no
                worker came free within it.
            PayloadTooLarge: the worker ran out of its memory allowance.
            StoreError: the worker failed in an unexpected way.
        """
        deadline = time.monotonic() + timeout_s
        key = self._cache_key(job, cache)
        if key is not None and (hit := self._results.get(key)) is not None:  # type: ignore[union-attr]
            return hit
        if not _slots.acquire(timeout_s):
            raise _busy(timeout_s)
        try:
            return self._run_in_slot(_frame(job), deadline, timeout_s, key)
        finally:
            _slots.release()

    async def run_async(self, job: Hashable, timeout_s: float, *, cache: bool = False) -> Any:
        """:meth:`run` for the event loop: waits for the answer without holding a thread.

        Forking a worker (after a write) and writing a big job block, so those steps run in a
        thread. Cancelling the call (the client went away) kills the worker, which stops the
        query.
        """
        deadline = time.monotonic() + timeout_s
        key = self._cache_key(job, cache)
        if key is not None and (hit := self._results.get(key)) is not None:  # type: ignore[union-attr]
            return hit
        if not await _slots.acquire_async(timeout_s):
            raise _busy(timeout_s)
        try:
            data = _frame(job)
            worker = None
            try:
                for attempt in range(2):
                    worker = self._take() or await self._fork_async()
                    if await _send_async(worker, data):
                        break
                    status = await asyncio.to_thread(_reap, worker)  # died before reading it
                    worker = None
                    if attempt:
                        raise _died(status)
                assert worker is not None
                started = time.monotonic()
                received = await _answer_async(worker, deadline)
            except asyncio.CancelledError:
                if worker is not None:
                    _retire(worker)
                raise
            except _Expired:
                assert worker is not None
                await asyncio.to_thread(_kill, worker)
                raise _expired(timeout_s) from None
            except _Ended:
                assert worker is not None
                status = await asyncio.to_thread(_reap, worker)
                raise _died(status) from None
            self._give_back(worker, time.monotonic() - started)
            return self._keep(worker, key, _decode(received))
        finally:
            _slots.release()

    async def _fork_async(self) -> _Worker:
        """:meth:`_fork` in a thread; a worker forked for a cancelled call is retired."""
        forking = asyncio.get_running_loop().run_in_executor(None, self._fork)
        try:
            return await asyncio.shield(forking)
        except asyncio.CancelledError:
            forking.add_done_callback(
                lambda f: None if f.cancelled() or f.exception() else _retire(f.result())
            )
            raise

    def _cache_key(self, job: Hashable, cache: bool) -> tuple[Hashable, ...] | None:
        if not cache or self._results is None:
            return None
        # Only writes change what a query sees (the directory time matters to workers only).
        return (self._writes, job)

    @property
    def writes(self) -> int:
        """Writes so far (the part of the generation that changes what a query sees)."""
        return self._writes

    def cached(self, job: Hashable) -> Any:
        """The kept answer to ``job`` in the current generation, or None."""
        return None if self._results is None else self._results.get((self._writes, job))

    def remember(self, writes: int, job: Hashable, answer: Any) -> None:
        """Keep ``answer``, computed on the data after ``writes`` writes."""
        body = getattr(answer, "body", None)
        if self._results is not None and isinstance(body, bytes):
            text = job[0] if isinstance(job, tuple) and job and isinstance(job[0], str) else ""
            size = len(body) + len(text)  # the key holds the query text
            self._results.put((writes, job), answer, size)

    def _keep(self, worker: _Worker, key: tuple[Hashable, ...] | None, answer: Any) -> Any:
        """Remember ``answer`` under the generation of the worker that computed it."""
        if key is not None:
            self.remember(worker.generation[0], key[1], answer)
        return answer

    def _run_in_slot(
        self, data: bytes, deadline: float, timeout_s: float, key: tuple[Hashable, ...] | None
    ) -> Any:
        for attempt in range(2):
            worker = self._take() or self._fork()
            try:
                _write_all(worker.job_fd, data)
            except OSError:  # it died while idle, before reading the job: one more try
                status = _reap(worker)
                if attempt:
                    raise _died(status) from None
                continue
            started = time.monotonic()
            try:
                received = _answer(worker, deadline)
            except _Expired:
                _kill(worker)
                raise _expired(timeout_s) from None
            except _Ended:
                raise _died(_reap(worker)) from None
            self._give_back(worker, time.monotonic() - started)
            return self._keep(worker, key, _decode(received))
        raise StoreError("no query process could be started")  # pragma: no cover

    def _take(self) -> _Worker | None:
        """An idle, living worker of the current generation (stale ones are retired)."""
        now, generation = time.monotonic(), self.generation()
        stale = []
        found = None
        with self._lock:
            while self._idle:
                worker = self._idle.pop()
                if worker.generation == generation and now - worker.used < IDLE_S:
                    found = worker
                    break
                stale.append(worker)
        for worker in stale:
            _retire(worker)
        return found  # one that died while idle fails its job write (EPIPE) and is replaced

    def _give_back(self, worker: _Worker, took_s: float) -> None:
        with self._lock:
            keep = (
                not self._closed
                and took_s < RETIRE_AFTER_S
                and worker.generation[0] == self._writes  # _take checks the directory too
                and len(self._idle) < MAX_CHILDREN
            )
            if keep:
                worker.used = time.monotonic()
                self._idle.append(worker)
        if not keep:
            _retire(worker)

    def _fork(self) -> _Worker:
        """A new worker that has shown it can read the store (see :data:`READY_S`).

        Raises:
            StoreError: no worker came up in :data:`FORK_TRIES` tries.
        """
        for _ in range(FORK_TRIES):
            worker = self._fork_once()
            try:
                if _answer(worker, time.monotonic() + READY_S) is not None:
                    return worker
            except _Expired:  # stuck on a lock a RocksDB thread held at the fork
                _kill(worker)
            except _Ended:
                _reap(worker)
        raise StoreError("could not start a query process (the store stayed busy)")

    def _fork_once(self) -> _Worker:
        parent = os.getpid()
        with self._guard.exclusive(), _PIPE_LOCK:
            generation = self.generation()  # read before the fork: never newer than the snapshot
            job_read, job_write = os.pipe()
            result_read, result_write = os.pipe()
            inherited = _PIPE_FDS | {job_write, result_read}
            pid = os.fork()
            if pid == 0:  # the worker: never returns
                for fd in inherited:
                    with contextlib.suppress(OSError):
                        os.close(fd)
                _worker_main(self._handler, self._probe, job_read, result_write, parent)
            _PIPE_FDS.update((job_write, result_read))
            os.close(job_read)
            os.close(result_write)
        return _Worker(pid, job_write, result_read, generation)


def _busy(timeout_s: float) -> QueryTimeout:
    return QueryTimeout(f"server busy: no query slot free within {timeout_s:g} s")


def _expired(timeout_s: float) -> QueryTimeout:
    return QueryTimeout(f"query exceeded its {timeout_s:g} s time limit and was stopped")


def _died(status: int) -> PvkgError:
    if os.WIFSIGNALED(status):
        return PayloadTooLarge(
            "the query was stopped by the server (signal "
            f"{os.WTERMSIG(status)}): it probably needed more memory than allowed"
        )
    return StoreError("the query process ended without an answer")


def _frame(job: object) -> bytes:
    data = pickle.dumps(job, protocol=pickle.HIGHEST_PROTOCOL)
    return len(data).to_bytes(_HEADER, "big") + data


def _decode(received: bytes | bytearray) -> Any:
    outcome, payload = pickle.loads(memoryview(received)[_HEADER:])
    if outcome == "ok":
        return payload
    name, message = payload
    raise _ERRORS.get(name, StoreError)(message)


def _complete(received: bytes | bytearray) -> bool:
    return len(received) >= _HEADER and len(received) >= _HEADER + int.from_bytes(
        received[:_HEADER], "big"
    )


def _answer(worker: _Worker, deadline: float) -> bytearray:
    """Read one answer, blocking until it is complete or the deadline passes."""
    received = bytearray()
    while not _complete(received):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise _Expired
        ready, _, _ = select.select([worker.result_fd], [], [], remaining)
        if ready:
            chunk = os.read(worker.result_fd, 1 << 20)
            if not chunk:
                raise _Ended
            received += chunk
    return received


async def _send_async(worker: _Worker, data: bytes) -> bool:
    """Write a job to a worker; False when the worker is gone (its pipe is closed)."""
    try:
        if len(data) <= ASYNC_JOB_BYTES:  # fits in the empty pipe: never blocks
            _write_all(worker.job_fd, data)
        else:
            await asyncio.to_thread(_write_all, worker.job_fd, data)
    except OSError:
        return False
    return True


async def _answer_async(worker: _Worker, deadline: float) -> bytearray:
    """Read one answer on the running event loop (no thread waits for it)."""
    loop = asyncio.get_running_loop()
    done: asyncio.Future[None] = loop.create_future()
    received = bytearray()

    def readable() -> None:
        if done.done():
            return
        try:
            chunk = os.read(worker.result_fd, 1 << 20)
        except BlockingIOError:
            return
        except OSError:
            chunk = b""
        if not chunk:
            done.set_exception(_Ended())
            return
        received.extend(chunk)
        if _complete(received):
            done.set_result(None)

    def expire() -> None:
        if not done.done():
            done.set_exception(_Expired())

    loop.add_reader(worker.result_fd, readable)
    # (loop.call_at rather than asyncio.wait_for: no extra task and future per query)
    timer = loop.call_at(loop.time() + max(0.0, deadline - time.monotonic()), expire)
    try:
        await done
    finally:
        timer.cancel()
        loop.remove_reader(worker.result_fd)
    return received


def _close_pipes(worker: _Worker) -> None:
    """Close the parent's ends of a worker's pipes, once (a file descriptor number is reused
    by the next ``pipe()``: closing it twice could close another worker's pipe)."""
    with _PIPE_LOCK:
        if worker.closed:
            return
        worker.closed = True
        for fd in (worker.job_fd, worker.result_fd):
            _PIPE_FDS.discard(fd)
            with contextlib.suppress(OSError):
                os.close(fd)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _closed_handler(job: object) -> object:
    raise StoreError("the store is closed")


def _kill(worker: _Worker) -> None:
    """Stop a worker now and wait for it (its CPU use ends before this returns)."""
    with contextlib.suppress(OSError):
        os.kill(worker.pid, signal.SIGKILL)
    _reap(worker)


def _reap(worker: _Worker) -> int:
    """Close the worker's pipes and wait for it; its exit status (0 if already reaped)."""
    _close_pipes(worker)
    if worker.reaped:
        return 0
    worker.reaped = True
    with contextlib.suppress(ChildProcessError):
        return os.waitpid(worker.pid, 0)[1]
    return 0


def _retire(worker: _Worker) -> None:
    """Kill a worker that is no longer wanted; tearing down its memory takes milliseconds, so
    it is reaped in the background instead of making a client wait."""
    _close_pipes(worker)
    if worker.reaped:
        return
    with contextlib.suppress(OSError):
        os.kill(worker.pid, signal.SIGKILL)
    threading.Thread(target=_reap, args=(worker,), daemon=True).start()


def _read_message(fd: int, parent: int) -> bytes | None:
    """One length-prefixed message, or None at end of file or when the parent process is gone."""
    data = bytearray()
    while not _complete(data):
        ready, _, _ = select.select([fd], [], [], 1.0)
        if not ready:
            if os.getppid() != parent:
                return None
            continue
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            return None
        data += chunk
    return bytes(data[_HEADER:])


def _worker_main(
    handler: Callable[[Any], object],
    probe: Callable[[], object],
    job_fd: int,
    write_fd: int,
    parent: int,
) -> None:
    code = 0
    try:
        gc.freeze()  # the inherited objects are never collected here: do not touch their pages
        with contextlib.suppress(ValueError, OSError):
            _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
            limit = _current_vsize() + CHILD_MEMORY_BYTES
            if hard == resource.RLIM_INFINITY or limit < hard:
                resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
        probe()
        _write_all(write_fd, _frame("ready"))
        while (received := _read_message(job_fd, parent)) is not None:
            try:
                message: tuple[str, object] = ("ok", handler(pickle.loads(received)))
            except PvkgError as err:
                message = ("error", (type(err).__name__, err.message))
            except MemoryError:
                message = ("error", ("PayloadTooLarge", _OUT_OF_MEMORY))
            except Exception as err:
                message = ("error", ("StoreError", f"query failed: {type(err).__name__}: {err}"))
            _write_all(write_fd, _frame(message))
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
