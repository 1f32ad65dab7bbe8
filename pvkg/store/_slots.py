"""A counting semaphore that threads and asyncio tasks can both wait on, first come first served.

Why: query workers are few (one per core); a request waiting for one must not hold a thread of
the server's pool (the event loop waits on a future instead), while library callers in plain
threads wait on an event. Both kinds queue in one line, so neither starves the other.
"""

from __future__ import annotations

import asyncio
import collections
import threading


class Slots:
    """``n`` slots; :meth:`acquire` (threads) and :meth:`acquire_async` (event loop) wait in
    one queue; :meth:`release` hands a freed slot straight to the first waiter.

    >>> slots = Slots(1)
    >>> slots.acquire(0.1), slots.acquire(0.01)
    (True, False)
    >>> slots.release(); slots.acquire(0.01)
    True
    """

    def __init__(self, n: int) -> None:
        self._lock = threading.Lock()
        self._free = n
        self._waiters: collections.deque[threading.Event | asyncio.Future[bool]] = (
            collections.deque()
        )

    def acquire(self, timeout_s: float) -> bool:
        """Take a slot, waiting at most ``timeout_s``; False when none came free in time."""
        with self._lock:
            if self._free and not self._waiters:
                self._free -= 1
                return True
            event = threading.Event()
            self._waiters.append(event)
        if event.wait(max(0.0, timeout_s)):
            return True
        with self._lock:
            if event in self._waiters:
                self._waiters.remove(event)
                return False
        return True  # handed over between the timeout and the lock

    async def acquire_async(self, timeout_s: float) -> bool:
        """Like :meth:`acquire`, but waits on the running event loop instead of a thread."""
        loop = asyncio.get_running_loop()
        with self._lock:
            if self._free and not self._waiters:
                self._free -= 1
                return True
            future: asyncio.Future[bool] = loop.create_future()
            self._waiters.append(future)

        def expire() -> None:
            with self._lock:
                if future not in self._waiters:
                    return  # handed over meanwhile: the slot is ours
                self._waiters.remove(future)
            if not future.done():
                future.set_result(False)

        # (a timer on the loop rather than asyncio.wait_for: no extra task or future)
        timer = loop.call_at(loop.time() + max(0.0, timeout_s), expire)
        try:
            return await future
        except asyncio.CancelledError:
            with self._lock:
                queued = future in self._waiters
                if queued:
                    self._waiters.remove(future)
            expired = future.done() and not future.cancelled() and future.result() is False
            if not queued and not expired:
                self.release()  # the slot was handed over meanwhile: give it back
            raise
        finally:
            timer.cancel()

    def release(self) -> None:
        """Give a slot back: to the first waiter, or to the free count."""
        while True:
            with self._lock:
                if not self._waiters:
                    self._free += 1
                    return
                waiter = self._waiters.popleft()
            if isinstance(waiter, threading.Event):
                waiter.set()
                return
            if _hand_over(waiter):
                return


def _hand_over(future: asyncio.Future[bool]) -> bool:
    """Wake an event-loop waiter from any thread; False when its loop is gone."""
    loop = future.get_loop()
    if loop.is_closed():
        return False

    def wake() -> None:
        if future.done():  # cancelled meanwhile: its acquire_async gives the slot back
            return
        future.set_result(True)

    if asyncio._get_running_loop() is loop:  # on the loop's own thread: no self-pipe write
        wake()
        return True
    try:
        loop.call_soon_threadsafe(wake)
    except RuntimeError:  # loop closed between the check and the call
        return False
    return True
