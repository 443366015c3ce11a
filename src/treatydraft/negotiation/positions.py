"""Map an offset in a loaded YAML string back to its line and column in the file (pure).

The loader keeps the position where each scalar starts (:class:`~treatydraft.model.Pos`).
A character inside the value is found by walking the file from there, matching the
value's non-space characters in order: folding (``>-``, plain multi-line scalars) only
changes whitespace, block indicators and quotes are skipped, and escapes in quoted
scalars (``\\"``, ``''``, ``\\u00e9``) are read as the one character they stand for.
When the file does not match (it should always), the scalar's start is returned.
"""

from __future__ import annotations

import re

_ESC = re.compile(r"\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)", re.S)
_SIMPLE = {"0": "\0", "a": "\a", "b": "\b", "t": "\t", "n": "\n", "v": "\v", "f": "\f"}
_SIMPLE.update({"r": "\r", "e": "\x1b", " ": " ", '"': '"', "/": "/", "\\": "\\"})
_SIMPLE.update({"N": "\x85", "_": "\xa0", "L": "\u2028", "P": "\u2029", "\t": "\t"})


def _index(lines: list[str], line: int, col: int) -> int:
    return sum(len(x) + 1 for x in lines[: line - 1]) + col - 1


def _line_col(source: str, index: int) -> tuple[int, int]:
    line = source.count("\n", 0, index) + 1
    start = source.rfind("\n", 0, index) + 1
    return line, index - start + 1


def offset_position(source: str, line: int, col: int, value: str, offset: int) -> tuple[int, int]:
    """(line, col), 1-based, of ``value[offset]`` for the scalar starting at ``line``:``col``
    of ``source`` (the decoded file)."""
    lines = source.split("\n")
    if not 1 <= line <= len(lines) or not 0 <= offset < len(value):
        return line, col
    i = _index(lines, line, col)
    style = source[i : i + 1]
    if style in ("|", ">"):
        nl = source.find("\n", i)
        if nl < 0:
            return line, col
        i = nl + 1
    elif style in ('"', "'"):
        i += 1
    else:
        style = ""
    n = len(source)
    for j in range(offset + 1):
        c = value[j]
        if c.isspace():
            continue
        while True:
            while i < n and source[i] in " \t\r\n":
                i += 1
            if i >= n:
                return line, col
            width = 1
            got = source[i]
            if style == '"' and got == "\\":
                m = _ESC.match(source, i)
                if m is None:
                    return line, col
                width = m.end() - i
                code = m.group(1)
                if code[0] in "xuU" and len(code) > 1:
                    got = chr(int(code[1:], 16))
                elif code == "\n":  # an escaped line break: nothing
                    i += width
                    continue
                else:
                    got = _SIMPLE.get(code, code)
                if got.isspace() and not c.isspace():
                    i += width
                    continue
            elif style == "'" and got == "'" and source[i + 1 : i + 2] == "'":
                width = 2
            break
        if got != c:
            return line, col
        if j == offset:
            return _line_col(source, i)
        i += width
    return line, col
