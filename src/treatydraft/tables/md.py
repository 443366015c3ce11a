"""The correlation table as Markdown (GitHub pipe tables)."""

from __future__ import annotations

import re

from ..correlation import Table
from . import common as c

_SPECIAL = re.compile(r"([\\`*_\[\]<>|&~#])")
_WS = re.compile(r"\s+")


def esc(text: str) -> str:
    """Cell or heading text: whitespace folded, Markdown punctuation backslash-escaped."""
    return _SPECIAL.sub(r"\\\1", _WS.sub(" ", text).strip())


def _table(head, rows) -> list[str]:
    out = [
        "| " + " | ".join(esc(h) for h in head) + " |",
        "|" + "|".join(" --- " for _ in head) + "|",
    ]
    out.extend("| " + " | ".join(esc(v) for v in row) + " |" for row in rows)
    return out


def render(table: Table, by: str = "article") -> bytes:
    lines = [f"# {esc(c.doc_title(table))}", "", f"## {esc(c.by_label(by))}", ""]
    if by == "source":
        for sg in table.by_source:
            lines += [f"### {esc(sg.label)}", ""]
            lines += _table(
                c.SOURCE_COLUMNS, [c.source_cells(e, r) for e in sg.entries for r in e.rows]
            )
            lines.append("")
    else:
        for g in table.groups:
            lines += [f"### {esc(g.label)}", ""]
            lines += _table(c.ARTICLE_COLUMNS, [c.article_cells(r) for r in g.rows])
            lines.append("")
    lines += [f"## {esc(c.COVERAGE)}", ""]
    if not table.has_coverage:
        lines += [esc(c.NO_COVERAGE), ""]
    for sc in table.coverage.sources:
        lines += [f"### {esc(c.coverage_heading(sc))}", "", esc(c.coverage_intro(sc)), ""]
        if sc.uncovered:
            lines += _table(c.COVERAGE_COLUMNS, [c.coverage_cells(u) for u in sc.uncovered])
            lines.append("")
        for note in c.coverage_notes(sc):
            lines += [esc(note), ""]
    while lines and lines[-1] == "":
        lines.pop()
    return ("\n".join(lines) + "\n").encode("utf-8")
