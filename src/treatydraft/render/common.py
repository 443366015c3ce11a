"""What every renderer shares: the text mapping, provenance notes and the view model.

Text mapping (the same in Markdown, HTML and DOCX, and what the round-trip tests
apply before they compare):

* Every run of ASCII whitespace (space, tab, CR, LF) becomes one space, and the
  text is trimmed at both ends. YAML ``>-`` folding already gives single-line
  text, so this only changes a double space into a single one; all three formats
  agree (HTML and Markdown would collapse it anyway).
* Characters XML 1.0 cannot hold or that are invisible controls — C0 controls
  other than tab/CR/LF (``\\x0b`` included), DEL, C1 controls, U+FFFE, U+FFFF
  and lone surrogates — become a space before the folding above. The loader
  already rejects control characters in clause files; this keeps a renderer from
  crashing (python-docx refuses them at save) if one slips through.
* Every other character is kept as it is: no NFC, no quote changes; a no-break
  space or an ideographic space inside the text stays what it is.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..addresses import display
from ..model import Draft, DraftItem, Provenance
from ..numbering import roman

ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")
_WS = re.compile("[ \t\r\n]+")

AGREED = "Have agreed as follows:"


def clean(text: str | None) -> str:
    """The documented whitespace/control-character mapping (see the module docstring)."""
    if not text:
        return ""
    return _WS.sub(" ", ILLEGAL.sub(" ", text)).strip()


@dataclass(frozen=True)
class RenderOptions:
    """Options every renderer accepts; renderers ignore the ones they do not use."""

    notes: bool = False  # provenance notes ("Source: …", "New text")
    template_dirs: tuple[str, ...] = ()  # project template folders, searched before the built-ins
    project_root: str | None = None  # for template paths in diagnostics
    source_date_epoch: int | None = None  # DOCX core-properties dates
    progress: Callable[[int], None] | None = field(default=None, compare=False)


def provenance_note(prov: Provenance | None, sources: dict) -> str | None:
    """``Source: Directive 2011/93/EU, Art. 25(1) (adapted)``; ``New text — note``."""
    if prov is None:
        return None
    if prov.relation == "new" or not prov.source:
        base = "New text"
    else:
        where = sources.get(prov.source, prov.source)
        at = f", {display(prov.at)}" if prov.at else ""
        base = f"Source: {where}{at} ({prov.relation})"
    note = clean(prov.note)
    return clean(f"{base} — {note}" if note else base)


def chapter_heading(numeral: str, title: str) -> str:
    return f"Chapter {numeral} — {title}"


def marker(label: str | None, depth: int) -> str | None:
    """``1.`` for a paragraph, ``(a)`` for a point, ``(i)`` for a sub-point."""
    if label is None:
        return None
    return f"{label}." if depth == 1 else f"({label})"


def view(draft: Draft, notes: bool, esc: Callable[[str], str] = lambda s: s) -> dict:
    """The draft as plain dicts and lists, every text already mapped and escaped with ``esc``.

    This is the context of the Jinja templates and the input of the DOCX writer.
    Anchors are unique in the document: an item whose anchor is its article's (an
    unnumbered paragraph) or one already used gets ``id: None``.
    """
    used: set[str] = set()

    def anchor(a: str | None) -> str | None:
        if not a or a in used:
            return None
        used.add(a)
        return a

    def items(seq: tuple[DraftItem, ...], depth: int, where: str, where_sep: bool) -> list[dict]:
        out = []
        for i, it in enumerate(seq, start=1):
            if it.label is not None:
                w = f"{where}({it.label})" if where_sep else f"{where}, para. {i}"
            else:
                w = where if depth == 1 and where_sep else f"{where}, para. {i}"
            note = provenance_note(it.provenance, draft.sources) if notes else None
            raw = clean(it.text)
            out.append(
                {
                    "label": it.label,
                    "marker": marker(it.label, depth),
                    "depth": depth,
                    "text": esc(raw),
                    "raw": raw,
                    "id": anchor(it.anchor),
                    "note": esc(note) if note else None,
                    "raw_note": note,
                    "where": w,
                    "points": items(it.items, depth + 1, w, True),
                }
            )
        return out

    first_of_chapter = {
        number: (i, title) for i, (title, number) in enumerate(draft.chapters, start=1)
    }
    sections: list[dict] = []
    articles: list[dict] = []
    current: dict[str, Any] | None = None
    for art in draft.articles:
        if art.number in first_of_chapter:
            n, title = first_of_chapter[art.number]
            numeral = roman(n).upper()
            heading = clean(chapter_heading(numeral, title))
            current = {
                "chapter": {
                    "numeral": numeral,
                    "title": esc(clean(title)),
                    "heading": esc(heading),
                    "raw_heading": heading,
                    "id": anchor(f"chapter-{n}"),
                },
                "articles": [],
            }
            sections.append(current)
        elif current is None or (art.chapter is None and current["chapter"] is not None):
            current = {"chapter": None, "articles": []}
            sections.append(current)
        art_id = anchor(art.anchor)
        title = clean(art.title)
        a = {
            "number": art.number,
            "heading": f"Article {art.number}",
            "title": esc(title) if title else None,
            "raw_title": title or None,
            "id": art_id,
            "clause_id": art.clause_id,
            "paragraphs": items(art.paragraphs, 1, f"Art. {art.number}", True),
        }
        current["articles"].append(a)
        articles.append(a)
    return {
        "title": esc(clean(draft.title)),
        "raw_title": clean(draft.title),
        "short_title": esc(clean(draft.short_title)) if draft.short_title else None,
        "language": draft.language or "en",
        "preamble": items(draft.preamble, 1, "Preamble", False),
        "agreed": esc(AGREED),
        "sections": sections,
        "articles": articles,
        "testimonium": items(draft.testimonium, 1, "Testimonium", False),
        "notes": notes,
    }


def walk_items(v: dict):
    """Every item of a view in document order (preamble, articles, testimonium), depth first."""

    def rec(seq):
        for it in seq:
            yield it
            yield from rec(it["points"])

    yield from rec(v["preamble"])
    for a in v["articles"]:
        yield from rec(a["paragraphs"])
    yield from rec(v["testimonium"])
