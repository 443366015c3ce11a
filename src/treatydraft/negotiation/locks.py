"""``agreed:`` locks (§12): which items ``pin`` locks or unlocks, and writing them."""

from __future__ import annotations

from ..model import Clause
from .checks import agreed_hash
from .data import LOCKED


def locks(clause: Clause) -> dict[tuple, str | None]:
    """Key path → new ``agreed:`` value: a hash for an agreed item not locked yet, ``None``
    (remove the lock) for a reopened one. An agreed item whose text changed keeps its old
    lock: only reopening it lifts the lock (``check`` reports ``agreed-text-changed``)."""
    out: dict[tuple, str | None] = {}
    for item in clause.walk():
        neg = item.negotiation
        if neg is None:
            continue
        if neg.status in LOCKED and neg.agreed is None:
            out[item.key_path] = agreed_hash(item.text)
        elif neg.status == "reopened" and neg.agreed is not None:
            out[item.key_path] = None
    return out


def apply_locks(data: bytes, clause: Clause) -> bytes:
    """``data`` (the clause file's bytes, perhaps just re-pinned) with its locks written."""
    from ..loading.clauses import load_clause
    from ..loading.writer import set_agreed

    current = load_clause(data, clause.path, clause.id)
    wanted = locks(current)
    if not wanted:
        return data
    return set_agreed(data, current, wanted)
