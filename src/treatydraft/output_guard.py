"""Where an output may go: never over a device, pipe, symbolic link or project input (§9).

``--out`` names a file the tool replaces atomically. Replacing ``/dev/null`` (as root),
following a symbolic link out of the project, blocking on a named pipe or overwriting a
clause the drafters wrote are all refused before anything is rendered.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from .errors import OutputRefused
from .model import Project


def _kind(mode: int) -> str | None:
    """What a non-plain file is, or None for a plain file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISLNK(mode):
        return "is a symbolic link"
    if stat.S_ISDIR(mode):
        return "is a folder; give a file name"
    if stat.S_ISFIFO(mode):
        return "is a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "is a device"
    return "is not a plain file (a socket?)"


def refuse_special(path: str | Path) -> None:
    """Raise :class:`OutputRefused` when ``path`` exists and is not a plain file (not followed)."""
    try:
        st = os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):
        return
    why = _kind(st.st_mode)
    if why is not None and not stat.S_ISDIR(st.st_mode):  # a folder: "give a file name"
        raise OutputRefused(str(path), f"{why}; outputs replace only plain files")


def project_inputs(project: Project) -> list[str]:
    """The paths (joined to the project folder, not resolved) of every file the project is
    read from."""
    root = str(project.root)
    config = project.config_path or "treatydraft.yml"
    paths = [os.path.join(root, config)]
    paths += [os.path.join(root, c.path) for c in project.clauses.values()]
    paths += [os.path.join(root, s.path) for s in project.sources.values()]
    templates = Path(root) / "templates"
    if templates.is_dir() and not templates.is_symlink():
        paths += [str(p) for p in templates.rglob("*") if p.is_file()]
    return paths


def is_input(project: Project, target: Path) -> bool:
    """Whether ``target`` (resolved) is a file the project is read from. Only the inputs that
    could resolve to it are resolved: those of the same name, and symbolic links (an input
    that is neither resolves to a path ending in its own name)."""
    name = target.name
    return any(
        Path(p).resolve() == target
        for p in project_inputs(project)
        if os.path.basename(p) == name or os.path.islink(p)
    )


def check_output(project: Project | None, path: str | Path) -> None:
    """Refuse ``path`` as an output when it is special (see :func:`refuse_special`) or when it
    is one of the project's inputs (its ``treatydraft.yml``, a clause, a source, a template)."""
    refuse_special(path)
    if project is None or not isinstance(project.root, (str, os.PathLike)):
        return
    if is_input(project, Path(path).resolve()):
        raise OutputRefused(
            str(path),
            "is an input of the project (its treatydraft.yml, a clause, a source or a template)",
        )


def check_build_folder(project: Project, out_dir: Path, default: bool) -> None:
    """The default ``build/`` folder must be a real folder inside the project (not a symbolic
    link, pipe or file); any output folder must not be a project input folder."""
    if default:
        try:
            st = os.lstat(out_dir)
        except FileNotFoundError:
            return
        if not stat.S_ISDIR(st.st_mode):
            why = _kind(st.st_mode) or "is a file"
            raise OutputRefused(str(out_dir), f"{why}, not the project's build folder")
        return
    root = Path(project.root)
    inputs = [root / "clauses", root / (project.sources_dir or "sources"), root / "templates"]
    real = out_dir.resolve()
    if any(real == folder.resolve() for folder in inputs):
        raise OutputRefused(
            str(out_dir), "is a folder the project is read from (clauses, sources or templates)"
        )
