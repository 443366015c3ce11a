"""An imported act as a §3 source file: YAML front matter, then Markdown (pure)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from .model import Document

_HEADING_LIKE = re.compile(r"^#")


@dataclass(frozen=True)
class OriginInfo:
    sha256: str
    imported: str  # ISO date
    url: str | None = None
    file: str | None = None


def _q(value: str) -> str:
    """A YAML double-quoted scalar (JSON strings are YAML)."""
    return json.dumps(value, ensure_ascii=False)


def origin_text(doc: Document, info: OriginInfo) -> str:
    lines = [
        f"imported by `treatydraft sources import` from the official {_FORMATS[doc.format]}",
        f"format: {doc.format} (layout: {doc.layout})",
    ]
    if info.url:
        lines.append(f"url: {info.url}")
    if info.file:
        lines.append(f"file: {info.file}")
    lines.append(f"sha256: {info.sha256}")
    lines.append(f"imported: {info.imported}")
    if doc.not_imported:
        lines.append(f"not imported: {'; '.join(doc.not_imported)}")
    lines.append("text: verbatim (NFC and whitespace folding only; footnotes under Notes)")
    return "\n".join(" ".join(line.split()) for line in lines)


_FORMATS = {
    "formex": "Formex 4 XML of the Official Journal",
    "eurlex-xhtml": "EUR-Lex XHTML page",
    "akn": "Akoma Ntoso 3.0 XML",
}


def render(doc: Document, source_id: str, info: OriginInfo, language: str) -> str:
    fm = [
        "---",
        f"id: {_q(source_id)}",
        f"title: {_q(doc.title or doc.short or source_id)}",
        f"short: {_q(doc.short or doc.title or source_id)}",
    ]
    for key in ("celex", "eli", "frbr"):
        value = getattr(doc, key)
        if value:
            fm.append(f"{key}: {_q(value)}")
    fm.append(f"language: {_q(doc.language or language)}")
    fm.append("origin: |")
    fm.extend("  " + line for line in origin_text(doc, info).split("\n"))
    fm.append("---")
    out = ["\n".join(fm)]
    if doc.recitals:
        out.append("## Recitals")
        out.extend(f"({num}) {text}" for num, text in doc.recitals)
    for art in doc.articles:
        out.append(f"## Article {art.number}")
        if art.heading:
            out.append(f"### {art.heading}")
        if art.context:
            out.append(f"_Context: {art.context}_")
        out.extend(art.blocks)
    if doc.notes:
        out.append("## Notes")
        out.extend(f"({n}) {text}" for n, text in enumerate(doc.notes, 1))
    return "\n\n".join(out) + "\n"


def unsafe_block(text: str) -> bool:
    """A block the §3 reader would take for Markdown structure rather than text."""
    return bool(_HEADING_LIKE.match(text)) or text.strip() == "---"
