"""The output formats: one registry per output family, one Protocol per family.

Families: ``build`` (the draft), ``redline``, ``table`` (the correlation table) and
``export``. Each format is one module with a ``render`` function of its family's
Protocol, registered here by one :func:`register` call: the CLI's ``--format``
choices and help text, the output file extension, whether the format can go to
standard output, and the tests (reachable from the CLI, documented in the README,
covered by a golden file) all come from this registry. Adding a format is its module
plus one registration.

Nothing here imports the format modules: :func:`renderer` imports one when it is
used, so ``treatydraft --help`` stays fast.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from .errors import UsageError

if TYPE_CHECKING:  # pragma: no cover - types only
    from datetime import date as _date

    from .correlation import Table
    from .model import Draft, Project
    from .redline.model import Redline
    from .render.common import RenderOptions


class BuildRenderer(Protocol):
    """``build``: the assembled draft as the file's bytes."""

    def __call__(self, draft: Draft, options: RenderOptions, /) -> bytes: ...


class RedlineRenderer(Protocol):
    """``redline``: the text (or, for binary formats, bytes) of a computed redline."""

    def __call__(self, redline: Redline, /, **options: Any) -> str | bytes: ...


class TableRenderer(Protocol):
    """``table``: the correlation table, by article or by source, as the file's bytes."""

    def __call__(self, table: Table, by: str = "article", /) -> bytes: ...


class ExportRenderer(Protocol):
    """``export``: the project's assembled draft in an exchange format, as the file's bytes."""

    def __call__(
        self, project: Project, draft: Draft | None = None, *, date: _date | None = None
    ) -> bytes: ...


FAMILIES: dict[str, type] = {
    "build": BuildRenderer,
    "redline": RedlineRenderer,
    "table": TableRenderer,
    "export": ExportRenderer,
}


@dataclass(frozen=True, slots=True)
class Format:
    family: str  # build | redline | table | export
    name: str  # what --format takes
    module: str  # the module with the renderer, relative to the treatydraft package
    extension: str  # the output file's extension, without the dot
    description: str  # for --format's help text
    stdout: bool = True  # may print to standard output (else it needs --out)
    function: str = "render"  # the renderer's name in its module
    golden: str = ""  # the golden file covering it, under tests/golden/

    @property
    def qualified(self) -> str:
        return f"{self.family}:{self.name}"


_REGISTRY: dict[str, dict[str, Format]] = {family: {} for family in FAMILIES}


def register(fmt: Format) -> Format:
    """Add a format to its family (a name is registered once per family)."""
    if fmt.family not in _REGISTRY:
        raise ValueError(f"unknown output family {fmt.family!r}")
    if fmt.name in _REGISTRY[fmt.family]:
        raise ValueError(f"format {fmt.qualified} is registered twice")
    _REGISTRY[fmt.family][fmt.name] = fmt
    return fmt


def family(name: str) -> dict[str, Format]:
    """The formats of a family, in registration order (the first is the default)."""
    return dict(_REGISTRY[name])


def names(family_name: str) -> tuple[str, ...]:
    return tuple(_REGISTRY[family_name])


def every() -> list[Format]:
    return [f for formats in _REGISTRY.values() for f in formats.values()]


def choices(family_name: str) -> str:
    """``"md, html, docx"``."""
    return ", ".join(_REGISTRY[family_name])


def help_text(family_name: str) -> str:
    """``--format``'s help: each format with its description, and which need ``--out``."""
    parts = []
    for f in _REGISTRY[family_name].values():
        note = "" if f.stdout or family_name == "build" else "; needs --out"
        parts.append(f"{f.name} ({f.description}{note})")
    return ", ".join(parts) + "."


def get(family_name: str, name: str) -> Format:
    """The format, or :class:`UsageError` naming the choices."""
    try:
        return _REGISTRY[family_name][name]
    except KeyError:
        known = _REGISTRY[family_name]
        which = f"one of {choices(family_name)}" if len(known) > 1 else choices(family_name)
        raise UsageError(f"--format must be {which}, not '{name}'") from None


def renderer(fmt: Format) -> Any:
    """The format's renderer (its module imported now)."""
    module = importlib.import_module(f"treatydraft.{fmt.module}")
    return getattr(module, fmt.function)


# --------------------------------------------------------------------------- registrations

register(Format("build", "md", "render.markdown", "md", "Markdown", golden="build/small.md"))
register(Format("build", "html", "render.html", "html", "one HTML page", golden="build/small.html"))
register(Format("build", "docx", "render.docx", "docx", "Word", golden="build/small.document.xml"))

register(
    Format("redline", "term", "redline.term", "txt", "terminal", golden="redline/small.term.txt")
)
register(Format("redline", "md", "redline.md", "md", "Markdown", golden="redline/small.md"))
register(
    Format("redline", "html", "redline.html", "html", "one HTML page", golden="redline/small.html")
)
register(
    Format(
        "redline",
        "docx",
        "redline.docx",
        "docx",
        "Word tracked changes",
        stdout=False,
        golden="redline/small.document.xml",
    )
)
register(
    Format(
        "redline",
        "json",
        "redline.json",
        "json",
        "schema in docs/redline-json.md",
        golden="redline/small.json",
    )
)

register(Format("table", "md", "tables.md", "md", "Markdown", golden="table/small-by-article.md"))
register(
    Format(
        "table",
        "html",
        "tables.html",
        "html",
        "one HTML page",
        stdout=False,
        golden="table/small-by-article.html",
    )
)
register(
    Format(
        "table",
        "docx",
        "tables.docx",
        "docx",
        "Word",
        stdout=False,
        golden="table/small-by-article.document.xml",
    )
)
register(Format("table", "csv", "tables.csv", "csv", "CSV", golden="table/small-by-article.csv"))

register(
    Format(
        "export",
        "akn",
        "render.akn",
        "akn.xml",
        "Akoma Ntoso 3.0 XML",
        function="export",
        golden="export/small.akn.xml",
    )
)
