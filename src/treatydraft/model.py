"""Frozen data model of a drafting project and of an assembled draft.

Loaded objects carry the position (:class:`Pos`) they came from, so every later
finding can name a file, line and column.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from .negotiation.data import Negotiation

Relation = Literal["verbatim", "adapted", "new"]
ClauseKind = Literal["article", "preamble", "testimonium"]


@dataclass(frozen=True, slots=True)
class Pos:
    path: str
    line: int = 1
    col: int = 1


# --------------------------------------------------------------------------- sources


@dataclass(frozen=True, slots=True)
class SourceNode:
    """An article, paragraph, point or sub-point of a source instrument."""

    address: str  # canonical address, e.g. "25(1)", "2(c)", "3(1)(a)(i)", "recital 24"
    label: str  # "25", "1", "c", "i"
    kind: str  # article | paragraph | point | recital
    text: str  # the node's own text (chapeau for nodes with children)
    children: tuple[SourceNode, ...]
    heading: str | None
    context: str | None
    pos: Pos

    def full_text(self) -> str:
        """The node's text and all its descendants', in document order, blank-line separated."""
        parts = [self.text] if self.text else []
        parts.extend(c.full_text() for c in self.children)
        return "\n\n".join(p for p in parts if p)


@dataclass(frozen=True, slots=True)
class Source:
    id: str
    title: str
    short: str
    meta: dict  # every front-matter key (celex, eli, language, origin, partial, included …)
    articles: tuple[SourceNode, ...]
    recitals: tuple[SourceNode, ...]
    index: dict  # canonical address → SourceNode
    path: str

    @property
    def partial(self) -> bool:
        return bool(self.meta.get("partial"))


# --------------------------------------------------------------------------- clauses


@dataclass(frozen=True, slots=True)
class Provenance:
    relation: Relation
    source: str | None = None
    at: str | None = None
    substitutions: tuple[str, ...] = ()
    budget: float | None = None
    pin: str | None = None
    note: str | None = None
    pos: Pos = field(default_factory=lambda: Pos(""))
    at_pos: Pos | None = None
    pin_pos: Pos | None = None


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A numbered paragraph, or a point under one (same shape, nested via ``points``)."""

    text: str
    provenance: Provenance | None
    points: tuple[Paragraph, ...]
    pos: Pos
    text_pos: Pos
    key_path: (
        tuple  # path of keys/indices inside the clause file, e.g. ("paragraphs", 0, "points", 1)
    )
    negotiation: Negotiation | None = None  # status, attribution, alternatives (§12)


@dataclass(frozen=True, slots=True)
class Clause:
    id: str
    title: str | None
    kind: ClauseKind
    paragraphs: tuple[Paragraph, ...]
    notes: str | None
    path: str
    pos: Pos
    digest: str = (
        ""  # sha256 of the file's bytes as loaded, to refuse overwriting a file changed since
    )

    def walk(self):
        """Yield every paragraph and point, depth first."""

        def rec(items):
            for p in items:
                yield p
                yield from rec(p.points)

        yield from rec(self.paragraphs)


# --------------------------------------------------------------------------- project


@dataclass(frozen=True, slots=True)
class Rule:
    name: str
    replace: dict  # pattern → replacement
    description: str | None = None


@dataclass(frozen=True, slots=True)
class OutlineEntry:
    clause_id: str
    chapter: str | None
    pos: Pos


@dataclass(frozen=True, slots=True)
class Omission:
    source: str
    at: str
    reason: str
    pos: Pos


@dataclass(frozen=True, slots=True)
class Project:
    root: str
    config_path: str
    title: str
    short_title: str | None
    language: str
    outline: tuple[OutlineEntry, ...]
    rules: dict  # name → Rule
    checks: dict  # code → level
    default_budget: float
    coverage: dict  # source id → tuple of address ranges
    omitted: tuple[Omission, ...]
    sources: dict  # id → Source
    clauses: dict  # id → Clause
    sources_dir: str
    coverage_pos: dict = field(
        default_factory=dict
    )  # source id → (Pos of its key, (Pos of each range, …))
    amend_threshold: float = 0.5  # `amend`: replace a whole unit when more than this share changed
    delegations: dict = field(default_factory=dict)  # code → name (§12)
    delegations_pos: dict = field(default_factory=dict)  # code → Pos of its key

    def rule_map(self) -> dict:
        return {name: rule.replace for name, rule in self.rules.items()}


# --------------------------------------------------------------------------- assembled draft


@dataclass(frozen=True, slots=True)
class DraftItem:
    """A numbered paragraph ("1"), a lettered point ("a") or a sub-point ("i")."""

    label: str | None  # None for an article's only paragraph
    text: str  # cross-references resolved
    provenance: Provenance | None
    items: tuple[DraftItem, ...]
    anchor: str
    negotiation: Negotiation | None = None


@dataclass(frozen=True, slots=True)
class DraftArticle:
    number: int
    clause_id: str
    title: str | None
    chapter: str | None
    paragraphs: tuple[DraftItem, ...]
    anchor: str


@dataclass(frozen=True, slots=True)
class Draft:
    title: str
    short_title: str | None
    language: str
    preamble: tuple[DraftItem, ...]
    articles: tuple[DraftArticle, ...]
    testimonium: tuple[DraftItem, ...]
    chapters: tuple[tuple[str, int], ...]  # (chapter title, number of its first article)
    sources: dict  # id → short title, for provenance notes
