"""Formatters of the correlation table: pure ``(Table, by) -> bytes``, one module each.

``FORMATTERS`` maps a format name to its formatter; ``TEXT_FORMATS`` are the ones
that may go to standard output (the others need a file). The modules import
python-docx inside their functions.
"""

from __future__ import annotations

from . import csv as _csv
from . import docx as _docx
from . import html as _html
from . import md as _md

FORMATTERS = {
    "md": _md.render,
    "html": _html.render,
    "docx": _docx.render,
    "csv": _csv.render,
}

TEXT_FORMATS = frozenset({"md", "csv"})

EXTENSIONS = {"md": "md", "html": "html", "docx": "docx", "csv": "csv"}

__all__ = ["EXTENSIONS", "FORMATTERS", "TEXT_FORMATS"]
