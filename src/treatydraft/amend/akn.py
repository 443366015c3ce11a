"""The amendment list as an Akoma Ntoso 3.0 ``amendment`` document (valid against the
official ``akomantoso30.xsd``).

``meta/identification`` under ``/akn/un/amendment/<date>/<slug>``; the author is the
proposer when one is given (a ``TLCOrganization``). ``amendmentBody`` holds an
``amendmentHeading`` (the title and the note on numbering), then per article an
``amendmentContent`` block (``eId`` ``amdcont_<n>``) with
one ``p`` per instruction (the sentence as written, in a ``mod``, the quoted words as
``quotedText``)
and one ``p`` per line of quoted text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from lxml import etree

from ..model import Project
from ..render.akn import AKN_NS, LANGUAGES, _e, draft_date, slug
from ..render.common import ILLEGAL
from .formats import EMPTY, NOTE, _groups
from .grammar import Rendered

_QUOTED = re.compile(r"“([^“”]*)”")


def _text(s: str) -> str:
    return ILLEGAL.sub(" ", s)


def _sentence(p, text: str) -> None:
    """``text`` into ``p``, each “quoted” run as ``quotedText`` (quotes as attributes)."""
    pos, last = 0, None
    for m in _QUOTED.finditer(text):
        before = _text(text[pos : m.start()])
        if last is None:
            p.text = (p.text or "") + before
        else:
            last.tail = (last.tail or "") + before
        last = _e(p, "quotedText", _text(m.group(1)), startQuote="“", endQuote="”")
        pos = m.end()
    rest = _text(text[pos:])
    if last is None:
        p.text = (p.text or "") + rest
    else:
        last.tail = (last.tail or "") + rest


def render_akn(
    items: Sequence[Rendered],
    *,
    project: Project,
    title: str,
    against: str,
    style: str,
    proposer: str | None,
) -> bytes:
    when = draft_date().isoformat()
    lang = LANGUAGES.get(project.language, project.language or "eng")
    work = f"/akn/un/amendment/{when}/{slug(title)}-amendments"
    expr = f"{work}/{lang}@{when}"
    author = "#proposer" if proposer else "#treatydraft"
    root = etree.Element(f"{{{AKN_NS}}}akomaNtoso", nsmap={None: AKN_NS})
    doc = _e(root, "amendment", name="amendment")
    meta = _e(doc, "meta")
    ident = _e(meta, "identification", source="#treatydraft")
    for tag, this, uri in (
        ("FRBRWork", f"{work}/!main", work),
        ("FRBRExpression", f"{expr}/!main", expr),
        ("FRBRManifestation", f"{expr}/!main.xml", f"{expr}.akn"),
    ):
        frbr = _e(ident, tag)
        _e(frbr, "FRBRthis", value=this)
        _e(frbr, "FRBRuri", value=uri)
        _e(frbr, "FRBRdate", date=when, name="generation" if "Manif" in tag else "draft")
        _e(frbr, "FRBRauthor", href=author if tag == "FRBRWork" else "#treatydraft")
        if tag == "FRBRWork":
            _e(frbr, "FRBRcountry", value="un")
            _e(frbr, "FRBRsubtype", value="amendment")
        elif tag == "FRBRExpression":
            _e(frbr, "FRBRlanguage", language=lang)
        else:
            _e(frbr, "FRBRformat", value="application/akn+xml")
    refs = _e(meta, "references", source="#treatydraft")
    _e(
        refs,
        "TLCOrganization",
        eId="treatydraft",
        href="/ontology/organization/treatydraft",
        showAs="treatydraft",
    )
    if proposer:
        _e(
            refs,
            "TLCOrganization",
            eId="proposer",
            href=f"/ontology/organization/{slug(proposer)}",
            showAs=_text(proposer),
        )
    body = _e(doc, "amendmentBody")
    heading = _e(body, "amendmentHeading", eId="amdhead_1")
    p = _e(heading, "p")
    _e(p, "docTitle", _text(f"Amendments to {title}"))
    by = f" Proposed by {proposer}." if proposer else ""
    _e(heading, "p", _text(f"Against {against}; style {style}.{by} {NOTE}"))
    if not items:
        _e(_e(body, "amendmentContent", eId="amdcont_1"), "p", EMPTY)
    for n, (group, rs) in enumerate(_groups(items), start=1):
        content = _e(body, "amendmentContent", eId=f"amdcont_{n}")
        _e(content, "p", _text(group), class_="heading")
        for r in rs:
            para = _e(content, "p", eId=f"amdcont_{n}__p_{r.number}")
            _sentence(_e(para, "mod", eId=f"amdcont_{n}__p_{r.number}__mod_1"), r.lines[0])
            for line in r.lines[1:]:
                _e(content, "p", _text(line.strip(" ")), class_="quoted")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
