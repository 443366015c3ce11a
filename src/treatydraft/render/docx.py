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
import re
from datetime import UTC, datetime
from pathlib import Path

from ..model import Draft
from ..reproducible import normalise_zip, source_date_epoch
from .common import RenderOptions, view, walk_items

_BREAKS = re.compile(r"(\t|\n|\r)")

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
        when = datetime.fromtimestamp(epoch, tz=UTC).replace(tzinfo=None)
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

    rpr = doc.styles.element.find(
        qn("w:docDefaults") + "/" + qn("w:rPrDefault") + "/" + qn("w:rPr")
    )
    if rpr is None:
        return
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), language)


def _right_to_left(text: str) -> bool:
    """Whether the first strongly directional character is right-to-left (the rule HTML's
    ``dir="auto"`` follows); numbers, labels and punctuation before it do not count."""
    import unicodedata

    for ch in text:
        kind = unicodedata.bidirectional(ch)
        if kind in ("R", "AL"):
            return True
        if kind == "L":
            return False
    return False


class _Writer:
    """Appends ``w:p`` elements straight to the body, as python-docx's ``add_paragraph`` would.

    Same XML as ``doc.add_paragraph(text, style)``: ``w:pPr/w:pStyle`` first, then
    one ``w:r`` when there is text, whose content is ``w:t`` runs split at a tab
    (``w:tab``) or line break (``w:br``), with ``xml:space="preserve"`` on a ``w:t``
    that starts or ends with whitespace. But the style id is looked up once per
    style name (not once per paragraph by scanning every style), and the elements
    are appended to a body whose ``w:sectPr`` has been taken out (and is put back
    at the end), so there is no search for ``w:sectPr`` on each insert: the
    build is linear in the size of the draft.
    """

    def __init__(self, parent, style_ids: dict[str, str | None]):
        from docx.oxml.ns import qn
        from lxml import etree

        self.parent = parent
        self.style_ids = style_ids
        self.sub = etree.SubElement
        self.P, self.PPR, self.PSTYLE, self.VAL = (
            qn("w:p"),
            qn("w:pPr"),
            qn("w:pStyle"),
            qn("w:val"),
        )
        self.R, self.T, self.TAB, self.BR = qn("w:r"), qn("w:t"), qn("w:tab"), qn("w:br")
        self.SPACE = qn("xml:space")
        self.BIDI, self.RPR, self.RTL = qn("w:bidi"), qn("w:rPr"), qn("w:rtl")

    def paragraph(self, text: str, style: str, parent=None):
        sub = self.sub
        p = sub(self.parent if parent is None else parent, self.P)
        ppr = sub(p, self.PPR)
        sid = self.style_ids[style]
        if sid is not None:
            sub(ppr, self.PSTYLE).set(self.VAL, sid)
        rtl = _right_to_left(text)
        if rtl:
            sub(ppr, self.BIDI)  # an Arabic (or Hebrew…) paragraph reads from the right
        if text:
            self.run(p, text, rtl)
        return p

    def run(self, p, text: str, rtl: bool = False):
        r = self.sub(p, self.R)
        if rtl:
            self.sub(self.sub(r, self.RPR), self.RTL)
        if "\t" in text or "\n" in text or "\r" in text:
            for piece in _BREAKS.split(text):
                if piece == "\t":
                    self.sub(r, self.TAB)
                elif piece in ("\n", "\r"):
                    self.sub(r, self.BR)
                elif piece:
                    self.text(r, piece)
        elif text:
            self.text(r, text)
        return r

    def text(self, r, text: str) -> None:
        t = self.sub(r, self.T)
        t.text = text
        if len(text.strip()) < len(text):
            t.set(self.SPACE, "preserve")


