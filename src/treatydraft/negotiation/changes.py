"""What changed in the negotiation between two drafts of a paragraph (pure), for
``redline --against REV``: brackets lifted or added, status changes (agreed, reopened),
attribution, alternatives and reservations."""

from __future__ import annotations

from ..model import Clause, Paragraph
from . import brackets
from .data import STATUS_TAGS, effective_status


def _groups(text: str) -> int:
    try:
        return len(brackets.groups(brackets.parse(text)))
    except brackets.BracketError:
        return 0


def _attribution(item: Paragraph):
    neg = item.negotiation
    if neg is None or neg.groups is None:
        return None
    return tuple(
        tuple((o.text, o.proposer, tuple(sorted(o.supporters))) for o in g.options)
        for g in neg.groups
    )


def item_changes(old: Paragraph, new: Paragraph) -> list[str]:
    """Plain-language changes, e.g. ``bracket lifted (3 → 2 groups)``, ``agreed ad ref (was
    bracketed)``, ``reopened (was adopted)``."""
    out = []
    og, ng = _groups(old.text), _groups(new.text)
    if ng < og:
        out.append(f"{'bracket' if og - ng == 1 else 'brackets'} lifted ({og} → {ng} groups)")
    elif ng > og:
        out.append(f"brackets added ({og} → {ng} groups)")
    os_, ns = (
        effective_status(old.text, old.negotiation),
        effective_status(new.text, new.negotiation),
    )
    if os_ != ns:
        out.append(f"{STATUS_TAGS[ns][1]} (was {STATUS_TAGS[os_][1]})")
    oa, na = _attribution(old), _attribution(new)
    if oa is not None and na is not None and oa != na:
        out.append("attribution changed")
    on = old.negotiation
    nn = new.negotiation
    oalt = len(on.alternatives) if on else 0
    nalt = len(nn.alternatives) if nn else 0
    if oalt != nalt:
        out.append(f"alternatives {oalt} → {nalt}")
    ores = set(on.reservations) if on else set()
    nres = set(nn.reservations) if nn else set()
    if ores - nres:
        out.append(f"reservation lifted ({', '.join(sorted(ores - nres))})")
    if nres - ores:
        out.append(f"reservation entered ({', '.join(sorted(nres - ores))})")
    return out


def clause_changes(old: Clause, new: Clause, pairs, key, where) -> list[str]:
    """Notes for the aligned item pairs ``(old key, new key)`` of a clause; ``key`` maps an
    item to its key, ``where`` a key to "paragraph 2, point (a)"."""
    old_items = {key(i): i for i in old.walk()}
    new_items = {key(i): i for i in new.walk()}
    out = []
    for ok, nk in pairs:
        a, b = old_items.get(ok), new_items.get(nk)
        if a is None or b is None:
            continue
        for change in item_changes(a, b):
            out.append(f"{where(b)}: {change}")
    return out
