"""``treatydraft status``: the progress measure negotiators use (§12), pure.

Per clause in outline order: the number of bracket groups and of their options in the
texts of its paragraphs and points, the whole-paragraph alternatives, and its paragraphs
and points by status; totals; and, against an earlier draft, the change of each number.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from ..model import Project
from . import brackets
from .data import STATUSES, effective_status

FORMATS = ("term", "md", "json")


@dataclass
class Counts:
    groups: int = 0
    options: int = 0
    alternatives: int = 0
    statuses: dict = field(default_factory=lambda: dict.fromkeys(STATUSES, 0))

    def add(self, other: Counts) -> None:
        self.groups += other.groups
        self.options += other.options
        self.alternatives += other.alternatives
        for k, v in other.statuses.items():
            self.statuses[k] += v

    def as_dict(self) -> dict:
        return {
            "groups": self.groups,
            "options": self.options,
            "alternatives": self.alternatives,
            "statuses": dict(self.statuses),
        }

    def minus(self, other: Counts) -> dict:
        return {
            "groups": self.groups - other.groups,
            "options": self.options - other.options,
            "alternatives": self.alternatives - other.alternatives,
            "statuses": {k: self.statuses[k] - other.statuses[k] for k in STATUSES},
        }


@dataclass
class Row:
    clause: str
    label: str  # "Article 5", "Preamble", "Testimonium"
    counts: Counts


@dataclass
class Status:
    rows: list[Row]
    totals: Counts
    before: Status | None = None
    against: str | None = None


def clause_counts(clause) -> Counts:
    c = Counts()
    for item in clause.walk():
        try:
            g, o = brackets.counts(brackets.parse(item.text))
        except brackets.BracketError:
            g, o = 0, 0
        c.groups += g
        c.options += o
        neg = item.negotiation
        c.alternatives += len(neg.alternatives) if neg is not None else 0
        c.statuses[effective_status(item.text, neg)] += 1
    return c


def status(project: Project) -> Status:
    rows = []
    totals = Counts()
    number = 0
    seen: set[str] = set()
    for entry in project.outline:
        clause = project.clauses.get(entry.clause_id)
        if clause is None or clause.id in seen:
            continue
        seen.add(clause.id)
        if clause.kind == "article":
            number += 1
            label = f"Article {number}"
        else:
            label = clause.kind.capitalize()
        c = clause_counts(clause)
        totals.add(c)
        rows.append(Row(clause.id, label, c))
    return Status(rows, totals)


def compare(now: Status, before: Status, against: str) -> Status:
    return Status(now.rows, now.totals, before, against)


def _before(st: Status, clause: str) -> Counts | None:
    if st.before is None:
        return None
    for r in st.before.rows:
        if r.clause == clause:
            return r.counts
    return Counts()


def to_json(st: Status) -> str:
    def obj(clause: str | None, c: Counts, before: Counts | None) -> dict:
        d: dict = {"clause": clause} if clause is not None else {}
        d.update(c.as_dict())
        if before is not None:
            d["change"] = c.minus(before)
        return d

    data: dict = {
        "articles": [obj(r.clause, r.counts, _before(st, r.clause)) for r in st.rows],
        "totals": obj(None, st.totals, st.before.totals if st.before else None),
    }
    if st.against is not None:
        data["against"] = st.against
        data["removed"] = (
            [r.clause for r in st.before.rows if r.clause not in {x.clause for x in st.rows}]
            if st.before
            else []
        )
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _delta(n: int) -> str:
    return f" ({n:+d})".replace("-", "−") if n else ""


def _statuses(c: Counts, before: Counts | None) -> str:
    parts = []
    for k in STATUSES:
        v = c.statuses[k]
        d = v - before.statuses[k] if before is not None else 0
        if v or d:
            parts.append(f"{k} {v}{_delta(d)}")
    return ", ".join(parts) or "—"


def _cells(c: Counts, before: Counts | None) -> list[str]:
    def cell(attr: str) -> str:
        v = getattr(c, attr)
        return f"{v}{_delta(v - getattr(before, attr)) if before is not None else ''}"

    return [cell("groups"), cell("options"), cell("alternatives"), _statuses(c, before)]


def to_text(st: Status, fmt: str) -> str:
    head = ["", "clause", "groups", "options", "alternatives", "paragraphs by status"]
    rows = [[r.label, r.clause, *_cells(r.counts, _before(st, r.clause))] for r in st.rows]
    rows.append(["Total", "", *_cells(st.totals, st.before.totals if st.before else None)])
    title = "Negotiation status" + (f" (change since {st.against})" if st.against else "")
    if fmt == "md":
        from ..render.markdown import escape

        lines = [f"# {title}", "", "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        for row in rows:
            lines.append("| " + " | ".join(escape(x) for x in row) + " |")
        return "\n".join(lines) + "\n"
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head) - 1)]
    out = [title]
    for row in [head, *rows]:
        cells = [row[i].ljust(widths[i]) if i < 2 else row[i].rjust(widths[i]) for i in range(5)]
        out.append("  ".join(cells) + "  " + row[5])
    return "\n".join(out) + "\n"


def render(st: Status, fmt: str) -> str:
    if fmt == "json":
        return to_json(st)
    return to_text(st, fmt)
