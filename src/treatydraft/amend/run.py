"""The `amend` use cases: instructions from the earlier draft to this one, and applying a file
of instructions to this project. Both check their own work before anything is written."""

from __future__ import annotations

from pathlib import Path

from ..diagnostics import Diagnostic
from ..errors import InputError, InternalError, UsageError
from ..model import Project
from .doc import Doc, from_draft, shape
from .instructions import ApplyError, apply, describe_ref, generate

STYLES = ("un", "eu")
FORMATS = ("term", "md", "json", "docx", "akn")
MAX_FILE = 2 * 1024 * 1024


def draft_doc(project: Project) -> Doc:
    from ..assemble import assemble

    return from_draft(assemble(project))


def earlier(project: Project, against: str) -> Project:
    from ..redline.against import load_directory, load_revision, resolve_against

    if against == "source":
        raise UsageError(
            "amend compares two drafts: --against needs a git revision or a project directory"
        )
    mode, value = resolve_against(project, against)
    return load_directory(value) if mode == "dir" else load_revision(project, value)


def _first_difference(got: Doc, want: Doc) -> str:
    a, b = shape(got), shape(want)
    if len(a) != len(b):
        return f"{len(a) - 2} articles instead of {len(b) - 2}"
    for n, (x, y) in enumerate(zip(a, b)):
        if x != y:
            name = f"article {n}" if y[0] == "article" else f"the {y[0]}"
            return f"{name} differs"
    return "the texts differ"


def _hint(old: Doc, new: Doc) -> str:
    """A known limit the drafts run into, if any."""
    for doc in (old, new):
        for part in doc:
            stack = list(part.items)
            texts = [part.title or ""]
            while stack:
                u = stack.pop()
                texts.append(u.text)
                stack.extend(u.items)
            if any("\n" in t or "\r" in t for t in texts):
                return " (texts with line breaks cannot be quoted in instructions yet)"
    return ""


def check_roundtrip(text: str, markdown: bool, old: Doc, new: Doc, where: str) -> None:
    """The invariant: the instructions as written, read back and applied to the earlier
    draft, give exactly the current one; else :class:`InternalError`."""
    from .grammar import GrammarError, parse

    try:
        got = apply(old, parse(text, old, markdown=markdown))
    except (GrammarError, ApplyError) as exc:
        raise InternalError(
            f"{where}:1:1: error[internal]: the generated instructions do not read back and apply ({exc}){_hint(old, new)}; nothing written"
        ) from None
    if shape(got) != shape(new):
        raise InternalError(
            f"{where}:1:1: error[internal]: the generated instructions do not turn the earlier draft into the current one ({_first_difference(got, new)}){_hint(old, new)}; nothing written"
        )


def amend(
    project: Project,
    against: str,
    *,
    style: str = "un",
    fmt: str = "term",
    out: str | Path | None = None,
    proposer: str | None = None,
    other: Project | None = None,
) -> str | bytes:
    """The amendment list turning the draft at ``against`` into this one, verified; with
    ``out``, also written atomically."""
    from . import formats
    from .grammar import render

    if style not in STYLES:
        raise UsageError(f"--style must be one of {', '.join(STYLES)}, not '{style}'")
    if fmt not in FORMATS:
        raise UsageError(f"--format must be one of {', '.join(FORMATS)}, not '{fmt}'")
    if fmt == "docx" and out is None:
        raise UsageError("--format docx writes a file; give --out FILE.docx")
    known = project.delegations
    if proposer is not None and known and proposer not in known:
        raise UsageError(
            f"--proposer '{proposer}' is not under delegations: in treatydraft.yml"
            f" ({', '.join(sorted(known))})"
        )
    if other is None:
        other = earlier(project, against)
    old, new = draft_doc(other), draft_doc(project)
    rendered = render(generate(old, new, project.amend_threshold), old, style)
    where = str(out) if out is not None else "<amendments>"
    meta: dict = dict(title=project.title, against=against, style=style, proposer=proposer)
    text = formats.term(rendered, **meta)
    check_roundtrip(text, False, old, new, where)
    data: str | bytes
    if fmt in ("term", "md", "json"):
        data = formats.FORMATS[fmt](rendered, **meta)
        plain, markdown = formats.text_of(data, str(out or ""))
        check_roundtrip(plain, markdown, old, new, where)
    elif fmt == "docx":
        from .docx import render_docx

        data = render_docx(rendered, **meta)
    else:
        from .akn import render_akn

        data = render_akn(rendered, project=project, **meta)
    if out is not None:
        from ..fsio import write_atomic

        write_atomic(out, data if isinstance(data, bytes) else data.encode("utf-8"))
    return data


def read_instructions(project: Project, file: str | Path):
    """(old doc, instructions) of an amendment file, or :class:`InputError` lines."""
    from . import formats
    from .grammar import GrammarError, parse

    path = Path(file)
    shown = str(file)
    try:
        size = path.stat().st_size
        if size > MAX_FILE:
            raise InputError(
                [
                    Diagnostic(
                        shown,
                        1,
                        1,
                        "error",
                        "too-large",
                        f"the file is {size} bytes; the limit is {MAX_FILE}",
                    )
                ]
            )
        raw = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read {shown}: {exc.strerror}") from None
    try:
        data = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        message = f"not UTF-8 (byte {exc.start}); save the file as UTF-8"
        raise InputError([Diagnostic(shown, line, 1, "error", "encoding", message)]) from None
    try:
        text, markdown = formats.text_of(data, shown)
    except RecursionError:
        raise InputError(
            [Diagnostic(shown, 1, 1, "error", "amend-grammar", "JSON nested too deeply")]
        ) from None
    except ValueError as exc:
        raise InputError([Diagnostic(shown, 1, 1, "error", "amend-grammar", str(exc))]) from None
    old = draft_doc(project)
    try:
        instructions = parse(text, old, markdown=markdown)
    except GrammarError as exc:
        raise InputError(
            [
                Diagnostic(
                    shown, exc.line, 1, "error", "amend-grammar", f"instruction {exc.number}: {exc}"
                )
            ]
        ) from None
    if not instructions and formats.EMPTY not in text:
        raise InputError(
            [Diagnostic(shown, 1, 1, "error", "amend-grammar", "no instructions in the file")]
        )
    return old, instructions


def apply_file(project: Project, file: str | Path, *, check: bool = False) -> list[tuple[str, str]]:
    """Apply an amendment file to the clause files; returns ``("changed"|"created", path)``
    for each file written (or that would be, with ``check``). Nothing is written unless every instruction applies."""
    from .files import plan_writes

    old, instructions = read_instructions(project, file)
    try:
        new = apply(old, instructions)
    except ApplyError as exc:
        raise InputError(
            [
                Diagnostic(
                    str(file),
                    ins.line or 1,
                    1,
                    "error",
                    "amend-anchor",
                    f"instruction {ins.number} ({describe_ref(ins.part, ins.path)}) does not apply: {msg}",
                )
                for ins, msg in exc.problems
            ]
        ) from None
    writes = plan_writes(project, old, instructions, new)
    root = Path(project.root)
    done = [("changed" if before is not None else "created", rel) for rel, _, before in writes]
    if not check:
        from ..errors import FileChangedOnDisk
        from ..fsio import write_atomic

        for rel, data, before in writes:
            if before is None and (root / rel).exists():
                raise FileChangedOnDisk(rel)
            write_atomic(root / rel, data, expect=before)
    return done
