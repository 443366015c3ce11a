"""The correlation table as a Word document (python-docx, landscape, deterministic bytes)."""

from __future__ import annotations

import io
import os
import zipfile
from datetime import datetime, timezone

from ..table import Table
from . import common as c


def _epoch() -> int | None:
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    return int(value) if value.isdigit() else None


def _normalise_zip(data: bytes, epoch: int | None) -> bytes:
    """Fixed entry dates and a stable order, so the same table gives the same bytes."""
    if epoch is None:
        date_time = (1980, 1, 1, 0, 0, 0)
    else:
        t = datetime.fromtimestamp(max(epoch, 315532800), tz=timezone.utc)
        date_time = (t.year, t.month, t.day, t.hour, t.minute, t.second - t.second % 2)
    src = zipfile.ZipFile(io.BytesIO(data))
    names = src.namelist()
    order = [n for n in names if n == "[Content_Types].xml"] + sorted(n for n in names if n != "[Content_Types].xml")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name in order:
            info = zipfile.ZipInfo(name, date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0
            z.writestr(info, src.read(name), compresslevel=6)
    return out.getvalue()


def _xml_safe(text: str) -> str:
    """python-docx refuses characters XML 1.0 cannot hold; they become a space."""
    return "".join(" " if (ord(ch) < 32 and ch not in "\t\n\r") or 0xD800 <= ord(ch) <= 0xDFFF or ord(ch) in (0xFFFE, 0xFFFF) else ch for ch in text)


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
            run = cell.paragraphs[0].add_run(_xml_safe(h))
            run.bold = True
        for row in rows:
            cells = t.add_row().cells
            for cell, v in zip(cells, row):
                cell.text = _xml_safe(v)
        doc.add_paragraph()

    doc.add_heading(_xml_safe(c.doc_title(table)), level=0)
    doc.add_heading(c.by_label(by), level=1)
    if by == "source":
        for sg in table.by_source:
            doc.add_heading(_xml_safe(sg.label), level=2)
            add_table(c.SOURCE_COLUMNS, [c.source_cells(e, r) for e in sg.entries for r in e.rows])
    else:
        for g in table.groups:
            doc.add_heading(_xml_safe(g.label), level=2)
            add_table(c.ARTICLE_COLUMNS, [c.article_cells(r) for r in g.rows])
    doc.add_heading(c.COVERAGE, level=1)
    if not table.has_coverage:
        doc.add_paragraph(c.NO_COVERAGE)
    for sc in table.coverage.sources:
        doc.add_heading(_xml_safe(c.coverage_heading(sc)), level=2)
        doc.add_paragraph(_xml_safe(c.coverage_intro(sc)))
        if sc.uncovered:
            add_table(c.COVERAGE_COLUMNS, [c.coverage_cells(u) for u in sc.uncovered])
        for note in c.coverage_notes(sc):
            doc.add_paragraph(_xml_safe(note)).runs[0].italic = True

    epoch = _epoch()
    cp = doc.core_properties
    cp.title = _xml_safe(c.doc_title(table))
    cp.author = "treatydraft"
    cp.last_modified_by = "treatydraft"
    cp.revision = 1
    stamp = datetime.fromtimestamp(epoch if epoch is not None else 315532800, tz=timezone.utc).replace(tzinfo=None)
    cp.created = stamp
    cp.modified = stamp
    cp.last_printed = stamp
    buf = io.BytesIO()
    doc.save(buf)
    return _normalise_zip(buf.getvalue(), epoch)
