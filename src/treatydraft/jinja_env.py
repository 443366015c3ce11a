"""The one Jinja2 environment factory (§7, §9).

* :class:`~jinja2.sandbox.ImmutableSandboxedEnvironment` with
  :class:`~jinja2.StrictUndefined`: a template cannot reach Python internals,
  mutate the context, or silently print nothing for a misspelt name.
* Autoescape on for HTML templates only (``*.html``, ``*.htm``, ``*.html.j2``…).
* :class:`SafeLoader` searches the project's ``templates/`` first and the
  package's built-ins last, and refuses every name that is absolute, contains
  ``..`` or a backslash, or whose *real* path (symlinks resolved) is not inside
  the folder it was found in.
* :func:`render_template` turns every template failure into one diagnostic,
  ``templates/<name>:<line>:1: error[template]: <message>``, raised as
  :class:`~treatydraft.errors.InputError` (exit 2).

This module imports jinja2; the renderers import it inside their functions, so
``treatydraft --help`` stays fast.
"""

from __future__ import annotations

import os
import traceback
from pathlib import Path

from jinja2 import (
    BaseLoader,
    StrictUndefined,
    TemplateNotFound,
    TemplatesNotFound,
    TemplateSyntaxError,
    select_autoescape,
)
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

from .diagnostics import Diagnostic
from .errors import InputError

BUILTIN_DIR = str(Path(__file__).resolve().parent / "templates")
MAX_TEMPLATE_BYTES = 1 << 20  # a template bigger than 1 MiB is refused
MAX_SEQUENCE = 10_000_000  # longest string/list a template may build with * or **

_HTML_EXTENSIONS = ("html", "htm", "xhtml", "html.j2", "htm.j2", "xhtml.j2")


class _Env(ImmutableSandboxedEnvironment):
    """The sandbox, plus a cap on the size of what ``*`` and ``**`` can build."""

    intercepted_binops = frozenset(["*", "**"])

    def call_binop(self, context, operator, left, right):
        if operator == "**":
            if isinstance(right, int) and abs(right) > 1000:
                raise SecurityError("template resource limit: exponent too large")
            return left**right
        if isinstance(left, int) and isinstance(right, (str, list, tuple)):
            left, right = right, left
        if (
            isinstance(left, (str, list, tuple))
            and isinstance(right, int)
            and len(left) * right > MAX_SEQUENCE
        ):
            raise SecurityError("template resource limit: the result of * would be too large")
        return left * right


def make_env(template_dirs: tuple[str, ...] | list[str] = ()):
    """A sandboxed environment searching ``template_dirs`` (project) then the built-ins."""
    dirs = [d for d in template_dirs if d and os.path.isdir(d)] + [BUILTIN_DIR]
    return _Env(
        loader=SafeLoader(dirs),
        undefined=StrictUndefined,
        autoescape=select_autoescape(
            enabled_extensions=_HTML_EXTENSIONS,
            disabled_extensions=(),
            default_for_string=False,
            default=False,
        ),
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )


class TemplateEscape(Exception):
    """A template name that points outside the template folders."""


def _inside(path: str, folder: str) -> bool:
    try:
        return os.path.commonpath([path, folder]) == folder
    except ValueError:  # different drives
        return False


def _check_name(name: str) -> list[str]:
    if not isinstance(name, str) or not name:
        raise TemplateEscape(f"'{name}' is not a template name")
    if (
        "\\" in name
        or "\x00" in name
        or name.startswith("/")
        or os.path.isabs(name)
        or (len(name) > 1 and name[1] == ":")
    ):
        raise TemplateEscape(
            f"template '{name}' is outside the template folders (absolute paths are refused)"
        )
    parts = [p for p in name.split("/") if p not in ("", ".")]
    if any(p == ".." for p in parts):
        raise TemplateEscape(f"template '{name}' is outside the template folders ('..' is refused)")
    if not parts:
        raise TemplateEscape(f"'{name}' is not a template name")
    return parts


