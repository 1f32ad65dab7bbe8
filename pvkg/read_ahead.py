"""Read portfolio files ahead in worker processes while the caller validates and stores.

``pvkg load`` of many files spent a third of its time reading (decoding, parsing, writing
N-Triples), all of it pure Python and so bound to one core. Worker processes read the next
files while the main process validates and stores the current one; results come back in the
order of the paths. Few files (or one core) are read in this process: starting workers costs
more than it saves.

A file a worker cannot read is read again here, so that the caller gets the reader's own
exception (with its file, row and column) rather than a copy that lost its fields in pickling.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections import deque
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
AHEAD_PER_WORKER = 4  # files read ahead per worker: bounds the memory held by read results

_job: dict[str, Any] = {}


def _init(encoding: str | None, resolver: Any, settings: Settings) -> None:
    _job.update(encoding=encoding, resolver=resolver, settings=settings)


def _read_in_worker(path: Path) -> LoadedPortfolio | None:
    """The loaded file, or None when it cannot be read (re-read by the parent for the error)."""
    from loaders import read_portfolio_file

    try:
        return read_portfolio_file(
            path,
            encoding=_job["encoding"],
            resolve_institution=_job["resolver"],
            settings=_job["settings"],
        )
    except InputError:
        return None


def _read_here(
    path: Path, encoding: str | None, resolver: Any, settings: Settings
) -> LoadedPortfolio | InputError:
    from loaders import read_portfolio_file

    try:
        return read_portfolio_file(
            path, encoding=encoding, resolve_institution=resolver, settings=settings
        )
    except InputError as err:
        return err


def _main_importable() -> bool:
    """Whether spawned workers can import the main module again (not a script on stdin)."""
    main_file = getattr(sys.modules.get("__main__"), "__file__", None)
    return main_file is None or os.path.exists(main_file)


def worker_count(files: int) -> int:
    """How many reader processes to start for ``files`` files (0: read in this process)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    if files < MIN_FILES or not cores or cores < 2 or not _main_importable():
        return 0
    return min(cores, 4)


def read_files(
    paths: Sequence[Path],
    settings: Settings,
    *,
    encoding: str | None = None,
    resolver: Any = None,
    workers: int | None = None,
) -> Iterator[tuple[Path, LoadedPortfolio | InputError]]:
    """Each path with its loaded portfolio, or the InputError that kept it from being read.

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
    pending: deque[tuple[Path, Future[LoadedPortfolio | None]]] = deque()
    submitted = done = 0
    try:
        while submitted < len(paths) and submitted < count * AHEAD_PER_WORKER:
            pending.append((paths[submitted], pool.submit(_read_in_worker, paths[submitted])))
            submitted += 1
        while pending:
            path, future = pending[0]
            loaded = future.result()
            pending.popleft()
            if submitted < len(paths):
                pending.append((paths[submitted], pool.submit(_read_in_worker, paths[submitted])))
                submitted += 1
            yield path, loaded if loaded is not None else _read_here(path, *here)
            done += 1
    except BrokenProcessPool:
        # The workers could not start or died (a main module that spawn cannot import again,
        # such as a script read from stdin): read the rest in this process.
        for path in paths[done:]:
            yield path, _read_here(path, *here)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
