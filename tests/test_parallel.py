"""The forked workers of :mod:`treatydraft.parallel` (check's two cores)."""

from __future__ import annotations

import os
import signal

import pytest

from treatydraft import cli, osplatform, parallel

pytestmark = pytest.mark.skipif(
    osplatform.parallel_start_method() is None, reason="no fork on this platform"
)


def _handlers(_chunk):
    return (signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT), os.getpid())


def test_workers_die_on_sigterm_and_leave_ctrl_c_to_the_parent(monkeypatch):
    # The CLI turns SIGTERM into SystemExit; a worker forked from it must not inherit that:
    # the pool ends its workers with SIGTERM, and an exception raised inside
    # multiprocessing's own queue code is how a `check` was seen to hang.
    monkeypatch.setattr(parallel, "cores", lambda: 2)
    previous = signal.signal(signal.SIGTERM, cli._on_terminate)
    try:
        results = parallel.map_chunks(_handlers, list(range(10)), min_weight=0)
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert len(results) == 2
    assert {pid for *_, pid in results}.isdisjoint({os.getpid()})
    for term, intr, _pid in results:
        assert term == signal.SIG_DFL
        assert intr == signal.SIG_IGN
    # the parent's own handlers are untouched
    assert signal.getsignal(signal.SIGTERM) == previous


def test_results_in_chunk_order_and_workers_gone(monkeypatch):
    import multiprocessing

    monkeypatch.setattr(parallel, "cores", lambda: 2)
    for _ in range(20):
        out = parallel.map_chunks(sum, list(range(1000)), min_weight=0)
        assert sum(out) == sum(range(1000))
    assert multiprocessing.active_children() == []


def test_an_exception_in_a_worker_reaches_the_caller(monkeypatch):
    monkeypatch.setattr(parallel, "cores", lambda: 2)

    def boom(chunk):
        raise ValueError(f"bad chunk of {len(chunk)}")

    with pytest.raises(ValueError, match="bad chunk"):
        parallel.map_chunks(boom, list(range(10)), min_weight=0)
    import multiprocessing

    assert multiprocessing.active_children() == []


def test_more_parts_than_cores_give_every_item_once_in_chunk_order(monkeypatch):
    monkeypatch.setattr(parallel, "cores", lambda: 2)
    items = list(range(101))
    out = parallel.map_chunks(list, items, min_weight=0, parts=4)
    assert len(out) == 8
    assert sorted(x for chunk in out for x in chunk) == items
    # never more chunks than items, never an empty one
    out = parallel.map_chunks(list, [1, 2, 3], min_weight=0, parts=4)
    assert sorted(map(len, out)) == [1, 1, 1]
