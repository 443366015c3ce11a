"""What every table formatter shares: column names, cell texts and sentences."""

from __future__ import annotations

from ..correlation import Row, SourceEntry, Table
from ..coverage import SourceCoverage, Uncovered

DASH = "—"

TITLE = "Correlation table"
BY_ARTICLE = "Treaty provisions and their sources"
BY_SOURCE = "Source provisions and the treaty provisions derived from them"
COVERAGE = "Coverage of source provisions"
NO_COVERAGE = "treatydraft.yml has no coverage: list; add one to see the source provisions no clause derives from."
ALL_COVERED = "Every shipped provision in the coverage list has a clause derived from it."
UNKNOWN_SOURCE = "No file in sources/ has this id."

ARTICLE_COLUMNS = (
    "Provision",
    "Clause",
    "Relation",
    "Source",
    "Source provision",
    "Change",
    "Substitutions",
)
SOURCE_COLUMNS = (
    "Source provision",
    "Provision",
    "Clause",
    "Relation",
    "Change",
    "Substitutions",
)
COVERAGE_COLUMNS = ("Source provision", "Heading", "Status", "Reason")


def relation(row: Row) -> str | None:
    """``adapted``, or with a negotiation status ``adapted; bracketed`` (§12)."""
    if row.status is None:
        return row.relation
    return f"{row.relation or DASH}; {row.status}"


def cell(value) -> str:
    return DASH if value is None or value == "" else str(value)


def article_cells(row: Row) -> list[str]:
    return [
        cell(v)
        for v in (
            row.provision,
            row.clause_id,
            relation(row),
            row.source_short,
            row.source_provision,
            row.share_text(),
            row.rules_text(),
        )
    ]


def source_cells(entry: SourceEntry, row: Row) -> list[str]:
    return [
        cell(v)
        for v in (
            entry.display,
            row.provision,
            row.clause_id,
            relation(row),
            row.share_text(),
            row.rules_text(),
        )
    ]


def status(u: Uncovered) -> str:
    return "omitted (declared)" if u.declared else "not covered"


def coverage_cells(u: Uncovered) -> list[str]:
    return [
        cell(v)
        for v in (u.display, u.heading, status(u), u.omission.reason if u.omission else None)
    ]


def coverage_heading(sc: SourceCoverage) -> str:
    return f"{sc.short} ({sc.source})" if sc.short != sc.source else sc.source


def coverage_intro(sc: SourceCoverage) -> str:
    """``Coverage list: 2, 15-28. The source is shipped in part (Article 25 only).``"""
    listed = ", ".join(sc.entries) if sc.entries else "the whole source"
    text = f"Coverage list: {listed}."
    if not sc.known:
        return f"{text} {UNKNOWN_SOURCE}"
    if sc.partial:
        text += (
            f" The source is shipped in part ({sc.included})."
            if sc.included
            else " The source is shipped in part."
        )
    return text


def coverage_notes(sc: SourceCoverage) -> list[str]:
    """The sentences after a source's coverage rows."""
    out = []
    if sc.known and not sc.uncovered and sc.examined:
        out.append(ALL_COVERED)
    out.extend(f"{n}." for n in sc.not_shipped_notes())
    return out


def by_label(by: str) -> str:
    return BY_SOURCE if by == "source" else BY_ARTICLE


def doc_title(table: Table) -> str:
    return f"{TITLE}: {table.title}"
