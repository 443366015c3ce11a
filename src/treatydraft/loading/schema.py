"""Typed reading of YAML node trees: every problem becomes a positioned diagnostic.

Unknown keys get a "did you mean"; a plain scalar that YAML 1.2 would read as a
number or boolean where text is expected is an error with the quoted hint.
"""

from __future__ import annotations

import difflib
import math
import re

from ..diagnostics import Diagnostic
from .yamlsafe import YMap, YScalar, YSeq

_NUMBER = re.compile(
    r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$|^0x[0-9a-fA-F]+$|^0o[0-7]+$|^[-+]?\.(inf|Inf|INF)$|^\.(nan|NaN|NAN)$"
)
_BOOL_NULL = {"true", "True", "TRUE", "false", "False", "FALSE", "null", "Null", "NULL", "~", ""}


def kind_of(node) -> str:
    if node is None:
        return "empty"
    if isinstance(node, YMap):
        return "a mapping"
    if isinstance(node, YSeq):
        return "a list"
    if node.plain:
        if _NUMBER.match(node.value):
            return "a number"
        if node.value in _BOOL_NULL:
            return "empty" if node.value in ("", "~", "null", "Null", "NULL") else "a boolean"
    return "a string"


class Reader:
    """Collects diagnostics for one file while converting its nodes."""

    def __init__(self, path: str, diags: list[Diagnostic], line_offset: int = 0):
        self.path = path
        self.diags = diags
        self.offset = line_offset
        self.source: str | bytes = ""  # the file's text, for positions inside a scalar

    def error(self, node, code: str, message: str) -> None:
        line = (node.line if node is not None else 1) + self.offset
        col = node.col if node is not None else 1
        self.diags.append(Diagnostic(self.path, line, col, "error", code, message))

    def mapping(self, node, allowed, required=(), what="mapping") -> YMap | None:
        if not isinstance(node, YMap):
            self.error(node, "wrong-type", f"{what} must be a mapping, not {kind_of(node)}")
            return None
        for key in node.order if allowed is not None else ():
            if key not in allowed:
                hint = difflib.get_close_matches(key, list(allowed), n=1, cutoff=0.6)
                extra = (
                    f"; did you mean '{hint[0]}'?"
                    if hint
                    else f"; allowed: {', '.join(sorted(allowed))}"
                )
                self.error(node.keys[key], "unknown-key", f"unknown key '{key}' in {what}{extra}")
        for key in required:
            if key not in node.items:
                self.error(node, "missing-key", f"{what} needs the key '{key}'")
        return node

    def string(self, node, field: str) -> str | None:
        if node is None:
            return None
        if isinstance(node, YScalar):
            kind = kind_of(node)
            if kind == "a string":
                return node.value
            hint = f'; write "{node.value}" (quoted) if it is meant as text' if node.value else ""
            self.error(node, "wrong-type", f"'{field}' must be a string, not {kind}{hint}")
            return None
        self.error(node, "wrong-type", f"'{field}' must be a string, not {kind_of(node)}")
        return None

    def number(self, node, field: str) -> float | None:
        if node is None:
            return None
        if isinstance(node, YScalar) and node.plain and _NUMBER.match(node.value):
            try:
                value = float(node.value)
            except ValueError:
                value = None
            if value is not None and math.isfinite(value):
                return value
            self.error(node, "wrong-type", f"'{field}' must be a finite number, not {node.value}")
            return None
        self.error(node, "wrong-type", f"'{field}' must be a number, not {kind_of(node)}")
        return None

    def boolean(self, node, field: str) -> bool | None:
        if node is None:
            return None
        if isinstance(node, YScalar) and node.plain and node.value in ("true", "false"):
            return node.value == "true"
        self.error(node, "wrong-type", f"'{field}' must be true or false")
        return None

    def string_list(self, node, field: str) -> tuple[str, ...]:
        if node is None:
            return ()
        if not isinstance(node, YSeq):
            self.error(
                node, "wrong-type", f"'{field}' must be a list of strings, not {kind_of(node)}"
            )
            return ()
        out = []
        for item in node.items:
            value = self.string(item, field)
            if value is not None:
                out.append(value)
        return tuple(out)

    def string_map(self, node, field: str) -> dict[str, str]:
        if not isinstance(node, YMap):
            self.error(
                node, "wrong-type", f"'{field}' must be a mapping of strings, not {kind_of(node)}"
            )
            return {}
        out = {}
        for key in node.order:
            value = self.string(node.items[key], f"{field}.{key}")
            if value is not None:
                out[key] = value
        return out


def read_flat_map(tree, types: dict, required, path, diags, line_offset=0, what="mapping") -> dict:
    """A mapping of scalar fields typed by ``types`` (``"str"`` or ``"bool"``)."""
    r = Reader(path, diags, line_offset)
    node = r.mapping(tree, types, required, what)
    out: dict = {}
    if node is None:
        return out
    for key in node.order:
        if key not in types:
            continue
        value = (
            r.boolean(node.items[key], key)
            if types[key] == "bool"
            else r.string(node.items[key], key)
        )
        if value is not None:
            out[key] = value
    return out
