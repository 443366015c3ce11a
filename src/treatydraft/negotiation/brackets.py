"""The inline bracket notation of negotiating texts (§12), parsed with positions (pure).

* ``[text]`` is bracketed (not agreed) text; a lone group is optional text.
* Adjacent groups are alternatives of one group: ``[shall][may]``, or separated by exactly
  one space, ``[shall] [may]``.
* Groups nest: ``[below 1.5 °C [or] [well] below 2 °C]``.
* ``\\[`` and ``\\]`` are literal brackets (a backslash before anything else is itself).

The tree keeps every character of the input, so :func:`negotiating` gives the input back
byte for byte. Groups are numbered 1, 2, … in document order of their opening bracket
(an outer group before the groups nested in it), which is the order attributions follow.

Public API (also used by ``amend``): :func:`parse`, :func:`has_brackets`, :func:`groups`,
:func:`negotiating`, :func:`resolve`, :func:`readings`, :func:`unescape`, and the tree
types :class:`Bracketed`, :class:`Group`, :class:`Option`, :class:`Literal`; a bad text
raises :class:`BracketError` with the offset of the offending bracket.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

_ESCAPED = re.compile(r"\\([\[\]])")
_SPACES = re.compile(r"[ \t]{2,}")
_SPACE_BEFORE_PUNCT = re.compile(r" ([,.;:)])")


#: limits that keep a hostile text from exhausting the stack or the provenance check
MAX_DEPTH = 32
MAX_OPTIONS = 500


class BracketError(ValueError):
    """An unbalanced bracket (``code`` ``unbalanced-bracket``) or a text beyond the limits
    (``bracket-limit``); ``offset`` is the index of the offending bracket in the text."""

    def __init__(self, offset: int, message: str, code: str = "unbalanced-bracket"):
        super().__init__(message)
        self.offset = offset
        self.message = message
        self.code = code


@dataclass(frozen=True, slots=True)
class Literal:
    """Text outside or inside brackets, as written (escapes included)."""

    raw: str
    start: int

    @property
    def value(self) -> str:
        return unescape(self.raw)


@dataclass(frozen=True, slots=True)
class Option:
    """One bracketed alternative ``[…]``: ``start`` is the offset of ``[``, ``end`` just past ``]``."""

    parts: tuple[Literal | Group, ...]
    start: int
    end: int

    @property
    def raw(self) -> str:
        """The option's text as written, without its own brackets (nested groups kept)."""
        return "".join(_raw(p) for p in self.parts)


@dataclass(frozen=True, slots=True)
class Group:
    """Adjacent alternatives; ``separators[i]`` is written between option i and i+1 ('' or ' ')."""

    options: tuple[Option, ...]
    separators: tuple[str, ...]

    @property
    def start(self) -> int:
        return self.options[0].start

    @property
    def end(self) -> int:
        return self.options[-1].end


@dataclass(frozen=True, slots=True)
class Bracketed:
    """A parsed text: literals and groups at the top level."""

    parts: tuple[Literal | Group, ...]
    text: str


def _raw(part: Literal | Group) -> str:
    if isinstance(part, Literal):
        return part.raw
    out = []
    for i, opt in enumerate(part.options):
        if i:
            out.append(part.separators[i - 1])
        out.append("[" + opt.raw + "]")
    return "".join(out)


def unescape(raw: str) -> str:
    """``\\[`` → ``[`` and ``\\]`` → ``]``."""
    return _ESCAPED.sub(r"\1", raw)


def has_brackets(text: str) -> bool:
    """Whether ``text`` holds a bracket that is not escaped (cheap; does not validate)."""
    if "[" not in text and "]" not in text:
        return False
    return bool(re.search(r"(?<!\\)[\[\]]", text))


def parse(text: str) -> Bracketed:
    """Parse ``text``; raise :class:`BracketError` at the first unbalanced bracket."""
    # each level: [parts, buffer, buffer start, offset of its '[' (or -1), join info]
    stack: list[list] = [[[], [], 0, -1, None]]
    i = 0
    n = len(text)
    options = 0
    while i < n:
        ch = text[i]
        level = stack[-1]
        if ch == "\\" and i + 1 < n and text[i + 1] in "[]":
            if not level[1]:
                level[2] = i
            level[1].append(text[i : i + 2])
            i += 2
            continue
        if ch == "[":
            parts, buf = level[0], level[1]
            join = None
            joined = "".join(buf)
            if parts and isinstance(parts[-1], Group) and joined in ("", " "):
                join = joined
                level[1] = []
            else:
                _flush(level)
            stack.append([[], [], i + 1, i, join])
            options += 1
            if len(stack) > MAX_DEPTH + 1:
                raise BracketError(
                    i, f"brackets nested deeper than {MAX_DEPTH} levels", "bracket-limit"
                )
            if options > MAX_OPTIONS:
                raise BracketError(
                    i,
                    f"more than {MAX_OPTIONS} bracketed options in one text; split it",
                    "bracket-limit",
                )
            i += 1
            continue
        if ch == "]":
            if len(stack) == 1:
                raise BracketError(i, "closing bracket ']' without an opening '['")
            _flush(level)
            stack.pop()
            option = Option(tuple(level[0]), level[3], i + 1)
            parent = stack[-1]
            join = level[4]
            if join is not None:
                prev = parent[0][-1]
                parent[0][-1] = Group(prev.options + (option,), prev.separators + (join,))
            else:
                parent[0].append(Group((option,), ()))
            parent[2] = i + 1
            i += 1
            continue
        if not level[1]:
            level[2] = i
        level[1].append(ch)
        i += 1
    if len(stack) > 1:
        raise BracketError(stack[-1][3], "opening bracket '[' is never closed")
    _flush(stack[0])
    return Bracketed(tuple(stack[0][0]), text)


