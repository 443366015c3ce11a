"""Text normalisation shared by checks, pins and redlines (pure)."""

from __future__ import annotations

import hashlib
import re
import unicodedata

_WS = re.compile(r"\s+")


def fold(text: str) -> str:
    """NFC, every run of whitespace (any kind) as one space, trimmed."""
    return _WS.sub(" ", unicodedata.normalize("NFC", text)).strip()


def pin_hash(text: str) -> str:
    """The ``pin:`` value for a source text: sha256 of its folded form."""
    return "sha256:" + hashlib.sha256(fold(text).encode("utf-8")).hexdigest()