def render(draft: Draft, options: RenderOptions | None = None) -> bytes:
    """The draft as a .docx file."""
    import docx
    from docx.enum.style import WD_STYLE_TYPE
    from docx.oxml.ns import qn
    from docx.shared import Cm

    options = options or RenderOptions()
    epoch = (
        options.source_date_epoch if options.source_date_epoch is not None else source_date_epoch()
    )
    from ..negotiation import docx as neg_docx
    from ..negotiation.views import decorate

    v = view(draft, options.notes)
    doc = docx.Document(str(REFERENCE))
    body = doc.element.body
    for child in list(body):
        if not child.tag.endswith("}sectPr"):
            body.remove(child)
    # Style ids resolved once (what ``paragraph.style = style`` would write: None for the default style).
    style_ids = {
        name: doc.part.get_style_id(doc.styles[name], WD_STYLE_TYPE.PARAGRAPH)
        for name in STYLE_NAMES
    }
    # Take the final w:sectPr out while paragraphs are appended; it goes back last.
    sect_pr = body.find(qn("w:sectPr"))
    if sect_pr is not None:
        body.remove(sect_pr)
    w = _Writer(body, style_ids)
    add = w.paragraph

    decorate(v, draft)
    notes = {fn["number"]: fn["text"] for fn in v["footnotes"]}
    comments: list = []  # (first w:r, last w:r, text), added once the body is complete

    def items(seq, kind: str) -> None:
        for it in seq:
            text = it["text"]
            if it["marker"]:
                style = (
                    "Treaty Paragraph"
                    if it["depth"] == 1
                    else "Treaty Point"
                    if it["depth"] == 2
                    else "Treaty Sub-point"
                )
                if kind != "article" and it["depth"] == 1:
                    style = kind
            else:
                style = kind if kind != "article" else "Treaty Text"
            if it["notes"] or it["status"]:
                p = add(f"{it['marker']}\t" if it["marker"] else "", style)
                runs = [w.run(p, piece) for piece in it["pieces"]]
                for n, first, last in it["notes"]:
                    comments.append((runs[first], runs[last], notes[n]))
                if it["status"]:
                    neg_docx.shade(p, it["status"])
                    neg_docx.tag(w, p, it["status"])
                for alt in it["alternatives"]:
                    p = add(f"{alt['marker']}\t", style)
                    r = w.run(p, alt["raw"])
                    if alt["note"]:
                        comments.append((r, r, notes[alt["note"]]))
            elif it["marker"]:
                add(f"{it['marker']}\t{text}", style)
            else:
                add(text, style)
            items(it["points"], kind)

    add(v["title"], "Treaty Title")
    if v["legend"]:
        neg_docx.legend(w, v, "Provenance Note")
    items(v["preamble"], "Preamble")
    add(v["agreed"], "Preamble")
    for section in v["sections"]:
        if section["chapter"]:
            add(section["chapter"]["heading"], "Chapter Heading")
        for article in section["articles"]:
            add(article["heading"], "Article Heading")
            if article["title"]:
                add(article["title"], "Article Title")
            items(article["paragraphs"], "article")
        if options.progress:
            options.progress(len(section["articles"]))
    items(v["testimonium"], "Testimonium")

    rows = (
        [(it["where"], it["note"]) for it in walk_items(v) if it["note"]] if options.notes else []
    )
    if rows:
        add("Provenance", "Chapter Heading")
    if sect_pr is not None:
        body.append(sect_pr)

    if rows:
        # The table frame and header row through python-docx (once); the data rows
        # as XML, the same that ``table.add_row()`` and ``cell.width``/``.text``/``.style`` write.
        table = doc.add_table(rows=1, cols=2)
        try:
            table.style = doc.styles["Table Grid"]
        except KeyError:
            pass
        hdr = table.rows[0].cells
        note_style = doc.styles["Provenance Note"]
        for cell, label in zip(hdr, ("Provision", "Provenance")):
            cell.paragraphs[0].style = note_style
            cell.paragraphs[0].add_run(label).bold = True
        table.autofit = False
        widths = (Cm(3.5), Cm(12.5))
        for column, cell, width in zip(table.columns, hdr, widths):
            column.width = width  # w:gridCol, which LibreOffice follows
            cell.width = width  # w:tcW, which Word follows
        tbl = table._tbl
        sub = w.sub
        TR, TC, TCPR, TCW = qn("w:tr"), qn("w:tc"), qn("w:tcPr"), qn("w:tcW")
        TYPE, W = qn("w:type"), qn("w:w")
        twips = [str(width.twips) for width in widths]
        for where, note in rows:
            tr = sub(tbl, TR)
            for text, tw in zip((where, note), twips):
                tc = sub(tr, TC)
                tcw = sub(sub(tc, TCPR), TCW)
                tcw.set(TYPE, "dxa")
                tcw.set(W, tw)
                p = w.paragraph("", "Provenance Note", parent=tc)
                w.run(p, text)  # ``paragraph.text = …`` always writes a w:r, even for ""

    for first, last, text in comments:
        neg_docx.comment(doc, doc._body, first, last, text, epoch)
    _set_core(doc, v["raw_title"], v["language"], epoch)
    _set_language(doc, v["language"])
    buf = io.BytesIO()
    doc.save(buf)
    return normalise_zip(buf.getvalue(), epoch)
