"""Formatters of the correlation table: pure ``(Table, by) -> bytes``, one module each.

``FORMATTERS`` maps a format name to its formatter; ``TEXT_FORMATS`` are the ones
that may go to standard output (the others need a file). The modules import
python-docx inside their functions.
"""

from __future__ import annotations

from .. import formats as _formats

_TABLE = _formats.family("table")  # the registry's ``table`` family
FORMATTERS = {name: _formats.renderer(f) for name, f in _TABLE.items()}

TEXT_FORMATS = frozenset(name for name, f in _TABLE.items() if f.stdout)

EXTENSIONS = {name: f.extension for name, f in _TABLE.items()}

__all__ = ["EXTENSIONS", "FORMATTERS", "TEXT_FORMATS"]
