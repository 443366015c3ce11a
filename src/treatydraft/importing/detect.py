"""Which reader a document needs, from its content (never from its name)."""

from __future__ import annotations

import re

from lxml import etree

from ..errors import InputError
from . import akn, eurlex_html, formex
from .model import Document
from .xmlsafe import error, parse_html, parse_xml

_XML_START = re.compile(rb"^\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--.*?-->\s*)*<", re.S)
_HTML = re.compile(rb"<html[\s>]|<!DOCTYPE\s+html", re.I)


def read(data: bytes, path: str) -> Document:
    """Parse ``data`` with the reader its content calls for."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf")
    if not _XML_START.match(head):
        if head.lstrip()[:1] == b"%" or head[:5] == b"%PDF-":
            raise error(path, 1, 1, "import-format", "a PDF; download the HTML or XML instead")
        raise error(
            path,
            1,
            1,
            "import-format",
            "not XML or HTML; expected Formex 4, Akoma Ntoso 3.0 or a EUR-Lex XHTML page",
        )
    try:
        root = parse_xml(data, path)
    except InputError as exc:  # an HTML page that is not well-formed XML is read as HTML
        if not _HTML.search(head) or exc.diagnostics[0].code != "xml-syntax":
            raise
        root = parse_html(data, path)
    _unsupported(root, path)
    doc = Document("", "")
    if formex.sniff(root):
        return formex.read(root, doc)
    if akn.sniff(root):
        return akn.read(root, doc)
    if eurlex_html.sniff(root):
        return eurlex_html.read(root, doc)
    tag = etree.QName(root).localname if isinstance(root.tag, str) else "?"
    if tag.lower() == "html":
        raise error(
            path,
            1,
            1,
            "import-format",
            "a web page without an act's articles (no 'oj-ti-art' or 'ti-art' titles): "
            "EUR-Lex may have answered with a notice or an error page",
        )
    raise error(
        path,
        root.sourceline or 1,
        1,
        "import-format",
        f"unknown document (root element <{tag}>); expected Formex 4 (<ACT>, <CONS.ACT>), "
        "Akoma Ntoso 3.0 (<akomaNtoso>) or a EUR-Lex XHTML page",
    )


# Layouts seen in the wild but with no real sample to test against yet: refused clearly.
_UNSUPPORTED = {
    "CONS.ACT": "a consolidated Formex act (CONS.ACT)",
    "CONS.DOC": "a consolidated Formex act (CONS.DOC)",
    "ANNEX": "a Formex annex on its own; import the act's main file (…000101.fmx.xml)",
    "DOC": "a Formex metadata file (DOC); import the act's main file",
}


def _unsupported(root: etree._Element, path: str) -> None:
    tag = root.tag if isinstance(root.tag, str) else ""
    what = _UNSUPPORTED.get(tag)
    if what is None and eurlex_html.consolidated(root):
        what = "a consolidated EUR-Lex page (title-article-norm classes, ►M1 markers)"
    if what is None:
        return
    hint = (
        ""
        if "import the act" in what
        else (" is not supported yet; import the act as published in the Official Journal")
    )
    raise error(path, root.sourceline or 1, 1, "import-format", f"{what}{hint}")
