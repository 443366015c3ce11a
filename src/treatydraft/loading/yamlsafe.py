"""A hardened YAML reader that keeps positions.

Reads the event stream of ruamel.yaml's C parser (or its pure-Python one where the C
extension is not installed) and builds a small tree of
:class:`YMap`/:class:`YSeq`/:class:`YScalar` nodes, each with its 1-based line and
column. It refuses everything §9 of the design lists: tags, anchors and aliases,
merge keys, ``%YAML`` directives, several documents, nesting deeper than 32,
duplicate keys, files over 2 MiB, non-UTF-8 bytes, tabs or no-break spaces in
indentation, and control characters. Scalars stay strings; the schema layer
decides what a plain ``1.10`` means.
"""

from __future__ import annotations

import io
import os
import re
import stat
from dataclasses import dataclass, field
from typing import Any

from ..diagnostics import Diagnostic
from ..display import has_astral, is_noncharacter
from ..errors import InputError

MAX_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 32

BAD_CONTROL = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufdd0-\ufdef\ufffe\uffff"
    + "".join(f"{chr(p * 0x10000 + 0xFFFE)}{chr(p * 0x10000 + 0xFFFF)}" for p in range(1, 17))
    + "]|\r(?!\n|$)"  # a lone carriage return (on the split line: CRLF leaves a trailing CR)
)


#: BAD_CONTROL without the non-characters above the BMP: a class of BMP characters only is a
#: bitmap for ``re`` (several times faster than the full class on long texts).
_BAD_BMP = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufdd0-\ufdef\ufffe\uffff]|\r(?!\n|$)"
)
#: _BAD_BMP for a text without carriage returns: one character class, no alternation (the
#: fastest search ``re`` has).
_BAD_BMP_NO_CR = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufdd0-\ufdef\ufffe\uffff]"
)
#: Spaces, then a tab or no-break space, at the start of a line.
_BAD_INDENT = re.compile("^ *[\t\u00a0]", re.M)


def _first_bad_character(text: str) -> int | None:
    """Where the first character BAD_CONTROL refuses is, as a scan of each line finds it (a
    CR that ends the text counts: on its line it is a lone CR)."""
    if has_astral(text):
        m = BAD_CONTROL.search(text)
    else:
        m = (_BAD_BMP if "\r" in text else _BAD_BMP_NO_CR).search(text)
    if m is not None:
        return m.start()
    if text.endswith("\r"):
        return len(text) - 1
    return None


def _line_start(text: str, pos: int) -> int:
    return text.rfind("\n", 0, pos) + 1


def _line_end(text: str, pos: int) -> int:
    end = text.find("\n", pos)
    return len(text) if end < 0 else end


def _line_col(text: str, pos: int) -> tuple[int, int]:
    return text.count("\n", 0, pos) + 1, pos - _line_start(text, pos) + 1


@dataclass(slots=True)
class YScalar:
    value: str
    plain: bool  # True when written without quotes or block style
    line: int
    col: int


@dataclass(slots=True)
class YSeq:
    items: list
    line: int
    col: int


@dataclass(slots=True)
class YMap:
    items: dict  # key (str) → node
    keys: dict  # key (str) → YScalar of the key (its position)
    line: int
    col: int
    flow: bool = False
    end_line: int = 0
    end_col: int = 0
    order: list = field(default_factory=list)


def _diag(path: str, line: int, col: int, code: str, message: str) -> InputError:
    return InputError([Diagnostic(path, line, col, "error", code, message)])


def read(file, path: str) -> bytes:
    """A file's bytes, refusing one over the size limit before reading it."""
    st = os.stat(file)
    if not stat.S_ISREG(st.st_mode):
        raise _diag(
            path,
            1,
            1,
            "io",
            "not a regular file (a folder, pipe or device); only plain files are read",
        )
    size = st.st_size
    if size > MAX_BYTES:
        raise _too_large(path, size)
    with open(file, "rb") as fh:
        data = fh.read(MAX_BYTES + 1)  # the file may have grown since stat
    if len(data) > MAX_BYTES:
        raise _too_large(path, len(data))
    return data


def _too_large(path: str, size: int) -> InputError:
    return _diag(
        path,
        1,
        1,
        "file-too-large",
        f"file is {size:,} bytes; the limit is {MAX_BYTES:,} bytes (2 MiB)",
    )


