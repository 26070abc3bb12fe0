"""Forked child processes: `start` and `stop` one that talks over a pipe (the build's helper),
and `Background`, one function run in a child while this process goes on with other work.

The child starts with this process's memory, so its arguments are not copied; only the return
value comes back, pickled. Where processes cannot be forked (or this process may not have
children), the function simply runs in this process when its result is asked for.
"""

from __future__ import annotations

import ctypes
import gc
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable
from typing import Any


def start(target: Callable, *args: Any, daemon: bool = True) -> tuple[Any, Any] | None:
    """`target(conn, *args)` in a forked child, `conn` one end of a pipe; returns the process
    and the other end, or None where processes cannot be forked (or this process may not have
    children). Only a child that is not a `daemon` may have children of its own; this process
    then has to `stop` it before it exits."""
    if ("fork" not in multiprocessing.get_all_start_methods()
            or multiprocessing.current_process().daemon):
        return None
    context = multiprocessing.get_context("fork")
    conn, child = context.Pipe()
    sys.stdout.flush()
    sys.stderr.flush()
    process = context.Process(target=_orphan_safe, args=(target, os.getpid(), conn, child, *args),
                              daemon=daemon)
    # The child's collections leave what it inherits alone: visiting those objects would copy
    # each page they are on (copy on write) and take time for nothing. A process that had frozen
    # nothing collects as before (it may run for long, as `azx serve` does, and its garbage must
    # go); one that had (a child itself) keeps all frozen.
    frozen = gc.get_freeze_count()
    gc.freeze()
    try:
        process.start()
    finally:
        if not frozen:
            gc.unfreeze()
    child.close()
    return process, conn


PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def _orphan_safe(target: Callable, parent: int, theirs, conn, *args: Any) -> None:
    """In the child: end with the parent. The kernel sends SIGTERM when the parent dies (Linux),
    and the parent's end of the pipe is closed here, so a read waiting for the parent ends in
    EOFError once the parent is gone, wherever prctl is missing."""
    theirs.close()
    end_with_parent(parent)
    target(conn, *args)


def end_with_parent(parent: int) -> None:
    """In a child of `parent`: have the kernel send SIGTERM when the parent dies (Linux), and
    end now if it is already gone."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:  # the parent died before the signal was asked for
        os._exit(1)


def stop(process, conn) -> None:
    """Stop a child from `start` (if still running) and release its pipe."""
    if process.is_alive():
        process.terminate()
    process.join()
    conn.close()


def _run(conn, task: Callable, args: tuple) -> None:
    """In the child: send (True, result) or (False, exception) back."""
    try:
        answer = (True, task(*args))
    except BaseException as exc:  # every failure goes back to the parent, which raises it
        answer = (False, exc)
    try:
        conn.send(answer)
    except Exception as exc:  # an unpicklable result or exception
        conn.send((False, RuntimeError(f"{type(exc).__name__}: {exc}")))
    conn.close()


class Background:
    """`task(*args)` started in a forked child; `result()` waits for it.

    Use it as a context manager: leaving the block stops a child whose result was not asked for.
    """

    def __init__(self, task: Callable, *args: Any) -> None:
        self.task, self.args = task, args
        self.process: Any
        self.conn: Any
        self.process, self.conn = start(_run, task, args) or (None, None)

    def result(self) -> Any:
        """The task's return value, or its exception raised here. When the child could not run
        or died without an answer, the task runs in this process instead."""
        answer = None
        if self.process is not None:
            try:
                answer = self.conn.recv()
            except (EOFError, OSError):
                answer = None
            finally:
                self.close()
        if answer is None:
            return self.task(*self.args)
        done, value = answer
        if not done:
            raise value
        return value

    def close(self) -> None:
        """Stop the child (if still running) and release the pipe."""
        if self.process is not None:
            stop(self.process, self.conn)
            self.process = None

    def __enter__(self) -> Background:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
