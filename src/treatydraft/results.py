"""The results the use cases in :mod:`treatydraft.api` return, each with its ``exit_code``
(0 clean, 1 findings). Bad input is raised as a :class:`~treatydraft.errors.TreatyDraftError`
(exit 2), never returned."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from .diagnostics import Report

if TYPE_CHECKING:
    from .model import Source, SourceNode


@dataclass(frozen=True)
class Rendered:
    """An output of redline, table, export, status or amend: its data (``bytes`` for binary
    formats), the file it was written to (``out``), and the findings that stopped it."""

    data: str | bytes
    out: Path | None = None
    report: Report = field(default_factory=Report)

    @property
    def exit_code(self) -> int:
        """1 on findings (nothing rendered or written), else 0."""
        return 1 if self.report.diagnostics else 0

    @property
    def text(self) -> str:
        return self.data.decode("utf-8") if isinstance(self.data, bytes) else self.data


@dataclass(frozen=True)
class SourceEntry:
    id: str
    short: str
    title: str
    addresses: tuple[str, ...]
    partial: bool
    included: str | None


@dataclass(frozen=True)
class SourcesList:
    """``sources list``: the sources by id (iterates over them)."""

    sources: tuple[SourceEntry, ...]
    exit_code: int = 0

    def __iter__(self) -> Iterator[SourceEntry]:
        return iter(self.sources)


@dataclass(frozen=True)
class SourceOrigin:
    """``sources show --origin``: the identifying front matter, origin last (iterates over
    the ``(key, value)`` pairs)."""

    fields: tuple[tuple[str, str], ...]
    exit_code: int = 0

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self.fields)


class SourceText(NamedTuple):
    """``sources show``: the source and the node at the address (unpacks as ``src, node``)."""

    source: Source
    node: SourceNode

    @property
    def exit_code(self) -> int:
        return 0


@dataclass(frozen=True)
class AmendApplied:
    """``amend apply``: ``("changed"|"created", path)`` per clause file written, or that would
    be with ``check`` (iterates over them)."""

    changed: tuple[tuple[str, str], ...]
    check: bool = False
    exit_code: int = 0

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self.changed)

    def __len__(self) -> int:
        return len(self.changed)
