"""Akoma Ntoso 3.0 acts: the final OASIS namespace and the WD17 draft one, ``eId`` or ``id``.

The first level of ``article`` or ``section`` elements under the body (through parts,
chapters, titles and ``hcontainer``s) are the units, addressed like articles (``35A``).
``authorialNote``s and ``noteRef``s leave the text (kept as notes); structures quoted in
amending text (``quotedStructure``) stay one block of the provision that quotes them.
"""

from __future__ import annotations

import re

from lxml import etree

from .model import NOTE_MARK, Article, Document, clean

AKN_NS = "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"
UNITS = {"article", "section"}
CONTAINERS = {
    "body",
    "mainBody",
    "part",
    "chapter",
    "title",
    "subtitle",
    "book",
    "division",
    "subdivision",
    "subpart",
    "subchapter",
    "hcontainer",
    "level",
    "tome",
}
HIER = {
    "subsection",
    "paragraph",
    "subparagraph",
    "point",
    "item",
    "clause",
    "subclause",
    "list",
    "indent",
    "alinea",
    "sublist",
    "level",
    "rule",
    "subrule",
    "proviso",
    "transitional",
    "blockList",
}
TEXT_WRAPPERS = {"content", "intro", "wrapUp", "listIntroduction", "listWrapUp", "blockContainer"}
BLOCKS = {"p", "block", "heading", "subheading", "tblock"}
_CITATION = ("docType", "docNumber", "docDate")
_LANG = {"eng": "en", "fra": "fr", "deu": "de", "spa": "es", "ita": "it", "por": "pt"}


def _name(el) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def _ns(el) -> str:
    return etree.QName(el).namespace or "" if isinstance(el.tag, str) else ""


def sniff(root: etree._Element) -> bool:
    return _name(root) == "akomaNtoso" and _ns(root).startswith(AKN_NS)


class _Reader:
    def __init__(self, doc: Document):
        self.doc = doc

    def inline(self, el) -> str:
        out = [el.text or ""]
        for ch in el:
            name = _name(ch)
            if name in ("authorialNote", "noteRef"):
                if name == "authorialNote":
                    self.doc.notes.append(clean(" ".join(self.blocks(ch))))
                out.append(NOTE_MARK)
            elif name == "quotedStructure":
                out.append(" " + self.quoted(ch) + " ")
            elif name == "quotedText":
                out.append(
                    (ch.get("startQuote") or "") + self.inline(ch) + (ch.get("endQuote") or "")
                )
            elif name == "num":
                out.append(self.label(ch) + " ")
            elif name in BLOCKS or name in HIER or name in TEXT_WRAPPERS:
                out.append(" " + " ".join(self.blocks(ch)) + " ")
            elif name:
                out.append(self.inline(ch))
            out.append(ch.tail or "")
        return "".join(out)

    def quoted(self, qs) -> str:
        body = clean(" ".join(self.blocks(qs)))
        return (qs.get("startQuote") or "") + body + (qs.get("endQuote") or "")

    def label(self, num) -> str:
        text = clean(num.get("title") or self.inline(num))
        if re.fullmatch(r"[0-9]+[A-Za-z]*|[a-z]{1,4}|[A-Z]{1,2}", text):
            return f"({text})"  # the num holds the bare number; the print has brackets
        return text

    def blocks(self, el, label: str | None = None) -> list[str]:
        out: list[str] = []
        pending = label
        if clean(el.text or "") and _name(el) not in HIER:  # mixed content: one block
            text = clean(self.inline(el))
            return [clean(f"{pending} {text}") if pending else text]
        for ch in el:
            name = _name(ch)
            if not name:
                continue
            if name == "num":
                pending = self.label(ch)
                continue
            if name in HIER or name in TEXT_WRAPPERS or name == "quotedStructure":
                inner = (
                    [self.quoted(ch)]
                    if name == "quotedStructure"
                    else self.blocks(ch, pending if name in TEXT_WRAPPERS else None)
                )
                if name in HIER and pending:
                    inner = [clean(f"{pending} {inner[0]}")] + inner[1:] if inner else [pending]
                    pending = None
                elif name in TEXT_WRAPPERS or name == "quotedStructure":
                    if pending and name == "quotedStructure":
                        inner = [clean(f"{pending} {inner[0]}")] + inner[1:]
                    if inner:
                        pending = None
                out.extend(b for b in inner if b)
                continue
            text = clean(self.inline(ch))
            if text.replace(NOTE_MARK, ""):
                out.append(clean(f"{pending} {text}") if pending else text)
                pending = None
        if pending:
            out.append(pending)
        return out

    def unit(self, el, context: str | None) -> Article | None:
        num = next((c for c in el if _name(c) == "num"), None)
        raw = clean(self.inline(num)) if num is not None else ""
        # "1", "35A", "Article 3", "Art. 1.", "Articolo 2", "Άρθρο 1", "Section 4"
        m = re.fullmatch(r"(?:[^\W\d_]+\.?\s*)?(\d+[A-Za-z]?)\.?", raw)
        if not m:
            ident = el.get("eId") or el.get("id") or ""
            m = re.search(r"(?:sec|art|section|article)_?(\d+[A-Za-z]?)$", ident)
        if not m:
            self.doc.unplaced.append(f"a {_name(el)} numbered {raw or '(none)'!r}")
            return None
        heading = next((c for c in el if _name(c) == "heading"), None)
        art = Article(m.group(1), context=context)
        if heading is not None:
            art.heading = clean(self.inline(heading)) or None
        art.blocks = [b for b in self.blocks_of_unit(el) if b]
        return art

    def blocks_of_unit(self, el) -> list[str]:
        out: list[str] = []
        for ch in el:
            name = _name(ch)
            if name in ("num", "heading", "subheading", ""):
                continue
            if name in HIER:
                out.extend(self.blocks(ch))
            elif name in TEXT_WRAPPERS:
                out.extend(self.blocks(ch))
            else:
                text = clean(self.inline(ch))
                if text:
                    out.append(text)
        return out


