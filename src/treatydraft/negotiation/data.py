"""The structured negotiation data beside a paragraph's or point's text (§12), as loaded.

Frozen dataclasses carrying the positions they came from; the loader fills them
(:mod:`treatydraft.loading.negotiation`), the checks, views and status read them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..model import Pos

STATUSES = (
    "proposed",
    "bracketed",
    "agreed-informals",
    "agreed-ad-ref",
    "adopted",
    "reopened",
)
#: statuses whose text is locked by ``agreed: sha256:…``
LOCKED = ("agreed-ad-ref", "adopted")
#: labels of whole-paragraph alternatives (UN Editorial Manual): additional paragraphs, or a
#: replacement (``alt``, ``alt 2`` …)
ADDITIONAL = (
    "bis",
    "ter",
    "quater",
    "quinquies",
    "sexies",
    "septies",
    "octies",
    "novies",
    "decies",
)
ALT_LABEL = re.compile("^(?:" + "|".join(ADDITIONAL) + r"|alt(?: [1-9][0-9]?)?)$")

#: how each status is shown without colour (a short tag) and named in legends
STATUS_TAGS = {
    "proposed": ("P", "proposed"),
    "bracketed": ("B", "bracketed (not agreed)"),
    "agreed-informals": ("AI", "agreed in informals"),
    "agreed-ad-ref": ("AR", "agreed ad referendum"),
    "adopted": ("AD", "adopted"),
    "reopened": ("RO", "reopened"),
}


@dataclass(frozen=True, slots=True)
class OptionAttribution:
    """Who proposed and who supports one option of a bracket group; ``text`` is the option
    as written between its brackets, so a changed or moved group is detected."""

    text: str
    proposer: str | None
    supporters: tuple[str, ...]
    pos: Pos
    codes: tuple[tuple[str, Pos], ...] = ()  # every delegation code named, with its position


@dataclass(frozen=True, slots=True)
class GroupAttribution:
    options: tuple[OptionAttribution, ...]
    pos: Pos


@dataclass(frozen=True, slots=True)
class Alternative:
    """A whole-paragraph alternative: ``bis``/``ter``… (additional) or ``alt`` (replacement)."""

    label: str
    text: str
    proposer: str | None
    supporters: tuple[str, ...]
    pos: Pos
    codes: tuple[tuple[str, Pos], ...] = ()

    @property
    def replaces(self) -> bool:
        return self.label.startswith("alt")


@dataclass(frozen=True, slots=True)
class Negotiation:
    """Everything §12 keeps beside one paragraph's or point's text."""

    status: str | None = None  # as written; see :func:`effective_status`
    groups: tuple[GroupAttribution, ...] | None = None  # None: no attribution given
    alternatives: tuple[Alternative, ...] = ()
    reservations: tuple[str, ...] = ()
    agreed: str | None = None
    status_pos: Pos | None = None
    groups_pos: Pos | None = None
    agreed_pos: Pos | None = None
    pos: Pos | None = None  # the item's mapping: where a new ``agreed:`` line goes
    reservation_codes: tuple[tuple[str, Pos], ...] = ()

    @property
    def explicit(self) -> bool:
        """Whether the item carries any negotiation data at all."""
        return bool(
            self.status
            or self.groups is not None
            or self.alternatives
            or self.reservations
            or self.agreed
        )


def effective_status(text: str, neg: Negotiation | None) -> str:
    """The status as written, else ``bracketed`` when the text has brackets, else ``adopted``."""
    from .brackets import has_brackets

    if neg is not None and neg.status:
        return neg.status
    return "bracketed" if has_brackets(text) else "adopted"
