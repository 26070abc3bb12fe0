"""generator.background: a function run in a forked child, its result or exception brought back."""

from __future__ import annotations

import gc
import os

import pytest

from generator.background import Background


def pid_and_sum(*numbers: int) -> tuple[int, int]:
    return os.getpid(), sum(numbers)


def refuse(text: str) -> None:
    raise ValueError(text)


def die_in_child(parent: int) -> str:
    if os.getpid() != parent:
        os._exit(3)  # the child dies without an answer
    return "ran here"


def test_result_comes_from_another_process():
    with Background(pid_and_sum, 1, 2, 3) as job:
        pid, total = job.result()
    assert (pid != os.getpid(), total) == (True, 6)


def test_exception_of_the_child_is_raised_in_the_parent():
    with Background(refuse, "坏数据") as job, pytest.raises(ValueError, match="^坏数据$"):
        job.result()


def test_a_child_that_dies_without_an_answer_is_replaced_by_running_here():
    with Background(die_in_child, os.getpid()) as job:
        assert job.result() == "ran here"


def test_the_child_leaves_what_it_inherits_out_of_its_collections_and_this_process_does_not():
    """Objects made before the fork are frozen in the child (its collections would copy every
    page they are on); here they are collected as before."""
    with Background(gc.get_freeze_count) as job:
        frozen = job.result()
    assert frozen > 1000
    assert gc.get_freeze_count() == 0


def freeze_counts_here_and_in_a_child() -> tuple[int, int]:
    with Background(gc.get_freeze_count) as job:
        return gc.get_freeze_count(), job.result()


def test_a_child_that_starts_its_own_child_keeps_what_it_inherited_frozen():
    with Background(freeze_counts_here_and_in_a_child) as job:
        own, its_child = job.result()  # frozen in the child after its child was started
    assert own > 1000 and its_child >= own
    assert gc.get_freeze_count() == 0
