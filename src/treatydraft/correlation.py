"""The correlation (concordance) table: treaty provision ↔ source provision (pure).

One :class:`Row` per paragraph and point of the assembled draft, in draft order,
with its final number ("Art. 5(1)", "Art. 2(a)", "Preamble, para. 3"), the
clause it comes from, its provenance and, for verbatim and adapted text, the
change measure of :mod:`treatydraft.measure` (the one ``check`` holds against
``budget``). :func:`build_table` also gives the reverse
view (source provision → treaty provisions) and the coverage of the sources
under ``coverage:`` (:mod:`treatydraft.coverage`).

The formatters (:mod:`treatydraft.tables`) only lay this model out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from . import addresses
from .coverage import CoverageReport, analyse
from .measure import Measure
from .model import Clause, Draft, DraftItem, Paragraph, Project

BY = ("article", "source")


@dataclass(frozen=True, slots=True)
class Row:
    """One treaty paragraph or point and where it comes from."""

    provision: str  # final numbering: "Art. 5(1)", "Art. 2(a)", "Preamble, para. 3"
    group: str  # "Article 5", "Preamble", "Testimonium"
    clause_id: str
    depth: int  # 1 paragraph, 2 point, 3 sub-point …
    relation: str | None  # verbatim | adapted | new; None when the paragraph states no provenance
    source: str | None  # source id
    source_short: str | None  # the source's short title (the id when the source is unknown)
    at: str | None  # source address, canonical when it parses, else as written
    changed: int | None  # words changed after substitutions (verbatim/adapted, resolvable)
    total: int | None  # words of the source text at the address
    rules: tuple[
        tuple[str, int | None], ...
    ]  # (rule, applications to the source text); None when unknown
    text: str  # the paragraph's own text as in the draft (cross-references resolved)
    status: str | None = None  # negotiation status (§12) when stated or bracketed; else None

    @property
    def share(self) -> float | None:
        if self.changed is None or self.total is None:
            return None
        return Measure(self.changed, self.total).share

    @property
    def source_provision(self) -> str | None:
        return addresses.display(self.at) if self.at else None

    def share_text(self) -> str | None:
        """``"5 of 38 source words changed (13%)"``."""
        if self.changed is None or self.total is None:
            return None
        return Measure(self.changed, self.total).text()

    def rules_text(self) -> str | None:
        """``"states-parties ×2, csam-term ×1"``."""
        if not self.rules:
            return None
        return ", ".join(f"{name} ×{'?' if n is None else n}" for name, n in self.rules)


@dataclass(frozen=True, slots=True)
class Group:
    """The rows of one article (or of the preamble, or the testimonium)."""

    title: str  # "Article 5", "Preamble", "Testimonium"
    heading: str | None  # the article's title
    number: int | None
    clause_ids: tuple[str, ...]
    rows: tuple[Row, ...]

    @property
    def label(self) -> str:
        return f"{self.title} — {self.heading}" if self.heading else self.title


@dataclass(frozen=True, slots=True)
class SourceEntry:
    """One source provision and the treaty provisions derived from it."""

    at: str | None
    heading: str | None  # the heading of the source article
    rows: tuple[Row, ...]

    @property
    def display(self) -> str | None:
        return addresses.display(self.at) if self.at else None


@dataclass(frozen=True, slots=True)
class SourceGroup:
    source: str | None  # None: the group of new text (no source)
    short: str
    entries: tuple[SourceEntry, ...]

    @property
    def label(self) -> str:
        return f"{self.short} ({self.source})" if self.source else self.short


@dataclass(frozen=True, slots=True)
class Table:
    title: str
    groups: tuple[Group, ...]
    by_source: tuple[SourceGroup, ...]
    coverage: CoverageReport
    has_coverage: bool  # whether treatydraft.yml has a coverage: list at all
    language: str = "en"

    @property
    def rows(self) -> tuple[Row, ...]:
        return tuple(r for g in self.groups for r in g.rows)


NEW_GROUP = "New text (no source)"


def paired(project: Project, draft: Draft):
    """``(group title, article or None, DraftItem, clause Paragraph, clause)`` for each top-level
    draft item, in draft order: the clause item it was assembled from, by position."""
    seen: set[str] = set()
    pre: list[tuple[Paragraph, Clause]] = []
    test: list[tuple[Paragraph, Clause]] = []
    for entry in project.outline:
        clause = project.clauses.get(entry.clause_id)
        if clause is None or entry.clause_id in seen:
            continue
        seen.add(entry.clause_id)
        if clause.kind == "preamble":
            pre.extend((p, clause) for p in clause.paragraphs)
        elif clause.kind == "testimonium":
            test.extend((p, clause) for p in clause.paragraphs)
    for item, (para, clause) in zip(draft.preamble, pre):
        yield "Preamble", None, item, para, clause
    for art in draft.articles:
        clause = project.clauses[art.clause_id]
        for item, para in zip(art.paragraphs, clause.paragraphs):
            yield f"Article {art.number}", art, item, para, clause
    for item, (para, clause) in zip(draft.testimonium, test):
        yield "Testimonium", None, item, para, clause


def _measure(project: Project, clause: Clause, para: Paragraph, numbers):
    """``(at, changed, total, rules)`` of one clause item (the change measure of
    :mod:`treatydraft.measure`, on the paragraph as the draft prints it)."""
    from . import diffing, measure, substitution
    from .provenance import resolve
    from .text import fold

    prov = para.provenance
    if prov is None:
        return None, None, None, ()
    canon = addresses.canonical(prov.at) if prov.at else None
    at = canon or prov.at
    if prov.relation == "new":
        return at, None, None, ()
    rules = project.rule_map()
    known = [n for n in prov.substitutions if n in rules]
    res = resolve(project, clause, para, [])
    if res is None:
        return at, None, None, tuple((n, None) for n in prov.substitutions)
    src = fold(res.source_text)
    applied = substitution.counts(substitution.apply(src, rules, known))
    counts = tuple((n, applied.get(n, 0) if n in rules else None) for n in prov.substitutions)
    if len(known) != len(prov.substitutions):
        return at, None, None, counts
    try:
        m = measure.of_texts(src, measure.clause_text(para.text, numbers), rules, known)
    except diffing.RedlineIntegrityError:
        return at, None, None, counts
    return at, m.changed, m.total, counts


def shown_status(para: Paragraph) -> str | None:
    """The negotiation status a table shows: when the clause states one, or the text is
    bracketed (plain agreed text, the default, shows none)."""
    from .negotiation.brackets import has_brackets
    from .negotiation.data import effective_status

    neg = para.negotiation
    if (neg is not None and neg.status) or has_brackets(para.text):
        return effective_status(para.text, neg)
    return None


def build_table(project: Project, draft: Draft | None = None) -> Table:
    """The correlation table of the project's draft (assembled here unless given)."""
    from .assemble import _Numbers, assemble

    draft = draft or assemble(project)
    numbers = _Numbers(project)
    groups: list[dict[str, Any]] = []
    current: dict[str, Any] | None = None

    def walk(
        item: DraftItem,
        para: Paragraph,
        clause: Clause,
        where: str,
        depth: int,
        index: int,
        group: str,
        out: list[Row],
    ):
        if depth == 1 and not where.startswith("Art. "):
            provision = f"{where}, para. {index}"
        elif item.label is None:
            provision = where
        else:
            provision = f"{where}({item.label})"
        at, changed, total, rules = _measure(project, clause, para, numbers)
        prov = para.provenance
        source = prov.source if prov and prov.relation != "new" else None
        short = project.sources[source].short if source in project.sources else source
        out.append(
            Row(
                provision,
                group,
                clause.id,
                depth,
                prov.relation if prov else None,
                source,
                short,
                at if source else None,
                changed,
                total,
                rules,
                item.text,
                shown_status(para),
            )
        )
        for i, (sub, subpara) in enumerate(zip(item.items, para.points), start=1):
            walk(sub, subpara, clause, provision, depth + 1, i, group, out)

    counters: dict[str, int] = {}
    for title, art, item, para, clause in paired(project, draft):
        if current is None or current["title"] != title:
            current = {"title": title, "art": art, "rows": [], "clauses": []}
            groups.append(current)
        if clause.id not in current["clauses"]:
            current["clauses"].append(clause.id)
        counters[title] = counters.get(title, 0) + 1
        where = f"Art. {art.number}" if art else title
        walk(item, para, clause, where, 1, counters[title], title, current["rows"])
    out_groups = tuple(
        Group(
            g["title"],
            g["art"].title if g["art"] else None,
            g["art"].number if g["art"] else None,
            tuple(g["clauses"]),
            tuple(g["rows"]),
        )
        for g in groups
    )
    table_rows = [r for g in out_groups for r in g.rows]
    return Table(
        project.title,
        out_groups,
        _by_source(project, table_rows),
        analyse(project),
        bool(project.coverage),
        project.language or "en",
    )


def _by_source(project: Project, rows: list[Row]) -> tuple[SourceGroup, ...]:
    by: dict[str, dict[str | None, list[Row]]] = {}
    new: list[Row] = []
    for r in rows:
        if r.source is None:
            new.append(r)
        else:
            by.setdefault(r.source, {}).setdefault(r.at, []).append(r)
    out = []
    for sid in sorted(by):
        src = project.sources.get(sid)
        order = {a: i for i, a in enumerate(src.index)} if src else {}

        def key(at: str | None, order: dict = order) -> tuple:
            if at in order:
                return (0, order[at], "")
            return (1, 0, at or "")

        entries = []
        for at in sorted(by[sid], key=key):
            heading = None
            if src is not None and at is not None and at in src.index:
                parts = addresses.parts(at)
                top = src.index.get(
                    addresses.join(parts[:2] if parts[0] == "recital" else parts[:1])
                )
                heading = top.heading if top else None
            entries.append(SourceEntry(at, heading, tuple(by[sid][at])))
        out.append(SourceGroup(sid, src.short if src else sid, tuple(entries)))
    if new:
        out.append(SourceGroup(None, NEW_GROUP, (SourceEntry(None, None, tuple(new)),)))
    return tuple(out)
