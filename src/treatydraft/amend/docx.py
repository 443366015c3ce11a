"""The amendment list as a .docx on the shipped reference document: a title, the note on
numbering, a heading per article, one paragraph per instruction and per line of quoted
text. Deterministic bytes as for the draft (``SOURCE_DATE_EPOCH``, normalised zip)."""

from __future__ import annotations

import io
from collections.abc import Sequence

from ..render.common import ILLEGAL
from ..reproducible import normalise_zip, source_date_epoch
from .formats import EMPTY, _groups, _intro
from .grammar import Rendered


def render_docx(
    items: Sequence[Rendered], *, title: str, against: str, style: str, proposer: str | None
) -> bytes:
    import docx
    from docx.shared import Cm

    from ..render.docx import REFERENCE, _set_core

    doc = docx.Document(str(REFERENCE))
    body = doc.element.body
    for child in list(body):
        if not child.tag.endswith("}sectPr"):
            body.remove(child)

    def add(text: str, name: str, indent: float | None = None):
        p = doc.add_paragraph(ILLEGAL.sub(" ", text), style=name)
        if indent is not None:
            p.paragraph_format.left_indent = Cm(indent)
            p.paragraph_format.first_line_indent = Cm(0)
        return p

    add(f"Amendments to {title}", "Treaty Title")
    add(_intro(title, against, style, proposer), "Treaty Text")
    if not items:
        add(EMPTY, "Treaty Text")
    for group, rs in _groups(items):
        add(group, "Article Heading")
        for r in rs:
            add(r.lines[0], "Treaty Text")
            for line in r.lines[1:]:
                depth = (len(line) - len(line.lstrip(" "))) // 3
                add(line.lstrip(" "), "Treaty Text", indent=1.0 * depth)
    epoch = source_date_epoch()
    _set_core(doc, f"Amendments to {title}", "en", epoch)
    buf = io.BytesIO()
    doc.save(buf)
    return normalise_zip(buf.getvalue(), epoch)
