"""Diagnostics: one problem, one line (``path:line:col: severity[code]: message``).

A :class:`Report` collects every problem of a run so that a command can report
all of them before it exits (exit 2 for bad input, 1 for findings, 0 clean).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, replace
from typing import Literal, cast

Severity = Literal["error", "warning"]

#: Codes whose problems mean the input could not be loaded (exit 2), as opposed
#: to findings about loaded content (exit 1).
INPUT_CODES = frozenset(
    {
        "yaml-syntax",
        "yaml-tag",
        "yaml-alias",
        "yaml-merge-key",
        "yaml-directive",
        "yaml-multi-document",
        "yaml-duplicate-key",
        "yaml-too-deep",
        "yaml-indentation",
        "file-too-large",
        "encoding",
        "control-character",
        "empty-file",
        "schema",
        "unknown-key",
        "wrong-type",
        "missing-key",
        "source-syntax",
        "no-project",
        "io",
        "template",
        "usage",
        "unbalanced-bracket",
        "bracket-limit",
    }
)


#: Default level of each finding code; ``checks:`` in treatydraft.yml overrides it.
DEFAULT_LEVELS = {
    "unknown-source": "error",
    "bad-address": "error",
    "unknown-address": "error",
    "unknown-rule": "error",
    "verbatim-mismatch": "error",
    "adapted-over-budget": "error",
    "pin-mismatch": "error",
    "unpinned": "warning",
    "missing-clause": "error",
    "unused-clause": "warning",
    "duplicate-outline": "error",
    "dangling-reference": "error",
    "unused-rule": "warning",
    "control-in-text": "warning",
    "bidi-control": "warning",
    "invisible-character": "warning",
    "uncovered-provision": "warning",
    "check-budget": "error",
    "noncharacter": "error",
    "unknown-delegation": "error",
    "bracket-attribution-drift": "error",
    "agreed-text-changed": "error",
    "agreed-unpinned": "warning",
}


@dataclass(frozen=True, slots=True)
class Diagnostic:
    path: str
    line: int
    col: int
    severity: Severity
    code: str
    message: str

    def format(self) -> str:
        """The one line, with control characters from file names or text shown, not obeyed."""
        from .display import visible

        return visible(
            f"{self.path}:{self.line}:{self.col}: {self.severity}[{self.code}]: {self.message}"
        )

    def github(self) -> str:
        """A GitHub workflow annotation. Every property is escaped as GitHub's toolkit does
        (``%``, CR, LF, ``:`` and ``,``) and the message as data (``%``, CR, LF), so that a
        file name cannot end the property list, add a property or start another command."""
        from .display import github_data, github_property, visible

        kind = "error" if self.severity == "error" else "warning"
        props = ",".join(
            f"{name}={github_property(visible(str(value)))}"
            for name, value in (
                ("file", self.path),
                ("line", self.line),
                ("col", self.col),
                ("title", self.code),
            )
        )
        return f"::{kind} {props}::{github_data(visible(self.message))}"

    @property
    def is_input_error(self) -> bool:
        return self.severity == "error" and self.code in INPUT_CODES


@dataclass
class Report:
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def add(self, diag: Diagnostic) -> None:
        self.diagnostics.append(diag)

    def extend(self, diags: Iterable[Diagnostic]) -> None:
        self.diagnostics.extend(diags)

    def error(self, path: str, line: int, col: int, code: str, message: str) -> None:
        self.add(Diagnostic(path, line, col, "error", code, message))

    def warning(self, path: str, line: int, col: int, code: str, message: str) -> None:
        self.add(Diagnostic(path, line, col, "warning", code, message))

    def apply_levels(self, levels: dict[str, str]) -> None:
        """Re-level findings by code (``error``/``warning``/``ignore``) from the project config."""
        out = []
        for d in self.diagnostics:
            level = levels.get(d.code)
            if level is None or d.code in INPUT_CODES:
                out.append(d)
            elif level in ("error", "warning"):
                out.append(replace(d, severity=cast(Severity, level)))
        self.diagnostics = out

    def sorted(self) -> list[Diagnostic]:
        return sorted(self.diagnostics, key=lambda d: (d.path, d.line, d.col, d.code))

    @property
    def has_input_errors(self) -> bool:
        return any(d.is_input_error for d in self.diagnostics)

    @property
    def errors(self) -> int:
        return sum(d.severity == "error" for d in self.diagnostics)

    @property
    def warnings(self) -> int:
        return sum(d.severity == "warning" for d in self.diagnostics)

    def exit_code(self, strict: bool = False) -> int:
        if self.has_input_errors:
            return 2
        if self.errors or (strict and self.warnings):
            return 1
        return 0

    def render(self, fmt: str = "text") -> str:
        diags = self.sorted()
        if fmt == "json":
            import json

            from .display import json_safe

            return json_safe(
                json.dumps(
                    {
                        "schema": "treatydraft-check",  # docs/check-json.md
                        "version": 1,
                        "diagnostics": [asdict(d) for d in diags],
                        "errors": self.errors,
                        "warnings": self.warnings,
                    },
                    ensure_ascii=False,
                    indent=2,
                )
            )
        if fmt == "github":
            return "\n".join(d.github() for d in diags)
        if fmt == "gitlab":
            from .cireports import gitlab

            return gitlab(diags)
        return "\n".join(d.format() for d in diags)