def _meta_value(root, path: list[str], attr: str) -> str | None:
    nodes = [root]
    for step in path:
        nodes = [c for n in nodes for c in n if _name(c) == step]
    for n in nodes:
        if n.get(attr):
            return n.get(attr)
    return None


def read(root: etree._Element, doc: Document) -> Document:
    doc.format = "akn"
    ns = _ns(root)
    doc.layout = "akn-3.0" if ns == AKN_NS else "akn-3.0-" + ns[len(AKN_NS) + 1 :].lower()
    act = next((c for c in root if _name(c) and _name(c) != "components"), root)
    r = _Reader(doc)
    ident = ["meta", "identification"]
    doc.frbr = _meta_value(act, ident + ["FRBRWork", "FRBRuri"], "value") or _meta_value(
        act, ident + ["FRBRWork", "FRBRthis"], "value"
    )
    lang = _meta_value(act, ident + ["FRBRExpression", "FRBRlanguage"], "language")
    if lang:
        doc.language = _LANG.get(lang, lang)
    for el in act.iter():
        if _name(el) == "docTitle":
            doc.title = clean(r.inline(el))
            break
    short = next((el for el in act.iter() if _name(el) == "shortTitle"), None)
    parts = {n: next((el for el in act.iter() if _name(el) == n), None) for n in _CITATION}
    if short is not None:
        doc.short = clean(r.inline(short))
    elif parts["docType"] is not None and parts["docNumber"] is not None:
        doc.short = clean(f"{r.inline(parts['docType'])} {r.inline(parts['docNumber'])}")
        if parts["docDate"] is not None:
            doc.short += f" ({clean(r.inline(parts['docDate']))})"
    else:
        doc.short = doc.title
    doc.title = doc.title or doc.short
    for el in act.iter():
        if _name(el) == "recital":
            num = next((c for c in el if _name(c) == "num"), None)
            m = re.search(r"\d+", clean(r.inline(num))) if num is not None else None
            text = clean(" ".join(r.blocks(el)))
            if m:
                doc.recitals.append((m.group(), re.sub(r"^\(\d+\)\s*", "", text)))
    body = next((c for c in act if _name(c) in ("body", "mainBody")), None)
    if body is None:
        return doc
    seen: set[str] = set()

    def walk(el, context: list[str]) -> None:
        for ch in el:
            name = _name(ch)
            if name in UNITS:
                art = r.unit(ch, ", ".join(context) or None)
                if art is None:
                    continue
                if art.number in seen:
                    doc.unplaced.append(f"a second unit numbered {art.number}")
                    continue
                seen.add(art.number)
                doc.articles.append(art)
            elif name in CONTAINERS:
                parts = [c for c in ch if _name(c) in ("num", "heading")]
                label = clean(" ".join(r.inline(c) for c in parts))
                walk(ch, context + [label] if label else context)

    walk(body, [])
    for el in act.iter():  # notes kept in the metadata (<notes><note>), pointed at by noteRef
        if _name(el) == "note" and _name(el.getparent()) == "notes":
            doc.notes.append(clean(" ".join(r.blocks(el))))
    for el in act.iter():
        if _name(el) in ("attachment", "annex") or (
            _name(el) == "hcontainer" and (el.get("name") or "").lower() in ("schedule", "annex")
        ):
            named = next((c for c in el.iter() if c.get("name") and _name(c) == "doc"), None)
            heading = next((c for c in el.iter() if _name(c) in ("heading", "docTitle")), None)
            if heading is not None:
                doc.not_imported.append(clean(r.inline(heading)))
            elif named is not None:
                doc.not_imported.append(clean(named.get("name") or ""))
            else:
                doc.not_imported.append(_name(el))
    return doc
