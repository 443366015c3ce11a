"""The only module that writes or reads raw WordprocessingML (with lxml).

Tracked changes: ``w:ins`` around runs with ``w:t``; ``w:del`` around runs with
``w:delText``; text inserted by one author and deleted by another is
``w:ins`` > ``w:del`` > ``w:r`` > ``w:delText`` (as Word writes it).  A newline
is ``w:br``, a tab ``w:tab``, a carriage return ``w:cr``.

:func:`extract` is the accept-all / reject-all walk used by the run-time
integrity check and by the tests.
"""

from __future__ import annotations

import re

from lxml import etree

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
REDLINE_STYLE = "RedlineText"
_SPECIAL = re.compile(r"(\n|\t|\r)")
# children of w:settings that come after w:trackRevisions in the schema sequence
_AFTER_TRACK = (
    "doNotTrackMoves",
    "doNotTrackFormatting",
    "documentProtection",
    "autoFormatOverride",
    "styleLockTheme",
    "styleLockQFSet",
    "defaultTabStop",
    "autoHyphenation",
    "consecutiveHyphenLimit",
    "hyphenationZone",
    "doNotHyphenateCaps",
    "showEnvelope",
    "summaryLength",
    "clickAndTypeStyle",
    "defaultTableStyle",
    "evenAndOddHeaders",
    "bookFoldRevPrinting",
    "bookFoldPrinting",
    "bookFoldPrintingSheets",
    "drawingGridHorizontalSpacing",
    "drawingGridVerticalSpacing",
    "characterSpacingControl",
    "compat",
    "rsids",
)


def w(tag: str) -> str:
    return f"{{{W_NS}}}{tag}"


class Builder:
    """Makes paragraphs, runs and tracked changes with unique revision ids and one date."""

    def __init__(self, date: str) -> None:
        self.date = date
        self._id = 0

    def _rev(self, tag: str, author: str) -> etree._Element:
        self._id += 1
        el = etree.Element(w(tag))
        el.set(w("id"), str(self._id))
        el.set(w("author"), author)
        el.set(w("date"), self.date)
        return el

    def paragraph(self, children=(), style: str | None = None) -> etree._Element:
        p = etree.Element(w("p"))
        if style:
            ppr = etree.SubElement(p, w("pPr"))
            etree.SubElement(ppr, w("pStyle")).set(w("val"), style)
        for child in children:
            p.append(child)
        return p

    def run(
        self,
        text: str,
        *,
        deleted: bool = False,
        bold: bool = False,
        italic: bool = False,
        size: int | None = None,
    ) -> etree._Element:
        """One run; newlines, tabs and CRs become ``w:br``/``w:tab``/``w:cr``."""
        r = etree.Element(w("r"))
        if bold or italic or size:
            rpr = etree.SubElement(r, w("rPr"))
            if bold:
                etree.SubElement(rpr, w("b"))
            if italic:
                etree.SubElement(rpr, w("i"))
            if size:
                etree.SubElement(rpr, w("sz")).set(w("val"), str(size))
        for piece in _SPECIAL.split(text):
            if not piece:
                continue
            if piece == "\n":
                etree.SubElement(r, w("br"))
            elif piece == "\t":
                etree.SubElement(r, w("tab"))
            elif piece == "\r":
                etree.SubElement(r, w("cr"))
            else:
                t = etree.SubElement(r, w("delText" if deleted else "t"))
                t.set(XML_SPACE, "preserve")
                t.text = piece
        return r

    def inserted(self, text: str, author: str) -> etree._Element:
        el = self._rev("ins", author)
        el.append(self.run(text))
        return el

    def deleted(self, text: str, author: str) -> etree._Element:
        el = self._rev("del", author)
        el.append(self.run(text, deleted=True))
        return el

    def inserted_then_deleted(self, text: str, inserted_by: str, deleted_by: str) -> etree._Element:
        el = self._rev("ins", inserted_by)
        el.append(self.deleted(text, deleted_by))
        return el


def track_revisions(settings: etree._Element) -> None:
    """Turn on "track changes" in ``word/settings.xml`` (in schema order)."""
    if settings.find(w("trackRevisions")) is not None:
        return
    el = etree.Element(w("trackRevisions"))
    for child in settings:
        if (
            isinstance(child.tag, str)
            and child.tag.startswith(f"{{{W_NS}}}")
            and child.tag.split("}")[1] in _AFTER_TRACK
        ):
            child.addprevious(el)
            return
    settings.append(el)


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
    )


def extract(document_xml: bytes) -> list[tuple[str, str]]:
    """``(reject-all text, accept-all text)`` of every paragraph in the redline style.

    Accepting keeps everything not inside ``w:del``/``w:moveFrom``; rejecting keeps
    everything not inside ``w:ins``/``w:moveTo``.
    """
    root = etree.fromstring(document_xml, _parser())
    out = []
    deleting = {w("del"), w("moveFrom")}
    inserting = {w("ins"), w("moveTo")}
    for p in root.iter(w("p")):
        style = p.find(f"{w('pPr')}/{w('pStyle')}")
        if style is None or style.get(w("val")) != REDLINE_STYLE:
            continue
        rejected, accepted = [], []
        for el in p.iter(w("t"), w("delText"), w("tab"), w("br"), w("cr")):
            if el.tag in (w("t"), w("delText")):
                text = el.text or ""
            else:
                text = {w("tab"): "\t", w("br"): "\n", w("cr"): "\r"}[el.tag]
            in_del = in_ins = False
            anc = el.getparent()
            while anc is not None and anc is not p:
                in_del |= anc.tag in deleting
                in_ins |= anc.tag in inserting
                anc = anc.getparent()
            if not in_ins:
                rejected.append(text)
            if not in_del:
                accepted.append(text)
        out.append(("".join(rejected), "".join(accepted)))
    return out
