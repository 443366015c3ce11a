"""The tool's exception tree. Messages are built in the constructors."""

from __future__ import annotations

from .diagnostics import Diagnostic


class TreatyDraftError(Exception):
    """Base of every error the tool raises on purpose."""

    exit_code = 2


class InputError(TreatyDraftError):
    """Input that cannot be loaded; carries the diagnostics that say why."""

    def __init__(self, diagnostics: list[Diagnostic]):
        self.diagnostics = list(diagnostics)
        super().__init__("\n".join(d.format() for d in self.diagnostics))


class Findings(InputError):
    """Findings that stop a command from writing its output (exit 1)."""

    exit_code = 1


class ProjectNotFound(TreatyDraftError):
    def __init__(self, start: str):
        self.start = start
        super().__init__(
            f"no treatydraft.yml found in {start} or any parent directory (use -C DIR)"
        )


class UsageError(TreatyDraftError):
    """A command line that names something that does not exist."""


class FileChangedOnDisk(TreatyDraftError):
    def __init__(self, path: str):
        self.path = path
        super().__init__(
            f"{path}:1:1: error[file-changed-on-disk]: the file changed on disk after it was read; not overwritten"
        )


class InternalError(TreatyDraftError):
    """A self-check of the tool failed (e.g. a redline that does not rebuild its inputs)."""


class OutputRefused(TreatyDraftError):
    """An output path the tool will not write: not a plain file, or one of the project's inputs."""

    def __init__(self, path: str, why: str):
        self.path = path
        super().__init__(f"{path}:1:1: error[output-refused]: {why}; nothing written")