class SafeLoader(BaseLoader):
    """Jinja loader over a search path that never leaves its folders (symlinks resolved)."""

    def __init__(self, dirs: list[str]):
        self.dirs = [os.path.realpath(d) for d in dirs]

    def get_source(self, environment, template: str):
        parts = _check_name(template)
        for folder in self.dirs:
            candidate = os.path.join(folder, *parts)
            if not os.path.lexists(candidate):
                continue
            real = os.path.realpath(candidate)
            if not _inside(real, folder):
                raise TemplateEscape(
                    f"template '{template}' resolves outside the template folders (symlink to {real} refused)"
                )
            if not os.path.isfile(real):
                continue
            size = os.path.getsize(real)
            if size > MAX_TEMPLATE_BYTES:
                raise TemplateEscape(
                    f"template '{template}' is {size} bytes; the limit is {MAX_TEMPLATE_BYTES}"
                )
            with open(real, "rb") as fh:
                data = fh.read(MAX_TEMPLATE_BYTES + 1)
            try:
                source = data.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise TemplateEscape(
                    f"template '{template}' is not UTF-8 (byte {exc.start})"
                ) from None
            return source, real, lambda: True
        raise TemplateNotFound(template)

    def list_templates(self):
        out = set()
        for folder in self.dirs:
            for root, _dirs, files in os.walk(folder):
                for f in files:
                    out.add(os.path.relpath(os.path.join(root, f), folder).replace(os.sep, "/"))
        return sorted(out)


def _display(
    filename: str | None, name: str | None, dirs: list[str], project_root: str | None
) -> str:
    """A template's path for a diagnostic: project-relative when possible."""
    if filename:
        real = os.path.realpath(filename)
        if project_root:
            root = os.path.realpath(project_root)
            if _inside(real, root):
                return os.path.relpath(real, root).replace(os.sep, "/")
        if _inside(real, os.path.realpath(BUILTIN_DIR)):
            return "treatydraft/templates/" + os.path.relpath(
                real, os.path.realpath(BUILTIN_DIR)
            ).replace(os.sep, "/")
        return real
    return f"templates/{name}" if name else "templates"


def _message(exc: BaseException) -> str:
    if isinstance(exc, TemplatesNotFound):
        return f"none of the templates {', '.join(repr(n) for n in exc.templates)} exists in the template folders"
    if isinstance(exc, TemplateNotFound):
        return (
            f"template '{exc.name}' not found in the project's templates/ or the built-in templates"
        )
    if isinstance(exc, TemplateSyntaxError):
        return exc.message or "syntax error"
    if isinstance(exc, TemplateEscape):
        return str(exc)
    msg = str(exc) or type(exc).__name__
    if isinstance(exc, RecursionError):
        msg = "templates include each other without end"
    name = type(exc).__name__
    if name in (
        "UndefinedError",
        "SecurityError",
        "TemplateRuntimeError",
        "TemplateAssertionError",
    ):
        return msg
    return f"{name}: {msg}"


def template_error(exc: BaseException, name: str, env, project_root: str | None) -> InputError:
    """One ``error[template]`` diagnostic for a failure while loading or rendering ``name``."""
    dirs = env.loader.dirs if isinstance(env.loader, SafeLoader) else []
    filename, line = None, 1
    if isinstance(exc, TemplateSyntaxError):
        filename, line = exc.filename, exc.lineno or 1
        if not filename and exc.name:
            name = exc.name
    else:
        # the innermost frame that belongs to a template file (jinja rewrites them to template lines)
        for frame in traceback.extract_tb(exc.__traceback__):
            f = frame.filename
            if f and any(_inside(os.path.realpath(f), d) for d in dirs):
                filename, line = f, frame.lineno or 1
    path = _display(filename, name, dirs, project_root)
    return InputError([Diagnostic(path, line, 1, "error", "template", _message(exc))])


