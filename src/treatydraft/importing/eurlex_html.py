"""EUR-Lex XHTML pages of Official Journal acts.

Two class sets are read: the current one (``oj-ti-art``, ``oj-sti-art``, ``oj-normal``,
``eli-subdivision`` containers) and the older one (``ti-art``, ``sti-art``, ``normal``,
``doc-ti``), which EUR-Lex still serves for acts converted before 2016. Both print points
as two-cell tables (label cell, text cell) and footnote references as ``<a href="#ntr…">``.
"""

from __future__ import annotations

import re

from lxml import etree

from .model import NOTE_MARK, Article, Document, article_number, clean, short_title

_ART = {"oj-ti-art", "ti-art"}
_STI = {"oj-sti-art", "sti-art"}
_NORMAL = {"oj-normal", "normal"}
_DOC_TI = {"oj-doc-ti", "doc-ti"}
_SEC1 = {"oj-ti-section-1", "ti-section-1"}
_SEC2 = {"oj-ti-section-2", "ti-section-2"}
_NOTE = {"oj-note", "note"}
_END = {"oj-final", "final", "oj-signatory", "signatory"}
_SKIP = {"head", "script", "style", "title"}
_QUOTES = "‘’“”«»„‚'\""
_KIND = {"regulation": "R", "directive": "L", "decision": "D"}
_NUMBER = re.compile(
    r"\b(Regulation|Directive|Decision)\b[^/]*?\b(?:No\s+(\d{1,4})/(\d{4})|(\d{4})/(\d{1,4}))\b",
    re.I,
)


def _name(el: etree._Element) -> str:
    return etree.QName(el).localname.lower() if isinstance(el.tag, str) else ""


def _classes(el: etree._Element) -> set[str]:
    return set((el.get("class") or "").split())


def sniff(root: etree._Element) -> bool:
    if _name(root) != "html":
        return False
    return any(_classes(p) & _ART for p in root.iter() if _name(p) == "p")


def consolidated(root: etree._Element) -> bool:
    if _name(root) != "html":
        return False
    return any("title-article-norm" in _classes(p) for p in root.iter() if _name(p) == "p")


def celex_from_title(title: str) -> str | None:
    m = _NUMBER.search(title)
    if not m:
        return None
    kind = _KIND[m.group(1).lower()]
    num, year = (m.group(2), m.group(3)) if m.group(2) else (m.group(5), m.group(4))
    return f"3{year}{kind}{int(num):04d}"


def _inline(el: etree._Element) -> str:
    out = [el.text or ""]
    for ch in el:
        name = _name(ch)
        if name == "a" and (ch.get("href") or "").startswith("#ntr"):
            out.append(NOTE_MARK)  # a footnote reference: out of the text
        elif name == "br":
            out.append(" ")
        elif name:
            out.append(_inline(ch))
        out.append(ch.tail or "")
    return "".join(out)


