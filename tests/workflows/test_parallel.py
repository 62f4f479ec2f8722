"""parallel_map: the same results as a plain loop, in order, worked out in other processes."""

import os

import pytest

from policydiff.workflows.parallel import can_fork, parallel_map


def _scaled(shared, item):
    return item * shared["factor"], os.getpid()


@pytest.mark.skipif(not can_fork(), reason="no fork on this platform")
def test_workers_get_the_shared_data_and_give_results_in_order():
    items = list(range(40))
    got = parallel_map(_scaled, {"factor": 3}, items, workers=2)
    assert [value for value, _ in got] == [3 * i for i in items]
    assert os.getpid() not in {pid for _, pid in got}


def test_one_worker_or_one_item_runs_here():
    assert parallel_map(_scaled, {"factor": 2}, [5], workers=4) == [(10, os.getpid())]
    assert [pid for _, pid in parallel_map(_scaled, {"factor": 2}, [1, 2, 3], workers=1)] == [os.getpid()] * 3


def _fails(shared, item):
    raise ValueError(f"bad {item}")


@pytest.mark.skipif(not can_fork(), reason="no fork on this platform")
def test_an_error_in_a_worker_reaches_the_caller():
    with pytest.raises(ValueError, match="bad"):
        parallel_map(_fails, None, [1, 2], workers=2)
