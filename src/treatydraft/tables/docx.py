"""The correlation table as a Word document (python-docx, landscape, deterministic bytes)."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from ..correlation import Table
from ..render.common import clean
from ..reproducible import normalise_zip, source_date_epoch
from . import common as c


def render(table: Table, by: str = "article") -> bytes:
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.oxml import OxmlElement
    from docx.shared import Cm, Pt

    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(1.8))
    doc.styles["Normal"].font.size = Pt(9.5)

    def add_table(head, rows):
        t = doc.add_table(rows=1, cols=len(head))
        t.style = "Table Grid"
        header = t.rows[0]
        header._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))  # repeated on each page
        for cell, h in zip(header.cells, head):
            cell.text = ""
            cell.paragraphs[0].paragraph_format.keep_with_next = True  # never alone at a page foot
            run = cell.paragraphs[0].add_run(clean(h))
            run.bold = True
        for row in rows:
            cells = t.add_row().cells
            for cell, v in zip(cells, row):
                cell.text = clean(v)
        doc.add_paragraph()

    doc.add_heading(clean(c.doc_title(table)), level=0)
    doc.add_heading(c.by_label(by), level=1)
    if by == "source":
        for sg in table.by_source:
            doc.add_heading(clean(sg.label), level=2)
            add_table(c.SOURCE_COLUMNS, [c.source_cells(e, r) for e in sg.entries for r in e.rows])
    else:
        for g in table.groups:
            doc.add_heading(clean(g.label), level=2)
            add_table(c.ARTICLE_COLUMNS, [c.article_cells(r) for r in g.rows])
    doc.add_heading(c.COVERAGE, level=1)
    if not table.has_coverage:
        doc.add_paragraph(c.NO_COVERAGE)
    for sc in table.coverage.sources:
        doc.add_heading(clean(c.coverage_heading(sc)), level=2)
        doc.add_paragraph(clean(c.coverage_intro(sc)))
        if sc.uncovered:
            add_table(c.COVERAGE_COLUMNS, [c.coverage_cells(u) for u in sc.uncovered])
        for note in c.coverage_notes(sc):
            doc.add_paragraph(clean(note)).runs[0].italic = True

    epoch = source_date_epoch()
    cp = doc.core_properties
    cp.title = clean(c.doc_title(table))
    cp.author = "treatydraft"
    cp.last_modified_by = "treatydraft"
    cp.revision = 1
    stamp = datetime.fromtimestamp(epoch if epoch is not None else 315532800, tz=UTC).replace(
        tzinfo=None
    )
    cp.created = stamp
    cp.modified = stamp
    cp.last_printed = stamp
    buf = io.BytesIO()
    doc.save(buf)
    return normalise_zip(buf.getvalue(), epoch)
