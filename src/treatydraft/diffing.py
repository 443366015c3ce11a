"""Word-level diff core: tokens -> ops (pure).

Tokens are words, whitespace runs and single punctuation characters; CJK is
tokenised per character and combining marks always stay with their base.
Each distinct (normalised) token is mapped to one private character and the
resulting strings are diffed with diff-match-patch (:mod:`.diffengine`: compiled or pure)
using semantic cleanup and a finite time limit.  When the limit is hit the
diff is redone at sentence, then paragraph granularity and labelled
approximate.  Every result is verified to rebuild both texts exactly.
"""

from __future__ import annotations

import functools
import re
import threading
import time
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from . import anchoring
from .diffengine import engine

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
            f"expected {expected[at : at + 20]!r}, got {got[at : at + 20]!r})"
        )
        self.side = side


class Op(NamedTuple):
    """One redline operation; ``old``/``new`` are the exact texts on each side (a named tuple:
    diffs make hundreds of thousands of them)."""

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
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2033": '"',
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


#: The combining marks (category M*) of Unicode 14.0.0 (Python 3.11's ``unicodedata``),
#: as hex ranges: scanning all 1.1 million code points costs ~0.2 s per process, more
#: than a whole ``check`` of a small project.
_MARKS_VERSION = "14.0.0"
_MARKS_RANGES = (
    "300-36f 483-489 591-5bd 5bf 5c1-5c2 5c4-5c5 5c7 610-61a 64b-65f 670 6d6-6dc 6df-6e4 "
    "6e7-6e8 6ea-6ed 711 730-74a 7a6-7b0 7eb-7f3 7fd 816-819 81b-823 825-827 829-82d 859-85b "
    "898-89f 8ca-8e1 8e3-903 93a-93c 93e-94f 951-957 962-963 981-983 9bc 9be-9c4 9c7-9c8 "
    "9cb-9cd 9d7 9e2-9e3 9fe a01-a03 a3c a3e-a42 a47-a48 a4b-a4d a51 a70-a71 a75 a81-a83 abc "
    "abe-ac5 ac7-ac9 acb-acd ae2-ae3 afa-aff b01-b03 b3c b3e-b44 b47-b48 b4b-b4d b55-b57 "
    "b62-b63 b82 bbe-bc2 bc6-bc8 bca-bcd bd7 c00-c04 c3c c3e-c44 c46-c48 c4a-c4d c55-c56 "
    "c62-c63 c81-c83 cbc cbe-cc4 cc6-cc8 cca-ccd cd5-cd6 ce2-ce3 d00-d03 d3b-d3c d3e-d44 "
    "d46-d48 d4a-d4d d57 d62-d63 d81-d83 dca dcf-dd4 dd6 dd8-ddf df2-df3 e31 e34-e3a e47-e4e "
    "eb1 eb4-ebc ec8-ecd f18-f19 f35 f37 f39 f3e-f3f f71-f84 f86-f87 f8d-f97 f99-fbc fc6 "
    "102b-103e 1056-1059 105e-1060 1062-1064 1067-106d 1071-1074 1082-108d 108f 109a-109d "
    "135d-135f 1712-1715 1732-1734 1752-1753 1772-1773 17b4-17d3 17dd 180b-180d 180f "
    "1885-1886 18a9 1920-192b 1930-193b 1a17-1a1b 1a55-1a5e 1a60-1a7c 1a7f 1ab0-1ace "
    "1b00-1b04 1b34-1b44 1b6b-1b73 1b80-1b82 1ba1-1bad 1be6-1bf3 1c24-1c37 1cd0-1cd2 "
    "1cd4-1ce8 1ced 1cf4 1cf7-1cf9 1dc0-1dff 20d0-20f0 2cef-2cf1 2d7f 2de0-2dff 302a-302f "
    "3099-309a a66f-a672 a674-a67d a69e-a69f a6f0-a6f1 a802 a806 a80b a823-a827 a82c "
    "a880-a881 a8b4-a8c5 a8e0-a8f1 a8ff a926-a92d a947-a953 a980-a983 a9b3-a9c0 a9e5 "
    "aa29-aa36 aa43 aa4c-aa4d aa7b-aa7d aab0 aab2-aab4 aab7-aab8 aabe-aabf aac1 aaeb-aaef "
    "aaf5-aaf6 abe3-abea abec-abed fb1e fe00-fe0f fe20-fe2f 101fd 102e0 10376-1037a "
    "10a01-10a03 10a05-10a06 10a0c-10a0f 10a38-10a3a 10a3f 10ae5-10ae6 10d24-10d27 "
    "10eab-10eac 10f46-10f50 10f82-10f85 11000-11002 11038-11046 11070 11073-11074 "
    "1107f-11082 110b0-110ba 110c2 11100-11102 11127-11134 11145-11146 11173 11180-11182 "
    "111b3-111c0 111c9-111cc 111ce-111cf 1122c-11237 1123e 112df-112ea 11300-11303 "
    "1133b-1133c 1133e-11344 11347-11348 1134b-1134d 11357 11362-11363 11366-1136c "
    "11370-11374 11435-11446 1145e 114b0-114c3 115af-115b5 115b8-115c0 115dc-115dd "
    "11630-11640 116ab-116b7 1171d-1172b 1182c-1183a 11930-11935 11937-11938 1193b-1193e "
    "11940 11942-11943 119d1-119d7 119da-119e0 119e4 11a01-11a0a 11a33-11a39 11a3b-11a3e "
    "11a47 11a51-11a5b 11a8a-11a99 11c2f-11c36 11c38-11c3f 11c92-11ca7 11ca9-11cb6 "
    "11d31-11d36 11d3a 11d3c-11d3d 11d3f-11d45 11d47 11d8a-11d8e 11d90-11d91 11d93-11d97 "
    "11ef3-11ef6 16af0-16af4 16b30-16b36 16f4f 16f51-16f87 16f8f-16f92 16fe4 16ff0-16ff1 "
    "1bc9d-1bc9e 1cf00-1cf2d 1cf30-1cf46 1d165-1d169 1d16d-1d172 1d17b-1d182 1d185-1d18b "
    "1d1aa-1d1ad 1d242-1d244 1da00-1da36 1da3b-1da6c 1da75 1da84 1da9b-1da9f 1daa1-1daaf "
    "1e000-1e006 1e008-1e018 1e01b-1e021 1e023-1e024 1e026-1e02a 1e130-1e136 1e2ae "
    "1e2ec-1e2ef 1e8d0-1e8d6 1e944-1e94a e0100-e01ef"
)
#: Planes that hold combining marks (BMP, SMP, SSP); the others hold none.
_MARK_PLANES = (range(0, 0x20000), range(0xE0000, 0xE1000))


