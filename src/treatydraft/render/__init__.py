"""Renderers of an assembled draft: pure ``(Draft, RenderOptions) -> bytes``, one module each.

``RENDERERS`` maps a format name to its renderer; ``EXTENSIONS`` to the output
file's extension; both come from the ``build`` family of :mod:`treatydraft.formats`. The modules import jinja2 / python-docx inside their functions.
"""

from __future__ import annotations

from .. import formats as _formats
from .common import RenderOptions, clean

#: from the registry (:mod:`treatydraft.formats`, family ``build``)
RENDERERS = {name: _formats.renderer(f) for name, f in _formats.family("build").items()}

EXTENSIONS = {name: f.extension for name, f in _formats.family("build").items()}

__all__ = ["EXTENSIONS", "RENDERERS", "RenderOptions", "clean"]