class _Reader:
    def __init__(self, doc: Document):
        self.doc = doc
        self.article: Article | None = None
        self.started = False  # the first article was seen
        self.stopped = False  # past the enacting terms (final words, annexes)
        self.whereas = False
        self.title: list[str] = []
        self.section: list[str] = []

    def walk(self, el: etree._Element) -> None:
        for ch in el:
            name = _name(ch)
            if not name or name in _SKIP:
                continue
            if name == "table":
                self.table(ch)
            elif name == "p":
                self.para(ch)
            elif name == "hr" and "oj-doc-end" in _classes(ch):
                self.stopped = True
            elif _classes(ch) & _END and self.started:  # <div class="oj-final">
                self.stopped, self.article = True, None
            else:
                self.walk(ch)

    # ---------------------------------------------------------------- paragraphs
    def para(self, p: etree._Element) -> None:
        cls = _classes(p)
        text = clean(_inline(p))
        if text.startswith("ELI:") and not self.doc.eli:
            self.doc.eli = text[4:].strip()
        if cls & _NOTE:
            self.doc.notes.append(re.sub(r"^\(\s*\d+\s*\)\s*", "", text))
            return
        if cls & _END and self.started:
            self.stopped, self.article = True, None
            return
        if cls & _DOC_TI:
            if not self.started:
                self.title.append(text)
            elif text.upper().startswith("ANNEX"):
                self.stopped, self.article = True, None
                self.doc.not_imported.append(text)
            return
        if self.stopped:
            return
        if cls & _ART and self.article is not None and text[:1] in _QUOTES:
            self.article.blocks.append(text)  # an article quoted in amending text: not the act's
            return
        if cls & _ART:
            number = article_number(text)
            if number is None:
                self.doc.unplaced.append(f"an article titled {text!r}")
                self.article = None
                return
            if any(a.number == number for a in self.doc.articles):
                self.doc.unplaced.append(f"a second Article {number}")
                self.article = None
                return
            self.started = True
            self.article = Article(number, context=self.context())
            self.doc.articles.append(self.article)
            return
        if cls & _STI:
            if self.article is not None and not self.article.blocks and not self.article.heading:
                self.article.heading = text or None
            elif self.article is not None and text:  # a quoted article's heading: keep the text
                self.article.blocks.append(text)
            return
        if cls & _SEC1:
            self.section = [text]
            return
        if cls & _SEC2:
            self.section = self.section[:1] + [text]
            return
        if not text:
            return
        if self.article is not None:
            self.article.blocks.append(text)
        elif not self.started and text == "Whereas:":
            self.whereas = True

    def context(self) -> str | None:
        if not self.section:
            return None
        head, *rest = self.section
        return f"{head} ({rest[0]})" if rest else head

    # ---------------------------------------------------------------- point tables
    def cell_blocks(self, cell: etree._Element) -> list[str]:
        out: list[str] = []
        for ch in cell:
            name = _name(ch)
            if name == "p":
                if not (_classes(ch) & _NOTE):
                    text = clean(_inline(ch))
                    if text:
                        out.append(text)
            elif name == "table":
                for label, blocks in self.rows(ch):
                    out.extend(_labelled(label, blocks))
            elif name and name not in _SKIP:
                out.extend(self.cell_blocks(ch))
        if not len(cell) and clean(cell.text or ""):
            out.append(clean(cell.text or ""))
        return out

    def rows(self, table: etree._Element):
        for tr in table.iter():
            if _name(tr) != "tr" or _ancestor_table(tr) is not table:
                continue
            cells = [c for c in tr if _name(c) in ("td", "th")]
            if len(cells) == 2:
                label = clean(" ".join(self.cell_blocks(cells[0])))
                yield label, self.cell_blocks(cells[1])
            else:
                row = [clean(" ".join(self.cell_blocks(c))) for c in cells]
                yield "", [clean(" ".join(c for c in row if c))]

    def table(self, table: etree._Element) -> None:
        if self.stopped:
            return
        for label, blocks in self.rows(table):
            if self.article is not None:
                self.article.blocks.extend(_labelled(label, blocks))
            elif not self.started and self.whereas:
                m = re.fullmatch(r"\((\d+)\)", label)
                if m:
                    self.doc.recitals.append((m.group(1), clean(" ".join(blocks))))


def _ancestor_table(el: etree._Element) -> etree._Element | None:
    for a in el.iterancestors():
        if _name(a) == "table":
            return a
    return None


def _labelled(label: str, blocks: list[str]) -> list[str]:
    blocks = [b for b in blocks if b]
    if not label:
        return blocks
    if not blocks:
        return [label]
    return [clean(f"{label} {blocks[0]}")] + blocks[1:]


def read(root: etree._Element, doc: Document) -> Document:
    doc.format = "eurlex-xhtml"
    oj = any(c.startswith("oj-") for el in root.iter() for c in _classes(el))
    doc.layout = "oj-classes" if oj else "legacy-classes"
    r = _Reader(doc)
    body = next((el for el in root.iter() if _name(el) == "body"), root)
    r.walk(body)
    doc.title = clean(" ".join(r.title))
    doc.short = short_title(doc.title)
    doc.celex = celex_from_title(doc.title)
    for el in root.iter():
        if _name(el) == "p" and _classes(el) & {"oj-hd-lg", "hd-lg"}:
            doc.language = clean(_inline(el)).lower() or None
            break
    return doc
