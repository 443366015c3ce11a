"""Formex 4 (the Official Journal's XML): OJ acts (``ACT``).

Quote marks come back from the ``CODE`` of the empty ``QUOT.START``/``QUOT.END``
elements, ``NOTE`` footnotes leave the text (kept as notes), and articles quoted
inside amending text (``QUOT.S``) stay one block of their host: they are not
articles of the act.
"""

from __future__ import annotations

import re

from lxml import etree

from .model import NOTE_MARK, Article, Document, article_number, clean, short_title

NUMBER_TAGS = {"NO.PARAG", "NO.P"}
BLOCK_TAGS = {
    "PARAG",
    "ALINEA",
    "P",
    "LIST",
    "ITEM",
    "NP",
    "GR.SEQ",
    "TITLE",
    "TI",
    "STI",
    "SUBDIV",
    "PARAG.REF",
}
QUOTE_TAGS = {"QUOT.START", "QUOT.END"}


def sniff(root: etree._Element) -> bool:
    return isinstance(root.tag, str) and root.tag == "ACT"


class _Reader:
    def __init__(self, doc: Document):
        self.doc = doc

    # ------------------------------------------------------------------ inline text
    def inline(self, el: etree._Element) -> str:
        out = [el.text or ""]
        for ch in el:
            out.append(self.inline_child(ch))
            out.append(ch.tail or "")
        return "".join(out)

    def inline_child(self, ch: etree._Element) -> str:
        tag = ch.tag
        if not isinstance(tag, str):  # processing instruction (<?PAGE?>) or comment
            return ""
        if tag in QUOTE_TAGS:
            try:
                return chr(int(ch.get("CODE", ""), 16))
            except ValueError:
                return "\u2018" if tag == "QUOT.START" else "\u2019"
        if tag == "NOTE":  # every note is listed once, in document order, by read()
            return NOTE_MARK
        if tag == "QUOT.S":
            return " ".join(self.blocks(ch))
        if tag in BLOCK_TAGS or tag in NUMBER_TAGS:
            return " " + " ".join(self.blocks(ch)) + " "
        return self.inline(ch)

    # ------------------------------------------------------------------ blocks
    def blocks(self, el: etree._Element, label: str | None = None) -> list[str]:
        out: list[str] = []
        self._emit(el, out, label)
        return out

    def _emit(
        self, el: etree._Element, out: list[str], label: str | None, skip: tuple = ()
    ) -> None:
        buf = [el.text or ""]
        pending = label

        def flush() -> None:
            nonlocal pending, buf
            text = clean("".join(buf))
            buf = []
            if text.replace(NOTE_MARK, "").strip():
                out.append(clean(f"{pending} {text}") if pending else text)
                pending = None

        for ch in el:
            tag = ch.tag
            if tag in skip:
                continue
            if isinstance(tag, str) and tag in NUMBER_TAGS:
                flush()
                pending = clean(self.inline(ch))
            elif isinstance(tag, str) and (tag in BLOCK_TAGS or tag == "QUOT.S" or tag == "TBL"):
                flush()
                if tag == "QUOT.S":  # quoted amending text: one block, never articles
                    text = clean(" ".join(self.blocks(ch)))
                    out.append(clean(f"{pending} {text}") if pending else text)
                elif tag == "TBL":
                    for row in ch.iter("ROW"):
                        cells = [clean(" ".join(self.blocks(c))) for c in row.iter("CELL")]
                        out.append(clean(" ".join(c for c in cells if c)))
                else:
                    self._emit(ch, out, pending)
                pending = None
            else:
                buf.append(self.inline_child(ch))
            buf.append(ch.tail or "")
        flush()
        if pending:  # a number with no text after it
            out.append(pending)

    # ------------------------------------------------------------------ the act
    def article(self, el: etree._Element, context: str | None) -> Article | None:
        ti = el.find("TI.ART")
        number = article_number(self.inline(ti)) if ti is not None else None
        if number is None:
            self.doc.unplaced.append(
                f"an article titled {clean(self.inline(ti)) if ti is not None else '(none)'!r}"
            )
            return None
        art = Article(number, context=context)
        sti = el.find("STI.ART")
        if sti is not None:
            art.heading = clean(" ".join(self.blocks(sti))) or None
        self._emit(el, art.blocks, None, skip=("TI.ART", "STI.ART"))
        return art


def _division_title(div: etree._Element, reader: _Reader) -> str | None:
    title = div.find("TITLE")
    if title is None:
        return None
    ti = title.find("TI")
    sti = title.find("STI")
    head = clean(" ".join(reader.blocks(ti))) if ti is not None else ""
    sub = clean(" ".join(reader.blocks(sti))) if sti is not None else ""
    return f"{head} ({sub})" if head and sub else head or sub or None


def read(root: etree._Element, doc: Document) -> Document:
    doc.format = "formex"
    doc.layout = "oj-act"
    r = _Reader(doc)
    lang = root.find(".//BIB.INSTANCE/LG.DOC")
    if lang is not None and lang.text:
        doc.language = lang.text.strip().lower()
    title = root.find("TITLE")
    if title is None:
        title = root.find(".//TITLE")
    if title is not None:
        doc.title = clean(" ".join(r.blocks(title)))
        doc.short = short_title(doc.title)
    doc.celex = _celex(root, doc.title)
    doc.notes = [clean(" ".join(r.blocks(n))) for n in root.iter("NOTE")]
    for consid in root.iter("CONSID"):
        for np in consid.iter("NP"):
            num = np.find("NO.P")
            text = clean(" ".join(r.blocks(np.find("TXT") if np.find("TXT") is not None else np)))
            m = re.fullmatch(r"\(?(\d+)\)?", clean(r.inline(num))) if num is not None else None
            if m:
                doc.recitals.append((m.group(1), text))
            else:
                doc.unplaced.append(f"a recital without a number: {text[:60]!r}")
            break
    terms = root.find(".//ENACTING.TERMS")
    scope = terms if terms is not None else root
    seen: set[str] = set()

    def walk(el: etree._Element, context: list[str]) -> None:
        for ch in el:
            if not isinstance(ch.tag, str) or ch.tag == "QUOT.S":
                continue  # articles quoted in amending text are not the act's
            if ch.tag == "ARTICLE":
                art = r.article(ch, ", ".join(context) or None)
                if art is not None:
                    if art.number in seen:
                        doc.unplaced.append(f"a second Article {art.number}")
                    else:
                        seen.add(art.number)
                        doc.articles.append(art)
            elif ch.tag == "DIVISION":
                t = _division_title(ch, r)
                walk(ch, context + [t] if t else context)
            elif ch.tag not in ("TITLE",):
                walk(ch, context)

    walk(scope, [])
    for annex in root.iter("ANNEX"):
        ti = annex.find(".//TITLE")
        doc.not_imported.append(clean(r.inline(ti)) if ti is not None else "an annex")
    return doc


_KIND = {"regulation": "R", "directive": "L", "decision": "D"}


def _celex(root: etree._Element, title: str) -> str | None:
    """CELEX of an OJ act from its document number (``NO.DOC``) and the kind in its title."""
    no = root.find(".//BIB.INSTANCE/NO.DOC")
    if no is None:
        return None
    num, year = no.findtext("NO.CURRENT"), no.findtext("YEAR")
    m = re.search(r"\b(Regulation|Directive|Decision)\b", title, re.I)
    if not (num and year and m and num.strip().isdigit() and year.strip().isdigit()):
        return None
    return f"3{year.strip()}{_KIND[m.group(1).lower()]}{int(num):04d}"
