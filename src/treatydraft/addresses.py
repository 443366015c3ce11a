"""Source addresses: ``25``, ``25(1)``, ``2(c)``, ``3(1)(a)(i)``, ``recital 24`` (pure)."""

from __future__ import annotations

import functools
import re

_ARTICLE = re.compile(
    r"^\s*(?:art(?:icle)?\.?\s*)?(\d+[a-z]?)\s*((?:\(\s*[0-9a-zA-Z]+\s*\)\s*)*)$", re.IGNORECASE
)
_RECITAL = re.compile(r"^\s*recital\s*\(?\s*(\d+)\s*\)?\s*$", re.IGNORECASE)
_PART = re.compile(r"\(\s*([0-9a-zA-Z]+)\s*\)")


def parse(address: str) -> tuple[str, ...] | None:
    """``"25(1)(a)"`` → ``("25", "1", "a")``; ``"recital 24"`` → ``("recital", "24")``; else ``None``."""
    m = _RECITAL.match(address)
    if m:
        return ("recital", m.group(1))
    m = _ARTICLE.match(address)
    if not m:
        return None
    return (m.group(1),) + tuple(_PART.findall(m.group(2)))


def parts(address: str) -> tuple[str, ...]:
    """:func:`parse` for an address known to be one (a source node's); ``ValueError`` if not."""
    got = parse(address)
    if got is None:
        raise ValueError(f"not a source address: {address!r}")
    return got


@functools.lru_cache(maxsize=8192)  # a project names the same few hundred addresses
def canonical(address: str) -> str | None:
    """The canonical spelling of an address, or ``None`` when it is not one."""
    parts = parse(address)
    if parts is None:
        return None
    return join(parts)


def join(parts: tuple[str, ...]) -> str:
    if parts[0] == "recital":
        return f"recital {parts[1]}"
    return parts[0] + "".join(f"({p})" for p in parts[1:])


def display(address: str) -> str:
    """``"25(1)"`` → ``"Art. 25(1)"``; ``"recital 24"`` → ``"recital 24"``."""
    return address if address.startswith("recital") else f"Art. {address}"
