"""Kept query workers (pvkg/store/_sandbox.py), their slots and the per-generation answer cache.

What must hold: a worker answers many queries; a read after a write sees the write (the cache
and the kept workers included); a timed-out or abandoned query's worker is killed; an on-disk
store keeps answering while writes, flushes and compactions replace its table files.
"""

from __future__ import annotations

import asyncio
import json
import os
import threading
import time
from pathlib import Path

import pytest

from pvkg.errors import QueryTimeout
from pvkg.store import LocalStore
from pvkg.store._cache import ResultCache, cacheable
from pvkg.store._slots import Slots

JSON = "application/sparql-results+json"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <urn:g> { ?s ?p ?o } }"
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?c ?q ?d . ?e ?f ?g }"


def _count(store: LocalStore, text: str = COUNT) -> int:
    return _value(store.query_serialized(text, JSON, timeout_s=10).body)


def _rows(body: bytes) -> int:
    return len(json.loads(body)["results"]["bindings"])


def _value(body: bytes) -> int:
    return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])


def _children() -> set[int]:
    pids: set[int] = set()
    for task in Path("/proc/self/task").glob("*"):
        try:
            pids.update(int(p) for p in (task / "children").read_text().split())
        except OSError:
            continue
    return pids


def _slow_store() -> LocalStore:
    store = LocalStore(None)
    data = "".join(f'<http://e/{i}> <http://e/p> "{i}" .\n' for i in range(3000))
    store.load_data(data.encode(), "nt")
    return store


def test_a_worker_answers_many_queries(monkeypatch: pytest.MonkeyPatch) -> None:
    store = LocalStore(None, result_cache_bytes=0)
    store.load_data(b'<urn:a> <urn:p> "1" .', "nt", graph="urn:g")
    forks = []
    real_fork = os.fork

    def counting_fork() -> int:
        pid = real_fork()
        if pid:
            forks.append(pid)
        return pid

    monkeypatch.setattr(os, "fork", counting_fork)
    for _ in range(20):
        assert _count(store) == 1
    assert len(forks) == 1
    store.close()


def test_read_after_write_sees_the_write_through_workers_and_cache() -> None:
    store = LocalStore(None)
    for expected in range(1, 6):
        store.add_triples("urn:g", [_triple(expected)])
        assert _count(store) == expected  # the same text each time: cached until the write
        assert _count(store) == expected
    store.update("CLEAR GRAPH <urn:g>")
    assert _count(store) == 0
    store.load_data(b'<urn:x> <urn:p> "1" .', "nt", graph="urn:g", replace=True)
    assert _count(store) == 1
    store.close()


def test_async_queries_see_writes_and_share_the_workers() -> None:
    store = LocalStore(None)

    async def main() -> list[int]:
        seen = []
        for expected in range(1, 4):
            store.add_triples("urn:g", [_triple(expected)])
            answers = await asyncio.gather(
                *(store.query_serialized_async(COUNT, JSON, timeout_s=10) for _ in range(6))
            )
            seen += [
                int(json.loads(a.body)["results"]["bindings"][0]["n"]["value"]) for a in answers
            ]
        return seen

    assert asyncio.run(main()) == [1] * 6 + [2] * 6 + [3] * 6
    store.close()


def test_cancelled_async_query_kills_its_worker() -> None:
    store = _slow_store()
    before = _children()

    async def main() -> None:
        task = asyncio.create_task(store.query_serialized_async(SLOW, JSON, timeout_s=30))
        await asyncio.sleep(0.5)
        assert _children() - before  # the worker is running the query
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(main())
    deadline = time.monotonic() + 5
    while _children() - before and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _children() - before
    assert _count(store, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }") == 3000
    store.close()


def test_async_timeout_stops_the_query() -> None:
    store = _slow_store()
    started = time.monotonic()
    with pytest.raises(QueryTimeout):
        asyncio.run(store.query_serialized_async(SLOW, JSON, timeout_s=1.0))
    assert time.monotonic() - started < 3
    assert _count(store, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }") == 3000
    store.close()


