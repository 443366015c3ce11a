"""Spread pure, CPU-bound work over the machine's cores with forked workers.

The workers inherit the loaded project through ``fork`` (nothing big is pickled);
only the small results travel back. Where ``fork`` is missing, or the work is small,
everything runs in this process.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

_job: tuple | None = None  # (fn, chunks), set just before forking


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def _run_chunk(index: int):
    assert _job is not None  # set by map_chunks before the workers fork
    fn, chunks = _job
    return fn(chunks[index])


def map_chunks(
    fn: Callable[[Sequence[T]], R],
    items: Sequence[T],
    *,
    weight: Callable[[T], int] = lambda _: 1,
    min_weight: int = 500,
) -> list[R]:
    """``[fn(chunk) for chunk in chunks]`` over balanced chunks of ``items``, in parallel when
    the total ``weight`` is at least ``min_weight`` and there is more than one core."""
    global _job
    n = cores()
    total = sum(weight(i) for i in items)
    if n < 2 or total < min_weight or not hasattr(os, "fork"):
        return [fn(items)]
    import multiprocessing

    # deal the items out by weight, heaviest first, so the chunks take about as long
    chunks: list[list[T]] = [[] for _ in range(n)]
    loads = [0] * n
    for item in sorted(items, key=weight, reverse=True):
        k = loads.index(min(loads))
        chunks[k].append(item)
        loads[k] += weight(item)
    _job = (fn, chunks)
    try:
        with multiprocessing.get_context("fork").Pool(n) as pool:
            return pool.map(_run_chunk, range(n))
    finally:
        _job = None