#: Limits for rendering a project's own templates, which may come from another delegation.
RENDER_CPU_SECONDS = 8
RENDER_WALL_SECONDS = 10
RENDER_MEMORY_BYTES = 1 << 30  # address space the rendering may add to the process
MAX_OUTPUT_BYTES = 256 << 20


def render_template(
    name: str, context: dict, template_dirs=(), project_root: str | None = None
) -> str:
    """Render ``name`` (project template first, then built-in) with ``context``.

    Raises :class:`~treatydraft.errors.InputError` with one ``template`` diagnostic on any
    template failure: syntax error, undefined name, sandbox violation, a missing or
    escaping include, an exception inside the template, or a template that exceeds its
    resource limits (``template resource limit``).

    When the project's template folders override a built-in template, rendering runs in a
    child process (forked on Linux and macOS, spawned on Windows: :mod:`.osplatform`) with
    CPU-time and memory limits where the OS enforces them and a wall-clock deadline, so a
    hostile template can neither hang nor exhaust the tool; the built-in templates render
    in-process.
    """
    dirs = tuple(d for d in template_dirs if d and os.path.isdir(d) and os.listdir(d))
    if project_root:
        root = os.path.realpath(project_root)
        for d in dirs:
            if not _inside(os.path.realpath(d), root):
                shown = (
                    os.path.relpath(d, project_root)
                    if _inside(os.path.abspath(d), os.path.abspath(project_root))
                    else d
                )
                raise InputError(
                    [
                        Diagnostic(
                            shown,
                            1,
                            1,
                            "error",
                            "template",
                            f"the template folder resolves outside the project (to {os.path.realpath(d)}); refused",
                        )
                    ]
                )
    dirs = tuple(d for d in dirs if _overrides_builtin(d, name))
    if dirs:
        return _render_limited(name, context, dirs, project_root)
    return _render(name, context, dirs, project_root)


def _overrides_builtin(folder: str, name: str) -> bool:
    """Whether ``folder`` holds ``name`` or a file with a built-in template's name: only
    then can a project's file be loaded at all (the built-ins include only built-in names),
    so only then is the sandbox process needed (``init``'s ``templates/README.md`` is not)."""
    names = {n for n in os.listdir(BUILTIN_DIR) if n.endswith(".j2")} | {name}
    return any(os.path.lexists(os.path.join(folder, n)) for n in names)


def _render(name: str, context: dict, template_dirs, project_root: str | None) -> str:
    env = make_env(tuple(template_dirs))
    try:
        template = env.get_template(name)
        return template.render(context)
    except (InputError, MemoryError):
        raise  # a MemoryError is the sandbox's memory limit: reported as such by the caller
    except (Exception, RecursionError) as exc:  # noqa: BLE001 - every template failure becomes a diagnostic
        raise template_error(exc, name, env, project_root) from None


def _limit_error(name: str, project_root: str | None, what: str) -> InputError:
    path = f"templates/{name}" if project_root else name
    return InputError(
        [
            Diagnostic(
                path,
                1,
                1,
                "error",
                "template",
                f"template resource limit: {what}; nothing was written",
            )
        ]
    )


def _render_limited(name: str, context: dict, template_dirs, project_root: str | None) -> str:
    from . import osplatform

    if osplatform.sandbox_start_method() == "spawn":
        return _render_spawned(name, context, template_dirs, project_root)
    return _render_forked(name, context, template_dirs, project_root)


def _sandboxed_result(name: str, context: dict, template_dirs, project_root: str | None):
    """In the sandbox child: apply the limits, render, return what to send back."""
    from . import osplatform

    osplatform.limit_process(RENDER_CPU_SECONDS, RENDER_MEMORY_BYTES)
    try:
        return ("ok", _render(name, context, template_dirs, project_root))
    except InputError as exc:
        return ("error", exc.diagnostics)
    except MemoryError:
        return ("limit", f"rendering needed more than {RENDER_MEMORY_BYTES >> 20} MiB of memory")


