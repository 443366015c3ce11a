"""Word-level diff core: tokens -> ops (pure).

Tokens are words, whitespace runs and single punctuation characters; CJK is
tokenised per character and combining marks always stay with their base.
Each distinct (normalised) token is mapped to one private character and the
resulting strings are diffed with diff-match-patch (``fast_diff_match_patch``)
using semantic cleanup and a finite time limit.  When the limit is hit the
diff is redone at sentence, then paragraph granularity and labelled
approximate.  Every result is verified to rebuild both texts exactly.
"""

from __future__ import annotations

import functools
import re
import sys
import time
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

__all__ = [
    "CJK_RANGES",
    "DiffResult",
    "Op",
    "RedlineIntegrityError",
    "coalesce",
    "diff",
    "mark_class",
    "normalise",
    "rebuild_new",
    "rebuild_old",
    "tokenize",
    "verify",
    "word_stats",
]

EQUAL = "equal"
DELETE = "delete"
INSERT = "insert"
FORMAT = "format"
RULE = "rule"


class RedlineIntegrityError(Exception):
    """The ops of a redline do not rebuild the old and new texts exactly."""

    def __init__(self, side: str, expected: str, got: str) -> None:
        at = next(
            (i for i, (x, y) in enumerate(zip(expected, got)) if x != y),
            min(len(expected), len(got)),
        )
        super().__init__(
            f"redline does not rebuild the {side} text "
            f"(first difference at character {at}: "
            f"expected {expected[at:at + 20]!r}, got {got[at:at + 20]!r})"
        )
        self.side = side


@dataclass(frozen=True, slots=True)
class Op:
    """One redline operation; ``old``/``new`` are the exact texts on each side."""

    kind: str
    old: str
    new: str
    rule: str | None = None


@dataclass(frozen=True)
class DiffResult:
    """Ops plus how they were obtained."""

    ops: tuple[Op, ...]
    approximate: bool
    granularity: str


# --------------------------------------------------------------------------
# Tokenising

#: Regex character-class body of the scripts tokenised one character at a time.
CJK_RANGES = (
    "\u1100-\u11ff"  # Hangul jamo
    "\u2e80-\u2fdf"  # CJK and Kangxi radicals
    "\u3005-\u3007\u3021-\u3029\u3038-\u303b"
    "\u3040-\u309f"  # Hiragana
    "\u30a0-\u30ff\u31f0-\u31ff"  # Katakana
    "\u3130-\u318f"  # Hangul compatibility jamo
    "\u3400-\u4dbf\u4e00-\u9fff"  # Han
    "\ua960-\ua97f\uac00-\ud7a3\ud7b0-\ud7ff"  # Hangul
    "\uf900-\ufaff"  # CJK compatibility ideographs
    "\uff66-\uff9f"  # halfwidth Katakana
    "\U00020000-\U0003134f"  # Han extensions B-G, compatibility supplement
)
_HANGUL_L = "\u1100-\u115f\ua960-\ua97f"
_HANGUL_V = "\u1160-\u11a7\ud7b0-\ud7c6"
_HANGUL_T = "\u11a8-\u11ff\ud7cb-\ud7fb"
_QUOTES = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"',
        "\u00ab": '"', "\u00bb": '"', "\u2033": '"',
    }
)
_SPACE_RUN = re.compile(r"\s+")
_HAS_WORD = re.compile(r"\w")


def _ranges(codepoints: Iterable[int]) -> str:
    """Compact a sorted code point sequence into a regex character-class body."""
    out: list[str] = []
    start = prev = -2
    for cp in codepoints:
        if cp != prev + 1:
            if start >= 0:
                out.append(_class_range(start, prev))
            start = cp
        prev = cp
    if start >= 0:
        out.append(_class_range(start, prev))
    return "".join(out)


def _class_range(a: int, b: int) -> str:
    return re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}"


@functools.cache
def mark_class() -> str:
    """Regex character-class body matching every combining mark (category M*)."""
    return _ranges(
        cp
        for cp in range(sys.maxunicode + 1)
        if unicodedata.category(chr(cp)).startswith("M")
    )


