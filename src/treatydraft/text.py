"""Text normalisation shared by checks, pins and redlines (pure)."""

from __future__ import annotations

import hashlib
import re
import unicodedata

from .display import first_noncharacter, has_astral

_WS = re.compile(r"\s+")


def fold(text: str) -> str:
    """NFC, every run of whitespace (any kind) as one space, trimmed."""
    return _WS.sub(" ", unicodedata.normalize("NFC", text)).strip()


def pin_hash(text: str) -> str:
    """The ``pin:`` value for a source text: sha256 of its folded form."""
    return "sha256:" + hashlib.sha256(fold(text).encode("utf-8")).hexdigest()


# Characters that are legal in YAML escapes but not in the outputs' XML, or that hide text.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]|\r\n?")
_BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
RTL_LANGUAGES = frozenset({"ar", "he", "fa", "ur", "ps", "yi", "dv", "sd", "ug"})


#: Every character one of lint's searches looks for, in the BMP (one bitmap search: most texts
#: have none of them, and are done after it).
_SUSPICIOUS = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u061c\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069"
    "\ufeff\ufdd0-\ufdef\ufffe\uffff]"
)


def lint(text: str, language: str = "en") -> list[tuple[str, int, str]]:
    """Suspicious characters in clause text: ``(code, offset, message)`` for each kind found."""
    out: list[tuple[str, int, str]] = []
    if not _SUSPICIOUS.search(text) and not has_astral(text):
        return out
    m = _CONTROL.search(text)
    if m:
        ch = m.group()
        what = "a carriage return" if ch.startswith("\r") else f"control character U+{ord(ch):04X}"
        out.append(
            ("control-in-text", m.start(), f"{what} in the text; outputs write it as a space")
        )
    m = _BIDI.search(text)
    if m and language.split("-")[0] not in RTL_LANGUAGES:
        out.append(
            (
                "bidi-control",
                m.start(),
                f"bidirectional control U+{ord(m.group()):04X} in the text can make it display differently from what it says",
            )
        )
    m = _INVISIBLE.search(text)
    if m:
        out.append(
            (
                "invisible-character",
                m.start(),
                f"invisible character U+{ord(m.group()):04X} in the text",
            )
        )
    m = first_noncharacter(text)
    if m:
        out.append(
            (
                "noncharacter",
                m.start(),
                f"non-character U+{ord(m.group()):04X} in the text; no output may hold it",
            )
        )
    return out
