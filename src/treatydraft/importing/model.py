"""What every reader produces: the act as printed, before it is written as §3 Markdown."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

NOTE_MARK = "\ue000"  # where a footnote marker was; removed by :func:`clean`
_NOTE_GAP = re.compile(r"\s*" + NOTE_MARK + r"(?=\s*(?:[,.;:)\]’”]|$))")
# characters a source file may not hold (yamlsafe refuses them); never printed text
_JUNK = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufeff]")
ARTICLE_NUMBER = re.compile(r"^\s*(?:Article|Section|Art\.?)\s+(\d+[a-zA-Z]?)\s*$", re.I)


def clean(text: str) -> str:
    """NFC and whitespace folding (the only changes an import makes), notes taken out.

    A footnote marker right before punctuation takes the space before it along
    (EUR-Lex XHTML prints "Council (14);" where the Formex has "Council<NOTE/>;").
    """
    if NOTE_MARK in text:
        text = _NOTE_GAP.sub("", text).replace(NOTE_MARK, "")
    if _JUNK.search(text):
        text = _JUNK.sub("", text)
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
    return " ".join(text.split())  # str.split() splits on the same whitespace as re's \s


@dataclass
class Article:
    number: str  # as printed after "Article": "13a", "35A"
    heading: str | None = None
    blocks: list[str] = field(default_factory=list)  # one per printed paragraph, label included
    context: str | None = None  # the chapter/section it sits in


@dataclass
class Document:
    format: str  # formex | eurlex-xhtml | akn
    layout: str  # e.g. "oj-act", "oj-classes", "legacy-classes", "akn-3.0-wd17"
    title: str = ""
    short: str = ""
    celex: str | None = None
    eli: str | None = None
    frbr: str | None = None
    language: str | None = None
    articles: list[Article] = field(default_factory=list)
    recitals: list[tuple[str, str]] = field(default_factory=list)  # (number, text)
    notes: list[str] = field(default_factory=list)  # footnote texts, in order
    not_imported: list[str] = field(default_factory=list)  # annexes and the like
    unplaced: list[str] = field(default_factory=list)  # text the reader could not place


def article_number(label: str) -> str | None:
    m = ARTICLE_NUMBER.match(clean(label))
    return m.group(1) if m else None


_SHORT = re.compile(
    r"^(.*?\b(?:No\s+)?\d{1,4}/\d{1,4}(?:/(?:EU|EC|EEC|EU, Euratom|JHA|CFSP))?)(?=\s|,|$)", re.I
)


def short_title(title: str) -> str:
    """ "Regulation (EU) 2024/903 of the European Parliament …" → "Regulation (EU) 2024/903"."""
    m = _SHORT.match(title)
    return m.group(1) if m else title[:80]
