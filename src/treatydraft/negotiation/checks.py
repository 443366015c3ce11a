"""The negotiation findings of ``check`` (pure): delegation codes, attribution drift,
agreed text that changed.

* ``unknown-delegation`` — a proposer, supporter or reservation names a code that
  ``delegations:`` in treatydraft.yml does not (with a "did you mean").
* ``bracket-attribution-drift`` — ``groups:`` attributes options whose texts no longer
  match the bracket groups of the text, in order (a group changed, moved, was added or
  lifted): the attribution must be updated by hand, never silently re-attributed.
* ``agreed-text-changed`` — the text of a paragraph whose status is ``agreed-ad-ref`` or
  ``adopted`` no longer hashes to its ``agreed:`` lock; reopening must be explicit
  (``status: reopened``).
* ``agreed-unpinned`` — such a paragraph has no lock yet (run ``treatydraft pin``).
"""

from __future__ import annotations

import difflib

from ..diagnostics import DEFAULT_LEVELS, Diagnostic, Severity
from ..model import Clause, Paragraph, Pos, Project
from ..numbering import describe
from ..text import fold, pin_hash
from . import brackets
from .data import LOCKED


def _d(pos: Pos, code: str, message: str) -> Diagnostic:
    level: Severity = "warning" if DEFAULT_LEVELS.get(code) == "warning" else "error"
    return Diagnostic(pos.path, pos.line, pos.col, level, code, message)


def agreed_hash(text: str) -> str:
    """The ``agreed:`` lock of a text: sha256 of its folded form (NFC, whitespace folded)."""
    return pin_hash(text)


def _short(text: str, limit: int = 40) -> str:
    text = fold(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def item_findings(project: Project, clause: Clause, item: Paragraph) -> list[Diagnostic]:
    neg = item.negotiation
    if neg is None:
        return []
    out: list[Diagnostic] = []
    where = describe(item.key_path)
    codes = [c for g in neg.groups or () for o in g.options for c in o.codes]
    codes += [c for a in neg.alternatives for c in a.codes]
    codes += list(neg.reservation_codes)
    for code, pos in codes:
        if code in project.delegations:
            continue
        known = list(project.delegations)
        hint = difflib.get_close_matches(code, known, n=1, cutoff=0.5)
        if hint:
            extra = f"; did you mean '{hint[0]}'?"
        elif known:
            extra = f"; delegations: {', '.join(known)}"
        else:
            extra = "; name it under 'delegations:' in treatydraft.yml"
        out.append(_d(pos, "unknown-delegation", f"{where}: unknown delegation '{code}'{extra}"))
    if neg.groups is not None:
        out.extend(_drift(item, neg.groups, neg.groups_pos or item.pos, where))
    if neg.status in LOCKED:
        if neg.agreed is None:
            out.append(
                _d(
                    neg.status_pos or item.pos,
                    "agreed-unpinned",
                    f"{where} is {neg.status} but its text is not locked yet; run 'treatydraft pin {clause.id}'",
                )
            )
        elif neg.agreed != agreed_hash(item.text):
            out.append(
                _d(
                    item.text_pos,
                    "agreed-text-changed",
                    f"{where} is {neg.status} but its text changed since it was agreed; restore the agreed text, or set 'status: reopened'",
                )
            )
    return out


def _drift(item: Paragraph, attributed, pos: Pos, where: str) -> list[Diagnostic]:
    try:
        tree = brackets.parse(item.text)
    except brackets.BracketError:
        return []  # reported by the loader (unbalanced-bracket)
    groups = brackets.groups(tree)
    out = []
    if len(attributed) != len(groups):
        out.append(
            _d(
                pos,
                "bracket-attribution-drift",
                f"{where}: 'groups' attributes {len(attributed)} bracket group(s) but the text has {len(groups)}; update the attribution",
            )
        )
    for k, (att, group) in enumerate(zip(attributed, groups, strict=False), start=1):
        texts = [fold(o.raw) for o in group.options]
        claimed = [fold(o.text) for o in att.options]
        if texts == claimed:
            continue
        if len(texts) != len(claimed):
            detail = f"attributes {len(claimed)} option(s) but the group has {len(texts)} ({' / '.join(_short(t) for t in texts)})"
        else:
            i = next(i for i, (a, b) in enumerate(zip(claimed, texts, strict=True)) if a != b)
            who = att.options[i].proposer
            by = f" (proposed by {who})" if who else ""
            detail = f"option {i + 1} is attributed as '{_short(claimed[i])}'{by} but the text now reads '{_short(texts[i])}'"
        out.append(
            _d(att.pos, "bracket-attribution-drift", f"{where}, bracket group {k}: {detail}")
        )
    return out
