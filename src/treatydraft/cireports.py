"""``check`` reports for CI systems: paths as the CI sees them, and GitLab Code Quality.

A project can live in a subfolder of the repository (``treaty/treatydraft.yml``). Its
diagnostics name files relative to the project (``clauses/x.yaml``); GitHub annotations
and GitLab Code Quality entries must name them relative to the repository root, or they
land on no file. :func:`for_ci` rebases the paths onto the CI's checkout folder
(``GITHUB_WORKSPACE``, ``CI_PROJECT_DIR``), or the current folder elsewhere.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import replace
from pathlib import Path

from .diagnostics import Diagnostic

#: --format values that rebase paths, and the variable naming the checkout folder
CI_FORMATS = {"github": "GITHUB_WORKSPACE", "gitlab": "CI_PROJECT_DIR"}


def base_folder(fmt: str) -> Path:
    """The folder the CI resolves annotation paths against."""
    return Path(os.environ.get(CI_FORMATS[fmt]) or os.getcwd())


def rebase(diagnostics: list[Diagnostic], root: Path, base: Path) -> list[Diagnostic]:
    """Paths relative to the project ``root`` → relative to ``base``, with ``/``.
    Left as they are when the project is not inside ``base``."""
    try:
        prefix = root.resolve().relative_to(base.resolve())
    except ValueError:
        return diagnostics
    if prefix == Path("."):
        return diagnostics
    return [replace(d, path=(prefix / d.path).as_posix()) for d in diagnostics]


def gitlab(diagnostics: list[Diagnostic]) -> str:
    """GitLab Code Quality report (a JSON array, the subset of the Code Climate format
    GitLab reads): ``description``, ``check_name``, ``fingerprint``, ``severity``,
    ``location.path``, ``location.lines.begin``. The fingerprint leaves out the line, so
    a finding keeps its identity when lines above it move."""
    seen: dict[str, int] = {}
    out = []
    for d in diagnostics:
        key = f"{d.path}\0{d.code}\0{d.message}"
        n = seen.get(key, 0)
        seen[key] = n + 1
        out.append(
            {
                "description": d.message,
                "check_name": d.code,
                "fingerprint": hashlib.sha256(f"{key}\0{n}".encode()).hexdigest(),
                "severity": "major" if d.severity == "error" else "minor",
                "location": {"path": d.path, "lines": {"begin": d.line}},
            }
        )
    return json.dumps(out, ensure_ascii=False, indent=2)


def for_ci(diagnostics: list[Diagnostic], fmt: str, start: str | Path) -> list[Diagnostic]:
    """``diagnostics`` of the project found from ``start``, rebased for ``fmt``'s CI."""
    from .errors import ProjectNotFound
    from .loading.project import find_root

    try:
        root = Path(find_root(start))
    except ProjectNotFound:
        return diagnostics
    return rebase(diagnostics, root, base_folder(fmt))
