"""The command line: parse, call :mod:`treatydraft.api`, print, exit. No logic here."""

# No ``from __future__ import annotations`` here: typer reads every command's parameters
# through ``typing.get_type_hints``, and with string annotations it evaluates each one again
# on every run (about 35 ms of every command's start-up; tests/test_cli_docs.py guards it).

import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from . import formats
from .errors import InputError, TreatyDraftError

app = typer.Typer(
    name="treatydraft",
    help="Draft treaty text from existing legal instruments: build, redline and check clauses with provenance.",
    no_args_is_help=True,
    add_completion=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
sources_app = typer.Typer(
    help="List source instruments, or print the text at an address.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(sources_app, name="sources")


def _print_version(value: bool) -> None:
    if value:
        from . import __version__

        typer.echo(f"treatydraft {__version__}")
        raise typer.Exit()


@app.callback()
def _options(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Draft treaty text from existing legal instruments: build, redline and check clauses with provenance."""


ProjectDir = Annotated[
    Path,
    typer.Option(
        "-C",
        "--project",
        help="Project directory (default: search upward from here for treatydraft.yml).",
        show_default=False,
    ),
]


OutFile = Annotated[
    Path | None,
    typer.Option(
        "--out",
        help="Write to this file (atomically); - or no --out: stdout.",
        show_default=False,
    ),
]


def _err(message: str) -> None:
    from .display import visible

    typer.echo(visible(message), err=True)


def _out(text: str, nl: bool = True) -> None:
    """Print text that may come from the project: its control characters shown, not obeyed."""
    from .display import visible

    typer.echo(visible(text), nl=nl)


def _fail(exc: TreatyDraftError) -> None:
    """Print a tool error as diagnostic lines and exit with its code."""
    if isinstance(exc, InputError):
        for d in sorted(exc.diagnostics, key=lambda d: (d.path, d.line, d.col)):
            _err(d.format())
    else:
        msg = str(exc)
        _err(msg if ": error[" in msg else f"treatydraft: error: {msg}")
    raise typer.Exit(exc.exit_code)


def _run(fn, *args, **kwargs):
    """Call the API; a tool error becomes its diagnostic lines and exit code."""
    try:
        return fn(*args, **kwargs)
    except TreatyDraftError as exc:
        _fail(exc)
    except OSError as exc:  # an output that cannot be written (or a file that vanished)
        where = f"{exc.filename}: " if exc.filename else ""
        _err(f"treatydraft: error: {where}{exc.strerror or exc}")
        raise typer.Exit(2) from None


def _out_path(out: Path | None, family: str, fmt: str) -> Path | None:
    """``--out -``: standard output, as without ``--out``; refused for binary formats."""
    if out is None or str(out) != "-":
        return out
    spec = _run(formats.get, family, fmt)
    if spec.extension == "docx":
        _err(f"treatydraft: error: --format {fmt} is binary; give --out FILE.{fmt}, not -")
        raise typer.Exit(2)
    return None


def _color(stream) -> bool:
    """Colour on a terminal; never with NO_COLOR or TERM=dumb; always with FORCE_COLOR."""
    import os

    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return os.environ.get("TERM") != "dumb" and stream.isatty()


def _emit(result, *, escape: str = "visible", color: bool | None = None) -> None:
    """Print the findings, or say where the output went, or print it; exit with its code.

    ``escape``: ``visible`` shows control characters as ``⟨U+001B⟩``, ``json`` as ``\\u001b``
    (the same data), ``none`` for text already escaped (a colour redline, printed with its
    ANSI codes kept when ``color``, even piped)."""
    for d in result.report.sorted():
        _err(d.format())
    if result.exit_code == 0 and result.out is not None:
        _out(f"wrote {result.out}")
    elif result.exit_code == 0:
        text = result.text
        if escape == "json":
            from .display import json_safe

            typer.echo(json_safe(text), nl=False)
        elif escape == "visible":
            _out(text, nl=False)
        else:
            typer.echo(text, nl=False, color=color or None)
    raise typer.Exit(result.exit_code)


PROGRESS_MIN_CLAUSES = 200  # a progress bar for long work, on a terminal only (§5)


@contextmanager
def _progress(length: int, label: str, *, enabled: bool):
    """A callback advancing a progress bar on stderr when it is a terminal; else a no-op."""
    if not (enabled and sys.stderr.isatty()):
        yield None
        return
    with typer.progressbar(length=length, label=label, file=sys.stderr) as bar:
        yield lambda *_: bar.update(1)


def _project(directory: Path):
    from . import api

    return _run(api.load_project, directory)


@app.command()
def check(
    directory: ProjectDir = Path("."),
    strict: Annotated[bool, typer.Option("--strict", help="Warnings fail too (exit 1).")] = False,
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            help="text, json (docs/check-json.md), github (workflow annotations) or gitlab (Code Quality report).",
        ),
    ] = "text",
    no_cache: Annotated[
        bool,
        typer.Option(
            "--no-cache",
            help="Neither read nor write the results kept in .treatydraft_cache/.",
        ),
    ] = False,
) -> None:
    """Load everything, verify every provenance claim, report all problems.

    Exit 0 when clean, 1 on findings, 2 when a file cannot be loaded. Results of
    unchanged files are reused from .treatydraft_cache/ (--no-cache: not).

    Example: treatydraft check --strict --format github
    """
    from . import api

    if fmt not in ("text", "json", "github", "gitlab"):
        _err(f"treatydraft: error: --format must be text, json, github or gitlab, not '{fmt}'")
        raise typer.Exit(2)
    result = _run(api.check_path, directory, strict=strict, cache=not no_cache)
    report = result.report
    if fmt in (
        "github",
        "gitlab",
    ):  # paths relative to the repository, for a project in a subfolder
        from .cireports import for_ci

        report = type(report)(for_ci(report.diagnostics, fmt, directory))
    out = report.render(fmt)
    if out:
        typer.echo(out)
    if fmt == "text":
        scope = f" in {result.clauses} clauses, {result.sources} sources"
        _err(f"{report.errors} error(s), {report.warnings} warning(s){scope}")
    raise typer.Exit(result.exit_code)


@app.command()
def pin(
    clauses: Annotated[
        list[str] | None, typer.Argument(help="Clause ids (default: all).", show_default=False)
    ] = None,
    directory: ProjectDir = Path("."),
) -> None:
    """Write or refresh the pin: hash of each paragraph's source text.

    Only pin: lines change; every other byte of the file stays as it was.

    Example: treatydraft pin removal-blocking
    """
    from . import api

    project = _project(directory)
    result = _run(api.pin, project, clauses or None)
    for d in result.report.sorted():
        _err(d.format())
    for path in result.changed:
        _out(f"pinned {path}")
    if not result.changed:
        _out("all pins up to date")
    raise typer.Exit(result.exit_code)


@app.command()
def new(
    clause_id: Annotated[
        str, typer.Argument(metavar="ID", help="Id of the new clause (file clauses/ID.yaml).")
    ],
    source: Annotated[
        str,
        typer.Option(
            "--from",
            metavar="SOURCE:ADDRESS",
            help="Where the text comes from, e.g. dir-2011-93-eu:25(1).",
        ),
    ],
    title: Annotated[
        str | None, typer.Option("--title", help="Article heading (default: the source's).")
    ] = None,
    directory: ProjectDir = Path("."),
) -> None:
    """Create a clause whose text is copied from a source, marked verbatim and pinned.

    Example: treatydraft new blocking --from 'dir-2011-93-eu:25(2)'
    """
    from . import api

    project = _project(directory)
    result = _run(api.new_clause, project, clause_id, source, title=title)
    _out(f"created {result.path}; add '{result.clause_id}' to the outline in treatydraft.yml")
    raise typer.Exit(result.exit_code)


@app.command()
def init(
    directory: Annotated[
        Path,
        typer.Argument(
            metavar="DIR",
            help="Folder for the new project (created if missing; must not hold a project).",
        ),
    ],
) -> None:
    """Create a new drafting project with a sample source, clause and templates folder.

    Example: treatydraft init my-treaty
    """
    from . import api

    result = _run(api.init_project, directory)
    for path in result.created:
        _out(f"created {path}")
    raise typer.Exit(result.exit_code)


@sources_app.command("list")
def sources_list(directory: ProjectDir = Path(".")) -> None:
    """List the source instruments and the addresses they hold.

    Example: treatydraft sources list
    """
    from . import api

    project = _project(directory)
    result = api.list_sources(project)
    for s in result.sources:
        part = f" (partial: {s.included})" if s.partial else ""
        _out(f"{s.id}  {s.short}{part}")
        _out(f"    articles: {', '.join(s.addresses)}")
    raise typer.Exit(result.exit_code)


@sources_app.command("show")
def sources_show(
    ref: Annotated[
        str,
        typer.Argument(
            metavar="SOURCE:ADDRESS", help="e.g. dir-2011-93-eu:25(1); with --origin, a source id"
        ),
    ],
    origin: Annotated[
        bool,
        typer.Option("--origin", help="Print where the source's text comes from, not its text."),
    ] = False,
    directory: ProjectDir = Path("."),
) -> None:
    """Print the text a source holds at an address, or (--origin) where the source comes from.

    Example: treatydraft sources show 'dir-2011-93-eu:25(1)'
    Example: treatydraft sources show reg-2024-903 --origin
    """
    from . import addresses, api

    project = _project(directory)
    if origin:
        found = _run(api.source_origin, project, ref.partition(":")[0])
        for key, value in found.fields:
            if "\n" in value.strip():
                _out(f"{key}:")
                for line in value.strip().splitlines():
                    _out(f"  {line}")
            else:
                _out(f"{key}: {value.strip()}")
        raise typer.Exit(found.exit_code)
    shown = _run(api.lookup, project, ref)
    node = shown.node
    heading = f" — {node.heading}" if node.heading else ""
    _out(f"{shown.source.short}, {addresses.display(node.address)}{heading}")
    _out("")
    _out(node.full_text())
    raise typer.Exit(shown.exit_code)


@sources_app.command("import")
def sources_import(
    ref: Annotated[
        str,
        typer.Argument(
            metavar="FILE|URL|celex:NUMBER",
            help="A Formex 4, Akoma Ntoso 3.0 or EUR-Lex XHTML file, an https:// URL, "
            "or celex:NUMBER (EUR-Lex's page for that act).",
        ),
    ],
    source_id: Annotated[
        str | None,
        typer.Option(
            "--id",
            help="Source id, file sources/ID.md (default: from the CELEX number or FRBR URI).",
        ),
    ] = None,
    lang: Annotated[str, typer.Option("--lang", help="Language of a celex: download.")] = "en",
    check_only: Annotated[
        bool, typer.Option("--check", help="Write nothing; exit 1 if the source would change.")
    ] = False,
    directory: ProjectDir = Path("."),
) -> None:
    """Import an official text as a source, verbatim, with its origin recorded.

    Re-importing onto an existing id is an update: the articles that change and the
    pinned clause paragraphs that would then fail pin-mismatch are listed first.
    Clauses are never rewritten.

    Example: treatydraft sources import celex:32011L0093 --id dir-2011-93-eu
    Example: treatydraft sources import L_202400903EN.000101.fmx.xml --check
    """
    from . import api

    r = _run(api.import_source, directory, ref, source_id=source_id, lang=lang, check=check_only)
    c = r.counts
    for line in r.changed_articles:
        _out(f"changes {line}")
    for line in r.failing_pins:
        _out(f"will fail {line}")
    what = (
        f"{c['articles']} articles, {c['paragraphs']} paragraphs, {c['points']} points, "
        f"{c['recitals']} recitals; {c['notes']} notes kept out of the text"
    )
    layout = f"{r.doc.format}, {r.doc.layout}"
    verb = "would write" if check_only else "wrote"
    if not r.changed:
        _out(f"{r.path} is up to date ({what})")
    else:
        _out(f"{verb} {r.path} ({layout}): {what}")
    for item in r.doc.not_imported:
        _out(f"not imported: {item}")
    for item in r.doc.unplaced:
        _out(f"could not place: {item}")
    raise typer.Exit(r.exit_code)


@app.command()
def build(
    fmt: Annotated[
        str,
        typer.Option("--format", help="Comma-separated formats: " + formats.help_text("build")),
    ] = ",".join(formats.names("build")),
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Output folder (default: <project>/build).", show_default=False),
    ] = None,
    notes: Annotated[
        bool,
        typer.Option(
            "--notes", help="Add provenance notes (source article and relation, or new text)."
        ),
    ] = False,
    check_only: Annotated[
        bool, typer.Option("--check", help="Write nothing; exit 1 if an output would change.")
    ] = False,
    no_cache: Annotated[
        bool,
        typer.Option(
            "--no-cache", help="Parse every clause file, not reusing .treatydraft_cache/."
        ),
    ] = False,
    clean: Annotated[
        bool,
        typer.Option(
            "--clean",
            help="A clean text without brackets (build/draft-clean.*), resolved as --choose says.",
        ),
    ] = False,
    choose: Annotated[
        list[str] | None,
        typer.Option(
            "--choose",
            metavar="first|GROUP=N|DELEGATION",
            help="With --clean: 'first' option of every bracket group (default); GROUP=N takes option N of group GROUP (0 leaves it out; repeatable); a delegation code takes the options it proposed or supports.",
            show_default=False,
        ),
    ] = None,
    directory: ProjectDir = Path("."),
) -> None:
    """Assemble the outline into a numbered draft and render it (build/draft.md, .html, .docx).

    Exit 0 when done (or up to date with --check), 1 on dangling cross-references or
    when --check finds an output that would change, 2 on bad input or a template error.

    Example: treatydraft build --format html,docx --notes

    Example: treatydraft build --clean --choose DEL-A
    """
    from . import api

    chosen = [f.strip().lower() for f in fmt.split(",") if f.strip()]
    project = _run(api.load_project, directory, cache=not no_cache)
    with _progress(
        len(chosen),
        "rendering",
        enabled=len(project.clauses) >= PROGRESS_MIN_CLAUSES and not check_only,
    ) as tick:
        result = _run(
            api.build,
            project,
            chosen,
            out=out,
            notes=notes,
            check=check_only,
            progress=tick,
            clean=clean,
            choose=tuple(choose or ()),
        )
    if result.report.errors:
        typer.echo(result.report.render("text"))
        _err(f"{result.report.errors} error(s); nothing written")
        raise typer.Exit(result.exit_code)
    here = Path.cwd()

    def shown(path: Path) -> str:
        try:
            return str(path.resolve().relative_to(here.resolve()))
        except ValueError:
            return str(path)

    if check_only:
        for o in result.changed:
            _out(f"would change {shown(o.path)}")
        if result.changed:
            _err(f"{len(result.changed)} of {len(result.outputs)} output(s) would change")
        else:
            _err(f"{len(result.outputs)} output(s) up to date")
        raise typer.Exit(result.exit_code)
    for o in result.outputs:
        _out(f"{'wrote' if o.written else 'unchanged'} {shown(o.path)}")
    raise typer.Exit(result.exit_code)


@app.command()
def redline(
    clauses: Annotated[
        list[str] | None,
        typer.Argument(
            help="Clause ids (default: every clause in the outline).", show_default=False
        ),
    ] = None,
    against: Annotated[
        str,
        typer.Option(
            "--against",
            metavar="source|REV|DIR",
            help="'source' (default): each paragraph against its source article; an existing directory: another project; else a git revision of this project, e.g. HEAD~1.",
        ),
    ] = "source",
    fmt: Annotated[
        str,
        typer.Option("--format", help=formats.help_text("redline")),
    ] = formats.names("redline")[0],
    out: OutFile = None,
    raw: Annotated[
        bool,
        typer.Option(
            "--raw", help="Plain diff against the source, without the named substitutions."
        ),
    ] = False,
    directory: ProjectDir = Path("."),
) -> None:
    """Word-level redline of clauses against their source articles or an earlier draft.

    Named substitutions are applied to the source first and listed by name; the
    remaining differences are the redline. Every output is checked to rebuild
    both texts before it is printed or written.

    Example: treatydraft redline removal-blocking --format docx --out redline.docx
    """
    from . import api

    out = _out_path(out, "redline", fmt)
    project = _project(directory)
    color = fmt == "term" and out is None and _color(sys.stdout)
    count = len(clauses) if clauses else len(project.clauses)
    with _progress(
        count, "comparing", enabled=against == "source" and count >= PROGRESS_MIN_CLAUSES
    ) as tick:
        result = _run(
            api.redline,
            project,
            clauses or None,
            against=against,
            fmt=fmt,
            raw=raw,
            color=color,
            out=out,
            progress=tick,
        )
    _emit(result, escape="json" if fmt == "json" else ("none" if color else "visible"), color=color)


@app.command()
def status(
    against: Annotated[
        str | None,
        typer.Option(
            "--against",
            metavar="REV|DIR",
            help="Show the change since an earlier draft: a git revision (e.g. HEAD~1) or another project directory.",
            show_default=False,
        ),
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="term, md or json.")] = "term",
    directory: ProjectDir = Path("."),
) -> None:
    """Negotiation progress: per article the bracket groups, their options, whole-paragraph
    alternatives and paragraphs by status, with totals.

    Example: treatydraft status --against HEAD~1 --format md
    """
    from . import api

    project = _project(directory)
    _emit(_run(api.negotiation_status, project, against=against, fmt=fmt))


@app.command()
def table(
    fmt: Annotated[
        str,
        typer.Option("--format", help=formats.help_text("table")),
    ] = formats.names("table")[0],
    out: OutFile = None,
    by: Annotated[
        str,
        typer.Option(
            "--by",
            help="article: treaty provision → source; source: source provision → treaty provisions.",
        ),
    ] = "article",
    directory: ProjectDir = Path("."),
) -> None:
    """Correlation table: each treaty paragraph and point with its source provision, relation,
    share of words changed after substitutions and the rules applied; then the source
    provisions under coverage: in treatydraft.yml that no clause derives from.

    Example: treatydraft table --format docx --out correlation.docx
    """
    from . import api

    _run(api.table_args, fmt, by, out)
    _out_path(out, "table", fmt)  # --out -: refused for docx; html (a text format) may go to stdout
    project = _project(directory)
    _emit(_run(api.table, project, fmt, by=by, out=out))


@app.command()
def export(
    fmt: Annotated[str, typer.Option("--format", help=formats.help_text("export"))] = formats.names(
        "export"
    )[0],
    out: OutFile = None,
    directory: ProjectDir = Path("."),
) -> None:
    """Export the assembled draft as an Akoma Ntoso 3.0 act, valid against the official schema,
    with each paragraph's provenance in its metadata.

    Example: treatydraft export --format akn --out build/draft.akn.xml
    """
    from . import api

    _run(formats.get, "export", fmt)
    out = _out_path(out, "export", fmt)
    project = _project(directory)
    _emit(_run(api.export, project, fmt, out=out))


amend_app = typer.Typer(rich_markup_mode=None)
app.add_typer(amend_app, name="amend")


@amend_app.callback(invoke_without_command=True)
def amend(
    ctx: typer.Context,
    against: Annotated[
        str | None,
        typer.Option(
            "--against",
            metavar="REV|DIR",
            help="The earlier draft: an existing directory (another project) or a git revision of this project, e.g. HEAD~1.",
            show_default=False,
        ),
    ] = None,
    style: Annotated[str, typer.Option("--style", help="un or eu.")] = "un",
    fmt: Annotated[
        str, typer.Option("--format", help="term, md, json, docx (needs --out) or akn.")
    ] = "term",
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", help="Write to this file (atomically) instead of stdout.", show_default=False
        ),
    ] = None,
    proposer: Annotated[
        str | None,
        typer.Option(
            "--proposer",
            help="Who tables the amendments (e.g. a delegation code).",
            show_default=False,
        ),
    ] = None,
    directory: ProjectDir = Path("."),
) -> None:
    """Numbered instructions that turn the earlier draft into the current one.

    Words replaced, deleted or inserted; whole paragraphs and points replaced (when more
    than amend_threshold of their words changed), inserted or deleted; articles inserted
    or deleted; the renumbering that follows. The instructions are read back and applied
    to the earlier draft before anything is printed: a mismatch exits 2.

    Example: treatydraft amend --against HEAD~1 --style un --format md --out amendments.md
    """
    if ctx.invoked_subcommand is not None:
        return
    from . import api

    _run(api.amend_args, against)
    project = _project(directory)
    _emit(_run(api.amend, project, against, style=style, fmt=fmt, out=out, proposer=proposer))


@amend_app.command("apply")
def amend_apply(
    file: Annotated[
        Path,
        typer.Argument(
            help="An amendment list (term, md or json), as written by 'amend' or edited by hand."
        ),
    ],
    check: Annotated[
        bool, typer.Option("--check", help="Check that every instruction applies; write nothing.")
    ] = False,
    directory: ProjectDir = Path("."),
) -> None:
    """Apply amendment instructions to the clause files.

    Every instruction must anchor (its words there, once, or with "where it first occurs"
    / "each time it occurs"); otherwise one error line per instruction and nothing is
    written. Untouched lines of clause files keep their comments, quotes and layout.

    Example: treatydraft amend apply amendments.md --check
    """
    from . import api

    project = _project(directory)
    result = _run(api.amend_apply, project, file, check=check)
    for verb, rel in result.changed:
        typer.echo(f"would have {verb} {rel}" if result.check else f"{verb} {rel}")
    if not result.changed:
        typer.echo("nothing to change")
    raise typer.Exit(result.exit_code)


def _on_terminate(signum, _frame) -> None:
    """SIGTERM ends the run like Ctrl-C: ``finally`` blocks run, so a write in progress removes
    its temporary file and worker processes are ended."""
    raise SystemExit(128 + signum)


def _prepare_streams() -> None:
    """A stdout or stderr that cannot encode a character (``PYTHONIOENCODING=cp1252``, a
    Windows console) shows it as an escape (``\\u2014``) instead of crashing."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(errors="backslashreplace")  # type: ignore[union-attr]
        except (AttributeError, ValueError):
            pass


def main() -> None:
    import signal

    _prepare_streams()
    signal.signal(signal.SIGTERM, _on_terminate)
    try:
        app()
    except KeyboardInterrupt:
        _err("treatydraft: interrupted")
        sys.exit(130)


if __name__ == "__main__":  # pragma: no cover
    main()
