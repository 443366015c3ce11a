"""Markdown renderer: ``Draft → bytes`` through the ``draft.md.j2`` template.

Clause text is escaped so that any CommonMark renderer shows it as itself:

* ``\\ ` * _ [ ] < > # | ~ ! $ &`` are backslash-escaped wherever they occur
  (emphasis, code, links, raw HTML and autolinks, headings, GFM tables,
  strikethrough and math, entity references);
* at the start of a text, ``-``, ``+`` and ``=`` are escaped (list items, setext
  underlines), and so is the ``.``/``)`` after leading digits: ``1990.`` is
  written ``1990\\.``, so it is not an ordered list item.

Numbering comes from the model: a paragraph is written ``1\\. text``, a point
``(a) text``, a sub-point ``(i) text``, each its own Markdown paragraph — never
a Markdown list. Whitespace is mapped as documented in :mod:`.common` (every run
of ASCII whitespace becomes one space), so each clause paragraph is one line.
"""

from __future__ import annotations

import re

from ..model import Draft
from .common import RenderOptions, view

_INLINE = re.compile(r"([\\`*_\[\]<>#|~!$&])")
_LEADING_DIGITS = re.compile(r"^(\d+)([.)])")
_LEADING_MARK = re.compile(r"^([-+=])")

TEMPLATE = "draft.md.j2"


def escape(text: str) -> str:
    """Backslash-escape ``text`` so that CommonMark renders it literally (see the module doc)."""
    out = _INLINE.sub(r"\\\1", text)
    out = _LEADING_DIGITS.sub(r"\1\\\2", out)
    return _LEADING_MARK.sub(r"\\\1", out)


def md_marker(marker: str | None) -> str | None:
    """``1.`` → ``1\\.`` (literal text, not a list marker); ``(a)`` stays."""
    return escape(marker) if marker else marker


def context(draft: Draft, options: RenderOptions) -> dict:
    v = view(draft, options.notes, escape)
    from .common import walk_items

    for it in walk_items(v):
        it["marker"] = md_marker(it["marker"])
    from ..negotiation.views import decorate

    decorate(v, draft)
    for it in walk_items(v):
        if it["notes"]:
            ends: dict[int, list[int]] = {}
            for n, _first, last in it["notes"]:
                ends.setdefault(last, []).append(n)
            it["text"] = "".join(
                escape(piece) + "".join(f"[^{n}]" for n in ends.get(i, ()))
                for i, piece in enumerate(it["pieces"])
            )
        for alt in it["alternatives"]:
            alt["marker"] = escape(alt["marker"])
            alt["text"] = escape(alt["raw"]) + (f"[^{alt['note']}]" if alt["note"] else "")
    for fn in v["footnotes"]:
        fn["text"] = escape(fn["text"])
    return v


def render(draft: Draft, options: RenderOptions | None = None) -> bytes:
    """The draft as CommonMark, UTF-8, one trailing newline."""
    from ..jinja_env import render_template

    options = options or RenderOptions()
    text = render_template(
        TEMPLATE, context(draft, options), options.template_dirs, options.project_root
    )
    text = re.sub(r"\n{3,}", "\n\n", text).strip("\n") + "\n"
    return text.encode("utf-8")
