"""Hardened XML/HTML parsing for imported official texts (§9, §11).

Every document is refused before parsing when it is too large or declares a DTD
internal subset or an entity (which is how entity bombs and external-entity reads
start); the parsers themselves load no DTD, resolve no entity, touch no network and
keep libxml2's depth limit (``huge_tree=False``). Every refusal is one
``path:line:col: error[code]`` line.
"""

from __future__ import annotations

import re

from lxml import etree
from lxml import html as lxml_html

from ..diagnostics import Diagnostic
from ..errors import InputError

MAX_BYTES = 20 * 1024 * 1024  # the largest EUR-Lex act pages are a few MB
MAX_DEPTH = 200

_DECL = re.compile(rb"<!(?:ENTITY|ELEMENT|ATTLIST|NOTATION)\b|<!DOCTYPE[^>\[]*\[")


def error(path: str, line: int, col: int, code: str, message: str) -> InputError:
    return InputError([Diagnostic(path, line, col, "error", code, message)])


def _position(data: bytes, offset: int) -> tuple[int, int]:
    line = data.count(b"\n", 0, offset) + 1
    col = offset - (data.rfind(b"\n", 0, offset) + 1) + 1
    return line, col


def check_bytes(data: bytes, path: str) -> None:
    """Refuse oversized documents and any DTD declaration, before a parser sees them."""
    if len(data) > MAX_BYTES:
        raise error(
            path,
            1,
            1,
            "file-too-large",
            f"the document is {len(data) / 2**20:.1f} MiB; the limit for an import is "
            f"{MAX_BYTES // 2**20} MiB",
        )
    m = _DECL.search(data)
    if m:
        line, col = _position(data, m.start())
        what = "an entity declaration" if b"ENTITY" in m.group() else "a DTD declaration"
        raise error(
            path,
            line,
            col,
            "xml-dtd",
            f"the document carries {what}; official texts need none and it is refused "
            "(entities could expand without limit or read local files)",
        )


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        load_dtd=False,
        dtd_validation=False,
        no_network=True,
        huge_tree=False,
        remove_comments=True,
        remove_pis=False,
        # no collect_ids=False: with libxml2 2.14 it makes the parser read an external DTD
        # (tests/hostile/import: external-dtd-named-only)
    )


def parse_xml(data: bytes, path: str) -> etree._Element:
    """Parse well-formed XML (Formex, Akoma Ntoso, EUR-Lex XHTML)."""
    check_bytes(data, path)
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        line, col = exc.position if exc.position else (1, 1)
        msg = str(exc.msg or exc).split(" (line ")[0].split(", line ")[0]
        code = "xml-too-deep" if "depth" in msg.lower() else "xml-syntax"
        raise error(path, line or 1, col or 1, code, f"not well-formed XML: {msg}") from None
    _check_tree(root, path)
    return root


def parse_html(data: bytes, path: str) -> etree._Element:
    """Parse HTML that is not well-formed XML (older EUR-Lex pages, saved pages)."""
    check_bytes(data, path)
    parser = lxml_html.HTMLParser(
        no_network=True, huge_tree=False, remove_comments=True, default_doctype=False
    )
    try:
        root = lxml_html.document_fromstring(data, parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise error(path, 1, 1, "html-syntax", f"cannot read the page as HTML: {exc}") from None
    _check_tree(root, path)
    return root


def _check_tree(root: etree._Element, path: str) -> None:
    for el in root.iter(etree.Entity):  # an entity reference left unexpanded
        raise error(path, el.sourceline or 1, 1, "xml-dtd", "the document uses an entity reference")
    # libxml2 stops at depth 256 without huge_tree; nothing official nests past MAX_DEPTH
    stack = [(root, 1)]
    while stack:
        el, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise error(
                path,
                el.sourceline or 1,
                1,
                "xml-too-deep",
                f"elements nest deeper than {MAX_DEPTH} levels",
            )
        stack.extend((c, depth + 1) for c in el)