def _scan_marks(planes: Iterable[range]) -> list[int]:
    return [cp for plane in planes for cp in plane if unicodedata.category(chr(cp)).startswith("M")]


@functools.cache
def _mark_classes() -> tuple[str, str]:
    """Class bodies of the combining marks in the BMP and above it."""
    if unicodedata.unidata_version == _MARKS_VERSION:
        spans = [
            (int(p[0], 16), int(p[-1], 16))
            for p in (piece.split("-") for piece in _MARKS_RANGES.split())
        ]
        bmp = "".join(_class_range(lo, hi) for lo, hi in spans if hi < 0x10000)
        return bmp, "".join(_class_range(lo, hi) for lo, hi in spans if lo >= 0x10000)
    points = _scan_marks(_MARK_PLANES)
    return _ranges(c for c in points if c < 0x10000), _ranges(c for c in points if c >= 0x10000)


@functools.cache
def mark_class() -> str:
    """Regex character-class body matching every combining mark (category M*)."""
    bmp, astral = _mark_classes()
    return bmp + astral


def _mark() -> str:
    """A regex matching one combining mark, split in two so that ``re`` tests BMP
    characters against a bitmap instead of a list of ~300 ranges (8x faster)."""
    bmp, astral = _mark_classes()
    return f"(?:[{bmp}]|(?=[\\U00010000-\\U0010ffff])[{astral}])"


@functools.cache
def _token_re() -> re.Pattern[str]:
    marks = f"{_mark()}*"
    word_char = f"[^\\W{CJK_RANGES}]"
    word_unit = f"(?:{word_char}{marks})+"
    word = f"{word_unit}(?:[\u200c\u200d]+{word_unit})*"
    hangul = f"[{_HANGUL_L}]+[{_HANGUL_V}]*[{_HANGUL_T}]*|[\uac00-\ud7a3][{_HANGUL_T}]*"
    cjk = f"(?:{hangul}|[{CJK_RANGES}]){marks}"
    return re.compile(f"{cjk}|{word}|\\s+|.{marks}", re.DOTALL)