def test_volatile_queries_are_not_cached() -> None:
    assert not cacheable("SELECT (now() AS ?t) {}")
    assert not cacheable("SELECT * { SERVICE <http://x/> { ?s ?p ?o } }")
    assert not cacheable("SELECT (STRUUID () AS ?u) {}")
    assert cacheable("SELECT ?service WHERE { ?service a <urn:Service> }")
    store = LocalStore(None)
    store.query_serialized("SELECT (RAND() AS ?r) {}", JSON, timeout_s=10)
    assert len(store._children._results or ()) == 0
    store.query_serialized("ASK {}", JSON, timeout_s=10)
    assert len(store._children._results or ()) == 1
    store.close()


def test_result_cache_is_bounded_by_bytes() -> None:
    cache = ResultCache(max_bytes=100)
    for i in range(10):
        cache.put((0, i), object(), 30)
    assert len(cache) == 3
    assert cache.get((0, 9)) is not None and cache.get((0, 0)) is None
    cache.put((0, "big"), object(), 101)
    assert cache.get((0, "big")) is None


def test_slots_hand_over_between_threads_and_event_loop() -> None:
    slots = Slots(1)
    assert slots.acquire(0.1)
    got: list[str] = []

    def thread_waiter() -> None:
        if slots.acquire(5):
            got.append("thread")
            slots.release()

    async def loop_waiter() -> None:
        if await slots.acquire_async(5):
            got.append("loop")
            slots.release()

    thread = threading.Thread(target=thread_waiter)
    thread.start()
    time.sleep(0.1)

    async def main() -> None:
        waiting = asyncio.create_task(loop_waiter())
        await asyncio.sleep(0.1)
        slots.release()
        await waiting

    asyncio.run(main())
    thread.join(5)
    assert got == ["thread", "loop"]  # first come, first served
    assert slots.acquire(0.1)

    async def times_out() -> bool:
        return await slots.acquire_async(0.1)

    assert asyncio.run(times_out()) is False


