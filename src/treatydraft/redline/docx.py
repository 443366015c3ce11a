"""DOCX redline with real Word tracked changes.

The package (styles, settings, core properties) comes from python-docx's blank
document; the body is built with lxml through :mod:`.wordml`.  Drafting changes
are tracked under the author ``treatydraft``; a named substitution is a tracked
deletion + insertion by ``treatydraft (<rule>)``; a format-only change by
``treatydraft (format)``.  Accept all = the clause, reject all = the source.

With ``SOURCE_DATE_EPOCH`` set, revision dates, core properties and zip
timestamps come from it, so the same input gives the same bytes.
"""

from __future__ import annotations

import io
import zipfile

from ..reproducible import normalise_zip, timestamp
from . import wordml
from .model import (
    DELETE,
    EQUAL,
    FORMAT,
    INSERT,
    RULE,
    RULE_EDIT,
    Redline,
    clause_summary,
    format_category,
    item_heading,
    item_summary,
    title_line,
)

AUTHOR = "treatydraft"


def _changes(b: wordml.Builder, changes) -> list:
    out = []
    for c in changes:
        if c.kind == EQUAL:
            if c.new:
                out.append(b.run(c.new))
        elif c.kind == DELETE:
            out.append(b.deleted(c.old, AUTHOR))
        elif c.kind == INSERT:
            out.append(b.inserted(c.new, AUTHOR))
        elif c.kind in (RULE, FORMAT):
            author = (
                f"{AUTHOR} ({c.rule})"
                if c.kind == RULE
                else f"{AUTHOR} (format: {format_category(c.old, c.new)})"
            )
            if c.old:
                out.append(b.deleted(c.old, author))
            if c.new:
                out.append(b.inserted(c.new, author))
        elif c.kind == RULE_EDIT:
            author = f"{AUTHOR} ({c.rule})"
            if c.old:
                out.append(b.deleted(c.old, author))
            if c.mid:
                out.append(b.inserted_then_deleted(c.mid, author, AUTHOR))
            if c.new:
                out.append(b.inserted(c.new, AUTHOR))
        else:
            raise ValueError(c.kind)
    return out


def render(redline: Redline) -> bytes:
    import docx
    from docx.enum.style import WD_STYLE_TYPE
    from docx.shared import Pt

    when = timestamp()
    doc = docx.Document()
    style = doc.styles.add_style("Redline Text", WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = doc.styles["Normal"]
    style.paragraph_format.left_indent = Pt(18)
    style.paragraph_format.space_after = Pt(4)
    b = wordml.Builder(when.strftime("%Y-%m-%dT%H:%M:%SZ"))
    paras = [b.paragraph([b.run(title_line(redline))], "Heading1")]
    if redline.approximate:
        paras.append(
            b.paragraph(
                [
                    b.run(
                        "Approximate: some diffs hit the time limit and were made at sentence or paragraph level.",
                        bold=True,
                    )
                ]
            )
        )
    legend = (
        "Tracked changes: author “treatydraft” = drafting changes; "
        + (
            "“treatydraft (rule name)” = a named substitution; "
            if redline.mode == "source" and not redline.raw
            else ""
        )
        + "“treatydraft (format: …)” = a format-only change (whitespace kind, Unicode normalisation, quote style). "
        + (
            "Accept all changes to get the clause text, reject all to get the source text."
            if redline.mode == "source"
            else "Accept all changes to get the current draft, reject all to get the earlier one."
        )
    )
    paras.append(b.paragraph([b.run(legend, italic=True, size=18)]))
    for clause in redline.clauses:
        paras.append(b.paragraph([b.run(clause.heading)], "Heading1"))
        paras.append(b.paragraph([b.run(clause_summary(clause, redline.mode), bold=True, size=18)]))
        for note in clause.notes:
            paras.append(b.paragraph([b.run(note, italic=True, size=18)]))
        for item in clause.items:
            paras.append(b.paragraph([b.run(item_heading(item), bold=True)]))
            paras.append(b.paragraph(_changes(b, item.changes), wordml.REDLINE_STYLE))
            summary = item_summary(item)
            if summary:
                paras.append(b.paragraph([b.run(summary, italic=True, size=18)]))
    body = doc.element.body
    sect = body.find(wordml.w("sectPr"))
    for p in paras:
        if sect is not None:
            sect.addprevious(p)
        else:
            body.append(p)
    wordml.track_revisions(doc.settings.element)
    props = doc.core_properties
    props.title = title_line(redline)[:250]
    props.author = AUTHOR
    props.last_modified_by = AUTHOR
    props.created = props.modified = when.replace(tzinfo=None)
    props.revision = 1
    buf = io.BytesIO()
    doc.save(buf)
    return normalise_zip(buf.getvalue(), int(when.timestamp()))


#: caps for reading a .docx back (ours, but read as untrusted all the same)
MAX_PART = 64 * 1024 * 1024
MAX_RATIO = 200


def document_xml(data: bytes) -> bytes:
    """``word/document.xml`` of a .docx, with size and compression-ratio caps."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        info = z.getinfo("word/document.xml")
        if info.file_size > MAX_PART or (
            info.compress_size and info.file_size / info.compress_size > MAX_RATIO
        ):
            raise ValueError("word/document.xml is too large or too compressed to read")
        return z.read(info)


def extract(data: bytes) -> list[tuple[str, str]]:
    """``(reject-all, accept-all)`` text of every redline paragraph of a .docx."""
    return wordml.extract(document_xml(data))
