"""The assembled draft as an Akoma Ntoso 3.0 ``act`` (OASIS LegalDocML), built with lxml.

Layout (valid against the official ``akomantoso30.xsd``):

* ``meta/identification``: FRBR work, expression and manifestation under
  ``/akn/un/act/<date>/<slug>`` (``<slug>`` from the title; ``<date>`` the draft's
  date: ``SOURCE_DATE_EPOCH`` when set, else today, or the ``date`` argument).
* ``meta/analysis/otherAnalysis``: one ``td:derivation`` per paragraph and point
  (namespace :data:`TD_NS`): its relation and, for verbatim and adapted text, the
  source (``href`` = the source's ELI when its front matter has one), the source
  address, the change measure (:mod:`treatydraft.measure`) and the rules applied.
* ``meta/references``: a ``TLCReference`` (``name="source"``) per source used,
  and the ``TLCOrganization`` entries the identification points at.
* ``preface/longTitle/p/docTitle``; ``preamble/recitals/recital`` and the
  enacting formula; ``body`` with ``chapter``/``article``/``paragraph``/``point``
  (points inside ``list`` with the chapeau as ``intro``); ``conclusions`` with
  the testimonium.
* eIds follow the AKN naming convention: ``chp_1``, ``art_5``, ``art_5__para_2``,
  ``art_2__para_1__list_1__point_a``; cross-references (``{{ ref(...) }}`` in
  the clause text, located with :data:`treatydraft.assemble.REF`) become
  ``<ref href="#art_5">Article 5</ref>``.

Text mapping: characters XML cannot hold become a space and whitespace runs one
space (the same as the draft renderers); nothing else changes.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from datetime import date as _date

from lxml import etree

from .. import addresses
from ..assemble import REF, _Numbers
from ..correlation import build_table, paired
from ..model import Draft, DraftItem, Paragraph, Project
from ..numbering import roman
from ..reproducible import source_date_epoch
from .common import ILLEGAL, clean

AKN_NS = "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"
TD_NS = "urn:x-treatydraft:provenance:1"
AGREED = "Have agreed as follows:"

_A = f"{{{AKN_NS}}}"
_T = f"{{{TD_NS}}}"
_WS = re.compile("[ \t\r\n]+")
_SLUG = re.compile(r"[^a-z0-9]+")
_ID = re.compile(r"[^A-Za-z0-9_.-]+")

#: ISO 639-1 → the three-letter codes AKN uses (FRBRlanguage, URIs).
LANGUAGES = {
    "en": "eng",
    "fr": "fra",
    "es": "spa",
    "ru": "rus",
    "zh": "zho",
    "ar": "ara",
    "de": "deu",
    "it": "ita",
    "pt": "por",
    "nl": "nld",
    "pl": "pol",
}


def slug(title: str) -> str:
    return _SLUG.sub("-", title.lower()).strip("-")[:80].strip("-") or "draft"


def draft_date() -> _date:
    epoch = source_date_epoch()
    if epoch is not None:
        return datetime.fromtimestamp(epoch, tz=UTC).date()
    return _date.today()


def _e(parent, tag: str, text: str | None = None, **attrs) -> etree._Element:
    el = etree.SubElement(
        parent, _A + tag, {k.rstrip("_"): v for k, v in attrs.items() if v is not None}
    )
    if text is not None:
        el.text = text
    return el


class _Refs:
    """Splits a clause item's text into plain runs and cross-references."""

    def __init__(self, project: Project, draft: Draft):
        self.numbers = _Numbers(project)

    def segments(self, raw: str, resolved: str) -> list[tuple[str, str | None]]:
        """``[(text, href or None), …]`` whose texts join to ``resolved``; one plain run if they would not."""
        out: list[tuple[str, str | None]] = []
        pos = 0
        for m in REF.finditer(raw):
            text, problem = self.numbers.resolve(m.group("id"), m.group("para"))
            if problem is not None:
                continue
            if m.start() > pos:
                out.append((raw[pos : m.start()], None))
            number = self.numbers.articles[m.group("id")][0]
            href = f"#art_{number}" + (f"__para_{int(m.group('para'))}" if m.group("para") else "")
            out.append((text or "", href))
            pos = m.end()
        if pos < len(raw):
            out.append((raw[pos:], None))
        if "".join(t for t, _ in out) != resolved:
            return [(resolved, None)]
        return out


