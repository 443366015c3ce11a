"""The use cases as plain functions; the CLI is a thin layer over these."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from . import addresses
from .diagnostics import Diagnostic, Report
from .errors import FileChangedOnDisk, Findings, UsageError
from .model import Project, Source, SourceNode
from .text import pin_hash


def load_project(start: str | Path = ".") -> Project:
    """Find the project at or above ``start`` and load it (raises :class:`InputError`)."""
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


def check_path(start: str | Path = ".") -> CheckResult:
    """Find, load and check the project at or above ``start``; input errors are part of the
    report. Large projects are loaded and checked on every core."""
    from .loading.project import find_root
    from .provenance import check_root

    diagnostics, base, clauses = check_root(find_root(start))
    return CheckResult(_levelled(diagnostics, base), clauses, len(base.sources) if base else 0)


# --------------------------------------------------------------------------- sources


@dataclass(frozen=True)
class SourceEntry:
    id: str
    short: str
    title: str
    addresses: tuple[str, ...]
    partial: bool
    included: str | None


def list_sources(project: Project) -> list[SourceEntry]:
    return [
        SourceEntry(
            s.id,
            s.short,
            s.title,
            tuple(a.address for a in s.articles + s.recitals),
            s.partial,
            s.meta.get("included"),
        )
        for s in sorted(project.sources.values(), key=lambda s: s.id)
    ]


def lookup(project: Project, ref: str) -> tuple[Source, SourceNode]:
    """``"dir-2011-93-eu:25(1)"`` → the source and node it names (raises :class:`UsageError`)."""
    from .loading.sources import missing

    sid, sep, addr = ref.partition(":")
    if not sep:
        raise UsageError(f"'{ref}' is not SOURCE:ADDRESS, e.g. dir-2011-93-eu:25(1)")
    src = project.sources.get(sid)
    if src is None:
        raise UsageError(
            f"unknown source '{sid}' (sources: {', '.join(sorted(project.sources)) or 'none'})"
        )
    canon = addresses.canonical(addr)
    if canon is None:
        raise UsageError(f"'{addr}' is not an address; write e.g. 25, 25(1), 2(c) or 'recital 24'")
    node = src.index.get(canon)
    if node is None:
        raise UsageError(missing(src, canon))
    return src, node


# --------------------------------------------------------------------------- pin / new


def pin(project: Project, clause_ids: list[str] | None = None) -> tuple[list[str], Report]:
    """Write or refresh ``pin:`` hashes. Returns the files changed and any problems.

    Items whose provenance cannot be resolved are reported and left unpinned.
    """
    from .fsio import write_atomic
    from .loading.writer import set_pins
    from .provenance import resolve

    report = Report()
    ids = clause_ids or sorted(project.clauses)
    for cid in ids:
        if cid not in project.clauses:
            raise UsageError(f"unknown clause '{cid}'")
    writes = []  # every file's new bytes are made (and verified) before any is written
    root = Path(project.root)
    for cid in ids:
        clause = project.clauses[cid]
        pins = {}
        diags: list[Diagnostic] = []
        for item in clause.walk():
            res = resolve(project, clause, item, diags)
            if res is not None:
                pins[item.key_path] = pin_hash(res.source_text)
        report.extend(diags)
        if not any(
            it.provenance and it.key_path in pins and it.provenance.pin != pins[it.key_path]
            for it in clause.walk()
        ):
            continue
        path = root / clause.path
        old = path.read_bytes()
        if hashlib.sha256(old).hexdigest() != clause.digest:
            raise FileChangedOnDisk(clause.path)
        new = set_pins(old, clause, pins)
        if new != old:
            writes.append((path, new, old, clause.path))
    for path, new, old, _rel in writes:
        write_atomic(path, new, expect=old)
    return [rel for *_, rel in writes], report


CLAUSE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*(?:/[A-Za-z0-9][A-Za-z0-9_-]*)*")


def new_clause(project: Project, clause_id: str, ref: str, *, title: str | None = None) -> str:
    """Create ``clauses/<id>.yaml`` with the text at ``ref``, verbatim and pinned. Returns its path."""
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString

    from .fsio import write_atomic
    from .loading.project import contained
    from .loading.writer import dump_clause

    if not CLAUSE_ID.fullmatch(clause_id) or len(clause_id) > 120:
        raise UsageError(
            f"'{clause_id}' is not a clause id (letters, digits, '-' and '_', '/' between sub-folders; at most 120 characters)"
        )
    if clause_id in project.clauses:
        raise UsageError(f"clause '{clause_id}' exists already ({project.clauses[clause_id].path})")
    src, node = lookup(project, ref)

    def item(n: SourceNode, whole: bool) -> dict:
        points = [c for c in n.children if c.kind != "indent"]
        if whole or not points or len(points) != len(n.children):
            text = n.full_text()
            points = []
        else:
            text = n.text
        prov_text = text
        d = {
            "text": text,
            "provenance": {
                "source": src.id,
                "at": DoubleQuotedScalarString(n.address),
                "relation": "verbatim",
                "pin": pin_hash(prov_text),
            },
        }
        if points:
            d["points"] = [item(c, False) for c in points]
        return d

    if (
        node.kind == "article"
        and node.children
        and all(c.kind == "paragraph" for c in node.children)
        and not node.text
    ):
        paragraphs = [item(c, False) for c in node.children]
    else:
        paragraphs = [item(node, False)]
    article = src.index.get((addresses.parse(node.address) or (node.address,))[0])
    heading = node.heading or (article.heading if article is not None else None)
    data = {
        "id": clause_id,
        "title": title or heading or f"{src.short}, {addresses.display(node.address)}",
        "paragraphs": paragraphs,
    }
    rel = f"clauses/{clause_id}.yaml"
    out = dump_clause(data, rel, clause_id)
    path = Path(project.root) / rel
    if path.exists():
        raise UsageError(f"{rel} exists already")
    if not contained(path.parent, (Path(project.root) / "clauses").resolve()):
        raise UsageError(
            f"{rel} would be written outside the project's clauses/ folder (through a symbolic link); not written"
        )
    write_atomic(path, out)
    return rel


# --------------------------------------------------------------------------- init


def init_project(directory: str | Path) -> list[str]:
    """Create a new project in ``directory`` from the built-in skeleton, pinned. Returns created paths."""
    from importlib import resources

    from .fsio import write_atomic

    target = Path(directory)
    if (target / "treatydraft.yml").exists():
        raise UsageError(f"{target / 'treatydraft.yml'} exists already; not overwriting a project")
    if target.exists() and not target.is_dir():
        raise UsageError(f"{target} is a file, not a folder")
    for folder in ("clauses", "sources"):
        if (target / folder).exists():
            raise UsageError(
                f"{target / folder} exists already; init makes a new project in a folder without one"
            )
    skeleton = resources.files("treatydraft") / "skeleton"
    files: list[tuple[str, bytes]] = []

    def collect(node, rel: str) -> None:
        for child in sorted(node.iterdir(), key=lambda c: c.name):
            path = f"{rel}{child.name}"
            if child.is_dir():
                collect(child, path + "/")
            elif child.name.endswith((".yml", ".yaml", ".md")):
                files.append((path, child.read_bytes()))

    collect(skeleton, "")
    existing = [p for p, _ in files if (target / p).exists()]
    if existing:
        raise UsageError(f"{target / existing[0]} exists already; init never overwrites a file")
    created = []
    for rel, data in files:
        write_atomic(target / rel, data)
        created.append((target / rel).as_posix())
    project = load_project(target)
    pin(project)
    return created


# --------------------------------------------------------------------------- build

BUILD_FORMATS = ("md", "html", "docx")


@dataclass(frozen=True)
class BuildOutput:
    format: str
    path: Path
    changed: bool  # differs from the file on disk (or there is none)
    written: bool


@dataclass(frozen=True)
class BuildResult:
    outputs: tuple[BuildOutput, ...]
    report: Report  # draft_blockers findings (outline, references); when any, nothing is written

    @property
    def exit_code(self) -> int:
        return 1 if self.report.errors else 0


def build(
    project: Project,
    formats: tuple[str, ...] | list[str] = BUILD_FORMATS,
    *,
    out: str | Path | None = None,
    notes: bool = False,
    check: bool = False,
    name: str = "draft",
    progress=None,
) -> BuildResult:
    """Assemble the draft and render ``formats`` into ``out`` (default ``<project>/build``).

    Every format is rendered in memory first; files are written (atomically, and only
    when their bytes change) after all succeeded. ``check``: write nothing, report
    which outputs would change. Missing or repeated outline entries and dangling cross-references → findings, nothing written.
    Template failures raise :class:`InputError` (one ``template`` diagnostic).
    ``progress``: called with each format's name once it is rendered.
    """
    from .assemble import assemble
    from .fsio import write_atomic
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
        return BuildResult((), report)
    from .outputs import check_build_folder, check_output

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
    rendered = []
    for fmt in formats:
        rendered.append((fmt, RENDERERS[fmt](draft, options)))
        if progress is not None:
            progress(fmt)
    outputs = []
    for fmt, data in rendered:
        path = out_dir / f"{name}.{EXTENSIONS[fmt]}"
        try:
            # a file of another size differs: it is not read (it may be huge)
            old = path.read_bytes() if path.stat().st_size == len(data) else None
            changed = old != data
        except FileNotFoundError:
            old, changed = None, True
        except OSError as exc:
            raise UsageError(f"cannot read {path}: {exc.strerror}") from None
        if changed and not check:
            write_atomic(path, data, expect=old)
        outputs.append(BuildOutput(fmt, path, changed, changed and not check))
    return BuildResult(tuple(outputs), report)


# --------------------------------------------------------------------------- redline

REDLINE_FORMATS = ("term", "md", "html", "docx", "json")


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
    from .redline import against_draft, against_source
    from .redline.against import load_directory, load_revision, resolve_against

    mode, value = resolve_against(project, against)
    if mode == "source":
        return against_source(project, clause_ids, raw=raw, timeout=timeout, progress=progress)
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
) -> str | bytes:
    """Render a redline, verified to rebuild both sides; with ``out``, also write it atomically.

    Returns the output (``bytes`` for docx).  Raises :class:`UsageError` for bad
    arguments and :class:`~treatydraft.errors.InternalError` when the output does not
    rebuild its texts (nothing is written then). ``progress``: called once per clause
    compared against the source.
    """
    from .fsio import write_atomic
    from .redline import render

    if fmt not in REDLINE_FORMATS:
        raise UsageError(f"--format must be one of {', '.join(REDLINE_FORMATS)}, not '{fmt}'")
    if fmt == "docx" and out is None:
        raise UsageError("--format docx writes a file; give --out FILE.docx")
    if out is not None:
        from .outputs import check_output

        check_output(project, out)
    from .provenance import noncharacter_findings

    blockers = noncharacter_findings(project)  # never silently dropped from an output
    if blockers:
        raise Findings(blockers)
    model = redline_model(
        project, clause_ids, against=against, raw=raw, timeout=timeout, progress=progress
    )
    data = render(model, fmt, color=color and out is None)
    if out is not None:
        write_atomic(out, data if isinstance(data, bytes) else data.encode("utf-8"))
    return data


# --------------------------------------------------------------------------- table / export

TABLE_FORMATS = ("md", "html", "docx", "csv")
TABLE_BY = ("article", "source")
EXPORT_FORMATS = ("akn",)


def table(
    project: Project, fmt: str = "md", *, by: str = "article", out: str | Path | None = None
) -> bytes:
    """The correlation table (treaty provision ↔ source provision, and the coverage of the
    sources under ``coverage:``) in ``fmt``; with ``out``, also written atomically.

    Raises :class:`UsageError` for an unknown format or ``by``, and for html/docx without ``out``.
    """
    from .fsio import write_atomic
    from .table import build_table
    from .tables import FORMATTERS

    table_args(fmt, by, out)
    from .provenance import noncharacter_findings

    blockers = noncharacter_findings(project)  # never silently dropped from an output
    if blockers:
        raise Findings(blockers)
    if out is not None:
        from .outputs import check_output

        check_output(project, out)
    data = FORMATTERS[fmt](build_table(project), by)
    if out is not None:
        write_atomic(out, data)
    return data


def table_args(fmt: str, by: str, out: str | Path | None) -> None:
    """Raise :class:`UsageError` unless ``table`` can run with these arguments."""
    if fmt not in TABLE_FORMATS:
        raise UsageError(f"--format must be one of {', '.join(TABLE_FORMATS)}, not '{fmt}'")
    if by not in TABLE_BY:
        raise UsageError(f"--by must be article or source, not '{by}'")
    if fmt in ("html", "docx") and out is None:
        raise UsageError(f"--format {fmt} writes a file; give --out FILE.{fmt}")


def export_akn(project: Project, *, out: str | Path | None = None, date=None) -> bytes:
    """The assembled draft as an Akoma Ntoso 3.0 ``act`` (UTF-8 XML); with ``out``, also
    written atomically. ``date`` (a :class:`datetime.date`) defaults to ``SOURCE_DATE_EPOCH``
    or today."""
    from .akn import export
    from .fsio import write_atomic
    from .provenance import draft_blockers

    blockers = draft_blockers(project)
    if blockers:
        raise Findings(blockers)
    if out is not None:
        from .outputs import check_output

        check_output(project, out)
    data = export(project, date=date)
    if out is not None:
        write_atomic(out, data)
    return data


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
    loaded. Returns an :class:`treatydraft.importing.importer.ImportResult`."""
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


def source_origin(project: Project, sid: str) -> list[tuple[str, str]]:
    """The identifying front matter of a source, origin last: ``[(key, value), …]``."""
    src = project.sources.get(sid)
    if src is None:
        raise UsageError(
            f"unknown source '{sid}' (sources: {', '.join(sorted(project.sources)) or 'none'})"
        )
    keys = ("id", "short", "title", "celex", "eli", "frbr", "language", "origin")
    return [(k, str(src.meta[k])) for k in keys if src.meta.get(k)]
