"""The use cases as plain functions; the CLI is a thin layer over these.

A facade: pinning (:mod:`.pinning`), clause creation (:mod:`.newclause`), project
creation (:mod:`.project_init`), source lookup (:mod:`.lookup`) and output writing
(:mod:`.outputs`) live in their own modules and are re-exported here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from . import formats
from .diagnostics import Report
from .errors import UsageError

if TYPE_CHECKING:
    from .lookup import lookup as lookup
    from .model import Project
    from .newclause import CLAUSE_ID as CLAUSE_ID
    from .newclause import NewClauseResult as NewClauseResult
    from .newclause import new_clause as new_clause
    from .outputs import BuildOutput as BuildOutput
    from .outputs import BuildResult as BuildResult
    from .pinning import PinResult as PinResult
    from .pinning import pin as pin
    from .project_init import InitResult as InitResult
    from .project_init import init_project as init_project
    from .results import AmendApplied as AmendApplied
    from .results import Rendered as Rendered
    from .results import SourceEntry as SourceEntry
    from .results import SourceOrigin as SourceOrigin
    from .results import SourcesList as SourcesList
    from .results import SourceText as SourceText

#: Re-exported use cases and result types whose modules are imported on first use (each
#: command needs a few: ``redline`` should not pay for ``new``'s or ``init``'s imports, nor a
#: cached ``check`` for the result types of the other commands).
_LAZY = {
    "BuildOutput": "outputs",
    "BuildResult": "outputs",
    "AmendApplied": "results",
    "Rendered": "results",
    "SourceEntry": "results",
    "SourceOrigin": "results",
    "SourcesList": "results",
    "SourceText": "results",
    "lookup": "lookup",
    "CLAUSE_ID": "newclause",
    "NewClauseResult": "newclause",
    "new_clause": "newclause",
    "PinResult": "pinning",
    "pin": "pinning",
    "InitResult": "project_init",
    "init_project": "project_init",
}


if not TYPE_CHECKING:  # mypy sees the imports above, and still flags a misspelt name

    def __getattr__(name: str):
        module = _LAZY.get(name)
        if module is None:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        import importlib

        value = getattr(importlib.import_module(f".{module}", __package__), name)
        globals()[name] = value
        return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


def load_project(start: str | Path = ".", *, cache: bool = False) -> Project:
    """Find the project at or above ``start`` and load it (raises :class:`InputError`).

    ``cache``: rebuild unchanged clause files from the models kept in
    ``.treatydraft_cache/`` instead of parsing their YAML again (same project)."""
    if cache:
        from .cache import load_project_cached

        return load_project_cached(start)
    from .loading.project import load_project as _load

    return _load(start)


def check(project: Project) -> Report:
    """Every finding about the project, at the levels its ``checks:`` sets."""
    from .provenance import check_project

    return _levelled(check_project(project), project)


def _levelled(diagnostics, project: Project | None) -> Report:
    from .diagnostics import DEFAULT_LEVELS

    report = Report()
    report.extend(diagnostics)
    levels = dict(DEFAULT_LEVELS)
    if project is not None:
        levels.update(project.checks)
    report.apply_levels(levels)
    return report


@dataclass(frozen=True)
class CheckResult:
    report: Report
    clauses: int  # clause files found
    sources: int  # sources loaded
    strict: bool = False  # warnings fail too

    @property
    def exit_code(self) -> int:
        """0 clean, 1 on findings (warnings too when strict), 2 when input cannot be loaded."""
        return self.report.exit_code(self.strict)


def check_path(
    start: str | Path = ".", *, strict: bool = False, cache: bool = False
) -> CheckResult:
    """Find, load and check the project at or above ``start``; input errors are part of the
    report. Large projects are loaded and checked on every core.

    ``cache``: reuse and update the results kept in ``.treatydraft_cache/`` (see
    :mod:`treatydraft.cache`); the report is the same either way."""
    if cache:  # imports nothing more when nothing changed
        from .cache import cached_check

        found, n_clauses, n_sources = cached_check(start)
        return CheckResult(Report(found), n_clauses, n_sources, strict)
    from .loading.project import find_root
    from .provenance import check_root

    diagnostics, base, clauses = check_root(find_root(start))
    return CheckResult(
        _levelled(diagnostics, base), clauses, len(base.sources) if base else 0, strict
    )


# --------------------------------------------------------------------------- sources


def list_sources(project: Project) -> SourcesList:
    from .results import SourceEntry, SourcesList

    return SourcesList(
        tuple(
            SourceEntry(
                s.id,
                s.short,
                s.title,
                tuple(a.address for a in s.articles + s.recitals),
                s.partial,
                s.meta.get("included"),
            )
            for s in sorted(project.sources.values(), key=lambda s: s.id)
        )
    )


# --------------------------------------------------------------------------- build

BUILD_FORMATS = formats.names("build")


def build(
    project: Project,
    formats: tuple[str, ...] | list[str] = BUILD_FORMATS,
    *,
    out: str | Path | None = None,
    notes: bool = False,
    check: bool = False,
    name: str = "draft",
    progress=None,
    clean: bool = False,
    choose: tuple[str, ...] | list[str] = (),
) -> BuildResult:
    """Assemble the draft and render ``formats`` into ``out`` (default ``<project>/build``).

    Every format is rendered in memory first; files are written (atomically, and only
    when their bytes change) after all succeeded. ``check``: write nothing, report
    which outputs would change. Missing or repeated outline entries and dangling cross-references → findings, nothing written.
    Template failures raise :class:`InputError` (one ``template`` diagnostic).
    ``progress``: called with each format's name once it is rendered.
    ``clean``: a clean text without brackets (written as ``<name>-clean.*``), each bracket
    group resolved as ``choose`` says (``first``, ``GROUP=N``, a delegation; §12).
    """
    from . import outputs as _outputs
    from .assemble import assemble
    from .outputs import BuildResult
    from .provenance import draft_blockers
    from .render import EXTENSIONS, RENDERERS, RenderOptions
    from .reproducible import source_date_epoch

    formats = tuple(dict.fromkeys(formats))
    unknown = [f for f in formats if f not in RENDERERS]
    if unknown or not formats:
        raise UsageError(
            f"unknown format '{', '.join(unknown)}'; choose from {', '.join(RENDERERS)}"
        )
    report = Report()
    report.extend(draft_blockers(project))
    if report.errors:
        return BuildResult((), report, check)
    from .output_guard import check_build_folder, check_output

    root = Path(project.root)
    out_dir = Path(out) if out is not None else root / "build"
    check_build_folder(project, out_dir, default=out is None)
    for fmt in formats:
        check_output(project, out_dir / f"{name}.{EXTENSIONS[fmt]}")
    options = RenderOptions(
        notes=notes,
        template_dirs=(str(root / "templates"),),
        project_root=str(root),
        source_date_epoch=source_date_epoch(),
    )
    draft = assemble(project)
    if choose and not clean:
        raise UsageError("--choose applies to a clean text; add --clean")
    if clean:
        from .negotiation.views import clean_draft, parse_choices

        draft = clean_draft(draft, parse_choices(list(choose), project.delegations))
        name = f"{name}-clean"
    from .render.concurrent import render_all

    rendered = render_all(draft, options, formats, progress)  # on every core
    outputs = []
    for fmt, data in rendered:
        outputs.append(
            _outputs.update(fmt, out_dir / f"{name}.{EXTENSIONS[fmt]}", data, check=check)
        )
    return BuildResult(tuple(outputs), report, check)


# --------------------------------------------------------------------------- redline

REDLINE_FORMATS = formats.names("redline")


def redline_model(
    project: Project,
    clause_ids: list[str] | None = None,
    *,
    against: str = "source",
    raw: bool = False,
    timeout: float = 2.0,
    progress=None,
):
    """Compute a :class:`treatydraft.redline.Redline`.

    ``against``: ``"source"`` (each paragraph against its source article), an existing
    directory (another project), or else a git revision of this project's repository.
    """
    from .redline import against_source

    if against == "source":
        return against_source(project, clause_ids, raw=raw, timeout=timeout, progress=progress)
    from .redline import against_draft
    from .redline.against import load_directory, load_revision, resolve_against

    mode, value = resolve_against(project, against)
    if raw:
        raise UsageError("--raw applies to redlines against the source only")
    other = load_directory(value) if mode == "dir" else load_revision(project, value)
    return against_draft(project, other, mode, value, clause_ids, timeout=timeout)


def redline(
    project: Project,
    clause_ids: list[str] | None = None,
    *,
    against: str = "source",
    fmt: str = "term",
    raw: bool = False,
    color: bool = False,
    out: str | Path | None = None,
    timeout: float = 2.0,
    progress=None,
) -> Rendered:
    """Render a redline, verified to rebuild both sides; with ``out``, also write it atomically.

    Returns the output (``.data``: ``bytes`` for docx).  Raises :class:`UsageError` for bad
    arguments and :class:`~treatydraft.errors.InternalError` when the output does not
    rebuild its texts (nothing is written then). ``progress``: called once per clause
    compared against the source.
    """
    from . import outputs as _outputs
    from .redline import render
    from .results import Rendered

    spec = formats.get("redline", fmt)
    if not spec.stdout and out is None:
        raise UsageError(f"--format {fmt} writes a file; give --out FILE.{spec.extension}")
    _guard(project, out)
    model = redline_model(
        project, clause_ids, against=against, raw=raw, timeout=timeout, progress=progress
    )
    data = render(model, fmt, color=color and out is None)
    if out is not None:
        _outputs.write(out, data)
    return Rendered(data, _path(out))


def _path(out: str | Path | None) -> Path | None:
    """Where an output was written: ``None`` for standard output (no ``--out``, or ``-``)."""
    return Path(out) if out is not None and str(out) != "-" else None


# --------------------------------------------------------------------------- table / export

TABLE_FORMATS = formats.names("table")
TABLE_BY = ("article", "source")
EXPORT_FORMATS = formats.names("export")


def table(
    project: Project, fmt: str = "md", *, by: str = "article", out: str | Path | None = None
) -> Rendered:
    """The correlation table (treaty provision ↔ source provision, and the coverage of the
    sources under ``coverage:``) in ``fmt``; with ``out``, also written atomically.

    Raises :class:`UsageError` for an unknown format or ``by``, and for html/docx without ``out``.
    """
    from . import outputs as _outputs
    from .correlation import build_table
    from .results import Rendered
    from .tables import FORMATTERS

    table_args(fmt, by, out)
    _guard(project, out)
    data = FORMATTERS[fmt](build_table(project), by)
    if out is not None and str(out) != "-":  # "-": standard output, the caller prints
        _outputs.write(out, data)
    return Rendered(data, _path(out))


def _guard(project: Project, out: str | Path | None) -> None:
    """Before anything is rendered: a non-character in the text is a finding (never silently
    dropped from an output), and ``out`` must be a plain file that is no project input."""
    from .errors import Findings
    from .output_guard import check_output
    from .provenance import noncharacter_findings

    blockers = noncharacter_findings(project)
    if blockers:
        raise Findings(blockers)
    if out is not None:
        check_output(project, out)


def table_args(fmt: str, by: str, out: str | Path | None) -> None:
    """Raise :class:`UsageError` unless ``table`` can run with these arguments."""
    spec = formats.get("table", fmt)
    if by not in TABLE_BY:
        raise UsageError(f"--by must be article or source, not '{by}'")
    if not spec.stdout and out is None:
        raise UsageError(f"--format {fmt} writes a file; give --out FILE.{spec.extension}")


def export(
    project: Project, fmt: str = "akn", *, out: str | Path | None = None, date=None
) -> Rendered:
    """The assembled draft in an export format of the registry (``akn``: an Akoma Ntoso 3.0
    ``act``, UTF-8 XML); with ``out``, also written atomically. ``date`` (a
    :class:`datetime.date`) defaults to ``SOURCE_DATE_EPOCH`` or today. Missing or repeated
    outline entries and dangling references are findings (``report``, exit 1): nothing is
    rendered or written then."""
    from . import outputs as _outputs
    from .provenance import draft_blockers
    from .results import Rendered

    render = formats.renderer(formats.get("export", fmt))
    report = Report()
    report.extend(draft_blockers(project))
    if report.diagnostics:
        return Rendered(b"", None, report)
    _guard(project, out)
    data = render(project, date=date)
    if out is not None:
        _outputs.write(out, data)
    return Rendered(data, _path(out), report)


def export_akn(project: Project, *, out: str | Path | None = None, date=None) -> Rendered:
    """:func:`export` in Akoma Ntoso."""
    return export(project, "akn", out=out, date=date)


# --------------------------------------------------------------------------- sources import


def import_source(
    start: str | Path,
    ref: str,
    *,
    source_id: str | None = None,
    lang: str = "en",
    check: bool = False,
    fetcher=None,
):
    """Read an official text (FILE, https URL or ``celex:NUMBER``) into ``sources/<id>.md`` of
    the project at or above ``start`` (§11). The text is read and parsed before the project is
    loaded. Returns an :class:`treatydraft.importing.importer.ImportResult` (exit 1 with
    ``check`` when the source would change)."""
    from .importing.importer import read_document, run_import

    read = read_document(ref, lang, fetcher)
    project = load_project(start)
    return run_import(
        Path(project.root),
        project.sources_dir,
        read,
        source_id=source_id,
        lang=lang,
        check=check,
        project=project,
    )


def source_origin(project: Project, sid: str) -> SourceOrigin:
    """The identifying front matter of a source, origin last: ``[(key, value), …]``."""
    from .results import SourceOrigin

    src = project.sources.get(sid)
    if src is None:
        raise UsageError(
            f"unknown source '{sid}' (sources: {', '.join(sorted(project.sources)) or 'none'})"
        )
    keys = ("id", "short", "title", "celex", "eli", "frbr", "language", "origin")
    return SourceOrigin(tuple((k, str(src.meta[k])) for k in keys if src.meta.get(k)))


# --------------------------------------------------------------------------- negotiation status


def negotiation_status(
    project: Project, *, against: str | None = None, fmt: str = "term"
) -> Rendered:
    """Per clause the bracket groups, options, alternatives and paragraphs by status, the
    totals, and with ``against`` (a git revision or a project directory) the change since
    that draft (§12). Raises :class:`UsageError` for a bad format or revision."""
    from .negotiation import status as st
    from .redline.against import load_directory, load_revision, resolve_against
    from .results import Rendered

    if fmt not in st.FORMATS:
        raise UsageError(f"--format must be one of {', '.join(st.FORMATS)}, not '{fmt}'")
    now = st.status(project)
    if against is not None:
        mode, value = resolve_against(project, against)
        if mode == "source":
            raise UsageError("status --against needs a git revision or a project directory")
        other = load_directory(value) if mode == "dir" else load_revision(project, value)
        now = st.compare(now, st.status(other), against)
    return Rendered(st.render(now, fmt))


# --------------------------------------------------------------------------- amend


def amend_args(against: str | None) -> str:
    """``against``, or :class:`UsageError` when it is missing."""
    if against is None:
        raise UsageError("amend needs --against REV|DIR (the earlier draft)")
    return against


def amend(project: Project, against: str | None, **options) -> Rendered:
    """The amendment list from the draft at ``against`` to this one (see
    :func:`treatydraft.amend.run.amend`)."""
    from .amend.run import amend as _amend
    from .results import Rendered

    if options.get("out") is not None:
        from .output_guard import check_output

        check_output(project, options["out"])  # never over a device, link or project input
    data = _amend(project, amend_args(against), **options)
    return Rendered(data, _path(options.get("out")))


def amend_apply(project: Project, file: str | Path, *, check: bool = False) -> AmendApplied:
    """Apply an amendment list to the clause files (see :func:`treatydraft.amend.run.apply_file`)."""
    from .amend.run import apply_file
    from .results import AmendApplied

    return AmendApplied(tuple(apply_file(project, file, check=check)), check)


#: What ``from treatydraft.api import *`` gives: every public name, those imported on first use
#: included.
__all__ = sorted({n for n in globals() if not n.startswith("_")} - {"TYPE_CHECKING"} | set(_LAZY))
