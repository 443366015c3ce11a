"""The correlation table as a standalone HTML page (every text escaped)."""

from __future__ import annotations

from html import escape

from ..correlation import Table
from . import common as c

STYLE = """
body { font-family: "Times New Roman", serif; margin: 2em auto; max-width: 80em; padding: 0 1em; }
table { border-collapse: collapse; width: 100%; margin: 0.5em 0 1.5em; }
th, td { border: 1px solid #999; padding: 0.25em 0.5em; text-align: left; vertical-align: top; }
th { background: #eee; }
td.relation-new { color: #555; }
p.note { font-style: italic; }
""".strip()


def _e(text: str) -> str:
    return escape(text, quote=True)


def _table(head, rows, relation_col: int | None = None) -> list[str]:
    out = [
        "<table>",
        "<thead><tr>" + "".join(f"<th>{_e(h)}</th>" for h in head) + "</tr></thead>",
        "<tbody>",
    ]
    for row in rows:
        cells = []
        for i, v in enumerate(row):
            cls = (
                f' class="relation-{_e(v.split(";")[0])}"'
                if i == relation_col and v != c.DASH
                else ""
            )
            cells.append(f"<td{cls}>{_e(v)}</td>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    out += ["</tbody>", "</table>"]
    return out


def render(table: Table, by: str = "article") -> bytes:
    title = c.doc_title(table)
    lines = [
        "<!DOCTYPE html>",
        f'<html lang="{_e(table.language)}">',
        "<head>",
        '<meta charset="utf-8">',
        f"<title>{_e(title)}</title>",
        f"<style>\n{STYLE}\n</style>",
        "</head>",
        "<body>",
        f"<h1>{_e(title)}</h1>",
        '<section class="provisions">',
        f"<h2>{_e(c.by_label(by))}</h2>",
    ]
    if by == "source":
        for sg in table.by_source:
            lines.append(f"<h3>{_e(sg.label)}</h3>")
            lines += _table(
                c.SOURCE_COLUMNS, [c.source_cells(e, r) for e in sg.entries for r in e.rows], 3
            )
    else:
        for g in table.groups:
            lines.append(f"<h3>{_e(g.label)}</h3>")
            lines += _table(c.ARTICLE_COLUMNS, [c.article_cells(r) for r in g.rows], 2)
    lines += ["</section>", '<section class="coverage">', f"<h2>{_e(c.COVERAGE)}</h2>"]
    if not table.has_coverage:
        lines.append(f"<p>{_e(c.NO_COVERAGE)}</p>")
    for sc in table.coverage.sources:
        lines += [f"<h3>{_e(c.coverage_heading(sc))}</h3>", f"<p>{_e(c.coverage_intro(sc))}</p>"]
        if sc.uncovered:
            lines += _table(c.COVERAGE_COLUMNS, [c.coverage_cells(u) for u in sc.uncovered])
        lines += [f'<p class="note">{_e(n)}</p>' for n in c.coverage_notes(sc)]
    lines += ["</section>", "</body>", "</html>"]
    return ("\n".join(lines) + "\n").encode("utf-8")
