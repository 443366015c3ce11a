"""DOCX renderer: ``Draft → bytes`` with python-docx on the shipped reference document.

* Styles come from ``templates/reference.docx`` (made by
  ``templates/make_reference_docx.py``): "Treaty Title", "Preamble",
  "Chapter Heading", "Article Heading", "Article Title", "Treaty Paragraph"
  (numbered, hanging indent), "Treaty Text" (an unnumbered paragraph),
  "Treaty Point", "Treaty Sub-point", "Testimonium", "Provenance Note".
* Numbers are literal text from the model (``1.``, ``(a)``, ``(i)`` then a tab),
  never Word auto-numbering, so the text a reader copies is the text of the draft.
* Notes on: a closing "Provenance" table (provision, provenance).
* Text is mapped as documented in :mod:`.common`: XML-illegal control characters
  (``\\x0b`` …) become a space, so saving never fails on them.
* Deterministic bytes: core-properties dates are ``SOURCE_DATE_EPOCH`` when it is
  set and absent otherwise; the zip is rewritten with fixed entry dates
  (``SOURCE_DATE_EPOCH``, or 1980-01-01), fixed permissions and a stable order.
"""

from __future__ import annotations

import io
from datetime import datetime, timezone
from pathlib import Path

from ..model import Draft
from ..reproducible import normalise_zip, source_date_epoch
from .common import RenderOptions, view, walk_items

REFERENCE = Path(__file__).resolve().parent.parent / "templates" / "reference.docx"

STYLE_NAMES = (
    "Treaty Title",
    "Preamble",
    "Chapter Heading",
    "Article Heading",
    "Article Title",
    "Treaty Paragraph",
    "Treaty Text",
    "Treaty Point",
    "Treaty Sub-point",
    "Testimonium",
    "Provenance Note",
)


def _set_core(doc, draft_title: str, language: str, epoch: int | None) -> None:
    from docx.oxml.ns import qn

    cp = doc.core_properties
    cp.title = draft_title
    cp.language = language
    cp.author = "treatydraft"
    cp.last_modified_by = "treatydraft"
    cp.revision = 1
    if epoch is not None:
        when = datetime.fromtimestamp(epoch, tz=timezone.utc).replace(tzinfo=None)
        cp.created = when
        cp.modified = when
        cp.last_printed = when
    else:
        el = cp._element
        for tag in ("dcterms:created", "dcterms:modified", "cp:lastPrinted"):
            for child in el.findall(qn(tag)):
                el.remove(child)


def _set_language(doc, language: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    rpr = doc.styles.element.find(qn("w:docDefaults") + "/" + qn("w:rPrDefault") + "/" + qn("w:rPr"))
    if rpr is None:
        return
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), language)


def render(draft: Draft, options: RenderOptions | None = None) -> bytes:
    """The draft as a .docx file."""
    import docx
    from docx.shared import Cm

    options = options or RenderOptions()
    epoch = options.source_date_epoch if options.source_date_epoch is not None else source_date_epoch()
    v = view(draft, options.notes)
    doc = docx.Document(str(REFERENCE))
    body = doc.element.body
    for child in list(body):
        if not child.tag.endswith("}sectPr"):
            body.remove(child)
    st = {name: doc.styles[name] for name in STYLE_NAMES}
    add = doc.add_paragraph

    def items(seq, kind: str) -> None:
        for it in seq:
            text = it["text"]
            if it["marker"]:
                style = st["Treaty Paragraph"] if it["depth"] == 1 else st["Treaty Point"] if it["depth"] == 2 else st["Treaty Sub-point"]
                if kind != "article" and it["depth"] == 1:
                    style = st[kind]
                add(f"{it['marker']}\t{text}", style)
            else:
                add(text, st[kind] if kind != "article" else st["Treaty Text"])
            items(it["points"], kind)

    add(v["title"], st["Treaty Title"])
    items(v["preamble"], "Preamble")
    add(v["agreed"], st["Preamble"])
    for section in v["sections"]:
        if section["chapter"]:
            add(section["chapter"]["heading"], st["Chapter Heading"])
        for article in section["articles"]:
            add(article["heading"], st["Article Heading"])
            if article["title"]:
                add(article["title"], st["Article Title"])
            items(article["paragraphs"], "article")
        if options.progress:
            options.progress(len(section["articles"]))
    items(v["testimonium"], "Testimonium")

    if options.notes:
        rows = [(it["where"], it["note"]) for it in walk_items(v) if it["note"]]
        if rows:
            add("Provenance", st["Chapter Heading"])
            table = doc.add_table(rows=1, cols=2)
            try:
                table.style = doc.styles["Table Grid"]
            except KeyError:
                pass
            hdr = table.rows[0].cells
            for cell, label in zip(hdr, ("Provision", "Provenance")):
                cell.paragraphs[0].style = st["Provenance Note"]
                cell.paragraphs[0].add_run(label).bold = True
            table.autofit = False
            widths = (Cm(3.5), Cm(12.5))
            for column, cell, width in zip(table.columns, hdr, widths):
                column.width = width  # w:gridCol, which LibreOffice follows
                cell.width = width  # w:tcW, which Word follows
            for where, note in rows:
                cells = table.add_row().cells
                for cell, width in zip(cells, widths):
                    cell.width = width
                cells[0].paragraphs[0].text = where
                cells[0].paragraphs[0].style = st["Provenance Note"]
                cells[1].paragraphs[0].text = note
                cells[1].paragraphs[0].style = st["Provenance Note"]

    _set_core(doc, v["raw_title"], v["language"], epoch)
    _set_language(doc, v["language"])
    buf = io.BytesIO()
    doc.save(buf)
    return normalise_zip(buf.getvalue(), epoch)
