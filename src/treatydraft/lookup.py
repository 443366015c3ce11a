"""``SOURCE:ADDRESS`` → the source and the node it names (``sources show``, ``new``)."""

from __future__ import annotations

from . import addresses
from .errors import UsageError
from .model import Project
from .results import SourceText


def lookup(project: Project, ref: str) -> SourceText:
    """``"dir-2011-93-eu:25(1)"`` → the source and node it names (raises :class:`UsageError`)."""
    from .loading.sources import missing

    sid, sep, addr = ref.partition(":")
    if not sep:
        raise UsageError(f"'{ref}' is not SOURCE:ADDRESS, e.g. dir-2011-93-eu:25(1)")
    src = project.sources.get(sid)
    if src is None:
        raise UsageError(
            f"unknown source '{sid}' (sources: {', '.join(sorted(project.sources)) or 'none'})"
        )
    canon = addresses.canonical(addr)
    if canon is None:
        raise UsageError(f"'{addr}' is not an address; write e.g. 25, 25(1), 2(c) or 'recital 24'")
    node = src.index.get(canon)
    if node is None:
        raise UsageError(missing(src, canon))
    return SourceText(src, node)
