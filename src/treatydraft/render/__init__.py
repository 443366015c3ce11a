"""Renderers of an assembled draft: pure ``(Draft, RenderOptions) -> bytes``, one module each.

``RENDERERS`` maps a format name to its renderer; ``EXTENSIONS`` to the output
file's extension. The modules import jinja2 / python-docx inside their functions.
"""

from __future__ import annotations

from . import docx as _docx
from . import html as _html
from . import markdown as _markdown
from .common import RenderOptions, clean

RENDERERS = {
    "md": _markdown.render,
    "html": _html.render,
    "docx": _docx.render,
}

EXTENSIONS = {"md": "md", "html": "html", "docx": "docx"}

__all__ = ["EXTENSIONS", "RENDERERS", "RenderOptions", "clean"]