def decode(data: bytes, path: str) -> str:
    """Bytes → text, or an :class:`InputError` saying what is wrong with the encoding."""
    if len(data) > MAX_BYTES:
        raise _too_large(path, len(data))
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
        if data.startswith(b"\xef\xbb\xbf"):
            raise _diag(
                path, 1, 1, "encoding", "the file starts with two byte-order marks; remove them"
            )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        hint = ""
        if any(0x80 <= b <= 0x9F for b in data[exc.start : exc.start + 1]):
            hint = " (looks like Windows-1252; save the file as UTF-8)"
        raise _diag(
            path, line, col, "encoding", f"not valid UTF-8: byte 0x{data[exc.start]:02x}{hint}"
        ) from None
    # One scan of the whole text for each kind of problem (a loop over lines costs more than
    # parsing the file); the first problem in line order is reported, as a line scan would.
    found = _first_bad_character(text)
    indent = _BAD_INDENT.search(text) if "\t" in text or "\u00a0" in text else None
    while indent is not None and not text[indent.end() : _line_end(text, indent.end())].strip():
        indent = _BAD_INDENT.search(text, _line_end(text, indent.end()))
    if found is not None and (indent is None or _line_start(text, found) <= indent.start()):
        lineno, col = _line_col(text, found)
        ch = text[found]
        if ch == "\r":
            why = (
                "a carriage return without a line feed ends a line here; a terminal "
                "shows the rest over the start of the line, hiding it; end lines with LF "
                "or CRLF"
            )
        elif is_noncharacter(ch):
            why = f"non-character U+{ord(ch):04X} is not allowed in a text file"
        else:
            why = f"control character U+{ord(ch):04X} is not allowed; write it as an escape in a double-quoted string if it is really meant"
        raise _diag(path, lineno, col, "control-character", why)
    if indent is not None:
        lineno, col = _line_col(text, indent.end() - 1)
        what = "a tab" if text[indent.end() - 1] == "\t" else "a no-break space"
        raise _diag(
            path, lineno, col, "yaml-indentation", f"{what} in indentation; indent with spaces only"
        )
    return text


def _event_source(text: str, engine: str | None):
    """``(get_event, pure)``: a ``get_event`` callable over ``text``, libyaml's
    (``ruamel.yaml.clib``) where it is installed, else ruamel.yaml's pure-Python parser
    (``pure`` is then true), which yields the same events with the same positions (``ruamel.yaml.clib`` has no wheels for some platforms, e.g. Windows on
    arm64). ``engine`` (``"c"`` or ``"pure"``) forces one, for tests."""
    global _c_parser
    if engine in (None, "c"):
        if _c_parser is None:
            try:
                from ruamel.yaml.cyaml import CParser
            except ImportError:
                if engine == "c":
                    raise
                _c_parser = False
            else:
                _c_parser = CParser
        if _c_parser:
            return _c_parser(io.StringIO(text)).get_event, False
    from ruamel.yaml import YAML

    return iter(YAML(typ="safe", pure=True).parse(io.StringIO(text))).__next__, True


#: ruamel.yaml's CParser class once imported, or False when it cannot be (no ruamel.yaml.clib).
_c_parser: Any = None

_DIRECTIVE = re.compile(r"^%", re.M)
_SURROGATE = re.compile("[\ud800-\udfff]")
_ESCAPE = re.compile(r"\\(?:u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8})|.)", re.S)


def _surrogate_escape(text: str, event, path: str) -> InputError:
    """The error libyaml gives for ``"\\ud800"``, at the same place: the escape's hex digits."""
    start, end = event.start_mark.index, event.end_mark.index
    pos = start
    for m in _ESCAPE.finditer(text, start, end):
        code = int(m.group(1) or m.group(2) or "0", 16)
        if 0xD800 <= code <= 0xDFFF:
            pos = m.start() + 2
            break
    line = text.count("\n", 0, pos) + 1
    col = pos - (text.rfind("\n", 0, pos) + 1) + 1
    return _diag(path, line, col, "yaml-syntax", "found invalid Unicode character escape code")


