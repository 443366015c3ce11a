"""The diff-match-patch engine behind :mod:`treatydraft.diffing`, compiled where it can be.

Two engines give the same ops (the same algorithm: Myers' bisection with a deadline, then
semantic clean-up):

* ``fast``: ``fast_diff_match_patch`` (C++), installed only where PyPI has wheels for it
  (an environment marker in ``pyproject.toml``: CPython 3.11/3.12 at present);
* ``pure``: ``diff_match_patch`` (Google's own Python port, pure Python, a ``py3-none-any``
  wheel), used when the compiled one cannot be imported.

Both report the diff as ``[(kind, length), ...]`` with ``kind`` one of ``"="``, ``"-"``,
``"+"`` and ``length`` in code points of the strings given.
"""

from __future__ import annotations

from collections.abc import Callable

Counts = list[tuple[str, int]]
Engine = Callable[[str, str, float], Counts]

_KIND = {0: "=", -1: "-", 1: "+"}


def fast(a: str, b: str, timeout: float) -> Counts:
    global _fast_diff
    if _fast_diff is None:
        from fast_diff_match_patch import diff

        _fast_diff = diff
    return _fast_diff(
        a, b, timelimit=timeout, checklines=False, cleanup="Semantic", counts_only=True
    )


_fast_diff: Callable[..., Counts] | None = None


def pure(a: str, b: str, timeout: float) -> Counts:
    from diff_match_patch import diff_match_patch

    dmp = diff_match_patch()
    dmp.Diff_Timeout = timeout
    diffs = dmp.diff_main(a, b, checklines=False)
    dmp.diff_cleanupSemantic(diffs)
    return [(_KIND[op], len(text)) for op, text in diffs]


def available() -> dict[str, Engine]:
    """The engines this installation can run, fastest first."""
    found: dict[str, Engine] = {}
    for name, fn, module in (
        ("fast", fast, "fast_diff_match_patch"),
        ("pure", pure, "diff_match_patch"),
    ):
        try:
            __import__(module)
        except ImportError:
            continue
        found[name] = fn
    return found


_chosen: Engine | None = None


def engine() -> Engine:
    """The fastest engine that imports (looked up once per process)."""
    global _chosen
    if _chosen is None:
        for fn, module in ((fast, "fast_diff_match_patch"), (pure, "diff_match_patch")):
            try:
                __import__(module)  # only until one imports: the pure one costs ~10 ms
            except ImportError:
                continue
            _chosen = fn
            break
        else:
            raise ImportError(
                "no diff engine: install treatydraft's dependencies "
                "(pip install fast-diff-match-patch or diff-match-patch)"
            )
    return _chosen


def name() -> str:
    """``fast`` or ``pure``: which engine :func:`engine` picked."""
    return "fast" if engine() is fast else "pure"
