"""``treatydraft pin``: write or refresh the ``pin:`` hash of each derived paragraph."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import NamedTuple

from .diagnostics import Diagnostic, Report
from .errors import FileChangedOnDisk, UsageError
from .model import Project
from .text import pin_hash


class PinResult(NamedTuple):
    """The files whose pins changed and the problems found (unpacks as ``changed, report``)."""

    changed: list[str]
    report: Report

    @property
    def exit_code(self) -> int:
        return self.report.exit_code()


def pin(project: Project, clause_ids: list[str] | None = None) -> PinResult:
    """Write or refresh ``pin:`` hashes. Returns the files changed and any problems.

    Items whose provenance cannot be resolved are reported and left unpinned.
    """
    from .fsio import write_atomic
    from .loading.writer import set_pins
    from .negotiation.locks import apply_locks, locks
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
        ) and not locks(clause):
            continue
        path = root / clause.path
        old = path.read_bytes()
        if hashlib.sha256(old).hexdigest() != clause.digest:
            raise FileChangedOnDisk(clause.path)
        new = apply_locks(set_pins(old, clause, pins), clause)
        if new != old:
            writes.append((path, new, old, clause.path))
    for path, new, old, _rel in writes:
        write_atomic(path, new, expect=old)
    return PinResult([rel for *_, rel in writes], report)
