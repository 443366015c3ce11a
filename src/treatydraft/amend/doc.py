"""The draft as amendment instructions see it: parts (preamble, articles, testimonium) of
numbered units (paragraphs, points, sub-points), texts as assembled (references resolved).

Labels are never stored: they follow from a unit's position, as in :mod:`treatydraft.assemble`
(an article's only paragraph is unnumbered; points are lettered, sub-points roman).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model import Draft, DraftItem
from ..numbering import label


@dataclass(frozen=True, slots=True)
class Unit:
    text: str
    items: tuple[Unit, ...] = ()


@dataclass(frozen=True, slots=True)
class Part:
    """``kind`` is ``preamble``, ``article`` or ``testimonium``; ``key`` the clause id (articles)."""

    kind: str
    key: str
    title: str | None
    items: tuple[Unit, ...]


Doc = tuple[Part, ...]


def _units(items: tuple[DraftItem, ...]) -> tuple[Unit, ...]:
    return tuple(Unit(i.text, _units(i.items)) for i in items)


def from_draft(draft: Draft) -> Doc:
    """Preamble first, the articles in order, the testimonium last (both always present)."""
    return (
        Part("preamble", "preamble", None, _units(draft.preamble)),
        *(Part("article", a.clause_id, a.title, _units(a.paragraphs)) for a in draft.articles),
        Part("testimonium", "testimonium", None, _units(draft.testimonium)),
    )


def shape(doc: Doc) -> tuple:
    """What two drafts must share to be the same text (clause ids aside)."""

    def units(items):
        return tuple((u.text, units(u.items)) for u in items)

    return tuple((p.kind, p.title if p.kind == "article" else None, units(p.items)) for p in doc)


def articles(doc: Doc) -> list[Part]:
    return [p for p in doc if p.kind == "article"]


def unit_label(index: int, depth: int, siblings: int) -> str | None:
    """The printed label of a unit, ``None`` for the only paragraph of a part."""
    if depth == 1 and siblings < 2:
        return None
    return label(index, depth)


def parse_label(text: str, depth: int) -> int | None:
    """The 0-based index a label stands for at ``depth``, or ``None`` if it is not one."""
    if depth == 1:
        return int(text) - 1 if text.isdigit() and int(text) > 0 else None
    for i in range(1000):
        if label(i, depth) == text:
            return i
    return None
