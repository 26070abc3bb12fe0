"""The processes that draw a build's charts.

A forked process starts with its parent's memory and grows from there. Forked after the package
is loaded, a drawing process would start with every table in it (about 1.5 GB at national scale)
and the build's peak memory would be that several times over; so a build forks its drawing
process first, while the build is still small. It waits there until `draw.start` hands it the
charts to draw, which the build does as soon as it has planned the pages, while validation runs.
It then draws the first one (importing matplotlib and loading the fonts: most of what a few charts
cost) and, with many charts, forks a drawer for each further core, so that they start with
matplotlib loaded rather than each importing it again; each, the drawing process too, then draws
its share of the rest. A build with nothing to draw imports nothing. Each drawing goes into the
work folder's cache, and onto the site only once validation has passed.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from generator import background
from generator.background import Background

MAX_WORKERS = 4
# Charts for each drawing process. A second process only saves wall time, and costs CPU: its fork,
# the pages it copies on write, its caches filled again (about 0.1 s a drawer, measured); a
# city's 73 charts take about a second in one process, while validation runs anyway.
PER_WORKER = 100


class Workers:
    """The drawing process, forked now; it draws with up to one drawer a core (at most
    MAX_WORKERS). Where processes cannot be forked or only one core is there, `run` draws in
    this process."""

    def __init__(self) -> None:
        cores = os.cpu_count() or 1
        self.size = min(cores, MAX_WORKERS)
        started = background.start(_serve, self.size, daemon=False) if cores > 1 else None
        self.process: Any
        self.conn: Any
        self.process, self.conn = started or (None, None)

    def run(self, task: Callable, jobs: list) -> Callable[[], None]:
        """Start `task` over `jobs` (once a build); the returned function waits until every
        job is done, raising a job's exception."""
        if self.conn is None or not jobs:
            return lambda: _each(task, jobs)
        self.conn.send((task, jobs))
        return self._wait

    def _wait(self) -> None:
        assert self.conn is not None
        try:
            done, failure = self.conn.recv()
        except (EOFError, OSError):
            raise RuntimeError("绘图进程意外退出") from None
        if not done:
            raise failure

    def close(self) -> None:
        """End the drawing process and its drawers; jobs not done yet are dropped."""
        if self.process is not None:
            background.stop(self.process, self.conn)  # its drawers end with it (end_with_parent)
            self.process = None


def _each(task: Callable, jobs: list) -> None:
    for job in jobs:
        task(job)


def _serve(conn, size: int) -> None:
    """The drawing process: wait for the jobs, do the first, then the rest in shares: one for
    every PER_WORKER of them (at most `size`), this process drawing the first share and a drawer
    forked from here each other one; answer (True, None), or (False, the exception)."""
    try:
        task, jobs = conn.recv()
    except EOFError:  # the build ended without charts to draw
        return
    try:
        task(jobs[0])  # imports and loads what every job needs, before any fork
        shares = max(1, min(size, len(jobs) // PER_WORKER))
        drawers = [Background(_each, task, jobs[1 + n::shares]) for n in range(1, shares)]
        try:
            _each(task, jobs[1::shares])
            for drawer in drawers:
                drawer.result()
        finally:
            for drawer in drawers:
                drawer.close()
        answer: tuple[bool, Exception | None] = (True, None)
    except Exception as exc:  # handed to the build, which raises it
        answer = (False, exc)
    try:
        conn.send(answer)
    except Exception as exc:  # an exception that cannot be pickled travels as its text
        conn.send((False, RuntimeError(f"{type(exc).__name__}: {exc}")))
