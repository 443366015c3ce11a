"""``treatydraft init``: a new project from the built-in skeleton, pinned."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .errors import UsageError


@dataclass(frozen=True)
class InitResult:
    created: list[str]  # the files written
    exit_code: int = 0


def init_project(directory: str | Path) -> InitResult:
    """Create a new project in ``directory`` from the built-in skeleton, pinned."""
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
    from .loading.project import load_project
    from .pinning import pin

    pin(load_project(target))
    return InitResult(created)
