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
    return view(draft, options.notes)


def render(draft: Draft, options: RenderOptions | None = None) -> bytes:
    """The draft as one UTF-8 HTML page."""
    from ..jinja_env import render_template

    options = options or RenderOptions()
    text = render_template(
        TEMPLATE, context(draft, options), options.template_dirs, options.project_root
    )
    return (text.rstrip("\n") + "\n").encode("utf-8")
