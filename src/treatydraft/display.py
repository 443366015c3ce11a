"""Text as a reviewer sees it: control characters shown, never obeyed (issue 12, §9).

What the tool prints on a terminal (``check``, ``redline``, ``table``, ``sources``) may
hold text from another delegation. A raw ESC starts a terminal escape sequence (colours,
a hidden OSC 8 link, a cleared line), a lone CR moves back to the start of the line and
hides what came before it, a bidirectional override reverses what follows. Each is shown
as ``⟨U+001B⟩`` instead; line feeds (and tabs) stay as they are. Files written with
``--out`` hold the text unchanged.
"""

from __future__ import annotations

import re

# A lone CR (CRLF stays), C0 controls but tab and line feed, DEL, C1 controls, the bidi embeddings, overrides
# and isolates, the line/paragraph separators, and the non-characters U+FFFE/U+FFFF.
_HIDDEN = re.compile(
    "\r(?!\n)|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
    "\ufdd0-\ufdef\ufffe\uffff]"
)


def _show(m: re.Match) -> str:
    return f"⟨U+{ord(m.group()):04X}⟩"


def visible(text: str) -> str:
    """``text`` with every character that a terminal would obey shown as ``⟨U+001B⟩`` (its code point)."""
    return _HIDDEN.sub(_show, text) if _HIDDEN.search(text) else text


def json_safe(text: str) -> str:
    """JSON text with the same characters escaped as ``\\u001b``: the same data, safe on a
    terminal (``json.dumps(ensure_ascii=False)`` leaves DEL, C1 and bidi controls raw)."""
    return _HIDDEN.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def is_noncharacter(ch: str) -> bool:
    """U+FDD0..U+FDEF and the last two code points of every plane (U+FFFE, U+1FFFF…)."""
    cp = ord(ch)
    return 0xFDD0 <= cp <= 0xFDEF or (cp & 0xFFFE) == 0xFFFE


_NONCHAR = re.compile(
    "[\ufdd0-\ufdef\ufffe\uffff"
    + "".join(f"{chr(p * 0x10000 + 0xFFFE)}{chr(p * 0x10000 + 0xFFFF)}" for p in range(1, 17))
    + "]"
)


#: The non-characters of the BMP only: a class of BMP characters is a bitmap for ``re``, many
#: times faster on long texts than a class that also lists characters above it.
_NONCHAR_BMP = re.compile("[\ufdd0-\ufdef\ufffe\uffff]")


def has_astral(text: str) -> bool:
    """Whether ``text`` holds a character above the BMP (U+10000 and up): each is two UTF-16
    code units (an encode is much faster than ``max(text)`` or a regex)."""
    return not text.isascii() and len(text.encode("utf-16-le", "surrogatepass")) != 2 * len(text)


def first_noncharacter(text: str) -> re.Match | None:
    if has_astral(text):
        return _NONCHAR.search(text)
    return _NONCHAR_BMP.search(text)


def github_data(text: str) -> str:
    """A workflow command's message: ``%``, CR and LF escaped (GitHub's ``escapeData``)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def github_property(text: str) -> str:
    """A workflow command's property value: also ``:`` and ``,`` (GitHub's ``escapeProperty``),
    so a file name cannot end the property list or add a property."""
    return github_data(text).replace(":", "%3A").replace(",", "%2C")


#: first characters that make a spreadsheet read a cell as a formula (OWASP: CSV injection),
#: with their full-width forms, which some spreadsheets treat alike
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


def csv_cell(text: str) -> str:
    """A CSV cell no spreadsheet runs as a formula: one starting with ``= + - @``, a tab or a
    CR gets a leading ``'`` (OWASP's recommendation); the csv module quotes the rest."""
    return "'" + text if text.startswith(FORMULA_START) else text
