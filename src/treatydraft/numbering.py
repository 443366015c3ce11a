"""Labels of paragraphs, points and sub-points (pure)."""

from __future__ import annotations

_ROMAN = [
    (1000, "m"),
    (900, "cm"),
    (500, "d"),
    (400, "cd"),
    (100, "c"),
    (90, "xc"),
    (50, "l"),
    (40, "xl"),
    (10, "x"),
    (9, "ix"),
    (5, "v"),
    (4, "iv"),
    (1, "i"),
]


def roman(n: int) -> str:
    """1 → i, 4 → iv, 1990 → mcmxc; past 3,999 (where roman numerals would grow with the
    number) the decimal number, so that a label never costs more than a few characters."""
    if n > 3999:
        return str(n)
    out = []
    for value, sym in _ROMAN:
        while n >= value:
            out.append(sym)
            n -= value
    return "".join(out)


def letter(n: int) -> str:
    """1 → a, 26 → z, 27 → aa, 28 → ab, … 52 → az, 53 → ba, … 702 → zz, 703 → aaa.

    Bijective base 26, like spreadsheet columns: the label's length grows with the
    logarithm of ``n``, never with ``n`` itself (the older ``aa, bbb, cccc`` scheme made
    170,000 points a 557 MB draft)."""
    out = []
    while n > 0:
        n, r = divmod(n - 1, 26)
        out.append(chr(ord("a") + r))
    return "".join(reversed(out))


def label(index: int, depth: int) -> str:
    """The label of the ``index``-th (0-based) item at ``depth`` (1 paragraph, 2 point, 3 sub-point, 4 …)."""
    n = index + 1
    if depth == 1:
        return str(n)
    if depth == 2:
        return letter(n)
    if depth == 3:
        return roman(n)
    return letter(n)


def describe(key_path: tuple) -> str:
    """``("paragraphs", 1, "points", 2)`` → ``"paragraph 2, point (c)"``."""
    parts = []
    for depth, i in enumerate(range(1, len(key_path), 2), start=1):
        idx = key_path[i]
        parts.append(f"paragraph {idx + 1}" if depth == 1 else f"point ({label(idx, depth)})")
    return ", ".join(parts)