#: Text without combining marks, joiners or CJK: its tokens are ``\w+``, ``\s+`` or one
#: character, exactly as the full tokenizer finds them.  Anything from U+0300 up, except
#: General Punctuation (U+2000-U+206F: no marks, no CJK) other than the joiners, takes
#: the full tokenizer.
_NOT_PLAIN = re.compile(
    "[^\x00-\u02ff\u2000-\u200b\u200e-\u206f]"
)  # the complement compiles 10x faster
_PLAIN_TOKEN = re.compile(r"\w+|\s+|.", re.DOTALL)
_PLAIN_WORD = re.compile(r"\w+")


def tokenize(text: str) -> list[str]:
    """Split ``text`` into tokens; ``"".join(tokenize(text)) == text``."""
    if not _NOT_PLAIN.search(text):
        return _PLAIN_TOKEN.findall(text)
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
    if text.isascii():  # already NFC, no curly quotes
        if text.isprintable() and "  " not in text:  # no whitespace but single spaces
            return text
        return _SPACE_RUN.sub(" ", text)
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
        if not dels:
            return
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
    if text.isascii() and text.isalnum():  # one word (the usual change: a word replaced)
        return 1
    if not _NOT_PLAIN.search(text):
        return len(_PLAIN_WORD.findall(text))
    return sum(1 for tok in tokenize(text) if _HAS_WORD.search(tok))


def word_stats(ops: Iterable[Op]) -> tuple[int, int]:
    """Return ``(changed_words, total_words)``.

    A word is a token containing a ``\\w`` character (each CJK character is
    one word).  ``changed_words`` counts the words in delete ops (old side) plus
    those in insert ops (new side); equal, format and rule ops count as
    unchanged.  ``total_words`` is the number of words of the old side plus
    those of the new side.  The commands do not show this: the change measure they
    share (source words changed) is :mod:`treatydraft.measure`.
    """
    ops = tuple(ops)
    # one count per side: joining with a space never merges two words into one
    deleted = " ".join(op.old for op in ops if op.kind == DELETE)
    inserted = " ".join(op.new for op in ops if op.kind == INSERT)
    changed = _count_words(deleted) + _count_words(inserted)
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


#: token -> :func:`normalise` key, shared by the diffs of a process (tokens repeat a lot).
_KEYS: dict[str, str] = {}
#: The code points of the first private-use plane, in order: what _code_point(0..6399) gives.
_FIRST_CODES = "".join(map(chr, range(0xE000, 0xF900)))


class _TooManyTokens(Exception):
    """More distinct tokens than there are code points to map them to."""


def _code_point(index: int) -> str:
    for lo, hi in _PRIVATE_PLANES:
        size = hi - lo + 1
        if index < size:
            return chr(lo + index)
        index -= size
    raise _TooManyTokens


class _Side(NamedTuple):
    """The old side of a diff, encoded: its tokens, their keys, one code point per distinct
    key (in order of first appearance) and the encoded string."""

    tokens: Sequence[str]
    codes: dict[str, str]
    encoded: str


def _keys_of(tokens: Sequence[str]) -> list[str]:
    keys = _KEYS
    if len(keys) > 200_000:
        keys.clear()
    for tok in set(tokens).difference(keys):
        keys[tok] = normalise(tok)
    return list(map(keys.__getitem__, tokens))


def _encode_old(tokens: Sequence[str]) -> _Side:
    token_keys = _keys_of(tokens)
    distinct = dict.fromkeys(token_keys)
    if len(distinct) <= len(_FIRST_CODES):
        codes = dict(zip(distinct, _FIRST_CODES))
    else:
        codes = {key: _code_point(n) for n, key in enumerate(distinct)}
    return _Side(tokens, codes, "".join(map(codes.__getitem__, token_keys)))


#: old text -> its encoded word tokens: ``check`` and ``redline`` diff many texts against the
#: same source paragraph (the old side's codes do not depend on the new side).
#: Bounded by the characters held, not only the count: a source node can be a long text.
_OLD_SIDES: dict[str, _Side] = {}
_OLD_SIDES_MAX_CHARS = 2_000_000


