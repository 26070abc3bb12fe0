"""The drawing processes of a build (generator.site.charts.workers): one forked at once, which
does the first job itself and, only with many jobs, forks its drawers after that and shares the
rest with them."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from generator.site.charts import workers as drawing
from generator.site.charts.workers import PER_WORKER, Workers


def record(job: tuple[Path, int]) -> None:
    """Write which process did the job, and its parent."""
    folder, number = job
    (folder / f"{number}.txt").write_text(f"{os.getpid()} {os.getppid()}")


def fail(job: tuple[Path, int, int]) -> None:
    _, number, bad = job
    if number == bad:
        raise ValueError(f"画不出第 {bad} 张")


def who(folder: Path, count: int) -> list[tuple[int, int]]:
    return [tuple(map(int, (folder / f"{n}.txt").read_text().split()))  # type: ignore[misc]
            for n in range(count)]


@pytest.fixture
def two_cores(monkeypatch):
    monkeypatch.setattr(drawing.os, "cpu_count", lambda: 2)


def test_few_jobs_are_done_by_the_drawing_process_alone(tmp_path, two_cores):
    workers = Workers()
    try:
        count = 2 * PER_WORKER - 1
        workers.run(record, [(tmp_path, n) for n in range(count)])()
    finally:
        workers.close()
    pid, parent = who(tmp_path, count)[0]
    assert (pid != os.getpid(), parent) == (True, os.getpid())
    assert who(tmp_path, count) == [(pid, parent)] * count


def test_many_jobs_the_first_by_the_drawing_process_the_rest_shared_with_a_drawer_it_forked(
        tmp_path, two_cores):
    workers = Workers()
    try:
        count = 2 * PER_WORKER
        workers.run(record, [(tmp_path, n) for n in range(count)])()
    finally:
        workers.close()
    done = who(tmp_path, count)
    first, parent = done[0]
    assert parent == os.getpid()
    assert done[1::2] == [(first, parent)] * (count // 2)  # the drawing process's own share
    drawer = done[2][0]
    assert drawer not in (first, os.getpid())
    assert done[2::2] == [(drawer, first)] * (count // 2 - 1)  # forked after the first


@pytest.mark.parametrize("bad", [2, 3])  # a drawer's job, one of the drawing process's share
def test_a_jobs_exception_is_raised_by_the_wait(tmp_path, two_cores, bad):
    workers = Workers()
    try:
        wait = workers.run(fail, [(tmp_path, n, bad) for n in range(4 * PER_WORKER)])
        with pytest.raises(ValueError, match=f"^画不出第 {bad} 张$"):
            wait()
    finally:
        workers.close()


def test_no_jobs_and_one_core_draw_in_this_process(tmp_path, monkeypatch):
    workers = Workers()
    try:
        workers.run(record, [])()
    finally:
        workers.close()
    monkeypatch.setattr(drawing.os, "cpu_count", lambda: 1)
    workers = Workers()
    assert workers.process is None
    workers.run(record, [(tmp_path, 0)])()
    assert who(tmp_path, 1) == [(os.getpid(), os.getppid())]

