"""The correlation table as CSV: one flat shape for both views and the coverage rows.

Columns: ``section`` (``provision`` or ``coverage``), ``group`` (the article, or
the source in the by-source view), the treaty provision, clause, relation,
source id and short title, source provision, words changed, source words,
change share (0–1, four decimals), substitution rules with counts, a note
(omission reason, or why coverage cannot be checked) and the paragraph's text.
Coverage rows have ``relation`` ``uncovered``, ``omitted`` or ``not-in-sources``.
UTF-8 without BOM, ``\\r\\n`` line ends, fields quoted when they hold a comma, a
quote or a line break (RFC 4180).
"""

from __future__ import annotations

import csv
import io

from ..correlation import Row, Table
from ..coverage import compress
from ..display import csv_cell

COLUMNS = (
    "section",
    "group",
    "treaty_provision",
    "clause",
    "relation",
    "source",
    "source_title",
    "source_provision",
    "words_changed",
    "words_total",
    "change_share",
    "substitutions",
    "note",
    "text",
)


def _row(group: str, r: Row) -> list[str]:
    share = r.share
    return [
        "provision",
        group,
        r.provision,
        r.clause_id,
        r.relation or "",
        r.source or "",
        r.source_short or "",
        r.source_provision or "",
        "" if r.changed is None else str(r.changed),
        "" if r.total is None else str(r.total),
        "" if share is None else f"{share:.4f}",
        "; ".join(f"{n}={'' if k is None else k}" for n, k in r.rules),
        f"status: {r.status}" if r.status else "",
        r.text,
    ]


class _Neutral:
    """A csv writer whose cells a spreadsheet never runs as formulas (OWASP: CSV injection)."""

    def __init__(self, writer):
        self._writer = writer

    def writerow(self, row) -> None:
        self._writer.writerow([csv_cell(cell) for cell in row])


def render(table: Table, by: str = "article") -> bytes:
    buf = io.StringIO(newline="")
    w = _Neutral(csv.writer(buf, lineterminator="\r\n"))
    w.writerow(COLUMNS)
    if by == "source":
        for sg in table.by_source:
            for e in sg.entries:
                for r in e.rows:
                    w.writerow(_row(sg.short, r))
    else:
        for g in table.groups:
            for r in g.rows:
                w.writerow(_row(g.title, r))
    for sc in table.coverage.sources:
        for u in sc.uncovered:
            reason = u.omission.reason if u.omission else ""
            w.writerow(
                [
                    "coverage",
                    sc.short,
                    "",
                    "",
                    "omitted" if u.declared else "uncovered",
                    sc.source,
                    sc.short,
                    u.display,
                    "",
                    "",
                    "",
                    "",
                    reason,
                    "",
                ]
            )
        for labels, word in (
            (sc.not_shipped_articles, "Articles"),
            (sc.not_shipped_recitals, "Recitals"),
        ):
            if labels:
                note = next(n for n in sc.not_shipped_notes() if n.startswith(word[:-1]))
                w.writerow(
                    [
                        "coverage",
                        sc.short,
                        "",
                        "",
                        "not-in-sources",
                        sc.source,
                        sc.short,
                        f"{word} {compress(labels)}",
                        "",
                        "",
                        "",
                        "",
                        note,
                        "",
                    ]
                )
    return buf.getvalue().encode("utf-8")
