"""Render several formats of one draft at once, one worker per core (``build``).

The formats are independent pure functions of the assembled draft, so on two cores
``build`` takes about as long as its slowest format instead of the sum of all three.
Workers are forked (they inherit the draft; only the output bytes travel back) through
:func:`treatydraft.parallel.map_chunks`, which renders in this process when the draft is
small, there is one core, or ``fork`` is missing. A format that fails in a worker is
rendered again here, so its error is raised exactly as a serial run raises it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

#: Relative cost of each format (measured: docx ≈ 1.5× md or html).
COST = {"docx": 3, "md": 2, "html": 2}
#: Below this many articles × cost, forking costs more than it saves.
MIN_WEIGHT = 1200


def render_all(
    draft, options, formats: Sequence[str], progress: Callable[[str], object] | None = None
) -> list[tuple[str, bytes]]:
    """``[(format, bytes)]`` in the order of ``formats``; ``progress(format)`` after each."""
    from ..parallel import map_chunks
    from . import RENDERERS

    size = max(1, len(draft.articles) + len(draft.preamble))

    def work(chunk: Sequence[str]) -> list[tuple[str, bytes | None]]:
        out: list[tuple[str, bytes | None]] = []
        for fmt in chunk:
            try:
                out.append((fmt, RENDERERS[fmt](draft, options)))
            except Exception:  # noqa: BLE001 - rendered again in the caller, which raises it
                out.append((fmt, None))
        return out

    parts: list[list[tuple[str, bytes | None]]]
    if len(formats) < 2:
        parts = [[(fmt, RENDERERS[fmt](draft, options)) for fmt in formats]]
    else:
        parts = map_chunks(
            work, list(formats), weight=lambda f: COST.get(f, 2) * size, min_weight=MIN_WEIGHT
        )
    done: dict[str, bytes] = {}
    for part in parts:
        for fmt, data in part:
            done[fmt] = data if data is not None else RENDERERS[fmt](draft, options)
            if progress is not None:
                progress(fmt)
    return [(fmt, done[fmt]) for fmt in formats]