def parse(text: str, path: str, *, engine: str | None = None):
    """Text → node tree (``YMap``/``YSeq``/``YScalar``), or ``None`` for an empty document."""
    from ruamel.yaml import events as ev
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    get_event, pure = _event_source(text, engine)
    stack: list = []  # containers being built
    pending_key: list = []  # for maps: the key scalar waiting for its value
    root = None
    documents = 0
    scalar_event = ev.ScalarEvent
    surrogate = _SURROGATE.search
    try:
        while True:
            e = get_event()
            t = type(e)
            if t is scalar_event:  # most events: checked first, attached in place
                mark = e.start_mark
                line, col = mark.line + 1, mark.column + 1
                if e.anchor:
                    raise _diag(
                        path, line, col, "yaml-alias", f"anchors (&{e.anchor}) are not allowed"
                    )
                tag = e.tag
                if tag is not None and tag != "!":
                    raise _diag(path, line, col, "yaml-tag", f"tags ({tag}) are not allowed")
                if pure and surrogate(e.value):  # only the pure parser lets these through
                    raise _surrogate_escape(text, e, path)
                value: YScalar | YMap | YSeq = YScalar(
                    e.value, bool(e.implicit[0]) and not e.style, line, col
                )
                if not stack:
                    root = value
                    continue
                parent = stack[-1]
                if type(parent) is YMap and pending_key[-1] is not None:
                    key = pending_key[-1].value
                    parent.items[key] = value
                    parent.keys[key] = pending_key[-1]
                    parent.order.append(key)
                    pending_key[-1] = None
                else:
                    _attach(stack, pending_key, value, path)
                continue
            line, col = e.start_mark.line + 1, e.start_mark.column + 1
            if t is ev.StreamStartEvent:
                continue
            if t is ev.StreamEndEvent:
                break
            if t is ev.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    raise _diag(
                        path,
                        line,
                        col,
                        "yaml-multi-document",
                        "only one YAML document per file is allowed",
                    )
                if getattr(e, "version", None) or getattr(e, "tags", None):
                    # at the directive itself (the pure parser marks the ``---`` after it)
                    found = _DIRECTIVE.search(text)
                    raise _diag(
                        path,
                        text.count("\n", 0, found.start()) + 1 if found else line,
                        1 if found else col,
                        "yaml-directive",
                        "%YAML and %TAG directives are not allowed",
                    )
                continue
            if t is ev.DocumentEndEvent:
                continue
            if t is ev.AliasEvent:
                raise _diag(
                    path,
                    line,
                    col,
                    "yaml-alias",
                    f"aliases (*{e.anchor}) are not allowed; write the value out",
                )
            if getattr(e, "anchor", None):
                raise _diag(path, line, col, "yaml-alias", f"anchors (&{e.anchor}) are not allowed")
            if t in (ev.MappingEndEvent, ev.SequenceEndEvent):
                node = stack.pop()
                if isinstance(node, YMap):
                    node.end_line, node.end_col = line, col
                    pending_key.pop()
                value = node
            else:
                tag = getattr(e, "tag", None)
                if tag is not None and tag != "!":
                    raise _diag(path, line, col, "yaml-tag", f"tags ({tag}) are not allowed")
                if t is ev.MappingStartEvent:
                    if len(stack) >= MAX_DEPTH:
                        raise _diag(
                            path,
                            line,
                            col,
                            "yaml-too-deep",
                            f"nesting deeper than {MAX_DEPTH} levels",
                        )
                    value = YMap({}, {}, line, col, flow=bool(e.flow_style))
                    _attach(stack, pending_key, value, path)
                    stack.append(value)
                    pending_key.append(None)
                    continue
                elif t is ev.SequenceStartEvent:
                    if len(stack) >= MAX_DEPTH:
                        raise _diag(
                            path,
                            line,
                            col,
                            "yaml-too-deep",
                            f"nesting deeper than {MAX_DEPTH} levels",
                        )
                    value = YSeq([], line, col)
                    _attach(stack, pending_key, value, path)
                    stack.append(value)
                    continue
                else:  # pragma: no cover - no other event types exist
                    raise _diag(
                        path, line, col, "yaml-syntax", f"unexpected YAML event {t.__name__}"
                    )
            # a finished container
            if not stack:
                root = value
    except InputError:
        raise
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        if line > text.count("\n") + 1:  # libyaml's end of a file with no final line break:
            line, col = _line_col(text, len(text))  # the end of its last line
        problem = exc.problem or exc.context or "invalid YAML"
        raise _diag(path, line, col, "yaml-syntax", problem) from None
    except YAMLError as exc:
        raise _diag(
            path, 1, 1, "yaml-syntax", str(exc).splitlines()[0] if str(exc) else "invalid YAML"
        ) from None
    except RecursionError:
        raise _diag(
            path, 1, 1, "yaml-too-deep", f"nesting deeper than {MAX_DEPTH} levels"
        ) from None
    return root


def _attach(stack: list, pending_key: list, value, path: str) -> None:
    """Put a finished scalar or a new container into its parent."""
    if not stack:
        return
    parent = stack[-1]
    if isinstance(parent, YSeq):
        parent.items.append(value)
        return
    key = pending_key[-1]
    if key is None:
        if not isinstance(value, YScalar):
            raise _diag(
                path, value.line, value.col, "yaml-syntax", "mapping keys must be plain strings"
            )
        if value.plain and value.value == "<<":
            raise _diag(
                path, value.line, value.col, "yaml-merge-key", "merge keys (<<) are not allowed"
            )
        if value.value in parent.items:
            first = parent.keys[value.value]
            raise _diag(
                path,
                value.line,
                value.col,
                "yaml-duplicate-key",
                f"duplicate key '{value.value}' (first at line {first.line})",
            )
        pending_key[-1] = value
        return
    parent.items[key.value] = value
    parent.keys[key.value] = key
    parent.order.append(key.value)
    pending_key[-1] = None


def load_bytes(data: bytes, path: str, *, engine: str | None = None):
    """Bytes → node tree; raises :class:`InputError` with one positioned diagnostic."""
    return parse(decode(data, path), path, engine=engine)
