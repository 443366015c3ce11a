"""``treatydraft new``: a clause file whose text is copied from a source, verbatim and pinned."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import addresses
from .errors import UsageError
from .lookup import lookup
from .model import Project, SourceNode
from .text import pin_hash


@dataclass(frozen=True)
class NewClauseResult:
    clause_id: str
    path: str  # the new file, relative to the project
    exit_code: int = 0


CLAUSE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*(?:/[A-Za-z0-9][A-Za-z0-9_-]*)*")


def new_clause(
    project: Project, clause_id: str, ref: str, *, title: str | None = None
) -> NewClauseResult:
    """Create ``clauses/<id>.yaml`` with the text at ``ref``, verbatim and pinned."""
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
        d: dict[str, Any] = {
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
    return NewClauseResult(clause_id, rel)
