"""Make ``reference.docx``, the style sheet of DOCX builds (run once; the output is committed).

    .venv/bin/python src/treatydraft/templates/make_reference_docx.py

Starts from python-docx's blank document, defines the treaty styles, A4 pages with
page numbers in the footer, and strips dates and revision ids so the file is the
same on every run. Edit the styles here (or in Word, keeping the names) and rerun.
"""

from __future__ import annotations

from pathlib import Path

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from treatydraft.reproducible import normalise_zip

OUT = Path(__file__).resolve().parent / "reference.docx"
FONT = "Times New Roman"


def outline_level(style, level: int) -> None:
    ppr = style.element.get_or_add_pPr()
    el = OxmlElement("w:outlineLvl")
    el.set(qn("w:val"), str(level))
    ppr.append(el)


def para_style(
    doc,
    name,
    *,
    base="Normal",
    align=None,
    bold=None,
    italic=None,
    size=None,
    before=None,
    after=None,
    left=None,
    first=None,
    keep_next=False,
    tab=None,
    color=None,
    level=None,
):
    style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = doc.styles[base]
    style.next_paragraph_style = doc.styles["Normal"]
    style.quick_style = True
    f, p = style.font, style.paragraph_format
    if bold is not None:
        f.bold = bold
    if italic is not None:
        f.italic = italic
    if size is not None:
        f.size = Pt(size)
    if color is not None:
        f.color.rgb = RGBColor.from_string(color)
    if align is not None:
        p.alignment = align
    if before is not None:
        p.space_before = Pt(before)
    if after is not None:
        p.space_after = Pt(after)
    if left is not None:
        p.left_indent = Cm(left)
    if first is not None:
        p.first_line_indent = Cm(first)
    if keep_next:
        p.keep_with_next = True
    if tab is not None:
        p.tab_stops.add_tab_stop(Cm(tab))
    if level is not None:
        outline_level(style, level)
    return style


def page_number_footer(section) -> None:
    p = section.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = p.add_run()
    for kind, text in (
        ("begin", None),
        (None, " PAGE "),
        ("separate", None),
        (None, "1"),
        ("end", None),
    ):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        elif text == "1":
            el = OxmlElement("w:t")
            el.text = text
        else:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        run._r.append(el)


def main() -> None:
    doc = docx.Document()
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(12)
    rfonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):
        rfonts.set(qn(attr), FONT)
    pf = normal.paragraph_format
    pf.space_after = Pt(6)
    pf.line_spacing = 1.15
    J, C = WD_ALIGN_PARAGRAPH.JUSTIFY, WD_ALIGN_PARAGRAPH.CENTER
    para_style(doc, "Treaty Title", align=C, bold=True, size=15, after=24, keep_next=True, level=0)
    para_style(doc, "Preamble", align=J, first=1.27, after=8)
    para_style(
        doc,
        "Chapter Heading",
        align=C,
        bold=True,
        size=12,
        before=24,
        after=12,
        keep_next=True,
        level=0,
    )
    para_style(
        doc, "Article Heading", align=C, bold=True, before=18, after=2, keep_next=True, level=1
    )
    para_style(doc, "Article Title", align=C, italic=True, after=12, keep_next=True)
    para_style(doc, "Treaty Paragraph", align=J, left=1.0, first=-1.0, tab=1.0, after=8)
    para_style(doc, "Treaty Text", align=J, after=8)
    para_style(doc, "Treaty Point", align=J, left=2.0, first=-1.0, tab=2.0, after=6)
    para_style(doc, "Treaty Sub-point", align=J, left=3.0, first=-1.0, tab=3.0, after=6)
    para_style(doc, "Testimonium", align=J, first=1.27, before=12, after=8)
    para_style(doc, "Provenance Note", size=9, after=0, color="404040")

    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2.5))
    section.top_margin, section.bottom_margin = Cm(2.5), Cm(2.5)
    page_number_footer(section)

    cp = doc.core_properties
    cp.title, cp.author, cp.last_modified_by, cp.revision = "", "treatydraft", "treatydraft", 1
    for tag in ("dcterms:created", "dcterms:modified", "cp:lastPrinted"):
        for child in cp._element.findall(qn(tag)):
            cp._element.remove(child)
    settings = doc.settings.element
    for rsids in settings.findall(qn("w:rsids")):
        settings.remove(rsids)

    body = doc.element.body
    for child in list(body):
        if not child.tag.endswith("}sectPr"):
            body.remove(child)

    import io

    buf = io.BytesIO()
    doc.save(buf)
    OUT.write_bytes(normalise_zip(buf.getvalue()))
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