def _fill(el, segments: list[tuple[str, str | None]]) -> None:
    """Put the segments into ``el`` as text and ``ref`` children, whitespace mapped."""
    texts = [_WS.sub(" ", ILLEGAL.sub(" ", t)) for t, _ in segments]
    if texts:
        texts[0] = texts[0].lstrip(" ")
        texts[-1] = texts[-1].rstrip(" ")
    last = None
    for text, (_, href) in zip(texts, segments):
        if href is None:
            if last is None:
                el.text = (el.text or "") + text
            else:
                last.tail = (last.tail or "") + text
        else:
            last = _e(el, "ref", text, href=href)


class _Writer:
    def __init__(self, project: Project, draft: Draft):
        self.project = project
        self.draft = draft
        self.refs = _Refs(project, draft)
        self.derivations: list[tuple[str, DraftItem, Paragraph]] = []

    def p(self, parent, item: DraftItem, raw: Paragraph) -> None:
        _fill(_e(parent, "p"), self.refs.segments(raw.text, item.text))

    def hier(
        self, parent, tag: str, eid: str, num: str | None, item: DraftItem, raw: Paragraph
    ) -> None:
        """A paragraph or point: ``content`` when it has no points, else a ``list`` with ``intro``."""
        el = _e(parent, tag, eId=eid)
        if num is not None:
            _e(el, "num", num)
        self.derivations.append((eid, item, raw))
        if not item.items:
            self.p(_e(el, "content"), item, raw)
            return
        lst = _e(el, "list", eId=f"{eid}__list_1")
        if clean(item.text):
            self.p(_e(lst, "intro"), item, raw)
        for sub, sub_raw in zip(item.items, raw.points):
            self.hier(
                lst, "point", f"{eid}__list_1__point_{sub.label}", f"({sub.label})", sub, sub_raw
            )

    def block(self, parent, eid: str, item: DraftItem, raw: Paragraph) -> None:
        """A preamble or testimonium paragraph: ``p``, or a ``blockList`` when it has points."""
        self.derivations.append((eid, item, raw))
        if not item.items:
            el = _e(parent, "p", eId=eid)
            _fill(el, self.refs.segments(raw.text, item.text))
            return
        bl = _e(parent, "blockList", eId=eid)
        if clean(item.text):
            _fill(_e(bl, "listIntroduction"), self.refs.segments(raw.text, item.text))
        for sub, sub_raw in zip(item.items, raw.points):
            sid = f"{eid}__item_{sub.label}"
            it = _e(bl, "item", eId=sid)
            _e(it, "num", f"({sub.label})")
            self.block(it, f"{sid}__p_1", sub, sub_raw)