@functools.cache
def _token_re() -> re.Pattern[str]:
    marks = f"[{mark_class()}]*"
    word_char = f"[^\\W{CJK_RANGES}]"
    word_unit = f"(?:{word_char}{marks})+"
    word = f"{word_unit}(?:[\u200c\u200d]+{word_unit})*"
    hangul = (
        f"[{_HANGUL_L}]+[{_HANGUL_V}]*[{_HANGUL_T}]*"
        f"|[\uac00-\ud7a3][{_HANGUL_T}]*"
    )
    cjk = f"(?:{hangul}|[{CJK_RANGES}]){marks}"
    return re.compile(f"{cjk}|{word}|\\s+|.{marks}", re.DOTALL)


def tokenize(text: str) -> list[str]:
    """Split ``text`` into tokens; ``"".join(tokenize(text)) == text``."""
    return _token_re().findall(text)


_SENTENCE_END = re.compile(r"(?<=[.!?;…])\s+|\n\s*|(?<=[。！？；])")
_PARAGRAPH_END = re.compile(r"\n\s*")


def _split_at(pattern: re.Pattern[str], text: str) -> list[str]:
    pieces: list[str] = []
    start = 0
    for m in pattern.finditer(text):
        end = m.end()
        if end > start:
            pieces.append(text[start:end])
            start = end
    if start < len(text):
        pieces.append(text[start:])
    return pieces


def _sentences(text: str) -> list[str]:
    return _split_at(_SENTENCE_END, text)


def _paragraphs(text: str) -> list[str]:
    return _split_at(_PARAGRAPH_END, text)


def normalise(text: str) -> str:
    """Comparison key: NFC, any whitespace run as one space, ASCII quotes."""
    return _SPACE_RUN.sub(" ", unicodedata.normalize("NFC", text).translate(_QUOTES))


# --------------------------------------------------------------------------
# Op helpers


def rebuild_old(ops: Iterable[Op]) -> str:
    """The old (source) side: rejecting every change."""
    return "".join(op.old for op in ops)


def rebuild_new(ops: Iterable[Op]) -> str:
    """The new (clause) side: accepting every change."""
    return "".join(op.new for op in ops)


def verify(ops: Iterable[Op], old: str, new: str) -> None:
    """Raise :class:`RedlineIntegrityError` unless ``ops`` rebuild both texts."""
    ops = tuple(ops)
    got_old = rebuild_old(ops)
    if got_old != old:
        raise RedlineIntegrityError("old", old, got_old)
    got_new = rebuild_new(ops)
    if got_new != new:
        raise RedlineIntegrityError("new", new, got_new)


def coalesce(ops: Iterable[Op]) -> list[Op]:
    """Canonical form of an op list.

    Drops empty ops, merges neighbouring equal ops and neighbouring format ops,
    turns each run of delete/insert ops into at most one delete followed by one
    insert, and reclassifies such a pair as ``format`` when both sides are equal
    under :func:`normalise` (``equal`` when identical).  Rule ops are kept one
    per application.
    """
    out: list[Op] = []
    dels: list[str] = []
    ins: list[str] = []

    def flush() -> None:
        old, new = "".join(dels), "".join(ins)
        dels.clear()
        ins.clear()
        if old and new and normalise(old) == normalise(new):
            _push(out, Op(EQUAL if old == new else FORMAT, old, new))
            return
        if old:
            _push(out, Op(DELETE, old, ""))
        if new:
            _push(out, Op(INSERT, "", new))

    for op in ops:
        if op.kind in (DELETE, INSERT):
            dels.append(op.old)
            ins.append(op.new)
            continue
        flush()
        if op.kind == RULE or op.old or op.new:
            _push(out, op)
    flush()
    return out


def _push(out: list[Op], op: Op) -> None:
    if out and op.kind in (EQUAL, FORMAT) and out[-1].kind == op.kind:
        prev = out[-1]
        out[-1] = Op(op.kind, prev.old + op.old, prev.new + op.new)
    else:
        out.append(op)


def _count_words(text: str) -> int:
    return sum(1 for tok in tokenize(text) if _HAS_WORD.search(tok))