def _pickled_result(name: str, context: dict, template_dirs, project_root: str | None) -> bytes:
    import pickle

    result = _sandboxed_result(name, context, template_dirs, project_root)
    try:
        return pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
    except MemoryError:
        return pickle.dumps(("limit", "the rendered output is too large"))


def _unpickle_result(payload: bytes, name: str, project_root: str | None) -> str:
    import pickle

    kind, value = pickle.loads(payload)
    if kind == "ok":
        return value
    if kind == "error":
        raise InputError(value)
    raise _limit_error(name, project_root, value)


def _spawned_child(conn, name: str, context: dict, template_dirs, project_root) -> None:
    """The spawned sandbox (Windows): render and send the pickled result."""
    try:
        conn.send_bytes(_pickled_result(name, context, template_dirs, project_root))
    finally:
        conn.close()


def _render_spawned(name: str, context: dict, template_dirs, project_root: str | None) -> str:
    """The sandbox where there is no ``fork`` (Windows): a spawned process, a wall-clock
    deadline and an output cap (Windows has no ``resource`` limits)."""
    import multiprocessing

    ctx = multiprocessing.get_context("spawn")
    receiver, sender = ctx.Pipe(duplex=False)
    proc = ctx.Process(
        target=_spawned_child,
        args=(sender, name, context, tuple(template_dirs), project_root),
        daemon=True,
    )
    proc.start()
    sender.close()
    problem = None
    payload = b""
    try:
        # the child's interpreter start-up counts against the deadline too: allow for it
        if not receiver.poll(RENDER_WALL_SECONDS + 5):
            problem = f"rendering took longer than {RENDER_WALL_SECONDS} s"
        else:
            try:
                payload = receiver.recv_bytes(MAX_OUTPUT_BYTES)
            except EOFError:
                problem = "rendering failed in its sandbox process"
            except OSError:  # longer than maxlength
                problem = f"the rendered output is larger than {MAX_OUTPUT_BYTES >> 20} MiB"
    finally:
        receiver.close()
        if problem:
            proc.kill()
        proc.join()
    if problem is not None:
        raise _limit_error(name, project_root, problem)
    return _unpickle_result(payload, name, project_root)


def _render_forked(name: str, context: dict, template_dirs, project_root: str | None) -> str:
    import select
    import signal
    import time

    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: limits, render, send the result, exit without cleanup
        status = 0
        try:
            # dies on Ctrl-C and SIGTERM whatever its parent does with them (a check or build
            # worker ignores Ctrl-C, and a worker's SIGTERM handler must not run here)
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            os.close(read_fd)
            view = memoryview(_pickled_result(name, context, template_dirs, project_root))
            while view:
                view = view[os.write(write_fd, view) :]
        except BaseException:  # noqa: BLE001 - the child must never return into the caller
            status = 1
        finally:
            os._exit(status)
    os.close(write_fd)
    chunks, size = [], 0
    deadline = time.monotonic() + RENDER_WALL_SECONDS
    problem = None
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                problem = f"rendering took longer than {RENDER_WALL_SECONDS} s"
                break
            ready, _, _ = select.select([read_fd], [], [], left)
            if not ready:
                continue
            chunk = os.read(read_fd, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
            if size > MAX_OUTPUT_BYTES:
                problem = f"the rendered output is larger than {MAX_OUTPUT_BYTES >> 20} MiB"
                break
    finally:
        os.close(read_fd)
        if problem:
            os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
    if problem is None and os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        problem = (
            f"rendering used more than {RENDER_CPU_SECONDS} s of CPU"
            if sig in (signal.SIGXCPU, signal.SIGKILL)
            else f"rendering was stopped by signal {sig}"
        )
    if problem is None and not chunks:
        problem = "rendering failed in its sandbox process"
    if problem is not None:
        raise _limit_error(name, project_root, problem)
    return _unpickle_result(b"".join(chunks), name, project_root)