def export(project: Project, draft: Draft | None = None, *, date: _date | None = None) -> bytes:
    """The draft as an AKN 3.0 XML document (UTF-8, with XML declaration)."""
    from ..assemble import assemble

    draft = draft or assemble(project)
    when = (date or draft_date()).isoformat()
    lang = LANGUAGES.get(draft.language, draft.language or "eng")
    work = f"/akn/un/act/{when}/{slug(draft.title)}"
    expr = f"{work}/{lang}@{when}"
    w = _Writer(project, draft)
    pairs = list(paired(project, draft))

    root = etree.Element(_A + "akomaNtoso", nsmap={None: AKN_NS, "td": TD_NS})
    act = _e(root, "act", name="convention")
    meta = _e(act, "meta")
    ident = _e(meta, "identification", source="#treatydraft")
    for tag, this, uri, author in (
        ("FRBRWork", f"{work}/!main", work, "#un"),
        ("FRBRExpression", f"{expr}/!main", expr, "#treatydraft"),
        ("FRBRManifestation", f"{expr}/!main.xml", f"{expr}.akn", "#treatydraft"),
    ):
        frbr = _e(ident, tag)
        _e(frbr, "FRBRthis", value=this)
        _e(frbr, "FRBRuri", value=uri)
        _e(
            frbr,
            "FRBRdate",
            date=when,
            name="draft" if tag != "FRBRManifestation" else "generation",
        )
        _e(frbr, "FRBRauthor", href=author)
        if tag == "FRBRWork":
            _e(frbr, "FRBRcountry", value="un")
            _e(frbr, "FRBRsubtype", value="convention")
            _e(frbr, "FRBRname", value=clean(draft.title))
        elif tag == "FRBRExpression":
            _e(frbr, "FRBRlanguage", language=lang)
        else:
            _e(frbr, "FRBRformat", value="application/akn+xml")
    analysis = _e(meta, "analysis", source="#treatydraft")
    other = _e(analysis, "otherAnalysis", source="#treatydraft")
    refs = _e(meta, "references", source="#treatydraft")
    _e(
        refs,
        "TLCOrganization",
        eId="un",
        href="/ontology/organization/un/unitedNations",
        showAs="United Nations",
    )
    _e(
        refs,
        "TLCOrganization",
        eId="treatydraft",
        href="/ontology/organization/treatydraft",
        showAs="treatydraft",
    )

    preface = _e(act, "preface")
    _e(_e(_e(preface, "longTitle"), "p"), "docTitle", clean(draft.title))

    preamble_pairs = [(it, raw) for g, _, it, raw, _ in pairs if g == "Preamble"]
    preamble = _e(act, "preamble")
    if preamble_pairs:
        recitals = _e(preamble, "recitals", eId="recs_1")
        for i, (item, raw) in enumerate(preamble_pairs, start=1):
            rec = _e(recitals, "recital", eId=f"recs_1__rec_{i}")
            w.block(rec, f"recs_1__rec_{i}__p_1", item, raw)
    _e(_e(preamble, "formula", name="enactingFormula", eId="formula_1"), "p", AGREED)

    body = _e(act, "body")
    first_of_chapter = {
        number: (n, title) for n, (title, number) in enumerate(draft.chapters, start=1)
    }
    raw_by_article: dict[int, list[Paragraph]] = {}
    for _g, art, _it, raw, _c in pairs:
        if art is not None:
            raw_by_article.setdefault(art.number, []).append(raw)
    container = body
    for art in draft.articles:
        if art.number in first_of_chapter:
            n, title = first_of_chapter[art.number]
            container = _e(body, "chapter", eId=f"chp_{n}")
            _e(container, "num", f"Chapter {roman(n).upper()}")
            _e(container, "heading", clean(title))
        elif art.chapter is None:
            container = body
        a = _e(container, "article", eId=f"art_{art.number}")
        _e(a, "num", f"Article {art.number}")
        if clean(art.title):
            _e(a, "heading", clean(art.title))
        for i, (item, raw) in enumerate(
            zip(art.paragraphs, raw_by_article.get(art.number, [])), start=1
        ):
            w.hier(
                a,
                "paragraph",
                f"art_{art.number}__para_{item.label or i}",
                f"{item.label}." if item.label else None,
                item,
                raw,
            )

    test_pairs = [(it, raw) for g, _, it, raw, _ in pairs if g == "Testimonium"]
    if test_pairs:
        conclusions = _e(act, "conclusions")
        for i, (item, raw) in enumerate(test_pairs, start=1):
            w.block(conclusions, f"conclusions__p_{i}", item, raw)

    _provenance(project, draft, other, refs, w.derivations)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _source_eid(sid: str) -> str:
    return "src_" + _ID.sub("-", sid)


def _provenance(project: Project, draft: Draft, other, refs, derivations) -> None:
    """``td:derivation`` entries in ``otherAnalysis`` and a ``TLCReference`` per source used."""
    rows = build_table(
        project, draft
    ).rows  # the same items, in the same order (draft order, depth first)
    if len(rows) != len(derivations):  # pragma: no cover - both walk the same draft
        raise AssertionError("correlation rows and exported items differ")
    used: dict[str, None] = {}
    container = etree.SubElement(other, _T + "provenance")
    for (eid, _item, raw), row in zip(derivations, rows):
        prov = raw.provenance
        d = etree.SubElement(
            container,
            _T + "derivation",
            href=f"#{eid}",
            relation=prov.relation if prov else "unstated",
        )
        if row.status is not None:  # negotiation status (§12)
            d.set("status", row.status)
        if row.source is None or prov is None:
            continue
        used[row.source] = None
        src = project.sources.get(row.source)
        attrs = {
            "refersTo": f"#{_source_eid(row.source)}",
            "at": row.at or "",
            "showAs": f"{row.source_short}, {addresses.display(row.at)}"
            if row.at
            else row.source_short or row.source,
        }
        if src is not None and src.meta.get("eli"):
            attrs["href"] = str(src.meta["eli"])
        etree.SubElement(d, _T + "source", attrs)
        if row.share is not None:
            etree.SubElement(
                d,
                _T + "change",
                words=str(row.changed),
                of=str(row.total),
                share=f"{row.share:.4f}",
            )
        for name, count in row.rules:
            etree.SubElement(
                d, _T + "substitution", rule=name, count="" if count is None else str(count)
            )
        if prov.pin:
            d.set("pin", prov.pin)
    for sid in used:
        src = project.sources.get(sid)
        href = str(src.meta.get("eli") or src.path) if src else sid
        _e(
            refs,
            "TLCReference",
            eId=_source_eid(sid),
            name="source",
            href=href,
            showAs=clean(src.short if src else sid),
        )