def _flush(level: list) -> None:
    if level[1]:
        level[0].append(Literal("".join(level[1]), level[2]))
        level[1] = []


def negotiating(tree: Bracketed | Option) -> str:
    """The negotiating text as written: for a :class:`Bracketed`, exactly its input."""
    return "".join(_raw(p) for p in tree.parts)


def display(tree: Bracketed) -> str:
    """The negotiating text as printed: brackets kept, escaped brackets shown plainly."""
    return unescape(negotiating(tree))


def groups(tree: Bracketed | Option) -> list[Group]:
    """Every group, outer before inner, in document order (group 1 is ``groups(t)[0]``)."""
    out: list[Group] = []

    def rec(parts):
        for p in parts:
            if isinstance(p, Group):
                out.append(p)
                for opt in p.options:
                    rec(opt.parts)

    rec(tree.parts)
    return out


def counts(tree: Bracketed) -> tuple[int, int]:
    """(number of groups, number of options)."""
    gs = groups(tree)
    return len(gs), sum(len(g.options) for g in gs)


Choice = Callable[[int, Group], "int | None"]


def _chooser(choose: Mapping[int, int] | Choice | None) -> Choice:
    if choose is None:
        return lambda index, group: 0
    if callable(choose):
        return choose
    mapping = dict(choose)

    def pick(index: int, group: Group) -> int | None:
        n = mapping.get(index, 1)
        return None if n == 0 else n - 1

    return pick


def resolve(tree: Bracketed, choose: Mapping[int, int] | Choice | None = None) -> str:
    """A clean text with no negotiation brackets.

    ``choose`` picks an option for each group: ``None`` takes the first everywhere; a
    mapping ``{group number: option number}`` (1-based; 0 leaves the group out; groups
    not named take their first option); or a function ``(group number, Group) → option
    index (0-based) or None`` (leave it out). Groups inside an option not taken are not
    asked about. Escaped brackets become plain brackets; the space left by an omitted
    group is closed up.
    """
    pick = _chooser(choose)
    numbers = {id(g): k for k, g in enumerate(groups(tree), start=1)}

    def rec(parts) -> str:
        out = []
        for p in parts:
            if isinstance(p, Literal):
                out.append(p.value)
                continue
            k = pick(numbers[id(p)], p)
            if k is None:
                continue
            k = max(0, min(k, len(p.options) - 1))
            out.append(rec(p.options[k].parts))
        return "".join(out)

    text = rec(tree.parts)
    text = _SPACES.sub(" ", text)
    return _SPACE_BEFORE_PUNCT.sub(r"\1", text).strip()


@dataclass(frozen=True, slots=True)
class Reading:
    """One clean reading of a text: option ``option`` (0-based) of group ``group`` (1-based),
    the first option of every other group. ``group`` is 0 for the all-first reading."""

    group: int
    option: int
    option_text: str
    text: str


def readings(tree: Bracketed) -> Iterator[Reading]:
    """The all-first reading, then for every group every other option (in the reading
    that takes the first option of the other groups). An option nested in an option that
    is not the first is read with its enclosing option taken."""
    gs = groups(tree)
    yield Reading(0, 0, "", resolve(tree))
    parents: dict[int, tuple[int, int]] = {}  # group id → (parent group number, option index)

    def rec(parts, parent):
        for p in parts:
            if isinstance(p, Group):
                if parent is not None:
                    parents[id(p)] = parent
                num = gs.index(p) + 1
                for oi, opt in enumerate(p.options):
                    rec(opt.parts, (num, oi))

    rec(tree.parts, None)
    for num, g in enumerate(gs, start=1):
        for oi in range(1, len(g.options)):
            want = {num: oi}
            cur = parents.get(id(g))
            while cur is not None:  # make sure the enclosing options are taken
                want[cur[0]] = cur[1]
                cur = parents.get(id(gs[cur[0] - 1]))

            def pick(k: int, _g: Group, w: dict[int, int] = want) -> int | None:
                return w.get(k, 0)

            text = resolve(tree, pick)
            yield Reading(num, oi, unescape(g.options[oi].raw), text)
