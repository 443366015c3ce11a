"""The negotiating view's DOCX parts: status shading with a boxed text tag, a legend, and
Word comments anchored on bracket groups (python-docx's comments API, ≥ 1.2)."""

from __future__ import annotations

from .data import STATUS_TAGS

#: paragraph shading per status (fill colours; the tag in a box says the same without colour)
FILLS = {
    "proposed": "FDE2E2",
    "bracketed": "FFF0C2",
    "agreed-informals": "DCECFF",
    "agreed-ad-ref": "D8F3DC",
    "adopted": "FFFFFF",
    "reopened": "F3D9FA",
}
AUTHOR = "treatydraft"


def shade(p, status: str) -> None:
    """``w:shd`` in the paragraph's ``w:pPr``, where the schema puts it (after ``w:pStyle``)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    ppr = p.find(qn("w:pPr"))
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), FILLS[status])
    has_style = len(ppr) and ppr[0].tag == qn("w:pStyle")
    ppr.insert(1 if has_style else 0, shd)


def tag(w, p, status: str):
    """A boxed bold run with the status's short tag (AR, AI …), preceded by a space."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    w.run(p, " ")
    r = w.run(p, STATUS_TAGS[status][0])
    rpr = OxmlElement("w:rPr")
    rpr.append(OxmlElement("w:b"))
    bdr = OxmlElement("w:bdr")
    for k, val in (("w:val", "single"), ("w:sz", "4"), ("w:space", "0"), ("w:color", "555555")):
        bdr.set(qn(k), val)
    rpr.append(bdr)
    sz = OxmlElement("w:sz")
    sz.set(qn("w:val"), "16")
    rpr.append(sz)
    r.insert(0, rpr)
    return r


def legend(w, v: dict, style: str) -> None:
    """ "Status of the text", then one shaded, tagged paragraph per status."""
    w.paragraph("Status of the text:", style)
    for s in v["legend"]:
        p = w.paragraph("", style)
        shade(p, s["status"])
        tag(w, p, s["status"])
        w.run(p, " " + s["name"])
    w.paragraph(
        "Text in [square brackets] is not agreed; adjacent bracketed texts are alternatives. "
        "Comments name who proposed and who supports each option.",
        style,
    )


def comment(doc, body, first_r, last_r, text: str, epoch: int | None) -> None:
    """A Word comment by ``treatydraft`` on the runs from ``first_r`` to ``last_r``, dated
    ``SOURCE_DATE_EPOCH`` when set and undated otherwise (deterministic bytes)."""
    from datetime import UTC, datetime

    from docx.oxml.ns import qn
    from docx.text.paragraph import Paragraph
    from docx.text.run import Run

    first = Run(first_r, Paragraph(first_r.getparent(), body))
    last = Run(last_r, Paragraph(last_r.getparent(), body))
    c = doc.add_comment([first, last], text=text, author=AUTHOR, initials="TD")
    el = c._comment_elm
    if epoch is None:
        el.attrib.pop(qn("w:date"), None)
    else:
        when = datetime.fromtimestamp(epoch, tz=UTC)
        el.set(qn("w:date"), when.strftime("%Y-%m-%dT%H:%M:%SZ"))
