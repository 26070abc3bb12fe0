"""The processes that draw a build's charts.

A forked process starts with its parent's memory and grows from there. Forked after the package
is loaded, a worker would start with every table in it (about 1.5 GB at national scale) and the
build's peak memory would be that several times over; so a build forks its workers first, while
the process is still small. They draw when `draw.start` hands them charts, which the build does
as soon as it has planned the pages, while validation runs: each drawing goes into the work
folder's cache, and onto the site only once validation has passed.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor

from generator.background import end_with_parent

MAX_WORKERS = 4


def _idle() -> None:
    """A task that does nothing: the first task makes the pool fork all its workers."""


class Workers:
    """Up to MAX_WORKERS (one a core) drawing processes, forked now; `size` is 0 where processes
    cannot be forked or only one core is there (the charts are then drawn in this process)."""

    def __init__(self) -> None:
        cores = os.cpu_count() or 1
        self.size = min(cores, MAX_WORKERS) if cores > 1 and _can_fork() else 0
        self.pool: ProcessPoolExecutor | None = None
        if self.size:
            sys.stdout.flush()  # a fork copies unwritten output
            sys.stderr.flush()
            self.pool = ProcessPoolExecutor(self.size,
                                            mp_context=multiprocessing.get_context("fork"),
                                            initializer=end_with_parent,
                                            initargs=(os.getpid(),))
            self.pool.submit(_idle)  # with fork, every worker starts at the first task

    def map(self, task: Callable, jobs: Iterable, chunksize: int = 1) -> Iterator:
        """`task` over `jobs` in the workers, results in order (in this process without them)."""
        if self.pool is None:
            return map(task, jobs)
        return self.pool.map(task, jobs, chunksize=chunksize)

    def close(self) -> None:
        """End the workers; tasks not started yet are dropped."""
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None


def _can_fork() -> bool:
    return ("fork" in multiprocessing.get_all_start_methods()
            and not multiprocessing.current_process().daemon)
