"""Spread pure, CPU-bound work over the machine's cores with forked workers.

The workers inherit the loaded project through ``fork`` (nothing big is pickled);
only the small results travel back. Where ``fork`` is missing or unsafe (Windows, macOS:
:func:`.osplatform.parallel_start_method`), or the work is small, everything runs in this
process.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from . import osplatform

T = TypeVar("T")
R = TypeVar("R")

_job: tuple | None = None  # (fn, chunks), set just before forking


def cores() -> int:
    return osplatform.cores()


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
    parts: int = 1,
) -> list[R]:
    """``[fn(chunk) for chunk in chunks]`` over balanced chunks of ``items``, in parallel when
    the total ``weight`` is at least ``min_weight`` and there is more than one core.

    ``parts``: chunks per core. With more than one, a worker that is done takes the next
    chunk, so a chunk that costs more than its weight said does not leave a core idle."""
    global _job
    n = cores()
    total = sum(weight(i) for i in items)
    method = osplatform.parallel_start_method()
    if n < 2 or total < min_weight or method is None:
        return [fn(items)]
    import multiprocessing

    # deal the items out by weight, heaviest first, so the chunks take about as long
    count = max(1, min(len(items), n * max(1, parts)))
    chunks: list[list[T]] = [[] for _ in range(count)]
    loads = [0] * count
    for item in sorted(items, key=weight, reverse=True):
        k = loads.index(min(loads))
        chunks[k].append(item)
        loads[k] += weight(item)
    _job = (fn, chunks)
    pool = multiprocessing.get_context(method).Pool(n, initializer=_worker_signals)
    try:
        results = pool.map(_run_chunk, range(count), chunksize=1)
        # Let the workers end on their own: ``terminate`` (what ``with Pool()`` does) races
        # with workers that are still waiting for a task and could leave ``check`` hanging.
        pool.close()
        pool.join()
        return results
    except BaseException:
        pool.terminate()
        raise
    finally:
        _job = None


def _worker_signals() -> None:
    """A worker dies on SIGTERM (the CLI's handler, inherited through ``fork``, would turn it
    into an exception inside multiprocessing's own code) and leaves Ctrl-C to the parent,
    which ends the pool."""
    import signal

    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