@pytest.mark.slow
def test_on_disk_queries_keep_answering_while_writes_replace_table_files(tmp_path: Path) -> None:
    """Writes, flushes and compactions create and delete RocksDB files under kept workers."""
    store = LocalStore(tmp_path / "store", result_cache_bytes=0)
    stop = threading.Event()
    errors: list[BaseException] = []
    written = [0]

    def writer() -> None:
        try:
            for batch in range(40):
                store.add_triples("urn:g", [_triple(batch * 100 + i) for i in range(100)])
                written[0] = (batch + 1) * 100
                with store._guard.shared():  # (as every store call: never under a fork)
                    store._store.flush()  # a new table file per batch
                    if batch % 10 == 9:
                        store._store.optimize()  # compaction: old table files are deleted
        except BaseException as err:  # pragma: no cover - reported below
            errors.append(err)
        finally:
            stop.set()

    def reader() -> None:
        try:
            while not stop.is_set():
                low = written[0]
                seen = _count(store)
                assert seen >= low, (seen, low)
        except BaseException as err:
            errors.append(err)

    threads = [threading.Thread(target=writer)] + [
        threading.Thread(target=reader) for _ in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not errors, errors
    assert _count(store) == 4000
    store.close()


def _triple(i: int) -> tuple:
    from rdflib import Literal, URIRef

    return (URIRef(f"urn:s{i}"), URIRef("urn:p"), Literal(i))


def test_one_pattern_lookups_are_answered_in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    from pvkg.errors import PayloadTooLarge
    from pvkg.store import _lookup

    store = LocalStore(None, result_cache_bytes=0)
    store.load_data(b'<urn:a> <urn:p> "x" .\n<urn:a> <urn:p> "y" .', "nt")
    forks: list[int] = []
    real_fork = os.fork
    monkeypatch.setattr(os, "fork", lambda: forks.append(1) or real_fork())
    lookup = "SELECT ?o WHERE { <urn:a> <urn:p> ?o } # a comment"
    body = store.query_serialized(lookup, JSON, timeout_s=5).body
    assert sorted(b["o"]["value"] for b in json.loads(body)["results"]["bindings"]) == ["x", "y"]
    store.add_triples(None, [_triple(1)])
    asked = "SELECT * { ?s <urn:p> ?o }"
    assert (
        len(
            json.loads(store.query_serialized(asked, JSON, timeout_s=5).body)["results"]["bindings"]
        )
        == 3
    )
    assert forks == []  # no worker for lookups
    with pytest.raises(PayloadTooLarge):
        store.query_serialized(asked, JSON, timeout_s=5, max_rows=2)
    monkeypatch.setattr(_lookup, "MAX_ROWS", 1)  # more rows than a lookup reads: a worker answers
    assert (
        len(
            json.loads(store.query_serialized(asked, JSON, timeout_s=5).body)["results"]["bindings"]
        )
        == 3
    )
    assert forks == [1]
    store.close()


def test_cancelled_slot_waiter_gives_back_what_it_was_handed() -> None:
    slots = Slots(1)
    assert slots.acquire(0.1)

    async def main() -> None:
        waiter = asyncio.create_task(slots.acquire_async(5))
        await asyncio.sleep(0.05)
        slots.release()  # handed to the waiter...
        waiter.cancel()  # ...which is cancelled before it runs
        with pytest.raises(asyncio.CancelledError):
            await waiter

    asyncio.run(main())
    assert slots.acquire(0.1)  # the slot came back
    assert not slots.acquire(0.05)


def test_event_loop_reads_do_not_queue_behind_a_waiting_fork() -> None:
    from pvkg.store._sandbox import ForkGuard

    guard = ForkGuard()
    reading, release, forked = threading.Event(), threading.Event(), threading.Event()

    def long_read() -> None:
        with guard.shared():
            reading.set()
            release.wait(5)

    def fork() -> None:
        with guard.exclusive():  # waits for the long read
            forked.set()

    threads = [threading.Thread(target=long_read), threading.Thread(target=fork)]
    threads[0].start()
    reading.wait(5)
    threads[1].start()
    time.sleep(0.2)  # the fork is now waiting
    with guard.shared(wait=False) as entered:
        assert entered is False
    release.set()
    for thread in threads:
        thread.join(5)
    assert forked.is_set()
    with guard.shared(wait=False) as entered:
        assert entered is True


@pytest.mark.parametrize(
    "sparql",
    [
        "SELECT DISTINCT ?p WHERE { ?s ?p ?o }",  # one next() may skip every duplicate
        "SELECT ?x WHERE { ?x ?p ?x }",  # one next() may skip every non-matching triple
        "SELECT ?x WHERE { ?x <urn:p> $x }",  # the same variable with the other sigil
    ],
)
def test_lookups_that_one_step_cannot_bound_go_to_a_worker(sparql: str) -> None:
    from pvkg.store._lookup import is_lookup

    assert not is_lookup(sparql)
    assert is_lookup(
        sparql.replace("DISTINCT ", "").replace("?x ?p ?x", "?x ?p ?y").replace("$x", "?y")
    )


def test_the_answer_cache_is_a_setting() -> None:
    """PVKG_QUERY_CACHE_MB sizes the cache of the store pvkg opens; 0 turns it off (the bench
    measures HTTP against raw pyoxigraph that way)."""
    from pvkg.errors import InputError
    from pvkg.settings import Settings
    from pvkg.store import open_store

    assert Settings.from_env({"PVKG_QUERY_CACHE_MB": "0"}).query_cache_mib == 0
    assert Settings.from_env({"PVKG_QUERY_CACHE_MB": "8"}).query_cache_mib == 8
    assert Settings.from_env({}).query_cache_mib == 64
    for bad in ("-1", "lots"):
        with pytest.raises(InputError, match="PVKG_QUERY_CACHE_MB"):
            Settings.from_env({"PVKG_QUERY_CACHE_MB": bad})
    for mib in (0, 8):
        store = open_store(Settings().with_(query_cache_mib=mib), in_memory=True)
        try:
            assert store._result_cache_bytes == mib * 1024**2  # type: ignore[attr-defined]
        finally:
            store.close()
