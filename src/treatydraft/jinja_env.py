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
from typing import Any

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

    When the project has template folders, rendering runs in a forked child process with
    CPU-time and memory limits and a wall-clock deadline, so a hostile template can
    neither hang nor exhaust the tool; the built-in templates render in-process.
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
    if dirs and hasattr(os, "fork"):
        return _render_limited(name, context, dirs, project_root)
    return _render(name, context, dirs, project_root)


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
    import pickle
    import resource
    import select
    import signal
    import time

    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: limits, render, send the result, exit without cleanup
        status = 0
        try:
            os.close(read_fd)
            resource.setrlimit(resource.RLIMIT_CPU, (RENDER_CPU_SECONDS, RENDER_CPU_SECONDS + 1))
            with open("/proc/self/statm") as fh:
                vsize = int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
            limit = vsize + RENDER_MEMORY_BYTES
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
            result: tuple[str, Any]
            try:
                result = ("ok", _render(name, context, template_dirs, project_root))
            except InputError as exc:
                result = ("error", exc.diagnostics)
            except MemoryError:
                result = (
                    "limit",
                    f"rendering needed more than {RENDER_MEMORY_BYTES >> 20} MiB of memory",
                )
            try:
                payload = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
            except MemoryError:
                payload = pickle.dumps(("limit", "the rendered output is too large"))
            view = memoryview(payload)
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
    kind, value = pickle.loads(b"".join(chunks))
    if kind == "ok":
        return value
    if kind == "error":
        raise InputError(value)
    raise _limit_error(name, project_root, value)
