"""Read portfolio files ahead in worker processes while the caller validates and stores.

``pvkg load`` of many files spent a third of its time reading (decoding, parsing, writing
N-Triples), all of it pure Python and so bound to one core. Worker processes read the next
files while the main process validates and stores the current one; results come back in the
order of the paths. Few files (or one core) are read in this process: starting workers costs
more than it saves. One core is left to the caller (its validating and storing is the longer
part), this process reads the first files itself while the workers start, and the workers keep
up to 32 files each (64 MiB of input) ready.

A file a worker cannot read is read again here, so that the caller gets the reader's own
exception (with its file, row and column) rather than a copy that lost its fields in pickling.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pvkg.errors import InputError
from pvkg.settings import Settings

if TYPE_CHECKING:
    from loaders import LoadedPortfolio

MIN_FILES = 8  # below this, starting the workers costs more than reading in parallel saves
# How far the workers read ahead. A short window starved them: results and new work pass through
# the pool's manager thread, and with 4 files a worker the storing process waited 2 s of 10 for
# files already read (bench/NOTES.md, finding 17). The byte bound caps the memory held.
AHEAD_PER_WORKER = 32
AHEAD_BYTES = 64 * 1024 * 1024  # input bytes in flight (file sizes); at least one file

_job: dict[str, Any] = {}


def _init(encoding: str | None, resolver: Any, settings: Settings) -> None:
    _job.update(encoding=encoding, resolver=resolver, settings=settings)


def _ready() -> bool:
    """A worker's answer that it can read: the probe of :func:`read_files`. The readers' imports
    (rdflib, openpyxl) take most of a worker's start, so they are done here, not on first use."""
    import loaders  # noqa: F401

    return True


def _read_in_worker(path: Path) -> list[LoadedPortfolio] | None:
    """The file's portfolios, or None when it cannot be read (re-read by the parent for the
    error)."""
    from loaders import read_portfolios_file

    try:
        return read_portfolios_file(
            path,
            encoding=_job["encoding"],
            resolve_institution=_job["resolver"],
            settings=_job["settings"],
        )
    except InputError:
        return None


def _read_here(
    path: Path, encoding: str | None, resolver: Any, settings: Settings
) -> list[LoadedPortfolio] | InputError:
    from loaders import read_portfolios_file

    try:
        return read_portfolios_file(
            path, encoding=encoding, resolve_institution=resolver, settings=settings
        )
    except InputError as err:
        return err


def _main_importable() -> bool:
    """Whether spawned workers can import the main module again (not a script on stdin)."""
    main_file = getattr(sys.modules.get("__main__"), "__file__", None)
    return main_file is None or os.path.exists(main_file)


def _answered(probe: Future[bool]) -> bool:
    """Whether a worker has started and answered its probe (one that failed never counts)."""
    return probe.done() and not probe.cancelled() and probe.exception() is None


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0  # the reader reports it


def worker_count(files: int) -> int:
    """How many reader processes to start for ``files`` files (0: read in this process)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    if files < MIN_FILES or not cores or cores < 2 or not _main_importable():
        return 0
    # one core stays with the caller, whose validating and storing is the longer part
    return min(cores - 1, 4)


def read_files(
    paths: Sequence[Path],
    settings: Settings,
    *,
    encoding: str | None = None,
    resolver: Any = None,
    workers: int | None = None,
) -> Iterator[tuple[Path, list[LoadedPortfolio] | InputError]]:
    """Each path with its portfolios (one, or one per institution in an RDF file of several:
    :func:`loaders.read_portfolios`), or the InputError that kept it from being read.

    Args:
        paths: the files, yielded in this order.
        settings: reader limits.
        encoding: force the text encoding of CSV files.
        resolver: institution-name resolver (must pickle: it is sent to the workers).
        workers: reader processes (None: :func:`worker_count`; 0: read in this process).
    """
    count = worker_count(len(paths)) if workers is None else workers
    here = (encoding, resolver, settings)
    if count <= 0:
        for path in paths:
            yield path, _read_here(path, *here)
        return
    # spawn, not fork: the caller may hold an open store and threads, which a fork would copy.
    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(
        count, mp_context=context, initializer=_init, initargs=(encoding, resolver, settings)
    )
    # Spawned workers take a second or two to import; until one answers its probe, this process
    # reads the next files itself instead of waiting (bench/NOTES.md, finding 17).
    probes = [pool.submit(_ready) for _ in range(count)]
    futures: dict[int, Future[list[LoadedPortfolio] | None]] = {}
    sizes: dict[int, int] = {}  # input bytes of the files in flight
    frontier = 0  # the next index to hand to a worker
    index = 0
    try:
        while index < len(paths):
            if frontier or any(_answered(probe) for probe in probes):
                frontier = max(frontier, index)
                while (
                    frontier < len(paths)
                    and len(futures) < count * AHEAD_PER_WORKER
                    and (not futures or sum(sizes.values()) < AHEAD_BYTES)
                ):
                    sizes[frontier] = _size(paths[frontier])
                    futures[frontier] = pool.submit(_read_in_worker, paths[frontier])
                    frontier += 1
            path = paths[index]
            sizes.pop(index, None)
            future = futures.pop(index, None)
            loaded = future.result() if future is not None else None
            yield path, loaded if loaded is not None else _read_here(path, *here)
            index += 1
    except BrokenProcessPool:
        # The workers could not start or died (a main module that spawn cannot import again,
        # such as a script read from stdin): read the rest in this process.
        for path in paths[index:]:
            yield path, _read_here(path, *here)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