def _old_side(old: str) -> _Side:
    global _old_sides_chars
    hit = _OLD_SIDES.get(old)
    if hit is None:
        if len(_OLD_SIDES) >= 2048 or _old_sides_chars + len(old) > _OLD_SIDES_MAX_CHARS:
            _OLD_SIDES.clear()
            _old_sides_chars = 0
        hit = _encode_old(tokenize(old))
        if len(old) <= _OLD_SIDES_MAX_CHARS:
            _OLD_SIDES[old] = hit
            _old_sides_chars += len(old)
    return hit


_old_sides_chars = 0


#: The last few engine runs, by their encoded inputs: a redline diffs a paragraph as written
#: and then, for the change measure, folded; when folding changed only whitespace the engine
#: gets the same two strings (whitespace runs share one key) and its answer is reused.
_ENGINE_RUNS: dict[tuple, tuple[list[tuple[str, int]], bool]] = {}
_ENGINE_RUNS_LOCK = threading.Lock()


def _run_engine(a: str, b: str, timeout: float) -> tuple[list[tuple[str, int]], bool]:
    run = engine()
    key = (run, a, b, timeout)
    hit = _ENGINE_RUNS.get(key)
    if hit is None:
        if anchoring.needed(a, b):  # a long text: diffed between anchors (see anchoring)
            hit = anchoring.diff(a, b, timeout, run)
        else:
            started = time.perf_counter()
            changes = run(a, b, timeout)
            hit = (changes, time.perf_counter() - started >= timeout)
        if len(a) + len(b) <= 1_000_000:  # a few MB at most, whatever the input
            with _ENGINE_RUNS_LOCK:  # the API may be called from several threads
                if len(_ENGINE_RUNS) >= 8:
                    _ENGINE_RUNS.pop(next(iter(_ENGINE_RUNS)))
                _ENGINE_RUNS[key] = hit
    return hit


def _diff_tokens(
    old_tokens: Sequence[str] | _Side, new_tokens: Sequence[str], timeout: float
) -> tuple[list[Op], bool]:
    """Diff two token lists (the old one possibly encoded already); return token-level ops
    and whether time ran out."""
    old = old_tokens if isinstance(old_tokens, _Side) else _encode_old(old_tokens)
    old_tokens = old.tokens
    new_keys = _keys_of(new_tokens)
    codes = old.codes
    extra = [key for key in dict.fromkeys(new_keys) if key not in codes]
    if extra:
        n = len(codes)
        codes = codes | {key: _code_point(n + i) for i, key in enumerate(extra)}
    a, b = old.encoded, "".join(map(codes.__getitem__, new_keys))
    changes, timed_out = _run_engine(a, b, timeout)

    ops: list[Op] = []
    i = j = 0
    for kind, length in changes:
        if kind == "=":
            xs, ys = old_tokens[i : i + length], new_tokens[j : j + length]
            if xs == ys:  # the usual case: one op for the whole run
                text = "".join(xs)
                ops.append(Op(EQUAL, text, text))
            else:
                for x, y in zip(xs, ys):
                    ops.append(Op(EQUAL, x, y) if x == y else Op(FORMAT, x, y))
            i += length
            j += length
        elif kind == "-":
            ops.append(Op(DELETE, "".join(old_tokens[i : i + length]), ""))
            i += length
        else:
            ops.append(Op(INSERT, "", "".join(new_tokens[j : j + length])))
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
        same: tuple[Op, ...] = (Op(EQUAL, old, new),) if old else ()
        return DiffResult(same, approximate=False, granularity="word")

    ops_list: list[Op] = []
    granularity = "word"
    for granularity, split in _GRANULARITIES:  # noqa: B007 - the last one tried is reported
        try:
            old_side = _old_side(old) if split is tokenize else split(old)
            ops_list, timed_out = _diff_tokens(old_side, split(new), timeout)
        except _TooManyTokens:
            ops_list, timed_out = [Op(DELETE, old, ""), Op(INSERT, "", new)], True
        if not timed_out:
            break
    ops = tuple(coalesce(ops_list))
    verify(ops, old, new)
    return DiffResult(ops, approximate=granularity != "word", granularity=granularity)
