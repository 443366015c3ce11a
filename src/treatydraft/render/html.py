"""HTML renderer: ``Draft → bytes`` through the ``draft.html.j2`` template.

One self-contained printable page: inline CSS, no scripts or external assets,
``<!doctype html>`` and ``lang``; a table of contents; stable anchors
(``id="art-5"``, ``id="art-5-2"``, ``id="art-5-2-a"``) from the model. Clause
text is escaped by Jinja's autoescape (the environment enables it for HTML
templates only) and mapped as documented in :mod:`.common`.
"""

from __future__ import annotations

from ..model import Draft
from .common import RenderOptions, view

TEMPLATE = "draft.html.j2"


def context(draft: Draft, options: RenderOptions) -> dict:
    from markupsafe import Markup, escape

    from ..negotiation.views import decorate
    from .common import walk_items

    v = decorate(view(draft, options.notes), draft)
    for it in walk_items(v):
        if it["notes"]:
            ends: dict[int, list[int]] = {}
            for n, _first, last in it["notes"]:
                ends.setdefault(last, []).append(n)
            it["text"] = Markup("").join(
                escape(piece) + Markup("").join(_ref(n) for n in ends.get(i, ()))
                for i, piece in enumerate(it["pieces"])
            )
        for alt in it["alternatives"]:
            alt["text"] = escape(alt["raw"]) + (_ref(alt["note"]) if alt["note"] else "")
    return v


def _ref(n: int):
    from markupsafe import Markup

    return Markup(f'<sup class="fnref"><a href="#fn-{n}" id="fnref-{n}">{n}</a></sup>')


def render(draft: Draft, options: RenderOptions | None = None) -> bytes:
    """The draft as one UTF-8 HTML page."""
    from ..jinja_env import render_template

    options = options or RenderOptions()
    text = render_template(
        TEMPLATE, context(draft, options), options.template_dirs, options.project_root
    )
    return (text.rstrip("\n") + "\n").encode("utf-8")