def word_stats(ops: Iterable[Op]) -> tuple[int, int]:
    """Return ``(changed_words, total_words)``.

    A word is a token containing a ``\\w`` character (each CJK character is
    one word).  ``changed_words`` counts the words in delete ops (old side) plus
    those in insert ops (new side); equal, format and rule ops count as
    unchanged.  ``total_words`` is the number of words of the old side plus
    those of the new side.  The change share is ``changed / total`` (0 when
    ``total`` is 0).
    """
    ops = tuple(ops)
    changed = sum(
        _count_words(op.old) if op.kind == DELETE else _count_words(op.new)
        for op in ops
        if op.kind in (DELETE, INSERT)
    )
    total = _count_words(rebuild_old(ops)) + _count_words(rebuild_new(ops))
    return changed, total


# --------------------------------------------------------------------------
# Diffing

_PRIVATE_PLANES = (
    (0xE000, 0xF8FF),
    (0xF0000, 0xFFFFD),
    (0x100000, 0x10FFFD),
    (0x40000, 0xDFFFF),  # unassigned planes 4-13, only for very large inputs
)


class _TooManyTokens(Exception):
    """More distinct tokens than there are code points to map them to."""


def _code_point(index: int) -> str:
    for lo, hi in _PRIVATE_PLANES:
        size = hi - lo + 1
        if index < size:
            return chr(lo + index)
        index -= size
    raise _TooManyTokens


def _diff_tokens(
    old_tokens: Sequence[str], new_tokens: Sequence[str], timeout: float
) -> tuple[list[Op], bool]:
    """Diff two token lists; return token-level ops and whether time ran out."""
    from fast_diff_match_patch import diff as dmp_diff

    codes: dict[str, str] = {}
    keys: dict[str, str] = {}

    def encode(tokens: Sequence[str]) -> str:
        chars = []
        for tok in tokens:
            key = keys.get(tok)
            if key is None:
                key = keys[tok] = normalise(tok)
            code = codes.get(key)
            if code is None:
                code = codes[key] = _code_point(len(codes))
            chars.append(code)
        return "".join(chars)

    a, b = encode(old_tokens), encode(new_tokens)
    started = time.perf_counter()
    changes = dmp_diff(
        a, b, timelimit=timeout, checklines=False, cleanup="Semantic", counts_only=True
    )
    timed_out = time.perf_counter() - started >= timeout

    ops: list[Op] = []
    i = j = 0
    for kind, length in changes:
        if kind == "=":
            for x, y in zip(old_tokens[i:i + length], new_tokens[j:j + length]):
                ops.append(Op(EQUAL, x, y) if x == y else Op(FORMAT, x, y))
            i += length
            j += length
        elif kind == "-":
            ops.append(Op(DELETE, "".join(old_tokens[i:i + length]), ""))
            i += length
        else:
            ops.append(Op(INSERT, "", "".join(new_tokens[j:j + length])))
            j += length
    return ops, timed_out


_GRANULARITIES: tuple[tuple[str, Callable[[str], list[str]]], ...] = (
    ("word", tokenize),
    ("sentence", _sentences),
    ("paragraph", _paragraphs),
)


def diff(old: str, new: str, *, timeout: float = 2.0) -> DiffResult:
    """Word-level diff of ``old`` against ``new``, verified to rebuild both.

    ``timeout`` (seconds, > 0) bounds each diff-match-patch run; on expiry the
    diff is redone at sentence, then paragraph granularity with
    ``approximate=True``.
    """
    if not timeout > 0:
        raise ValueError("timeout must be a positive number of seconds")
    if old == new:
        ops = (Op(EQUAL, old, new),) if old else ()
        return DiffResult(ops, approximate=False, granularity="word")

    ops_list: list[Op] = []
    granularity = "word"
    for granularity, split in _GRANULARITIES:
        try:
            ops_list, timed_out = _diff_tokens(split(old), split(new), timeout)
        except _TooManyTokens:
            ops_list, timed_out = [Op(DELETE, old, ""), Op(INSERT, "", new)], True
        if not timed_out:
            break
    ops = tuple(coalesce(ops_list))
    verify(ops, old, new)
    return DiffResult(ops, approximate=granularity != "word", granularity=granularity)
